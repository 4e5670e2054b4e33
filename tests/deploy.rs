//! Deploying: a build for a sub-path served by a plain static file server, `kb serve` in
//! production mode (`--bind`, `--no-build`), and the bad inputs of both.

mod common;

use common::{broken_links, free_port, kb, snapshot, text, StaticServer};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn build_for(base_url: &str, out: &Path) {
    let o = kb(&[
        "build",
        "--root",
        common::repo().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        base_url,
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn a_sub_path_build_copied_to_a_static_server_has_no_broken_link() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    // The server's port is part of the URL the build is made for.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    build_for(&format!("http://127.0.0.1:{port}/jinji/kb/"), &out);
    let server = StaticServer::start_on(&out, "/jinji/kb/", port);
    let (total, broken) = broken_links(&out, server.port, "/jinji/kb/");
    eprintln!(
        "followed {total} links of every page: {} broken",
        broken.len()
    );
    assert!(total > 10_000, "too few links followed: {total}");
    assert!(
        broken.is_empty(),
        "{} broken:\n{}",
        broken.len(),
        broken.join("\n")
    );

    // The data files carry the base path; the CSV cells are absolute URLs.
    let json = std::fs::read_to_string(out.join("data/measures.json")).unwrap();
    assert!(json.contains("\"/jinji/kb/cities/osaki/measures/osaki-01/\""));
    let csv = std::fs::read_to_string(out.join("data/measures.csv")).unwrap();
    assert!(csv.contains(&format!(
        "http://127.0.0.1:{port}/jinji/kb/cities/osaki/measures/osaki-01/"
    )));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains(&format!("<loc>http://127.0.0.1:{port}/jinji/kb/en/</loc>")));
}

#[test]
fn the_default_base_writes_root_relative_urls() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_for("/", &out);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("href=\"/cities/\""));
    assert!(home.contains("href=\"/style."), "fingerprinted stylesheet");
}

