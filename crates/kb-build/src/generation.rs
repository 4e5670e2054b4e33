//! One build, one generation: the site and its search index are committed as a pair.
//!
//! Layout of a build's output `<output>`:
//! - `<output>/` — the site, served as it is or copied to a web server. Its file
//!   [`MARKER`] names the build (its generation).
//! - `<output>-index/<generation>/` — the tantivy index of that build.
//!
//! A build writes its index into a staging directory inside `<output>-index/`, renames it to its
//! generation's name there (the live index is not touched), then swaps the site in; from that
//! moment the site's marker names the new index. Readers ([`live_index_dir`]) find the index
//! through the site's marker, so whenever a build dies — between any two steps, or inside one —
//! they search the index of the build whose pages they serve. Generations that no live site
//! names are removed by the next build ([`remove_stale`]).

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The file in the site output that names its generation.
pub const MARKER: &str = ".kb-generation";

/// Prefix of an index directory still being written.
const STAGING_PREFIX: &str = ".staging-";

/// The directory that holds the index generations: `<output>-index`, beside the output.
pub fn index_root(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!("{name}-index"))
}

/// A build's identity: `g<time>-<pid>`. Sorts by time; the pid tells whether its writer lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation(String);

impl Generation {
    pub fn new() -> Generation {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        Generation(format!("g{nanos:x}-{}", std::process::id()))
    }

    pub fn id(&self) -> &str {
        &self.0
    }
}

impl Default for Generation {
    fn default() -> Self {
        Generation::new()
    }
}

/// The marker's contents: the generation, then the `base_url` the site was built for (a server
/// of a prebuilt output learns its base path from it).
pub fn marker_contents(generation: &Generation, base: &kb_site::base_url::BaseUrl) -> String {
    format!("{}\n{base}\n", generation.id())
}

/// The `base_url` the site in `output` was built for.
pub fn live_base_url(output: &Path) -> Result<kb_site::base_url::BaseUrl> {
    let marker = output.join(MARKER);
    let text = std::fs::read_to_string(&marker).with_context(|| {
        format!(
            "{} holds no complete build; run `kb build`",
            output.display()
        )
    })?;
    let raw = text.lines().nth(1).unwrap_or("/");
    kb_site::base_url::BaseUrl::parse(raw).map_err(|e| anyhow::anyhow!("{}: {e}", marker.display()))
}

/// The generation of the site in `output`, from its marker.
pub fn live_generation(output: &Path) -> Result<String> {
    let marker = output.join(MARKER);
    let id = std::fs::read_to_string(&marker).with_context(|| {
        format!(
            "{} holds no complete build (no {}); run `kb build`",
            output.display(),
            MARKER
        )
    })?;
    let id = id.lines().next().unwrap_or_default().trim().to_string();
    anyhow::ensure!(
        valid_id(&id),
        "{}: not a generation name: {id:?}",
        marker.display()
    );
    Ok(id)
}

/// The index that belongs to the site in `output`.
pub fn live_index_dir(output: &Path) -> Result<PathBuf> {
    let id = live_generation(output)?;
    let dir = index_root(output).join(&id);
    anyhow::ensure!(
        dir.join("meta.json").is_file(),
        "the search index of the build in {} is missing ({}); run `kb build`",
        output.display(),
        dir.display()
    );
    Ok(dir)
}

fn valid_id(id: &str) -> bool {
    id.starts_with('g')
        && id.len() > 3
        && id[1..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == '-' || c.is_ascii_digit())
}

/// The pid a generation or staging name ends with.
fn writer_pid(name: &str) -> Option<u32> {
    name.rsplit('-').next()?.parse().ok()
}

fn process_alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
}

