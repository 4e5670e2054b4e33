//! Writing a build's output atomically: the workspace's one implementation lives in the `kb-fs`
//! crate (shared with the search indexer, which does not depend on the site builder).

pub use kb_fs::*;
