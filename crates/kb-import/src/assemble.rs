//! Whole-document analysis: the outline (chapters, running headers) and each line cleaned and
//! classified; `blocks` turns a chapter's lines into Markdown.

use crate::clean::{clean_line, CleanLine, Heading, Kind, Shape};
use std::collections::{BTreeSet, HashMap};

/// Why a line was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// A running page header (a repeated chapter title or slide header).
    RunningHeader,
    /// A page number.
    PageNumber,
    /// Debris of an icon or symbol font (`￥` alone).
    Debris,
}

/// A source line the repair removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedLine {
    pub source_line: usize,
    pub text: String,
    pub reason: DropReason,
}

/// The kind of a repaired block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A chapter title (front matter, not body).
    ChapterHeading,
    Heading,
    Paragraph,
    Item,
    Table,
}

/// One block of repaired text: a heading, a paragraph (wrapped lines joined), a list item or a
/// table, in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub markdown: String,
    pub first_line: usize,
    pub last_line: usize,
}

/// An OCR misreading the repair corrected; it belongs in `[[extra.corrections]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrCorrection {
    pub line: usize,
    pub source: String,
    pub corrected: String,
    pub note_ja: String,
    pub note_en: String,
}

/// An accepted chapter start.
#[derive(Debug, Clone)]
pub(crate) struct ChapterStart {
    /// Index into the cleaned lines.
    pub idx: usize,
    pub heading: Heading,
}

/// The result of the whole-document analysis.
#[derive(Debug, Clone)]
pub(crate) struct Analysis {
    pub lines: Vec<CleanLine>,
    pub dropped: Vec<DroppedLine>,
    pub chapters: Vec<ChapterStart>,
    /// Lines `[0, preamble_end)` are cover and table of contents (for the city page).
    pub preamble_end: usize,
    /// The heading shape that makes chapters, if any.
    pub top_shape: Option<Shape>,
    /// The extraction marks every paragraph or cell end with a trailing space (and a line
    /// without one continues on the next non-blank line).
    pub trailing_space_ends: bool,
    /// Indices of lines to render as plain text although they look like headings
    /// (table captions, out-of-order chapter numbers).
    pub demoted: BTreeSet<usize>,
}

fn nospace(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '#' && *c != '■')
        .collect()
}

fn next_nonblank(lines: &[CleanLine], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&j| !matches!(lines[j].kind, Kind::Blank))
}

fn is_toc_word(text: &str) -> bool {
    let t = nospace(text);
    t == "目次" || t == "もくじ" || t == "目録"
}

