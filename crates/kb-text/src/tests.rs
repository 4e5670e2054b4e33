use super::*;

#[test]
fn kangxi_radicals_become_ideographs() {
    assert_eq!(repair_chars("⼈材育成"), "人材育成");
    assert_eq!(repair_chars("能⼒を⾼める⾏動"), "能力を高める行動");
    assert_eq!(repair_chars("⾃⼰⽅針"), "自己方針");
}

#[test]
fn radical_supplement_lookalikes_become_ideographs() {
    assert_eq!(repair_chars("市⺠"), "市民");
    assert_eq!(repair_chars("課⻑"), "課長");
    assert_eq!(repair_chars("⻄⻝⺟⻘⻤⻩⻣"), "西食母青鬼黄骨");
    assert_eq!(repair_chars("⻲⻯⻭⻫⻨"), "亀竜歯斉麦");
}

#[test]
fn whole_radical_blocks_are_mapped() {
    for cp in (0x2E80..=0x2EF3).chain(0x2F00..=0x2FD5) {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        if cp == 0x2E9A {
            continue; // unassigned
        }
        let mapped = radical_to_ideograph(c).unwrap_or_else(|| panic!("U+{cp:04X} not mapped"));
        assert!(
            is_kanji(mapped),
            "U+{cp:04X} → {mapped} is not an ideograph"
        );
        let repaired = repair_chars(&c.to_string());
        assert!(
            !repaired
                .chars()
                .any(|r| matches!(r, '\u{2E80}'..='\u{2FDF}')),
            "U+{cp:04X} survives as {repaired}"
        );
    }
    // The supplement table is sorted (binary search) and has no duplicates.
    assert!(radicals::SUPPLEMENT.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(radicals::SUPPLEMENT.len(), 0x2EF3 - 0x2E80 + 1 - 1);
}

#[test]
fn nfkc_folds_width_and_compatibility_ideographs() {
    assert_eq!(repair_chars("ＤＸ推進　２０２５年"), "DX推進 2025年");
    assert_eq!(repair_chars("ｶﾀｶﾅ"), "カタカナ");
    assert_eq!(repair_chars("\u{F9DC}"), "隆"); // CJK compatibility ideograph
}

#[test]
fn list_markers_and_ellipsis_survive_nfkc() {
    assert_eq!(repair_chars("①研修 ⑵採用 ㈱ …"), "①研修 ⑵採用 ㈱ …");
}

#[test]
fn fullwidth_punctuation_option() {
    let keep = RepairOptions {
        keep_fullwidth_punctuation: true,
        ..Default::default()
    };
    assert_eq!(
        repair_chars_with("（仮称）：１～３年", &keep),
        "（仮称）：1〜3年"
    );
    assert_eq!(repair_chars("（仮称）：１～３年"), "(仮称):1~3年");
    let silent = RepairOptions {
        skip_ocr_fixes: true,
        ..Default::default()
    };
    assert_eq!(repair_chars_with("D×推進 ОJT ⼈", &silent), "D×推進 ОJT 人");
}

#[test]
fn cyrillic_and_greek_lookalikes_in_acronyms() {
    assert_eq!(repair_chars("ОＪＴ"), "OJT"); // Cyrillic О + full-width JT
    assert_eq!(repair_chars("ОJT研修"), "OJT研修");
    assert_eq!(repair_chars("ΑΙ活用"), "ΑΙ活用"); // all Greek: not touched (could be Greek)
    assert_eq!(repair_chars("ΑI活用"), "AI活用");
    assert_eq!(repair_chars("IСТ"), "ICT");
    assert_eq!(repair_chars("Москва"), "Москва");
    assert_eq!(repair_chars("ОJTи"), "ОJTи"); // touches a real Cyrillic letter
}

#[test]
fn times_sign_between_letters() {
    assert_eq!(repair_chars("D×推進"), "DX推進");
    assert_eq!(repair_chars("D×を推進"), "DXを推進");
    assert_eq!(repair_chars("GX・D×"), "GX・DX");
    assert_eq!(repair_chars("3×4"), "3×4");
    assert_eq!(repair_chars("A×3"), "A×3");
    assert_eq!(repair_chars("職位×能力"), "職位×能力");
    assert_eq!(repair_chars("D××"), "DXX");
    // Any number counts, not only ASCII digits: ① is kept as a list marker.
    assert_eq!(repair_chars("A×①"), "A×①");
}

#[test]
fn repair_keeps_newlines() {
    assert_eq!(repair_chars("⼈\n\n⺠\r\n"), "人\n\n民\r\n");
}

#[test]
fn collapse_letter_spaced_cells() {
    assert_eq!(collapse_japanese_spaces("大 崎 市"), "大崎市");
    assert_eq!(
        collapse_japanese_spaces("人 材 育 成　基 本 方 針"),
        "人材育成基本方針"
    );
    assert_eq!(collapse_japanese_spaces("職\t員"), "職員");
    assert_eq!(collapse_japanese_spaces("「 大 崎 」"), "「大崎」");
    assert_eq!(collapse_japanese_spaces("ワ ー ク"), "ワーク");
}

#[test]
fn collapse_keeps_latin_and_line_edges() {
    assert_eq!(
        collapse_japanese_spaces("Work Life Balance"),
        "Work Life Balance"
    );
    assert_eq!(collapse_japanese_spaces("3 days"), "3 days");
    assert_eq!(collapse_japanese_spaces("DX 推進"), "DX 推進");
    assert_eq!(collapse_japanese_spaces("推進 DX"), "推進 DX");
    assert_eq!(collapse_japanese_spaces("  字下げ "), "  字下げ ");
    assert_eq!(collapse_japanese_spaces("大\n崎"), "大\n崎");
    assert_eq!(collapse_japanese_spaces("1 研修体系"), "1 研修体系");
}

#[test]
fn collapse_numbers_between_japanese() {
    assert_eq!(collapse_japanese_spaces("令 和 5 年"), "令和5年");
    assert_eq!(collapse_japanese_spaces("第 1 章"), "第1章");
    assert_eq!(collapse_japanese_spaces("平成 20 年 3 月"), "平成20年3月");
    assert_eq!(collapse_japanese_spaces("令和 5年"), "令和5年");
    assert_eq!(collapse_japanese_spaces("A 5 年"), "A 5 年");
    // A number after Japanese keeps its gap to what follows unless that is Japanese too.
    assert_eq!(collapse_japanese_spaces("第1 Step"), "第1 Step");
    // A number at the end of the text, after Japanese: nothing Japanese follows, the gap stays.
    assert_eq!(collapse_japanese_spaces("令和 5"), "令和 5");
}

#[test]
fn nakaguro_between_katakana() {
    assert_eq!(
        remove_katakana_nakaguro("ワーク・ライフ・バランス"),
        "ワークライフバランス"
    );
    assert_eq!(remove_katakana_nakaguro("高崎・前橋"), "高崎・前橋");
    assert_eq!(
        remove_katakana_nakaguro("ジョブ・ローテーション"),
        "ジョブローテーション"
    );
    // A list of long words keeps its separators.
    assert_eq!(
        remove_katakana_nakaguro("パワーハラスメント・セクシャルハラスメント"),
        "パワーハラスメント・セクシャルハラスメント"
    );
    assert_eq!(remove_katakana_nakaguro("た・か・さ"), "た・か・さ");
    // Katakana on one side only, or at the end of the text: kept.
    assert_eq!(remove_katakana_nakaguro("ケア・支援"), "ケア・支援");
    assert_eq!(remove_katakana_nakaguro("ケア・"), "ケア・");
    assert_eq!(
        normalize_for_search("ワーク･ライフ･バランス"),
        "ワークライフバランス"
    );
}

#[test]
fn normalize_for_search_combines_all() {
    assert_eq!(
        normalize_for_search("⼤ 崎 市 の ワーク・ライフ・バランス と ОＪＴ"),
        "大崎市のワークライフバランスと OJT"
    );
    assert_eq!(normalize_for_search("市 ⺠ 課 ⻑"), "市民課長");
    assert_eq!(normalize_for_search("ワーク ・ ライフ"), "ワークライフ");
}

#[test]
fn html_remnants() {
    assert_eq!(
        strip_html_remnants("<ul style=\"list-style-type: none\">研修</ul>"),
        "研修"
    );
    assert_eq!(
        strip_html_remnants("一行目<br>二行目<br/>"),
        "一行目\n二行目\n"
    );
    assert_eq!(strip_html_remnants("<LI>項目</LI>"), "項目");
    assert_eq!(strip_html_remnants("A&amp;B&nbsp;C"), "A&B C");
    assert_eq!(strip_html_remnants("<特集> a < b"), "<特集> a < b");
}

#[test]
fn markdown_escapes() {
    assert_eq!(
        strip_markdown_escapes(r"\* 項目 \- 続き 1\."),
        "* 項目 - 続き 1."
    );
    assert_eq!(strip_markdown_escapes(r"C:\path"), r"C:\path");
}

#[test]
fn japanese_char_classes() {
    for c in ['あ', 'ア', 'ｱ', '漢', '々', '。', '「', '（', 'ー'] {
        assert!(is_japanese_char(c), "{c}");
    }
    for c in ['a', 'Z', '1', '１', ' ', '\u{3000}', '-', '('] {
        assert!(!is_japanese_char(c), "{c}");
    }
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    /// Strings biased towards the characters the functions care about.
    fn damaged_text() -> impl Strategy<Value = String> {
        let interesting = prop::sample::select(vec![
            ' ', '\u{3000}', '\t', '\n', '・', '･', '×', 'D', 'X', 'J', 'T', 'О', 'Α', 'и', '1',
            '3', '.', ',', 'あ', 'ア', 'ｱ', 'ﾞ', '\u{3099}', '゛', 'ー', '大', '崎', '⼈', '⺠',
            '⻑', '①', '㈱', '…', '（', '）', '～', '。', '、', 'a', '<', '>', '&', '\\', '*',
        ]);
        let any = any::<char>();
        prop::collection::vec(prop_oneof![4 => interesting, 1 => any], 0..40)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn repair_chars_is_idempotent(s in damaged_text()) {
            let once = repair_chars(&s);
            prop_assert_eq!(repair_chars(&once), once.clone());
            let keep = RepairOptions { keep_fullwidth_punctuation: true, ..Default::default() };
            let once = repair_chars_with(&s, &keep);
            prop_assert_eq!(repair_chars_with(&once, &keep), once);
        }

        #[test]
        fn collapse_is_idempotent(s in damaged_text()) {
            let once = collapse_japanese_spaces(&s);
            prop_assert_eq!(collapse_japanese_spaces(&once), once);
        }

        #[test]
        fn normalize_is_idempotent(s in damaged_text()) {
            let once = normalize_for_search(&s);
            prop_assert_eq!(normalize_for_search(&once), once);
        }

        #[test]
        fn newlines_are_kept(s in damaged_text()) {
            let lines = s.matches('\n').count();
            prop_assert_eq!(repair_chars(&s).matches('\n').count(), lines);
            prop_assert_eq!(collapse_japanese_spaces(&s).matches('\n').count(), lines);
            prop_assert_eq!(normalize_for_search(&s).matches('\n').count(), lines);
        }

        #[test]
        fn no_radicals_survive(s in damaged_text()) {
            let out = normalize_for_search(&s);
            prop_assert!(!out.chars().any(|c| radical_to_ideograph(c).is_some()));
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = normalize_for_search(&s);
            let _ = strip_html_remnants(&s);
            let _ = strip_markdown_escapes(&s);
            let _ = repair_chars_with(&s, &RepairOptions { keep_fullwidth_punctuation: true, ..Default::default() });
        }
    }
}

/// Each Cyrillic and Greek look-alike becomes its Latin letter between Latin letters (`ОJT`
/// typed with a Cyrillic О), and stays itself in a word of its own script.
#[test]
fn every_latin_lookalike_is_repaired_between_latin_letters() {
    let pairs = [
        ("АВСЕНІЈКМОРЅТХУҮ", "ABCEHIJKMOPSTXYY"),
        ("асеіјорѕху", "aceijopsxy"),
        ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"),
        ("ο", "o"),
    ];
    for (lookalikes, latin) in pairs {
        for (c, l) in lookalikes.chars().zip(latin.chars()) {
            assert_eq!(repair_chars(&format!("Q{c}Q")), format!("Q{l}Q"), "{c:?}");
        }
    }
    assert_eq!(repair_chars("Москва"), "Москва");
}

/// Only a known tag name followed by nothing, a space or `/` is a tag; a `<` inside the
/// brackets or a line break means the text is not one (`x <a <b>`: only `<b>` goes).
#[test]
fn only_whole_known_tags_are_stripped() {
    assert_eq!(strip_html_remnants("x <a <b>y"), "x <a y");
    assert_eq!(strip_html_remnants("<br\n>"), "<br\n>");
    assert_eq!(strip_html_remnants("<b-x>"), "<b-x>");
    assert_eq!(strip_html_remnants("<foo>"), "<foo>");
    assert_eq!(strip_html_remnants("1 < 2 > 0"), "1 < 2 > 0");
    assert_eq!(strip_html_remnants("a<br/>b<BR >c</li>"), "a\nb\nc");
}
