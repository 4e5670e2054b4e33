//! Ordering the matches of a search: one result per page and its translation, by relevance, or,
//! when the request names the reader's language, every result in that language first (by
//! relevance), then the others (by relevance).
//!
//! A score bonus for the reader's language cannot promise the language order: a Japanese page
//! that a glossary phrase matches in its title and body outscores any fixed bonus (`personnel
//! evaluation --lang en` returned ten Japanese pages). Sorting on the triple (in the reader's
//! language, score, document order) does, and leaves each hit's score its plain relevance.
//!
//! Pairs: a page and its translation ([`crate::pairs`]) are one result, shown by the member
//! that comes first in that same order: the reader's language version when it matches, else
//! the other; without `lang`, the better-scoring member (the earlier document on a tie). `total`
//! and the facets count these results, each pair once. engine-query.js does the same.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// A page of matches, best first: (relevance score, address).
pub(crate) type Page = Vec<(Score, DocAddress)>;

/// One match as the ranking sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Match {
    pub in_lang: bool,
    pub score: Score,
    pub addr: DocAddress,
    pub pair: u64,
}

/// The ranking order: the reader's language first, then higher scores, then document order.
pub(crate) fn order(a: &Match, b: &Match) -> Ordering {
    b.in_lang
        .cmp(&a.in_lang)
        .then(b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal))
        .then(a.addr.cmp(&b.addr))
}

/// What a search ranked: the requested page, the number of results (pairs counted once) and
/// every result's address (for the facets).
pub(crate) struct Ranked {
    pub page: Page,
    pub total: usize,
    pub results: Vec<DocAddress>,
}

/// The `offset..offset + limit` best results of `query`, one per pair.
pub(crate) fn ranked(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
    offset: usize,
    lang: Option<&str>,
) -> tantivy::Result<Ranked> {
    let collector = Matches {
        lang: lang.map(str::to_string),
    };
    let matches = searcher.search(query, &collector)?;
    Ok(page_of(group(matches), limit, offset))
}

/// One match per pair: the first of its members in [`order`].
pub(crate) fn group(matches: Vec<Match>) -> Vec<Match> {
    let mut best: HashMap<u64, Match> = HashMap::with_capacity(matches.len());
    for m in matches {
        match best.entry(m.pair) {
            Entry::Vacant(v) => {
                v.insert(m);
            }
            Entry::Occupied(mut o) => {
                if order(&m, o.get()) == Ordering::Less {
                    o.insert(m);
                }
            }
        }
    }
    best.into_values().collect()
}

/// The requested page of the grouped results (only the results up to its end are sorted).
fn page_of(mut results: Vec<Match>, limit: usize, offset: usize) -> Ranked {
    let total = results.len();
    let end = offset.saturating_add(limit).min(total);
    if offset < end {
        if end < total {
            results.select_nth_unstable_by(end, order);
        }
        results[..end].sort_by(order);
    }
    let page = results
        .get(offset..end)
        .unwrap_or_default()
        .iter()
        .map(|m| (m.score, m.addr))
        .collect();
    Ranked {
        page,
        total,
        results: results.iter().map(|m| m.addr).collect(),
    }
}

/// Collects every match with what the ranking needs.
struct Matches {
    lang: Option<String>,
}

struct SegmentMatches {
    segment: SegmentOrdinal,
    pair: Option<Column<u64>>,
    lang: Option<(StrColumn, u64)>,
    out: Vec<Match>,
}

impl Collector for Matches {
    type Fruit = Vec<Match>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches {
            segment,
            pair: reader.fast_fields().u64("pair").ok(),
            lang: self
                .lang
                .as_deref()
                .and_then(|l| language_ordinal(reader, l)),
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Match>>) -> tantivy::Result<Vec<Match>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<Match>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let in_lang = self
            .lang
            .as_ref()
            .is_some_and(|(column, ord)| column.term_ords(doc).next() == Some(*ord));
        // A document without a pair key (none today) is a pair of its own.
        let pair = self
            .pair
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or((1 << 63) | (u64::from(self.segment) << 32) | u64::from(doc));
        self.out.push(Match {
            in_lang,
            score,
            addr: DocAddress::new(self.segment, doc),
            pair,
        });
    }

    fn harvest(self) -> Vec<Match> {
        self.out
    }
}

/// The segment's `lang` column and the ordinal of `lang` in it; None when no page of the segment
/// is in that language (then none ranks first there).
fn language_ordinal(segment: &SegmentReader, lang: &str) -> Option<(StrColumn, u64)> {
    let column = segment.fast_fields().str("lang").ok()??;
    let ord = column.dictionary().term_ord(lang).ok()??;
    Some((column, ord))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(doc: u32, pair: u64, in_lang: bool, score: Score) -> Match {
        Match {
            in_lang,
            score,
            addr: DocAddress::new(0, doc),
            pair,
        }
    }

    fn docs(r: &Ranked) -> Vec<u32> {
        r.page.iter().map(|(_, a)| a.doc_id).collect()
    }

    #[test]
    fn a_pair_is_one_result_shown_by_its_better_member() {
        // Pair 1: docs 0 (2.0) and 1 (3.0); pair 2: doc 2 alone.
        let r = page_of(
            group(vec![
                m(0, 1, false, 2.0),
                m(1, 1, false, 3.0),
                m(2, 2, false, 1.0),
            ]),
            10,
            0,
        );
        assert_eq!(docs(&r), vec![1, 2]);
        assert_eq!(r.total, 2);
        assert_eq!(r.results.len(), 2);
    }

    #[test]
    fn the_readers_language_member_shows_the_pair_even_when_it_scores_less() {
        let r = page_of(
            group(vec![
                m(0, 1, true, 1.0),
                m(1, 1, false, 9.0),
                m(2, 2, false, 5.0),
                m(3, 3, true, 0.5),
            ]),
            10,
            0,
        );
        assert_eq!(docs(&r), vec![0, 3, 2]);
        assert_eq!(r.page[0].0, 1.0, "the score stays the member's own");
    }

    #[test]
    fn ties_go_to_the_earlier_document() {
        let r = page_of(group(vec![m(5, 1, false, 1.0), m(4, 1, false, 1.0)]), 10, 0);
        assert_eq!(docs(&r), vec![4]);
    }

    #[test]
    fn pages_of_results() {
        let all: Vec<Match> = (0..25)
            .map(|d| m(d, u64::from(d), false, d as f32))
            .collect();
        let r = page_of(group(all.clone()), 10, 10);
        assert_eq!(docs(&r), (5..15).rev().collect::<Vec<_>>());
        assert_eq!(r.total, 25);
        let r = page_of(group(all.clone()), 10, 20);
        assert_eq!(docs(&r), vec![4, 3, 2, 1, 0]);
        assert!(page_of(group(all), 10, 30).page.is_empty());
        assert!(page_of(Vec::new(), 10, 0).page.is_empty());
    }
}
