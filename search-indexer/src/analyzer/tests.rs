//! Unit tests of the analyzer.

use super::*;

/// `japanese_tokens`, which needs the dictionary: a test without it fails, never passes on
/// empty analysis.
fn japanese_tokens(text: &str) -> Vec<String> {
    super::japanese_tokens(text).expect("the dictionary loads")
}

/// [`analyze`] with the dictionary loaded first (a test without it fails, never passes on
/// empty analysis).
fn analyzed(text: &str) -> Vec<ATok> {
    ensure_dictionary().expect("the dictionary loads");
    analyze(text)
}

fn units(text: &str) -> Vec<String> {
    analyzed(text)
        .into_iter()
        .filter(|t| t.kind == Kind::Unit)
        .map(|t| t.text)
        .collect()
}

fn has(tokens: &[String], t: &str) -> bool {
    tokens.iter().any(|x| x == t)
}

#[test]
fn jinzai_and_jinzai_with_treasure_kanji_meet() {
    let a = japanese_tokens("人材確保");
    let b = japanese_tokens("人財確保");
    assert!(has(&a, "人材") && has(&a, "確保"), "{a:?}");
    assert!(has(&b, "人材") && has(&b, "確保"), "{b:?}");
    assert!(has(&a, "人材確保") && has(&b, "人材確保"), "{a:?} {b:?}");
    assert_eq!(units("人材確保"), units("人財確保"));
}

#[test]
fn torikumi_variants_meet() {
    let canon = units("取組");
    assert_eq!(canon, vec!["取組".to_string()]);
    for v in ["取り組み", "取組み", "取り組む", "取り組んでいる"] {
        assert!(has(&units(v), "取組"), "{v}: {:?}", units(v));
    }
}

#[test]
fn compound_is_indexed_whole_and_decomposed() {
    let toks = japanese_tokens("人材育成基本方針");
    for t in ["人材", "育成", "基本", "方針", "人材育成基本方針"] {
        assert!(has(&toks, t), "{t} missing from {toks:?}");
    }
    // Positions of the parts are consecutive, so phrase queries over parts work.
    let a = analyze("人材育成基本方針");
    let pos = |t: &str| {
        a.iter()
            .find(|x| x.text == t && x.kind == Kind::Unit)
            .unwrap()
            .pos
    };
    assert_eq!(pos("育成"), pos("人材") + 1);
    assert_eq!(pos("方針"), pos("基本") + 1);
}

#[test]
fn nakaguro_compound_matches_plain_spelling() {
    assert_eq!(
        units("ワーク・ライフ・バランス"),
        units("ワークライフバランス")
    );
    assert_eq!(
        units("ワーク・ライフ・バランス"),
        vec!["ワークライフバランス"]
    );
    assert_eq!(units("WLB"), vec!["ワークライフバランス"]);
}

#[test]
fn base_forms_for_inflected_words() {
    let t = units("研修を実施しました。能力を高めて");
    assert!(has(&t, "高める"), "{t:?}");
    assert!(has(&t, "研修") && has(&t, "実施"), "{t:?}");
}

#[test]
fn particles_and_symbols_dropped() {
    let t = japanese_tokens("職員の育成を、図ります。");
    assert!(
        !has(&t, "の") && !has(&t, "を") && !has(&t, "、") && !has(&t, "。"),
        "{t:?}"
    );
    assert!(!has(&t, "ます"), "{t:?}");
    assert!(has(&t, "職員") && has(&t, "育成"), "{t:?}");
}

#[test]
fn synonym_groups_apply() {
    // Each variant analyses to exactly one unit, the group's canonical term: equal and
    // non-empty, so two empty analyses cannot pass as "the same".
    for (variant, canonical) in [
        ("残業", "時間外勤務"),
        ("超過勤務", "時間外勤務"),
        ("育休", "育児休業"),
        ("育児休暇", "育児休業"),
        ("年休", "年次有給休暇"),
        ("セクハラ", "セクシュアルハラスメント"),
        ("セクシャルハラスメント", "セクハラ"),
        ("OJT", "職場研修"),
        ("ＯＪＴ", "OJT"),
        ("DX", "デジタルトランスフォーメーション"),
        ("1on1", "1on1ミーティング"),
        ("１on１面談", "1on1"),
        ("引上げ", "引き上げ"),
        ("身に付ける", "身につける"),
        ("身に着ける", "身につける"),
        ("捉われる", "とらわれる"),
    ] {
        let (a, b) = (units(variant), units(canonical));
        assert_eq!(a.len(), 1, "{variant}: {a:?}");
        assert_eq!(a, b, "{variant} and {canonical}");
    }
}

#[test]
fn variant_parts_stay_findable() {
    // 育児休業 is one canonical unit, but 育児 alone must still find it in text.
    let t = japanese_tokens("育児休業の取得");
    assert!(has(&t, "育児休業") && has(&t, "育児"), "{t:?}");
}

