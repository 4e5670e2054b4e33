//! `kb import` on the five real source documents in the repository's `sources/` folder.

use kb_import::{import, repair_document, DropReason, ImportOptions, RepairedDocument};
use std::path::{Path, PathBuf};

const SOURCES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sources/");

/// The source document of `city`: `sources/<city>.txt`.
fn seed_path(city: &str) -> PathBuf {
    let path = Path::new(SOURCES).join(format!("{city}.txt"));
    assert!(path.is_file(), "the source {} must exist", path.display());
    path
}

fn seed(city: &str) -> String {
    std::fs::read_to_string(seed_path(city)).expect("source is UTF-8")
}

const CITIES: [(&str, usize); 5] = [
    ("takasaki", 3),
    ("kofu", 3),
    ("osaki", 5),
    ("aizuwakamatsu", 6),
    ("tachikawa", 8),
];

fn imported(city: &str) -> (tempfile::TempDir, PathBuf, kb_import::ImportReport) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("content/cities").join(city);
    let report = import(&ImportOptions {
        city: city.to_string(),
        source: seed_path(city),
        out: out.clone(),
    })
    .unwrap_or_else(|e| panic!("import {city}: {e:#}"));
    (tmp, out, report)
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn split_front(content: &str) -> (&str, &str) {
    let rest = content
        .strip_prefix("+++\n")
        .expect("file starts with a +++ line");
    rest.split_once("\n+++\n")
        .expect("front matter closed by +++")
}

fn chapter_texts(doc: &RepairedDocument) -> String {
    doc.chapters
        .iter()
        .map(|c| format!("{}\n{}", c.title, c.text))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn aizuwakamatsu_output_has_no_radical_lookalikes() {
    let raw = seed("aizuwakamatsu");
    let is_radical = |c: char| matches!(c, '\u{2E80}'..='\u{2EFF}' | '\u{2F00}'..='\u{2FDF}');
    assert!(
        raw.chars().filter(|&c| is_radical(c)).count() > 1000,
        "the seed is damaged"
    );
    let (_tmp, out, _) = imported("aizuwakamatsu");
    for f in all_files(&out) {
        let text = std::fs::read_to_string(&f).unwrap();
        let bad: Vec<char> = text.chars().filter(|&c| is_radical(c)).collect();
        assert!(bad.is_empty(), "{} still has {bad:?}", f.display());
    }
    let doc = repair_document(&raw);
    let text = chapter_texts(&doc);
    for word in [
        "市民ニーズ",
        "部長級",
        "長時間労働",
        "自己啓発",
        "人材育成",
        "コミュニケーション能力",
    ] {
        assert!(text.contains(word), "missing {word}");
    }
}

#[test]
fn tachikawa_running_headers_are_gone_and_chapter_8_is_kept() {
    let raw = seed("tachikawa");
    let doc = repair_document(&raw);
    let titles: Vec<&str> = doc.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "第1章 改定の趣旨・目的",
            "第2章 人材育成の基本的な考え方",
            "第3章 立川市の目指す職員像",
            "第4章 各職位に求められる能力・意識",
            "第5章 人材育成の取組",
            "第6章 職場環境の整備",
            "第7章 デジタル人材",
            "第8章 推進体制",
        ]
    );
    // Chapter 8's only heading (line 1425, indented like a page header) starts chapter 8.
    assert_eq!(doc.chapters[7].first_line, 1425);
    assert!(!doc.dropped.iter().any(|d| d.source_line == 1425));
    // Chapter 5 starts at its real heading, not at the chapter-4 header just before it.
    assert_eq!(doc.chapters[4].first_line, 945);
    assert!(doc.chapters[3].last_line < 945);
    // Every running header of chapter 4 is dropped.
    for line in [300, 387, 470, 568, 651, 941] {
        assert!(
            doc.dropped
                .iter()
                .any(|d| d.source_line == line && d.reason == DropReason::RunningHeader),
            "line {line} not dropped"
        );
    }
    // Each chapter title appears exactly once in the imported Japanese chapters (as the title).
    let (_tmp, out, report) = imported("tachikawa");
    assert_eq!(report.chapters, 8);
    let mut all = String::new();
    for f in all_files(&out.join("chapters")) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".en.md") && name != "_index.md" {
            all.push_str(&std::fs::read_to_string(&f).unwrap());
        }
    }
    for t in &titles {
        assert_eq!(all.matches(t).count(), 1, "`{t}` is not exactly once");
    }
    // The body of chapter 4 never repeats its title (its 7 page headers are gone).
    assert!(!doc.chapters[3]
        .text
        .contains("各職位に求められる能力・意識"));
    // A real subsection heading that looks like a page header stays (" ２ 管理監督者 ", line 1478).
    assert!(
        doc.chapters[7].text.contains("2 管理監督者"),
        "{}",
        doc.chapters[7].text
    );
    // The Cyrillic О of ОＪＴ (line 863) is repaired and recorded.
    let c4 = &doc.chapters[3];
    assert!(c4
        .corrections
        .iter()
        .any(|c| c.line == 863 && c.corrected == "OJT"));
    // Words split by the hard wrap are joined.
    let text = chapter_texts(&doc);
    for word in [
        "大規模災害の発生",
        "立川市をより良くしたい",
        "エンゲージメント",
        "デジタルリテラシー",
        "DX戦略",
    ] {
        assert!(text.contains(word), "missing {word}");
    }
}

