//! Markdown to HTML with pulldown-cmark: tables, footnotes, heading ids with anchor links,
//! Zola's `@/path.md` internal links resolved at build time, and a plain-text rendering for the
//! search index. Raw HTML in content is escaped: content is text, never markup to execute.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, blocks separated by newlines.
    pub text: String,
    pub toc: Vec<Heading>,
}

/// A link that could not be resolved: its byte offset in the Markdown and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkError {
    pub offset: usize,
    pub message: String,
}

/// Renders `markdown`. `resolve` maps an internal link target (`cities/x/_index.md`, without the
/// `@/` and any `#anchor`) to its URL.
pub fn render(
    markdown: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
    anchor_label: &str,
) -> (Rendered, Vec<LinkError>) {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let parser = Parser::new_ext(markdown, options).into_offset_iter();

    let mut out: Vec<Event> = Vec::new();
    let mut errors = Vec::new();
    let mut toc = Vec::new();
    let mut text = String::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    // While inside a heading, its events are buffered to build the id from its text.
    let mut heading: Option<(HeadingLevel, Vec<Event>, String)> = None;

    for (event, range) in parser {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match dest_url.strip_prefix("@/") {
                    Some(target) => {
                        let (file, anchor) = match target.split_once('#') {
                            Some((f, a)) => (f, Some(a)),
                            None => (target, None),
                        };
                        match resolve(file) {
                            Some(url) => CowStr::from(match anchor {
                                Some(a) => format!("{url}#{a}"),
                                None => url,
                            }),
                            None => {
                                errors.push(LinkError {
                                    offset: range.start,
                                    message: format!("broken internal link `@/{target}`: no content file `content/{file}`"),
                                });
                                dest_url
                            }
                        }
                    }
                    None if is_script_url(&dest_url) => CowStr::from("#"),
                    None => dest_url,
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            // Raw HTML is shown as text: hostile or stray markup stays inert.
            Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
            other => other,
        };
        match &event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => text.push('\n'),
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, Vec::new(), String::new()))
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, inner, title)) = heading.take() else {
                    continue;
                };
                let id = unique_id(&mut ids, &slugify(&title));
                let mut inner_html = String::new();
                html::push_html(&mut inner_html, inner.into_iter());
                let n = level as u8;
                out.push(Event::Html(CowStr::from(format!(
                    "<h{n} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"{} {}\">#</a></h{n}>\n",
                    escape_attr(anchor_label),
                    escape_attr(&title)
                ))));
                toc.push(Heading {
                    level: n,
                    id,
                    title,
                });
            }
            e if heading.is_some() => {
                let (_, inner, title) = heading.as_mut().expect("inside a heading");
                if let Event::Text(t) | Event::Code(t) = &e {
                    title.push_str(t);
                }
                inner.push(e);
            }
            Event::Start(Tag::Table(a)) => {
                out.push(Event::Html(CowStr::from("<div class=\"table-wrap\">")));
                out.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::from("</div>")));
            }
            e => out.push(e),
        }
    }
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    (
        Rendered {
            html: html_out,
            text,
            toc,
        },
        errors,
    )
}

/// `javascript:` and similar URLs run code when clicked: content links may not use them.
fn is_script_url(url: &str) -> bool {
    let scheme: String = url
        .trim_start()
        .chars()
        .take_while(|c| *c != ':')
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    url.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

/// A heading id that keeps Japanese: lowercase, spaces to `-`, punctuation dropped.
pub fn slugify(title: &str) -> String {
    let mut id = String::new();
    for c in title.trim().chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches('-').to_string();
    if id.is_empty() {
        "section".into()
    } else {
        id
    }
}

fn unique_id(seen: &mut HashMap<String, usize>, id: &str) -> String {
    let n = seen.entry(id.to_string()).or_insert(0);
    *n += 1;
    if *n == 1 {
        id.to_string()
    } else {
        format!("{id}-{}", *n - 1)
    }
}

pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn headings_get_ids_and_anchors() {
        let (r, _) = render("## 第1章 はじめに\n\n## 第1章 はじめに\n", &none, "link to");
        assert!(r.html.contains("<h2 id=\"第1章-はじめに\">"), "{}", r.html);
        assert!(r.html.contains("id=\"第1章-はじめに-1\""));
        assert_eq!(r.toc.len(), 2);
        assert!(r.html.contains("href=\"#第1章-はじめに\""));
    }

    #[test]
    fn tables_and_footnotes() {
        let (r, _) = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nx[^1]\n\n[^1]: note\n",
            &none,
            "",
        );
        assert!(r.html.contains("<div class=\"table-wrap\"><table>"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn internal_links_resolve_or_fail() {
        let resolve = |p: &str| (p == "cities/a/_index.md").then(|| "/cities/a/".to_string());
        let (r, e) = render("[a](@/cities/a/_index.md#x) [b](@/nope.md)", &resolve, "");
        assert!(r.html.contains("href=\"/cities/a/#x\""));
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("@/nope.md"));
        assert_eq!(e[0].offset, 28);
    }

    #[test]
    fn raw_html_is_inert() {
        let (r, _) = render(
            "<script>alert(1)</script>\n\ntext <b onclick=x>b</b>",
            &none,
            "",
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<b "), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        let (r, _) = render(
            "[a](javascript:alert(1)) [b]( JavaScript:x) [c](https://example.org/)",
            &none,
            "",
        );
        assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
        assert!(r.html.contains("https://example.org/"));
    }

    #[test]
    fn plain_text_for_the_index() {
        let (r, _) = render("# 見出し\n\n本文の**強調**です。\n\n- 項目", &none, "");
        assert_eq!(r.text, "見出し\n本文の強調です。\n項目\n");
    }
}
