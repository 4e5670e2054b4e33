//! [`SearchIndex`]: opening an index and answering requests.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, IndexReader, ReloadPolicy, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

use crate::analyzer::{analyze, Kind};
use crate::index::{open_index, Fields};
use crate::query::{parse, Builder, TITLE_BOOST};
use crate::snippet::{make_snippet, Highlight};
use crate::{
    Facets, SearchError, SearchHit, SearchRequest, SearchResponse, DEFAULT_LIMIT, MAX_LIMIT,
    MAX_OFFSET, MAX_QUERY_CHARS,
};

/// An open search index. `Send + Sync`; share it behind an `Arc`.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
}

/// Counts distinct values of the `city` and `themes` fast fields over the matches.
struct FacetCounter;

type FacetFruit = (HashMap<String, usize>, HashMap<String, usize>);

struct FacetSegment {
    city: Option<StrColumn>,
    themes: Option<StrColumn>,
    city_counts: Vec<usize>,
    theme_counts: Vec<usize>,
    scratch: Vec<u64>,
}

impl Collector for FacetCounter {
    type Fruit = FacetFruit;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let city = reader.fast_fields().str("city")?;
        let themes = reader.fast_fields().str("themes")?;
        let city_counts = vec![0; city.as_ref().map_or(0, |c| c.num_terms())];
        let theme_counts = vec![0; themes.as_ref().map_or(0, |c| c.num_terms())];
        Ok(FacetSegment {
            city,
            themes,
            city_counts,
            theme_counts,
            scratch: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut city = HashMap::new();
        let mut theme = HashMap::new();
        for (c, t) in fruits {
            for (k, v) in c {
                *city.entry(k).or_insert(0) += v;
            }
            for (k, v) in t {
                *theme.entry(k).or_insert(0) += v;
            }
        }
        Ok((city, theme))
    }
}

fn count_ords(
    column: &Option<StrColumn>,
    doc: DocId,
    counts: &mut [usize],
    scratch: &mut Vec<u64>,
) {
    if let Some(col) = column {
        scratch.clear();
        scratch.extend(col.term_ords(doc));
        scratch.sort_unstable();
        scratch.dedup();
        for &ord in scratch.iter() {
            if let Some(c) = counts.get_mut(ord as usize) {
                *c += 1;
            }
        }
    }
}

fn harvest_counts(column: &Option<StrColumn>, counts: &[usize]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    if let Some(col) = column {
        // One pass over the (compressed) dictionary for all counted ordinals, in order: a
        // lookup per ordinal decompresses a block each time, which with 1,741 cities was most
        // of a query's time.
        let ords: Vec<u64> = (0..counts.len())
            .filter(|&o| counts[o] > 0)
            .map(|o| o as u64)
            .collect();
        let mut i = 0;
        let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |term| {
            if let (Some(&ord), Ok(text)) = (ords.get(i), std::str::from_utf8(term)) {
                *out.entry(text.to_string()).or_insert(0) += counts[ord as usize];
            }
            i += 1;
        });
    }
    out
}

impl SegmentCollector for FacetSegment {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        count_ords(&self.city, doc, &mut self.city_counts, &mut self.scratch);
        count_ords(&self.themes, doc, &mut self.theme_counts, &mut self.scratch);
    }

    fn harvest(self) -> FacetFruit {
        (
            harvest_counts(&self.city, &self.city_counts),
            harvest_counts(&self.themes, &self.theme_counts),
        )
    }
}

fn first_str(doc: &TantivyDocument, field: Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str().map(str::to_string))
}

