//! View models: the joined, language-resolved data each template receives. Joining happens here,
//! in Rust, so templates only lay out (a city's measures, a measure's KPIs, a theme's matrix).
//!
//! What a page receives is chosen by its [`PageKind`], decided by where its content file lives,
//! never by the name of its template: a template can be renamed or overridden in front matter
//! and its page still gets its data. Each kind's view model has its own module.

mod chapter;
mod city;
mod common;
mod compare;
mod context;
mod home;
mod kpis;
mod measure;
mod page;
mod source;
mod themes;

pub use city::{all_corrections, city_summary, city_tables, city_view};
pub use common::{
    city_source_file, city_structured, format_number, kpi_view, lang_prefix, link, measure_summary,
    source_line_url, source_url, theme_ref, theme_url,
};
pub use context::Context;
pub use page::page_corrections;
pub use themes::theme_matrix;

use crate::content::{Entry, Kind};
use crate::site::Site;
use minijinja::Value as JValue;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Every kind of page the site renders. Content entries get theirs from where they live
/// ([`PageKind::of`]); theme pages and the 404 page are generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    CityList,
    City,
    ChapterList,
    Chapter,
    MeasureList,
    Measure,
    /// The indicator dashboard (`content/kpis/_index.md`).
    Kpis,
    /// The city comparison (`content/compare/_index.md`).
    Compare,
    /// The search page (`content/search/_index.md`).
    Search,
    /// Any other section.
    Section,
    /// Any other page.
    Page,
    /// The list of themes (generated).
    ThemeList,
    /// One theme's matrix (generated).
    Theme,
    /// The 404 page (generated).
    NotFound,
    /// A city's source document, line by line (generated).
    Source,
}

impl PageKind {
    /// The kind of a content entry.
    pub fn of(entry: &Entry) -> PageKind {
        match &entry.kind {
            Kind::Home => PageKind::Home,
            Kind::CityList => PageKind::CityList,
            Kind::City(_) => PageKind::City,
            Kind::ChapterList(_) => PageKind::ChapterList,
            Kind::Chapter(_) => PageKind::Chapter,
            Kind::MeasureList(_) => PageKind::MeasureList,
            Kind::Measure(_) => PageKind::Measure,
            Kind::Section => match entry.key.as_str() {
                "kpis/_index.md" => PageKind::Kpis,
                "compare/_index.md" => PageKind::Compare,
                "search/_index.md" => PageKind::Search,
                _ => PageKind::Section,
            },
            Kind::Page => PageKind::Page,
        }
    }

    /// The template a page of this kind uses unless its front matter names another.
    pub fn default_template(self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::CityList => "city_list.html",
            PageKind::City => "city.html",
            PageKind::Chapter => "chapter.html",
            PageKind::Measure => "measure.html",
            PageKind::MeasureList => "measure_list.html",
            PageKind::ChapterList => "chapter_list.html",
            PageKind::Section => "section.html",
            PageKind::Kpis => "kpis.html",
            PageKind::Compare => "compare.html",
            PageKind::Search => "search.html",
            PageKind::Page => "page.html",
            PageKind::ThemeList => "themes/list.html",
            PageKind::Theme => "themes/single.html",
            PageKind::NotFound => "404.html",
            PageKind::Source => "source.html",
        }
    }
}

/// Builds the context of every page. Parts shared by many pages are converted to template
/// values once (minijinja values are reference-counted, so a page gets them for the price of a
/// pointer copy): the navigation and Zola's `config` per language, and each city's summary per
/// (city, language).
pub struct Views<'a> {
    pub(crate) site: &'a Site,
    pub(crate) similar: Option<&'a crate::SimilarMap>,
    nav: HashMap<String, OnceLock<JValue>>,
    config_values: HashMap<String, OnceLock<JValue>>,
    city_summaries: HashMap<(String, String), OnceLock<JValue>>,
    sources: source::SourceCache,
    /// When each content and source file last changed (git), read once per build.
    history: crate::history::History,
    /// Where the site is published, for the printed page's address.
    base: crate::base_url::BaseUrl,
    /// Each Japanese chapter's headings (by position in `site.entries`), rendered once: every
    /// measure page links the section it comes from, and rendering the chapter per measure
    /// page cost as much as rendering the chapters themselves again, many times over.
    chapter_tocs: HashMap<usize, OnceLock<Vec<crate::markdown::Heading>>>,
}

