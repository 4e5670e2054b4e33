//! `kb import`: seed text to draft content.
//!
//! [`repair_document`] turns the plain-text extraction of a policy PDF into repaired Japanese
//! text split into chapters (pure, for tests); [`import`] writes it as a draft content folder:
//! `_index.md` + `_index.en.md` (city page draft), `chapters/_index.md` (+ `.en.md`) and
//! `chapters/NN-chapter.md` (+ `.en.md`, whose body says the translation is to be written).
//! It never overwrites: an existing non-empty output folder is an error.

mod assemble;
mod cities;
mod clean;

pub use assemble::{Block, BlockKind, DropReason, DroppedLine, OcrCorrection};
pub use cities::{CityNames, SiteCities};

use anyhow::{bail, Context};
use assemble::{analyse, blocks, to_markdown, Analysis};
use clean::{Kind, Shape};
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

/// A repaired seed: its blocks of text and its chapters.
#[derive(Debug, Clone, Default)]
pub struct RepairedDocument {
    /// Every repaired block (heading, paragraph with its wrapped lines joined, list item, table),
    /// in order, including the cover and table of contents; chapter titles included.
    pub lines: Vec<RepairedLine>,
    pub chapters: Vec<Chapter>,
    /// Cover and table of contents (before the first chapter), as Markdown, with its line range.
    pub preamble: Option<(String, usize, usize)>,
    /// Lines removed: running headers, page numbers, debris.
    pub dropped: Vec<DroppedLine>,
    /// OCR misreadings corrected in the cover / table of contents (chapter ones are in the chapters).
    pub preamble_corrections: Vec<OcrCorrection>,
    /// The document title, if the cover gives one as a `# ` heading.
    pub title: Option<String>,
    /// The issue date as the cover writes it (`令和8年3月`), with the Gregorian year and month.
    pub issued: Option<(String, i32, u32)>,
}

/// One repaired block of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairedLine {
    /// Markdown (a paragraph is one line; a table several).
    pub text: String,
    /// 1-based first line in the seed.
    pub source_line: usize,
    /// 1-based last line in the seed.
    pub last_line: usize,
    pub kind: BlockKind,
}

/// One chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// `第1章 はじめに`, normalised (half-width digits, single spaces).
    pub title: String,
    /// First line in the seed (its heading, or line 1 for a file that starts mid-chapter).
    pub first_line: usize,
    /// Last non-blank line in the seed before the next chapter.
    pub last_line: usize,
    /// The repaired chapter text, Markdown, without the title.
    pub text: String,
    /// The chapter number the heading states (はじめに → 0, おわりに → 1000), if any.
    pub number: Option<u32>,
    /// File stem: `01-chapter`, `01-introduction`.
    pub slug: String,
    /// An English title for the translation's draft (`Chapter 1`).
    pub title_en: String,
    /// OCR corrections inside this chapter.
    pub corrections: Vec<OcrCorrection>,
}

fn ocr_correction(line: usize, source: &str, corrected: &str) -> OcrCorrection {
    let times = source.contains('×');
    let (note_ja, note_en) = if times {
        (
            "OCRの誤読（英字Xが乗算記号×に）",
            "OCR misread: the letter X became the multiplication sign ×",
        )
    } else {
        (
            "OCRの誤読（英字がキリル文字・ギリシャ文字の似た字に）",
            "OCR misread: a Latin letter extracted as a Cyrillic or Greek look-alike",
        )
    };
    OcrCorrection {
        line,
        source: source.to_string(),
        corrected: corrected.to_string(),
        note_ja: note_ja.to_string(),
        note_en: note_en.to_string(),
    }
}

fn corrections_in(a: &Analysis, range: std::ops::Range<usize>) -> Vec<OcrCorrection> {
    a.lines[range]
        .iter()
        .filter(|l| !matches!(l.kind, Kind::Blank))
        .filter_map(|l| {
            let (src, fixed) = l.ocr_fix.as_ref()?;
            // In a table row, record the cell that changed.
            if src.contains('\t') {
                let pair = src
                    .split('\t')
                    .zip(fixed.split('\t'))
                    .find(|(s, f)| s != f)
                    .map(|(s, f)| (s.trim().to_string(), f.trim().to_string()))?;
                return Some(ocr_correction(l.line, &pair.0, &pair.1));
            }
            Some(ocr_correction(l.line, src, fixed))
        })
        .collect()
}

fn last_nonblank_line(a: &Analysis, range: std::ops::Range<usize>, floor: usize) -> usize {
    a.lines[range]
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .map(|l| l.line)
        .unwrap_or(floor)
        .max(floor)
}

fn english_title(shape: Shape, number: Option<u32>, index: usize) -> String {
    match (shape, number) {
        (Shape::Bookend, Some(0)) => "Introduction".to_string(),
        (Shape::Bookend, Some(_)) => "Conclusion".to_string(),
        (Shape::Chapter, Some(n)) => format!("Chapter {n}"),
        (Shape::Roman, Some(n)) => {
            let r = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];
            match r.get(n as usize - 1) {
                Some(r) if n > 0 => format!("Part {r}"),
                _ => format!("Part {n}"),
            }
        }
        _ => format!("Chapter {index}"),
    }
}

