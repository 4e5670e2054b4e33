//! `/api/search`: the query string, parsed strictly, and the search on a blocking thread.

use super::guard::json_error;
use super::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use search_indexer::{SearchError, SearchRequest};
use std::collections::HashMap;

/// The longest query string `/api/search` accepts, in bytes (a long query is refused, not truncated).
const MAX_QUERY_STRING: usize = 8 * 1024;

/// Parses `a=1&b=2` strictly: a `%` must start a valid escape and the result must be UTF-8, so
/// a mangled URL is refused with 400 instead of being searched in a garbled form.
pub fn parse_query_string(raw: &str) -> Result<HashMap<String, String>, String> {
    if raw.len() > MAX_QUERY_STRING {
        return Err(format!(
            "the query string is too long ({} bytes; at most {MAX_QUERY_STRING})",
            raw.len()
        ));
    }
    let decode = |s: &str| -> Result<String, String> {
        let bytes = s.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'%'
                && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return Err("invalid percent-encoding in the query string".into());
            }
        }
        let plus = s.replace('+', " ");
        percent_encoding::percent_decode_str(&plus)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| "the query string does not decode to UTF-8".to_string())
    };
    let mut out = HashMap::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.insert(decode(k)?, decode(v)?);
    }
    Ok(out)
}

pub async fn api_search(State(state): State<AppState>, uri: axum::http::Uri) -> Response {
    let params = match parse_query_string(uri.query().unwrap_or_default()) {
        Ok(p) => p,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let number = |name: &str, default: usize| -> Result<usize, String> {
        match params.get(name) {
            None => Ok(default),
            Some(v) if v.is_empty() => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| format!("`{name}` must be a non-negative integer, got `{v}`")),
        }
    };
    let (limit, offset) = match (number("limit", 10), number("offset", 0)) {
        (Ok(l), Ok(o)) => (l, o),
        (Err(e), _) | (_, Err(e)) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let Some(q) = params.get("q") else {
        return json_error(StatusCode::BAD_REQUEST, "missing `q`");
    };
    let opt = |name: &str| params.get(name).filter(|v| !v.is_empty()).cloned();
    let req = SearchRequest {
        query: q.clone(),
        city: opt("city"),
        theme: opt("theme"),
        lang: opt("lang"),
        limit,
        offset,
    };
    let index = match state.index.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    let Some(index) = index else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the search index is not built yet",
        );
    };
    let result = tokio::task::spawn_blocking(move || index.search(&req)).await;
    match result {
        Ok(Ok(mut resp)) => {
            // Result URLs as readers follow them, under the base path.
            if !state.prefix.is_empty() {
                for r in &mut resp.results {
                    r.url = format!("{}{}", state.prefix, r.url);
                }
            }
            Json(resp).into_response()
        }
        Ok(Err(SearchError::BadRequest(m))) => json_error(StatusCode::BAD_REQUEST, &m),
        Ok(Err(e)) => json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("search failed: {e}"),
        ),
        Err(_) => json_error(StatusCode::SERVICE_UNAVAILABLE, "search failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_parsed_strictly() {
        let p = parse_query_string("q=%E7%A0%94%E4%BF%AE+a&city=osaki").unwrap();
        assert_eq!(p["q"], "研修 a");
        assert_eq!(p["city"], "osaki");
        assert!(parse_query_string("q=%ZZ").is_err());
        assert!(parse_query_string("q=%E7").is_err(), "not UTF-8");
        assert!(parse_query_string("q=a%").is_err());
        assert!(parse_query_string(&"q=".repeat(5000)).is_err(), "too long");
    }
}
