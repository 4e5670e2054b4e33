//! `kb serve`: serves the built site on 127.0.0.1, answers `/api/search`, and rebuilds when a
//! source file changes (the new output and index replace the old ones only on success).

use anyhow::{Context, Result};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kb_site::content::Kind;
use kb_site::Site;
use search_indexer::{SearchError, SearchIndex, SearchRequest};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// The documents of the search index: every page in both languages, as plain text.
pub fn documents(site: &Site) -> Vec<search_indexer::Document> {
    site.entries
        .iter()
        .filter(|e| e.front.in_search_index)
        .map(|e| {
            let m = e.measure();
            let mut body = site.rendered(e).text.clone();
            // City pages carry their substance in front matter: index it too.
            if let Some(c) = e.city_extra() {
                for text in [
                    &c.official_title,
                    &c.subtitle,
                    &c.issuer,
                    &c.predecessor,
                    &c.plan_period,
                    &c.structure,
                ]
                .into_iter()
                .flatten()
                {
                    body.push('\n');
                    body.push_str(text);
                }
                for text in c.ideal_staff.iter().chain(&c.values) {
                    body.push('\n');
                    body.push_str(text);
                }
            }
            search_indexer::Document {
                url: e.url.clone(),
                lang: e.lang.clone(),
                kind: e.kind.name().to_string(),
                city: e.kind.city().map(str::to_string),
                chapter_path: m.map(|m| m.path.clone()).unwrap_or_default(),
                themes: if matches!(e.kind, Kind::Measure(_)) {
                    e.front
                        .taxonomies
                        .get("themes")
                        .cloned()
                        .unwrap_or_default()
                } else {
                    Vec::new()
                },
                status: m.and_then(|m| m.status.clone()),
                title: e.title().to_string(),
                body,
            }
        })
        .collect()
}

#[derive(Clone)]
struct AppState {
    output: PathBuf,
    index: Arc<RwLock<Option<Arc<SearchIndex>>>>,
}

pub fn serve(root: &Path, output: &Path, port: u16) -> Result<()> {
    match crate::cli::build(root, output) {
        Ok(r) => eprintln!("built {} pages into {}", r.pages, output.display()),
        Err(e) => eprintln!("{e}\nbuild failed; serving the previous output if there is one"),
    }
    let index_dir = crate::cli::index_dir(output);
    let state = AppState {
        output: output.to_path_buf(),
        index: Arc::new(RwLock::new(
            SearchIndex::open(&index_dir).ok().map(Arc::new),
        )),
    };
    spawn_watcher(
        root.to_path_buf(),
        output.to_path_buf(),
        state.index.clone(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
        eprintln!("serving http://127.0.0.1:{port}/ (Ctrl-C to stop)");
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("server error")
    })
}

fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/search", get(api_search))
        .fallback(static_file)
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

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

async fn api_search(State(state): State<AppState>, uri: axum::http::Uri) -> Response {
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
    let index = state.index.read().ok().and_then(|g| g.clone());
    let Some(index) = index else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the search index is not built yet",
        );
    };
    let result = tokio::task::spawn_blocking(move || index.search(&req)).await;
    match result {
        Ok(Ok(resp)) => Json(resp).into_response(),
        Ok(Err(SearchError::BadRequest(m))) => json_error(StatusCode::BAD_REQUEST, &m),
        Ok(Err(e)) => json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("search failed: {e}"),
        ),
        Err(_) => json_error(StatusCode::SERVICE_UNAVAILABLE, "search failed"),
    }
}

/// Maps a request path to a file inside the output, refusing anything that could leave it.
pub fn resolve_path(output: &Path, raw_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(raw_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = output.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    // Symlinks may not lead outside the output.
    let real = path.canonicalize().ok()?;
    let base = output.canonicalize().ok()?;
    (real.starts_with(&base) && real.is_file()).then_some(real)
}

pub fn mime_for(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn security_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

async fn static_file(State(state): State<AppState>, req: Request<Body>) -> Response {
    let method = req.method().clone();
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    }
    let path = req.uri().path().to_string();
    // A directory URL without its slash: redirect, as static hosts do.
    if !path.ends_with('/') && !path.rsplit('/').next().unwrap_or_default().contains('.') {
        if let Some(p) = resolve_path(&state.output, &format!("{path}/")) {
            if p.ends_with("index.html") {
                return (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, format!("{path}/"))],
                )
                    .into_response();
            }
        }
    }
    let (status, file) = match resolve_path(&state.output, &path) {
        Some(f) => (StatusCode::OK, f),
        None => match resolve_path(
            &state.output,
            if path.starts_with("/en/") {
                "/en/404.html"
            } else {
                "/404.html"
            },
        )
        .or_else(|| resolve_path(&state.output, "/404.html"))
        {
            Some(f) => (StatusCode::NOT_FOUND, f),
            None => return (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    };
    let bytes = match tokio::fs::read(&file).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let mut resp = Response::new(if method == axum::http::Method::HEAD {
        Body::empty()
    } else {
        Body::from(bytes)
    });
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime_for(&file)),
    );
    let cache = if file
        .extension()
        .is_some_and(|e| e == "html" || e == "json" || e == "csv")
    {
        "no-cache"
    } else {
        "public, max-age=3600"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    security_headers(headers);
    resp
}

/// Polls the sources twice a second; after a change, rebuilds and swaps the index in.
fn spawn_watcher(root: PathBuf, output: PathBuf, index: Arc<RwLock<Option<Arc<SearchIndex>>>>) {
    std::thread::spawn(move || {
        let mut last = fingerprint(&root);
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = fingerprint(&root);
            if now == last {
                continue;
            }
            last = now;
            let started = std::time::Instant::now();
            match crate::cli::build(&root, &output) {
                Ok(r) => {
                    if let Ok(new) = SearchIndex::open(&crate::cli::index_dir(&output)) {
                        if let Ok(mut guard) = index.write() {
                            *guard = Some(Arc::new(new));
                        }
                    }
                    eprintln!(
                        "rebuilt {} pages in {} ms",
                        r.pages,
                        started.elapsed().as_millis()
                    );
                }
                Err(e) => eprintln!("{e}\nrebuild failed; still serving the previous output"),
            }
        }
    });
}

/// Modification times and sizes of every source file: a change in any means rebuild.
fn fingerprint(root: &Path) -> Vec<(PathBuf, SystemTime, u64)> {
    let mut out = Vec::new();
    for dir in ["content", "templates", "sass", "static"] {
        for e in walkdir_files(&root.join(dir)) {
            if let Ok(meta) = std::fs::metadata(&e) {
                out.push((
                    e,
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    meta.len(),
                ));
            }
        }
    }
    if let Ok(meta) = std::fs::metadata(root.join("config.toml")) {
        out.push((
            root.join("config.toml"),
            meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            meta.len(),
        ));
    }
    out
}

fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
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

    #[test]
    fn paths_never_leave_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/index.html"), "x").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "s").unwrap();
        assert!(resolve_path(&out, "/a/").is_some());
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/a/../../secret.txt",
            "/%00",
        ] {
            assert!(resolve_path(&out, bad).is_none(), "{bad}");
        }
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("link.txt")).unwrap();
        assert!(resolve_path(&out, "/link.txt").is_none());
    }
}
