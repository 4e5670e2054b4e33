//! The term base (`search-indexer/data/glossary.toml`, the `[[term]]` entries with `render`):
//! wherever a Japanese city, chapter or measure page uses a term, its English twin uses the
//! term's one rendering (case-insensitive, at a word start, a plural -s allowed: "unit heads").
//!
//! What is compared: the Japanese page's title and body and, on a city page, its text keys and
//! every `ja` value of its structured tables; the English twin's title, body and text keys plus
//! the `en` values of the Japanese page's tables (they live only there). Japanese terms are
//! matched after `kb_text::normalize_for_search` with spaces and nakaguro removed, as the search
//! glossary matches them (ワーク・ライフ・バランス is ワークライフバランス), left to right with the
//! longest term winning: a longer term of the base (新規採用職員) stands for itself, not for the
//! shorter terms inside it (採用, 職員研修).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use search_indexer::synonyms::{glossary, variant_key};

const CITIES: [&str; 5] = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];

/// City-page keys written in the file's own language.
const TEXT_KEYS: [&str; 10] = [
    "official_title",
    "subtitle",
    "plan_period",
    "predecessor",
    "parent_plan",
    "ideal_staff",
    "values",
    "structure",
    "issuer",
    "issued",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn split(path: &Path) -> (toml::Table, String) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    let rest = text
        .strip_prefix("+++\n")
        .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
    let (front, body) = rest
        .split_once("\n+++\n")
        .unwrap_or_else(|| panic!("{}: front matter not closed", path.display()));
    let table = toml::from_str(front).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (table, body.to_string())
}

/// Every string under a key named `lang` (`{ ja = "…", en = "…" }` pairs), anywhere.
fn lang_values(v: &toml::Value, lang: &str, out: &mut String) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                match (k == lang, x) {
                    (true, toml::Value::String(s)) => {
                        out.push_str(s);
                        out.push('\n');
                    }
                    _ => lang_values(x, lang, out),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|x| lang_values(x, lang, out)),
        _ => {}
    }
}

/// Title, body and (city pages) text keys of one file.
fn own_text(front: &toml::Table, body: &str, city_page: bool) -> String {
    let mut out = String::new();
    if let Some(t) = front.get("title").and_then(|t| t.as_str()) {
        out.push_str(t);
        out.push('\n');
    }
    if city_page {
        let extra = front.get("extra").and_then(|e| e.as_table());
        for key in TEXT_KEYS {
            match extra.and_then(|e| e.get(key)) {
                Some(toml::Value::String(s)) => out.push_str(s),
                Some(toml::Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str())
                    .for_each(|s| out.push_str(s)),
                _ => {}
            }
            out.push('\n');
        }
    }
    out.push_str(body);
    out
}

/// (Japanese text, English text) of a page and its twin.
fn pair(ja_path: &Path, city_page: bool) -> (String, String) {
    let en_path = ja_path.with_extension("en.md");
    let (ja_front, ja_body) = split(ja_path);
    let (en_front, en_body) = split(&en_path);
    let mut ja = own_text(&ja_front, &ja_body, city_page);
    let mut en = own_text(&en_front, &en_body, city_page);
    if city_page {
        let tables = toml::Value::Table(ja_front);
        lang_values(&tables, "ja", &mut ja);
        lang_values(&tables, "en", &mut en);
    }
    (ja, en)
}

/// Whether `english` uses `render` at a word start, optionally followed by `s`, then not by a
/// letter ("unit head" matches "Unit heads," but not "unit headcount").
fn uses(english: &str, render: &str) -> bool {
    let hay = english.to_lowercase();
    let needle = render.to_lowercase();
    hay.match_indices(&needle).any(|(at, _)| {
        let before_ok = !hay[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let mut after = hay[at + needle.len()..].chars();
        let after_ok = match after.next() {
            Some('s') => !after.next().is_some_and(char::is_alphanumeric),
            Some(c) => !c.is_alphanumeric(),
            None => true,
        };
        before_ok && after_ok
    })
}

fn japanese_pages(city: &str) -> Vec<(PathBuf, bool)> {
    let dir = repo().join("content/cities").join(city);
    let mut out = vec![(dir.join("_index.md"), true)];
    for sub in ["chapters", "measures"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.ends_with(".md") && !name.ends_with(".en.md") && name != "_index.md"
            })
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|p| (p, false)));
    }
    out
}

