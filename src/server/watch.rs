//! Watching the sources and rebuilding: an edited content file is applied incrementally
//! ([`kb_build::live`]); anything else rebuilds everything and swaps the new index in.

use super::state::SharedIndex;
use kb_build::live::{Live, Outcome};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Watches the sources (inotify; polling twice a second where that is unavailable). An edited
/// content file is applied incrementally ([`kb_build::live`]); anything else rebuilds everything
/// and swaps the new index in.
pub fn spawn_watcher(
    root: PathBuf,
    output: PathBuf,
    build: kb_build::BuildOptions,
    index: SharedIndex,
    mut live: Option<Live>,
) {
    std::thread::spawn(move || {
        let (tx, rx) = std::sync::mpsc::channel::<PathBuf>();
        let watcher = watch_sources(&root, tx);
        if watcher.is_none() {
            eprintln!("file notifications unavailable: polling the sources twice a second");
            poll_and_rebuild(&root, &output, &build, &index);
            return;
        }
        while let Ok(first) = rx.recv() {
            // An editor's save is several events: gather those that follow closely.
            let mut changed = vec![first];
            while let Ok(p) = rx.recv_timeout(Duration::from_millis(25)) {
                changed.push(p);
            }
            let mut changed: Vec<PathBuf> = changed
                .into_iter()
                .filter(|p| is_source(&root, p))
                .collect();
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
            if let Some(l) = live.as_mut() {
                let current = index.read().ok().and_then(|g| g.clone());
                let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    l.apply(&changed, current.as_deref())
                }));
                match applied {
                    Ok(Ok(Outcome::Updated(updates))) => {
                        for u in updates {
                            eprintln!(
                                "updated {}: page and index in {} ms, {} files in {} ms",
                                u.file.display(),
                                u.visible.as_millis(),
                                u.files,
                                u.complete.as_millis()
                            );
                        }
                        continue;
                    }
                    Ok(Ok(Outcome::NeedsFullBuild)) => {}
                    Ok(Err(e)) => {
                        eprintln!("{e:#}\nupdate failed; still serving the previous version");
                        continue;
                    }
                    Err(_) => eprintln!("the update panicked; rebuilding everything"),
                }
                l.release_index();
            }
            if let Some(report) = rebuild(&root, &output, &build, &index) {
                live = Some(Live::new(&root, &output, report));
            }
        }
        drop(watcher);
    });
}

/// Starts inotify watches on the source folders and `config.toml`; events' paths go to `tx`.
fn watch_sources(
    root: &Path,
    tx: std::sync::mpsc::Sender<PathBuf>,
) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if matches!(event.kind, EventKind::Access(_)) {
                return;
            }
            for p in event.paths {
                let _ = tx.send(p);
            }
        }
    })
    .ok()?;
    for dir in ["content", "templates", "sass", "static"] {
        let d = root.join(dir);
        if d.is_dir() {
            watcher.watch(&d, RecursiveMode::Recursive).ok()?;
        }
    }
    // The root itself, not recursively, for config.toml (the output may live below the root).
    watcher.watch(root, RecursiveMode::NonRecursive).ok()?;
    Some(watcher)
}

/// Whether a changed path is a source of the site: a Markdown file in content/, anything in
/// templates/, sass/ or static/, or config.toml. Editors' swap and backup files are not.
fn is_source(root: &Path, p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
    {
        return false;
    }
    if p == root.join("config.toml") {
        return true;
    }
    if p.starts_with(root.join("content")) {
        // Deleted folders have no extension to look at: take them as structural changes.
        return p.extension().is_some_and(|x| x == "md") || !p.exists();
    }
    ["templates", "sass", "static"]
        .iter()
        .any(|d| p.starts_with(root.join(d)))
}

/// A full build; on success the new index replaces the served one.
fn rebuild(
    root: &Path,
    output: &Path,
    build: &kb_build::BuildOptions,
    index: &SharedIndex,
) -> Option<kb_build::BuildReport> {
    let started = std::time::Instant::now();
    // A panicking build must not end the watcher: the server would silently go stale.
    let built = std::panic::catch_unwind(|| kb_build::build_with(root, output, build));
    match built {
        Ok(Ok(r)) => {
            // The new index is opened before it replaces the old one: searches in flight keep
            // their `Arc` of the old index, whose files stay readable (open and mapped)
            // although the rebuild renamed and deleted its directory.
            match kb_build::open_index(output) {
                Ok(new) => {
                    let new = Arc::new(new);
                    match index.write() {
                        Ok(mut guard) => *guard = Some(new),
                        Err(poisoned) => *poisoned.into_inner() = Some(new),
                    }
                }
                Err(e) => eprintln!(
                    "cannot open the new search index: {e:#}; still searching the previous one"
                ),
            }
            eprintln!(
                "rebuilt {} pages in {} ms",
                r.pages,
                started.elapsed().as_millis()
            );
            Some(r)
        }
        Ok(Err(e)) => {
            eprintln!("{e}\nrebuild failed; still serving the previous output");
            None
        }
        Err(_) => {
            eprintln!("the rebuild panicked; still serving the previous output");
            None
        }
    }
}

/// Where file notifications are unavailable: polls the sources twice a second and rebuilds
/// everything after a change.
fn poll_and_rebuild(
    root: &Path,
    output: &Path,
    build: &kb_build::BuildOptions,
    index: &SharedIndex,
) {
    let mut last = fingerprint(root);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = fingerprint(root);
        if now == last {
            continue;
        }
        last = now;
        rebuild(root, output, build, index);
    }
}

/// Modification times and sizes of every source file: a change in any means rebuild.
fn fingerprint(root: &Path) -> Vec<(PathBuf, SystemTime, u64)> {
    let mut out = Vec::new();
    for dir in ["content", "templates", "sass", "static"] {
        for e in walkdir_files(&root.join(dir)) {
            if let Ok(meta) = std::fs::metadata(&e) {
                out.push((
                    e,
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    meta.len(),
                ));
            }
        }
    }
    if let Ok(meta) = std::fs::metadata(root.join("config.toml")) {
        out.push((
            root.join("config.toml"),
            meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            meta.len(),
        ));
    }
    out
}

fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}
