//! Property-based fuzzing on stable Rust (coverage-guided cargo-fuzz needs nightly): the
//! parsers and analyzers that read untrusted text must never panic, and their errors must stay
//! well-formed. Each property runs a fixed number of cases (`PROPTEST_CASES` overrides it, for
//! longer exploratory runs) and asserts that every one of them ran: a property that passes
//! without running proves nothing. The whole file takes well under two minutes in release.
//!
//! A failing case is shrunk by proptest and printed; it then belongs in the named regression
//! tests at the end of this file.

use kb_site::frontmatter::{self, PageFrontMatter};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use search_indexer::{Document, SearchError, SearchIndex, SearchRequest};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Runs `test` on `cases` generated values (`PROPTEST_CASES` overrides the number), asserts
/// that all of them ran and returns how many ran (shrinking included). Failure files are not written into the source tree: regressions are
/// kept as named tests below.
fn run<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> usize {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    assert!(cases > 0, "{name}: PROPTEST_CASES must be at least 1");
    let ran = AtomicUsize::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&strategy, |value| {
        ran.fetch_add(1, Ordering::Relaxed);
        test(value)
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    let ran = ran.into_inner();
    assert!(
        ran >= cases as usize,
        "{name}: only {ran} of {cases} cases ran"
    );
    ran
}

/// Characters that stress the Japanese text stages: kana and katakana with sound marks (also
/// combining and half-width), nakaguro in its forms, CJK radicals and compatibility ideographs,
/// full-width ASCII, every kind of space, and the odd control character.
fn japanese_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::char::range('\u{3040}', '\u{30ff}'), // hiragana, katakana, ・ ー ゛ ゜
        2 => prop::char::range('\u{ff61}', '\u{ff9f}'), // half-width katakana, ･ ﾞ ﾟ
        1 => prop::char::range('\u{2e80}', '\u{2fdf}'), // CJK radicals supplement, Kangxi
        1 => prop::char::range('\u{f900}', '\u{faff}'), // compatibility ideographs
        2 => prop::char::range('\u{4e00}', '\u{4fff}'), // common kanji
        1 => prop::char::range('\u{ff01}', '\u{ff5e}'), // full-width ASCII
        2 => prop::sample::select(vec![
            ' ', '\u{3000}', '\u{a0}', '\t', '\n', '\r', '・', '･', '\u{30fb}', '\u{ff65}',
            '\u{3099}', '\u{309a}', '゛', '゜', 'ー', '〜', '～', '\u{200b}', '\u{feff}', '\0',
            'a', 'Z', '1', '-', '"', '(', ')', '*', ':', '\\',
        ]),
        1 => any::<char>(),
    ]
}

fn japanese_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(japanese_char(), 0..max).prop_map(|cs| cs.into_iter().collect())
}

// ---------------------------------------------------------------------------------------------
// Front matter

/// Pieces of content files, so that random files often get past the fences.
fn front_matter_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++\n".to_string()),
        Just("+++".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("title = ".to_string()),
        Just("\"高崎市\"".to_string()),
        Just("weight = 1\n".to_string()),
        Just("[extra]\n".to_string()),
        Just("[taxonomies]\n".to_string()),
        Just("themes = [\"training\"]\n".to_string()),
        Just("date = 2026-03-01\n".to_string()),
        Just("aliases = [".to_string()),
        Just("draft = true\n".to_string()),
        Just("[[extra.kpis]]\n".to_string()),
        Just("= ".to_string()),
        Just("'''".to_string()),
        Just("\"\"\"".to_string()),
        Just("\u{feff}".to_string()),
        Just("# comment\n".to_string()),
        japanese_text(8),
        "[a-z_]{1,8}".prop_map(|s| s),
    ]
}

fn content_file() -> impl Strategy<Value = String> {
    prop::collection::vec(front_matter_piece(), 0..40).prop_map(|p| p.concat())
}

