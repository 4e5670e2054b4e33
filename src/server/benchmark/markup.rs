//! The page's body for two cities: per theme the peer's gaps, matched pairs and own-only
//! measures, then KPI targets side by side — the markup `static/js/benchmark.js` writes.

use super::Page;
use crate::server::pages::escape;
use kb_build::benchmark::{CityData, Measure, Target};
use search_indexer::align::{align, shared_terms, Pair};
use std::collections::HashMap;

impl Page<'_> {
    fn target(&self, k: &Target) -> String {
        let unit = k
            .unit
            .as_ref()
            .map(|u| self.pick(&u.ja, &u.en).to_string())
            .unwrap_or_default();
        let cmp = k
            .comparator
            .as_ref()
            .and_then(|c| self.labels.get(&format!("cmp_{c}")).cloned())
            .unwrap_or_default();
        let value = match k.value {
            Some(v) => format!(
                "{cmp}{}{}",
                js_number(v),
                if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                }
            ),
            None => self.t("no-target"),
        };
        let when = k
            .label
            .clone()
            .or(k.year.map(|y| y.to_string()))
            .unwrap_or_default();
        let ind = escape(self.pick(&k.indicator.ja, &k.indicator.en));
        let value = if k.value.is_some() {
            escape(&value)
        } else {
            value
        };
        if when.is_empty() {
            format!("{ind}: {value}")
        } else {
            format!("{ind}: {value} ({})", escape(&when))
        }
    }

    fn side(&self, m: &Measure, who: &str, cls: &str) -> String {
        let mut s = format!(
            "<div class=\"bench-side {cls}\"><span class=\"bench-who\">{}</span><a class=\"bench-title\" href=\"{}{}\">{}</a>",
            escape(who),
            escape(self.prefix),
            escape(self.pick(&m.url.ja, &m.url.en)),
            escape(self.pick(&m.title.ja, &m.title.en))
        );
        let mut facts = Vec::new();
        if let Some(st) = &m.status {
            let label = self.labels.get(&format!("status_{st}")).unwrap_or(st);
            facts.push(format!("{}: {}", self.t("status"), escape(label)));
        }
        if let Some(c) = &m.commitment {
            let label = self.labels.get(&format!("commitment_{c}")).unwrap_or(c);
            facts.push(format!("{}: {}", self.t("commitment"), escape(label)));
        }
        if !facts.is_empty() {
            s.push_str(&format!(
                "<p class=\"bench-facts\">{}</p>",
                facts.join(" · ")
            ));
        }
        if !m.kpis.is_empty() {
            s.push_str("<ul class=\"bench-targets\">");
            for k in &m.kpis {
                s.push_str(&format!("<li>{}</li>", self.target(k)));
            }
            s.push_str("</ul>");
        }
        s.push_str("</div>");
        s
    }

    /// (status line, result markup) for `a` compared with `b`.
    pub(super) fn render(&self, a: &CityData, b: &CityData) -> (String, String) {
        let (me, them) = (
            self.pick(&a.name.ja, &a.name.en).to_string(),
            self.pick(&b.name.ja, &b.name.en).to_string(),
        );
        let (ia, ib) = (a.align_inputs(), b.align_inputs());
        let pairs: Vec<Pair> = align(&ia, &ib, a.params.threshold);
        let mut used_a = vec![false; a.measures.len()];
        let mut used_b = vec![false; b.measures.len()];
        for p in &pairs {
            used_a[p.a] = true;
            used_b[p.b] = true;
        }
        #[derive(Default)]
        struct Group {
            gaps: Vec<usize>,
            pairs: Vec<Pair>,
            own: Vec<usize>,
            kpi_a: Vec<Target>,
            kpi_b: Vec<Target>,
        }
        let primary = |m: &Measure| m.align.themes.first().cloned().unwrap_or_default();
        let mut groups: HashMap<String, Group> = HashMap::new();
        for (j, m) in b.measures.iter().enumerate() {
            if !used_b[j] {
                groups.entry(primary(m)).or_default().gaps.push(j);
            }
        }
        for p in &pairs {
            groups
                .entry(primary(&a.measures[p.a]))
                .or_default()
                .pairs
                .push(*p);
        }
        for (i, m) in a.measures.iter().enumerate() {
            if !used_a[i] {
                groups.entry(primary(m)).or_default().own.push(i);
            }
            groups
                .entry(primary(m))
                .or_default()
                .kpi_a
                .extend(m.kpis.iter().cloned());
        }
        for m in &b.measures {
            groups
                .entry(primary(m))
                .or_default()
                .kpi_b
                .extend(m.kpis.iter().cloned());
        }
        let mut order: Vec<String> = self
            .themes
            .iter()
            .map(|t| t.0.clone())
            .filter(|s| groups.contains_key(s))
            .collect();
        let mut rest: Vec<String> = groups
            .keys()
            .filter(|k| !order.contains(k))
            .cloned()
            .collect();
        rest.sort();
        order.extend(rest);
        let gaps: usize = groups.values().map(|g| g.gaps.len()).sum();
        let own: usize = groups.values().map(|g| g.own.len()).sum();
        let fill = |s: String| {
            s.replace("{city}", &escape(&me))
                .replace("{peer}", &escape(&them))
                .replace("{matched}", &pairs.len().to_string())
                .replace("{gaps}", &gaps.to_string())
                .replace("{own}", &own.to_string())
        };
        let mut html = format!("<p class=\"bench-summary\">{}</p>", fill(self.t("summary")));
        for slug in &order {
            let g = &groups[slug];
            let name = escape(&self.theme_name(slug));
            html.push_str(&format!(
                "<section class=\"bench-theme\" data-theme=\"{0}\" aria-labelledby=\"bench-theme-{0}\"><h2 id=\"bench-theme-{0}\">{name}</h2>",
                escape(slug)
            ));
            let mut list = |title: String, items: Vec<String>| {
                if items.is_empty() {
                    return;
                }
                html.push_str(&format!(
                    "<h3>{title} ({})</h3><ul class=\"bench-list\">{}</ul>",
                    items.len(),
                    items.concat()
                ));
            };
            list(
                fill(self.t("gaps")),
                g.gaps
                    .iter()
                    .map(|&j| {
                        format!(
                            "<li class=\"bench-item only-peer\" data-kind=\"only-peer\">{}</li>",
                            self.side(&b.measures[j], &them, "peer")
                        )
                    })
                    .collect(),
            );
            list(
                self.t("matched"),
                g.pairs
                    .iter()
                    .map(|p| self.pair(a, b, p, &me, &them))
                    .collect(),
            );
            list(
                fill(self.t("own")),
                g.own
                    .iter()
                    .map(|&i| {
                        format!(
                            "<li class=\"bench-item only-city\" data-kind=\"only-city\">{}</li>",
                            self.side(&a.measures[i], &me, "mine")
                        )
                    })
                    .collect(),
            );
            if !g.kpi_a.is_empty() && !g.kpi_b.is_empty() {
                let ka: Vec<&Target> = g.kpi_a.iter().collect();
                let kb: Vec<&Target> = g.kpi_b.iter().collect();
                let caption = format!("{}: {name}", self.t("targets"));
                html.push_str(&format!("<h3>{}</h3>", self.t("targets")));
                html.push_str(&self.targets_table(&caption, &me, &them, &ka, &kb));
            }
            html.push_str("</section>");
        }
        // Both cities' targets in full (most KPIs are tied to no measure, hence to no theme).
        let (all_a, all_b) = (a.all_targets(), b.all_targets());
        if !all_a.is_empty() && !all_b.is_empty() {
            let t = self.t("all-targets");
            html.push_str(&format!("<section class=\"bench-theme bench-all-targets\" aria-labelledby=\"bench-all-targets\"><h2 id=\"bench-all-targets\">{t}</h2>"));
            html.push_str(&self.targets_table(&t, &me, &them, &all_a, &all_b));
            html.push_str("</section>");
        }
        (fill(self.t("ready")), html)
    }

    fn targets_table(
        &self,
        caption: &str,
        me: &str,
        them: &str,
        ka: &[&Target],
        kb: &[&Target],
    ) -> String {
        let col = |ks: &[&Target]| {
            ks.iter()
                .map(|k| format!("<li>{}</li>", self.target(k)))
                .collect::<String>()
        };
        format!(
            "<div class=\"table-wrap\"><table class=\"bench-kpis\"><caption>{caption}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody><tr><td><ul class=\"bench-kpi-list\">{}</ul></td><td><ul class=\"bench-kpi-list\">{}</ul></td></tr></tbody></table></div>",
            escape(me),
            escape(them),
            col(ka),
            col(kb)
        )
    }

    fn pair(&self, a: &CityData, b: &CityData, p: &Pair, me: &str, them: &str) -> String {
        let (x, y) = (&a.measures[p.a], &b.measures[p.b]);
        let mut why = vec![format!(
            "{} {:.2} ({} {:.2})",
            self.t("similarity"),
            p.why.score,
            self.t("text"),
            p.why.text
        )];
        let themes: Vec<String> = x
            .align
            .themes
            .iter()
            .filter(|t| y.align.themes.contains(t))
            .map(|t| escape(&self.theme_name(t)))
            .collect();
        if !themes.is_empty() {
            why.push(format!(
                "{}: {}",
                self.t("shared-themes"),
                themes.join("、")
            ));
        }
        let terms: Vec<String> = shared_terms(&x.align, &y.align)
            .into_iter()
            .take(5)
            .map(escape)
            .collect();
        if !terms.is_empty() {
            why.push(format!("{}: {}", self.t("shared-terms"), terms.join("、")));
        }
        format!(
            "<li class=\"bench-item matched\" data-kind=\"matched\" data-city-measure=\"{}\" data-peer-measure=\"{}\">{}<p class=\"bench-why\">{}</p>{}</li>",
            escape(&x.id),
            escape(&y.id),
            self.side(x, me, "mine"),
            why.join(" · "),
            self.side(y, them, "peer")
        )
    }
}

/// A number as JavaScript prints it (30, not 30.0).
fn js_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
