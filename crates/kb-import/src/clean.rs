//! Per-line cleaning: HTML remnants, Markdown escapes, character repair, letter spacing,
//! and the classification of a cleaned line (blank, page number, table row, heading, list item …).

use kb_text::{
    collapse_japanese_spaces, is_japanese_char, is_kana, repair_chars_with, strip_html_remnants,
    strip_markdown_escapes, RepairOptions,
};

pub use crate::headings::{heading, roman_value, Heading, Shape};
use crate::headings::{
    is_bullet, is_circled_number, leading_paren, paren_number_value, split_label, KATAKANA_LABELS,
};

/// One source line after cleaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanLine {
    /// 1-based line number in the seed.
    pub line: usize,
    /// The raw text as extracted (without the line end).
    pub raw: String,
    /// The cleaned text, trimmed. Table rows keep their tab separators.
    pub text: String,
    /// What kind of line it is.
    pub kind: Kind,
    /// An OCR correction applied to this line (the text before and after), for `[[extra.corrections]]`.
    pub ocr_fix: Option<(String, String)>,
    /// The raw line ends with whitespace (in some extractions, the mark of a paragraph or cell end).
    pub trailing_space: bool,
}

/// What a cleaned line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Blank,
    /// `---`, a page or section break.
    Rule,
    /// A lone page number: `12`, `- 3 -`, `―12―`, `-1３-`.
    PageNumber,
    /// A line left over from an icon or symbol font (`￥` alone), dropped.
    Debris,
    /// A footnote mark alone on its line (`※`), glued to its neighbours.
    Glue,
    /// A tab-separated table row (the cells are in `text`, separated by tabs).
    TableRow,
    /// A heading: its shape, the label (`第1章`, `(2)`) and the title.
    Heading(Heading),
    /// A list item or a labelled paragraph (`○ …`, `・…`, `① …`, `- …`, `ア …`, long `(1) …`).
    Item,
    /// Ordinary text.
    Text,
}

const OPTS: RepairOptions = RepairOptions {
    keep_fullwidth_punctuation: true,
    skip_ocr_fixes: false,
};
const SILENT: RepairOptions = RepairOptions {
    keep_fullwidth_punctuation: true,
    skip_ocr_fixes: true,
};

/// Character-level repair of one piece of text: HTML, Markdown escapes, characters.
/// Returns the repaired text and, if an OCR fix (D×→DX, Cyrillic О→O) changed it, the text
/// with only the silent repairs.
pub fn repair_piece(s: &str) -> (String, Option<String>) {
    let s = strip_html_remnants(s).replace(['\n', '\r'], " ");
    let s = strip_markdown_escapes(&s);
    let s: String = s
        .chars()
        .filter(|&c| !matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{FEFF}' | '\u{200B}'..='\u{200D}'))
        .collect();
    let full = repair_chars_with(&s, &OPTS);
    let silent = repair_chars_with(&s, &SILENT);
    if full != silent {
        (full, Some(silent))
    } else {
        (full, None)
    }
}

/// Collapses letter spacing inside a piece of text, keeping the space after a leading label
/// (`第1章 はじめに`, `1 研修体系`, `た 高い倫理観`, `ア 市民サービス…`) and squeezing other runs of
/// spaces to one.
pub fn collapse_text(s: &str) -> String {
    collapse_text_in(s, false)
}

fn collapse_text_in(s: &str, in_heading: bool) -> String {
    let s = s.trim();
    if let Some((label, rest)) = split_label(s, in_heading) {
        let in_heading = in_heading || label.starts_with('#');
        let rest = collapse_text_in(rest, in_heading);
        if rest.is_empty() {
            return label.to_string();
        }
        return format!("{label} {rest}");
    }
    squeeze_spaces(&collapse_spaces(s))
}

/// Word separator kept between two Japanese words (a private-use character, stripped from the
/// input beforehand, so it cannot clash).
const KEEP: char = '\u{E000}';

fn is_space_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}' | '\u{00A0}')
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

/// Japanese punctuation and brackets (not kana, not kanji).
fn is_japanese_punct(c: char) -> bool {
    is_japanese_char(c) && !kb_text::is_kana(c) && !kb_text::is_kanji(c)
}

