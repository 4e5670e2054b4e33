//! The facts of the Rust analyzer that engine.js's algorithms need besides the tables of
//! `analysis.json` (keys `text`, `analyzer`, `english`, `limits`): kb-text's character classes
//! and constants, the analyzer's limits, the English analyzer's stop words and token limit, the
//! request limits and snippet window of `/api/search`. Each is
//! defined once in Rust and used there by the analyzer itself; engine.js builds its character
//! tests from these ranges when it loads the bundle and keeps no copy of them.

use serde_json::{json, Value};

use crate::analyzer::{
    ENGLISH_STOP_WORDS, ENGLISH_TOKEN_BYTE_LIMIT, MAX_JOINED_RUN, MAX_TERM_BYTES,
    MAX_VARIANT_MORPHEMES,
};
use crate::synonyms::TRANSPARENT_CHARS;

/// `[[first, last], …]`: sorted, disjoint code-point ranges.
fn ranges(classes: &[kb_text::Ranges]) -> Value {
    json!(kb_text::merged_ranges(classes))
}

/// Key `text`: the text stage's character classes (ranges) and constants.
pub(super) fn text() -> Value {
    json!({
        "katakana": ranges(&[kb_text::KATAKANA]),
        "japanese": ranges(&kb_text::JAPANESE),
        "space": ranges(&[kb_text::SPACE]),
        "digit": ranges(&[kb_text::DIGIT]),
        "number": ranges(&[kb_text::NUMBER]),
        "nakaguro": String::from_iter(kb_text::NAKAGURO),
        "nakaguro_replacement": kb_text::NAKAGURO_REPLACEMENT.to_string(),
        "compound_part_max": kb_text::COMPOUND_PART_MAX,
        "transparent": String::from_iter(TRANSPARENT_CHARS),
    })
}

/// Key `analyzer`: the limits of `analyzer::analyze`.
pub(super) fn analyzer() -> Value {
    json!({
        "max_joined_run": MAX_JOINED_RUN,
        "max_term_bytes": MAX_TERM_BYTES,
        "max_variant_morphemes": MAX_VARIANT_MORPHEMES,
    })
}

/// Key `english`: what the English analyzer does to a word the corpus does not use (the
/// corpus's words come with their terms in `english/<n>.json`).
pub(super) fn english() -> Value {
    json!({
        "token_byte_limit": ENGLISH_TOKEN_BYTE_LIMIT,
        "stop_words": ENGLISH_STOP_WORDS,
    })
}

/// Key `limits`: the request limits of `/api/search` (`search.rs`) and the snippet window of
/// `snippet.rs`, which the engine's `search` applies the same way.
pub(super) fn limits() -> Value {
    json!({
        "max_query_chars": crate::MAX_QUERY_CHARS,
        "max_limit": crate::MAX_LIMIT,
        "default_limit": crate::DEFAULT_LIMIT,
        "max_offset": crate::MAX_OFFSET,
        "snippet_chars": crate::snippet::SNIPPET_CHARS,
        "lead_chars": crate::snippet::LEAD_CHARS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `c` is in the exported ranges `r`.
    fn inside(r: &Value, c: char) -> bool {
        let cp = u64::from(c as u32);
        r.as_array().expect("an array of ranges").iter().any(|p| {
            let (a, b) = (p[0].as_u64(), p[1].as_u64());
            a.is_some_and(|a| a <= cp) && b.is_some_and(|b| cp <= b)
        })
    }

    /// The exported classes answer exactly what kb-text's and the analyzer's own predicates
    /// answer, for every character (so the browser's text stage cannot drift from Rust's).
    #[test]
    fn exported_classes_equal_the_rust_predicates() {
        let t = text();
        let set = |k: &str| t[k].as_str().expect(k).chars().collect::<Vec<char>>();
        let (nakaguro, transparent) = (set("nakaguro"), set("transparent"));
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(inside(&t["katakana"], c), kb_text::is_katakana(c), "{c:?}");
            assert_eq!(
                inside(&t["japanese"], c),
                kb_text::is_japanese_char(c),
                "{c:?}"
            );
            // A space between two Japanese characters goes; any other character stays.
            let spaced = kb_text::collapse_japanese_spaces(&format!("あ{c}い"));
            assert_eq!(inside(&t["space"], c), spaced == "あい", "{c:?}");
            // Spaces around a digit between Japanese characters go (as they do around a
            // Japanese character); spaces around a number do too, whatever number characters
            // follow its first digit.
            let japanese = kb_text::is_japanese_char(c);
            let digit =
                kb_text::collapse_japanese_spaces(&format!("第 {c} 章")) == format!("第{c}章");
            assert_eq!(inside(&t["digit"], c), digit && !japanese, "{c:?}");
            let number =
                kb_text::collapse_japanese_spaces(&format!("第 1{c}2 章")) == format!("第1{c}2章");
            assert_eq!(inside(&t["number"], c), number && !japanese, "{c:?}");
            // The nakaguro goes between short katakana words.
            let removed = kb_text::remove_katakana_nakaguro(&format!("ア{c}イ")) == "アイ";
            assert_eq!(nakaguro.contains(&c), removed, "{c:?}");
            assert_eq!(
                transparent.contains(&c),
                crate::synonyms::is_transparent_char(c),
                "{c:?}"
            );
        }
        let replaced = kb_text::normalize_for_search("高崎・前橋");
        assert_eq!(
            replaced,
            format!(
                "高崎{}前橋",
                t["nakaguro_replacement"].as_str().expect("a string")
            )
        );
        // COMPOUND_PART_MAX: the longest katakana word on one side of a ・ that is still joined.
        let max = t["compound_part_max"].as_u64().expect("a number") as usize;
        let word = |n: usize| "ア".repeat(n);
        let join = |a: usize, b: usize| {
            kb_text::remove_katakana_nakaguro(&format!("{}・{}", word(a), word(b)))
        };
        assert_eq!(
            join(max + 1, max),
            format!("{}{}", word(max + 1), word(max))
        );
        assert_eq!(
            join(max + 1, max + 1),
            format!("{}・{}", word(max + 1), word(max + 1))
        );
    }

    /// The exported English facts are what the analyzer does.
    #[test]
    fn exported_english_facts_equal_the_analyzer() {
        let e = english();
        let analyze = |w: &str| crate::analyzer::analyze_english(w);
        for w in e["stop_words"].as_array().expect("an array") {
            assert!(analyze(w.as_str().expect("a word")).is_empty(), "{w}");
        }
        assert_eq!(analyze("evaluations").len(), 1);
        let limit = e["token_byte_limit"].as_u64().expect("a number") as usize;
        assert!(analyze(&"a".repeat(limit)).is_empty());
        assert_eq!(analyze(&"b".repeat(limit - 1)).len(), 1);
    }
}