/// Real content files to mutate.
fn seeds() -> &'static Vec<String> {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini/content");
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "md") {
                    out.push(std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        out.sort();
        assert!(!out.is_empty());
        out
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
    Truncate(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), front_matter_piece()).prop_map(|(a, s)| Mutation::Insert(a, s)),
        (any::<usize>(), 0usize..80).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

/// The nearest char boundary at or below `i % (len + 1)`.
fn boundary(s: &str, i: usize) -> usize {
    let mut i = i % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut s = text.to_string();
    match m {
        Mutation::Delete(at, n) => {
            let a = boundary(&s, *at);
            let b = boundary(&s, (a + n).min(s.len()));
            s.replace_range(a..b.max(a), "");
        }
        Mutation::Insert(at, piece) => {
            let a = boundary(&s, *at);
            s.insert_str(a, piece);
        }
        Mutation::Duplicate(at, n) => {
            let a = boundary(&s, *at);
            let b = boundary(&s, (a + n).min(s.len())).max(a);
            let copy = s[a..b].to_string();
            s.insert_str(b, &copy);
        }
        Mutation::Truncate(at) => {
            let a = boundary(&s, *at);
            s.truncate(a);
        }
        Mutation::SwapLines(a, b) => {
            let mut lines: Vec<&str> = s.split('\n').collect();
            let n = lines.len();
            lines.swap(a % n, b % n);
            s = lines.join("\n");
        }
    }
    s
}

/// Splits and parses `text` as a page; every error must point at a line of the file.
fn check_front_matter(text: &str) -> Result<(), TestCaseError> {
    let path = Path::new("content/page.md");
    let lines = text.split('\n').count();
    match frontmatter::split(path, text) {
        Err(d) => {
            prop_assert!(d.line >= 1, "split error without a line: {d:?}");
            prop_assert!(d.line <= lines + 1, "split error past the end: {d:?}");
        }
        Ok(split) => {
            prop_assert!(split.front_matter_line >= 1 && split.body_line >= 1);
            if let Err(d) = frontmatter::parse::<PageFrontMatter>(path, &split) {
                prop_assert!(d.line >= 1, "parse error without a line: {d:?}");
                prop_assert!(d.line <= lines + 1, "parse error past the end: {d:?}");
                prop_assert!(!d.message.is_empty());
            }
        }
    }
    Ok(())
}

#[test]
fn front_matter_never_panics_on_arbitrary_text() {
    run("arbitrary text", 4096, any::<String>(), |text| {
        check_front_matter(&text)?;
        check_front_matter(&format!("+++\n{text}\n+++\n"))
    });
}

#[test]
fn front_matter_never_panics_on_file_like_text() {
    run("file-like text", 4096, content_file(), |text| {
        check_front_matter(&text)
    });
}

#[test]
fn front_matter_never_panics_on_mutated_files() {
    let strategy = (
        any::<prop::sample::Index>(),
        prop::collection::vec(mutation(), 1..6),
    );
    run("mutated files", 4096, strategy, |(seed, mutations)| {
        let seeds = seeds();
        let mut text = seed.get(seeds).clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        check_front_matter(&text)
    });
}

// ---------------------------------------------------------------------------------------------
// Text normaliser and analyzer

#[test]
fn normalize_for_search_is_idempotent() {
    let strategy = prop_oneof![japanese_text(60), any::<String>()];
    run("normalizer", 4096, strategy, |text| {
        let once = kb_text::normalize_for_search(&text);
        let twice = kb_text::normalize_for_search(&once);
        prop_assert_eq!(&twice, &once, "input {:?}", text);
        Ok(())
    });
}

#[test]
fn japanese_tokens_never_panic() {
    // The analyzer analyses: known text gives its words (no dictionary is an error, not an
    // empty analysis that every property below would pass on).
    let known = search_indexer::analyzer::japanese_tokens("人材育成基本方針を策定する")
        .expect("the dictionary loads");
    for word in ["人材", "育成", "方針", "策定"] {
        assert!(known.iter().any(|t| t == word), "{word} missing: {known:?}");
    }
    let tokens_seen = AtomicUsize::new(0);
    let strategy = prop_oneof![3 => japanese_text(60), 1 => any::<String>()];
    let ran = run("analyzer", 4096, strategy, |text| {
        let tokens = search_indexer::analyzer::japanese_tokens(&text)
            .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        prop_assert!(
            tokens.iter().all(|t| !t.is_empty()),
            "empty token from {:?}: {:?}",
            text,
            tokens
        );
        tokens_seen.fetch_add(tokens.len(), Ordering::Relaxed);
        Ok(())
    });
    // Random text of up to 60 characters, mostly kana and kanji, gives tokens on average.
    let seen = tokens_seen.into_inner();
    assert!(seen >= ran, "{seen} tokens from {ran} texts");
}

// ---------------------------------------------------------------------------------------------
// Queries

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<(tempfile::TempDir, SearchIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let doc = |url: &str,
                       lang: &str,
                       city: Option<&str>,
                       themes: &[&str],
                       title: &str,
                       body: &str| Document {
                url: url.into(),
                lang: lang.into(),
                kind: "measure".into(),
                city: city.map(str::to_string),
                chapter_path: vec!["1".into()],
                themes: themes.iter().map(|t| t.to_string()).collect(),
                status: Some("new".into()),
                title: title.into(),
                body: body.into(),
            };
            let docs = vec![
                doc(
                    "/a/",
                    "ja",
                    Some("osaki"),
                    &["training"],
                    "職員研修の充実",
                    "階層別研修とOJTで人材育成を進めます。ワーク・ライフ・バランスを推進。",
                ),
                doc(
                    "/en/a/",
                    "en",
                    Some("osaki"),
                    &["training"],
                    "Better staff training",
                    "Rank-based training and OJT develop staff. Work-life balance.",
                ),
                doc(
                    "/b/",
                    "ja",
                    Some("takasaki"),
                    &["recruitment"],
                    "多様な人材の確保",
                    "女性管理職の割合を30%に。ジョブローテーションを実施する。",
                ),
                doc(
                    "/en/b/",
                    "en",
                    Some("takasaki"),
                    &["recruitment"],
                    "Securing diverse staff",
                    "Raise the share of women managers to 30%. Job rotation.",
                ),
                doc(
                    "/c/",
                    "ja",
                    None,
                    &[],
                    "人材育成基本方針",
                    "⼈材育成（康熙部首を含む）とｶﾀｶﾅ、全角ＡＢＣ。",
                ),
            ];
            search_indexer::write_index(&docs, dir.path()).unwrap();
            let index = SearchIndex::open(dir.path()).unwrap();
            (dir, index)
        })
        .1
}

