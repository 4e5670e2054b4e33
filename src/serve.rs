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

/// The entries that go into the search index (every page in both languages), as positions in
/// `site.entries`; [`document`] makes each one's search document.
pub fn indexed_entries(site: &Site) -> Vec<usize> {
    (0..site.entries.len())
        .filter(|&i| site.entries[i].front.in_search_index)
        .collect()
}

/// One page as indexed, with its plain text `text`.
pub fn document(e: &kb_site::content::Entry, text: String) -> search_indexer::Document {
    let m = e.measure();
    let mut body = text;
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
}

#[derive(Clone)]
struct AppState {
    output: PathBuf,
    index: Arc<RwLock<Option<Arc<SearchIndex>>>>,
}

/// The server's limits. Every connection and request is bounded in time and size, so a slow or
/// hostile client can neither hold the server nor delay its shutdown indefinitely.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time a client has to send a request's headers (also the idle keep-alive timeout).
    pub header_read: Duration,
    /// Time a client has to send a request's body.
    pub body_read: Duration,
    /// Time a handler may take before the client gets 503.
    pub request: Duration,
    /// Largest request body accepted (the server only answers GET and HEAD: bodies are noise).
    pub max_body: usize,
    /// Requests handled at once; more wait up to `queue_wait`, then get 503.
    pub max_requests: usize,
    pub queue_wait: Duration,
    /// Open connections at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// After SIGTERM or Ctrl-C: time given to requests in flight before the server exits.
    pub shutdown_grace: Duration,
    /// Largest request head (request line and headers), in bytes.
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(10),
            request: Duration::from_secs(15),
            max_body: 16 * 1024,
            max_requests: 64,
            queue_wait: Duration::from_secs(5),
            max_connections: 512,
            shutdown_grace: Duration::from_secs(5),
            max_head: 64 * 1024,
        }
    }
}

impl Limits {
    /// The defaults; `KB_SERVE_HEADER_TIMEOUT_MS` shortens the header timeout (for tests).
    fn from_env() -> Limits {
        let mut limits = Limits::default();
        if let Some(ms) = std::env::var("KB_SERVE_HEADER_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|ms| *ms > 0)
        {
            limits.header_read = Duration::from_millis(ms);
        }
        limits
    }
}

pub fn serve(root: &Path, output: &Path, port: u16) -> Result<()> {
    let live = match crate::cli::build(root, output) {
        Ok(r) => {
            eprintln!("built {} pages into {}", r.pages, output.display());
            Some(crate::live::Live::new(root, output, r))
        }
        Err(e) => {
            eprintln!("{e}\nbuild failed; serving the previous output if there is one");
            None
        }
    };
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
        live,
    );
    let limits = Limits::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async move {
        // Signal handlers first: a SIGTERM that arrives once the port answers must stop the
        // server gracefully, never kill it.
        let shutdown = shutdown_signal()?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
        eprintln!("serving http://127.0.0.1:{port}/ (Ctrl-C to stop)");
        run(listener, router(state, limits), limits, shutdown).await;
        eprintln!("stopped");
        Ok(())
    });
    // Searches still running on blocking threads are not waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

fn router(state: AppState, limits: Limits) -> Router {
    guarded_router(
        Router::new()
            .route("/api/search", get(api_search))
            .fallback(static_file)
            .with_state(state),
        limits,
    )
}

/// `app` behind the request guard (`guard_request`).
fn guarded_router(app: Router, limits: Limits) -> Router {
    let guard = Arc::new(Guard {
        limits,
        requests: Arc::new(tokio::sync::Semaphore::new(limits.max_requests)),
    });
    app.layer(axum::middleware::from_fn_with_state(guard, guard_request))
}

/// Accepts connections until `shutdown` resolves, then lets the connections finish their
/// requests (at most `limits.shutdown_grace`) and returns.
async fn run(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let connections = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    eprintln!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(limits.header_read)
                .max_buf_size(limits.max_head)
                .keep_alive(true);
            let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stop.changed() => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
            drop(stop);
        });
    }
    drop(listener);
    drop(stop_rx);
    let _ = stop_tx.send(true);
    // Every connection task holds a receiver: `closed` resolves once the last one is done.
    let _ = tokio::time::timeout(limits.shutdown_grace, stop_tx.closed()).await;
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed before this returns.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    Ok(async move {
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    })
}

struct Guard {
    limits: Limits,
    requests: Arc<tokio::sync::Semaphore>,
}