/// Converts `令和8年3月` / `平成20年3月` to (year, month).
fn japanese_date(s: &str) -> Option<(i32, u32)> {
    let (base, rest) = if let Some(r) = s.strip_prefix("令和") {
        (2018, r)
    } else if let Some(r) = s.strip_prefix("平成") {
        (1988, r)
    } else {
        return None;
    };
    let (y, rest) = rest.split_once('年')?;
    let (m, tail) = rest.split_once('月')?;
    if !tail.trim().is_empty() {
        return None;
    }
    let y: i32 = if y.trim() == "元" {
        1
    } else {
        y.trim().parse().ok()?
    };
    let m: u32 = m.trim().parse().ok()?;
    ((1..=12).contains(&m) && y > 0).then_some((base + y, m))
}

/// Repairs a seed text: pure, no I/O.
pub fn repair_document(raw: &str) -> RepairedDocument {
    let a = analyse(raw);
    let n = a.lines.len();
    let mut doc = RepairedDocument {
        dropped: a.dropped.clone(),
        ..Default::default()
    };

    // Cover and table of contents.
    if a.preamble_end > 0 {
        let bs = blocks(&a, 0..a.preamble_end);
        if !bs.is_empty() {
            let first = bs.first().map(|b| b.first_line).unwrap_or(1);
            let last = last_nonblank_line(&a, 0..a.preamble_end, first);
            doc.preamble = Some((to_markdown(&bs), first, last));
        }
        push_lines(&mut doc.lines, &bs);
        doc.preamble_corrections = corrections_in(&a, 0..a.preamble_end);
        for l in &a.lines[..a.preamble_end] {
            if let Kind::Heading(h) = &l.kind {
                if h.shape == Shape::MdTop && doc.title.is_none() && !h.text.contains("目次") {
                    doc.title = Some(h.text.clone());
                }
            }
            if doc.issued.is_none() {
                if let Some((y, m)) = japanese_date(&l.text) {
                    doc.issued = Some((l.text.clone(), y, m));
                }
            }
        }
    }

    if a.chapters.is_empty() {
        // No outline found: the whole text is one chapter.
        let bs = blocks(&a, a.preamble_end..n);
        push_lines(&mut doc.lines, &bs);
        let first = a
            .lines
            .iter()
            .find(|l| !l.raw.trim().is_empty())
            .map(|l| l.line)
            .unwrap_or(1);
        doc.chapters.push(Chapter {
            title: "本文".to_string(),
            first_line: first,
            last_line: last_nonblank_line(&a, 0..n, first),
            text: to_markdown(&bs),
            number: None,
            slug: "01-chapter".to_string(),
            title_en: "Main text".to_string(),
            corrections: corrections_in(&a, 0..n),
        });
        return doc;
    }

    for (ci, c) in a.chapters.iter().enumerate() {
        let end = a.chapters.get(ci + 1).map(|c| c.idx).unwrap_or(n);
        // Prose before the first heading of a file that starts mid-document belongs to chapter 1.
        let start = if ci == 0 { a.preamble_end } else { c.idx };
        let before: Vec<_> = if start < c.idx {
            blocks(&a, start..c.idx)
        } else {
            Vec::new()
        };
        let after = blocks(&a, c.idx + 1..end);
        let title = chapter_title(&c.heading.text);
        doc.lines.push(RepairedLine {
            text: title.clone(),
            source_line: a.lines[c.idx].line,
            last_line: a.lines[c.idx].line,
            kind: BlockKind::ChapterHeading,
        });
        let mut body = before;
        body.extend(after);
        push_lines(&mut doc.lines, &body);
        let first_line = if start < c.idx {
            a.lines[start..c.idx]
                .iter()
                .find(|l| !l.raw.trim().is_empty())
                .map(|l| l.line)
                .unwrap_or(a.lines[c.idx].line)
        } else {
            a.lines[c.idx].line
        };
        let index = ci + 1;
        let name = match (c.heading.shape, c.heading.number) {
            (Shape::Bookend, Some(0)) => "introduction",
            (Shape::Bookend, Some(_)) => "conclusion",
            _ => "chapter",
        };
        doc.chapters.push(Chapter {
            title,
            first_line,
            last_line: last_nonblank_line(&a, start..end, first_line),
            text: to_markdown(&body),
            number: c.heading.number,
            slug: format!("{index:02}-{name}"),
            title_en: english_title(c.heading.shape, c.heading.number, index),
            corrections: corrections_in(&a, start..end),
        });
    }
    doc
}

fn push_lines(lines: &mut Vec<RepairedLine>, bs: &[Block]) {
    lines.extend(bs.iter().map(|b| RepairedLine {
        text: b.markdown.clone(),
        source_line: b.first_line,
        last_line: b.last_line,
        kind: b.kind,
    }));
}

