//! [`SearchIndex`]: opening an index and answering requests.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Score, TantivyDocument, Term};

use crate::facets;
use crate::index::{open_index, Fields};
use crate::query::{parse, Builder};
use crate::rank::{ranked, Ranked};
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
        let lang = non_empty(&req.lang);
        if let Some(lang) = lang {
            // `lang` is the reader's language, not a filter: pages in it rank first, and pages
            // in the other language that the query reaches through the glossary follow (an
            // English reader searching "job rotation" also sees the Japanese measures).
            if !matches!(lang, "ja" | "en") {
                return Err(SearchError::BadRequest(format!(
                    "lang must be `ja` or `en`, not `{lang}`"
                )));
            }
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let internal = |e: tantivy::TantivyError| {
            SearchError::Internal(anyhow!(e).context("running the search"))
        };
        let Ranked {
            page,
            total,
            results: all,
        } = ranked(&searcher, &query, limit, req.offset, lang).map_err(internal)?;
        let (city, theme) = facets::count(&searcher, &all).map_err(internal)?;
        let mut results = Vec::with_capacity(page.len());
        for (score, addr) in page {
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
            kind: first_str(&doc, f.kind).unwrap_or_default(),
            title: first_str(&doc, f.title).unwrap_or_default(),
            city: first_str(&doc, f.city),
            lang,
            themes: all_str(&doc, f.themes),
            snippet,
            score: if score.is_finite() { score } else { 0.0 },
        })
    }
}
