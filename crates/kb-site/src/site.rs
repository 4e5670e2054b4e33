//! The whole site in memory: configuration, every content entry with its rendered Markdown, and
//! the relations between them (translations, a city's chapters and measures). Reading a site
//! here does not validate it: [`crate::validate`] checks a site read here, and [`crate::load`]
//! does both for `Site::load`.

use crate::config::Config;
use crate::content::{self, Entry, Kind};
use crate::diagnostics::Diagnostics;
use crate::markdown::{self, Rendered};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Every content file, sorted by (key, language). Each keeps its Markdown source: pages are
    /// rendered from it when needed ([`Site::rendered`]) rather than held rendered, which at
    /// national scale would take more memory than everything else together.
    pub entries: Vec<Entry>,
    index: HashMap<(String, String), usize>,
    /// Cities in config order that have a Japanese city page.
    cities: Vec<String>,
    /// Position of each city in `cities`.
    city_order: HashMap<String, usize>,
    /// Per (city, language): its chapters and measures in reading order, and every entry of the
    /// city. Built once, so that listing a city's pages does not scan the whole site (at
    /// national scale that scan, repeated per page, made the build quadratic).
    by_city: HashMap<(String, String), CityPages>,
    /// Per (section directory, language): its pages and subsections in page order.
    children: HashMap<(String, String), Children>,
}

#[derive(Default)]
struct CityPages {
    measures: Vec<usize>,
    chapters: Vec<usize>,
    all: Vec<usize>,
}

#[derive(Default)]
struct Children {
    pages: Vec<usize>,
    subsections: Vec<usize>,
}

