//! Reading `content/`: every Markdown file becomes an `Entry` with its language, kind, URL and
//! typed front matter. Problems are collected, not fatal, so `kb check` reports them all at once.

use crate::config::Config;
use crate::diagnostics::{display_path, Diagnostic};
use crate::frontmatter::{self, FrontMatter, PageFrontMatter, SectionFrontMatter, SplitFile};
use crate::model::{ChapterExtra, CityExtra, MeasureExtra};
use std::path::{Path, PathBuf};

/// What a content file is, decided by where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Home,
    CityList,
    City(String),
    ChapterList(String),
    Chapter(String),
    MeasureList(String),
    Measure(String),
    /// Any other section (`_index.md`).
    Section,
    /// Any other page.
    Page,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Home => "home",
            Kind::CityList => "city-list",
            Kind::City(_) => "city",
            Kind::ChapterList(_) => "chapter-list",
            Kind::Chapter(_) => "chapter",
            Kind::MeasureList(_) => "measure-list",
            Kind::Measure(_) => "measure",
            Kind::Section => "section",
            Kind::Page => "page",
        }
    }

    pub fn city(&self) -> Option<&str> {
        match self {
            Kind::City(c)
            | Kind::ChapterList(c)
            | Kind::Chapter(c)
            | Kind::MeasureList(c)
            | Kind::Measure(c) => Some(c),
            _ => None,
        }
    }

    fn of(key: &str) -> Kind {
        let parts: Vec<&str> = key.split('/').collect();
        match parts.as_slice() {
            ["_index.md"] => Kind::Home,
            ["cities", "_index.md"] => Kind::CityList,
            ["cities", c, "_index.md"] => Kind::City(c.to_string()),
            ["cities", c, "chapters", "_index.md"] => Kind::ChapterList(c.to_string()),
            ["cities", c, "chapters", _] => Kind::Chapter(c.to_string()),
            ["cities", c, "measures", "_index.md"] => Kind::MeasureList(c.to_string()),
            ["cities", c, "measures", _] => Kind::Measure(c.to_string()),
            [.., "_index.md"] => Kind::Section,
            _ => Kind::Page,
        }
    }
}

/// The typed `[extra]` of the kinds the content model defines.
#[derive(Debug, Clone)]
pub enum KindData {
    City(Box<CityExtra>),
    Chapter(ChapterExtra),
    Measure(MeasureExtra),
    None,
}

/// One content file.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The language-neutral path below content/, e.g. `cities/osaki/measures/osaki-01.md`.
    pub key: String,
    pub lang: String,
    /// The file as shown in messages, e.g. `content/cities/osaki/measures/osaki-01.en.md`.
    pub file: PathBuf,
    pub is_section: bool,
    pub kind: Kind,
    pub front: FrontMatter,
    pub split: SplitFile,
    pub data: KindData,
    /// The site-relative URL, e.g. `/en/cities/osaki/measures/osaki-01/`.
    pub url: String,
}

impl Entry {
    pub fn title(&self) -> &str {
        self.front.title.as_deref().unwrap_or_default()
    }

    /// The file stem without language: `osaki-01` for a measure, `takasaki` for a city section.
    pub fn slug(&self) -> &str {
        let parts: Vec<&str> = self.key.split('/').collect();
        let last = parts.last().copied().unwrap_or_default();
        if last == "_index.md" {
            parts.len().checked_sub(2).map_or("", |i| parts[i])
        } else {
            last.trim_end_matches(".md")
        }
    }

    pub fn measure(&self) -> Option<&MeasureExtra> {
        match &self.data {
            KindData::Measure(m) => Some(m),
            _ => None,
        }
    }

    pub fn city_extra(&self) -> Option<&CityExtra> {
        match &self.data {
            KindData::City(c) => Some(c),
            _ => None,
        }
    }

    pub fn chapter(&self) -> Option<&ChapterExtra> {
        match &self.data {
            KindData::Chapter(c) => Some(c),
            _ => None,
        }
    }
}

/// Reads every Markdown file below `root/content`. Returns the entries that parsed and a
/// diagnostic for each file that did not.
pub fn load(root: &Path, config: &Config) -> (Vec<Entry>, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    if !content.is_dir() {
        problems.push(Diagnostic::new(
            display_path(root, &content),
            0,
            "the content directory does not exist",
        ));
        return (entries, problems);
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    use rayon::prelude::*;
    let results: Vec<Option<Result<Entry, Diagnostic>>> = files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(&content).unwrap_or(path);
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            if config.is_ignored_content(&rel_str) {
                return None;
            }
            let shown = display_path(root, path);
            Some(load_file(path, &shown, &rel_str))
        })
        .collect();
    for result in results.into_iter().flatten() {
        match result {
            Ok(entry) => entries.push(entry),
            Err(d) => problems.push(d),
        }
    }
    (entries, problems)
}

/// An alias as a site path with slashes at both ends.
pub fn normalise_alias(alias: &str, _lang: &str) -> String {
    let trimmed = alias.trim_matches('/');
    if trimmed.ends_with(".html") {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

/// Splits `name.en.md` into (`name.md`, `en`); `name.md` is Japanese.
pub(crate) fn language_of(rel: &str) -> Result<(String, String), String> {
    let stem = rel.trim_end_matches(".md");
    let (dir, file) = match stem.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), stem),
    };
    match file.rsplit_once('.') {
        Some((name, "en")) => Ok((format!("{dir}{name}.md"), "en".into())),
        Some((_, other)) => Err(format!(
            "unknown language `{other}` in the file name: the site has `ja` (name.md) and `en` (name.en.md)"
        )),
        None => Ok((format!("{dir}{file}.md"), "ja".into())),
    }
}

