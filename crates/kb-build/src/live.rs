//! Incremental updates for `kb serve`: the site stays loaded in memory between builds, so that
//! an edited measure, chapter or page is re-read alone, its page re-rendered and its search
//! document replaced, without a full build.
//!
//! An update goes in two steps. First what the reader is looking at: the edited page (and its
//! twin in the other language, which quotes it) is written and its index document replaced and
//! committed; that is the "visible" latency. Then the pages that list it: the sections above it
//! (city page, measure list), the theme pages of its themes, and the data downloads. Anything
//! else — a new or deleted file, a changed URL, a section or city page, a template, the
//! configuration, Sass or static files — takes a full build, as does any failure of the
//! incremental path. Two things wait for the next full build: the similar-measure lists (the
//! edited page keeps its list and stays in other pages' lists under its new title only once
//! they are rebuilt) and the home, compare and KPI pages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use kb_site::content::Kind;
use kb_site::Site;

/// The built site kept in memory, with its similar-measure lists.
pub struct Live {
    root: PathBuf,
    output: PathBuf,
    site: Site,
    similar: kb_site::SimilarMap,
    rewriter: crate::urls::Rewriter,
    updater: Option<search_indexer::IndexUpdater>,
}

/// What an incremental update did, and how long its steps took.
#[derive(Debug, Clone)]
pub struct Update {
    /// The edited file, as shown in messages.
    pub file: PathBuf,
    /// Until the edited page and its index document were in place.
    pub visible: Duration,
    /// Until every dependent page and data file was written too.
    pub complete: Duration,
    /// Files written.
    pub files: usize,
}

/// What [`Live::apply`] decided.
pub enum Outcome {
    /// Every changed file was applied incrementally.
    Updated(Vec<Update>),
    /// Something needs a full build (see the module documentation).
    NeedsFullBuild,
}

impl Live {
    /// Takes over the result of a full build.
    pub fn new(root: &Path, output: &Path, report: crate::BuildReport) -> Live {
        Live {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            site: report.site,
            similar: report.similar,
            rewriter: report.rewriter,
            updater: None,
        }
    }

    /// Gives up the index writer, so that a full build can replace the index.
    pub fn release_index(&mut self) {
        self.updater = None;
    }

    /// Applies changes to the given source files. `index` is the index being served; it is
    /// reloaded after each commit. A problem in an edited file is an error (the file and line
    /// are in the message); nothing of that file has been written then.
    pub fn apply(
        &mut self,
        changed: &[PathBuf],
        index: Option<&search_indexer::SearchIndex>,
    ) -> Result<Outcome> {
        let content = self.root.join("content");
        let all_content_md = changed
            .iter()
            .all(|p| p.starts_with(&content) && p.extension().is_some_and(|x| x == "md"));
        if changed.is_empty() || !all_content_md {
            return Ok(Outcome::NeedsFullBuild);
        }
        let mut updates = Vec::new();
        for path in changed {
            let started = Instant::now();
            let old_themes = self.site.entry_at(path).map(themes_of).unwrap_or_default();
            let pos = match self.site.reload_entry(path) {
                Ok(Some(pos)) => pos,
                Ok(None) => return Ok(Outcome::NeedsFullBuild),
                Err(d) => anyhow::bail!("{d}"),
            };
            let mut files = self.write_visible(pos, index)?;
            let visible = started.elapsed();
            files += self.write_dependents(pos, &old_themes)?;
            updates.push(Update {
                file: self.site.entries[pos].file.clone(),
                visible,
                complete: started.elapsed(),
                files,
            });
        }
        Ok(Outcome::Updated(updates))
    }

    /// The edited page and its twin (which quotes the Japanese original), then its index
    /// document.
    fn write_visible(
        &mut self,
        pos: usize,
        index: Option<&search_indexer::SearchIndex>,
    ) -> Result<usize> {
        let site = &self.site;
        let entry = &site.entries[pos];
        let mut pages = vec![entry];
        if let Some(twin) = site.translation(entry) {
            pages.push(twin);
        }
        let files = self.render(&pages, &[])?;
        if entry.front.in_search_index {
            if self.updater.is_none() {
                self.updater = Some(search_indexer::IndexUpdater::open(
                    &crate::generation::live_index_dir(&self.output)?,
                )?);
            }
            let doc = crate::documents::document(entry, site.rendered(entry).text);
            let updater = self.updater.as_mut().expect("opened above");
            updater.replace(&doc)?;
            updater.commit()?;
            if let Some(index) = index {
                index.reload()?;
            }
        }
        Ok(files)
    }

    /// The sections above the page, the theme pages of its old and new themes, and the data
    /// downloads.
    fn write_dependents(&self, pos: usize, old_themes: &[String]) -> Result<usize> {
        let site = &self.site;
        let entry = &site.entries[pos];
        let sections = site.ancestors(entry);
        let lang: &'static str = if entry.lang == "en" { "en" } else { "ja" };
        let mut themes: BTreeSet<&str> = old_themes.iter().map(String::as_str).collect();
        let new_themes = themes_of(entry);
        themes.extend(new_themes.iter().map(String::as_str));
        let themes: Vec<(&str, &'static str)> = themes
            .into_iter()
            .filter(|t| site.config.theme_slugs().any(|s| s == *t))
            .map(|t| (t, lang))
            .collect();
        let mut files = self.render(&sections, &themes)?;
        if matches!(entry.kind, Kind::Measure(_)) {
            for f in kb_site::data_files(site)? {
                kb_site::output::write_atomically(&self.output, &f.path, &f.contents)?;
                files += 1;
            }
        }
        Ok(files)
    }

    fn render(
        &self,
        pages: &[&kb_site::content::Entry],
        themes: &[(&str, &'static str)],
    ) -> Result<usize> {
        let renderer = kb_site::render::Renderer::new(&self.site)
            .map_err(|d| anyhow::anyhow!("{d}"))?
            .with_similar(&self.similar);
        renderer
            .render_selected(pages, themes, &|path, contents| {
                kb_site::output::write_atomically(&self.output, path, &self.rewriter.page(contents))
            })
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
}

fn themes_of(e: &kb_site::content::Entry) -> Vec<String> {
    e.front
        .taxonomies
        .get("themes")
        .cloned()
        .unwrap_or_default()
}
