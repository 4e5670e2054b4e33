//! Machine-readable data written by every build: `data/measures.json` and `data/kpis.json`.
//! Their shapes are contracts (other tools read them): change them only additively.

use crate::content::Kind;
use crate::model::YearValue;
use crate::site::Site;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct LangPair {
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Serialize)]
pub struct MeasureRecord {
    pub id: String,
    pub city: String,
    pub themes: Vec<String>,
    pub status: Option<String>,
    pub commitment: Option<String>,
    pub title: LangPair,
    pub url: LangPair,
}

#[derive(Debug, Serialize)]
pub struct YearValueRecord {
    pub year: Option<i32>,
    pub value: f64,
}

#[derive(Debug, Serialize)]
pub struct KpiRecord {
    pub id: String,
    pub city: String,
    pub measure: Option<String>,
    pub indicator: LangPair,
    pub baseline: Option<YearValueRecord>,
    pub target: Option<YearValueRecord>,
    pub unit: Option<String>,
    pub comparator: Option<String>,
    /// The target is a level to keep (維持), not one to reach.
    pub maintain: bool,
    pub series: Vec<YearValueRecord>,
}

fn year_value(v: &YearValue) -> YearValueRecord {
    YearValueRecord {
        year: v.year,
        value: v.value,
    }
}

/// Every measure of every city, in city order then reading order.
pub fn measures(site: &Site) -> Vec<MeasureRecord> {
    // URLs as readers follow them: under base_url's path.
    let base = site.base_url();
    let mut out = Vec::new();
    for city in site.cities() {
        for ja in site.measures(city, "ja") {
            let en = site.translation(ja);
            let m = ja.measure().cloned().unwrap_or_default();
            out.push(MeasureRecord {
                id: ja.slug().to_string(),
                city: city.to_string(),
                themes: ja
                    .front
                    .taxonomies
                    .get("themes")
                    .cloned()
                    .unwrap_or_default(),
                status: m.status,
                commitment: m.commitment,
                title: LangPair {
                    ja: ja.title().into(),
                    en: en.map_or_else(String::new, |e| e.title().into()),
                },
                url: LangPair {
                    ja: base.path(&ja.url),
                    en: en.map_or_else(String::new, |e| base.path(&e.url)),
                },
            });
        }
    }
    out
}

pub fn kpis(site: &Site) -> Vec<KpiRecord> {
    let mut out = Vec::new();
    for city in site.cities() {
        let Some(page) = site.city(city, "ja") else {
            continue;
        };
        debug_assert!(matches!(page.kind, Kind::City(_)));
        for k in page
            .city_extra()
            .map(|c| c.kpis.as_slice())
            .unwrap_or_default()
        {
            out.push(KpiRecord {
                id: k.id.clone(),
                city: city.to_string(),
                measure: k.measure.clone(),
                indicator: LangPair {
                    ja: k.indicator.ja.clone(),
                    en: k.indicator.en.clone(),
                },
                baseline: k.baseline.as_ref().map(year_value),
                target: k.target.as_ref().map(year_value),
                unit: k.unit.clone(),
                comparator: k.comparator.clone(),
                maintain: k.maintain,
                series: k.series.iter().map(year_value).collect(),
            });
        }
    }
    out
}