fn all_str(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn filter_clause(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

/// Score added to pages in the reader's language (`lang`): about one strong title match.
pub(crate) const PREFERRED_LANGUAGE_BONUS: f32 = 10.0;

impl SearchIndex {
    /// Opens the index in `index_dir` (and loads the dictionary).
    pub fn open(index_dir: &Path) -> Result<SearchIndex> {
        let (index, fields) = open_index(index_dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening an index reader")?;
        Ok(SearchIndex { reader, fields })
    }

    /// Picks up what an [`crate::IndexUpdater`] committed since the index was opened.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().context("reloading the index")
    }

    /// Number of documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Answers a request. Bad input gives `BadRequest`; no query string panics.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        let query_chars = req.query.chars().count();
        if query_chars > MAX_QUERY_CHARS {
            return Err(SearchError::BadRequest(format!(
                "query is too long ({query_chars} characters; at most {MAX_QUERY_CHARS})"
            )));
        }
        let limit = if req.limit == 0 {
            DEFAULT_LIMIT
        } else {
            req.limit
        };
        if limit > MAX_LIMIT {
            return Err(SearchError::BadRequest(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        if req.offset > MAX_OFFSET {
            return Err(SearchError::BadRequest(format!(
                "offset must be at most {MAX_OFFSET}"
            )));
        }
        let f = &self.fields;
        let items = parse(&req.query);
        let mut builder = Builder::new(f);
        let (required, excluded) = builder.build(&items);
        let empty = SearchResponse {
            query: req.query.clone(),
            total: 0,
            results: Vec::new(),
            facets: Facets::default(),
        };
        let has_positive_items = items.iter().any(|i| !i.negated);
        if has_positive_items && required.is_empty() {
            // Only stop words or symbols: nothing can match.
            return Ok(empty);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if required.is_empty() {
            // Empty query (or only exclusions): browse everything that passes the filters.
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
            ));
        }
        clauses.extend(required.into_iter().map(|q| (Occur::Must, q)));
        clauses.extend(excluded.into_iter().map(|q| (Occur::MustNot, q)));
        if let Some(city) = non_empty(&req.city) {
            clauses.push((Occur::Must, filter_clause(f.city, city)));
        }
        if let Some(theme) = non_empty(&req.theme) {
            clauses.push((Occur::Must, filter_clause(f.themes, theme)));
        }
        if let Some(lang) = non_empty(&req.lang) {
            // `lang` is the reader's language, not a hard filter: pages in it rank higher, and
            // pages in the other language that the query reaches through the glossary still
            // come (an English reader searching "job rotation" also sees the Japanese measures).
            if !matches!(lang, "ja" | "en") {
                return Err(SearchError::BadRequest(format!(
                    "lang must be `ja` or `en`, not `{lang}`"
                )));
            }
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(
                    filter_clause(f.lang, lang),
                    PREFERRED_LANGUAGE_BONUS,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(limit)
            .and_offset(req.offset)
            .order_by_score();
        let (docs, total, (city, theme)) = searcher
            .search(&query, &(top, Count, FacetCounter))
            .map_err(|e| SearchError::Internal(anyhow!(e).context("running the search")))?;
        let mut results = Vec::with_capacity(docs.len());
        for (score, addr) in docs {
            results.push(
                self.hit(&searcher, addr, score, &builder.highlight)
                    .map_err(SearchError::Internal)?,
            );
        }
        Ok(SearchResponse {
            query: req.query.clone(),
            total,
            results,
            facets: Facets {
                city: city.into_iter().collect::<BTreeMap<_, _>>(),
                theme: theme.into_iter().collect::<BTreeMap<_, _>>(),
            },
        })
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        addr: DocAddress,
        score: Score,
        highlight: &Highlight,
    ) -> Result<SearchHit> {
        let f = &self.fields;
        let doc: TantivyDocument = searcher.doc(addr).context("reading a stored document")?;
        let lang = first_str(&doc, f.lang).unwrap_or_default();
        let body = first_str(&doc, f.body).unwrap_or_default();
        let snippet = make_snippet(&body, &lang, highlight);
        Ok(SearchHit {
            url: first_str(&doc, f.url).unwrap_or_default(),
            title: first_str(&doc, f.title).unwrap_or_default(),
            city: first_str(&doc, f.city),
            lang,
            themes: all_str(&doc, f.themes),
            snippet,
            score: if score.is_finite() { score } else { 0.0 },
        })
    }

    /// Pages of the same kind and language from each OTHER city that are most similar to the
    /// page at `url` (by its own distinctive terms), at most `per_city` per city, best first.
    pub fn similar(&self, url: &str, per_city: usize) -> Result<Vec<SearchHit>> {
        if per_city == 0 {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let url_term = Term::from_field_text(f.url, url);
        let found = searcher.search(
            &TermQuery::new(url_term.clone(), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some(&(_, addr)) = found.first() else {
            return Err(anyhow!("no page with url {url} in the index"));
        };
        let doc: TantivyDocument = searcher.doc(addr)?;
        let title = first_str(&doc, f.title).unwrap_or_default();
        let body = first_str(&doc, f.body).unwrap_or_default();
        let city = first_str(&doc, f.city);
        let kind = first_str(&doc, f.kind).unwrap_or_default();
        let lang = first_str(&doc, f.lang).unwrap_or_default();

        // Distinctive terms: tf-idf over the page's own analyzed title (counted thrice) and body.
        let mut tf: HashMap<String, f32> = HashMap::new();
        for (text, weight) in [(title.as_str(), 3.0f32), (body.as_str(), 1.0)] {
            for t in analyze(text) {
                if t.kind == Kind::Inner || t.text.chars().count() < 2 {
                    continue;
                }
                if t.text.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                *tf.entry(t.text).or_insert(0.0) += weight;
            }
        }
        let n = searcher.num_docs().max(1) as f32;
        // (tf-idf for choosing terms, tf for weighting them: BM25 applies idf itself, term)
        let mut scored: Vec<(f32, f32, String)> = Vec::new();
        for (term, freq) in tf {
            let df = searcher.doc_freq(&Term::from_field_text(f.body_ja, &term))? as f32;
            if df < 1.0 {
                continue;
            }
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            scored.push((freq.sqrt() * idf, freq.sqrt(), term));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.2.cmp(&b.2)));
        scored.truncate(25);
        if scored.is_empty() {
            return Ok(Vec::new());
        }
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut highlight = Highlight::default();
        for (_, weight, term) in &scored {
            highlight.ja.insert(term.clone());
            for (field, b) in [(f.title_ja, TITLE_BOOST), (f.body_ja, 1.0)] {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                ));
                should.push((Occur::Should, Box::new(BoostQuery::new(q, weight * b))));
            }
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(url_term, IndexRecordOption::Basic)),
        ));
        if let Some(city) = &city {
            clauses.push((Occur::MustNot, filter_clause(f.city, city)));
        }
        if !kind.is_empty() {
            clauses.push((Occur::Must, filter_clause(f.kind, &kind)));
        }
        if !lang.is_empty() {
            clauses.push((Occur::Must, filter_clause(f.lang, &lang)));
        }
        let query = BooleanQuery::new(clauses);
        let candidates = searcher.search(&query, &TopDocs::with_limit(500).order_by_score())?;
        // Pages sharing the source's themes get up to +50%.
        let source_themes = all_str(&doc, f.themes);
        let mut ranked: Vec<(f32, DocAddress, String)> = Vec::new();
        for (score, addr) in candidates {
            let cand: TantivyDocument = searcher.doc(addr)?;
            let Some(c) = first_str(&cand, f.city) else {
                continue;
            };
            let shared = all_str(&cand, f.themes)
                .iter()
                .filter(|t| source_themes.contains(t))
                .count();
            let factor = 1.0 + 0.5 * shared as f32 / source_themes.len().max(1) as f32;
            ranked.push((score * factor, addr, c));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut per: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for (score, addr, c) in ranked {
            let n = per.entry(c).or_insert(0);
            if *n >= per_city {
                continue;
            }
            *n += 1;
            out.push(self.hit(&searcher, addr, score, &highlight)?);
        }
        Ok(out)
    }
}
