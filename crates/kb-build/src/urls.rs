//! The URLs a build writes into its HTML: the pages are rendered with site-relative URLs
//! (`/cities/osaki/`, `/style.css`); here every one of them in a link, asset, form or redirect is
//! given `base_url`'s path (`/jinji/kb/cities/osaki/`), and the stylesheet and scripts their
//! fingerprinted names (`/style.3f9a0c1d2e.css`), so that a browser may keep them for a year.
//! One pass over each page, done as it is written.

use kb_site::base_url::BaseUrl;
use std::collections::HashMap;

/// Rewrites site-relative URLs of HTML pages.
#[derive(Debug, Clone, Default)]
pub struct Rewriter {
    prefix: String,
    /// Site-relative asset path → its fingerprinted path (`/style.css` → `/style.<hash>.css`).
    assets: HashMap<String, String>,
}

/// The attributes whose values are URLs, as they end in the markup (`xlink:href` ends in `href`).
const URL_ATTRIBUTES: [&str; 3] = ["href", "src", "action"];

impl Rewriter {
    pub fn new(base: &BaseUrl, assets: HashMap<String, String>) -> Rewriter {
        Rewriter {
            prefix: base.prefix().to_string(),
            assets,
        }
    }

    /// Whether rewriting changes anything (the default `/` base and no fingerprints: no).
    pub fn is_identity(&self) -> bool {
        self.prefix.is_empty() && self.assets.is_empty()
    }

    /// A page's markup with its site-relative URLs rewritten; other bytes untouched.
    pub fn page(&self, html: &[u8]) -> Vec<u8> {
        if self.is_identity() {
            return html.to_vec();
        }
        let mut out = Vec::with_capacity(html.len() + 256);
        let mut last = 0;
        let mut i = 0;
        while let Some(found) = html[i..].iter().position(|&b| b == b'/') {
            let at = i + found;
            i = at + 1;
            if !self.starts_url(html, at) {
                continue;
            }
            let end = html[at..]
                .iter()
                .position(|b| matches!(b, b'"' | b'\'' | b' ' | b'>'))
                .map_or(html.len(), |p| at + p);
            let url = &html[at..end];
            let path_end = url
                .iter()
                .position(|b| matches!(b, b'?' | b'#'))
                .unwrap_or(url.len());
            out.extend_from_slice(&html[last..at]);
            out.extend_from_slice(self.prefix.as_bytes());
            let path = std::str::from_utf8(&url[..path_end]).unwrap_or_default();
            match self.assets.get(path) {
                Some(renamed) => {
                    out.extend_from_slice(renamed.as_bytes());
                    out.extend_from_slice(&url[path_end..]);
                }
                None => out.extend_from_slice(url),
            }
            last = end;
            i = end;
        }
        out.extend_from_slice(&html[last..]);
        out
    }

    /// Whether the `/` at `at` starts a site-relative URL in a URL attribute (`href="/…"`) or a
    /// meta refresh (`content="0; url=/…"`). Protocol-relative `//host` is left alone.
    fn starts_url(&self, html: &[u8], at: usize) -> bool {
        if html.get(at + 1) == Some(&b'/') {
            return false;
        }
        let before = &html[..at];
        if before.ends_with(b"url=") {
            return true;
        }
        let Some(before) = before
            .strip_suffix(b"=\"")
            .or_else(|| before.strip_suffix(b"='"))
        else {
            return false;
        };
        URL_ATTRIBUTES.iter().any(|a| {
            before.ends_with(a.as_bytes())
                && before
                    .get(before.len() - a.len() - 1)
                    .is_some_and(|b| b.is_ascii_whitespace() || *b == b':')
        })
    }
}

/// A short content hash for fingerprinted file names (FNV-1a, 40 bits in hex): it only has to
/// change when the content does.
pub fn fingerprint(contents: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in contents {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", h & 0xff_ffff_ffff)
}

/// `style.css` → `style.<hash>.css`.
pub fn fingerprinted_name(path: &str, contents: &[u8]) -> String {
    let hash = fingerprint(contents);
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
            format!("{stem}.{hash}.{ext}")
        }
        _ => format!("{path}.{hash}"),
    }
}

/// Whether a file name carries a fingerprint (`name.<10 hex>.ext`): such files never change, so
/// servers may let browsers keep them.
pub fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3 && {
        let h = parts[parts.len() - 2];
        h.len() == 10 && h.bytes().all(|b| b.is_ascii_hexdigit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewriter(base: &str) -> Rewriter {
        let mut assets = HashMap::new();
        assets.insert(
            "/style.css".to_string(),
            "/style.0123456789.css".to_string(),
        );
        Rewriter::new(&BaseUrl::parse(base).unwrap(), assets)
    }

    #[test]
    fn links_assets_forms_and_redirects_follow_the_base() {
        let r = rewriter("http://intranet.example/jinji/kb/");
        let html = br##"<link rel="stylesheet" href="/style.css"><a href="/cities/osaki/#kpi">x</a>
<img src='/img/a.png'><form action="/search/"><a href="//other/x">o</a><a href="https://x/">e</a>
<a href="#main">m</a><meta http-equiv="refresh" content="0; url=/en/"><svg><a xlink:href="/themes/">t</a></svg>
<p>a/b</p><a data-href="/keep">k</a>"##;
        let out = String::from_utf8(r.page(html)).unwrap();
        assert!(
            out.contains(r#"href="/jinji/kb/style.0123456789.css""#),
            "{out}"
        );
        assert!(out.contains(r#"href="/jinji/kb/cities/osaki/#kpi""#));
        assert!(out.contains(r#"src='/jinji/kb/img/a.png'"#));
        assert!(out.contains(r#"action="/jinji/kb/search/""#));
        assert!(out.contains(r#"href="//other/x""#));
        assert!(out.contains(r#"href="https://x/""#));
        assert!(out.contains(r##"href="#main""##));
        assert!(out.contains("url=/jinji/kb/en/"));
        assert!(out.contains(r#"xlink:href="/jinji/kb/themes/""#));
        assert!(out.contains(r#"data-href="/keep""#), "{out}");
    }

    #[test]
    fn the_root_base_without_assets_changes_nothing() {
        let r = Rewriter::new(&BaseUrl::parse("/").unwrap(), HashMap::new());
        assert!(r.is_identity());
        let html = br#"<a href="/x/">x</a>"#;
        assert_eq!(r.page(html), html.to_vec());
    }

    #[test]
    fn fingerprints() {
        let a = fingerprinted_name("style.css", b"a");
        assert!(is_fingerprinted(&a), "{a}");
        assert_ne!(a, fingerprinted_name("style.css", b"b"));
        assert!(is_fingerprinted("js/site.0123456789.js"));
        assert!(!is_fingerprinted("js/site.js"));
        assert!(!is_fingerprinted("data/measures.json"));
    }
}
