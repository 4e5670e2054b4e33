//! The query string as items: whitespace-separated terms, `"quoted phrases"`, a leading `-`
//! to exclude; operators and control characters are only text. Nothing here can fail.

/// One element of a query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub text: String,
    pub phrase: bool,
    pub negated: bool,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂' | '„')
}

fn is_operator(word: &str) -> bool {
    matches!(
        word,
        "AND" | "OR" | "NOT" | "&&" | "||" | "&" | "|" | "+" | "-" | "!" | "－" | "＋"
    ) || word.chars().all(|c| {
        matches!(
            c,
            '+' | '-' | '|' | '&' | '!' | '(' | ')' | '*' | '~' | '^' | ':'
        )
    })
}

/// Splits a query string into items. Never fails.
pub(crate) fn parse(query: &str) -> Vec<Item> {
    let cleaned: String = query
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let chars: Vec<char> = cleaned.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        let mut j = i;
        if matches!(chars[j], '-' | '－') && j + 1 < chars.len() && !chars[j + 1].is_whitespace() {
            negated = true;
            j += 1;
        } else if matches!(chars[j], '+' | '＋')
            && j + 1 < chars.len()
            && !chars[j + 1].is_whitespace()
        {
            j += 1;
        }
        if is_quote(chars[j]) {
            // Phrase up to the next quote, or to the end when unbalanced.
            let start = j + 1;
            let mut end = start;
            while end < chars.len() && !is_quote(chars[end]) {
                end += 1;
            }
            let text: String = chars[start..end].iter().collect();
            let text = text.trim().to_string();
            if !text.is_empty() {
                items.push(Item {
                    text,
                    phrase: true,
                    negated,
                });
            }
            i = end + 1;
            continue;
        }
        let start = j;
        let mut end = start;
        while end < chars.len() && !chars[end].is_whitespace() && !is_quote(chars[end]) {
            end += 1;
        }
        let word: String = chars[start..end].iter().collect();
        if !word.is_empty() && !is_operator(&word) {
            items.push(Item {
                text: word,
                phrase: false,
                negated,
            });
        }
        i = end.max(i + 1);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(items: &[Item]) -> Vec<(&str, bool, bool)> {
        items
            .iter()
            .map(|i| (i.text.as_str(), i.phrase, i.negated))
            .collect()
    }

    #[test]
    fn parses_terms_phrases_and_exclusions() {
        let items = parse(r#"人材育成 "基本 方針" -研修  OR AND + - ( )"#);
        assert_eq!(
            texts(&items),
            vec![
                ("人材育成", false, false),
                ("基本 方針", true, false),
                ("研修", false, true),
            ]
        );
    }

    #[test]
    fn unbalanced_quotes_and_control_chars() {
        assert_eq!(
            texts(&parse("\"人材 育成")),
            vec![("人材 育成", true, false)]
        );
        assert_eq!(texts(&parse("\"")), vec![]);
        assert_eq!(texts(&parse("\"\"\"")), vec![]);
        assert_eq!(
            texts(&parse("a\u{0}b\u{7}c")),
            vec![
                ("a", false, false),
                ("b", false, false),
                ("c", false, false)
            ]
        );
        assert_eq!(texts(&parse("-")), vec![]);
        assert_eq!(texts(&parse("--x")), vec![("-x", false, true)]);
        assert_eq!(texts(&parse("-\"a b\"")), vec![("a b", true, true)]);
        assert_eq!(texts(&parse("")), vec![]);
        assert_eq!(texts(&parse("　人財　")), vec![("人財", false, false)]);
    }
}
