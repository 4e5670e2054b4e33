//! Glob patterns as Zola's `ignored_content` reads them (the `globset` crate's defaults): `*`
//! and `**` match any run of characters, `/` included; `?` one character; `[abc]`, `[a-z]`,
//! `[!abc]` one character of a class; `{a,b}` one of the alternatives. Zola matches a pattern
//! against the whole path of a content file, so `README.md` matches nothing and `*README.md`
//! matches every `README.md`.

/// Whether `pattern` matches all of `text`.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    match_at(&p, &t)
}

fn match_at(p: &[char], t: &[char]) -> bool {
    let Some((&c, rest)) = p.split_first() else {
        return t.is_empty();
    };
    match c {
        '*' => {
            let rest = trim_stars(rest);
            (0..=t.len()).any(|i| match_at(rest, &t[i..]))
        }
        '?' => !t.is_empty() && match_at(rest, &t[1..]),
        '[' => match class(rest) {
            Some((set, negated, after)) => {
                t.first().is_some_and(|&x| in_class(&set, x) != negated) && match_at(after, &t[1..])
            }
            None => t.first() == Some(&'[') && match_at(rest, &t[1..]),
        },
        '{' => match alternatives(rest) {
            Some((alts, after)) => alts.iter().any(|alt| {
                let mut joined = alt.clone();
                joined.extend_from_slice(after);
                match_at(&joined, t)
            }),
            None => t.first() == Some(&'{') && match_at(rest, &t[1..]),
        },
        '\\' if !rest.is_empty() => t.first() == Some(&rest[0]) && match_at(&rest[1..], &t[1..]),
        _ => t.first() == Some(&c) && match_at(rest, &t[1..]),
    }
}

fn trim_stars(mut p: &[char]) -> &[char] {
    while p.first() == Some(&'*') {
        p = &p[1..];
    }
    p
}

/// A parsed character class: its ranges (a single member is a range of one), whether it is
/// negated, and the pattern after its `]`.
type Class<'a> = (Vec<(char, char)>, bool, &'a [char]);

/// The character class after a `[`, or `None` when no `]` closes it.
fn class(p: &[char]) -> Option<Class<'_>> {
    let (negated, mut i) = match p.first() {
        Some('!') => (true, 1),
        _ => (false, 0),
    };
    let mut set = Vec::new();
    let start = i;
    while i < p.len() {
        if p[i] == ']' && i > start {
            return Some((set, negated, &p[i + 1..]));
        }
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            set.push((p[i], p[i + 2]));
            i += 3;
        } else {
            set.push((p[i], p[i]));
            i += 1;
        }
    }
    None
}

fn in_class(set: &[(char, char)], c: char) -> bool {
    set.iter().any(|&(a, b)| a <= c && c <= b)
}

/// Alternatives after a `{`: (each alternative, the pattern after the closing `}`). Not nested.
fn alternatives(p: &[char]) -> Option<(Vec<Vec<char>>, &[char])> {
    let end = p.iter().position(|&c| c == '}')?;
    let alts = p[..end]
        .split(|&c| c == ',')
        .map(<[char]>::to_vec)
        .collect();
    Some((alts, &p[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn zola_ignored_content_patterns() {
        assert!(matches("*README.md", "content/README.md"));
        assert!(matches("*README.md", "/srv/site/content/cities/README.md"));
        assert!(!matches("README.md", "content/README.md"));
        assert!(matches("*.{graphml,iso}", "content/a/b.iso"));
        assert!(!matches("*.{graphml,iso}", "content/a/b.md"));
        assert!(matches("*.py?", "content/x.pyc"));
        assert!(matches("**/{target,temp_folder}", "content/a/target"));
        assert!(matches("*[!a].md", "content/b.md"));
        assert!(!matches("*[!a].md", "content/a.md"));
        assert!(matches("*/[a-c]?.md", "content/bz.md"));
        assert!(matches("a\\*", "a*"));
        assert!(!matches("a\\*", "ab"));
    }
}
