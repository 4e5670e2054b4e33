//! Headings and labels of a policy document: `第1章`, `第2節`, `1-1`, `(1)`, `⑴`, Roman parts,
//! はじめに/おわりに, and the numbers they carry (Arabic, kanji, Roman, full-width).

use kb_text::is_japanese_char;

/// Bullets and marks that start a list item or labelled paragraph.
const BULLETS: &[char] = &[
    '・', '●', '○', '◎', '〇', '■', '□', '◆', '◇', '▲', '△', '▼', '▽', '★', '☆', '⚫', '•', '✓',
    '✔', '➤', '▶', '►', '※', '◯', '＊',
];

pub(crate) fn is_bullet(c: char) -> bool {
    BULLETS.contains(&c)
}

pub(crate) fn is_circled_number(c: char) -> bool {
    matches!(c, '\u{2460}'..='\u{2473}' | '\u{2474}'..='\u{2487}' | '\u{2776}'..='\u{2793}' | '\u{3251}'..='\u{325F}' | '\u{32B1}'..='\u{32BF}')
}

/// Parenthesised numbers ⑴…⒇ (U+2474–U+2487).
pub(crate) fn paren_number_value(c: char) -> Option<u32> {
    match c {
        '\u{2474}'..='\u{2487}' => Some(c as u32 - 0x2474 + 1),
        _ => None,
    }
}

/// Katakana used as item labels (ア, イ, …).
pub(crate) const KATAKANA_LABELS: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノ";

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

/// Splits a leading label followed by whitespace: returns (label, rest) when the line starts
/// with a heading number or a one-character label and a space.
pub(crate) fn split_label(s: &str, in_heading: bool) -> Option<(&str, &str)> {
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
pub(crate) fn leading_paren(s: &str) -> Option<(u32, &str)> {
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