#[test]
fn offsets_point_into_original_text() {
    let text = "第３次　ＯＪＴの推進と人財確保";
    for t in analyze(text) {
        assert!(
            text.is_char_boundary(t.from) && text.is_char_boundary(t.to),
            "{t:?}"
        );
        assert!(t.from <= t.to && t.to <= text.len());
    }
    let ojt = analyze(text).into_iter().find(|t| t.text == "ojt").unwrap();
    assert_eq!(&text[ojt.from..ojt.to], "ＯＪＴ");
    let j = analyze(text)
        .into_iter()
        .find(|t| t.text == "人材")
        .unwrap();
    assert_eq!(&text[j.from..j.to], "人財");
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "",
        " ",
        "\u{0}\u{1}\u{7f}",
        "・・・",
        "ﾃﾚﾜｰｸ",
        "a\u{301}",
        "か\u{3099}",
        "🙂👍",
    ] {
        let _ = analyze(text);
    }
    let long = "人材育成".repeat(5000);
    assert!(!analyze(&long).is_empty());
}

#[test]
fn japanese_runs_of_english_text_keep_their_offsets() {
    let text = "The plan (人材育成基本方針) covers 1on1 and 人財確保.";
    let toks = analyze_japanese_runs(text);
    let j = toks.iter().find(|t| t.text == "人材育成基本方針").unwrap();
    assert_eq!(&text[j.from..j.to], "人材育成基本方針");
    let k = toks
        .iter()
        .find(|t| t.text == "人材" && t.from > j.to)
        .unwrap();
    assert_eq!(&text[k.from..k.to], "人財");
    assert!(toks.iter().all(|t| !t.text.contains("plan")));
    assert!(analyze_japanese_runs("English only.").is_empty());
}

#[test]
fn raw_segment_is_plain() {
    let s = raw_segment("人材育成の方針").expect("the dictionary loads");
    assert!(s.len() >= 3, "{s:?}");
    assert_eq!(s.concat(), "人材育成の方針");
}

#[test]
fn english_analyzer_stems_and_drops_stop_words() {
    let t: Vec<String> = analyze_english("The Trainings of staff")
        .into_iter()
        .map(|x| x.0)
        .collect();
    assert_eq!(t, vec!["train", "staff"]);
}

/// The position of the first token with this text.
fn pos_of(toks: &[ATok], text: &str) -> usize {
    toks.iter()
        .find(|t| t.text == text)
        .unwrap_or_else(|| panic!("{text} missing from {toks:?}"))
        .pos
}

/// A dropped word (a particle) leaves one position free, so that a phrase query does not
/// match across it.
#[test]
fn a_dropped_word_leaves_a_position_gap() {
    let toks = analyzed("人材の育成");
    assert_eq!(pos_of(&toks, "人材"), 0);
    assert_eq!(pos_of(&toks, "育成"), 2, "{toks:?}");
}

/// A term over [`MAX_TERM_BYTES`] is dropped (tantivy refuses it) and leaves a gap that also
/// ends the compound run; one of exactly that length is kept.
#[test]
fn overlong_terms_are_dropped_with_a_gap() {
    let longest = "a".repeat(MAX_TERM_BYTES);
    assert_eq!(units(&longest), vec![longest.clone()]);
    let toks = analyzed(&format!("人材{}育成", "a".repeat(MAX_TERM_BYTES + 1)));
    assert_eq!(
        toks.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
        ["人材", "育成"],
        "{toks:?}"
    );
    assert_eq!(pos_of(&toks, "育成"), pos_of(&toks, "人材") + 2);
}

/// Each Japanese passage of an English text starts two positions after the previous one's
/// last token: a phrase never spans two passages.
#[test]
fn japanese_passages_are_a_position_apart() {
    ensure_dictionary().expect("the dictionary loads");
    let toks = analyze_japanese_runs("研修English人材Plan育成");
    assert_eq!(pos_of(&toks, "研修"), 0);
    assert_eq!(pos_of(&toks, "人材"), 2, "{toks:?}");
    assert_eq!(pos_of(&toks, "育成"), 4, "{toks:?}");
}

/// What is kept of each part of speech, morpheme by morpheme (IPADIC's tags in brackets).
#[test]
fn each_part_of_speech_is_kept_or_dropped_as_documented() {
    let cases: &[(&str, &[&str])] = &[
        // Nouns; dependent nouns (こと), pronouns (これ) and special nouns (そう) go.
        ("研修することが重要である", &["研修", "重要"]),
        ("これを実施する", &["実施"]),
        ("そうだ", &[]),
        // Prefixes: kanji ones stay (各), hiragana ones go (ご).
        ("各職員", &["各", "職員"]),
        ("ご案内", &["案内"]),
        // Verbs by dictionary form; light (する, しまう, 図る) and dependent (いる) ones go.
        ("能力を高めている", &["能力", "高める"]),
        ("実施してしまう", &["実施"]),
        ("見直しを図る", &["見直し"]),
        // Adjectives; light (ない) and dependent (にくい) ones go.
        ("新しい制度がない", &["新しい", "制度"]),
        ("使いにくい", &["使う"]),
        // Adverbs in kanji stay (更に), in hiragana go (さらに).
        ("さらに更に推進", &["更に", "推進"]),
        // A lone hiragana noun (the suffix め) goes.
        ("一つめ", &["一つ"]),
    ];
    for (text, kept) in cases {
        assert_eq!(units(text), *kept, "{text}");
    }
}

