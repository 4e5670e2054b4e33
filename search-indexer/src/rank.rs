//! Ordering the matches of a search: by relevance, or, when the request names the reader's
//! language, every match in that language first (by relevance), then the others (by relevance).
//!
//! A score bonus for the reader's language cannot promise this: a Japanese page that a glossary
//! phrase matches in its title and body outscores any fixed bonus (`personnel evaluation
//! --lang en` returned ten Japanese pages). Sorting on the pair (in the reader's language,
//! score) does, in one pass over the matches, and leaves each hit's score its plain relevance.

use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader};

/// A page of matches, best first: (relevance score, address).
pub(crate) type Page = Vec<(Score, DocAddress)>;

/// The `offset..offset + limit` best matches of `query` (score, address), the number of
/// matches, and what `extra` collects over all of them.
pub(crate) fn ranked<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    offset: usize,
    lang: Option<&str>,
    extra: C,
) -> tantivy::Result<(Page, usize, C::Fruit)> {
    let top = TopDocs::with_limit(limit).and_offset(offset);
    let Some(lang) = lang else {
        // Plain relevance keeps tantivy's pruning of hopeless documents.
        return searcher.search(query, &(top.order_by_score(), Count, extra));
    };
    let lang = lang.to_string();
    let by_language_then_score = top.tweak_score(move |segment: &SegmentReader| {
        let preferred = language_ordinal(segment, &lang);
        move |doc: DocId, score: Score| {
            let in_lang = preferred
                .as_ref()
                .is_some_and(|(column, ord)| column.term_ords(doc).next() == Some(*ord));
            (in_lang, score)
        }
    });
    let (docs, total, fruit) = searcher.search(query, &(by_language_then_score, Count, extra))?;
    let docs = docs
        .into_iter()
        .map(|((_, score), addr)| (score, addr))
        .collect();
    Ok((docs, total, fruit))
}

/// The segment's `lang` column and the ordinal of `lang` in it; None when no page of the segment
/// is in that language (then none ranks first there).
fn language_ordinal(segment: &SegmentReader, lang: &str) -> Option<(StrColumn, u64)> {
    let column = segment.fast_fields().str("lang").ok()??;
    let ord = column.dictionary().term_ord(lang).ok()??;
    Some((column, ord))
}
