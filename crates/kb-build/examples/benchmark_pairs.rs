//! Prints the Rust alignment of every ordered pair of cities of a built site, as JSON, for the
//! browser conformance test (tests/benchmark_align/align.test.mjs):
//! `benchmark_pairs <output>` → `{"osaki/takasaki": [["osaki-01", "takasaki-15", score], …], …}`.

use kb_build::benchmark::{read_city, CityData, DATA_DIR};
use search_indexer::align::{align, THRESHOLD};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or_else(|| anyhow::anyhow!("usage: benchmark_pairs <output>"))?,
    );
    let mut slugs: Vec<String> = std::fs::read_dir(out.join(DATA_DIR))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .map(str::to_string)
        })
        .collect();
    slugs.sort();
    let cities: Vec<CityData> = slugs.iter().filter_map(|s| read_city(&out, s)).collect();
    let mut pairs = Map::new();
    for a in &cities {
        for b in &cities {
            if a.city == b.city {
                continue;
            }
            let found = align(&a.align_inputs(), &b.align_inputs(), THRESHOLD);
            let list: Vec<Value> = found
                .iter()
                .map(|p| json!([a.measures[p.a].id, b.measures[p.b].id, p.why.score]))
                .collect();
            pairs.insert(format!("{}/{}", a.city, b.city), Value::Array(list));
        }
    }
    println!("{}", Value::Object(pairs));
    Ok(())
}
