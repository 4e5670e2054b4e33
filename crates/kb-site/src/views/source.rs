//! The source page of a city (`/cities/<city>/source/`, generated: no content file): every line
//! of its source document with its number, an anchor per line and the PDF page where one
//! begins. The Japanese and English pages show the same Japanese lines with their own chrome.

use super::common::{city_source_file, lang_prefix, link, source_url};
use super::{Context, Views};
use crate::diagnostics::Diagnostic;
use crate::source_text;
use minijinja::Value as JValue;
use serde_json::json;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A source document's lines as a template value, and how many there are.
type Lines = Result<(JValue, usize), Diagnostic>;

/// The lines of each source document as a template value, read and converted once per file
/// (the pages of both languages, and any cities that share a file, share it).
#[derive(Default)]
pub(super) struct SourceCache {
    files: HashMap<String, OnceLock<Lines>>,
}

impl SourceCache {
    pub(super) fn new(files: impl Iterator<Item = String>) -> SourceCache {
        SourceCache {
            files: files.map(|f| (f, OnceLock::new())).collect(),
        }
    }

    /// The lines of `file` and their count.
    fn get(&self, root: &std::path::Path, file: &str) -> Lines {
        let read = || {
            let text = source_text::read(root, file)?;
            let pages: HashMap<usize, u32> = text.pages.iter().copied().collect();
            let lines: Vec<_> = text
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| json!({ "n": i + 1, "text": l, "page": pages.get(&(i + 1)) }))
                .collect();
            Ok((JValue::from_serialize(&lines), lines.len()))
        };
        match self.files.get(file) {
            Some(cell) => cell.get_or_init(read).clone(),
            None => read(),
        }
    }
}

/// The context of `city`'s source page in `lang`.
pub(super) fn context(views: &Views<'_>, city: &str, lang: &str) -> Result<Context, Diagnostic> {
    let site = views.site;
    let file = city_source_file(site, city).unwrap_or_default();
    let url = source_url(site, city, lang).unwrap_or_default();
    let alternates = ["ja", "en"]
        .iter()
        .filter(|l| site.city(city, l).is_some())
        .map(|l| json!({ "lang": l, "url": source_url(site, city, l) }))
        .collect();
    let title = site.config.trans("source_text", lang);
    let mut crumbs = vec![link(
        &site.config.trans("home", lang),
        if lang == "en" { "/en/" } else { "/" },
    )];
    if let Some(list) = site.get("cities/_index.md", lang) {
        crumbs.push(link(list.title(), &list.url));
    }
    if let Some(page) = site.city(city, lang) {
        crumbs.push(link(page.title(), &page.url));
    }
    crumbs.push(link(&title, &url));
    let mut ctx = views.base_context(lang, &url, alternates, crumbs);
    ctx.shared("city", views.city_summary(city, lang));
    let (lines, count) = views.sources.get(&site.root, file)?;
    ctx["source"] = json!({
        "title": title,
        "file": file,
        "line_count": count,
        "url": url,
        "city_url": format!("{}/cities/{city}/", lang_prefix(lang)),
    });
    ctx.shared("lines", lines);
    let updated = views.file_date(&std::path::Path::new("sources").join(file));
    ctx["last_updated"] = json!(updated);
    Ok(ctx)
}
