//! From morphemes to index slots: synonym variants spelled by runs of morphemes become their
//! group's canonical term, dropped morphemes leave gaps, verbs and adjectives become their
//! base forms.

use super::{Class, Morph, MAX_VARIANT_MORPHEMES};
use crate::synonyms::synonyms;

/// A slot: one position's worth of analysis (a kept morpheme or a synonym span).
pub(super) enum Slot {
    Kept {
        term: String,
        class: Class,
        start: usize,
        end: usize,
        inner: Vec<(String, usize, usize)>,
    },
    Gap,
    Transparent,
}

/// Finds the longest synonym variant starting at morph `i`: returns `(last index, canonical)`.
/// Extends the candidate only while some variant starts with it (a prefix set), so the common
/// case, a morpheme that begins no variant, costs one or two hash lookups.
fn match_variant(morphs: &[Morph], i: usize, max_len: usize) -> Option<(usize, String)> {
    let syn = synonyms();
    if syn.max_chars == 0 || morphs[i].class == Class::Transparent {
        return None;
    }
    let mut prefix = String::new();
    let mut key = String::new();
    let mut best: Option<(usize, String)> = None;
    let mut used = 0usize;
    for (j, m) in morphs.iter().enumerate().skip(i) {
        if m.class == Class::Transparent {
            continue;
        }
        used += 1;
        if used > max_len {
            break;
        }
        for cand in [m.surface, m.base()] {
            key.clear();
            key.push_str(&prefix);
            key.push_str(cand);
            if let Some(c) = syn.canonical(&key) {
                best = Some((j, c.to_string()));
                break;
            }
        }
        prefix.push_str(m.surface);
        if !syn.extends(&prefix) {
            break;
        }
    }
    best
}

fn term_of(m: &Morph) -> String {
    match m.class {
        Class::Verb | Class::Adjective => m.base().to_string(),
        _ => m.surface.to_string(),
    }
}

pub(super) fn slots(morphs: &[Morph]) -> Vec<Slot> {
    let mut out = Vec::with_capacity(morphs.len());
    let mut i = 0;
    while i < morphs.len() {
        if let Some((j, canonical)) = match_variant(morphs, i, MAX_VARIANT_MORPHEMES) {
            let span = &morphs[i..=j];
            let last_class = span
                .iter()
                .rev()
                .find(|m| m.class != Class::Transparent)
                .map(|m| m.class)
                .unwrap_or(Class::Noun);
            let class = match last_class {
                Class::Verb | Class::Adjective | Class::Adverb => Class::Verb,
                _ => Class::Noun,
            };
            // The span's parts, each canonicalised on its own (a one-morpheme span has none:
            // its only part is the canonical term).
            let mut inner = Vec::new();
            for (k, m) in span.iter().enumerate() {
                if matches!(m.class, Class::Drop | Class::Transparent) {
                    continue;
                }
                let single = match_variant(&span[k..], 0, 1)
                    .map(|(_, c)| c)
                    .unwrap_or_else(|| term_of(m));
                if single != canonical {
                    inner.push((single, m.start, m.end));
                }
            }
            out.push(Slot::Kept {
                term: canonical,
                class,
                start: span[0].start,
                end: span[span.len() - 1].end,
                inner,
            });
            i = j + 1;
            continue;
        }
        let m = &morphs[i];
        out.push(match m.class {
            Class::Drop => Slot::Gap,
            Class::Transparent => Slot::Transparent,
            class => Slot::Kept {
                term: term_of(m),
                class,
                start: m.start,
                end: m.end,
                inner: Vec::new(),
            },
        });
        i += 1;
    }
    out
}
