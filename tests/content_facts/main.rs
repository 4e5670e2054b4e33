//! End to end: every figure a reader would quote from the source documents — dates, plan
//! periods, counts, percentages, ages, targets — appears in the Japanese content with the
//! source's value, and the generated `data/*.json` carries the source's KPIs and statuses.
//!
//! The fact tables come from the facts sections of the project's reading notes (takasaki-kofu.md
//! A4 and B4, osaki.md 1 and 4, aizuwakamatsu.md 5, tachikawa.md 6), each checked against the
//! source text (`sources/<city>.txt`; seeds 000–004 are takasaki, kofu, osaki, aizuwakamatsu,
//! tachikawa). The source line of each fact is given in its description.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

// The checks against the in-repository sources (`sources/<city>.txt`) and of the CSV downloads.
mod csv;
mod kpis;
mod numbers;
mod pages;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A tiny NFKC-like normaliser for comparing figures: full-width ASCII (digits, letters,
/// ％, parentheses …) becomes ASCII, all whitespace (including the ideographic space) is
/// dropped, and thousands separators between digits are removed (`1,358` → `1358`).
fn normalise(s: &str) -> String {
    let mapped: Vec<char> = s
        .chars()
        .filter_map(|c| {
            let c = match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap(),
                _ => c,
            };
            if c.is_whitespace() {
                None
            } else {
                Some(c)
            }
        })
        .collect();
    let mut out = String::with_capacity(mapped.len());
    for (i, &c) in mapped.iter().enumerate() {
        if c == ','
            && i > 0
            && mapped[i - 1].is_ascii_digit()
            && mapped.get(i + 1).is_some_and(|n| n.is_ascii_digit())
        {
            continue;
        }
        out.push(c);
    }
    out
}

fn collect_ja_md(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_ja_md(&path, out);
        } else {
            let name = path.file_name().unwrap().to_string_lossy();
            if name.ends_with(".md") && !name.ends_with(".en.md") {
                out.push(path);
            }
        }
    }
}

