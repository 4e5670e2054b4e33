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
    pub markdown: Option<toml::Table>,
    pub slugify: Option<toml::Table>,
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    #[serde(default)]
    pub translations: BTreeMap<String, String>,
    /// Files below content/ that are not site pages (Zola's key), e.g. content/README.md.
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
        Ok(config)
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
    }
}
