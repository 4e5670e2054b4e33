//! Incremental updates for `kb serve`: the site stays loaded in memory between builds, so that
//! an edited measure, chapter or page is re-read alone, its page re-rendered and its search
//! document replaced, without a full build.
//!
//! The files of one save are one change: they are re-read together with their twins and checked
//! as `kb check` checks them (see `Site::reload_entries`); if anything is wrong, nothing is
//! published and the message names the file and line. Otherwise the update goes in two steps.
//! First what the reader is looking at: the edited pages and their twins (an English page
//! quotes its Japanese original) are written and their index documents replaced and committed;
//! that is the "visible" latency. Then every page that shows them: the sections above them
//! (measure list, city page, city list, home), for a chapter the measure pages that link its
//! sections, the theme pages of their old and new themes and
//! the theme list with its heatmap in both languages, the KPI and comparison pages, and the
//! data downloads, the peer-benchmarking data included. Anything else — a new or deleted file,
//! a changed URL, a section or city page, a template, the configuration, Sass or static files —
//! takes a full build, as does any failure of the incremental path.
//!
//! What an incremental update leaves for the next full build, by design (the parity test in
//! tests/incremental.rs allows exactly these): the similar-measure lists of other measures (the
//! edited measure keeps its list, and other pages list it under its old title), the edited
//! measures' term weights in the peer-benchmarking data (`terms` in `benchmark/<city>.json`:
//! they come from the indexing pass, like the similar-measure lists), and the search
//! index's term statistics of other documents (scores may differ in the last digits).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use kb_site::content::{Entry, Kind};
use kb_site::views::PageKind;
use kb_site::Site;

/// The built site kept in memory, with its similar-measure lists.
pub struct Live {
    root: PathBuf,
    output: PathBuf,
    site: Site,
    similar: kb_site::SimilarMap,
    align: std::collections::HashMap<usize, search_indexer::align::AlignMeasure>,
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
            align: report.align,
            rewriter: report.rewriter,
            updater: None,
        }
    }

    /// Gives up the index writer, so that a full build can replace the index.
    pub fn release_index(&mut self) {
        self.updater = None;
    }

    /// Applies changes to the given source files as one change. `index` is the index being
    /// served; it is reloaded after the commit. A problem in an edited file is an error (the file
    /// and line are in the message); nothing has been written then.
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
        let started = Instant::now();
        let old_themes: BTreeSet<String> = changed
            .iter()
            .filter_map(|p| self.site.entry_at(p))
            .flat_map(themes_of)
            .collect();
        let positions = match self.site.reload_entries(changed) {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(Outcome::NeedsFullBuild),
            Err(d) => anyhow::bail!("{d}"),
        };
        let mut files = self.write_visible(&positions, index)?;
        let visible = started.elapsed();
        files += self.write_dependents(&positions, &old_themes)?;
        let complete = started.elapsed();
        Ok(Outcome::Updated(
            changed
                .iter()
                .map(|p| Update {
                    file: p
                        .strip_prefix(&self.root)
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|_| p.clone()),
                    visible,
                    complete,
                    files,
                })
                .collect(),
        ))
    }

    /// The edited pages and their twins, then their index documents (one commit).
    fn write_visible(
        &mut self,
        positions: &[usize],
        index: Option<&search_indexer::SearchIndex>,
    ) -> Result<usize> {
        let site = &self.site;
        let pages: Vec<&Entry> = positions.iter().map(|&p| &site.entries[p]).collect();
        let files = self.render(&pages, &[], &[])?;
        let docs: Vec<search_indexer::Document> = pages
            .iter()
            .filter(|e| e.front.in_search_index)
            .map(|e| crate::documents::document(e, site.rendered(e).text))
            .collect();
        if !docs.is_empty() {
            if self.updater.is_none() {
                self.updater = Some(search_indexer::IndexUpdater::open(
                    &crate::generation::live_index_dir(&self.output)?,
                )?);
            }
            let updater = self.updater.as_mut().expect("opened above");
            for doc in &docs {
                updater.replace(doc)?;
            }
            updater.commit()?;
            if let Some(index) = index {
                index.reload()?;
            }
        }
        Ok(files)
    }

    /// Every page that shows the edited pages: the sections above them, the theme pages of their
    /// old and new themes and the theme lists, the KPI and comparison pages, the data files.
    fn write_dependents(
        &self,
        positions: &[usize],
        old_themes: &BTreeSet<String>,
    ) -> Result<usize> {
        let site = &self.site;
        let edited: Vec<&Entry> = positions.iter().map(|&p| &site.entries[p]).collect();
        let measures = edited.iter().any(|e| matches!(e.kind, Kind::Measure(_)));
        let mut sections: Vec<&Entry> = edited.iter().flat_map(|e| site.ancestors(e)).collect();
        // A measure page links the section of its chapter it comes from: a chapter's headings
        // are part of the measure pages that cite it.
        for e in edited.iter().filter(|e| matches!(e.kind, Kind::Chapter(_))) {
            let stem = e.key.rsplit('/').next().and_then(|f| f.strip_suffix(".md"));
            let (Some(city), Some(stem)) = (e.kind.city(), stem) else {
                continue;
            };
            for lang in ["ja", "en"] {
                sections.extend(
                    site.measures(city, lang)
                        .into_iter()
                        .filter(|m| m.measure().and_then(|x| x.chapter.as_deref()) == Some(stem)),
                );
            }
        }
        if measures {
            sections.extend(
                site.entries
                    .iter()
                    .filter(|e| matches!(PageKind::of(e), PageKind::Kpis | PageKind::Compare)),
            );
        }
        sections.sort_by(|a, b| (&a.key, &a.lang).cmp(&(&b.key, &b.lang)));
        sections.dedup_by(|a, b| std::ptr::eq(*a, *b));
        let mut themes: BTreeSet<&str> = old_themes.iter().map(String::as_str).collect();
        for e in &edited {
            if let Some(t) = e.front.taxonomies.get("themes") {
                themes.extend(t.iter().map(String::as_str));
            }
        }
        let themes: Vec<(&str, &'static str)> = themes
            .into_iter()
            .filter(|t| site.config.theme_slugs().any(|s| s == *t))
            .flat_map(|t| [(t, "ja"), (t, "en")])
            .collect();
        let lists: &[&'static str] = if measures { &["ja", "en"] } else { &[] };
        let mut files = self.render(&sections, &themes, lists)?;
        if measures {
            let benchmark = crate::benchmark::files(site, &self.align)?;
            for f in kb_site::data_files(site)?.into_iter().chain(benchmark) {
                kb_site::output::write_atomically(&self.output, &f.path, &f.contents)?;
                files += 1;
            }
        }
        Ok(files)
    }

    fn render(
        &self,
        pages: &[&Entry],
        themes: &[(&str, &'static str)],
        theme_lists: &[&'static str],
    ) -> Result<usize> {
        let renderer = kb_site::render::Renderer::new(&self.site)
            .map_err(|d| anyhow::anyhow!("{d}"))?
            .with_similar(&self.similar);
        renderer
            .render_selected(pages, themes, theme_lists, &|path, contents| {
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
