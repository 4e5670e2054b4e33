//! `kb`: build, check, serve and search the knowledge base. A thin layer: the command line
//! ([`cli`]), what each command prints ([`cmd`]) and the HTTP server ([`server`]); the work is
//! done by the library crates (`kb-build`, `kb-site`, `search-indexer`, `kb-import`, `kb-synth`).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod cmd;
mod server;

fn main() {
    kb_build::allocator::tune();
    std::process::exit(cli::run());
}
