//! The comparison page's view: every city's frameworks and training systems side by side, and
//! the plan periods on one time axis.

use super::{city_summary, city_tables, Context, Views};
use crate::site::Site;
use minijinja::Value as JValue;
use serde_json::{json, Value};

pub(super) fn add(views: &Views<'_>, lang: &str, ctx: &mut Context) {
    ctx.shared("cities", all_cities_with_tables(views.site, lang));
    ctx["timeline"] = timeline(views.site, lang);
}

/// Every city's summary with its frameworks and training systems (the compare page).
fn all_cities_with_tables(site: &Site, lang: &str) -> JValue {
    use rayon::prelude::*;
    let views: Vec<Value> = site
        .cities()
        .into_par_iter()
        .map(|c| {
            let mut v = city_summary(site, c, lang);
            let (frameworks, training) = city_tables(site, c, lang);
            v["frameworks"] = frameworks;
            v["training"] = training;
            v
        })
        .collect();
    JValue::from_serialize(views)
}

/// Plan periods and issue dates on one time axis.
fn timeline(site: &Site, lang: &str) -> Value {
    let rows: Vec<Value> = site
        .cities()
        .into_iter()
        .filter_map(|c| {
            let page = site.city(c, lang)?;
            let m = page.city_extra()?;
            Some(json!({
                "slug": c, "name": page.title(), "url": page.url,
                "issued_year": m.issued_year, "start": m.period_start, "end": m.period_end,
                "plan_period": m.plan_period,
            }))
        })
        .collect();
    let years: Vec<i64> = rows
        .iter()
        .flat_map(|r| {
            [
                r["issued_year"].as_i64(),
                r["start"].as_i64(),
                r["end"].as_i64(),
            ]
        })
        .flatten()
        .collect();
    let (lo, hi) = (
        years.iter().min().copied().unwrap_or(2020) - 1,
        years.iter().max().copied().unwrap_or(2030) + 1,
    );
    let span = (hi - lo).max(1) as f64;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|mut r| {
            let pos =
                |y: Option<i64>| y.map(|y| ((y - lo) as f64 / span * 100.0 * 10.0).round() / 10.0);
            let start = pos(r["start"].as_i64().or(r["issued_year"].as_i64()));
            // A period with a start and no end year (Kofu: "until the end of the 7th
            // Comprehensive Plan") runs to the end of the axis and is drawn open there: the
            // axis's last year is not its end.
            let open_end = r["start"].as_i64().is_some() && r["end"].as_i64().is_none();
            let end = pos(r["end"].as_i64()).or(open_end.then_some(100.0));
            r["open_end"] = json!(open_end);
            r["left"] = json!(start);
            r["width"] = json!(match (start, end) {
                (Some(s), Some(e)) => Some(((e - s).max(1.0) * 10.0).round() / 10.0),
                _ => None,
            });
            r["issued_pos"] = json!(pos(r["issued_year"].as_i64()));
            r
        })
        .collect();
    json!({ "from": lo, "to": hi, "rows": rows, "ticks": (lo..=hi).map(|y| json!({ "year": y, "pos": ((y - lo) as f64 / span * 1000.0).round() / 10.0 })).collect::<Vec<_>>() })
}
