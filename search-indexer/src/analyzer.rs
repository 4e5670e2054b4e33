//! The Japanese analyzer (one tantivy tokenizer, [`JA_TOKENIZER`], used at index and query time)
//! and the English analyzer ([`EN_TOKENIZER`]).
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

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    Token, TokenStream, Tokenizer,
};

use crate::dict;
use crate::synonyms::{is_transparent_char, synonyms};

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

const LIGHT_VERBS: &[&str] = &[
    "する",
    "ある",
    "いる",
    "なる",
    "できる",
    "おる",
    "いう",
    "れる",
    "られる",
    "せる",
    "させる",
    "くる",
    "いく",
    "ゆく",
    "やる",
    "みる",
    "しまう",
    "おく",
    "くれる",
    "もらう",
    "いただく",
    "くださる",
    "図る",
];

const LIGHT_ADJECTIVES: &[&str] = &["ない", "無い", "よい", "いい", "良い", "ほしい", "欲しい"];

fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c) || c == 'ー'
}

fn all_hiragana(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_hiragana)
}

fn classify(token: &mut lindera::token::Token<'_>) -> (Class, String) {
    let surface = token.surface.to_string();
    if surface.chars().all(is_transparent_char) {
        return (Class::Transparent, surface);
    }
    if surface.chars().all(|c| c.is_whitespace()) {
        return (Class::Transparent, surface);
    }
    let unknown = token.word_id.is_unknown();
    let details = token.details();
    let pos = details.first().copied().unwrap_or("");
    let sub1 = details.get(1).copied().unwrap_or("");
    let base = details
        .get(6)
        .copied()
        .filter(|b| !b.is_empty() && *b != "*")
        .map(str::to_string)
        .unwrap_or_else(|| surface.clone());
    if unknown {
        // Unknown words: letters, digits, kanji or kana runs are nouns; anything else is a symbol.
        if surface.chars().any(|c| c.is_alphanumeric()) {
            return (Class::Noun, surface);
        }
        return (Class::Drop, surface);
    }
    let class = match pos {
        "名詞" => match sub1 {
            "非自立" | "代名詞" | "特殊" => Class::Drop,
            _ => Class::Noun,
        },
        "接頭詞" => {
            if all_hiragana(&surface) {
                Class::Drop
            } else {
                Class::Prefix
            }
        }
        "動詞" => {
            if sub1 == "自立" && !LIGHT_VERBS.contains(&base.as_str()) {
                Class::Verb
            } else {
                Class::Drop
            }
        }
        "形容詞" => {
            if sub1 == "自立" && !LIGHT_ADJECTIVES.contains(&base.as_str()) {
                Class::Adjective
            } else {
                Class::Drop
            }
        }
        "副詞" => {
            if all_hiragana(&surface) {
                Class::Drop
            } else {
                Class::Adverb
            }
        }
        _ => Class::Drop,
    };
    // Lone hiragana characters carry no meaning on their own.
    let class = if class != Class::Drop
        && surface.chars().count() == 1
        && all_hiragana(&surface)
        && matches!(class, Class::Noun | Class::Adverb)
    {
        Class::Drop
    } else {
        class
    };
    (class, base)
}

