//! Charts as inline SVG, drawn at build time: no script, no library, printable. Every bar
//! carries its number in `data-value` and a `<title>`, so the figures can be read by assistive
//! technology and checked by tests against `kpis.json`.

use crate::markdown::escape_attr as esc;
use crate::views::format_number;
use std::fmt::Write;

/// One indicator's baseline and target, drawn as a pair of bars.
pub struct PairRow<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub baseline: Option<(f64, String)>,
    pub target: Option<(f64, String)>,
}

const LABEL_W: f64 = 300.0;
const BAR_AREA: f64 = 380.0;
const ROW_H: f64 = 44.0;

fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// Grouped horizontal bars: for each row, the baseline (grey) above the target (blue).
pub fn pair_bars(
    chart_id: &str,
    title: &str,
    unit: &str,
    rows: &[PairRow],
    legend: (&str, &str),
) -> String {
    let max = rows
        .iter()
        .flat_map(|r| {
            [
                r.baseline.as_ref().map(|b| b.0),
                r.target.as_ref().map(|t| t.0),
            ]
        })
        .flatten()
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let width = LABEL_W + BAR_AREA + 90.0;
    let height = 34.0 + ROW_H * rows.len() as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{t}</title><desc id="{id}-desc">"#,
        id = esc(chart_id),
        t = esc(title)
    );
    for r in rows {
        let _ = write!(s, "{}: ", esc(r.label));
        if let Some((v, l)) = &r.baseline {
            let _ = write!(
                s,
                "{} {}{} ({}); ",
                esc(legend.0),
                format_number(*v),
                esc(unit),
                esc(l)
            );
        }
        if let Some((v, l)) = &r.target {
            let _ = write!(
                s,
                "{} {}{} ({}). ",
                esc(legend.1),
                format_number(*v),
                esc(unit),
                esc(l)
            );
        }
    }
    s.push_str("</desc>");
    // Legend.
    let _ = write!(
        s,
        r#"<g class="legend" font-size="12"><rect x="{x}" y="8" width="12" height="12" class="bar-baseline"/><text x="{tx}" y="18">{b}</text><rect x="{x2}" y="8" width="12" height="12" class="bar-target"/><text x="{tx2}" y="18">{tg}</text></g>"#,
        x = LABEL_W,
        tx = LABEL_W + 16.0,
        b = esc(legend.0),
        x2 = LABEL_W + 120.0,
        tx2 = LABEL_W + 136.0,
        tg = esc(legend.1)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 34.0 + ROW_H * i as f64;
        let _ = write!(
            s,
            r#"<text x="{x}" y="{ty}" font-size="12" text-anchor="end" class="label"><title>{full}</title>{short}</text>"#,
            x = LABEL_W - 8.0,
            ty = y + 22.0,
            full = esc(r.label),
            short = esc(&clip(r.label, 24))
        );
        for (j, (kind, value)) in [("baseline", &r.baseline), ("target", &r.target)]
            .into_iter()
            .enumerate()
        {
            let by = y + 4.0 + 18.0 * j as f64;
            match value {
                Some((v, label)) => {
                    let w = (v / max * BAR_AREA).max(1.0);
                    let _ = write!(
                        s,
                        r#"<rect x="{x}" y="{by}" width="{w:.1}" height="15" class="bar-{kind}" data-kpi="{id}" data-kind="{kind}" data-value="{val}"><title>{lab}: {val}{unit} ({yl})</title></rect><text x="{tx:.1}" y="{ty}" font-size="11">{val}{unit}</text>"#,
                        x = LABEL_W,
                        id = esc(r.id),
                        val = format_number(*v),
                        lab = esc(r.label),
                        unit = esc(unit),
                        yl = esc(label),
                        tx = LABEL_W + w + 4.0,
                        ty = by + 12.0
                    );
                }
                None => {
                    let _ = write!(
                        s,
                        r#"<text x="{x}" y="{ty}" font-size="11" class="none">—</text>"#,
                        x = LABEL_W + 2.0,
                        ty = by + 12.0
                    );
                }
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars for an observed series (Kofu's falling applicant numbers).
pub fn series_bars(
    chart_id: &str,
    title: &str,
    unit: &str,
    kpi_id: &str,
    points: &[(String, f64)],
) -> String {
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max).max(1e-9);
    let bar_w = 60.0;
    let gap = 40.0;
    let plot_h = 160.0;
    let width = 40.0 + (bar_w + gap) * points.len() as f64;
    let height = plot_h + 60.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>"#,
        id = esc(chart_id),
        t = esc(title),
        d = esc(&points
            .iter()
            .map(|(l, v)| format!("{l}: {}{unit}", format_number(*v)))
            .collect::<Vec<_>>()
            .join(", "))
    );
    let _ = write!(
        s,
        r#"<line x1="20" y1="{y}" x2="{x2}" y2="{y}" class="axis"/>"#,
        y = plot_h + 20.0,
        x2 = width - 10.0
    );
    for (i, (label, v)) in points.iter().enumerate() {
        let h = (v / max * plot_h).max(1.0);
        let x = 40.0 + (bar_w + gap) * i as f64;
        let y = plot_h + 20.0 - h;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{y:.1}" width="{bar_w}" height="{h:.1}" class="bar-series" data-kpi="{k}" data-kind="series" data-value="{val}"><title>{l}: {val}{u}</title></rect><text x="{cx}" y="{ty:.1}" font-size="12" text-anchor="middle">{val}{u}</text><text x="{cx}" y="{ly}" font-size="12" text-anchor="middle">{l}</text>"#,
            k = esc(kpi_id),
            val = format_number(*v),
            u = esc(unit),
            l = esc(label),
            cx = x + bar_w / 2.0,
            ty = y - 4.0,
            ly = plot_h + 38.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Themes × cities: each cell's shade grows with its measure count; cells link to theme pages.
pub fn heatmap(
    chart_id: &str,
    title: &str,
    cities: &[String],
    rows: &[(String, String, Vec<usize>)],
) -> String {
    let cell_w = 96.0;
    let cell_h = 26.0;
    let label_w = 200.0;
    let top = 30.0;
    let max = rows
        .iter()
        .flat_map(|r| r.2.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let width = label_w + cell_w * cities.len() as f64 + 4.0;
    let height = top + cell_h * rows.len() as f64 + 4.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart heatmap" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="group" aria-labelledby="{id}-title"><title id="{id}-title">{t}</title>"#,
        id = esc(chart_id),
        t = esc(title)
    );
    // A group, not an image: its cells are links, and an image may not contain interactive
    // content. Each cell's <title> names it for assistive technology.
    for (j, c) in cities.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{x}" y="20" font-size="12" text-anchor="middle" font-weight="600">{c}</text>"#,
            x = label_w + cell_w * (j as f64 + 0.5),
            c = esc(c)
        );
    }
    for (i, (name, url, counts)) in rows.iter().enumerate() {
        let y = top + cell_h * i as f64;
        let _ = write!(
            s,
            r#"<a href="{u}"><text x="{x}" y="{ty}" font-size="12" text-anchor="end" class="label">{n}</text>"#,
            u = esc(url),
            x = label_w - 8.0,
            ty = y + 17.0,
            n = esc(name)
        );
        for (j, n) in counts.iter().enumerate() {
            let level = if *n == 0 {
                0
            } else {
                1 + ((*n as f64 / max) * 4.0).ceil().min(4.0) as usize
            };
            let x = label_w + cell_w * j as f64;
            let _ = write!(
                s,
                r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" class="heat-{level}" data-count="{n}"><title>{name} — {c}: {n}</title></rect><text x="{cx}" y="{ty}" font-size="12" text-anchor="middle" class="heat-text-{level}">{n}</text>"#,
                w = cell_w - 2.0,
                h = cell_h - 2.0,
                name = esc(name),
                c = esc(&cities[j]),
                cx = x + cell_w / 2.0,
                ty = y + 17.0
            );
        }
        s.push_str("</a>");
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_bars_carry_values_and_escape_labels() {
        let rows = [PairRow {
            id: "k1",
            label: "<b>x</b>",
            baseline: Some((59.0, "R4".into())),
            target: Some((65.0, "R7".into())),
        }];
        let svg = pair_bars("c", "t", "点", &rows, ("基準", "目標"));
        assert!(svg.contains(r#"data-kind="baseline" data-value="59""#));
        assert!(svg.contains(r#"data-kind="target" data-value="65""#));
        assert!(!svg.contains("<b>"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn series_and_heatmap() {
        let svg = series_bars(
            "s",
            "t",
            "人",
            "kofu-kpi-01",
            &[("2014".into(), 358.0), ("2024".into(), 166.0)],
        );
        assert!(svg.contains(r#"data-value="358""#) && svg.contains(r#"data-value="166""#));
        let h = heatmap(
            "h",
            "t",
            &["A".into(), "B".into()],
            &[("研修".into(), "/themes/training/".into(), vec![0, 3])],
        );
        assert!(h.contains(r#"class="heat-0" data-count="0""#));
        assert!(h.contains(r#"href="/themes/training/""#));
    }
}
