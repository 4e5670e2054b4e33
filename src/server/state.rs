//! What the request handlers share: the output being served and the index being searched.

use search_indexer::SearchIndex;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// The index being searched; replaced after each rebuild, `None` before the first build.
pub type SharedIndex = Arc<RwLock<Option<Arc<SearchIndex>>>>;

#[derive(Clone)]
pub struct AppState {
    pub output: PathBuf,
    pub index: SharedIndex,
    /// The base path pages are served under (`/jinji/kb`, or empty): result links carry it.
    pub prefix: String,
}
