//! Pages and their translations: the search answers one result per pair.
//!
//! A page and its translation share a path, the English one under `/en/` (`/cities/kofu/` and
//! `/en/cities/kofu/`), as every page of the site does and as the search page's script assumes
//! when it links a result's twin. The pair's key is that shared path; the index stores a 64-bit
//! hash of it (a fast field) and the static bundle the twin's document number, both computed
//! from the URL by the functions here, so the server and the browser group alike.

/// The path a page shares with its translation: its URL without the `/en` prefix.
pub fn pair_key(url: &str) -> &str {
    match url.strip_prefix("/en/") {
        Some(_) => &url[3..],
        None => url,
    }
}

/// The URL of a page's translation: the same path with `/en` added or taken away.
pub fn twin_url(url: &str) -> String {
    let key = pair_key(url);
    if key.len() == url.len() {
        format!("/en{url}")
    } else {
        key.to_string()
    }
}

/// A stable 64-bit hash of [`pair_key`] (FNV-1a): the index's `pair` fast field.
pub fn pair_hash(url: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in pair_key(url).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_and_its_translation_share_a_key() {
        assert_eq!(pair_key("/en/cities/kofu/"), "/cities/kofu/");
        assert_eq!(pair_key("/cities/kofu/"), "/cities/kofu/");
        assert_eq!(pair_key("/en/themes/health/"), "/themes/health/");
        assert_eq!(
            pair_hash("/en/cities/kofu/measures/kofu-06/"),
            pair_hash("/cities/kofu/measures/kofu-06/")
        );
        assert_ne!(
            pair_hash("/cities/kofu/measures/kofu-06/"),
            pair_hash("/cities/kofu/measures/kofu-07/")
        );
    }

    #[test]
    fn only_a_leading_en_segment_is_the_language() {
        assert_eq!(pair_key("/engagement/"), "/engagement/");
        assert_eq!(pair_key("/cities/en/"), "/cities/en/");
        assert_eq!(pair_key("/en"), "/en");
    }

    #[test]
    fn the_twin_url_adds_or_removes_en() {
        assert_eq!(twin_url("/cities/kofu/"), "/en/cities/kofu/");
        assert_eq!(twin_url("/en/cities/kofu/"), "/cities/kofu/");
        assert_eq!(twin_url("/engagement/"), "/en/engagement/");
        assert_eq!(twin_url("/"), "/en/");
        assert_eq!(twin_url("/en/"), "/");
    }
}
