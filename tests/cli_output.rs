//! What `kb` prints when its reader goes away early.

mod common;

use common::{kb, mini_site, text};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn search_piped_into_head_exits_quietly() {
    let site = mini_site();
    let root = site.path().to_str().unwrap();
    let o = kb(&["build", "--root", root]);
    assert!(o.status.success(), "{}", text(&o));
    // `kb search 研修 | head -1`: the reader takes one line and closes the pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kb"))
        .args(["search", "--root", root, "--limit", "50", "研修"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("result(s) for"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    // A reader gone before the first line: every write fails, quietly.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kb"))
        .args(["search", "--root", root, "--limit", "50", "研修"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
