//! Running a query through `kb search --json` and judging its results.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::set::Query;

pub const TOP_K: usize = 10;
/// `kb search`'s largest page: how deep the language check looks for a page in the reader's
/// language when the top result is not in it.
const DEEP_LIMIT: usize = 100;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kb() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kb"))
}

pub fn build_site(out: &Path) {
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
pub struct Hit {
    pub url: String,
    pub lang: String,
    pub city: Option<String>,
}

/// The first `limit` results of `q`.
pub fn search(out: &Path, q: &Query, limit: usize) -> Vec<Hit> {
    let mut cmd = kb();
    cmd.arg("search")
        .arg("--root")
        .arg(repo())
        .arg("--output")
        .arg(out)
        .arg("--json")
        .arg("--limit")
        .arg(limit.to_string());
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
        "kb search failed for {:?} (line {}):\n{}",
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
        .take(limit)
        .map(|r| Hit {
            url: r["url"].as_str().expect("result url").to_string(),
            lang: r["lang"].as_str().unwrap_or_default().to_string(),
            city: r["city"].as_str().map(str::to_string),
        })
        .collect()
}

/// Results that break the query's filters, each with the reason. `--city` is a hard filter: any
/// result from another city breaks it. `--lang` is the reader's language, which must rank first:
/// when any page in it matches (looked for in the first `DEEP_LIMIT` results), the top result
/// must be in it.
pub fn filter_violations(out: &Path, q: &Query, hits: &[Hit]) -> Vec<String> {
    let mut wrong: Vec<String> = hits
        .iter()
        .filter(|h| {
            q.city
                .as_deref()
                .is_some_and(|c| h.city.as_deref() != Some(c))
        })
        .map(|h| {
            format!(
                "{} is from {}, not --city",
                h.url,
                h.city.as_deref().unwrap_or("no city")
            )
        })
        .collect();
    if let (Some(lang), Some(top)) = (q.lang.as_deref(), hits.first()) {
        if top.lang != lang {
            let deep = search(out, q, DEEP_LIMIT);
            if let Some(first) = deep.iter().find(|h| h.lang == lang) {
                let rank = deep.iter().position(|h| h.url == first.url).unwrap_or(0) + 1;
                wrong.push(format!(
                    "top result {} is not in --lang {lang}, though {} (rank {rank}) is",
                    top.url, first.url
                ));
            }
        }
    }
    wrong
}

/// Does the built site have a page at `url` (e.g. `/cities/kofu/measures/kofu-06/`)?
pub fn page_exists(out: &Path, url: &str) -> bool {
    out.join(url.trim_start_matches('/'))
        .join("index.html")
        .is_file()
}

pub struct Outcome {
    pub recall: f64,
    pub rr: f64,
    /// The rank (1-based) of each `must_find` page in the top `TOP_K`, in order.
    pub ranks: Vec<Option<usize>>,
}

/// The path a page shares with its translation (`/en/x/` and `/x/` are one result of the
/// search: search_indexer::pairs::pair_key).
fn pair(url: &str) -> &str {
    match url.strip_prefix("/en/") {
        Some(_) => &url[3..],
        None => url,
    }
}

/// Ranks of the expected pages. The search gives one result per page and its translation, so an
/// expected page counts as found where its pair is (the twin the reader is shown): a pair found
/// is its page found.
pub fn score(q: &Query, urls: &[String]) -> Outcome {
    let ranks: Vec<Option<usize>> = q
        .must_find
        .iter()
        .map(|u| urls.iter().position(|r| pair(r) == pair(u)).map(|p| p + 1))
        .collect();
    let found = ranks.iter().filter(|r| r.is_some()).count();
    let best = ranks.iter().flatten().min();
    Outcome {
        recall: found as f64 / q.must_find.len() as f64,
        rr: best.map(|r| 1.0 / *r as f64).unwrap_or(0.0),
        ranks,
    }
}

/// The pages of a required query that miss its rank bar, with their rank (None: not in the top
/// `TOP_K`). Empty for a query that is not required.
pub fn rank_bar_misses<'a>(q: &'a Query, o: &Outcome) -> Vec<(&'a str, Option<usize>)> {
    if !q.required {
        return Vec::new();
    }
    let bar = q.max_rank.unwrap_or(TOP_K);
    q.must_find
        .iter()
        .zip(&o.ranks)
        .filter(|(_, r)| r.is_none_or(|r| r > bar))
        .map(|(u, r)| (u.as_str(), *r))
        .collect()
}

/// "/en/cities/kofu/measures/kofu-06/" -> "en:kofu-06"; chapters keep their city.
pub fn short(url: &str) -> String {
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
