//! Similar measures across cities, for every measure at once.
//!
//! Each measure becomes a tf-idf vector over its analyzed terms (the same analysis the index
//! uses, taken from the indexing pass, so nothing is analyzed twice): title terms count three
//! times, body terms once. Only a measure's [`TERMS_PER_DOC`] most distinctive terms that occur
//! in at least one other measure are kept, and the vector is normalised, so the score of two
//! measures is the cosine of their kept terms. Pages sharing the source's themes get up to +50%.
//!
//! Scaling: candidates come from an inverted list per term, cut to its [`POSTINGS_PER_TERM`]
//! heaviest entries, so each measure looks at no more than `TERMS_PER_DOC × POSTINGS_PER_TERM`
//! others whatever the size of the corpus: linear overall, where one search per measure over
//! the whole index was quadratic (`kb build` at 100 cities would have spent hours here).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use crate::analyzer::{ATok, Kind};

/// Distinctive terms kept per measure.
pub const TERMS_PER_DOC: usize = 20;
/// Longest inverted list consulted per term.
pub const POSTINGS_PER_TERM: usize = 100;

/// A term, hashed (64 bits: collisions are negligible at a few million distinct terms).
pub type TermId = u64;

pub(crate) fn term_id(text: &str) -> TermId {
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// The text of each term seen, by id (filled while indexing when the alignment data is wanted).
pub type TermNames = std::sync::Mutex<HashMap<TermId, Box<str>>>;

/// Term frequencies of one measure, from its analyzed title and body.
#[derive(Debug, Clone, Default)]
pub struct TermCounts(Vec<(TermId, f32)>);

impl TermCounts {
    /// [`Self::from_tokens_named`] without names.
    #[cfg(test)]
    pub(crate) fn from_tokens(title: &[ATok], body: &[ATok]) -> TermCounts {
        Self::from_tokens_named(title, body, None)
    }

    /// Counts the terms worth comparing: units and joined compounds of two or more characters
    /// that are not bare numbers; title terms weigh three times body terms. Records each term's
    /// text in `names` when given (the peer alignment's data names its terms, so that the page
    /// can say what two measures share).
    pub(crate) fn from_tokens_named(
        title: &[ATok],
        body: &[ATok],
        names: Option<&TermNames>,
    ) -> TermCounts {
        let mut tf: HashMap<TermId, f32> = HashMap::new();
        let mut seen: Vec<(TermId, &str)> = Vec::new();
        for (tokens, weight) in [(title, 3.0f32), (body, 1.0)] {
            for t in tokens {
                if t.kind == Kind::Inner || t.text.chars().nth(1).is_none() {
                    continue;
                }
                if t.text.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let id = term_id(&t.text);
                let e = tf.entry(id).or_insert(0.0);
                if *e == 0.0 && names.is_some() {
                    seen.push((id, &t.text));
                }
                *e += weight;
            }
        }
        if let Some(names) = names {
            // One lock per measure; most terms are already known.
            let mut map = names.lock().unwrap_or_else(|e| e.into_inner());
            for (id, text) in seen {
                map.entry(id).or_insert_with(|| text.into());
            }
        }
        let mut v: Vec<(TermId, f32)> = tf.into_iter().collect();
        v.sort_unstable_by_key(|x| x.0);
        TermCounts(v)
    }
}

/// One measure to compare.
pub struct Candidate<'a> {
    pub city: &'a str,
    pub themes: &'a [String],
    pub terms: &'a TermCounts,
}

/// Each candidate's kept, normalised tf-idf vector: its [`TERMS_PER_DOC`] heaviest terms that
/// at least one other candidate has, heaviest first. The similar measures and the peer
/// alignment (`align.rs`) both start from these.
pub fn term_vectors(candidates: &[Candidate<'_>]) -> Vec<Vec<(TermId, f32)>> {
    // Document frequency of each term among the measures.
    let mut df: HashMap<TermId, u32> = HashMap::new();
    for c in candidates {
        for &(t, _) in &c.terms.0 {
            *df.entry(t).or_insert(0) += 1;
        }
    }
    let nf = candidates.len() as f32;
    candidates
        .par_iter()
        .map(|c| {
            let mut v: Vec<(TermId, f32)> = c
                .terms
                .0
                .iter()
                .filter_map(|&(t, tf)| {
                    let d = *df.get(&t)? as f32;
                    // A term no other measure has cannot make two measures alike.
                    (d >= 2.0).then(|| (t, tf.sqrt() * (1.0 + (nf - d + 0.5) / (d + 0.5)).ln()))
                })
                .collect();
            v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(TERMS_PER_DOC);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                for x in &mut v {
                    x.1 /= norm;
                }
            }
            v
        })
        .collect()
}

