//! Character-level normalisation of Japanese text damaged by PDF extraction.
//!
//! One implementation serves two callers: `kb import` (repairing seed text into content)
//! and the search analyzer's text stage (so that damaged and clean spellings meet in the index).
//!
//! SKELETON: the signatures below are the contract; the bodies are placeholders to be completed.

use unicode_normalization::UnicodeNormalization;

/// Repairs characters without changing meaning: NFKC, Kangxi radicals and CJK-radical-supplement
/// look-alikes to unified ideographs (⼈→人, ⺠→民, ⻑→長), Latin look-alikes inside acronyms
/// (Cyrillic О in ОＪＴ), × between Latin letters (D×→DX). Keeps line structure.
pub fn repair_chars(text: &str) -> String {
    text.nfkc().collect()
}

/// Removes spaces (ASCII, ideographic, tabs) that stand between two Japanese characters,
/// as letter-spaced PDF table cells produce (`大 崎 市` → `大崎市`).
pub fn collapse_japanese_spaces(text: &str) -> String {
    text.to_string()
}

/// The search analyzer's text stage: `repair_chars`, then `collapse_japanese_spaces`, then
/// nakaguro removed inside katakana compounds (ワーク・ライフ・バランス → ワークライフバランス).
pub fn normalize_for_search(text: &str) -> String {
    collapse_japanese_spaces(&repair_chars(text))
}
