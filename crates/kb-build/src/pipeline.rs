//! The build: load → validate → index (and similar measures) → render → data files → commit,
//! with the site and its index committed as one generation ([`crate::generation`]).

use crate::fault;
use crate::generation::{self, Generation, IndexStaging};
use kb_site::progress::{PhaseTimer, Progress};
use kb_site::{assets, output, render, BuildError, SimilarMap, Site};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Write the search index (and list similar measures). Off only for benchmarks of the site
    /// builder alone: such an output has no index for readers to find.
    pub index: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { index: true }
    }
}

/// What a successful build produced.
pub struct BuildReport {
    pub site: Site,
    /// The similar measures shown on the measure pages (kept for incremental updates).
    pub similar: SimilarMap,
    pub output: PathBuf,
    pub generation: Generation,
    pub files: usize,
    pub pages: usize,
    /// When each phase ended, from the start of the build (`load`, `index`, `render`, `data`,
    /// `commit`).
    pub phases: Vec<(&'static str, Duration)>,
}

/// Builds the site under `root` into `output` and its index into `<output>-index`. The
/// previous output and index stay what readers see until the whole build has succeeded.
pub fn build(root: &Path, output: &Path) -> Result<BuildReport, BuildError> {
    build_with(root, output, &BuildOptions::default())
}

/// [`build`] with options.
pub fn build_with(
    root: &Path,
    output: &Path,
    opts: &BuildOptions,
) -> Result<BuildReport, BuildError> {
    guard_output(root, output)?;
    let started = Instant::now();
    let mut phases = Vec::new();
    let timer = PhaseTimer::from_env();
    let mut mark = |phase: &'static str| {
        timer.mark(phase);
        phases.push((phase, started.elapsed()));
    };
    let site = Site::load(root)?;
    mark("load");
    let generation = Generation::new();
    let (index, similar) = if opts.index {
        generation::remove_stale(output);
        let index = IndexStaging::new(output, &generation)?;
        let similar = crate::index::write_index(&site, index.path())?;
        (Some(index), similar)
    } else {
        (None, SimilarMap::default())
    };
    mark("index");
    fault::point("after-index")?;

    let renderer = render::Renderer::new(&site)?.with_similar(&similar);
    // Pages are written into the staging directory as they are rendered (in parallel).
    let staging = output::Staging::new(output)?;
    let progress = Progress::start("rendering", renderer.job_count());
    let pages = renderer.render_each(
        &|path: &str, contents: &[u8]| staging.write(path, contents),
        Some(progress.counter()),
    )?;
    progress.finish();
    drop(renderer);
    mark("render");
    fault::point("after-render")?;

    let mut files = Vec::new();
    if site.config.compile_sass {
        files.extend(assets::compile_sass(root)?);
    }
    files.extend(assets::static_files(root)?);
    files.extend(kb_site::data_files(&site)?);
    for f in &files {
        staging.write(&f.path, &f.contents)?;
    }
    if index.is_some() {
        staging.write(generation::MARKER, generation.id().as_bytes())?;
    }
    mark("data");

    fault::point("before-commit")?;
    let index = index.map(IndexStaging::commit).transpose()?;
    fault::point("between-commits")?;
    staging.commit()?;
    if let Some(index) = index {
        index.made_live();
        generation::remove_stale(output);
    }
    mark("commit");
    Ok(BuildReport {
        site,
        similar,
        output: output.to_path_buf(),
        generation,
        files: pages + files.len(),
        pages,
        phases,
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
