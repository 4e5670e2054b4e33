//! The theme pages' views: the list of themes with its coverage heatmap, and one theme's
//! matrix of measures per city.

use super::common::{lang_prefix, link, measure_summary, theme_ref, theme_url};
use super::{Context, Views};
use crate::heatmap::{self, HeatColumn, HeatRow};
use crate::site::Site;
use crate::summary;
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
    let columns: Vec<HeatColumn> = site
        .cities()
        .into_iter()
        .map(|c| HeatColumn {
            name: site.city_name(c, lang).to_string(),
            slug: c.to_string(),
        })
        .collect();
    let rows: Vec<HeatRow> = terms
        .iter()
        .map(|t| HeatRow {
            name: t["name"].as_str().unwrap_or_default().to_string(),
            url: t["url"].as_str().unwrap_or_default().to_string(),
            counts: t["counts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_u64())
                        .map(|n| n as usize)
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let title = format!(
        "{} × {}",
        site.config.trans("themes", lang),
        site.config.trans("cities", lang)
    );
    let count_label = site.config.trans("measure_count", lang);
    let cell_label = |t: &str, c: &str, n: usize| format!("{t} — {c}: {count_label} {n}");
    ctx["heatmap"] = json!(heatmap::heatmap(
        "coverage",
        &title,
        &columns,
        &rows,
        &cell_label
    ));
    ctx["heat_legend"] = json!(heatmap::legend(heatmap::max_count(&rows)));
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
    ctx["last_updated"] = json!(themes_date(views, None, lang));
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
    ctx["badges"] = badge_defaults(site, lang);
    ctx["columns"] = Value::Array(columns);
    ctx["taxonomy"] = json!({ "name": "themes" });
    ctx["last_updated"] = json!(themes_date(views, Some(slug), lang));
    ctx
}

/// When a theme page (`slug`) or the theme list (`None`) last changed: the newest change of
/// the measures it shows in `lang` and of config.toml (the themes' names). Dates are ISO
/// `YYYY-MM-DD`, so the greatest string is the newest.
fn themes_date<'v>(views: &'v Views<'_>, slug: Option<&str>, lang: &'v str) -> Option<&'v str> {
    let site = views.site;
    site.in_lang(lang)
        .filter(|e| matches!(e.kind, crate::content::Kind::Measure(_)))
        .filter(|e| {
            e.front
                .taxonomies
                .get("themes")
                .is_some_and(|t| slug.is_none_or(|slug| t.iter().any(|t| t == slug)))
        })
        .filter_map(|e| views.entry_date(e))
        .chain(views.file_date(std::path::Path::new("config.toml")))
        .max()
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

/// The value more than half of `values` hold, if one does: the common default a badge need not
/// repeat on every item.
fn majority<'a>(values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let mut total = 0;
    for v in values {
        total += 1;
        match counts.iter_mut().find(|(x, _)| *x == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .find(|(_, n)| n * 2 > total)
        .map(|(v, _)| v)
}

/// The status and commitment most measures share (site-wide, among those that have one): the
/// matrix leaves them unmarked and its legend says so.
fn defaults(site: &Site) -> (Option<String>, Option<String>) {
    let extras: Vec<_> = site
        .cities()
        .into_iter()
        .flat_map(|c| site.measures(c, "ja"))
        .filter_map(|e| e.measure())
        .collect();
    let status = majority(extras.iter().filter_map(|m| m.status.as_deref()));
    let commitment = majority(extras.iter().filter_map(|m| m.commitment.as_deref()));
    (status.map(String::from), commitment.map(String::from))
}

/// The legend of the matrix's badges: each value that gets a badge, and the unmarked defaults.
fn badge_defaults(site: &Site, lang: &str) -> Value {
    let (status, commitment) = defaults(site);
    let label = |kind: &str, v: &str| site.config.trans(&format!("{kind}_{v}"), lang);
    let shown = |kind: &str, all: &[&str], default: &Option<String>| -> Vec<Value> {
        all.iter()
            .filter(|v| default.as_deref() != Some(**v))
            .map(|v| json!({ "value": v, "label": label(kind, v) }))
            .collect()
    };
    // Sentences with the default's label in place of `{}`.
    let unmarked: Vec<String> = [("commitment", &commitment), ("status", &status)]
        .into_iter()
        .filter_map(|(kind, d)| {
            let text = site.config.trans(&format!("legend_unmarked_{kind}"), lang);
            d.as_deref().map(|v| text.replace("{}", &label(kind, v)))
        })
        .collect();
    json!({
        "status": shown("status", &["new", "expanded", "continued"], &status),
        "commitment": shown("commitment", &["implement", "consider", "aim"], &commitment),
        "unmarked": unmarked,
    })
}

/// A measure as the matrix shows it: [`measure_summary`] with its one-line summary from its own
/// text, and its badges only where they differ from the defaults.
fn matrix_item(
    site: &Site,
    e: &crate::content::Entry,
    defaults: &(Option<String>, Option<String>),
) -> Value {
    let mut v = measure_summary(site, e);
    v["summary"] = json!(summary::lead(&e.split.body, &e.lang));
    if v["status"].as_str() == defaults.0.as_deref() {
        v["status"] = Value::Null;
    }
    if v["commitment"].as_str() == defaults.1.as_deref() {
        v["commitment"] = Value::Null;
    }
    v
}

/// One column per city for a theme: the measures whose themes include it, primary ones first.
pub fn theme_matrix(site: &Site, theme: &str, lang: &str) -> Vec<Value> {
    let defaults = defaults(site);
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
                    Some(0) => primary.push(matrix_item(site, e, &defaults)),
                    Some(_) => secondary.push(matrix_item(site, e, &defaults)),
                    None => {}
                }
            }
            let count = primary.len() + secondary.len();
            json!({
                "slug": city,
                "name": site.city_name(city, lang),
                "url": format!("{}/cities/{city}/", lang_prefix(lang)),
                "csv": format!("/data/themes/{theme}/{city}.csv"),
                "primary": primary,
                "secondary": secondary,
                "count": count,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::majority;

    #[test]
    fn a_default_is_what_more_than_half_share() {
        let v = ["implement", "implement", "consider"];
        assert_eq!(majority(v.into_iter()), Some("implement"));
        assert_eq!(majority(["new", "continued"].into_iter()), None);
        assert_eq!(majority(std::iter::empty()), None);
    }
}
