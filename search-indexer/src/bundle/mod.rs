//! The static search bundle: everything a browser needs to answer queries without `kb serve`,
//! exported from the tantivy index just written (so the browser ranks with the very postings,
//! document frequencies and field lengths the server uses). Layout and formats are described in
//! `search-indexer/BUNDLE.md`; in short, under `<output>/search/`:
//!
//! * `manifest.json`: format version, counts, shard counts, BM25 statistics and boosts;
//! * `docs.bin`: per document, what filtering, facets and scoring need, as gzip-compressed
//!   byte columns ([`docs`]);
//! * `meta/<n>.json`: per document, what a result shows (url, title, twin, …), in chunks;
//! * `postings/<n>.json`: term → postings of the four analyzed fields, sharded by term hash;
//! * `text/<n>.json` (+ `text/<n>-<k>.json`): stored bodies for snippets, in pieces of
//!   [`TEXT_PIECE_CHARS`] so that a snippet fetches only the pieces up to its first hit;
//! * `analysis.json` and `lexicon/<n>.json`: the query-side analysis data ([`analysis`]).

mod analysis;
pub mod docs;
mod postings;
pub mod record;

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use tantivy::schema::Value as _;
use tantivy::{DocAddress, TantivyDocument};

use crate::index::{open_index, Fields};

pub use analysis::LexiconStats;
pub use postings::{shard_of, TermPostings};

/// The browser's search engine, written beside the bundle it reads: `(file name, source)`;
/// `engine.js` is the module readers' pages import.
pub const ENGINE_FILES: [(&str, &str); 2] = [
    ("engine.js", include_str!("../../js/engine.js")),
    ("engine-query.js", include_str!("../../js/engine-query.js")),
];

/// Bundle format version (bump when a file's format changes).
pub const BUNDLE_VERSION: u32 = 2;
/// Documents per `meta/` chunk.
pub const META_CHUNK: usize = 16;
/// Characters per piece of a stored body: a result's snippet fetches the pieces up to its first
/// hit, not a long chapter whole (three chapters took a further query past its 40 KB budget).
pub const TEXT_PIECE_CHARS: usize = 2_000;

/// One file of the bundle: its path under `search/` and its bytes.
#[derive(Debug, Clone)]
pub struct BundleFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// What [`write_bundle`] made, for reports and tests.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BundleStats {
    pub documents: usize,
    pub terms: usize,
    pub postings_shards: usize,
    pub lexicon: LexiconStats,
    pub bytes: usize,
}

/// One document as the bundle describes it.
#[derive(Debug, Clone, Default)]
struct DocInfo {
    url: String,
    title: String,
    body: String,
    city: Option<String>,
    lang: String,
    kind: String,
    themes: Vec<String>,
    status: Option<String>,
}

/// The analyzed fields, in the order the bundle numbers them.
pub const FIELD_NAMES: [&str; 4] = ["title_ja", "body_ja", "title_en", "body_en"];

fn analyzed_fields(f: &Fields) -> [tantivy::schema::Field; 4] {
    [f.title_ja, f.body_ja, f.title_en, f.body_en]
}

fn json_bytes(v: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(v).context("serialising a search bundle file")
}

