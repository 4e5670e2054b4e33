//! The cities a site knows, for `kb import`: the list is config.toml's `extra.cities` (read with
//! the site builder's own configuration code), so a city added there is known to the import
//! too. A city's position in the list gives its page weight; its titles come from its city
//! page when the site already has one, else they are the slug, for the editor to complete.

use anyhow::{anyhow, Result};
use kb_site::config::Config;
use kb_site::frontmatter;
use std::path::{Path, PathBuf};

/// How the draft city page names a city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CityNames {
    pub slug: String,
    pub ja: String,
    pub en: String,
    /// The page weight (position in `extra.cities`, from 1); `None` for an unknown city.
    pub weight: Option<i64>,
}

impl CityNames {
    /// A city the site does not list: named by its slug, no weight.
    pub fn unknown(slug: &str) -> CityNames {
        CityNames {
            slug: slug.to_string(),
            ja: slug.to_string(),
            en: slug.to_string(),
            weight: None,
        }
    }
}

/// The cities of one site.
#[derive(Debug, Clone, Default)]
pub struct SiteCities {
    /// The config file read, or `None` when there was none.
    config: Option<PathBuf>,
    root: PathBuf,
    slugs: Vec<String>,
}

impl SiteCities {
    /// The cities of the site whose root (the folder with `config.toml`) is `root`. A missing
    /// `config.toml` gives no known cities; a broken one is an error.
    pub fn read(root: &Path) -> Result<SiteCities> {
        let path = root.join("config.toml");
        if !path.is_file() {
            return Ok(SiteCities {
                config: None,
                root: root.to_path_buf(),
                slugs: Vec::new(),
            });
        }
        let config = Config::load(&path, &path).map_err(|d| anyhow!("{d}"))?;
        Ok(SiteCities::from_config(root, &path, &config))
    }

    /// The cities of a configuration already read from `config_path` in the site at `root`.
    pub fn from_config(root: &Path, config_path: &Path, config: &Config) -> SiteCities {
        SiteCities {
            config: Some(config_path.to_path_buf()),
            root: root.to_path_buf(),
            slugs: config.extra.cities.clone(),
        }
    }

    pub fn slugs(&self) -> &[String] {
        &self.slugs
    }

    pub fn contains(&self, city: &str) -> bool {
        self.slugs.iter().any(|c| c == city)
    }

    /// How to name `city`: see the module documentation.
    pub fn names(&self, city: &str) -> CityNames {
        let Some(pos) = self.slugs.iter().position(|c| c == city) else {
            return CityNames::unknown(city);
        };
        let page = self.root.join("content/cities").join(city);
        let title = |file: &str| page_title(&page.join(file)).unwrap_or_else(|| city.to_string());
        CityNames {
            slug: city.to_string(),
            ja: title("_index.md"),
            en: title("_index.en.md"),
            weight: Some(pos as i64 + 1),
        }
    }

    /// Why `city` is not known, as a warning; `None` when it is.
    pub fn unknown_city_warning(&self, city: &str) -> Option<String> {
        if self.contains(city) {
            return None;
        }
        Some(match &self.config {
            Some(path) => format!(
                "city `{city}` is not in {} extra.cities ({}): the page title is the slug; add it there",
                path.display(),
                self.slugs.join(", ")
            ),
            None => format!(
                "no config.toml in {}: city `{city}` is unknown, so the page title is the slug; import from the site root or give it",
                self.root.display()
            ),
        })
    }
}

/// The `title` of an existing content page, if it has one.
fn page_title(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let split = frontmatter::split(path, &text).ok()?;
    let table: toml::Table = toml::from_str(&split.front_matter).ok()?;
    let title = table.get("title")?.as_str()?.trim();
    (!title.is_empty()).then(|| title.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_city_page_and_the_weight_from_the_list() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("content/cities/kofu");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("_index.md"), "+++\ntitle = \"甲府市\"\n+++\n").unwrap();
        let cities = SiteCities {
            config: Some(site.path().join("config.toml")),
            root: site.path().to_path_buf(),
            slugs: vec!["takasaki".into(), "kofu".into()],
        };
        let kofu = cities.names("kofu");
        assert_eq!((kofu.ja.as_str(), kofu.en.as_str()), ("甲府市", "kofu"));
        assert_eq!(kofu.weight, Some(2));
        assert_eq!(cities.names("nagano"), CityNames::unknown("nagano"));
        assert!(cities.unknown_city_warning("kofu").is_none());
        assert!(cities.unknown_city_warning("nagano").is_some());
    }

    #[test]
    fn no_config_means_no_known_city() {
        let site = tempfile::tempdir().unwrap();
        let cities = SiteCities::read(site.path()).unwrap();
        assert!(cities.slugs().is_empty());
        let warning = cities.unknown_city_warning("takasaki").unwrap();
        assert!(warning.contains("no config.toml"), "{warning}");
    }
}
