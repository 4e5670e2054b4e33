//! Writing atomically, the one place that does it: a whole build goes into a staging directory
//! beside the output, which replaces the previous output only once complete ([`Staging`],
//! [`swap_in`]); a single file is written beside its place and renamed over it
//! ([`write_atomically`]); a directory built once is moved into place unless another process got
//! there first ([`install_once`]). A failed or interrupted write leaves the previous output as
//! it was; leftovers of an interrupted build are cleared by the next one.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

static COMMITS: AtomicUsize = AtomicUsize::new(0);
/// How many background removals are still running, and the signal that one finished. A count,
/// not a list of thread handles: with a list, one caller of [`wait_for_cleanup`] could take and
/// join the handles while a second caller found the list empty and returned before the removal
/// it waits for was done.
static PENDING_REMOVALS: Mutex<usize> = Mutex::new(0);
static REMOVAL_DONE: Condvar = Condvar::new();

/// Removes a replaced output (or a killed build's leftovers) on a background thread: at
/// national scale that is 450,000 files and directories, 50 s of file-system time that the
/// new output need not wait for. [`wait_for_cleanup`] waits for these removals; a process
/// that exits without waiting leaves the rest for the next build, which removes it the same way.
pub fn remove_in_background(dir: PathBuf) {
    *PENDING_REMOVALS.lock().unwrap_or_else(|e| e.into_inner()) += 1;
    std::thread::spawn(move || {
        // Counted down on drop, so that even a panicking removal never leaves a waiter hanging.
        let _done = RemovalDone;
        remove_tree(&dir);
    });
}

struct RemovalDone;

impl Drop for RemovalDone {
    fn drop(&mut self) {
        *PENDING_REMOVALS.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        REMOVAL_DONE.notify_all();
    }
}

