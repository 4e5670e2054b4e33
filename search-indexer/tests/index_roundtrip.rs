//! Index round trip over a handful of small Japanese and English pages.

use std::sync::OnceLock;

use search_indexer::{
    write_index, write_index_with, Document, IndexOptions, SearchError, SearchIndex, SearchRequest,
    SearchResponse, SimilarOptions,
};

fn doc(url: &str, lang: &str, city: &str, themes: &[&str], title: &str, body: &str) -> Document {
    Document {
        url: url.to_string(),
        lang: lang.to_string(),
        kind: "measure".to_string(),
        city: Some(city.to_string()),
        chapter_path: vec!["第3章".to_string()],
        themes: themes.iter().map(|s| s.to_string()).collect(),
        status: Some("do".to_string()),
        title: title.to_string(),
        body: body.to_string(),
    }
}

fn docs() -> Vec<Document> {
    vec![
        doc(
            "/takasaki/policy/",
            "ja",
            "takasaki",
            &["training"],
            "高崎市人材育成・確保基本方針",
            "本市は人材育成基本方針を改定し、職員の能力開発を進めます。OJTを中心に研修を実施します。",
        ),
        doc(
            "/kofu/measures/jinzai-kakuho/",
            "ja",
            "kofu",
            &["recruitment"],
            "基本施策１ 人財確保",
            "多様な人財確保のため、採用広報活動を強化します。インターンシップの取り組みも行います。",
        ),
        doc(
            "/osaki/scattered/",
            "ja",
            "osaki",
            &["training"],
            "研修の体系",
            "人材の確保と、若手の育成に関する基本的な考え方と方針を示します。",
        ),
        doc(
            "/kofu/measures/overtime/",
            "ja",
            "kofu",
            &["work-life-balance"],
            "長時間労働の是正",
            "時間外勤務の縮減に向けて、ワーク・ライフ・バランスを推進します。<script>alert('x')</script>",
        ),
        doc(
            "/tachikawa/measures/rotation/",
            "ja",
            "tachikawa",
            &["career-rotation"],
            "人を育てる人事管理",
            "本人の希望やジョブローテーションの考え方等に基づき、適材適所の職員配置を行います。",
        ),
        doc(
            "/en/aizuwakamatsu/safety/",
            "en",
            "aizuwakamatsu",
            &["workplace"],
            "Psychological safety in the workplace",
            "Managers build psychological safety (心理的安全性) so that staff can speak up. Overtime is reduced. Staff may work from home.",
        ),
        doc(
            "/aizuwakamatsu/safety/",
            "ja",
            "aizuwakamatsu",
            &["workplace"],
            "心理的安全性の確保",
            "管理職は心理的安全性の高い職場をつくり、残業を減らす取組を進めます。",
        ),
    ]
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("index");
            let stats = write_index(&docs(), &path).expect("write_index");
            assert_eq!(stats.documents, 7);
            assert!(stats.bytes > 0);
            let idx = SearchIndex::open(&path).expect("open");
            (dir, idx)
        })
        .1
}

