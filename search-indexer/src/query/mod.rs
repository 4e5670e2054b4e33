//! Query strings → tantivy queries, without tantivy's query syntax.
//!
//! Syntax: whitespace-separated terms, all required; `"quoted phrases"` (also “…” and 「…」
//! when quoted with `"`); a leading `-` excludes a term or phrase. Everything else is text:
//! operators such as `AND`, `OR`, `+`, `|`, `(`, `)` or `:` are ignored or analyzed away, and
//! control characters are treated as spaces. Nothing here can fail on user input.

use std::collections::BTreeSet;

use tantivy::query::{BooleanQuery, Occur, Query};

use crate::analyzer::{analyze, analyze_english, Kind};
use crate::index::Fields;
use crate::snippet::Highlight;
mod clauses;
mod glossary_index;
mod parse;

pub(crate) use clauses::ALTERNATIVES_TIE_BREAKER;
use clauses::{boost, boxed, hub, phrase_query, should, term_query};

pub(crate) use glossary_index::glossary_index;
pub(crate) use parse::{parse, Item};

/// Score multiplier for title fields.
pub(crate) const TITLE_BOOST: f32 = 3.0;
/// Score multiplier for the exact-phrase (proximity) clause.
pub(crate) const PHRASE_BOOST: f32 = 2.0;
/// Score multiplier for the joined-compound clause.
pub(crate) const JOINED_BOOST: f32 = 1.5;
/// Weight of glossary expansions (English query → Japanese text) relative to the words typed.
pub(crate) const GLOSSARY_BOOST: f32 = 1.0;
/// Weight of reverse expansions (Japanese query → English text).
pub(crate) const REVERSE_BOOST: f32 = 0.2;
/// Weight of each part of a compound (or of a multi-word item) on its own, against the whole
/// (the phrase and joined-compound clauses): a page that has 管理 many times (管理職, 人事管理)
/// and 目標 somewhere must not outrank a page about 目標管理. Every part stays required.
pub(crate) const PART_BOOST: f32 = 0.1;
/// Extra weight of a match in the title of a theme or city page (a concept's own page: the
/// 多様性・女性活躍 theme for 多様性, the city page for 大崎市), on top of the title's.
pub(crate) const HUB_BOOST: f32 = 3.0;
/// The page kinds whose title names a concept ([`HUB_BOOST`]).
pub(crate) const HUB_KINDS: [&str; 2] = ["theme", "city"];
/// Longest glossary phrase, in English tokens.
pub(crate) const MAX_GLOSSARY_TOKENS: usize = 5;

/// A list of boxed queries.
pub(crate) type Clauses = Vec<Box<dyn Query>>;

/// True for text with no Japanese (or other non-Latin) letters: handled as English first.
fn is_latin(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii() || !c.is_alphanumeric())
}

/// Builds queries over the index fields and collects the terms to highlight.
pub(crate) struct Builder<'a> {
    pub fields: &'a Fields,
    pub highlight: Highlight,
}

impl<'a> Builder<'a> {
    pub fn new(fields: &'a Fields) -> Self {
        Builder {
            fields,
            highlight: Highlight::default(),
        }
    }

    /// A Japanese term over the title and body fields.
    fn ja_term(&mut self, text: &str) -> Box<dyn Query> {
        self.highlight.ja.insert(text.to_string());
        let f = self.fields;
        boxed(BooleanQuery::new(vec![
            (
                Occur::Should,
                boost(term_query(f.title_ja, text), TITLE_BOOST),
            ),
            (Occur::Should, term_query(f.body_ja, text)),
        ]))
    }

    /// An English token sequence (already analyzed, with positions: stop words leave gaps) as a
    /// phrase over the English fields.
    /// `highlight`: whether its words are marked in snippets (not for multi-word phrases
    /// that only come from a glossary, whose single words would be marked everywhere).
    fn en_phrase(&mut self, terms: &[(usize, String)], highlight: bool) -> Option<Box<dyn Query>> {
        let f = self.fields;
        if highlight {
            for (_, t) in terms {
                self.highlight.en.insert(t.clone());
            }
        } else if terms.len() > 1 {
            self.highlight.en_phrases.insert(terms.to_vec());
        }
        let terms = terms.to_vec();
        let title = phrase_query(f.title_en, &terms)?;
        let body = phrase_query(f.body_en, &terms)?;
        let hub_title = hub(f, phrase_query(f.title_en, &terms)?);
        Some(boxed(BooleanQuery::new(vec![
            (Occur::Should, boost(title, TITLE_BOOST)),
            (Occur::Should, body),
            (Occur::Should, hub_title),
        ])))
    }

