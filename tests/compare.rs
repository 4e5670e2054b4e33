//! End to end: what HR officers compare — theme matrices, similar measures, the KPI dashboard's
//! charts against kpis.json, and the CSV exports.

mod common;
use common::*;

/// The repository built once for every test in this file.
/// The repository's site, built once for this file's tests.
use common::repo_public as public;

fn read(rel: &str) -> String {
    std::fs::read_to_string(public().join(rel.trim_start_matches('/')))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(rel)).unwrap()
}

const CITIES: [&str; 5] = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];

/// The matrix column of one city on a theme page.
fn column<'a>(html: &'a str, city: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"city-{city}\""))
        .unwrap_or_else(|| panic!("no column for {city}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[test]
fn all_twenty_theme_pages_exist_in_both_languages() {
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("config.toml")).unwrap()).unwrap();
    let themes = config["extra"]["themes"].as_table().unwrap();
    assert_eq!(themes.len(), 20);
    for slug in themes.keys() {
        for prefix in ["", "en/"] {
            let html = read(&format!("{prefix}themes/{slug}/index.html"));
            for city in CITIES {
                column(&html, city);
            }
        }
    }
}

#[test]
fn core_themes_show_measures_from_all_five_cities() {
    for theme in ["recruitment", "training", "work-life-balance"] {
        for prefix in ["", "en/"] {
            let html = read(&format!("{prefix}themes/{theme}/index.html"));
            for city in CITIES {
                let col = column(&html, city);
                assert!(
                    col.contains(&format!("/cities/{city}/measures/")),
                    "{prefix}{theme}: no {city} measure"
                );
            }
        }
    }
}

#[test]
fn each_theme_column_lists_its_measures_or_says_there_are_none() {
    let measures = json("data/measures.json");
    let measures = measures.as_array().unwrap();
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("config.toml")).unwrap()).unwrap();
    let mut empty_cells = 0;
    for theme in config["extra"]["themes"].as_table().unwrap().keys() {
        for city in CITIES {
            let has = measures.iter().any(|m| {
                m["city"] == city
                    && m["themes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|t| t == theme.as_str())
            });
            empty_cells += usize::from(!has);
            for (prefix, none) in [
                ("", "このテーマの施策はありません"),
                ("en/", "No measure on this theme"),
            ] {
                let html = read(&format!("{prefix}themes/{theme}/index.html"));
                let col = column(&html, city);
                let lists = col.contains(&format!("/cities/{city}/measures/"));
                assert_eq!(lists, has, "{prefix}{theme}: {city} lists measures");
                assert_eq!(
                    col.contains(none),
                    !has,
                    "{prefix}{theme}: {city} says none"
                );
            }
        }
    }
    // The "none" message is exercised: some theme has no measure in some city.
    assert!(empty_cells > 0, "every city has a measure on every theme");
}

/// Similar measures of each measure page: (city of the similar measure, its URL); `None` when
/// the page has no similar-measures section.
fn similar_on(url: &str) -> Option<Vec<(String, String)>> {
    let html = read(&format!("{url}index.html"));
    let start = html.find("id=\"similar\"")?;
    let sec = &html[start..html[start..].find("</section>").unwrap() + start];
    sec.split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .map(|u| {
            (
                u.split('/')
                    .filter(|p| !p.is_empty() && *p != "en")
                    .nth(1)
                    .unwrap_or_default()
                    .to_string(),
                u,
            )
        })
        .collect::<Vec<_>>()
        .into()
}

#[test]
fn most_measure_pages_link_similar_measures_of_two_or_more_other_cities() {
    let measures = json("data/measures.json");
    let list = measures.as_array().unwrap();
    let mut good = 0;
    for m in list {
        let url = m["url"]["ja"].as_str().unwrap();
        let city = m["city"].as_str().unwrap();
        let sims = similar_on(url).unwrap_or_default();
        let mut others: Vec<&str> = sims
            .iter()
            .map(|(c, _)| c.as_str())
            .filter(|c| *c != city)
            .collect();
        others.sort();
        others.dedup();
        assert!(
            sims.iter().all(|(c, _)| c != city),
            "{url} lists its own city"
        );
        if others.len() >= 2 {
            good += 1;
        }
    }
    let share = good as f64 / list.len() as f64;
    assert!(
        share >= 0.8,
        "only {:.0}% of measure pages link 2+ other cities",
        share * 100.0
    );
}

