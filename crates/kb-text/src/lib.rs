//! Character-level normalisation of Japanese text damaged by PDF extraction.
//!
//! One implementation serves two callers: `kb import` (repairing seed text into content)
//! and the search analyzer's text stage (so that damaged and clean spellings meet in the index).
//!
//! Every public function here is total (never panics) and keeps newlines where they are;
//! `repair_chars`, `collapse_japanese_spaces`, `remove_katakana_nakaguro` and
//! `normalize_for_search` are idempotent: `f(f(x)) == f(x)` (property-tested).

use unicode_normalization::UnicodeNormalization;

mod classes;
mod markup;
mod ocr_fixes;
mod radicals;
mod spacing;

pub use classes::{
    in_ranges, is_japanese_char, is_kana, is_kanji, is_katakana, merged_ranges, Ranges,
    COMPOUND_PART_MAX, DIGIT, JAPANESE, JAPANESE_SYMBOLS, KANA, KANJI, KATAKANA, NAKAGURO,
    NAKAGURO_REPLACEMENT, NUMBER, SPACE,
};
pub use markup::{strip_html_remnants, strip_markdown_escapes};
use ocr_fixes::{fix_latin_lookalikes, fix_times_sign};
pub use radicals::radical_to_ideograph;
pub use spacing::{collapse_japanese_spaces, remove_katakana_nakaguro};

/// Repairs characters without changing meaning: NFKC, Kangxi radicals and CJK-radical-supplement
/// look-alikes to unified ideographs (⼈→人, ⺠→民, ⻑→長), Latin look-alikes inside acronyms
/// (Cyrillic О in ОＪＴ), × between Latin letters (D×→DX). Keeps line structure.
///
/// NFKC is applied everywhere except to characters whose compatibility decomposition would lose
/// meaning in Japanese prose: circled and parenthesised numbers and letters (①, ⑴, ㋐ …, used as
/// list markers) and the ellipses `…` `‥` stay as they are.
pub fn repair_chars(text: &str) -> String {
    repair_chars_with(text, &RepairOptions::default())
}

/// Options of [`repair_chars_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairOptions {
    /// Keep Japanese full-width punctuation `（）：；！？，` and map `～` to the wave dash `〜`
    /// instead of folding them to ASCII. Content files written for people want this; the search
    /// analyzer does not (it folds everything with plain [`repair_chars`]).
    pub keep_fullwidth_punctuation: bool,
    /// Skip the repairs that change a word rather than its encoding (Latin look-alikes in
    /// acronyms, `×` for X). `kb import` repairs with and without them to find the lines whose
    /// OCR correction must be recorded in `[[extra.corrections]]`.
    pub skip_ocr_fixes: bool,
}

/// [`repair_chars`] with options.
pub fn repair_chars_with(text: &str, opts: &RepairOptions) -> String {
    // 1. Radicals first (NFKC already maps the Kangxi block, but not most of the supplement),
    //    then NFKC on runs of characters that may be normalised.
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // Fast path (most of every text): a character NFKC leaves alone, followed by one that
        // cannot combine with it, is copied as is.
        if nfkc_stable_starter(c) && chars.peek().is_none_or(|&n| nfkc_stable_starter(n)) {
            if !run.is_empty() {
                out.extend(run.nfkc());
                run.clear();
            }
            out.push(c);
            continue;
        }
        if let Some(u) = radical_to_ideograph(c) {
            run.push(u);
        } else if keep_as_is(c, opts) {
            out.extend(run.nfkc());
            run.clear();
            out.push(if opts.keep_fullwidth_punctuation && c == '～' {
                '〜'
            } else {
                c
            });
        } else {
            run.push(c);
        }
    }
    out.extend(run.nfkc());
    // NFKC may itself produce look-alike radicals? It does not, but a second pass over radicals
    // is cheap and makes the function obviously idempotent.
    let out: String = out
        .chars()
        .map(|c| radical_to_ideograph(c).unwrap_or(c))
        .collect();
    // Each round only replaces non-ASCII characters by ASCII ones, so this terminates; a second
    // round is needed when one fix creates the context of the other (`JО×` → `JO×` → `JOX`).
    let mut out = out;
    if opts.skip_ocr_fixes {
        return out;
    }
    loop {
        let next = fix_latin_lookalikes(&fix_times_sign(&out));
        if next == out {
            return out;
        }
        out = next;
    }
}

/// Characters that NFKC maps to themselves and that never compose with a neighbour: ASCII
/// text, hiragana, katakana, the long-vowel mark, common CJK punctuation and the unified
/// ideographs (none of them is a radical look-alike).
fn nfkc_stable_starter(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7E}' | '\n' | '\t'
        | '\u{3001}' | '\u{3002}' | '\u{300C}'..='\u{300F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'
        | '\u{4E00}'..='\u{9FFF}')
}

/// Characters `repair_chars` leaves alone although NFKC would change them.
fn keep_as_is(c: char, opts: &RepairOptions) -> bool {
    matches!(c,
        '\u{2460}'..='\u{24FF}'   // enclosed alphanumerics ① ⑴ ⒜ Ⓐ ⓐ
        | '\u{3200}'..='\u{32FF}' // enclosed CJK letters and months ㈱ ㋐ ㉑
        | '\u{2776}'..='\u{2793}' // dingbat circled numbers ❶ ➀
        | '…' | '‥')
        || (opts.keep_fullwidth_punctuation
            && matches!(c, '（' | '）' | '：' | '；' | '！' | '？' | '～' | '，'))
}

/// The search analyzer's text stage: `repair_chars`, then `collapse_japanese_spaces`, then
/// nakaguro removed inside katakana compounds (ワーク・ライフ・バランス → ワークライフバランス).
pub fn normalize_for_search(text: &str) -> String {
    // Collapsing spaces can bring a nakaguro between two katakana (`ワーク ・ ライフ`) or a
    // combining sound mark next to its kana (`カ ゛`), so run the stages to a fixed point. Each
    // round after the first only removes characters, so this ends; the bound is a safety net.
    let mut s = repair_chars(text);
    for _ in 0..16 {
        let next = repair_chars(&remove_katakana_nakaguro(&collapse_japanese_spaces(&s)));
        if next == s {
            break;
        }
        s = next;
    }
    // IPADIC counts ・ as katakana, so a kept separator would glue a list of words into one
    // token: make it a comma, which is as long in UTF-8 and keeps offsets aligned.
    s.replace(NAKAGURO, NAKAGURO_REPLACEMENT.encode_utf8(&mut [0; 4]))
}

#[cfg(test)]
mod tests;
