//! The indicator dashboard's charts as inline SVG, drawn at build time. A chart must not mislead:
//! every value carries its year and comparator in words beside its bar, a target to *maintain*
//! is drawn as a floor to stay above (never as a bar shorter than the baseline, which would read
//! as a planned fall), and labels wrap onto as many lines as they need instead of being cut.
//! Every bar carries its number in `data-value`, so tests can check the figures against
//! `kpis.json`.

use crate::markdown::escape_attr as esc;
use crate::text_wrap::wrap;
use std::fmt::Write;

/// A value drawn as a bar, with the words shown beside it (`≥ 65 points (FY2025)`).
pub struct Mark {
    pub value: f64,
    pub text: String,
}

/// One indicator's row: its baseline and target.
pub struct Row<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub baseline: Option<Mark>,
    pub target: Option<Mark>,
    /// The target is a level to keep (維持): drawn as a floor, not as a bar.
    pub maintain: bool,
}

/// The words of a chart's legend and of an absent value.
pub struct Legend<'a> {
    pub baseline: &'a str,
    pub target: &'a str,
    pub maintain: &'a str,
    pub none: &'a str,
}

const FONT: f64 = 12.0;
const LINE: f64 = 15.0;
const LABEL_W: f64 = 340.0;
const BAR_AREA: f64 = 300.0;
const TEXT_W: f64 = 230.0;
const TOP: f64 = 34.0;
const BAR_H: f64 = 15.0;

fn scale(rows: &[Row]) -> f64 {
    rows.iter()
        .flat_map(|r| [r.baseline.as_ref(), r.target.as_ref()])
        .flatten()
        .map(|m| m.value)
        .fold(0.0_f64, f64::max)
        .max(1e-9)
}

/// Grouped horizontal bars, one row per indicator: its wrapped label, the baseline bar above the
/// target bar, each with its value, comparator and year in words.
pub fn pair_chart(chart_id: &str, title: &str, rows: &[Row], legend: &Legend) -> String {
    let max = scale(rows);
    let labels: Vec<Vec<String>> = rows
        .iter()
        .map(|r| wrap(r.label, (LABEL_W - 16.0) / FONT))
        .collect();
    let heights: Vec<f64> = labels
        .iter()
        .map(|l| (l.len() as f64 * LINE + 12.0).max(2.0 * BAR_H + 16.0))
        .collect();
    let width = LABEL_W + BAR_AREA + TEXT_W;
    let height = TOP + heights.iter().sum::<f64>() + 6.0;
    let id = esc(chart_id);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart kpi-chart" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{t}</title><desc id="{id}-desc">"#,
        t = esc(title)
    );
    for r in rows {
        fn value<'a>(m: &'a Option<Mark>, none: &'a str) -> &'a str {
            m.as_ref().map_or(none, |m| m.text.as_str())
        }
        let _ = write!(
            s,
            "{}: {} {}; {} {}. ",
            esc(r.label),
            esc(legend.baseline),
            esc(value(&r.baseline, legend.none)),
            esc(legend.target),
            esc(value(&r.target, legend.none))
        );
    }
    s.push_str("</desc>");
    legend_svg(&mut s, legend, rows.iter().any(|r| r.maintain));
    let mut y = TOP;
    for ((r, lines), h) in rows.iter().zip(&labels).zip(&heights) {
        let _ = write!(
            s,
            r#"<line x1="0" y1="{y}" x2="{width}" y2="{y}" class="kpi-rule"/><text x="{x}" y="{ty}" font-size="{FONT}" text-anchor="end" class="label">"#,
            x = LABEL_W - 10.0,
            ty = y + 16.0
        );
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                s,
                r#"<tspan x="{x}" dy="{dy}">{l}</tspan>"#,
                x = LABEL_W - 10.0,
                dy = if i == 0 { 0.0 } else { LINE },
                l = esc(line)
            );
        }
        s.push_str("</text>");
        let bars = [
            ("baseline", r.baseline.as_ref(), y + 6.0),
            ("target", r.target.as_ref(), y + 8.0 + BAR_H),
        ];
        for (kind, mark, by) in bars {
            bar(&mut s, r, kind, mark, by, max, legend);
        }
        y += h;
    }
    s.push_str("</svg>");
    s
}

