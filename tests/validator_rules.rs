//! Every problem `kb check` reports, one failing input each: the edit of the mini fixture that
//! breaks the rule, and the exact `file:line` and message it must produce. A rule switched off
//! makes its case fail; an edit that no longer applies to the fixture fails too (it is never
//! silently a no-op). `kb build` rejects the same inputs and keeps the previous output.

mod common;
use common::*;
use std::path::Path;

const M: &str = "content/cities/takasaki/measures/takasaki-01.md";
const M_EN: &str = "content/cities/takasaki/measures/takasaki-01.en.md";
const CITY: &str = "content/cities/takasaki/_index.md";
const CITY_EN: &str = "content/cities/takasaki/_index.en.md";
const CH: &str = "content/cities/takasaki/chapters/01-intro.md";
const CH_EN: &str = "content/cities/takasaki/chapters/01-intro.en.md";
const CH2: &str = "content/cities/takasaki/chapters/02-more.md";
const CH2_EN: &str = "content/cities/takasaki/chapters/02-more.en.md";

/// One change to the site.
enum Edit {
    /// Replaces every occurrence of the text, which must occur.
    Replace(&'static str, &'static str, &'static str),
    /// Inserts bytes after the first occurrence of the text, which must occur.
    InsertBytes(&'static str, &'static str, &'static [u8]),
    Append(&'static str, &'static [u8]),
    Write(&'static str, &'static str),
    /// Writes a file of `n` bytes of front matter and filler.
    WriteLarge(&'static str, usize),
    Copy(&'static str, &'static str),
    Remove(&'static str),
    RemoveDir(&'static str),
}

fn apply(root: &Path, edit: &Edit) {
    let read = |f: &str| std::fs::read(root.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let write = |f: &str, bytes: &[u8]| {
        let path = root.join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    match *edit {
        Edit::Replace(f, from, to) => {
            let text = String::from_utf8(read(f)).unwrap();
            assert!(text.contains(from), "{f} does not contain {from:?}");
            write(f, text.replace(from, to).as_bytes());
        }
        Edit::InsertBytes(f, after, bytes) => {
            let mut b = read(f);
            let text = String::from_utf8(b.clone()).unwrap();
            let at = text
                .find(after)
                .unwrap_or_else(|| panic!("{f} does not contain {after:?}"))
                + after.len();
            b.splice(at..at, bytes.iter().copied());
            write(f, &b);
        }
        Edit::Append(f, bytes) => {
            let mut b = read(f);
            b.extend_from_slice(bytes);
            write(f, &b);
        }
        Edit::Write(f, text) => write(f, text.as_bytes()),
        Edit::WriteLarge(f, n) => {
            let mut b = b"+++\ntitle = \"x\"\n+++\n".to_vec();
            b.resize(n, b'a');
            write(f, &b);
        }
        Edit::Copy(from, to) => write(to, &read(from)),
        Edit::Remove(f) => std::fs::remove_file(root.join(f)).unwrap(),
        Edit::RemoveDir(d) => std::fs::remove_dir_all(root.join(d)).unwrap(),
    }
}

/// Where the diagnostic must point.
enum Line {
    At(usize),
    /// The line of the file (after the edits) holding this text.
    Of(&'static str),
    /// The line after it.
    After(&'static str),
}

struct Case {
    rule: &'static str,
    /// Changes that keep the site valid (pages the case needs); checked before `breaks`.
    setup: Vec<Edit>,
    breaks: Vec<Edit>,
    file: &'static str,
    line: Line,
    /// A fragment of the message.
    message: &'static str,
}

fn case(
    rule: &'static str,
    breaks: Vec<Edit>,
    file: &'static str,
    line: Line,
    message: &'static str,
) -> Case {
    Case {
        rule,
        setup: Vec::new(),
        breaks,
        file,
        line,
        message,
    }
}

/// A second chapter, so that a measure can name another existing chapter.
fn second_chapter() -> Vec<Edit> {
    vec![Edit::Copy(CH, CH2), Edit::Copy(CH_EN, CH2_EN)]
}

use Edit::*;
use Line::*;

fn cases() -> Vec<Case> {
    vec![
        // --- Reading files (content.rs, frontmatter.rs) ---
        case(
            "content directory exists",
            vec![RemoveDir("content")],
            "content",
            At(1),
            "the content directory does not exist",
        ),
        case(
            "file size limit",
            vec![WriteLarge(M, 9 * 1024 * 1024)],
            M,
            At(1),
            "the file is too large",
        ),
        case(
            "UTF-8 only",
            vec![Append(M, b"\n\xff\xfe")],
            M,
            At(16),
            "the file is not valid UTF-8",
        ),
        case(
            "language suffix",
            vec![Copy(M, "content/cities/takasaki/measures/takasaki-01.fr.md")],
            "content/cities/takasaki/measures/takasaki-01.fr.md",
            At(1),
            "unknown language `fr` in the file name",
        ),
        case(
            "no byte-order mark",
            vec![InsertBytes(M, "", "\u{feff}".as_bytes())],
            M,
            At(1),
            "the file starts with a UTF-8 byte-order mark",
        ),
        case(
            "not empty",
            vec![Write(M, "")],
            M,
            At(1),
            "the file is empty",
        ),
        case(
            "opening fence",
            vec![Replace(M, "+++\ntitle", "title")],
            M,
            At(1),
            "missing front matter: the file must start with a `+++` line",
        ),
        case(
            "closing fence",
            vec![Replace(M, "156, 165]\n+++\n", "156, 165]\n")],
            M,
            At(1),
            "is never closed by a second `+++` line",
        ),
        case(
            "front matter is TOML",
            vec![Replace(M, "weight = 1", "weight = = 1")],
            M,
            At(3),
            "invalid front matter:",
        ),
        case(
            "known front matter keys",
            vec![Replace(M, "weight = 1", "wieght = 1")],
            M,
            At(3),
            "invalid front matter: unknown field `wieght`",
        ),
        case(
            "front matter types",
            vec![Replace(M, "weight = 1", "weight = \"first\"")],
            M,
            At(3),
            "invalid front matter: invalid type",
        ),
        case(
            "sections have no taxonomies",
            vec![Replace(
                "content/cities/_index.md",
                "title = \"市\"\n",
                "title = \"市\"\n[taxonomies]\nthemes = [\"training\"]\n",
            )],
            "content/cities/_index.md",
            At(3),
            "invalid front matter: unknown field `taxonomies`",
        ),
        case(
            "known [extra] keys",
            vec![Replace(M, "status = \"new\"", "state = \"new\"")],
            M,
            At(10),
            "invalid [extra]: unknown field `state`",
        ),
        // --- The site configuration (config.rs, site.rs) ---
        case(
            "config.toml exists",
            vec![Remove("config.toml")],
            "config.toml",
            At(1),
            "cannot read the site configuration",
        ),
        case(
            "config.toml is UTF-8",
            vec![InsertBytes("config.toml", "base_url = \"/\"\n", b"\xff\n")],
            "config.toml",
            After("base_url = \"/\""),
            "config.toml is not valid UTF-8",
        ),
        case(
            "config.toml is TOML",
            vec![Replace(
                "config.toml",
                "default_language = \"ja\"",
                "default_language = = \"ja\"",
            )],
            "config.toml",
            Of("default_language = ="),
            "invalid front matter:",
        ),
        case(
            "base_url is a path or an http(s) URL",
            vec![Replace("config.toml", "base_url = \"/\"", "base_url = \"jinji/kb\"")],
            "config.toml",
            Of("base_url = \"jinji/kb\""),
            "base_url: `jinji/kb` is neither an absolute http(s) URL nor a path starting with `/`",
        ),
        case(
            "known config keys",
            vec![Replace("config.toml", "compile_sass =", "compile_sas =")],
            "config.toml",
            Of("compile_sas ="),
            "unknown field `compile_sas`",
        ),
        case(
            "theme names in both languages",
            vec![Replace(
                "config.toml",
                "recruitment = { ja = \"採用\", en = \"Recruitment\" }",
                "recruitment = { ja = \"採用\" }",
            )],
            "config.toml",
            Of("recruitment = { ja = \"採用\" }"),
            "theme `recruitment` needs names as { ja = \"…\", en = \"…\" }",
        ),
        case(
            "Japanese is the default language",
            vec![Replace(
                "config.toml",
                "default_language = \"ja\"",
                "default_language = \"en\"",
            )],
            "config.toml",
            Of("default_language = \"en\""),
            "default_language must be \"ja\"",
        ),
        case(
            "an English language table",
            vec![Replace("config.toml", "[languages.en", "[languages.fr")],
            "config.toml",
            At(1),
            "config.toml needs a [languages.en] table",
        ),
        case(
            "UI strings in English",
            vec![Replace(
                "config.toml",
                "[translations]\n",
                "[translations]\nzz_only_ja = \"日本語だけ\"\n",
            )],
            "config.toml",
            At(1),
            "UI string `zz_only_ja` has no English translation",
        ),
        case(
            "UI strings in Japanese",
            vec![Replace(
                "config.toml",
                "[languages.en.translations]\n",
                "[languages.en.translations]\nzz_only_en = \"English only\"\n",
            )],
            "config.toml",
            At(1),
            "UI string `zz_only_en` has no Japanese version",
        ),
        case(
            "every configured city has a page",
            vec![Replace(
                "config.toml",
                "cities = [\"takasaki\"]",
                "cities = [\"takasaki\", \"kofu\"]",
            )],
            "config.toml",
            At(1),
            "city `kofu` is listed in extra.cities but content/cities/kofu/_index.md does not exist",
        ),
        // --- Every page (validate.rs) ---
        case(
            "a title",
            vec![Replace(M, "title = \"一般研修\"\n", "")],
            M,
            At(1),
            "missing required field `title`",
        ),
        case(
            "`updated` is a date",
            vec![Replace(M, "weight = 1\n", "weight = 1\nupdated = \"yesterday\"\n")],
            M,
            Of("updated ="),
            "`updated` is not a date: `yesterday` (write it as 2026-11-30)",
        ),
        case(
            "city folders are configured cities",
            vec![
                Write(
                    "content/cities/maebashi/_index.md",
                    "+++\ntitle = \"前橋市\"\n+++\n",
                ),
                Write(
                    "content/cities/maebashi/_index.en.md",
                    "+++\ntitle = \"Maebashi\"\n+++\n",
                ),
            ],
            "content/cities/maebashi/_index.md",
            At(1),
            "unknown city `maebashi` (folder content/cities/maebashi/)",
        ),
        case(
            "configured taxonomies",
            vec![Replace(M, "[taxonomies]\n", "[taxonomies]\ntags = [\"x\"]\n")],
            M,
            At(5),
            "unknown taxonomy `tags`",
        ),
        case(
            "known themes",
            vec![Replace(M, "\"ojt\"]", "\"ojtt\"]")],
            M,
            At(6),
            "unknown theme `ojtt` in taxonomies.themes",
        ),
        case(
            "known cities in taxonomies",
            vec![Replace(
                M,
                "cities = [\"takasaki\"]",
                "cities = [\"maebashi\"]",
            )],
            M,
            At(5),
            "unknown city `maebashi` in taxonomies.cities",
        ),
        case(
            "no value twice in a taxonomy",
            vec![Replace(M, "\"ojt\"]", "\"ojt\", \"ojt\"]")],
            M,
            At(6),
            "`ojt` is listed twice in taxonomies.themes",
        ),
        case(
            "corrections only in Japanese chapters",
            vec![Replace(
                CH_EN,
                "source_lines = [39, 57]\n",
                "source_lines = [39, 57]\n[[extra.corrections]]\nline = 40\nsource = \"a\"\ncorrected = \"b\"\n",
            )],
            CH_EN,
            At(6),
            "corrections belong in the Japanese file, whose text they correct",
        ),
        case(
            "no translation missing (English)",
            vec![Write("content/about.md", "+++\ntitle = \"概要\"\n+++\n")],
            "content/about.md",
            At(1),
            "missing English translation: create content/about.en.md",
        ),
        case(
            "no translation missing (Japanese)",
            vec![Write("content/about.en.md", "+++\ntitle = \"About\"\n+++\n")],
            "content/about.en.md",
            At(1),
            "missing Japanese original: create content/about.md",
        ),
        Case {
            rule: "unique URLs",
            setup: second_chapter(),
            breaks: vec![Replace(CH2, "weight = 1\n", "weight = 1\nslug = \"01-intro\"\n")],
            file: CH2,
            line: At(4),
            message: "duplicate URL /cities/takasaki/chapters/01-intro/: also produced by content/cities/takasaki/chapters/01-intro.md",
        },
        case(
            "theme URLs are generated",
            vec![
                Write("content/themes/x.md", "+++\ntitle = \"x\"\n+++\n"),
                Write("content/themes/x.en.md", "+++\ntitle = \"x\"\n+++\n"),
            ],
            "content/themes/x.md",
            At(1),
            "duplicate URL /themes/x/: theme pages are generated from the themes taxonomy",
        ),
        case(
            "internal links resolve",
            vec![Replace(CH, "takasaki-01.md)", "takasaki-99.md)")],
            CH,
            At(9),
            "broken internal link `@/cities/takasaki/measures/takasaki-99.md`",
        ),
        // --- Measures ---
        case(
            "a measure's id starts with its city",
            vec![
                Copy(M, "content/cities/takasaki/measures/extra-01.md"),
                Copy(M_EN, "content/cities/takasaki/measures/extra-01.en.md"),
            ],
            "content/cities/takasaki/measures/extra-01.md",
            At(1),
            "a measure's file name is its id and must start with `takasaki-`",
        ),
        case(
            "a measure's city is its folder's",
            vec![Replace(M, "cities = [\"takasaki\"]", "cities = []")],
            M,
            At(5),
            "taxonomies.cities must be [\"takasaki\"], the city of the folder",
        ),
        case(
            "a measure has a theme",
            vec![Replace(M, "themes = [\"training\", \"ojt\"]", "themes = []")],
            M,
            At(4),
            "a measure needs at least one theme in taxonomies.themes",
        ),
        case(
            "known status",
            vec![Replace(M, "status = \"new\"", "status = \"done\"")],
            M,
            At(10),
            "unknown status `done`",
        ),
        case(
            "known commitment",
            vec![Replace(M, "commitment = \"implement\"", "commitment = \"promise\"")],
            M,
            At(11),
            "unknown commitment `promise`",
        ),
        case(
            "a commitment",
            vec![Replace(M, "commitment = \"implement\"\n", "")],
            M,
            At(7),
            "missing required field `extra.commitment`",
        ),
        case(
            "the chapter exists",
            vec![Replace(M, "chapter = \"01-intro\"", "chapter = \"09-none\"")],
            M,
            At(8),
            "extra.chapter `09-none` names no file content/cities/takasaki/chapters/09-none.md",
        ),
        case(
            "a chapter",
            vec![Replace(M, "chapter = \"01-intro\"\n", "")],
            M,
            At(7),
            "missing required field `extra.chapter`",
        ),
        Case {
            rule: "source lines ascending",
            // One line, first = last, is a range.
            setup: vec![Replace(M, "[156, 165]", "[156, 156]")],
            breaks: vec![Replace(M, "[156, 156]", "[165, 156]")],
            file: M,
            line: At(12),
            message: "source_lines [165, 156] must be 1-based and ascending",
        },
        case(
            "source lines 1-based",
            vec![Replace(M, "[156, 165]", "[0, 165]")],
            M,
            At(12),
            "source_lines [0, 165] must be 1-based and ascending",
        ),
        case(
            "corrections only in Japanese measures",
            vec![Replace(
                M_EN,
                "source_lines = [156, 165]\n",
                "source_lines = [156, 165]\n[[extra.corrections]]\nline = 160\nsource = \"a\"\ncorrected = \"b\"\n",
            )],
            M_EN,
            At(13),
            "corrections belong in the Japanese file, whose text they correct",
        ),
        case(
            "twins agree on taxonomies",
            vec![Replace(M_EN, "themes = [\"training\", \"ojt\"]", "themes = [\"training\"]")],
            M_EN,
            At(4),
            "`taxonomies` differs from the Japanese file content/cities/takasaki/measures/takasaki-01.md",
        ),
        case(
            "twins agree on status",
            vec![Replace(M_EN, "status = \"new\"", "status = \"expanded\"")],
            M_EN,
            At(10),
            "`status` differs from the Japanese file content/cities/takasaki/measures/takasaki-01.md",
        ),
        case(
            "twins agree on commitment",
            vec![Replace(M_EN, "commitment = \"implement\"", "commitment = \"consider\"")],
            M_EN,
            At(11),
            "`commitment` differs from the Japanese file content/cities/takasaki/measures/takasaki-01.md",
        ),
        Case {
            rule: "twins agree on chapter",
            setup: second_chapter(),
            breaks: vec![Replace(M_EN, "chapter = \"01-intro\"", "chapter = \"02-more\"")],
            file: M_EN,
            line: At(8),
            message: "`chapter` differs from the Japanese file content/cities/takasaki/measures/takasaki-01.md",
        },
        // --- City pages ---
        case(
            "KPIs only in the Japanese city page",
            vec![Replace(
                CITY_EN,
                "structure = \"Three chapters.\"\n",
                "structure = \"Three chapters.\"\n[[extra.kpis]]\nid = \"takasaki-kpi-09\"\nindicator = { ja = \"a\", en = \"a\" }\n",
            )],
            CITY_EN,
            At(10),
            "extra.kpis belongs only in the Japanese _index.md",
        ),
        case(
            "frameworks only in the Japanese city page",
            vec![Replace(
                CITY_EN,
                "structure = \"Three chapters.\"\n",
                "structure = \"Three chapters.\"\n[[extra.frameworks]]\nid = \"x\"\nname = { ja = \"a\", en = \"a\" }\nlevels = []\n",
            )],
            CITY_EN,
            At(10),
            "extra.frameworks belongs only in the Japanese _index.md",
        ),
        case(
            "training systems only in the Japanese city page",
            vec![Replace(
                CITY_EN,
                "structure = \"Three chapters.\"\n",
                "structure = \"Three chapters.\"\n[[extra.training]]\nid = \"y\"\nname = { ja = \"a\", en = \"a\" }\n",
            )],
            CITY_EN,
            At(10),
            "extra.training belongs only in the Japanese _index.md",
        ),
        case(
            "corrections only in the Japanese city page",
            vec![Replace(
                CITY_EN,
                "structure = \"Three chapters.\"\n",
                "structure = \"Three chapters.\"\n[[extra.corrections]]\nline = 1\nsource = \"a\"\ncorrected = \"b\"\n",
            )],
            CITY_EN,
            At(10),
            "extra.corrections belongs only in the Japanese _index.md",
        ),
        case(
            "a city's source is a file name",
            vec![Replace(CITY, "source = \"takasaki.txt\"", "source = \"x/takasaki.txt\"")],
            CITY,
            Of("source = "),
            "source `x/takasaki.txt` must be a file name in sources/ (no folder)",
        ),
        case(
            "a city's source file exists",
            vec![Replace(CITY, "source = \"takasaki.txt\"", "source = \"nope.txt\"")],
            CITY,
            Of("source = "),
            "source file `sources/nope.txt` not found",
        ),
        case(
            "twins agree on the source",
            vec![Replace(
                CITY_EN,
                "structure = \"Three chapters.\"\n",
                "structure = \"Three chapters.\"\nsource = \"kofu.txt\"\n",
            )],
            CITY_EN,
            Of("source = "),
            "source `kofu.txt` differs from the Japanese page's `takasaki.txt`: a city has one source document",
        ),
        Case {
            rule: "plan period in order",
            // A plan of one year starts and ends in the same year.
            setup: vec![Replace(
                CITY,
                "issued_month = 3\n",
                "issued_month = 3\nperiod_start = 2026\nperiod_end = 2026\n",
            )],
            breaks: vec![Replace(CITY, "period_end = 2026", "period_end = 2020")],
            file: CITY,
            line: At(10),
            message: "period_end 2020 is before period_start 2026",
        },
        case(
            "issued month is a month",
            vec![Replace(CITY, "issued_month = 3", "issued_month = 13")],
            CITY,
            At(8),
            "issued_month 13 is not a month",
        ),
        case(
            "one mark per framework level",
            vec![Replace(CITY, "marks = [\"○\", \"◎\"]", "marks = [\"○\"]")],
            CITY,
            At(29),
            "framework `takasaki-admin`, row `倫理観`: 1 marks for 2 levels",
        ),
        case(
            "one description per framework level",
            vec![Replace(
                CITY,
                "marks = [\"○\", \"◎\"]\n",
                "marks = [\"○\", \"◎\"]\ndescriptions = [{ ja = \"a\", en = \"a\" }]\n",
            )],
            CITY,
            At(29),
            "framework `takasaki-admin`, row `倫理観`: 1 descriptions for 2 levels",
        ),
        case(
            "known framework marks",
            vec![Replace(CITY, "marks = [\"○\", \"◎\"]", "marks = [\"○\", \"×\"]")],
            CITY,
            At(29),
            "framework `takasaki-admin`: mark `×` is not one of ◎ ○ 〇 △",
        ),
        case(
            "framework and training ids unique",
            vec![Replace(
                CITY,
                "[[extra.corrections]]",
                "[[extra.training]]\nid = \"takasaki-admin\"\nname = { ja = \"a\", en = \"a\" }\n\n[[extra.corrections]]",
            )],
            CITY,
            At(25),
            "id `takasaki-admin` is used twice",
        ),
        case(
            "KPI ids unique",
            vec![Replace(
                CITY,
                "[[extra.frameworks]]",
                "[[extra.kpis]]\nid = \"takasaki-kpi-01\"\nindicator = { ja = \"b\", en = \"b\" }\n\n[[extra.frameworks]]",
            )],
            CITY,
            At(16),
            "KPI id `takasaki-kpi-01` is also used in content/cities/takasaki/_index.md",
        ),
        case(
            "KPI ids start with the city",
            vec![Replace(CITY, "id = \"takasaki-kpi-01\"", "id = \"kofu-kpi-01\"")],
            CITY,
            At(16),
            "KPI id `kofu-kpi-01` must start with `takasaki-`",
        ),
        case(
            "a KPI's measure exists",
            vec![Replace(CITY, "measure = \"takasaki-01\"", "measure = \"takasaki-99\"")],
            CITY,
            At(16),
            "KPI `takasaki-kpi-01`: measure `takasaki-99` does not exist in takasaki",
        ),
        case(
            "known KPI unit",
            vec![Replace(CITY, "unit = \"percent\"", "unit = \"percents\"")],
            CITY,
            At(16),
            "KPI `takasaki-kpi-01`: unknown unit `percents`",
        ),
        case(
            "known KPI comparator",
            vec![Replace(CITY, "comparator = \"at-least\"", "comparator = \"more-than\"")],
            CITY,
            At(16),
            "KPI `takasaki-kpi-01`: unknown comparator `more-than`",
        ),
        case(
            "a KPI's era label names its year",
            vec![Replace(CITY, "year = 2021, value = 15.6", "year = 2022, value = 15.6")],
            CITY,
            At(16),
            "KPI `takasaki-kpi-01`: baseline: label `R3年度` is fiscal year 2021, but year = 2022",
        ),
        Case {
            rule: "a baseline already past an at-least target is a level to maintain",
            // A baseline equal to its target is not past it.
            setup: vec![Replace(CITY, "year = 2025, value = 30 }", "year = 2025, value = 15.6 }")],
            breaks: vec![Replace(CITY, "year = 2025, value = 15.6 }", "year = 2025, value = 10 }")],
            file: CITY,
            line: At(16),
            message: "KPI `takasaki-kpi-01`: the baseline already meets the target, which a chart would draw as a planned fall: set `maintain = true` if the source asks to keep the level (維持), or check the figures",
        },
        Case {
            rule: "a baseline already past an at-most target is a level to maintain",
            setup: vec![
                Replace(CITY, "comparator = \"at-least\"", "comparator = \"at-most\""),
                Replace(CITY, "year = 2025, value = 30 }", "year = 2025, value = 15.6 }"),
            ],
            breaks: vec![Replace(CITY, "year = 2025, value = 15.6 }", "year = 2025, value = 30 }")],
            file: CITY,
            line: At(16),
            message: "KPI `takasaki-kpi-01`: the baseline already meets the target",
        },
        Case {
            rule: "a level to maintain has a target and a comparator",
            // Without `maintain`, an indicator needs no comparator.
            setup: vec![Replace(CITY, "comparator = \"at-least\"\n", "")],
            breaks: vec![Replace(CITY, "unit = \"percent\"\n", "unit = \"percent\"\nmaintain = true\n")],
            file: CITY,
            line: At(16),
            message: "KPI `takasaki-kpi-01`: `maintain = true` needs a target and a comparator `at-least` or `at-most`",
        },
        case(
            "no indicators and indicators",
            vec![Replace(
                CITY,
                "source = \"takasaki.txt\"\n",
                "source = \"takasaki.txt\"\nno_kpis = { ja = \"なし\", en = \"None\" }\n",
            )],
            CITY,
            Of("no_kpis"),
            "no_kpis says the city has no indicators, but it lists extra.kpis",
        ),
        // --- Templates (checked by rendering every page) ---
        case(
            "a page's template exists",
            vec![Replace(M, "weight = 1\n", "weight = 1\ntemplate = \"nope.html\"\n")],
            M,
            At(1),
            "template `nope.html` not found",
        ),
        case(
            "templates parse",
            vec![Append("templates/404.html", b"\n{% if %}\n")],
            "templates/404.html",
            Of("{% if %}"),
            "template error:",
        ),
        case(
            "templates render",
            vec![Append(
                "templates/base.html",
                b"\n{{ get_url(\"@/nope.md\") }}\n",
            )],
            "templates/base.html",
            Of("@/nope.md"),
            "template error: get_url: no content file @/nope.md",
        ),
    ]
}

/// `(file, line, message)` of each `file:line[:column]: message` line of `kb check`.
fn diagnostics(output: &str) -> Vec<(String, usize, String)> {
    output
        .lines()
        .filter_map(|l| {
            let (place, message) = l.split_once(": ")?;
            let mut parts = place.split(':');
            let file = parts.next()?.to_string();
            let line = parts.next()?.parse().ok()?;
            Some((file, line, message.to_string()))
        })
        .collect()
}

fn expected_line(root: &Path, c: &Case) -> usize {
    let find = |needle: &str| {
        let text = String::from_utf8_lossy(&std::fs::read(root.join(c.file)).unwrap()).to_string();
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{}: {needle:?} not in {}", c.rule, c.file))
            + 1
    };
    match c.line {
        At(n) => n,
        Of(needle) => find(needle),
        After(needle) => find(needle) + 1,
    }
}

fn check(root: &Path) -> std::process::Output {
    kb(&["check", "--root", root.to_str().unwrap()])
}

/// The fixture with the case's setup applied, checked valid.
fn prepared(c: &Case) -> tempfile::TempDir {
    let site = mini_site();
    for e in &c.setup {
        apply(site.path(), e);
    }
    if !c.setup.is_empty() {
        let o = check(site.path());
        assert!(
            o.status.success(),
            "{}: the setup alone is valid: {}",
            c.rule,
            text(&o)
        );
    }
    site
}

/// Whether `output` has the case's diagnostic at its file and line; the complaint if not.
fn reports(c: &Case, root: &Path, output: &str) -> Result<(), String> {
    let line = expected_line(root, c);
    let found = diagnostics(output)
        .iter()
        .any(|(f, l, m)| f == c.file && *l == line && m.contains(c.message));
    if found {
        Ok(())
    } else {
        Err(format!(
            "{}: expected `{}:{line}: …{}…` in:\n{output}",
            c.rule, c.file, c.message
        ))
    }
}

#[test]
fn check_reports_every_rule_with_file_and_line() {
    let base = mini_site();
    let o = check(base.path());
    assert!(o.status.success(), "the fixture is valid: {}", text(&o));
    let cases = cases();
    let mut rules: Vec<&str> = cases.iter().map(|c| c.rule).collect();
    rules.sort();
    rules.dedup();
    assert_eq!(rules.len(), cases.len(), "one case per rule");
    // Every case runs, and every failure is listed: one run shows all the rules that are off.
    let mut failures = Vec::new();
    for c in &cases {
        let site = prepared(c);
        for e in &c.breaks {
            apply(site.path(), e);
        }
        let o = check(site.path());
        let outcome = if o.status.success() {
            Err(format!("{}: kb check passed: {}", c.rule, text(&o)))
        } else {
            reports(c, site.path(), &String::from_utf8_lossy(&o.stdout))
        };
        failures.extend(outcome.err());
    }
    assert!(
        failures.is_empty(),
        "{} of {} rules not enforced as expected:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// `kb build` refuses what `kb check` refuses, with the same message, and keeps the previous
/// output byte for byte (for the rules that once let bad content through).
#[test]
fn build_rejects_broken_content_and_keeps_the_previous_output() {
    let picked = [
        "twins agree on status",
        "twins agree on taxonomies",
        "known status",
        "known KPI comparator",
    ];
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| picked.contains(&c.rule))
        .collect();
    assert_eq!(cases.len(), picked.len());
    for c in &cases {
        let site = prepared(c);
        let public = site.path().join("public");
        let build = || kb(&["build", "--root", site.path().to_str().unwrap()]);
        let o = build();
        assert!(o.status.success(), "{}: {}", c.rule, text(&o));
        let before = snapshot(&public);
        assert!(!before.is_empty());
        for e in &c.breaks {
            apply(site.path(), e);
        }
        let o = build();
        assert!(!o.status.success(), "{}: kb build should fail", c.rule);
        reports(c, site.path(), &text(&o)).unwrap_or_else(|e| panic!("kb build: {e}"));
        assert!(
            snapshot(&public) == before,
            "{}: the previous output changed",
            c.rule
        );
        let leftovers: Vec<_> = std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{}: left behind {leftovers:?}",
            c.rule
        );
    }
}