/// [`collapse_japanese_spaces`], except that a space between two Japanese *words* stays: in a
/// table cell `初級職員研修 中堅職員研修` lists two courses, while `大 崎 市` (letter spacing) and
/// `身体 の健康 の維持 増進` (spurious spaces) are one phrase. A space between two Japanese
/// characters is removed when a neighbouring token is one or two characters long, when the
/// phrase runs on through kana (`終期まで とします`, `身体 の健康`), or next to punctuation
/// (`本方針は、 任期付`); it stays between two longer words that end and start in kanji or
/// katakana, and before a `・` bullet that starts an item.
pub fn collapse_spaces(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let mut marked = String::with_capacity(s.len());
    let mut i = 0;
    while i < n {
        if !is_space_char(chars[i]) {
            marked.push(chars[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && is_space_char(chars[j]) {
            j += 1;
        }
        let (before, after) = (i.checked_sub(1).map(|k| chars[k]), chars.get(j).copied());
        let keep = match (before, after) {
            (Some(b), Some(a)) if is_japanese_char(b) && is_japanese_char(a) => {
                let left_len = chars[..i]
                    .iter()
                    .rev()
                    .take_while(|c| !is_space_char(**c))
                    .count();
                let right_len = chars[j..]
                    .iter()
                    .take_while(|c| !is_space_char(**c))
                    .count();
                let bullet_item = a == '・' && right_len > 1 && left_len > 1;
                let runs_on = left_len <= 2
                    || right_len <= 2
                    || is_hiragana(b)
                    || is_hiragana(a)
                    || is_japanese_punct(b)
                    || (is_japanese_punct(a) && a != '・');
                bullet_item || !runs_on
            }
            _ => false,
        };
        if keep {
            marked.push(KEEP);
        } else {
            marked.extend(&chars[i..j]);
        }
        i = j;
    }
    collapse_japanese_spaces(&marked).replace(KEEP, " ")
}

fn squeeze_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        let sp = c == ' ' || c == '\u{3000}';
        if sp {
            if !prev_space {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
        prev_space = sp;
    }
    out.trim().to_string()
}

/// Cleans one raw line and classifies it (headings are only candidates here; the outline is
/// decided later with the whole document in view).
pub fn clean_line(line: usize, raw: &str) -> CleanLine {
    let raw = raw.trim_end_matches('\r');
    let is_table = raw.contains('\t') && !raw.trim().is_empty();
    let (full, silent) = repair_piece(raw);
    let ocr_fix = silent.map(|s| (s.trim().to_string(), full.trim().to_string()));
    let (text, kind) = if is_table {
        // Clean cell by cell, so that collapsing spaces never merges two cells.
        let cells: Vec<String> = raw
            .split('\t')
            .map(|cell| collapse_text(&repair_piece(cell).0))
            .collect();
        let text = cells.join("\t").trim_end_matches('\t').to_string();
        let kind = if text.trim().is_empty() {
            Kind::Blank
        } else {
            Kind::TableRow
        };
        (text, kind)
    } else {
        let text = collapse_text(&full);
        let kind = classify(&text);
        (text, kind)
    };
    CleanLine {
        line,
        raw: raw.to_string(),
        text,
        kind,
        ocr_fix,
        trailing_space: raw.ends_with(char::is_whitespace),
    }
}

/// Classifies a cleaned, non-table line.
pub fn classify(text: &str) -> Kind {
    let t = text.trim();
    if t.is_empty() {
        return Kind::Blank;
    }
    if t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '_'))
    {
        return Kind::Rule;
    }
    if is_page_number(t) {
        return Kind::PageNumber;
    }
    if t.chars().count() == 1 && matches!(t, "¥" | "￥" | "$" | "€" | "£") {
        return Kind::Debris;
    }
    if t == "※" {
        return Kind::Glue;
    }
    if let Some(h) = heading(t) {
        return Kind::Heading(h);
    }
    if is_item_start(t) {
        return Kind::Item;
    }
    Kind::Text
}

/// `12`, `- 3 -`, `―12―`, `-13-`, `— 4 —`.
pub fn is_page_number(t: &str) -> bool {
    let dashes = ['-', '‐', '−', '―', '－', '—', '–', 'ー'];
    let inner = t.trim_matches(|c: char| dashes.contains(&c) || c == ' ');
    if inner.is_empty() || inner.len() > 3 || !inner.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let dashed = t.starts_with(dashes) && t.ends_with(dashes);
    let plain = inner.len() == t.len();
    dashed || plain
}

fn is_item_start(t: &str) -> bool {
    let Some(first) = t.chars().next() else {
        return false;
    };
    if is_bullet(first) || is_circled_number(first) || paren_number_value(first).is_some() {
        return true;
    }
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ") || t.starts_with('【') {
        return true;
    }
    if leading_paren(t).is_some() {
        return true;
    }
    // ア 市民サービス… : one katakana label and a space.
    let mut cs = t.chars();
    if let (Some(c), Some(' ')) = (cs.next(), cs.next()) {
        if is_kana(c) && KATAKANA_LABELS.contains(c) {
            return true;
        }
    }
    false
}

/// Display width (East Asian wide characters count 2).
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if is_japanese_char(c)
                || matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}' | '\u{1F300}'..='\u{1FAFF}' | '\u{20000}'..='\u{3FFFD}')
                || is_bullet(c)
                || is_circled_number(c)
            {
                2
            } else {
                1
            }
        })
        .sum()
}
