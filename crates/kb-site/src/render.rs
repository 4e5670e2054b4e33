//! Templates: minijinja with autoescape, a Zola-like context (`config`, `section`, `page`, `lang`,
//! `current_url`, `get_url()`, `trans()`), and the list of output files every page produces.

use crate::charts;
use crate::content::{Entry, Kind, KindData};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::Site;
use crate::views::{self, lang_prefix, link};
use minijinja::{Environment, Error as JinjaError, ErrorKind, Value as JValue};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// One file of the rendered site: a path below the output directory and its bytes.
pub struct OutputFile {
    pub path: String,
    pub contents: Vec<u8>,
}

pub struct Renderer<'a> {
    site: &'a Site,
    env: Environment<'static>,
    similar: Option<&'a crate::SimilarMap>,
    /// Parts of the context shared by many pages, converted to template values once (minijinja
    /// values are reference-counted, so a page gets them for the price of a pointer copy):
    /// the navigation per language, and each city's view per (city, language).
    nav: HashMap<String, OnceLock<JValue>>,
    config_values: HashMap<String, OnceLock<JValue>>,
    city_summaries: HashMap<(String, String), OnceLock<JValue>>,
}

/// One unit of rendering work.
enum Job<'e> {
    Entry(&'e Entry),
    ThemeList(&'static str),
    Theme(&'e str, &'static str),
    NotFound,
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
        let per_language = || {
            ["ja", "en"]
                .into_iter()
                .map(|l| (l.to_string(), OnceLock::new()))
                .collect::<HashMap<_, _>>()
        };
        let (nav, config_values) = (per_language(), per_language());
        let city_summaries = site
            .cities()
            .into_iter()
            .flat_map(|c| ["ja", "en"].map(|l| ((c.to_string(), l.to_string()), OnceLock::new())))
            .collect();
        Ok(Renderer {
            site,
            env,
            similar: None,
            nav,
            config_values,
            city_summaries,
        })
    }

    /// Similar measures of other cities, per measure, shown on each measure page.
    pub fn with_similar(mut self, similar: &'a crate::SimilarMap) -> Self {
        self.similar = Some(similar);
        self
    }

    fn render(&self, template: &str, ctx: Context, origin: &Path) -> Result<String, Diagnostic> {
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
        tmpl.render(ctx.into_value()).map_err(|e| {
            let shown = Path::new("templates").join(e.name().unwrap_or(template));
            let mut d = template_diagnostic(&shown, &e);
            d.message = format!("{} (rendering {})", d.message, origin.display());
            d
        })
    }

    /// Renders every page, section, theme page and the 404 page in both languages, in parallel,
    /// and hands each finished file to `sink` (called from several threads) as soon as it is
    /// rendered, so the site is never held in memory whole.
    /// Returns the number of files; `progress` counts them as they go.
    pub fn render_each(
        &self,
        sink: &(dyn Fn(&str, &[u8]) -> anyhow::Result<()> + Sync),
        progress: Option<&AtomicUsize>,
    ) -> Result<usize, crate::BuildError> {
        let mut jobs: Vec<Job<'_>> = Vec::new();
        for entry in &self.site.entries {
            if entry.is_section && self.site.config.taxonomies.is_empty() {
                continue;
            }
            jobs.push(Job::Entry(entry));
        }
        for lang in ["ja", "en"] {
            jobs.push(Job::ThemeList(lang));
            for slug in self.site.config.theme_slugs() {
                jobs.push(Job::Theme(slug, lang));
            }
        }
        jobs.push(Job::NotFound);
        self.render_jobs(&jobs, sink, progress)
    }

    /// Renders the given pages, and the theme pages of the given themes in the given
    /// languages (the pages an incremental update changes), handing each file to `sink`.
    pub fn render_selected(
        &self,
        entries: &[&Entry],
        themes: &[(&str, &'static str)],
        sink: &(dyn Fn(&str, &[u8]) -> anyhow::Result<()> + Sync),
    ) -> Result<usize, crate::BuildError> {
        let mut jobs: Vec<Job<'_>> = entries.iter().map(|e| Job::Entry(e)).collect();
        jobs.extend(themes.iter().map(|&(slug, lang)| Job::Theme(slug, lang)));
        self.render_jobs(&jobs, sink, None)
    }

    fn render_jobs(
        &self,
        jobs: &[Job<'_>],
        sink: &(dyn Fn(&str, &[u8]) -> anyhow::Result<()> + Sync),
        progress: Option<&AtomicUsize>,
    ) -> Result<usize, crate::BuildError> {
        let problems = Mutex::new(Vec::new());
        let io_error = Mutex::new(None);
        let count = AtomicUsize::new(0);
        let emit = |path: String, result: Result<String, Diagnostic>| match result {
            Ok(html) => {
                if let Err(e) = sink(&path, html.as_bytes()) {
                    io_error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(e);
                }
                count.fetch_add(1, Ordering::Relaxed);
            }
            Err(d) => problems.lock().unwrap_or_else(|e| e.into_inner()).push(d),
        };
        jobs.par_iter().for_each(|job| {
            match *job {
                Job::Entry(entry) => {
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
                Job::ThemeList(lang) => {
                    let ctx = self.themes_list_context(lang);
                    emit(
                        index_path(&format!("{}/themes/", lang_prefix(lang))),
                        self.render("themes/list.html", ctx, Path::new("config.toml")),
                    );
                }
                Job::Theme(slug, lang) => {
                    let ctx = self.theme_context(slug, lang);
                    emit(
                        index_path(&views::theme_url(slug, lang)),
                        self.render("themes/single.html", ctx, Path::new("config.toml")),
                    );
                }
                Job::NotFound => {
                    let ctx = self.base_context("ja", "/404.html", vec![], vec![]);
                    emit(
                        "404.html".into(),
                        self.render("404.html", ctx, Path::new("templates/404.html")),
                    );
                }
            }
            if let Some(p) = progress {
                p.fetch_add(1, Ordering::Relaxed);
            }
        });
        let problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
        if !problems.is_empty() {
            return Err(crate::BuildError::Content(Diagnostics::sorted(problems)));
        }
        if let Some(e) = io_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(crate::BuildError::Io(e));
        }
        Ok(count.into_inner())
    }

    /// How many rendering jobs [`Self::render_each`] runs (for a progress display).
    pub fn job_count(&self) -> usize {
        let entries = self
            .site
            .entries
            .iter()
            .filter(|e| !(e.is_section && self.site.config.taxonomies.is_empty()))
            .count();
        entries + 2 * (1 + self.site.config.theme_slugs().count()) + 1
    }

    /// The navigation of every page in `lang` (cities and themes), built once per language.
    fn nav(&self, lang: &str) -> JValue {
        let Some(cell) = self.nav.get(lang) else {
            return JValue::from(());
        };
        cell.get_or_init(|| {
            let site = self.site;
            let cities: Vec<Value> = site
                .cities()
                .into_iter()
                .map(|c| json!({ "slug": c, "title": site.city_name(c, lang), "url": format!("{}/cities/{c}/", lang_prefix(lang)) }))
                .collect();
            let themes: Vec<Value> = site
                .config
                .theme_slugs()
                .map(|s| views::theme_ref(site, s, lang))
                .collect();
            JValue::from_serialize(json!({
                "home": if lang == "en" { "/en/" } else { "/" },
                "cities_url": format!("{}/cities/", lang_prefix(lang)),
                "themes_url": format!("{}/themes/", lang_prefix(lang)),
                "search_url": format!("{}/search/", lang_prefix(lang)),
                "kpis_url": format!("{}/kpis/", lang_prefix(lang)),
                "compare_url": format!("{}/compare/", lang_prefix(lang)),
                "cities": cities,
                "themes": themes,
            }))
        })
        .clone()
    }

    /// A city's summary in `lang` (see [`views::city_summary`]), built once and shared by all
    /// of the city's pages and the city lists.
    fn city_summary(&self, city: &str, lang: &str) -> JValue {
        match self
            .city_summaries
            .get(&(city.to_string(), lang.to_string()))
        {
            Some(cell) => cell
                .get_or_init(|| JValue::from_serialize(views::city_summary(self.site, city, lang)))
                .clone(),
            None => JValue::from_serialize(views::city_summary(self.site, city, lang)),
        }
    }

    /// Every city's summary in `lang`.
    fn all_city_summaries(&self, lang: &str) -> JValue {
        JValue::from(
            self.site
                .cities()
                .into_iter()
                .map(|c| self.city_summary(c, lang))
                .collect::<Vec<_>>(),
        )
    }

    /// Every city's summary with its frameworks and training systems (the compare page).
    fn all_cities_with_tables(&self, lang: &str) -> JValue {
        use rayon::prelude::*;
        let views: Vec<Value> = self
            .site
            .cities()
            .into_par_iter()
            .map(|c| {
                let mut v = views::city_summary(self.site, c, lang);
                let (frameworks, training) = views::city_tables(self.site, c, lang);
                v["frameworks"] = frameworks;
                v["training"] = training;
                v
            })
            .collect();
        JValue::from_serialize(views)
    }

    fn base_context(
        &self,
        lang: &str,
        url: &str,
        alternates: Vec<Value>,
        breadcrumbs: Vec<Value>,
    ) -> Context {
        let mut ctx = Context::new(json!({
            "lang": lang,
            "other_lang": if lang == "en" { "ja" } else { "en" },
            "current_url": url,
            "current_path": url,
            "alternates": alternates,
            "breadcrumbs": breadcrumbs,
        }));
        ctx.shared("nav", self.nav(lang));
        ctx.shared("config", self.config_value(lang));
        ctx
    }

    /// Zola's `config` in `lang`, built once: it lists every city, which at national scale
    /// made it the largest part of every page's context.
    fn config_value(&self, lang: &str) -> JValue {
        let Some(cell) = self.config_values.get(lang) else {
            return JValue::from(());
        };
        cell.get_or_init(|| {
            let config = &self.site.config;
            JValue::from_serialize(json!({
                "base_url": config.base_url,
                "title": config.title(lang),
                "description": config.description(lang),
                "default_language": config.default_language,
                "extra": { "cities": config.extra.cities },
            }))
        })
        .clone()
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

    fn entry_context(&self, entry: &Entry) -> Context {
        let site = self.site;
        let lang = entry.lang.as_str();
        let rendered = site.rendered(entry);
        let mut ctx = self.base_context(
            lang,
            &entry.url,
            self.alternates(entry),
            self.breadcrumbs(entry),
        );
        // Zola's `page.extra`: the typed data of the kinds the model defines, else the table.
        let extra = match &entry.data {
            KindData::City(c) => serde_json::to_value(c),
            KindData::Chapter(c) => serde_json::to_value(c),
            KindData::Measure(m) => serde_json::to_value(m),
            KindData::None => serde_json::to_value(&entry.front.extra),
        }
        .unwrap_or(Value::Null);
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
            // The city page shows everything about its city; the pages inside it, a summary.
            let view = if matches!(entry.kind, Kind::City(_)) {
                JValue::from_serialize(views::city_view(site, city, lang))
            } else {
                self.city_summary(city, lang)
            };
            ctx.shared("city", view);
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
                page["similar"] = self.similar_view(entry);
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
                ctx.shared("cities", self.all_city_summaries(lang));
                ctx["theme_counts"] = Value::Array(self.theme_counts(lang));
            }
            _ => {}
        }
        match entry.front.template.as_deref() {
            Some("kpis.html") => ctx["dashboard"] = self.kpi_dashboard(lang),
            Some("compare.html") => {
                ctx.shared("cities", self.all_cities_with_tables(lang));
                ctx["timeline"] = self.timeline(lang);
            }
            _ => {}
        }
        let key = if entry.is_section { "section" } else { "page" };
        ctx[key] = page;
        ctx
    }

    /// Similar measures grouped by city, in the configured city order.
    fn similar_view(&self, entry: &Entry) -> Value {
        let site = self.site;
        let hits = site
            .position(&entry.key, &entry.lang)
            .and_then(|i| self.similar?.get(&i));
        let Some(hits) = hits else {
            return json!([]);
        };
        // (position of the city, city, its similar measures with scores)
        type Group<'e> = (usize, &'e str, Vec<(&'e Entry, f32)>);
        let mut groups: Vec<Group<'_>> = Vec::new();
        for h in hits {
            let Some(e) = site.entries.get(h.entry) else {
                continue;
            };
            let city = e.kind.city().unwrap_or_default();
            match groups.iter_mut().find(|g| g.1 == city) {
                Some(g) => g.2.push((e, h.score)),
                None => {
                    let Some(pos) = site.city_position(city) else {
                        continue;
                    };
                    groups.push((pos, city, vec![(e, h.score)]));
                }
            }
        }
        groups.sort_by_key(|g| g.0);
        let groups: Vec<Value> = groups
            .into_iter()
            .map(|(_, c, items)| {
                json!({
                    "city": c,
                    "city_name": site.city_name(c, &entry.lang),
                    "items": items.iter().map(|(e, score)| json!({ "url": e.url, "title": e.title(), "score": score })).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!(groups)
    }

    fn child_pages(&self, section: &Entry) -> Vec<Value> {
        self.site
            .child_pages(section)
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
        self.site
            .subsections(section)
            .into_iter()
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

    fn themes_list_context(&self, lang: &str) -> Context {
        let url = format!("{}/themes/", lang_prefix(lang));
        let alternates = vec![
            json!({ "lang": "ja", "url": "/themes/" }),
            json!({ "lang": "en", "url": "/en/themes/" }),
        ];
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

    fn theme_context(&self, slug: &str, lang: &str) -> Context {
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

/// A template context under construction: per-page data as JSON (indexable like a
/// `serde_json::Value`), plus shared parts that are already template values.
pub struct Context {
    json: Value,
    shared: Vec<(&'static str, JValue)>,
}

impl Context {
    fn new(json: Value) -> Context {
        Context {
            json,
            shared: Vec::new(),
        }
    }

    /// Sets a top-level variable to a prepared (shared) value.
    fn shared(&mut self, key: &'static str, value: JValue) {
        if let Value::Object(o) = &mut self.json {
            o.remove(key);
        }
        self.shared.retain(|(k, _)| *k != key);
        self.shared.push((key, value));
    }

    fn into_value(self) -> JValue {
        let mut vars: BTreeMap<String, JValue> = BTreeMap::new();
        if let Value::Object(o) = self.json {
            for (k, v) in o {
                vars.insert(k, JValue::from_serialize(&v));
            }
        }
        for (k, v) in self.shared {
            vars.insert(k.to_string(), v);
        }
        JValue::from_iter(vars)
    }
}

impl std::ops::Index<&str> for Context {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        &self.json[key]
    }
}

impl std::ops::IndexMut<&str> for Context {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        // A per-page value replaces a shared one of the same name.
        self.shared.retain(|(k, _)| *k != key);
        &mut self.json[key]
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
