//! Helpers shared by the end-to-end tests: the `kb` binary, fixture sites in temp dirs.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn kb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kb"))
        .args(args)
        .output()
        .expect("kb runs")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The mini fixture (one city) with the repository's templates, Sass and static files.
pub fn mini_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/mini"), tmp.path());
    // The repository's own configuration, narrowed to the fixture's one city.
    let config = std::fs::read_to_string(repo().join("config.toml")).unwrap();
    let line = config
        .lines()
        .find(|l| l.starts_with("cities = ["))
        .unwrap();
    std::fs::write(
        tmp.path().join("config.toml"),
        config.replace(line, "cities = [\"takasaki\"]"),
    )
    .unwrap();
    for dir in ["templates", "sass", "static", "sources"] {
        copy_dir(&repo().join(dir), &tmp.path().join(dir));
    }
    tmp
}

/// Every file below `dir` with its bytes, for byte-for-byte comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push((
                    e.path().strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// A `kb serve` process on a free loopback port, killed when dropped (with its site, if the
/// server owns it).
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub site: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `kb serve --root root` with extra environment variables and its standard error going
/// to `stderr`; returns once the port answers.
pub fn serve(root: &Path, env: &[(&str, &str)], stderr: Stdio) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_kb"))
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        port,
        site: None,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("kb serve did not start");
}

/// A raw HTTP/1.1 GET, so a test sends exactly the bytes it means (encoded dots and all):
/// `(status, lower-cased head, body)`. Transport errors are returned, not hidden.
pub fn http_get(port: u16, path: &str) -> Result<(u16, String, String), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    match parse_response(&raw) {
        (0, head, _) => Err(format!("no status in the response: {head:?}")),
        response => Ok(response),
    }
}

/// `(status, lower-cased head, body)` of a raw HTTP response; status 0 when there is none.
pub fn parse_response(raw: &[u8]) -> (u16, String, String) {
    let text = String::from_utf8_lossy(raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

/// `kb build` of the repository's own site into `public`; panics with its output on failure.
pub fn build_repo_into(public: &Path) {
    let o = kb(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

/// The repository's own site, built once per test binary (tests that only read the output
/// share it; a test that edits or rebuilds must use its own copy).
pub fn repo_public() -> &'static Path {
    static OUT: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let public = tmp.path().join("public");
        build_repo_into(&public);
        (tmp, public)
    })
    .1
}

/// A plain static file server on a loopback port, as any web server would serve `dir` under
/// `mount` (`/jinji/kb/`): files as they are, `index.html` for directories, 404 otherwise. No
/// knowledge of the site: what it serves is what a copied output gives a reader.
pub struct StaticServer {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StaticServer {
    pub fn start(dir: &Path, mount: &str) -> StaticServer {
        StaticServer::start_on(dir, mount, 0)
    }

    /// On a given port (0: any free one).
    pub fn start_on(dir: &Path, mount: &str, port: u16) -> StaticServer {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (dir, mount, flag) = (dir.to_path_buf(), mount.to_string(), stop.clone());
        std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => serve_static(stream, &dir, &mount),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        StaticServer { port, stop }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

fn serve_static(mut stream: TcpStream, dir: &Path, mount: &str) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let target = head.split(' ').nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path);
    let file = decoded
        .strip_prefix(mount)
        .filter(|rest| !rest.split('/').any(|s| s == ".."))
        .map(|rest| {
            let p = dir.join(rest);
            if p.is_dir() {
                p.join("index.html")
            } else {
                p
            }
        })
        .filter(|p| p.is_file());
    let (status, body) = match file {
        Some(f) => ("200 OK", std::fs::read(f).unwrap_or_default()),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// Follows every `href`, `src` and `action` of every HTML page of `dir` as a browser would at
/// `http://127.0.0.1:port{mount}…` and returns the links that do not answer 200 (page → link).
/// A resource (`src`, `action`) on another host is a fault too: the site makes no external
/// request. Hyperlinks to other hosts (a city's own website) are counted, not followed.
pub fn broken_links(dir: &Path, port: u16, mount: &str) -> (usize, Vec<String>) {
    let mut checked = std::collections::HashMap::<String, u16>::new();
    let mut broken = Vec::new();
    let mut total = 0;
    for page in html_files(dir) {
        let rel = page.to_string_lossy().replace("index.html", "");
        let page_url = format!("{mount}{rel}");
        let html = std::fs::read_to_string(dir.join(&page)).unwrap();
        for (attr, link) in link_targets(&html) {
            total += 1;
            let Some(path) = resolve_link(&page_url, &link, port) else {
                if attr != "href" || !link.starts_with("https://") {
                    broken.push(format!("{page_url} → {link} (leaves the site)"));
                }
                continue;
            };
            if path.is_empty() {
                continue; // a fragment of the same page
            }
            let status = *checked
                .entry(path.clone())
                .or_insert_with(|| http_get(port, &path).map(|(s, _, _)| s).unwrap_or(0));
            if status != 200 {
                broken.push(format!("{page_url} → {link} ({status})"));
            }
        }
    }
    (total, broken)
}

/// The values of `href`, `src` and `action` attributes (`(attribute, value)`), entities
/// decoded.
pub fn link_targets(html: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (name, attr) in [
        ("href", " href=\""),
        ("src", " src=\""),
        ("action", " action=\""),
        ("href", ":href=\""),
    ] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push((name, rest[..end].replace("&amp;", "&")));
            }
        }
    }
    out
}

/// The path (with query) to request for `link` on the page at `page_url`; `Some("")` for a
/// fragment of the page itself, `None` for another host or scheme.
fn resolve_link(page_url: &str, link: &str, port: u16) -> Option<String> {
    let own = format!("http://127.0.0.1:{port}");
    let link = link.split('#').next().unwrap_or("");
    if link.is_empty() {
        return Some(String::new());
    }
    if let Some(rest) = link.strip_prefix(&own) {
        return Some(rest.to_string());
    }
    if link.contains("://") || link.starts_with("//") || link.contains(':') {
        return None;
    }
    if link.starts_with('/') {
        return Some(link.to_string());
    }
    // Relative: against the page's directory, with dot segments resolved.
    let base = &page_url[..page_url.rfind('/').unwrap_or(0) + 1];
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Percent-encodes a query parameter value.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
