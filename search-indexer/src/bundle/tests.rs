use std::collections::HashMap;

use serde_json::Value;

use super::postings::decode;
use super::*;
use crate::{write_index, Document};

fn doc(url: &str, lang: &str, city: &str, themes: &[&str], title: &str, body: &str) -> Document {
    Document {
        url: url.into(),
        lang: lang.into(),
        kind: "measure".into(),
        city: Some(city.into()),
        chapter_path: Vec::new(),
        themes: themes.iter().map(|t| t.to_string()).collect(),
        status: Some("継続".into()),
        title: title.into(),
        body: body.into(),
    }
}

fn corpus() -> Vec<Document> {
    vec![
        doc(
            "/cities/a/measures/a-01/",
            "ja",
            "a",
            &["training"],
            "人材育成基本方針",
            "人財確保と職員研修を実施します。",
        ),
        doc(
            "/en/cities/a/measures/a-01/",
            "en",
            "a",
            &["training"],
            "Basic policy on human resource development",
            "Securing people (人財確保) and staff training.",
        ),
        doc(
            "/cities/b/measures/b-01/",
            "ja",
            "b",
            &["evaluation"],
            "人事評価",
            "人事評価を行う。",
        ),
    ]
}

fn bundle() -> (HashMap<String, Vec<u8>>, BundleStats) {
    let dir = tempfile::tempdir().expect("tempdir");
    write_index(&corpus(), dir.path()).expect("index");
    let twins = HashMap::from([
        (
            "/cities/a/measures/a-01/".to_string(),
            "/en/cities/a/measures/a-01/".to_string(),
        ),
        (
            "/en/cities/a/measures/a-01/".to_string(),
            "/cities/a/measures/a-01/".to_string(),
        ),
    ]);
    let (files, stats) = write_bundle(dir.path(), &twins, None).expect("bundle");
    (
        files.into_iter().map(|f| (f.path, f.contents)).collect(),
        stats,
    )
}

fn json(files: &HashMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(files.get(path).unwrap_or_else(|| panic!("{path} missing")))
        .expect("valid JSON")
}

#[test]
fn fnv_shards_are_stable() {
    // Known FNV-1a values: engine.js computes the same.
    assert_eq!(shard_of("a", 1 << 31), 0xe40c_292c % (1 << 31));
    assert_eq!(shard_of("", 7), 0x811c_9dc5 % 7);
    assert!(shard_of("人材", 16) < 16);
}

#[test]
fn postings_round_trip() {
    let flat = super::postings::tests_encode(1, &[(3, vec![0, 4]), (10, vec![7])]);
    assert_eq!(flat, vec![1, 3, 2, 0, 4, 7, 1, 7]);
    assert_eq!(decode(&flat), (1, vec![(3, vec![0, 4]), (10, vec![7])]));
}

#[test]
fn bundle_describes_every_document_and_term() {
    let (files, stats) = bundle();
    assert_eq!(stats.documents, 3);
    let manifest = json(&files, "manifest.json");
    assert_eq!(manifest["documents"], 3);
    let shards = manifest["postings_shards"].as_u64().unwrap() as usize;
    for k in 0..shards {
        assert!(files.contains_key(&format!("postings/{k}.json")));
    }
    // Every document's metadata, with twins.
    let meta = json(&files, "meta/0.json");
    let rows = meta.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let urls: Vec<&str> = rows.iter().map(|r| r["url"].as_str().unwrap()).collect();
    for d in corpus() {
        assert!(urls.contains(&d.url.as_str()), "{urls:?}");
    }
    let en = rows
        .iter()
        .find(|r| r["lang"] == "en")
        .expect("the English page");
    assert_eq!(en["twin"], "/cities/a/measures/a-01/");
    assert_eq!(en["themes"][0], "training");
    // The analyzed terms are where their hash says, with their documents and positions.
    let shard = json(
        &files,
        &format!("postings/{}.json", shard_of("人材", shards)),
    );
    let lists = shard["人材"].as_array().expect("人材 postings");
    let fields: Vec<u64> = lists.iter().map(|l| l[0].as_u64().unwrap()).collect();
    assert!(
        fields.contains(&1),
        "body_ja holds 人材 (from 人財): {fields:?}"
    );
    let docs = docs::read(&files["docs.bin"]).expect("docs.bin");
    assert_eq!(docs.len(), 3);
    // Each document's twin, as the URLs pair them (the server's grouping).
    for (i, row) in rows.iter().enumerate() {
        let url = row["url"].as_str().unwrap();
        if url.ends_with("a-01/") {
            let other = docs[i].twin.unwrap_or_else(|| panic!("{url} has its twin"));
            assert_eq!(rows[other]["url"], row["twin"], "{url}");
        } else {
            assert_eq!(docs[i].twin, None, "{url} has no twin");
        }
    }
    let train = shard_of("train", shards);
    let en_terms = json(&files, &format!("postings/{train}.json"));
    assert!(
        en_terms.get("train").is_some(),
        "English stems are exported"
    );
}

