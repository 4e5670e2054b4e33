//! Splitting a content file into its `+++` TOML front matter and Markdown body, and parsing the
//! front matter with Zola's keys. Unknown keys are errors: a typo must never pass silently.

use crate::diagnostics::{line_col, Diagnostic};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::path::Path;

/// A content file split at its front matter fences.
#[derive(Debug, Clone)]
pub struct SplitFile {
    /// The TOML between the fences.
    pub front_matter: String,
    /// 1-based line of the first TOML line in the file.
    pub front_matter_line: usize,
    /// The Markdown after the closing fence.
    pub body: String,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
}

/// Splits `text` (the whole file) into front matter and body.
/// CRLF line ends are accepted and normalised; a byte-order mark is an error, since Zola rejects it.
pub fn split(path: &Path, text: &str) -> Result<SplitFile, Diagnostic> {
    if text.starts_with('\u{feff}') {
        return Err(Diagnostic::new(
            path,
            1,
            "the file starts with a UTF-8 byte-order mark (BOM)",
        )
        .at(1, 1)
        .with_hint("save the file as UTF-8 without BOM"));
    }
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(Diagnostic::new(
            path,
            1,
            "the file is empty: a content file needs `+++` front matter with at least a title",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "+++" {
        return Err(Diagnostic::new(
            path,
            1,
            "missing front matter: the file must start with a `+++` line",
        )
        .at(1, 1));
    }
    let mut front = String::new();
    let mut line_no = 1;
    for line in lines.by_ref() {
        line_no += 1;
        if line.trim_end() == "+++" {
            let body: String = lines.collect();
            return Ok(SplitFile {
                front_matter: front,
                front_matter_line: 2,
                body,
                body_line: line_no + 1,
            });
        }
        front.push_str(line);
    }
    Err(Diagnostic::new(
        path,
        1,
        "the front matter opened by `+++` on line 1 is never closed by a second `+++` line",
    ))
}

/// Parses TOML front matter into `T`, mapping TOML and serde errors to `file:line:column`.
pub fn parse<T: DeserializeOwned>(path: &Path, split: &SplitFile) -> Result<T, Diagnostic> {
    toml::from_str::<T>(&split.front_matter).map_err(|e| toml_diagnostic(path, split, &e))
}

fn toml_diagnostic(path: &Path, split: &SplitFile, e: &toml::de::Error) -> Diagnostic {
    let (line, column) = match e.span() {
        Some(span) => {
            let (l, c) = line_col(&split.front_matter, span.start);
            (l + split.front_matter_line - 1, c)
        }
        None => (split.front_matter_line, 0),
    };
    let message = e.message().trim().replace('\n', " ");
    let mut d =
        Diagnostic::new(path, line, format!("invalid front matter: {message}")).at(line, column);
    if let Some(hint) = hint_for(&message) {
        d = d.with_hint(hint);
    }
    d
}

/// A hint for serde's "unknown field `x`, expected one of `a`, `b`" messages: the nearest key.
fn hint_for(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    crate::suggest::nearest(field, candidates.iter().copied())
        .map(|s| format!("did you mean `{s}`?"))
}

/// Zola's page front matter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<toml::Value>,
    pub updated: Option<toml::Value>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    pub path: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    pub template: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub in_search_index: Option<bool>,
    #[serde(default)]
    pub taxonomies: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// Zola's section (`_index.md`) front matter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub paginate_by: Option<usize>,
    pub insert_anchor_links: Option<String>,
    pub render: Option<bool>,
    pub redirect_to: Option<String>,
    pub transparent: Option<bool>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub in_search_index: Option<bool>,
    pub generate_feeds: Option<bool>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// The front matter of either kind of file, so that callers can treat them alike.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub draft: bool,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub taxonomies: std::collections::BTreeMap<String, Vec<String>>,
    pub extra: toml::Table,
    pub in_search_index: bool,
    pub date: Option<String>,
    /// Zola's `updated` (pages only), as written: a TOML date or a string.
    pub updated: Option<String>,
}

impl From<PageFrontMatter> for FrontMatter {
    fn from(p: PageFrontMatter) -> Self {
        FrontMatter {
            title: p.title,
            description: p.description,
            weight: p.weight,
            slug: p.slug,
            aliases: p.aliases,
            draft: p.draft,
            template: p.template,
            page_template: None,
            taxonomies: p.taxonomies,
            extra: p.extra,
            in_search_index: p.in_search_index.unwrap_or(true),
            date: p.date.map(toml_date_text),
            updated: p.updated.map(toml_date_text),
        }
    }
}

impl From<SectionFrontMatter> for FrontMatter {
    fn from(s: SectionFrontMatter) -> Self {
        FrontMatter {
            title: s.title,
            description: s.description,
            weight: s.weight,
            slug: None,
            aliases: s.aliases,
            draft: false,
            template: s.template,
            page_template: s.page_template,
            taxonomies: Default::default(),
            extra: s.extra,
            in_search_index: s.in_search_index.unwrap_or(true),
            date: None,
            updated: None,
        }
    }
}

/// A front-matter date as text: a string as written, a TOML date as `YYYY-MM-DD…`.
fn toml_date_text(value: toml::Value) -> String {
    match value {
        toml::Value::String(s) => s,
        toml::Value::Datetime(d) => d.to_string(),
        // Through serde a TOML date can arrive as toml's private wrapper table.
        toml::Value::Table(t) if t.len() == 1 => match t.into_iter().next() {
            Some((_, toml::Value::String(s))) => s,
            Some((k, v)) => toml::Value::Table(toml::Table::from_iter([(k, v)])).to_string(),
            None => String::new(),
        },
        other => other.to_string(),
    }
}

/// The 1-based file line of the first front-matter line that contains `needle`, for pinning
/// semantic errors (an unknown theme, a bad status) to the line that holds the value.
pub fn locate(split: &SplitFile, needle: &str) -> usize {
    split
        .front_matter
        .lines()
        .position(|l| l.contains(needle))
        .map_or(split.front_matter_line, |i| i + split.front_matter_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/x.md")
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split(p(), "+++\ntitle = \"a\"\n+++\n# Body\n").unwrap();
        assert_eq!(s.front_matter, "title = \"a\"\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn accepts_crlf() {
        let s = split(p(), "+++\r\ntitle = \"a\"\r\n+++\r\nbody\r\n").unwrap();
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn rejects_bom_empty_and_unclosed() {
        assert!(split(p(), "\u{feff}+++\n+++\n")
            .unwrap_err()
            .message
            .contains("byte-order mark"));
        assert!(split(p(), "").unwrap_err().message.contains("empty"));
        let e = split(p(), "+++\ntitle = \"a\"\n").unwrap_err();
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn unknown_key_is_pinned_and_hinted() {
        let s = split(p(), "+++\ntitle = \"a\"\nwieght = 3\n+++\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("unknown field `wieght`"), "{e}");
        assert_eq!(e.hint.as_deref(), Some("did you mean `weight`?"));
    }

    #[test]
    fn dates_are_kept_as_written() {
        for (front, want) in [
            ("updated = 2026-11-30", "2026-11-30"),
            ("updated = \"2026-11-30\"", "2026-11-30"),
            (
                "updated = 2026-11-30T10:00:00+09:00",
                "2026-11-30T10:00:00+09:00",
            ),
        ] {
            let s = split(p(), &format!("+++\ntitle = \"a\"\n{front}\n+++\n")).unwrap();
            let fm: FrontMatter = parse::<PageFrontMatter>(p(), &s).unwrap().into();
            assert_eq!(fm.updated.as_deref(), Some(want), "{front}");
        }
    }

    #[test]
    fn type_errors_name_the_line() {
        let s = split(p(), "+++\ntitle = \"a\"\n\nweight = \"first\"\n+++\n").unwrap();
        let e = parse::<PageFrontMatter>(p(), &s).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }
}
