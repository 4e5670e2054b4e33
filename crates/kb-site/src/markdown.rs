//! Markdown to HTML with pulldown-cmark: tables, footnotes, heading ids with anchor links,
//! Zola's `@/path.md` internal links resolved at build time, and a plain-text rendering for the
//! search index. Raw HTML in content is escaped: content is text, never markup to execute.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heading {
    pub level: u8,
    /// 1 for the page's top heading level (the level of its first heading), 2 below it, ….
    pub depth: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, blocks separated by newlines.
    pub text: String,
    pub toc: Vec<Heading>,
    /// Byte offsets in `html` where each heading outside any container (list, quote, table,
    /// footnote) starts: the page cut into sections there, to pair them with a translation's.
    pub breaks: Vec<usize>,
}

/// How headings get their ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeadingIds {
    /// From the heading's text (`第1章-はじめに`): readable, but each language has its own.
    #[default]
    Slug,
    /// From the heading's place in the outline (`s2`, `s2-4`, `s2-4-1`): the same in both
    /// languages of a page whose translation keeps the source's headings, so a link to a
    /// section (and the language switch) works in either language.
    Numbered,
    /// None and no anchor link: for a text shown inside another page (the Japanese original
    /// beside its translation), whose ids would repeat the page's own.
    Bare,
}

/// Marks a heading outside any container while rendering. Content cannot produce it: raw HTML
/// in content is escaped to text.
const BREAK: &str = "<!--kb:break-->";

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
    render_with(markdown, resolve, anchor_label, HeadingIds::Slug)
}

/// [`render`] with a choice of heading ids.
pub fn render_with(
    markdown: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
    anchor_label: &str,
    style: HeadingIds,
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
    let mut outline = Outline::default();
    // How many containers (lists, quotes, tables, footnotes) the parser is inside.
    let mut nesting = 0usize;

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
        match &event {
            Event::Start(
                Tag::List(_)
                | Tag::BlockQuote(_)
                | Tag::Table(_)
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList,
            ) => nesting += 1,
            Event::End(
                TagEnd::List(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionList,
            ) => nesting = nesting.saturating_sub(1),
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
                let n = level as u8;
                let (number, depth) = outline.next(n);
                let id = match style {
                    HeadingIds::Numbered => unique_id(&mut ids, &number),
                    _ => unique_id(&mut ids, &slugify(&title)),
                };
                let mut inner_html = String::new();
                html::push_html(&mut inner_html, inner.into_iter());
                if nesting == 0 {
                    out.push(Event::Html(CowStr::from(BREAK)));
                }
                out.push(Event::Html(CowStr::from(if style == HeadingIds::Bare {
                    format!("<h{n}>{inner_html}</h{n}>\n")
                } else {
                    format!(
                        "<h{n} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"{} {}\">#</a></h{n}>\n",
                        escape_attr(anchor_label),
                        escape_attr(&title)
                    )
                })));
                toc.push(Heading {
                    level: n,
                    depth,
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
    let mut marked = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut marked, out.into_iter());
    let mut html_out = String::with_capacity(marked.len());
    let mut breaks = Vec::new();
    for (i, part) in marked.split(BREAK).enumerate() {
        if i > 0 {
            breaks.push(html_out.len());
        }
        html_out.push_str(part);
    }
    (
        Rendered {
            html: html_out,
            text,
            toc,
            breaks,
        },
        errors,
    )
}

/// The section numbers of a page's headings: a counter per level, counted from the level of the
/// page's first heading (a later, higher heading counts as that level).
#[derive(Default)]
struct Outline {
    top: Option<u8>,
    counters: Vec<u32>,
}

impl Outline {
    /// The number (`s2-4`) and depth (1 for the top level) of the next heading of `level`.
    fn next(&mut self, level: u8) -> (String, u8) {
        let top = *self.top.get_or_insert(level);
        let depth = usize::from(level.saturating_sub(top)) + 1;
        self.counters.resize(depth, 0);
        self.counters[depth - 1] += 1;
        let parts: Vec<String> = self.counters.iter().map(u32::to_string).collect();
        (format!("s{}", parts.join("-")), depth as u8)
    }
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
    fn numbered_ids_follow_the_outline_and_bare_headings_have_none() {
        let md = "Intro\n\n## Ⅰ 育成\n\n### 1 研修\n\n#### (1) 体系\n\n### 2 評価\n\n## Ⅱ 確保\n\n- item\n\n  ### in a list\n";
        let (r, _) = render_with(md, &none, "link to", HeadingIds::Numbered);
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["s1", "s1-1", "s1-1-1", "s1-2", "s2", "s2-1"]);
        let depths: Vec<u8> = r.toc.iter().map(|h| h.depth).collect();
        assert_eq!(depths, [1, 2, 3, 2, 1, 2]);
        assert!(r
            .html
            .contains("<h3 id=\"s1-1\">1 研修 <a class=\"anchor\" href=\"#s1-1\""));
        // A break before each heading outside a container, none for the one in the list.
        assert_eq!(r.breaks.len(), 5);
        assert!(r.html[r.breaks[0]..].starts_with("<h2 id=\"s1\">"));
        assert!(r.html[..r.breaks[0]].contains("Intro"));
        assert!(!r.html.contains("kb:break"));
        let (bare, _) = render_with(md, &none, "link to", HeadingIds::Bare);
        assert!(
            bare.html.contains("<h2>Ⅰ 育成</h2>") && !bare.html.contains(" id="),
            "{}",
            bare.html
        );
        // A page whose first heading is an h3 counts from there.
        let (r, _) = render_with("### a\n\n## b\n\n#### c\n", &none, "", HeadingIds::Numbered);
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2", "s2-1"]);
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
