//! Index schema and [`write_index`].

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::{Index, TantivyDocument};

use crate::analyzer::{self, EN_TOKENIZER, JA_TOKENIZER};
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
    })
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

fn to_tantivy(doc: &Document, f: &Fields) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.url, &doc.url);
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
    d.add_text(f.title_ja, &doc.title);
    d.add_text(f.body_ja, &doc.body);
    if doc.lang == "en" {
        d.add_text(f.title_en, &doc.title);
        d.add_text(f.body_en, &doc.body);
    }
    d
}

fn build(docs: &[Document], dir: &Path) -> Result<()> {
    let index = Index::create_in_dir(dir, schema()).context("creating the index")?;
    register_tokenizers(&index);
    let f = fields(&index.schema())?;
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(1, 64_000_000)
        .context("opening the index writer")?;
    for doc in docs {
        writer
            .add_document(to_tantivy(doc, &f))
            .with_context(|| format!("indexing {}", doc.url))?;
    }
    writer.commit().context("committing the index")?;
    writer
        .wait_merging_threads()
        .context("finishing index merges")?;
    Ok(())
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

fn unique_sibling(parent: &Path, name: &str, tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    parent.join(format!(".{name}.{tag}-{}-{nanos}", std::process::id()))
}

/// Builds the index for `docs` in a temporary sibling of `index_dir`, then replaces
/// `index_dir` with it. On any error before the swap, the previous index is untouched.
pub fn write_index(docs: &[Document], index_dir: &Path) -> Result<IndexStats> {
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
    build(docs, tmp.path())?;
    let bytes = dir_size(tmp.path());
    let new_dir = tmp.keep();

    if index_dir.exists() {
        if !index_dir.join("meta.json").is_file() && std::fs::read_dir(index_dir)?.next().is_some()
        {
            let _ = std::fs::remove_dir_all(&new_dir);
            bail!(
                "{} exists and is not a search index: refusing to replace it",
                index_dir.display()
            );
        }
        let old = unique_sibling(&parent, &name, "old");
        if let Err(e) = std::fs::rename(index_dir, &old) {
            let _ = std::fs::remove_dir_all(&new_dir);
            return Err(e).with_context(|| format!("moving aside {}", index_dir.display()));
        }
        if let Err(e) = std::fs::rename(&new_dir, index_dir) {
            let _ = std::fs::rename(&old, index_dir);
            let _ = std::fs::remove_dir_all(&new_dir);
            return Err(e).with_context(|| format!("installing {}", index_dir.display()));
        }
        let _ = std::fs::remove_dir_all(&old);
    } else if let Err(e) = std::fs::rename(&new_dir, index_dir) {
        let _ = std::fs::remove_dir_all(&new_dir);
        return Err(e).with_context(|| format!("installing {}", index_dir.display()));
    }
    Ok(IndexStats {
        documents: docs.len(),
        bytes,
    })
}
