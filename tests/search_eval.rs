//! Search-quality evaluation: runs every query in `tests/search_eval.toml` through
//! `kb search --json --limit 10` against a fresh build of the repository's content and measures
//! recall@10 (share of the expected pages found in the top 10, averaged over queries) and MRR
//! (reciprocal rank of the best-ranked expected page, averaged over queries).
//!
//! The test fails when
//! * recall@10 or MRR falls below the bars in the data file (`min_recall_at_10`, `min_mrr`),
//! * any `required = true` query (the acceptance cases) misses one of its pages, returns a page
//!   from another city than its --city, or has a top result not in its --lang ("job rotation"
//!   --lang en must return English pages first; --lang is a preference, not a filter),
//! * the data file names a page the build does not produce (a typo in the evaluation set).
//!
//! See the per-query table with
//! `cargo test --release --test search_eval -- --nocapture`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TOP_K: usize = 10;
const MIN_QUERIES: usize = 60;

// ---------------------------------------------------------------------------------------------
// The evaluation set
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct Query {
    q: String,
    must_find: Vec<String>,
    lang: Option<String>,
    city: Option<String>,
    theme: Option<String>,
    required: bool,
    note: Option<String>,
    line: usize,
}

impl Query {
    fn filters(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("lang", &self.lang),
            ("city", &self.city),
            ("theme", &self.theme),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        }
        parts.join(" ")
    }
}

#[derive(Debug)]
struct EvalSet {
    min_recall: f64,
    min_mrr: f64,
    queries: Vec<Query>,
}

#[derive(Debug, Clone)]
enum Value {
    Str(String),
    Bool(bool),
    Num(f64),
    Array(Vec<String>),
}

/// The root package has no TOML dependency, so this reads the small subset the data file uses:
/// comments, top-level `key = value` lines, `[[query]]` tables, values that are basic strings,
/// booleans, numbers, or arrays of strings (which may span lines).
fn parse_eval_set(text: &str) -> EvalSet {
    let mut top: BTreeMap<String, Value> = BTreeMap::new();
    let mut tables: Vec<(usize, BTreeMap<String, Value>)> = Vec::new();

    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let line = strip_comment(lines[i]).trim().to_string();
        i += 1;
        if line.is_empty() {
            continue;
        }
        if line == "[[query]]" {
            tables.push((lineno, BTreeMap::new()));
            continue;
        }
        if line.starts_with('[') {
            panic!("search_eval.toml:{lineno}: unsupported table header {line}");
        }
        let (key, rest) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("search_eval.toml:{lineno}: expected key = value"));
        let key = key.trim().to_string();
        let mut rest = rest.trim().to_string();
        // Multi-line arrays: keep reading until the closing bracket.
        if rest.starts_with('[') {
            while !array_closed(&rest) {
                assert!(
                    i < lines.len(),
                    "search_eval.toml:{lineno}: unterminated array"
                );
                rest.push(' ');
                rest.push_str(strip_comment(lines[i]).trim());
                i += 1;
            }
        }
        let value =
            parse_value(&rest).unwrap_or_else(|e| panic!("search_eval.toml:{lineno}: {e}: {rest}"));
        let target = match tables.last_mut() {
            Some((_, t)) => t,
            None => &mut top,
        };
        assert!(
            target.insert(key.clone(), value).is_none(),
            "search_eval.toml:{lineno}: duplicate key {key}"
        );
    }

    let num = |k: &str| match top.get(k) {
        Some(Value::Num(n)) => *n,
        other => panic!("search_eval.toml: top-level {k} must be a number, got {other:?}"),
    };
    let queries = tables
        .into_iter()
        .map(|(line, mut t)| {
            let mut q = Query {
                line,
                ..Default::default()
            };
            let s = |v: Value, k: &str| match v {
                Value::Str(s) => s,
                other => panic!("search_eval.toml:{line}: {k} must be a string, got {other:?}"),
            };
            for (k, v) in std::mem::take(&mut t) {
                match k.as_str() {
                    "q" => q.q = s(v, "q"),
                    "lang" => q.lang = Some(s(v, "lang")),
                    "city" => q.city = Some(s(v, "city")),
                    "theme" => q.theme = Some(s(v, "theme")),
                    "note" => q.note = Some(s(v, "note")),
                    "required" => match v {
                        Value::Bool(b) => q.required = b,
                        other => panic!(
                            "search_eval.toml:{line}: required must be a bool, got {other:?}"
                        ),
                    },
                    "must_find" => match v {
                        Value::Array(a) => q.must_find = a,
                        other => panic!(
                            "search_eval.toml:{line}: must_find must be an array, got {other:?}"
                        ),
                    },
                    other => panic!("search_eval.toml:{line}: unknown key {other}"),
                }
            }
            assert!(!q.q.trim().is_empty(), "search_eval.toml:{line}: empty q");
            assert!(
                !q.must_find.is_empty(),
                "search_eval.toml:{line}: must_find is empty"
            );
            q
        })
        .collect();
    EvalSet {
        min_recall: num("min_recall_at_10"),
        min_mrr: num("min_mrr"),
        queries,
    }
}