fn search(q: &str) -> SearchResponse {
    index()
        .search(&SearchRequest {
            query: q.to_string(),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn urls(r: &SearchResponse) -> Vec<&str> {
    r.results.iter().map(|h| h.url.as_str()).collect()
}

#[test]
fn variant_spellings_find_each_other() {
    // 人材確保 finds text written 人財確保.
    let r = search("人材確保");
    assert!(
        urls(&r).contains(&"/kofu/measures/jinzai-kakuho/"),
        "{:?}",
        urls(&r)
    );
    // 取組 finds 取り組み.
    let r = search("取組");
    assert!(
        urls(&r).contains(&"/kofu/measures/jinzai-kakuho/"),
        "{:?}",
        urls(&r)
    );
    // 残業 finds 時間外勤務, ワークライフバランス finds ワーク・ライフ・バランス.
    let r = search("残業 ワークライフバランス");
    assert_eq!(urls(&r), vec!["/kofu/measures/overtime/"]);
}

#[test]
fn exact_compound_ranks_first() {
    let r = search("人材確保");
    assert_eq!(
        r.results[0].url,
        "/kofu/measures/jinzai-kakuho/",
        "{:?}",
        urls(&r)
    );
    assert!(
        urls(&r).contains(&"/osaki/scattered/"),
        "scattered parts still match"
    );
    let r = search("人材育成");
    assert_eq!(r.results[0].url, "/takasaki/policy/");
    let r = search("基本方針");
    assert_eq!(r.results[0].url, "/takasaki/policy/");
}

#[test]
fn quoted_phrase_is_required() {
    let r = search("\"人材確保\"");
    assert!(!urls(&r).contains(&"/osaki/scattered/"), "{:?}", urls(&r));
    assert!(urls(&r).contains(&"/kofu/measures/jinzai-kakuho/"));
}

#[test]
fn all_terms_required_and_exclusion() {
    let r = search("研修 インターンシップ");
    assert_eq!(r.total, 0);
    let r = search("人材 -採用");
    assert!(!urls(&r).contains(&"/kofu/measures/jinzai-kakuho/"));
    assert!(urls(&r).contains(&"/takasaki/policy/"));
}

#[test]
fn english_queries_reach_japanese_pages() {
    let r = search("job rotation");
    assert!(
        urls(&r).contains(&"/tachikawa/measures/rotation/"),
        "{:?}",
        urls(&r)
    );
    // The Japanese page and its English twin are one result: the Japanese reader sees the
    // Japanese page, which the glossary reaches.
    let r = search_in("psychological safety", "ja");
    assert_eq!(
        pair_shown(&r),
        Some("/aizuwakamatsu/safety/"),
        "{:?}",
        urls(&r)
    );
    let r = search("psychological safety");
    assert!(pair_shown(&r).is_some(), "{:?}", urls(&r));
    let r = search_in("overtime", "ja");
    let u = urls(&r);
    assert!(u.contains(&"/kofu/measures/overtime/"), "{u:?}");
    assert_eq!(pair_shown(&r), Some("/aizuwakamatsu/safety/"), "{u:?}");
}

fn search_in(q: &str, lang: &str) -> SearchResponse {
    index()
        .search(&SearchRequest {
            query: q.to_string(),
            lang: Some(lang.to_string()),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

/// Which member of the one translated pair (/aizuwakamatsu/safety/ and its /en/ twin) the
/// results show; panics when they show both.
fn pair_shown(r: &SearchResponse) -> Option<&str> {
    let shown: Vec<&str> = urls(r)
        .into_iter()
        .filter(|u| u.ends_with("/aizuwakamatsu/safety/"))
        .collect();
    assert!(
        shown.len() <= 1,
        "a page and its translation are one result: {shown:?}"
    );
    shown.first().copied()
}

#[test]
fn english_phrases_with_stop_words() {
    let r = search("working from home");
    assert_eq!(urls(&r), vec!["/en/aizuwakamatsu/safety/"]);
    let r = search("\"work from home\"");
    assert_eq!(urls(&r), vec!["/en/aizuwakamatsu/safety/"]);
    let r = search("\"work home\"");
    assert_eq!(r.total, 0, "{:?}", urls(&r));
}

#[test]
fn japanese_terms_in_english_pages() {
    let r = search_in("心理的安全性", "en");
    assert_eq!(pair_shown(&r), Some("/en/aizuwakamatsu/safety/"));
}

#[test]
fn filters_and_facets() {
    // The page and its translation count once.
    let r = search("心理的安全性");
    assert_eq!(r.total, 1, "{:?}", urls(&r));
    assert_eq!(r.facets.city.get("aizuwakamatsu"), Some(&1));
    assert_eq!(r.facets.theme.get("workplace"), Some(&1));
    // `lang` prefers the reader's language; pages in the other language still come.
    let r = search_in("人材", "en");
    assert!(urls(&r).contains(&"/takasaki/policy/"), "{:?}", urls(&r));
    assert!(index()
        .search(&SearchRequest {
            query: "x".into(),
            lang: Some("fr".into()),
            ..Default::default()
        })
        .is_err());
    let r = index()
        .search(&SearchRequest {
            query: "人材".into(),
            city: Some("kofu".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.facets.city.len(), 1);
    let r = index()
        .search(&SearchRequest {
            query: String::new(),
            theme: Some("training".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.facets.theme.get("training"), Some(&2));
}

#[test]
fn snippets_mark_and_escape() {
    let r = search("時間外勤務");
    let s = &r.results[0].snippet;
    assert!(s.contains("<mark>時間外勤務</mark>"), "{s}");
    assert!(s.contains("&lt;script&gt;"), "{s}");
    assert!(!s.contains("<script>"), "{s}");
    let r = search("残業");
    assert!(r
        .results
        .iter()
        .any(|h| h.snippet.contains("<mark>時間外勤務</mark>")));
    let r = search("人材確保");
    assert!(
        r.results[0].snippet.contains("<mark>人財確保</mark>"),
        "{}",
        r.results[0].snippet
    );
}

#[test]
fn json_contract() {
    let r = search("人材");
    let v = serde_json::to_value(&r).unwrap();
    assert!(v["query"].is_string() && v["total"].is_u64());
    let hit = &v["results"][0];
    for key in ["url", "title", "city", "lang", "themes", "snippet", "score"] {
        assert!(hit.get(key).is_some(), "missing {key}");
    }
    assert!(v["facets"]["city"].is_object() && v["facets"]["theme"].is_object());
}

#[test]
fn bad_inputs_never_panic() {
    let idx = index();
    let long = "人材".repeat(5000);
    match idx.search(&SearchRequest {
        query: long,
        ..Default::default()
    }) {
        Err(SearchError::BadRequest(_)) => {}
        other => panic!("expected BadRequest, got {:?}", other.map(|r| r.total)),
    }
    for limit in [101, 1000] {
        assert!(matches!(
            idx.search(&SearchRequest {
                query: "人材".into(),
                limit,
                ..Default::default()
            }),
            Err(SearchError::BadRequest(_))
        ));
    }
    assert!(matches!(
        idx.search(&SearchRequest {
            query: "人材".into(),
            offset: 10_001,
            ..Default::default()
        }),
        Err(SearchError::BadRequest(_))
    ));
    let weird = [
        "",
        " ",
        "\"",
        "\"人材",
        "人材\"",
        "\"\"",
        "-",
        "+",
        "AND",
        "OR OR",
        "NOT",
        "(",
        ")",
        "*",
        "title:人材",
        "人材^2",
        "~",
        "\u{0}\u{1}\u{2}",
        "\t\n\r",
        "の",
        "、。",
        "🙂",
        "a\u{301}",
        "ＯＪＴ",
        "-人材",
        "--",
        "\"-\"",
        "<script>",
        "' OR 1=1 --",
        "\\",
        "\u{FEFF}",
        "\u{202E}abc",
    ];
    for q in weird {
        let r = idx.search(&SearchRequest {
            query: q.to_string(),
            ..Default::default()
        });
        assert!(r.is_ok(), "{q:?}: {:?}", r.err().map(|e| e.to_string()));
    }
    let q500: String = "あ".repeat(500);
    assert!(idx
        .search(&SearchRequest {
            query: q500,
            ..Default::default()
        })
        .is_ok());
    let mixed: String = "人材 \" - OR ( ".repeat(35);
    assert!(idx
        .search(&SearchRequest {
            query: mixed,
            ..Default::default()
        })
        .is_ok());
}

#[test]
fn search_index_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();
    let idx = index();
    std::thread::scope(|s| {
        for q in ["人材", "研修", "overtime"] {
            s.spawn(move || {
                idx.search(&SearchRequest {
                    query: q.into(),
                    ..Default::default()
                })
                .unwrap();
            });
        }
    });
}

#[test]
fn paging() {
    // Seven pages, one of them the translation of another: six results.
    let all = search("");
    assert_eq!(all.total, 6);
    let r = index()
        .search(&SearchRequest {
            query: String::new(),
            limit: 2,
            offset: 5,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.results.len(), 1);
    assert_eq!(r.total, 6);
}

#[test]
fn similar_measures_come_from_other_cities() {
    // The build's own similar-measure step (similar.rs), as `kb build` runs it, over the pages
    // above plus a close match in another city and a closer one in the same city.
    let mut docs = docs();
    docs.push(doc(
        "/osaki/safety/",
        "ja",
        "osaki",
        &["workplace"],
        "職場の心理的安全性",
        "管理職は心理的安全性の高い職場づくりを進め、残業を減らします。",
    ));
    docs.push(doc(
        "/aizuwakamatsu/safety-2/",
        "ja",
        "aizuwakamatsu",
        &["workplace"],
        "心理的安全性の確保",
        "管理職は心理的安全性の高い職場をつくり、残業を減らす取組を進めます。",
    ));
    let dir = tempfile::tempdir().unwrap();
    let opts = IndexOptions {
        similar: Some(SimilarOptions {
            per_city: 2,
            max_total: 10,
        }),
        ..Default::default()
    };
    let (_, similar) = write_index_with(docs.iter().collect(), &dir.path().join("idx"), &opts)
        .expect("write_index_with");
    let source = docs
        .iter()
        .position(|d| d.url == "/aizuwakamatsu/safety/")
        .unwrap();
    let hits = &similar
        .iter()
        .find(|(doc, _)| *doc == source)
        .expect("the measure has a similar-measure list")
        .1;
    assert!(
        hits.iter().any(|&(o, _)| docs[o].url == "/osaki/safety/"),
        "{hits:?}"
    );
    for &(other, score) in hits {
        let d = &docs[other];
        assert_ne!(d.city.as_deref(), Some("aizuwakamatsu"), "{}", d.url);
        assert_eq!(d.lang, "ja", "{}", d.url);
        assert!(score > 0.0);
    }
    // Only Japanese measures are compared: the English page has no list and is in none.
    let english = docs.iter().position(|d| d.lang == "en").unwrap();
    assert!(similar
        .iter()
        .all(|(doc, list)| *doc != english && list.iter().all(|&(o, _)| o != english)));
}

#[test]
fn rewrite_replaces_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    write_index(&docs()[..2], &path).unwrap();
    write_index(&docs(), &path).unwrap();
    let idx = SearchIndex::open(&path).unwrap();
    // Seven pages, one pair of translations.
    assert_eq!(idx.search(&SearchRequest::default()).unwrap().total, 6);
    // Only the index itself is left in the parent directory.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A non-index directory is not clobbered.
    let other = dir.path().join("notes");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("a.txt"), "x").unwrap();
    assert!(write_index(&docs(), &other).is_err());
    assert!(other.join("a.txt").is_file());
}

#[test]
fn reader_language_ranks_first() {
    // Every match in the reader's language comes before every other match, however strongly the
    // other language matches; within each group the order is by relevance.
    for q in [
        "心理的安全性",
        "overtime",
        "残業",
        "psychological safety",
        "人材",
    ] {
        let plain = search(q);
        for lang in ["ja", "en"] {
            let r = index()
                .search(&SearchRequest {
                    query: q.into(),
                    lang: Some(lang.into()),
                    ..Default::default()
                })
                .unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(
                r.total, plain.total,
                "{q} --lang {lang}: lang is not a filter"
            );
            let first_other = r.results.iter().position(|h| h.lang != lang);
            if let Some(i) = first_other {
                assert!(
                    r.results[i..].iter().all(|h| h.lang != lang),
                    "{q} --lang {lang}: {:?}",
                    r.results
                        .iter()
                        .map(|h| (&h.url, &h.lang))
                        .collect::<Vec<_>>()
                );
            }
            let split = first_other.unwrap_or(r.results.len());
            for group in [&r.results[..split], &r.results[split..]] {
                assert!(
                    group.windows(2).all(|w| w[0].score >= w[1].score),
                    "{q} --lang {lang}: not by relevance within a language"
                );
            }
        }
    }
    // The case that a score bonus got wrong: the Japanese page matches 心理的安全性 in its title,
    // the English one only in its body, yet an English reader sees the English page first.
    let r = index()
        .search(&SearchRequest {
            query: "心理的安全性".into(),
            lang: Some("en".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(urls(&r).first(), Some(&"/en/aizuwakamatsu/safety/"));
}
