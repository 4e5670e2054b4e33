//! The children of `kb-bench`: one measurement each, in a fresh process, reported as one JSON
//! line on standard output.

use kb_build::live;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Instant;

/// Mixed Japanese / English queries: single words, compounds, phrases, filters-free.
pub(crate) const QUERIES: &[&str] = &[
    "人材育成",
    "研修",
    "ジョブローテーション",
    "人事評価",
    "女性活躍",
    "ワーク・ライフ・バランス",
    "ハラスメント",
    "メンタルヘルス",
    "管理職",
    "採用",
    "人材確保",
    "OJT",
    "DX",
    "デジタル人材",
    "自己啓発",
    "\"目指す職員像\"",
    "働き方改革 職場",
    "再任用 職員",
    "エンゲージメント",
    "キャリア形成 支援",
    "training",
    "job rotation",
    "performance evaluation",
    "recruitment",
    "mental health",
    "women leadership",
    "digital skills",
    "\"ideal staff\"",
    "harassment -power",
    "研修 training",
];

/// User + system CPU seconds of this process so far (the machine may be shared: compare with
/// the wall-clock times).
pub(crate) fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

pub(crate) fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub(crate) fn child(args: &[String]) -> Result<()> {
    let arg = |i: usize| args.get(i).map(String::as_str).context("missing argument");
    let v = match arg(0)? {
        "site" => {
            let (root, out) = (Path::new(arg(1)?), Path::new(arg(2)?));
            let start = Instant::now();
            let site_only = kb_build::BuildOptions {
                index: false,
                ..Default::default()
            };
            let report =
                kb_build::build_with(root, out, &site_only).map_err(|e| anyhow::anyhow!("{e}"))?;
            let total = start.elapsed().as_secs_f64();
            let phase = |name: &str| {
                report
                    .phases
                    .iter()
                    .find(|(p, _)| *p == name)
                    .map_or(0.0, |(_, d)| d.as_secs_f64())
            };
            // As before the pipeline library: loading, then rendering and writing everything
            // (pages, assets, data files), then the commit.
            let (loaded, written) = (phase("load"), phase("data"));
            // Peak memory of the build itself, before the second rendering below.
            let build_peak = peak_kib();
            // Rendering alone, on the loaded site (no writing, nothing kept).
            let r0 = Instant::now();
            let rendered = kb_site::render::Renderer::new(&report.site)
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .render_each(&|_, _| Ok(()), None)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let render = r0.elapsed().as_secs_f64();
            json!({
                "total_s": total, "load_s": loaded, "render_write_s": written - loaded,
                "commit_s": total - written, "render_only_s": render,
                "pages": report.pages, "files": report.files, "rendered": rendered,
                "pages_per_s": report.pages as f64 / total, "peak_kib": build_peak,
            })
        }
        "full" => {
            let (root, out) = (Path::new(arg(1)?), Path::new(arg(2)?));
            let t = Instant::now();
            let report = kb_build::build(root, out).map_err(|e| anyhow::anyhow!("{e}"))?;
            let total = t.elapsed().as_secs_f64();
            // Removing the replaced output runs in the background (`kb build` waits for it
            // after reporting; `kb serve` does not): timed apart.
            let t = Instant::now();
            kb_site::output::wait_for_cleanup();
            let cleanup = t.elapsed().as_secs_f64();
            json!({
                "total_s": total, "cleanup_s": cleanup, "pages": report.pages, "files": report.files,
                "pages_per_s": report.pages as f64 / total, "peak_kib": peak_kib(),
            })
        }
        "index" => index_phases(Path::new(arg(1)?))?,
        "incremental" => incremental(
            Path::new(arg(1)?),
            Path::new(arg(2)?),
            Path::new(arg(3)?),
            arg(4)?.parse()?,
        )?,
        "query" => queries(Path::new(arg(1)?), arg(2)?.parse()?)?,
        "bundle" => crate::budgets::bundle_child(Path::new(arg(1)?), Path::new(arg(2)?))?,
        other => bail!("unknown child {other}"),
    };
    let mut v = v;
    v["cpu_s"] = json!(cpu_s());
    println!("{v}");
    Ok(())
}

