//! The peer-benchmarking data (issue 17): one small file per city, `benchmark/<city>.json`, with
//! what the page `/benchmark/?city=a&peer=b` shows of each measure (titles, URLs, themes,
//! status, commitment, KPI targets) and what the alignment needs (themes and the quantised term
//! weights of `search_indexer::align`). A pair of cities costs two files, whatever the number of
//! cities: no page or file per pair. The browser aligns the two files with the same arithmetic
//! as [`search_indexer::align`]; `kb serve` renders the comparison from the same files.

use kb_site::render::OutputFile;
use kb_site::Site;
use search_indexer::align::AlignMeasure;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where the files go in the output.
pub const DATA_DIR: &str = "benchmark";

/// Both languages of a text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Both {
    pub ja: String,
    pub en: String,
}

/// A KPI target, as the source states it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Target {
    pub id: String,
    pub indicator: Both,
    /// The unit's display label in both languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Both>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// One measure of a city's file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Measure {
    pub id: String,
    pub title: Both,
    /// Site-relative (`/cities/…`): the page prefixes its site root.
    pub url: Both,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<Target>,
    /// Themes (primary first) and weighted terms.
    #[serde(flatten)]
    pub align: AlignMeasure,
}

/// The alignment's constants, written into every file so that the browser never keeps its own.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AlignParams {
    pub scale: u32,
    pub theme_bonus: f64,
    pub threshold: f64,
}

impl Default for AlignParams {
    fn default() -> Self {
        AlignParams {
            scale: search_indexer::align::WEIGHT_SCALE,
            theme_bonus: search_indexer::align::THEME_BONUS,
            threshold: search_indexer::align::THRESHOLD,
        }
    }
}

/// A city's file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CityData {
    pub city: String,
    pub params: AlignParams,
    pub name: Both,
    pub url: Both,
    pub measures: Vec<Measure>,
    /// The city's KPI targets tied to no measure (those tied to one are on the measure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<Target>,
}

impl CityData {
    /// Every KPI target of the city: those of its measures, then the others.
    pub fn all_targets(&self) -> Vec<&Target> {
        self.measures
            .iter()
            .flat_map(|m| m.kpis.iter())
            .chain(self.kpis.iter())
            .collect()
    }
}

impl CityData {
    /// The alignment inputs, in measure order.
    pub fn align_inputs(&self) -> Vec<AlignMeasure> {
        self.measures.iter().map(|m| m.align.clone()).collect()
    }
}

/// Every city's data, from the site and the alignment inputs the indexing pass computed (per
/// entry position of the Japanese measure).
pub fn city_data(site: &Site, aligned: &HashMap<usize, AlignMeasure>) -> Vec<CityData> {
    let mut out = Vec::new();
    for city in site.cities() {
        let kpis = site
            .city(city, "ja")
            .and_then(|p| p.city_extra())
            .map(|c| c.kpis.clone())
            .unwrap_or_default();
        let url = |lang: &str| site.city(city, lang).map(|e| e.url.clone());
        let mut data = CityData {
            city: city.to_string(),
            name: Both {
                ja: site.city_name(city, "ja").to_string(),
                en: site.city_name(city, "en").to_string(),
            },
            url: Both {
                ja: url("ja").unwrap_or_default(),
                en: url("en").unwrap_or_default(),
            },
            measures: Vec::new(),
            params: AlignParams::default(),
            kpis: kpis
                .iter()
                .filter(|k| k.measure.is_none())
                .map(|k| target(site, k))
                .collect(),
        };
        for ja in site.measures(city, "ja") {
            let Some(pos) = site.position(&ja.key, "ja") else {
                continue;
            };
            let en = site.translation(ja);
            let extra = ja.measure().cloned().unwrap_or_default();
            let id = ja.slug().to_string();
            // Themes from the entry as it is now (an incremental update re-reads it); the term
            // weights from the indexing pass (an incremental update keeps the old ones).
            let align = AlignMeasure {
                themes: ja
                    .front
                    .taxonomies
                    .get("themes")
                    .cloned()
                    .unwrap_or_default(),
                terms: aligned
                    .get(&pos)
                    .map(|a| a.terms.clone())
                    .unwrap_or_default(),
            };
            data.measures.push(Measure {
                kpis: kpis
                    .iter()
                    .filter(|k| k.measure.as_deref() == Some(id.as_str()))
                    .map(|k| target(site, k))
                    .collect(),
                id,
                title: Both {
                    ja: ja.title().to_string(),
                    en: en.map(|e| e.title().to_string()).unwrap_or_default(),
                },
                url: Both {
                    ja: ja.url.clone(),
                    en: en.map(|e| e.url.clone()).unwrap_or_default(),
                },
                status: extra.status,
                commitment: extra.commitment,
                align,
            });
        }
        out.push(data);
    }
    out
}

/// A KPI's target as the page shows it.
fn target(site: &Site, k: &kb_site::model::Kpi) -> Target {
    Target {
        id: k.id.clone(),
        indicator: Both {
            ja: k.indicator.ja.clone(),
            en: k.indicator.en.clone(),
        },
        unit: k.unit.as_ref().map(|u| {
            let label = site.config.extra.units.get(u);
            Both {
                ja: label.map_or_else(|| u.clone(), |l| l.ja.clone()),
                en: label.map_or_else(|| u.clone(), |l| l.en.clone()),
            }
        }),
        comparator: k.comparator.clone(),
        year: k.target.as_ref().and_then(|t| t.year),
        value: k.target.as_ref().map(|t| t.value),
        label: k.target.as_ref().and_then(|t| t.label.clone()),
    }
}

/// The files `benchmark/<city>.json`.
pub fn files(
    site: &Site,
    aligned: &HashMap<usize, AlignMeasure>,
) -> anyhow::Result<Vec<OutputFile>> {
    city_data(site, aligned)
        .into_iter()
        .map(|d| {
            Ok(OutputFile {
                path: format!("{DATA_DIR}/{}.json", d.city),
                contents: serde_json::to_vec(&d)?,
            })
        })
        .collect()
}

/// A city's file from a built output (for `kb serve` and the tests); `None` for an unknown or
/// unsafe city name.
pub fn read_city(output: &std::path::Path, city: &str) -> Option<CityData> {
    if city.is_empty() || !city.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let bytes = std::fs::read(output.join(DATA_DIR).join(format!("{city}.json"))).ok()?;
    serde_json::from_slice(&bytes).ok()
}