/// The largest content file accepted. A policy chapter is tens of kilobytes; anything this big is
/// a mistake (a pasted PDF, a binary) and would only slow every build.
pub const MAX_CONTENT_FILE: u64 = 8 * 1024 * 1024;

pub fn load_file(path: &Path, shown: &Path, rel: &str) -> Result<Entry, Diagnostic> {
    let size = std::fs::metadata(path)
        .map_err(|e| Diagnostic::new(shown, 0, format!("cannot read the file: {e}")))?
        .len();
    if size > MAX_CONTENT_FILE {
        return Err(Diagnostic::new(
            shown,
            1,
            format!("the file is too large ({size} bytes; a content file may have at most {MAX_CONTENT_FILE} bytes)"),
        )
        .with_hint("split it into several pages"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::new(shown, 0, format!("cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = String::from_utf8_lossy(valid);
        let (line, column) = crate::diagnostics::line_col(&valid, valid.len());
        Diagnostic::new(shown, line, "the file is not valid UTF-8")
            .at(line, column)
            .with_hint("save it as UTF-8")
    })?;
    let (key, lang) = language_of(rel).map_err(|m| Diagnostic::new(shown, 0, m))?;
    let split = frontmatter::split(shown, &text)?;
    let is_section = key.ends_with("_index.md");
    let front: FrontMatter = if is_section {
        frontmatter::parse::<SectionFrontMatter>(shown, &split)?.into()
    } else {
        frontmatter::parse::<PageFrontMatter>(shown, &split)?.into()
    };
    let kind = Kind::of(&key);
    let mut front = front;
    let data = typed_extra(shown, &split, &mut front, &kind)?;
    let url = url_for(&key, &lang, front.slug.as_deref());
    Ok(Entry {
        key,
        lang,
        file: shown.to_path_buf(),
        is_section,
        kind,
        front,
        split,
        data,
        url,
    })
}

/// The typed `[extra]` of the kinds the model defines. Their `front.extra` table is moved into
/// the typed value (templates get `page.extra` from it), so the data is held once.
fn typed_extra(
    shown: &Path,
    split: &SplitFile,
    front: &mut FrontMatter,
    kind: &Kind,
) -> Result<KindData, Diagnostic> {
    fn convert<T: serde::de::DeserializeOwned>(
        shown: &Path,
        split: &SplitFile,
        extra: &mut toml::Table,
    ) -> Result<T, Diagnostic> {
        T::deserialize(toml::Value::Table(std::mem::take(extra))).map_err(|e| {
            let message = e.message().trim().to_string();
            // Pin the error to the line holding the offending key when serde names it.
            let needle = message
                .split('`')
                .nth(1)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "[extra".into());
            let line = frontmatter::locate(split, &needle);
            let mut d = Diagnostic::new(shown, line, format!("invalid [extra]: {message}"));
            if let Some(rest) = message.strip_prefix("unknown field `") {
                if let Some((field, expected)) = rest.split_once('`') {
                    let cands: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
                    if let Some(s) = crate::suggest::nearest(field, cands.iter().copied()) {
                        d = d.with_hint(format!("did you mean `{s}`?"));
                    }
                }
            }
            d
        })
    }
    Ok(match kind {
        Kind::City(_) => KindData::City(Box::new(convert(shown, split, &mut front.extra)?)),
        Kind::Chapter(_) => KindData::Chapter(convert(shown, split, &mut front.extra)?),
        Kind::Measure(_) => KindData::Measure(convert(shown, split, &mut front.extra)?),
        _ => KindData::None,
    })
}

/// The URL of a content file: its directory path (Zola style), `/en` first for English.
pub fn url_for(key: &str, lang: &str, slug: Option<&str>) -> String {
    let mut parts: Vec<&str> = key.split('/').collect();
    let last = parts.pop().unwrap_or_default();
    let mut path = String::from(if lang == "en" { "/en/" } else { "/" });
    for p in &parts {
        path.push_str(p);
        path.push('/');
    }
    if last != "_index.md" {
        path.push_str(slug.unwrap_or_else(|| last.trim_end_matches(".md")));
        path.push('/');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_folder_layout() {
        assert_eq!(Kind::of("_index.md"), Kind::Home);
        assert_eq!(
            Kind::of("cities/osaki/_index.md"),
            Kind::City("osaki".into())
        );
        assert_eq!(
            Kind::of("cities/osaki/measures/osaki-01.md"),
            Kind::Measure("osaki".into())
        );
        assert_eq!(
            Kind::of("cities/osaki/chapters/01-a.md"),
            Kind::Chapter("osaki".into())
        );
        assert_eq!(Kind::of("about.md"), Kind::Page);
    }

    #[test]
    fn urls_and_languages() {
        assert_eq!(
            language_of("cities/a/_index.en.md").unwrap(),
            ("cities/a/_index.md".into(), "en".into())
        );
        assert_eq!(language_of("x.md").unwrap(), ("x.md".into(), "ja".into()));
        assert!(language_of("x.fr.md").is_err());
        assert_eq!(url_for("cities/a/_index.md", "en", None), "/en/cities/a/");
        assert_eq!(url_for("_index.md", "ja", None), "/");
        assert_eq!(
            url_for("cities/a/measures/a-1.md", "ja", None),
            "/cities/a/measures/a-1/"
        );
        assert_eq!(url_for("about.md", "ja", Some("info")), "/info/");
    }
}
