//! The city page's view model, and the city summary every page inside a city and the city lists
//! share.

use super::common::{
    city_source_file, city_structured, kpi_view, lang_prefix, link, measure_summary,
    source_line_url, source_url,
};
use crate::content::{Entry, Kind};
use crate::model::CityExtra;
use crate::site::Site;
use serde_json::{json, Value};

/// What every page inside a city and the city lists show about a city: name, links, metadata
/// and the number of measures. Small, so it can be shared by all of the city's pages.
pub fn city_summary(site: &Site, city: &str, lang: &str) -> Value {
    let Some(page) = site.city(city, lang) else {
        return Value::Null;
    };
    let meta = page.city_extra().cloned().unwrap_or_default();
    json!({
        "slug": city,
        "name": page.title(),
        "url": page.url,
        "meta": meta_view(&meta),
        // The Japanese page's `source`: the file is the same in both languages.
        "source_file": city_source_file(site, city),
        "source_url": source_url(site, city, lang),
        "measure_count": site.measures(city, lang).len(),
        "chapters_url": format!("{}/cities/{city}/chapters/", lang_prefix(lang)),
        "measures_url": format!("{}/cities/{city}/measures/", lang_prefix(lang)),
    })
}

/// A city's competency frameworks and training systems, labelled in `lang`:
/// `(frameworks, training)`.
pub fn city_tables(site: &Site, city: &str, lang: &str) -> (Value, Value) {
    let structured = city_structured(site, city).cloned().unwrap_or_default();
    let bl = |b: &crate::config::Bilingual| b.get(lang).to_string();
    let frameworks: Vec<Value> = structured
        .frameworks
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "name": bl(&f.name),
                "legend": f.legend.as_ref().map(bl),
                "note": f.note.as_ref().map(bl),
                "levels": f.levels.iter().map(bl).collect::<Vec<_>>(),
                "rows": f.rows.iter().map(|r| json!({
                    "group": r.group.as_ref().map(bl),
                    "competency": bl(&r.competency),
                    "marks": r.marks,
                    "descriptions": r.descriptions.iter().map(bl).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "source_line": f.source_line,
            })
        })
        .collect();
    let training: Vec<Value> = structured
        .training
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": bl(&t.name),
                "note": t.note.as_ref().map(bl),
                "rows": t.rows.iter().map(|r| json!({
                    "category": bl(&r.category),
                    "programs": r.programs.iter().map(bl).collect::<Vec<_>>(),
                    "target": r.target.as_ref().map(bl),
                    "note": r.note.as_ref().map(bl),
                })).collect::<Vec<_>>(),
                "source_line": t.source_line,
            })
        })
        .collect();
    (Value::Array(frameworks), Value::Array(training))
}

/// Everything the city page shows about a city: [`city_summary`], the structured tables with
/// labels in `lang`, its KPIs, corrections, and lists of chapters and measures.
pub fn city_view(site: &Site, city: &str, lang: &str) -> Value {
    let mut view = city_summary(site, city, lang);
    if view.is_null() {
        return view;
    }
    let structured = city_structured(site, city).cloned().unwrap_or_default();
    let measures: Vec<Value> = site
        .measures(city, lang)
        .iter()
        .map(|e| measure_summary(site, e))
        .collect();
    // Each chapter with its top-level sections: the linked contents at the top of the page.
    let chapters: Vec<Value> = site
        .chapters(city, lang)
        .iter()
        .map(|e| {
            let mut c = link(e.title(), &e.url);
            c["sections"] = site
                .rendered(e)
                .toc
                .iter()
                .filter(|h| h.depth == 1)
                .map(|h| link(&h.title, &format!("{}#{}", e.url, h.id)))
                .collect();
            c
        })
        .collect();
    let (frameworks, training) = city_tables(site, city, lang);
    view["measures"] = Value::Array(measures);
    view["chapters"] = Value::Array(chapters);
    view["kpis"] = structured
        .kpis
        .iter()
        .map(|k| kpi_view(site, city, k, lang))
        .collect();
    view["frameworks"] = frameworks;
    view["training"] = training;
    view["corrections"] = Value::Array(all_corrections(site, city, lang));
    view
}

fn meta_view(m: &CityExtra) -> Value {
    json!({
        "official_title": m.official_title,
        "subtitle": m.subtitle,
        "issued": m.issued,
        "issued_year": m.issued_year,
        "issuer": m.issuer,
        "plan_period": m.plan_period,
        "period_start": m.period_start,
        "period_end": m.period_end,
        "predecessor": m.predecessor,
        "parent_plan": m.parent_plan,
        "ideal_staff": m.ideal_staff,
        "values": m.values,
        "structure": m.structure,
        "source": m.source,
    })
}

/// Every OCR correction of a city, from its city, chapter and measure pages, with where it is.
pub fn all_corrections(site: &Site, city: &str, lang: &str) -> Vec<Value> {
    let mut list = Vec::new();
    let mut push = |page: Option<&Entry>, cs: &[crate::model::Correction]| {
        for c in cs {
            list.push(json!({
                "line": c.line,
                "line_url": source_line_url(site, city, lang, c.line),
                "source": c.source,
                "corrected": c.corrected,
                "note": c.note.as_ref().map(|n| n.get(lang)),
                "page": page.map(|p| link(p.title(), &p.url)),
            }));
        }
    };
    if let Some(c) = city_structured(site, city) {
        push(None, &c.corrections);
    }
    for e in site.city_entries(city, "ja") {
        let cs = match &e.kind {
            Kind::Chapter(_) => e.chapter().map(|c| c.corrections.as_slice()),
            Kind::Measure(_) => e.measure().map(|m| m.corrections.as_slice()),
            _ => None,
        };
        if let Some(cs) = cs {
            push(site.translation(e).filter(|_| lang == "en").or(Some(e)), cs);
        }
    }
    list.sort_by_key(|v| v["line"].as_u64());
    list
}
