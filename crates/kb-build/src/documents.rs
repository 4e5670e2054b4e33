//! What the search index holds of the site: which entries are indexed, and each one's document.

use kb_site::content::{Entry, Kind};
use kb_site::Site;

/// The entries that go into the search index (every page in both languages that does not opt
/// out with `in_search_index = false`), as positions in `site.entries`.
pub fn indexed_entries(site: &Site) -> Vec<usize> {
    (0..site.entries.len())
        .filter(|&i| site.entries[i].front.in_search_index)
        .collect()
}

/// One page as indexed, with its plain text `text`.
pub fn document(e: &Entry, text: String) -> search_indexer::Document {
    let m = e.measure();
    let mut body = text;
    // City pages carry their substance in front matter: index it too.
    if let Some(c) = e.city_extra() {
        for text in [
            &c.official_title,
            &c.subtitle,
            &c.issuer,
            &c.predecessor,
            &c.plan_period,
            &c.structure,
        ]
        .into_iter()
        .flatten()
        {
            body.push('\n');
            body.push_str(text);
        }
        for text in c.ideal_staff.iter().chain(&c.values) {
            body.push('\n');
            body.push_str(text);
        }
    }
    search_indexer::Document {
        url: e.url.clone(),
        lang: e.lang.clone(),
        kind: e.kind.name().to_string(),
        city: e.kind.city().map(str::to_string),
        chapter_path: m.map(|m| m.path.clone()).unwrap_or_default(),
        themes: if matches!(e.kind, Kind::Measure(_)) {
            e.front
                .taxonomies
                .get("themes")
                .cloned()
                .unwrap_or_default()
        } else {
            Vec::new()
        },
        status: m.and_then(|m| m.status.clone()),
        title: e.title().to_string(),
        body,
    }
}

/// The theme pages (`/themes/<slug>/`, `/en/themes/<slug>/`), which the build generates rather
/// than reads from content/: kind `theme`, titled with the theme's name, so that a concept
/// query (多様性, 人事評価) finds the page that gathers every city's measures on it. The body is
/// the name too (the config gives a theme nothing else), which keeps these documents a
/// function of config.toml alone: an edit of a measure never changes them (serve's
/// incremental updates need not reindex them).
pub fn theme_documents(site: &Site) -> Vec<search_indexer::Document> {
    let mut out = Vec::new();
    for slug in site.config.theme_slugs() {
        for (lang, prefix) in [("ja", ""), ("en", "/en")] {
            let Some(name) = site.config.theme_name(slug, lang) else {
                continue;
            };
            out.push(search_indexer::Document {
                url: format!("{prefix}/themes/{slug}/"),
                lang: lang.to_string(),
                kind: "theme".to_string(),
                title: name.to_string(),
                body: name.to_string(),
                ..Default::default()
            });
        }
    }
    out
}

/// The document of the entry at `pos`, its text rendered on the calling thread.
pub fn document_at(site: &Site, pos: usize) -> search_indexer::Document {
    let e = &site.entries[pos];
    document(e, site.rendered(e).text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_is_a_document_in_both_languages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let site = Site::load(&root).expect("the repository's site loads");
        let docs = theme_documents(&site);
        assert_eq!(docs.len(), 2 * site.config.theme_slugs().count());
        let diversity = docs
            .iter()
            .find(|d| d.url == "/themes/diversity/")
            .expect("the diversity theme page");
        assert_eq!(
            (diversity.kind.as_str(), diversity.lang.as_str()),
            ("theme", "ja")
        );
        assert_eq!(diversity.title, "多様性・女性活躍");
        let en = docs
            .iter()
            .find(|d| d.url == "/en/themes/diversity/")
            .expect("its English twin");
        assert_eq!(en.title, "Diversity and women's advancement");
        assert!(docs.iter().all(|d| d.city.is_none() && d.themes.is_empty()));
    }
}