/// All Japanese `.md` files of one city (front matter included), normalised, as one string.
fn city_text(city: &str) -> String {
    let mut files = Vec::new();
    collect_ja_md(&repo().join("content/cities").join(city), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no content for {city}");
    let mut all = String::new();
    for f in files {
        all.push_str(&std::fs::read_to_string(&f).unwrap());
        all.push('\n');
    }
    normalise(&all)
}

/// (fact as it appears in the Japanese content, description with the seed line)
type Facts = &'static [(&'static str, &'static str)];

const TAKASAKI: Facts = &[
    ("令和8年3月", "issued March 2026 (000 L7)"),
    ("高崎市総務部職員課", "issuing department (000 L9)"),
    (
        "高崎市第6次総合計画",
        "parent plan: 6th comprehensive plan (000 L43)",
    ),
    (
        "平成20年3月に策定した「高崎市人材育成基本方針」",
        "predecessor, March 2008 (000 L49)",
    ),
    (
        "採用後の10年間を「プロ職員の基礎づくり」、以降10年ごとに",
        "career stages in 10-year blocks (000 L257)",
    ),
    (
        "プロ職員の基礎づくり (採用後 10年間)",
        "foundation stage, years 0–10 (000 L263)",
    ),
    (
        "3か所以上の部門",
        "at least 3 departments in the first 10 years (000 L265)",
    ),
    (
        "プロ職員の資質磨き (採用後 10年以降)",
        "refinement stage, from year 10 (000 L267)",
    ),
    (
        "プロ職員の能力発揮 (採用後 20年以降)",
        "performance stage, from year 20 (000 L271)",
    ),
    (
        "60歳を超える常勤職員",
        "senior staff = full-time staff over 60 (000 L313)",
    ),
    (
        "受験可能年齢を59歳以下",
        "applicant age limit 59 for all job types (000 L357)",
    ),
    ("〒370-8501", "postal code (000 L508)"),
    ("高崎市高松町35番地1", "address (000 L508)"),
    ("027-321-1111", "main phone number (000 L510)"),
];

const KOFU: Facts = &[
    (
        "平成25年に一部改訂した「新甲府市人材育成基本方針」",
        "predecessor, partly revised 2013 (001 L1)",
    ),
    (
        "改定から10年以上が経過",
        "more than 10 years since the revision (001 L3)",
    ),
    ("2040年までに", "population horizon 2040 (001 L16)"),
    (
        "約2万人の減少",
        "population to fall by about 20,000 (001 L17)",
    ),
    ("2014年（358人）", "exam applicants 2014: 358 (001 L20)"),
    ("2019年（259人）", "exam applicants 2019: 259 (001 L20)"),
    ("2024年（166人）", "exam applicants 2024: 166 (001 L21)"),
    (
        "※市立甲府病院の医療職や教育委員会の教員を除く",
        "scope exclusion (001 L94)",
    ),
    (
        "令和７年度から第七次総合計画の終期まで",
        "plan period from FY2025 (001 L99)",
    ),
    ("4つの基本施策", "4 basic policy pillars (001 L233)"),
    (
        "受験対象年齢を大学3年生まで引き下げる",
        "exam eligibility lowered to 3rd-year students (001 L362)",
    ),
    (
        "採用10年目までを育成強化期間",
        "intensive development period, years 1–10 (001 L429)",
    ),
    ("令和７年度中に", "reform plan during FY2025 (001 L497)"),
    (
        "人事・給与制度改革プラン",
        "HR and pay reform plan (001 L498)",
    ),
    ("１on１面談", "1on1 interviews made mandatory (001 L541)"),
    (
        "毎年度行う昇任シミュレーション",
        "promotion simulation every year (001 L573)",
    ),
    ("管理職率30％以上", "women ≥ 30% of managers (001 L588)"),
    (
        "令和７年度が計画期間の最終年度",
        "staff action plan ends FY2025 (001 L607)",
    ),
    (
        "超過勤務時間80時間超の職員ゼロ",
        "zero staff over 80 h overtime (001 L634, L638)",
    ),
    (
        "午後９時以降の時間外勤務の原則禁止",
        "no overtime after 21:00 in principle (001 L636)",
    ),
    (
        "男性の育児休暇取得率100％",
        "100% paternity-leave uptake (001 L652)",
    ),
    (
        "健康経営優良法人",
        "health-management certification (001 L659)",
    ),
    ("「ハラスメント・ゼロ」", "zero harassment (001 L662)"),
];

const OSAKI: Facts = &[
    ("令和5年2月", "issued February 2023 (002 L5)"),
    (
        "平成19年3月",
        "parent policy first adopted March 2007 (002 L36)",
    ),
    (
        "令和2年9月",
        "parent policy revised September 2020 (002 L36)",
    ),
    (
        "経済財政運営と改革の基本方針2022",
        "cabinet policy cited for エンゲージメント (002 L54)",
    ),
    ("令和4年6月7日", "cabinet decision date (002 L54)"),
    (
        "平成18年3月31日の合併直後1,358人",
        "staff just after the merger: 1,358 (002 L275)",
    ),
    (
        "令和4年4月1日時点で1,008人",
        "staff on 1 April 2022: 1,008 (002 L275)",
    ),
    ("30歳代～40歳代前半", "thin mid-career group (002 L132)"),
    (
        "年1回以上研修に参加",
        "every employee trains at least once a year (002 L185)",
    ),
    (
        "採用後10年間で総合支所を含めた3部門程度",
        "about 3 departments in 10 years (002 L293)",
    ),
    (
        "ストレスチェックを毎年実施",
        "stress check every year (002 L433)",
    ),
    ("週1回のノー残業デー", "weekly no-overtime day (002 L474)"),
    (
        "R4年度977人→R7年度 990人",
        "K1 planned headcount 977 → 990 (002 L562)",
    ),
    (
        "30代職員の構成割合の拡大",
        "K2 share of staff in their 30s (002 L562)",
    ),
    (
        "R4年度 59点 → R7年度 65点",
        "K5 survey 自己成長 59 → 65 (002 L563)",
    ),
    (
        "R4年度 62点 → R7年度 65点",
        "K6 survey 職務 62 → 65 (002 L564)",
    ),
    (
        "R3年度15.6%→R7年度 20%",
        "K7 women managers 15.6% → 20% (002 L564)",
    ),
    (
        "2.6%の維持",
        "K8 statutory disability employment rate 2.6% (002 L564)",
    ),
    (
        "R4年度 69点 → R7年度 72点",
        "K9 survey 人間関係 69 → 72 (002 L565)",
    ),
    (
        "R4年度 68点 → R7年度 71点",
        "K10 survey 支援 68 → 71 (002 L566)",
    ),
    (
        "R4年度 63点 → R7年度 66点",
        "K11/K19 survey 承認・組織風土 63 → 66 (002 L566, L569)",
    ),
    (
        "R4年度 54点 → R7年度 57点",
        "K13 survey 健康 54 → 57 (002 L567)",
    ),
    (
        "R4年度 56点 → R7年度 59点",
        "K15 survey 環境 56 → 59 (002 L568)",
    ),
    (
        "時間外勤務240時間超の職員割合",
        "K16 indicator: staff over 240 h overtime (002 L568)",
    ),
    ("R3年度10.7%→R7年度 7%以内", "K16 10.7% → ≤ 7% (002 L568)"),
    (
        "R3年度11.1日→R7年度 15日",
        "K17 annual leave 11.1 → 15 days (002 L568)",
    ),
    (
        "R7年度 10%以上を維持",
        "K18 paternity leave ≥ 10% (002 L568)",
    ),
    ("令和3年度50%", "K18 baseline 50% in FY2021 (002 L568)"),
    ("総合点数65点以上", "K20 overall score ≥ 65 (002 L570)"),
    (
        "R4年度 63点→毎年度65点以上",
        "K20 63 → ≥ 65 every year (002 L570)",
    ),
];

const AIZUWAKAMATSU: Facts = &[
    (
        "第3次会津若松市人材育成基本方針",
        "official title, 3rd edition (003 L14)",
    ),
    (
        "3年ごとのアクションプラン",
        "2nd plan used three-year action plans (003 L5)",
    ),
    (
        "平成21年5月の第2次基本方針策定から9年が経過",
        "2nd plan May 2009, 9 years ago (003 L7)",
    ),
    (
        "平成28年10月より、能力と実績に基づく人事評価制度を本格導入",
        "appraisal introduced October 2016 (003 L68-69)",
    ),
    (
        "平成28年10月より運用している",
        "appraisal in use since October 2016 (003 L1063)",
    ),
    (
        "平成28年2月には、本市職員による収賄事件",
        "bribery case February 2016 (003 L126)",
    ),
    (
        "令和4年11月には本市職員による公金詐取事件",
        "public-funds fraud November 2022 (003 L126-127)",
    ),
    (
        "平成28年6月に",
        "autonomy ordinance enacted June 2016 (003 L131)",
    ),
    (
        "平成29年会津若松市条例第17号",
        "ordinance number (003 L135)",
    ),
    ("第7条", "Article 7 on staff (003 L133, L137)"),
    (
        "平成29年2月には、平成29年度から平成38年度まで",
        "7th comprehensive plan Feb 2017, FY2017–\"H38\" (003 L143)",
    ),
    (
        "会津若松市第7次総合計画",
        "7th comprehensive plan (003 L144)",
    ),
    (
        "令和2年11月に全庁的な働き方改革の取組を推進するため働き方改革推進本部を設置",
        "work-style reform HQ November 2020 (003 L150-151)",
    ),
    (
        "令和3年2月に基本的な方向性を定めた働き方改革の指針を策定",
        "work-style guideline February 2021 (003 L151-152)",
    ),
    (
        "会計年度任用職員",
        "staff covered incl. fiscal-year appointees (003 L187)",
    ),
    (
        "平成30年度から令和9年度までの10年間",
        "plan period FY2018–FY2027, 10 years (003 L191)",
    ),
    (
        "5年ごとの具体的なアクションプラン",
        "five-year action plans (003 L192)",
    ),
    (
        "令和2年2月に「子育て・女性活躍推進に関する特定事業主行動計画",
        "specific employer action plan February 2020 (003 L1112)",
    ),
    (
        "特別研修の3つに分類",
        "three kinds of in-house training (003 L1149)",
    ),
    (
        "重要な課題の1つ",
        "mental health one of the key issues (003 L1327)",
    ),
    (
        "5年ごとに定める「推進プラン」",
        "five-year promotion plans, chapter 5 (003 L1373)",
    ),
    (
        "会津若松市人材育成推進委員会",
        "promotion committee (003 L1392)",
    ),
];

const TACHIKAWA: Facts = &[
    ("ヒト、モノ、カネ", "three management resources (004 L33)"),
    (
        "第5次長期総合計画",
        "5th long-term comprehensive plan (004 L47)",
    ),
    (
        "立川市第3次職員人材育成基本方針",
        "official title, 3rd edition (004 L53)",
    ),
    (
        "総務省が令和5年度に発出した",
        "MIC guideline of FY2023 (004 L78)",
    ),
    (
        "人材マネジメントの4つの要素",
        "four elements of HR management (004 L86)",
    ),
    ("部長級", "job level (004 L316)"),
    ("課長級", "job level (004 L351)"),
    ("係長級", "job level (004 L389)"),
    ("20代", "career-path axis (004 L586)"),
    ("60代", "career-path axis (004 L594)"),
    (
        "入庁後おおむね10年を目安に、原則3つ以上の部署を経験",
        "3+ departments in about 10 years (004 L612-614)",
    ),
    (
        "23歳・1年",
        "training chart starts at age 23, year 1 (004 L663)",
    ),
    (
        "65歳・43年",
        "training chart ends at age 65, year 43 (004 L747)",
    ),
    ("ホーソン実験", "Hawthorne experiment (004 L1167)"),
    ("ダニエル・キム", "Daniel Kim's success cycle (004 L1214)"),
    (
        "DX戦略、データ分析、ユーザー環境、セキュリティ、システム監視・管理など",
        "five specialist fields (004 L1359-1361)",
    ),
    (
        "人材育成実施計画（計画期間5年間）",
        "implementation plan, 5-year period (004 L1445-1447)",
    ),
    (
        "職員一人ひとり、管理監督者、人事部門の三者",
        "three actors (004 L1457-1459)",
    ),
];

#[test]
fn normaliser_folds_widths_spaces_and_thousands() {
    assert_eq!(normalise("令和７年度　から"), "令和7年度から");
    assert_eq!(normalise("管理職率３０％以上"), "管理職率30%以上");
    assert_eq!(normalise("1,358人、1,008人"), "1358人、1008人");
    assert_eq!(normalise("（ 358人 ）"), "(358人)");
    assert_eq!(
        normalise("R4年度 59点\n→ R7年度 65点"),
        "R4年度59点→R7年度65点"
    );
}

#[test]
fn every_quotable_figure_appears_in_the_content() {
    let cities: [(&str, Facts); 5] = [
        ("takasaki", TAKASAKI),
        ("kofu", KOFU),
        ("osaki", OSAKI),
        ("aizuwakamatsu", AIZUWAKAMATSU),
        ("tachikawa", TACHIKAWA),
    ];
    let mut missing = Vec::new();
    for (city, facts) in cities {
        assert!(
            facts.len() >= 10,
            "{city}: only {} facts listed",
            facts.len()
        );
        let text = city_text(city);
        for (fact, what) in facts {
            if !text.contains(&normalise(fact)) {
                missing.push(format!("{city}: 「{fact}」 ({what})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} fact(s) missing from content/cities/<city>/**/*.md:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Generated data: public/data/measures.json and public/data/kpis.json
// ---------------------------------------------------------------------------------------

/// The repository built once per test process (several tests read its output).
fn built() -> &'static Path {
    static PUBLIC: OnceLock<PathBuf> = OnceLock::new();
    PUBLIC.get_or_init(|| {
        let public = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("content_facts-public");
        let o = Command::new(env!("CARGO_BIN_EXE_kb"))
            .args([
                "build",
                "--root",
                repo().to_str().unwrap(),
                "--output",
                public.to_str().unwrap(),
            ])
            .output()
            .expect("kb runs");
        assert!(
            o.status.success(),
            "kb build failed:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        public
    })
}

fn read_data(name: &str) -> Vec<Value> {
    let bytes = std::fs::read(built().join("data").join(name)).unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    v.as_array()
        .unwrap_or_else(|| panic!("{name} is not an array"))
        .clone()
}

fn build_data() -> (Vec<Value>, Vec<Value>) {
    (read_data("measures.json"), read_data("kpis.json"))
}

#[test]
fn csv_downloads_match_measures_json() {
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("config.toml")).unwrap()).unwrap();
    let base_url = config["base_url"].as_str().unwrap_or("/");
    let themes: Vec<String> = config["extra"]["themes"]
        .as_table()
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    assert!(themes.len() >= 10, "themes of config.toml: {themes:?}");
    csv::check_build(built(), &read_data("measures.json"), &themes, base_url);
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Expected baseline / target: (year, value); `None` = the field must be null.
type Point = Option<(Option<i64>, f64)>;

struct Kpi {
    id: &'static str,
    keyword: &'static str, // must occur in indicator.ja
    baseline: Point,
    target: Point,
    comparator: Option<&'static str>,
}

const fn kpi(
    id: &'static str,
    keyword: &'static str,
    baseline: Point,
    target: Point,
    comparator: Option<&'static str>,
) -> Kpi {
    Kpi {
        id,
        keyword,
        baseline,
        target,
        comparator,
    }
}

/// osaki.md §4a, K1–K20 (seed 002 L562–570). R3 = 2021, R4 = 2022, R7 = 2025.
const OSAKI_KPIS: &[Kpi] = &[
    kpi(
        "osaki-kpi-01",
        "定員管理計画",
        Some((Some(2022), 977.0)),
        Some((Some(2025), 990.0)),
        None,
    ),
    kpi("osaki-kpi-02", "30代", None, None, None),
    kpi("osaki-kpi-03", "研修の参加人数", None, None, None),
    kpi("osaki-kpi-04", "派遣", None, None, None),
    kpi(
        "osaki-kpi-05",
        "自己成長",
        Some((Some(2022), 59.0)),
        Some((Some(2025), 65.0)),
        None,
    ),
    kpi(
        "osaki-kpi-06",
        "職務",
        Some((Some(2022), 62.0)),
        Some((Some(2025), 65.0)),
        None,
    ),
    kpi(
        "osaki-kpi-07",
        "女性職員の割合",
        Some((Some(2021), 15.6)),
        Some((Some(2025), 20.0)),
        None,
    ),
    kpi(
        "osaki-kpi-08",
        "法定雇用率",
        None,
        Some((None, 2.6)),
        Some("at-least"),
    ),
    kpi(
        "osaki-kpi-09",
        "人間関係",
        Some((Some(2022), 69.0)),
        Some((Some(2025), 72.0)),
        None,
    ),
    kpi(
        "osaki-kpi-10",
        "支援",
        Some((Some(2022), 68.0)),
        Some((Some(2025), 71.0)),
        None,
    ),
    kpi(
        "osaki-kpi-11",
        "承認",
        Some((Some(2022), 63.0)),
        Some((Some(2025), 66.0)),
        None,
    ),
    kpi("osaki-kpi-12", "ハラスメント", None, None, None),
    kpi(
        "osaki-kpi-13",
        "健康",
        Some((Some(2022), 54.0)),
        Some((Some(2025), 57.0)),
        None,
    ),
    kpi("osaki-kpi-14", "ストレスチェック", None, None, None),
    kpi(
        "osaki-kpi-15",
        "環境",
        Some((Some(2022), 56.0)),
        Some((Some(2025), 59.0)),
        None,
    ),
    kpi(
        "osaki-kpi-16",
        "240時間超",
        Some((Some(2021), 10.7)),
        Some((Some(2025), 7.0)),
        Some("at-most"),
    ),
    kpi(
        "osaki-kpi-17",
        "年次有給休暇",
        Some((Some(2021), 11.1)),
        Some((Some(2025), 15.0)),
        None,
    ),
    kpi(
        "osaki-kpi-18",
        "育児休業取得率",
        Some((Some(2021), 50.0)),
        Some((Some(2025), 10.0)),
        Some("at-least"),
    ),
    kpi(
        "osaki-kpi-19",
        "組織風土",
        Some((Some(2022), 63.0)),
        Some((Some(2025), 66.0)),
        None,
    ),
    kpi(
        "osaki-kpi-20",
        "総合点数",
        Some((Some(2022), 63.0)),
        Some((None, 65.0)),
        Some("at-least"),
    ),
];

fn check_point(errors: &mut Vec<String>, id: &str, field: &str, got: &Value, want: &Point) {
    match want {
        None => {
            if !got.is_null() {
                errors.push(format!("{id}: {field} should be null, is {got}"));
            }
        }
        Some((year, value)) => {
            if !close(num(&got["value"]), *value) {
                errors.push(format!(
                    "{id}: {field}.value should be {value}, is {}",
                    got["value"]
                ));
            }
            let got_year = got["year"].as_i64();
            if got_year != *year {
                errors.push(format!(
                    "{id}: {field}.year should be {year:?}, is {}",
                    got["year"]
                ));
            }
        }
    }
}

#[test]
fn generated_data_carries_the_sources_measures_and_kpis() {
    let (measures, kpis) = build_data();
    let mut errors: Vec<String> = Vec::new();

    // ---- measures.json ----
    for city in ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"] {
        let n = measures.iter().filter(|m| m["city"] == city).count();
        if n == 0 {
            errors.push(format!("{city} has no measure in measures.json"));
        }
    }
    for m in &measures {
        for lang in ["ja", "en"] {
            let t = m["title"][lang].as_str().unwrap_or("");
            if t.trim().is_empty() {
                errors.push(format!("measure {} has an empty title.{lang}", m["id"]));
            }
        }
    }
    let osaki: Vec<&Value> = measures.iter().filter(|m| m["city"] == "osaki").collect();
    let count = |s: &str| osaki.iter().filter(|m| m["status"] == s).count();
    let (new, expanded, continued) = (count("new"), count("expanded"), count("continued"));
    if osaki.len() != 56 || (new, expanded, continued) != (4, 8, 44) {
        errors.push(format!(
            "Osaki: want 56 measures (4 new / 8 expanded / 44 continued), got {} ({new} / {expanded} / {continued})",
            osaki.len()
        ));
    }

    // ---- kpis.json: Osaki's 20 indicators ----
    let by_id = |id: &str| kpis.iter().find(|k| k["id"] == id);
    let osaki_kpis = kpis.iter().filter(|k| k["city"] == "osaki").count();
    if osaki_kpis < 20 {
        errors.push(format!(
            "Osaki has {osaki_kpis} indicators in kpis.json, want ≥ 20"
        ));
    }
    for want in OSAKI_KPIS {
        let Some(k) = by_id(want.id) else {
            errors.push(format!("{} missing from kpis.json", want.id));
            continue;
        };
        if k["city"] != "osaki" {
            errors.push(format!("{}: city is {}", want.id, k["city"]));
        }
        let ja = k["indicator"]["ja"].as_str().unwrap_or("");
        if !ja.contains(want.keyword) {
            errors.push(format!(
                "{}: indicator.ja 「{ja}」 lacks 「{}」",
                want.id, want.keyword
            ));
        }
        if k["indicator"]["en"]
            .as_str()
            .unwrap_or("")
            .trim()
            .is_empty()
        {
            errors.push(format!("{}: empty indicator.en", want.id));
        }
        check_point(
            &mut errors,
            want.id,
            "baseline",
            &k["baseline"],
            &want.baseline,
        );
        check_point(&mut errors, want.id, "target", &k["target"], &want.target);
        if let Some(c) = want.comparator {
            if k["comparator"] != c {
                errors.push(format!(
                    "{}: comparator should be {c}, is {}",
                    want.id, k["comparator"]
                ));
            }
        }
    }

    // ---- kpis.json: Kofu (takasaki-kofu.md B4, seed 001) ----
    let kofu: Vec<&Value> = kpis.iter().filter(|k| k["city"] == "kofu").collect();
    let find_kofu = |kw: &str| {
        kofu.iter()
            .find(|k| k["indicator"]["ja"].as_str().unwrap_or("").contains(kw))
            .copied()
    };
    // 受験者数 2014 (358) ⇒ 2019 (259) ⇒ 2024 (166), L19–21
    match find_kofu("受験者数") {
        None => errors.push("Kofu: no applicant-count indicator (受験者数)".into()),
        Some(k) => {
            let series: Vec<(Option<i64>, Option<f64>)> = k["series"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| (p["year"].as_i64(), num(&p["value"])))
                        .collect()
                })
                .unwrap_or_default();
            let want = [(2014, 358.0), (2019, 259.0), (2024, 166.0)];
            let ok = series.len() == want.len()
                && series
                    .iter()
                    .zip(want)
                    .all(|((y, v), (wy, wv))| *y == Some(wy) && close(*v, wv));
            if !ok {
                errors.push(format!(
                    "Kofu applicants: want 358, 259, 166 (2014/2019/2024), got {series:?}"
                ));
            }
        }
    }
    // (keyword, target value, comparator, seed line)
    let kofu_targets = [
        ("管理職率", 30.0, "at-least", "L588 管理職率30％以上"),
        (
            "80時間超",
            0.0,
            "at-most",
            "L638 超過勤務時間80時間超の職員ゼロ",
        ),
        (
            "育児休暇取得率",
            100.0,
            "at-least",
            "L652 男性の育児休暇取得率100％",
        ),
    ];
    for (kw, value, cmp, src) in kofu_targets {
        match find_kofu(kw) {
            None => errors.push(format!("Kofu: no indicator with 「{kw}」 ({src})")),
            Some(k) => {
                if !close(num(&k["target"]["value"]), value) {
                    errors.push(format!(
                        "Kofu {kw}: target {} ≠ {value} ({src})",
                        k["target"]
                    ));
                }
                if k["comparator"] != cmp {
                    errors.push(format!(
                        "Kofu {kw}: comparator {} ≠ {cmp} ({src})",
                        k["comparator"]
                    ));
                }
            }
        }
    }

    // ---- every indicator is well formed ----
    for k in &kpis {
        let id = k["id"].as_str().unwrap_or("?");
        let city = k["city"].as_str().unwrap_or("");
        if city.is_empty() || !id.starts_with(city) {
            errors.push(format!("{id}: id does not start with its city {city:?}"));
        }
        for lang in ["ja", "en"] {
            if k["indicator"][lang]
                .as_str()
                .unwrap_or("")
                .trim()
                .is_empty()
            {
                errors.push(format!("{id}: empty indicator.{lang}"));
            }
        }
    }

    assert!(
        errors.is_empty(),
        "{} problem(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}
