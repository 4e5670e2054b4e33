//! `base_url`: where the built site is published. Zola's setting, honoured in every URL the
//! build writes. Either an absolute URL (`https://intranet.example/jinji/kb/`) or a path rooted
//! at `/` (`/jinji/kb/`; the default `/`). Page URLs inside the build are site-relative
//! (`/cities/osaki/`); [`BaseUrl::path`] and [`BaseUrl::absolute`] turn them into what readers
//! follow.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://host[:port]` for an absolute base, empty for a path-only one.
    origin: String,
    /// The path prefix without its trailing slash: `/jinji/kb`, or empty for the root.
    prefix: String,
}

impl BaseUrl {
    /// Parses a `base_url`; the message says what is wrong.
    pub fn parse(raw: &str) -> Result<BaseUrl, String> {
        let raw = raw.trim();
        let (origin, path) = if let Some(rest) = raw
            .strip_prefix("http://")
            .map(|r| ("http://", r))
            .or_else(|| raw.strip_prefix("https://").map(|r| ("https://", r)))
        {
            let (scheme, rest) = rest;
            let (host, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            let host_ok = !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
            if !host_ok {
                return Err(format!("`{raw}` has no valid host name"));
            }
            (format!("{scheme}{host}"), path.to_string())
        } else if raw.starts_with('/') && !raw.starts_with("//") {
            (String::new(), raw.to_string())
        } else {
            return Err(format!(
                "`{raw}` is neither an absolute http(s) URL nor a path starting with `/`"
            ));
        };
        if path.contains(['?', '#', '\\', ' ', '"', '\'', '<', '>'])
            || path.split('/').any(|s| s == ".." || s == ".")
        {
            return Err(format!(
                "`{raw}`: the path may not hold a query, fragment, quote, space or dot segment"
            ));
        }
        let prefix = path.trim_end_matches('/').to_string();
        if prefix.contains("//") {
            return Err(format!("`{raw}`: empty path segment"));
        }
        Ok(BaseUrl { origin, prefix })
    }

    /// The path prefix, without a trailing slash (`/jinji/kb`; empty at the root).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A site-relative URL (`/cities/osaki/`) as readers reach it (`/jinji/kb/cities/osaki/`).
    pub fn path(&self, site_url: &str) -> String {
        format!("{}{site_url}", self.prefix)
    }

    /// A site-relative URL as an absolute one when the base has a host (for CSV cells, the
    /// sitemap, canonical links); otherwise as [`BaseUrl::path`].
    pub fn absolute(&self, site_url: &str) -> String {
        format!("{}{}{site_url}", self.origin, self.prefix)
    }

    /// Whether the base names a host.
    pub fn has_origin(&self) -> bool {
        !self.origin.is_empty()
    }
}

impl Default for BaseUrl {
    /// The root of a host: `/`.
    fn default() -> Self {
        BaseUrl {
            origin: String::new(),
            prefix: String::new(),
        }
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}/", self.origin, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_and_path_bases() {
        let b = BaseUrl::parse("http://intranet.example/jinji/kb/").unwrap();
        assert_eq!(b.prefix(), "/jinji/kb");
        assert_eq!(b.path("/cities/osaki/"), "/jinji/kb/cities/osaki/");
        assert_eq!(
            b.absolute("/cities/osaki/"),
            "http://intranet.example/jinji/kb/cities/osaki/"
        );
        assert_eq!(b.to_string(), "http://intranet.example/jinji/kb/");
        let b = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(b.prefix(), "");
        assert_eq!(b.absolute("/x/"), "http://127.0.0.1:8080/x/");
        let root = BaseUrl::parse("/").unwrap();
        assert_eq!(root.path("/en/"), "/en/");
        assert!(!root.has_origin());
        assert_eq!(BaseUrl::parse("/jinji/kb").unwrap().prefix(), "/jinji/kb");
    }

    #[test]
    fn bad_bases_are_refused() {
        for bad in [
            "",
            "jinji/kb/",
            "//host/x/",
            "ftp://host/",
            "http:///x",
            "http://host/a/../b/",
            "/a b/",
            "/a?x=1",
            "/a//b/",
            "http://ho st/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?}");
        }
    }
}
