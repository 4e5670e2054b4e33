//! The whole site in memory: configuration, every content entry with its rendered Markdown, and
//! the relations between them (translations, a city's chapters and measures). Loading a site
//! validates it; `kb check` is exactly a load that writes nothing.

use crate::config::Config;
use crate::content::{self, Entry, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Rendered};
use crate::validate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub entries: Vec<Entry>,
    /// Rendered Markdown, parallel to `entries`.
    pub rendered: Vec<Rendered>,
    index: HashMap<(String, String), usize>,
}

impl Site {
    /// Loads and validates the site under `root`. Every problem found is returned together.
    pub fn load(root: &Path) -> Result<Site, Diagnostics> {
        let config_path = root.join("config.toml");
        let config = Config::load(&config_path, Path::new("config.toml"))
            .map_err(|d| Diagnostics(vec![d]))?;
        let (mut entries, mut problems) = content::load(root, &config);
        // A file that does not parse would make every check that involves it cry wolf (missing
        // twin, dangling references): report the parse errors alone first.
        if !problems.is_empty() {
            return Err(Diagnostics::sorted(problems));
        }
        // Drafts are neither rendered nor checked for translations (Zola skips them too).
        entries.retain(|e| !e.front.draft);
        entries.sort_by(|a, b| (&a.key, &a.lang).cmp(&(&b.key, &b.lang)));
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.key.clone(), e.lang.clone()), i))
            .collect();
        let mut site = Site {
            root: root.to_path_buf(),
            config,
            entries,
            rendered: Vec::new(),
            index,
        };
        for gap in site.config.translation_gaps() {
            problems.push(Diagnostic::new("config.toml", 0, gap));
        }
        problems.extend(validate::validate(&site));
        problems.extend(site.render_markdown());
        if problems.is_empty() {
            Ok(site)
        } else {
            Err(Diagnostics::sorted(problems))
        }
    }

    fn render_markdown(&mut self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut rendered = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            // `@/x.en.md` names the English file (Zola); `@/x.md` the page in the linking
            // page's own language when it exists.
            let resolve = |target: &str| match target.strip_suffix(".en.md") {
                Some(stem) => self.get(&format!("{stem}.md"), "en").map(|e| e.url.clone()),
                None => self
                    .get(target, &entry.lang)
                    .or_else(|| self.get(target, "ja"))
                    .map(|e| e.url.clone()),
            };
            let label = self.config.trans("anchor_link", &entry.lang);
            let (r, errors) = markdown::render(&entry.split.body, &resolve, &label);
            for err in errors {
                let (line, col) = crate::diagnostics::line_col(&entry.split.body, err.offset);
                let line = line + entry.split.body_line - 1;
                problems.push(Diagnostic::new(&entry.file, line, err.message).at(line, col));
            }
            rendered.push(r);
        }
        self.rendered = rendered;
        problems
    }

    /// The entry for a content path (`cities/osaki/_index.md`) in a language.
    pub fn get(&self, key: &str, lang: &str) -> Option<&Entry> {
        self.index
            .get(&(key.to_string(), lang.to_string()))
            .map(|&i| &self.entries[i])
    }

    pub fn position(&self, key: &str, lang: &str) -> Option<usize> {
        self.index
            .get(&(key.to_string(), lang.to_string()))
            .copied()
    }

    /// The entry's twin in the other language.
    pub fn translation(&self, entry: &Entry) -> Option<&Entry> {
        let other = if entry.lang == "en" { "ja" } else { "en" };
        self.get(&entry.key, other)
    }

    /// Entries of one language, in key order.
    pub fn in_lang<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries.iter().filter(move |e| e.lang == lang)
    }

    /// The city page of `city` in `lang`.
    pub fn city(&self, city: &str, lang: &str) -> Option<&Entry> {
        self.get(&format!("cities/{city}/_index.md"), lang)
    }

    /// A city's measures (or chapters) in `lang`, in reading order (weight, then file name).
    pub fn city_pages<'a>(
        &'a self,
        city: &str,
        lang: &'a str,
        kind: fn(&Kind) -> bool,
    ) -> Vec<&'a Entry> {
        let mut pages: Vec<&Entry> = self
            .in_lang(lang)
            .filter(|e| kind(&e.kind) && e.kind.city() == Some(city))
            .collect();
        sort_pages(&mut pages);
        pages
    }

    pub fn measures<'a>(&'a self, city: &str, lang: &'a str) -> Vec<&'a Entry> {
        self.city_pages(city, lang, |k| matches!(k, Kind::Measure(_)))
    }

    pub fn chapters<'a>(&'a self, city: &str, lang: &'a str) -> Vec<&'a Entry> {
        self.city_pages(city, lang, |k| matches!(k, Kind::Chapter(_)))
    }

    /// The measure whose id (file stem) is `id`, in `lang`.
    pub fn measure_by_id(&self, id: &str, lang: &str) -> Option<&Entry> {
        let city = self
            .config
            .extra
            .cities
            .iter()
            .find(|c| id.starts_with(c.as_str()))?;
        self.get(&format!("cities/{city}/measures/{id}.md"), lang)
    }

    pub fn rendered(&self, entry: &Entry) -> &Rendered {
        let i = self
            .position(&entry.key, &entry.lang)
            .expect("entry belongs to the site");
        &self.rendered[i]
    }

    /// Cities in config order that have a city page.
    pub fn cities(&self) -> Vec<&str> {
        self.config
            .extra
            .cities
            .iter()
            .map(String::as_str)
            .filter(|c| self.city(c, "ja").is_some())
            .collect()
    }

    /// The display name of a city (its page title) in `lang`.
    pub fn city_name<'a>(&'a self, city: &'a str, lang: &str) -> &'a str {
        self.city(city, lang).map_or(city, |e| e.title())
    }
}

/// Zola's default page order: weight, then title; file name breaks ties.
pub fn sort_pages(pages: &mut [&Entry]) {
    pages.sort_by(|a, b| {
        (a.front.weight.unwrap_or(i64::MAX), natural_key(a.slug()))
            .cmp(&(b.front.weight.unwrap_or(i64::MAX), natural_key(b.slug())))
    });
}

/// Sorts `osaki-2` before `osaki-10`.
fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            num = Some(num.unwrap_or(0).saturating_mul(10).saturating_add(d as u64));
        } else {
            if let Some(n) = num.take() {
                out.push((std::mem::take(&mut text), n));
            }
            text.push(c);
        }
    }
    out.push((text, num.unwrap_or(0)));
    out
}
