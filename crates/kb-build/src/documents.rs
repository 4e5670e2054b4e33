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

/// The document of the entry at `pos`, its text rendered on the calling thread.
pub fn document_at(site: &Site, pos: usize) -> search_indexer::Document {
    let e = &site.entries[pos];
    document(e, site.rendered(e).text)
}
