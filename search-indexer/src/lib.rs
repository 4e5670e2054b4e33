//! Japanese-aware search index for the knowledge base.
//!
//! * [`analyzer`]: the Japanese analyzer (kb-text stage → lindera IPADIC → synonyms → filters →
//!   compounds) and the English analyzer;
//! * [`write_index`]: builds a tantivy index from [`Document`]s, atomically replacing the old one;
//! * [`SearchIndex`]: opens an index and answers [`SearchRequest`]s with ranked, highlighted,
//!   faceted [`SearchResponse`]s, and finds [`SearchIndex::similar`] measures in other cities.
//!
//! The IPADIC dictionary is built from Debian's `mecab-ipadic` sources on first use (about 1.6 s
//! in a release build, 10 s unoptimised) and cached on disk, then memory-mapped (milliseconds).
//! See [`dict`] for the cache location; environment variables:
//!
//! * `KB_DICT_DIR`: where the built dictionary lives (default `<workspace>/.kb-cache/ipadic-…`);
//! * `KB_IPADIC_SRC`: the IPADIC sources (default `/usr/share/mecab/dic/ipadic`, from
//!   `apt-get install mecab-ipadic`);
//! * `KB_DICT_QUIET`: set to silence the one-line "built IPADIC dictionary" notice.
//!
//! Query syntax (parsed here, never by tantivy): whitespace-separated terms, all required;
//! `"quoted phrases"`; `-term` or `-"phrase"` to exclude. English words are stemmed and
//! expanded through `data/glossary.toml` to Japanese; Japanese variants meet through
//! `data/synonyms.toml`. An empty query lists every page that passes the filters.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

pub mod align;
pub mod analyzer;
pub mod bundle;
pub mod dict;
mod facets;
mod index;
pub mod pairs;
mod query;
mod rank;
mod search;
pub mod similar;
mod snippet;
pub mod synonyms;

pub use index::{
    write_index, write_index_from, write_index_with, AlignByDoc, IndexOptions, IndexUpdater,
    SimilarByDoc, SimilarOptions,
};
pub use search::SearchIndex;

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Largest accepted `limit`.
pub const MAX_LIMIT: usize = 100;
/// Limit used when the request says 0 (the `Default`).
pub const DEFAULT_LIMIT: usize = 10;
/// Largest accepted `offset`.
pub const MAX_OFFSET: usize = 10_000;

/// One page of the site, as indexed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub url: String,
    /// "ja" or "en".
    pub lang: String,
    /// city | chapter | measure | …
    pub kind: String,
    pub city: Option<String>,
    pub chapter_path: Vec<String>,
    pub themes: Vec<String>,
    pub status: Option<String>,
    pub title: String,
    /// Plain text.
    pub body: String,
}

/// What [`write_index`] built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    pub documents: usize,
    pub bytes: u64,
}

/// A search request. `limit == 0` means [`DEFAULT_LIMIT`].
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub city: Option<String>,
    pub theme: Option<String>,
    pub lang: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// The JSON contract: `{"query", "total", "results": [...], "facets": {"city", "theme"}}`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub results: Vec<SearchHit>,
    pub facets: Facets,
}

/// One result. `snippet` is HTML: hits in `<mark>`, everything else escaped.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub url: String,
    /// The page kind (`measure`, `chapter`, `city`, `theme`, `page`), for the server's own
    /// rendering; not in the JSON answer, whose shape the browser engine shares.
    #[serde(skip)]
    pub kind: String,
    pub title: String,
    pub city: Option<String>,
    pub lang: String,
    pub themes: Vec<String>,
    pub snippet: String,
    pub score: f32,
}

/// Counts over all matches of the request (filters included).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub city: BTreeMap<String, usize>,
    pub theme: BTreeMap<String, usize>,
}

/// Why a search failed: the caller's fault (HTTP 400) or ours (HTTP 500).
#[derive(Debug)]
pub enum SearchError {
    BadRequest(String),
    Internal(anyhow::Error),
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::BadRequest(msg) => write!(f, "bad request: {msg}"),
            SearchError::Internal(err) => write!(f, "internal error: {err:#}"),
        }
    }
}

impl std::error::Error for SearchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SearchError::BadRequest(_) => None,
            SearchError::Internal(err) => Some(err.as_ref()),
        }
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(err: tantivy::TantivyError) -> Self {
        SearchError::Internal(err.into())
    }
}
