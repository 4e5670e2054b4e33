//! The measure page's view: the measure's summary with its chapter and place in the source,
//! similar measures of other cities, and the Japanese original beside an English translation.

use super::common::{link, measure_summary, source_line_url};
use super::Views;
use crate::content::Entry;
use serde_json::{json, Value};

pub(super) fn add(views: &Views<'_>, entry: &Entry, page: &mut Value) {
    let site = views.site;
    let lang = entry.lang.as_str();
    let m = entry.measure().cloned().unwrap_or_default();
    let city = entry.kind.city().unwrap_or_default();
    let chapter = m
        .chapter
        .as_ref()
        .and_then(|c| site.get(&format!("cities/{city}/chapters/{c}.md"), lang))
        .map(|c| link(c.title(), &c.url));
    page["measure"] = measure_summary(site, entry);
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
