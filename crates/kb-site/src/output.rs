//! Writing a build atomically: everything goes into a staging directory beside the output, which
//! replaces the previous output only once complete. A failed or interrupted build leaves the
//! previous output as it was; leftovers of an interrupted build are cleared by the next one.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::JoinHandle;

static COMMITS: AtomicUsize = AtomicUsize::new(0);
static REMOVALS: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

/// Removes a replaced output (or a killed build's leftovers) on a background thread: at
/// national scale that is 450,000 files and directories, 50 s of file-system time that the
/// new output need not wait for. [`wait_for_cleanup`] waits for these removals; a process
/// that exits without waiting leaves the rest for the next build, which removes it the same way.
pub fn remove_in_background(dir: PathBuf) {
    let handle = std::thread::spawn(move || remove_tree(&dir));
    REMOVALS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(handle);
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

/// Waits until the previous outputs replaced by this process are removed from disk.
pub fn wait_for_cleanup() {
    let handles = std::mem::take(&mut *REMOVALS.lock().unwrap_or_else(|e| e.into_inner()));
    for h in handles {
        let _ = h.join();
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
        if rel.split('/').any(|part| part == "..") || rel.starts_with('/') {
            bail!("refusing to write outside the output: {rel}");
        }
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
        if self.target.exists() && exchange(&self.dir, &self.target) {
            // The staging path now holds the previous output.
            self.committed = true;
            let old = self.dir.with_file_name(format!(
                ".{}.old-{}-{}",
                self.target
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy(),
                std::process::id(),
                COMMITS.fetch_add(1, Ordering::Relaxed)
            ));
            let doomed = if std::fs::rename(&self.dir, &old).is_ok() {
                old
            } else {
                self.dir.clone()
            };
            remove_in_background(doomed);
            return Ok(());
        }
        let parent = self.dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = self
            .target
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        // Unique per commit: a server rebuilds many times, and an earlier old output may still
        // be being removed in the background.
        let old = parent.join(format!(
            ".{name}.old-{}-{}",
            std::process::id(),
            COMMITS.fetch_add(1, Ordering::Relaxed)
        ));
        if self.target.exists() {
            std::fs::rename(&self.target, &old).with_context(|| {
                format!(
                    "cannot move the previous output {} aside",
                    self.target.display()
                )
            })?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the previous output back: never leave the site missing.
            if old.exists() {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e).with_context(|| {
                format!("cannot move the new output into {}", self.target.display())
            });
        }
        self.committed = true;
        if old.exists() {
            remove_in_background(old);
        }
        Ok(())
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

/// Writes `rel` below `output` through a temporary file and a rename, so that a reader (the
/// server) never sees a half-written file. Used where a live output is updated in place.
pub fn write_atomically(output: &Path, rel: &str, contents: &[u8]) -> Result<()> {
    if rel.split('/').any(|p| p == "..") || rel.starts_with('/') {
        bail!("refusing to write outside the output: {rel}");
    }
    let path = output.join(rel);
    let dir = path.parent().unwrap_or(output);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.kb-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, contents).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot replace {}", path.display()))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            std::fs::remove_dir_all(&self.dir).ok();
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
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.txt"), "old").unwrap();

        let s = Staging::new(&target).unwrap();
        s.write("a/b.txt", b"new").unwrap();
        drop(s);
        assert!(
            target.join("old.txt").exists(),
            "a dropped staging leaves the output alone"
        );

        let s = Staging::new(&target).unwrap();
        s.write("a/b.txt", b"new").unwrap();
        s.commit().unwrap();
        wait_for_cleanup();
        assert!(!target.join("old.txt").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("a/b.txt")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn remove_tree_removes_everything() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("old");
        for rel in [
            "a/b/c/x.html",
            "a/b/y.html",
            "a/z.html",
            "top.html",
            "en/a/b/w.html",
        ] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        remove_tree(&root);
        assert!(!root.exists());
    }

    #[test]
    fn refuses_paths_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::new(&tmp.path().join("out")).unwrap();
        assert!(s.write("../x", b"").is_err());
    }
}
