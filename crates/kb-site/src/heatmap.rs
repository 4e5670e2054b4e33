//! The coverage heatmap of the theme list (themes × cities) as inline SVG drawn at build time,
//! with the key to its colours. Every cell links to that city's column on the theme's page.

use crate::markdown::escape_attr as esc;
use std::fmt::Write;

/// One theme's row: its name, the URL of its page, and its number of measures per city.
pub struct HeatRow {
    pub name: String,
    pub url: String,
    pub counts: Vec<usize>,
}

/// One column: a city's name and slug (the slug names its column on a theme page, `#city-<slug>`).
pub struct HeatColumn {
    pub name: String,
    pub slug: String,
}

/// A step of the colour scale: its class level and the counts it stands for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LegendStep {
    pub level: usize,
    pub from: usize,
    pub to: usize,
}

/// The colour level of a count: 0 for none, then 2–5 by quarters of the largest count (the
/// stylesheet's `heat-<level>` classes).
pub fn level(n: usize, max: usize) -> usize {
    if n == 0 {
        0
    } else {
        1 + ((n as f64 / max.max(1) as f64) * 4.0).ceil().min(4.0) as usize
    }
}

/// The largest count of the rows (at least 1).
pub fn max_count(rows: &[HeatRow]) -> usize {
    rows.iter()
        .flat_map(|r| r.counts.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1)
}

/// The key of the colour scale for counts up to `max`: each level used, with its range.
pub fn legend(max: usize) -> Vec<LegendStep> {
    let mut steps: Vec<LegendStep> = Vec::new();
    for n in 0..=max.max(1) {
        let l = level(n, max);
        match steps.last_mut() {
            Some(s) if s.level == l => s.to = n,
            _ => steps.push(LegendStep {
                level: l,
                from: n,
                to: n,
            }),
        }
    }
    steps
}

/// The heatmap. `cell_label` names a cell for assistive technology (theme, city, count).
pub fn heatmap(
    chart_id: &str,
    title: &str,
    cities: &[HeatColumn],
    rows: &[HeatRow],
    cell_label: &dyn Fn(&str, &str, usize) -> String,
) -> String {
    let cell_w = 96.0;
    let cell_h = 26.0;
    let label_w = 200.0;
    let top = 30.0;
    let max = max_count(rows);
    let width = label_w + cell_w * cities.len() as f64 + 4.0;
    let height = top + cell_h * rows.len() as f64 + 4.0;
    let mut s = String::new();
    // A group, not an image: its row labels and cells are links, and an image may not contain
    // interactive content.
    let _ = write!(
        s,
        r#"<svg class="chart heatmap" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="group" aria-labelledby="{id}-title"><title id="{id}-title">{t}</title>"#,
        id = esc(chart_id),
        t = esc(title)
    );
    for (j, c) in cities.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{x}" y="20" font-size="12" text-anchor="middle" font-weight="600">{c}</text>"#,
            x = label_w + cell_w * (j as f64 + 0.5),
            c = esc(&c.name)
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + cell_h * i as f64;
        let _ = write!(
            s,
            r#"<a href="{u}"><text x="{x}" y="{ty}" font-size="12" text-anchor="end" class="label">{n}</text></a>"#,
            u = esc(&row.url),
            x = label_w - 8.0,
            ty = y + 17.0,
            n = esc(&row.name)
        );
        for (j, (city, n)) in cities.iter().zip(&row.counts).enumerate() {
            let x = label_w + cell_w * j as f64;
            let level = level(*n, max);
            let _ = write!(
                s,
                r#"<a class="heat-cell" href="{u}#city-{slug}" aria-label="{label}" data-city="{slug}"><rect x="{x}" y="{y}" width="{w}" height="{h}" class="heat-{level}" data-count="{n}"></rect><text x="{cx}" y="{ty}" font-size="12" text-anchor="middle" class="heat-text-{level}">{n}</text></a>"#,
                u = esc(&row.url),
                slug = esc(&city.slug),
                label = esc(&cell_label(&row.name, &city.name, *n)),
                w = cell_w - 2.0,
                h = cell_h - 2.0,
                cx = x + cell_w / 2.0,
                ty = y + 17.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_link_to_the_city_column_of_the_theme() {
        let cities = [
            HeatColumn {
                name: "A".into(),
                slug: "a".into(),
            },
            HeatColumn {
                name: "B<".into(),
                slug: "b".into(),
            },
        ];
        let rows = [HeatRow {
            name: "研修".into(),
            url: "/themes/training/".into(),
            counts: vec![0, 3],
        }];
        let h = heatmap("h", "t", &cities, &rows, &|t, c, n| format!("{t} {c} {n}"));
        assert!(h.contains(r#"href="/themes/training/#city-a""#));
        assert!(h.contains(r#"href="/themes/training/#city-b" aria-label="研修 B&lt; 3""#));
        assert!(h.contains(r#"class="heat-0" data-count="0""#));
        assert!(h.contains(r#"class="heat-5" data-count="3""#));
        assert!(
            h.contains(r#"<a href="/themes/training/"><text"#),
            "row label"
        );
    }

    #[test]
    fn the_legend_covers_every_count_once() {
        let steps = legend(7);
        assert_eq!(
            steps.first().map(|s| (s.level, s.from, s.to)),
            Some((0, 0, 0))
        );
        assert_eq!(steps.last().map(|s| s.to), Some(7));
        for w in steps.windows(2) {
            assert_eq!(w[0].to + 1, w[1].from);
        }
        for n in 0..=7 {
            let s = steps.iter().find(|s| s.from <= n && n <= s.to).unwrap();
            assert_eq!(s.level, level(n, 7));
        }
    }
}
