//! `kb-bench`: build, index and query benchmarks on the real site and on synthetic ones.
//!
//! ```text
//! cargo run --release --bin kb-bench -- [--cities 5,100,1741] [--work DIR] [--seed S]
//!                                       [--reps R] [--timeout SECS]
//!                                       [--pagefind-max N]
//!                                       [--steps site,full,rebuild,incremental,index,query,budgets]
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

mod budgets;
mod children;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every measurement, in the order they run.
const STEPS: &[&str] = &[
    "site",
    "full",
    "rebuild",
    "incremental",
    "index",
    "query",
    "budgets",
];

fn main() {
    kb_build::allocator::tune();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("__child") {
        children::child(&args[1..])
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
    /// Largest N Pagefind runs on in the `budgets` step.
    pagefind_max: usize,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        cities: vec![5, 100, 1741],
        work: PathBuf::from("target/kb-bench"),
        seed: 1,
        reps: 50,
        timeout: None,
        // `budgets` needs Pagefind, node and Chromium: only when asked for.
        steps: STEPS
            .iter()
            .filter(|s| **s != "budgets")
            .map(|s| s.to_string())
            .collect(),
        pagefind_max: 100,
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
            "--pagefind-max" => o.pagefind_max = value()?.parse()?,
            "--steps" => o.steps = value()?.split(',').map(|s| s.trim().to_string()).collect(),
            "-h" | "--help" => {
                println!(
                    "usage: kb-bench [--cities 5,100,1741] [--work DIR] [--seed S] [--reps R] [--timeout SECS] [--pagefind-max N] [--steps {}]",
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
        if wanted("budgets") {
            r["budgets"] =
                budgets::step(n, (&repo, &work, &root, &out), o.pagefind_max, o.timeout)?;
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