/// Pieces of queries: the syntax (quotes, exclusion, grouping) and words that match.
fn query_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just(" ".to_string()),
        Just("\u{3000}".to_string()),
        Just("OR".to_string()),
        Just("AND".to_string()),
        Just("NOT".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("*".to_string()),
        Just("title:".to_string()),
        Just("~2".to_string()),
        Just("^3".to_string()),
        Just("\\".to_string()),
        Just("研修".to_string()),
        Just("人材育成".to_string()),
        Just("training".to_string()),
        Just("job rotation".to_string()),
        Just("ワーク・ライフ・バランス".to_string()),
        Just("の".to_string()),
        Just("the".to_string()),
        japanese_text(6),
        "[a-zA-Z0-9]{1,6}".prop_map(|s| s),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(query_piece(), 0..12).prop_map(|p| p.concat()),
        1 => any::<String>(),
        1 => japanese_text(40),
    ]
}

fn filter() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some("osaki".to_string())),
        Just(Some("training".to_string())),
        Just(Some("ja".to_string())),
        Just(Some("en".to_string())),
        any::<String>().prop_map(Some),
    ]
}

fn number() -> impl Strategy<Value = usize> {
    prop_oneof![0usize..5, 0usize..200, Just(usize::MAX), any::<usize>()]
}

#[test]
fn search_never_fails_internally() {
    // The index answers: a word it holds is found (an index that finds nothing would pass every
    // property below).
    let known = SearchRequest {
        query: "研修".into(),
        ..Default::default()
    };
    let hits = index().search(&known).expect("search works").total;
    assert!(hits >= 1, "研修 found {hits} pages");
    let strategy = (query(), filter(), filter(), filter(), number(), number());
    run(
        "search",
        4096,
        strategy,
        |(query, city, theme, lang, limit, offset)| {
            let req = SearchRequest {
                query,
                city,
                theme,
                lang,
                limit,
                offset,
            };
            match index().search(&req) {
                Ok(resp) => {
                    prop_assert!(resp.results.len() <= resp.total);
                    prop_assert!(serde_json::to_string(&resp).is_ok());
                }
                Err(SearchError::BadRequest(m)) => prop_assert!(!m.is_empty()),
                Err(SearchError::Internal(e)) => {
                    return Err(TestCaseError::fail(format!(
                        "internal error for {req:?}: {e:#}"
                    )));
                }
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Regressions: inputs that once failed, and edge cases worth keeping whatever the generators do.

#[test]
fn regression_front_matter_edge_cases() {
    for text in [
        "",
        "+++",
        "+++\n",
        "+++\r\n+++",
        "+++\n+++\n",
        "\u{feff}+++\n+++\n",
        "+++\ntitle = \n+++\n",
        "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n",
        "+++\n[extra\n+++\n",
        "+++\n'''\n+++\n",
        "+++\ndate = 2026-13-45\n+++\n",
        "+++\n\u{0}\n+++\n",
    ] {
        check_front_matter(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}

#[test]
fn regression_normalizer_edge_cases() {
    for text in [
        "",
        "ワーク ・ ライフ",
        "カ ゛",
        "ｶﾞ･ｷ",
        "・・・",
        "ア・・イ",
        "⼈材",
        "\u{3099}\u{309a}",
        "ア\u{3000}・\u{3000}イ",
    ] {
        let once = kb_text::normalize_for_search(text);
        assert_eq!(kb_text::normalize_for_search(&once), once, "{text:?}");
    }
}

#[test]
fn regression_queries_edge_cases() {
    for (query, offset) in [
        ("", 0),
        ("\"", 0),
        ("-", 0),
        ("- -", 0),
        ("\"\"", 0),
        ("-\"研修", 0),
        ("研修", usize::MAX),
        ("・", 0),
        ("\u{3000}", 0),
    ] {
        let req = SearchRequest {
            query: query.into(),
            offset,
            ..Default::default()
        };
        assert!(
            !matches!(index().search(&req), Err(SearchError::Internal(_))),
            "{query:?}"
        );
    }
}
