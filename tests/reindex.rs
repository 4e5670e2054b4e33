//! End to end: `kb serve` keeps answering while it rebuilds. Queries run continuously from
//! other threads while the test edits a content file several times; every answer must be a
//! 200 with valid JSON (the old index serves until the new one is swapped in), and the words
//! added by the edits become findable.

mod common;
use common::*;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn start(root: &std::path::Path) -> Server {
    serve(root, &[], Stdio::null())
}

/// Starts `kb serve` on `root`, its standard error going to `log`.
fn start_logging(root: &std::path::Path, log: &std::path::Path) -> Server {
    serve(root, &[], Stdio::from(std::fs::File::create(log).unwrap()))
}

/// `(status, body)` of a GET; transport errors are returned, not hidden.
fn get(port: u16, path: &str) -> Result<(u16, String), String> {
    http_get(port, path).map(|(status, _, body)| (status, body))
}

/// Total hits for `word` in English pages.
fn hits(port: u16, word: &str) -> u64 {
    let (status, body) = get(port, &format!("/api/search?q={word}&lang=en")).unwrap();
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["total"].as_u64().unwrap()
}

#[test]
fn searches_keep_working_while_the_site_rebuilds() {
    let site = mini_site();
    let server = start(site.path());
    let port = server.port;
    let stop = Arc::new(AtomicBool::new(false));
    // Japanese and English queries, with filters, continuously from two threads; one more
    // thread fetches a page (the output directory is replaced by renames during a rebuild).
    let workers: Vec<_> = (0..3)
        .map(|worker| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let queries = [
                    "/api/search?q=%E7%A0%94%E4%BF%AE",
                    "/api/search?q=training&lang=en",
                    "/api/search?q=%E4%BA%BA%E6%9D%90%E8%82%B2%E6%88%90&city=takasaki",
                    "/api/search?q=quokka+wombat+dugong",
                    "/api/search?q=%22staff+matters%22",
                ];
                let mut answers = 0usize;
                let mut failures = Vec::new();
                let mut i = worker;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    if worker == 2 {
                        match get(port, "/cities/takasaki/") {
                            Ok((200, body)) if body.contains("高崎市") => answers += 1,
                            Ok((status, body)) => failures.push(format!(
                                "page: {status} {}",
                                body.chars().take(200).collect::<String>()
                            )),
                            Err(e) => failures.push(format!("page: {e}")),
                        }
                        continue;
                    }
                    let path = queries[i % queries.len()];
                    match get(port, path) {
                        Ok((200, body)) => match serde_json::from_str::<serde_json::Value>(&body) {
                            Ok(json)
                                if json["results"].is_array() && json.get("error").is_none() =>
                            {
                                answers += 1
                            }
                            _ => failures.push(format!("{path}: not a search response: {body}")),
                        },
                        Ok((status, body)) => failures.push(format!("{path}: {status} {body}")),
                        Err(e) => failures.push(format!("{path}: {e}")),
                    }
                }
                (answers, failures)
            })
        })
        .collect();

    let page = site
        .path()
        .join("content/cities/takasaki/chapters/01-intro.en.md");
    let original = std::fs::read_to_string(&page).unwrap();
    assert_eq!(hits(port, "quokka"), 0);
    let mut added = String::new();
    for word in ["quokka", "wombat", "dugong", "numbat", "platypus"] {
        added.push_str(&format!("\n\nThe {word} programme trains new staff.\n"));
        std::fs::write(&page, format!("{original}{added}")).unwrap();
        // The watcher polls every 500 ms; a rebuild of the mini site takes a few seconds.
        let deadline = Instant::now() + Duration::from_secs(120);
        while hits(port, word) == 0 {
            assert!(
                Instant::now() < deadline,
                "`{word}` never became findable after the edit"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    // Words from earlier edits are still there after later rebuilds.
    assert!(hits(port, "quokka") >= 1);
    assert!(hits(port, "wombat") >= 1);

    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for w in workers {
        let (answers, failures) = w.join().unwrap();
        assert!(
            failures.is_empty(),
            "{} failed request(s) during rebuilds, first: {}",
            failures.len(),
            failures[0]
        );
        total += answers;
    }
    assert!(total > 0, "the query threads got no answers");
    eprintln!("{total} answers during 5 rebuilds");
    drop(server);
}

/// Polls `check` every 50 ms until it holds; panics with `what` after 60 s.
fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_edited_measure_is_updated_without_a_full_build() {
    let site = mini_site();
    let log = site.path().join("serve.log");
    let server = start_logging(site.path(), &log);
    let port = server.port;
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until("the first build is reported", || {
        read_log().contains("built ")
    });

    // Edit a measure: new title, a new word in the body.
    let file = site
        .path()
        .join("content/cities/takasaki/measures/takasaki-01.md");
    let original = std::fs::read_to_string(&file).unwrap();
    let edited = original
        .replace("title = \"一般研修\"", "title = \"一般研修（改訂版）\"")
        .replace(
            "研修を実施していきます。",
            "研修を実施していきます。ウォンバット研修も行います。",
        );
    assert_ne!(edited, original, "the fixture changed: update this test");
    std::fs::write(&file, &edited).unwrap();

    let page = "/cities/takasaki/measures/takasaki-01/";
    wait_until(
        "the page shows the new title",
        || matches!(get(port, page), Ok((200, body)) if body.contains("一般研修（改訂版）")),
    );
    wait_until("the search finds the new word", || {
        let (_, body) = get(
            port,
            "/api/search?q=%E3%82%A6%E3%82%A9%E3%83%B3%E3%83%90%E3%83%83%E3%83%88",
        )
        .unwrap();
        body.contains(page)
    });
    // The pages listing the measure follow: its city's measure list and its theme page.
    wait_until(
        "the measure list shows the new title",
        || matches!(get(port, "/cities/takasaki/measures/"), Ok((200, body)) if body.contains("一般研修（改訂版）")),
    );
    wait_until(
        "the theme page shows the new title",
        || matches!(get(port, "/themes/training/"), Ok((200, body)) if body.contains("一般研修（改訂版）")),
    );
    // The English twin quotes the Japanese original.
    wait_until(
        "the English page quotes the edited original",
        || matches!(get(port, "/en/cities/takasaki/measures/takasaki-01/"), Ok((200, body)) if body.contains("ウォンバット")),
    );
    // The report follows the last dependent page: wait for it rather than race it.
    wait_until("the incremental update is reported", || {
        read_log()
            .contains("updated content/cities/takasaki/measures/takasaki-01.md: page and index in")
    });
    let text = read_log();
    assert!(!text.contains("rebuilt"), "a full rebuild ran:\n{text}");

    // A broken edit is reported with file and line, and the page stays as it was.
    std::fs::write(&file, edited.replace("weight = 1", "weight = \"one\"")).unwrap();
    wait_until("the broken edit is reported", || {
        read_log().contains("content/cities/takasaki/measures/takasaki-01.md:3")
    });
    let (_, body) = get(port, page).unwrap();
    assert!(body.contains("一般研修（改訂版）"));

    // A template edit needs everything rebuilt.
    let template = site.path().join("templates/measure.html");
    let t = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&file, &edited).unwrap();
    std::fs::write(&template, format!("{t}\n<!-- edited -->\n")).unwrap();
    wait_until("a full rebuild after a template edit", || {
        read_log().contains("rebuilt")
    });
    drop(server);
}
