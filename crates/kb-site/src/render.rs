//! Templates: minijinja with autoescape, a Zola-like context (`config`, `section`, `page`, `lang`,
//! `current_url`, `get_url()`, `trans()`), and the list of output files every page produces.

use crate::charts;
use crate::content::{Entry, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::{sort_pages, Site};
use crate::views::{self, lang_prefix, link};
use minijinja::{Environment, Error as JinjaError, ErrorKind, Value as JValue};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// One file of the rendered site: a path below the output directory and its bytes.
pub struct OutputFile {
    pub path: String,
    pub contents: Vec<u8>,
}

pub struct Renderer<'a> {
    site: &'a Site,
    env: Environment<'static>,
    similar: HashMap<String, Vec<crate::SimilarPage>>,
}

impl<'a> Renderer<'a> {
    /// Loads every template under `templates/`; a syntax error names the template and line.
    pub fn new(site: &'a Site) -> Result<Self, Diagnostics> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".svg") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        // HTML-escape like minijinja but leave `/` alone, so URLs in attributes stay readable.
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() {
                if let Some(s) = value.as_str() {
                    return out
                        .write_str(&crate::markdown::escape_attr(s))
                        .map_err(JinjaError::from);
                }
                if value.is_none() || value.is_undefined() {
                    return Ok(());
                }
            }
            minijinja::escape_formatter(out, state, value)
        });
        let dir = site.root.join("templates");
        let mut problems = Vec::new();
        let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for path in files {
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let shown = Path::new("templates").join(&name);
            match std::fs::read_to_string(&path) {
                Ok(source) => {
                    if let Err(e) = env.add_template_owned(name, source) {
                        problems.push(template_diagnostic(&shown, &e));
                    }
                }
                Err(e) => problems.push(Diagnostic::new(
                    shown,
                    0,
                    format!("cannot read the template: {e}"),
                )),
            }
        }
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        register_functions(&mut env, site);
        Ok(Renderer {
            site,
            env,
            similar: HashMap::new(),
        })
    }

    /// Similar measures of other cities, per measure URL, shown on each measure page.
    pub fn with_similar(mut self, similar: HashMap<String, Vec<crate::SimilarPage>>) -> Self {
        self.similar = similar;
        self
    }

    fn render(&self, template: &str, ctx: Value, origin: &Path) -> Result<String, Diagnostic> {
        let tmpl = self.env.get_template(template).map_err(|e| {
            Diagnostic::new(
                origin,
                1,
                format!(
                    "template `{template}` not found: {}",
                    e.detail().unwrap_or_default()
                ),
            )
        })?;
        tmpl.render(JValue::from_serialize(&ctx)).map_err(|e| {
            let shown = Path::new("templates").join(e.name().unwrap_or(template));
            let mut d = template_diagnostic(&shown, &e);
            d.message = format!("{} (rendering {})", d.message, origin.display());
            d
        })
    }

    /// Renders every page, section, theme page and the 404 page in both languages.
    pub fn render_all(&self) -> Result<Vec<OutputFile>, Diagnostics> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        let mut emit = |path: String, result: Result<String, Diagnostic>| match result {
            Ok(html) => out.push(OutputFile {
                path,
                contents: html.into_bytes(),
            }),
            Err(d) => problems.push(d),
        };
        for entry in &self.site.entries {
            if entry.is_section && self.site.config.taxonomies.is_empty() {
                continue;
            }
            let template = entry
                .front
                .template
                .clone()
                .unwrap_or_else(|| default_template(&entry.kind).to_string());
            let ctx = self.entry_context(entry);
            emit(
                index_path(&entry.url),
                self.render(&template, ctx, &entry.file),
            );
            for alias in &entry.front.aliases {
                let target = crate::validate::normalise_alias(alias, &entry.lang);
                emit(index_path(&target), Ok(redirect_page(&entry.url)));
            }
        }
        for lang in ["ja", "en"] {
            let ctx = self.themes_list_context(lang);
            emit(
                index_path(&format!("{}/themes/", lang_prefix(lang))),
                self.render("themes/list.html", ctx, Path::new("config.toml")),
            );
            for slug in self.site.config.theme_slugs() {
                let ctx = self.theme_context(slug, lang);
                emit(
                    index_path(&views::theme_url(slug, lang)),
                    self.render("themes/single.html", ctx, Path::new("config.toml")),
                );
            }
        }
        let ctx = self.base_context("ja", "/404.html", vec![], vec![]);
        emit(
            "404.html".into(),
            self.render("404.html", ctx, Path::new("templates/404.html")),
        );
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(Diagnostics(problems))
        }
    }

    fn base_context(
        &self,
        lang: &str,
        url: &str,
        alternates: Vec<Value>,
        breadcrumbs: Vec<Value>,
    ) -> Value {
        let site = self.site;
        let config = &site.config;
        let cities: Vec<Value> = site
            .cities()
            .into_iter()
            .map(|c| json!({ "slug": c, "title": site.city_name(c, lang), "url": format!("{}/cities/{c}/", lang_prefix(lang)) }))
            .collect();
        let themes: Vec<Value> = config
            .theme_slugs()
            .map(|s| views::theme_ref(site, s, lang))
            .collect();
        json!({
            "config": {
                "base_url": config.base_url,
                "title": config.title(lang),
                "description": config.description(lang),
                "default_language": config.default_language,
                "extra": { "cities": config.extra.cities },
            },
            "lang": lang,
            "other_lang": if lang == "en" { "ja" } else { "en" },
            "current_url": url,
            "current_path": url,
            "alternates": alternates,
            "breadcrumbs": breadcrumbs,
            "nav": {
                "home": if lang == "en" { "/en/" } else { "/" },
                "cities_url": format!("{}/cities/", lang_prefix(lang)),
                "themes_url": format!("{}/themes/", lang_prefix(lang)),
                "search_url": format!("{}/search/", lang_prefix(lang)),
                "kpis_url": format!("{}/kpis/", lang_prefix(lang)),
                "compare_url": format!("{}/compare/", lang_prefix(lang)),
                "cities": cities,
                "themes": themes,
            },
        })
    }

    fn alternates(&self, entry: &Entry) -> Vec<Value> {
        let mut alts = vec![json!({ "lang": entry.lang, "url": entry.url })];
        if let Some(t) = self.site.translation(entry) {
            alts.push(json!({ "lang": t.lang, "url": t.url }));
        }
        alts.sort_by_key(|v| v["lang"].as_str() != Some("ja"));
        alts
    }

    fn breadcrumbs(&self, entry: &Entry) -> Vec<Value> {
        let lang = &entry.lang;
        let mut crumbs = vec![link(
            &self.site.config.trans("home", lang),
            if lang == "en" { "/en/" } else { "/" },
        )];
        let parts: Vec<&str> = entry.key.split('/').collect();
        // Every ancestor directory with an _index.md is a crumb.
        for depth in 1..parts.len() {
            let key = format!("{}/_index.md", parts[..depth].join("/"));
            if key == entry.key {
                break;
            }
            if let Some(section) = self.site.get(&key, lang) {
                crumbs.push(link(section.title(), &section.url));
            }
        }
        if entry.kind != Kind::Home {
            crumbs.push(link(entry.title(), &entry.url));
        }
        crumbs
    }

    fn entry_context(&self, entry: &Entry) -> Value {
        let site = self.site;
        let lang = entry.lang.as_str();
        let rendered = site.rendered(entry);
        let mut ctx = self.base_context(
            lang,
            &entry.url,
            self.alternates(entry),
            self.breadcrumbs(entry),
        );
        let extra = serde_json::to_value(&entry.front.extra).unwrap_or(Value::Null);
        let mut page = json!({
            "title": entry.title(),
            "description": entry.front.description,
            "content": rendered.html,
            "toc": rendered.toc,
            "url": entry.url,
            "permalink": entry.url,
            "path": entry.url,
            "slug": entry.slug(),
            "kind": entry.kind.name(),
            "lang": lang,
            "extra": extra,
            "taxonomies": entry.front.taxonomies,
            "date": entry.front.date,
            "corrections": views::page_corrections(site, entry),
            "translations": self.alternates(entry),
        });
        if entry.is_section {
            page["pages"] = Value::Array(self.child_pages(entry));
            page["subsections"] = Value::Array(self.subsections(entry));
        }
        if let Some(city) = entry.kind.city() {
            ctx["city"] = views::city_view(site, city, lang);
        }
        match &entry.kind {
            Kind::Measure(_) => {
                let m = entry.measure().cloned().unwrap_or_default();
                let city = entry.kind.city().unwrap_or_default();
                let chapter = m
                    .chapter
                    .as_ref()
                    .and_then(|c| site.get(&format!("cities/{city}/chapters/{c}.md"), lang))
                    .map(|c| link(c.title(), &c.url));
                page["measure"] = views::measure_summary(site, entry);
                page["measure"]["chapter"] = chapter.unwrap_or(Value::Null);
                page["measure"]["path"] = json!(m.path);
                page["measure"]["source_lines"] = json!(m.source_lines);
                page["similar"] = self.similar_view(&entry.url, lang);
                if lang == "en" {
                    if let Some(ja) = site.translation(entry) {
                        page["original"] = json!(site.rendered(ja).html);
                    }
                }
            }
            Kind::Chapter(_) => {
                page["source_lines"] = json!(entry.chapter().and_then(|c| c.source_lines));
                if lang == "en" {
                    if let Some(ja) = site.translation(entry) {
                        page["original"] = json!(site.rendered(ja).html);
                    }
                }
            }
            Kind::Home | Kind::CityList => {
                ctx["cities"] = Value::Array(
                    site.cities()
                        .into_iter()
                        .map(|c| views::city_view(site, c, lang))
                        .collect(),
                );
                ctx["theme_counts"] = Value::Array(self.theme_counts(lang));
            }
            _ => {}
        }
        match entry.front.template.as_deref() {
            Some("kpis.html") => ctx["dashboard"] = self.kpi_dashboard(lang),
            Some("compare.html") => {
                ctx["cities"] = Value::Array(
                    site.cities()
                        .into_iter()
                        .map(|c| views::city_view(site, c, lang))
                        .collect(),
                );
                ctx["timeline"] = self.timeline(lang);
            }
            _ => {}
        }
        let key = if entry.is_section { "section" } else { "page" };
        ctx[key] = page;
        ctx
    }

    /// Similar measures grouped by city, in the configured city order.
    fn similar_view(&self, url: &str, lang: &str) -> Value {
        let Some(hits) = self.similar.get(url) else {
            return json!([]);
        };
        let groups: Vec<Value> = self
            .site
            .cities()
            .into_iter()
            .filter_map(|c| {
                let items: Vec<&crate::SimilarPage> = hits.iter().filter(|h| h.city == c).collect();
                (!items.is_empty()).then(|| {
                    json!({
                        "city": c,
                        "city_name": self.site.city_name(c, lang),
                        "items": items.iter().map(|h| json!({ "url": h.url, "title": h.title, "score": h.score })).collect::<Vec<_>>(),
                    })
                })
            })
            .collect();
        json!(groups)
    }

    fn child_pages(&self, section: &Entry) -> Vec<Value> {
        let dir = section.key.trim_end_matches("_index.md");
        let mut pages: Vec<&Entry> = self
            .site
            .in_lang(&section.lang)
            .filter(|e| {
                !e.is_section
                    && e.key
                        .strip_prefix(dir)
                        .is_some_and(|rest| !rest.contains('/'))
            })
            .collect();
        sort_pages(&mut pages);
        pages
            .into_iter()
            .map(|e| {
                if matches!(e.kind, Kind::Measure(_)) {
                    views::measure_summary(self.site, e)
                } else {
                    json!({ "title": e.title(), "url": e.url, "description": e.front.description })
                }
            })
            .collect()
    }

    fn subsections(&self, section: &Entry) -> Vec<Value> {
        let dir = section.key.trim_end_matches("_index.md");
        let mut subs: Vec<&Entry> = self
            .site
            .in_lang(&section.lang)
            .filter(|e| {
                e.is_section
                    && e.key != section.key
                    && e.key
                        .strip_prefix(dir)
                        .is_some_and(|rest| rest.matches('/').count() == 1)
            })
            .collect();
        sort_pages(&mut subs);
        subs.into_iter()
            .map(
                |e| json!({ "title": e.title(), "url": e.url, "description": e.front.description }),
            )
            .collect()
    }

    /// For each theme: how many measures each city has on it (primary or secondary).
    fn theme_counts(&self, lang: &str) -> Vec<Value> {
        let site = self.site;
        let cities = site.cities();
        site.config
            .theme_slugs()
            .map(|slug| {
                let counts: Vec<usize> = cities
                    .iter()
                    .map(|c| {
                        site.measures(c, "ja")
                            .iter()
                            .filter(|e| {
                                e.front
                                    .taxonomies
                                    .get("themes")
                                    .is_some_and(|t| t.iter().any(|x| x == slug))
                            })
                            .count()
                    })
                    .collect();
                let mut v = views::theme_ref(site, slug, lang);
                v["total"] = json!(counts.iter().sum::<usize>());
                v["counts"] = json!(counts);
                v
            })
            .collect()
    }

    /// Every city's indicators with their charts: baseline vs target bars per unit, and
    /// observed series as column charts.
    fn kpi_dashboard(&self, lang: &str) -> Value {
        let site = self.site;
        let legend = (
            site.config.trans("baseline", lang),
            site.config.trans("target", lang),
        );
        let mut cities = Vec::new();
        for city in site.cities() {
            let Some(data) = views::city_structured(site, city) else {
                continue;
            };
            if data.kpis.is_empty() {
                continue;
            }
            let name = site.city_name(city, lang);
            let mut charts = Vec::new();
            let mut units: Vec<&str> = Vec::new();
            for k in &data.kpis {
                let u = k.unit.as_deref().unwrap_or("");
                if (k.baseline.is_some() || k.target.is_some()) && !units.contains(&u) {
                    units.push(u);
                }
            }
            let year_label = |v: &crate::model::YearValue| {
                v.label
                    .clone()
                    .or(v.year.map(|y| y.to_string()))
                    .unwrap_or_default()
            };
            for unit in units {
                let rows: Vec<charts::PairRow> = data
                    .kpis
                    .iter()
                    .filter(|k| {
                        k.unit.as_deref().unwrap_or("") == unit
                            && (k.baseline.is_some() || k.target.is_some())
                    })
                    .map(|k| charts::PairRow {
                        id: &k.id,
                        label: k.indicator.get(lang),
                        baseline: k.baseline.as_ref().map(|b| (b.value, year_label(b))),
                        target: k.target.as_ref().map(|t| (t.value, year_label(t))),
                    })
                    .collect();
                let unit_label = site
                    .config
                    .extra
                    .units
                    .get(unit)
                    .map(|u| u.get(lang).to_string())
                    .unwrap_or_default();
                let title = format!(
                    "{name} — {} ({unit_label})",
                    site.config.trans("kpis", lang)
                );
                let id = format!("chart-{city}-{unit}");
                charts.push(json!({ "id": id, "title": title, "svg": charts::pair_bars(&id, &title, &unit_label, &rows, (&legend.0, &legend.1)) }));
            }
            for k in data.kpis.iter().filter(|k| !k.series.is_empty()) {
                let unit_label = k
                    .unit
                    .as_deref()
                    .and_then(|u| site.config.extra.units.get(u))
                    .map(|u| u.get(lang).to_string())
                    .unwrap_or_default();
                let points: Vec<(String, f64)> =
                    k.series.iter().map(|p| (year_label(p), p.value)).collect();
                let title = format!("{name} — {}", k.indicator.get(lang));
                let id = format!("chart-{}", k.id);
                charts.push(json!({ "id": id, "title": title, "svg": charts::series_bars(&id, &title, &unit_label, &k.id, &points) }));
            }
            cities.push(json!({
                "slug": city,
                "name": name,
                "url": format!("{}/cities/{city}/", lang_prefix(lang)),
                "kpis": data.kpis.iter().map(|k| views::kpi_view(site, city, k, lang)).collect::<Vec<_>>(),
                "charts": charts,
            }));
        }
        json!({ "cities": cities })
    }

    /// Plan periods and issue dates on one time axis.
    fn timeline(&self, lang: &str) -> Value {
        let site = self.site;
        let rows: Vec<Value> = site
            .cities()
            .into_iter()
            .filter_map(|c| {
                let page = site.city(c, lang)?;
                let m = page.city_extra()?;
                Some(json!({
                    "slug": c, "name": page.title(), "url": page.url,
                    "issued_year": m.issued_year, "start": m.period_start, "end": m.period_end,
                    "plan_period": m.plan_period,
                }))
            })
            .collect();
        let years: Vec<i64> = rows
            .iter()
            .flat_map(|r| {
                [
                    r["issued_year"].as_i64(),
                    r["start"].as_i64(),
                    r["end"].as_i64(),
                ]
            })
            .flatten()
            .collect();
        let (lo, hi) = (
            years.iter().min().copied().unwrap_or(2020) - 1,
            years.iter().max().copied().unwrap_or(2030) + 1,
        );
        let span = (hi - lo).max(1) as f64;
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|mut r| {
                let pos = |y: Option<i64>| {
                    y.map(|y| ((y - lo) as f64 / span * 100.0 * 10.0).round() / 10.0)
                };
                let start = pos(r["start"].as_i64().or(r["issued_year"].as_i64()));
                // An open-ended period runs to the end of the axis.
                let end = pos(r["end"].as_i64()).or(r["start"].as_i64().map(|_| 100.0));
                r["left"] = json!(start);
                r["width"] = json!(match (start, end) {
                    (Some(s), Some(e)) => Some(((e - s).max(1.0) * 10.0).round() / 10.0),
                    _ => None,
                });
                r["issued_pos"] = json!(pos(r["issued_year"].as_i64()));
                r
            })
            .collect();
        json!({ "from": lo, "to": hi, "rows": rows, "ticks": (lo..=hi).map(|y| json!({ "year": y, "pos": ((y - lo) as f64 / span * 1000.0).round() / 10.0 })).collect::<Vec<_>>() })
    }

    fn themes_list_context(&self, lang: &str) -> Value {
        let url = format!("{}/themes/", lang_prefix(lang));
        let other = if lang == "en" { "ja" } else { "en" };
        let alternates = vec![
            json!({ "lang": "ja", "url": "/themes/" }),
            json!({ "lang": "en", "url": "/en/themes/" }),
        ];
        let _ = other;
        let crumbs = vec![
            link(
                &self.site.config.trans("home", lang),
                if lang == "en" { "/en/" } else { "/" },
            ),
            link(&self.site.config.trans("themes", lang), &url),
        ];
        let mut ctx = self.base_context(lang, &url, alternates, crumbs);
        let terms = self.theme_counts(lang);
        let city_names: Vec<String> = self
            .site
            .cities()
            .into_iter()
            .map(|c| self.site.city_name(c, lang).to_string())
            .collect();
        let rows: Vec<(String, String, Vec<usize>)> = terms
            .iter()
            .map(|t| {
                let counts = t["counts"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| n.as_u64())
                            .map(|n| n as usize)
                            .collect()
                    })
                    .unwrap_or_default();
                (
                    t["name"].as_str().unwrap_or_default().to_string(),
                    t["url"].as_str().unwrap_or_default().to_string(),
                    counts,
                )
            })
            .collect();
        let title = format!(
            "{} × {}",
            self.site.config.trans("themes", lang),
            self.site.config.trans("cities", lang)
        );
        ctx["heatmap"] = json!(charts::heatmap("coverage", &title, &city_names, &rows));
        ctx["terms"] = Value::Array(terms);
        ctx["cities"] = Value::Array(
            self.site
                .cities()
                .into_iter()
                .map(|c| {
                    link(
                        self.site.city_name(c, lang),
                        &format!("{}/cities/{c}/", lang_prefix(lang)),
                    )
                })
                .collect(),
        );
        ctx["taxonomy"] = json!({ "name": "themes" });
        ctx
    }

    fn theme_context(&self, slug: &str, lang: &str) -> Value {
        let site = self.site;
        let url = views::theme_url(slug, lang);
        let alternates = vec![
            json!({ "lang": "ja", "url": views::theme_url(slug, "ja") }),
            json!({ "lang": "en", "url": views::theme_url(slug, "en") }),
        ];
        let crumbs = vec![
            link(
                &site.config.trans("home", lang),
                if lang == "en" { "/en/" } else { "/" },
            ),
            link(
                &site.config.trans("themes", lang),
                &format!("{}/themes/", lang_prefix(lang)),
            ),
            link(site.config.theme_name(slug, lang).unwrap_or(slug), &url),
        ];
        let mut ctx = self.base_context(lang, &url, alternates, crumbs);
        let columns = views::theme_matrix(site, slug, lang);
        let total: u64 = columns.iter().filter_map(|c| c["count"].as_u64()).sum();
        ctx["term"] = views::theme_ref(site, slug, lang);
        ctx["term"]["total"] = json!(total);
        ctx["term"]["csv"] = json!(format!("/data/themes/{slug}.csv"));
        ctx["columns"] = Value::Array(columns);
        ctx["taxonomy"] = json!({ "name": "themes" });
        ctx
    }
}

