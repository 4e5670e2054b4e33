//! Wrapping text for SVG, which does not wrap by itself: chart labels are broken into lines by
//! an estimate of their width (no font is at hand at build time), between Latin words or
//! between CJK characters, never before a closing bracket or after an opening one (kinsoku).

/// The approximate width of a character in ems, for wrapping without a font at hand: CJK and
/// full-width characters are square, Latin letters about half as wide. Generous, so that a
/// wrapped line never runs into the bars.
fn char_em(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'A'..='Z' | 'm' | 'w' | '%' | '@' => 0.72,
        'a'..='z' | '0'..='9' => 0.56,
        c if c.is_ascii() => 0.36,
        c if is_wide(c) => 1.0,
        _ => 0.6,
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Characters that may not begin a line (kinsoku): closing brackets and punctuation.
fn no_line_start(c: char) -> bool {
    "」』）】〕、。，．・：；？！ー)]},.:;?!%％".contains(c)
}

/// Characters that may not end a line: opening brackets.
fn no_line_end(c: char) -> bool {
    "「『（【〔([{".contains(c)
}

pub fn width_em(s: &str) -> f64 {
    s.chars().map(char_em).sum()
}

/// The pieces a line may break between: Latin words (with the space before them), single CJK
/// characters, brackets kept with what they enclose.
fn atoms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        let prev = cur.chars().next_back();
        let break_before = match prev {
            None => false,
            Some(_) if cur.trim().is_empty() => false,
            Some(p) if no_line_end(p) || no_line_start(c) => false,
            Some(_) if c == ' ' => true,
            Some(p) => is_wide(c) || is_wide(p),
        };
        if break_before {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `text` in as few lines of at most `max_em` ems as it needs (a word longer than a line gets
/// a line of its own), the lines made about equally long, so that no line holds a stray word or
/// two characters.
pub fn wrap(text: &str, max_em: f64) -> Vec<String> {
    let greedy = wrap_greedy(text, max_em);
    let n = greedy.len();
    if n < 2 {
        return greedy;
    }
    // The narrowest width that still needs no more lines than the greedy wrap.
    let mut width = width_em(text) / n as f64;
    while width < max_em {
        let lines = wrap_greedy(text, width);
        if lines.len() <= n {
            return lines;
        }
        width += 0.5;
    }
    greedy
}

fn wrap_greedy(text: &str, max_em: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for atom in atoms(text) {
        if !line.is_empty() && width_em(line.trim_end()) + width_em(atom.trim_end()) > max_em {
            lines.push(line.trim_end().to_string());
            line = atom.trim_start().to_string();
        } else {
            line.push_str(&atom);
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_wrap_whole_and_stay_distinct() {
        let a = "Staff survey score: \"self-growth\" (items on sense of achievement and skill development)";
        let lines = wrap(a, 28.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.join(" "), a, "nothing cut");
        assert!(lines.iter().all(|l| width_em(l) <= 28.0), "{lines:?}");
        let ja = "職員意識調査「自己成長」の点数（達成感やスキルアップに関する項目）";
        let lines = wrap(ja, 10.0);
        assert_eq!(lines.concat(), ja);
        // No line begins with a closing bracket or ends with an opening one.
        for l in &lines {
            assert!(!l.starts_with(no_line_start), "{lines:?}");
            assert!(!l.ends_with(no_line_end), "{lines:?}");
        }
        assert_eq!(wrap("short", 20.0), ["short"]);
        // Balanced: two lines of about half the text each, not a full line and a stray word.
        assert_eq!(
            wrap_greedy("aaaa bbbb cccc dddd eeee", 10.0),
            ["aaaa bbbb cccc dddd", "eeee"]
        );
        assert_eq!(
            wrap("aaaa bbbb cccc dddd eeee", 10.0),
            ["aaaa bbbb cccc", "dddd eeee"]
        );
    }
}