#[test]
fn kofu_split_words_are_joined() {
    let doc = repair_document(&seed("kofu"));
    let text = chapter_texts(&doc);
    for word in [
        "戦略的なリクルーティングを行う",
        "デジタル人材の育成",
        "テレワーク等の適切な活用促進",
        "サブスクリプション",
        "コンパクト",
        "モチベーション",
        "パフォーマンス",
        "コンプライアンス",
        "自律した職員の育成",
        "「OJT指導員・OJT推進員制度」",
        "HRテクノロジー※等を活用した人事情報の一元化",
    ] {
        assert!(text.contains(word), "missing {word}");
    }
    assert!(!text.contains("リク\n"));
    // Slide headers and page footers are gone.
    let titles: Vec<&str> = doc.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["1章 策定の趣旨", "2章 役割・使命", "3章 施策展開"]);
    for c in &doc.chapters {
        assert!(
            !c.text.contains("章 施策展開") && !c.text.contains("章 役割・使命"),
            "{}",
            c.text
        );
    }
    assert!(!text.contains("-13-") && !text.contains('¥'));
    // The file starts mid-document: its first lines belong to chapter 1.
    assert_eq!(doc.chapters[0].first_line, 1);
    assert!(doc.preamble.is_none());
}

#[test]
fn takasaki_outline_headers_and_corrections() {
    let doc = repair_document(&seed("takasaki"));
    let titles: Vec<&str> = doc.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "第1章 はじめに",
            "第2章 行動指針",
            "第3章 人材育成のための基本的方策"
        ]
    );
    assert_eq!(doc.chapters[2].first_line, 132);
    let headers: Vec<usize> = doc
        .dropped
        .iter()
        .filter(|d| d.reason == DropReason::RunningHeader)
        .map(|d| d.source_line)
        .collect();
    assert_eq!(headers, [152, 183]);
    assert_eq!(doc.title.as_deref(), Some("高崎市人材育成・確保基本方針"));
    let fixes: Vec<(usize, &str)> = doc
        .preamble_corrections
        .iter()
        .map(|c| (c.line, c.corrected.as_str()))
        .collect();
    assert_eq!(
        fixes,
        [
            (37, "DX技術の活用とデジタルリテラシーの向上"),
            (38, "業務の「見える化」とDXを推進する意識の醸成"),
            (39, "DX推進リーダーの育成・確保"),
        ]
    );
    let text = chapter_texts(&doc);
    assert!(
        text.contains("| 技士 | 主任技士 | 指導技士 | 概要 |"),
        "letter-spaced cells"
    );
    assert!(!text.contains("<sup>") && !text.contains("\\*"));
}

#[test]
fn osaki_summary_captions_are_not_chapters_and_html_is_stripped() {
    let doc = repair_document(&seed("osaki"));
    let starts: Vec<usize> = doc.chapters.iter().map(|c| c.first_line).collect();
    assert_eq!(starts, [31, 126, 333, 555, 572]);
    let text = chapter_texts(&doc);
    assert!(!text.contains("<ul") && !text.contains("list-style"));
    assert!(text.contains("身体の健康の維持増進"));
    let (pre, ..) = doc.preamble.clone().expect("cover and contents");
    assert!(pre.contains("大崎市") && pre.contains("目次"), "{pre}");
}

#[test]
fn aizuwakamatsu_page_numbers_are_dropped_and_lists_stay_whole() {
    let doc = repair_document(&seed("aizuwakamatsu"));
    let pages: Vec<usize> = doc
        .dropped
        .iter()
        .filter(|d| d.reason == DropReason::PageNumber)
        .map(|d| d.source_line)
        .collect();
    assert_eq!(pages, [19, 234, 852, 1209]);
    assert_eq!(doc.chapters[0].title, "はじめに");
    assert_eq!(doc.chapters[0].slug, "01-introduction");
    let c5 = &doc.chapters[4].text;
    assert!(
        c5.contains("ウ 地域活動等への参加の促進\n\nエ 市民、民間企業等との交流機会の検討"),
        "{c5}"
    );
}

