//! The query-side analysis data of the bundle, generated from the Rust analyzer so that the
//! browser never keeps its own copy of it:
//!
//! * `analysis.json`: the text stage's per-character table (every BMP character that
//!   [`kb_text::normalize_for_search`] changes on its own, with its replacement), the synonym
//!   table (variant key → canonical term), the glossary as the query builder uses it (English
//!   token sequence → Japanese terms; Japanese key → English token sequences), and the light
//!   verbs and adjectives the filter drops; and the facts engine.js's algorithms need
//!   ([`facts`]): kb-text's character classes as code-point ranges (katakana, Japanese, spaces,
//!   digits, number characters) and constants (the nakaguro and its replacement,
//!   `COMPOUND_PART_MAX`), the synonym matcher's transparent characters, the analyzer's limits
//!   (`MAX_JOINED_RUN`, `MAX_TERM_BYTES`, `MAX_VARIANT_MORPHEMES`) and the English analyzer's
//!   stop words and token limit, each defined once in Rust and used there by the analyzer itself
//!   (a unit test checks the exported ranges against kb-text's predicates for every character);
//! * `lexicon/<n>.json`: every morpheme lindera produced for the corpus (on the normalised text,
//!   as the analyzer sees it): surface → entries `[left id, right id, word cost, class, base]`
//!   (`base` empty when it is the surface; `left id` −1 for lindera's unknown words), sharded
//!   by the FNV-1a hash of the surface's first character, so that a query needs the shards of
//!   its own characters only; key `""` lists the shard's corpus characters that are dictionary
//!   words on their own (lindera's "a word starts here" for the unknown-word rule);
//! * `connection/<n>.json`: IPADIC's connection costs restricted to the context ids the
//!   lexicon uses: `{left id: [cost per right id, in manifest "right_ids" order]}`, sharded by
//!   left id;
//! * `english/<n>.json`: every English word form of the corpus → its term under the English
//!   analyzer (`""` for stop words), sharded by word hash.
//!
//! Why the lexicon gives exact agreement on the corpus: the browser runs lindera's Viterbi
//! search over a lattice built from the lexicon. For a corpus sentence, every morpheme of the
//! path the full dictionary chose is in the lexicon, so that path is in the smaller lattice;
//! it was the cheapest of a superset, so it is the cheapest here too.
//!
//! So every table and constant the browser's analyzer uses comes from here; engine.js keeps only
//! the algorithms (ported from kb-text, `analyzer/`, `query/` and lindera's Viterbi search),
//! and the conformance test (`node --test tests/search_engine/`) guards them: 100 % agreement
//! with the Rust analyzer on the corpus's sentences, every difference on the evaluation queries
//! listed.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde::Serialize;
use serde_json::json;

use super::postings::shard_of;
use super::{json_bytes, BundleFile};
use crate::analyzer::{analyze_english, class_of, japanese_runs, Class};
use crate::dict;
use crate::query::glossary_index;
use crate::synonyms::synonyms;

mod facts;

/// Raw size a lexicon shard aims at (a query fetches one per distinct character).
const LEXICON_SHARD_BYTES: usize = 4_000;
/// Number of connection-cost shards (a query fetches one per candidate left id).
const CONNECTION_SHARDS: usize = 128;
/// Raw size an English-lexicon shard aims at.
const ENGLISH_SHARD_BYTES: usize = 8_000;

/// Sizes of the generated lexicons (reported by the build and recorded in BUNDLE.md).
#[derive(Debug, Clone, Default, Serialize)]
pub struct LexiconStats {
    /// Distinct (surface, entry) pairs of the Japanese lexicon.
    pub morphemes: usize,
    pub surfaces: usize,
    pub shards: usize,
    pub lexicon_bytes: usize,
    pub left_ids: usize,
    pub right_ids: usize,
    pub connection_bytes: usize,
    pub english_words: usize,
    pub english_shards: usize,
    pub english_bytes: usize,
    pub analysis_bytes: usize,
}

pub(super) fn class_code(c: Class) -> u8 {
    match c {
        Class::Noun => 0,
        Class::Prefix => 1,
        Class::Verb => 2,
        Class::Adjective => 3,
        Class::Adverb => 4,
        Class::Drop => 5,
        Class::Transparent => 6,
    }
}

/// One document's text: (is English, title, body).
pub(super) type Text<'a> = (bool, &'a String, &'a String);

/// One lexicon entry: (left id, right id, word cost, class, base or "").
pub type Entry = (i32, i32, i32, u8, String);

/// The Japanese lexicon of `texts` (title, body of every document).
/// Like the indexer, Japanese pages are analyzed whole, English pages only in their Japanese
/// passages.
fn japanese_lexicon<'a>(
    texts: impl Iterator<Item = Text<'a>>,
) -> Result<BTreeMap<String, BTreeSet<Entry>>> {
    let segmenter = dict::segmenter()?;
    let mut lex: BTreeMap<String, BTreeSet<Entry>> = BTreeMap::new();
    for (english, title, body) in texts {
        for text in [title, body] {
            let runs = if english {
                japanese_runs(text).into_iter().map(|r| r.1).collect()
            } else {
                vec![text.as_str()]
            };
            for run in runs {
                let mut norm = kb_text::normalize_for_search(run);
                norm.make_ascii_lowercase();
                let Ok(tokens) = segmenter.segment(Cow::Borrowed(norm.as_str())) else {
                    continue;
                };
                for mut t in tokens {
                    let (class, base) = class_of(&mut t);
                    let entry = super::record::entry_of(&t, class, base.as_deref());
                    lex.entry(t.surface.to_string()).or_default().insert(entry);
                }
            }
        }
    }
    Ok(lex)
}