impl<'a> Views<'a> {
    pub fn new(site: &'a Site) -> Views<'a> {
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
        let sources = source::SourceCache::new(
            site.cities()
                .into_iter()
                .filter_map(|c| city_source_file(site, c))
                .map(str::to_string),
        );
        Views {
            site,
            similar: None,
            nav,
            config_values,
            city_summaries,
            sources,
            history: crate::history::History::read(&site.root),
            base: site.base_url(),
            chapter_tocs: (0..site.entries.len())
                .filter(|&i| {
                    let e = &site.entries[i];
                    e.lang == "ja" && matches!(e.kind, Kind::Chapter(_))
                })
                .map(|i| (i, OnceLock::new()))
                .collect(),
        }
    }

    /// The headings of a Japanese chapter, rendered once per build.
    pub(crate) fn chapter_toc(&self, chapter: &Entry) -> Option<&[crate::markdown::Heading]> {
        let pos = self.site.position(&chapter.key, &chapter.lang)?;
        let cell = self.chapter_tocs.get(&pos)?;
        Some(cell.get_or_init(|| self.site.rendered(chapter).toc))
    }

    /// Similar measures of other cities, per measure, shown on each measure page.
    pub fn with_similar(mut self, similar: &'a crate::SimilarMap) -> Self {
        self.similar = Some(similar);
        self
    }

    /// The context of a content entry's page: what every page has, plus its kind's view.
    pub fn entry_context(&self, entry: &Entry) -> Context {
        let site = self.site;
        let lang = entry.lang.as_str();
        let kind = PageKind::of(entry);
        let mut ctx = self.base_context(
            lang,
            &entry.url,
            page::alternates(site, entry),
            page::breadcrumbs(site, entry),
        );
        let mut page = page::page_value(site, entry);
        if let Some(city) = entry.kind.city() {
            // The city page shows everything about its city; the pages inside it, a summary.
            let view = if kind == PageKind::City {
                JValue::from_serialize(city_view(site, city, lang))
            } else {
                self.city_summary(city, lang)
            };
            ctx.shared("city", view);
        }
        match kind {
            PageKind::Measure => measure::add(self, entry, &mut page),
            PageKind::Chapter => chapter::add(site, entry, &mut page),
            PageKind::Home | PageKind::CityList => home::add(self, lang, &mut ctx),
            PageKind::Kpis => kpis::add(site, lang, &mut ctx),
            PageKind::Compare => compare::add(self, lang, &mut ctx),
            PageKind::City
            | PageKind::ChapterList
            | PageKind::MeasureList
            | PageKind::Search
            | PageKind::Section
            | PageKind::Page
            | PageKind::ThemeList
            | PageKind::Theme
            | PageKind::NotFound
            | PageKind::Source => {}
        }
        let updated = self.entry_date(entry);
        page["updated"] = json!(updated);
        ctx["last_updated"] = json!(updated);
        let key = if entry.is_section { "section" } else { "page" };
        ctx[key] = page;
        ctx
    }

    /// When an entry last changed: the front matter's `updated` (an editor's statement) before
    /// the file's history.
    pub(crate) fn entry_date<'e>(&'e self, entry: &'e Entry) -> Option<&'e str> {
        entry
            .front
            .updated
            .as_deref()
            .and_then(crate::history::normalize_date)
            .or_else(|| self.history.date(&entry.file))
    }

    /// The last commit date of a file below the site root (`sources/osaki.txt`), if known.
    pub(crate) fn file_date(&self, file: &std::path::Path) -> Option<&str> {
        self.history.date(file)
    }

    /// The context of the list of themes in `lang`.
    pub fn themes_list_context(&self, lang: &str) -> Context {
        themes::list_context(self, lang)
    }

    /// The context of one theme's page in `lang`.
    pub fn theme_context(&self, slug: &str, lang: &str) -> Context {
        themes::theme_context(self, slug, lang)
    }

    /// The context of `city`'s source page in `lang`; an unreadable source file is an error.
    pub fn source_context(
        &self,
        city: &str,
        lang: &str,
    ) -> Result<Context, crate::diagnostics::Diagnostic> {
        source::context(self, city, lang)
    }

    /// The context of the 404 page.
    pub fn not_found_context(&self) -> Context {
        self.base_context("ja", "/404.html", vec![], vec![])
    }

    pub(crate) fn base_context(
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
            // The address a printed page carries: absolute when base_url names a host.
            "print_url": self.base.absolute(url),
        }));
        ctx.shared("nav", self.nav(lang));
        ctx.shared("config", self.config_value(lang));
        ctx
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
                .map(|s| theme_ref(site, s, lang))
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

    /// A city's summary in `lang` (see [`city_summary`]), built once and shared by all of the
    /// city's pages and the city lists.
    pub(crate) fn city_summary(&self, city: &str, lang: &str) -> JValue {
        match self
            .city_summaries
            .get(&(city.to_string(), lang.to_string()))
        {
            Some(cell) => cell
                .get_or_init(|| JValue::from_serialize(city_summary(self.site, city, lang)))
                .clone(),
            None => JValue::from_serialize(city_summary(self.site, city, lang)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rel: &str, front: &str) -> Entry {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("file.md");
        std::fs::write(&path, format!("+++\n{front}\n+++\nbody\n")).unwrap();
        crate::content::load_file(&path, std::path::Path::new(rel), rel).unwrap()
    }

    #[test]
    fn the_kind_comes_from_the_location_not_the_template() {
        let renamed = "title = \"x\"\ntemplate = \"renamed.html\"";
        for (rel, kind) in [
            ("kpis/_index.md", PageKind::Kpis),
            ("compare/_index.md", PageKind::Compare),
            ("search/_index.md", PageKind::Search),
            ("other/_index.md", PageKind::Section),
            ("_index.md", PageKind::Home),
            ("about.md", PageKind::Page),
        ] {
            assert_eq!(PageKind::of(&entry(rel, renamed)), kind, "{rel}");
        }
        assert_eq!(PageKind::Kpis.default_template(), "kpis.html");
        assert_eq!(PageKind::Compare.default_template(), "compare.html");
    }

    #[test]
    fn pages_carry_their_printed_address_and_last_update() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let config = "base_url = \"https://intranet.example/kb/\"\ntitle = \"t\"\n[languages.en]\n[extra]\ncities = []\n[extra.units]\n[extra.themes]\n";
        std::fs::write(root.join("config.toml"), config).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        for (file, front) in [
            ("_index.md", "title = \"h\""),
            ("_index.en.md", "title = \"h\""),
            ("a.md", "title = \"a\"\nupdated = 2026-11-30"),
            ("a.en.md", "title = \"a\""),
        ] {
            std::fs::write(
                root.join("content").join(file),
                format!("+++\n{front}\n+++\nbody\n"),
            )
            .unwrap();
        }
        let site = Site::read(root).unwrap();
        let views = Views::new(&site);
        let page = |key: &str, lang: &str| views.entry_context(site.get(key, lang).unwrap());
        let ja = page("a.md", "ja");
        assert_eq!(ja["print_url"], "https://intranet.example/kb/a/");
        assert_eq!(ja["last_updated"], "2026-11-30", "the front matter's date");
        assert_eq!(ja["page"]["updated"], "2026-11-30");
        // Outside a git checkout and without `updated`: no date rather than a wrong one.
        assert_eq!(page("a.md", "en")["last_updated"], Value::Null);
        assert_eq!(
            page("_index.md", "ja")["print_url"],
            "https://intranet.example/kb/"
        );
    }
}
