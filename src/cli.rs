//! Command-line interface. Command names, flags and output shapes are contracts.

use clap::{Parser, Subcommand};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "kb",
    version,
    about = "Bilingual knowledge base of Japanese cities' HR-development policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site (and its search index) into the output directory.
    Build {
        /// The site root: config.toml, content/, templates/, sass/, static/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Validate everything without writing; prints `path:line: message` per problem.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Build, serve on 127.0.0.1 and rebuild when a source file changes.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Search the index written by `kb build`.
    Search {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print the JSON response instead of a readable list.
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        theme: Option<String>,
        #[arg(long)]
        lang: Option<String>,
        /// The query: words, "quoted phrases".
        query: Vec<String>,
    },
    /// Turn a plain-text policy extraction into a draft content folder.
    Import {
        #[arg(long)]
        city: String,
        /// Output folder (default: content/cities/<city>).
        #[arg(long)]
        out: Option<PathBuf>,
        source: PathBuf,
    },
    /// Write a synthetic site root with N cities recombined from the real ones (benchmarks).
    Synth {
        /// How many synthetic cities (`city-0001` …).
        #[arg(long)]
        cities: usize,
        /// The new site root (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The real site root to recombine.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

pub fn output_dir(root: &Path, output: Option<PathBuf>) -> PathBuf {
    output.unwrap_or_else(|| root.join("public"))
}

/// The search index lives beside the site output: `<output>-index`.
pub fn index_dir(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!("{name}-index"))
}

/// Tunes the allocator (mimalloc) for builds that free about as much as they allocate: freed
/// memory goes back to the system after 100 ms, memory is committed only when used, and no
/// transparent huge pages (each one zeroed 2 MiB for a few small strings). Measured at N = 100:
/// 25% lower peak memory at the same speed (BENCHMARKS.md). `MIMALLOC_*` variables still win.
pub fn tune_allocator() {
    // Option numbers of the mimalloc v2 that libmimalloc-sys 0.1 bundles (`mi_option_e` in its
    // include/mimalloc.h).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    for (option, var, value) in [
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0),
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 100),
    ] {
        if std::env::var_os(var).is_none() {
            // SAFETY: setting a documented option to a valid value; no memory is touched.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes integer arguments and only sets a process flag.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

pub fn run() -> i32 {
    tune_allocator();
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, output } => {
            let output = output_dir(&root, output);
            match build(&root, &output) {
                Ok(report) => {
                    eprintln!(
                        "built {} pages ({} files) into {}",
                        report.pages,
                        report.files,
                        report.output.display()
                    );
                    // The new output is live; the replaced one is still being removed.
                    kb_site::output::wait_for_cleanup();
                    0
                }
                Err(e) => {
                    eprintln!("{e}");
                    eprintln!(
                        "build failed; the previous output in {} is unchanged",
                        output.display()
                    );
                    kb_site::output::wait_for_cleanup();
                    1
                }
            }
        }
        Command::Check { root } => match kb_site::check(&root) {
            Ok(site) => {
                let measures = kb_site::data::measures(&site).len();
                eprintln!(
                    "ok: {} files, {} measures, {} cities",
                    site.entries.len(),
                    measures,
                    site.cities().len()
                );
                0
            }
            Err(d) => {
                println!("{d}");
                eprintln!("{} problem(s) found", d.0.len());
                1
            }
        },
        Command::Serve { root, output, port } => {
            let output = output_dir(&root, output);
            match crate::serve::serve(&root, &output, port) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    1
                }
            }
        }
        Command::Search {
            root,
            output,
            json,
            limit,
            city,
            theme,
            lang,
            query,
        } => {
            let output = output_dir(&root, output);
            search(
                &index_dir(&output),
                json,
                limit,
                city,
                theme,
                lang,
                query.join(" "),
            )
        }
        Command::Import { city, out, source } => {
            let out = out.unwrap_or_else(|| PathBuf::from("content/cities").join(&city));
            let opts = kb_import::ImportOptions { city, source, out };
            match kb_import::import(&opts) {
                Ok(report) => {
                    for w in &report.warnings {
                        eprintln!("warning: {w}");
                    }
                    eprintln!(
                        "imported {} chapters, wrote {} files into {}",
                        report.chapters,
                        report.files_written.len(),
                        opts.out.display()
                    );
                    0
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    1
                }
            }
        }
        Command::Synth {
            cities,
            out,
            seed,
            root,
        } => {
            let opts = kb_synth::SynthOptions {
                source: root,
                out,
                cities,
                seed,
            };
            match kb_synth::synth(&opts) {
                Ok(r) => {
                    eprintln!(
                        "wrote {} cities, {} measures ({} files) into {}",
                        r.cities,
                        r.measures,
                        r.files,
                        opts.out.display()
                    );
                    0
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    1
                }
            }
        }
    }
}

