//! The site and its search index are one generation: whenever a build dies, a reader sees the
//! pages and the search results of the same build.

mod common;

use common::{copy_dir, kb, repo, text};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A copy of the repository's site (sources only) in a temp dir.
fn site_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "templates", "sass", "static", "sources"] {
        copy_dir(&repo().join(dir), &tmp.path().join(dir));
    }
    std::fs::copy(repo().join("config.toml"), tmp.path().join("config.toml")).unwrap();
    tmp
}

const MEASURE: &str = "content/cities/osaki/measures/osaki-01.md";
const PAGE: &str = "public/cities/osaki/measures/osaki-01/index.html";
const URL: &str = "/cities/osaki/measures/osaki-01/";

/// Letters only, so that every analyzer keeps each one a single distinct token.
fn word(i: usize) -> String {
    let names = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
        "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
    ];
    format!("zqx{}", names[i % names.len()])
}

/// Appends `word` to the measure's Japanese body (replacing an earlier probe word).
fn set_word(root: &Path, original: &str, word: &str) {
    std::fs::write(root.join(MEASURE), format!("{original}\n{word}\n")).unwrap();
}

fn build_cmd(root: &Path, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kb"));
    c.args(["build", "--root", root.to_str().unwrap()])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Whether the served page shows `word`, and whether the search finds the page by `word`.
fn page_and_search(root: &Path, word: &str) -> (bool, bool) {
    let page = std::fs::read_to_string(root.join(PAGE)).unwrap_or_default();
    let o = kb(&[
        "search",
        "--root",
        root.to_str().unwrap(),
        "--json",
        "--limit",
        "50",
        word,
    ]);
    assert!(o.status.success(), "kb search failed: {}", text(&o));
    let resp: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = resp["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["url"] == URL);
    (page.contains(word), found)
}

/// Generations in `<output>-index` and leftovers beside the output.
fn leftovers(root: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let list = |d: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    let beside = list(root)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".public")
        })
        .collect();
    (list(&root.join("public-index")), beside)
}

#[test]
fn a_build_killed_at_any_moment_leaves_page_and_search_in_agreement() {
    let site = site_copy();
    let root = site.path();
    let original = std::fs::read_to_string(root.join(MEASURE)).unwrap();
    set_word(root, &original, &word(0));
    let started = Instant::now();
    let o = build_cmd(root, &[]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let build_time = started.elapsed();
    assert_eq!(page_and_search(root, &word(0)), (true, true));

    // Kill moments spread over the whole build, from a seed printed for reproduction.
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}, build time {build_time:?}");
    let mut next = move || {
        // xorshift64
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut killed_mid_build, mut attempts) = (0, 0);
    while killed_mid_build < 12 {
        attempts += 1;
        assert!(
            attempts <= 60,
            "only {killed_mid_build} of {attempts} kills landed mid-build"
        );
        let w = word(attempts);
        set_word(root, &original, &w);
        let delay = Duration::from_micros(next() % (build_time.as_micros() as u64 + 1));
        let mut child = build_cmd(root, &[]).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(libc_sigkill()) {
            killed_mid_build += 1;
        }
        let (on_page, in_search) = page_and_search(root, &w);
        assert_eq!(
            on_page,
            in_search,
            "killed after {delay:?} ({status:?}): the page {} the new word but the search {} it",
            if on_page { "shows" } else { "lacks" },
            if in_search { "finds" } else { "does not find" }
        );
        let o = kb(&["search", "--root", root.to_str().unwrap(), "研修"]);
        assert!(o.status.success(), "{}", text(&o));
    }

    // The next complete build publishes the last word and clears every leftover.
    let o = build_cmd(root, &[]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(page_and_search(root, &word(attempts)), (true, true));
    let (generations, beside) = leftovers(root);
    assert_eq!(generations.len(), 1, "{generations:?}");
    assert!(beside.is_empty(), "{beside:?}");
}

fn libc_sigkill() -> i32 {
    9
}

#[test]
fn a_build_that_dies_between_the_index_and_the_site_changes_nothing_readers_see() {
    let site = site_copy();
    let root = site.path();
    let original = std::fs::read_to_string(root.join(MEASURE)).unwrap();
    set_word(root, &original, "zqxbefore");
    assert!(build_cmd(root, &[]).status().unwrap().success());

    // Killed while paused with the new index committed and the old site still live.
    set_word(root, &original, "zqxkilled");
    let mut child = build_cmd(root, &[("KB_FAULT", "pause:between-commits:20000")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !seen.contains("paused at between-commits") {
        assert!(Instant::now() < deadline, "never paused: {seen}");
        let mut buf = [0u8; 256];
        let n = std::io::Read::read(&mut stderr, &mut buf).unwrap();
        assert!(n > 0, "the build ended before pausing: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let (generations, _) = leftovers(root);
    assert_eq!(
        generations.len(),
        2,
        "the new index is committed beside the live one"
    );
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(libc_sigkill()));
    assert_eq!(page_and_search(root, "zqxkilled"), (false, false));
    assert_eq!(page_and_search(root, "zqxbefore"), (true, true));

    // A failure at the same point removes the new index and leaves the old build live.
    set_word(root, &original, "zqxfailed");
    let o = build_cmd(root, &[("KB_FAULT", "fail:between-commits")])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("injected failure"));
    assert_eq!(page_and_search(root, "zqxfailed"), (false, false));
    assert_eq!(page_and_search(root, "zqxbefore"), (true, true));

    // The next build removes the orphan generation of the killed build.
    set_word(root, &original, "zqxafter");
    assert!(build_cmd(root, &[]).status().unwrap().success());
    assert_eq!(page_and_search(root, "zqxafter"), (true, true));
    let (generations, beside) = leftovers(root);
    assert_eq!(generations.len(), 1, "{generations:?}");
    assert!(beside.is_empty(), "{beside:?}");
}
