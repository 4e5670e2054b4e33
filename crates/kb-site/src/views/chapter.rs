//! The chapter page's view: where the chapter is in the source, the previous and next chapters,
//! and on an English page the Japanese original section by section. Also finds the section of a
//! chapter a measure comes from, for the measure page's link.

use super::common::{link, source_line_url};
use crate::content::Entry;
use crate::markdown::{Heading, Rendered};
use crate::site::Site;
use serde_json::{json, Value};

pub(super) fn add(site: &Site, entry: &Entry, page: &mut Value) {
    let lines = entry.chapter().and_then(|c| c.source_lines);
    page["source_lines"] = json!(lines);
    let city = entry.kind.city().unwrap_or_default();
    page["source_url"] =
        json!(lines.and_then(|[first, _]| source_line_url(site, city, &entry.lang, first)));
    let chapters = site.chapters(city, &entry.lang);
    if let Some(i) = chapters.iter().position(|c| c.key == entry.key) {
        let at = |j: Option<usize>| {
            j.and_then(|j| chapters.get(j))
                .map_or(Value::Null, |c| link(c.title(), &c.url))
        };
        page["prev"] = at(i.checked_sub(1));
        page["next"] = at(Some(i + 1));
    }
    let Some(ja) = site.translation(entry).filter(|_| entry.lang == "en") else {
        return;
    };
    match paired_sections(&site.rendered(entry), &site.rendered_bare(ja)) {
        Some(sections) => page["sections"] = json!(sections),
        // Headings that differ between the languages: the original as one block.
        None => {
            if let Some(original) = super::page::original(site, entry) {
                page["original"] = original;
            }
        }
    }
}

/// A translation cut into sections, each with its original: `[{html, original}]`. The cuts are
/// the headings outside any container; a section that is only a heading (a part title followed
/// at once by its first subsection) joins the next. `None` when the two outlines differ.
fn paired_sections(translation: &Rendered, original: &Rendered) -> Option<Vec<Value>> {
    let levels = |r: &Rendered| r.toc.iter().map(|h| h.level).collect::<Vec<_>>();
    if translation.breaks.len() != original.breaks.len() || levels(translation) != levels(original)
    {
        return None;
    }
    let (t, o) = (segments(translation), segments(original));
    let mut groups: Vec<(String, String)> = Vec::new();
    let mut joins_previous = false;
    for (k, (ts, os)) in t.iter().zip(&o).enumerate() {
        if k == 0 && ts.trim().is_empty() && os.trim().is_empty() {
            continue;
        }
        match groups.last_mut() {
            Some(last) if joins_previous => {
                last.0.push_str(ts);
                last.1.push_str(os);
            }
            _ => groups.push((ts.to_string(), os.to_string())),
        }
        joins_previous = k > 0 && heading_only(ts) && heading_only(os);
    }
    Some(
        groups
            .into_iter()
            .map(|(html, original)| json!({ "html": html, "original": original }))
            .collect(),
    )
}

/// The rendered page cut at its breaks: what comes before the first heading, then each heading
/// with what follows it.
fn segments(r: &Rendered) -> Vec<&str> {
    let mut out = Vec::with_capacity(r.breaks.len() + 1);
    let mut start = 0;
    for &b in &r.breaks {
        out.push(r.html.get(start..b).unwrap_or_default());
        start = b;
    }
    out.push(r.html.get(start..).unwrap_or_default());
    out
}

/// Whether a segment is a heading and nothing else (its closing tag ends it).
fn heading_only(segment: &str) -> bool {
    segment
        .find("</h")
        .and_then(|i| segment[i..].find('>').map(|g| i + g + 1))
        .is_some_and(|end| segment[end..].trim().is_empty())
}