fn legend_svg(s: &mut String, legend: &Legend, maintain: bool) {
    let x = LABEL_W;
    let _ = write!(
        s,
        r#"<g class="legend" font-size="{FONT}"><rect x="{x}" y="8" width="12" height="12" class="kpi-bar-baseline"/><text x="{tx}" y="18">{b}</text><rect x="{x2}" y="8" width="12" height="12" class="kpi-bar-target"/><text x="{tx2}" y="18">{t}</text>"#,
        tx = x + 16.0,
        b = esc(legend.baseline),
        x2 = x + 110.0,
        tx2 = x + 126.0,
        t = esc(legend.target)
    );
    if maintain {
        let _ = write!(
            s,
            r#"<rect x="{x3}" y="8" width="24" height="12" class="kpi-zone"/><rect x="{x3}" y="6" width="3" height="16" class="kpi-bar-target"/><text x="{tx3}" y="18">{m}</text>"#,
            x3 = x + 220.0,
            tx3 = x + 250.0,
            m = esc(legend.maintain)
        );
    }
    s.push_str("</g>");
}

/// One bar and its words; a target to maintain as a floor marker with the zone above it.
fn bar(
    s: &mut String,
    r: &Row,
    kind: &str,
    mark: Option<&Mark>,
    by: f64,
    max: f64,
    legend: &Legend,
) {
    let ty = by + 12.0;
    let Some(m) = mark else {
        let _ = write!(
            s,
            r#"<text x="{x}" y="{ty}" font-size="11" class="none">{n}</text>"#,
            x = LABEL_W + 2.0,
            n = esc(legend.none)
        );
        return;
    };
    let w = (m.value / max * BAR_AREA).max(1.0);
    let attrs = format!(
        r#"data-kpi="{}" data-kind="{kind}" data-value="{}""#,
        esc(r.id),
        crate::views::format_number(m.value)
    );
    let tip = format!("<title>{}: {}</title>", esc(r.label), esc(&m.text));
    let text_x = if kind == "target" && r.maintain {
        let _ = write!(
            s,
            r#"<rect x="{zx:.1}" y="{by}" width="{zw:.1}" height="{BAR_H}" class="kpi-zone"/><rect x="{mx:.1}" y="{my}" width="3" height="{mh}" class="kpi-bar-target kpi-floor" {attrs}>{tip}</rect>"#,
            zx = LABEL_W + w,
            zw = BAR_AREA - w,
            mx = LABEL_W + w - 1.5,
            my = by - 2.0,
            mh = BAR_H + 4.0
        );
        LABEL_W + BAR_AREA + 6.0
    } else {
        let _ = write!(
            s,
            r#"<rect x="{LABEL_W}" y="{by}" width="{w:.1}" height="{BAR_H}" class="kpi-bar-{kind}" {attrs}>{tip}</rect>"#
        );
        LABEL_W + w + 6.0
    };
    let _ = write!(
        s,
        r#"<text x="{text_x:.1}" y="{ty}" font-size="11">{t}</text>"#,
        t = esc(&m.text)
    );
}

