//! Snippets: the best window of a stored body, hits in `<mark>`, the rest HTML-escaped.

use std::collections::BTreeSet;

use crate::analyzer::{analyze, analyze_english};

/// Snippet length, in characters.
pub(crate) const SNIPPET_CHARS: usize = 140;
/// Context kept before the first hit of the window, in characters.
pub(crate) const LEAD_CHARS: usize = 30;
/// Only this much of a body is analyzed for hits, in bytes.
const MAX_ANALYZED_BYTES: usize = 200_000;

pub(crate) fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_whitespace() || c.is_control() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What to mark in snippets.
#[derive(Debug, Default, Clone)]
pub(crate) struct Highlight {
    /// Japanese-analyzer terms.
    pub ja: BTreeSet<String>,
    /// English-analyzer terms, marked wherever they occur (English pages only).
    pub en: BTreeSet<String>,
    /// English-analyzer phrases `(position, term)`, marked only where the whole phrase occurs.
    pub en_phrases: BTreeSet<Vec<(usize, String)>>,
}

/// How much of a body is analyzed at a time when looking for hits, in bytes.
const SCAN_CHUNK_BYTES: usize = 6_000;

/// Hit ranges (byte offsets into `body`) with a term id each: those of the first stretch of the
/// body (scanned [`SCAN_CHUNK_BYTES`] at a time, cut at line ends) that has any. Analyzing
/// whole chapters for each of ten results took a third of a query's time.
fn hits(body: &str, lang: &str, hl: &Highlight) -> Vec<(usize, usize, String)> {
    let limit = floor_boundary(body, MAX_ANALYZED_BYTES);
    let mut start = 0;
    while start < limit {
        let mut end = floor_boundary(body, (start + SCAN_CHUNK_BYTES).min(limit));
        if end < limit {
            // Cut after a line end when there is one in the second half of the chunk.
            if let Some(nl) = body[start..end].rfind('\n') {
                if nl > SCAN_CHUNK_BYTES / 2 {
                    end = start + nl + 1;
                }
            }
        }
        let mut found = hits_in(&body[start..end], lang, hl);
        if !found.is_empty() {
            for h in &mut found {
                h.0 += start;
                h.1 += start;
            }
            return found;
        }
        start = end;
    }
    Vec::new()
}

/// Hit ranges in `analyzed` (byte offsets into it).
fn hits_in(analyzed: &str, lang: &str, hl: &Highlight) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    if !hl.ja.is_empty() {
        for t in analyze(analyzed) {
            if hl.ja.contains(&t.text) && t.from < t.to {
                out.push((t.from, t.to, t.text));
            }
        }
    }
    if lang == "en" && !(hl.en.is_empty() && hl.en_phrases.is_empty()) {
        let toks = analyze_english(analyzed);
        for (text, _, from, to) in &toks {
            if hl.en.contains(text) && from < to {
                out.push((*from, *to, text.clone()));
            }
        }
        for phrase in &hl.en_phrases {
            let Some((first_pos, first)) = phrase.first() else {
                continue;
            };
            for (k, t) in toks.iter().enumerate() {
                if &t.0 != first {
                    continue;
                }
                // Every other term must occur at its relative position.
                let mut end = t.3;
                let all = phrase[1..].iter().all(|(p, term)| {
                    let want = t.1 + p.saturating_sub(*first_pos);
                    toks[k..]
                        .iter()
                        .take_while(|x| x.1 <= want)
                        .find(|x| x.1 == want && &x.0 == term)
                        .map(|x| end = x.3)
                        .is_some()
                });
                if all && t.2 < end {
                    let id: Vec<&str> = phrase.iter().map(|x| x.1.as_str()).collect();
                    out.push((t.2, end, id.join(" ")));
                }
            }
        }
    }
    out.sort_by_key(|h| (h.0, std::cmp::Reverse(h.1)));
    out
}

