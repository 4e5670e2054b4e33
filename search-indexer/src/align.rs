//! One-to-one alignment of two cities' measures (peer benchmarking, issue 17).
//!
//! A score that explains itself, from two parts a reader can check on the page:
//!
//! * **text**: the cosine of the two measures' term vectors — the tf-idf vectors the similar
//!   measures use ([`crate::similar::term_vectors`]: the index's own analysis, title terms ×3),
//!   with weights quantised to integers (‰) so that the dot product is an exact integer and the
//!   browser (`static/js/benchmark.js`) computes bit-identical scores;
//! * **themes**: the share of themes the two measures have in common,
//!   `shared / max(|themes a|, |themes b|)`.
//!
//! `score = text × (1 + THEME_BONUS × theme share)`. Pairs scoring at least [`THRESHOLD`] are
//! matched greedily, best first (ties: lower index of a, then of b), each measure at most once:
//! a one-to-one matching, not top-k lists. The threshold was tuned on the labelled pairs of
//! `tests/benchmark_pairs.toml` (see there and BENCHMARKS.md).

use crate::similar::{TermId, TermNames};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Quantisation of the term weights (weights are in [0, 1]; stored as ‰).
pub const WEIGHT_SCALE: u32 = 1000;
/// How much a full theme overlap raises the text similarity.
pub const THEME_BONUS: f64 = 0.5;
/// The lowest score two measures are matched at.
pub const THRESHOLD: f64 = 0.25;

/// What the alignment needs of a measure: its themes and its weighted terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlignMeasure {
    pub themes: Vec<String>,
    /// (term, weight ‰), heaviest first.
    pub terms: Vec<(String, u32)>,
}

/// Why two measures match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Cosine of the quantised term vectors, in [0, 1].
    pub text: f64,
    /// Themes both measures have.
    pub shared_themes: usize,
    pub score: f64,
}

/// One matched pair: index into a, index into b, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub why: Score,
}

/// A measure's kept vector as stored: term texts and weights in ‰ (terms that round to 0 go).
pub fn quantise(vector: &[(TermId, f32)], names: &HashMap<TermId, Box<str>>) -> Vec<(String, u32)> {
    vector
        .iter()
        .filter_map(|&(id, w)| {
            let q = (f64::from(w) * f64::from(WEIGHT_SCALE)).round() as u32;
            let name = names.get(&id)?;
            (q > 0).then(|| (name.to_string(), q))
        })
        .collect()
}

/// The names recorded while indexing, as a plain map.
pub fn names_of(names: TermNames) -> HashMap<TermId, Box<str>> {
    names.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The score of `a` against `b` (symmetric).
pub fn score(a: &AlignMeasure, b: &AlignMeasure) -> Score {
    let theirs: HashMap<&str, u32> = b.terms.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    // An integer: exact whatever the order of the sum (the browser sums in its own order).
    let dot: u64 = a
        .terms
        .iter()
        .filter_map(|(t, w)| {
            theirs
                .get(t.as_str())
                .map(|o| u64::from(*w) * u64::from(*o))
        })
        .sum();
    let scale = f64::from(WEIGHT_SCALE);
    let text = dot as f64 / (scale * scale);
    let shared = a.themes.iter().filter(|t| b.themes.contains(t)).count();
    let most = a.themes.len().max(b.themes.len()).max(1);
    Score {
        text,
        shared_themes: shared,
        score: text * (1.0 + THEME_BONUS * shared as f64 / most as f64),
    }
}

/// The terms two measures share, heaviest product first (what the page shows as the reason).
pub fn shared_terms<'a>(a: &'a AlignMeasure, b: &AlignMeasure) -> Vec<&'a str> {
    let theirs: HashMap<&str, u32> = b.terms.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    let mut both: Vec<(&str, u32)> = a
        .terms
        .iter()
        .filter_map(|(t, w)| theirs.get(t.as_str()).map(|o| (t.as_str(), w * o)))
        .collect();
    both.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    both.into_iter().map(|x| x.0).collect()
}

/// Every pair scoring at least `threshold`, best first (ties: index of a, then of b).
pub fn candidates(a: &[AlignMeasure], b: &[AlignMeasure], threshold: f64) -> Vec<Pair> {
    let mut all = Vec::new();
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let why = score(x, y);
            if why.score >= threshold && why.score > 0.0 {
                all.push(Pair { a: i, b: j, why });
            }
        }
    }
    all.sort_by(|p, q| {
        q.why
            .score
            .total_cmp(&p.why.score)
            .then(p.a.cmp(&q.a))
            .then(p.b.cmp(&q.b))
    });
    all
}

/// The one-to-one alignment of `a` with `b`: greedy on descending score, each measure at most
/// once, only pairs scoring at least `threshold`. Sorted by index of a.
pub fn align(a: &[AlignMeasure], b: &[AlignMeasure], threshold: f64) -> Vec<Pair> {
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut out = Vec::new();
    for p in candidates(a, b, threshold) {
        if used_a[p.a] || used_b[p.b] {
            continue;
        }
        used_a[p.a] = true;
        used_b[p.b] = true;
        out.push(p);
    }
    out.sort_by_key(|p| p.a);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(themes: &[&str], terms: &[(&str, u32)]) -> AlignMeasure {
        AlignMeasure {
            themes: themes.iter().map(|s| s.to_string()).collect(),
            terms: terms.iter().map(|(t, w)| (t.to_string(), *w)).collect(),
        }
    }

    #[test]
    fn scores_are_symmetric_and_explained_by_terms_and_themes() {
        let a = m(&["health"], &[("メンタルヘルス", 800), ("研修", 600)]);
        let b = m(
            &["health", "training"],
            &[("メンタルヘルス", 600), ("相談", 800)],
        );
        let s = score(&a, &b);
        assert_eq!(s, score(&b, &a));
        assert!((s.text - 0.48).abs() < 1e-12);
        assert_eq!(s.shared_themes, 1);
        assert!((s.score - 0.48 * 1.25).abs() < 1e-12);
        assert_eq!(shared_terms(&a, &b), vec!["メンタルヘルス"]);
    }

    #[test]
    fn each_measure_is_matched_at_most_once_and_only_above_the_threshold() {
        let a = vec![
            m(&["x"], &[("人事評価", 1000)]),
            m(&["x"], &[("人事評価", 900), ("面談", 436)]),
            m(&["y"], &[("テレワーク", 1000)]),
        ];
        let b = vec![
            m(&["x"], &[("人事評価", 1000)]),
            m(&["z"], &[("研修", 1000)]),
        ];
        let pairs = align(&a, &b, 0.3);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].a, pairs[0].b), (0, 0));
        assert!(align(&a, &b, 2.0).is_empty());
    }
}