/// Exports the index in `index_dir` as the static bundle. `twins` maps a page's URL to its
/// translation's URL (the index does not know translations). `lexicon`: what a
/// [`record::Recording`] collected while the index was written (else the corpus is segmented
/// again here).
pub fn write_bundle(
    index_dir: &Path,
    twins: &HashMap<String, String>,
    lexicon: Option<record::Lexicon>,
) -> Result<(Vec<BundleFile>, BundleStats)> {
    let timer = Timer::new();
    let (index, fields) = open_index(index_dir)?;
    let reader = index.reader().context("opening an index reader")?;
    let searcher = reader.searcher();
    // Global document numbers: segments in searcher order, alive documents only.
    let mut docs: Vec<DocInfo> = Vec::new();
    let mut norms: Vec<[u8; 4]> = Vec::new();
    let mut bases: Vec<Vec<Option<u32>>> = Vec::new();
    let analyzed = analyzed_fields(&fields);
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let mut map = vec![None; seg.max_doc() as usize];
        let field_norms = analyzed
            .iter()
            .map(|&f| seg.get_fieldnorms_reader(f))
            .collect::<tantivy::Result<Vec<_>>>()?;
        for doc in seg.doc_ids_alive() {
            map[doc as usize] = Some(docs.len() as u32);
            let stored: TantivyDocument = searcher
                .doc(DocAddress::new(ord as u32, doc))
                .context("reading a stored document")?;
            docs.push(doc_info(&stored, &fields));
            let mut n = [0u8; 4];
            for (k, r) in field_norms.iter().enumerate() {
                n[k] = r.fieldnorm_id(doc);
            }
            norms.push(n);
        }
        bases.push(map);
    }
    timer.mark("stored documents");
    let mut total_tokens = [0u64; 4];
    for seg in searcher.segment_readers() {
        for (k, &f) in analyzed.iter().enumerate() {
            total_tokens[k] += seg.inverted_index(f)?.total_num_tokens();
        }
    }
    // The three independent parts run on the thread pool side by side: the postings (from the
    // index), the analysis data (from the texts and the dictionary) and the document files.
    let ((postings, analysis), doc_files) = rayon::join(
        || {
            rayon::join(
                || -> Result<_> {
                    let terms = postings::collect(&searcher, &analyzed, &bases)?;
                    timer.mark("postings read");
                    let shards = postings::shard_count(&terms);
                    let files = postings::shard_files(&terms, shards)?;
                    timer.mark("postings written");
                    Ok((files, terms.len(), shards))
                },
                || {
                    let texts = docs.iter().map(|d| (d.lang == "en", &d.title, &d.body));
                    let r = analysis::files(texts, lexicon);
                    timer.mark("analysis data");
                    r
                },
            )
        },
        || {
            let r = doc_files(&docs, &norms, twins);
            timer.mark("documents written");
            r
        },
    );
    let (mut files, n_terms, shards) = postings?;
    let (analysis_files, lexicon) = analysis?;
    files.extend(analysis_files);
    files.extend(doc_files?);
    let n = docs.len().max(1) as f64;
    let manifest = json!({
        "version": BUNDLE_VERSION,
        "documents": docs.len(),
        "fields": FIELD_NAMES,
        "total_tokens": total_tokens,
        "avg_norm": total_tokens.iter().map(|&t| t as f64 / n).collect::<Vec<_>>(),
        "bm25": {"k1": 1.2, "b": 0.75},
        "boosts": {
            "title": crate::query::TITLE_BOOST,
            "phrase": crate::query::PHRASE_BOOST,
            "joined": crate::query::JOINED_BOOST,
            "glossary": crate::query::GLOSSARY_BOOST,
            "reverse": crate::query::REVERSE_BOOST,
            "tie_breaker": crate::query::ALTERNATIVES_TIE_BREAKER,
            "part": crate::query::PART_BOOST,
            "hub": crate::query::HUB_BOOST,
            "hub_kinds": crate::query::HUB_KINDS,
        },
        "hash": "fnv1a32",
        "postings_shards": shards,
        "lexicon_shards": lexicon.shards,
        "english_shards": lexicon.english_shards,
        "meta_chunk": META_CHUNK,
        "text_piece_chars": TEXT_PIECE_CHARS,
    });
    for (name, source) in ENGINE_FILES {
        files.push(BundleFile {
            path: name.into(),
            contents: source.as_bytes().to_vec(),
        });
    }
    files.push(BundleFile {
        path: "manifest.json".into(),
        contents: json_bytes(&manifest)?,
    });
    let stats = BundleStats {
        documents: docs.len(),
        terms: n_terms,
        postings_shards: shards,
        lexicon,
        bytes: files.iter().map(|f| f.contents.len()).sum(),
    };
    Ok((files, stats))
}