fn first_char(s: &str) -> &str {
    s.char_indices().nth(1).map_or(s, |(i, _)| &s[..i])
}

fn shards_for(bytes: usize, target: usize) -> usize {
    (bytes / target).max(1).next_power_of_two()
}

/// The analysis files and the lexicon sizes.
/// `recorded`: the lexicon the indexer recorded while analyzing the same texts (see
/// [`super::record`]); without it, the texts are segmented here.
pub(super) fn files<'a>(
    texts: impl Iterator<Item = Text<'a>> + Clone,
    recorded: Option<super::record::Lexicon>,
) -> Result<(Vec<BundleFile>, LexiconStats)> {
    let mut out = Vec::new();
    let mut stats = LexiconStats::default();

    let lex = match recorded {
        Some(lex) => lex,
        None => japanese_lexicon(texts.clone())?,
    };
    let approx: usize = lex
        .iter()
        .map(|(s, e)| s.len() + 6 + e.iter().map(|x| 24 + x.4.len()).sum::<usize>())
        .sum();
    let shards = shards_for(approx, LEXICON_SHARD_BYTES);
    let mut by_shard: Vec<BTreeMap<&str, Vec<&Entry>>> = vec![BTreeMap::new(); shards];
    let (mut lefts, mut rights) = (BTreeSet::new(), BTreeSet::new());
    for (surface, entries) in &lex {
        stats.morphemes += entries.len();
        for e in entries {
            if e.0 >= 0 {
                lefts.insert(e.0 as u32);
            }
            if e.1 >= 0 {
                rights.insert(e.1 as u32);
            }
        }
        by_shard[shard_of(first_char(surface), shards)].insert(surface, entries.iter().collect());
    }
    stats.surfaces = lex.len();
    stats.shards = shards;
    // lindera adds unknown-word candidates for kanji and hiragana only where no dictionary word
    // starts. The browser knows the lexicon only: key "" of each shard lists its corpus
    // characters that are dictionary words on their own (so a word starts there).
    let prefix = &dict::segmenter()?.dictionary.prefix_dictionary;
    let corpus_chars: BTreeSet<char> = lex.keys().flat_map(|s| s.chars()).collect();
    let mut singles: Vec<String> = vec![String::new(); shards];
    for c in corpus_chars {
        let s = c.to_string();
        if prefix.find_surface_iter(&s).next().is_some() {
            singles[shard_of(&s, shards)].push(c);
        }
    }
    for (k, m) in by_shard.iter().enumerate() {
        let mut m = serde_json::to_value(m)?;
        if let Some(obj) = m.as_object_mut() {
            obj.insert(String::new(), serde_json::Value::String(singles[k].clone()));
        }
        let contents = json_bytes(&m)?;
        stats.lexicon_bytes += contents.len();
        out.push(BundleFile {
            path: format!("lexicon/{k}.json"),
            contents,
        });
    }

    // Connection costs between the context ids in use (and 0, the sentence boundary).
    lefts.insert(0);
    rights.insert(0);
    let dictionary = &dict::segmenter()?.dictionary;
    for e in &dictionary.unknown_dictionary.costs {
        lefts.insert(e.left_id());
        rights.insert(e.right_id());
    }
    let matrix = &dictionary.connection_cost_matrix;
    let right_ids: Vec<u32> = rights.iter().copied().collect();
    let mut rows: Vec<BTreeMap<u32, Vec<i32>>> = vec![BTreeMap::new(); CONNECTION_SHARDS];
    for &l in &lefts {
        let row = right_ids.iter().map(|&r| matrix.cost(r, l)).collect();
        rows[l as usize % CONNECTION_SHARDS].insert(l, row);
    }
    stats.left_ids = lefts.len();
    stats.right_ids = right_ids.len();
    for (k, m) in rows.iter().enumerate() {
        let contents = json_bytes(m)?;
        stats.connection_bytes += contents.len();
        out.push(BundleFile {
            path: format!("connection/{k}.json"),
            contents,
        });
    }

    let english = english_lexicon(texts);
    let approx: usize = english.iter().map(|(w, s)| w.len() + s.len() + 6).sum();
    let eshards = shards_for(approx, ENGLISH_SHARD_BYTES);
    let mut by_shard: Vec<BTreeMap<&str, &str>> = vec![BTreeMap::new(); eshards];
    for (w, s) in &english {
        by_shard[shard_of(w, eshards)].insert(w, s);
    }
    stats.english_words = english.len();
    stats.english_shards = eshards;
    for (k, m) in by_shard.iter().enumerate() {
        let contents = json_bytes(m)?;
        stats.english_bytes += contents.len();
        out.push(BundleFile {
            path: format!("english/{k}.json"),
            contents,
        });
    }

    let analysis = analysis_json(&right_ids)?;
    stats.analysis_bytes = analysis.len();
    out.push(BundleFile {
        path: "analysis.json".into(),
        contents: analysis,
    });
    Ok((out, stats))
}

