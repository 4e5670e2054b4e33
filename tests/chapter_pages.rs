//! End to end on the built site (issue 16, chapter reading): every chapter page links its
//! previous and next chapters with `rel`; a chapter's Japanese and English pages share their
//! heading ids (so the language switch keeps the section); an English chapter gives the
//! Japanese original section by section; every measure page links the exact section of its
//! chapter; a measure page shows its indicators once, without a link to itself, and names its
//! document; city pages open with linked contents; list pages have real titles.

mod common;

use common::*;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

const CITIES: [&str; 5] = ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"];

fn read(public: &Path, url: &str) -> String {
    let file = public.join(url.trim_start_matches('/')).join("index.html");
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The `<main>` element's content.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main>");
    let end = html.rfind("</main>").expect("a </main>");
    &html[start..end]
}

/// Every value of `attr="…"` in the elements that start with `tag_start` (e.g. `<h2 `).
fn attrs<'a>(html: &'a str, tag_start: &str, attr: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices(tag_start) {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        let needle = format!(" {attr}=\"");
        if let Some(j) = tag.find(&needle) {
            let rest = &tag[j + needle.len()..];
            out.push(&rest[..rest.find('"').unwrap()]);
        }
    }
    out
}

/// The ids of a page's headings (h2–h6) in `<main>`.
fn heading_ids(html: &str) -> BTreeSet<String> {
    let main = main_of(html);
    (2..=6)
        .flat_map(|n| attrs(main, &format!("<h{n} "), "id"))
        .map(str::to_string)
        .collect()
}

