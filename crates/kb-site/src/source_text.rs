//! The source documents (`sources/<file>`, named by a city page's `source` key): their lines as
//! editors number them, and where the PDF's pages begin, for the source pages
//! (`/cities/<city>/source/`) that measure and chapter pages link their line numbers to.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// The directory of the source documents, below the site root.
pub const SOURCES_DIR: &str = "sources";

/// One source document, read once per build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    /// The lines, without their line ends; line `n` is `lines[n - 1]`.
    pub lines: Vec<String>,
    /// (line, PDF page) for each line where a page is known to begin, in line order.
    pub pages: Vec<(usize, u32)>,
}

/// Whether `name` is a plain file name in `sources/` (no directory, nothing hidden).
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.contains("..")
}

/// Reads `sources/<file>` below `root`; a problem is reported against the file.
pub fn read(root: &Path, file: &str) -> Result<SourceText, Diagnostic> {
    let shown = Path::new(SOURCES_DIR).join(file);
    let bytes = std::fs::read(root.join(&shown))
        .map_err(|e| Diagnostic::new(&shown, 0, format!("cannot read the source file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::new(
            &shown,
            0,
            format!(
                "the source file is not UTF-8 (byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(parse(&text))
}

/// Splits a source into lines as editors number them (a final line end, if any, does not start
/// another line; a `\r` before a line end is not part of the line) and finds its pages.
pub fn parse(text: &str) -> SourceText {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let pages = page_starts(&lines);
    SourceText { lines, pages }
}

/// Where the PDF's pages begin, as far as the extraction shows it.
///
/// None of the five extractions keeps form feeds. What survives of the page breaks is the
/// printed page number at the foot of some pages, alone on its line after a blank line:
/// `1`, `8`, `14`, `21` in aizuwakamatsu.txt (lines 19, 234, 852, 1209) and `-1３-`, `-1５-` in
/// kofu.txt (lines 403, 444, digits of mixed width). Such a footer ends page N, so page N + 1
/// begins at the next non-blank line; a first footer `1` also puts line 1 on page 1. Other
/// traces of page breaks carry no number (the running chapter headers of tachikawa.txt, the
/// `---` rules of takasaki.txt, the leading space of a new slide in kofu.txt), and a page
/// number is never guessed: those pages are left unmarked.
fn page_starts(lines: &[String]) -> Vec<(usize, u32)> {
    let mut out = Vec::new();
    let mut pending: Option<u32> = None;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let after_blank = i == 0 || lines[i - 1].trim().is_empty();
        if let Some(page) = footer_number(line).filter(|_| after_blank) {
            if out.is_empty() && pending.is_none() && page == 1 && n > 1 {
                out.push((1, 1));
            }
            pending = Some(page + 1);
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if let Some(page) = pending.take() {
            out.push((n, page));
        }
    }
    out
}

/// The page number of a footer line: 1–3 digits (ASCII or full-width), optionally between
/// hyphens, and nothing else but spaces.
fn footer_number(line: &str) -> Option<u32> {
    let t = line.trim_matches(|c: char| c.is_whitespace());
    let t = t
        .strip_prefix(['-', '－'])
        .and_then(|s| s.strip_suffix(['-', '－']))
        .unwrap_or(t)
        .trim();
    if t.is_empty() || t.chars().count() > 3 {
        return None;
    }
    t.chars().try_fold(0u32, |acc, c| {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => return None,
        };
        Some(acc * 10 + d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_as_editors_do() {
        assert_eq!(parse("a\nb").lines, ["a", "b"]);
        assert_eq!(parse("a\r\nb\n").lines, ["a", "b"]);
        assert_eq!(parse("a\n\nb").lines, ["a", "", "b"]);
    }

    #[test]
    fn a_footer_starts_the_next_page_at_the_next_text() {
        let s = parse("intro\n\n1\n\n\nchapter\ntext\n\n-1３-\n next\n");
        assert_eq!(s.pages, [(1, 1), (6, 2), (10, 14)]);
    }

    #[test]
    fn numbers_inside_text_are_not_footers() {
        // Not after a blank line (a table cell), too long, or with other text.
        let s = parse("table\n12\n\n2024\n\n3人\n\np. 4\nend");
        assert!(s.pages.is_empty(), "{:?}", s.pages);
        assert_eq!(footer_number("－１２－"), Some(12));
        assert_eq!(footer_number(" 8 "), Some(8));
        assert_eq!(footer_number("-"), None);
    }

    #[test]
    fn only_plain_names_name_a_source() {
        assert!(is_plain_name("kofu.txt"));
        for bad in ["", "../x.txt", "a/b.txt", ".hidden", "a\\b"] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_real_sources_show_their_printed_page_numbers() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let aizu = read(&root, "aizuwakamatsu.txt").unwrap();
        assert_eq!(aizu.lines.len(), 1393);
        assert_eq!(
            aizu.pages,
            [(1, 1), (23, 2), (236, 9), (854, 15), (1213, 22)]
        );
        let kofu = read(&root, "kofu.txt").unwrap();
        assert_eq!(kofu.pages, [(404, 14), (446, 16)]);
        for city in ["takasaki", "osaki", "tachikawa"] {
            assert!(read(&root, &format!("{city}.txt"))
                .unwrap()
                .pages
                .is_empty());
        }
    }
}
