//! The second step of the import: the analysed lines of a chapter as Markdown blocks
//! (headings at levels from their shapes, wrapped lines joined into paragraphs, tables, list
//! items), escaped so that Markdown reads them as the text they are.

use crate::assemble::{Analysis, Block, BlockKind};
use crate::clean::{width, CleanLine, Kind, Shape};
use kb_text::is_japanese_char;
use std::collections::HashMap;

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

/// Renders the lines `range` of the analysis into Markdown blocks.
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
