//! The knowledge base's content model: what the `[extra]` table of each kind of page holds.
//! Documented for editors in content/README.md; unknown keys are errors.

use crate::config::Bilingual;
use serde::{Deserialize, Serialize};

/// A city page: `cities/<city>/_index.md`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CityExtra {
    pub official_title: Option<String>,
    pub subtitle: Option<String>,
    pub issued: Option<String>,
    pub issued_year: Option<i32>,
    pub issued_month: Option<u32>,
    pub issuer: Option<String>,
    pub plan_period: Option<String>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub predecessor: Option<String>,
    pub parent_plan: Option<String>,
    #[serde(default)]
    pub ideal_staff: Vec<String>,
    #[serde(default)]
    pub values: Vec<String>,
    pub structure: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub kpis: Vec<Kpi>,
    /// Why the city has no indicators, as its content states it (the dashboard says so).
    pub no_kpis: Option<Bilingual>,
    #[serde(default)]
    pub frameworks: Vec<Framework>,
    #[serde(default)]
    pub training: Vec<TrainingSystem>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

/// A year and a value: a KPI's baseline, target or an observed point.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct YearValue {
    pub year: Option<i32>,
    pub value: f64,
    /// The source's own wording of the year, e.g. "R4年度".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub id: String,
    pub measure: Option<String>,
    pub indicator: Bilingual,
    pub unit: Option<String>,
    pub comparator: Option<String>,
    /// The source asks to keep the value at or beyond the target (維持), not to reach it: a
    /// baseline already past the target is no planned fall.
    #[serde(default)]
    pub maintain: bool,
    pub baseline: Option<YearValue>,
    pub target: Option<YearValue>,
    #[serde(default)]
    pub series: Vec<YearValue>,
    pub note: Option<Bilingual>,
    pub source_line: Option<usize>,
}

pub const COMPARATORS: [&str; 3] = ["at-least", "at-most", "exactly"];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub name: Bilingual,
    pub legend: Option<Bilingual>,
    pub levels: Vec<Bilingual>,
    pub source_line: Option<usize>,
    #[serde(default)]
    pub rows: Vec<FrameworkRow>,
    pub note: Option<Bilingual>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRow {
    pub group: Option<Bilingual>,
    pub competency: Bilingual,
    #[serde(default)]
    pub marks: Vec<String>,
    #[serde(default)]
    pub descriptions: Vec<Bilingual>,
}

pub const MARKS: [&str; 5] = ["◎", "○", "〇", "△", ""];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingSystem {
    pub id: String,
    pub name: Bilingual,
    pub source_line: Option<usize>,
    pub note: Option<Bilingual>,
    #[serde(default)]
    pub rows: Vec<TrainingRow>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingRow {
    pub category: Bilingual,
    #[serde(default)]
    pub programs: Vec<Bilingual>,
    pub target: Option<Bilingual>,
    pub note: Option<Bilingual>,
}

/// One OCR correction on record: what the extraction said, what the content says instead.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub line: usize,
    pub source: String,
    pub corrected: String,
    pub note: Option<Bilingual>,
}

/// A chapter page: `cities/<city>/chapters/<chapter>.md`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChapterExtra {
    pub source_lines: Option<[usize; 2]>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

/// A measure page: `cities/<city>/measures/<id>.md`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureExtra {
    pub chapter: Option<String>,
    #[serde(default)]
    pub path: Vec<String>,
    pub status: Option<String>,
    pub commitment: Option<String>,
    pub source_lines: Option<[usize; 2]>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

pub const STATUSES: [&str; 3] = ["new", "expanded", "continued"];
pub const COMMITMENTS: [&str; 3] = ["implement", "consider", "aim"];
