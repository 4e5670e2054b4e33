//! The knowledge base's build pipeline, as a library: the `kb` binary, `kb-bench` and the tests
//! call it; it joins the site builder (`kb-site`) and the search indexer (`search-indexer`),
//! which do not know each other.
//!
//! - [`build`]: load → validate → index and similar measures → render → data files → commit,
//!   the site and its index committed as one generation ([`generation`]);
//! - [`bundle`]: the static search bundle written under `<output>/search/`;
//! - [`benchmark`]: the peer-benchmarking data written under `<output>/benchmark/`;
//! - [`documents`]: which pages are indexed and what each one's search document holds;
//! - [`live`]: incremental updates of a built site for `kb serve`;
//! - [`open_index`]: the index that belongs to a built site, for searching it.

pub mod allocator;
pub mod benchmark;
pub mod bundle;
pub mod documents;
pub mod fault;
pub mod generation;
mod index;
pub mod live;
mod pipeline;
pub mod urls;

pub use generation::{index_root, live_index_dir};
pub use kb_site::{check, BuildError, Site};
pub use pipeline::{build, build_with, BuildOptions, BuildReport};

use std::path::{Path, PathBuf};

/// The default output of a site root: `<root>/public`.
pub fn output_dir(root: &Path, output: Option<PathBuf>) -> PathBuf {
    output.unwrap_or_else(|| root.join("public"))
}

/// Opens the search index of the build in `output` (the generation its site names).
pub fn open_index(output: &Path) -> anyhow::Result<search_indexer::SearchIndex> {
    let dir = live_index_dir(output)?;
    search_indexer::SearchIndex::open(&dir)
        .map_err(|e| anyhow::anyhow!("cannot open the search index {}: {e:#}", dir.display()))
}