#[test]
fn known_pairs_of_similar_measures() {
    // Job rotation: Takasaki's, Osaki's and Aizuwakamatsu's measures find each other.
    let pairs = [
        (
            "/cities/takasaki/measures/takasaki-10/",
            "/cities/osaki/measures/osaki-23/",
        ),
        (
            "/cities/osaki/measures/osaki-23/",
            "/cities/takasaki/measures/takasaki-10/",
        ),
        (
            "/cities/takasaki/measures/takasaki-10/",
            "/cities/aizuwakamatsu/measures/aizuwakamatsu-07/",
        ),
        (
            "/en/cities/takasaki/measures/takasaki-10/",
            "/en/cities/osaki/measures/osaki-23/",
        ),
    ];
    for (page, expected) in pairs {
        let sims = similar_on(page).unwrap_or_else(|| panic!("{page}: no similar measures"));
        assert!(
            sims.iter().any(|(_, u)| u == expected),
            "{page} should list {expected}: {sims:?}"
        );
    }
}

#[test]
fn kpi_charts_show_the_values_of_kpis_json() {
    let kpis = json("data/kpis.json");
    // Every value of kpis.json as the chart attribute that must show it: baselines and targets
    // (absent ones are `null` and have no bar), and every point of a series.
    let mut expected = std::collections::BTreeSet::new();
    for k in kpis.as_array().unwrap() {
        let id = k["id"].as_str().unwrap();
        for kind in ["baseline", "target"] {
            let value = &k[kind];
            assert!(
                value.is_null() || value["value"].is_f64() || value["value"].is_i64(),
                "{id}: {kind} is neither absent nor a value: {value}"
            );
            if let Some(v) = value["value"].as_f64() {
                expected.insert(bar(id, kind, v));
            }
        }
        for p in k["series"].as_array().unwrap() {
            expected.insert(bar(id, "series", p["value"].as_f64().unwrap()));
        }
    }
    assert!(expected.len() >= 30, "only {} chart values", expected.len());
    for prefix in ["", "en/"] {
        let html = read(&format!("{prefix}kpis/index.html"));
        assert!(html.contains("<svg"), "no chart");
        // The charts show exactly these values: none missing, none made up.
        let shown: std::collections::BTreeSet<String> = html
            .split("<rect ")
            .skip(1)
            .filter_map(|r| {
                let at = r.find("data-kpi=\"")?;
                let end = r[at..].find('>')? + at;
                Some(r[at..end].to_string())
            })
            .collect();
        assert_eq!(shown, expected, "{prefix}kpis");
    }
    // Kofu's applicant decline and Osaki's survey scores, explicitly.
    let html = read("kpis/index.html");
    for v in ["358", "259", "166"] {
        assert!(html.contains(&format!("data-kind=\"series\" data-value=\"{v}\"")));
    }
    assert!(
        html.contains("role=\"img\""),
        "charts need a text alternative"
    );
}

/// The attributes of the bar that shows `value`.
fn bar(id: &str, kind: &str, value: f64) -> String {
    format!(
        "data-kpi=\"{id}\" data-kind=\"{kind}\" data-value=\"{}\"",
        fmt(value)
    )
}

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[test]
fn measures_csv_has_a_bom_and_one_row_per_measure() {
    let bytes = std::fs::read(public().join("data/measures.csv")).unwrap();
    assert!(
        bytes.starts_with(&[0xef, 0xbb, 0xbf]),
        "UTF-8 BOM for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let rows: Vec<&str> = text.split("\r\n").filter(|r| !r.is_empty()).collect();
    let measures = json("data/measures.json");
    assert_eq!(rows.len(), measures.as_array().unwrap().len() + 1);
    assert!(rows[0].starts_with("id,city,city_ja,city_en,title_ja,title_en"));
    assert!(
        text.contains("高崎市") && text.contains("ジョブローテーション"),
        "Japanese intact"
    );
    let training = std::fs::read(public().join("data/themes/training.csv")).unwrap();
    assert!(training.starts_with(&[0xef, 0xbb, 0xbf]));
    let theme_page = read("themes/training/index.html");
    assert!(
        theme_page.contains("href=\"/data/themes/training.csv\""),
        "download link on the theme page"
    );
}

#[test]
fn city_profiles_are_compared_side_by_side() {
    for prefix in ["", "en/"] {
        let html = read(&format!("{prefix}compare/index.html"));
        for city in CITIES {
            assert!(
                html.contains(&format!("/cities/{city}/")),
                "{prefix}compare: {city}"
            );
        }
        assert!(html.contains("class=\"timeline\""));
        assert!(html.contains("class=\"framework compact\""));
    }
}
