//! `kb-bench`: build, index and query benchmarks on the real site and on synthetic ones.
//!
//! ```text
//! cargo run --release --bin kb-bench -- [--cities 5,100,1741] [--work DIR] [--seed S]
//!                                       [--reps R] [--timeout SECS]
//!                                       [--steps site,full,rebuild,incremental,index,query]
//! ```
//!
//! N = 5 is a copy of the repository's own site; other N are written by `kb synth`. Every
//! measurement runs in a fresh child process (`kb-bench __child …`) that reports its timings and
//! its peak memory (`VmHWM` from /proc/self/status) as one JSON line, so runs do not share
//! caches or allocator state. Results are printed as Markdown and saved to `<work>/results.json`.
//! See BENCHMARKS.md.

// The benchmark runs the same build library as `kb build` (kb-build), with the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use kb_build::live;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Mixed Japanese / English queries: single words, compounds, phrases, filters-free.
const QUERIES: &[&str] = &[
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

/// Every measurement, in the order they run.
const STEPS: &[&str] = &["site", "full", "rebuild", "incremental", "index", "query"];

fn main() {
    kb_build::allocator::tune();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("__child") {
        child(&args[1..])
    } else {
        run(&args)
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------------
// Orchestrator

struct Options {
    cities: Vec<usize>,
    work: PathBuf,
    seed: u64,
    reps: usize,
    timeout: Option<Duration>,
    steps: Vec<String>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        cities: vec![5, 100, 1741],
        work: PathBuf::from("target/kb-bench"),
        seed: 1,
        reps: 50,
        timeout: None,
        steps: STEPS.iter().map(|s| s.to_string()).collect(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().context(format!("{a} needs a value"));
        match a.as_str() {
            "--cities" => {
                o.cities = value()?
                    .split(',')
                    .map(|s| s.trim().parse().context("--cities: numbers"))
                    .collect::<Result<_>>()?
            }
            "--work" => o.work = PathBuf::from(value()?),
            "--seed" => o.seed = value()?.parse()?,
            "--reps" => o.reps = value()?.parse()?,
            "--timeout" => o.timeout = Some(Duration::from_secs(value()?.parse()?)),
            "--steps" => o.steps = value()?.split(',').map(|s| s.trim().to_string()).collect(),
            "-h" | "--help" => {
                println!(
                    "usage: kb-bench [--cities 5,100,1741] [--work DIR] [--seed S] [--reps R] [--timeout SECS] [--steps {}]",
                    STEPS.join(",")
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (try --help)"),
        }
    }
    Ok(o)
}

fn run(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    std::fs::create_dir_all(&o.work)?;
    let work = std::path::absolute(&o.work)?;
    let repo = std::env::current_dir()?;
    let mut all = Vec::new();
    println!("# kb-bench\n\n{}\n", machine());
    for &n in &o.cities {
        let root = work.join(format!("site-{n}"));
        if root.exists() {
            std::fs::remove_dir_all(&root)?;
        }
        let t = Instant::now();
        if n == 5 {
            // The real repository: copied so that the incremental edit does not touch it.
            std::fs::create_dir_all(&root)?;
            std::fs::copy(repo.join("config.toml"), root.join("config.toml"))?;
            for dir in ["content", "templates", "sass", "static", "sources"] {
                copy_dir(&repo.join(dir), &root.join(dir))?;
            }
        } else {
            kb_synth::synth(&kb_synth::SynthOptions {
                source: repo.clone(),
                out: root.clone(),
                cities: n,
                seed: o.seed,
            })?;
        }
        let prep = t.elapsed().as_secs_f64();
        let (files, bytes) = dir_size(&root.join("content"));
        println!(
            "## N = {n}\n\nsource: {files} content files, {} (prepared in {prep:.1} s)\n",
            mib(bytes)
        );
        let out = root.join("public");
        let mut r = json!({"n": n, "content_files": files, "content_bytes": bytes});
        let wanted = |s: &str| o.steps.iter().any(|x| x == s);
        let step = |name: &str, a: &[&str]| -> Result<Value> {
            let v = spawn(a, o.timeout)?;
            println!("- {name}: {}", summary(&v));
            Ok(v)
        };
        let root_s = root.to_string_lossy().to_string();
        let out_s = out.to_string_lossy().to_string();
        if wanted("site") {
            r["site"] = step(
                "site only (kb_build::build_with, no index)",
                &["site", &root_s, &out_s],
            )?;
        }
        if wanted("full") {
            r["full"] = step(
                "site + index (kb build), cold output",
                &["full", &root_s, &out_s],
            )?;
        }
        if wanted("rebuild") {
            r["rebuild"] = step(
                "site + index, unchanged sources",
                &["full", &root_s, &out_s],
            )?;
        }
        if wanted("incremental") {
            // `kb serve`'s incremental path, in one process: a full build, then one measure file
            // edited R times and applied (page + index visible, then every dependent file).
            let edited = first_measure(&root.join("content/cities"))?;
            let reps = o.reps.to_string();
            r["incremental"] = step(
                "one-file edit applied incrementally (kb serve)",
                &[
                    "incremental",
                    &root_s,
                    &out_s,
                    &edited.to_string_lossy(),
                    &reps,
                ],
            )?;
        }
        if wanted("index") {
            r["index"] = step(
                "index phases (load, documents, segmentation, write_index, similar)",
                &["index", &root_s],
            )?;
        }
        let idx = kb_build::index_root(&out);
        let (ifiles, ibytes) = dir_size(&idx);
        let (pfiles, pbytes) = dir_size(&out);
        r["index_disk"] = json!({"files": ifiles, "bytes": ibytes});
        r["site_disk"] = json!({"files": pfiles, "bytes": pbytes});
        println!(
            "- on disk: site {pfiles} files, {}; index {ifiles} files, {}",
            mib(pbytes),
            mib(ibytes)
        );
        // Without a full build, the query step uses the index the `index` step wrote.
        let idx = if idx.is_dir() {
            idx
        } else {
            root.join("bench-index")
        };
        if wanted("query") && idx.is_dir() {
            let reps = o.reps.to_string();
            r["query"] = step("queries", &["query", &idx.to_string_lossy(), &reps])?;
        }
        println!();
        all.push(r);
        std::fs::write(
            work.join("results.json"),
            serde_json::to_string_pretty(&all)?,
        )?;
    }
    println!("results: {}", work.join("results.json").display());
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .unwrap_or(0);
    format!(
        "machine: {} cores ({cpu}), {:.1} GiB RAM",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        mem as f64 / 1024.0 / 1024.0
    )
}

fn spawn(args: &[&str], timeout: Option<Duration>) -> Result<Value> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .arg("__child")
        .args(args)
        .env("KB_DICT_QUIET", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let start = Instant::now();
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if timeout.is_some_and(|t| start.elapsed() > t) {
            child.kill()?;
            child.wait()?;
            return Ok(json!({"timeout_s": start.elapsed().as_secs_f64()}));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("child {args:?} failed: {}", out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().context("child printed nothing")?;
    Ok(serde_json::from_str(line)?)
}

fn summary(v: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(t) = v.get("timeout_s") {
        return format!("TIMEOUT after {t} s");
    }
    for (k, x) in v.as_object().into_iter().flatten() {
        let s = match x {
            Value::Number(n) if k.ends_with("_s") => {
                format!("{k} {:.3}", n.as_f64().unwrap_or(0.0))
            }
            Value::Number(n) if k.ends_with("_ms") => {
                format!("{k} {:.2}", n.as_f64().unwrap_or(0.0))
            }
            Value::Number(n) if k == "peak_kib" => {
                format!("peak {}", mib(n.as_u64().unwrap_or(0) * 1024))
            }
            Value::Number(n) => format!("{k} {n}"),
            _ => continue,
        };
        parts.push(s);
    }
    parts.join(", ")
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()))?;
        } else {
            std::fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}

fn dir_size(dir: &Path) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    let Ok(rd) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    for e in rd.flatten() {
        match e.file_type() {
            Ok(t) if t.is_dir() => {
                let (f, b) = dir_size(&e.path());
                files += f;
                bytes += b;
            }
            Ok(_) => {
                files += 1;
                bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
            Err(_) => {}
        }
    }
    (files, bytes)
}

/// The first Japanese measure file of the first city (sorted), to edit.
fn first_measure(cities: &Path) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cities)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let dir = dirs.first().context("no city")?.join("measures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap_or_default().to_string_lossy();
            n.ends_with(".md") && !n.ends_with(".en.md") && !n.starts_with('_')
        })
        .collect();
    files.sort();
    files.into_iter().next().context("no measure")
}

// ---------------------------------------------------------------------------------------------
// Children: one measurement each, one JSON line on stdout.

/// User + system CPU seconds of this process so far (the machine may be shared: compare with
/// the wall-clock times).
fn cpu_s() -> f64 {
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

fn peak_kib() -> u64 {
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

fn child(args: &[String]) -> Result<()> {
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
