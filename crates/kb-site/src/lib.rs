//! The knowledge base's site builder: Zola's site format (config.toml, content/ with `+++` TOML
//! front matter, templates/, sass/, static/) built with the libraries Zola uses.
//!
//! Stages: [`config`] → [`content`] (files to entries) → [`site`] (the site in memory, read
//! without checks) → [`validate`] (the content model's rules and internal links; [`load`] runs
//! both for [`Site::load`]) → [`render`] (templates, with each page kind's data from [`views`])
//! and [`assets`] and [`data`] → [`output`] (atomic swap).
//!
//! The `kb-build` crate runs them, with the search index, as one build.

pub mod assets;
pub mod base_url;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod exports;
pub mod frontmatter;
pub mod globs;
pub mod heatmap;
pub mod history;
pub mod kpi_charts;
pub mod kpi_export;
pub mod kpi_format;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod progress;
pub mod render;
pub mod site;
pub mod sitemap;
pub mod source_text;
pub mod suggest;
pub mod summary;
pub mod text_wrap;
pub mod theme_exports;
pub mod validate;
pub mod views;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use site::Site;

use std::path::Path;

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

/// The data downloads: `data/measures.json`, `data/kpis.json`, `data/kpis.csv`,
/// `data/measures.csv` and one CSV per theme, with one per theme and city beside it.
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
            path: "data/kpis.csv".into(),
            contents: kpi_export::kpis_csv(site),
        },
        render::OutputFile {
            path: "data/measures.csv".into(),
            contents: exports::measures_csv(site, None),
        },
    ];
    for theme in site.config.theme_slugs() {
        files.push(render::OutputFile {
            path: format!("data/themes/{theme}.csv"),
            contents: theme_exports::theme_csv(site, theme, None),
        });
        for city in site.cities() {
            files.push(render::OutputFile {
                path: format!("data/themes/{theme}/{city}.csv"),
                contents: theme_exports::theme_csv(site, theme, Some(city)),
            });
        }
    }
    Ok(files)
}
