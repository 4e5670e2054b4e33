//! Loading of the embedded data files: `data/synonyms.toml` (orthographic variants and domain
//! synonyms, one canonical term per group) and `data/glossary.toml` (English ⇄ Japanese).

use std::collections::HashMap;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The embedded synonym table.
pub const SYNONYMS_TOML: &str = include_str!("../data/synonyms.toml");
/// The embedded bilingual glossary.
pub const GLOSSARY_TOML: &str = include_str!("../data/glossary.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymFile {
    #[serde(default)]
    group: Vec<SynonymGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymGroup {
    canonical: String,
    #[serde(default)]
    variants: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    #[serde(default)]
    term: Vec<GlossaryEntry>,
}

/// One glossary entry: English phrases and the Japanese terms they stand for. A term-base entry
/// also has `render`, the one English rendering of its single Japanese term in translations;
/// after parsing, `render` is also among `en` (so it is searchable like any phrase).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    #[serde(default)]
    pub en: Vec<String>,
    pub ja: Vec<String>,
    #[serde(default)]
    pub render: Option<String>,
}

/// Key used for variant lookup: the text stage plus ASCII lower-casing, with nakaguro and
/// whitespace removed (the matcher skips them too).
pub fn variant_key(text: &str) -> String {
    let normalized = kb_text::normalize_for_search(text);
    normalized
        .chars()
        .filter(|c| !c.is_whitespace() && !is_transparent_char(*c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Characters the synonym matcher looks through (nakaguro and its look-alikes).
pub(crate) const TRANSPARENT_CHARS: [char; 4] = ['・', '･', '·', '‧'];

/// Whether `c` is one of [`TRANSPARENT_CHARS`].
pub fn is_transparent_char(c: char) -> bool {
    TRANSPARENT_CHARS.contains(&c)
}

/// Variant key → canonical term (itself already a key).
#[derive(Debug)]
pub struct Synonyms {
    pub map: HashMap<String, String>,
    /// Every proper prefix (at a character boundary) of every variant key, so that the matcher
    /// stops extending a candidate as soon as no variant can start with it.
    pub prefixes: std::collections::HashSet<String>,
    /// The longest variant key, in characters.
    pub max_chars: usize,
}

impl Synonyms {
    pub fn parse(toml_text: &str) -> Result<Synonyms> {
        let file: SynonymFile = toml::from_str(toml_text).context("parsing synonyms.toml")?;
        let mut map: HashMap<String, String> = HashMap::new();
        for group in &file.group {
            let canonical = variant_key(&group.canonical);
            if canonical.is_empty() {
                bail!("synonyms.toml: empty canonical term");
            }
            for variant in std::iter::once(&group.canonical).chain(group.variants.iter()) {
                let key = variant_key(variant);
                if key.is_empty() {
                    bail!("synonyms.toml: empty variant in group {}", group.canonical);
                }
                if let Some(previous) = map.get(&key) {
                    if previous != &canonical {
                        bail!(
                            "synonyms.toml: variant {variant} maps to both {previous} and {canonical}"
                        );
                    }
                }
                map.insert(key, canonical.clone());
            }
        }
        let max_chars = map.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        let prefixes = map
            .keys()
            .flat_map(|k| {
                k.char_indices()
                    .skip(1)
                    .map(move |(i, _)| k[..i].to_string())
            })
            .collect();
        Ok(Synonyms {
            map,
            prefixes,
            max_chars,
        })
    }

    pub fn canonical(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(String::as_str)
    }

    /// Whether some variant key starts with `prefix` and is longer than it.
    pub fn extends(&self, prefix: &str) -> bool {
        self.prefixes.contains(prefix)
    }
}

/// The parsed glossary.
#[derive(Debug)]
pub struct Glossary {
    pub entries: Vec<GlossaryEntry>,
}

impl Glossary {
    pub fn parse(toml_text: &str) -> Result<Glossary> {
        let mut file: GlossaryFile = toml::from_str(toml_text).context("parsing glossary.toml")?;
        // Japanese term (variant key) → its rendering, to refuse a term rendered two ways.
        let mut renders: HashMap<String, &str> = HashMap::new();
        for entry in &file.term {
            let Some(render) = entry.render.as_deref() else {
                continue;
            };
            if render.trim().is_empty() || entry.ja.len() != 1 {
                bail!(
                    "glossary.toml: the term-base entry rendered {render:?} needs one non-empty rendering and exactly one Japanese term, has {:?}",
                    entry.ja
                );
            }
            let key = variant_key(&entry.ja[0]);
            if let Some(previous) = renders.insert(key, render) {
                if previous != render {
                    bail!(
                        "glossary.toml: {} is rendered both {previous:?} and {render:?}",
                        entry.ja[0]
                    );
                }
            }
        }
        for entry in &mut file.term {
            if let Some(render) = &entry.render {
                if !entry.en.iter().any(|e| e.eq_ignore_ascii_case(render)) {
                    entry.en.insert(0, render.clone());
                }
            }
        }
        for entry in &file.term {
            if entry.en.is_empty() || entry.ja.is_empty() {
                bail!(
                    "glossary.toml: entry {:?} needs both en and ja terms",
                    entry.en
                );
            }
            if entry
                .en
                .iter()
                .chain(&entry.ja)
                .any(|t| t.trim().is_empty())
            {
                bail!("glossary.toml: empty term in {:?}", entry.en);
            }
        }
        Ok(Glossary { entries: file.term })
    }

    /// The term base: (Japanese term, its one English rendering), in file order.
    pub fn term_base(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().filter_map(|e| {
            let render = e.render.as_deref()?;
            Some((e.ja.first()?.as_str(), render))
        })
    }
}

static SYNONYMS: OnceLock<Synonyms> = OnceLock::new();
static GLOSSARY: OnceLock<Glossary> = OnceLock::new();

/// The embedded synonym table (validated by the unit tests, so parsing cannot fail at run time).
pub fn synonyms() -> &'static Synonyms {
    SYNONYMS.get_or_init(|| {
        Synonyms::parse(SYNONYMS_TOML).unwrap_or_else(|_| Synonyms {
            map: HashMap::new(),
            prefixes: Default::default(),
            max_chars: 0,
        })
    })
}

/// The embedded glossary (validated by the unit tests).
pub fn glossary() -> &'static Glossary {
    GLOSSARY.get_or_init(|| {
        Glossary::parse(GLOSSARY_TOML).unwrap_or(Glossary {
            entries: Vec::new(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_synonyms_parse() {
        let s = Synonyms::parse(SYNONYMS_TOML).expect("synonyms.toml");
        assert_eq!(s.canonical("人財"), Some("人材"));
        assert_eq!(s.canonical("人材"), Some("人材"));
        assert_eq!(s.canonical("取り組み"), Some("取組"));
        assert_eq!(
            s.canonical(&variant_key("ワーク・ライフ・バランス")),
            Some("ワークライフバランス")
        );
        assert_eq!(
            s.canonical(&variant_key("WLB")),
            Some("ワークライフバランス")
        );
        assert_eq!(s.canonical(&variant_key("OJT")), Some("ojt"));
        assert_eq!(s.canonical("残業"), Some("超過勤務"));
        assert!(s.max_chars >= 10);
    }

    #[test]
    fn embedded_glossary_parses() {
        let g = Glossary::parse(GLOSSARY_TOML).expect("glossary.toml");
        assert!(g.entries.len() > 50);
        let find = |en: &str| g.entries.iter().find(|e| e.en.iter().any(|x| x == en));
        assert_eq!(
            find("job rotation").unwrap().ja,
            vec!["ジョブローテーション"]
        );
        assert_eq!(
            find("psychological safety").unwrap().ja,
            vec!["心理的安全性"]
        );
        assert!(find("overtime").is_some());
        assert!(find("engagement").is_some());
        // Term-base renderings are search phrases too.
        assert_eq!(find("unit head").unwrap().ja, vec!["所属長"]);
        let base: HashMap<&str, &str> = g.term_base().collect();
        assert_eq!(base["人事評価"], "personnel evaluation");
        assert_eq!(base["業績評価"], "performance evaluation");
        assert_eq!(base["シニア職員"], "senior staff");
        assert!(base.len() >= 22 + 15, "{} term-base entries", base.len());
    }

    #[test]
    fn term_base_entries_are_checked() {
        // A rendering needs exactly one Japanese term …
        let two = "[[term]]\nrender = \"x\"\nja = [\"研修\", \"講座\"]\n";
        assert!(Glossary::parse(two).is_err());
        // … and a term has one rendering, however it is spelled.
        let twice = "[[term]]\nrender = \"work-life balance\"\nja = [\"ワークライフバランス\"]\n[[term]]\nrender = \"wlb\"\nja = [\"ワーク・ライフ・バランス\"]\n";
        let e = Glossary::parse(twice).unwrap_err().to_string();
        assert!(e.contains("rendered both"), "{e}");
        // `en` may be omitted: the rendering is the English phrase.
        let g = Glossary::parse("[[term]]\nrender = \"unit head\"\nja = [\"所属長\"]\n").unwrap();
        assert_eq!(g.entries[0].en, ["unit head"]);
        assert!(Glossary::parse("[[term]]\nrender = \"x\"\nja = [\"a\"]\nrendr = 1\n").is_err());
    }

    #[test]
    fn conflicting_groups_are_rejected() {
        let bad = "[[group]]\ncanonical = \"a\"\nvariants = [\"x\"]\n[[group]]\ncanonical = \"b\"\nvariants = [\"x\"]\n";
        assert!(Synonyms::parse(bad).is_err());
        assert!(Synonyms::parse("[[group]]\ncanonical = \"\"\n").is_err());
        assert!(Glossary::parse("[[term]]\nen = []\nja = [\"研修\"]\n").is_err());
        assert!(Synonyms::parse("not toml [").is_err());
    }
}
