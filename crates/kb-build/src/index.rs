//! The indexing stage: every indexed page's search document into a tantivy index, and the
//! similar measures of other cities that the measure pages list (computed on the same pass).

use crate::documents::{document_at, indexed_entries, theme_documents};
use kb_site::{SimilarMap, SimilarPage, Site};
use search_indexer::align::AlignMeasure;
use std::collections::HashMap;
use std::path::Path;

/// How many similar measures each measure page shows from each other city, and in all.
const SIMILAR_PER_CITY: usize = 2;
const SIMILAR_MAX_TOTAL: usize = 8;

/// What the peer alignment needs of each Japanese measure, by entry position.
pub type AlignInputs = HashMap<usize, AlignMeasure>;

/// Writes the index of `site` into `dir` and returns the similar measures per measure and the
/// peer alignment's inputs.
pub fn write_index(site: &Site, dir: &Path) -> anyhow::Result<(SimilarMap, AlignInputs)> {
    let align = std::sync::Mutex::new(Vec::new());
    let positions = indexed_entries(site);
    // The generated theme pages follow the entries (document numbers past `positions`; they are
    // no measures, so the similar-measure and alignment steps never name them).
    let themes = theme_documents(site);
    let count = positions.len() + themes.len();
    let progress = kb_site::progress::Progress::start("indexing", count);
    let opts = search_indexer::IndexOptions {
        similar: Some(search_indexer::SimilarOptions {
            per_city: SIMILAR_PER_CITY,
            max_total: SIMILAR_MAX_TOTAL,
        }),
        progress: Some(progress.counter()),
        align: Some(&align),
    };
    // Each page's plain text is rendered on the indexing threads and dropped once indexed.
    let make = |i: usize| match positions.get(i) {
        Some(&pos) => document_at(site, pos),
        None => themes[i - positions.len()].clone(),
    };
    let (_, found) = search_indexer::write_index_from(count, &make, dir, &opts)?;
    progress.finish();
    let inputs = align
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|(doc, m)| (positions[doc], m))
        .collect();
    Ok((similar_pages(site, &positions, found), inputs))
}

/// Similar measures per measure. They are computed between the Japanese pages; an English page
/// lists the English twins of its Japanese twin's similar measures.
fn similar_pages(
    site: &Site,
    positions: &[usize],
    found: search_indexer::SimilarByDoc,
) -> SimilarMap {
    let twin = |i: usize| {
        let e = &site.entries[i];
        site.translation(e)
            .and_then(|t| site.position(&t.key, &t.lang))
    };
    let mut out = HashMap::new();
    for (source, hits) in found {
        let ja = positions[source];
        let ja_hits: Vec<SimilarPage> = hits
            .iter()
            .map(|&(o, score)| SimilarPage {
                entry: positions[o],
                score,
            })
            .collect();
        if let Some(en) = twin(ja) {
            let en_hits = ja_hits
                .iter()
                .filter_map(|h| {
                    twin(h.entry).map(|entry| SimilarPage {
                        entry,
                        score: h.score,
                    })
                })
                .collect();
            out.insert(en, en_hits);
        }
        out.insert(ja, ja_hits);
    }
    out
}