/// A chapter title for the front matter: without Markdown hashes or decorative squares, and
/// with a Roman chapter number in Arabic (`Ⅱ章`, which NFKC makes `II章`, becomes `2章`, as the
/// same document writes it elsewhere).
fn chapter_title(text: &str) -> String {
    let t = text.trim_start_matches('#').trim();
    let t = t.strip_prefix(['■', '□', '◆']).map(str::trim).unwrap_or(t);
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((num, rest)) = t.split_once('章') {
        let (prefix, roman) = match num.strip_prefix('第') {
            Some(r) => ("第", r),
            None => ("", num),
        };
        if let Some(n) = clean::roman_value(roman) {
            return format!("{prefix}{n}章{rest}");
        }
    }
    t
}

/// A TOML basic string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn corrections_toml(cs: &[OcrCorrection], key: &str) -> String {
    let mut out = String::new();
    for c in cs {
        out.push_str(&format!(
            "\n[[{key}]]\nline = {}\nsource = {}\ncorrected = {}\nnote = {{ ja = {}, en = {} }}\n",
            c.line,
            q(&c.source),
            q(&c.corrected),
            q(&c.note_ja),
            q(&c.note_en)
        ));
    }
    out
}

/// The files of a draft content folder, as (relative path, content).
pub fn render_files(
    city: &CityNames,
    source_name: &str,
    doc: &RepairedDocument,
) -> Vec<(PathBuf, String)> {
    let (ja_name, en_name) = (&city.ja, &city.en);
    let weight_line = city
        .weight
        .map(|w| format!("weight = {w}\n"))
        .unwrap_or_default();
    let mut files = Vec::new();

    // City page (Japanese).
    let mut ja = format!("+++\ntitle = {}\n{weight_line}[extra]\n", q(ja_name));
    ja.push_str(&format!(
        "# DRAFT written by `kb import` from {source_name}: complete the city data (see content/README.md).\n"
    ));
    if let Some(t) = &doc.title {
        ja.push_str(&format!("official_title = {}\n", q(t)));
    }
    if let Some((s, y, m)) = &doc.issued {
        ja.push_str(&format!(
            "issued = {}\nissued_year = {y}\nissued_month = {m}\n",
            q(s)
        ));
    }
    ja.push_str(&format!("source = {}\n", q(source_name)));
    ja.push_str(&corrections_toml(
        &doc.preamble_corrections,
        "extra.corrections",
    ));
    ja.push_str("+++\n");
    ja.push_str(&format!(
        "（下書き）{ja_name}の方針の紹介文をここに書きます。本文は章の一覧にあります。\n"
    ));
    if let Some((md, first, last)) = &doc.preamble {
        ja.push_str(&format!(
            "\n## 表紙・目次（原文 {first}〜{last}行、編集用）\n\n{md}"
        ));
    }
    files.push((PathBuf::from("_index.md"), ja));

    // City page (English).
    let mut en = format!("+++\ntitle = {}\n{weight_line}[extra]\n", q(en_name));
    en.push_str(&format!("source = {}\n+++\n", q(source_name)));
    en.push_str(&format!(
        "*Draft:* the introduction to {en_name}'s policy document is to be written, from the Japanese page. The text is in the chapter list.\n"
    ));
    files.push((PathBuf::from("_index.en.md"), en));

    // Chapter list.
    files.push((
        PathBuf::from("chapters/_index.md"),
        format!(
            "+++\ntitle = \"章\"\nsort_by = \"weight\"\n+++\n{ja_name}の方針の本文（章ごと）。\n"
        ),
    ));
    files.push((
        PathBuf::from("chapters/_index.en.md"),
        format!(
            "+++\ntitle = \"Chapters\"\nsort_by = \"weight\"\n+++\nThe text of {en_name}'s policy document, chapter by chapter.\n"
        ),
    ));

    for (i, c) in doc.chapters.iter().enumerate() {
        let weight = i + 1;
        let mut ja = format!(
            "+++\ntitle = {}\nweight = {weight}\n[extra]\nsource_lines = [{}, {}]\n",
            q(&c.title),
            c.first_line,
            c.last_line
        );
        ja.push_str(&corrections_toml(&c.corrections, "extra.corrections"));
        ja.push_str("+++\n");
        ja.push_str(&c.text);
        files.push((PathBuf::from(format!("chapters/{}.md", c.slug)), ja));

        let en = format!(
            "+++\ntitle = {}\nweight = {weight}\n[extra]\nsource_lines = [{}, {}]\n+++\n*The English translation of this chapter is to be written.* Japanese original: {} (source lines {}–{}).\n",
            q(&c.title_en),
            c.first_line,
            c.last_line,
            c.title.replace(['*', '_', '[', ']'], ""),
            c.first_line,
            c.last_line
        );
        files.push((PathBuf::from(format!("chapters/{}.en.md", c.slug)), en));
    }
    files
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
