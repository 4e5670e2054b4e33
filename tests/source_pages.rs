//! End to end: each city's source document is published at `/cities/<city>/source/` (and
//! `/en/…`) line by line with an anchor per line, measure and chapter pages link their source
//! lines there, and a missing source file is a `file:line` error.

mod common;

use common::*;
use std::collections::HashSet;
use std::path::Path;

const CITIES: [&str; 5] = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];

/// The `source = "…"` file named by a city page.
fn source_file(city: &str) -> String {
    let page =
        std::fs::read_to_string(repo().join(format!("content/cities/{city}/_index.md"))).unwrap();
    let line = page
        .lines()
        .find(|l| l.starts_with("source = "))
        .unwrap_or_else(|| panic!("{city} names no source"));
    line.trim_start_matches("source = ")
        .trim_matches('"')
        .to_string()
}

/// The line ids (`id="L<n>"`) of a source page, in page order.
fn line_ids(html: &str) -> Vec<usize> {
    html.match_indices("class=\"sl\" id=\"L")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// The element of line `n` on a source page.
fn line_element(html: &str, n: usize) -> &str {
    let start = html
        .find(&format!("id=\"L{n}\""))
        .unwrap_or_else(|| panic!("no line {n}"));
    let end = html[start..].find("</div>").unwrap();
    &html[start..start + end]
}

/// The line anchors of the links from `html` to `source_url`.
fn anchors_to(html: &str, source_url: &str) -> Vec<usize> {
    let needle = format!("href=\"{source_url}#L");
    html.match_indices(&needle)
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

/// A printed page number alone on its line after a blank line (see kb-site's source_text).
fn footer(lines: &[&str], i: usize) -> Option<u32> {
    let t = lines[i].trim();
    let t = t
        .strip_prefix(['-', '－'])
        .and_then(|s| s.strip_suffix(['-', '－']))
        .unwrap_or(t);
    let digits: String = t
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap(),
            c => c,
        })
        .collect();
    let after_blank = i == 0 || lines[i - 1].trim().is_empty();
    (after_blank && (1..=3).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().unwrap())
}

/// The pages directly below `dir`, without the redirects that aliases leave.
fn pages_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path().join("index.html");
        let redirect = |p: &Path| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("http-equiv=\"refresh\"")
        };
        if p.is_file() && !redirect(&p) {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn every_city_publishes_its_source_and_its_pages_link_to_it() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_repo_into(&public);
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    for city in CITIES {
        let file = source_file(city);
        let text = std::fs::read_to_string(repo().join("sources").join(&file)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut markers = 0;
        for (prefix, lang) in [("", "ja"), ("/en", "en")] {
            let url = format!("{prefix}/cities/{city}/source/");
            let html = std::fs::read_to_string(public.join(&url[1..]).join("index.html"))
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{url}");
            assert!(html.contains(&file), "{url} names {file}");
            assert!(
                html.contains(&format!("href=\"{prefix}/cities/{city}/\"")),
                "{url} links its city page"
            );
            assert!(
                sitemap.contains(&format!("{url}</loc>")),
                "{url} in sitemap.xml"
            );
            // One element per line, numbered 1…last, each linking to itself.
            let ids = line_ids(&html);
            let expected: Vec<usize> = (1..=lines.len()).collect();
            assert_eq!(ids, expected, "{url}: the lines of {file}");
            for n in [1, lines.len()] {
                assert!(
                    html.contains(&format!("<a class=\"ln\" href=\"#L{n}\">{n}</a>")),
                    "{url}: line {n} links to itself"
                );
            }
            // The English page shows the same Japanese lines.
            assert!(
                html.contains("<div class=\"source-text\" lang=\"ja\">"),
                "{url}"
            );
            // A PDF page marker beside the first line after each printed page number.
            for i in 0..lines.len() {
                let Some(page) = footer(&lines, i) else {
                    continue;
                };
                let Some(next) = (i + 1..lines.len()).find(|&j| !lines[j].trim().is_empty()) else {
                    continue;
                };
                let element = line_element(&html, next + 1);
                assert!(
                    element.contains(&format!("p. {}</span>", page + 1)),
                    "{url}: line {} starts PDF page {}: {element}",
                    next + 1,
                    page + 1
                );
                markers += 1;
            }
            let ids: HashSet<usize> = ids.into_iter().collect();
            // Every measure page and every chapter page links its lines to an existing anchor.
            for section in ["measures", "chapters"] {
                let dir = public.join(url.trim_start_matches('/').replace("source/", section));
                let pages = pages_under(&dir);
                assert!(!pages.is_empty(), "no {section} in {}", dir.display());
                for page in pages {
                    let page_html = std::fs::read_to_string(&page).unwrap();
                    let anchors = anchors_to(&page_html, &url);
                    assert!(
                        !anchors.is_empty(),
                        "{} does not link to {url}",
                        page.display()
                    );
                    for a in anchors {
                        assert!(
                            ids.contains(&a),
                            "{}: #L{a} is not on {url}",
                            page.display()
                        );
                    }
                }
            }
        }
        if city == "aizuwakamatsu" || city == "kofu" {
            assert!(markers >= 4, "{city}: {markers} page markers");
        }
    }
    // Lines are text, escaped: osaki.txt holds HTML remnants.
    let osaki = std::fs::read_to_string(public.join("cities/osaki/source/index.html")).unwrap();
    assert!(
        osaki.contains("&lt;ul style="),
        "HTML in the source is escaped"
    );
    assert!(!osaki.contains("<ul style=\"list-style-type: none\">"));
    // The city page and the corrections link to the source lines too.
    let kofu = std::fs::read_to_string(public.join("cities/kofu/index.html")).unwrap();
    assert!(kofu.contains("href=\"/cities/kofu/source/\""));
    assert!(!anchors_to(&kofu, "/cities/kofu/source/").is_empty());
}

#[test]
fn a_missing_source_file_is_an_error_at_the_city_pages_source_line() {
    let site = mini_site();
    let page = site.path().join("content/cities/takasaki/_index.md");
    let front = std::fs::read_to_string(&page).unwrap();
    let line = front
        .lines()
        .position(|l| l.starts_with("source = "))
        .unwrap()
        + 1;
    std::fs::write(
        &page,
        front.replacen("source = \"takasaki.txt\"", "source = \"missing.txt\"", 1),
    )
    .unwrap();
    for cmd in ["check", "build"] {
        let o = kb(&[cmd, "--root", site.path().to_str().unwrap()]);
        assert!(!o.status.success(), "{cmd} fails");
        let expected = format!(
            "content/cities/takasaki/_index.md:{line}: source file `sources/missing.txt` not found"
        );
        assert!(text(&o).contains(&expected), "{cmd}: {}", text(&o));
    }
}

#[test]
fn the_english_city_page_names_the_same_source() {
    let site = mini_site();
    let page = site.path().join("content/cities/takasaki/_index.en.md");
    let front = std::fs::read_to_string(&page).unwrap();
    let edited = match front.lines().find(|l| l.starts_with("source = ")) {
        Some(l) => front.replacen(l, "source = \"osaki.txt\"", 1),
        None => front.replacen("[extra]\n", "[extra]\nsource = \"osaki.txt\"\n", 1),
    };
    std::fs::write(&page, edited).unwrap();
    let o = kb(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("content/cities/takasaki/_index.en.md:")
            && text(&o).contains("differs from the Japanese page's `takasaki.txt`"),
        "{}",
        text(&o)
    );
}
