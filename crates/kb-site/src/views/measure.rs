//! The measure page's view: the measure's summary with its chapter and place in the source,
//! similar measures of other cities, and the Japanese original beside an English translation.

use super::common::{link, measure_summary, source_line_url};
use super::Views;
use crate::content::Entry;
use serde_json::{json, Value};

/// The id of a chapter page's text (templates/chapter.html), before its first section `s1`.
const CHAPTER_TEXT: &str = "s0";

pub(super) fn add(views: &Views<'_>, entry: &Entry, page: &mut Value) {
    let site = views.site;
    let lang = entry.lang.as_str();
    let m = entry.measure().cloned().unwrap_or_default();
    let city = entry.kind.city().unwrap_or_default();
    let chapter = m
        .chapter
        .as_ref()
        .and_then(|c| site.get(&format!("cities/{city}/chapters/{c}.md"), lang))
        .map(|c| {
            // A measure from the text before the chapter's first heading: the text's start.
            let id = section_id(views, entry).unwrap_or_else(|| CHAPTER_TEXT.to_string());
            link(c.title(), &format!("{}#{id}", c.url))
        });
    page["measure"] = measure_summary(site, entry);
    // The measure's own indicators: their link back to the measure would be to this page.
    if let Some(kpis) = page["measure"]["kpis"].as_array_mut() {
        for k in kpis {
            k["measure"] = Value::Null;
        }
    }
    page["measure"]["chapter"] = chapter.unwrap_or(Value::Null);
    page["measure"]["path"] = json!(m.path);
    page["measure"]["source_lines"] = json!(m.source_lines);
    page["measure"]["source_url"] = json!(m
        .source_lines
        .and_then(|[first, _]| source_line_url(site, city, lang, first)));
    page["similar"] = similar_view(views, entry);
    if let Some(original) = super::page::original(site, entry) {
        page["original"] = original;
    }
}

/// The id of the chapter section a measure comes from, found in the Japanese files (the chapter
/// path there reads as the source's headings; the ids are the same in both languages).
fn section_id(views: &Views<'_>, entry: &Entry) -> Option<String> {
    let site = views.site;
    let ja = if entry.lang == "ja" {
        entry
    } else {
        site.translation(entry)?
    };
    let m = ja.measure()?;
    let city = ja.kind.city()?;
    let chapter = site.get(
        &format!("cities/{city}/chapters/{}.md", m.chapter.as_deref()?),
        "ja",
    )?;
    let toc = views.chapter_toc(chapter)?;
    super::chapter::locate(toc, &m.path, ja.title()).map(|h| h.id.clone())
}

/// Similar measures grouped by city, in the configured city order.
fn similar_view(views: &Views<'_>, entry: &Entry) -> Value {
    let site = views.site;
    let hits = site
        .position(&entry.key, &entry.lang)
        .and_then(|i| views.similar?.get(&i));
    let Some(hits) = hits else {
        return json!([]);
    };
    // (position of the city, city, its similar measures with scores)
    type Group<'e> = (usize, &'e str, Vec<(&'e Entry, f32)>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    for h in hits {
        let Some(e) = site.entries.get(h.entry) else {
            continue;
        };
        let city = e.kind.city().unwrap_or_default();
        match groups.iter_mut().find(|g| g.1 == city) {
            Some(g) => g.2.push((e, h.score)),
            None => {
                let Some(pos) = site.city_position(city) else {
                    continue;
                };
                groups.push((pos, city, vec![(e, h.score)]));
            }
        }
    }
    groups.sort_by_key(|g| g.0);
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(_, c, items)| {
            json!({
                "city": c,
                "city_name": site.city_name(c, &entry.lang),
                "items": items.iter().map(|(e, score)| json!({ "url": e.url, "title": e.title(), "score": score })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!(groups)
}
