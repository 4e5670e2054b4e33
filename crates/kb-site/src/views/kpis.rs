//! The indicator dashboard's view: every city's indicators with their charts, and a line for
//! each city that has none. Every figure is written here, once, with its year and unit in the
//! page's language (see [`crate::kpi_format`]), for the charts, the table and the phone cards.

use super::{city_structured, format_number, kpi_view, lang_prefix, Context};
use crate::kpi_charts::{self, Legend, Mark, Point, Row};
use crate::kpi_format::{comparator_sign, when, when_text, with_unit};
use crate::model::{Kpi, YearValue};
use crate::site::Site;
use serde_json::{json, Value};

pub(super) fn add(site: &Site, lang: &str, ctx: &mut Context) {
    ctx["dashboard"] = kpi_dashboard(site, lang);
}

/// The words of one language for the figures.
struct Words {
    lang: String,
    baseline: String,
    target: String,
    maintain: String,
    maintain_legend: String,
    no_year: String,
    none: String,
}

impl Words {
    fn new(site: &Site, lang: &str) -> Words {
        let t = |k: &str| site.config.trans(k, lang);
        Words {
            lang: lang.to_string(),
            baseline: t("baseline"),
            target: t("target"),
            maintain: t("kpi_maintain"),
            maintain_legend: t("kpi_maintain_legend"),
            no_year: t("kpi_no_year"),
            none: t("kpi_not_given"),
        }
    }

    /// `text (year)`, with the parentheses of the page's language.
    fn dated(&self, text: &str, year: Option<&str>) -> String {
        let year = year.unwrap_or(&self.no_year);
        if self.lang == "en" {
            format!("{text} ({year})")
        } else {
            format!("{text}（{year}）")
        }
    }
}

/// The unit's label in `lang` (`people`, `人`, `%`).
fn unit_label(site: &Site, k: &Kpi, lang: &str) -> String {
    k.unit
        .as_deref()
        .and_then(|u| site.config.extra.units.get(u))
        .map(|u| u.get(lang).to_string())
        .unwrap_or_default()
}

/// One value's words: the number with its unit, and its year.
fn figure(v: &YearValue, unit: &str, lang: &str) -> (String, Option<String>) {
    (
        with_unit(&format_number(v.value), unit),
        when_text(&when(v), lang),
    )
}

/// The target's number with its comparator, and "maintain" when the source asks to keep it.
fn target_words(k: &Kpi, t: &YearValue, unit: &str, w: &Words) -> String {
    let (value, _) = figure(t, unit, &w.lang);
    let sign = comparator_sign(k.comparator.as_deref());
    let signed = if sign.is_empty() {
        value
    } else {
        format!("{sign} {value}")
    };
    if k.maintain {
        format!("{} {signed}", w.maintain)
    } else {
        signed
    }
}

fn has_figures(k: &Kpi) -> bool {
    k.baseline.is_some() || k.target.is_some() || !k.series.is_empty()
}

/// The row a chart and a card draw for one indicator.
fn chart_row<'a>(k: &'a Kpi, unit: &str, w: &Words, lang: &str) -> Row<'a> {
    Row {
        id: &k.id,
        label: k.indicator.get(lang),
        baseline: k.baseline.as_ref().map(|b| {
            let (value, year) = figure(b, unit, lang);
            Mark {
                value: b.value,
                text: w.dated(&value, year.as_deref()),
            }
        }),
        target: k.target.as_ref().map(|t| Mark {
            value: t.value,
            text: w.dated(
                &target_words(k, t, unit, w),
                when_text(&when(t), lang).as_deref(),
            ),
        }),
        maintain: k.maintain,
    }
}

/// An indicator as its table row (and phone card) shows it.
fn row_view(site: &Site, city: &str, k: &Kpi, w: &Words, card_svg: Option<String>) -> Value {
    let lang = w.lang.as_str();
    let unit = unit_label(site, k, lang);
    let mut v = kpi_view(site, city, k, lang);
    v["maintain"] = json!(k.maintain);
    v["figures"] = json!(has_figures(k));
    if let Some(b) = &k.baseline {
        let (value, year) = figure(b, &unit, lang);
        v["baseline_text"] = json!(value);
        v["baseline_when"] = json!(year);
    }
    if let Some(t) = &k.target {
        v["target_text"] = json!(target_words(k, t, &unit, w));
        v["target_when"] = json!(when_text(&when(t), lang));
    }
    v["series_items"] = k
        .series
        .iter()
        .map(|p| {
            let (value, year) = figure(p, &unit, lang);
            json!({ "text": value, "when": year })
        })
        .collect();
    v["card_svg"] = json!(card_svg);
    v
}

