//! A measure's one-line summary, taken from its own text: the sentence of its purpose (目的,
//! "Purpose") when the body states one, otherwise the first sentence of its body. Never
//! rewritten: only markup is dropped and the text is cut at the end of the sentence, so the
//! summary is always a piece of what the measure page says.

/// The label of a measure's purpose in a body of `lang` (`**目的**：…`, `**Purpose**: …`).
fn purpose_label(lang: &str) -> &'static str {
    if lang == "en" {
        "**Purpose**"
    } else {
        "**目的**"
    }
}

/// The summary of a measure body (Markdown) in `lang`, or `None` for a body without prose.
pub fn lead(body: &str, lang: &str) -> Option<String> {
    let label = purpose_label(lang);
    let purpose = body.lines().map(str::trim).find_map(|l| {
        l.strip_prefix(label)
            .map(|rest| rest.trim_start_matches([':', '：', ' ']))
    });
    let line = purpose.or_else(|| body.lines().map(str::trim).find(|l| is_prose(l)))?;
    let text = plain(line);
    let cut = if lang == "en" {
        first_sentence_en(&text)
    } else {
        first_sentence_ja(&text)
    };
    let cut = cut.trim();
    (!cut.is_empty()).then(|| cut.to_string())
}

/// Whether a Markdown line is prose: not blank, not an editor's note or other quote, heading,
/// table row, HTML, rule, footnote (※) or a bold label standing alone (`**【主な取組】**`).
fn is_prose(line: &str) -> bool {
    if line.is_empty() || line.starts_with(['>', '#', '|', '<', '※']) || line.starts_with("---") {
        return false;
    }
    let label_only = line.starts_with("**")
        && line
            .trim_end_matches([':', '：'])
            .strip_prefix("**")
            .and_then(|l| l.strip_suffix("**"))
            .is_some_and(|inner| !inner.contains("**"));
    !label_only
}

/// A Markdown line as its readers see it: list marker, emphasis markers, link targets and
/// backslash escapes dropped.
fn plain(line: &str) -> String {
    let line = strip_list_marker(line);
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '*' | '_' if chars.peek() == Some(&c) => {
                chars.next();
            }
            '[' => {
                // `[text](url)` → text; a bracket that opens no link stays.
                let rest: String = chars.clone().collect();
                match link_parts(&rest) {
                    Some((text, used)) => {
                        out.push_str(text);
                        for _ in 0..used {
                            chars.next();
                        }
                    }
                    None => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// For the text after a `[`: the link text and how many characters `text](url)` takes.
fn link_parts(rest: &str) -> Option<(&str, usize)> {
    let close = rest.find("](")?;
    let text = &rest[..close];
    if text.contains(['[', ']']) {
        return None;
    }
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    Some((
        text,
        text.chars().count() + 2 + after[..end].chars().count() + 1,
    ))
}

fn strip_list_marker(line: &str) -> &str {
    for marker in ["- ", "* ", "+ ", "・"] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return rest.trim_start();
        }
    }
    line
}

/// Japanese: up to the first 。 outside brackets (a quoted 「…。」 does not end the sentence).
fn first_sentence_ja(text: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '「' | '『' | '（' | '(' | '〔' | '【' | '［' => depth += 1,
            '」' | '』' | '）' | ')' | '〕' | '】' | '］' => depth -= 1,
            '。' if depth <= 0 => return &text[..i + c.len_utf8()],
            _ => {}
        }
    }
    text
}

/// Abbreviations after which a full stop does not end an English sentence.
const ABBREVIATIONS: [&str; 9] = [
    "e.g.", "i.e.", "cf.", "vs.", "no.", "approx.", "art.", "pp.", "p.",
];

/// English: up to the first `.` `?` `!` outside brackets and quotes that is followed by a space
/// or the end, unless it closes an abbreviation or an initial.
fn first_sentence_en(text: &str) -> &str {
    let mut depth = 0i32;
    let mut quoted = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '"' => quoted = !quoted,
            '“' => quoted = true,
            '”' => quoted = false,
            '.' | '?' | '!' if depth <= 0 && !quoted => {
                let next = chars.get(k + 1).map(|&(_, n)| n);
                if !next.is_none_or(char::is_whitespace) {
                    continue;
                }
                let word_start = text[..i].rfind(char::is_whitespace).map_or(0, |s| s + 1);
                let word = text[word_start..=i].to_lowercase();
                let initial = word.chars().count() == 2
                    && word.chars().next().is_some_and(char::is_alphabetic);
                if c == '.' && (ABBREVIATIONS.contains(&word.as_str()) || initial) {
                    continue;
                }
                return &text[..i + 1];
            }
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_purpose_when_stated() {
        let body =
            "**目的**：人財を確保する。そのために採用を工夫する。\n\n**内容**\n\n- 採用する。\n";
        assert_eq!(lead(body, "ja").as_deref(), Some("人財を確保する。"));
        let en = "**Purpose**: Secure talent. Then recruit.\n\n**Content**\n";
        assert_eq!(lead(en, "en").as_deref(), Some("Secure talent."));
    }

    #[test]
    fn otherwise_the_first_sentence_of_prose() {
        let body = "> 編注：原典は…。\n\n**【主な取組】**\n\n職員採用については、「適時に。」確保に努めます。次の文。\n";
        assert_eq!(
            lead(body, "ja").as_deref(),
            Some("職員採用については、「適時に。」確保に努めます。")
        );
        let en = "> Editor's note: x.\n\nWe will, e.g. by job fairs (see p. 3.), recruit \"people. Many\" staff. Next.\n";
        assert_eq!(
            lead(en, "en").as_deref(),
            Some("We will, e.g. by job fairs (see p. 3.), recruit \"people. Many\" staff.")
        );
    }

    #[test]
    fn markup_is_dropped_and_a_sentence_without_end_is_kept_whole() {
        let body = "- **研修**を[実施](@/cities/a.md)する\\*\n";
        assert_eq!(lead(body, "ja").as_deref(), Some("研修を実施する*"));
        assert_eq!(lead("", "ja"), None);
        assert_eq!(lead("> 編注：のみ\n", "ja"), None);
        assert_eq!(
            lead("Staff such as J. Smith work. More.", "en").as_deref(),
            Some("Staff such as J. Smith work.")
        );
    }
}