/// Every id in a page.
fn ids(html: &str) -> BTreeSet<String> {
    html.match_indices(" id=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The `href` of the links with `rel="…"` (`<a rel="prev" href=…>` or `<link rel=…>`).
fn rel_links(html: &str, tag: &str, rel: &str) -> Vec<String> {
    let start = format!("<{tag} rel=\"{rel}\" ");
    attrs(html, &start, "href")
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// A city's chapter URLs in reading order, from its chapter list page.
fn chapter_urls(public: &Path, prefix: &str, city: &str) -> Vec<String> {
    let list_url = format!("{prefix}/cities/{city}/chapters/");
    let list = read(public, &list_url);
    // The list itself, not links in the page's introduction.
    let main = main_of(&list);
    let at = main
        .find("<ol class=\"link-list\">")
        .unwrap_or_else(|| panic!("{list_url}: no list"));
    attrs(&main[at..], "<a ", "href")
        .into_iter()
        .filter(|h| h.starts_with(&list_url) && h.len() > list_url.len())
        .map(str::to_string)
        .collect()
}

#[test]
fn chapter_pages_navigate_keep_their_sections_and_measures_link_them() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_repo_into(&public);

    let mut chapters = 0;
    let mut with_sections = 0;
    for city in CITIES {
        for prefix in ["", "/en"] {
            let urls = chapter_urls(&public, prefix, city);
            assert!(urls.len() >= 2, "{city}{prefix}: chapters {urls:?}");
            for (i, url) in urls.iter().enumerate() {
                let html = read(&public, url);
                let prev = i.checked_sub(1).map(|j| urls[j].clone());
                let next = urls.get(i + 1).cloned();
                for (rel, want) in [("prev", &prev), ("next", &next)] {
                    let links = rel_links(main_of(&html), "a", rel);
                    match want {
                        Some(w) => {
                            assert!(!links.is_empty(), "{url}: no <a rel=\"{rel}\">");
                            assert!(
                                links.iter().all(|l| l == w),
                                "{url}: rel={rel} {links:?}, want {w}"
                            );
                            assert_eq!(
                                rel_links(&html, "link", rel),
                                vec![w.clone()],
                                "{url}: <link rel={rel}>"
                            );
                        }
                        None => {
                            assert!(
                                links.is_empty(),
                                "{url}: rel={rel} {links:?} but none exists"
                            );
                            assert!(rel_links(&html, "link", rel).is_empty(), "{url}");
                        }
                    }
                }
                chapters += 1;
            }
        }
        // The two languages share the heading ids, chapter by chapter.
        let (ja, en) = (
            chapter_urls(&public, "", city),
            chapter_urls(&public, "/en", city),
        );
        assert_eq!(ja.len(), en.len(), "{city}");
        for (j, e) in ja.iter().zip(&en) {
            let (jh, eh) = (read(&public, j), read(&public, e));
            let (jids, eids) = (heading_ids(&jh), heading_ids(&eh));
            if jids.iter().any(|i| i.starts_with('s')) {
                with_sections += 1;
            }
            assert_eq!(jids, eids, "{j} and {e} differ in their heading ids");
            // Every id is unique on the page (the originals shown inside carry none).
            assert_eq!(
                eh.matches(" id=\"").count(),
                ids(&eh).len(),
                "{e}: an id repeats"
            );
            // The original after each section: as many as the English page has section groups,
            // in Japanese, and no single block after the whole chapter.
            let originals = eh
                .matches("<details class=\"original original-section\">")
                .count();
            if jids.iter().filter(|i| i.starts_with('s')).count() > 0 {
                assert!(originals >= 1, "{e}: no original by section");
            }
            assert!(
                !eh.contains("<details class=\"original\">"),
                "{e}: the original as one block"
            );
            // The table of contents lists the sections, linked.
            assert!(
                eh.contains("class=\"toc chapter-toc\"") || eids.len() <= 3,
                "{e}: no table of contents"
            );
        }
    }
    assert!(chapters >= 60, "only {chapters} chapter pages");
    assert!(
        with_sections >= 25,
        "only {with_sections} chapters with section ids"
    );

    // Measure pages: the chapter link goes to a section that exists; indicators once, no
    // link to the page itself; the document named.
    let mut pages: HashMap<String, String> = HashMap::new();
    let mut measures = 0;
    for city in CITIES {
        for (prefix, label, kpis_label) in [
            ("", "章・節", "関連する指標"),
            ("/en", "Chapter", "Related indicators"),
        ] {
            let list_url = format!("{prefix}/cities/{city}/measures/");
            let list = read(&public, &list_url);
            let urls: BTreeSet<&str> = attrs(main_of(&list), "<a ", "href")
                .into_iter()
                .filter(|h| h.starts_with(&list_url) && h.len() > list_url.len())
                .collect();
            assert!(!urls.is_empty(), "{list_url}");
            for url in urls {
                let html = read(&public, url);
                let main = main_of(&html);
                let dt = format!("<dt>{label}</dt><dd><a href=\"");
                let at = main
                    .find(&dt)
                    .unwrap_or_else(|| panic!("{url}: no chapter link"));
                let rest = &main[at + dt.len()..];
                let href = &rest[..rest.find('"').unwrap()];
                let text = &rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()];
                let (target, fragment) = href
                    .split_once('#')
                    .unwrap_or_else(|| panic!("{url}: the chapter link {href} has no section"));
                let page = pages
                    .entry(target.to_string())
                    .or_insert_with(|| read(&public, target));
                assert!(
                    ids(page).contains(fragment),
                    "{url}: {href} is not an id of {target}"
                );
                // A path below the chapter leads to a heading, not to the chapter's text start.
                if text.contains(" › ") {
                    assert!(fragment != "s0", "{url}: {text} links the chapter start");
                    assert!(
                        heading_ids(page).contains(fragment),
                        "{url}: {href} is no heading"
                    );
                }
                assert!(
                    main.matches(kpis_label).count() <= 1,
                    "{url}: {kpis_label} more than once"
                );
                if let Some(k) = main.find("<section aria-labelledby=\"kpis\">") {
                    let section = &main[k..k + main[k..].find("</section>").unwrap()];
                    assert!(section.contains(kpis_label), "{url}");
                    assert!(
                        !section.contains(&format!("href=\"{url}\"")),
                        "{url}: its indicators link to itself"
                    );
                }
                // Status and commitment once each (no badge row besides the facts).
                assert!(!main.contains("<p class=\"badges\">"), "{url}");
                let document = if prefix.is_empty() {
                    "<dt>文書</dt>"
                } else {
                    "<dt>Document</dt>"
                };
                assert!(main.contains(document), "{url}: the document is not named");
                measures += 1;
            }
        }
    }
    assert!(measures >= 400, "only {measures} measure pages");

    // City pages open with their chapters linked, and a list of their own sections.
    for city in CITIES {
        for prefix in ["", "/en"] {
            let html = read(&public, &format!("{prefix}/cities/{city}/"));
            let main = main_of(&html);
            let contents = main
                .find("class=\"city-contents\"")
                .expect("linked contents");
            let facts = main.find("class=\"facts\"").unwrap();
            assert!(
                contents < facts,
                "{city}{prefix}: the contents come after the facts"
            );
            for url in chapter_urls(&public, prefix, city) {
                assert!(
                    main[contents..facts].contains(&format!("href=\"{url}\"")),
                    "{city}{prefix}: {url} not in the contents"
                );
            }
            let nav = &main[main
                .find("class=\"page-sections\"")
                .expect("in-page navigation")..];
            let nav = &nav[..nav.find("</nav>").unwrap()];
            let page_ids = ids(&html);
            for target in attrs(nav, "<a ", "href") {
                assert!(
                    page_ids.contains(target.trim_start_matches('#')),
                    "{city}{prefix}: {target}"
                );
            }
        }
        // List pages are titled, not just 「章」/「施策」.
        for (url, bare) in [
            (format!("/cities/{city}/chapters/"), "<h1>章</h1>"),
            (format!("/cities/{city}/measures/"), "<h1>施策</h1>"),
            (format!("/en/cities/{city}/chapters/"), "<h1>Chapters</h1>"),
            (format!("/en/cities/{city}/measures/"), "<h1>Measures</h1>"),
        ] {
            assert!(
                !read(&public, &url).contains(bare),
                "{url} is titled only {bare}"
            );
        }
    }
}