/// Every city's indicators with their charts: baseline vs target bars per unit, observed series
/// as column charts; cities without indicators get the reason their content gives.
fn kpi_dashboard(site: &Site, lang: &str) -> Value {
    let w = Words::new(site, lang);
    let legend = Legend {
        baseline: &w.baseline,
        target: &w.target,
        maintain: &w.maintain_legend,
        none: &w.none,
    };
    let mut cities = Vec::new();
    for city in site.cities() {
        let data = city_structured(site, city);
        let kpis = data.map(|d| d.kpis.as_slice()).unwrap_or_default();
        let name = site.city_name(city, lang);
        let url = format!("{}/cities/{city}/", lang_prefix(lang));
        if kpis.is_empty() {
            // The city's own words for why, when its content gives them.
            let reason = data
                .and_then(|d| d.no_kpis.as_ref())
                .map(|n| n.get(lang).to_string());
            cities.push(json!({ "slug": city, "name": name, "url": url, "kpis": [], "charts": [], "none": reason }));
            continue;
        }
        let mut units: Vec<&str> = Vec::new();
        for k in kpis
            .iter()
            .filter(|k| k.baseline.is_some() || k.target.is_some())
        {
            let u = k.unit.as_deref().unwrap_or("");
            if !units.contains(&u) {
                units.push(u);
            }
        }
        let mut charts = Vec::new();
        let mut cards: std::collections::HashMap<&str, String> = Default::default();
        for unit in units {
            let group: Vec<&Kpi> = kpis
                .iter()
                .filter(|k| {
                    k.unit.as_deref().unwrap_or("") == unit
                        && (k.baseline.is_some() || k.target.is_some())
                })
                .collect();
            let Some(first) = group.first() else { continue };
            let unit_text = unit_label(site, first, lang);
            let rows: Vec<Row> = group
                .iter()
                .map(|k| chart_row(k, &unit_text, &w, lang))
                .collect();
            let max = kpi_charts::max_value(&rows);
            for r in &rows {
                cards.insert(r.id, kpi_charts::card_bars(r, max));
            }
            let sep = if lang == "en" { ": " } else { "：" };
            let title = format!(
                "{name} — {}{sep}{unit_text}",
                site.config.trans("kpis", lang)
            );
            let id = format!("chart-{city}-{unit}");
            charts.push(json!({ "id": id, "title": title, "svg": kpi_charts::pair_chart(&id, &title, &rows, &legend) }));
        }
        for k in kpis.iter().filter(|k| !k.series.is_empty()) {
            let unit_text = unit_label(site, k, lang);
            let points: Vec<Point> = k
                .series
                .iter()
                .map(|p| {
                    let (text, year) = figure(p, &unit_text, lang);
                    Point {
                        value: p.value,
                        text,
                        when: year.unwrap_or_default(),
                    }
                })
                .collect();
            let title = format!("{name} — {}", k.indicator.get(lang));
            let id = format!("chart-{}", k.id);
            charts.push(json!({ "id": id, "title": title, "svg": kpi_charts::series_chart(&id, &title, &k.id, &points) }));
        }
        let without = kpis.iter().filter(|k| !has_figures(k)).count();
        cities.push(json!({
            "slug": city,
            "name": name,
            "url": url,
            "kpis": kpis.iter().map(|k| row_view(site, city, k, &w, cards.remove(k.id.as_str()))).collect::<Vec<_>>(),
            "charts": charts,
            "without_figures": without,
        }));
    }
    json!({ "cities": cities })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Bilingual;

    fn words(lang: &str) -> Words {
        Words {
            lang: lang.into(),
            baseline: "Baseline".into(),
            target: "Target".into(),
            maintain: "maintain".into(),
            maintain_legend: "Level to maintain".into(),
            no_year: "year not stated".into(),
            none: "not given".into(),
        }
    }

    fn osaki_18(maintain: bool) -> Kpi {
        Kpi {
            id: "osaki-kpi-18".into(),
            measure: None,
            indicator: Bilingual {
                ja: "男性職員の育児休業取得率".into(),
                en: "Rate of childcare leave taken by male staff".into(),
            },
            unit: Some("percent".into()),
            comparator: Some("at-least".into()),
            maintain,
            baseline: Some(YearValue {
                year: Some(2021),
                value: 50.0,
                label: Some("令和3年度".into()),
            }),
            target: Some(YearValue {
                year: Some(2025),
                value: 10.0,
                label: Some("R7年度".into()),
            }),
            series: Vec::new(),
            note: None,
            source_line: None,
        }
    }

    #[test]
    fn rows_say_year_comparator_and_maintain() {
        let k = osaki_18(true);
        let r = chart_row(&k, "%", &words("en"), "en");
        assert_eq!(r.baseline.map(|m| m.text).as_deref(), Some("50% (FY2021)"));
        assert_eq!(
            r.target.map(|m| m.text).as_deref(),
            Some("maintain ≥ 10% (FY2025)")
        );
        let mut ja = words("ja");
        ja.maintain = "維持".into();
        ja.no_year = "年度の記載なし".into();
        let r = chart_row(&k, "%", &ja, "ja");
        assert_eq!(
            r.baseline.map(|m| m.text).as_deref(),
            Some("50%（令和3年度）")
        );
        assert_eq!(
            r.target.map(|m| m.text).as_deref(),
            Some("維持 ≥ 10%（R7年度）")
        );
        let mut k = osaki_18(false);
        k.target.as_mut().unwrap().label = Some("維持".into());
        k.target.as_mut().unwrap().year = None;
        let r = chart_row(&k, "people", &words("en"), "en");
        assert_eq!(
            r.target.map(|m| m.text).as_deref(),
            Some("≥ 10 people (year not stated)")
        );
    }
}