    /// English alternatives for a Japanese key from the glossary.
    fn reverse_glossary(&mut self, key: &str) -> Vec<Box<dyn Query>> {
        let mut out = Vec::new();
        if let Some(list) = glossary_index().ja_to_en.get(key) {
            for toks in list.clone() {
                let single = toks.len() == 1;
                if let Some(q) = self.en_phrase(&toks, single) {
                    out.push(boost(q, REVERSE_BOOST));
                }
            }
        }
        out
    }

    /// The whole of a multi-unit text in the title or body: its phrase, or the phrase with one
    /// word between two adjacent units (人財の確保 for 人財確保: the dropped particle leaves a
    /// gap of one position; any one word fills it, so 目標、定員管理 counts too).
    fn whole(&self, units: &[(usize, String)]) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let both = |us: &[(usize, String)]| -> Option<Box<dyn Query>> {
            Some(boxed(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    boost(phrase_query(f.title_ja, us)?, TITLE_BOOST),
                ),
                (Occur::Should, phrase_query(f.body_ja, us)?),
            ])))
        };
        let mut alternatives = vec![both(units)?];
        for k in 1..units.len() {
            if units[k].0 != units[k - 1].0 + 1 {
                continue;
            }
            let gapped: Vec<(usize, String)> = units
                .iter()
                .enumerate()
                .map(|(i, (p, t))| (if i >= k { p + 1 } else { *p }, t.clone()))
                .collect();
            alternatives.push(both(&gapped)?);
        }
        should(alternatives)
    }

    /// Japanese analysis of free text: every unit required, phrase and compound as boosts.
    /// `exact` makes the phrase itself required (quoted phrases); `reverse` adds the glossary's
    /// English for the text (off for text that itself came from the glossary).
    pub fn ja_clause(&mut self, text: &str, exact: bool, reverse: bool) -> Option<Box<dyn Query>> {
        let toks = analyze(text);
        let units: Vec<(usize, String)> = toks
            .iter()
            .filter(|t| t.kind == Kind::Unit)
            .map(|t| (t.pos, t.text.clone()))
            .collect();
        if units.is_empty() {
            return None;
        }
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen = BTreeSet::new();
        if exact && units.len() > 1 {
            for (_, u) in &units {
                self.highlight.ja.insert(u.clone());
            }
            let title = phrase_query(f.title_ja, &units)?;
            let body = phrase_query(f.body_ja, &units)?;
            clauses.push((
                Occur::Must,
                boxed(BooleanQuery::new(vec![
                    (Occur::Should, boost(title, TITLE_BOOST)),
                    (Occur::Should, body),
                ])),
            ));
        } else {
            for (_, u) in &units {
                if !seen.insert(u.clone()) {
                    continue;
                }
                let mut alternatives = vec![self.ja_term(u)];
                // One-character parts of a compound (的, 性, 化) are not marked on their own:
                // the joined compound is.
                if units.len() > 1 && u.chars().count() < 2 {
                    self.highlight.ja.remove(u);
                }
                if reverse {
                    alternatives.extend(self.reverse_glossary(u));
                }
                let part = should(alternatives)?;
                let part = if units.len() > 1 {
                    boost(part, PART_BOOST)
                } else {
                    part
                };
                clauses.push((Occur::Must, part));
            }
            if units.len() > 1 {
                clauses.push((Occur::Should, boost(self.whole(&units)?, PHRASE_BOOST)));
            }
        }
        for t in toks.iter().filter(|t| t.kind == Kind::Joined) {
            let q = self.ja_term(&t.text);
            clauses.push((Occur::Should, boost(q, JOINED_BOOST)));
        }
        clauses.push((Occur::Should, hub(f, phrase_query(f.title_ja, &units)?)));
        let ja = boxed(BooleanQuery::new(clauses));
        // The whole text may be a glossary term (研修計画 is not, 心理的安全性 is).
        let key: String = units.iter().map(|u| u.1.as_str()).collect();
        let mut alternatives = vec![ja];
        if units.len() > 1 && reverse {
            alternatives.extend(self.reverse_glossary(&key));
        }
        should(alternatives)
    }

    /// A run of English words: glossary phrases (longest first) expand to Japanese; other words
    /// match the English fields (stemmed) or the Japanese fields (as written).
    fn english_run(&mut self, text: &str, exact: bool) -> Vec<Box<dyn Query>> {
        let toks = analyze_english(text);
        let gi = glossary_index();
        let mut out = Vec::new();
        if exact {
            // A quoted English phrase: English phrase, the same words through the Japanese
            // analyzer, or the glossary's Japanese for the whole phrase.
            let words: Vec<String> = toks.iter().map(|t| t.0.clone()).collect();
            let positioned: Vec<(usize, String)> =
                toks.iter().map(|t| (t.1, t.0.clone())).collect();
            let mut alternatives = Vec::new();
            if let Some(q) = self.en_phrase(&positioned, true) {
                alternatives.push(q);
            }
            if let Some(q) = self.ja_clause(text, true, false) {
                alternatives.push(q);
            }
            if let Some(ja) = gi.en_to_ja.get(&words) {
                for j in ja.clone() {
                    if let Some(q) = self.ja_clause(&j, false, false) {
                        alternatives.push(boost(q, GLOSSARY_BOOST));
                    }
                }
            }
            out.extend(should(alternatives));
            return out;
        }
        let mut i = 0;
        while i < toks.len() {
            let mut matched = None;
            let max = MAX_GLOSSARY_TOKENS.min(toks.len() - i);
            for len in (1..=max).rev() {
                let key: Vec<String> = toks[i..i + len].iter().map(|t| t.0.clone()).collect();
                if let Some(ja) = gi.en_to_ja.get(&key) {
                    matched = Some((len, key, ja.clone()));
                    break;
                }
            }
            let (len, ja) = match matched {
                Some((len, _, ja)) => (len, ja),
                None => (1, Vec::new()),
            };
            let positioned: Vec<(usize, String)> = toks[i..i + len]
                .iter()
                .map(|t| (t.1, t.0.clone()))
                .collect();
            let mut alternatives = Vec::new();
            if let Some(q) = self.en_phrase(&positioned, true) {
                alternatives.push(q);
            }
            // The words as written, through the Japanese analyzer (OJT, PDCA, English words
            // inside Japanese pages, and the Japanese index of English pages).
            let from = toks[i].2;
            let to = toks[i + len - 1].3;
            if let Some(raw) = text.get(from..to) {
                if let Some(q) = self.ja_clause(raw, len > 1, false) {
                    alternatives.push(q);
                }
            }
            for j in ja {
                if let Some(q) = self.ja_clause(&j, false, false) {
                    alternatives.push(boost(q, GLOSSARY_BOOST));
                }
            }
            out.extend(should(alternatives));
            i += len;
        }
        out
    }

    /// Required clauses for the items (in order), and excluded clauses.
    pub fn build(&mut self, items: &[Item]) -> (Clauses, Clauses) {
        // The text stage first, so full-width Latin (ＯＪＴ) is recognised as English.
        let items: Vec<Item> = items
            .iter()
            .map(|i| Item {
                text: kb_text::normalize_for_search(&i.text),
                ..i.clone()
            })
            .collect();
        let items = &items[..];
        let mut required = Vec::new();
        let mut excluded = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let item = &items[i];
            if item.negated {
                // Excluded terms do not highlight.
                let saved = self.highlight.clone();
                let qs = if is_latin(&item.text) {
                    self.english_run(&item.text, item.phrase)
                } else {
                    self.ja_clause(&item.text, item.phrase, true)
                        .into_iter()
                        .collect()
                };
                self.highlight = saved;
                excluded.extend(qs);
                i += 1;
                continue;
            }
            if item.phrase {
                if is_latin(&item.text) {
                    required.extend(self.english_run(&item.text, true));
                } else {
                    required.extend(self.ja_clause(&item.text, true, true));
                }
                i += 1;
                continue;
            }
            if is_latin(&item.text) {
                // Gather consecutive plain English words so glossary phrases can span them.
                let mut j = i;
                let mut run = String::new();
                while j < items.len()
                    && !items[j].phrase
                    && !items[j].negated
                    && is_latin(&items[j].text)
                {
                    if !run.is_empty() {
                        run.push(' ');
                    }
                    run.push_str(&items[j].text);
                    j += 1;
                }
                required.extend(self.english_run(&run, false));
                i = j;
                continue;
            }
            required.extend(self.ja_clause(&item.text, false, true));
            i += 1;
        }
        (required, excluded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_detection() {
        assert!(is_latin("overtime"));
        assert!(is_latin(&kb_text::normalize_for_search("ＯＪＴ")));
        assert!(is_latin("1on1"));
        assert!(!is_latin("1on1ミーティング"));
        assert!(!is_latin("研修"));
        assert!(!is_latin("123"));
    }
}
