//! Index schema and [`write_index`].

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use std::borrow::Borrow;
use std::sync::atomic::{AtomicUsize, Ordering};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

use rayon::prelude::*;
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, TantivyDocument};

use crate::align::{names_of, quantise, AlignMeasure};
use crate::analyzer::{self, ATok, EN_TOKENIZER, JA_TOKENIZER};
use crate::similar::{most_similar_from, term_vectors, Candidate, TermCounts, TermNames};
use crate::{Document, IndexStats};

/// The index's fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub url: Field,
    pub lang: Field,
    pub kind: Field,
    pub city: Field,
    pub chapter_path: Field,
    pub themes: Field,
    pub status: Field,
    pub title: Field,
    pub body: Field,
    pub title_ja: Field,
    pub body_ja: Field,
    pub title_en: Field,
    pub body_en: Field,
    /// [`crate::pairs::pair_hash`] of the URL: a page and its translation are one result.
    pub pair: Field,
}

fn analyzed(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

pub(crate) fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("url", STRING | STORED);
    b.add_text_field("lang", STRING | STORED | FAST);
    b.add_text_field("kind", STRING | STORED | FAST);
    b.add_text_field("city", STRING | STORED | FAST);
    b.add_text_field("chapter_path", STORED);
    b.add_text_field("themes", STRING | STORED | FAST);
    b.add_text_field("status", STRING | STORED | FAST);
    b.add_text_field("title", STORED);
    b.add_text_field("body", STORED);
    b.add_text_field("title_ja", analyzed(JA_TOKENIZER));
    b.add_text_field("body_ja", analyzed(JA_TOKENIZER));
    b.add_text_field("title_en", analyzed(EN_TOKENIZER));
    b.add_text_field("body_en", analyzed(EN_TOKENIZER));
    b.add_u64_field("pair", FAST);
    b.build()
}

pub(crate) fn fields(schema: &Schema) -> Result<Fields> {
    let f = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| anyhow!("index has no field {name:?}: rebuild it with this version"))
    };
    Ok(Fields {
        url: f("url")?,
        lang: f("lang")?,
        kind: f("kind")?,
        city: f("city")?,
        chapter_path: f("chapter_path")?,
        themes: f("themes")?,
        status: f("status")?,
        title: f("title")?,
        body: f("body")?,
        title_ja: f("title_ja")?,
        body_ja: f("body_ja")?,
        title_en: f("title_en")?,
        body_en: f("body_en")?,
        pair: f("pair")?,
    })
}

/// Opens the index in `index_dir` with its analyzers registered (and the dictionary loaded).
pub(crate) fn open_index(index_dir: &Path) -> Result<(Index, Fields)> {
    analyzer::ensure_dictionary()?;
    let index = Index::open_in_dir(index_dir)
        .with_context(|| format!("opening the search index in {}", index_dir.display()))?;
    register_tokenizers(&index);
    let fields = fields(&index.schema())?;
    Ok((index, fields))
}

/// Registers the analyzers on an index (needed after every create/open).
pub(crate) fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(JA_TOKENIZER, analyzer::japanese_analyzer());
    index
        .tokenizers()
        .register(EN_TOKENIZER, analyzer::english_analyzer());
}

/// Analyzes one document (the Japanese analyzer runs here, on the caller's thread pool, not in
/// tantivy's writer) and returns it with the analyzed title and body.
fn to_tantivy(doc: &Document, f: &Fields) -> (TantivyDocument, Vec<ATok>, Vec<ATok>) {
    let mut d = TantivyDocument::default();
    d.add_text(f.url, &doc.url);
    d.add_u64(f.pair, crate::pairs::pair_hash(&doc.url));
    d.add_text(f.lang, &doc.lang);
    d.add_text(f.kind, &doc.kind);
    if let Some(city) = &doc.city {
        d.add_text(f.city, city);
    }
    for p in &doc.chapter_path {
        d.add_text(f.chapter_path, p);
    }
    for t in &doc.themes {
        d.add_text(f.themes, t);
    }
    if let Some(status) = &doc.status {
        d.add_text(f.status, status);
    }
    d.add_text(f.title, &doc.title);
    d.add_text(f.body, &doc.body);
    // The Japanese analyzer runs over every page (Japanese terms inside English pages work);
    // English pages are also analyzed in English.
    // English pages: only their Japanese passages go through the Japanese analyzer (their
    // English words are in the English fields), which saves a third of the analysis.
    let analyze = if doc.lang == "en" {
        analyzer::analyze_japanese_runs
    } else {
        analyzer::analyze
    };
    let title = analyze(&doc.title);
    let body = analyze(&doc.body);
    d.add_pre_tokenized_text(f.title_ja, pre_tokenized(&doc.title, &title));
    d.add_pre_tokenized_text(f.body_ja, pre_tokenized(&doc.body, &body));
    if doc.lang == "en" {
        d.add_text(f.title_en, &doc.title);
        d.add_text(f.body_en, &doc.body);
    }
    (d, title, body)
}

