//! Command-line interface. Command names, flags and output shapes are contracts.

use crate::cmd;
use clap::{Parser, Subcommand};
use kb_site::base_url::BaseUrl;
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
        /// Publish under this URL instead of config.toml's `base_url`: an absolute URL
        /// (`https://intranet.example/jinji/kb/`) or a path (`/jinji/kb/`).
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<BaseUrl>,
    },
    /// Validate everything without writing; prints `path:line: message` per problem.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Build, serve on 127.0.0.1 and rebuild when a source file changes; with --no-build,
    /// serve a prebuilt output read-only.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; anything but loopback makes the site reachable from the
        /// network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Serve the output (site and index) as built: never build, write or watch.
        #[arg(long)]
        no_build: bool,
        /// Build for (and serve under) this URL instead of config.toml's `base_url`.
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<BaseUrl>,
        /// Log one line per request to standard error.
        #[arg(long)]
        access_log: bool,
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
        /// The site root whose config.toml lists the cities.
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
        Command::Build {
            root,
            output,
            base_url,
        } => {
            let output = kb_build::output_dir(&root, output);
            cmd::build(&root, &output, base_url)
        }
        Command::Check { root } => cmd::check(&root),
        Command::Serve {
            root,
            output,
            port,
            bind,
            no_build,
            base_url,
            access_log,
        } => cmd::serve(crate::server::ServeOptions {
            output: kb_build::output_dir(&root, output),
            root,
            addr: std::net::SocketAddr::new(bind, port),
            no_build,
            base_url,
            access_log,
        }),
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
        Command::Import {
            city,
            root,
            out,
            source,
        } => {
            let out = out.unwrap_or_else(|| root.join("content/cities").join(&city));
            cmd::import(&root, kb_import::ImportOptions { city, source, out })
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

fn parse_base_url(raw: &str) -> Result<BaseUrl, String> {
    BaseUrl::parse(raw)
}
