//! Unit tests of each repair, on small hand-made inputs.

use super::*;
use crate::clean::{classify, clean_line, collapse_text, heading, is_page_number};
use crate::clean::{Kind, Shape};
use crate::repair::japanese_date;

fn body(doc: &RepairedDocument) -> String {
    doc.chapters
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn joins_words_split_by_a_line_wrap() {
    let doc = repair_document("第1章 はじめに\n\n全庁を挙げて積極的かつ戦略的なリク\nルーティングを行う体制の整備を図ります。\n");
    assert_eq!(doc.chapters.len(), 1);
    assert!(
        body(&doc).contains("戦略的なリクルーティングを行う"),
        "{}",
        body(&doc)
    );
}

#[test]
fn joins_across_a_blank_line_inside_a_sentence_but_not_after_a_full_stop() {
    // Every PDF line followed by a blank line: full lines that end mid-sentence continue.
    let raw = "第1章 はじめに\n\n\
        少子高齢化の進行、生産年齢人口の減少、各個人の価値観の多様化、大規模災害の発\n\n\
        生、感染症の流行、デジタル社会の進展等、社会を取り巻く環境は目まぐるしく変化し\n\n\
        ています。\n\n\
        特に、事業の推進は国を挙げて取り組んでおり、地方公共団体においても積極的に取り組\n\n\
        む必要があります。\n";
    let doc = repair_document(raw);
    let text = body(&doc);
    assert!(text.contains("大規模災害の発生、感染症"), "{text}");
    assert!(text.contains("変化しています。\n\n特に、"), "{text}");
    assert!(text.contains("取り組む必要があります。"), "{text}");
}

#[test]
fn short_title_lines_are_not_joined_to_the_next_paragraph() {
    let raw = "第1章 はじめに\n\n\
        ●人材獲得競争の激化\n\n\
        急速に進行する人口減少に伴う生産年齢人口の減少や人材の流動化により、官民問わずあらゆる分野で人材獲得競争が激化しています。\n";
    let text = body(&repair_document(raw));
    assert!(text.contains("●人材獲得競争の激化\n\n急速に"), "{text}");
}

#[test]
fn trailing_space_marks_paragraph_ends_where_the_extraction_uses_it() {
    let mut raw = String::from("第1章 はじめに \n\n");
    for i in 0..12 {
        raw.push_str(&format!(
            "段落{i}の文で、ここで折り返されて\n\n続きがあります。 \n\n"
        ));
    }
    raw.push_str("表の見出し \n\n表のセル \n\n");
    let text = body(&repair_document(&raw));
    assert!(
        text.contains("段落0の文で、ここで折り返されて続きがあります。"),
        "{text}"
    );
    assert!(text.contains("表の見出し\n\n表のセル"), "{text}");
}

#[test]
fn page_numbers_are_recognised() {
    for p in ["1", "12", "- 3 -", "―12―", "-13-", "— 4 —"] {
        assert!(is_page_number(p), "{p}");
    }
    for p in ["2014年", "第1章", "1 研修", "1234", "-"] {
        assert!(!is_page_number(p), "{p}");
    }
    let raw = "第1章 はじめに\n\n本文の段落です。\n\n- 2 -\n\n次の段落です。\n\n21\n";
    let doc = repair_document(raw);
    let text = body(&doc);
    assert!(!text.contains("- 2 -") && !text.contains("21"), "{text}");
    assert_eq!(doc.dropped.len(), 2);
    assert!(doc
        .dropped
        .iter()
        .all(|d| d.reason == DropReason::PageNumber));
}

#[test]
fn page_number_inside_a_fullwidth_dash_frame() {
    assert_eq!(clean_line(1, "-1３-").kind, Kind::PageNumber);
}

#[test]
fn running_headers_that_repeat_a_chapter_title_are_dropped() {
    let raw = "  第１章 趣旨 \n\n第１章 趣旨 \n\n本文です。\n  第１章 趣旨 \n\n続きです。\n\n  第２章 考え方 \n\n第２章 考え方 \n\n二章の本文です。\n";
    let doc = repair_document(raw);
    assert_eq!(doc.chapters.len(), 2);
    assert_eq!(doc.chapters[0].title, "第1章 趣旨");
    assert_eq!(doc.chapters[1].title, "第2章 考え方");
    assert_eq!(doc.chapters[0].first_line, 1);
    assert!(!body(&doc).contains("趣旨"), "{}", body(&doc));
    assert_eq!(
        doc.dropped
            .iter()
            .filter(|d| d.reason == DropReason::RunningHeader)
            .count(),
        3
    );
}

#[test]
fn a_chapter_heading_that_occurs_once_is_kept_even_if_indented_like_a_header() {
    let raw =
        "第１章 一 \n\n本文。\n\n  第１章 一 \n\n本文。 \n 第８章 推進体制 \n\n推進の本文。\n";
    let doc = repair_document(raw);
    let titles: Vec<&str> = doc.chapters.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, ["第1章 一", "第8章 推進体制"]);
    assert_eq!(doc.chapters[1].first_line, 8);
}

