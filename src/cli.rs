//! Command-line interface. Command names, flags and output shapes are contracts.

use crate::cmd;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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

/// Runs the command line; returns the exit status.
pub fn run() -> i32 {
    match Cli::parse().command {
        Command::Build { root, output } => {
            let output = kb_build::output_dir(&root, output);
            cmd::build(&root, &output)
        }
        Command::Check { root } => cmd::check(&root),
        Command::Serve { root, output, port } => {
            let output = kb_build::output_dir(&root, output);
            cmd::serve(&root, &output, port)
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
            let request = search_indexer::SearchRequest {
                query: query.join(" "),
                city,
                theme,
                lang,
                limit,
                offset: 0,
            };
            cmd::search(&kb_build::output_dir(&root, output), &request, json)
        }
        Command::Import { city, out, source } => {
            let out = out.unwrap_or_else(|| PathBuf::from("content/cities").join(&city));
            cmd::import(kb_import::ImportOptions { city, source, out })
        }
        Command::Synth {
            cities,
            out,
            seed,
            root,
        } => cmd::synth(kb_synth::SynthOptions {
            source: root,
            out,
            cities,
            seed,
        }),
    }
}