/// The search index as part of a build: written to a staging directory before the pages are
/// rendered (so that measure pages can list similar measures), swapped in with the site.
struct IndexHooks {
    index_dir: PathBuf,
    staging: Option<kb_site::output::Staging>,
}

/// How many similar measures each measure page shows from each other city, and in all.
const SIMILAR_PER_CITY: usize = 2;
const SIMILAR_MAX_TOTAL: usize = 8;

impl kb_site::BuildHooks for IndexHooks {
    fn prepare(&mut self, site: &kb_site::Site) -> anyhow::Result<kb_site::SimilarMap> {
        let staging = kb_site::output::Staging::new(&self.index_dir)?;
        let positions = crate::serve::indexed_entries(site);
        let progress = kb_site::progress::Progress::start("indexing", positions.len());
        let opts = search_indexer::IndexOptions {
            similar: Some(search_indexer::SimilarOptions {
                per_city: SIMILAR_PER_CITY,
                max_total: SIMILAR_MAX_TOTAL,
            }),
            progress: Some(progress.counter()),
        };
        let timer = kb_site::progress::PhaseTimer::from_env();
        // Each page's plain text is rendered on the indexing threads and dropped once indexed.
        let make = |i: usize| {
            let e = &site.entries[positions[i]];
            crate::serve::document(e, site.rendered(e).text)
        };
        let (_, found) =
            search_indexer::write_index_from(positions.len(), &make, staging.path(), &opts)?;
        progress.finish();
        timer.mark("  index + similar");
        self.staging = Some(staging);
        Ok(similar_pages(site, &positions, found))
    }

    fn before_commit(&mut self, _site: &kb_site::Site, _staging: &Path) -> anyhow::Result<()> {
        match self.staging.take() {
            Some(s) => s.commit(),
            None => Ok(()),
        }
    }
}

/// Similar measures per measure. They are computed between the Japanese pages; an English page
/// lists the English twins of its Japanese twin's similar measures.
fn similar_pages(
    site: &kb_site::Site,
    positions: &[usize],
    found: search_indexer::SimilarByDoc,
) -> kb_site::SimilarMap {
    let twin = |i: usize| {
        let e = &site.entries[i];
        site.translation(e)
            .and_then(|t| site.position(&t.key, &t.lang))
    };
    let mut out = HashMap::new();
    for (source, hits) in found {
        let ja = positions[source];
        let ja_hits: Vec<kb_site::SimilarPage> = hits
            .iter()
            .map(|&(o, score)| kb_site::SimilarPage {
                entry: positions[o],
                score,
            })
            .collect();
        if let Some(en) = twin(ja) {
            let en_hits = ja_hits
                .iter()
                .filter_map(|h| {
                    twin(h.entry).map(|entry| kb_site::SimilarPage {
                        entry,
                        score: h.score,
                    })
                })
                .collect();
            out.insert(en, en_hits);
        }
        out.insert(ja, ja_hits);
    }
    out
}

/// Builds the site and its search index; both replace the previous ones only on success.
pub fn build(root: &Path, output: &Path) -> Result<kb_site::BuildReport, kb_site::BuildError> {
    let mut hooks = IndexHooks {
        index_dir: index_dir(output),
        staging: None,
    };
    kb_site::build(root, output, &mut hooks)
}

fn search(
    index: &Path,
    json: bool,
    limit: usize,
    city: Option<String>,
    theme: Option<String>,
    lang: Option<String>,
    query: String,
) -> i32 {
    let idx = match search_indexer::SearchIndex::open(index) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "error: cannot open the search index {}: {e:#}\nhint: run `kb build` first",
                index.display()
            );
            return 1;
        }
    };
    let req = search_indexer::SearchRequest {
        query,
        city,
        theme,
        lang,
        limit,
        offset: 0,
    };
    match idx.search(&req) {
        Ok(resp) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&resp).expect("response serialises")
                );
            } else {
                println!("{} result(s) for {}", resp.total, resp.query);
                for (i, hit) in resp.results.iter().enumerate() {
                    println!(
                        "{:>3}. {} [{}{}] {}",
                        i + 1,
                        hit.title,
                        hit.lang,
                        hit.city
                            .as_deref()
                            .map(|c| format!(", {c}"))
                            .unwrap_or_default(),
                        hit.url
                    );
                    let plain = hit.snippet.replace("<mark>", "[").replace("</mark>", "]");
                    println!("     {}", html_unescape(&plain));
                }
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
