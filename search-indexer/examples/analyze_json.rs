//! The Japanese analyzer's terms for each stdin line, one JSON array per line (in position
//! order, as indexed): the reference the browser analyzer's conformance test compares with.
//!
//! `printf '人材育成基本方針\n' | cargo run --release -p search-indexer --example analyze_json`

use std::io::{BufRead, Write};

fn main() -> anyhow::Result<()> {
    search_indexer::analyzer::ensure_dictionary()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let terms = search_indexer::analyzer::japanese_tokens(&line?)?;
        writeln!(out, "{}", serde_json::to_string(&terms)?)?;
    }
    Ok(())
}
