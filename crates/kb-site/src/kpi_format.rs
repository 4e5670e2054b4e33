//! How an indicator's figures read on the page: the year of a value in the reader's notation
//! (`R4年度` for Japanese readers, `FY2022` for English ones) and a number with its unit
//! (`977人`, `977 people`, `15.6%`). The dashboard, its charts and the validator share these, so
//! that a year or a unit is written one way everywhere.

use crate::model::YearValue;

/// The Gregorian year in which a Japanese fiscal year begins, from the source's own label:
/// `R4年度` / `令和4年度` → 2022 (Reiwa n = 2018 + n), `H30年度` / `平成30年度` → 2018
/// (Heisei n = 1988 + n); `元年度` is year 1. Full-width letters and digits are accepted. Anything
/// else (`毎年度`, `維持`, a calendar year `2014年`) is not a fiscal-year label: `None`.
pub fn fiscal_year(label: &str) -> Option<i32> {
    let s: String = label
        .trim()
        .chars()
        .map(|c| match c as u32 {
            // Full-width ASCII (Ｒ, ４) as ASCII.
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let eras = [("令和", 2018), ("R", 2018), ("平成", 1988), ("H", 1988)];
    let (base, rest) = eras
        .iter()
        .find_map(|(name, base)| s.strip_prefix(name).map(|rest| (*base, rest)))?;
    let number = rest.strip_suffix("年度")?.trim();
    let n: i32 = if number == "元" {
        1
    } else if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
        number.parse().ok()?
    } else {
        return None;
    };
    (n >= 1).then_some(base + n)
}

/// When a value holds, as the source dates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When<'a> {
    /// A Japanese fiscal year (April to March), starting in `year`; `label` is the source's
    /// wording (`R4年度`).
    Fiscal { year: i32, label: &'a str },
    /// A calendar year, as the source writes it in the Western calendar (`2014年`).
    Calendar(i32),
    /// Every fiscal year (`毎年度`): a standing target, not one year's.
    EveryYear,
    /// The source gives no year.
    Unstated,
}

/// The year of a value: its label when that names a fiscal year, `毎年度`, or a bare `year`.
pub fn when(v: &YearValue) -> When<'_> {
    if let Some(label) = v.label.as_deref() {
        if let Some(year) = fiscal_year(label) {
            return When::Fiscal {
                year: v.year.unwrap_or(year),
                label,
            };
        }
        if label.trim() == "毎年度" {
            return When::EveryYear;
        }
    }
    v.year.map_or(When::Unstated, When::Calendar)
}

/// A year as each language's reader expects it: the source's era label in Japanese, the fiscal
/// year in the Western calendar in English (one notation throughout: `FY2022`, never `R4`).
/// `None` when the source gives no year.
pub fn when_text(w: &When, lang: &str) -> Option<String> {
    let en = lang == "en";
    match w {
        When::Fiscal { year, label } => Some(if en {
            format!("FY{year}")
        } else {
            (*label).to_string()
        }),
        When::Calendar(year) => Some(if en {
            year.to_string()
        } else {
            format!("{year}年")
        }),
        When::EveryYear => Some(if en { "every year" } else { "毎年度" }.to_string()),
        When::Unstated => None,
    }
}

/// A number with its unit as it is written: a symbol or a Japanese unit follows the number
/// directly (`15.6%`, `977人`, `59点`), an English unit word after a space (`977 people`,
/// `59 points`). An empty unit leaves the number alone.
pub fn with_unit(number: &str, unit: &str) -> String {
    if unit.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("{number} {unit}")
    } else {
        format!("{number}{unit}")
    }
}

/// The sign a comparator puts before a target: `≥ 30%`, `≤ 7%`.
pub fn comparator_sign(comparator: Option<&str>) -> &'static str {
    match comparator {
        Some("at-least") => "≥",
        Some("at-most") => "≤",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yv(year: Option<i32>, label: Option<&str>) -> YearValue {
        YearValue {
            year,
            value: 1.0,
            label: label.map(String::from),
        }
    }

    #[test]
    fn era_fiscal_years_convert_to_gregorian() {
        assert_eq!(fiscal_year("R4年度"), Some(2022));
        assert_eq!(fiscal_year("R7年度"), Some(2025));
        assert_eq!(fiscal_year("令和3年度"), Some(2021));
        assert_eq!(fiscal_year("令和元年度"), Some(2019));
        assert_eq!(fiscal_year("Ｒ４年度"), Some(2022));
        assert_eq!(fiscal_year("H30年度"), Some(2018));
        assert_eq!(fiscal_year("平成21年度"), Some(2009));
        assert_eq!(fiscal_year(" R 4年度 "), Some(2022));
    }

    #[test]
    fn other_labels_are_not_fiscal_years() {
        for label in [
            "毎年度",
            "維持",
            "2014年",
            "R4年",
            "R0年度",
            "R年度",
            "Rx年度",
            "",
        ] {
            assert_eq!(fiscal_year(label), None, "{label}");
        }
    }

    #[test]
    fn years_read_in_one_notation_per_language() {
        let r4 = yv(Some(2022), Some("R4年度"));
        assert_eq!(when_text(&when(&r4), "en").as_deref(), Some("FY2022"));
        assert_eq!(when_text(&when(&r4), "ja").as_deref(), Some("R4年度"));
        let reiwa = yv(Some(2021), Some("令和3年度"));
        assert_eq!(when_text(&when(&reiwa), "en").as_deref(), Some("FY2021"));
        let calendar = yv(Some(2014), None);
        assert_eq!(when_text(&when(&calendar), "en").as_deref(), Some("2014"));
        assert_eq!(when_text(&when(&calendar), "ja").as_deref(), Some("2014年"));
        let every = yv(None, Some("毎年度"));
        assert_eq!(when(&every), When::EveryYear);
        assert_eq!(
            when_text(&when(&every), "en").as_deref(),
            Some("every year")
        );
        // A label that quotes the target's wording is no year.
        assert_eq!(when(&yv(None, Some("維持"))), When::Unstated);
        assert_eq!(when_text(&When::Unstated, "en"), None);
    }

    #[test]
    fn unit_words_are_spaced_and_symbols_glued() {
        assert_eq!(with_unit("977", "people"), "977 people");
        assert_eq!(with_unit("59", "points"), "59 points");
        assert_eq!(with_unit("15.6", "%"), "15.6%");
        assert_eq!(with_unit("977", "人"), "977人");
        assert_eq!(with_unit("11.1", "日"), "11.1日");
        assert_eq!(with_unit("3", ""), "3");
    }

    #[test]
    fn comparators_read_as_signs() {
        assert_eq!(comparator_sign(Some("at-least")), "≥");
        assert_eq!(comparator_sign(Some("at-most")), "≤");
        assert_eq!(comparator_sign(Some("exactly")), "");
        assert_eq!(comparator_sign(None), "");
    }
}