/// Every lower-cased word form (tantivy's simple tokenizer: runs of alphanumerics) of the
/// corpus with its English-analyzer term (`""` when the analyzer drops it).
fn english_lexicon<'a>(texts: impl Iterator<Item = Text<'a>>) -> BTreeMap<String, String> {
    let mut words: BTreeSet<String> = BTreeSet::new();
    // The glossary's English is query vocabulary even where no page uses it.
    let glossary: Vec<&String> = crate::synonyms::glossary()
        .entries
        .iter()
        .flat_map(|e| e.en.iter())
        .collect();
    let pages = texts
        .filter(|t| t.0)
        .flat_map(|(_, title, body)| [title, body]);
    for text in pages.chain(glossary) {
        for w in text.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().any(|c| c.is_ascii_alphabetic()) {
                words.insert(w.to_lowercase());
            }
        }
    }
    words
        .into_iter()
        .map(|w| {
            let term = analyze_english(&w)
                .into_iter()
                .next()
                .map(|t| t.0)
                .unwrap_or_default();
            (w, term)
        })
        .collect()
}

/// lindera's unknown-word model: character categories (`[first, last, [category…]]` ranges
/// over the BMP) and per category `[name, invoke, group, length, [[left, right, cost]…]]`.
fn unknown_words() -> Result<serde_json::Value> {
    let d = &dict::segmenter()?.dictionary;
    let defs = &d.character_definition;
    let mut ranges: Vec<(u32, u32, Vec<usize>)> = Vec::new();
    for c in (0u32..0x1_0000).filter_map(char::from_u32) {
        let cats: Vec<usize> = defs.lookup_categories(c).iter().map(|id| id.0).collect();
        match ranges.last_mut() {
            Some(last) if last.2 == cats && last.1 + 1 == c as u32 => last.1 = c as u32,
            _ => ranges.push((c as u32, c as u32, cats)),
        }
    }
    let categories: Vec<serde_json::Value> = defs
        .category_definitions
        .iter()
        .enumerate()
        .map(|(id, data)| {
            let entries: Vec<[i32; 3]> = d
                .unknown_dictionary
                .lookup_word_ids(
                    lindera_dictionary::dictionary::character_definition::CategoryId(id),
                )
                .iter()
                .map(|&w| {
                    let e = d.unknown_dictionary.word_entry(w);
                    [
                        e.left_id() as i32,
                        e.right_id() as i32,
                        e.word_cost() as i32,
                    ]
                })
                .collect();
            json!([
                defs.category_names.get(id),
                data.invoke,
                data.group,
                data.length,
                entries
            ])
        })
        .collect();
    Ok(json!({"ranges": ranges, "categories": categories}))
}

/// `analysis.json`.
fn analysis_json(right_ids: &[u32]) -> Result<Vec<u8>> {
    // The text stage, character by character (its contextual rules, which join or drop
    // characters around spaces and nakaguro, are code in engine.js, checked by the conformance
    // test).
    let mut chars: BTreeMap<String, String> = BTreeMap::new();
    // Characters the text stage changes only between Latin letters (look-alikes in acronyms).
    let mut latin: BTreeMap<String, String> = BTreeMap::new();
    for c in (0u32..0x1_0000).filter_map(char::from_u32) {
        let s = c.to_string();
        let n = kb_text::normalize_for_search(&s);
        let inside = kb_text::normalize_for_search(&format!("A{c}A"));
        if let Some(mid) = inside.strip_prefix('A').and_then(|m| m.strip_suffix('A')) {
            if mid != n {
                latin.insert(s.clone(), mid.to_string());
            }
        }
        if n != s {
            chars.insert(s, n);
        }
    }
    let syn = synonyms();
    let g = glossary_index();
    let en_to_ja: BTreeMap<String, &Vec<String>> =
        g.en_to_ja.iter().map(|(k, v)| (k.join(" "), v)).collect();
    let ja_to_en: BTreeMap<&String, _> = g.ja_to_en.iter().collect();
    json_bytes(&json!({
        "chars": chars,
        "chars_between_latin": latin,
        "synonyms": syn.map.iter().collect::<BTreeMap<_, _>>(),
        "glossary_en_to_ja": en_to_ja,
        "glossary_ja_to_en": ja_to_en,
        "max_glossary_tokens": crate::query::MAX_GLOSSARY_TOKENS,
        "right_ids": right_ids,
        "connection_shards": CONNECTION_SHARDS,
        "classes": ["noun", "prefix", "verb", "adjective", "adverb", "drop", "transparent"],
        "unknown": unknown_words()?,
        "text": facts::text(),
        "analyzer": facts::analyzer(),
        "english": facts::english(),
        "limits": facts::limits(),
    }))
}
