//! End to end, on `content/` itself: no two measure pages of one city share more than half of
//! their body, so that no text is counted twice when cities are compared measure by measure.
//!
//! The rule (decided for all five cities): take the Japanese body, without editor's notes; split
//! it into sentences on 。 and on newlines; drop sentences under 10 characters; the overlap of two
//! pages is the number of shared sentences divided by the number of sentences of the shorter
//! body; more than 0.5 fails. Markdown markup is not text: heading, quote and list markers are
//! stripped first, and table rule lines (`|---|---|`) are not sentences (otherwise every pair of
//! pages with a table would share them).
//!
//! Exception: where the source itself gives one paragraph for several items, each such page
//! carries [`SHARED_NOTE_JA`] (and its English twin [`SHARED_NOTE_EN`]); a pair where both pages
//! carry it is exempt.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const CITIES: [&str; 5] = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];
const SHARED_NOTE_JA: &str =
    "> 編注：原典は、この取組を含む複数の取組に一つの説明文を示しています。";
const SHARED_NOTE_EN: &str = "> Editor's note: the source gives one shared description for several initiatives, including this one.";
const MIN_CHARS: usize = 10;
const MAX_OVERLAP: f64 = 0.5;

struct Measure {
    id: String,
    sentences: BTreeSet<String>,
    shared_note: bool,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The body after the closing `+++` of the front matter.
fn body(text: &str) -> &str {
    let rest = text.strip_prefix("+++").unwrap_or(text);
    match rest.find("\n+++") {
        Some(i) => rest[i + 4..].trim_start_matches(['\r', '\n']),
        None => rest,
    }
}

/// Removes inline editor's notes: `（編注：…）` and `〔編注：…〕` spans inside a line.
fn strip_inline_notes(line: &str) -> String {
    let mut out = line.to_string();
    for (open, close) in [("（編注", '）'), ("〔編注", '〕'), ("(編注", ')')] {
        while let Some(start) = out.find(open) {
            let end = out[start..]
                .find(close)
                .map(|e| start + e + close.len_utf8())
                .unwrap_or(out.len());
            out.replace_range(start..end, "");
        }
    }
    out
}

/// The body's sentences (see the module comment), editor's notes excluded.
fn sentences(body: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_note = false;
    for line in body.lines() {
        let trimmed = line.trim();
        // A quoted editor's note runs on over the following quoted lines.
        if trimmed.starts_with('>') {
            let inner = trimmed.trim_start_matches('>').trim_start();
            if inner.starts_with("編注") {
                in_note = true;
            }
            if in_note {
                continue;
            }
        } else {
            in_note = false;
        }
        let line = strip_inline_notes(trimmed);
        let line = line
            .trim_start_matches(['#', '>', '-', '*', '+', ' ', '\u{3000}'])
            .trim();
        if line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            continue;
        }
        for sentence in line.split('。') {
            let s = sentence.trim();
            if s.chars().count() >= MIN_CHARS {
                out.insert(s.to_string());
            }
        }
    }
    out
}

fn read_measures(dir: &Path) -> Vec<Measure> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".md") && !name.ends_with(".en.md") && !name.starts_with('_')
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let body = body(&text);
            Measure {
                id: path.file_stem().unwrap().to_string_lossy().into_owned(),
                sentences: sentences(body),
                shared_note: body.lines().any(|l| l.trim() == SHARED_NOTE_JA),
            }
        })
        .collect()
}

/// Every pair of one city's measures that shares more than half of the shorter body.
fn offending_pairs(city: &str, measures: &[Measure]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in measures.iter().enumerate() {
        for b in &measures[i + 1..] {
            if a.shared_note && b.shared_note {
                continue;
            }
            let shorter = a.sentences.len().min(b.sentences.len());
            if shorter == 0 {
                continue;
            }
            let shared: Vec<&String> = a.sentences.intersection(&b.sentences).collect();
            let overlap = shared.len() as f64 / shorter as f64;
            if overlap > MAX_OVERLAP {
                let first: String = shared[0].chars().take(40).collect();
                out.push(format!(
                    "{city}: {} and {} share {} of {shorter} sentences ({:.0}%), e.g. 「{first}…」",
                    a.id,
                    b.id,
                    shared.len(),
                    overlap * 100.0
                ));
            }
        }
    }
    out
}

