//! The accept loop: HTTP/1 connections with header timeouts, a cap on open connections, and a
//! graceful stop on SIGTERM or Ctrl-C.

use super::limits::Limits;
use anyhow::{Context, Result};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;

/// The address a request came from.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub std::net::SocketAddr);

/// Accepts connections until `shutdown` resolves, then lets the connections finish their
/// requests (at most `limits.shutdown_grace`) and returns.
pub async fn run(
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
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(accepted) => accepted,
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
        // The peer's address travels with each request (for the access log).
        let app = app.clone();
        let service = hyper_util::service::TowerToHyperService::new(tower::service_fn(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(Peer(peer));
                tower::ServiceExt::oneshot(app.clone(), req)
            },
        ));
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
pub fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    Ok(async move {
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::guard::guarded_router;
    use axum::routing::get;

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
}
