//! Per-line cleaning: HTML remnants, Markdown escapes, character repair, letter spacing,
//! and the classification of a cleaned line (blank, page number, table row, heading, list item …).

use kb_text::{
    collapse_japanese_spaces, is_japanese_char, is_kana, repair_chars_with, strip_html_remnants,
    strip_markdown_escapes, RepairOptions,
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

/// The shape of a heading, from the outermost to the innermost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub shape: Shape,
    /// The numeric key where the shape has one (chapter 3 → 3; はじめに → 0; おわりに → 1000).
    pub number: Option<u32>,
    /// The Markdown level the source gave it (`## …` → 2), if any.
    pub md_level: Option<usize>,
    /// The heading as it should be written, e.g. `第1章 はじめに`.
    pub text: String,
}

/// Heading shapes in outline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// `第N章 …`, `N章 …`, `II章 …`
    Chapter,
    /// はじめに, おわりに, まえがき, あとがき …: a chapter without a number.
    Bookend,
    /// A Markdown `# ` heading (level 1) that matches no other shape.
    MdTop,
    /// Roman-numeral part: `I 人材の育成`, `Ⅱ 「目指す職員の姿」…`
    Roman,
    /// `第N節 …`
    Section,
    /// `1-1 …`
    Dashed,
    /// `1 …`
    Numbered,
    /// `(1) …`, `（１）…`, `⑴ …`
    Paren,
    /// A Markdown heading of another shape (`#### た 高い倫理観`).
    MdOther,
}

/// Bullets and marks that start a list item or labelled paragraph.
const BULLETS: &[char] = &[
    '・', '●', '○', '◎', '〇', '■', '□', '◆', '◇', '▲', '△', '▼', '▽', '★', '☆', '⚫', '•', '✓',
    '✔', '➤', '▶', '►', '※', '◯', '＊',
];

fn is_bullet(c: char) -> bool {
    BULLETS.contains(&c)
}

fn is_circled_number(c: char) -> bool {
    matches!(c, '\u{2460}'..='\u{2473}' | '\u{2474}'..='\u{2487}' | '\u{2776}'..='\u{2793}' | '\u{3251}'..='\u{325F}' | '\u{32B1}'..='\u{32BF}')
}

