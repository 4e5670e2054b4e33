//! Every number with a unit in the Japanese bodies of measure and chapter pages appears in the
//! city's source document (`sources/<city>.txt`) or in one of the city's recorded corrections.
//!
//! What counts as a number with a unit (after NFKC, so `３０％` is `30%`):
//! - a number: ASCII digits, with optional thousands separators (`1,358`) and decimals (`10.7`),
//!   not preceded by a digit, `.` or `,`;
//! - optionally preceded by an era: `令和` `平成` `昭和`, or `R` / `H` not preceded by a Latin
//!   letter (`R4年度`); the era is part of the figure and must match too;
//! - immediately followed by a unit, the longest of [`UNITS`]: `%`, time (`年度` `年代` `年間`
//!   `年` `か月` `ヶ月` `カ月` `箇月` `月` `週` `日` `時間` `分`), people (`人` `名` `歳` `代`),
//!   counts and scores (`件` `回` `点` `倍` `割` `つ` `か所` `ヶ所` `箇所`), ordinals of plans
//!   and grades (`次` `級`), money and large numbers (`円` `万` `億`).
//!   `人` followed by `材` `財` `事` `間` `格` `物` is a word (`1 人財の確保` is a heading number
//!   and a noun), not a unit.
//!
//! Numbers written in kanji (`三年`) and bare numbers (list and heading numbers) are not checked.
//! Editor's notes are skipped (see [`super::pages::without_editors_notes`]): their counts are
//! the editors' own. A figure matches when its comparable form (see
//! [`super::pages::comparable`]) occurs in the source's comparable form, not right after a digit
//! or decimal point, or inside a `corrected` string of the city's `[[extra.corrections]]`.

use super::pages::{self, Page};

/// Units, longest first among those sharing a prefix.
const UNITS: &[&str] = &[
    "%", "年度", "年代", "年間", "年", "か月", "ヶ月", "カ月", "箇月", "ヵ月", "月", "週", "日",
    "時間", "分", "人", "名", "歳", "代", "件", "回", "点", "倍", "割", "円", "万", "億", "か所",
    "ヶ所", "箇所", "つ", "次", "級",
];

const ERAS: &[&str] = &["令和", "平成", "昭和", "R", "H"];

/// The figures with units in one line (already NFKC-repaired), in order.
pub fn figures(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_ascii_digit() || matches!(chars[i - 1], '.' | ',')));
        if !starts_number {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && (chars[j].is_ascii_digit()
                || (matches!(chars[j], ',' | '.')
                    && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            j += 1;
        }
        let rest: String = chars[j..].iter().take(3).collect();
        let unit = UNITS.iter().find(|u| rest.starts_with(**u)).filter(|u| {
            !(**u == "人"
                && chars
                    .get(j + 1)
                    .is_some_and(|c| "材財事間格物".contains(*c)))
        });
        if let Some(unit) = unit {
            let before: String = chars[..i].iter().collect();
            let era = ERAS.iter().find(|e| {
                before.ends_with(**e)
                    && (e.chars().count() == 2 || i < 2 || !chars[i - 2].is_ascii_alphabetic())
            });
            let number: String = chars[i..j].iter().collect();
            out.push(format!("{}{number}{unit}", era.copied().unwrap_or("")));
        }
        i = j;
    }
    out
}

/// Whether `needle` occurs in `hay` at a number boundary (not right after a digit, `.` or `,`).
pub fn occurs(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(at, _)| {
        !hay[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
    })
}

/// Misses of one page: `file:line: 「figure」 …`.
fn page_misses(page: &Page, source: &str, corrections: &[String], city: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in pages::without_editors_notes(&page.body) {
        // Link targets are paths, not text.
        let line = strip_link_targets(&kb_text::repair_chars(&line));
        for fig in figures(&line) {
            let want = pages::comparable(&fig);
            let found = occurs(source, &want) || corrections.iter().any(|c| occurs(c, &want));
            if !found {
                out.push(format!(
                    "{}:{n}: 「{fig}」 is neither in {} nor in a correction",
                    page.rel,
                    pages::source_rel(city)
                ));
            }
        }
    }
    out
}

fn strip_link_targets(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at + 1]);
        rest = &rest[at + 2..];
        match rest.find(')') {
            Some(end) => rest = &rest[end + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn figure_pattern() {
    let line = kb_text::repair_chars(
        "令和７年度から３０％以上、R4年度 59点、1,358人、10.7%、1 人財の確保、第3章、三年、3か月、YR5年",
    );
    assert_eq!(
        figures(&line),
        [
            "令和7年度",
            "30%",
            "R4年度",
            "59点",
            "1,358人",
            "10.7%",
            "3か月",
            "5年"
        ]
    );
    assert!(occurs("職員は1358人", "1358人"));
    assert!(!occurs("職員は11358人", "1358人"));
    assert!(!occurs("率は2.5%", "5%"));
    assert_eq!(
        strip_link_targets("[研修3年](@/a/b-3年.md)と"),
        "[研修3年]と"
    );
}

#[test]
fn every_figure_in_measure_and_chapter_bodies_is_in_the_source() {
    let mut misses = Vec::new();
    let mut checked = 0;
    for city in pages::CITIES {
        let source = pages::comparable(&pages::source_lines(city).join("\n"));
        let corrections = pages::corrected_strings(city);
        for sub in ["measures", "chapters"] {
            for page in pages::ja_pages(city, sub) {
                checked += page
                    .body
                    .iter()
                    .map(|(_, l)| figures(&kb_text::repair_chars(l)).len())
                    .sum::<usize>();
                misses.extend(page_misses(&page, &source, &corrections, city));
            }
        }
    }
    assert!(
        checked > 250,
        "only {checked} figures found: pattern broken?"
    );
    assert!(
        misses.is_empty(),
        "{} figure(s) of {checked} not found in the sources:\n{}",
        misses.len(),
        misses.join("\n")
    );
}
