//! Japanese-aware search index.