#[test]
fn no_two_measures_of_a_city_share_more_than_half_their_body() {
    let mut problems = Vec::new();
    for city in CITIES {
        let measures = read_measures(&repo().join("content/cities").join(city).join("measures"));
        assert!(
            measures.len() >= 10,
            "{city}: only {} measures",
            measures.len()
        );
        problems.extend(offending_pairs(city, &measures));
    }
    assert!(
        problems.is_empty(),
        "{} pair(s) of measures repeat each other's text (add the shared-description note to both pages only where the source itself gives one description for several items):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_shared_description_note_appears_in_both_languages() {
    let mut problems = Vec::new();
    for city in CITIES {
        let dir = repo().join("content/cities").join(city).join("measures");
        for m in read_measures(&dir) {
            let en =
                std::fs::read_to_string(dir.join(format!("{}.en.md", m.id))).unwrap_or_default();
            let en_note = body(&en).lines().any(|l| l.trim() == SHARED_NOTE_EN);
            if m.shared_note != en_note {
                problems.push(format!(
                    "{city}: {}: the shared-description note is in {} only",
                    m.id,
                    if m.shared_note {
                        "the Japanese file"
                    } else {
                        "the English file"
                    }
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[cfg(test)]
mod unit {
    use super::*;

    fn measure(id: &str, body: &str) -> Measure {
        Measure {
            id: id.into(),
            sentences: sentences(body),
            shared_note: body.lines().any(|l| l.trim() == SHARED_NOTE_JA),
        }
    }

    #[test]
    fn splits_on_maru_and_newlines_and_drops_short_sentences() {
        let s = sentences("## 研修の実施\n\n職員の能力を高める研修を実施します。短い文。\n別の行にある十分に長い文章です\n");
        let want: BTreeSet<String> = [
            "職員の能力を高める研修を実施します",
            "別の行にある十分に長い文章です",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(s, want);
    }

    #[test]
    fn editors_notes_and_table_rules_are_not_text() {
        let s = sentences(
            "> 編注：これは編集者による長い注記の文章です。\n> 続きの行も注記の一部として扱われます。\n\n|---|---|---|\n本文の文章はここにあります（編注：括弧内の注記は除かれます）。",
        );
        let want: BTreeSet<String> = ["本文の文章はここにあります"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(s, want);
    }

    #[test]
    fn names_the_pair_and_the_overlap() {
        let a = measure(
            "x-01",
            "一つ目の十分に長い文章です。二つ目の十分に長い文章です。",
        );
        let b = measure("x-02", "一つ目の十分に長い文章です。");
        let found = offending_pairs("x", &[a, b]);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].contains("x-01 and x-02 share 1 of 1 sentences (100%)"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn half_is_allowed_and_the_shared_note_exempts_a_pair() {
        let a = measure(
            "x-01",
            "一つ目の十分に長い文章です。二つ目の十分に長い文章です。",
        );
        let b = measure(
            "x-02",
            "一つ目の十分に長い文章です。三つ目の十分に長い文章です。",
        );
        assert!(offending_pairs("x", &[a, b]).is_empty());
        let note = format!("{SHARED_NOTE_JA}\n\n一つ目の十分に長い文章です。");
        let c = measure("x-03", &note);
        let d = measure("x-04", &note);
        assert!(offending_pairs("x", &[c, d]).is_empty());
        let e = measure("x-05", &note);
        let f = measure("x-06", "一つ目の十分に長い文章です。");
        assert_eq!(offending_pairs("x", &[e, f]).len(), 1);
    }
}