fn index_phases(root: &Path) -> Result<Value> {
    search_indexer::analyzer::ensure_dictionary()?;
    let t = Instant::now();
    let site = kb_site::Site::load(root).map_err(|e| anyhow::anyhow!("{e}"))?;
    let load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let docs: Vec<search_indexer::Document> = kb_build::documents::indexed_entries(&site)
        .into_iter()
        .map(|i| {
            let e = &site.entries[i];
            kb_build::documents::document(e, site.rendered(e).text)
        })
        .collect();
    drop(site);
    let documents = t.elapsed().as_secs_f64();
    let texts: Vec<String> = docs
        .iter()
        .map(|d| format!("{}\n{}", d.title, d.body))
        .collect();
    let chars: usize = texts.iter().map(|s| s.chars().count()).sum();
    let bytes: usize = texts.iter().map(String::len).sum();
    // Raw lindera segmentation of the same text (every page, both languages): on one thread,
    // and on all cores the way the indexer runs (rayon), for a like-for-like ratio.
    let (raw_cpu0, t) = (cpu_s(), Instant::now());
    let raw: usize = texts
        .iter()
        .map(|s| search_indexer::analyzer::raw_segment(s).map(|t| t.len()))
        .sum::<Result<usize>>()?;
    let raw_1t_s = t.elapsed().as_secs_f64();
    let raw_1t_cpu = cpu_s() - raw_cpu0;
    let (raw_cpu0, t) = (cpu_s(), Instant::now());
    let raw_par: usize = {
        use rayon::prelude::*;
        texts
            .par_iter()
            .map(|s| search_indexer::analyzer::raw_segment(s).map(|t| t.len()))
            .sum::<Result<usize>>()?
    };
    let raw_par_s = t.elapsed().as_secs_f64();
    let raw_par_cpu = cpu_s() - raw_cpu0;
    assert_eq!(raw, raw_par);
    drop(texts);
    let dir = root.join("bench-index");
    let _ = std::fs::remove_dir_all(&dir);
    let n_docs = docs.len();
    let (cpu0, t) = (cpu_s(), Instant::now());
    let opts = search_indexer::IndexOptions {
        similar: Some(search_indexer::SimilarOptions {
            per_city: 2,
            max_total: 8,
        }),
        progress: None,
        align: None,
    };
    let (stats, similar) = search_indexer::write_index_with(docs, &dir, &opts)?;
    let write_s = t.elapsed().as_secs_f64();
    let write_cpu = cpu_s() - cpu0;
    Ok(json!({
        "load_s": load, "documents_s": documents, "docs": n_docs,
        "chars": chars, "bytes": bytes, "raw_tokens": raw,
        "raw_segment_1thread_s": raw_1t_s, "raw_segment_1thread_cpu_s": raw_1t_cpu,
        "raw_segment_parallel_s": raw_par_s, "raw_segment_parallel_cpu_s": raw_par_cpu,
        "index_and_similar_s": write_s, "index_and_similar_cpu_s": write_cpu,
        "wall_ratio_vs_parallel_raw": write_s / raw_par_s,
        "cpu_ratio_vs_raw": write_cpu / raw_par_cpu,
        "similar_measures": similar.len(),
        "mb_per_s": bytes as f64 / write_s / 1e6,
        "index_bytes": stats.bytes, "peak_kib": peak_kib(),
    }))
}

/// A full build, then `reps` edits of one measure file applied by `kb serve`'s incremental
/// path; reports the latency until the page and its index document are in place ("visible")
/// and until every dependent file is written ("complete").
fn incremental(root: &Path, out: &Path, file: &Path, reps: usize) -> Result<Value> {
    let t = Instant::now();
    let report = kb_build::build(root, out).map_err(|e| anyhow::anyhow!("{e}"))?;
    let build_s = t.elapsed().as_secs_f64();
    let index = kb_build::open_index(out)?;
    let mut live = live::Live::new(root, out, report);
    let original = std::fs::read_to_string(file)?;
    let (mut visible, mut complete) = (Vec::new(), Vec::new());
    let mut files = 0;
    for i in 0..reps.max(1) {
        std::fs::write(file, format!("{original}\n追記{i}。\n"))?;
        match live.apply(&[file.to_path_buf()], Some(&index))? {
            live::Outcome::Updated(updates) => {
                for u in updates {
                    visible.push(u.visible.as_secs_f64() * 1000.0);
                    complete.push(u.complete.as_secs_f64() * 1000.0);
                    files = u.files;
                }
            }
            live::Outcome::NeedsFullBuild => bail!("the edit was not applied incrementally"),
        }
    }
    std::fs::write(file, original)?;
    let word = format!("追記{}", reps.max(1) - 1);
    let found = index
        .search(&search_indexer::SearchRequest {
            query: word.clone(),
            ..Default::default()
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .total;
    if found == 0 {
        bail!("the edited text ({word}) is not findable after the update");
    }
    visible.sort_by(f64::total_cmp);
    complete.sort_by(f64::total_cmp);
    let median = |v: &[f64]| v[v.len() / 2];
    Ok(json!({
        "full_build_s": build_s, "edits": visible.len(), "files_per_edit": files,
        "visible_median_ms": median(&visible), "visible_max_ms": visible.last(),
        "complete_median_ms": median(&complete), "complete_max_ms": complete.last(),
        "peak_kib": peak_kib(),
    }))
}

fn queries(index: &Path, reps: usize) -> Result<Value> {
    let t = Instant::now();
    let idx = search_indexer::SearchIndex::open(index)?;
    let open = t.elapsed().as_secs_f64();
    let request = |q: &str| search_indexer::SearchRequest {
        query: q.to_string(),
        limit: 10,
        ..Default::default()
    };
    // One warm-up pass (page cache, lazy structures), not counted.
    for q in QUERIES {
        idx.search(&request(q))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut times = Vec::with_capacity(reps * QUERIES.len());
    let mut slowest = ("", 0.0f64);
    for _ in 0..reps {
        for q in QUERIES {
            let t = Instant::now();
            idx.search(&request(q))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if ms > slowest.1 {
                slowest = (q, ms);
            }
            times.push(ms);
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    Ok(json!({
        "open_s": open, "queries": QUERIES.len(), "runs": times.len(),
        "p50_ms": pct(0.5), "p90_ms": pct(0.9), "p99_ms": pct(0.99), "max_ms": pct(1.0),
        "mean_ms": times.iter().sum::<f64>() / times.len() as f64,
        "slowest": slowest.0, "peak_kib": peak_kib(),
    }))
}