/// Sub-phase timings on standard error when `KB_TIMINGS` is set (as the indexer reports its own).
/// Parts that run in parallel report the time since the start.
struct Timer(Option<std::time::Instant>);

impl Timer {
    fn new() -> Self {
        Timer(std::env::var_os("KB_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn mark(&self, what: &str) {
        if let Some(start) = &self.0 {
            eprintln!("    bundle {what}: at {} ms", start.elapsed().as_millis());
        }
    }
}

fn doc_info(d: &TantivyDocument, f: &Fields) -> DocInfo {
    let first = |field| {
        d.get_first(field)
            .and_then(|v| v.as_str().map(str::to_string))
    };
    DocInfo {
        url: first(f.url).unwrap_or_default(),
        title: first(f.title).unwrap_or_default(),
        body: first(f.body).unwrap_or_default(),
        city: first(f.city),
        lang: first(f.lang).unwrap_or_default(),
        kind: first(f.kind).unwrap_or_default(),
        themes: d
            .get_all(f.themes)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        status: first(f.status),
    }
}

/// `docs.bin` (see [`docs`]: city, lang, kind, themes, fieldnorm codes and twin as byte
/// columns), `meta/` and `text/` chunks.
fn doc_files(
    docs: &[DocInfo],
    norms: &[[u8; 4]],
    twins: &HashMap<String, String>,
) -> Result<Vec<BundleFile>> {
    let mut files = vec![BundleFile {
        path: "docs.bin".into(),
        contents: docs::gzip(&docs::table(docs, norms, &twin_offsets(docs))?)?,
    }];
    for (k, chunk) in docs.chunks(META_CHUNK).enumerate() {
        let rows: Vec<Value> = chunk
            .iter()
            .map(|d| {
                json!({
                    "url": d.url,
                    "title": d.title,
                    "city": d.city,
                    "lang": d.lang,
                    "themes": d.themes,
                    "kind": d.kind,
                    "status": d.status,
                    "twin": twins.get(&d.url),
                })
            })
            .collect();
        files.push(BundleFile {
            path: format!("meta/{k}.json"),
            contents: json_bytes(&rows)?,
        });
    }
    for (doc, d) in docs.iter().enumerate() {
        files.extend(body_pieces(doc, &d.body)?);
    }
    Ok(files)
}

/// A document's stored body in pieces of [`TEXT_PIECE_CHARS`]: `text/<doc>.json` holds
/// `{"<doc>": first piece, "more": further pieces}` ("more" only when there are some), and
/// `text/<doc>-<k>.json` the k-th further piece as `{"<doc>": piece}`.
fn body_pieces(doc: usize, body: &str) -> Result<Vec<BundleFile>> {
    let chars: Vec<char> = body.chars().collect();
    let pieces: Vec<String> = if chars.is_empty() {
        vec![String::new()]
    } else {
        chars
            .chunks(TEXT_PIECE_CHARS)
            .map(|c| c.iter().collect())
            .collect()
    };
    let key = doc.to_string();
    let mut files = Vec::with_capacity(pieces.len());
    for (k, piece) in pieces.iter().enumerate() {
        let mut v = serde_json::Map::new();
        v.insert(key.clone(), json!(piece));
        if k == 0 && pieces.len() > 1 {
            v.insert("more".into(), json!(pieces.len() - 1));
        }
        files.push(BundleFile {
            path: if k == 0 {
                format!("text/{doc}.json")
            } else {
                format!("text/{doc}-{k}.json")
            },
            contents: json_bytes(&Value::Object(v))?,
        });
    }
    Ok(files)
}

/// Per document, how far its translation is in document numbers (0: none): the browser groups
/// a page and its translation as the server does, by [`crate::pairs::pair_key`] of the URL.
fn twin_offsets(docs: &[DocInfo]) -> Vec<i64> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = vec![0i64; docs.len()];
    for (i, d) in docs.iter().enumerate() {
        match first.entry(crate::pairs::pair_key(&d.url)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let j = *o.get();
                out[i] = j as i64 - i as i64;
                out[j] = i as i64 - j as i64;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
