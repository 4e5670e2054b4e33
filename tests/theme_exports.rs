//! End to end, on a build published under an absolute base URL: the theme CSVs (all cities and
//! one per city) carry the columns of `measures.csv`, each measure's one-line summary and its
//! KPIs field by field as `data/*.json` give them, absolute URLs, no cell a spreadsheet would
//! evaluate; the summaries are pieces of the measures' own text; the theme matrix shows them
//! with its legend; the heatmap's cells link to the cities' columns; the compare page's
//! sections collapse and Kofu's open-ended plan period is drawn and described as open.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

// The CSV parser of the content-facts test (RFC 4180 as the build writes it), not a copy.
#[allow(dead_code)]
#[path = "content_facts/csv.rs"]
mod csv;

const BASE: &str = "https://intranet.example/kb/";
const ORIGIN_PREFIX: &str = "https://intranet.example/kb";
const CITIES: [&str; 5] = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];

const HEADER: [&str; 25] = [
    "id",
    "city",
    "city_ja",
    "city_en",
    "title_ja",
    "title_en",
    "primary_theme",
    "themes",
    "status",
    "status_ja",
    "commitment",
    "commitment_ja",
    "url_ja",
    "url_en",
    "summary_ja",
    "summary_en",
    "kpi_ids",
    "kpi_indicator_ja",
    "kpi_indicator_en",
    "kpi_baseline_year",
    "kpi_baseline_value",
    "kpi_comparator",
    "kpi_target_year",
    "kpi_target_value",
    "kpi_unit",
];

