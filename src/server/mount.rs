//! Serving under a base path: behind a reverse proxy that passes the prefix through
//! (`/jinji/kb/cities/` → `/cities/`), and as is where the proxy strips it. Also the access log.

use super::accept::Peer;
use axum::body::Body;
use axum::http::{header, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::time::Instant;

/// The prefix a request's path had before it was stripped (empty when it had none), so that
/// redirects point where the client can follow them.
#[derive(Clone, Debug, Default)]
pub struct Mounted(pub String);

/// `app` answering under `prefix` (`/jinji/kb`, or empty) as well as at the root.
pub fn mount(app: Router, prefix: &str) -> Router {
    if prefix.is_empty() {
        return app;
    }
    let prefix = prefix.to_string();
    Router::new().fallback_service(tower::ServiceExt::map_request(
        app,
        move |req: Request<Body>| strip_prefix(req, &prefix),
    ))
}

fn strip_prefix(mut req: Request<Body>, prefix: &str) -> Request<Body> {
    let path = req.uri().path();
    let rest = match path.strip_prefix(prefix) {
        // `/jinji/kb` alone: served as the home page (`/`), like the directory it names.
        Some("") => "/".to_string(),
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => return req,
    };
    let rebuilt = match req.uri().query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest,
    };
    if let Ok(uri) = rebuilt.parse::<Uri>() {
        *req.uri_mut() = uri;
        req.extensions_mut().insert(Mounted(prefix.to_string()));
    }
    req
}

/// Logs each request to standard error in the combined log format's order: client, time,
/// request line, status, bytes, duration.
pub async fn access_log(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let started = Instant::now();
    let peer = req
        .extensions()
        .get::<Peer>()
        .map(|p| p.0.ip().to_string())
        .unwrap_or_else(|| "-".into());
    let line = format!("{} {}", req.method(), req.uri());
    let resp = next.run(req).await;
    let bytes = resp
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    eprintln!(
        "{peer} [{now}] \"{line}\" {} {bytes} {}ms",
        resp.status().as_u16(),
        started.elapsed().as_millis()
    );
    resp
}

/// `/healthz`: 200 with the live build's generation, 503 while there is none.
pub fn health(output: &std::path::Path) -> Response {
    match kb_build::live_index_dir(output) {
        Ok(dir) => {
            let generation = dir
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            axum::Json(serde_json::json!({ "status": "ok", "generation": generation }))
                .into_response()
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({ "status": "unavailable", "error": format!("{e:#}") })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_stripped_when_present() {
        let req = |p: &str| Request::builder().uri(p).body(Body::empty()).unwrap();
        let r = strip_prefix(req("/jinji/kb/cities/?city=a"), "/jinji/kb");
        assert_eq!(r.uri(), "/cities/?city=a");
        assert_eq!(r.extensions().get::<Mounted>().unwrap().0, "/jinji/kb");
        assert_eq!(strip_prefix(req("/jinji/kb"), "/jinji/kb").uri(), "/");
        let r = strip_prefix(req("/jinji/kbx/"), "/jinji/kb");
        assert_eq!(r.uri(), "/jinji/kbx/");
        assert!(r.extensions().get::<Mounted>().is_none());
        assert_eq!(strip_prefix(req("/cities/"), "/jinji/kb").uri(), "/cities/");
    }
}