/// Wraps every request: caps concurrency, bounds the body and the handler's time, and adds the
/// security headers to every response, errors included.
async fn guard_request(
    State(guard): State<Arc<Guard>>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut resp = guarded(&guard, api, req, next).await;
    let headers = resp.headers_mut();
    security_headers(headers);
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

async fn guarded(
    guard: &Guard,
    api: bool,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let error = |status: StatusCode, message: &str| -> Response {
        let mut resp = if api {
            json_error(status, message)
        } else {
            (status, message.to_string()).into_response()
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    };
    let limits = &guard.limits;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
        );
    }
    // Read the (small) body up front, bounded in size and time.
    let (parts, body) = req.into_parts();
    let body = match tokio::time::timeout(
        limits.body_read,
        axum::body::to_bytes(body, limits.max_body),
    )
    .await
    {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is too large",
            )
        }
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                "the request body came too slowly",
            )
        }
    };
    let req = Request::from_parts(parts, Body::from(body));
    let Ok(Ok(_permit)) =
        tokio::time::timeout(limits.queue_wait, guard.requests.clone().acquire_owned()).await
    else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is busy; try again",
        );
    };
    match tokio::time::timeout(limits.request, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => error(StatusCode::SERVICE_UNAVAILABLE, "the request took too long"),
    }
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
        let mut resp = (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    let path = req.uri().path().to_string();
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let output = state.output.clone();
    let found = tokio::task::spawn_blocking(move || find_file(&output, &path)).await;
    let (status, file, bytes, etag) = match found {
        Ok(Found::Redirect(location)) => {
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Ok(Found::File {
            status,
            file,
            bytes,
            etag,
        }) => (status, file, bytes, etag),
        Ok(Found::Nothing) | Err(_) => {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
    };
    let cache = cache_control(&file);
    if status == StatusCode::OK
        && if_none_match.is_some_and(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
        })
    {
        let mut resp = StatusCode::NOT_MODIFIED.into_response();
        let headers = resp.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, v);
        }
        return resp;
    }
    let len = bytes.len();
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
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if status == StatusCode::OK {
        if let Ok(v) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, v);
        }
    }
    resp
}

/// Pages, data and the unversioned `/style.css` and `/js/*.js` change with every rebuild: the
/// browser revalidates them (cheaply, by ETag). Only images and fonts may be kept for a day.
fn cache_control(file: &Path) -> &'static str {
    match mime_for(file) {
        m if m.starts_with("image/") || m.starts_with("font/") => "public, max-age=86400",
        _ => "no-cache",
    }
}

enum Found {
    Redirect(String),
    File {
        status: StatusCode,
        file: PathBuf,
        bytes: Vec<u8>,
        etag: String,
    },
    Nothing,
}

