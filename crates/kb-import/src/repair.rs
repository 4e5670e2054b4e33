//! Repairing a seed text into chapters: pure, no I/O (the steps are in `clean` and `assemble`;
//! this module puts the chapters together with their line ranges and OCR corrections).

use crate::assemble::{analyse, Analysis};
use crate::blocks::{blocks, to_markdown};
use crate::clean::{self, Kind, Shape};
use crate::{Block, BlockKind, DroppedLine, OcrCorrection};

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
pub(crate) fn japanese_date(s: &str) -> Option<(i32, u32)> {
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
