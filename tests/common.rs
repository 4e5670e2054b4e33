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
    for dir in ["templates", "sass", "static"] {
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
