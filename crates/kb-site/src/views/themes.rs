//! The theme pages' views: the list of themes with its coverage heatmap, and one theme's
//! matrix of measures per city.

use super::common::{lang_prefix, link, measure_summary, theme_ref, theme_url};
use super::{Context, Views};
use crate::charts;
use crate::site::Site;
use serde_json::{json, Value};

/// The list of themes: each theme's measure counts per city, and the coverage heatmap.
pub(super) fn list_context(views: &Views<'_>, lang: &str) -> Context {
    let site = views.site;
    let url = format!("{}/themes/", lang_prefix(lang));
    let alternates = vec![
        json!({ "lang": "ja", "url": "/themes/" }),
        json!({ "lang": "en", "url": "/en/themes/" }),
    ];
    let crumbs = vec![
        link(
            &site.config.trans("home", lang),
            if lang == "en" { "/en/" } else { "/" },
        ),
        link(&site.config.trans("themes", lang), &url),
    ];
    let mut ctx = views.base_context(lang, &url, alternates, crumbs);
    let terms = theme_counts(site, lang);
    let city_names: Vec<String> = site
        .cities()
        .into_iter()
        .map(|c| site.city_name(c, lang).to_string())
        .collect();
    let rows: Vec<(String, String, Vec<usize>)> = terms
        .iter()
        .map(|t| {
            let counts = t["counts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_u64())
                        .map(|n| n as usize)
                        .collect()
                })
                .unwrap_or_default();
            (
                t["name"].as_str().unwrap_or_default().to_string(),
                t["url"].as_str().unwrap_or_default().to_string(),
                counts,
            )
        })
        .collect();
    let title = format!(
        "{} × {}",
        site.config.trans("themes", lang),
        site.config.trans("cities", lang)
    );
    ctx["heatmap"] = json!(charts::heatmap("coverage", &title, &city_names, &rows));
    ctx["terms"] = Value::Array(terms);
    ctx["cities"] = Value::Array(
        site.cities()
            .into_iter()
            .map(|c| {
                link(
                    site.city_name(c, lang),
                    &format!("{}/cities/{c}/", lang_prefix(lang)),
                )
            })
            .collect(),
    );
    ctx["taxonomy"] = json!({ "name": "themes" });
    ctx
}

/// One theme's page: its matrix of measures per city.
pub(super) fn theme_context(views: &Views<'_>, slug: &str, lang: &str) -> Context {
    let site = views.site;
    let url = theme_url(slug, lang);
    let alternates = vec![
        json!({ "lang": "ja", "url": theme_url(slug, "ja") }),
        json!({ "lang": "en", "url": theme_url(slug, "en") }),
    ];
    let crumbs = vec![
        link(
            &site.config.trans("home", lang),
            if lang == "en" { "/en/" } else { "/" },
        ),
        link(
            &site.config.trans("themes", lang),
            &format!("{}/themes/", lang_prefix(lang)),
        ),
        link(site.config.theme_name(slug, lang).unwrap_or(slug), &url),
    ];
    let mut ctx = views.base_context(lang, &url, alternates, crumbs);
    let columns = theme_matrix(site, slug, lang);
    let total: u64 = columns.iter().filter_map(|c| c["count"].as_u64()).sum();
    ctx["term"] = theme_ref(site, slug, lang);
    ctx["term"]["total"] = json!(total);
    ctx["term"]["csv"] = json!(format!("/data/themes/{slug}.csv"));
    ctx["columns"] = Value::Array(columns);
    ctx["taxonomy"] = json!({ "name": "themes" });
    ctx
}

/// For each theme: how many measures each city has on it (primary or secondary).
pub(super) fn theme_counts(site: &Site, lang: &str) -> Vec<Value> {
    let cities = site.cities();
    site.config
        .theme_slugs()
        .map(|slug| {
            let counts: Vec<usize> = cities
                .iter()
                .map(|c| {
                    site.measures(c, "ja")
                        .iter()
                        .filter(|e| {
                            e.front
                                .taxonomies
                                .get("themes")
                                .is_some_and(|t| t.iter().any(|x| x == slug))
                        })
                        .count()
                })
                .collect();
            let mut v = theme_ref(site, slug, lang);
            v["total"] = json!(counts.iter().sum::<usize>());
            v["counts"] = json!(counts);
            v
        })
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
