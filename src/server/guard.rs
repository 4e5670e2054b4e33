//! The request guard: caps concurrency, bounds each request's body and time, and adds the
//! security headers to every response, errors included.

use super::limits::Limits;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use std::sync::Arc;

/// `app` behind the request guard (`guard_request`).
pub fn guarded_router(app: Router, limits: Limits) -> Router {
    let guard = Arc::new(Guard {
        limits,
        requests: Arc::new(tokio::sync::Semaphore::new(limits.max_requests)),
    });
    app.layer(axum::middleware::from_fn_with_state(guard, guard_request))
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

pub fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
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
