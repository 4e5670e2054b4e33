//! Gaps that PDF extraction put inside Japanese words: letter-spaced table cells
//! (`大 崎 市`) and the nakaguro between the parts of a katakana compound.

use crate::classes::{is_digit, is_japanese_char, is_katakana, is_number_char, is_space};
use crate::classes::{COMPOUND_PART_MAX, NAKAGURO};

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
