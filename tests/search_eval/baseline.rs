//! The per-query baseline (`tests/search_eval_baseline.toml`): for each query of each set, the
//! expected pages it found in the top 10 and their ranks. A query that loses a page it found
//! fails the test, whatever the averages do; `KB_EVAL_WRITE_BASELINE=1` rewrites the file from
//! the current results instead.

use std::collections::BTreeMap;
use std::path::Path;

use toml::{Table, Value};

use crate::set::EvalSet;

pub const FILE: &str = "tests/search_eval_baseline.toml";
pub const WRITE_ENV: &str = "KB_EVAL_WRITE_BASELINE";

/// Found pages of one query: URL -> rank.
pub type Found = BTreeMap<String, usize>;

/// The keys of a set's queries, in order: `q [filters]`, with ` #2`, ` #3`, ... for repeats.
pub fn keys(set: &EvalSet) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    set.queries
        .iter()
        .map(|q| {
            let label = q.label();
            let n = seen.entry(label.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                label
            } else {
                format!("{label} #{n}")
            }
        })
        .collect()
}

/// set name -> query key -> found pages. A missing file reads as empty.
pub fn load(path: &Path) -> BTreeMap<String, BTreeMap<String, Found>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let table: Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let mut out = BTreeMap::new();
    for (set, queries) in table {
        let Value::Table(queries) = queries else {
            panic!("{FILE}: [{set}] must be a table");
        };
        let mut per_query = BTreeMap::new();
        for (key, pages) in queries {
            let Value::Table(pages) = pages else {
                panic!("{FILE}: {set}.{key:?} must be a table");
            };
            let found = pages
                .into_iter()
                .map(|(url, rank)| match rank {
                    Value::Integer(r) if r > 0 => (url, r as usize),
                    other => panic!("{FILE}: {set}.{key:?}.{url}: rank {other} is not a rank"),
                })
                .collect();
            per_query.insert(key, found);
        }
        out.insert(set, per_query);
    }
    out
}

/// The baseline file's text: one table per set, one sub-table per query, in the sets' order.
pub fn render(sets: &[(String, Vec<(String, Found)>)]) -> String {
    let mut root = Table::new();
    for (name, queries) in sets {
        let mut t = Table::new();
        for (key, found) in queries {
            let mut pages: Vec<(&String, &usize)> = found.iter().collect();
            pages.sort_by_key(|(_, r)| **r);
            let pages: Table = pages
                .into_iter()
                .map(|(u, r)| (u.clone(), Value::Integer(*r as i64)))
                .collect();
            t.insert(key.clone(), Value::Table(pages));
        }
        root.insert(name.clone(), Value::Table(t));
    }
    let body = toml::to_string(&root).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    format!(
        "# Per-query baseline of the search evaluation (tests/search_eval/main.rs): for each query, the\n\
         # expected pages it found in the top 10 and their ranks. The test fails when a query\n\
         # loses one of these pages. Regenerate (after a deliberate change, checking the diff):\n\
         #   KB_EVAL_WRITE_BASELINE=1 cargo test --release --test search_eval\n\n{body}"
    )
}

/// What a query lost against its baseline: (url, baseline rank).
pub fn losses(before: &Found, now: &Found) -> Vec<(String, usize)> {
    before
        .iter()
        .filter(|(u, _)| !now.contains_key(*u))
        .map(|(u, r)| (u.clone(), *r))
        .collect()
}

#[test]
fn render_then_load_round_trips() {
    let found: Found = [("/a/".to_string(), 3), ("/b/".to_string(), 1)].into();
    let text = render(&[(
        "dev".to_string(),
        vec![
            ("人材 [city=kofu]".to_string(), found.clone()),
            ("x".to_string(), Found::new()),
        ],
    )]);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("b.toml");
    std::fs::write(&path, text).expect("write");
    let back = load(&path);
    assert_eq!(back["dev"]["人材 [city=kofu]"], found);
    assert!(back["dev"]["x"].is_empty());
    let now: Found = [("/b/".to_string(), 4)].into();
    assert_eq!(losses(&found, &now), vec![("/a/".to_string(), 3)]);
}