impl Site {
    /// Reads the site under `root`: its configuration and every content file, with the lookups
    /// between them. Files that do not parse are returned as diagnostics; nothing else is
    /// checked (see [`crate::validate`]).
    pub fn read(root: &Path) -> Result<Site, Diagnostics> {
        let config_path = root.join("config.toml");
        let config = Config::load(&config_path, Path::new("config.toml"))
            .map_err(|d| Diagnostics(vec![d]))?;
        let timer = crate::progress::PhaseTimer::from_env();
        let (mut entries, problems) = content::load(root, &config);
        timer.mark("  read + parse");
        // A file that does not parse would make every check that involves it cry wolf (missing
        // twin, dangling references): report the parse errors alone.
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
            index,
            cities: Vec::new(),
            city_order: HashMap::new(),
            by_city: HashMap::new(),
            children: HashMap::new(),
        };
        site.build_lookups();
        timer.mark("  lookups");
        Ok(site)
    }

    /// Drops the front matter text of every entry: it only serves to place validation messages,
    /// and at national scale it is a sizeable share of the memory.
    pub fn drop_front_matter_text(&mut self) {
        for e in &mut self.entries {
            e.split.front_matter = String::new();
        }
    }

    /// The lookup tables over `entries` (see the fields). Entries must be sorted.
    pub(crate) fn build_lookups(&mut self) {
        self.cities = self
            .config
            .extra
            .cities
            .iter()
            .filter(|c| self.city(c, "ja").is_some())
            .cloned()
            .collect();
        self.city_order = self
            .cities
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        let mut by_city: HashMap<(String, String), CityPages> = HashMap::new();
        let mut children: HashMap<(String, String), Children> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(city) = e.kind.city() {
                let pages = by_city
                    .entry((city.to_string(), e.lang.clone()))
                    .or_default();
                pages.all.push(i);
                match e.kind {
                    Kind::Measure(_) => pages.measures.push(i),
                    Kind::Chapter(_) => pages.chapters.push(i),
                    _ => {}
                }
            }
            // A page belongs to the section of its directory; a section to its parent's.
            let dir = if e.is_section {
                let d = e.key.trim_end_matches("_index.md").trim_end_matches('/');
                match d.rsplit_once('/') {
                    Some((parent, _)) => format!("{parent}/"),
                    None if d.is_empty() => continue,
                    None => String::new(),
                }
            } else {
                match e.key.rsplit_once('/') {
                    Some((d, _)) => format!("{d}/"),
                    None => String::new(),
                }
            };
            let c = children.entry((dir, e.lang.clone())).or_default();
            if e.is_section {
                c.subsections.push(i);
            } else {
                c.pages.push(i);
            }
        }
        let entries = &self.entries;
        let order = |list: &mut Vec<usize>| {
            list.sort_by_cached_key(|&i| page_order_key(&entries[i]));
        };
        for pages in by_city.values_mut() {
            order(&mut pages.measures);
            order(&mut pages.chapters);
        }
        for c in children.values_mut() {
            order(&mut c.pages);
            order(&mut c.subsections);
        }
        self.by_city = by_city;
        self.children = children;
    }

    /// The Markdown of `entry` rendered, with internal links resolved against the site, and the
    /// links that could not be.
    pub(crate) fn render_entry(&self, entry: &Entry) -> (Rendered, Vec<markdown::LinkError>) {
        self.render_entry_as(entry, heading_ids(entry))
    }

    /// [`Site::render_entry`] with a choice of heading ids.
    fn render_entry_as(
        &self,
        entry: &Entry,
        style: markdown::HeadingIds,
    ) -> (Rendered, Vec<markdown::LinkError>) {
        // `@/x.en.md` names the English file (Zola); `@/x.md` the page in the linking page's
        // own language when it exists.
        let resolve = |target: &str| match target.strip_suffix(".en.md") {
            Some(stem) => self.get(&format!("{stem}.md"), "en").map(|e| e.url.clone()),
            None => self
                .get(target, &entry.lang)
                .or_else(|| self.get(target, "ja"))
                .map(|e| e.url.clone()),
        };
        let label = self.config.trans("anchor_link", &entry.lang);
        markdown::render_with(&entry.split.body, &resolve, &label, style)
    }

    /// Where readers reach the site (`base_url`). The build pipeline checks it before anything
    /// is rendered (a bad one is a `config.toml:<line>` error), so a value that does not parse
    /// only reaches here from tests that build pieces by hand: those get the root.
    pub fn base_url(&self) -> crate::base_url::BaseUrl {
        crate::base_url::BaseUrl::parse(&self.config.base_url).unwrap_or_default()
    }

    /// Re-reads one content file that is already part of the site, for the incremental update
    /// of `kb serve` (see [`crate::load`]): returns its position and the new entry, unchecked.
    ///
    /// Returns `None` when the edit cannot be applied alone and the caller must rebuild
    /// everything: the file is new or gone, its URL changed, or it is a section or city page
    /// (whose data other pages are built from). A file that does not parse is a diagnostic.
    pub fn read_entry(&self, path: &Path) -> Result<Option<(usize, Entry)>, Diagnostics> {
        let Some(rel) = self.content_path(path) else {
            return Ok(None);
        };
        if !path.is_file() || self.config.is_ignored_content(&rel) {
            return Ok(None);
        }
        let shown = crate::diagnostics::display_path(&self.root, path);
        let entry = content::load_file(path, &shown, &rel).map_err(|d| Diagnostics(vec![d]))?;
        let Some(pos) = self.position(&entry.key, &entry.lang) else {
            return Ok(None);
        };
        let old = &self.entries[pos];
        let structural = entry.is_section
            || entry.front.draft
            || entry.url != old.url
            || entry.front.aliases != old.front.aliases
            || !matches!(entry.kind, Kind::Measure(_) | Kind::Chapter(_) | Kind::Page);
        if structural {
            return Ok(None);
        }
        Ok(Some((pos, entry)))
    }

    /// Puts an entry from [`Site::read_entry`] in place of the old one at `pos`.
    pub fn replace_entry(&mut self, pos: usize, mut entry: Entry) {
        entry.split.front_matter = String::new();
        let reorder = entry.front.weight != self.entries[pos].front.weight;
        self.entries[pos] = entry;
        if reorder {
            self.build_lookups();
        }
    }

    /// The path of a file below `content/`, `/`-separated (`cities/osaki/_index.en.md`).
    fn content_path(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(self.root.join("content")).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    /// The entry loaded from the content file at `path`, if any.
    pub fn entry_at(&self, path: &Path) -> Option<&Entry> {
        let (key, lang) = content::language_of(&self.content_path(path)?).ok()?;
        self.get(&key, &lang)
    }

    /// The sections above an entry (its directory's `_index.md`, that one's parent, …) in its
    /// language, nearest first.
    pub fn ancestors(&self, entry: &Entry) -> Vec<&Entry> {
        let parts: Vec<&str> = entry.key.split('/').collect();
        let mut out = Vec::new();
        for depth in (0..parts.len()).rev() {
            let key = if depth == 0 {
                "_index.md".to_string()
            } else {
                format!("{}/_index.md", parts[..depth].join("/"))
            };
            if key == entry.key {
                continue;
            }
            if let Some(section) = self.get(&key, &entry.lang) {
                out.push(section);
            }
        }
        out
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

    fn city_list(
        &self,
        city: &str,
        lang: &str,
        pick: fn(&CityPages) -> &Vec<usize>,
    ) -> Vec<&Entry> {
        self.by_city
            .get(&(city.to_string(), lang.to_string()))
            .map(|p| pick(p).iter().map(|&i| &self.entries[i]).collect())
            .unwrap_or_default()
    }

    /// A city's measures in `lang`, in reading order (weight, then file name).
    pub fn measures<'a>(&'a self, city: &str, lang: &'a str) -> Vec<&'a Entry> {
        self.city_list(city, lang, |p| &p.measures)
    }

    /// A city's chapters in `lang`, in reading order.
    pub fn chapters<'a>(&'a self, city: &str, lang: &'a str) -> Vec<&'a Entry> {
        self.city_list(city, lang, |p| &p.chapters)
    }

    /// Every entry of a city (its page, sections, chapters, measures) in `lang`, in key order.
    pub fn city_entries<'a>(&'a self, city: &str, lang: &'a str) -> Vec<&'a Entry> {
        self.city_list(city, lang, |p| &p.all)
    }

    /// The pages (not sections) directly in a section, in page order.
    pub fn child_pages(&self, section: &Entry) -> Vec<&Entry> {
        self.children_of(section, |c| &c.pages)
    }

    /// The sections directly below a section, in page order.
    pub fn subsections(&self, section: &Entry) -> Vec<&Entry> {
        self.children_of(section, |c| &c.subsections)
    }

    fn children_of(&self, section: &Entry, pick: fn(&Children) -> &Vec<usize>) -> Vec<&Entry> {
        let dir = section.key.trim_end_matches("_index.md").to_string();
        self.children
            .get(&(dir, section.lang.clone()))
            .map(|c| pick(c).iter().map(|&i| &self.entries[i]).collect())
            .unwrap_or_default()
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

    pub fn rendered(&self, entry: &Entry) -> Rendered {
        self.render_entry(entry).0
    }

    /// `entry` rendered to be shown inside another page: headings without ids or anchors.
    pub fn rendered_bare(&self, entry: &Entry) -> Rendered {
        self.render_entry_as(entry, markdown::HeadingIds::Bare).0
    }

    /// Cities in config order that have a city page.
    pub fn cities(&self) -> Vec<&str> {
        self.cities.iter().map(String::as_str).collect()
    }

    /// A city's position in [`Site::cities`] (for ordering).
    pub fn city_position(&self, city: &str) -> Option<usize> {
        self.city_order.get(city).copied()
    }

    /// The display name of a city (its page title) in `lang`.
    pub fn city_name<'a>(&'a self, city: &'a str, lang: &str) -> &'a str {
        self.city(city, lang).map_or(city, |e| e.title())
    }
}

/// Chapters and measures number their headings by their place in the outline (`s2-4`), so that
/// both languages share them; other pages keep ids from the heading's text.
fn heading_ids(entry: &Entry) -> markdown::HeadingIds {
    match entry.kind {
        Kind::Chapter(_) | Kind::Measure(_) => markdown::HeadingIds::Numbered,
        _ => markdown::HeadingIds::Slug,
    }
}

/// Zola's default page order: weight, then title; file name breaks ties.
pub fn sort_pages(pages: &mut [&Entry]) {
    pages.sort_by_cached_key(|e| page_order_key(e));
}

fn page_order_key(e: &Entry) -> (i64, Vec<(String, u64)>) {
    (e.front.weight.unwrap_or(i64::MAX), natural_key(e.slug()))
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