#[test]
fn slide_headers_ending_in_a_chapter_title_are_dropped() {
    let raw = " ３章 施策展開\n本文です。\n 基本施策 ３ 人財活用 ３章 施策展開\n続きです。\n";
    let doc = repair_document(raw);
    assert_eq!(doc.chapters.len(), 1);
    assert!(!body(&doc).contains("基本施策"), "{}", body(&doc));
}

#[test]
fn prose_that_mentions_a_chapter_is_not_a_heading() {
    assert!(heading("第2章で定める「求められる職員像」の実現に向けて").is_none());
    assert!(heading("第２章で述べたように、今後の人材育成の推進に必要な").is_none());
    let h = heading("第3章人材育成のための基本的方策").unwrap();
    assert_eq!(h.number, Some(3));
}

#[test]
fn heading_shapes() {
    let shape = |s: &str| heading(s).map(|h| (h.shape, h.number));
    assert_eq!(shape("第1章 はじめに"), Some((Shape::Chapter, Some(1))));
    assert_eq!(shape("## 第1章 はじめに"), Some((Shape::Chapter, Some(1))));
    assert_eq!(
        shape("## ■ 第3章 人材育成のための基本的方策"),
        Some((Shape::Chapter, Some(3)))
    );
    assert_eq!(shape("II章 役割・使命"), Some((Shape::Chapter, Some(2))));
    assert_eq!(shape("1章 策定の趣旨"), Some((Shape::Chapter, Some(1))));
    assert_eq!(shape("はじめに"), Some((Shape::Bookend, Some(0))));
    assert_eq!(
        shape("第2節 人材育成基本方針策定の目的"),
        Some((Shape::Section, Some(2)))
    );
    assert_eq!(
        shape("IV デジタル人材の育成・確保"),
        Some((Shape::Roman, Some(4)))
    );
    assert_eq!(
        shape("1-1 策定の背景と趣旨"),
        Some((Shape::Dashed, Some(1)))
    );
    assert_eq!(
        shape("3 職員に求められる能力や姿勢"),
        Some((Shape::Numbered, Some(3)))
    );
    assert_eq!(
        shape("(1)市役所の魅力発信の強化"),
        Some((Shape::Paren, Some(1)))
    );
    assert_eq!(shape("⑵ 組織文化"), Some((Shape::Paren, Some(2))));
    assert_eq!(shape("#### た 高い倫理観"), Some((Shape::MdOther, None)));
    // Sentences are not headings.
    assert_eq!(shape("1 研修を通じて育成していきます。"), None);
    assert_eq!(shape("2014年（358人）"), None);
}

