//! `--steps budgets`: issue 14's search budgets, the static bundle beside Pagefind on the same
//! built HTML, in the same run (see BENCHMARKS.md, "Search budgets"):
//!
//! * child `bundle`: a full `kb build`, then the bundle step alone on the same site (the index
//!   written again with the lexicon recorded, then `bundle_files` timed; and once more the old
//!   way, segmenting the corpus again, for comparison), wall and CPU time;
//! * Pagefind (`pagefind_extended --site <output>`, for N ≤ `--pagefind-max`): time and size;
//! * `scripts/search-budgets.mjs` in headless Chromium over a plain static server: transfer of
//!   the cold and further queries, warm latency, and what loads before search is asked for.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::children::{cpu_s, peak_kib};

/// Queries of the browser run at large N (the budget names 研修, a common word).
const LARGE_N_QUERIES: &str = r#"{"ja": ["研修", "ハラスメント", "人材確保"], "en": ["training"]}"#;

/// The bundle's cost inside `kb build`.
pub(crate) fn bundle_child(root: &Path, out: &Path) -> Result<Value> {
    let (cpu0, t) = (cpu_s(), Instant::now());
    let report = kb_build::build(root, out).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (build_s, build_cpu) = (t.elapsed().as_secs_f64(), cpu_s() - cpu0);
    kb_site::output::wait_for_cleanup();
    drop(report);

    search_indexer::analyzer::ensure_dictionary()?;
    let site = kb_site::Site::load(root).map_err(|e| anyhow::anyhow!("{e}"))?;
    let docs: Vec<search_indexer::Document> = kb_build::documents::indexed_entries(&site)
        .into_iter()
        .map(|i| {
            let e = &site.entries[i];
            kb_build::documents::document(e, site.rendered(e).text)
        })
        .collect();
    let dir = root.join("bench-bundle-index");
    let _ = std::fs::remove_dir_all(&dir);
    let recording = search_indexer::bundle::record::start();
    search_indexer::write_index(&docs, &dir)?;
    let lexicon = recording.finish();
    drop(docs);

    let (cpu0, t) = (cpu_s(), Instant::now());
    let (files, stats) = kb_build::bundle::bundle_files(&site, &dir, Some(lexicon))?;
    let (bundle_s, bundle_cpu) = (t.elapsed().as_secs_f64(), cpu_s() - cpu0);
    let n_files = files.len();
    drop(files);
    // As before the lexicon was recorded: the corpus segmented again after indexing.
    let (cpu0, t) = (cpu_s(), Instant::now());
    let (again, _) = kb_build::bundle::bundle_files(&site, &dir, None)?;
    let (old_s, old_cpu) = (t.elapsed().as_secs_f64(), cpu_s() - cpu0);
    drop(again);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(json!({
        "build_s": build_s, "build_cpu_s": build_cpu,
        "bundle_s": bundle_s, "bundle_cpu_s": bundle_cpu,
        "bundle_resegmenting_s": old_s, "bundle_resegmenting_cpu_s": old_cpu,
        "share_wall": bundle_s / (build_s - bundle_s).max(1e-9),
        "share_cpu": bundle_cpu / (build_cpu - bundle_cpu).max(1e-9),
        "bundle_files": n_files, "bundle_bytes": stats.bytes, "documents": stats.documents,
        "peak_kib": peak_kib(),
    }))
}

/// Pagefind's binary: `$PAGEFIND`, `pagefind_extended` on the path, or the one the PyPI
/// package `pagefind-bin-extended` installed.
fn pagefind_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PAGEFIND") {
        return Some(PathBuf::from(p));
    }
    let on_path = Command::new("pagefind_extended").arg("--version").output();
    if on_path.is_ok_and(|o| o.status.success()) {
        return Some(PathBuf::from("pagefind_extended"));
    }
    let py = Command::new("python3")
        .args([
            "-c",
            "import os, pagefind_bin_extended as p; print(os.path.dirname(p.__file__))",
        ])
        .output()
        .ok()?;
    let dir = String::from_utf8_lossy(&py.stdout).trim().to_string();
    let bin = Path::new(&dir).join("pagefind_extended");
    bin.is_file().then_some(bin)
}

/// Pagefind over the built site (writes `<out>/pagefind/`): wall time, files and bytes.
fn pagefind(out: &Path) -> Result<Value> {
    let bin = pagefind_binary().context(
        "Pagefind not found: pip install pagefind-bin-extended, or set PAGEFIND to its binary",
    )?;
    let _ = std::fs::remove_dir_all(out.join("pagefind"));
    let t = Instant::now();
    let o = Command::new(&bin).arg("--site").arg(out).output()?;
    let secs = t.elapsed().as_secs_f64();
    if !o.status.success() {
        bail!(
            "{} failed: {}",
            bin.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let (files, bytes) = crate::dir_size(&out.join("pagefind"));
    Ok(json!({"index_s": secs, "files": files, "bytes": bytes}))
}

/// The browser measurements (`scripts/search-budgets.mjs`).
fn browser(repo: &Path, work: &Path, out: &Path, large: bool) -> Result<Value> {
    let mut cmd = Command::new("node");
    cmd.arg(repo.join("scripts/search-budgets.mjs"))
        .arg("--site")
        .arg(out)
        .arg("--json");
    if large {
        let q = work.join("budget-queries.json");
        std::fs::write(&q, LARGE_N_QUERIES)?;
        cmd.arg("--queries").arg(q).args(["--reps", "5"]);
    }
    let o = cmd.output()?;
    if !o.status.success() {
        bail!(
            "search-budgets.mjs failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .last()
        .context("search-budgets.mjs printed nothing")?;
    Ok(serde_json::from_str(line)?)
}

/// The whole step for one site: bundle cost, Pagefind (N ≤ `pagefind_max`), browser numbers.
pub(crate) fn step(
    n: usize,
    paths: (&Path, &Path, &Path, &Path),
    pagefind_max: usize,
    timeout: Option<std::time::Duration>,
) -> Result<Value> {
    let (repo, work, root, out) = paths;
    let (root_s, out_s) = (root.to_string_lossy(), out.to_string_lossy());
    let cost = crate::spawn(&["bundle", &root_s, &out_s], timeout)?;
    println!("- bundle in kb build: {}", crate::summary(&cost));
    let (bfiles, bbytes) = crate::dir_size(&out.join(kb_build::bundle::BUNDLE_DIR));
    let page = std::fs::metadata(out.join("search/index.html")).map_or(0, |m| m.len());
    let ours = json!({"files": bfiles - 1, "bytes": bbytes - page});
    println!(
        "- bundle on disk: {} files, {}",
        bfiles - 1,
        crate::mib(bbytes - page)
    );
    let pf = if n <= pagefind_max {
        let v = pagefind(out)?;
        println!("- pagefind: {}", crate::summary(&v));
        v
    } else {
        Value::Null
    };
    let b = browser(repo, work, out, n > pagefind_max)?;
    for (name, e) in b["engines"].as_object().into_iter().flatten() {
        println!(
            "- {name} in Chromium: cold {}, further max {} bytes, warm median {:.2} ms",
            e["cold_bytes"],
            e["further_max_bytes"],
            e["warm_median_ms"].as_f64().unwrap_or(0.0)
        );
    }
    println!("- before search is asked for: {}", b["lazy"]);
    Ok(json!({"cost": cost, "bundle_disk": ours, "pagefind": pf, "browser": b}))
}