/// Removes a directory tree, the subtrees two levels down in parallel (`public/cities/<city>`,
/// `public/en/cities/<city>`: thousands of similar subtrees at national scale).
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let children = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let mut subtrees = Vec::new();
    for child in children(dir) {
        if child.is_dir() && !child.is_symlink() {
            subtrees.extend(children(&child));
        }
        subtrees.push(child);
    }
    // Deepest first: a second-level tree goes before the first-level directory holding it.
    let (deep, top): (Vec<PathBuf>, Vec<PathBuf>) =
        subtrees.into_iter().partition(|p| p.parent() != Some(dir));
    for batch in [deep, top] {
        batch.par_iter().for_each(|p| {
            if p.is_dir() && !p.is_symlink() {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Waits until the previous outputs replaced by this process are removed from disk: every
/// removal started before the call, whichever thread started it.
pub fn wait_for_cleanup() {
    let mut pending = PENDING_REMOVALS.lock().unwrap_or_else(|e| e.into_inner());
    while *pending > 0 {
        pending = REMOVAL_DONE
            .wait(pending)
            .unwrap_or_else(|e| e.into_inner());
    }
}

/// A directory being filled, that becomes `target` on `commit` and vanishes if dropped.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let name = target
            .file_name()
            .context("the output path has no file name")?
            .to_string_lossy()
            .to_string();
        clear_leftovers(parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).ok();
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        check_relative(rel)?;
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Replaces `target` with the staged directory in one atomic exchange where the file system
    /// offers it (Linux `renameat2(RENAME_EXCHANGE)`): a reader never finds the output missing.
    /// Elsewhere two renames; either way the old output is removed last, in the background.
    pub fn commit(mut self) -> Result<()> {
        let old = swap_in(&self.dir, &self.target)?;
        self.committed = true;
        if let Some(old) = old {
            remove_in_background(old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that fails removes what it staged at once; a killed one leaves it for the next
    /// build ([`clear_leftovers`]).
    fn drop(&mut self) {
        if !self.committed {
            remove_in_background(self.dir.clone());
        }
    }
}

/// Swaps two directories atomically; false where the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()),
        std::ffi::CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: two valid NUL-terminated paths; renameat2 touches no memory of ours.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Refuses a path that would leave the directory it is relative to.
fn check_relative(rel: &str) -> Result<()> {
    if rel.split(['/', '\\']).any(|part| part == "..")
        || rel.starts_with(['/', '\\'])
        || Path::new(rel).is_absolute()
    {
        bail!("refusing to write outside the output: {rel}");
    }
    Ok(())
}

/// Writes `rel` below `output` through a temporary file beside it and a rename, so that a
/// reader (the server) never sees a half-written file. `rel` must stay below `output`.
pub fn write_atomically(output: &Path, rel: &str, contents: &[u8]) -> Result<()> {
    check_relative(rel)?;
    let path = output.join(rel);
    let dir = path.parent().unwrap_or(output);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.kb-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, contents).with_context(|| format!("cannot write {}", tmp.display()))?;
    if let Err(e) = std::fs::rename(&tmp, &path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot replace {}", path.display()));
    }
    Ok(())
}

/// Replaces the directory `target` with `new_dir` (a sibling): two renames, the previous
/// `target` moved aside first and put back if the second rename fails, so that `target` is
/// never missing. Returns where the previous `target` now is, for the caller to remove (now
/// or in the background); `None` when there was none.
pub fn swap_in(new_dir: &Path, target: &Path) -> Result<Option<PathBuf>> {
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    // Unique per swap: a server rebuilds many times, and an earlier old output may still
    // be being removed in the background.
    let old = parent.join(format!(
        ".{name}.old-{}-{}",
        std::process::id(),
        COMMITS.fetch_add(1, Ordering::Relaxed)
    ));
    let had_target = target.exists();
    // One atomic exchange where the file system offers it: readers never find `target` missing.
    if had_target && exchange(new_dir, target) {
        // `new_dir` now holds the previous output.
        return Ok(Some(if std::fs::rename(new_dir, &old).is_ok() {
            old
        } else {
            new_dir.to_path_buf()
        }));
    }
    if had_target {
        std::fs::rename(target, &old).with_context(|| {
            format!("cannot move the previous output {} aside", target.display())
        })?;
    }
    if let Err(e) = std::fs::rename(new_dir, target) {
        // Put the previous output back: never leave it missing.
        if had_target {
            let _ = std::fs::rename(&old, target);
        }
        return Err(e)
            .with_context(|| format!("cannot move the new output into {}", target.display()));
    }
    Ok(had_target.then_some(old))
}

/// Moves the directory `built` to `target` unless `target` already exists, for something
/// built once and then shared (the search dictionary). Returns false when another process got
/// there first and its copy passes `ready` (ours is then discarded).
pub fn install_once(built: &Path, target: &Path, ready: &dyn Fn(&Path) -> bool) -> Result<bool> {
    match std::fs::rename(built, target) {
        Ok(()) => Ok(true),
        Err(err) => {
            let _ = std::fs::remove_dir_all(built);
            if ready(target) {
                Ok(false)
            } else {
                Err(err).with_context(|| format!("cannot move {} into place", target.display()))
            }
        }
    }
}

/// Removes staging and old directories left behind by builds that were killed, including
/// temporaries made inside a staging step (`..public-index.staging-<pid>.new-…`).
fn clear_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        let bare = file.trim_start_matches('.');
        if !file.starts_with('.') || !bare.starts_with(name) {
            continue;
        }
        let rest = &bare[name.len()..];
        let pid = [".staging-", ".old-"]
            .iter()
            .find_map(|p| rest.strip_prefix(p));
        if let Some(pid) = pid {
            let digits: String = pid.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() && !process_alive(&digits) {
                remove_in_background(entry.path());
            }
        }
    }
}

fn process_alive(pid: &str) -> bool {
    pid.parse::<u32>()
        .is_ok_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists())
}

#[cfg(test)]
mod tests;