fn pre_tokenized(text: &str, tokens: &[ATok]) -> PreTokenizedString {
    PreTokenizedString {
        // Not stored (the stored copy is the `title`/`body` field): the text is not needed.
        text: String::new(),
        tokens: tokens
            .iter()
            .map(|t| Token {
                offset_from: t.from.min(text.len()),
                offset_to: t.to.max(t.from).min(text.len()),
                position: t.pos,
                text: t.text.clone(),
                position_length: 1,
            })
            .collect(),
    }
}

/// What similar-measure computation [`write_index_with`] should do alongside indexing.
#[derive(Debug, Clone, Copy)]
pub struct SimilarOptions {
    pub per_city: usize,
    pub max_total: usize,
}

/// Extra work and reporting for [`write_index_with`].
#[derive(Default)]
pub struct IndexOptions<'a> {
    /// Compare the Japanese measures (`kind == "measure"`, `lang == "ja"`) with each other.
    pub similar: Option<SimilarOptions>,
    /// Incremented once per document indexed (for a progress display).
    pub progress: Option<&'a AtomicUsize>,
    /// Filled with what the peer alignment needs of each Japanese measure (with `similar`).
    pub align: Option<&'a std::sync::Mutex<AlignByDoc>>,
}

/// Per Japanese measure (document index), its themes and named, quantised term weights.
pub type AlignByDoc = Vec<(usize, AlignMeasure)>;

/// Per Japanese measure (document index), its similar measures (document index, score).
pub type SimilarByDoc = Vec<(usize, Vec<(usize, f32)>)>;

fn is_similar_candidate(doc: &Document) -> bool {
    doc.kind == "measure" && doc.lang == "ja"
}

/// What the indexing pass keeps of a Japanese measure for the similar-measure step.
struct Kept {
    doc: usize,
    city: String,
    themes: Vec<String>,
    terms: TermCounts,
}

