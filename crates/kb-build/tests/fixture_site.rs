//! Builds the mini fixture site (tests/fixtures/mini with the repository's templates and Sass)
//! into temporary directories and checks the output.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A site root in a temp dir: the fixture's config and content, the repository's templates.
fn fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/mini"), tmp.path());
    // The repository's own configuration, narrowed to the fixture's one city.
    let config = std::fs::read_to_string(repo().join("config.toml")).unwrap();
    let line = config
        .lines()
        .find(|l| l.starts_with("cities = ["))
        .unwrap();
    std::fs::write(
        tmp.path().join("config.toml"),
        config.replace(line, "cities = [\"takasaki\"]"),
    )
    .unwrap();
    for dir in ["templates", "sass", "static", "sources"] {
        copy_dir(&repo().join(dir), &tmp.path().join(dir));
    }
    tmp
}

#[test]
fn builds_both_languages_with_data() {
    let root = fixture();
    let out = root.path().join("public");
    let report = kb_build::build(root.path(), &out).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.pages > 10);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("<html lang=\"ja\">"));
    assert!(home.contains("hreflang=\"en\" href=\"/en/\""));
    let en_home = std::fs::read_to_string(out.join("en/index.html")).unwrap();
    assert!(en_home.contains("<html lang=\"en\">"));

    let measure =
        std::fs::read_to_string(out.join("en/cities/takasaki/measures/takasaki-01/index.html"))
            .unwrap();
    assert!(measure.contains("General training"));
    assert!(
        measure.contains("href=\"/cities/takasaki/measures/takasaki-01/\""),
        "language switch to the twin"
    );
    assert!(measure.contains("/en/themes/training/"));
    assert!(
        measure.contains("職層や採用年次"),
        "the English page shows the original Japanese"
    );

    let chapter =
        std::fs::read_to_string(out.join("cities/takasaki/chapters/01-intro/index.html")).unwrap();
    assert!(
        chapter.contains("href=\"/cities/takasaki/measures/takasaki-01/\""),
        "internal link resolved"
    );
    // Chapter headings are numbered by their place in the outline, the same in both languages.
    assert!(
        chapter.contains("<h2 id=\"s1\">背景"),
        "numbered section id"
    );
    assert!(chapter.contains("<table>"));

    let city = std::fs::read_to_string(out.join("cities/takasaki/index.html")).unwrap();
    assert!(
        city.contains("○JT指導者研修") && city.contains("OJT指導者研修"),
        "corrections shown"
    );
    assert!(city.contains("≥ 30"));

    let theme = std::fs::read_to_string(out.join("themes/ojt/index.html")).unwrap();
    assert!(theme.contains("一般研修"));
    assert!(out.join("en/themes/recruitment/index.html").exists());
    assert!(out.join("style.css").exists());
    assert!(out.join("404.html").exists());

    let measures: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/measures.json")).unwrap()).unwrap();
    assert_eq!(
        measures,
        serde_json::json!([{
            "id": "takasaki-01", "city": "takasaki", "themes": ["training", "ojt"], "status": "new",
            "commitment": "implement",
            "title": { "ja": "一般研修", "en": "General training" },
            "url": { "ja": "/cities/takasaki/measures/takasaki-01/", "en": "/en/cities/takasaki/measures/takasaki-01/" }
        }])
    );
    let kpis: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/kpis.json")).unwrap()).unwrap();
    assert_eq!(
        kpis[0]["baseline"],
        serde_json::json!({ "year": 2021, "value": 15.6 })
    );
    assert_eq!(kpis[0]["indicator"]["en"], "Share of women managers");
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let root = fixture();
    let out = root.path().join("public");
    kb_build::build(root.path(), &out).unwrap();
    let before = std::fs::read(out.join("cities/takasaki/index.html")).unwrap();
    let file = root
        .path()
        .join("content/cities/takasaki/measures/takasaki-01.md");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"ojt\"", "\"ojtt\"");
    std::fs::write(&file, text).unwrap();
    let err = kb_build::build(root.path(), &out)
        .err()
        .expect("build fails")
        .to_string();
    assert!(
        err.contains("content/cities/takasaki/measures/takasaki-01.md:6: unknown theme `ojtt`"),
        "{err}"
    );
    assert!(err.contains("did you mean `ojt`?"), "{err}");
    assert_eq!(
        std::fs::read(out.join("cities/takasaki/index.html")).unwrap(),
        before
    );
}

/// What a page receives depends on its kind (where its file lives), not on its template's name:
/// the indicator dashboard keeps its data under a renamed template.
#[test]
fn a_renamed_template_keeps_its_page_data() {
    let root = fixture();
    let templates = root.path().join("templates");
    std::fs::rename(
        templates.join("kpis.html"),
        templates.join("indicators.html"),
    )
    .unwrap();
    let kpis = root.path().join("content/kpis");
    std::fs::create_dir_all(&kpis).unwrap();
    for (file, title) in [("_index.md", "指標"), ("_index.en.md", "Indicators")] {
        std::fs::write(
            kpis.join(file),
            format!("+++\ntitle = \"{title}\"\ntemplate = \"indicators.html\"\n+++\n"),
        )
        .unwrap();
    }
    let out = root.path().join("public");
    kb_build::build(root.path(), &out).unwrap_or_else(|e| panic!("{e}"));
    for page in ["kpis/index.html", "en/kpis/index.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(
            html.contains("href=\"#kpi-takasaki\""),
            "{page}: no dashboard"
        );
    }
}
