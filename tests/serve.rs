//! End to end: `kb serve` on loopback — pages, the search API, its error handling, and the
//! guarantees of the static file server (no traversal, security headers).

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Serves the mini fixture site; waits until it answers.
fn start() -> Server {
    start_with(&[])
}

/// Serves the mini fixture site with extra environment variables.
fn start_with(env: &[(&str, &str)]) -> Server {
    let site = mini_site();
    let mut server = serve(site.path(), env, Stdio::null());
    server.site = Some(site);
    server
}

/// `(status, lower-cased head, body)` of a GET; panics on a transport error.
fn get(port: u16, path: &str) -> (u16, String, String) {
    http_get(port, path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

#[test]
fn serves_pages_with_security_headers() {
    let server = start();
    let (status, head, body) = get(server.port, "/cities/takasaki/");
    assert_eq!(status, 200);
    assert!(body.contains("高崎市"));
    assert!(head.contains("content-type: text/html; charset=utf-8"));
    assert!(head.contains("content-security-policy: default-src 'self'"));
    assert!(head.contains("x-content-type-options: nosniff"));
    assert!(head.contains("referrer-policy:"));
    let (status, head, _) = get(server.port, "/style.css");
    assert_eq!(status, 200);
    assert!(head.contains("text/css"));
    let (status, _, body) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("404") || body.contains("見つかりません"));
    let (status, head, _) = get(server.port, "/cities");
    assert_eq!(status, 301);
    assert!(head.contains("location: /cities/"));
}

#[test]
fn never_serves_files_outside_the_output() {
    let server = start();
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/cities/..%2f..%2f..%2fconfig.toml",
        "/..\\..\\etc\\passwd",
    ] {
        let (status, _, body) = get(server.port, path);
        assert!(!body.contains("root:x:0:0"), "{path} leaked /etc/passwd");
        assert!(!body.contains("base_url"), "{path} leaked config.toml");
        assert!(status == 404 || status == 400, "{path}: {status}");
    }
}

#[test]
fn search_api_answers_json_and_rejects_bad_parameters() {
    let server = start();
    let (status, head, body) = get(server.port, "/api/search?q=%E7%A0%94%E4%BF%AE");
    assert_eq!(status, 200, "{body}");
    assert!(head.contains("application/json"));
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    for key in ["query", "total", "results", "facets"] {
        assert!(json.get(key).is_some(), "missing {key}: {body}");
    }
    assert!(json["total"].as_u64().unwrap() >= 1);
    let long = "a".repeat(10_000);
    for (what, path) in [
        ("10,000-character query", format!("/api/search?q={long}")),
        (
            "10,000 Japanese characters",
            format!("/api/search?q={}", "%E7%A0%94".repeat(3_000)),
        ),
        (
            "unbalanced quotes",
            "/api/search?q=%22%E7%A0%94%E4%BF%AE".to_string(),
        ),
        (
            "invalid percent-encoding",
            "/api/search?q=%E7%A0%ZZ%".to_string(),
        ),
        ("negative limit", "/api/search?q=a&limit=-1".to_string()),
        ("huge limit", "/api/search?q=a&limit=100000".to_string()),
        ("missing q", "/api/search".to_string()),
    ] {
        let (status, _, body) = get(server.port, &path);
        assert!(status < 500, "{what}: {status} {body}");
        if what != "unbalanced quotes" {
            assert_eq!(status, 400, "{what}: {body}");
            let err: serde_json::Value =
                serde_json::from_str(&body).unwrap_or_else(|_| panic!("{what}: not JSON: {body}"));
            assert!(err["error"].is_string(), "{what}: {body}");
        }
    }
}

/// Sends raw bytes and reads until the server closes the connection: `(status, head, body)`,
/// status 0 when the server closed without answering. `Err` when `wait` passed first: the
/// server kept the connection open, which no test here accepts.
fn raw_until_closed(
    port: u16,
    request: &[u8],
    wait: Duration,
) -> Result<(u16, String, String), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    // A server that refuses a request may close before reading all of it: a failed write is
    // not the outcome, the read is.
    let _ = s.write_all(request);
    read_until_closed(&mut s, wait)
}

