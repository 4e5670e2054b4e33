//! Reading the real site that `kb synth` recombines: its files, and each real city's pages in
//! both languages.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A page in both languages.
pub(crate) struct Pair {
    pub(crate) ja: String,
    pub(crate) en: String,
}

/// One real city, read into memory.
pub(crate) struct RealCity {
    pub(crate) slug: String,
    pub(crate) index: Pair,
    pub(crate) chapters_index: Pair,
    pub(crate) measures_index: Pair,
    /// chapter stem → files
    pub(crate) chapters: BTreeMap<String, Pair>,
    /// measure id → files
    pub(crate) measures: BTreeMap<String, Pair>,
}

pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Files below `dir`, sorted, as (path relative to the new root, source path).
pub(crate) fn collect(dir: &Path, rel: &Path, out: &mut Vec<(PathBuf, PathBuf)>) -> Result<()> {
    for (name, path, is_dir) in sorted_dir(dir)? {
        if is_dir {
            collect(&path, &rel.join(&name), out)?;
        } else {
            out.push((rel.join(&name), path));
        }
    }
    Ok(())
}

/// content/ without the real cities' folders.
pub(crate) fn collect_content(
    dir: &Path,
    rel: &Path,
    real: &[String],
    out: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<()> {
    for (name, path, is_dir) in sorted_dir(dir)? {
        if is_dir && rel == Path::new("content/cities") && real.contains(&name) {
            continue;
        }
        if is_dir {
            collect_content(&path, &rel.join(&name), real, out)?;
        } else {
            out.push((rel.join(&name), path));
        }
    }
    Ok(())
}

pub(crate) fn sorted_dir(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let e = e?;
        v.push((
            e.file_name().to_string_lossy().to_string(),
            e.path(),
            e.file_type()?.is_dir(),
        ));
    }
    v.sort();
    Ok(v)
}

fn load_pair(dir: &Path, stem: &str) -> Result<Pair> {
    Ok(Pair {
        ja: read(&dir.join(format!("{stem}.md")))?,
        en: read(&dir.join(format!("{stem}.en.md")))?,
    })
}

/// Pages of a folder (chapters/ or measures/) by stem, without `_index`.
fn load_pages(dir: &Path) -> Result<BTreeMap<String, Pair>> {
    let mut out = BTreeMap::new();
    for (name, _, is_dir) in sorted_dir(dir)? {
        if is_dir || name.ends_with(".en.md") || !name.ends_with(".md") || name == "_index.md" {
            continue;
        }
        let stem = name.trim_end_matches(".md");
        out.insert(stem.to_string(), load_pair(dir, stem)?);
    }
    Ok(out)
}

pub(crate) fn load_city(dir: &Path, slug: &str) -> Result<RealCity> {
    Ok(RealCity {
        slug: slug.to_string(),
        index: load_pair(dir, "_index")?,
        chapters_index: load_pair(&dir.join("chapters"), "_index")?,
        measures_index: load_pair(&dir.join("measures"), "_index")?,
        chapters: load_pages(&dir.join("chapters"))?,
        measures: load_pages(&dir.join("measures"))?,
    })
}