/// The terms a (variant-keyed) Japanese text uses, each once, in first-use order. The text is
/// read left to right and the longest term starting at each place wins, as the search matcher
/// reads it: 新規採用職員研修 is 新規採用職員 + 研修, not 採用 + 職員研修, so a longer term with
/// its own rendering (新規採用職員 "newly recruited staff") is not also held to its parts'.
fn used_terms<'t>(ja_key: &str, terms: &'t [(String, &str, &str)]) -> Vec<(&'t str, &'t str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut at = 0;
    while at < ja_key.len() {
        let rest = &ja_key[at..];
        let longest = terms
            .iter()
            .filter(|(key, _, _)| !key.is_empty() && rest.starts_with(key.as_str()))
            .max_by_key(|(key, _, _)| key.len());
        match longest {
            Some((key, term, render)) => {
                if !out.iter().any(|(t, _)| t == term) {
                    out.push((term, render));
                }
                at += key.len();
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// Every violation, by city: `file: term → expected rendering`.
fn violations() -> BTreeMap<&'static str, Vec<String>> {
    let terms: Vec<(String, &str, &str)> = glossary()
        .term_base()
        .map(|(ja, render)| (variant_key(ja), ja, render))
        .collect();
    let mut out = BTreeMap::new();
    for city in CITIES {
        let mut list = Vec::new();
        for (path, city_page) in japanese_pages(city) {
            let (ja, en) = pair(&path, city_page);
            let ja_key = variant_key(&ja);
            let en_rel = path
                .with_extension("en.md")
                .strip_prefix(repo())
                .unwrap()
                .display()
                .to_string();
            for (term, render) in used_terms(&ja_key, &terms) {
                if !uses(&en, render) {
                    list.push(format!("{en_rel}: {term} → {render}"));
                }
            }
        }
        out.insert(city, list);
    }
    out
}

#[test]
fn rendering_match() {
    assert!(uses("The unit heads meet.", "unit head"));
    assert!(uses("Personnel Evaluation", "personnel evaluation"));
    assert!(!uses("unit headcount", "unit head"));
    assert!(!uses("mentoring", "mentor"));
    assert!(uses("(mentor)", "mentor"));
}

#[test]
fn longest_term_wins() {
    let terms: Vec<(String, &str, &str)> = [
        ("採用", "recruitment"),
        ("職員研修", "staff training"),
        ("研修", "training"),
        ("新規採用職員", "newly recruited staff"),
    ]
    .into_iter()
    .map(|(ja, r)| (variant_key(ja), ja, r))
    .collect();
    let used = |text: &str| -> Vec<&str> {
        used_terms(&variant_key(text), &terms)
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    };
    assert_eq!(used("新規採用職員研修"), ["新規採用職員", "研修"]);
    // A term outside the longer one still counts, as does the shorter term on its own.
    assert_eq!(
        used("新規採用職員研修と採用"),
        ["新規採用職員", "研修", "採用"]
    );
    assert_eq!(used("職員研修の職員研修"), ["職員研修"]);
}

#[test]
fn term_base_has_common_terms_and_theme_names() {
    let base: BTreeMap<String, &str> = glossary()
        .term_base()
        .map(|(ja, r)| (variant_key(ja), r))
        .collect();
    for (ja, render) in [
        ("人事評価", "personnel evaluation"),
        ("所属長", "unit head"),
        ("シニア職員", "senior staff"),
        ("会計年度任用職員", "fiscal-year appointed staff"),
        ("ワーク・ライフ・バランス", "work-life balance"),
    ] {
        assert_eq!(base.get(&variant_key(ja)).copied(), Some(render), "{ja}");
    }
    // Every theme name of config.toml is a term-base entry with the config's English name.
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("config.toml")).unwrap()).unwrap();
    let themes = config["extra"]["themes"].as_table().unwrap();
    let mut wrong = Vec::new();
    for (slug, names) in themes {
        let ja = names["ja"].as_str().unwrap();
        let en = names["en"].as_str().unwrap();
        match base.get(&variant_key(ja)) {
            // The rendering is singular: "Specialists" is the theme's name for "specialist".
            Some(r) if r.eq_ignore_ascii_case(en) || format!("{r}s").eq_ignore_ascii_case(en) => {}
            other => wrong.push(format!("theme {slug}: {ja} → {en:?}, term base {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn english_twins_use_the_term_base_renderings() {
    let all = violations();
    let total: usize = all.values().map(Vec::len).sum();
    let mut report = String::new();
    for (city, list) in &all {
        report.push_str(&format!("{city}: {} violation(s)\n", list.len()));
    }
    for list in all.values() {
        for v in list {
            report.push_str(v);
            report.push('\n');
        }
    }
    assert!(total == 0, "{total} term-base violation(s):\n{report}");
}
