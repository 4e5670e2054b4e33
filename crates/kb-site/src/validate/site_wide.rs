//! The rules that span the whole site: every page has its twin, every configured city its page,
//! KPI ids are unique and their references exist, and no two pages claim one URL.

use super::{at, hint};
use crate::content::{normalise_alias, Entry, Kind};
use crate::diagnostics::Diagnostic;
use crate::frontmatter::locate;
use crate::model::COMPARATORS;
use crate::site::Site;
use std::collections::{BTreeMap, HashMap};

pub(super) fn check_translations(site: &Site, out: &mut Vec<Diagnostic>) {
    for entry in &site.entries {
        if site.translation(entry).is_none() {
            let (missing, what) = if entry.lang == "ja" {
                (
                    entry.file.to_string_lossy().replace(".md", ".en.md"),
                    "English translation",
                )
            } else {
                (
                    entry.file.to_string_lossy().replace(".en.md", ".md"),
                    "Japanese original",
                )
            };
            out.push(Diagnostic::new(
                &entry.file,
                1,
                format!("missing {what}: create {missing}"),
            ));
        }
    }
}

/// `base_url` must parse: every URL of the build is made from it, so `kb check` rejects what
/// `kb build` cannot use.
pub(super) fn check_base_url(site: &Site, out: &mut Vec<Diagnostic>) {
    if let Err(message) = crate::base_url::BaseUrl::parse(&site.config.base_url) {
        // The line of the key in config.toml (0 when the file cannot be read again).
        let line = std::fs::read_to_string(site.root.join("config.toml"))
            .ok()
            .and_then(|text| {
                text.lines()
                    .position(|l| l.trim_start().starts_with("base_url"))
                    .map(|i| i + 1)
            })
            .unwrap_or(0);
        out.push(
            Diagnostic::new("config.toml", line, format!("base_url: {message}")).with_hint(
                "for example \"/\", \"/jinji/kb/\" or \"https://intranet.example/jinji/kb/\"",
            ),
        );
    }
}

pub(super) fn check_cities_exist(site: &Site, out: &mut Vec<Diagnostic>) {
    for city in &site.config.extra.cities {
        if site.city(city, "ja").is_none() {
            out.push(Diagnostic::new(
                "config.toml",
                0,
                format!("city `{city}` is listed in extra.cities but content/cities/{city}/_index.md does not exist"),
            ));
        }
    }
}

pub(super) fn check_kpis(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, &Entry> = HashMap::new();
    let units: Vec<&str> = site.config.extra.units.keys().map(String::as_str).collect();
    for entry in site.in_lang("ja") {
        let (Kind::City(city), Some(c)) = (&entry.kind, entry.city_extra()) else {
            continue;
        };
        let mut local_ids: BTreeMap<&str, ()> = BTreeMap::new();
        for f in c
            .frameworks
            .iter()
            .map(|f| f.id.as_str())
            .chain(c.training.iter().map(|t| t.id.as_str()))
        {
            if local_ids.insert(f, ()).is_some() {
                out.push(at(
                    entry,
                    &format!("\"{f}\""),
                    format!("id `{f}` is used twice"),
                ));
            }
        }
        for k in &c.kpis {
            let here = |msg: String| at(entry, &format!("\"{}\"", k.id), msg);
            if let Some(prev) = ids.insert(&k.id, entry) {
                out.push(here(format!(
                    "KPI id `{}` is also used in {}",
                    k.id,
                    prev.file.display()
                )));
            }
            if !k.id.starts_with(&format!("{city}-")) {
                out.push(here(format!("KPI id `{}` must start with `{city}-`", k.id)));
            }
            if let Some(m) = &k.measure {
                if site
                    .get(&format!("cities/{city}/measures/{m}.md"), "ja")
                    .is_none()
                {
                    let measures: Vec<&str> =
                        site.measures(city, "ja").iter().map(|e| e.slug()).collect();
                    out.push(hint(
                        here(format!(
                            "KPI `{}`: measure `{m}` does not exist in {city}",
                            k.id
                        )),
                        m,
                        &measures,
                    ));
                }
            }
            if let Some(u) = &k.unit {
                if !units.contains(&u.as_str()) {
                    out.push(hint(
                        here(format!("KPI `{}`: unknown unit `{u}`", k.id)),
                        u,
                        &units,
                    ));
                }
            }
            if let Some(cmp) = &k.comparator {
                if !COMPARATORS.contains(&cmp.as_str()) {
                    out.push(hint(
                        here(format!("KPI `{}`: unknown comparator `{cmp}`", k.id)),
                        cmp,
                        &COMPARATORS,
                    ));
                }
            }
            for msg in super::kpi_rules::check(k) {
                out.push(here(msg));
            }
        }
        if !c.kpis.is_empty() && c.no_kpis.is_some() {
            out.push(at(
                entry,
                "no_kpis",
                "no_kpis says the city has no indicators, but it lists extra.kpis",
            ));
        }
    }
}

pub(super) fn check_urls(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut urls: HashMap<String, &Entry> = HashMap::new();
    for entry in &site.entries {
        let aliases = entry
            .front
            .aliases
            .iter()
            .map(|a| normalise_alias(a, &entry.lang));
        for url in std::iter::once(entry.url.clone()).chain(aliases) {
            if let Some(prev) = urls.insert(url.clone(), entry) {
                out.push(Diagnostic::new(
                    &entry.file,
                    locate(&entry.split, "slug"),
                    format!(
                        "duplicate URL {url}: also produced by {}",
                        prev.file.display()
                    ),
                ));
            }
        }
    }
    // Taxonomy pages are generated at /themes/: content may not claim those URLs.
    for entry in &site.entries {
        let theme_root = if entry.lang == "en" {
            "/en/themes/"
        } else {
            "/themes/"
        };
        if entry.url.starts_with(theme_root) {
            out.push(Diagnostic::new(
                &entry.file,
                1,
                format!(
                    "duplicate URL {}: theme pages are generated from the themes taxonomy",
                    entry.url
                ),
            ));
        }
    }
}