/// Finds what answers `path` (blocking file system work, run off the async threads).
///
/// A rebuild replaces the output with two renames, so it is briefly missing: a lookup that
/// fails while the output is missing or was replaced under it is tried again.
fn find_file(output: &Path, path: &str) -> Found {
    use std::os::unix::fs::MetadataExt;
    let identity = || std::fs::metadata(output).ok().map(|m| (m.dev(), m.ino()));
    let mut attempts = 0;
    loop {
        let before = identity();
        let found = find_file_once(output, path);
        let complete = matches!(&found, Found::Redirect(_))
            || matches!(&found, Found::File { status, .. } if *status == StatusCode::OK);
        attempts += 1;
        if complete || attempts >= 50 || (before.is_some() && identity() == before) {
            return found;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn find_file_once(output: &Path, path: &str) -> Found {
    // A directory URL without its slash: redirect, as static hosts do. The location is made
    // relative to this host (`//cities` must not redirect to a host named `cities`).
    if !path.ends_with('/') && !path.rsplit('/').next().unwrap_or_default().contains('.') {
        if let Some(p) = resolve_path(output, &format!("{path}/")) {
            if p.ends_with("index.html") {
                return Found::Redirect(format!("/{}/", path.trim_start_matches('/')));
            }
        }
    }
    let (status, file) = match resolve_path(output, path) {
        Some(f) => (StatusCode::OK, f),
        None => match resolve_path(
            output,
            if path.starts_with("/en/") {
                "/en/404.html"
            } else {
                "/404.html"
            },
        )
        .or_else(|| resolve_path(output, "/404.html"))
        {
            Some(f) => (StatusCode::NOT_FOUND, f),
            None => return Found::Nothing,
        },
    };
    let Ok(mut f) = std::fs::File::open(&file) else {
        return Found::Nothing;
    };
    let Ok(meta) = f.metadata() else {
        return Found::Nothing;
    };
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    if std::io::Read::read_to_end(&mut f, &mut bytes).is_err() {
        return Found::Nothing;
    }
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .unwrap_or_default();
    let etag = format!("\"{:x}-{:x}\"", bytes.len(), mtime.as_nanos());
    Found::File {
        status,
        file,
        bytes,
        etag,
    }
}

type SharedIndex = Arc<RwLock<Option<Arc<SearchIndex>>>>;

/// Watches the sources (inotify; polling twice a second where that is unavailable). An edited
/// content file is applied incrementally ([`crate::live`]); anything else rebuilds everything
/// and swaps the new index in.
fn spawn_watcher(
    root: PathBuf,
    output: PathBuf,
    index: SharedIndex,
    mut live: Option<crate::live::Live>,
) {
    std::thread::spawn(move || {
        let (tx, rx) = std::sync::mpsc::channel::<PathBuf>();
        let watcher = watch_sources(&root, tx);
        if watcher.is_none() {
            eprintln!("file notifications unavailable: polling the sources twice a second");
            poll_and_rebuild(&root, &output, &index);
            return;
        }
        while let Ok(first) = rx.recv() {
            // An editor's save is several events: gather those that follow closely.
            let mut changed = vec![first];
            while let Ok(p) = rx.recv_timeout(Duration::from_millis(25)) {
                changed.push(p);
            }
            let mut changed: Vec<PathBuf> = changed
                .into_iter()
                .filter(|p| is_source(&root, p))
                .collect();
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
            if let Some(l) = live.as_mut() {
                let current = index.read().ok().and_then(|g| g.clone());
                let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    l.apply(&changed, current.as_deref())
                }));
                match applied {
                    Ok(Ok(crate::live::Outcome::Updated(updates))) => {
                        for u in updates {
                            eprintln!(
                                "updated {}: page and index in {} ms, {} files in {} ms",
                                u.file.display(),
                                u.visible.as_millis(),
                                u.files,
                                u.complete.as_millis()
                            );
                        }
                        continue;
                    }
                    Ok(Ok(crate::live::Outcome::NeedsFullBuild)) => {}
                    Ok(Err(e)) => {
                        eprintln!("{e:#}\nupdate failed; still serving the previous version");
                        continue;
                    }
                    Err(_) => eprintln!("the update panicked; rebuilding everything"),
                }
                l.release_index();
            }
            if let Some(report) = rebuild(&root, &output, &index) {
                live = Some(crate::live::Live::new(&root, &output, report));
            }
        }
        drop(watcher);
    });
}

/// Starts inotify watches on the source folders and `config.toml`; events' paths go to `tx`.
fn watch_sources(
    root: &Path,
    tx: std::sync::mpsc::Sender<PathBuf>,
) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if matches!(event.kind, EventKind::Access(_)) {
                return;
            }
            for p in event.paths {
                let _ = tx.send(p);
            }
        }
    })
    .ok()?;
    for dir in ["content", "templates", "sass", "static"] {
        let d = root.join(dir);
        if d.is_dir() {
            watcher.watch(&d, RecursiveMode::Recursive).ok()?;
        }
    }
    // The root itself, not recursively, for config.toml (the output may live below the root).
    watcher.watch(root, RecursiveMode::NonRecursive).ok()?;
    Some(watcher)
}

/// Whether a changed path is a source of the site: a Markdown file in content/, anything in
/// templates/, sass/ or static/, or config.toml. Editors' swap and backup files are not.
fn is_source(root: &Path, p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
    {
        return false;
    }
    if p == root.join("config.toml") {
        return true;
    }
    if p.starts_with(root.join("content")) {
        // Deleted folders have no extension to look at: take them as structural changes.
        return p.extension().is_some_and(|x| x == "md") || !p.exists();
    }
    ["templates", "sass", "static"]
        .iter()
        .any(|d| p.starts_with(root.join(d)))
}

