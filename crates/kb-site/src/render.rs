//! Rendering: the template environment (minijinja with autoescape, Zola's `get_url()` and
//! `trans()`) and the scheduling of rendering jobs, in parallel, into output files. What each
//! page's template receives is built in [`crate::views`], chosen by its [`PageKind`].

use crate::content::Entry;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::Site;
use crate::views::{self, Context, PageKind, Views};
use minijinja::{Environment, Error as JinjaError, ErrorKind};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One file of the rendered site: a path below the output directory and its bytes.
pub struct OutputFile {
    pub path: String,
    pub contents: Vec<u8>,
}

pub struct Renderer<'a> {
    site: &'a Site,
    env: Environment<'static>,
    views: Views<'a>,
}

/// One unit of rendering work.
enum Job<'e> {
    Entry(&'e Entry),
    ThemeList(&'static str),
    Theme(&'e str, &'static str),
    /// A city's source page in a language.
    Source(&'e str, &'static str),
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
        Ok(Renderer {
            site,
            env,
            views: Views::new(site),
        })
    }

    /// Similar measures of other cities, per measure, shown on each measure page.
    pub fn with_similar(mut self, similar: &'a crate::SimilarMap) -> Self {
        self.views = self.views.with_similar(similar);
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
        for (city, lang) in source_pages(self.site) {
            jobs.push(Job::Source(city, lang));
        }
        jobs.push(Job::NotFound);
        self.render_jobs(&jobs, sink, progress)
    }

    /// Renders the given pages, the theme pages of the given themes in the given languages, and
    /// the theme lists of the given languages (the pages an incremental update changes), handing
    /// each file to `sink`.
    pub fn render_selected(
        &self,
        entries: &[&Entry],
        themes: &[(&str, &'static str)],
        theme_lists: &[&'static str],
        sink: &(dyn Fn(&str, &[u8]) -> anyhow::Result<()> + Sync),
    ) -> Result<usize, crate::BuildError> {
        let mut jobs: Vec<Job<'_>> = entries.iter().map(|e| Job::Entry(e)).collect();
        jobs.extend(themes.iter().map(|&(slug, lang)| Job::Theme(slug, lang)));
        jobs.extend(theme_lists.iter().map(|&lang| Job::ThemeList(lang)));
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
                        .unwrap_or_else(|| PageKind::of(entry).default_template().to_string());
                    let ctx = self.views.entry_context(entry);
                    emit(
                        index_path(&entry.url),
                        self.render(&template, ctx, &entry.file),
                    );
                    for alias in &entry.front.aliases {
                        let target = crate::content::normalise_alias(alias, &entry.lang);
                        emit(index_path(&target), Ok(redirect_page(&entry.url)));
                    }
                }
                Job::ThemeList(lang) => {
                    let ctx = self.views.themes_list_context(lang);
                    emit(
                        index_path(&format!("{}/themes/", views::lang_prefix(lang))),
                        self.render(
                            PageKind::ThemeList.default_template(),
                            ctx,
                            Path::new("config.toml"),
                        ),
                    );
                }
                Job::Theme(slug, lang) => {
                    let ctx = self.views.theme_context(slug, lang);
                    emit(
                        index_path(&views::theme_url(slug, lang)),
                        self.render(
                            PageKind::Theme.default_template(),
                            ctx,
                            Path::new("config.toml"),
                        ),
                    );
                }
                Job::Source(city, lang) => {
                    let url = views::source_url(self.site, city, lang).unwrap_or_default();
                    let origin = self.site.city(city, lang).map(|e| e.file.as_path());
                    let origin = origin.unwrap_or(Path::new("config.toml"));
                    let result = self.views.source_context(city, lang).and_then(|ctx| {
                        self.render(PageKind::Source.default_template(), ctx, origin)
                    });
                    emit(index_path(&url), result);
                }
                Job::NotFound => {
                    let ctx = self.views.not_found_context();
                    let template = PageKind::NotFound.default_template();
                    emit(
                        "404.html".into(),
                        self.render(template, ctx, &Path::new("templates").join(template)),
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
        entries
            + 2 * (1 + self.site.config.theme_slugs().count())
            + source_pages(self.site).len()
            + 1
    }
}

/// The source pages the site has: (city, language) for every city that names a source
/// document, in each language it has a page in.
pub fn source_pages(site: &Site) -> Vec<(&str, &'static str)> {
    site.cities()
        .into_iter()
        .filter(|c| views::city_source_file(site, c).is_some())
        .flat_map(|c| ["ja", "en"].map(|l| (c, l)))
        .filter(|&(c, l)| site.city(c, l).is_some())
        .collect()
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
