//! The knowledge base's site builder: Zola's site format (config.toml, content/ with `+++` TOML
//! front matter, templates/, sass/, static/) built with the libraries Zola uses.
//!
//! Pipeline: [`config`] → [`content`] (files to entries) → [`validate`] and [`markdown`] (inside
//! [`site::Site::load`]) → [`render`] (templates) + [`assets`] + [`data`] → [`output`] (atomic swap).

pub mod assets;
pub mod charts;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod exports;
pub mod frontmatter;
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
    pub output: PathBuf,
    pub files: usize,
    pub pages: usize,
}

/// Validates the site without writing anything.
pub fn check(root: &Path) -> Result<Site, Diagnostics> {
    let site = Site::load(root)?;
    // Templates are part of the site: a broken template is a check failure too.
    render::Renderer::new(&site)?.render_all()?;
    Ok(site)
}

/// A page elsewhere that resembles a measure, as the search indexer found it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SimilarPage {
    pub url: String,
    pub title: String,
    pub city: String,
    pub score: f32,
}

/// Steps of a build that other crates supply (the search index), kept out of this crate so
/// that the site builder does not depend on the indexer.
pub trait BuildHooks {
    /// Runs after the site is loaded and validated, before rendering: returns, per measure URL,
    /// similar measures of other cities to show on that page.
    fn prepare(
        &mut self,
        _site: &Site,
    ) -> anyhow::Result<std::collections::HashMap<String, Vec<SimilarPage>>> {
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
    let site = Site::load(root)?;
    let similar = hooks.prepare(&site)?;
    let renderer = render::Renderer::new(&site)?.with_similar(similar);
    let pages = renderer.render_all()?;
    let page_count = pages.len();
    let mut files = pages;
    if site.config.compile_sass {
        files.extend(assets::compile_sass(root)?);
    }
    files.extend(assets::static_files(root)?);
    files.push(render::OutputFile {
        path: "data/measures.json".into(),
        contents: serde_json::to_vec_pretty(&data::measures(&site)).map_err(anyhow::Error::from)?,
    });
    files.push(render::OutputFile {
        path: "data/kpis.json".into(),
        contents: serde_json::to_vec_pretty(&data::kpis(&site)).map_err(anyhow::Error::from)?,
    });
    files.push(render::OutputFile {
        path: "data/measures.csv".into(),
        contents: exports::measures_csv(&site, None),
    });
    for theme in site.config.theme_slugs() {
        files.push(render::OutputFile {
            path: format!("data/themes/{theme}.csv"),
            contents: exports::measures_csv(&site, Some(theme)),
        });
    }
    let staging = output::Staging::new(output)?;
    for f in &files {
        staging.write(&f.path, &f.contents)?;
    }
    hooks.before_commit(&site, staging.path())?;
    staging.commit()?;
    Ok(BuildReport {
        site,
        output: output.to_path_buf(),
        files: files.len(),
        pages: page_count,
    })
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
