//! The character classes and constants of the text stage, each defined once, as data.
//!
//! The predicates below (and so every function of this crate) test membership in these tables,
//! and the search indexer writes the same tables into the static search bundle
//! (`search/analysis.json`, key `text`), from which the browser's text stage builds its
//! character tests: the browser keeps no copy of them (issue 14, "one source of truth").

/// A character class: inclusive ranges of characters (unordered; they may overlap).
pub type Ranges = &'static [(char, char)];

/// Hiragana, katakana (with ー and ・), katakana extensions and half-width katakana.
pub const KANA: Ranges = &[
    ('\u{3040}', '\u{309F}'),
    ('\u{30A0}', '\u{30FF}'),
    ('\u{31F0}', '\u{31FF}'),
    ('\u{FF65}', '\u{FF9F}'),
];

/// Katakana letters and the prolonged sound mark ー (not the nakaguro ・).
pub const KATAKANA: Ranges = &[
    ('\u{30A1}', '\u{30FA}'),
    ('\u{30FC}', '\u{30FF}'),
    ('\u{31F0}', '\u{31FF}'),
    ('\u{FF66}', '\u{FF9F}'),
];

/// CJK unified ideographs (all extensions), compatibility ideographs, and 々 〆 ヶ.
pub const KANJI: Ranges = &[
    ('\u{3400}', '\u{4DBF}'),
    ('\u{4E00}', '\u{9FFF}'),
    ('\u{F900}', '\u{FAFF}'),
    ('\u{20000}', '\u{323AF}'),
    ('々', '々'),
    ('〆', '〆'),
    ('ヶ', 'ヶ'),
];

/// Japanese punctuation and symbols: CJK symbols and punctuation except the ideographic space,
/// full-width punctuation, radicals (look-alikes before repair), ellipses and ※.
pub const JAPANESE_SYMBOLS: Ranges = &[
    ('\u{3001}', '\u{303F}'), // 、。〃々〆〇〈〉《》「」『』【】〒〓〔〕〖〗〘〙〜〝〞〟
    ('\u{FF01}', '\u{FF0F}'), // ！＂＃＄％＆＇（）＊＋，－．／
    ('\u{FF1A}', '\u{FF20}'), // ：；＜＝＞？＠
    ('\u{FF3B}', '\u{FF40}'),
    ('\u{FF5B}', '\u{FF64}'), // ｛｜｝～｟｠｡｢｣､
    ('\u{2E80}', '\u{2FDF}'), // radicals (look-alikes before repair)
    ('…', '…'),
    ('‥', '‥'),
    ('※', '※'),
];

/// What [`is_japanese_char`] accepts: the union of these classes.
pub const JAPANESE: [Ranges; 3] = [KANA, KANJI, JAPANESE_SYMBOLS];

/// The spaces [`crate::collapse_japanese_spaces`] removes between Japanese characters (never
/// newlines).
pub const SPACE: Ranges = &[
    ('\t', '\t'),
    (' ', ' '),
    ('\u{00A0}', '\u{00A0}'),
    ('\u{3000}', '\u{3000}'),
];

/// Digits that start or end a number between Japanese characters (`令 和 5 年`).
pub const DIGIT: Ranges = &[('0', '9')];

/// Characters of such a number (`1,000`, `2.5`).
pub const NUMBER: Ranges = &[('0', '9'), (',', ','), ('.', '.')];

/// The nakaguro (and its half-width form) that [`crate::remove_katakana_nakaguro`] removes
/// inside katakana compounds and [`crate::normalize_for_search`] turns into
/// [`NAKAGURO_REPLACEMENT`] everywhere else.
pub const NAKAGURO: [char; 2] = ['・', '･'];

/// What a kept nakaguro becomes in the search text stage: IPADIC counts ・ as katakana, so a
/// kept separator would glue a list of words into one token; 、 is as long in UTF-8 (offsets
/// stay aligned) and ends a sentence for lindera.
pub const NAKAGURO_REPLACEMENT: char = '、';

/// The longest katakana word still taken as part of a ・-joined compound.
pub const COMPOUND_PART_MAX: usize = 5;

/// Whether `c` is in one of `ranges`.
pub fn in_ranges(ranges: Ranges, c: char) -> bool {
    ranges.iter().any(|&(a, b)| a <= c && c <= b)
}

/// The union of `classes` as sorted, disjoint, non-adjacent code-point ranges: the compact form
/// in which the classes are exported.
pub fn merged_ranges(classes: &[Ranges]) -> Vec<(u32, u32)> {
    let mut all: Vec<(u32, u32)> = classes
        .iter()
        .flat_map(|r| r.iter())
        .map(|&(a, b)| (a as u32, b as u32))
        .collect();
    all.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(all.len());
    for (a, b) in all {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// True for kana, kanji (all CJK ideograph blocks), the iteration marks and Japanese punctuation
/// (CJK symbols and punctuation except the ideographic space, full-width punctuation, half-width
/// katakana). Not for digits or Latin letters, full-width or not.
pub fn is_japanese_char(c: char) -> bool {
    JAPANESE.iter().any(|r| in_ranges(r, c))
}

/// Hiragana, katakana (with ー and ・), katakana extensions and half-width katakana.
pub fn is_kana(c: char) -> bool {
    in_ranges(KANA, c)
}

/// Katakana letters and the prolonged sound mark ー (not the nakaguro ・).
pub fn is_katakana(c: char) -> bool {
    in_ranges(KATAKANA, c)
}

/// CJK unified ideographs (all extensions) and compatibility ideographs.
pub fn is_kanji(c: char) -> bool {
    in_ranges(KANJI, c)
}

pub(crate) fn is_space(c: char) -> bool {
    in_ranges(SPACE, c)
}

pub(crate) fn is_digit(c: char) -> bool {
    in_ranges(DIGIT, c)
}

pub(crate) fn is_number_char(c: char) -> bool {
    in_ranges(NUMBER, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_ranges_are_sorted_disjoint_and_cover_the_same_characters() {
        let m = merged_ranges(&JAPANESE);
        assert!(m.windows(2).all(|w| w[0].1 + 1 < w[1].0), "{m:?}");
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let inside = m.iter().any(|&(a, b)| a <= c as u32 && c as u32 <= b);
            assert_eq!(inside, is_japanese_char(c), "{c:?}");
        }
        // Adjacent and overlapping ranges merge; single characters stay.
        assert_eq!(
            merged_ranges(&[&[('a', 'c'), ('d', 'e'), ('b', 'b'), ('x', 'x')]]),
            vec![(0x61, 0x65), (0x78, 0x78)]
        );
    }

    #[test]
    fn predicates_answer_their_classes() {
        for c in ['ア', 'ー', 'ｱ', 'ㇰ'] {
            assert!(is_katakana(c), "{c}");
        }
        for c in ['・', 'ゃ', 'ア', '漢', 'a', '１'] {
            assert_eq!(is_katakana(c), matches!(c, 'ア'), "{c}");
        }
        assert!(is_kana('・') && is_kana('ゃ') && !is_kana('漢'));
        assert!(is_kanji('々') && is_kanji('𠮷') && !is_kanji('ア'));
        assert!(is_space('\u{3000}') && is_space('\t') && !is_space('\n'));
        assert!(is_digit('7') && !is_digit('７') && !is_digit('.'));
        assert!(is_number_char(',') && is_number_char('.') && !is_number_char('-'));
        // The replacement keeps byte offsets.
        for n in NAKAGURO {
            assert_eq!(n.len_utf8(), NAKAGURO_REPLACEMENT.len_utf8());
        }
    }
}
