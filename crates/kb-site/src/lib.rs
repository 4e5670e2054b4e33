//! The knowledge base's site builder: Zola's site format (config.toml, content/ with `+++` TOML
//! front matter, templates/, sass/, static/) built with the libraries Zola uses.
//!
//! Pipeline: [`config`] → [`content`] (files to entries) → [`site`] (the site in memory, read
//! without checks) → [`validate`] (the content model's rules and internal links; [`load`] runs
//! both for [`Site::load`]) → [`render`] (templates, with each page kind's data from [`views`])
//! + [`assets`] + [`data`] → [`output`] (atomic swap).

pub mod assets;
pub mod charts;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod exports;
pub mod frontmatter;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod progress;
pub mod render;
pub mod site;
pub mod suggest;
pub mod validate;
pub mod views;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use site::Site;

use std::path::{Path, PathBuf};

/// Why a build failed: problems in the sources (to show as `file:line: message`), or an
/// I/O failure while writing.
#[derive(Debug)]
pub enum BuildError {
    Content(Diagnostics),
    Io(anyhow::Error),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Content(d) => write!(f, "{d}"),
            BuildError::Io(e) => write!(f, "error: {e:#}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<Diagnostics> for BuildError {
    fn from(d: Diagnostics) -> Self {
        BuildError::Content(d)
    }
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> Self {
        BuildError::Content(Diagnostics(vec![d]))
    }
}

impl From<anyhow::Error> for BuildError {
    fn from(e: anyhow::Error) -> Self {
        BuildError::Io(e)
    }
}

/// What a successful build produced.
pub struct BuildReport {
    pub site: Site,
    /// The similar measures shown on the measure pages (kept for incremental updates).
    pub similar: SimilarMap,
    pub output: PathBuf,
    pub files: usize,
    pub pages: usize,
}

/// Validates the site without writing anything.
pub fn check(root: &Path) -> Result<Site, Diagnostics> {
    let site = Site::load(root)?;
    // Templates are part of the site: a broken template is a check failure too.
    match render::Renderer::new(&site)?.render_each(&|_, _| Ok(()), None) {
        Ok(_) => Ok(site),
        Err(BuildError::Content(d)) => Err(d),
        Err(BuildError::Io(e)) => Err(Diagnostics(vec![Diagnostic::new(
            "templates",
            0,
            format!("{e:#}"),
        )])),
    }
}

/// A page elsewhere that resembles a measure, as the search indexer found it: its position in
/// `Site::entries` (a number, not a copy of its URL and title: there can be a million of these).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct SimilarPage {
    pub entry: usize,
    pub score: f32,
}

/// Similar pages per measure, keyed by the measure's position in `Site::entries`.
pub type SimilarMap = std::collections::HashMap<usize, Vec<SimilarPage>>;

/// Steps of a build that other crates supply (the search index), kept out of this crate so
/// that the site builder does not depend on the indexer.
pub trait BuildHooks {
    /// Runs after the site is loaded and validated, before rendering: returns, per measure,
    /// similar measures of other cities to show on that page.
    fn prepare(&mut self, _site: &Site) -> anyhow::Result<SimilarMap> {
        Ok(Default::default())
    }
    /// Runs when the whole site is written to the staging directory, just before it replaces
    /// the previous output. An error aborts the build and leaves the previous output in place.
    fn before_commit(&mut self, _site: &Site, _staging: &Path) -> anyhow::Result<()> {
        Ok(())
    }
}

/// A build with no index.
pub struct NoHooks;
impl BuildHooks for NoHooks {}

/// Builds the site under `root` into `output`. The previous output is replaced only when the
/// whole build succeeded.
pub fn build(
    root: &Path,
    output: &Path,
    hooks: &mut dyn BuildHooks,
) -> Result<BuildReport, BuildError> {
    guard_output(root, output)?;
    let timer = progress::PhaseTimer::from_env();
    let site = Site::load(root)?;
    timer.mark("load");
    let similar = hooks.prepare(&site)?;
    timer.mark("prepare (index)");
    let renderer = render::Renderer::new(&site)?.with_similar(&similar);
    // Pages are written into the staging directory as they are rendered (in parallel).
    let staging = output::Staging::new(output)?;
    let progress = progress::Progress::start("rendering", renderer.job_count());
    let page_count = renderer.render_each(
        &|path: &str, contents: &[u8]| staging.write(path, contents),
        Some(progress.counter()),
    )?;
    progress.finish();
    drop(renderer);
    timer.mark("render + write");
    let mut files = Vec::new();
    if site.config.compile_sass {
        files.extend(assets::compile_sass(root)?);
    }
    files.extend(assets::static_files(root)?);
    files.extend(data_files(&site)?);
    for f in &files {
        staging.write(&f.path, &f.contents)?;
    }
    timer.mark("data files");
    hooks.before_commit(&site, staging.path())?;
    staging.commit()?;
    timer.mark("commit");
    Ok(BuildReport {
        site,
        similar,
        output: output.to_path_buf(),
        files: page_count + files.len(),
        pages: page_count,
    })
}

/// The data downloads: `data/measures.json`, `data/kpis.json`, `data/measures.csv` and one CSV
/// per theme.
pub fn data_files(site: &Site) -> anyhow::Result<Vec<render::OutputFile>> {
    let mut files = vec![
        render::OutputFile {
            path: "data/measures.json".into(),
            contents: serde_json::to_vec_pretty(&data::measures(site))?,
        },
        render::OutputFile {
            path: "data/kpis.json".into(),
            contents: serde_json::to_vec_pretty(&data::kpis(site))?,
        },
        render::OutputFile {
            path: "data/measures.csv".into(),
            contents: exports::measures_csv(site, None),
        },
    ];
    for theme in site.config.theme_slugs() {
        files.push(render::OutputFile {
            path: format!("data/themes/{theme}.csv"),
            contents: exports::measures_csv(site, Some(theme)),
        });
    }
    Ok(files)
}

/// Refuses an output directory that would swallow the sources (the root itself or a parent).
fn guard_output(root: &Path, output: &Path) -> Result<(), BuildError> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(output));
    if root_abs.starts_with(&out_abs) {
        return Err(BuildError::Io(anyhow::anyhow!(
            "refusing to build into {}: it contains the site sources",
            output.display()
        )));
    }
    for dir in ["content", "templates", "sass", "static"] {
        if out_abs.starts_with(root_abs.join(dir)) {
            return Err(BuildError::Io(anyhow::anyhow!(
                "refusing to build into {}: it is inside the {dir}/ sources",
                output.display()
            )));
        }
    }
    Ok(())
}