/// Unknown words of one category share an id; their class depends on the surface (a symbol
/// with a digit is a word, a lone symbol is not), whatever was classified before.
#[test]
fn unknown_words_are_classified_by_their_surface_every_time() {
    for _ in 0..2 {
        assert_eq!(units("★①"), ["★①"]);
        assert!(units("★").is_empty());
    }
}

/// A multi-morpheme variant is one unit; its parts are stacked on its position, each part
/// itself canonical (引き上げ → 引上げ inside 定年の引き上げ).
#[test]
fn parts_of_a_variant_are_canonical_too() {
    let toks = analyzed("定年の引き上げ");
    let texts = |kind: Kind| -> Vec<&str> {
        toks.iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.text.as_str())
            .collect()
    };
    assert_eq!(texts(Kind::Unit), ["定年引上げ"]);
    assert_eq!(texts(Kind::Inner), ["定年", "引上げ"]);
}

/// A variant read as a verb (取り組む) stays a verb: it joins no compound, while the noun
/// reading (取り組み) does.
#[test]
fn a_verb_variant_joins_no_compound() {
    assert!(!japanese_tokens("取り組む職員").contains(&"取組職員".to_string()));
    assert!(japanese_tokens("取り組み職員").contains(&"取組職員".to_string()));
}

/// A variant's span starts at its first morpheme, not at a space before it.
#[test]
fn a_variant_after_a_space_starts_at_its_text() {
    let text = " 人財";
    let unit = analyzed(text)
        .into_iter()
        .find(|t| t.kind == Kind::Unit)
        .expect("a unit");
    assert_eq!(
        (unit.text.as_str(), &text[unit.from..unit.to]),
        ("人材", "人財")
    );
}

/// Each normalised character with the original text it came from.
fn aligned(text: &str) -> Vec<(char, &str)> {
    let (norm, starts, ends) = normalize_aligned(text);
    assert_eq!((starts.len(), ends.len()), (norm.len() + 1, norm.len() + 1));
    norm.char_indices()
        .map(|(b, c)| (c, &text[starts[b]..ends[b]]))
        .collect()
}

/// The text stage's alignment, character by character, over each kind of repair: case only
/// (the fast path), width, a deleted space or nakaguro (also two in a row), an expansion
/// (㍻ → 平成) that keeps the length equal, a contextual substitution (× read as X) and
/// composed sound marks.
#[test]
fn every_normalised_character_points_at_its_original() {
    let cases: &[(&str, &[(char, &str)])] = &[
        ("AbC", &[('a', "A"), ('b', "b"), ('c', "C")]),
        (
            "ＯＪＴ研修",
            &[
                ('o', "Ｏ"),
                ('j', "Ｊ"),
                ('t', "Ｔ"),
                ('研', "研"),
                ('修', "修"),
            ],
        ),
        ("人 材", &[('人', "人"), ('材', "材")]),
        ("人 　材", &[('人', "人"), ('材', "材")]),
        (
            "ワーク・ライフ㍻",
            &[
                ('ワ', "ワ"),
                ('ー', "ー"),
                ('ク', "ク"),
                ('ラ', "ラ"),
                ('イ', "イ"),
                ('フ', "フ"),
                ('平', "㍻"),
                ('成', "㍻"),
            ],
        ),
        (
            "ワーク・ ライフ",
            &[
                ('ワ', "ワ"),
                ('ー', "ー"),
                ('ク', "ク"),
                ('ラ', "ラ"),
                ('イ', "イ"),
                ('フ', "フ"),
            ],
        ),
        (
            "D×推進",
            &[('d', "D"), ('x', "×"), ('推', "推"), ('進', "進")],
        ),
        ("ｶﾞｲﾄﾞ", &[('ガ', "ｶ"), ('イ', "ｲ"), ('ド', "ﾄ")]),
    ];
    for (text, expected) in cases {
        assert_eq!(aligned(text), *expected, "{text}");
    }
}

/// The tantivy tokenizer registered under [`JA_TOKENIZER`] gives exactly [`analyze`]'s tokens
/// (text, position, offsets), so that any tantivy query over the index analyses like it.
#[test]
fn the_registered_tokenizer_streams_the_analysis() {
    ensure_dictionary().expect("the dictionary loads");
    let text = "人財確保と ＯＪＴ の取り組み";
    let mut analyzer = japanese_analyzer();
    let mut streamed = Vec::new();
    {
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            streamed.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
    }
    let expected: Vec<_> = analyze(text)
        .into_iter()
        .map(|t| (t.text, t.pos, t.from, t.to))
        .collect();
    assert!(expected.len() > 5, "{expected:?}");
    assert_eq!(streamed, expected);
    // A token can be edited in place, as tantivy's filters do.
    let mut stream = analyzer.token_stream(text);
    assert!(stream.advance());
    stream.token_mut().text.push('!');
    assert_eq!(stream.token().text, format!("{}!", expected[0].0));
    assert!(stream.advance());
    assert_eq!(stream.token().text, expected[1].0);
}