fn default_template(kind: &Kind) -> &'static str {
    match kind {
        Kind::Home => "index.html",
        Kind::CityList => "city_list.html",
        Kind::City(_) => "city.html",
        Kind::Chapter(_) => "chapter.html",
        Kind::Measure(_) => "measure.html",
        Kind::MeasureList(_) => "measure_list.html",
        Kind::ChapterList(_) | Kind::Section => "section.html",
        Kind::Page => "page.html",
    }
}

/// `/en/cities/` → `en/cities/index.html`.
pub fn index_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.ends_with(".html") {
        trimmed.to_string()
    } else {
        format!("{trimmed}index.html")
    }
}

fn redirect_page(target: &str) -> String {
    let t = crate::markdown::escape_attr(target);
    format!("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"><link rel=\"canonical\" href=\"{t}\"><title>{t}</title></head><body><a href=\"{t}\">{t}</a></body></html>\n")
}

fn template_diagnostic(shown: &Path, e: &JinjaError) -> Diagnostic {
    let line = e.line().unwrap_or(0);
    Diagnostic::new(
        shown,
        line,
        format!(
            "template error: {}",
            e.detail().unwrap_or(&e.kind().to_string())
        ),
    )
}

/// `trans(key, lang)` and `get_url(path, lang)` as in Zola.
fn register_functions(env: &mut Environment<'static>, site: &Site) {
    let config = Arc::new(site.config.clone());
    let c = config.clone();
    env.add_function(
        "trans",
        move |key: String, lang: Option<String>| -> String {
            c.trans(&key, lang.as_deref().unwrap_or("ja"))
        },
    );
    let urls: Arc<HashMap<(String, String), String>> = Arc::new(
        site.entries
            .iter()
            .map(|e| ((e.key.clone(), e.lang.clone()), e.url.clone()))
            .collect(),
    );
    env.add_function(
        "get_url",
        move |path: String, lang: Option<String>| -> Result<String, JinjaError> {
            let lang = lang.unwrap_or_else(|| "ja".into());
            match path.strip_prefix("@/") {
                Some(key) => urls
                    .get(&(key.to_string(), lang.clone()))
                    .or_else(|| urls.get(&(key.to_string(), "ja".into())))
                    .cloned()
                    .ok_or_else(|| {
                        JinjaError::new(
                            ErrorKind::InvalidOperation,
                            format!("get_url: no content file @/{key}"),
                        )
                    }),
                None => Ok(format!("/{}", path.trim_start_matches('/'))),
            }
        },
    );
    env.add_filter("number", |v: f64| views::format_number(v));
}
