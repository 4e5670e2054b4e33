//! Static files of the built output: path resolution that never leaves the output, MIME types,
//! ETags and caching, directory redirects and the 404 pages.

use super::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

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

pub async fn static_file(State(state): State<AppState>, req: Request<Body>) -> Response {
    let method = req.method().clone();
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        let mut resp = (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    let path = req.uri().path().to_string();
    let mounted = req
        .extensions()
        .get::<super::mount::Mounted>()
        .cloned()
        .unwrap_or_default();
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let query = req.uri().query().unwrap_or_default().to_string();
    let output = state.output.clone();
    let lookup = path.clone();
    let found = tokio::task::spawn_blocking(move || find_file(&output, &lookup)).await;
    let (status, file, bytes, etag) = match found {
        Ok(Found::Redirect(location)) => {
            // Under the prefix the request came with (`/jinji/kb`), if it had one.
            let location = format!("{}{location}", mounted.0);
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response();
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
    if status == StatusCode::OK && !query.is_empty() {
        if let Some(page) = completed_page(&state, &path, &query, &bytes).await {
            return dynamic_html(page, method == axum::http::Method::HEAD);
        }
    }
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

/// The search page with its results, or a theme page narrowed to the picked cities, for
/// readers without JavaScript ([`super::pages`]); `None` for every other page.
async fn completed_page(state: &AppState, path: &str, query: &str, page: &[u8]) -> Option<String> {
    let params = super::pages::query_values(query);
    let html = std::str::from_utf8(page).ok()?.to_string();
    if super::pages::is_theme_page(path) {
        return Some(super::pages::theme_page(&html, &params));
    }
    if super::benchmark::is_benchmark_page(path) {
        let (output, prefix) = (state.output.clone(), state.prefix.clone());
        return tokio::task::spawn_blocking(move || {
            super::benchmark::benchmark_page(&html, &params, &output, &prefix)
        })
        .await
        .ok();
    }
    if !super::pages::is_search_page(path) {
        return None;
    }
    let index = match state.index.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    let prefix = state.prefix.clone();
    tokio::task::spawn_blocking(move || {
        super::pages::search_page(&html, &params, index.as_deref(), &prefix)
    })
    .await
    .ok()
}

fn dynamic_html(page: String, head_only: bool) -> Response {
    let len = page.len();
    let mut resp = Response::new(if head_only {
        Body::empty()
    } else {
        Body::from(page)
    });
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Pages, data and the unversioned `/style.css` and `/js/*.js` change with every rebuild: the
/// browser revalidates them (cheaply, by ETag). Only images and fonts may be kept for a day.
fn cache_control(file: &Path) -> &'static str {
    if kb_build::urls::is_fingerprinted(&file.to_string_lossy()) {
        // The name changes with the content: keep it for a year.
        return "public, max-age=31536000, immutable";
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