fn kb_serve(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kb"))
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_for_port(ip: &str, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect((ip, port)).is_err() {
        assert!(Instant::now() < deadline, "{ip}:{port} never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A raw GET to `ip:port`.
fn get_at(ip: &str, port: u16, path: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect((ip, port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {ip}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    common::parse_response(&raw)
}

#[test]
fn a_prebuilt_output_is_served_read_only_on_another_address() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_for("/jinji/kb/", &out);
    let index = tmp.path().join("public-index");
    let (site_before, index_before) = (snapshot(&out), snapshot(&index));
    let port = free_port();
    let mut child = kb_serve(&[
        "--bind",
        "127.0.0.2",
        "--port",
        &port.to_string(),
        "--no-build",
        "--output",
        out.to_str().unwrap(),
        // The root has no sources at all: nothing is read from it.
        "--root",
        tmp.path().to_str().unwrap(),
    ]);
    wait_for_port("127.0.0.2", port);
    let (status, _, body) = get_at("127.0.0.2", port, "/jinji/kb/cities/osaki/");
    assert_eq!(status, 200);
    assert!(body.contains("href=\"/jinji/kb/cities/osaki/measures/osaki-01/\""));
    // A proxy that strips the prefix: the same pages at the root.
    assert_eq!(get_at("127.0.0.2", port, "/cities/osaki/").0, 200);
    let (status, head, _) = get_at("127.0.0.2", port, "/jinji/kb/cities");
    assert_eq!(status, 301);
    assert!(head.contains("location: /jinji/kb/cities/"), "{head}");
    let (status, _, body) = get_at(
        "127.0.0.2",
        port,
        "/jinji/kb/api/search?q=%E7%A0%94%E4%BF%AE",
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"results\""));
    // Without JavaScript: the server fills in the search page and narrows a theme page.
    let (status, _, body) = get_at("127.0.0.2", port, "/jinji/kb/search/?q=%E7%A0%94%E4%BF%AE");
    assert_eq!(status, 200);
    assert!(
        body.contains("<li class=\"result\" data-kind=\"measure\"><h2><a href=\"/jinji/kb/cities/"),
        "no results rendered"
    );
    // As the page script shows a result: its kind, and its translation under the prefix.
    assert!(body.contains("<span class=\"kind\">施策</span>"), "no kind");
    assert!(
        body.contains("<a class=\"twin\" href=\"/jinji/kb/en/cities/"),
        "no link to the translation"
    );
    assert!(body.contains("value=\"研修\""));
    assert!(
        !body.contains("<noscript>"),
        "the needs-JavaScript notice stays"
    );
    assert!(body.contains("page=2"), "no pager");
    let (_, _, body) = get_at(
        "127.0.0.2",
        port,
        "/jinji/kb/en/search/?q=training&city=osaki&page=2",
    );
    assert!(body.contains("<h2><a href=\"/jinji/kb/"));
    assert!(body.contains("<a class=\"twin\" href=\"/jinji/kb/cities/"));
    assert!(body.contains("<option value=\"osaki\" selected>"));
    let (_, _, body) = get_at(
        "127.0.0.2",
        port,
        "/jinji/kb/themes/training/?city=osaki&city=kofu",
    );
    assert!(body.contains("value=\"osaki\" checked>") && body.contains("value=\"kofu\" checked>"));
    assert!(!body.contains("value=\"takasaki\" checked>"));
    let (status, _, body) = get_at("127.0.0.2", port, "/healthz");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"ok\""));
    // Fingerprinted assets may be kept for a year.
    let css = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .find(|n| n.starts_with("style.") && n.len() > "style.css".len())
        .unwrap();
    let (status, head, _) = get_at("127.0.0.2", port, &format!("/jinji/kb/{css}"));
    assert_eq!(status, 200);
    assert!(head.contains("max-age=31536000"), "{head}");
    // Nothing on 127.0.0.1 at that port.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    let _ = child.kill();
    let _ = child.wait();
    assert!(snapshot(&out) == site_before, "the output changed");
    assert!(snapshot(&index) == index_before, "the index changed");
}

#[test]
fn text_responses_are_compressed_when_the_client_accepts_it() {
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_for("/", &out);
    let port = free_port();
    let mut child = kb_serve(&[
        "--port",
        &port.to_string(),
        "--no-build",
        "--output",
        out.to_str().unwrap(),
    ]);
    wait_for_port("127.0.0.1", port);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /cities/osaki/ HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let head =
        String::from_utf8_lossy(&raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()])
            .to_lowercase();
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let _ = child.kill();
    let _ = child.wait();
}

/// One clear line on standard error, a failure status, nothing written.
fn refused(args: &[&str], expect: &str, nothing_in: &Path) {
    let before = nothing_in.exists().then(|| snapshot(nothing_in));
    let o = Command::new(env!("CARGO_BIN_EXE_kb"))
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} succeeded");
    assert!(err.contains(expect), "{args:?}: {err}");
    let after = nothing_in.exists().then(|| snapshot(nothing_in));
    assert!(
        before == after,
        "{args:?} wrote into {}",
        nothing_in.display()
    );
}

#[test]
fn bad_deployment_input_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let root = common::repo();
    let root = root.to_str().unwrap();
    let o = out.to_str().unwrap();
    for bad in [
        "jinji/kb/",
        "ftp://host/",
        "//host/x/",
        "http://host/a/../b/",
    ] {
        refused(
            &["build", "--root", root, "--output", o, "--base-url", bad],
            "--base-url",
            &out,
        );
    }
    // --no-build with nothing built, and with a site whose index is gone.
    std::fs::create_dir_all(&out).unwrap();
    refused(
        &[
            "serve",
            "--no-build",
            "--output",
            o,
            "--port",
            &free_port().to_string(),
        ],
        "nothing to serve",
        &out,
    );
    build_for("/", &out);
    std::fs::remove_dir_all(tmp.path().join("out-index")).unwrap();
    refused(
        &[
            "serve",
            "--no-build",
            "--output",
            o,
            "--port",
            &free_port().to_string(),
        ],
        "search index",
        &out,
    );
    // A port in use, an address this machine does not have (TEST-NET-1: nothing is sent).
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    refused(
        &["serve", "--no-build", "--output", o, "--port", &port],
        "cannot listen on 127.0.0.1",
        &out,
    );
    refused(
        &["serve", "--no-build", "--output", o, "--bind", "192.0.2.1"],
        "cannot listen on 192.0.2.1",
        &out,
    );
    refused(
        &[
            "serve",
            "--no-build",
            "--output",
            o,
            "--bind",
            "not-an-address",
        ],
        "--bind",
        &out,
    );
}
