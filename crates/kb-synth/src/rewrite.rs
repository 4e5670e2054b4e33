//! Text rewrites that turn a real city's page into a synthetic city's: ids and names renamed,
//! borrowed measures attached to a chapter, links that would dangle reduced to plain text.

use std::path::Path;

/// Splits a content file into its front matter (the TOML between the `+++` fences) and its body,
/// with the site builder's own reader; `None` when the file has no front matter. `aliases` are
/// dropped: they are old URLs of the real city's pages, which no copy may claim.
fn split(text: &str) -> Option<(String, String)> {
    let split = kb_site::frontmatter::split(Path::new(""), text).ok()?;
    let front: String = split
        .front_matter
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("aliases = "))
        .collect();
    Some((front, split.body))
}

/// Puts a file split by [`split`] back together (the text after the closing fence).
fn join(front: Option<&str>, body: &str) -> String {
    match front {
        Some(front) => format!("+++\n{front}+++\n{body}"),
        None => body.to_string(),
    }
}

/// A page of the base city, moved to `slug`: ids in the front matter (`"osaki-…"`, the
/// `cities` taxonomy) and links to the base city's pages follow; links to other real cities
/// become plain text. `title` replaces the page title when given.
pub(crate) fn rename(
    text: &str,
    base: &str,
    slug: &str,
    real: &[String],
    title: Option<&str>,
) -> String {
    let (front, body) = match split(text) {
        Some((front, body)) => (Some(front), body),
        None => (None, text.to_string()),
    };
    let front = front.map(|front| {
        let front = front
            .replace(&format!("\"{base}-"), &format!("\"{slug}-"))
            .replace(&format!("\"{base}\""), &format!("\"{slug}\""));
        match title {
            Some(t) => replace_title(&front, t),
            None => front,
        }
    });
    let body = body
        .replace(
            &format!("@/cities/{base}/measures/{base}-"),
            &format!("@/cities/{slug}/measures/{slug}-"),
        )
        .replace(&format!("@/cities/{base}/"), &format!("@/cities/{slug}/"));
    let body = unlink(&body, |target| {
        real.iter()
            .any(|c| target.starts_with(&format!("@/cities/{c}/")))
    });
    join(front.as_deref(), &body)
}

/// A measure of another city, borrowed by `slug`: the taxonomy, the chapter and the weight
/// change; internal links become plain text.
pub(crate) fn borrow(text: &str, from: &str, slug: &str, chapter: &str, weight: usize) -> String {
    let (front, body) = match split(text) {
        Some((front, body)) => (Some(front), body),
        None => (None, text.to_string()),
    };
    let mut out = String::with_capacity(text.len());
    for line in front.as_deref().unwrap_or_default().split_inclusive('\n') {
        if line.starts_with("cities = [") {
            out.push_str(&format!("cities = [\"{slug}\"]\n"));
        } else if line.starts_with("chapter = ") {
            out.push_str(&format!("chapter = \"{chapter}\"\n"));
        } else if line.starts_with("weight = ") {
            out.push_str(&format!("weight = {weight}\n"));
        } else {
            out.push_str(line);
        }
    }
    debug_assert!(!out.contains(&format!("\"{from}\"")));
    join(
        front.is_some().then_some(out.as_str()),
        &unlink(&body, |t| t.starts_with("@/")),
    )
}

fn replace_title(front: &str, title: &str) -> String {
    let mut done = false;
    front
        .split_inclusive('\n')
        .map(|line| {
            if !done && line.starts_with("title = ") {
                done = true;
                format!("title = \"{title}\"\n")
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// Replaces Markdown links `[text](target)` whose target matches with their text.
pub(crate) fn unlink(body: &str, matches: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(mid) = rest.find("](") {
        let open = rest[..mid].rfind('[');
        let close = rest[mid + 2..].find(')').map(|c| mid + 2 + c);
        match (open, close) {
            (Some(open), Some(close)) if matches(&rest[mid + 2..close]) => {
                out.push_str(&rest[..open]);
                out.push_str(&rest[open + 1..mid]);
                rest = &rest[close + 1..];
            }
            _ => {
                out.push_str(&rest[..mid + 2]);
                rest = &rest[mid + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}