#[test]
fn letter_spacing_is_collapsed_but_labels_keep_their_space() {
    assert_eq!(collapse_text("大 崎 市"), "大崎市");
    assert_eq!(collapse_text("目 次"), "目次");
    assert_eq!(collapse_text("第1章 はじめに"), "第1章 はじめに");
    assert_eq!(collapse_text("## 第1章 はじめに"), "## 第1章 はじめに");
    assert_eq!(collapse_text("#### た 高い倫理観"), "#### た 高い倫理観");
    assert_eq!(collapse_text("1 研修 体系"), "1 研修体系");
    assert_eq!(
        collapse_text("○ 組 織 内 の コ ミ ュ ニ"),
        "○ 組織内のコミュニ"
    );
    assert_eq!(
        collapse_text("ア 市民サービス向上のための"),
        "ア 市民サービス向上のための"
    );
    // A lone kana before a space is the tail of a wrapped word, not a label.
    assert_eq!(
        collapse_text("え 未来を描き 実現する"),
        "え未来を描き実現する"
    );
    assert_eq!(
        collapse_text("令和4年      11      月には"),
        "令和4年11月には"
    );
    assert_eq!(collapse_text("必要があります  。  "), "必要があります。");
    // Spurious spaces inside a phrase go; spaces between listed words stay.
    assert_eq!(
        collapse_text("身体 の健康 の維持 増進"),
        "身体の健康の維持増進"
    );
    assert_eq!(collapse_text("目指す 職員の 姿"), "目指す職員の姿");
    assert_eq!(
        collapse_text("本方針は、 任期付採用"),
        "本方針は、任期付採用"
    );
    assert_eq!(collapse_text("終期まで とします。"), "終期までとします。");
    assert_eq!(collapse_text("知 識 ・ 技 能"), "知識・技能");
    assert_eq!(
        collapse_text("初級職員研修 中堅職員研修 管理職研修"),
        "初級職員研修 中堅職員研修 管理職研修"
    );
    assert_eq!(
        collapse_text("・個人の向上が期待できる ・チーム内の情報共有が円滑になる"),
        "・個人の向上が期待できる ・チーム内の情報共有が円滑になる"
    );
}

#[test]
fn radicals_are_mapped() {
    let doc = repair_document("第１章 ⼈材\n\n市⺠ニーズと⻑時間労働、⾃⼰啓発。\n");
    assert_eq!(doc.chapters[0].title, "第1章 人材");
    assert!(body(&doc).contains("市民ニーズと長時間労働、自己啓発。"));
}

#[test]
fn html_remnants_and_markdown_escapes_are_stripped() {
    let raw = "第1章 はじめに\n\n内容\t<ul style=\"list-style-type: none\"> ・大学への情報発信。\n\n面談や1on1ミーティング\\*<sup>1</sup>等を通じて育成します。\n\n\\- 項目<br>です。\n";
    let text = body(&repair_document(raw));
    assert!(
        !text.contains("<ul") && !text.contains("style") && !text.contains("<sup>"),
        "{text}"
    );
    assert!(text.contains("1on1ミーティング*1等"), "{text}");
    assert!(!text.contains("\\*") && !text.contains("\\-"), "{text}");
}

#[test]
fn tab_separated_rows_become_a_markdown_table() {
    let raw = "第1章 表\n\n研修名\t内 容\t習得する能力\n初級職員研修\t基礎\t知識\n\n後の段落。\n";
    let text = body(&repair_document(raw));
    assert!(
        text.contains(
            "| 研修名 | 内容 | 習得する能力 |\n| --- | --- | --- |\n| 初級職員研修 | 基礎 | 知識 |"
        ),
        "{text}"
    );
}

#[test]
fn cover_and_contents_go_to_the_city_page_prose_goes_to_chapter_one() {
    let raw = "# 高崎市人材育成・確保基本方針\n\n令和8年3月\n\n# 目次\n\n第1章\tはじめに\t1\n\n## 第1章 はじめに\n\n本文。\n";
    let doc = repair_document(raw);
    assert_eq!(doc.chapters.len(), 1);
    assert_eq!(doc.chapters[0].first_line, 9);
    let (pre, first, last) = doc.preamble.clone().unwrap();
    assert!(pre.contains("| 第1章 | はじめに | 1 |"), "{pre}");
    assert_eq!((first, last), (1, 7));
    assert_eq!(doc.title.as_deref(), Some("高崎市人材育成・確保基本方針"));
    assert_eq!(doc.issued, Some(("令和8年3月".to_string(), 2026, 3)));

    let doc = repair_document(
        "本市の人材育成は、これまで取り組んでまいりました。\n\n 1章 策定の趣旨\n\n続き。\n",
    );
    assert!(doc.preamble.is_none());
    assert_eq!(doc.chapters[0].first_line, 1);
    assert!(doc.chapters[0].text.starts_with("本市の人材育成は"));
}