/// Text stage with an alignment back to the original: `(normalized, starts, ends)` where
/// `starts[i]`/`ends[i]` give, for byte `i` of the normalized text, the byte range of the
/// original character it came from. Both vectors have `normalized.len() + 1` entries.
pub(crate) fn normalize_aligned(orig: &str) -> (String, Vec<usize>, Vec<usize>) {
    let mut norm = kb_text::normalize_for_search(orig);
    norm.make_ascii_lowercase();
    let n = norm.len();
    let mut starts = vec![orig.len(); n + 1];
    let mut ends = vec![orig.len(); n + 1];
    // Fast path: only case changed (or nothing).
    if n == orig.len() && norm.eq_ignore_ascii_case(orig) {
        for (i, c) in orig.char_indices() {
            for k in i..i + c.len_utf8() {
                starts[k] = i;
                ends[k] = i + c.len_utf8();
            }
        }
        return (norm, starts, ends);
    }
    let chars: Vec<(usize, char)> = orig.char_indices().collect();
    let piece = |c: char| -> Cow<'static, str> {
        if c.is_ascii() {
            Cow::Owned(c.to_ascii_lowercase().to_string())
        } else if ('\u{3041}'..='\u{3096}').contains(&c)
            || ('\u{30A1}'..='\u{30FA}').contains(&c)
            || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        {
            Cow::Owned(c.to_string())
        } else {
            let mut p = kb_text::normalize_for_search(&c.to_string());
            p.make_ascii_lowercase();
            Cow::Owned(p)
        }
    };
    let mut ni = 0usize;
    let mut k = 0usize;
    let mut next_piece: Option<Cow<'static, str>> = None;
    while k < chars.len() {
        let (oi, c) = chars[k];
        let oend = oi + c.len_utf8();
        let p = next_piece.take().unwrap_or_else(|| piece(c));
        let rest = &norm[ni..];
        if !p.is_empty() && rest.starts_with(p.as_ref()) {
            for b in ni..ni + p.len() {
                starts[b] = oi;
                ends[b] = oend;
            }
            ni += p.len();
        } else if p.is_empty()
            || p.chars()
                .all(|x| x.is_whitespace() || is_transparent_char(x))
        {
            // Deleted by the text stage (spaces between Japanese characters, nakaguro).
        } else if let Some(nc) = rest.chars().next() {
            // Lookahead: if the next original character lines up here, this one was deleted.
            let following = chars.get(k + 1).map(|&(_, c2)| piece(c2));
            let deleted = following
                .as_ref()
                .is_some_and(|f| !f.is_empty() && rest.starts_with(f.as_ref()));
            if deleted {
                next_piece = following;
            } else {
                // Substituted (e.g. a contextual repair): consume one normalized character.
                for b in ni..ni + nc.len_utf8() {
                    starts[b] = oi;
                    ends[b] = oend;
                }
                ni += nc.len_utf8();
            }
        }
        k += 1;
    }
    // Whatever is left over in the normalized text belongs to the end of the original.
    let last_start = chars.last().map(|&(i, _)| i).unwrap_or(0);
    for b in ni..n {
        starts[b] = last_start.min(orig.len());
        ends[b] = orig.len();
    }
    (norm, starts, ends)
}

thread_local! {
    /// Class and dictionary form per IPADIC word id. A system word's surface, part of speech
    /// and base form are fixed, so its classification is too; reading them from the dictionary
    /// for every token (an allocation each) was a sixth of the analysis.
    static CLASS_CACHE: std::cell::RefCell<std::collections::HashMap<u32, (Class, Option<String>)>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Bound on the cache (IPADIC has about 390,000 words; a corpus uses a fraction).
const CLASS_CACHE_MAX: usize = 200_000;

/// [`classify`], cached by word id for dictionary words; `None` base means the surface.
pub(crate) fn class_of(token: &mut lindera::token::Token<'_>) -> (Class, Option<String>) {
    let cacheable = token.word_id.is_system() && !token.word_id.is_unknown();
    let id = token.word_id.id();
    if cacheable {
        if let Some(hit) = CLASS_CACHE.with(|c| c.borrow().get(&id).cloned()) {
            return hit;
        }
    }
    let (class, base) = classify(token);
    let base = (base != token.surface.as_ref()).then_some(base);
    if cacheable {
        CLASS_CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() < CLASS_CACHE_MAX {
                c.insert(id, (class, base.clone()));
            }
        });
    }
    (class, base)
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

