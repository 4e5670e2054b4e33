//! Pages the server completes for readers without JavaScript: the search page with its results
//! (`/search/?q=…&city=…&theme=…&lang=…&page=N`) and a theme page narrowed to the cities picked
//! (`?city=a&city=b`). The built page is the template; the server fills the slots the template
//! marks (`<!--kb:results-->` …), so that the page looks the same with or without JavaScript,
//! and a static host serves the same page unfilled.

use search_indexer::{SearchIndex, SearchRequest, SearchResponse};
use std::collections::HashMap;

/// Results per page, as the page script shows them.
const PAGE: usize = 10;

/// A query string's values by name, repeated names kept (`city=a&city=b`).
pub fn query_values(raw: &str) -> HashMap<String, Vec<String>> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.entry(decode(k)).or_default().push(decode(v));
    }
    out
}

/// Whether `path` is a search page (`/search/`, `/en/search/`).
pub fn is_search_page(path: &str) -> bool {
    matches!(path, "/search/" | "/en/search/")
}

/// Whether `path` is a theme page (`/themes/<slug>/`, `/en/themes/<slug>/`).
pub fn is_theme_page(path: &str) -> bool {
    let rest = path.strip_prefix("/en").unwrap_or(path);
    rest.strip_prefix("/themes/")
        .and_then(|r| r.strip_suffix('/'))
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
}

/// The theme page with the picked cities' boxes checked (the stylesheet then hides the other
/// columns, as it does when a reader ticks them).
pub fn theme_page(html: &str, params: &HashMap<String, Vec<String>>) -> String {
    let mut out = html.to_string();
    for city in params.get("city").into_iter().flatten() {
        let plain = format!(
            "<input type=\"checkbox\" name=\"city\" value=\"{}\">",
            escape(city)
        );
        let checked = plain.replace("\">", "\" checked>");
        out = out.replacen(&plain, &checked, 1);
    }
    out
}