/// For each candidate (same order), the indices of its most similar candidates in other cities
/// with their scores, best first: at most `per_city` from one city and `max_total` in all.
pub fn most_similar(
    candidates: &[Candidate<'_>],
    per_city: usize,
    max_total: usize,
) -> Vec<Vec<(usize, f32)>> {
    let vectors = term_vectors(candidates);
    most_similar_from(candidates, &vectors, per_city, max_total)
}

/// [`most_similar`] from vectors already computed by [`term_vectors`].
pub fn most_similar_from(
    candidates: &[Candidate<'_>],
    vectors: &[Vec<(TermId, f32)>],
    per_city: usize,
    max_total: usize,
) -> Vec<Vec<(usize, f32)>> {
    let n = candidates.len();
    if n == 0 || per_city == 0 || max_total == 0 {
        return vec![Vec::new(); n];
    }
    // Inverted lists, heaviest first, cut.
    let mut postings: HashMap<TermId, Vec<(u32, f32)>> = HashMap::new();
    for (d, v) in vectors.iter().enumerate() {
        for &(t, w) in v {
            postings.entry(t).or_default().push((d as u32, w));
        }
    }
    postings.par_iter_mut().for_each(|(_, list)| {
        if list.len() > POSTINGS_PER_TERM {
            list.select_nth_unstable_by(POSTINGS_PER_TERM, |a, b| {
                b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
            });
            list.truncate(POSTINGS_PER_TERM);
        }
    });
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(scores, touched), d| {
                let source = &candidates[d];
                for &(t, w) in &vectors[d] {
                    let Some(list) = postings.get(&t) else {
                        continue;
                    };
                    for &(o, ow) in list {
                        let oi = o as usize;
                        if oi == d || candidates[oi].city == source.city {
                            continue;
                        }
                        if scores[oi] == 0.0 {
                            touched.push(o);
                        }
                        scores[oi] += w * ow;
                    }
                }
                let mut ranked: Vec<(usize, f32)> = touched
                    .drain(..)
                    .map(|o| {
                        let oi = o as usize;
                        let s = std::mem::take(&mut scores[oi]);
                        let shared = candidates[oi]
                            .themes
                            .iter()
                            .filter(|t| source.themes.contains(t))
                            .count();
                        let factor = 1.0 + 0.5 * shared as f32 / source.themes.len().max(1) as f32;
                        (oi, s * factor)
                    })
                    .filter(|x| x.1 > 0.0)
                    .collect();
                ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let mut per: HashMap<&str, usize> = HashMap::new();
                let mut out = Vec::new();
                for (o, s) in ranked {
                    let k = per.entry(candidates[o].city).or_insert(0);
                    if *k >= per_city {
                        continue;
                    }
                    *k += 1;
                    out.push((o, s));
                    if out.len() >= max_total {
                        break;
                    }
                }
                out
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::analyze;

    fn cand<'a>(city: &'a str, themes: &'a [String], title: &str, body: &str) -> Candidate<'a> {
        // Leaked: a few bytes per test case, and it keeps the helper as short as the data.
        let terms = Box::leak(Box::new(TermCounts::from_tokens(
            &analyze(title),
            &analyze(body),
        )));
        Candidate {
            city,
            themes,
            terms,
        }
    }

    #[test]
    fn finds_the_alike_measure_of_another_city_and_never_its_own_city() {
        let none: Vec<String> = Vec::new();
        let c = [
            cand(
                "a",
                &none,
                "ジョブローテーション",
                "若手職員の計画的な人事異動とジョブローテーションを行う。",
            ),
            cand(
                "a",
                &none,
                "ジョブローテーションの推進",
                "計画的な人事異動とジョブローテーション。",
            ),
            cand(
                "b",
                &none,
                "計画的なジョブローテーション",
                "若手職員のジョブローテーションによる育成。",
            ),
            cand(
                "c",
                &none,
                "健康管理",
                "職員のメンタルヘルス対策とストレスチェックを実施する。",
            ),
            cand(
                "d",
                &none,
                "メンタルヘルス",
                "ストレスチェックとメンタルヘルス研修。",
            ),
        ];
        let sims = most_similar(&c, 2, 8);
        assert_eq!(sims[0].first().map(|x| x.0), Some(2));
        assert!(sims[0].iter().all(|&(o, _)| c[o].city != "a"));
        assert_eq!(sims[3].first().map(|x| x.0), Some(4));
        assert!(sims.iter().flatten().all(|x| x.1 > 0.0));
    }

    #[test]
    fn caps_per_city_and_in_total() {
        let none: Vec<String> = Vec::new();
        let mut c = vec![cand(
            "src",
            &none,
            "人事評価",
            "人事評価制度の運用と評価者研修。",
        )];
        for i in 0..12 {
            let city = if i < 6 { "x" } else { "y" };
            c.push(cand(
                city,
                &none,
                "人事評価",
                "人事評価制度の運用と評価者研修。",
            ));
        }
        let sims = most_similar(&c, 2, 3);
        assert_eq!(sims[0].len(), 3);
        assert!(sims[0].iter().filter(|x| c[x.0].city == "x").count() <= 2);
    }
}
