//! Morpheme classes: what lindera's part of speech makes of a morpheme (kept as a noun,
//! verb, …, dropped with a gap, or looked through), with a cache per surface form.

use super::Class;
use crate::synonyms::is_transparent_char;

const LIGHT_VERBS: &[&str] = &[
    "する",
    "ある",
    "いる",
    "なる",
    "できる",
    "おる",
    "いう",
    "れる",
    "られる",
    "せる",
    "させる",
    "くる",
    "いく",
    "ゆく",
    "やる",
    "みる",
    "しまう",
    "おく",
    "くれる",
    "もらう",
    "いただく",
    "くださる",
    "図る",
];

const LIGHT_ADJECTIVES: &[&str] = &["ない", "無い", "よい", "いい", "良い", "ほしい", "欲しい"];

fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c) || c == 'ー'
}

fn all_hiragana(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_hiragana)
}

fn classify(token: &mut lindera::token::Token<'_>) -> (Class, String) {
    let surface = token.surface.to_string();
    if surface.chars().all(is_transparent_char) {
        return (Class::Transparent, surface);
    }
    if surface.chars().all(|c| c.is_whitespace()) {
        return (Class::Transparent, surface);
    }
    let unknown = token.word_id.is_unknown();
    let details = token.details();
    let pos = details.first().copied().unwrap_or("");
    let sub1 = details.get(1).copied().unwrap_or("");
    let base = details
        .get(6)
        .copied()
        .filter(|b| !b.is_empty() && *b != "*")
        .map(str::to_string)
        .unwrap_or_else(|| surface.clone());
    if unknown {
        // Unknown words: letters, digits, kanji or kana runs are nouns; anything else is a symbol.
        if surface.chars().any(|c| c.is_alphanumeric()) {
            return (Class::Noun, surface);
        }
        return (Class::Drop, surface);
    }
    let class = match pos {
        "名詞" => match sub1 {
            "非自立" | "代名詞" | "特殊" => Class::Drop,
            _ => Class::Noun,
        },
        "接頭詞" => {
            if all_hiragana(&surface) {
                Class::Drop
            } else {
                Class::Prefix
            }
        }
        "動詞" => {
            if sub1 == "自立" && !LIGHT_VERBS.contains(&base.as_str()) {
                Class::Verb
            } else {
                Class::Drop
            }
        }
        "形容詞" => {
            if sub1 == "自立" && !LIGHT_ADJECTIVES.contains(&base.as_str()) {
                Class::Adjective
            } else {
                Class::Drop
            }
        }
        "副詞" => {
            if all_hiragana(&surface) {
                Class::Drop
            } else {
                Class::Adverb
            }
        }
        _ => Class::Drop,
    };
    // Lone hiragana characters carry no meaning on their own.
    let class = if class != Class::Drop
        && surface.chars().count() == 1
        && all_hiragana(&surface)
        && matches!(class, Class::Noun | Class::Adverb)
    {
        Class::Drop
    } else {
        class
    };
    (class, base)
}

thread_local! {
    /// Class and dictionary form per IPADIC word id. A system word's surface, part of speech
    /// and base form are fixed, so its classification is too; reading them from the dictionary
    /// for every token (an allocation each) was a sixth of the analysis.
    static CLASS_CACHE: std::cell::RefCell<std::collections::HashMap<u32, (Class, Option<String>)>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Bound on the cache (IPADIC has about 390,000 words; a corpus uses a fraction).
const CLASS_CACHE_MAX: usize = 200_000;

/// [`classify`], cached by word id for dictionary words; `None` base means the surface.
pub(crate) fn class_of(token: &mut lindera::token::Token<'_>) -> (Class, Option<String>) {
    // Only system-dictionary words: an unknown word's id is its character category's, shared by
    // surfaces of different classes (★① is a word, ★ is not).
    let cacheable = token.word_id.is_system();
    let id = token.word_id.id();
    if cacheable {
        if let Some(hit) = CLASS_CACHE.with(|c| c.borrow().get(&id).cloned()) {
            return hit;
        }
    }
    let (class, base) = classify(token);
    let base = (base != token.surface.as_ref()).then_some(base);
    if cacheable {
        CLASS_CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() < CLASS_CACHE_MAX {
                c.insert(id, (class, base.clone()));
            }
        });
    }
    (class, base)
}