/// Drops a `#` comment that is not inside a string.
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '#' if !in_str => return &line[..i],
            _ => {}
        }
    }
    line
}

fn array_closed(s: &str) -> bool {
    let mut in_str = false;
    let mut escaped = false;
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn parse_value(s: &str) -> Result<Value, String> {
    let s = s.trim();
    if s == "true" {
        return Ok(Value::Bool(true));
    }
    if s == "false" {
        return Ok(Value::Bool(false));
    }
    if s.starts_with('"') {
        let (v, rest) = parse_string(s)?;
        if !rest.trim().is_empty() {
            return Err(format!("trailing text after string: {rest}"));
        }
        return Ok(Value::Str(v));
    }
    if let Some(inner) = s.strip_prefix('[') {
        let mut items = Vec::new();
        let mut rest = inner.trim_start();
        loop {
            if let Some(after) = rest.strip_prefix(']') {
                if !after.trim().is_empty() {
                    return Err(format!("trailing text after array: {after}"));
                }
                return Ok(Value::Array(items));
            }
            let (v, after) = parse_string(rest)?;
            items.push(v);
            rest = after.trim_start();
            if let Some(after) = rest.strip_prefix(',') {
                rest = after.trim_start();
            } else if !rest.starts_with(']') {
                return Err("expected , or ] in array".into());
            }
        }
    }
    s.parse::<f64>()
        .map(Value::Num)
        .map_err(|_| "unsupported value".to_string())
}

/// Parses a TOML basic string at the start of `s`; returns it and the text after it.
fn parse_string(s: &str) -> Result<(String, &str), String> {
    let body = s.strip_prefix('"').ok_or("expected a string")?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next().ok_or("unterminated escape")?;
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let hex: String = (0..n)
                            .map(|_| chars.next().map(|(_, c)| c).unwrap_or('?'))
                            .collect();
                        let cp = u32::from_str_radix(&hex, 16)
                            .map_err(|_| format!("bad \\{e} escape {hex}"))?;
                        out.push(char::from_u32(cp).ok_or("bad code point")?);
                    }
                    other => return Err(format!("unsupported escape \\{other}")),
                }
            }
            c => out.push(c),
        }
    }
    Err("unterminated string".into())
}

// ---------------------------------------------------------------------------------------------
// Running the queries
// ---------------------------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kb() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kb"))
}

fn build_site(out: &Path) {
    let o = kb()
        .arg("build")
        .arg("--root")
        .arg(repo())
        .arg("--output")
        .arg(out)
        .output()
        .expect("kb build runs");
    assert!(
        o.status.success(),
        "kb build failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// One result: its URL, language and city.
struct Hit {
    url: String,
    lang: String,
    city: Option<String>,
}

/// The top-`TOP_K` results.
fn search(out: &Path, q: &Query) -> Vec<Hit> {
    let mut cmd = kb();
    cmd.arg("search")
        .arg("--root")
        .arg(repo())
        .arg("--output")
        .arg(out)
        .arg("--json")
        .arg("--limit")
        .arg(TOP_K.to_string());
    for (flag, v) in [
        ("--lang", &q.lang),
        ("--city", &q.city),
        ("--theme", &q.theme),
    ] {
        if let Some(v) = v {
            cmd.arg(flag).arg(v);
        }
    }
    cmd.arg("--").arg(&q.q);
    let o = cmd.output().expect("kb search runs");
    assert!(
        o.status.success(),
        "kb search failed for {:?} (search_eval.toml:{}):\n{}",
        q.q,
        q.line,
        String::from_utf8_lossy(&o.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "kb search --json printed invalid JSON for {:?}: {e}\n{}",
            q.q,
            String::from_utf8_lossy(&o.stdout)
        )
    });
    json["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results array for {:?}: {json}", q.q))
        .iter()
        .take(TOP_K)
        .map(|r| Hit {
            url: r["url"].as_str().expect("result url").to_string(),
            lang: r["lang"].as_str().unwrap_or_default().to_string(),
            city: r["city"].as_str().map(str::to_string),
        })
        .collect()
}

