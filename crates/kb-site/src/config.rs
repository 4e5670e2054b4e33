//! `config.toml`: the site configuration, in Zola's format, plus the knowledge base's own
//! `[extra]` tables (cities, themes, KPI units) that every other module validates against.

use crate::diagnostics::Diagnostic;
use crate::frontmatter::SplitFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A text in both site languages.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    pub ja: String,
    pub en: String,
}

impl Bilingual {
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.en
        } else {
            &self.ja
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    pub name: String,
    #[serde(default = "yes")]
    pub render: bool,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    pub feed: Option<bool>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
    pub generate_feeds: Option<bool>,
    pub build_search_index: Option<bool>,
}

/// Zola 0.22's `[markdown]` table (its `Markdown` struct, which also denies unknown fields:
/// 0.22 moved `highlight_code` and the other highlighting keys to `[markdown.highlighting]`).
/// kb reads these keys so that `zola build` and `kb build` accept the same file; kb's renderer
/// does not act on them (the content has no code blocks to highlight).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Syntax highlighting; absent, code blocks are not highlighted.
    pub highlighting: Option<HighlightingConfig>,
    pub render_emoji: Option<bool>,
    pub external_links_class: Option<String>,
    pub external_links_target_blank: Option<bool>,
    pub external_links_no_follow: Option<bool>,
    pub external_links_no_referrer: Option<bool>,
    pub external_links_external: Option<bool>,
    pub smart_punctuation: Option<bool>,
    pub definition_list: Option<bool>,
    pub bottom_footnotes: Option<bool>,
    pub lazy_async_image: Option<bool>,
    pub insert_anchor_links: Option<String>,
    pub github_alerts: Option<bool>,
}

/// Zola 0.22's `[markdown.highlighting]`: one `theme`, or `light_theme` and `dark_theme`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HighlightingConfig {
    pub error_on_missing_language: Option<bool>,
    pub style: Option<String>,
    pub theme: Option<String>,
    pub light_theme: Option<String>,
    pub dark_theme: Option<String>,
    pub extra_grammars: Option<Vec<String>>,
    pub extra_themes: Option<Vec<String>>,
}

/// The knowledge base's `[extra]` in config.toml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraConfig {
    /// City slugs in display order.
    pub cities: Vec<String>,
    /// KPI units and their display labels.
    pub units: BTreeMap<String, Bilingual>,
    /// The shared theme taxonomy: slug → names. Order is the config file's order.
    pub themes: toml::Table,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub base_url: String,
    pub title: String,
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default)]
    pub compile_sass: bool,
    pub build_search_index: Option<bool>,
    pub generate_feeds: Option<bool>,
    pub minify_html: Option<bool>,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    pub markdown: Option<MarkdownConfig>,
    pub slugify: Option<toml::Table>,
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
    /// Files below content/ that are not site pages (Zola's key): glob patterns matched, as Zola
    /// does, against the file's whole path, e.g. `*README.md` for content/README.md.
    #[serde(default)]
    pub ignored_content: Vec<String>,
    pub extra: ExtraConfig,
    /// Theme names resolved from `extra.themes`, in file order.
    #[serde(skip)]
    pub themes: Vec<(String, Bilingual)>,
}

fn default_language() -> String {
    "ja".into()
}