/// An index generation being written; it becomes `<output>-index/<generation>` on
/// [`IndexStaging::commit`] and vanishes if dropped.
pub struct IndexStaging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl IndexStaging {
    pub fn new(output: &Path, generation: &Generation) -> Result<IndexStaging> {
        let root = index_root(output);
        retire_flat_index(&root);
        std::fs::create_dir_all(&root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        let dir = root.join(format!("{STAGING_PREFIX}{}", generation.id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(IndexStaging {
            dir,
            target: root.join(generation.id()),
            committed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Renames the finished index to its generation's name. The live site does not name it
    /// yet: until the site is swapped in, readers keep searching the previous generation.
    pub fn commit(mut self) -> Result<CommittedIndex> {
        std::fs::rename(&self.dir, &self.target)
            .with_context(|| format!("cannot move the new index to {}", self.target.display()))?;
        self.committed = true;
        Ok(CommittedIndex {
            dir: self.target.clone(),
            live: false,
        })
    }
}

impl Drop for IndexStaging {
    fn drop(&mut self) {
        if !self.committed {
            std::fs::remove_dir_all(&self.dir).ok();
        }
    }
}

/// A committed index generation that is removed again if the site swap fails (dropped before
/// [`CommittedIndex::made_live`]).
pub struct CommittedIndex {
    dir: PathBuf,
    live: bool,
}

impl CommittedIndex {
    pub fn made_live(mut self) {
        self.live = true;
    }
}

impl Drop for CommittedIndex {
    fn drop(&mut self) {
        if !self.live {
            std::fs::remove_dir_all(&self.dir).ok();
        }
    }
}

/// Removes index generations the live site does not name and whose writer is gone, and
/// staging directories of dead builds. A generation written by a live process other than this
/// one is left alone: it may be a concurrent build about to swap its site in.
pub fn remove_stale(output: &Path) {
    let root = index_root(output);
    let live = live_generation(output).ok();
    let Ok(entries) = std::fs::read_dir(&root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if live.as_deref() == Some(name.as_str()) {
            continue;
        }
        // `<id>`, `.staging-<id>`, and the indexer's own temporary `..staging-<id>.new-…`.
        let (bare, staging) = match name.trim_start_matches('.').strip_prefix("staging-") {
            Some(rest) => (rest.split(".new-").next().unwrap_or(rest), true),
            None => (name.as_str(), false),
        };
        if !valid_id(bare) {
            continue;
        }
        let Some(pid) = writer_pid(bare) else {
            continue;
        };
        // This process's own committed generations are superseded once another is live; its
        // staging directories are still being written.
        let ours = pid == std::process::id();
        let removable = if ours { !staging } else { !process_alive(pid) };
        if removable {
            kb_site::output::remove_in_background(entry.path());
        }
    }
}

/// Indexes written before generations existed sit directly in `<output>-index`: move such an
/// index out of the way (it belongs to no marked site).
fn retire_flat_index(root: &Path) {
    if root.join("meta.json").is_file() {
        let aside = root.with_file_name(format!(
            ".{}.old-{}-flat",
            root.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        if std::fs::rename(root, &aside).is_ok() {
            kb_site::output::remove_in_background(aside);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn index_root_is_beside_the_output() {
        assert_eq!(
            index_root(Path::new("/x/public")),
            PathBuf::from("/x/public-index")
        );
    }

    #[test]
    fn the_marker_names_the_index() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        assert!(live_index_dir(&out).is_err(), "no marker, no index");
        let g = Generation::new();
        std::fs::write(out.join(MARKER), g.id()).unwrap();
        assert!(live_index_dir(&out).is_err(), "marker without index");
        let staging = IndexStaging::new(&out, &g).unwrap();
        std::fs::write(staging.path().join("meta.json"), "{}").unwrap();
        staging.commit().unwrap().made_live();
        assert_eq!(live_index_dir(&out).unwrap(), index_root(&out).join(g.id()));
    }

    #[test]
    fn an_index_whose_site_swap_failed_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let g = Generation::new();
        let staging = IndexStaging::new(&out, &g).unwrap();
        let committed = staging.commit().unwrap();
        assert!(index_root(&out).join(g.id()).is_dir());
        drop(committed);
        assert!(!index_root(&out).join(g.id()).exists());
    }

    #[test]
    fn stale_generations_of_dead_writers_go_the_live_one_stays() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        let root = index_root(&out);
        // pid 4194305 is above Linux's pid_max: never alive.
        for name in [
            "g1-4194305",
            "g2-4194305",
            ".staging-g3-4194305",
            "..staging-g3-4194305.new-AbC123",
            "unrelated",
        ] {
            std::fs::create_dir_all(root.join(name)).unwrap();
        }
        std::fs::write(out.join(MARKER), "g2-4194305").unwrap();
        remove_stale(&out);
        kb_site::output::wait_for_cleanup();
        let left = names_in(&root);
        assert_eq!(left, ["g2-4194305", "unrelated"]);
    }

    #[test]
    fn generation_names() {
        assert!(valid_id(Generation::new().id()));
        for ok in ["g1-2", "g18f3ab-77", "gabc"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in [
            "", "g", "g1-", "gab", "h1-2", "x123", "g1-2x", "g1_2", "G1-2",
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
        assert_eq!(writer_pid("g1f-4194305"), Some(4194305));
        assert_eq!(writer_pid("g1f-x"), None);
    }

    #[test]
    fn generations_of_live_writers_stay_this_process_keeps_only_its_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        let root = index_root(&out);
        let me = std::process::id();
        // pid 1 is alive (this test's container's init); this process is alive too.
        let names = [
            "g1-1".to_string(),
            ".staging-g2-1".to_string(),
            format!("g3-{me}"),
            format!(".staging-g4-{me}"),
            format!("g5-{me}"),
        ];
        for name in &names {
            std::fs::create_dir_all(root.join(name)).unwrap();
        }
        std::fs::write(out.join(MARKER), format!("g5-{me}\n/\n")).unwrap();
        remove_stale(&out);
        kb_site::output::wait_for_cleanup();
        let left = names_in(&root);
        let mut expected = vec![
            ".staging-g2-1".to_string(),
            format!(".staging-g4-{me}"),
            "g1-1".to_string(),
            format!("g5-{me}"),
        ];
        expected.sort();
        assert_eq!(left, expected);
    }

    #[test]
    fn an_index_from_before_generations_is_moved_out_of_the_way() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let root = index_root(&out);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("meta.json"), "{}").unwrap();
        let staging = IndexStaging::new(&out, &Generation::new()).unwrap();
        assert!(!root.join("meta.json").exists());
        assert!(staging.path().starts_with(&root) && staging.path().is_dir());
        drop(staging);
        kb_site::output::wait_for_cleanup();
        assert_eq!(
            names_in(tmp.path()),
            ["public-index"],
            "the old index is removed"
        );
        assert!(names_in(&root).is_empty(), "the staging too");
    }

    #[test]
    fn the_marker_names_generation_and_base_url() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        let g = Generation::new();
        let base = kb_site::base_url::BaseUrl::parse("/kb/").unwrap();
        std::fs::write(out.join(MARKER), marker_contents(&g, &base)).unwrap();
        assert_eq!(live_generation(&out).unwrap(), g.id());
        assert_eq!(live_base_url(&out).unwrap().to_string(), base.to_string());
        assert_ne!(
            base.to_string(),
            kb_site::base_url::BaseUrl::default().to_string()
        );
    }
}
