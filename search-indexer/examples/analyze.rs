//! Prints the analyzer's output for each argument (or each stdin line), with timings.
//!
//! `cargo run -p search-indexer --example analyze -- 人材育成基本方針 人財確保`

use std::io::BufRead;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    search_indexer::analyzer::ensure_dictionary()?;
    eprintln!(
        "dictionary ready in {:.3}s ({})",
        started.elapsed().as_secs_f64(),
        search_indexer::dict::dict_dir().display()
    );
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Vec<String> = if args.is_empty() {
        std::io::stdin().lock().lines().collect::<Result<_, _>>()?
    } else {
        args
    };
    for line in lines {
        println!("{line}");
        println!(
            "  raw:      {}",
            search_indexer::analyzer::raw_segment(&line)?.join(" | ")
        );
        println!(
            "  analyzed: {}",
            search_indexer::analyzer::japanese_tokens(&line)?.join(" | ")
        );
    }
    Ok(())
}
