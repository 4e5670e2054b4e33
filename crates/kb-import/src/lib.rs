//! `kb import`: seed text to draft content.
//!
//! [`repair_document`] turns the plain-text extraction of a policy PDF into repaired Japanese
//! text split into chapters (pure, for tests); [`import`] writes it as a draft content folder:
//! `_index.md` + `_index.en.md` (city page draft), `chapters/_index.md` (+ `.en.md`) and
//! `chapters/NN-chapter.md` (+ `.en.md`, whose body says the translation is to be written).
//! It never overwrites: an existing non-empty output folder is an error.

mod assemble;
mod blocks;
mod cities;
mod clean;
mod draft;
mod headings;
mod repair;

pub use assemble::{Block, BlockKind, DropReason, DroppedLine, OcrCorrection};
pub use cities::{CityNames, SiteCities};
pub use draft::render_files;
pub use repair::{repair_document, Chapter, RepairedDocument, RepairedLine};

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The city slug (`takasaki`), as in config.toml's `extra.cities`.
    pub city: String,
    /// The seed file.
    pub source: PathBuf,
    /// The output folder; the CLI's default is [`default_out`].
    pub out: PathBuf,
}

impl ImportOptions {
    /// Options with the default output folder `content/cities/<city>`.
    pub fn new(city: impl Into<String>, source: impl Into<PathBuf>) -> Self {
        let city = city.into();
        ImportOptions {
            out: default_out(&city),
            city,
            source: source.into(),
        }
    }
}

/// The default output folder: `content/cities/<city>` under the current directory.
pub fn default_out(city: &str) -> PathBuf {
    Path::new("content").join("cities").join(city)
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub chapters: usize,
    pub files_written: Vec<PathBuf>,
    pub warnings: Vec<String>,
    /// Lines dropped as running page headers.
    pub headers_dropped: usize,
    /// Lines dropped as page numbers or symbol-font debris.
    pub page_numbers_dropped: usize,
    /// OCR corrections recorded in `[[extra.corrections]]`.
    pub corrections: usize,
}

/// Reads a seed: UTF-8 (a byte-order mark is skipped), not empty; clear errors naming the file.
pub fn read_source(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the source file {}", path.display()))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map(|p| p + 1)
                .unwrap_or(0);
            bail!(
                "{}:{line}: the source is not valid UTF-8 (invalid byte 0x{:02X} at line {line}, byte {} of the line); convert it to UTF-8 first",
                path.display(),
                bytes[at],
                at - line_start + 1
            );
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.trim().is_empty() {
        bail!(
            "{}: the source file is empty (nothing to import)",
            path.display()
        );
    }
    Ok(text)
}

fn check_slug(city: &str) -> anyhow::Result<()> {
    let ok = !city.is_empty()
        && city
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !city.starts_with('-');
    if !ok {
        bail!("invalid city slug `{city}`: use lowercase ASCII letters, digits and hyphens (e.g. `takasaki`)");
    }
    Ok(())
}

/// Imports a seed into a draft content folder. Refuses to write into an existing non-empty folder.
/// The site is the current directory (as for [`default_out`]): its `config.toml` lists the known
/// cities; without one, every city is unknown (a warning). [`import_with`] names the site.
pub fn import(opts: &ImportOptions) -> anyhow::Result<ImportReport> {
    import_with(opts, &SiteCities::read(Path::new("."))?)
}

/// [`import`] into the site whose cities are `cities` (see [`SiteCities::read`]): a city it
/// lists is imported with its weight and titles and without a warning.
pub fn import_with(opts: &ImportOptions, cities: &SiteCities) -> anyhow::Result<ImportReport> {
    check_slug(&opts.city)?;
    let out = &opts.out;
    if out.exists() {
        if !out.is_dir() {
            bail!(
                "the output path {} exists and is not a folder; refusing to overwrite it",
                out.display()
            );
        }
        let non_empty = std::fs::read_dir(out)
            .with_context(|| format!("cannot read the output folder {}", out.display()))?
            .next()
            .is_some();
        if non_empty {
            bail!(
                "the output folder {} already exists and is not empty; refusing to overwrite it (move it away or choose another --out)",
                out.display()
            );
        }
    }
    let raw = read_source(&opts.source)?;
    let doc = repair_document(&raw);
    let source_name = opts
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| opts.source.display().to_string());
    let files = render_files(&cities.names(&opts.city), &source_name, &doc);

    let mut report = ImportReport {
        chapters: doc.chapters.len(),
        ..Default::default()
    };
    report
        .warnings
        .extend(cities.unknown_city_warning(&opts.city));
    if doc.chapters.len() == 1 && doc.chapters[0].number.is_none() {
        report
            .warnings
            .push("no chapter headings found: the whole text is one chapter".to_string());
    }
    let numbers: Vec<u32> = doc
        .chapters
        .iter()
        .filter_map(|c| c.number)
        .filter(|&n| n != 0 && n != 1000)
        .collect();
    for w in numbers.windows(2) {
        if w[1] != w[0] + 1 {
            report.warnings.push(format!(
                "chapter numbers jump from {} to {}: check the outline",
                w[0], w[1]
            ));
        }
    }
    report.headers_dropped = doc
        .dropped
        .iter()
        .filter(|d| d.reason == DropReason::RunningHeader)
        .count();
    report.page_numbers_dropped = doc.dropped.len() - report.headers_dropped;
    if !doc.dropped.is_empty() {
        report.warnings.push(format!(
            "dropped {} running-header line(s) and {} page-number/debris line(s); check the lines: {}",
            report.headers_dropped,
            report.page_numbers_dropped,
            doc.dropped
                .iter()
                .map(|d| d.source_line.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let corrections: Vec<&OcrCorrection> = doc
        .preamble_corrections
        .iter()
        .chain(doc.chapters.iter().flat_map(|c| &c.corrections))
        .collect();
    report.corrections = corrections.len();
    for c in corrections {
        report.warnings.push(format!(
            "line {}: OCR correction `{}` → `{}` recorded in [[extra.corrections]]",
            c.line, c.source, c.corrected
        ));
    }

    std::fs::create_dir_all(out.join("chapters"))
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    for (rel, content) in files {
        let path = out.join(&rel);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        use std::io::Write;
        f.write_all(content.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        report.files_written.push(path);
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
