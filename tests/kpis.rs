//! End to end: the indicator downloads and the English dashboard. `data/kpis.csv` holds every
//! indicator of `data/kpis.json`, field by field; `/en/kpis/` writes years one way (FY2022, never
//! an era year such as R4年度 outside a quoted original marked lang="ja") and puts a space
//! between a number and its unit word ("977 people"); both dashboards link the CSV and say why
//! Aizuwakamatsu has no indicators.

mod common;
use common::*;
use serde_json::Value;

// The CSV reader of the content tests (RFC 4180 as the build writes it, BOM required).
#[allow(dead_code)]
#[path = "content_facts/csv.rs"]
mod csv;

/// The repository built once for every test in this file.
/// The repository's site, built once for this file's tests.
use common::repo_public as public;

fn read(rel: &str) -> String {
    std::fs::read_to_string(public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The number as the build writes it: `977`, `15.6`.
fn number(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
        Some(f) => format!("{f}"),
        None => String::new(),
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// The cells kpis.json determines for one indicator, by column.
fn expected(k: &Value, base: &str) -> Vec<(&'static str, String)> {
    let id = text(&k["id"]);
    let year = |kind: &str| {
        k[kind]["year"]
            .as_i64()
            .map_or(String::new(), |y| y.to_string())
    };
    let series: Vec<String> = k["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| match p["year"].as_i64() {
            Some(y) => format!("{y}:{}", number(&p["value"])),
            None => number(&p["value"]),
        })
        .collect();
    vec![
        ("id", id.clone()),
        ("city", text(&k["city"])),
        ("indicator_ja", text(&k["indicator"]["ja"])),
        ("indicator_en", text(&k["indicator"]["en"])),
        ("baseline_year", year("baseline")),
        ("baseline_value", number(&k["baseline"]["value"])),
        ("comparator", text(&k["comparator"])),
        ("target_year", year("target")),
        ("target_value", number(&k["target"]["value"])),
        ("unit", text(&k["unit"])),
        ("measure", text(&k["measure"])),
        ("url_ja", format!("{base}/kpis/#{id}")),
        ("url_en", format!("{base}/en/kpis/#{id}")),
        ("maintain", k["maintain"].as_bool().unwrap().to_string()),
        ("series", series.join(";")),
    ]
}

#[test]
fn kpis_csv_holds_every_indicator_of_kpis_json_field_by_field() {
    let kpis: Value = serde_json::from_str(&read("data/kpis.json")).unwrap();
    let kpis = kpis.as_array().unwrap();
    assert!(kpis.len() >= 27, "{} indicators", kpis.len());
    let rows = csv::parse(&std::fs::read(public().join("data/kpis.csv")).unwrap()).unwrap();
    let header = &rows[0];
    assert_eq!(
        header[..15],
        [
            "id",
            "city",
            "city_ja",
            "city_en",
            "indicator_ja",
            "indicator_en",
            "baseline_year",
            "baseline_value",
            "comparator",
            "target_year",
            "target_value",
            "unit",
            "measure",
            "url_ja",
            "url_en"
        ]
    );
    assert_eq!(rows.len() - 1, kpis.len(), "one row per indicator");
    // base_url is "/" in the repository: URLs are site-absolute, like the other CSVs'.
    let base = "";
    let mut errors = Vec::new();
    for (i, (row, k)) in rows[1..].iter().zip(kpis).enumerate() {
        assert_eq!(row.len(), header.len(), "row {}", i + 2);
        let cell = |col: &str| &row[header.iter().position(|h| h == col).unwrap()];
        for (col, want) in expected(k, base) {
            if *cell(col) != want {
                errors.push(format!(
                    "kpis.csv:{}: {col} is {:?}, kpis.json gives {want:?}",
                    i + 2,
                    cell(col)
                ));
            }
        }
        for col in ["city_ja", "city_en"] {
            if cell(col).is_empty() {
                errors.push(format!("kpis.csv:{}: no {col}", i + 2));
            }
        }
        for c in row {
            if c.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                errors.push(format!(
                    "kpis.csv:{}: a cell starts a formula: {c:?}",
                    i + 2
                ));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Spot checks against the source's own figures.
    let csv = read("data/kpis.csv");
    assert!(csv.contains("osaki-kpi-01,osaki,大崎市,Osaki,"));
    assert!(csv.contains(",2022,977,,2025,990,people,"));
    assert!(
        csv.contains(",2021,50,at-least,2025,10,percent,"),
        "osaki-kpi-18"
    );
    assert!(csv.contains(",true,\r\n"), "a maintain target");
    assert!(csv.contains("2014:358;2019:259;2024:166"), "Kofu's series");
}

/// The text of an HTML page without its tags, and without any element marked lang="ja" (the
/// quoted originals an English page may hold).
fn english_text(html: &str) -> String {
    let mut html = html.to_string();
    // ` lang="ja"` (not `hreflang="ja"`) in a start tag: the element goes, up to its end tag.
    while let Some(at) = html.find(" lang=\"ja\"") {
        let start = html[..at].rfind('<').unwrap();
        let name: String = html[start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let close = format!("</{name}>");
        let tag_end = at + html[at..].find('>').unwrap() + 1;
        let end = html[at..]
            .find(&close)
            .map_or(tag_end, |e| at + e + close.len());
        html.replace_range(start..end, " ");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Era years: `R4年度`, `H30年度`, `令和`, `平成`.
fn era_fragments(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let tail: String = chars[i..chars.len().min(i + 8)].iter().collect();
        if tail.starts_with("令和") || tail.starts_with("平成") {
            found.push(tail);
        } else if matches!(c, 'R' | 'H') {
            let digits = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let rest: String = chars[i + 1 + digits..].iter().take(2).collect();
            if digits > 0 && rest == "年度" {
                found.push(tail);
            }
        }
    }
    found
}

/// Numbers glued to a unit word: `977people`, `59points`.
fn glued_units(text: &str) -> Vec<String> {
    let words = [
        "people",
        "persons",
        "points",
        "hours",
        "days",
        "departments",
        "times",
    ];
    let mut found = Vec::new();
    for (i, _) in text.char_indices() {
        let rest = &text[i..];
        if let Some(w) = words.iter().find(|w| rest.starts_with(*w)) {
            if text[..i].ends_with(|c: char| c.is_ascii_digit()) {
                found.push(format!("{}{w}", &text[i.saturating_sub(6)..i]));
            }
        }
    }
    found
}

#[test]
fn english_dashboard_has_fiscal_years_and_spaced_units() {
    let text = english_text(&read("en/kpis/index.html"));
    assert_eq!(
        era_fragments(&text),
        Vec::<String>::new(),
        "era years on /en/kpis/"
    );
    assert_eq!(
        glued_units(&text),
        Vec::<String>::new(),
        "numbers glued to units on /en/kpis/"
    );
    // What it says instead.
    for s in [
        "977 people (FY2022)",
        "990 people (FY2025)",
        "59 points",
        "15.6%",
        "FY2021",
        "maintain ≥ 10% (FY2025)",
    ] {
        assert!(text.contains(s), "/en/kpis/ should say {s:?}");
    }
    // The checks themselves find what they look for.
    assert_eq!(era_fragments("15.6 (R3年度) H30年度 令和3年度").len(), 3);
    assert_eq!(glued_units("977people, 59 points").len(), 1);
}

#[test]
fn both_dashboards_link_the_csv_and_explain_missing_cities() {
    for (page, why) in [
        ("kpis/index.html", "数値目標が示されていません"),
        ("en/kpis/index.html", "sets no numeric targets"),
    ] {
        let html = read(page);
        assert!(html.contains("href=\"/data/kpis.csv\""), "{page}: CSV link");
        let at = html
            .find("data-city=\"aizuwakamatsu\"")
            .unwrap_or_else(|| panic!("{page}: no Aizuwakamatsu section"));
        let section = &html[at..at + html[at..].find("</section>").unwrap()];
        assert!(
            section.contains("class=\"kpi-none\"") && section.contains(why),
            "{page}: {section}"
        );
    }
    // Japanese years stay as the source writes them.
    let ja = read("kpis/index.html");
    assert!(ja.contains("977人（R4年度）") && ja.contains("50%（令和3年度）"));
}

/// The indicator tables of English city and measure pages write years the same way as the
/// dashboard: fiscal years, never an era year.
#[test]
fn english_indicator_tables_have_fiscal_years() {
    let mut tables = 0;
    let mut found = Vec::new();
    let dir = public().join("en/cities");
    for page in html_files(&dir) {
        let html = std::fs::read_to_string(dir.join(&page)).unwrap();
        let mut rest = html.as_str();
        while let Some(at) = rest.find("<table class=\"kpis\">") {
            let end = rest[at..].find("</table>").map_or(rest.len(), |e| at + e);
            tables += 1;
            for f in era_fragments(&english_text(&rest[at..end])) {
                found.push(format!("{}: {f}", page.display()));
            }
            rest = &rest[end..];
        }
    }
    assert!(
        tables >= 4,
        "only {tables} indicator tables on English pages"
    );
    assert_eq!(
        found,
        Vec::<String>::new(),
        "era years in English indicator tables"
    );
}
