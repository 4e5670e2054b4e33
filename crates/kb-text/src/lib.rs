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
mod radicals;

pub use classes::{
    in_ranges, is_japanese_char, is_kana, is_kanji, is_katakana, merged_ranges, Ranges,
    COMPOUND_PART_MAX, DIGIT, JAPANESE, JAPANESE_SYMBOLS, KANA, KANJI, KATAKANA, NAKAGURO,
    NAKAGURO_REPLACEMENT, NUMBER, SPACE,
};
use classes::{is_digit, is_number_char, is_space};
pub use radicals::radical_to_ideograph;

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

/// Latin capital letter look-alikes from Cyrillic and Greek, and a few lowercase ones.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic capitals
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'І' => 'I',
        'Ј' => 'J',
        'К' => 'K',
        'М' => 'M',
        'О' => 'O',
        'Р' => 'P',
        'Ѕ' => 'S',
        'Т' => 'T',
        'Х' => 'X',
        'У' | 'Ү' => 'Y',
        // Cyrillic lowercase
        'а' => 'a',
        'с' => 'c',
        'е' => 'e',
        'і' => 'i',
        'ј' => 'j',
        'о' => 'o',
        'р' => 'p',
        'ѕ' => 's',
        'х' => 'x',
        'у' => 'y',
        // Greek capitals
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        // Greek lowercase
        'ο' => 'o',
        _ => return None,
    })
}

/// Replaces Cyrillic/Greek look-alikes inside a run of letters that also contains ASCII Latin
/// letters (`ОJT` → `OJT`). A run made only of look-alikes (real Russian or Greek) is left alone.
fn fix_latin_lookalikes(text: &str) -> String {
    if !text.chars().any(|c| latin_lookalike(c).is_some()) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let in_run = |c: char| c.is_ascii_alphabetic() || latin_lookalike(c).is_some();
        if !in_run(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && in_run(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        // A run touching other Cyrillic/Greek letters is part of a real word in that script.
        let touches_foreign = |k: Option<&char>| k.is_some_and(|&c| is_greek_or_cyrillic(c));
        let foreign_neighbour = touches_foreign(start.checked_sub(1).map(|k| &chars[k]))
            || touches_foreign(chars.get(i));
        let has_ascii = run.iter().any(|c| c.is_ascii_alphabetic());
        for &c in run {
            if has_ascii && !foreign_neighbour {
                out.push(latin_lookalike(c).unwrap_or(c));
            } else {
                out.push(c);
            }
        }
    }
    out
}

fn is_greek_or_cyrillic(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}') && c.is_alphabetic()
}

