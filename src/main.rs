//! `kb`: build, check, serve and search the knowledge base.

mod cli;
mod serve;

fn main() {
    std::process::exit(cli::run());
}