/// Reads `s` to its end (or a reset): the response; `Err` if `wait` passes first.
fn read_until_closed(s: &mut TcpStream, wait: Duration) -> Result<(u16, String, String), String> {
    let mut raw = Vec::new();
    match s.read_to_end(&mut raw) {
        Ok(_) => Ok(parse_response(&raw)),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(parse_response(&raw)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            Err(format!(
                "the connection was still open after {wait:?} ({} bytes read)",
                raw.len()
            ))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// [`raw_until_closed`] for requests the server answers (`Connection: close`).
fn raw(port: u16, request: &[u8], wait: Duration) -> (u16, String, String) {
    raw_until_closed(port, request, wait).unwrap_or_else(|e| {
        panic!(
            "{}: {e}",
            String::from_utf8_lossy(&request[..request.len().min(60)])
        )
    })
}

#[test]
fn symlinks_never_lead_outside_the_output() {
    let server = start();
    let site = server
        .site
        .as_ref()
        .expect("the server owns its site")
        .path();
    let public = site.join("public");
    let secret = site.join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("index.html"), "TOP-SECRET").unwrap();
    std::fs::write(outside.path().join("a.txt"), "TOP-SECRET").unwrap();
    use std::os::unix::fs::symlink as link;
    link(&secret, public.join("leak.txt")).unwrap();
    link(site.join("config.toml"), public.join("config.txt")).unwrap();
    link(outside.path(), public.join("outside")).unwrap();
    link(site, public.join("root")).unwrap();
    link("/etc", public.join("etc")).unwrap();
    link("../secret.txt", public.join("cities/relative.txt")).unwrap();
    for path in [
        "/leak.txt",
        "/config.txt",
        "/outside/",
        "/outside",
        "/outside/index.html",
        "/outside/a.txt",
        "/root/secret.txt",
        "/root/config.toml",
        "/etc/passwd",
        "/etc/hostname",
        "/cities/relative.txt",
        "/cities/%2e%2e/leak.txt",
    ] {
        let (status, _, body) = get(server.port, path);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("TOP-SECRET"), "{path} leaked a file");
        assert!(!body.contains("base_url"), "{path} leaked config.toml");
        assert!(!body.contains("root:x:0:0"), "{path} leaked /etc/passwd");
    }
    // A symlink that stays inside the output is served.
    link(
        public.join("cities/takasaki/index.html"),
        public.join("alias.html"),
    )
    .unwrap();
    let (status, _, body) = get(server.port, "/alias.html");
    assert_eq!(status, 200);
    assert!(body.contains("高崎市"));
}

#[test]
fn directories_are_never_listed() {
    let server = start();
    let (_, _, not_found) = get(server.port, "/no/such/page/");
    // `data/` and `js/` have files but no index.html: the 404 page, not a listing.
    for path in ["/data/", "/data", "/js/", "/js", "/data/themes/"] {
        let (status, head, body) = get(server.port, path);
        assert_eq!(status, 404, "{path}: {head}");
        assert_eq!(body, not_found, "{path}");
        assert!(!body.contains("search.js\""), "{path} listed its files");
    }
    let (status, _, _) = get(server.port, "/data/measures.csv");
    assert_eq!(status, 200);
}

#[test]
fn content_types_caching_and_revalidation() {
    let server = start();
    for (path, mime) in [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/js/search.js", "text/javascript; charset=utf-8"),
        ("/data/measures.csv", "text/csv; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let (status, head, _) = get(server.port, path);
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {mime}")),
            "{path}: {head}"
        );
        // Nothing of the site is versioned by name: browsers must revalidate.
        assert!(head.contains("cache-control: no-cache"), "{path}: {head}");
        assert!(head.contains("x-content-type-options: nosniff"), "{path}");
        let etag = head
            .lines()
            .find_map(|l| l.strip_prefix("etag: "))
            .unwrap_or_else(|| panic!("{path}: no etag: {head}"))
            .to_string();
        let (status, head, body) = raw(
            server.port,
            format!(
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
            Duration::from_secs(30),
        );
        assert_eq!(status, 304, "{path}: {head}");
        assert!(body.is_empty());
    }
    // The API's answers are never cached, and carry the security headers too.
    let (status, head, _) = get(server.port, "/api/search?q=a");
    assert_eq!(status, 200);
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    let (status, head, _) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(head.contains("content-security-policy:"), "{head}");
    // HEAD: the length of the page, no body.
    let (status, head, body) = raw(
        server.port,
        b"HEAD /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        Duration::from_secs(30),
    );
    assert_eq!(status, 200);
    assert!(body.is_empty());
    let (_, _, css) = get(server.port, "/style.css");
    assert!(
        head.contains(&format!("content-length: {}", css.len())),
        "{head}"
    );
}

#[test]
fn redirects_stay_on_this_host() {
    let server = start();
    for path in ["//cities", "///cities", "/cities"] {
        let (status, head, _) = get(server.port, path);
        assert_eq!(status, 301, "{path}");
        assert!(head.contains("location: /cities/\r\n"), "{path}: {head}");
    }
}

#[test]
fn bodies_methods_and_oversized_requests_are_refused() {
    let server = start();
    let (status, head, _) = raw(
        server.port,
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab",
        Duration::from_secs(30),
    );
    assert_eq!(status, 405, "{head}");
    // A body larger than the limit: refused from its declared length, without reading it.
    let (status, _, _) = raw(
        server.port,
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n",
        Duration::from_secs(30),
    );
    assert_eq!(status, 413);
    // The same with a chunked body that never ends within the limit.
    let mut chunked =
        b"GET /api/search?q=a HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            .to_vec();
    for _ in 0..40 {
        chunked.extend_from_slice(b"400\r\n");
        chunked.extend_from_slice(&[b'x'; 0x400]);
        chunked.extend_from_slice(b"\r\n");
    }
    let (status, _, body) = raw(server.port, &chunked, Duration::from_secs(30));
    assert_eq!(status, 413, "{body}");
    // Headers beyond the size limit: a 4xx (431), never a 5xx or a hang.
    let mut huge = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for i in 0..2000 {
        huge.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "y".repeat(60)).as_bytes());
    }
    huge.extend_from_slice(b"\r\n");
    let (status, _, _) = raw(server.port, &huge, Duration::from_secs(30));
    assert_eq!(status, 431);
    // The server is still fine.
    let (status, _, _) = get(server.port, "/");
    assert_eq!(status, 200);
}