/// A slot: one position's worth of analysis (a kept morpheme or a synonym span).
enum Slot {
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

fn slots(morphs: &[Morph]) -> Vec<Slot> {
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
            let mut inner = Vec::new();
            if j > i {
                for (k, m) in span.iter().enumerate() {
                    if matches!(m.class, Class::Drop | Class::Transparent) {
                        continue;
                    }
                    // Single-morpheme canonicalisation inside the span.
                    let single = match_variant(&span[k..], 0, 1)
                        .map(|(_, c)| c)
                        .unwrap_or_else(|| term_of(m));
                    if single != canonical {
                        inner.push((single, m.start, m.end));
                    }
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

/// English tokens of this many bytes or more are dropped (before lower-casing).
pub(crate) const ENGLISH_TOKEN_BYTE_LIMIT: usize = 40;

/// The English stop words: Lucene's list, as tantivy's `StopWordFilter::new(Language::English)`
/// has it. Kept here so that the static search bundle can export the list the analyzer uses.
pub(crate) const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// The English analyzer: simple tokenizer, long-token removal, lower-casing, English stop
/// words, Snowball stemming.
pub fn english_analyzer() -> TextAnalyzer {
    let stop = StopWordFilter::remove(ENGLISH_STOP_WORDS.iter().map(|w| w.to_string()));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(ENGLISH_TOKEN_BYTE_LIMIT))
        .filter(LowerCaser)
        .filter(stop)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// English analysis of `text`: `(term, position, from, to)`.
pub(crate) fn analyze_english(text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut analyzer = english_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `japanese_tokens`, which needs the dictionary: a test without it fails, never passes on
    /// empty analysis.
    fn japanese_tokens(text: &str) -> Vec<String> {
        super::japanese_tokens(text).expect("the dictionary loads")
    }

    fn units(text: &str) -> Vec<String> {
        analyze(text)
            .into_iter()
            .filter(|t| t.kind == Kind::Unit)
            .map(|t| t.text)
            .collect()
    }

    fn has(tokens: &[String], t: &str) -> bool {
        tokens.iter().any(|x| x == t)
    }

    #[test]
    fn jinzai_and_jinzai_with_treasure_kanji_meet() {
        let a = japanese_tokens("人材確保");
        let b = japanese_tokens("人財確保");
        assert!(has(&a, "人材") && has(&a, "確保"), "{a:?}");
        assert!(has(&b, "人材") && has(&b, "確保"), "{b:?}");
        assert!(has(&a, "人材確保") && has(&b, "人材確保"), "{a:?} {b:?}");
        assert_eq!(units("人材確保"), units("人財確保"));
    }

    #[test]
    fn torikumi_variants_meet() {
        let canon = units("取組");
        assert_eq!(canon, vec!["取組".to_string()]);
        for v in ["取り組み", "取組み", "取り組む", "取り組んでいる"] {
            assert!(has(&units(v), "取組"), "{v}: {:?}", units(v));
        }
    }

    #[test]
    fn compound_is_indexed_whole_and_decomposed() {
        let toks = japanese_tokens("人材育成基本方針");
        for t in ["人材", "育成", "基本", "方針", "人材育成基本方針"] {
            assert!(has(&toks, t), "{t} missing from {toks:?}");
        }
        // Positions of the parts are consecutive, so phrase queries over parts work.
        let a = analyze("人材育成基本方針");
        let pos = |t: &str| {
            a.iter()
                .find(|x| x.text == t && x.kind == Kind::Unit)
                .unwrap()
                .pos
        };
        assert_eq!(pos("育成"), pos("人材") + 1);
        assert_eq!(pos("方針"), pos("基本") + 1);
    }

    #[test]
    fn nakaguro_compound_matches_plain_spelling() {
        assert_eq!(
            units("ワーク・ライフ・バランス"),
            units("ワークライフバランス")
        );
        assert_eq!(
            units("ワーク・ライフ・バランス"),
            vec!["ワークライフバランス"]
        );
        assert_eq!(units("WLB"), vec!["ワークライフバランス"]);
    }

    #[test]
    fn base_forms_for_inflected_words() {
        let t = units("研修を実施しました。能力を高めて");
        assert!(has(&t, "高める"), "{t:?}");
        assert!(has(&t, "研修") && has(&t, "実施"), "{t:?}");
    }

    #[test]
    fn particles_and_symbols_dropped() {
        let t = japanese_tokens("職員の育成を、図ります。");
        assert!(
            !has(&t, "の") && !has(&t, "を") && !has(&t, "、") && !has(&t, "。"),
            "{t:?}"
        );
        assert!(!has(&t, "ます"), "{t:?}");
        assert!(has(&t, "職員") && has(&t, "育成"), "{t:?}");
    }

    #[test]
    fn synonym_groups_apply() {
        // Each variant analyses to exactly one unit, the group's canonical term: equal and
        // non-empty, so two empty analyses cannot pass as "the same".
        for (variant, canonical) in [
            ("残業", "時間外勤務"),
            ("超過勤務", "時間外勤務"),
            ("育休", "育児休業"),
            ("育児休暇", "育児休業"),
            ("年休", "年次有給休暇"),
            ("セクハラ", "セクシュアルハラスメント"),
            ("セクシャルハラスメント", "セクハラ"),
            ("OJT", "職場研修"),
            ("ＯＪＴ", "OJT"),
            ("DX", "デジタルトランスフォーメーション"),
            ("1on1", "1on1ミーティング"),
            ("１on１面談", "1on1"),
            ("引上げ", "引き上げ"),
            ("身に付ける", "身につける"),
            ("身に着ける", "身につける"),
            ("捉われる", "とらわれる"),
        ] {
            let (a, b) = (units(variant), units(canonical));
            assert_eq!(a.len(), 1, "{variant}: {a:?}");
            assert_eq!(a, b, "{variant} and {canonical}");
        }
    }

    #[test]
    fn variant_parts_stay_findable() {
        // 育児休業 is one canonical unit, but 育児 alone must still find it in text.
        let t = japanese_tokens("育児休業の取得");
        assert!(has(&t, "育児休業") && has(&t, "育児"), "{t:?}");
    }

    #[test]
    fn offsets_point_into_original_text() {
        let text = "第３次　ＯＪＴの推進と人財確保";
        for t in analyze(text) {
            assert!(
                text.is_char_boundary(t.from) && text.is_char_boundary(t.to),
                "{t:?}"
            );
            assert!(t.from <= t.to && t.to <= text.len());
        }
        let ojt = analyze(text).into_iter().find(|t| t.text == "ojt").unwrap();
        assert_eq!(&text[ojt.from..ojt.to], "ＯＪＴ");
        let j = analyze(text)
            .into_iter()
            .find(|t| t.text == "人材")
            .unwrap();
        assert_eq!(&text[j.from..j.to], "人財");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "",
            " ",
            "\u{0}\u{1}\u{7f}",
            "・・・",
            "ﾃﾚﾜｰｸ",
            "a\u{301}",
            "か\u{3099}",
            "🙂👍",
        ] {
            let _ = analyze(text);
        }
        let long = "人材育成".repeat(5000);
        assert!(!analyze(&long).is_empty());
    }

    #[test]
    fn japanese_runs_of_english_text_keep_their_offsets() {
        let text = "The plan (人材育成基本方針) covers 1on1 and 人財確保.";
        let toks = analyze_japanese_runs(text);
        let j = toks.iter().find(|t| t.text == "人材育成基本方針").unwrap();
        assert_eq!(&text[j.from..j.to], "人材育成基本方針");
        let k = toks
            .iter()
            .find(|t| t.text == "人材" && t.from > j.to)
            .unwrap();
        assert_eq!(&text[k.from..k.to], "人財");
        assert!(toks.iter().all(|t| !t.text.contains("plan")));
        assert!(analyze_japanese_runs("English only.").is_empty());
    }

    #[test]
    fn raw_segment_is_plain() {
        let s = raw_segment("人材育成の方針").expect("the dictionary loads");
        assert!(s.len() >= 3, "{s:?}");
        assert_eq!(s.concat(), "人材育成の方針");
    }

    #[test]
    fn english_analyzer_stems_and_drops_stop_words() {
        let t: Vec<String> = analyze_english("The Trainings of staff")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(t, vec!["train", "staff"]);
    }
}
