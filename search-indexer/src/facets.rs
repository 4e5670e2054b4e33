//! Facet counts (`city`, `theme`) over the results of a search, each result counted once.

use std::collections::HashMap;

use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Searcher};

type Counts = (HashMap<String, usize>, HashMap<String, usize>);

/// Counts the distinct values of the `city` and `themes` fast fields over `docs`.
pub(crate) fn count(searcher: &Searcher, docs: &[DocAddress]) -> tantivy::Result<Counts> {
    let mut by_segment: Vec<Vec<DocId>> = vec![Vec::new(); searcher.segment_readers().len()];
    for d in docs {
        if let Some(list) = by_segment.get_mut(d.segment_ord as usize) {
            list.push(d.doc_id);
        }
    }
    let mut city = HashMap::new();
    let mut theme = HashMap::new();
    for (reader, list) in searcher.segment_readers().iter().zip(by_segment) {
        if list.is_empty() {
            continue;
        }
        let cities = reader.fast_fields().str("city")?;
        let themes = reader.fast_fields().str("themes")?;
        let mut city_counts = vec![0; cities.as_ref().map_or(0, |c| c.num_terms())];
        let mut theme_counts = vec![0; themes.as_ref().map_or(0, |c| c.num_terms())];
        let mut scratch = Vec::new();
        for doc in list {
            count_ords(&cities, doc, &mut city_counts, &mut scratch);
            count_ords(&themes, doc, &mut theme_counts, &mut scratch);
        }
        for (k, v) in harvest_counts(&cities, &city_counts) {
            *city.entry(k).or_insert(0) += v;
        }
        for (k, v) in harvest_counts(&themes, &theme_counts) {
            *theme.entry(k).or_insert(0) += v;
        }
    }
    Ok((city, theme))
}

fn count_ords(
    column: &Option<StrColumn>,
    doc: DocId,
    counts: &mut [usize],
    scratch: &mut Vec<u64>,
) {
    if let Some(col) = column {
        scratch.clear();
        scratch.extend(col.term_ords(doc));
        scratch.sort_unstable();
        scratch.dedup();
        for &ord in scratch.iter() {
            if let Some(c) = counts.get_mut(ord as usize) {
                *c += 1;
            }
        }
    }
}

fn harvest_counts(column: &Option<StrColumn>, counts: &[usize]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    if let Some(col) = column {
        // One pass over the (compressed) dictionary for all counted ordinals, in order: a
        // lookup per ordinal decompresses a block each time, which with 1,741 cities was most
        // of a query's time.
        let ords: Vec<u64> = (0..counts.len())
            .filter(|&o| counts[o] > 0)
            .map(|o| o as u64)
            .collect();
        let mut i = 0;
        let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |term| {
            if let (Some(&ord), Ok(text)) = (ords.get(i), std::str::from_utf8(term)) {
                *out.entry(text.to_string()).or_insert(0) += counts[ord as usize];
            }
            i += 1;
        });
    }
    out
}