impl Config {
    /// Reads and validates `config.toml` at `path`.
    pub fn load(path: &Path, shown_as: &Path) -> Result<Config, Diagnostic> {
        let bytes = std::fs::read(path).map_err(|e| {
            Diagnostic::new(
                shown_as,
                0,
                format!("cannot read the site configuration: {e}"),
            )
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, col) = crate::diagnostics::line_col(
                &String::from_utf8_lossy(e.as_bytes()),
                e.utf8_error().valid_up_to(),
            );
            Diagnostic::new(shown_as, line, "config.toml is not valid UTF-8").at(line, col)
        })?;
        let split = SplitFile {
            front_matter: text.replace("\r\n", "\n"),
            front_matter_line: 1,
            body: String::new(),
            body_line: 0,
        };
        let mut config: Config = crate::frontmatter::parse(shown_as, &split)?;
        config.themes = Vec::new();
        for (slug, value) in &config.extra.themes {
            let names: Bilingual = value.clone().try_into().map_err(|e: toml::de::Error| {
                let line = crate::frontmatter::locate(&split, &format!("{slug} ="));
                Diagnostic::new(
                    shown_as,
                    line,
                    format!(
                        "theme `{slug}` needs names as {{ ja = \"…\", en = \"…\" }}: {}",
                        e.message()
                    ),
                )
            })?;
            config.themes.push((slug.clone(), names));
        }
        if config.default_language != "ja" {
            return Err(Diagnostic::new(
                shown_as,
                crate::frontmatter::locate(&split, "default_language"),
                "default_language must be \"ja\": the knowledge base is Japanese first, English at /en/",
            ));
        }
        if !config.languages.contains_key("en") {
            return Err(Diagnostic::new(
                shown_as,
                1,
                "config.toml needs a [languages.en] table",
            ));
        }
        // Zola matches each pattern against a file's whole path (`/…/content/README.md`), so a
        // pattern that does not start with `*` never matches there: refuse it rather than have
        // `zola build` and `kb build` disagree on what is content.
        if let Some(bad) = config.ignored_content.iter().find(|p| !p.starts_with('*')) {
            return Err(Diagnostic::new(
                shown_as,
                crate::frontmatter::locate(&split, "ignored_content"),
                format!(
                    "ignored_content pattern `{bad}` never matches in Zola, which matches the whole path of a file: start it with `*` (`*{bad}`)"
                ),
            ));
        }
        Ok(config)
    }

    /// Whether the content file at `rel` (relative to content/, `/`-separated) is ignored by an
    /// `ignored_content` pattern. Patterns are matched against `content/<rel>`, which a pattern
    /// starting with `*` (the only kind accepted) matches exactly when Zola's full path does.
    pub fn is_ignored_content(&self, rel: &str) -> bool {
        let path = format!("content/{rel}");
        self.ignored_content
            .iter()
            .any(|p| crate::globs::matches(p, &path))
    }

    pub fn languages(&self) -> [&'static str; 2] {
        ["ja", "en"]
    }

    pub fn theme_name(&self, slug: &str, lang: &str) -> Option<&str> {
        self.themes
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, n)| n.get(lang))
    }

    pub fn is_theme(&self, slug: &str) -> bool {
        self.themes.iter().any(|(s, _)| s == slug)
    }

    pub fn theme_slugs(&self) -> impl Iterator<Item = &str> {
        self.themes.iter().map(|(s, _)| s.as_str())
    }

    /// The UI string `key` in `lang`, falling back to the key itself so a missing string shows.
    pub fn trans(&self, key: &str, lang: &str) -> String {
        let table = if lang == "en" {
            self.languages.get("en").map(|l| &l.translations)
        } else {
            Some(&self.translations)
        };
        table
            .and_then(|t| t.get(key))
            .map_or_else(|| key.to_string(), Clone::clone)
    }

    pub fn title(&self, lang: &str) -> &str {
        if lang == "en" {
            self.languages
                .get("en")
                .and_then(|l| l.title.as_deref())
                .unwrap_or(&self.title)
        } else {
            &self.title
        }
    }

    pub fn description(&self, lang: &str) -> &str {
        let d = if lang == "en" {
            self.languages
                .get("en")
                .and_then(|l| l.description.as_deref())
        } else {
            None
        };
        d.or(self.description.as_deref()).unwrap_or_default()
    }

    /// Checks that both languages define the same UI strings.
    pub fn translation_gaps(&self) -> Vec<String> {
        let en = self.languages.get("en").map(|l| &l.translations);
        let mut gaps = Vec::new();
        if let Some(en) = en {
            for k in self.translations.keys() {
                if !en.contains_key(k) {
                    gaps.push(format!(
                        "UI string `{k}` has no English translation in [languages.en.translations]"
                    ));
                }
            }
            for k in en.keys() {
                if !self.translations.contains_key(k) {
                    gaps.push(format!(
                        "UI string `{k}` has no Japanese version in [translations]"
                    ));
                }
            }
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_the_repository_config() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config.toml");
        let c = Config::load(&root, Path::new("config.toml")).unwrap();
        assert_eq!(c.themes.len(), 20);
        assert_eq!(c.themes[0].0, "recruitment");
        assert_eq!(c.theme_name("ojt", "en"), Some("On-the-job training"));
        assert_eq!(c.trans("search", "en"), "Search");
        assert!(
            c.translation_gaps().is_empty(),
            "{:?}",
            c.translation_gaps()
        );
        assert_eq!(c.extra.cities.len(), 5);
        assert!(c.is_ignored_content("README.md"));
        assert!(!c.is_ignored_content("cities/_index.md"));
    }

    fn load_text(text: &str) -> Result<Config, Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(&path, Path::new("config.toml"))
    }

    const MINIMAL: &str = "base_url = \"/\"\ntitle = \"t\"\n";
    const TAIL: &str = "[languages.en]\n[extra]\ncities = []\n[extra.units]\n[extra.themes]\n";

    #[test]
    fn markdown_takes_zola_0_22_keys_only() {
        let ok = format!(
            "{MINIMAL}[markdown]\nsmart_punctuation = false\n[markdown.highlighting]\ntheme = \"github-dark\"\nstyle = \"class\"\n{TAIL}"
        );
        load_text(&ok).unwrap();
        let old = format!("{MINIMAL}[markdown]\nhighlight_code = false\n{TAIL}");
        let e = load_text(&old).unwrap_err().to_string();
        assert!(
            e.contains("highlight_code") && e.contains("highlighting"),
            "{e}"
        );
        let typo = format!("{MINIMAL}[markdown.highlighting]\nthem = \"x\"\n{TAIL}");
        assert!(load_text(&typo).unwrap_err().to_string().contains("them"));
    }

    #[test]
    fn ignored_content_patterns_must_match_whole_paths() {
        let e = load_text(&format!(
            "{MINIMAL}ignored_content = [\"README.md\"]\n{TAIL}"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("`*README.md`"), "{e}");
        let c = load_text(&format!(
            "{MINIMAL}ignored_content = [\"*README.md\", \"*.{{txt,csv}}\"]\n{TAIL}"
        ))
        .unwrap();
        assert!(c.is_ignored_content("README.md"));
        assert!(c.is_ignored_content("cities/x/notes.txt"));
        assert!(!c.is_ignored_content("cities/x/_index.md"));
    }
}