fn public() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let public = tmp.path().join("public");
        let o = kb(&[
            "build",
            "--root",
            repo().to_str().unwrap(),
            "--output",
            public.to_str().unwrap(),
            "--base-url",
            BASE,
        ]);
        assert!(o.status.success(), "{}", text(&o));
        (tmp, public)
    })
    .1
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn data(name: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(&read(&format!("data/{name}")))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn themes() -> Vec<String> {
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("config.toml")).unwrap()).unwrap();
    config["extra"]["themes"]
        .as_table()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn csv_rows(rel: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    csv::parse(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn col(name: &str) -> usize {
    HEADER.iter().position(|h| *h == name).unwrap()
}

/// A page's visible text: tags dropped, the entities the templates write decoded, whitespace
/// collapsed.
fn page_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The entities minijinja's HTML escaping writes, decoded.
fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The site path of an absolute URL of this build (`https://intranet.example/kb/x/` → `x/`).
fn site_path(url: &str) -> &str {
    url.strip_prefix(ORIGIN_PREFIX)
        .unwrap_or_else(|| panic!("not under {BASE}: {url}"))
        .trim_start_matches('/')
}

fn kpi_cell(kpis: &[&Value], f: &dyn Fn(&Value) -> String) -> String {
    kpis.iter().map(|k| f(k)).collect::<Vec<_>>().join(" | ")
}

fn number(v: &Value) -> String {
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 => format!("{}", x as i64),
        Some(x) => format!("{x}"),
        None => String::new(),
    }
}

#[test]
fn theme_csvs_match_the_data_field_by_field() {
    let measures = data("measures.json");
    let kpis = data("kpis.json");
    let mut checked = 0;
    let mut with_kpis = 0;
    for theme in themes() {
        let rel = format!("data/themes/{theme}.csv");
        let rows = csv_rows(&rel);
        assert_eq!(rows[0], HEADER.map(String::from), "{rel}: header");
        let expected: Vec<&Value> = measures
            .iter()
            .filter(|m| {
                m["themes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t.as_str() == Some(theme.as_str()))
            })
            .collect();
        assert_eq!(rows.len() - 1, expected.len(), "{rel}: one row per measure");
        for (row, m) in rows[1..].iter().zip(&expected) {
            let id = m["id"].as_str().unwrap();
            let at = |c: &str| row[col(c)].as_str();
            assert_eq!(row.len(), HEADER.len(), "{rel} {id}: fields");
            assert_eq!(at("id"), id);
            assert_eq!(at("city"), m["city"].as_str().unwrap(), "{rel} {id}");
            // URLs: absolute, under the base URL, naming the pages measures.json names.
            for lang in ["ja", "en"] {
                let url = at(&format!("url_{lang}"));
                assert!(url.starts_with(BASE), "{rel} {id}: url_{lang} {url}");
                assert_eq!(
                    format!("/{}", site_path(url)),
                    m["url"][lang].as_str().unwrap().trim_start_matches("/kb"),
                    "{rel} {id}: url_{lang}"
                );
                assert!(
                    public().join(site_path(url)).join("index.html").is_file(),
                    "{rel} {id}: {url} is no page of the build"
                );
            }
            // KPIs: the indicators kpis.json links to the measure, in its order.
            let linked: Vec<&Value> = kpis
                .iter()
                .filter(|k| k["measure"].as_str() == Some(id))
                .collect();
            if !linked.is_empty() {
                with_kpis += 1;
            }
            let want = [
                (
                    "kpi_ids",
                    kpi_cell(&linked, &|k| k["id"].as_str().unwrap().into()),
                ),
                (
                    "kpi_indicator_ja",
                    kpi_cell(&linked, &|k| k["indicator"]["ja"].as_str().unwrap().into()),
                ),
                (
                    "kpi_indicator_en",
                    kpi_cell(&linked, &|k| k["indicator"]["en"].as_str().unwrap().into()),
                ),
                (
                    "kpi_baseline_year",
                    kpi_cell(&linked, &|k| number(&k["baseline"]["year"])),
                ),
                (
                    "kpi_baseline_value",
                    kpi_cell(&linked, &|k| number(&k["baseline"]["value"])),
                ),
                (
                    "kpi_comparator",
                    kpi_cell(&linked, &|k| {
                        k["comparator"].as_str().unwrap_or_default().into()
                    }),
                ),
                (
                    "kpi_target_year",
                    kpi_cell(&linked, &|k| number(&k["target"]["year"])),
                ),
                (
                    "kpi_target_value",
                    kpi_cell(&linked, &|k| number(&k["target"]["value"])),
                ),
                (
                    "kpi_unit",
                    kpi_cell(&linked, &|k| k["unit"].as_str().unwrap_or_default().into()),
                ),
            ];
            for (c, w) in want {
                assert_eq!(at(c), w, "{rel} {id}: {c}");
            }
            for (h, cell) in HEADER.iter().zip(row) {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{rel} {id}: {h} would be evaluated: {cell:?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked} rows checked");
    assert!(with_kpis >= 1, "some measure of a theme CSV has KPIs");
}

#[test]
fn per_city_files_are_the_theme_csv_split_by_city() {
    for theme in themes() {
        let all = csv_rows(&format!("data/themes/{theme}.csv"));
        let mut joined = vec![all[0].clone()];
        for city in CITIES {
            let rel = format!("data/themes/{theme}/{city}.csv");
            let rows = csv_rows(&rel);
            assert_eq!(rows[0], all[0], "{rel}: header");
            assert!(
                rows[1..].iter().all(|r| r[col("city")] == city),
                "{rel}: rows of {city} only"
            );
            joined.extend(rows[1..].iter().cloned());
        }
        assert_eq!(joined, all, "{theme}: per-city files in city order");
        // Each file is a CSV on its own: a byte-order mark, then one header line.
        let bytes = std::fs::read(public().join(format!("data/themes/{theme}/kofu.csv"))).unwrap();
        assert!(
            bytes.starts_with(&[0xef, 0xbb, 0xbf]),
            "{theme}/kofu.csv: BOM"
        );
    }
}

#[test]
fn summaries_are_pieces_of_the_measures_own_text() {
    let mut seen = 0;
    for theme in themes() {
        for row in csv_rows(&format!("data/themes/{theme}.csv")).iter().skip(1) {
            let id = &row[col("id")];
            for lang in ["ja", "en"] {
                let summary = &row[col(&format!("summary_{lang}"))];
                assert!(!summary.is_empty(), "{theme} {id}: no summary_{lang}");
                let page = read(&format!(
                    "{}index.html",
                    site_path(&row[col(&format!("url_{lang}"))])
                ));
                let main = &page[page.find("<main").unwrap()..];
                let body = page_text(main);
                let title = &row[col(&format!("title_{lang}"))];
                // Never the title, never invented: a piece of the page's text after the title.
                let after_title = body.find(title.as_str()).map_or(0, |i| i + title.len());
                let s = summary.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    body[after_title..].contains(&s),
                    "{theme} {id}: summary_{lang} is not in the measure's text: {summary}"
                );
                if lang == "ja" && summary.contains('。') {
                    assert!(
                        summary.ends_with('。'),
                        "{id}: cut at a sentence end: {summary}"
                    );
                }
                seen += 1;
            }
        }
    }
    assert!(seen > 400, "{seen} summaries");
    // Osaki states a purpose (目的) for each measure: the summary is that sentence.
    let specialists = csv_rows("data/themes/specialists.csv");
    let row = specialists
        .iter()
        .find(|r| r[col("id")] == "osaki-05")
        .expect("osaki-05 on specialists");
    assert_eq!(
        row[col("summary_ja")],
        "DX※の推進や危機管理など高度な専門能力が必要とされる行政課題に対応できる人財を確保する。"
    );
    assert!(row[col("summary_en")].starts_with("Secure people who can deal with"));
}

#[test]
fn theme_pages_show_summaries_legends_and_per_city_downloads() {
    for (prefix, lang) in [("", "ja"), ("en/", "en")] {
        let html = read(&format!("{prefix}themes/training/index.html"));
        assert!(html.contains("id=\"theme-csv\""), "{lang}: download link");
        assert!(html.contains("href=\"/kb/data/themes/training.csv\""));
        for city in CITIES {
            assert!(
                html.contains(&format!("href=\"/kb/data/themes/training/{city}.csv\"")),
                "{lang}: per-city CSV of {city}"
            );
        }
        assert!(html.contains("class=\"matrix-legend\""), "{lang}: legend");
        assert!(html.contains("class=\"legend-sample primary\""));
        assert!(html.contains("class=\"legend-sample secondary\""));
        assert!(
            html.contains("<script src=\"/kb/js/themes."),
            "{lang}: script"
        );
        // Each measure's summary under its title, as the CSV has it.
        let rows = csv_rows("data/themes/training.csv");
        let leads: Vec<String> = html
            .split("<p class=\"lead\">")
            .skip(1)
            .map(|p| decode(&p[..p.find("</p>").unwrap()]))
            .collect();
        let want: Vec<&String> = rows[1..]
            .iter()
            .map(|r| &r[col(&format!("summary_{lang}"))])
            .collect();
        assert_eq!(leads.len(), want.len(), "{lang}: one summary per measure");
        for s in want {
            assert!(leads.contains(s), "{lang}: summary on the page: {s}");
        }
        // 実施 is the common default: no item carries it; 検討 still shows.
        assert!(
            !html.contains("class=\"badge commit-implement\""),
            "{lang}: 実施 badges"
        );
        assert!(
            html.contains("class=\"badge commit-consider\""),
            "{lang}: 検討 badges"
        );
    }
}

#[test]
fn heatmap_cells_link_to_the_city_columns_and_have_a_key() {
    for prefix in ["", "en/"] {
        let html = read(&format!("{prefix}themes/index.html"));
        let mut cells = 0;
        for theme in themes() {
            for city in CITIES {
                let href = format!("href=\"/kb/{prefix}themes/{theme}/#city-{city}\"");
                assert!(html.contains(&href), "{prefix}themes: {href}");
                cells += 1;
            }
            let target = read(&format!("{prefix}themes/{theme}/index.html"));
            for city in CITIES {
                assert!(target.contains(&format!("id=\"city-{city}\"")));
            }
        }
        assert_eq!(html.matches("class=\"heat-cell\"").count(), cells);
        assert!(html.contains("id=\"heat-legend\""), "{prefix}: colour key");
        assert!(
            html.matches("<li data-level=").count() >= 3,
            "{prefix}: key steps"
        );
    }
}

#[test]
fn compare_sections_collapse_and_open_periods_are_drawn_open() {
    for (prefix, note) in [
        ("", "終期の年は原典に示されていない"),
        ("en/", "The source gives no end year"),
    ] {
        let html = read(&format!("{prefix}compare/index.html"));
        assert_eq!(
            html.matches("<details class=\"compare-section\"").count(),
            4,
            "{prefix}: four collapsible sections"
        );
        assert!(
            html.contains("id=\"timeline-legend\""),
            "{prefix}: timeline key"
        );
        // Kofu's period runs "until the end of the 7th Comprehensive Plan": no end year.
        let kofu = &html[html.find("/cities/kofu/\"").unwrap()..];
        let kofu = &kofu[..kofu.find("timeline-row").unwrap_or(kofu.len())];
        assert!(
            kofu.contains("data-open-end=\"true\""),
            "{prefix}: Kofu drawn open"
        );
        assert!(
            kofu.contains("class=\"open-arrow\""),
            "{prefix}: open end marked"
        );
        assert!(kofu.contains(note), "{prefix}: open end said in words");
        // A closed period (Aizuwakamatsu 2018–2027) is not.
        let aizu = &html[html.find("/cities/aizuwakamatsu/\"").unwrap()..];
        let aizu = &aizu[..aizu.find("timeline-row").unwrap_or(aizu.len())];
        assert!(
            !aizu.contains("data-open-end"),
            "{prefix}: Aizuwakamatsu closed"
        );
    }
}

/// The newest `<time datetime>` of the last-updated line of a page, if it has one.
fn last_updated(html: &str) -> Option<String> {
    let at = html.find("class=\"last-updated\"")?;
    let rest = &html[at..];
    let start = rest.find("datetime=\"")? + "datetime=\"".len();
    Some(rest[start..start + 10].to_string())
}

#[test]
fn theme_pages_say_when_they_last_changed() {
    // The repository is a git checkout (a fresh clone included): every measure has a date.
    let date_of = |rel: &str| last_updated(&read(rel)).unwrap_or_else(|| panic!("{rel}"));
    let is_date = |d: &str| {
        d.len() == 10
            && d.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    for prefix in ["", "en/"] {
        let list = date_of(&format!("{prefix}themes/index.html"));
        assert!(is_date(&list), "{prefix}themes/: {list}");
        for slug in themes() {
            let d = date_of(&format!("{prefix}themes/{slug}/index.html"));
            assert!(is_date(&d), "{prefix}themes/{slug}/: {d}");
            // The list shows every theme: it changed no earlier than any theme page.
            assert!(
                d <= list,
                "{prefix}themes/{slug}/ {d} is newer than the list's {list}"
            );
        }
    }
}
