//! Postings of the four analyzed fields, exported from tantivy and sharded by term hash.
//!
//! A shard file is a JSON object: term → list of per-field arrays
//! `[field, doc₀, tf₀, pos…, Δdoc₁, tf₁, pos…, …]`: documents delta-coded, each followed by its
//! term frequency and that many positions (delta-coded within the document). One term's
//! postings for all fields sit in one shard, so a query term costs one request.

use std::collections::BTreeMap;

use anyhow::Result;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED};

use super::BundleFile;

/// Postings of one term: `(field number, flat array)` per field that has it.
pub type TermPostings = Vec<(usize, Vec<u32>)>;

/// One field's postings of a term while collecting: (global document, positions).
type DocPositions = Vec<(u32, Vec<u32>)>;

/// Raw size a postings shard aims at (gzip makes it about a third). A query fetches one shard
/// per term (and per glossary or compound expansion): smaller shards cost more files but fewer
/// bytes per query (12 KB took an English two-word query over the 40 KB budget).
const SHARD_TARGET_BYTES: usize = 6_000;
/// Most shards written (a bound on the number of files).
const MAX_SHARDS: usize = 4096;

/// FNV-1a (32 bits) of the term's UTF-8, modulo `shards`: what `engine.js` computes too.
pub fn shard_of(term: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h as usize) % shards.max(1)
}

/// Every term of the analyzed fields with its postings, in global document numbers (`bases`:
/// per segment, segment-local document → global number, `None` for deleted documents).
pub(super) fn collect(
    searcher: &Searcher,
    fields: &[Field; 4],
    bases: &[Vec<Option<u32>>],
) -> Result<BTreeMap<String, TermPostings>> {
    // term → field → (global doc, positions)
    let mut acc: BTreeMap<String, BTreeMap<usize, DocPositions>> = BTreeMap::new();
    let mut positions = Vec::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        for (k, &field) in fields.iter().enumerate() {
            let inv = seg.inverted_index(field)?;
            let mut stream = inv.terms().stream()?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let mut postings = inv.read_postings_from_terminfo(
                    stream.value(),
                    IndexRecordOption::WithFreqsAndPositions,
                )?;
                let list = acc
                    .entry(term.to_string())
                    .or_default()
                    .entry(k)
                    .or_default();
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if let Some(Some(global)) = bases[ord].get(doc as usize) {
                        positions.clear();
                        postings.positions(&mut positions);
                        list.push((*global, positions.clone()));
                    }
                    doc = postings.advance();
                }
            }
        }
    }
    Ok(acc
        .into_iter()
        .map(|(term, by_field)| {
            let lists = by_field
                .into_iter()
                .filter(|(_, docs)| !docs.is_empty())
                .map(|(k, mut docs)| {
                    docs.sort_by_key(|d| d.0);
                    (k, encode(k, &docs))
                })
                .collect();
            (term, lists)
        })
        .filter(|(_, lists): &(String, TermPostings)| !lists.is_empty())
        .collect())
}

fn encode(field: usize, docs: &[(u32, Vec<u32>)]) -> Vec<u32> {
    let mut out = vec![field as u32];
    let mut prev_doc = 0;
    for (doc, pos) in docs {
        out.push(doc - prev_doc);
        prev_doc = *doc;
        out.push(pos.len() as u32);
        let mut prev = 0;
        for &p in pos {
            out.push(p - prev);
            prev = p;
        }
    }
    out
}

/// Number of postings shards for `terms`: a power of two, so that shards hold about
/// [`SHARD_TARGET_BYTES`] each.
pub(super) fn shard_count(terms: &BTreeMap<String, TermPostings>) -> usize {
    let bytes: usize = terms
        .iter()
        .map(|(t, lists)| t.len() + 8 + lists.iter().map(|(_, l)| 4 * l.len()).sum::<usize>())
        .sum();
    (bytes / SHARD_TARGET_BYTES)
        .max(1)
        .next_power_of_two()
        .min(MAX_SHARDS)
}

/// The shard files `postings/<n>.json` (every shard is written, empty ones as `{}`).
pub(super) fn shard_files(
    terms: &BTreeMap<String, TermPostings>,
    shards: usize,
) -> Result<Vec<BundleFile>> {
    let mut by_shard: Vec<BTreeMap<&str, Vec<&Vec<u32>>>> = vec![BTreeMap::new(); shards];
    for (term, lists) in terms {
        by_shard[shard_of(term, shards)].insert(term, lists.iter().map(|(_, l)| l).collect());
    }
    by_shard
        .iter()
        .enumerate()
        .map(|(k, m)| {
            Ok(BundleFile {
                path: format!("postings/{k}.json"),
                contents: super::json_bytes(m)?,
            })
        })
        .collect()
}

/// Decodes one flat array back to `(field, [(doc, positions)])` (for the unit tests).
#[cfg(test)]
pub(super) fn decode(flat: &[u32]) -> (usize, Vec<(u32, Vec<u32>)>) {
    let field = flat.first().copied().unwrap_or(0) as usize;
    let mut out = Vec::new();
    let (mut i, mut doc) = (1, 0u32);
    while i + 1 < flat.len() {
        doc += flat[i];
        let tf = flat[i + 1] as usize;
        i += 2;
        let mut pos = Vec::with_capacity(tf);
        let mut p = 0;
        for &d in flat.iter().skip(i).take(tf) {
            p += d;
            pos.push(p);
        }
        i += tf;
        out.push((doc, pos));
    }
    (field, out)
}

/// [`encode`], for the unit tests.
#[cfg(test)]
pub(super) fn tests_encode(field: usize, docs: &[(u32, Vec<u32>)]) -> Vec<u32> {
    encode(field, docs)
}
