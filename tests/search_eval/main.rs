//! Search-quality evaluation: runs every query of two sets through
//! `kb search --json --limit 10` against a fresh build of the repository's content and measures,
//! per set, recall@10 (share of the expected pages found in the top 10, averaged over queries)
//! and MRR (reciprocal rank of the best-ranked expected page, averaged over queries).
//!
//! * `tests/search_eval.toml`: the development set, tuned together with the search dictionaries
//!   (most of its English queries are glossary entries; read its figures as such);
//! * `tests/search_eval_heldout.toml`: the held-out set, written from the sources without
//!   looking at the dictionaries (its header says how). Do not tune the dictionaries to it.
//!
//! The test fails when
//! * a set's recall@10 or MRR falls below that set's bars (`min_recall_at_10`, `min_mrr`),
//! * any query breaks its filters: a result from another city than its `--city`, or, with
//!   `--lang X`, a top result not in X although a page in X matches,
//! * a `required = true` query has an expected page outside its rank bar (`max_rank`, default
//!   10),
//! * a query loses an expected page that it found in the per-query baseline
//!   (`tests/search_eval_baseline.toml`), whatever the averages,
//! * a data file names a page the build does not produce (a typo in the set).
//!
//! Regenerate the baseline from the current results (after a deliberate change to the content or
//! the engine; check its diff) with
//! `KB_EVAL_WRITE_BASELINE=1 cargo test --release --test search_eval`.
//! See the per-query tables with `cargo test --release --test search_eval -- --nocapture`.

mod baseline;
mod run;
mod set;

use std::path::Path;

use baseline::Found;
use run::{Outcome, TOP_K};
use set::{EvalSet, Query};

/// Each set must be large enough for its averages to mean something.
const MIN_QUERIES: usize = 60;

struct Row<'a> {
    q: &'a Query,
    key: String,
    o: Outcome,
    found: Found,
    violations: Vec<String>,
}

/// Runs a set; returns its rows, recall@10 and MRR.
fn evaluate<'a>(out: &Path, set: &'a EvalSet) -> (Vec<Row<'a>>, f64, f64) {
    let mut rows = Vec::new();
    for (q, key) in set.queries.iter().zip(baseline::keys(set)) {
        let hits = run::search(out, q, TOP_K);
        let violations = run::filter_violations(out, q, &hits);
        let urls: Vec<String> = hits.into_iter().map(|h| h.url).collect();
        let o = run::score(q, &urls);
        let found = q
            .must_find
            .iter()
            .zip(&o.ranks)
            .filter_map(|(u, r)| r.map(|r| (u.clone(), r)))
            .collect();
        rows.push(Row {
            q,
            key,
            o,
            found,
            violations,
        });
    }
    let n = rows.len().max(1) as f64;
    let recall = rows.iter().map(|r| r.o.recall).sum::<f64>() / n;
    let mrr = rows.iter().map(|r| r.o.rr).sum::<f64>() / n;
    (rows, recall, mrr)
}

fn print_table(set: &EvalSet, rows: &[Row]) {
    println!();
    println!(
        "search evaluation, {} set ({}): {} queries, top {TOP_K}",
        set.name,
        set.file,
        rows.len()
    );
    println!(
        "{:>3}  {:>6}  {:>5}  {:<14}  {:<13}  query [filters]  missing",
        "#", "recall", "RR", "ranks", ""
    );
    for (i, r) in rows.iter().enumerate() {
        let ranks =
            r.o.ranks
                .iter()
                .map(|r| r.map(|r| r.to_string()).unwrap_or_else(|| "-".into()))
                .collect::<Vec<_>>()
                .join(",");
        let flag = match (r.q.required, run::rank_bar_misses(r.q, &r.o).is_empty()) {
            (true, false) => "REQUIRED MISS",
            (true, true) => "required",
            (false, _) if r.o.recall < 1.0 => "weak",
            _ => "",
        };
        let missing =
            r.q.must_find
                .iter()
                .zip(&r.o.ranks)
                .filter(|(_, rank)| rank.is_none())
                .map(|(u, _)| run::short(u))
                .collect::<Vec<_>>()
                .join(" ");
        println!(
            "{:>3}  {:>6.2}  {:>5.2}  {:<14}  {:<13}  {}  {}",
            i + 1,
            r.o.recall,
            r.o.rr,
            ranks,
            flag,
            r.key,
            missing
        );
    }
    let perfect = rows.iter().filter(|r| r.o.recall >= 1.0).count();
    let zero = rows.iter().filter(|r| r.o.recall == 0.0).count();
    println!(
        "queries with every page in the top {TOP_K}: {perfect}/{}; with none: {zero}",
        rows.len()
    );
}

