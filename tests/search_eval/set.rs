//! The evaluation sets: `tests/search_eval.toml` (development) and
//! `tests/search_eval_heldout.toml` (held-out), read with the `toml` crate.

use std::path::Path;

use serde::Deserialize;

/// One query of a set, as the data file writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub q: String,
    pub must_find: Vec<String>,
    pub lang: Option<String>,
    pub city: Option<String>,
    pub theme: Option<String>,
    /// An acceptance case: every `must_find` page must rank within `max_rank`.
    #[serde(default)]
    pub required: bool,
    /// The rank bar of a required query (default: the top 10).
    pub max_rank: Option<usize>,
    #[allow(dead_code)] // documentation for the reader of the data file
    pub note: Option<String>,
    /// The line of the query's `[[query]]` header (filled in after parsing).
    #[serde(skip)]
    pub line: usize,
}

impl Query {
    pub fn filters(&self) -> String {
        [
            ("lang", &self.lang),
            ("city", &self.city),
            ("theme", &self.theme),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// `q [filters]`: how reports and the baseline name the query.
    pub fn label(&self) -> String {
        let filters = self.filters();
        if filters.is_empty() {
            self.q.clone()
        } else {
            format!("{} [{filters}]", self.q)
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSet {
    pub min_recall_at_10: f64,
    pub min_mrr: f64,
    #[serde(rename = "query")]
    pub queries: Vec<Query>,
    /// `dev` or `heldout` (filled in after parsing).
    #[serde(skip)]
    pub name: String,
    /// The data file's name, for messages (filled in after parsing).
    #[serde(skip)]
    pub file: String,
}

/// Reads and checks a set; panics with `file:line: message` on a malformed one.
pub fn load(path: &Path, name: &str) -> EvalSet {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text, name, &file)
}

pub fn parse(text: &str, name: &str, file: &str) -> EvalSet {
    let mut set: EvalSet = toml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    set.name = name.to_string();
    set.file = file.to_string();
    // serde drops positions; the n-th `[[query]]` header is the n-th query.
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[query]]")
        .map(|(i, _)| i + 1)
        .collect();
    for (i, q) in set.queries.iter_mut().enumerate() {
        q.line = headers.get(i).copied().unwrap_or(0);
        let line = q.line;
        assert!(!q.q.trim().is_empty(), "{file}:{line}: empty q");
        assert!(!q.must_find.is_empty(), "{file}:{line}: must_find is empty");
        if q.max_rank.is_some() {
            assert!(
                q.required,
                "{file}:{line}: max_rank without required = true"
            );
        }
    }
    set
}

#[test]
fn parse_reads_queries_and_their_lines() {
    let set = parse(
        r##"
min_recall_at_10 = 0.5
min_mrr = 0.25

[[query]]
q = "a # not a comment"   # a comment
must_find = [
  "/x/",   # first
  "/y/",
]
lang = "en"
required = true
max_rank = 3

[[query]]
q = "b"
must_find = ["/z/"]
"##,
        "dev",
        "t.toml",
    );
    assert_eq!(set.min_recall_at_10, 0.5);
    assert_eq!(set.queries.len(), 2);
    let a = &set.queries[0];
    assert_eq!(a.q, "a # not a comment");
    assert_eq!(a.must_find, vec!["/x/", "/y/"]);
    assert_eq!((a.line, a.max_rank, a.required), (5, Some(3), true));
    assert_eq!(a.label(), "a # not a comment [lang=en]");
    assert_eq!(set.queries[1].line, 15);
    assert!(!set.queries[1].required);
}