/// `×` right after an ASCII capital letter, not followed by a number, is the letter X misread
/// (`D×推進` → `DX推進`, `D×` → `DX`); `3×4` and `A × 3` stay.
fn fix_times_sign(text: &str) -> String {
    if !text.contains('×') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '×' {
            let prev_upper = out
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_uppercase());
            let next = chars.get(i + 1).copied();
            let next_numeric = next.is_some_and(|n| n.is_ascii_digit() || n.is_numeric());
            if prev_upper && !next_numeric {
                out.push('X');
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Removes spaces (ASCII, ideographic, tabs) that stand between two Japanese characters,
/// as letter-spaced PDF table cells produce (`大 崎 市` → `大崎市`).
///
/// Spaces around a number that stands between Japanese characters go too
/// (`令 和 5 年` → `令和5年`, `第 1 章` → `第1章`); spaces between Latin words, between a number
/// and a Latin word, between Japanese and Latin (`DX 推進`) and at the start or end of a line stay.
/// Newlines are never touched.
pub fn collapse_japanese_spaces(text: &str) -> String {
    if !text.chars().any(is_space) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if !is_space(c) {
            out.push(c);
            i += 1;
            continue;
        }
        // A run of spaces chars[i..j].
        let mut j = i;
        while j < n && is_space(chars[j]) {
            j += 1;
        }
        let before = if i > 0 { Some(chars[i - 1]) } else { None };
        let after = chars.get(j).copied();
        if should_drop_gap(&chars, i, j, before, after) {
            i = j;
            continue;
        }
        out.extend(&chars[i..j]);
        i = j;
    }
    out
}

/// Whether the space run `chars[i..j]` between `before` and `after` should be removed.
fn should_drop_gap(
    chars: &[char],
    i: usize,
    j: usize,
    before: Option<char>,
    after: Option<char>,
) -> bool {
    let (Some(b), Some(a)) = (before, after) else {
        return false;
    };
    if is_japanese_char(b) && is_japanese_char(a) {
        return true;
    }
    // Japanese, gap, number, [gap], Japanese  → drop the gap.
    if is_japanese_char(b) && is_digit(a) {
        let mut k = j;
        while k < chars.len() && is_number_char(chars[k]) {
            k += 1;
        }
        while k < chars.len() && is_space(chars[k]) {
            k += 1;
        }
        return chars.get(k).is_some_and(|&c| is_japanese_char(c));
    }
    // Japanese, [gap], number, gap, Japanese → drop the gap.
    if is_digit(b) && is_japanese_char(a) {
        let mut k = i; // chars[k-1] is the last digit
        while k > 0 && is_number_char(chars[k - 1]) {
            k -= 1;
        }
        while k > 0 && is_space(chars[k - 1]) {
            k -= 1;
        }
        return k > 0 && is_japanese_char(chars[k - 1]);
    }
    false
}

/// Removes the nakaguro `・` (and its half-width form `･`) between two katakana:
/// ワーク・ライフ・バランス → ワークライフバランス. `高崎・前橋` keeps it.
pub fn remove_katakana_nakaguro(text: &str) -> String {
    if !text.contains(NAKAGURO) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // Length of the katakana run ending just before / starting just after position `i`.
    let run_before = |i: usize| {
        chars[..i]
            .iter()
            .rev()
            .take_while(|c| is_katakana(**c))
            .count()
    };
    let run_after = |i: usize| {
        chars[i + 1..]
            .iter()
            .take_while(|c| is_katakana(**c))
            .count()
    };
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if NAKAGURO.contains(&c)
            && i > 0
            && is_katakana(chars[i - 1])
            && chars.get(i + 1).is_some_and(|&n| is_katakana(n))
            // A nakaguro between two long words separates a list (パワーハラスメント・
            // セクシャルハラスメント), not the parts of one compound (ワーク・ライフ・バランス,
            // ジョブ・ローテーション): keep it there so each word stays findable.
            && (run_before(i) <= COMPOUND_PART_MAX || run_after(i) <= COMPOUND_PART_MAX)
        {
            continue;
        }
        out.push(c);
    }
    out
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

/// Strips HTML remnants of the extraction: tags such as `<br>`, `<ul style="…">`, `</li>`,
/// `<p>`, and the entities `&nbsp;` `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` (decoded).
/// `<br>` becomes a newline; other tags vanish. Text in angle brackets that is not an HTML tag
/// (`<特集>`, `a < b`) is kept.
pub fn strip_html_remnants(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        match html_tag_len(tail) {
            Some((len, is_br)) => {
                if is_br {
                    out.push('\n');
                }
                rest = &tail[len..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

const HTML_TAGS: &[&str] = &[
    "a", "b", "br", "div", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "li", "ol", "p", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
];

/// If `s` (starting with `<`) opens with an HTML tag, its byte length and whether it is `<br>`.
fn html_tag_len(s: &str) -> Option<(usize, bool)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    if inner.contains('<') || inner.contains('\n') {
        return None;
    }
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let after = &inner[name.len()..];
    let ok_after = after.is_empty()
        || after.starts_with(|c: char| c.is_ascii_whitespace())
        || after.trim() == "/";
    if HTML_TAGS.contains(&name.as_str()) && ok_after {
        Some((end + 1, name == "br"))
    } else {
        None
    }
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Removes Markdown backslash escapes (`\*`, `\-`, `\_`, `\#`, `\.` …) left by an extractor
/// that produced Markdown: the escaped character stays, the backslash goes.
pub fn strip_markdown_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n.is_ascii_punctuation() {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