/// The search page with the results of its query filled in by `index`; unchanged without a
/// query. `prefix` is the base path the result URLs are served under.
pub fn search_page(
    html: &str,
    params: &HashMap<String, Vec<String>>,
    index: Option<&SearchIndex>,
    prefix: &str,
) -> String {
    let one = |k: &str| {
        params
            .get(k)
            .and_then(|v| v.first())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let Some(q) = one("q") else {
        return html.to_string();
    };
    let page = one("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let req = SearchRequest {
        query: q.clone(),
        city: one("city"),
        theme: one("theme"),
        // The reader's language by default, as the page script asks: an English reader's
        // results in English first.
        lang: one("lang").or_else(|| Some(page_lang(html).to_string())),
        limit: PAGE,
        offset: (page - 1) * PAGE,
    };
    let mut out = html.to_string();
    out = out.replacen(
        "id=\"search-q\" name=\"q\"",
        &format!("id=\"search-q\" name=\"q\" value=\"{}\"", escape(&q)),
        1,
    );
    for key in ["city", "theme", "lang"] {
        if let Some(v) = one(key) {
            out = select_option(&out, key, &v);
        }
    }
    let status_text = |name: &str| attribute(html, &format!("data-{name}=\"")).unwrap_or_default();
    let answer = index.map(|i| i.search(&req));
    let (status, results, pager) = match answer {
        Some(Ok(resp)) => {
            // As the page script words it: "1–10 of 108".
            let status = if resp.total == 0 {
                status_text("none")
            } else {
                let from = (req.offset + 1).min(resp.total);
                let to = (req.offset + resp.results.len()).min(resp.total);
                status_text("range")
                    .replace("{from}", &from.to_string())
                    .replace("{to}", &to.to_string())
                    .replace("{total}", &resp.total.to_string())
            };
            let names = Names {
                cities: city_names(html),
                kinds: kind_names(html),
            };
            (
                status,
                results_html(&resp, &names, prefix),
                pager_html(
                    &resp,
                    params,
                    page,
                    &status_text("prev"),
                    &status_text("next"),
                ),
            )
        }
        Some(Err(e)) => (escape(&e.to_string()), String::new(), String::new()),
        None => (status_text("unreachable"), String::new(), String::new()),
    };
    out = out.replacen("<!--kb:status-->", &status, 1);
    out = out.replacen("<!--kb:results-->", &results, 1);
    out = out.replacen("<!--kb:pager-->", &pager, 1);
    // The page has its results: the "needs JavaScript" notice goes.
    remove_noscript_notice(&mut out);
    out
}

/// What a result's line of metadata names: cities and page kinds, in the page's language.
struct Names {
    cities: HashMap<String, String>,
    kinds: HashMap<String, String>,
}

/// The results as the page script renders them (`static/js/search.js`, `resultItem`): title,
/// the page kind, the city, and the translation as a link.
fn results_html(resp: &SearchResponse, names: &Names, prefix: &str) -> String {
    let mut out = String::new();
    for r in &resp.results {
        let mut meta = format!(
            "<span class=\"kind\">{}</span>",
            escape(names.kinds.get(&r.kind).map_or("", String::as_str))
        );
        if let Some(c) = r.city.as_deref() {
            meta.push(' ');
            meta.push_str(&escape(names.cities.get(c).map_or(c, String::as_str)));
        }
        let (other, label) = if r.lang == "en" {
            ("ja", "日本語")
        } else {
            ("en", "English")
        };
        meta.push_str(&format!(
            " · <a class=\"twin\" href=\"{}{}\" hreflang=\"{other}\" lang=\"{other}\">{label}</a>",
            escape(prefix),
            escape(&search_indexer::pairs::twin_url(&r.url)),
        ));
        // The snippet is escaped by the search except for its <mark> tags.
        out.push_str(&format!(
            "<li class=\"result\" data-kind=\"{}\"><h2><a href=\"{}{}\">{}</a></h2><p class=\"meta\">{meta}</p><p class=\"snippet\">{}</p></li>",
            escape(&r.kind),
            escape(prefix),
            escape(&r.url),
            escape(&r.title),
            r.snippet
        ));
    }
    out
}

fn pager_html(
    resp: &SearchResponse,
    params: &HashMap<String, Vec<String>>,
    page: usize,
    prev: &str,
    next: &str,
) -> String {
    let link = |p: usize, label: &str| {
        let mut pairs: Vec<String> = Vec::new();
        for key in ["q", "city", "theme", "lang"] {
            for v in params.get(key).into_iter().flatten() {
                pairs.push(format!("{key}={}", encode(v)));
            }
        }
        pairs.push(format!("page={p}"));
        format!("<a href=\"?{}\">{label}</a>", escape(&pairs.join("&")))
    };
    let mut out = String::new();
    if page > 1 {
        out.push_str(&link(page - 1, prev));
    }
    if page * PAGE < resp.total {
        out.push_str(&link(page + 1, next));
    }
    out
}

/// Marks `value` selected in the page's `<select name="key">`.
pub(super) fn select_option(html: &str, key: &str, value: &str) -> String {
    let Some(start) = html.find(&format!("name=\"{key}\"")) else {
        return html.to_string();
    };
    let plain = format!("<option value=\"{}\">", escape(value));
    match html[start..].find(&plain) {
        Some(i) => {
            let at = start + i;
            let mut out = html.to_string();
            out.replace_range(at..at + plain.len(), &plain.replace("\">", "\" selected>"));
            out
        }
        None => html.to_string(),
    }
}

/// The city names the page carries for its script (`data-cities='[{"slug":…,"title":…}]'`).
fn city_names(html: &str) -> HashMap<String, String> {
    let raw = unescape(&attribute(html, "data-cities='").unwrap_or_default());
    let list: Vec<serde_json::Value> = serde_json::from_str(&raw).unwrap_or_default();
    list.iter()
        .filter_map(|c| {
            Some((
                c.get("slug")?.as_str()?.to_string(),
                c.get("title")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The page kinds' names, from the header search form's `data-kinds` (the page script reads
/// the same attribute).
fn kind_names(html: &str) -> HashMap<String, String> {
    let raw = unescape(&attribute(html, "data-kinds='").unwrap_or_default());
    serde_json::from_str(&raw).unwrap_or_default()
}

/// Removes the page's "needs JavaScript" notice (`<!--kb:noscript-->…<!--/kb:noscript-->`), for
/// a page the server has completed.
pub(super) fn remove_noscript_notice(html: &mut String) {
    const END: &str = "<!--/kb:noscript-->";
    if let (Some(a), Some(b)) = (html.find("<!--kb:noscript-->"), html.find(END)) {
        html.replace_range(a..b + END.len(), "");
    }
}

/// The page's language (`<html lang="…">`).
fn page_lang(html: &str) -> &'static str {
    if html.contains("<html lang=\"en\"") {
        "en"
    } else {
        "ja"
    }
}

/// An attribute value with the template's HTML escapes undone.
pub(super) fn unescape(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value after `start` (which ends with the opening quote) up to the closing quote.
pub(super) fn attribute(html: &str, start: &str) -> Option<String> {
    let quote = start.chars().last()?;
    let i = html.find(start)? + start.len();
    let end = html[i..].find(quote)?;
    Some(html[i..i + end].to_string())
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_pages_check_the_picked_cities() {
        let html = r#"<input type="checkbox" name="city" value="osaki"> <input type="checkbox" name="city" value="kofu">"#;
        let p = query_values("city=kofu");
        let out = theme_page(html, &p);
        assert!(out.contains(r#"value="kofu" checked>"#));
        assert!(out.contains(r#"value="osaki">"#));
    }

    #[test]
    fn pages_are_recognised() {
        assert!(is_search_page("/en/search/"));
        assert!(is_theme_page("/themes/training/"));
        assert!(is_theme_page("/en/themes/training/"));
        assert!(!is_theme_page("/themes/"));
        assert!(!is_theme_page("/themes/a/b/"));
    }

    #[test]
    fn without_a_query_the_page_is_unchanged_and_hostile_values_are_escaped() {
        let html = "<input id=\"search-q\" name=\"q\"><!--kb:status-->";
        assert_eq!(search_page(html, &query_values(""), None, ""), html);
        let out = search_page(html, &query_values("q=%3Cscript%3E"), None, "");
        assert!(out.contains("value=\"&lt;script&gt;\""), "{out}");
        assert!(!out.contains("<script>"));
    }
}