#[test]
fn analysis_data_comes_from_the_rust_side() {
    let (files, stats) = bundle();
    let analysis = json(&files, "analysis.json");
    assert_eq!(analysis["synonyms"]["人財"], "人材");
    assert_eq!(
        analysis["chars"]["ＯＪＴ".chars().next().unwrap().to_string()],
        "O"
    );
    assert!(analysis["glossary_en_to_ja"]["job rotat"].is_array());
    // The lexicon holds the corpus's morphemes, in the shard of their first character.
    let shards = stats.lexicon.shards;
    let shard = json(&files, &format!("lexicon/{}.json", shard_of("人", shards)));
    assert!(
        shard.get("人材").is_some() || shard.get("人財").is_some(),
        "{shard}"
    );
    assert!(
        shard[""].as_str().unwrap().contains('人'),
        "人 is a dictionary word on its own: {}",
        shard[""]
    );
    assert!(stats.lexicon.morphemes > 5 && stats.lexicon.left_ids > 1);
    let english = json(
        &files,
        &format!(
            "english/{}.json",
            shard_of("training", stats.lexicon.english_shards)
        ),
    );
    assert_eq!(english["training"], "train");
    let english = json(
        &files,
        &format!(
            "english/{}.json",
            shard_of("on", stats.lexicon.english_shards)
        ),
    );
    assert_eq!(english["on"], "", "stop words are dropped");
}

#[test]
fn lexicon_recorded_while_indexing_covers_the_segmented_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let recording = record::start();
    write_index(&corpus(), dir.path()).expect("index");
    let recorded = recording.finish();
    let (with, _) = write_bundle(dir.path(), &HashMap::new(), Some(recorded)).expect("bundle");
    let (without, _) = write_bundle(dir.path(), &HashMap::new(), None).expect("bundle");
    let lexicon = |files: &[BundleFile]| -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = files
            .iter()
            .filter(|f| f.path.starts_with("lexicon/"))
            .flat_map(|f| {
                let v: Value = serde_json::from_slice(&f.contents).expect("valid JSON");
                v.as_object()
                    .expect("an object")
                    .iter()
                    .filter(|(k, _)| !k.is_empty())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    let (with, without) = (lexicon(&with), lexicon(&without));
    assert!(!without.is_empty());
    // Other tests analyze text at the same time and may add entries; none may be missing.
    for (surface, entries) in &without {
        let got = with
            .iter()
            .find(|(s, _)| s == surface)
            .unwrap_or_else(|| panic!("{surface} not recorded"));
        for e in entries.as_array().expect("entries") {
            assert!(
                got.1.as_array().expect("entries").contains(e),
                "{surface}: {e} not recorded"
            );
        }
    }
}

#[test]
fn docs_bin_columns_describe_every_document_as_the_index_does() {
    let (files, _) = bundle();
    let gz = &files["docs.bin"];
    // Written gzip-compressed (transfer does not depend on the server compressing binaries).
    assert_eq!(&gz[..2], &[0x1f, 0x8b], "gzip magic");
    let rows = docs::read(gz).expect("docs.bin reads back");
    let meta = json(&files, "meta/0.json");
    let meta = meta.as_array().unwrap();
    assert_eq!(rows.len(), meta.len());
    let dir = tempfile::tempdir().expect("tempdir");
    write_index(&corpus(), dir.path()).expect("index");
    let (index, fields) = crate::index::open_index(dir.path()).expect("open");
    let searcher = index.reader().expect("reader").searcher();
    for (row, m) in rows.iter().zip(meta) {
        assert_eq!(row.city.as_deref(), m["city"].as_str(), "{m}");
        assert_eq!(row.lang, m["lang"].as_str().unwrap());
        assert_eq!(row.kind, m["kind"].as_str().unwrap());
        let themes: Vec<&str> = m["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(row.themes, themes);
        let twin = row.twin.map(|t| meta[t]["url"].clone());
        assert_eq!(twin.unwrap_or(Value::Null), m["twin"], "{m}");
        // The field lengths BM25 uses: tantivy's decoded fieldnorms.
        let url = m["url"].as_str().unwrap();
        let (ord, doc) = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .flat_map(|(ord, seg)| (0..seg.max_doc()).map(move |k| (ord, k)))
            .find(|&(ord, k)| {
                let at = DocAddress::new(ord as u32, k);
                let stored: TantivyDocument = searcher.doc(at).expect("doc");
                stored.get_first(fields.url).and_then(|v| v.as_str()) == Some(url)
            })
            .expect("document in the index");
        let seg = &searcher.segment_readers()[ord];
        for (f, &field) in analyzed_fields(&fields).iter().enumerate() {
            let norms = seg.get_fieldnorms_reader(field).expect("fieldnorms");
            assert_eq!(row.norms[f], norms.fieldnorm(doc), "{url} field {f}");
        }
        assert!(row.norms[1] > 0 || row.norms[3] > 0, "{url}: a body");
    }
    // The table engine.js decodes codes with is tantivy's.
    let raw = {
        use std::io::Read;
        let mut b = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut b)
            .expect("gunzip");
        b
    };
    let h = u32::from_le_bytes(raw[..4].try_into().unwrap()) as usize;
    let head: Value = serde_json::from_slice(&raw[4..4 + h]).expect("header");
    let table: Vec<u64> = head["norm_table"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(table.len(), 256);
    for (id, &v) in table.iter().enumerate() {
        assert_eq!(
            v,
            u64::from(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm(
                id as u8
            ))
        );
    }
    // Columns: 4-aligned, in order, inside the file, not overlapping.
    let mut spans: Vec<(u64, &str)> = head["columns"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, c)| (c["offset"].as_u64().unwrap(), k.as_str()))
        .collect();
    spans.sort();
    assert_eq!(spans.len(), 6, "{spans:?}");
    assert!(spans[0].0 as usize >= 4 + h);
    for (off, name) in &spans {
        assert_eq!(off % 4, 0, "{name} is 4-aligned");
        assert!((*off as usize) < raw.len(), "{name} is inside the file");
    }
}

#[test]
fn docs_bin_rejects_damage() {
    let (files, _) = bundle();
    let gz = &files["docs.bin"];
    assert!(docs::read(&gz[..gz.len() / 2]).is_err(), "a truncated file");
    assert!(docs::read(b"{}").is_err(), "not gzip");
}
