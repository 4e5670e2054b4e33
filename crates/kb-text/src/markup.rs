//! Markup the extraction left in the text: HTML tags and entities, Markdown escapes.

/// Strips HTML remnants of the extraction: tags such as `<br>`, `<ul style="…">`, `</li>`,
/// `<p>`, and the entities `&nbsp;` `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` (decoded).
/// `<br>` becomes a newline; other tags vanish. Text in angle brackets that is not an HTML tag
/// (`<特集>`, `a < b`) is kept.
pub fn strip_html_remnants(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('<') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        match html_tag_len(tail) {
            Some((len, is_br)) => {
                if is_br {
                    out.push('\n');
                }
                rest = &tail[len..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

const HTML_TAGS: &[&str] = &[
    "a", "b", "br", "div", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "li", "ol", "p", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
];

/// If `s` (starting with `<`) opens with an HTML tag, its byte length and whether it is `<br>`.
fn html_tag_len(s: &str) -> Option<(usize, bool)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    if inner.contains('<') || inner.contains('\n') {
        return None;
    }
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let after = &inner[name.len()..];
    let ok_after = after.is_empty()
        || after.starts_with(|c: char| c.is_ascii_whitespace())
        || after.trim() == "/";
    if HTML_TAGS.contains(&name.as_str()) && ok_after {
        Some((end + 1, name == "br"))
    } else {
        None
    }
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Removes Markdown backslash escapes (`\*`, `\-`, `\_`, `\#`, `\.` …) left by an extractor
/// that produced Markdown: the escaped character stays, the backslash goes.
pub fn strip_markdown_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if n.is_ascii_punctuation() {
                    out.push(n);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}
