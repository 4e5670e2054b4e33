//! The IPADIC dictionary: built once from Debian's `mecab-ipadic` sources with lindera's
//! `DictionaryBuilder`, cached on disk, memory-mapped on load, and shared by the whole process.
//!
//! Cache directory, first match wins:
//! 1. `$KB_DICT_DIR` (the built dictionary itself lives directly in that directory);
//! 2. `<workspace>/.kb-cache/ipadic-<lindera version>-f<format>/` when the workspace this crate
//!    was compiled in still exists;
//! 3. `$XDG_CACHE_HOME/kb/ipadic-…` or `$HOME/.cache/kb/ipadic-…`;
//! 4. `<system temp dir>/kb-cache/ipadic-…`.
//!
//! Sources: `$KB_IPADIC_SRC`, else `/usr/share/mecab/dic/ipadic` (Debian's `mecab-ipadic`).
//!
//! Building is safe when processes race: each builds into its own temporary sibling directory
//! and renames it into place; a loser of the race discards its copy and loads the winner's.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use lindera::dictionary::{Dictionary, DictionaryBuilder, Metadata, Schema};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

/// Default location of Debian's `mecab-ipadic` sources.
pub const DEFAULT_IPADIC_SRC: &str = "/usr/share/mecab/dic/ipadic";

fn cache_leaf() -> String {
    format!(
        "ipadic-{}-f{}",
        lindera::get_version(),
        lindera_dictionary::dictionary::metadata::DICTIONARY_FORMAT_VERSION
    )
}

/// Where the built dictionary is (or will be) cached.
pub fn dict_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KB_DICT_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    let leaf = cache_leaf();
    // The workspace root is the parent of this crate's manifest directory.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent();
    if let Some(ws) = workspace {
        if ws.join("Cargo.toml").is_file() {
            return ws.join(".kb-cache").join(leaf);
        }
    }
    if let Some(xdg) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("kb").join(leaf);
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".cache").join("kb").join(leaf);
    }
    std::env::temp_dir().join("kb-cache").join(leaf)
}

/// Where the `mecab-ipadic` sources are read from.
pub fn source_dir() -> PathBuf {
    std::env::var_os("KB_IPADIC_SRC")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_IPADIC_SRC))
}

fn ipadic_metadata() -> Metadata {
    let fields = [
        "surface",
        "left_context_id",
        "right_context_id",
        "cost",
        "part_of_speech",
        "part_of_speech_subcategory_1",
        "part_of_speech_subcategory_2",
        "part_of_speech_subcategory_3",
        "conjugation_type",
        "conjugation_form",
        "base_form",
        "reading",
        "pronunciation",
    ];
    Metadata::new(
        "ipadic".to_string(),
        // Debian ships the original EUC-JP sources.
        "EUC-JP".to_string(),
        -10000,
        0,
        0,
        "*".to_string(),
        true,
        false,
        false,
        Schema::new(fields.iter().map(|s| s.to_string()).collect()),
        Schema::new(vec![
            "surface".to_string(),
            "part_of_speech".to_string(),
            "reading".to_string(),
        ]),
    )
}

fn is_built(dir: &Path) -> bool {
    dir.join("metadata.json").is_file()
}

fn check_sources(src: &Path) -> Result<()> {
    let required = ["matrix.def", "char.def", "unk.def", "Noun.csv"];
    if required.iter().all(|f| src.join(f).is_file()) {
        return Ok(());
    }
    bail!(
        "IPADIC sources not found in {} (needed to build the Japanese search dictionary): \
         install Debian's mecab-ipadic package (`apt-get install mecab-ipadic`), \
         or point KB_IPADIC_SRC at a directory with its CSV and .def files",
        src.display()
    )
}

