//! The theme CSVs (`data/themes/<theme>.csv`, and one per city, `data/themes/<theme>/<city>.csv`):
//! the columns of `measures.csv`, then each measure's one-line summary and the indicators linked
//! to it with their targets. The per-city files let a static page put together the CSV of the
//! cities a reader picked: each is a whole CSV, and the rows after the header line of several
//! of them, in city order, are the rows of the CSV of those cities.

use crate::content::Entry;
use crate::exports::{measure_row, to_csv, HEADER};
use crate::model::{Kpi, YearValue};
use crate::site::Site;
use crate::summary;
use crate::views::{city_structured, format_number};

/// The columns after `measures.csv`'s. A measure with several indicators gives each KPI column
/// one value per indicator, in the same order, joined by [`JOIN`].
pub const EXTRA: [&str; 11] = [
    "summary_ja",
    "summary_en",
    "kpi_ids",
    "kpi_indicator_ja",
    "kpi_indicator_en",
    "kpi_baseline_year",
    "kpi_baseline_value",
    "kpi_comparator",
    "kpi_target_year",
    "kpi_target_value",
    "kpi_unit",
];

/// Between the values of a KPI column when a measure has several indicators.
pub const JOIN: &str = " | ";

/// The CSV of `theme`: every city's measures on it, or only `city`'s.
pub fn theme_csv(site: &Site, theme: &str, city: Option<&str>) -> Vec<u8> {
    let header = HEADER.iter().chain(EXTRA.iter()).map(|s| s.to_string());
    let mut rows = vec![header.collect::<Vec<_>>()];
    for c in site.cities() {
        if city.is_some_and(|only| only != c) {
            continue;
        }
        let kpis = city_structured(site, c)
            .map(|x| x.kpis.as_slice())
            .unwrap_or_default();
        for ja in site.measures(c, "ja") {
            let on_theme = ja
                .front
                .taxonomies
                .get("themes")
                .is_some_and(|t| t.iter().any(|x| x == theme));
            if !on_theme {
                continue;
            }
            let mut row = measure_row(site, c, ja);
            row.extend(extra_cells(site, ja, kpis));
            rows.push(row);
        }
    }
    to_csv(&rows)
}

/// The [`EXTRA`] cells of a measure.
fn extra_cells(site: &Site, ja: &Entry, kpis: &[Kpi]) -> Vec<String> {
    let en = site.translation(ja);
    let linked: Vec<&Kpi> = kpis
        .iter()
        .filter(|k| k.measure.as_deref() == Some(ja.slug()))
        .collect();
    let column =
        |f: &dyn Fn(&Kpi) -> String| linked.iter().map(|k| f(k)).collect::<Vec<_>>().join(JOIN);
    let year = |v: &Option<YearValue>| {
        v.as_ref()
            .and_then(|v| v.year)
            .map(|y| y.to_string())
            .unwrap_or_default()
    };
    let value = |v: &Option<YearValue>| {
        v.as_ref()
            .map(|v| format_number(v.value))
            .unwrap_or_default()
    };
    vec![
        summary::lead(&ja.split.body, "ja").unwrap_or_default(),
        en.and_then(|e| summary::lead(&e.split.body, "en"))
            .unwrap_or_default(),
        column(&|k| k.id.clone()),
        column(&|k| k.indicator.ja.clone()),
        column(&|k| k.indicator.en.clone()),
        column(&|k| year(&k.baseline)),
        column(&|k| value(&k.baseline)),
        column(&|k| k.comparator.clone().unwrap_or_default()),
        column(&|k| year(&k.target)),
        column(&|k| value(&k.target)),
        column(&|k| k.unit.clone().unwrap_or_default()),
    ]
}
