//! What every content page receives, whatever its kind: Zola's `page` (or `section`) with its
//! rendered Markdown, its translations, breadcrumbs, corrections, and a section's children.

use super::common::{link, measure_summary, source_line_url};
use crate::content::{Entry, Kind, KindData};
use crate::site::Site;
use serde_json::{json, Value};

pub(super) fn alternates(site: &Site, entry: &Entry) -> Vec<Value> {
    let mut alts = vec![json!({ "lang": entry.lang, "url": entry.url })];
    if let Some(t) = site.translation(entry) {
        alts.push(json!({ "lang": t.lang, "url": t.url }));
    }
    alts.sort_by_key(|v| v["lang"].as_str() != Some("ja"));
    alts
}

pub(super) fn breadcrumbs(site: &Site, entry: &Entry) -> Vec<Value> {
    let lang = &entry.lang;
    let mut crumbs = vec![link(
        &site.config.trans("home", lang),
        if lang == "en" { "/en/" } else { "/" },
    )];
    let parts: Vec<&str> = entry.key.split('/').collect();
    // Every ancestor directory with an _index.md is a crumb.
    for depth in 1..parts.len() {
        let key = format!("{}/_index.md", parts[..depth].join("/"));
        if key == entry.key {
            break;
        }
        if let Some(section) = site.get(&key, lang) {
            crumbs.push(link(section.title(), &section.url));
        }
    }
    if entry.kind != Kind::Home {
        crumbs.push(link(entry.title(), &entry.url));
    }
    crumbs
}

/// Zola's `page` (or `section`) variable.
pub(super) fn page_value(site: &Site, entry: &Entry) -> Value {
    let lang = entry.lang.as_str();
    let rendered = site.rendered(entry);
    // Zola's `page.extra`: the typed data of the kinds the model defines, else the table.
    let extra = match &entry.data {
        KindData::City(c) => serde_json::to_value(c),
        KindData::Chapter(c) => serde_json::to_value(c),
        KindData::Measure(m) => serde_json::to_value(m),
        KindData::None => serde_json::to_value(&entry.front.extra),
    }
    .unwrap_or(Value::Null);
    let mut page = json!({
        "title": entry.title(),
        "description": entry.front.description,
        "content": rendered.html,
        "toc": rendered.toc,
        "url": entry.url,
        "permalink": entry.url,
        "path": entry.url,
        "slug": entry.slug(),
        "kind": entry.kind.name(),
        "lang": lang,
        "extra": extra,
        "taxonomies": entry.front.taxonomies,
        "date": entry.front.date,
        "corrections": page_corrections(site, entry),
        "translations": alternates(site, entry),
    });
    if entry.is_section {
        page["pages"] = Value::Array(child_pages(site, entry));
        page["subsections"] = Value::Array(subsections(site, entry));
    }
    page
}

/// The Japanese original's rendered body, shown beside an English translation (its headings
/// without ids: the translation's own carry them).
pub(super) fn original(site: &Site, entry: &Entry) -> Option<Value> {
    if entry.lang != "en" {
        return None;
    }
    site.translation(entry)
        .map(|ja| json!(site.rendered_bare(ja).html))
}

fn child_pages(site: &Site, section: &Entry) -> Vec<Value> {
    site.child_pages(section)
        .into_iter()
        .map(|e| {
            if matches!(e.kind, Kind::Measure(_)) {
                measure_summary(site, e)
            } else {
                json!({ "title": e.title(), "url": e.url, "description": e.front.description })
            }
        })
        .collect()
}

fn subsections(site: &Site, section: &Entry) -> Vec<Value> {
    site.subsections(section)
        .into_iter()
        .map(|e| json!({ "title": e.title(), "url": e.url, "description": e.front.description }))
        .collect()
}

/// The corrections recorded on one page (kept in its Japanese file), labelled in `lang`.
pub fn page_corrections(site: &Site, e: &Entry) -> Vec<Value> {
    let ja = if e.lang == "ja" {
        Some(e)
    } else {
        site.translation(e)
    };
    let cs = ja.and_then(|j| match &j.kind {
        Kind::Chapter(_) => j.chapter().map(|c| c.corrections.clone()),
        Kind::Measure(_) => j.measure().map(|m| m.corrections.clone()),
        Kind::City(_) => j.city_extra().map(|c| c.corrections.clone()),
        _ => None,
    });
    let city = e.kind.city().unwrap_or_default();
    cs.unwrap_or_default()
        .iter()
        .map(|c| json!({ "line": c.line, "line_url": source_line_url(site, city, &e.lang, c.line), "source": c.source, "corrected": c.corrected, "note": c.note.as_ref().map(|n| n.get(&e.lang)) }))
        .collect()
}
