//! The static search bundle of the real site (`<output>/search/`, see search-indexer/BUNDLE.md):
//! every file the manifest names exists, every indexed page is described (with its twin), and
//! the files stay within the sizes the browser budget allows.

mod common;
use common::*;

use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn size(path: &Path) -> usize {
    std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn real_site_bundle_is_complete_and_small() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_repo_into(&public);
    let dir = public.join("search");
    let manifest = read_json(&dir.join("manifest.json"));
    assert_eq!(manifest["version"], 2);
    assert!(
        dir.join("engine.js").is_file(),
        "engine.js is written beside the bundle"
    );

    // Every page the server's index holds (an empty query lists them all) is in the bundle.
    let o = kb(&[
        "search",
        "--output",
        public.to_str().unwrap(),
        "--json",
        "--limit",
        "1",
        "",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = manifest["documents"].as_u64().unwrap() as usize;
    assert!(n > 500, "{n} documents");

    let docs_bin = std::fs::read(dir.join("docs.bin")).unwrap();
    let docs = search_indexer::bundle::docs::read(&docs_bin).unwrap();
    assert_eq!(docs.len(), n);
    let chunk = manifest["meta_chunk"].as_u64().unwrap() as usize;
    let mut meta = Vec::new();
    for k in 0..n.div_ceil(chunk) {
        let rows = read_json(&dir.join(format!("meta/{k}.json")));
        meta.extend(rows.as_array().unwrap().clone());
    }
    assert_eq!(meta.len(), n);
    let urls: HashSet<&str> = meta.iter().map(|m| m["url"].as_str().unwrap()).collect();
    assert_eq!(urls.len(), n, "URLs are unique");
    // A page and its translation are one result (search_indexer::pairs).
    let pairs: HashSet<&str> = urls
        .iter()
        .map(|u| {
            u.strip_prefix("/en")
                .filter(|r| r.starts_with('/'))
                .unwrap_or(u)
        })
        .collect();
    assert_eq!(all["total"].as_u64().unwrap() as usize, pairs.len());
    let mut twins = 0;
    for m in &meta {
        let url = m["url"].as_str().unwrap();
        assert!(
            url.starts_with('/'),
            "{url}: site-relative (engine.js adds the base path)"
        );
        assert!(
            !m["title"].as_str().unwrap().is_empty(),
            "{url} has a title"
        );
        let lang = m["lang"].as_str().unwrap();
        assert!(lang == "ja" || lang == "en", "{url}: {lang}");
        assert_eq!(url.starts_with("/en/"), lang == "en", "{url}");
        assert!(!m["kind"].as_str().unwrap().is_empty());
        if m["kind"] == "measure" {
            assert!(m["city"].is_string(), "{url} has a city");
            assert!(
                !m["themes"].as_array().unwrap().is_empty(),
                "{url} has themes"
            );
        }
        if let Some(t) = m["twin"].as_str() {
            assert!(urls.contains(t), "{url}: twin {t} is in the bundle");
            twins += 1;
        }
    }
    // docs.bin (the columns engine.js filters, facets and scores with) says what meta/ says.
    for (d, (row, m)) in docs.iter().zip(&meta).enumerate() {
        let url = m["url"].as_str().unwrap();
        assert_eq!(row.city.as_deref(), m["city"].as_str(), "{url}");
        assert_eq!(row.lang, m["lang"].as_str().unwrap(), "{url}");
        assert_eq!(row.kind, m["kind"].as_str().unwrap(), "{url}");
        let themes: Vec<&str> = m["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let mut row_themes = row.themes.clone();
        row_themes.sort();
        let mut themes: Vec<String> = themes.iter().map(|t| t.to_string()).collect();
        themes.sort();
        themes.dedup();
        assert_eq!(row_themes, themes, "{url}");
        let twin = row.twin.map(|t| meta[t]["url"].clone());
        assert_eq!(twin.unwrap_or(Value::Null), m["twin"], "{url}");
        if let Some(t) = row.twin {
            assert_eq!(docs[t].twin, Some(d), "{url}: twins name each other");
        }
        let (ja, en) = (row.norms[0] + row.norms[1], row.norms[2] + row.norms[3]);
        assert!(ja + en > 0, "{url}: field lengths");
    }
    assert!(twins * 10 >= n * 9, "{twins} of {n} pages name their twin");
    // Every stored body, in pieces: the first names how many follow; joined, they are the body
    // the server's snippets read (the longest chapters need several).
    let piece_chars = manifest["text_piece_chars"].as_u64().unwrap() as usize;
    let mut pieced = 0;
    for d in 0..n {
        let first = read_json(&dir.join(format!("text/{d}.json")));
        let mut body = first[d.to_string()].as_str().unwrap().to_string();
        let more = first["more"].as_u64().unwrap_or(0);
        for k in 1..=more {
            let piece = read_json(&dir.join(format!("text/{d}-{k}.json")));
            let piece = piece[d.to_string()].as_str().unwrap();
            assert!(piece.chars().count() <= piece_chars, "text/{d}-{k}.json");
            body.push_str(piece);
        }
        assert!(!dir.join(format!("text/{d}-{}.json", more + 1)).exists());
        pieced += usize::from(more > 0);
        assert!(
            more == 0 || body.chars().count() > piece_chars,
            "text/{d}.json: {more} pieces"
        );
    }
    assert!(pieced > 0, "some long bodies are in pieces");

    // Shards: all present; sizes reported and bounded.
    let mut report = Vec::new();
    for (family, key) in [
        ("postings", manifest["postings_shards"].as_u64()),
        ("lexicon", manifest["lexicon_shards"].as_u64()),
    ] {
        let shards = key.unwrap() as usize;
        let sizes: Vec<usize> = (0..shards)
            .map(|k| size(&dir.join(format!("{family}/{k}.json"))))
            .collect();
        let total: usize = sizes.iter().sum();
        let max = sizes.iter().max().copied().unwrap_or(0);
        report.push(format!(
            "{family}: {shards} shards, {total} bytes, largest {max}"
        ));
        assert!(max < 200_000, "{family}: a {max}-byte shard");
    }
    let cold: usize = ["manifest.json", "docs.bin", "analysis.json", "engine.js"]
        .iter()
        .map(|f| size(&dir.join(f)))
        .sum();
    report.push(format!(
        "fixed files (manifest, docs, analysis, engine): {cold} bytes"
    ));
    println!("{}", report.join("\n"));
    // Uncompressed; servers compress JSON about fourfold (the 150 KB budget is transferred).
    assert!(cold < 600_000, "fixed files: {cold} bytes");
}