/// Builds the snippet for `body`.
pub(crate) fn make_snippet(body: &str, lang: &str, hl: &Highlight) -> String {
    let hits = hits(body, lang, hl);
    let char_starts: Vec<usize> = body.char_indices().map(|(i, _)| i).collect();
    let n_chars = char_starts.len();
    let byte_at = |ci: usize| {
        if ci >= n_chars {
            body.len()
        } else {
            char_starts[ci]
        }
    };
    let char_of = |b: usize| match char_starts.binary_search(&b) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    // Choose the window with the most distinct terms (then the most hits, then the earliest).
    let mut best = (0usize, 0usize, 0usize); // (start char, distinct, count)
    for (k, h) in hits.iter().enumerate() {
        let start = char_of(h.0).saturating_sub(LEAD_CHARS);
        let end_byte = byte_at(start + SNIPPET_CHARS);
        let mut distinct = BTreeSet::new();
        let mut count = 0;
        for h2 in &hits[k..] {
            if h2.0 >= end_byte {
                break;
            }
            if h2.1 <= end_byte {
                distinct.insert(h2.2.as_str());
                count += 1;
            }
        }
        if (distinct.len(), count) > (best.1, best.2) {
            best = (start, distinct.len(), count);
        }
    }
    let start_char = best.0;
    let win_start = byte_at(start_char);
    let win_end = byte_at(start_char + SNIPPET_CHARS);
    // Merge overlapping or touching hits inside the window.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for h in &hits {
        if h.0 < win_start || h.1 > win_end {
            continue;
        }
        match ranges.last_mut() {
            Some(last) if h.0 <= last.1 => last.1 = last.1.max(h.1),
            _ => ranges.push((h.0, h.1)),
        }
    }
    let mut out = String::new();
    if win_start > 0 {
        out.push('…');
    }
    let mut cursor = win_start;
    for (from, to) in ranges {
        escape_html(&body[cursor..from], &mut out);
        out.push_str("<mark>");
        escape_html(&body[from..to], &mut out);
        out.push_str("</mark>");
        cursor = to;
    }
    escape_html(&body[cursor..win_end], &mut out);
    let trimmed_start = if out.starts_with(' ') { 1 } else { 0 };
    let mut out = out[trimmed_start..].trim_end().to_string();
    if win_end < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xs: &[&str]) -> BTreeSet<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    fn ja(xs: &[&str]) -> Highlight {
        Highlight {
            ja: set(xs),
            ..Default::default()
        }
    }

    fn en(xs: &[&str]) -> Highlight {
        Highlight {
            en: set(xs),
            ..Default::default()
        }
    }

    #[test]
    fn marks_hits_and_escapes_the_rest() {
        let body = "<script>alert(1)</script> 職員の人財確保を進める & 育成";
        let s = make_snippet(body, "ja", &ja(&["人材"]));
        assert!(s.contains("<mark>人財</mark>"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(!s.contains("<script>"), "{s}");
        assert!(s.contains("&amp;"), "{s}");
    }

    #[test]
    fn picks_the_window_with_hits() {
        let body = format!("{}テレワークの導入{}", "あ".repeat(500), "い".repeat(500));
        let s = make_snippet(&body, "ja", &ja(&["テレワーク"]));
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>テレワーク</mark>"), "{s}");
    }

    #[test]
    fn marks_cover_the_original_spelling() {
        let body = "大 崎 市のワーク・ライフ・バランスと⼈財確保、ＯＪＴ";
        let s = make_snippet(
            body,
            "ja",
            &ja(&["ワークライフバランス", "人材確保", "ojt"]),
        );
        assert!(s.contains("<mark>ワーク・ライフ・バランス</mark>"), "{s}");
        assert!(s.contains("<mark>⼈財確保</mark>"), "{s}");
        assert!(s.contains("<mark>ＯＪＴ</mark>"), "{s}");
        assert!(s.starts_with("大 崎 市"), "{s}");
    }

    #[test]
    fn english_hits_are_stemmed() {
        let body = "Staff trainings are offered twice a year.";
        let s = make_snippet(body, "en", &en(&["train"]));
        assert!(s.contains("<mark>trainings</mark>"), "{s}");
    }

    #[test]
    fn english_phrases_are_marked_whole() {
        let mut hl = Highlight::default();
        hl.en_phrases
            .insert(vec![(0, "work".to_string()), (2, "home".to_string())]);
        let s = make_snippet("We work hard. Staff may work from home.", "en", &hl);
        assert_eq!(s, "We work hard. Staff may <mark>work from home</mark>.");
    }

    #[test]
    fn no_hits_gives_the_start() {
        let s = make_snippet("短い本文", "ja", &ja(&["研修"]));
        assert_eq!(s, "短い本文");
        assert_eq!(make_snippet("", "ja", &Highlight::default()), "");
    }
}
