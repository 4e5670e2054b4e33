//! The peer-benchmarking page (`/benchmark/?city=a&peer=b`) completed by the server for readers
//! without JavaScript: the same alignment (`search_indexer::align`, from the same data files the
//! page script reads) and the same markup as `static/js/benchmark.js` — per theme the peer's
//! gaps first, then matched pairs, then own-only measures, then KPI targets side by side; every
//! item with `data-kind`. Messages and labels come from the page's own `data-t-*` attributes,
//! so both languages work unchanged.

use super::pages::{attribute, escape, remove_noscript_notice, select_option, unescape};

mod markup;
use kb_build::benchmark::read_city;
use std::collections::HashMap;
use std::path::Path;

/// Whether `path` is the benchmarking page (`/benchmark/`, `/en/benchmark/`).
pub fn is_benchmark_page(path: &str) -> bool {
    matches!(path, "/benchmark/" | "/en/benchmark/")
}

/// The page with its comparison (or a message about its parameters) filled in.
pub fn benchmark_page(
    html: &str,
    params: &HashMap<String, Vec<String>>,
    output: &Path,
    prefix: &str,
) -> String {
    let one = |k: &str| {
        params
            .get(k)
            .and_then(|v| v.first())
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let (city, peer) = (one("city"), one("peer"));
    let page = Page::of(html, prefix);
    let mut out = html.to_string();
    for (name, value) in [("city", &city), ("peer", &peer)] {
        if page.names.contains_key(value.as_str()) {
            out = select_option(&out, name, value);
        }
    }
    let problem = if city.is_empty() && peer.is_empty() {
        return out;
    } else if city.is_empty() || peer.is_empty() {
        Some(page.t("missing"))
    } else if !page.names.contains_key(city.as_str()) {
        Some(page.t("unknown").replace("{}", &escape(&city)))
    } else if !page.names.contains_key(peer.as_str()) {
        Some(page.t("unknown").replace("{}", &escape(&peer)))
    } else if city == peer {
        Some(page.t("same"))
    } else {
        None
    };
    let body = match problem {
        Some(msg) => Err(msg),
        None => match (read_city(output, &city), read_city(output, &peer)) {
            (Some(a), Some(b)) => Ok(page.render(&a, &b)),
            _ => Err(page.t("failed")),
        },
    };
    let (status, result) = match body {
        Ok((status, result)) => (status, result),
        Err(msg) => (msg, String::new()),
    };
    out = out.replacen("<!--kb:bench-status-->", &status, 1);
    out = out.replacen("<!--kb:bench-->", &result, 1);
    remove_noscript_notice(&mut out);
    out
}

/// What the page itself tells: its language, labels, city and theme names, and the prefix.
struct Page<'a> {
    html: &'a str,
    lang: String,
    prefix: &'a str,
    names: HashMap<String, String>,
    themes: Vec<(String, String)>,
    labels: HashMap<String, String>,
}

impl<'a> Page<'a> {
    fn of(html: &'a str, prefix: &'a str) -> Page<'a> {
        let list = |attr: &str, key: &str, value: &str| -> Vec<(String, String)> {
            let raw = unescape(&attribute(html, &format!("{attr}='")).unwrap_or_default());
            let v: Vec<serde_json::Value> = serde_json::from_str(&raw).unwrap_or_default();
            v.iter()
                .filter_map(|x| {
                    Some((
                        x.get(key)?.as_str()?.to_string(),
                        x.get(value)?.as_str()?.to_string(),
                    ))
                })
                .collect()
        };
        let raw = unescape(&attribute(html, "data-labels='").unwrap_or_default());
        Page {
            html,
            lang: attribute(html, "data-lang=\"").unwrap_or_else(|| "ja".into()),
            prefix,
            names: list("data-cities", "slug", "title").into_iter().collect(),
            themes: list("data-themes", "slug", "name"),
            labels: serde_json::from_str(&raw).unwrap_or_default(),
        }
    }

    /// A message or label, as escaped in the page's attribute.
    fn t(&self, key: &str) -> String {
        attribute(self.html, &format!("data-t-{key}=\"")).unwrap_or_default()
    }

    fn pick<'b>(&self, ja: &'b str, en: &'b str) -> &'b str {
        if self.lang == "en" && !en.is_empty() {
            en
        } else {
            ja
        }
    }

    fn theme_name(&self, slug: &str) -> String {
        self.themes
            .iter()
            .find(|t| t.0 == slug)
            .map_or_else(|| slug.to_string(), |t| t.1.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_give_a_message_and_keep_the_picker() {
        let html = r#"<form id="bench-form"><select name="city"><option value="a">A</option></select></form><p><!--kb:bench-status--></p><div data-lang="en" data-cities='[{"slug":"a","title":"A"}]' data-t-same="same city" data-t-unknown="no city {}" data-t-missing="missing"><!--kb:bench--></div>"#;
        let dir = std::path::Path::new("/nonexistent");
        let p = |q: &str| benchmark_page(html, &super::super::pages::query_values(q), dir, "");
        assert!(p("city=a&peer=a").contains("<p>same city</p>"));
        assert!(p("city=a").contains("<p>missing</p>"));
        let out = p("city=a&peer=%3Cscript%3E");
        assert!(out.contains("no city &lt;script&gt;"), "{out}");
        assert!(out.contains("id=\"bench-form\""));
        assert_eq!(p(""), html);
    }
}
