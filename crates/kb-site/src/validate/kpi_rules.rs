//! One indicator's figures agree with themselves, so that no chart can mislead: each era label
//! names the year it is filed under, and a baseline already past its target is either marked as
//! a level to maintain (維持) or a mistake.

use crate::kpi_format::fiscal_year;
use crate::model::{Kpi, YearValue};

/// The problems of one indicator, as messages (the caller says where).
pub fn check(k: &Kpi) -> Vec<String> {
    let mut out = Vec::new();
    let points = [
        ("baseline", k.baseline.as_ref()),
        ("target", k.target.as_ref()),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.map(|v| (f.to_string(), v)))
    .chain(
        k.series
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("series[{i}]"), v)),
    );
    for (field, v) in points {
        if let Some(msg) = year_mismatch(v) {
            out.push(format!("KPI `{}`: {field}: {msg}", k.id));
        }
    }
    let past = match (&k.baseline, &k.target, k.comparator.as_deref()) {
        (Some(b), Some(t), Some("at-least")) => b.value > t.value,
        (Some(b), Some(t), Some("at-most")) => b.value < t.value,
        _ => false,
    };
    if past && !k.maintain {
        out.push(format!(
            "KPI `{}`: the baseline already meets the target, which a chart would draw as a planned fall: set `maintain = true` if the source asks to keep the level (維持), or check the figures",
            k.id
        ));
    }
    if k.maintain
        && (k.target.is_none() || !matches!(k.comparator.as_deref(), Some("at-least" | "at-most")))
    {
        out.push(format!(
            "KPI `{}`: `maintain = true` needs a target and a comparator `at-least` or `at-most` (the level to keep)",
            k.id
        ));
    }
    out
}

/// A label that names a fiscal year (`R4年度`) must agree with `year` (2022), which the
/// dashboard and the downloads show.
fn year_mismatch(v: &YearValue) -> Option<String> {
    let label = v.label.as_deref()?;
    let fy = fiscal_year(label)?;
    match v.year {
        Some(y) if y == fy => None,
        Some(y) => Some(format!(
            "label `{label}` is fiscal year {fy}, but year = {y}"
        )),
        None => Some(format!(
            "label `{label}` names fiscal year {fy}: add `year = {fy}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Bilingual;

    fn yv(year: Option<i32>, value: f64, label: Option<&str>) -> Option<YearValue> {
        Some(YearValue {
            year,
            value,
            label: label.map(String::from),
        })
    }

    fn kpi(comparator: Option<&str>, maintain: bool) -> Kpi {
        Kpi {
            id: "osaki-kpi-18".into(),
            measure: None,
            indicator: Bilingual {
                ja: "a".into(),
                en: "a".into(),
            },
            unit: Some("percent".into()),
            comparator: comparator.map(String::from),
            maintain,
            baseline: yv(Some(2021), 50.0, Some("令和3年度")),
            target: yv(Some(2025), 10.0, Some("R7年度")),
            series: Vec::new(),
            note: None,
            source_line: None,
        }
    }

    #[test]
    fn a_baseline_past_an_at_least_target_needs_maintain() {
        let msgs = check(&kpi(Some("at-least"), false));
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("maintain = true"));
        assert!(check(&kpi(Some("at-least"), true)).is_empty());
        // Without a comparator, 50 → 10 is a planned fall and may stand.
        assert!(check(&kpi(None, false)).is_empty());
        assert!(check(&kpi(None, true))[0].contains("needs a target and a comparator"));
    }

    #[test]
    fn era_labels_agree_with_years() {
        let mut k = kpi(Some("at-least"), true);
        k.baseline = yv(Some(2022), 50.0, Some("令和3年度"));
        let msgs = check(&k);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("baseline: label `令和3年度` is fiscal year 2021, but year = 2022")
        );
        k.baseline = yv(None, 50.0, Some("R3年度"));
        assert!(check(&k)[0].contains("add `year = 2021`"));
        k.baseline = yv(None, 50.0, Some("毎年度"));
        assert!(check(&k).is_empty());
    }
}
