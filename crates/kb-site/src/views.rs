//! View models: the joined, language-resolved data each template receives. Joining happens here,
//! in Rust, so templates only lay out (a city's measures, a measure's KPIs, a theme's matrix).

use crate::content::{Entry, Kind};
use crate::model::{CityExtra, Kpi};
use crate::site::Site;
use serde_json::{json, Value};

pub fn link(title: &str, url: &str) -> Value {
    json!({ "title": title, "url": url })
}

pub fn theme_ref(site: &Site, slug: &str, lang: &str) -> Value {
    json!({
        "slug": slug,
        "name": site.config.theme_name(slug, lang).unwrap_or(slug),
        "url": theme_url(slug, lang),
    })
}

pub fn theme_url(slug: &str, lang: &str) -> String {
    if lang == "en" {
        format!("/en/themes/{slug}/")
    } else {
        format!("/themes/{slug}/")
    }
}

pub fn lang_prefix(lang: &str) -> &'static str {
    if lang == "en" {
        "/en"
    } else {
        ""
    }
}

/// A measure as listed in tables and matrices.
pub fn measure_summary(site: &Site, e: &Entry) -> Value {
    let m = e.measure().cloned().unwrap_or_default();
    let lang = &e.lang;
    let themes: Vec<Value> = e
        .front
        .taxonomies
        .get("themes")
        .map(|t| t.iter().map(|s| theme_ref(site, s, lang)).collect())
        .unwrap_or_default();
    let city = e.kind.city().unwrap_or_default();
    let kpis: Vec<Value> = city_structured(site, city)
        .map(|c| {
            c.kpis
                .iter()
                .filter(|k| k.measure.as_deref() == Some(e.slug()))
                .map(|k| kpi_view(site, city, k, lang))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": e.slug(),
        "title": e.title(),
        "url": e.url,
        "city": city,
        "city_name": site.city_name(city, lang),
        "themes": themes,
        "status": m.status,
        "status_label": m.status.as_ref().map(|s| site.config.trans(&format!("status_{s}"), lang)),
        "commitment": m.commitment,
        "commitment_label": m.commitment.as_ref().map(|s| site.config.trans(&format!("commitment_{s}"), lang)),
        "kpis": kpis,
    })
}

/// The language-neutral tables of a city, always from its Japanese file.
pub fn city_structured<'a>(site: &'a Site, city: &str) -> Option<&'a CityExtra> {
    site.city(city, "ja").and_then(Entry::city_extra)
}

pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

pub fn kpi_view(site: &Site, city: &str, k: &Kpi, lang: &str) -> Value {
    let unit = k
        .unit
        .as_deref()
        .and_then(|u| site.config.extra.units.get(u))
        .map(|u| u.get(lang).to_string());
    let measure = k
        .measure
        .as_deref()
        .and_then(|m| site.measure_by_id(m, lang))
        .map(|e| link(e.title(), &e.url));
    let yv = |v: &Option<crate::model::YearValue>| {
        v.as_ref().map(|v| json!({ "year": v.year, "value": v.value, "display": format_number(v.value), "label": v.label }))
    };
    json!({
        "id": k.id,
        "city": city,
        "city_name": site.city_name(city, lang),
        "city_url": format!("{}/cities/{city}/", lang_prefix(lang)),
        "indicator": k.indicator.get(lang),
        "unit": unit,
        "unit_code": k.unit,
        "comparator": k.comparator,
        "baseline": yv(&k.baseline),
        "target": yv(&k.target),
        "series": k.series.iter().map(|v| json!({ "year": v.year, "value": v.value, "display": format_number(v.value), "label": v.label })).collect::<Vec<_>>(),
        "note": k.note.as_ref().map(|n| n.get(lang)),
        "measure": measure,
        "source_line": k.source_line,
    })
}

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
    let chapters: Vec<Value> = site
        .chapters(city, lang)
        .iter()
        .map(|e| link(e.title(), &e.url))
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
    cs.unwrap_or_default()
        .iter()
        .map(|c| json!({ "line": c.line, "source": c.source, "corrected": c.corrected, "note": c.note.as_ref().map(|n| n.get(&e.lang)) }))
        .collect()
}

/// One column per city for a theme: the measures whose themes include it, primary ones first.
pub fn theme_matrix(site: &Site, theme: &str, lang: &str) -> Vec<Value> {
    site.cities()
        .into_iter()
        .map(|city| {
            let mut primary = Vec::new();
            let mut secondary = Vec::new();
            for e in site.measures(city, lang) {
                let themes = e
                    .front
                    .taxonomies
                    .get("themes")
                    .cloned()
                    .unwrap_or_default();
                match themes.iter().position(|t| t == theme) {
                    Some(0) => primary.push(measure_summary(site, e)),
                    Some(_) => secondary.push(measure_summary(site, e)),
                    None => {}
                }
            }
            let count = primary.len() + secondary.len();
            json!({
                "slug": city,
                "name": site.city_name(city, lang),
                "url": format!("{}/cities/{city}/", lang_prefix(lang)),
                "primary": primary,
                "secondary": secondary,
                "count": count,
            })
        })
        .collect()
}