/// Everything in a set's results that fails the test.
fn failures(
    set: &EvalSet,
    rows: &[Row],
    recall: f64,
    mrr: f64,
    base: Option<&std::collections::BTreeMap<String, Found>>,
) -> Vec<String> {
    let mut out = Vec::new();
    let at = |q: &Query| format!("{}:{}", set.file, q.line);
    for r in rows {
        for v in &r.violations {
            out.push(format!("{}: {:?} breaks its filters: {v}", at(r.q), r.key));
        }
        for (url, rank) in run::rank_bar_misses(r.q, &r.o) {
            let rank = rank.map_or("not in the top 10".into(), |r| format!("rank {r}"));
            let bar = r.q.max_rank.unwrap_or(TOP_K);
            out.push(format!(
                "{}: required {:?} has {url} at {rank} (bar: rank {bar})",
                at(r.q),
                r.key
            ));
        }
        if let Some(before) = base.and_then(|b| b.get(&r.key)) {
            for (url, was) in baseline::losses(before, &r.found) {
                out.push(format!(
                    "{}: {:?} lost {url} (rank {was} in {}; now not in the top {TOP_K})",
                    at(r.q),
                    r.key,
                    baseline::FILE
                ));
            }
        }
    }
    if recall < set.min_recall_at_10 {
        out.push(format!(
            "{} set: recall@{TOP_K} {recall:.4} is below the bar {:.2}",
            set.name, set.min_recall_at_10
        ));
    }
    if mrr < set.min_mrr {
        out.push(format!(
            "{} set: MRR {mrr:.4} is below the bar {:.2}",
            set.name, set.min_mrr
        ));
    }
    out
}

#[test]
fn search_quality() {
    let root = run::repo();
    let sets = [
        set::load(&root.join("tests/search_eval.toml"), "dev"),
        set::load(&root.join("tests/search_eval_heldout.toml"), "heldout"),
    ];
    for s in &sets {
        assert!(
            s.queries.len() >= MIN_QUERIES,
            "{}: the set should hold at least {MIN_QUERIES} queries, has {}",
            s.file,
            s.queries.len()
        );
    }
    // A held-out query that repeats a development query is not held out.
    let dev_labels: Vec<String> = sets[0].queries.iter().map(Query::label).collect();
    for q in &sets[1].queries {
        assert!(
            !dev_labels.contains(&q.label()),
            "{}:{}: {:?} is also in the development set",
            sets[1].file,
            q.line,
            q.label()
        );
    }

    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    run::build_site(&out);

    // Every expected page must exist, or the set has a typo.
    let unknown: Vec<String> = sets
        .iter()
        .flat_map(|s| {
            s.queries.iter().flat_map(move |q| {
                q.must_find
                    .iter()
                    .map(move |u| (format!("{}:{}", s.file, q.line), u))
            })
        })
        .filter(|(_, u)| !run::page_exists(&out, u))
        .map(|(at, u)| format!("{at}: {u}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "pages named in the evaluation sets that the build does not produce:\n{}",
        unknown.join("\n")
    );

    let write = std::env::var(baseline::WRITE_ENV).is_ok_and(|v| v == "1");
    let base = baseline::load(&root.join(baseline::FILE));
    let mut all_failures = Vec::new();
    let mut summary = Vec::new();
    let mut new_baseline = Vec::new();
    for s in &sets {
        let (rows, recall, mrr) = evaluate(&out, s);
        print_table(s, &rows);
        let set_base = if write { None } else { base.get(&s.name) };
        if !write {
            let missing = rows
                .iter()
                .filter(|r| set_base.is_none_or(|b| !b.contains_key(&r.key)))
                .count();
            if missing > 0 {
                println!(
                    "{missing} quer(ies) not in {}: regenerate it ({}=1)",
                    baseline::FILE,
                    baseline::WRITE_ENV
                );
            }
        }
        all_failures.extend(failures(s, &rows, recall, mrr, set_base));
        summary.push(format!(
            "{:<8} {:>3} queries  recall@{TOP_K} = {recall:.4} (bar {:.2})  MRR = {mrr:.4} (bar {:.2})",
            s.name,
            rows.len(),
            s.min_recall_at_10,
            s.min_mrr
        ));
        new_baseline.push((
            s.name.clone(),
            rows.into_iter().map(|r| (r.key, r.found)).collect(),
        ));
    }
    println!();
    for line in &summary {
        println!("{line}");
    }
    if write {
        let path = root.join(baseline::FILE);
        std::fs::write(&path, baseline::render(&new_baseline))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("wrote {}", baseline::FILE);
    }
    println!();
    assert!(
        all_failures.is_empty(),
        "search evaluation failed:\n  {}",
        all_failures.join("\n  ")
    );
}