#[test]
fn slow_clients_are_cut_off() {
    let timeout = Duration::from_millis(500);
    let server = start_with(&[("KB_SERVE_HEADER_TIMEOUT_MS", "500")]);
    // The server must close each connection itself, about when the header timeout runs out:
    // not at once, and long before the client's own patience (10 s) runs out.
    let closes_in_time =
        |what: &str, started: Instant, outcome: Result<(u16, String, String), String>| {
            let elapsed = started.elapsed();
            let (status, head, _) = outcome.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(
                elapsed >= timeout - Duration::from_millis(100),
                "{what}: closed after {elapsed:?}, before the header timeout"
            );
            assert!(
                elapsed < timeout + Duration::from_secs(5),
                "{what}: closed only after {elapsed:?}"
            );
            (status, head)
        };
    // Half a request, never finished: closed without an answer (hyper sends no 408).
    let started = Instant::now();
    let outcome = raw_until_closed(
        server.port,
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
        Duration::from_secs(10),
    );
    let (status, head) = closes_in_time("half a request", started, outcome);
    assert_eq!(status, 0, "{head}");
    // A connection that never sends a byte is closed too.
    let started = Instant::now();
    let outcome = raw_until_closed(server.port, b"", Duration::from_secs(10));
    let (status, head) = closes_in_time("a silent connection", started, outcome);
    assert_eq!(status, 0, "{head}");
    // A keep-alive connection that goes idle after its first request is closed too.
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 12];
    s.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let started = Instant::now();
    let outcome = read_until_closed(&mut s, Duration::from_secs(10));
    closes_in_time("an idle keep-alive connection", started, outcome);
    // And the server still answers.
    let (status, _, _) = get(server.port, "/");
    assert_eq!(status, 200);
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let mut server = start();
    let (status, _, _) = get(server.port, "/");
    assert_eq!(status, 200);
    // An idle keep-alive connection and a half-sent request must not hold the shutdown.
    let mut idle = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(idle, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut half = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(half, "GET / HTTP/1.1\r\nHost: 127.0.").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The grace period for requests in flight is 5 s; allow for a slow machine.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "kb serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(TcpStream::connect(("127.0.0.1", server.port)).is_err());
    drop((idle, half));
}