/// Results that break the query's filters. `--city` is a hard filter. `--lang` is the reader's
/// language (a preference, not a filter: pages in the other language that the query reaches
/// through the glossary may follow), so it is broken only when the top result is in the other
/// language.
fn filter_violations(q: &Query, hits: &[Hit]) -> Vec<String> {
    let mut wrong: Vec<String> = hits
        .iter()
        .filter(|h| {
            q.city
                .as_deref()
                .is_some_and(|c| h.city.as_deref() != Some(c))
        })
        .map(|h| h.url.clone())
        .collect();
    if let (Some(lang), Some(top)) = (q.lang.as_deref(), hits.first()) {
        if top.lang != lang && !wrong.contains(&top.url) {
            wrong.push(top.url.clone());
        }
    }
    wrong
}

/// Does the built site have a page at `url` (e.g. `/cities/kofu/measures/kofu-06/`)?
fn page_exists(out: &Path, url: &str) -> bool {
    let rel = url.trim_start_matches('/');
    out.join(rel).join("index.html").is_file()
}

struct Outcome {
    recall: f64,
    rr: f64,
    ranks: Vec<Option<usize>>,
}

fn score(q: &Query, urls: &[String]) -> Outcome {
    let ranks: Vec<Option<usize>> = q
        .must_find
        .iter()
        .map(|u| urls.iter().position(|r| r == u).map(|p| p + 1))
        .collect();
    let found = ranks.iter().filter(|r| r.is_some()).count();
    let best = ranks.iter().flatten().min();
    Outcome {
        recall: found as f64 / q.must_find.len() as f64,
        rr: best.map(|r| 1.0 / *r as f64).unwrap_or(0.0),
        ranks,
    }
}

fn short(url: &str) -> String {
    // "/en/cities/kofu/measures/kofu-06/" -> "en:kofu-06"; chapters keep their folder.
    let lang = if url.starts_with("/en/") { "en:" } else { "" };
    let trimmed = url.trim_end_matches('/');
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    if trimmed.contains("/chapters/") {
        let city = trimmed
            .split('/')
            .skip_while(|s| *s != "cities")
            .nth(1)
            .unwrap_or("");
        format!("{lang}{city}/ch/{last}")
    } else {
        format!("{lang}{last}")
    }
}

