//! The English analyzer: tantivy's simple tokenizer, a length limit, lower-casing, stop words
//! and the English stemmer (its facts exported to the browser bundle).

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    TokenStream,
};

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
