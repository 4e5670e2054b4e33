//! `data/kpis.csv`: every indicator of `data/kpis.json`, one row each, for spreadsheet users
//! comparing the cities' targets. Written with the other CSV downloads' writer (UTF-8 with a
//! byte-order mark, CRLF, formula-like cells neutralised), from the same records as the JSON, so
//! the two cannot disagree.

use crate::data::{self, KpiRecord, YearValueRecord};
use crate::exports::{absolute, to_csv};
use crate::site::Site;
use crate::views::format_number;

/// The columns of `kpis.csv`. Years are the Gregorian years in which the source's (fiscal)
/// years begin, as in `kpis.json`; `url_ja`/`url_en` open the indicator's row on the dashboard.
pub const HEADER: [&str; 17] = [
    "id",
    "city",
    "city_ja",
    "city_en",
    "indicator_ja",
    "indicator_en",
    "baseline_year",
    "baseline_value",
    "comparator",
    "target_year",
    "target_value",
    "unit",
    "measure",
    "url_ja",
    "url_en",
    "maintain",
    "series",
];

fn year(v: Option<&YearValueRecord>) -> String {
    v.and_then(|v| v.year)
        .map(|y| y.to_string())
        .unwrap_or_default()
}

fn value(v: Option<&YearValueRecord>) -> String {
    v.map(|v| format_number(v.value)).unwrap_or_default()
}

fn row(site: &Site, k: &KpiRecord) -> Vec<String> {
    let series: Vec<String> = k
        .series
        .iter()
        .map(|p| match p.year {
            Some(y) => format!("{y}:{}", format_number(p.value)),
            None => format_number(p.value),
        })
        .collect();
    vec![
        k.id.clone(),
        k.city.clone(),
        site.city_name(&k.city, "ja").to_string(),
        site.city_name(&k.city, "en").to_string(),
        k.indicator.ja.clone(),
        k.indicator.en.clone(),
        year(k.baseline.as_ref()),
        value(k.baseline.as_ref()),
        k.comparator.clone().unwrap_or_default(),
        year(k.target.as_ref()),
        value(k.target.as_ref()),
        k.unit.clone().unwrap_or_default(),
        k.measure.clone().unwrap_or_default(),
        absolute(site, &format!("/kpis/#{}", k.id)),
        absolute(site, &format!("/en/kpis/#{}", k.id)),
        k.maintain.to_string(),
        series.join(";"),
    ]
}

/// The whole file: a header, then every indicator in `kpis.json`'s order.
pub fn kpis_csv(site: &Site) -> Vec<u8> {
    let mut rows = vec![HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    rows.extend(data::kpis(site).iter().map(|k| row(site, k)));
    to_csv(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_values_read_as_numbers_or_nothing() {
        let v = YearValueRecord {
            year: Some(2022),
            value: 977.0,
        };
        assert_eq!(year(Some(&v)), "2022");
        assert_eq!(value(Some(&v)), "977");
        let v = YearValueRecord {
            year: None,
            value: 15.6,
        };
        assert_eq!(
            (year(Some(&v)), value(Some(&v))),
            (String::new(), "15.6".into())
        );
        assert_eq!((year(None), value(None)), (String::new(), String::new()));
    }
}
