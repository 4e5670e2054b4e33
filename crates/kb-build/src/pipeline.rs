//! The build: load → validate → index (and similar measures) → render → data files → commit,
//! with the site and its index committed as one generation ([`crate::generation`]).

use crate::fault;
use crate::generation::{self, Generation, IndexStaging};
use crate::urls::{fingerprinted_name, Rewriter};
use kb_site::base_url::BaseUrl;
use kb_site::progress::{PhaseTimer, Progress};
use kb_site::render::OutputFile;
use kb_site::{assets, output, render, BuildError, SimilarMap, Site};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Write the search index (and list similar measures). Off only for benchmarks of the site
    /// builder alone: such an output has no index for readers to find.
    pub index: bool,
    /// Overrides `base_url` of `config.toml` for this build (`kb build --base-url`).
    pub base_url: Option<BaseUrl>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            index: true,
            base_url: None,
        }
    }
}

/// What a successful build produced.
pub struct BuildReport {
    pub site: Site,
    /// The similar measures shown on the measure pages (kept for incremental updates).
    pub similar: SimilarMap,
    /// The peer alignment's inputs (kept for incremental updates of the benchmarking data).
    pub align: std::collections::HashMap<usize, search_indexer::align::AlignMeasure>,
    pub output: PathBuf,
    pub generation: Generation,
    /// How the pages' URLs were rewritten (base path, fingerprinted assets): pages rendered
    /// again later (incremental updates) are rewritten the same way.
    pub rewriter: Rewriter,
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
    let mut site = Site::load(root)?;
    let base = match &opts.base_url {
        Some(b) => b.clone(),
        // Checked by the validator in `Site::load`.
        None => site.base_url(),
    };
    site.config.base_url = base.to_string();
    mark("load");
    let generation = Generation::new();
    let (index, similar, bundle, benchmark, align) = if opts.index {
        generation::remove_stale(output);
        let index = IndexStaging::new(output, &generation)?;
        // The analyzer records the bundle's lexicon as it indexes (no second segmentation).
        let recording = search_indexer::bundle::record::start();
        let (similar, align) = crate::index::write_index(&site, index.path())?;
        let lexicon = recording.finish();
        // The static search bundle is the index just written, exported for the browser.
        let (bundle, _) = crate::bundle::bundle_files(&site, index.path(), Some(lexicon))?;
        // The peer-benchmarking data, from the same pass (issue 17).
        let benchmark = crate::benchmark::files(&site, &align)?;
        (Some(index), similar, bundle, benchmark, align)
    } else {
        let align = crate::index::AlignInputs::default();
        (None, SimilarMap::default(), Vec::new(), Vec::new(), align)
    };
    mark("index");
    fault::point("after-index")?;

    // Assets first: the pages name the stylesheet and scripts by their fingerprinted names.
    let mut files = Vec::new();
    if site.config.compile_sass {
        files.extend(assets::compile_sass(root)?);
    }
    files.extend(assets::static_files(root)?);
    let fingerprinted = fingerprint_assets(&files);
    let rewriter = Rewriter::new(
        &base,
        fingerprinted
            .iter()
            .map(|(from, to)| (format!("/{from}"), format!("/{}", to.path)))
            .collect(),
    );
    files.extend(fingerprinted.into_iter().map(|(_, f)| f));
    files.extend(kb_site::data_files(&site)?);
    files.extend(bundle);
    files.extend(benchmark);
    files.push(OutputFile {
        path: "sitemap.xml".into(),
        contents: kb_site::sitemap::sitemap_xml(&site),
    });

    let renderer = render::Renderer::new(&site)?.with_similar(&similar);
    // Pages are written into the staging directory as they are rendered (in parallel).
    let staging = output::Staging::new(output)?;
    let progress = Progress::start("rendering", renderer.job_count());
    let pages = renderer.render_each(
        &|path: &str, contents: &[u8]| staging.write(path, &rewriter.page(contents)),
        Some(progress.counter()),
    )?;
    progress.finish();
    drop(renderer);
    mark("render");
    fault::point("after-render")?;

    for f in &files {
        staging.write(&f.path, &f.contents)?;
    }
    if index.is_some() {
        let marker = generation::marker_contents(&generation, &base);
        staging.write(generation::MARKER, marker.as_bytes())?;
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
        align,
        output: output.to_path_buf(),
        generation,
        rewriter,
        files: pages + files.len(),
        pages,
        phases,
    })
}

/// The stylesheet and scripts under fingerprinted names (`style.css` → `style.<hash>.css`),
/// keyed by their plain names. The plain files stay too, for anything that links them by name.
fn fingerprint_assets(files: &[OutputFile]) -> Vec<(String, OutputFile)> {
    files
        .iter()
        .filter(|f| f.path == "style.css" || (f.path.starts_with("js/") && f.path.ends_with(".js")))
        .map(|f| {
            let renamed = OutputFile {
                path: fingerprinted_name(&f.path, &f.contents),
                contents: f.contents.clone(),
            };
            (f.path.clone(), renamed)
        })
        .collect()
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