pub(crate) fn analyse(raw: &str) -> Analysis {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let mut texts: Vec<&str> = raw.split('\n').collect();
    if raw.ends_with('\n') {
        texts.pop();
    }
    let lines: Vec<CleanLine> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| clean_line(i + 1, t))
        .collect();

    let mut dropped = Vec::new();
    let mut drop_set: BTreeSet<usize> = BTreeSet::new();
    for (i, l) in lines.iter().enumerate() {
        let reason = match l.kind {
            Kind::PageNumber => Some(DropReason::PageNumber),
            Kind::Debris => Some(DropReason::Debris),
            _ => None,
        };
        if let Some(reason) = reason {
            drop_set.insert(i);
            dropped.push(DroppedLine {
                source_line: l.line,
                text: l.raw.clone(),
                reason,
            });
        }
    }

    // Which shape makes chapters.
    let count = |shape: Shape| {
        lines
            .iter()
            .filter(|l| matches!(&l.kind, Kind::Heading(h) if h.shape == shape))
            .count()
    };
    let top_shape = if count(Shape::Chapter) > 0 {
        Some(Shape::Chapter)
    } else if count(Shape::Roman) >= 2 {
        Some(Shape::Roman)
    } else if lines
        .iter()
        .filter(|l| matches!(&l.kind, Kind::Heading(h) if h.shape == Shape::MdTop && !is_toc_word(&h.text)))
        .count()
        >= 2
    {
        Some(Shape::MdTop)
    } else {
        None
    };

    // Chapter starts: the first occurrence of each chapter number; later ones are running headers.
    let mut chapters: Vec<ChapterStart> = Vec::new();
    let mut demoted = BTreeSet::new();
    let mut seen: HashMap<u32, usize> = HashMap::new();
    let mut last_key: Option<u32> = None;
    let mut md_counter = 0u32;
    let mut header_texts: Vec<String> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Kind::Heading(h) = &l.kind else { continue };
        let is_top = h.shape == Shape::Bookend || Some(h.shape) == top_shape;
        if !is_top {
            continue;
        }
        if h.shape == Shape::MdTop && is_toc_word(&h.text) {
            continue;
        }
        let key = match h.shape {
            Shape::MdTop => {
                md_counter += 1;
                md_counter
            }
            _ => h.number.unwrap_or(0),
        };
        // A chapter-like line directly above a table, whose chapter heading comes again later,
        // is the table's caption (Osaki's summary tables), not the chapter.
        if h.shape != Shape::MdTop && !seen.contains_key(&key) {
            let above_table =
                next_nonblank(&lines, i + 1).is_some_and(|j| lines[j].kind == Kind::TableRow);
            let again = lines[i + 1..].iter().any(|m| {
                matches!(&m.kind, Kind::Heading(g) if g.shape == h.shape && g.number == h.number)
            });
            if above_table && again {
                demoted.insert(i);
                continue;
            }
        }
        if let Some(&first) = seen.get(&key) {
            // The same chapter again: a running header (or the real heading printed right
            // after its page header, which says the same).
            let _ = first;
            drop_set.insert(i);
            dropped.push(DroppedLine {
                source_line: l.line,
                text: l.raw.clone(),
                reason: DropReason::RunningHeader,
            });
            continue;
        }
        if last_key.is_some_and(|k| key < k) {
            demoted.insert(i);
            continue;
        }
        seen.insert(key, i);
        last_key = Some(key);
        if h.shape == Shape::Chapter {
            let n = nospace(&h.text);
            if n.chars().count() >= 4 {
                header_texts.push(n);
            }
        }
        chapters.push(ChapterStart {
            idx: i,
            heading: h.clone(),
        });
    }

    // Slide headers that end with a chapter title (`基本施策 ３ 人財活用 ３章 施策展開`), and
    // short numbered lines repeated verbatim (`基本施策 １ 人財確保`): keep the first, drop the rest.
    let chapter_idx: BTreeSet<usize> = chapters.iter().map(|c| c.idx).collect();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if drop_set.contains(&i) || chapter_idx.contains(&i) {
            continue;
        }
        let eligible = match &l.kind {
            Kind::Text => true,
            Kind::Heading(h) => matches!(h.shape, Shape::Chapter | Shape::MdOther | Shape::Bookend),
            _ => false,
        };
        if !eligible {
            continue;
        }
        let n = nospace(&l.text);
        let short = n.chars().count() <= 60 && !n.ends_with('。');
        if short
            && header_texts
                .iter()
                .any(|h| n != *h && n.ends_with(h.as_str()))
        {
            drop_set.insert(i);
            dropped.push(DroppedLine {
                source_line: l.line,
                text: l.raw.clone(),
                reason: DropReason::RunningHeader,
            });
            continue;
        }
        if matches!(l.kind, Kind::Text)
            && n.chars().count() <= 40
            && short
            && n.chars().any(|c| c.is_ascii_digit())
        {
            if let std::collections::hash_map::Entry::Vacant(e) = first_seen.entry(n) {
                e.insert(i);
            } else {
                drop_set.insert(i);
                dropped.push(DroppedLine {
                    source_line: l.line,
                    text: l.raw.clone(),
                    reason: DropReason::RunningHeader,
                });
            }
        }
    }
    dropped.sort_by_key(|d| d.source_line);

    // The preamble: cover and table of contents go to the city page; prose before the first
    // chapter heading (a file that starts mid-document) belongs to the first chapter.
    let first_idx = chapters.first().map(|c| c.idx).unwrap_or(lines.len());
    let preamble_is_cover = lines[..first_idx].iter().any(|l| {
        is_toc_word(&l.text)
            || matches!(&l.kind, Kind::Heading(h) if h.shape == Shape::MdTop)
            || l.kind == Kind::TableRow
    });
    let preamble_end = if preamble_is_cover && !chapters.is_empty() {
        first_idx
    } else {
        0
    };

    let mut lines = lines;
    for &i in &drop_set {
        lines[i].kind = Kind::Blank;
        lines[i].text.clear();
    }
    // Does a trailing space mark paragraph ends? Yes if most lines ending in 。 have one.
    let (with, without) = lines.iter().fold((0, 0), |(w, wo), l| {
        if l.raw.trim_end().ends_with('。') {
            if l.trailing_space {
                (w + 1, wo)
            } else {
                (w, wo + 1)
            }
        } else {
            (w, wo)
        }
    });
    let trailing_space_ends = with >= 10 && with >= 2 * without;
    Analysis {
        lines,
        dropped,
        chapters,
        preamble_end,
        top_shape,
        demoted,
        trailing_space_ends,
    }
}
