//! `sitemap.xml`: every page the build writes, with its absolute URL (base_url), as Zola writes
//! one. With a path-only base_url the URLs are rooted paths: crawlers then need the host added.

use crate::Site;

pub fn sitemap_xml(site: &Site) -> Vec<u8> {
    let base = site.base_url();
    let mut urls: Vec<String> = site
        .entries
        .iter()
        .filter(|e| !e.front.draft)
        .map(|e| e.url.clone())
        .collect();
    for lang in ["ja", "en"] {
        urls.push(format!("{}/themes/", crate::views::lang_prefix(lang)));
        for slug in site.config.theme_slugs() {
            urls.push(crate::views::theme_url(slug, lang));
        }
    }
    for (city, lang) in crate::render::source_pages(site) {
        urls.extend(crate::views::source_url(site, city, lang));
    }
    urls.sort();
    urls.dedup();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        out.push_str("  <url><loc>");
        out.push_str(&crate::markdown::escape_attr(&base.absolute(&url)));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}