/// A card's two bars for a phone, scaled like its city's chart of that unit; decorative (the
/// card states the figures in words), so hidden from assistive technology.
pub fn card_bars(r: &Row, max: f64) -> String {
    let max = max.max(1e-9);
    let width = 300.0;
    let mut s = format!(
        r#"<svg class="kpi-card-bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 38" width="100%" aria-hidden="true" focusable="false">"#
    );
    for (kind, mark, y) in [
        ("baseline", r.baseline.as_ref(), 2.0),
        ("target", r.target.as_ref(), 21.0),
    ] {
        let Some(m) = mark else { continue };
        let w = (m.value / max * width).max(1.0);
        if kind == "target" && r.maintain {
            let _ = write!(
                s,
                r#"<rect x="{w:.1}" y="{y}" width="{zw:.1}" height="15" class="kpi-zone"/><rect x="{mx:.1}" y="{my}" width="3" height="19" class="kpi-bar-target"/>"#,
                zw = width - w,
                mx = (w - 1.5).max(0.0),
                my = y - 2.0
            );
        } else {
            let _ = write!(
                s,
                r#"<rect x="0" y="{y}" width="{w:.1}" height="15" class="kpi-bar-{kind}"/>"#
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The largest value of a set of rows: the common scale of a chart and of its cards.
pub fn max_value(rows: &[Row]) -> f64 {
    scale(rows)
}

/// One point of an observed series: its value, the value in words, the year in words.
pub struct Point {
    pub value: f64,
    pub text: String,
    pub when: String,
}

/// Vertical bars for an observed series (Kofu's falling applicant numbers), each with its
/// value and year.
pub fn series_chart(chart_id: &str, title: &str, kpi_id: &str, points: &[Point]) -> String {
    let max = points
        .iter()
        .map(|p| p.value)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (bar_w, gap, plot_h) = (60.0, 50.0, 160.0);
    let width = 40.0 + (bar_w + gap) * points.len() as f64;
    let height = plot_h + 60.0;
    let id = esc(chart_id);
    let desc: Vec<String> = points
        .iter()
        .map(|p| format!("{}: {}", p.when, p.text))
        .collect();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart kpi-chart kpi-series-chart" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc><line x1="20" y1="{ay}" x2="{ax}" y2="{ay}" class="axis"/>"#,
        t = esc(title),
        d = esc(&desc.join(", ")),
        ay = plot_h + 20.0,
        ax = width - 10.0
    );
    for (i, p) in points.iter().enumerate() {
        let h = (p.value / max * plot_h).max(1.0);
        let x = 40.0 + (bar_w + gap) * i as f64;
        let y = plot_h + 20.0 - h;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{y:.1}" width="{bar_w}" height="{h:.1}" class="kpi-series" data-kpi="{k}" data-kind="series" data-value="{val}"><title>{w}: {t}</title></rect><text x="{cx}" y="{ty:.1}" font-size="12" text-anchor="middle">{t}</text><text x="{cx}" y="{ly}" font-size="12" text-anchor="middle">{w}</text>"#,
            k = esc(kpi_id),
            val = crate::views::format_number(p.value),
            t = esc(&p.text),
            w = esc(&p.when),
            cx = x + bar_w / 2.0,
            ty = y - 4.0,
            ly = plot_h + 38.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEGEND: Legend = Legend {
        baseline: "Baseline",
        target: "Target",
        maintain: "Level to maintain",
        none: "none",
    };

    fn row<'a>(id: &'a str, label: &'a str, b: f64, t: f64, maintain: bool) -> Row<'a> {
        Row {
            id,
            label,
            baseline: Some(Mark {
                value: b,
                text: format!("{b}% (FY2021)"),
            }),
            target: Some(Mark {
                value: t,
                text: format!("≥ {t}% (FY2025)"),
            }),
            maintain,
        }
    }

    #[test]
    fn bars_carry_values_years_and_escaped_labels() {
        let rows = [row("k1", "<b>x</b>", 59.0, 65.0, false)];
        let svg = pair_chart("c", "t", &rows, &LEGEND);
        assert!(svg.contains(r#"data-kind="baseline" data-value="59""#));
        assert!(svg.contains(r#"data-kind="target" data-value="65""#));
        assert!(svg.contains("≥ 65% (FY2025)") && svg.contains("59% (FY2021)"));
        assert!(!svg.contains("<b>"));
        assert!(
            !svg.contains("kpi-zone"),
            "no maintain legend without a maintain row"
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn a_target_to_maintain_is_a_floor_not_a_shorter_bar() {
        let rows = [row(
            "osaki-kpi-18",
            "Male childcare leave",
            50.0,
            10.0,
            true,
        )];
        let svg = pair_chart("c", "t", &rows, &LEGEND);
        assert!(svg.contains(r#"class="kpi-bar-target kpi-floor" data-kpi="osaki-kpi-18" data-kind="target" data-value="10""#));
        // The zone to stay in runs from the floor (10 of 50: 60 units) to the end of the scale.
        assert!(
            svg.contains(r#"<rect x="400.0" y="57" width="240.0" height="15" class="kpi-zone"/>"#),
            "{svg}"
        );
        assert!(svg.contains("Level to maintain"));
        let card = card_bars(&rows[0], 50.0);
        assert!(card.contains("kpi-zone") && card.contains(r#"aria-hidden="true""#));
    }

    #[test]
    fn series_bars_show_value_and_year() {
        let pts = [
            Point {
                value: 358.0,
                text: "358 people".into(),
                when: "2014".into(),
            },
            Point {
                value: 166.0,
                text: "166 people".into(),
                when: "2024".into(),
            },
        ];
        let svg = series_chart("s", "t", "kofu-kpi-01", &pts);
        assert!(svg.contains(r#"data-value="358""#) && svg.contains(r#"data-value="166""#));
        assert!(svg.contains(">358 people<") && svg.contains(">2024<"));
    }
}
