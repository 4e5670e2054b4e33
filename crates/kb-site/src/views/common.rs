//! Building blocks shared by several page kinds: links, theme references, URL prefixes, number
//! formatting, and the summaries of a measure and an indicator as tables and lists show them.

use crate::content::Entry;
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

/// The file in `sources/` a city's source document is, from its Japanese page (the key is
/// language-neutral).
pub fn city_source_file<'a>(site: &'a Site, city: &str) -> Option<&'a str> {
    city_structured(site, city).and_then(|c| c.source.as_deref())
}

/// The URL of a city's source page in `lang`, if the city names a source document.
pub fn source_url(site: &Site, city: &str, lang: &str) -> Option<String> {
    city_source_file(site, city).map(|_| format!("{}/cities/{city}/source/", lang_prefix(lang)))
}

/// The link to line `line` of a city's source page (`…/source/#L588`).
pub fn source_line_url(site: &Site, city: &str, lang: &str, line: usize) -> Option<String> {
    source_url(site, city, lang).map(|u| format!("{u}#L{line}"))
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
    // `label`: the value's year as the reader's language writes it (R4年度 / FY2022).
    let point = |v: &crate::model::YearValue| {
        let label = crate::kpi_format::when_text(&crate::kpi_format::when(v), lang);
        json!({ "year": v.year, "value": v.value, "display": format_number(v.value), "label": label })
    };
    let yv = |v: &Option<crate::model::YearValue>| v.as_ref().map(point);
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
        "series": k.series.iter().map(point).collect::<Vec<_>>(),
        "note": k.note.as_ref().map(|n| n.get(lang)),
        "measure": measure,
        "source_line": k.source_line,
        "source_url": k.source_line.and_then(|l| source_line_url(site, city, lang, l)),
    })
}
