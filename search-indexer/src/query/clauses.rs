//! The small tantivy query pieces the builder combines: boosts, best-of alternatives, terms,
//! phrases and the extra weight of a concept's own page.

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::{HUB_BOOST, HUB_KINDS};
use crate::index::Fields;

pub(super) fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

pub(super) fn boost(q: Box<dyn Query>, b: f32) -> Box<dyn Query> {
    if (b - 1.0).abs() < f32::EPSILON {
        q
    } else {
        boxed(BoostQuery::new(q, b))
    }
}

/// Alternatives for one thing the user typed (a word, its variants, its glossary
/// translations): any may match, and the best one scores. A sum would let a word with many
/// translations (overtime → 超過勤務, 時間外勤務, 残業) outweigh everything else.
pub(super) fn should(clauses: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match clauses.len() {
        0 => None,
        1 => clauses.into_iter().next(),
        _ => Some(boxed(
            tantivy::query::DisjunctionMaxQuery::with_tie_breaker(
                clauses,
                ALTERNATIVES_TIE_BREAKER,
            ),
        )),
    }
}

/// Share of the other alternatives' scores added to the best one's.
pub(crate) const ALTERNATIVES_TIE_BREAKER: f32 = 0.1;

pub(super) fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    boxed(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// Phrase (or single term) over `(position, term)` pairs in one field.
pub(super) fn phrase_query(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn Query>> {
    match terms.len() {
        0 => None,
        1 => Some(term_query(field, &terms[0].1)),
        _ => {
            let first = terms[0].0;
            let with_offsets: Vec<(usize, Term)> = terms
                .iter()
                .map(|(p, t)| (p.saturating_sub(first), Term::from_field_text(field, t)))
                .collect();
            Some(boxed(PhraseQuery::new_with_offset(with_offsets)))
        }
    }
}

/// `title` (a query on a title field) counted again, times [`HUB_BOOST`], for theme and city
/// pages only.
pub(super) fn hub(fields: &Fields, title: Box<dyn Query>) -> Box<dyn Query> {
    let kinds = HUB_KINDS
        .iter()
        .map(|k| {
            let q: Box<dyn Query> = boxed(TermQuery::new(
                Term::from_field_text(fields.kind, k),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    let only_hubs = boxed(ConstScoreQuery::new(boxed(BooleanQuery::new(kinds)), 0.0));
    boost(
        boxed(BooleanQuery::new(vec![
            (Occur::Must, title),
            (Occur::Must, only_hubs),
        ])),
        HUB_BOOST,
    )
}