#[test]
fn a_caption_that_repeats_a_later_chapter_heading_is_not_a_chapter() {
    let raw = "I 概要\n\n本文。\n\nⅡ 「目指す職員の姿」実現への取組み\n\n区分\t取組\n1\t採用\n\nⅡ 「目指す職員の姿」実現への取組み\n\n二の本文。\n\nIII 研修\n\n三の本文。\n";
    let doc = repair_document(raw);
    let starts: Vec<usize> = doc.chapters.iter().map(|c| c.first_line).collect();
    assert_eq!(starts, [1, 10, 14]);
    assert!(doc.chapters[0]
        .text
        .contains("「目指す職員の姿」実現への取組み"));
}

#[test]
fn ocr_fixes_are_recorded_as_corrections() {
    let raw = "第1章 はじめに\n\nD×推進リーダーの育成・確保\n\nОＪＴ\n";
    let doc = repair_document(raw);
    let c = &doc.chapters[0];
    assert!(
        c.text.contains("DX推進リーダー") && c.text.contains("OJT"),
        "{}",
        c.text
    );
    assert_eq!(c.corrections.len(), 2);
    assert_eq!(c.corrections[0].line, 3);
    assert_eq!(c.corrections[0].source, "D×推進リーダーの育成・確保");
    assert_eq!(c.corrections[0].corrected, "DX推進リーダーの育成・確保");
    assert_eq!(c.corrections[1].source, "ОJT");
}

#[test]
fn a_footnote_mark_alone_on_its_line_glues_its_neighbours() {
    let raw = "第1章 一\n\n（３）HRテクノロジー\n※\n等を活用した人事情報の一元化\n\n本文。\n";
    let text = body(&repair_document(raw));
    assert!(
        text.contains("HRテクノロジー※等を活用した人事情報の一元化"),
        "{text}"
    );
}

#[test]
fn lone_symbol_debris_is_dropped() {
    assert_eq!(classify("¥"), Kind::Debris);
    let doc = repair_document("第1章 一\n\n本文。\n\n￥\n\n続き。\n");
    assert!(!body(&doc).contains('¥'));
}

#[test]
fn no_outline_gives_one_chapter() {
    let doc = repair_document("ただの文章です。\n\n二つ目の段落です。\n");
    assert_eq!(doc.chapters.len(), 1);
    assert_eq!(doc.chapters[0].title, "本文");
    assert_eq!(
        (doc.chapters[0].first_line, doc.chapters[0].last_line),
        (1, 3)
    );
}

#[test]
fn markdown_sensitive_text_is_escaped() {
    let doc = repair_document("第1章 一\n\n<特集>と<script>の話。\n\n# 目次ではない見出し\n");
    let text = body(&doc);
    assert!(text.contains("<特集>と&lt;script>の話。"), "{text}");
}

#[test]
fn japanese_dates() {
    assert_eq!(japanese_date("令和8年3月"), Some((2026, 3)));
    assert_eq!(japanese_date("平成20年3月"), Some((2008, 3)));
    assert_eq!(japanese_date("令和元年5月"), Some((2019, 5)));
    assert_eq!(japanese_date("令和8年3月策定"), None);
    assert_eq!(japanese_date("令和8年13月"), None);
}