/// A full build; on success the new index replaces the served one.
fn rebuild(root: &Path, output: &Path, index: &SharedIndex) -> Option<kb_site::BuildReport> {
    let started = std::time::Instant::now();
    // A panicking build must not end the watcher: the server would silently go stale.
    let built = std::panic::catch_unwind(|| crate::cli::build(root, output));
    match built {
        Ok(Ok(r)) => {
            // The new index is opened before it replaces the old one: searches in flight keep
            // their `Arc` of the old index, whose files stay readable (open and mapped)
            // although the rebuild renamed and deleted its directory.
            match SearchIndex::open(&crate::cli::index_dir(output)) {
                Ok(new) => {
                    let new = Arc::new(new);
                    match index.write() {
                        Ok(mut guard) => *guard = Some(new),
                        Err(poisoned) => *poisoned.into_inner() = Some(new),
                    }
                }
                Err(e) => eprintln!(
                    "cannot open the new search index: {e:#}; still searching the previous one"
                ),
            }
            eprintln!(
                "rebuilt {} pages in {} ms",
                r.pages,
                started.elapsed().as_millis()
            );
            Some(r)
        }
        Ok(Err(e)) => {
            eprintln!("{e}\nrebuild failed; still serving the previous output");
            None
        }
        Err(_) => {
            eprintln!("the rebuild panicked; still serving the previous output");
            None
        }
    }
}

/// Where file notifications are unavailable: polls the sources twice a second and rebuilds
/// everything after a change.
fn poll_and_rebuild(root: &Path, output: &Path, index: &SharedIndex) {
    let mut last = fingerprint(root);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = fingerprint(root);
        if now == last {
            continue;
        }
        last = now;
        rebuild(root, output, index);
    }
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

    /// Serves `app` behind the guard on a loopback port; returns the port and a stop switch.
    fn serve_guarded(
        app: Router,
        limits: Limits,
    ) -> (
        tokio::runtime::Runtime,
        u16,
        tokio::sync::oneshot::Sender<()>,
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        rt.spawn(run(listener, guarded_router(app, limits), limits, async {
            let _ = rx.await;
        }));
        (rt, port, tx)
    }

    fn raw_get(port: u16, path: &str) -> String {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    /// A handler that takes 1.5 s; `started` is set once a request is inside it.
    fn slow_app() -> (Router, Arc<std::sync::atomic::AtomicBool>) {
        let started = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = started.clone();
        let app = Router::new().route(
            "/api/slow",
            get(move || {
                let flag = flag.clone();
                async move {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(1500)).await;
                    "done"
                }
            }),
        );
        (app, started)
    }

    fn wait_for(flag: &std::sync::atomic::AtomicBool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !flag.load(std::sync::atomic::Ordering::SeqCst) {
            assert!(
                std::time::Instant::now() < deadline,
                "the request never started"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn slow_handlers_time_out_with_503() {
        let limits = Limits {
            request: Duration::from_millis(200),
            ..Limits::default()
        };
        let (app, _) = slow_app();
        let (_rt, port, _stop) = serve_guarded(app, limits);
        let resp = raw_get(port, "/api/slow");
        assert!(resp.starts_with("HTTP/1.1 503"), "{resp}");
        assert!(resp.to_lowercase().contains("retry-after: 1"), "{resp}");
        assert!(resp.contains("\"error\""), "{resp}");
        assert!(resp
            .to_lowercase()
            .contains("x-content-type-options: nosniff"));
    }

    #[test]
    fn requests_beyond_the_concurrency_cap_get_503() {
        let limits = Limits {
            max_requests: 1,
            queue_wait: Duration::from_millis(100),
            ..Limits::default()
        };
        let (app, started) = slow_app();
        let (_rt, port, _stop) = serve_guarded(app, limits);
        let first = std::thread::spawn(move || raw_get(port, "/api/slow"));
        wait_for(&started);
        let second = raw_get(port, "/api/slow");
        assert!(second.starts_with("HTTP/1.1 503"), "{second}");
        assert!(second.contains("busy"), "{second}");
        let first = first.join().unwrap();
        assert!(first.starts_with("HTTP/1.1 200"), "{first}");
        assert!(first.ends_with("done"), "{first}");
    }

    #[test]
    fn requests_in_flight_finish_after_the_shutdown_signal() {
        let (app, started) = slow_app();
        let (rt, port, stop) = serve_guarded(app, Limits::default());
        let first = std::thread::spawn(move || raw_get(port, "/api/slow"));
        wait_for(&started);
        stop.send(()).unwrap();
        let first = first.join().unwrap();
        assert!(first.starts_with("HTTP/1.1 200"), "{first}");
        drop(rt);
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