/// Parenthesised numbers ⑴…⒇ (U+2474–U+2487).
fn paren_number_value(c: char) -> Option<u32> {
    match c {
        '\u{2474}'..='\u{2487}' => Some(c as u32 - 0x2474 + 1),
        _ => None,
    }
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

/// Splits a leading label followed by whitespace: returns (label, rest) when the line starts
/// with a heading number or a one-character label and a space.
fn split_label(s: &str, in_heading: bool) -> Option<(&str, &str)> {
    let ws = s.find([' ', '\u{3000}', '\t'])?;
    let (label, rest) = s.split_at(ws);
    let rest_trim = rest.trim_start();
    if rest_trim.is_empty() {
        return None;
    }
    let label_nohash = label.trim_start_matches('#');
    if label_nohash.is_empty() {
        // "## 第1章 はじめに": keep the hashes and the next label together.
        let (l2, r2) = split_label(rest_trim, true)?;
        let start = s.len() - rest_trim.len();
        return Some((&s[..start + l2.len()], r2));
    }
    if is_label(label_nohash) {
        // A one-character label must be followed by a real word, not by more letter spacing
        // (`大 崎 市` is a letter-spaced word, `た 高い倫理観` a label).
        if label_nohash.chars().count() == 1 && is_japanese_char(label_nohash.chars().next()?) {
            // Only in a heading (`#### た 高い倫理観`) or as a katakana list label (`ア …`);
            // elsewhere a lone kana before a space is the tail of a wrapped word (`え 未来を…`).
            let c = label_nohash.chars().next()?;
            if !in_heading && !KATAKANA_LABELS.contains(c) {
                return None;
            }
            let next_token = rest_trim
                .split([' ', '\u{3000}', '\t'])
                .next()
                .unwrap_or("");
            if next_token.chars().count() < 2 {
                return None;
            }
        }
        return Some((label, rest));
    }
    None
}

/// Whether a whitespace-delimited first token is a label: 第N章/節, N章, roman numerals,
/// numbers, `1-1`, `(1)`, `⑴`, `①`, bullets, one kana or kanji, `基本施策`-like prefixes are not.
fn is_label(t: &str) -> bool {
    let chars: Vec<char> = t.chars().collect();
    if chars.is_empty() {
        return false;
    }
    if parse_chapter_label(t).is_some() || parse_section_label(t).is_some() {
        return true;
    }
    if roman_value(t).is_some() {
        return true;
    }
    if t.chars().all(|c| c.is_ascii_digit()) && chars.len() <= 3 {
        return true;
    }
    if parse_dashed(t).is_some() || parse_paren(t).is_some() {
        return true;
    }
    if chars.len() == 1 {
        let c = chars[0];
        return is_bullet(c) || is_circled_number(c) || is_japanese_char(c) || c == '-' || c == '*';
    }
    // "(1)" already handled; "1." / "1)" style
    if chars.len() <= 4
        && chars[..chars.len() - 1].iter().all(|c| c.is_ascii_digit())
        && matches!(chars[chars.len() - 1], '.' | ')' | '．')
    {
        return true;
    }
    false
}

/// `第1章`, `第１章`, `1章`, `II章`, `第一章` → the chapter number.
fn parse_chapter_label(t: &str) -> Option<u32> {
    let t = t.strip_prefix('第').unwrap_or(t);
    let t = t.strip_suffix('章')?;
    number_value(t.trim())
}

/// `第1節` → the section number.
fn parse_section_label(t: &str) -> Option<u32> {
    let t = t.strip_prefix('第')?;
    let t = t.strip_suffix('節')?;
    number_value(t.trim())
}

fn number_value(t: &str) -> Option<u32> {
    if t.is_empty() {
        return None;
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse().ok().filter(|&n| n < 1000);
    }
    if let Some(v) = roman_value(t) {
        return Some(v);
    }
    kanji_number(t)
}

fn kanji_number(t: &str) -> Option<u32> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = t.chars().collect();
    match chars.as_slice() {
        [a] => digit(*a).filter(|&v| v > 0).or((*a == '十').then_some(10)),
        ['十', b] => digit(*b).map(|v| 10 + v),
        [a, '十'] => digit(*a).map(|v| v * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

/// Roman numerals I–XX in ASCII (NFKC has folded Ⅰ Ⅱ … to ASCII already).
pub fn roman_value(t: &str) -> Option<u32> {
    const ROMANS: [&str; 20] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    ROMANS.iter().position(|r| *r == t).map(|p| p as u32 + 1)
}

/// `1-1`, `1-２` → (1, 1).
fn parse_dashed(t: &str) -> Option<(u32, u32)> {
    let (a, b) = t.split_once(['-', '－', '‐', '−'])?;
    if a.is_empty() || b.is_empty() || a.len() > 2 || b.len() > 2 {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// `(1)`, `（1）`, `⑴` → 1.
fn parse_paren(t: &str) -> Option<u32> {
    let mut cs = t.chars();
    let first = cs.next()?;
    if let Some(v) = paren_number_value(first) {
        return cs.next().is_none().then_some(v);
    }
    let inner = t.strip_prefix(['(', '（'])?.strip_suffix([')', '）'])?;
    if inner.is_empty() || inner.len() > 2 || !inner.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    inner.parse().ok()
}

/// A leading `(1)` / `（１）` / `⑴` glued to its title (`(1)市役所の魅力発信の強化`).
fn leading_paren(s: &str) -> Option<(u32, &str)> {
    let first = s.chars().next()?;
    if let Some(v) = paren_number_value(first) {
        return Some((v, &s[first.len_utf8()..]));
    }
    if first != '(' && first != '（' {
        return None;
    }
    let close = s.find([')', '）'])?;
    let inner = &s[first.len_utf8()..close];
    if inner.is_empty() || inner.len() > 2 || !inner.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let close_len = s[close..].chars().next()?.len_utf8();
    Some((inner.parse().ok()?, &s[close + close_len..]))
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

const KATAKANA_LABELS: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノ";

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

/// Titles this long, or ending in a sentence end, are prose, not headings.
fn title_ok(title: &str, max: usize) -> bool {
    let n = title.chars().count();
    n > 0
        && n <= max
        && !title.ends_with(['。', '、', '，', ',', '.'])
        && title
            .chars()
            .any(|c| is_japanese_char(c) || c.is_alphanumeric())
}

const BOOKENDS: &[(&str, u32)] = &[
    ("はじめに", 0),
    ("まえがき", 0),
    ("序章", 0),
    ("序論", 0),
    ("おわりに", 1000),
    ("あとがき", 1000),
    ("終わりに", 1000),
    ("むすび", 1000),
    ("結びに", 1000),
    ("終章", 1000),
];

/// Recognises a heading candidate in a cleaned line.
pub fn heading(t: &str) -> Option<Heading> {
    let hashes = t.chars().take_while(|&c| c == '#').count();
    let md_level = (hashes > 0 && t[hashes..].starts_with(' ')).then_some(hashes);
    let body = if md_level.is_some() {
        t[hashes..].trim()
    } else {
        t
    };
    // "## ■ 第3章 …": a decorative square before the heading.
    let body = body
        .strip_prefix(['■', '□', '◆'])
        .map(str::trim_start)
        .unwrap_or(body);
    let make = |shape, number, text: String| Heading {
        shape,
        number,
        md_level,
        text,
    };
    let (label, rest) = match body.split_once(' ') {
        Some((l, r)) => (l, r.trim()),
        None => (body, ""),
    };
    // 第N章 / N章 (with or without a space before the title)
    if let Some(n) = parse_chapter_label(label) {
        if rest.is_empty() || (title_ok(rest, 60) && !rest.contains(['、', '。'])) {
            return Some(make(Shape::Chapter, Some(n), body.to_string()));
        }
    }
    if let Some(pos) = body.find('章') {
        let (l, r) = body.split_at(pos + '章'.len_utf8());
        if let Some(n) = parse_chapter_label(l) {
            let r0 = r.chars().next();
            let particle = r0.is_some_and(|c| "でにのをがとへもや".contains(c));
            if !r.is_empty()
                && !particle
                && title_ok(r.trim(), 30)
                && !r.contains(['、', '。'])
                && !r.starts_with(' ')
            {
                return Some(make(Shape::Chapter, Some(n), format!("{l} {}", r.trim())));
            }
        }
    }
    for (word, key) in BOOKENDS {
        if body == *word {
            return Some(make(Shape::Bookend, Some(*key), body.to_string()));
        }
    }
    if let Some(n) = parse_section_label(label) {
        if rest.is_empty() || title_ok(rest, 60) {
            return Some(make(Shape::Section, Some(n), body.to_string()));
        }
    }
    if let Some(n) = roman_value(label) {
        if title_ok(rest, 50) && rest.chars().any(is_japanese_char) {
            return Some(make(Shape::Roman, Some(n), body.to_string()));
        }
    }
    if let Some((a, _)) = parse_dashed(label) {
        if title_ok(rest, 50) && rest.chars().any(is_japanese_char) {
            return Some(make(Shape::Dashed, Some(a), body.to_string()));
        }
    }
    if !label.is_empty()
        && label.len() <= 2
        && label.chars().all(|c| c.is_ascii_digit())
        && title_ok(rest, 40)
        && rest.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && rest.chars().any(is_japanese_char)
    {
        return Some(make(Shape::Numbered, label.parse().ok(), body.to_string()));
    }
    if let Some((n, title)) = leading_paren(body) {
        let title = title.trim();
        if title_ok(title, 40) && title.chars().any(is_japanese_char) {
            return Some(make(Shape::Paren, Some(n), body.to_string()));
        }
    }
    match md_level {
        Some(1) if !body.is_empty() => Some(make(Shape::MdTop, None, body.to_string())),
        Some(_) if !body.is_empty() => Some(make(Shape::MdOther, None, body.to_string())),
        _ => None,
    }
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
