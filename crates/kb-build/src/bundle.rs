//! The static search bundle (`<output>/search/`): the index just written, exported for the
//! browser's `search/engine.js` (see `search-indexer/BUNDLE.md`), so that search works from any
//! static web server, under any base path and offline.

use crate::documents::indexed_entries;
use kb_site::render::OutputFile;
use kb_site::Site;
use std::collections::HashMap;
use std::path::Path;

/// Where the bundle goes in the output.
pub const BUNDLE_DIR: &str = "search";

/// The bundle's files (paths relative to the output) for the index in `index_dir` of `site`.
/// `lexicon`: what the analyzer recorded while the index was written
/// ([`search_indexer::bundle::record`]).
pub fn bundle_files(
    site: &Site,
    index_dir: &Path,
    lexicon: Option<search_indexer::bundle::record::Lexicon>,
) -> anyhow::Result<(Vec<OutputFile>, search_indexer::bundle::BundleStats)> {
    // Translations: the index knows pages by URL only.
    let mut twins = HashMap::new();
    for pos in indexed_entries(site) {
        let e = &site.entries[pos];
        if let Some(t) = site.translation(e).filter(|t| t.front.in_search_index) {
            twins.insert(e.url.clone(), t.url.clone());
        }
    }
    for slug in site.config.theme_slugs() {
        let (ja, en) = (format!("/themes/{slug}/"), format!("/en/themes/{slug}/"));
        twins.insert(ja.clone(), en.clone());
        twins.insert(en, ja);
    }
    let (files, stats) = search_indexer::bundle::write_bundle(index_dir, &twins, lexicon)?;
    let out: Vec<OutputFile> = files
        .into_iter()
        .map(|f| OutputFile {
            path: format!("{BUNDLE_DIR}/{}", f.path),
            contents: f.contents,
        })
        .collect();
    Ok((out, stats))
}
