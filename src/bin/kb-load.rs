//! `kb-load`: a small load generator for `kb serve`. N threads, each on one HTTP/1.1 keep-alive
//! connection to 127.0.0.1, send a fixed mix of search queries (Japanese and English) and static
//! pages until the request count or the duration is reached, then print requests/s, latency
//! percentiles and error counts. Exits 1 if any request failed or got a 5xx.
//!
//! ```text
//! cargo run --release --bin kb-load -- --port 1111 --threads 4 --requests 20000 --duration 30
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const QUERIES: &[&str] = &[
    "研修",
    "人材育成",
    "女性管理職",
    "ワーク・ライフ・バランス",
    "人事評価",
    "職員採用",
    "キャリア形成",
    "メンター制度",
    "働き方改革",
    "\"人材育成基本方針\"",
    "研修 -新規",
    "デジタル人材",
    "training",
    "job rotation",
    "mentor",
    "recruitment",
    "women managers",
    "performance evaluation",
    "career development",
    "\"work-life balance\"",
];

const FILTERS: &[&str] = &[
    "",
    "&city=osaki",
    "&lang=en",
    "&theme=training",
    "&limit=20",
];

const PAGES: &[&str] = &[
    "/",
    "/themes/training/",
    "/cities/osaki/",
    "/kpis/",
    "/en/",
    "/compare/",
    "/style.css",
    "/js/search.js",
];

struct Options {
    port: u16,
    threads: usize,
    requests: usize,
    duration: Duration,
    /// `all` (default), `search` or `pages`.
    only: String,
}

fn usage() -> ! {
    eprintln!(
        "usage: kb-load [--port 1111] [--threads 4] [--requests 20000] [--duration SECONDS]\n\
         \x20              [--only search|pages]\n\
         Sends a mix of /api/search queries and pages to kb serve on 127.0.0.1."
    );
    std::process::exit(2)
}

fn options() -> Options {
    let mut o = Options {
        port: 1111,
        threads: 4,
        requests: 20_000,
        duration: Duration::from_secs(30),
        only: "all".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || -> u64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage())
        };
        match a.as_str() {
            "--port" => o.port = value() as u16,
            "--threads" => o.threads = (value() as usize).max(1),
            "--requests" => o.requests = value() as usize,
            "--duration" => o.duration = Duration::from_secs(value()),
            "--only" => match args.next().as_deref() {
                Some(v @ ("all" | "search" | "pages")) => o.only = v.to_string(),
                _ => usage(),
            },
            _ => usage(),
        }
    }
    o
}

/// The request paths, in the order threads cycle through them: searches and pages alternate.
fn paths(only: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, q) in QUERIES.iter().enumerate() {
        let q = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
        if only != "pages" {
            out.push(format!("/api/search?q={q}{}", FILTERS[i % FILTERS.len()]));
        }
        if only != "search" {
            out.push(PAGES[i % PAGES.len()].to_string());
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    status: [usize; 6],
    errors: usize,
    first_error: Option<String>,
    bytes: usize,
}

struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn open(port: u16) -> std::io::Result<Conn> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Conn {
            reader: BufReader::new(s),
        })
    }

    /// One GET: (status, body length, whether the server keeps the connection open).
    fn get(&mut self, path: &str) -> std::io::Result<(u16, usize, bool)> {
        let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
        write!(
            self.reader.get_mut(),
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n"
        )?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(bad("connection closed before the response"));
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("no status line"))?;
        let (mut length, mut chunked, mut keep) = (None, false, true);
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(bad("connection closed in the headers"));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (name, value) = l.split_once(':').ok_or_else(|| bad("bad header"))?;
            let (name, value) = (name.to_ascii_lowercase(), value.trim().to_ascii_lowercase());
            match name.as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.contains("chunked"),
                "connection" => keep = !value.contains("close"),
                _ => {}
            }
        }
        let body = if chunked {
            let mut total = 0;
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| bad("bad chunk size"))?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                total += size;
                if size == 0 {
                    break;
                }
            }
            total
        } else if let Some(n) = length {
            let mut buf = vec![0; n];
            self.reader.read_exact(&mut buf)?;
            n
        } else if status == 304 || status == 204 {
            0
        } else {
            // No length: the body runs to the end of the connection.
            let mut buf = Vec::new();
            self.reader.read_to_end(&mut buf)?;
            keep = false;
            buf.len()
        };
        Ok((status, body, keep))
    }
}

fn worker(
    port: u16,
    id: usize,
    paths: Arc<Vec<String>>,
    issued: Arc<AtomicUsize>,
    limit: usize,
    deadline: Instant,
) -> Tally {
    let mut t = Tally::default();
    let mut conn: Option<Conn> = None;
    let mut i = id * 7;
    while Instant::now() < deadline && issued.fetch_add(1, Ordering::Relaxed) < limit {
        let path = &paths[i % paths.len()];
        i += 1;
        let started = Instant::now();
        let result = match conn.as_mut() {
            Some(c) => c.get(path),
            None => Conn::open(port).and_then(|mut c| {
                let r = c.get(path);
                conn = Some(c);
                r
            }),
        };
        match result {
            Ok((status, bytes, keep)) => {
                t.latencies_us.push(started.elapsed().as_micros() as u64);
                t.status[(status / 100).min(5) as usize] += 1;
                t.bytes += bytes;
                if status >= 500 && t.first_error.is_none() {
                    t.first_error = Some(format!("{path}: HTTP {status}"));
                }
                if !keep {
                    conn = None;
                }
            }
            Err(e) => {
                t.errors += 1;
                if t.first_error.is_none() {
                    t.first_error = Some(format!("{path}: {e}"));
                }
                conn = None;
            }
        }
    }
    t
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

fn main() {
    let o = options();
    let paths = Arc::new(paths(&o.only));
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + o.duration;
    let handles: Vec<_> = (0..o.threads)
        .map(|id| {
            let (paths, issued) = (paths.clone(), issued.clone());
            let (port, limit) = (o.port, o.requests);
            std::thread::spawn(move || worker(port, id, paths, issued, limit, deadline))
        })
        .collect();
    let mut all = Tally::default();
    for h in handles {
        let t = h.join().expect("worker thread");
        all.latencies_us.extend(t.latencies_us);
        for (a, b) in all.status.iter_mut().zip(t.status) {
            *a += b;
        }
        all.errors += t.errors;
        all.bytes += t.bytes;
        all.first_error = all.first_error.or(t.first_error);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut lat = all.latencies_us;
    lat.sort_unstable();
    let done = lat.len();
    println!(
        "{} threads ({}), {} requests in {:.2} s: {:.0} requests/s, {:.1} MB/s",
        o.threads,
        o.only,
        done,
        elapsed,
        done as f64 / elapsed,
        all.bytes as f64 / elapsed / 1e6
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0)
    );
    println!(
        "status: 2xx {}  3xx {}  4xx {}  5xx {}  transport errors {}",
        all.status[2], all.status[3], all.status[4], all.status[5], all.errors
    );
    if let Some(e) = &all.first_error {
        println!("first error: {e}");
    }
    if all.errors > 0 || all.status[5] > 0 || done == 0 {
        std::process::exit(1);
    }
}