#[test]
fn search_quality() {
    let data_path = repo().join("tests/search_eval.toml");
    let text = std::fs::read_to_string(&data_path).expect("tests/search_eval.toml is readable");
    let set = parse_eval_set(&text);
    assert!(
        set.queries.len() >= MIN_QUERIES,
        "the evaluation set should hold at least {MIN_QUERIES} queries, has {}",
        set.queries.len()
    );

    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    build_site(&out);

    // Every expected page must exist, or the evaluation set has a typo.
    let mut unknown = Vec::new();
    for q in &set.queries {
        for u in &q.must_find {
            if !page_exists(&out, u) {
                unknown.push(format!("search_eval.toml:{}: {u}", q.line));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "pages named in the evaluation set that the build does not produce:\n{}",
        unknown.join("\n")
    );

    let mut rows = Vec::new();
    let (mut sum_recall, mut sum_rr) = (0.0, 0.0);
    let mut required_misses = Vec::new();
    let mut violations = Vec::new();
    for q in &set.queries {
        let hits = search(&out, q);
        let wrong = filter_violations(q, &hits);
        if !wrong.is_empty() {
            violations.push(format!(
                "{:?} [{}] (search_eval.toml:{}): {} result(s) break the filters, e.g. {}",
                q.q,
                q.filters(),
                q.line,
                wrong.len(),
                wrong[0]
            ));
            if q.required {
                required_misses.push(format!(
                    "{:?} [{}] (search_eval.toml:{}) breaks its filters (other city, or top result not in --lang): {:?}",
                    q.q,
                    q.filters(),
                    q.line,
                    wrong
                ));
            }
        }
        let urls: Vec<String> = hits.into_iter().map(|h| h.url).collect();
        let o = score(q, &urls);
        sum_recall += o.recall;
        sum_rr += o.rr;
        let missing: Vec<&String> = q
            .must_find
            .iter()
            .zip(&o.ranks)
            .filter(|(_, r)| r.is_none())
            .map(|(u, _)| u)
            .collect();
        if q.required && !missing.is_empty() {
            required_misses.push(format!(
                "{:?} [{}] (search_eval.toml:{}) misses {:?}; top {TOP_K}: {:?}",
                q.q,
                q.filters(),
                q.line,
                missing,
                urls
            ));
        }
        rows.push((q, o, missing));
    }
    let n = set.queries.len() as f64;
    let recall = sum_recall / n;
    let mrr = sum_rr / n;

    // Report.
    println!();
    println!(
        "search evaluation: {} queries, top {TOP_K}",
        set.queries.len()
    );
    println!(
        "{:>3}  {:>6}  {:>5}  {:<14}  {:<13}  query [filters]  missing",
        "#", "recall", "RR", "ranks", ""
    );
    for (i, (q, o, missing)) in rows.iter().enumerate() {
        let ranks = o
            .ranks
            .iter()
            .map(|r| r.map(|r| r.to_string()).unwrap_or_else(|| "-".into()))
            .collect::<Vec<_>>()
            .join(",");
        let flag = match (q.required, o.recall < 1.0) {
            (true, true) => "REQUIRED MISS",
            (true, false) => "required",
            (false, true) => "weak",
            (false, false) => "",
        };
        let filters = q.filters();
        let label = if filters.is_empty() {
            q.q.clone()
        } else {
            format!("{} [{}]", q.q, filters)
        };
        let missing = missing
            .iter()
            .map(|u| short(u))
            .collect::<Vec<_>>()
            .join(" ");
        println!(
            "{:>3}  {:>6.2}  {:>5.2}  {:<14}  {:<13}  {}  {}",
            i + 1,
            o.recall,
            o.rr,
            ranks,
            flag,
            label,
            missing
        );
    }
    let perfect = rows.iter().filter(|(_, o, _)| o.recall >= 1.0).count();
    println!();
    println!(
        "queries with every page in the top {TOP_K}: {perfect}/{}",
        set.queries.len()
    );
    if !violations.is_empty() {
        println!(
            "queries with a result from another city or a top result not in --lang: {}",
            violations.len()
        );
        for v in &violations {
            println!("  {v}");
        }
    }
    println!("recall@{TOP_K} = {recall:.4}   (bar {:.2})", set.min_recall);
    println!("MRR       = {mrr:.4}   (bar {:.2})", set.min_mrr);
    println!();

    let mut failures = Vec::new();
    if !required_misses.is_empty() {
        failures.push(format!(
            "required queries missed pages:\n  {}",
            required_misses.join("\n  ")
        ));
    }
    if recall < set.min_recall {
        failures.push(format!(
            "recall@{TOP_K} {recall:.4} is below the bar {:.2}",
            set.min_recall
        ));
    }
    if mrr < set.min_mrr {
        failures.push(format!("MRR {mrr:.4} is below the bar {:.2}", set.min_mrr));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parser_reads_the_subset_the_data_file_uses() {
    let set = parse_eval_set(
        r##"
# comment
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
note = "quote \" and \u00e9"

[[query]]
q = "b"
must_find = ["/z/"]
"##,
    );
    assert_eq!(set.min_recall, 0.5);
    assert_eq!(set.min_mrr, 0.25);
    assert_eq!(set.queries.len(), 2);
    let a = &set.queries[0];
    assert_eq!(a.q, "a # not a comment");
    assert_eq!(a.must_find, vec!["/x/", "/y/"]);
    assert_eq!(a.lang.as_deref(), Some("en"));
    assert!(a.required);
    assert_eq!(a.note.as_deref(), Some("quote \" and é"));
    assert!(!set.queries[1].required);
    assert_eq!(set.queries[1].must_find, vec!["/z/"]);
}
