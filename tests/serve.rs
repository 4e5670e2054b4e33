//! End to end: `kb serve` on loopback — pages, the search API, its error handling, and the
//! guarantees of the static file server (no traversal, security headers).

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    _site: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serves the mini fixture site; waits until it answers.
fn start() -> Server {
    let site = mini_site();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_kb"))
        .args([
            "serve",
            "--root",
            site.path().to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        port,
        _site: site,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("kb serve did not start");
}

/// A raw HTTP/1.1 GET, so the test sends exactly the bytes it means (encoded dots and all).
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
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
