//! The text stage of the Japanese analyzer: kb-text's normalisation and lower-casing, with
//! the offsets of every normalised byte mapped back to the original text (for snippets).

use crate::synonyms::is_transparent_char;
use std::borrow::Cow;

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
            || p.chars().all(|x| {
                x.is_whitespace() || is_transparent_char(x) || x == kb_text::NAKAGURO_REPLACEMENT
            })
        {
            // Deleted by the text stage (spaces between Japanese characters, a nakaguro inside
            // a katakana compound: alone, it normalises to its replacement, which is not here).
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
