//! The home page's and the city list's view: every city's summary and each theme's measure
//! counts per city.

use super::{Context, Views};
use minijinja::Value as JValue;
use serde_json::Value;

pub(super) fn add(views: &Views<'_>, lang: &str, ctx: &mut Context) {
    ctx.shared("cities", all_city_summaries(views, lang));
    ctx["theme_counts"] = Value::Array(super::themes::theme_counts(views.site, lang));
}

/// Every city's summary in `lang`.
fn all_city_summaries(views: &Views<'_>, lang: &str) -> JValue {
    JValue::from(
        views
            .site
            .cities()
            .into_iter()
            .map(|c| views.city_summary(c, lang))
            .collect::<Vec<_>>(),
    )
}
