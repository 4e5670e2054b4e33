//! Without a dictionary, analysis is an error, never an empty analysis (which would index and
//! find nothing, silently). Its own test binary: the dictionary is loaded once per process, and
//! this process must never find one.

use search_indexer::analyzer::{ensure_dictionary, japanese_tokens, raw_segment};
use search_indexer::{write_index, Document, SearchIndex};

#[test]
fn every_way_into_analysis_reports_the_missing_package() {
    let empty = tempfile::tempdir().unwrap();
    // Set before anything loads the dictionary; the only test of this binary.
    std::env::set_var("KB_DICT_DIR", empty.path().join("ipadic"));
    std::env::set_var("KB_IPADIC_SRC", empty.path().join("no-such-sources"));

    let names_the_package = |e: anyhow::Error| {
        let msg = format!("{e:#}");
        assert!(msg.contains("mecab-ipadic"), "{msg}");
    };
    names_the_package(ensure_dictionary().unwrap_err());
    names_the_package(japanese_tokens("人材育成").unwrap_err());
    names_the_package(raw_segment("人材育成").unwrap_err());
    let doc = Document {
        url: "/a/".into(),
        lang: "ja".into(),
        kind: "measure".into(),
        city: None,
        chapter_path: vec![],
        themes: vec![],
        status: None,
        title: "研修".into(),
        body: "人材育成".into(),
    };
    let index = empty.path().join("index");
    names_the_package(write_index(&[doc], &index).unwrap_err());
    names_the_package(SearchIndex::open(&index).err().expect("opening fails"));
}
