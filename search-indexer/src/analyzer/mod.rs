//! The Japanese analyzer ([`analyze`]: the indexer hands its tokens to tantivy pre-tokenized,
//! and the query builder analyses queries with it; the same analysis is registered as the
//! tantivy tokenizer [`JA_TOKENIZER`], which the schema names) and the English analyzer
//! ([`EN_TOKENIZER`]).
//!
//! Japanese chain:
//! 1. text stage: [`kb_text::normalize_for_search`], then ASCII lower-casing; token offsets are
//!    mapped back to the original text so snippets can highlight it;
//! 2. morphology: lindera with IPADIC (see [`crate::dict`]);
//! 3. synonyms: runs of morphemes spelling a variant from `data/synonyms.toml` become the
//!    group's canonical term (one position; at index time the variant's own content morphemes are
//!    stacked on the same position so partial queries still find them);
//! 4. filtering: particles, auxiliaries, symbols, conjunctions, dependent nouns and verbs and a
//!    few light verbs are dropped (leaving a position gap); verbs and adjectives are indexed by
//!    base form;
//! 5. compounds: every run of two or more adjacent nouns is also emitted joined, at the run's
//!    first position (人材育成基本方針 → 人材, 育成, 基本, 方針 and 人材育成基本方針).

use std::borrow::Cow;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::dict;

/// Name under which the Japanese analyzer is registered in every index.
pub const JA_TOKENIZER: &str = "kb_ja";
/// Name under which the English analyzer is registered in every index.
pub const EN_TOKENIZER: &str = "kb_en";

/// Longest compound run emitted joined, in morphemes.
pub(crate) const MAX_JOINED_RUN: usize = 12;
/// Longest term emitted, in bytes (tantivy rejects very long terms).
pub(crate) const MAX_TERM_BYTES: usize = 200;
/// How many morphemes a synonym variant may span.
pub(crate) const MAX_VARIANT_MORPHEMES: usize = 8;

/// What an analyzed token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A content morpheme or a canonical synonym term: the query's units.
    Unit,
    /// A content morpheme inside a multi-morpheme synonym span (index side only).
    Inner,
    /// A joined run of adjacent nouns.
    Joined,
}

/// One analyzed token: text, position and byte offsets into the ORIGINAL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ATok {
    pub text: String,
    pub pos: usize,
    pub from: usize,
    pub to: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Noun,
    Prefix,
    Verb,
    Adjective,
    Adverb,
    /// Dropped, leaves a position gap.
    Drop,
    /// Looked through: nakaguro. No gap, does not break compounds.
    Transparent,
}

struct Morph<'a> {
    /// A slice of the normalized text.
    surface: &'a str,
    /// The dictionary form, when it differs from the surface.
    base: Option<String>,
    class: Class,
    /// Byte range in the normalized text.
    start: usize,
    end: usize,
}

impl Morph<'_> {
    fn base(&self) -> &str {
        self.base.as_deref().unwrap_or(self.surface)
    }
}

/// The process-wide segmenter, for analysis. Every way into analysis loads the dictionary first
/// and reports its absence as an error ([`ensure_dictionary`]: `write_index`, `SearchIndex::open`,
/// [`japanese_tokens`], [`raw_segment`]), and a loaded dictionary stays loaded, so this cannot
/// fail. Were it to, stopping is right: analysis without a dictionary would index and find
/// nothing, silently.
fn loaded_segmenter() -> &'static lindera::segmenter::Segmenter {
    dict::segmenter().unwrap_or_else(|e| {
        panic!("Japanese analysis ran before the dictionary was loaded (call ensure_dictionary first): {e:#}")
    })
}

fn segment(norm: &str) -> Vec<Morph<'_>> {
    // lindera's `segment` has no failure of its own (its `Result` is for API symmetry).
    let tokens = loaded_segmenter()
        .segment(Cow::Borrowed(norm))
        .unwrap_or_else(|e| panic!("lindera could not segment {norm:?}: {e}"));
    tokens
        .into_iter()
        .map(|mut t| {
            let (class, base) = class_of(&mut t);
            // The static bundle's lexicon, when a build is recording it.
            crate::bundle::record::note(&t, class, base.as_deref());
            Morph {
                surface: &norm[t.byte_start..t.byte_end],
                base,
                class,
                start: t.byte_start,
                end: t.byte_end,
            }
        })
        .collect()
}

