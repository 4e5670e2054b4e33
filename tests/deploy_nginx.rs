//! The deployment examples in deploy/nginx, run by Debian's nginx on loopback (scripts/setup
//! installs it): the output under /jinji/kb/ as static files, and as a reverse proxy to
//! `kb serve --no-build`. A crawler follows every link and asset of every page.

mod common;

use common::{broken_links, free_port, kb, repo, text};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NGINX: &str = "/usr/sbin/nginx";

/// nginx running one example server block, its host, port and paths replaced.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nginx(dir: &Path, example: &str, replace: &[(&str, String)]) -> Nginx {
    assert!(
        Path::new(NGINX).exists(),
        "nginx is missing: run `bash scripts/setup` (it installs Debian's nginx)"
    );
    let mut block = std::fs::read_to_string(repo().join("deploy/nginx").join(example)).unwrap();
    for (from, to) in replace {
        assert!(block.contains(from), "{example} no longer holds {from:?}");
        block = block.replace(from, to);
    }
    let d = dir.display();
    // The test's own main context (the example is one server block of the http context).
    let conf = format!(
        "user root;\nworker_processes 1;\nerror_log {d}/error.log;\npid {d}/nginx.pid;\nevents {{ worker_connections 64; }}\nhttp {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n{block}\n}}\n"
    );
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new(NGINX)
        .args([
            "-p",
            &d.to_string(),
            "-c",
            path.to_str().unwrap(),
            "-g",
            "daemon off;",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Nginx(child)
}

fn wait_for(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing answers on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_nginx_examples_serve_the_site_under_a_sub_path_with_no_broken_link() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let (static_port, proxy_port, kb_port) = (free_port(), free_port(), free_port());
    let o = kb(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        &format!("http://127.0.0.1:{static_port}/jinji/kb/"),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let public = format!("{}/", out.display());

    // (a) Static files.
    let _static = start_nginx(
        &tmp.path().join("nginx-static"),
        "static.conf",
        &[
            ("listen 80;", format!("listen 127.0.0.1:{static_port};")),
            ("/srv/kb/public/", public.clone()),
        ],
    );
    wait_for(static_port);
    let (total, broken) = broken_links(&out, static_port, "/jinji/kb/");
    eprintln!(
        "nginx, static files: followed {total} links, {} broken",
        broken.len()
    );
    assert!(total > 10_000);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let (status, head, _) = common::http_get(static_port, "/jinji/kb/no-such-page/").unwrap();
    assert_eq!(status, 404, "{head}");

    // (b) Reverse proxy to kb serve --no-build.
    let mut server = Command::new(env!("CARGO_BIN_EXE_kb"))
        .args([
            "serve",
            "--no-build",
            "--output",
            out.to_str().unwrap(),
            "--port",
            &kb_port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _proxy = start_nginx(
        &tmp.path().join("nginx-proxy"),
        "proxy.conf",
        &[
            ("listen 80;", format!("listen 127.0.0.1:{proxy_port};")),
            (
                "proxy_pass http://127.0.0.1:1111;",
                format!("proxy_pass http://127.0.0.1:{kb_port};"),
            ),
        ],
    );
    wait_for(kb_port);
    wait_for(proxy_port);
    let (total, broken) = broken_links(&out, proxy_port, "/jinji/kb/");
    eprintln!(
        "nginx → kb serve: followed {total} links, {} broken",
        broken.len()
    );
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let (status, _, body) =
        common::http_get(proxy_port, "/jinji/kb/search/?q=%E7%A0%94%E4%BF%AE").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("<li class=\"result\" data-kind=\"measure\"><h2><a href=\"/jinji/kb/"));
    let _ = server.kill();
    let _ = server.wait();
}