/// Builds the dictionary into `dir` unless it is already there. Race-safe.
pub fn ensure_built(dir: &Path) -> Result<()> {
    if is_built(dir) {
        return Ok(());
    }
    let src = source_dir();
    check_sources(&src)?;
    let parent = dir
        .parent()
        .ok_or_else(|| anyhow!("dictionary directory {} has no parent", dir.display()))?;
    std::fs::create_dir_all(parent)
        .with_context(|| format!("creating dictionary cache directory {}", parent.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".ipadic-build-")
        .tempdir_in(parent)
        .with_context(|| format!("creating a temporary directory in {}", parent.display()))?;
    let started = Instant::now();
    DictionaryBuilder::new(ipadic_metadata())
        .build_dictionary(&src, tmp.path())
        .map_err(|e| anyhow!("building the IPADIC dictionary from {}: {e}", src.display()))?;
    let built = tmp.keep();
    if install(&built, dir)? {
        log_build(started, dir);
    }
    Ok(())
}

/// Renames a freshly built dictionary into place. Returns false when another process got
/// there first (its copy is kept, ours discarded).
fn install(built: &Path, dir: &Path) -> Result<bool> {
    kb_fs::install_once(built, dir, &is_built)
        .with_context(|| format!("moving the built dictionary to {}", dir.display()))
}

fn log_build(started: Instant, dir: &Path) {
    if std::env::var_os("KB_DICT_QUIET").is_none() {
        eprintln!(
            "search-indexer: built IPADIC dictionary in {:.1}s at {}",
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
}

fn load() -> Result<Segmenter> {
    load_from(&dict_dir())
}

fn load_from(dir: &Path) -> Result<Segmenter> {
    ensure_built(dir)?;
    let dictionary = Dictionary::load_from_path_with_options(dir, true)
        .map_err(|e| anyhow!("loading the IPADIC dictionary from {}: {e}", dir.display()))?;
    Ok(Segmenter::new(Mode::Normal, dictionary, None))
}

static SEGMENTER: OnceLock<std::result::Result<Segmenter, String>> = OnceLock::new();

/// The process-wide segmenter (dictionary loaded on first use).
pub fn segmenter() -> Result<&'static Segmenter> {
    SEGMENTER
        .get_or_init(|| load().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_segments() {
        let seg = segmenter().expect("dictionary");
        let tokens = seg
            .segment(std::borrow::Cow::Borrowed("人材育成基本方針を策定する"))
            .unwrap();
        let surfaces: Vec<_> = tokens.iter().map(|t| t.surface.to_string()).collect();
        assert_eq!(surfaces.concat(), "人材育成基本方針を策定する");
        assert!(surfaces.contains(&"人材".to_string()), "{surfaces:?}");
    }

    #[test]
    fn racing_installs_keep_one_copy() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("ipadic");
        let make = |name: &str, content: &str| {
            let p = root.path().join(name);
            std::fs::create_dir(&p).unwrap();
            std::fs::write(p.join("metadata.json"), content).unwrap();
            p
        };
        let a = make("a", "first");
        let b = make("b", "second");
        assert!(install(&a, &dir).unwrap());
        assert!(!install(&b, &dir).unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.join("metadata.json")).unwrap(),
            "first"
        );
        assert!(!a.exists() && !b.exists());
        // Already built: nothing to do, no sources needed.
        ensure_built(&dir).unwrap();
    }

    #[test]
    fn an_unloadable_dictionary_is_an_error() {
        // Built as far as the cache can tell (metadata.json), but not a dictionary.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("metadata.json"), "{}").unwrap();
        let err = load_from(dir.path()).err().expect("loading fails");
        assert!(
            format!("{err:#}").contains("loading the IPADIC dictionary"),
            "{err:#}"
        );
    }

    #[test]
    fn missing_sources_name_the_package() {
        let err = check_sources(Path::new("/nonexistent/ipadic")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("mecab-ipadic"), "{msg}");
        assert!(msg.contains("apt-get install mecab-ipadic"), "{msg}");
    }
}
