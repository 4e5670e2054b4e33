//! Every city's KPIs (`[[extra.kpis]]` of `content/cities/<city>/_index.md`) against the source:
//! each baseline, target and series value must occur as a number within ±[`WINDOW`] lines of the
//! indicator's `source_line` in `sources/<city>.txt`, and so must each `label` (labels quote the
//! source: `R4年度`, `管理職率30％以上`).
//!
//! A number matches at a number boundary: not after a digit, `.` or `,`, and not followed by a
//! digit or by a decimal point and a digit (`20` matches `20%` and `20.0` but not `200` or
//! `20.5`). A value of 0 also matches `ゼロ`, or a label without digits found in the window (the
//! zero then stands for the source's words, such as `原則禁止`).

use super::pages;

pub const WINDOW: usize = 15;

/// The decimal forms a value may take in the source: `20` → `20`, `20.0`; `15.6` → `15.6`.
fn forms(v: f64) -> Vec<String> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let i = v as i64;
        vec![format!("{i}"), format!("{i}.0")]
    } else {
        vec![format!("{v}")]
    }
}

/// Whether `number` occurs in `hay` with number boundaries on both sides.
pub fn has_number(hay: &str, number: &str) -> bool {
    hay.match_indices(number).any(|(at, _)| {
        let before = hay[..at].chars().next_back();
        let mut after = hay[at + number.len()..].chars();
        let next = after.next();
        let next2 = after.next();
        let glued_before = before.is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
        let glued_after = next.is_some_and(|c| c.is_ascii_digit())
            || (next == Some('.') && next2.is_some_and(|c| c.is_ascii_digit()));
        !glued_before && !glued_after
    })
}

/// Comparable text of the source lines around 1-based `line`.
fn window(lines: &[String], line: usize) -> String {
    let from = line.saturating_sub(WINDOW).max(1);
    let to = (line + WINDOW).min(lines.len());
    if from > to {
        return String::new();
    }
    pages::comparable(&lines[from - 1..to].join("\n"))
}

/// The 1-based line of `id = "<id>"` in the city page, for messages.
fn line_of_id(page_text: &str, id: &str) -> usize {
    let needle = format!("id = \"{id}\"");
    page_text
        .lines()
        .position(|l| l.trim() == needle)
        .map_or(0, |i| i + 1)
}

fn city_misses(city: &str, checked: &mut usize) -> Vec<String> {
    let page = pages::city_page(city);
    let page_text = std::fs::read_to_string(pages::repo().join(&page.rel)).unwrap();
    let lines = pages::source_lines(city);
    let kpis = page
        .front
        .get("extra")
        .and_then(|e| e.get("kpis"))
        .and_then(|k| k.as_array())
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for k in &kpis {
        let id = k.get("id").and_then(|v| v.as_str()).unwrap_or("?");
        let at = format!("{}:{}: {id}", page.rel, line_of_id(&page_text, id));
        let Some(source_line) = k.get("source_line").and_then(|v| v.as_integer()) else {
            out.push(format!("{at}: no source_line"));
            continue;
        };
        let hay = window(&lines, source_line as usize);
        let mut points: Vec<(String, &toml::Value)> = Vec::new();
        for field in ["baseline", "target"] {
            if let Some(p) = k.get(field) {
                points.push((field.to_string(), p));
            }
        }
        let series = k.get("series").and_then(|s| s.as_array());
        for (i, p) in series.into_iter().flatten().enumerate() {
            points.push((format!("series[{i}]"), p));
        }
        for (field, p) in points {
            let label = p.get("label").and_then(|l| l.as_str());
            let label_found = label.map(|l| hay.contains(&pages::comparable(l)));
            if label_found == Some(false) {
                out.push(format!(
                    "{at}: {field}.label 「{}」 not within ±{WINDOW} lines of {}:{source_line}",
                    label.unwrap_or_default(),
                    pages::source_rel(city)
                ));
            }
            let value = p
                .get("value")
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)));
            let Some(value) = value else {
                out.push(format!("{at}: {field} has no numeric value"));
                continue;
            };
            *checked += 1;
            let zero_in_words = value == 0.0
                && (hay.contains("ゼロ")
                    || (label_found == Some(true)
                        && !label.unwrap_or_default().chars().any(|c| c.is_numeric())));
            if !zero_in_words && !forms(value).iter().any(|f| has_number(&hay, f)) {
                out.push(format!(
                    "{at}: {field}.value {value} not within ±{WINDOW} lines of {}:{source_line}",
                    pages::source_rel(city)
                ));
            }
        }
    }
    out
}

#[test]
fn number_boundaries() {
    assert!(has_number("率20%以上", "20"));
    assert!(has_number("20.0点", "20.0"));
    assert!(!has_number("200人", "20"));
    assert!(!has_number("120人", "20"));
    assert!(!has_number("20.5点", "20"));
    assert!(has_number("20.", "20"));
    assert_eq!(forms(15.6), ["15.6"]);
    assert_eq!(forms(990.0), ["990", "990.0"]);
}

#[test]
fn every_kpi_value_is_in_the_source_near_its_line() {
    let mut misses = Vec::new();
    let mut checked = 0;
    for city in pages::CITIES {
        misses.extend(city_misses(city, &mut checked));
    }
    assert!(checked >= 30, "only {checked} KPI values found");
    assert!(
        misses.is_empty(),
        "{} KPI problem(s) ({checked} values checked):\n{}",
        misses.len(),
        misses.join("\n")
    );
}