/// Full analysis with offsets mapped to `text`.
pub(crate) fn analyze(text: &str) -> Vec<ATok> {
    if text.is_empty() {
        return Vec::new();
    }
    let (norm, starts, ends) = normalize_aligned(text);
    let morphs = segment(&norm);
    let slots = slots(&morphs);
    let map_from = |b: usize| starts[b.min(norm.len())];
    // End offset: the end of the original character holding the token's last byte.
    let map_to = |b: usize| {
        if b == 0 {
            return map_from(0);
        }
        ends[(b - 1).min(norm.len())]
    };
    let mut out: Vec<ATok> = Vec::new();
    let mut pos = 0usize;
    // Current run of adjacent nouns: (texts, first pos, start, end).
    let mut run: Vec<(String, usize, usize, usize)> = Vec::new();
    let flush = |run: &mut Vec<(String, usize, usize, usize)>, out: &mut Vec<ATok>| {
        if run.len() >= 2 && run.len() <= MAX_JOINED_RUN {
            let text: String = run.iter().map(|r| r.0.as_str()).collect();
            if text.len() <= MAX_TERM_BYTES {
                out.push(ATok {
                    text,
                    pos: run[0].1,
                    from: map_from(run[0].2),
                    to: map_to(run[run.len() - 1].3),
                    kind: Kind::Joined,
                });
            }
        }
        run.clear();
    };
    for slot in slots {
        match slot {
            Slot::Gap => {
                flush(&mut run, &mut out);
                pos += 1;
            }
            Slot::Transparent => {}
            Slot::Kept {
                term,
                class,
                start,
                end,
                inner,
            } => {
                if term.len() > MAX_TERM_BYTES {
                    flush(&mut run, &mut out);
                    pos += 1;
                    continue;
                }
                if matches!(class, Class::Noun | Class::Prefix) {
                    run.push((term.clone(), pos, start, end));
                } else {
                    flush(&mut run, &mut out);
                }
                out.push(ATok {
                    text: term,
                    pos,
                    from: map_from(start),
                    to: map_to(end),
                    kind: Kind::Unit,
                });
                for (t, s, e) in inner {
                    if t.len() <= MAX_TERM_BYTES {
                        out.push(ATok {
                            text: t,
                            pos,
                            from: map_from(s),
                            to: map_to(e),
                            kind: Kind::Inner,
                        });
                    }
                }
                pos += 1;
            }
        }
    }
    flush(&mut run, &mut out);
    out.sort_by_key(|t| t.pos);
    out
}

/// [`analyze`] applied to the passages of `text` that hold Japanese (kana or kanji), with
/// offsets into `text`; passages are separated by a position gap so phrases do not span them.
pub(crate) fn analyze_japanese_runs(text: &str) -> Vec<ATok> {
    let mut out: Vec<ATok> = Vec::new();
    let mut next_pos = 0usize;
    for (start, run) in japanese_runs(text) {
        for mut t in analyze(run) {
            t.pos += next_pos;
            t.from += start;
            t.to += start;
            out.push(t);
        }
        next_pos = out.last().map_or(next_pos, |t| t.pos + 2);
    }
    out
}

/// Maximal runs of `text` without ASCII letters or line breaks that contain a kana or kanji:
/// `(byte offset, run)`.
pub(crate) fn japanese_runs(text: &str) -> Vec<(usize, &str)> {
    let is_japanese = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}' | '\u{2E80}'..='\u{2FDF}');
    let breaks = |c: char| c.is_ascii_alphabetic() || c == '\n';
    let mut runs = Vec::new();
    let mut start: Option<usize> = None;
    let mut has_japanese = false;
    for (i, c) in text.char_indices() {
        if breaks(c) {
            if let (Some(s), true) = (start, has_japanese) {
                runs.push((s, &text[s..i]));
            }
            start = None;
            has_japanese = false;
        } else {
            start.get_or_insert(i);
            has_japanese |= is_japanese(c);
        }
    }
    if let (Some(s), true) = (start, has_japanese) {
        runs.push((s, &text[s..]));
    }
    runs
}

/// Analyzed terms of `text`, as indexed (units, stacked variant parts, joined compounds), in
/// position order. Fails when the dictionary cannot be loaded.
pub fn japanese_tokens(text: &str) -> anyhow::Result<Vec<String>> {
    ensure_dictionary()?;
    Ok(analyze(text).into_iter().map(|t| t.text).collect())
}

/// Plain lindera segmentation (no text stage, no filtering): surfaces in order. Fails when the
/// dictionary cannot be loaded.
pub fn raw_segment(text: &str) -> anyhow::Result<Vec<String>> {
    let tokens = dict::segmenter()?
        .segment(Cow::Borrowed(text))
        .map_err(|e| anyhow::anyhow!("segmenting {text:?}: {e}"))?;
    Ok(tokens.into_iter().map(|t| t.surface.to_string()).collect())
}

/// Loads the dictionary now (so a missing package is reported as an error, not as empty
/// analysis later).
pub fn ensure_dictionary() -> anyhow::Result<()> {
    dict::segmenter().map(|_| ())
}

/// The tantivy tokenizer for Japanese text. Stateless and free to clone: the dictionary is
/// process-wide.
#[derive(Clone, Default)]
pub struct JapaneseTokenizer;

/// Token stream over pre-analyzed tokens.
pub struct JapaneseTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for JapaneseTokenizer {
    type TokenStream<'a> = JapaneseTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JapaneseTokenStream {
        let tokens = analyze(text)
            .into_iter()
            .map(|t| Token {
                offset_from: t.from,
                offset_to: t.to.max(t.from),
                position: t.pos,
                text: t.text,
                position_length: 1,
            })
            .collect();
        JapaneseTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for JapaneseTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// The Japanese analyzer as a tantivy `TextAnalyzer`.
pub fn japanese_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(JapaneseTokenizer)
}

mod classify;
mod english;
mod slots;
mod text_stage;

pub(crate) use classify::class_of;
pub use english::english_analyzer;
pub(crate) use english::{analyze_english, ENGLISH_STOP_WORDS, ENGLISH_TOKEN_BYTE_LIMIT};
use slots::{slots, Slot};
pub(crate) use text_stage::normalize_aligned;

#[cfg(test)]
mod tests;