#[test]
fn every_seed_gives_sensible_chapters_and_valid_files() {
    for (city, chapters) in CITIES {
        let raw = seed(city);
        let nlines = raw.lines().count();
        let (_tmp, out, report) = imported(city);
        assert_eq!(report.chapters, chapters, "{city}");
        let files = all_files(&out);
        assert_eq!(files.len(), 4 + 2 * chapters, "{city}: {files:?}");
        assert_eq!(report.files_written.len(), files.len());
        let mut prev_end = 0;
        for f in &files {
            let content = std::fs::read_to_string(f).unwrap();
            let (front, body) = split_front(&content);
            let table: toml::Table = toml::from_str(front)
                .unwrap_or_else(|e| panic!("{}: invalid TOML front matter: {e}", f.display()));
            let title = table.get("title").and_then(|t| t.as_str());
            assert!(
                title.is_some_and(|t| !t.is_empty()),
                "{}: no title",
                f.display()
            );
            assert!(!body.trim().is_empty(), "{}: empty body", f.display());
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let is_section = name.starts_with("_index");
            let allowed: &[&str] = if is_section {
                &[
                    "title",
                    "description",
                    "sort_by",
                    "weight",
                    "template",
                    "page_template",
                    "paginate_by",
                    "insert_anchor_links",
                    "render",
                    "redirect_to",
                    "transparent",
                    "aliases",
                    "in_search_index",
                    "generate_feeds",
                    "extra",
                ]
            } else {
                &[
                    "title",
                    "description",
                    "date",
                    "updated",
                    "weight",
                    "slug",
                    "aliases",
                    "draft",
                    "template",
                    "authors",
                    "in_search_index",
                    "taxonomies",
                    "extra",
                ]
            };
            for key in table.keys() {
                assert!(
                    allowed.contains(&key.as_str()),
                    "{}: key `{key}` is not Zola's",
                    f.display()
                );
            }
            // Every file has its twin.
            let twin = if let Some(stem) = name.strip_suffix(".en.md") {
                format!("{stem}.md")
            } else {
                name.replace(".md", ".en.md")
            };
            assert!(
                f.with_file_name(&twin).exists(),
                "{}: no twin {twin}",
                f.display()
            );
            if !is_section && !name.ends_with(".en.md") {
                let lines = table["extra"]["source_lines"]
                    .as_array()
                    .expect("source_lines");
                let (a, b) = (
                    lines[0].as_integer().unwrap() as usize,
                    lines[1].as_integer().unwrap() as usize,
                );
                assert!(
                    a >= 1 && a <= b && b <= nlines + 1,
                    "{}: source_lines [{a}, {b}]",
                    f.display()
                );
                assert!(a > prev_end, "{}: chapters overlap", f.display());
                prev_end = b;
                assert!(
                    body.trim().chars().count() > 20,
                    "{}: body too short",
                    f.display()
                );
                assert!(!body.contains("\n+++"), "{}", f.display());
            }
            if name == "_index.md" && f.parent().unwrap() == out {
                let source = table["extra"]["source"].as_str().unwrap();
                assert!(
                    source == format!("{city}.txt"),
                    "{}: source = {source}",
                    f.display()
                );
            }
        }
    }
}

#[test]
fn importing_into_an_existing_folder_fails_without_touching_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("takasaki");
    std::fs::create_dir_all(out.join("chapters")).unwrap();
    std::fs::write(
        out.join("_index.md"),
        "+++\ntitle = \"高崎市\"\n+++\ngood content\n",
    )
    .unwrap();
    let before = all_files(&out);
    let err = import(&ImportOptions {
        city: "takasaki".into(),
        source: seed_path("takasaki"),
        out: out.clone(),
    })
    .expect_err("must refuse to overwrite");
    let msg = format!("{err:#}");
    assert!(msg.contains(&out.display().to_string()), "{msg}");
    assert!(msg.contains("not empty"), "{msg}");
    assert_eq!(all_files(&out), before);
    assert_eq!(
        std::fs::read_to_string(out.join("_index.md")).unwrap(),
        "+++\ntitle = \"高崎市\"\n+++\ngood content\n"
    );

    // An existing but empty folder is fine.
    let empty = tmp.path().join("kofu");
    std::fs::create_dir_all(&empty).unwrap();
    let report = import(&ImportOptions {
        city: "kofu".into(),
        source: seed_path("kofu"),
        out: empty.clone(),
    })
    .unwrap();
    assert_eq!(report.chapters, 3);
}

#[test]
fn bad_sources_get_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.txt");
    std::fs::write(&bad, b"\xe7\xac\xac1\xe7\xab\xa0\n\n\xff\xfe broken\n").unwrap();
    let out = tmp.path().join("out");
    let err = import(&ImportOptions {
        city: "kofu".into(),
        source: bad.clone(),
        out: out.clone(),
    })
    .expect_err("invalid UTF-8");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("bad.txt") && msg.contains("UTF-8") && msg.contains("line 3"),
        "{msg}"
    );
    assert!(!out.exists(), "nothing written on error");

    let empty = tmp.path().join("empty.txt");
    std::fs::write(&empty, " \n\n").unwrap();
    let err = import(&ImportOptions {
        city: "kofu".into(),
        source: empty,
        out: out.clone(),
    })
    .expect_err("empty");
    assert!(format!("{err:#}").contains("empty.txt"), "{err:#}");

    let err = import(&ImportOptions {
        city: "Kofu City".into(),
        source: seed_path("kofu"),
        out: out.clone(),
    })
    .expect_err("bad slug");
    assert!(format!("{err:#}").contains("slug"));
    assert!(!out.exists());
}

#[test]
fn default_output_folder() {
    let opts = ImportOptions::new("osaki", "x.txt");
    assert_eq!(opts.out, Path::new("content/cities/osaki"));
}