#[test]
fn rendered_files_have_valid_front_matter() {
    let doc = repair_document("第1章 \"引用\" と \\ 記号\n\n本文。\n\nD×推進\n");
    let files = render_files(&CityNames::unknown("takasaki"), "000_x.txt", &doc);
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "_index.md",
            "_index.en.md",
            "chapters/_index.md",
            "chapters/_index.en.md",
            "chapters/01-chapter.md",
            "chapters/01-chapter.en.md"
        ]
    );
    for (path, content) in &files {
        let rest = content.strip_prefix("+++\n").expect("opening fence");
        let (front, _body) = rest.split_once("\n+++\n").expect("closing fence");
        let table: toml::Table =
            toml::from_str(front).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            table.get("title").and_then(|t| t.as_str()).is_some(),
            "{}",
            path.display()
        );
    }
    let ch: toml::Table = toml::from_str(
        files[4]
            .1
            .strip_prefix("+++\n")
            .unwrap()
            .split_once("\n+++\n")
            .unwrap()
            .0,
    )
    .unwrap();
    assert_eq!(ch["title"].as_str(), Some("第1章 \"引用\" と \\ 記号"));
    assert_eq!(ch["extra"]["source_lines"].as_array().unwrap().len(), 2);
    assert_eq!(ch["extra"]["corrections"][0]["line"].as_integer(), Some(5));
}

#[test]
fn roman_chapter_numbers_become_arabic_in_titles() {
    let doc = repair_document(" Ⅱ章 役割・使命\n\n本文。\n\n２章 役割・使命\n\n続き。\n");
    assert_eq!(doc.chapters.len(), 1);
    assert_eq!(doc.chapters[0].title, "2章 役割・使命");
    assert_eq!(doc.chapters[0].title_en, "Chapter 2");
}

#[test]
fn odd_inputs_never_panic() {
    for raw in [
        "",
        "\n",
        "#",
        "# ",
        "第",
        "第1章",
        "\t",
        "\t\t\n",
        "※",
        "※\n※",
        "（",
        "(1)",
        "-",
        "---",
        "1",
        "Ⅱ",
        "\u{feff}",
        "はじめに\nはじめに",
        "第1章\n第1章\n第2章",
        "<",
        "\\",
        "\r\n\r\n",
        "第1章 あ\n※\n",
        "## ■",
        "⑴",
        "ア イ",
        "\u{3000}\u{3000}",
    ] {
        let doc = repair_document(raw);
        assert!(!doc.chapters.is_empty(), "{raw:?}");
        for c in &doc.chapters {
            assert!(
                c.first_line >= 1 && c.first_line <= c.last_line,
                "{raw:?}: {c:?}"
            );
        }
        let _ = render_files(&CityNames::unknown("kofu"), "x.txt", &doc);
    }
}

/// A temporary site root with the repository's config.toml, `extra.cities` extended by `extra`.
fn site_with_cities(extra: &str) -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = std::fs::read_to_string(repo.join("config.toml")).unwrap();
    let mut added = 0;
    let config: String = config
        .lines()
        .map(|line| match line.strip_prefix("cities = [") {
            Some(rest) if added == 0 => {
                added += 1;
                let list = rest.trim_end().strip_suffix(']').unwrap();
                format!("cities = [{list}, \"{extra}\"]\n")
            }
            _ => format!("{line}\n"),
        })
        .collect();
    assert_eq!(added, 1, "config.toml lists its cities in `cities = [...]`");
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("config.toml"), config).unwrap();
    site
}

#[test]
fn a_city_added_to_config_toml_imports_without_the_warning() {
    let site = site_with_cities("kawagoe");
    let source = site.path().join("seed.txt");
    std::fs::write(
        &source,
        "# 川越市人材育成基本方針\n\n第1章 はじめに\n\n本文。\n\n第2章 育成\n\n本文。\n",
    )
    .unwrap();
    let cities = SiteCities::read(site.path()).unwrap();
    let position = cities.slugs().iter().position(|c| c == "kawagoe").unwrap();
    let opts = |city: &str| ImportOptions {
        city: city.to_string(),
        source: source.clone(),
        out: site.path().join("content/cities").join(city),
    };
    let report = import_with(&opts("kawagoe"), &cities).unwrap();
    assert!(
        report.warnings.iter().all(|w| !w.contains("kawagoe")),
        "{:?}",
        report.warnings
    );
    let page = std::fs::read_to_string(opts("kawagoe").out.join("_index.md")).unwrap();
    assert!(
        page.contains(&format!("\nweight = {}\n", position + 1)),
        "{page}"
    );
    // A city the config does not list is still warned about.
    let report = import_with(&opts("nagano"), &cities).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("city `nagano` is not in")),
        "{:?}",
        report.warnings
    );
}
