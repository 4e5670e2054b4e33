//! `kb`: build, check, serve and search the knowledge base.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod live;
mod serve;

fn main() {
    std::process::exit(cli::run());
}
