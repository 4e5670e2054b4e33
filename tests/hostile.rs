//! Content that contains markup renders inert everywhere: pages, charts, data and snippets.

mod common;
use common::*;

const MEASURE: &str = "content/cities/takasaki/measures/takasaki-01.md";

fn poison(site: &std::path::Path) {
    let path = site.join(MEASURE);
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace("title = \"一般研修\"", "title = '一般研修<script>alert(\"title\")</script>'")
        .replace(
            "職層や採用年次に応じた研修を実施していきます。",
            "職層や採用年次に応じた研修を実施していきます。<script>alert(\"body\")</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) &lt;b&gt;",
        );
    std::fs::write(&path, text).unwrap();
    let city = site.join("content/cities/takasaki/_index.md");
    let text = std::fs::read_to_string(&city).unwrap().replace(
        "ja = \"女性管理職の割合\"",
        "ja = \"女性管理職の割合<svg onload=alert(1)>\"",
    );
    std::fs::write(&city, text).unwrap();
}

#[test]
fn hostile_content_renders_inert() {
    let site = mini_site();
    poison(site.path());
    let o = kb(&["build", "--root", site.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let public = site.path().join("public");
    let mut seen_title = false;
    for page in html_files(&public) {
        let html = std::fs::read_to_string(public.join(&page)).unwrap();
        for bad in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "href=\"javascript:",
        ] {
            assert!(!html.contains(bad), "{} contains {bad}", page.display());
        }
        seen_title |= html.contains("一般研修&lt;script&gt;alert");
    }
    assert!(seen_title, "the hostile title is shown, escaped");

    let o = kb(&[
        "search",
        "--root",
        site.path().to_str().unwrap(),
        "--json",
        "alert",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = json["results"].as_array().unwrap();
    assert!(!results.is_empty(), "the hostile text is searchable");
    for r in results {
        let snippet = r["snippet"].as_str().unwrap();
        let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(
            !without_marks.contains('<'),
            "snippet not escaped: {snippet}"
        );
    }
}
