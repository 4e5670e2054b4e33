//! Reading the content and the in-repository sources for the source checks: city pages split
//! into front matter and body, editor's notes removed, and the one normalisation both sides of a
//! comparison go through.

use std::path::{Path, PathBuf};

pub const CITIES: [&str; 5] = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `sources/<city>.txt`, relative to the repository (for messages).
pub fn source_rel(city: &str) -> String {
    format!("sources/{city}.txt")
}

/// The lines of a city's source document, as stored (unrepaired).
pub fn source_lines(city: &str) -> Vec<String> {
    let path = repo().join(source_rel(city));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    text.lines().map(str::to_string).collect()
}

/// The comparison form of a text: `kb_text::normalize_for_search` (NFKC, so full-width digits
/// and `％` become ASCII; radical look-alikes repaired; letter spacing collapsed), then every
/// whitespace character dropped (the sources hard-wrap lines inside words and numbers, and
/// letter-space table cells) and thousands separators between digits removed (`1,358` → `1358`).
pub fn comparable(text: &str) -> String {
    let chars: Vec<char> = kb_text::normalize_for_search(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c == ',' && between_digits {
            continue;
        }
        out.push(c);
    }
    out
}

/// One content file: its path relative to the repository, its front matter (parsed) and its
/// body lines with their 1-based line numbers in the file.
pub struct Page {
    pub rel: String,
    pub front: toml::Table,
    pub body: Vec<(usize, String)>,
}

pub fn read_page(path: &Path) -> Page {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    let rel = path
        .strip_prefix(repo())
        .unwrap_or(path)
        .display()
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"+++"), "{rel}: no front matter");
    let close = lines
        .iter()
        .skip(1)
        .position(|l| *l == "+++")
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{rel}: front matter not closed"));
    let front: toml::Table = toml::from_str(&lines[1..close].join("\n"))
        .unwrap_or_else(|e| panic!("{rel}: front matter: {e}"));
    let body = lines[close + 1..]
        .iter()
        .enumerate()
        .map(|(i, l)| (close + 2 + i, l.to_string()))
        .collect();
    Page { rel, front, body }
}

/// The Japanese files of `city/<sub>` (`measures`, `chapters`), without the section's `_index.md`.
pub fn ja_pages(city: &str, sub: &str) -> Vec<Page> {
    let dir = repo().join("content/cities").join(city).join(sub);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".md") && !name.ends_with(".en.md") && name != "_index.md"
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| read_page(p)).collect()
}

/// The city page `content/cities/<city>/_index.md`.
pub fn city_page(city: &str) -> Page {
    read_page(&repo().join("content/cities").join(city).join("_index.md"))
}

/// Every `corrected` string of the city's `[[extra.corrections]]` (city, chapter and measure
/// pages), in comparable form.
pub fn corrected_strings(city: &str) -> Vec<String> {
    let mut pages = vec![city_page(city)];
    pages.extend(ja_pages(city, "chapters"));
    pages.extend(ja_pages(city, "measures"));
    let mut out = Vec::new();
    for p in &pages {
        let list = p
            .front
            .get("extra")
            .and_then(|e| e.get("corrections"))
            .and_then(|c| c.as_array());
        for c in list.into_iter().flatten() {
            if let Some(s) = c.get("corrected").and_then(|s| s.as_str()) {
                out.push(comparable(s));
            }
        }
    }
    out
}

/// Removes editor's notes from body lines, which are the editors' words, not the source's:
/// bracketed notes `（編注：…）` `〔編注：…〕` `(編注…)` `[編注…]` (nested brackets of the same
/// kind included), and block quotes whose first line starts with `編注` (the whole quote).
pub fn without_editors_notes(body: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut out = Vec::with_capacity(body.len());
    let mut in_note_quote = false;
    for (n, line) in body {
        let t = line.trim_start();
        if let Some(q) = t.strip_prefix('>') {
            if in_note_quote || q.trim_start().starts_with("編注") {
                in_note_quote = true;
                continue;
            }
        } else {
            in_note_quote = false;
        }
        if t.starts_with("編注") {
            continue;
        }
        out.push((*n, strip_bracketed_notes(line)));
    }
    out
}

fn strip_bracketed_notes(line: &str) -> String {
    const PAIRS: [(char, char); 4] = [('（', '）'), ('〔', '〕'), ('(', ')'), ('[', ']')];
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let pair = PAIRS.iter().find(|(open, _)| *open == chars[i]);
        let starts_note = chars[i + 1..].iter().take(2).collect::<String>() == "編注";
        if let (Some(&(open, close)), true) = (pair, starts_note) {
            let mut depth = 0;
            let mut j = i;
            while j < chars.len() {
                if chars[j] == open {
                    depth += 1;
                } else if chars[j] == close {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[test]
fn comparable_form_folds_widths_spaces_wraps_and_radicals() {
    assert_eq!(comparable("令和７年度　から"), "令和7年度から");
    assert_eq!(comparable("３０％\n以上"), "30%以上");
    assert_eq!(comparable("1,358 ⼈"), "1358人");
    assert_eq!(comparable("8 0 時\n間"), "80時間");
}

#[test]
fn editors_notes_are_removed() {
    let body: Vec<(usize, String)> = [
        "本文3年。（編注：表の4列目（注）は空欄。）続き",
        "> 編注：5項目",
        "> 6列",
        "",
        "〔編注：7月〕8月",
    ]
    .iter()
    .enumerate()
    .map(|(i, s)| (i + 1, s.to_string()))
    .collect();
    let kept: Vec<String> = without_editors_notes(&body)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(kept, ["本文3年。続き", "", "8月"]);
}
