//! The indicator dashboard's view: every city's indicators with their charts.

use super::{city_structured, kpi_view, lang_prefix, Context};
use crate::charts;
use crate::site::Site;
use serde_json::{json, Value};

pub(super) fn add(site: &Site, lang: &str, ctx: &mut Context) {
    ctx["dashboard"] = kpi_dashboard(site, lang);
}

/// Every city's indicators with their charts: baseline vs target bars per unit, and
/// observed series as column charts.
fn kpi_dashboard(site: &Site, lang: &str) -> Value {
    let legend = (
        site.config.trans("baseline", lang),
        site.config.trans("target", lang),
    );
    let mut cities = Vec::new();
    for city in site.cities() {
        let Some(data) = city_structured(site, city) else {
            continue;
        };
        if data.kpis.is_empty() {
            continue;
        }
        let name = site.city_name(city, lang);
        let mut charts = Vec::new();
        let mut units: Vec<&str> = Vec::new();
        for k in &data.kpis {
            let u = k.unit.as_deref().unwrap_or("");
            if (k.baseline.is_some() || k.target.is_some()) && !units.contains(&u) {
                units.push(u);
            }
        }
        let year_label = |v: &crate::model::YearValue| {
            v.label
                .clone()
                .or(v.year.map(|y| y.to_string()))
                .unwrap_or_default()
        };
        for unit in units {
            let rows: Vec<charts::PairRow> = data
                .kpis
                .iter()
                .filter(|k| {
                    k.unit.as_deref().unwrap_or("") == unit
                        && (k.baseline.is_some() || k.target.is_some())
                })
                .map(|k| charts::PairRow {
                    id: &k.id,
                    label: k.indicator.get(lang),
                    baseline: k.baseline.as_ref().map(|b| (b.value, year_label(b))),
                    target: k.target.as_ref().map(|t| (t.value, year_label(t))),
                })
                .collect();
            let unit_label = site
                .config
                .extra
                .units
                .get(unit)
                .map(|u| u.get(lang).to_string())
                .unwrap_or_default();
            let title = format!(
                "{name} — {} ({unit_label})",
                site.config.trans("kpis", lang)
            );
            let id = format!("chart-{city}-{unit}");
            charts.push(json!({ "id": id, "title": title, "svg": charts::pair_bars(&id, &title, &unit_label, &rows, (&legend.0, &legend.1)) }));
        }
        for k in data.kpis.iter().filter(|k| !k.series.is_empty()) {
            let unit_label = k
                .unit
                .as_deref()
                .and_then(|u| site.config.extra.units.get(u))
                .map(|u| u.get(lang).to_string())
                .unwrap_or_default();
            let points: Vec<(String, f64)> =
                k.series.iter().map(|p| (year_label(p), p.value)).collect();
            let title = format!("{name} — {}", k.indicator.get(lang));
            let id = format!("chart-{}", k.id);
            charts.push(json!({ "id": id, "title": title, "svg": charts::series_bars(&id, &title, &unit_label, &k.id, &points) }));
        }
        cities.push(json!({
            "slug": city,
            "name": name,
            "url": format!("{}/cities/{city}/", lang_prefix(lang)),
            "kpis": data.kpis.iter().map(|k| kpi_view(site, city, k, lang)).collect::<Vec<_>>(),
            "charts": charts,
        }));
    }
    json!({ "cities": cities })
}