fn build<D, I>(docs: I, dir: &Path, opts: &IndexOptions<'_>) -> Result<SimilarByDoc>
where
    D: Borrow<Document> + Send,
    I: IndexedParallelIterator<Item = D>,
{
    let index = Index::create_in_dir(dir, schema()).context("creating the index")?;
    register_tokenizers(&index);
    let f = fields(&index.schema())?;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 64_000_000 * threads)
        .context("opening the index writer")?;
    // Analysis runs on rayon's threads, which hand finished documents to tantivy's writer
    // threads; each document is dropped once indexed. Only the Japanese measures' terms are
    // kept, for the similar-measure step.
    let want_similar = opts.similar.is_some();
    let names: Option<TermNames> = opts.align.map(|_| TermNames::default());
    let started = std::time::Instant::now();
    let kept: Vec<Option<Kept>> = docs
        .enumerate()
        .map(|(i, doc)| -> Result<Option<Kept>> {
            let doc = doc.borrow();
            let (d, title, body) = to_tantivy(doc, &f);
            writer
                .add_document(d)
                .with_context(|| format!("indexing {}", doc.url))?;
            if let Some(p) = opts.progress {
                p.fetch_add(1, Ordering::Relaxed);
            }
            Ok((want_similar && is_similar_candidate(doc)).then(|| Kept {
                doc: i,
                city: doc.city.clone().unwrap_or_default(),
                themes: doc.themes.clone(),
                terms: TermCounts::from_tokens_named(&title, &body, names.as_ref()),
            }))
        })
        .collect::<Result<_>>()?;
    let t = std::time::Instant::now();
    let mut writer = writer;
    writer.commit().context("committing the index")?;
    let t_commit = t.elapsed();
    writer
        .wait_merging_threads()
        .context("finishing index merges")?;
    if std::env::var_os("KB_TIMINGS").is_some() {
        eprintln!(
            "    analyze + add: {} ms, commit {} ms, merges {} ms",
            (t - started).as_millis(),
            t_commit.as_millis(),
            (t.elapsed() - t_commit).as_millis()
        );
    }
    let Some(sim) = opts.similar else {
        return Ok(Vec::new());
    };
    let kept: Vec<Kept> = kept.into_iter().flatten().collect();
    let candidates: Vec<Candidate<'_>> = kept
        .iter()
        .map(|k| Candidate {
            city: &k.city,
            themes: &k.themes,
            terms: &k.terms,
        })
        .collect();
    let t = std::time::Instant::now();
    let vectors = term_vectors(&candidates);
    let found = most_similar_from(&candidates, &vectors, sim.per_city, sim.max_total);
    if let (Some(out), Some(names)) = (opts.align, names) {
        let names = names_of(names);
        let measures: AlignByDoc = kept
            .iter()
            .zip(&vectors)
            .map(|(k, v)| {
                (
                    k.doc,
                    AlignMeasure {
                        themes: k.themes.clone(),
                        terms: quantise(v, &names),
                    },
                )
            })
            .collect();
        *out.lock().unwrap_or_else(|e| e.into_inner()) = measures;
    }
    if std::env::var_os("KB_TIMINGS").is_some() {
        eprintln!("    similar: {} ms", t.elapsed().as_millis());
    }
    Ok(found
        .into_iter()
        .enumerate()
        .map(|(k, list)| {
            (
                kept[k].doc,
                list.into_iter().map(|(o, s)| (kept[o].doc, s)).collect(),
            )
        })
        .collect())
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => total += dir_size(&e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

/// Builds the index for `docs` in a temporary sibling of `index_dir`, then replaces
/// `index_dir` with it. On any error before the swap, the previous index is untouched.
pub fn write_index(docs: &[Document], index_dir: &Path) -> Result<IndexStats> {
    let docs: Vec<&Document> = docs.iter().collect();
    write_index_with(docs, index_dir, &IndexOptions::default()).map(|(stats, _)| stats)
}

/// [`write_index`], with similar measures computed from the same analysis and progress counted.
pub fn write_index_with<D: Borrow<Document> + Send>(
    docs: Vec<D>,
    index_dir: &Path,
    opts: &IndexOptions<'_>,
) -> Result<(IndexStats, SimilarByDoc)> {
    let n = docs.len();
    write_index_parallel(docs.into_par_iter(), n, index_dir, opts)
}

/// [`write_index_with`] over documents made on demand: `make(i)` for `i` in `0..n`, called on
/// the indexing threads, so that the documents never all exist at once.
pub fn write_index_from(
    n: usize,
    make: &(dyn Fn(usize) -> Document + Sync),
    index_dir: &Path,
    opts: &IndexOptions<'_>,
) -> Result<(IndexStats, SimilarByDoc)> {
    write_index_parallel((0..n).into_par_iter().map(make), n, index_dir, opts)
}

fn write_index_parallel<D, I>(
    docs: I,
    documents: usize,
    index_dir: &Path,
    opts: &IndexOptions<'_>,
) -> Result<(IndexStats, SimilarByDoc)>
where
    D: Borrow<Document> + Send,
    I: IndexedParallelIterator<Item = D>,
{
    analyzer::ensure_dictionary()?;
    let name = index_dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow!("index directory {} has no name", index_dir.display()))?
        .to_string();
    let parent = match index_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)
        .with_context(|| format!("creating a temporary directory in {}", parent.display()))?;
    let similar = build(docs, tmp.path(), opts)?;
    let bytes = dir_size(tmp.path());
    let new_dir = tmp.keep();

    if index_dir.exists()
        && !index_dir.join("meta.json").is_file()
        && std::fs::read_dir(index_dir)?.next().is_some()
    {
        let _ = std::fs::remove_dir_all(&new_dir);
        bail!(
            "{} exists and is not a search index: refusing to replace it",
            index_dir.display()
        );
    }
    // The one directory swap of the workspace (kb_fs); the previous index is removed
    // here, before returning, so that a caller finds only the new one.
    match kb_fs::swap_in(&new_dir, index_dir) {
        Ok(Some(old)) => {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(None) => {}
        Err(e) => {
            let _ = std::fs::remove_dir_all(&new_dir);
            return Err(e.context(format!("installing {}", index_dir.display())));
        }
    }
    Ok((IndexStats { documents, bytes }, similar))
}

/// Replaces single documents of an existing index in place, for `kb serve`'s incremental
/// updates: one small segment per commit, merged by tantivy in the background.
pub struct IndexUpdater {
    writer: tantivy::IndexWriter<TantivyDocument>,
    fields: Fields,
}

impl IndexUpdater {
    /// Opens a writer on the index in `index_dir` (one at a time per index: tantivy locks it).
    pub fn open(index_dir: &Path) -> Result<IndexUpdater> {
        let (index, fields) = open_index(index_dir)?;
        let writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 32_000_000)
            .context("opening the index writer")?;
        Ok(IndexUpdater { writer, fields })
    }

    /// Replaces the document with `doc.url` (or adds it).
    pub fn replace(&mut self, doc: &Document) -> Result<()> {
        self.writer
            .delete_term(tantivy::Term::from_field_text(self.fields.url, &doc.url));
        let (d, _, _) = to_tantivy(doc, &self.fields);
        self.writer
            .add_document(d)
            .with_context(|| format!("indexing {}", doc.url))?;
        Ok(())
    }

    /// Makes the replacements durable and visible to readers that reload.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit().context("committing the index")?;
        Ok(())
    }
}
