//! The bilingual glossary analyzed once for matching queries: English token sequences to
//! Japanese terms, and Japanese keys to English phrases.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::analyzer::{analyze, analyze_english, Kind};
use crate::synonyms::glossary;

/// Glossary entries, analyzed for matching.
pub(crate) struct GlossaryIndex {
    /// English token sequence → Japanese terms.
    pub en_to_ja: HashMap<Vec<String>, Vec<String>>,
    /// Japanese key (concatenated analyzed units) → English token sequences.
    pub ja_to_en: HashMap<String, Vec<Vec<(usize, String)>>>,
}

fn ja_key(text: &str) -> String {
    analyze(text)
        .into_iter()
        .filter(|t| t.kind == Kind::Unit)
        .map(|t| t.text)
        .collect()
}

pub(crate) fn glossary_index() -> &'static GlossaryIndex {
    static G: OnceLock<GlossaryIndex> = OnceLock::new();
    G.get_or_init(|| {
        let mut en_to_ja: HashMap<Vec<String>, Vec<String>> = HashMap::new();
        let mut ja_to_en: HashMap<String, Vec<Vec<(usize, String)>>> = HashMap::new();
        for entry in &glossary().entries {
            for en in &entry.en {
                let positioned: Vec<(usize, String)> = analyze_english(en)
                    .into_iter()
                    .map(|t| (t.1, t.0))
                    .collect();
                let toks: Vec<String> = positioned.iter().map(|t| t.1.clone()).collect();
                if toks.is_empty() {
                    continue;
                }
                let ja = en_to_ja.entry(toks.clone()).or_default();
                for j in &entry.ja {
                    if !ja.contains(j) {
                        ja.push(j.clone());
                    }
                }
                for j in &entry.ja {
                    let key = ja_key(j);
                    if key.is_empty() {
                        continue;
                    }
                    let list = ja_to_en.entry(key).or_default();
                    if !list.contains(&positioned) {
                        list.push(positioned.clone());
                    }
                }
            }
        }
        GlossaryIndex { en_to_ja, ja_to_en }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_index_has_both_directions() {
        let gi = glossary_index();
        assert_eq!(
            gi.en_to_ja
                .get(&vec!["job".to_string(), "rotat".to_string()]),
            Some(&vec!["ジョブローテーション".to_string()])
        );
        assert!(gi.ja_to_en.contains_key("研修"));
        assert!(gi.ja_to_en.contains_key("超過勤務"));
    }
}
