//! Whole-document repair: the outline (chapters, running headers), line-wrap joins, and the
//! Markdown of each chapter.

use crate::clean::{clean_line, width, CleanLine, Heading, Kind, Shape};
use kb_text::is_japanese_char;
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

/// Characters that end a sentence (a paragraph may end there).
fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(['」', '』', '）', ')', '”', '’', '】', ' ']);
    t.ends_with(['。', '．', '！', '？', '!', '?']) || s.ends_with(['：', ':'])
}

/// Joins two pieces of a wrapped line: no separator, except a space between two Latin words
/// or numbers.
fn join_pieces(a: &mut String, b: &str) {
    let last = a.chars().next_back();
    let first = b.chars().next();
    let need_space = match (last, first) {
        (Some(x), Some(y)) => {
            !is_japanese_char(x)
                && !is_japanese_char(y)
                && (x.is_ascii_alphanumeric() || x == ',' || x == '.')
                && y.is_ascii_alphanumeric()
        }
        _ => false,
    };
    if need_space {
        a.push(' ');
    }
    a.push_str(b);
}

/// Escapes what Markdown would misread in a paragraph of plain text.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        match c {
            '<' if next
                .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!' || n == '?') =>
            {
                out.push_str("&lt;")
            }
            '#' | '>' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn table_markdown(rows: &[Vec<String>]) -> String {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let cell = |s: &str| {
        let s = escape_markdown(s.trim()).replace('|', "\\|");
        if s.is_empty() {
            " ".to_string()
        } else {
            s
        }
    };
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..ncols {
            out.push(' ');
            out.push_str(&cell(row.get(c).map(String::as_str).unwrap_or("")));
            out.push_str(" |");
        }
        out.push('\n');
        if r == 0 {
            out.push('|');
            for _ in 0..ncols {
                out.push_str(" --- |");
            }
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

/// Renders the lines `range` of the analysis into Markdown blocks.
/// Markdown levels of the heading shapes used in `lines`, outermost first from `##`.
fn levels_for(lines: &[CleanLine], top_shape: Option<Shape>) -> HashMap<Shape, usize> {
    let order = [
        Shape::Chapter,
        Shape::MdTop,
        Shape::Roman,
        Shape::Section,
        Shape::Dashed,
        Shape::Numbered,
        Shape::Paren,
        Shape::MdOther,
    ];
    let mut levels = HashMap::new();
    let mut level = 2;
    for shape in order {
        if Some(shape) == top_shape {
            continue;
        }
        if lines
            .iter()
            .any(|l| matches!(&l.kind, Kind::Heading(h) if h.shape == shape))
        {
            levels.insert(shape, level.min(6));
            level += 1;
        }
    }
    levels
}

pub(crate) fn blocks(a: &Analysis, range: std::ops::Range<usize>) -> Vec<Block> {
    let lines = &a.lines[range.clone()];
    let levels = levels_for(lines, a.top_shape);
    // "Full" lines: as wide as the text around them, so a wrap rather than a paragraph end.
    let widths: Vec<usize> = lines
        .iter()
        .map(|l| match l.kind {
            Kind::Text | Kind::Item => width(&l.text),
            _ => 0,
        })
        .collect();
    let is_full = |k: usize| {
        let lo = k.saturating_sub(12);
        let hi = (k + 13).min(widths.len());
        let local = widths[lo..hi].iter().copied().max().unwrap_or(0);
        local >= 40 && widths[k] * 10 >= local * 7
    };

    let mut out: Vec<Block> = Vec::new();
    // The open paragraph or item: (kind, text, first line, last line, index of its last line).
    let mut open: Option<(BlockKind, String, usize, usize, usize)> = None;
    let mut gap = 0usize;
    let mut glue = false;
    let mut glue_heading = false;
    let mut table: Vec<(Vec<String>, usize)> = Vec::new();

    fn close(out: &mut Vec<Block>, open: &mut Option<(BlockKind, String, usize, usize, usize)>) {
        if let Some((kind, text, first, last, _)) = open.take() {
            let text = text.trim().to_string();
            if text.is_empty() {
                return;
            }
            out.push(Block {
                kind,
                markdown: render_text(kind, &text),
                first_line: first,
                last_line: last,
            });
        }
    }
    fn close_table(out: &mut Vec<Block>, table: &mut Vec<(Vec<String>, usize)>) {
        if table.is_empty() {
            return;
        }
        let rows: Vec<Vec<String>> = table.iter().map(|(r, _)| r.clone()).collect();
        out.push(Block {
            kind: BlockKind::Table,
            markdown: table_markdown(&rows),
            first_line: table[0].1,
            last_line: table[table.len() - 1].1,
        });
        table.clear();
    }

    for (k, l) in lines.iter().enumerate() {
        let idx = range.start + k;
        let demoted = a.demoted.contains(&idx);
        match &l.kind {
            Kind::Blank | Kind::Rule | Kind::PageNumber | Kind::Debris => {
                if l.kind == Kind::Rule {
                    close(&mut out, &mut open);
                }
                if matches!(l.kind, Kind::Rule | Kind::Blank) {
                    close_table(&mut out, &mut table);
                }
                gap += 1;
                continue;
            }
            Kind::Glue => {
                // A footnote mark alone on its line: it belongs to the text before it, and the
                // text after it continues that text (`（３）HRテクノロジー` / `※` / `等を活用した…`).
                if let Some(o) = open.as_mut() {
                    o.1.push_str(&l.text);
                    o.3 = l.line;
                    glue = true;
                } else if let Some(b) = out.last_mut().filter(|b| b.kind == BlockKind::Heading) {
                    b.markdown.push_str(&l.text);
                    b.last_line = l.line;
                    glue_heading = true;
                }
                continue;
            }
            Kind::TableRow => {
                close(&mut out, &mut open);
                let cells: Vec<String> = l.text.split('\t').map(str::to_string).collect();
                table.push((cells, l.line));
                gap = 0;
                continue;
            }
            _ => {}
        }
        close_table(&mut out, &mut table);
        let continues = gap == 0 && open.as_ref().is_some_and(|(_, t, ..)| !ends_sentence(t));
        let text = l.text.as_str();
        if let Kind::Heading(h) = &l.kind {
            // A numbered line that continues a wrapped sentence is text, not a heading.
            let wrapped = h.shape == Shape::Numbered && continues;
            if !wrapped {
                close(&mut out, &mut open);
                let level = if demoted { None } else { levels.get(&h.shape) };
                if let Some(&level) = level {
                    out.push(Block {
                        kind: BlockKind::Heading,
                        markdown: format!("{} {}", "#".repeat(level), escape_heading(&h.text)),
                        first_line: l.line,
                        last_line: l.line,
                    });
                } else {
                    // Heading-shaped but no heading here (a table caption, the title on a cover).
                    open = Some((BlockKind::Paragraph, h.text.clone(), l.line, l.line, k));
                }
                gap = 0;
                glue = false;
                continue;
            }
        }
        let kind = match &l.kind {
            Kind::Item => BlockKind::Item,
            _ => BlockKind::Paragraph,
        };
        if glue_heading && kind == BlockKind::Paragraph {
            if let Some(b) = out.last_mut() {
                b.markdown.push_str(&escape_markdown(text));
                b.last_line = l.line;
            }
            glue_heading = false;
            gap = 0;
            continue;
        }
        glue_heading = false;
        let join = kind == BlockKind::Paragraph
            && match &open {
                Some((_, t, _, _, last)) => {
                    // Where a trailing space marks the end of a paragraph or table cell, a line
                    // without one continues (blank line or not); a full line continues anyway.
                    let continues = if a.trailing_space_ends {
                        !lines[*last].trailing_space || is_full(*last)
                    } else {
                        gap == 0 || is_full(*last) || t.ends_with(['、', '，'])
                    };
                    glue || (!ends_sentence(t) && continues)
                }
                None => false,
            };
        if join {
            let o = open.as_mut().expect("open block");
            join_pieces(&mut o.1, text);
            o.3 = l.line;
            o.4 = k;
        } else {
            close(&mut out, &mut open);
            open = Some((kind, text.to_string(), l.line, l.line, k));
        }
        gap = 0;
        glue = false;
    }
    close(&mut out, &mut open);
    close_table(&mut out, &mut table);
    out
}

fn escape_heading(s: &str) -> String {
    escape_markdown(s).trim_end_matches('#').trim().to_string()
}

fn render_text(kind: BlockKind, text: &str) -> String {
    if kind == BlockKind::Item {
        // Markdown list markers stay list markers; a doubled bullet (`- ・ 項目`) loses the second.
        for marker in ["- ", "* ", "+ "] {
            if let Some(rest) = text.strip_prefix(marker) {
                let rest = rest.trim_start();
                let rest = rest.strip_prefix('・').map(str::trim_start).unwrap_or(rest);
                return format!("- {}", escape_markdown(rest));
            }
        }
    }
    escape_markdown(text)
}

/// Markdown of a list of blocks: blank lines between blocks.
pub(crate) fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            // Consecutive Markdown list items stay one list.
            let tight = b.markdown.starts_with("- ") && blocks[i - 1].markdown.starts_with("- ");
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        out.push_str(&b.markdown);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}