/// The heading of a chapter that a measure's `path` (its chapter path, as the headings read)
/// and title lead to: each path element in turn, then the title within the last one found.
pub(super) fn locate<'t>(toc: &'t [Heading], path: &[String], title: &str) -> Option<&'t Heading> {
    let mut found: Option<usize> = None;
    let mut from = 0;
    // A path element that is not a heading (the chapter's title) is passed over.
    for p in path {
        let want = normalize(p);
        if let Some(i) = (from..toc.len()).find(|&i| normalize(&toc[i].title) == want) {
            found = Some(i);
            from = i + 1;
        }
    }
    // The subtree of the last heading found (the whole chapter when none was).
    let end = found.map_or(toc.len(), |f| {
        (f + 1..toc.len())
            .find(|&i| toc[i].depth <= toc[f].depth)
            .unwrap_or(toc.len())
    });
    let want = normalize(title);
    let by_title = (from..end).find(|&i| {
        let h = normalize(&toc[i].title);
        h == want || !want.is_empty() && unnumbered(&h) == want
    });
    by_title.or(found).and_then(|i| toc.get(i))
}

/// Letters and digits only, lowercase, full-width ASCII as ASCII: `（１）研修体系` → `1研修体系`.
fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A normalized heading without its leading section number (`1`, `ⅳ`, `iv`, `⑶`).
fn unnumbered(h: &str) -> &str {
    h.trim_start_matches(|c: char| c.is_numeric() || matches!(c, 'i' | 'v' | 'x'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{render_with, HeadingIds};

    fn none(_: &str) -> Option<String> {
        None
    }

    fn toc(md: &str) -> Vec<Heading> {
        render_with(md, &none, "", HeadingIds::Numbered).0.toc
    }

    #[test]
    fn a_measure_finds_its_section_by_path_then_title() {
        let t = toc("## Ⅰ 人材の育成\n\n### 1 研修\n\n### 4 ジョブローテーション\n\n#### (1) 基礎づくり\n\n## Ⅱ 人材の確保\n\n### 1 採用方法の工夫\n\n#### （１）受験機会の拡大\n");
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let hit = locate(
            &t,
            &path(&["第3章 基本的方策", "Ⅱ 人材の確保", "1 採用方法の工夫"]),
            "受験機会の拡大",
        );
        assert_eq!(hit.map(|h| h.id.as_str()), Some("s2-1-1"));
        // The title elsewhere in the chapter is not taken: only under the path.
        let hit = locate(&t, &path(&["Ⅰ 人材の育成"]), "受験機会の拡大");
        assert_eq!(hit.map(|h| h.id.as_str()), Some("s1"));
        let hit = locate(&t, &path(&["Ⅰ 人材の育成", "4 ジョブローテーション"]), "x");
        assert_eq!(hit.map(|h| h.id.as_str()), Some("s1-2"));
        assert_eq!(locate(&t, &path(&["第5章"]), "なし"), None);
    }

    #[test]
    fn sections_pair_with_the_original_and_part_titles_join_their_first_section() {
        let en = render_with(
            "Intro.\n\n## I Part\n\n### 1 First\n\nOne.\n\n### 2 Second\n\nTwo.\n",
            &none,
            "",
            HeadingIds::Numbered,
        )
        .0;
        let ja = render_with(
            "前書き。\n\n## Ⅰ 部\n\n### 1 第一\n\n一。\n\n### 2 第二\n\n二。\n",
            &none,
            "",
            HeadingIds::Bare,
        )
        .0;
        let s = paired_sections(&en, &ja).unwrap();
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0]["html"].as_str().unwrap().contains("Intro."));
        let second = s[1]["html"].as_str().unwrap();
        assert!(
            second.contains("id=\"s1\"")
                && second.contains("id=\"s1-1\"")
                && second.contains("One.")
        );
        let original = s[1]["original"].as_str().unwrap();
        assert!(
            original.contains("<h2>Ⅰ 部</h2>")
                && original.contains("一。")
                && !original.contains("id=")
        );
        assert!(s[2]["original"].as_str().unwrap().contains("二。"));
        // Different outlines do not pair.
        let other = render_with("## a\n\nx\n", &none, "", HeadingIds::Bare).0;
        assert!(paired_sections(&en, &other).is_none());
    }
}
