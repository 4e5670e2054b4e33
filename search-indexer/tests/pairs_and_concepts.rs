//! One result per page and its translation; concept pages (theme, city) first; whole compounds
//! before pages that only have their parts (issue 14, "results people expect").

use std::sync::OnceLock;

use search_indexer::{write_index, Document, SearchIndex, SearchRequest, SearchResponse};

fn doc(url: &str, kind: &str, city: Option<&str>, title: &str, body: &str) -> Document {
    Document {
        url: url.to_string(),
        lang: if url.starts_with("/en/") { "en" } else { "ja" }.to_string(),
        kind: kind.to_string(),
        city: city.map(str::to_string),
        themes: if kind == "measure" {
            vec!["evaluation".to_string()]
        } else {
            Vec::new()
        },
        title: title.to_string(),
        body: body.to_string(),
        ..Default::default()
    }
}

fn docs() -> Vec<Document> {
    vec![
        doc(
            "/cities/a/measures/a-01/",
            "measure",
            Some("a"),
            "人事評価制度の運用",
            "人事評価を適正に運用し、評価結果を人材育成に活用します。",
        ),
        doc(
            "/en/cities/a/measures/a-01/",
            "measure",
            Some("a"),
            "Operating the personnel evaluation system",
            "Personnel evaluation (人事評価) is operated fairly and its results are used.",
        ),
        doc(
            "/cities/b/measures/b-01/",
            "measure",
            Some("b"),
            "管理職の育成と目標の共有",
            "管理職研修を実施し、管理職の管理能力を高め、組織の目標を共有し、管理職が部下を管理します。",
        ),
        doc(
            "/cities/c/measures/c-01/",
            "measure",
            Some("c"),
            "組織運営の徹底",
            "人事評価制度の業績評価を活用した目標管理によって、効果的な業務遂行を図ります。職員の能力を高める研修も行い、職場の課題を共有します。",
        ),
        doc("/themes/evaluation/", "theme", None, "人事評価", "人事評価"),
        doc(
            "/en/themes/evaluation/",
            "theme",
            None,
            "Personnel evaluation",
            "Personnel evaluation",
        ),
        doc(
            "/themes/diversity/",
            "theme",
            None,
            "多様性・女性活躍",
            "多様性・女性活躍",
        ),
        doc(
            "/cities/a/",
            "city",
            Some("a"),
            "大崎市",
            "大崎市人財育成アクションプラン。多様性を尊重し、人事評価を活用します。",
        ),
        doc(
            "/cities/a/measures/a-02/",
            "measure",
            Some("a"),
            "大崎市の多様性を尊重する職場づくり",
            "大崎市は多様性を尊重し、多様性のある職場をつくります。大崎市の職員の多様性を高めます。",
        ),
    ]
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("index");
            write_index(&docs(), &path).expect("write_index");
            let idx = SearchIndex::open(&path).expect("open");
            (dir, idx)
        })
        .1
}

fn search(q: &str, lang: Option<&str>) -> SearchResponse {
    index()
        .search(&SearchRequest {
            query: q.to_string(),
            lang: lang.map(str::to_string),
            limit: 100,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn urls(r: &SearchResponse) -> Vec<&str> {
    r.results.iter().map(|h| h.url.as_str()).collect()
}

#[test]
fn a_page_and_its_translation_are_one_result_counted_once() {
    for lang in [None, Some("ja"), Some("en")] {
        let r = search("人事評価", lang);
        let u = urls(&r);
        let measure: Vec<&&str> = u.iter().filter(|x| x.ends_with("/a-01/")).collect();
        assert_eq!(measure.len(), 1, "{lang:?}: {u:?}");
        let themes: Vec<&&str> = u.iter().filter(|x| x.contains("/evaluation/")).collect();
        assert_eq!(themes.len(), 1, "{lang:?}: {u:?}");
        assert_eq!(r.total, r.results.len(), "{lang:?}: total counts pairs");
        // The facets count each pair once: city a has the measure and the city page.
        assert_eq!(r.facets.city.get("a"), Some(&2), "{lang:?}: {:?}", r.facets);
        assert_eq!(r.facets.theme.get("evaluation"), Some(&2), "{lang:?}");
        // The reader's language shows the pair when it matches.
        if let Some(lang) = lang {
            let shown = r
                .results
                .iter()
                .find(|h| h.url.ends_with("/a-01/"))
                .unwrap();
            assert_eq!(shown.lang, lang, "{u:?}");
        }
    }
    // Without `lang`, the better-scoring member: the English query matches the English page
    // directly and the Japanese one through the glossary.
    let r = search("personnel evaluation system", None);
    assert_eq!(urls(&r)[0], "/en/cities/a/measures/a-01/", "{:?}", urls(&r));
}

#[test]
fn concept_pages_come_first() {
    assert_eq!(urls(&search("人事評価", None))[0], "/themes/evaluation/");
    assert_eq!(
        urls(&search("personnel evaluation", Some("en")))[0],
        "/en/themes/evaluation/"
    );
    assert_eq!(urls(&search("多様性", None))[0], "/themes/diversity/");
    assert_eq!(urls(&search("大崎市", None))[0], "/cities/a/");
}

#[test]
fn a_whole_compound_outranks_its_parts() {
    // b-01 has 管理 five times and 目標 once, never 目標管理; c-01 has 目標管理 once.
    let r = search("目標管理", None);
    assert_eq!(
        urls(&r),
        vec!["/cities/c/measures/c-01/", "/cities/b/measures/b-01/"]
    );
}
