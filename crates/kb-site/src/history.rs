//! When each content and source file last changed, read from the site's git history: the date a
//! page shows as "last updated". One `git log` for the whole site (not one per file, which at
//! national scale would cost a process per page). Without git, outside a repository, or with a
//! file git does not know, there is simply no date: history never fails a build.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// The directories below the site root whose files' dates pages show.
const TRACKED: [&str; 2] = ["content", "sources"];

/// A marker git prints before each commit's date, so that a date line cannot be taken for a
/// file name (file names are printed as they are, one per line).
const DATE_MARK: &str = "\u{1}";

/// The last commit date (`YYYY-MM-DD`) of each file, keyed by its path below the site root with
/// `/` separators (`content/cities/osaki/_index.md`).
#[derive(Debug, Default, Clone)]
pub struct History {
    dates: HashMap<String, String>,
}

impl History {
    /// Reads the history of the site under `root`; empty when git cannot tell.
    pub fn read(root: &Path) -> History {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            // Non-ASCII names as they are, not quoted octal escapes.
            .args([
                "-c",
                "core.quotePath=false",
                "log",
                "--no-renames",
                "--relative",
            ])
            .arg(format!("--format={DATE_MARK}%cs"))
            .arg("--name-only")
            .arg("--")
            .args(TRACKED)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        match output {
            Ok(out) if out.status.success() => {
                History::parse(&String::from_utf8_lossy(&out.stdout))
            }
            _ => History::default(),
        }
    }

    /// Parses `git log --name-only` output, newest commit first: a file's first mention is its
    /// last change.
    fn parse(log: &str) -> History {
        let mut dates: HashMap<String, String> = HashMap::new();
        let mut date: Option<&str> = None;
        for line in log.lines() {
            if let Some(d) = line.strip_prefix(DATE_MARK) {
                date = normalize_date(d).is_some().then_some(d);
            } else if let (Some(d), false) = (date, line.is_empty()) {
                dates
                    .entry(line.to_string())
                    .or_insert_with(|| d.to_string());
            }
        }
        History { dates }
    }

    /// The last commit date of `file` (a path below the site root), if git knows it.
    pub fn date(&self, file: &Path) -> Option<&str> {
        let key = file.to_string_lossy().replace('\\', "/");
        self.dates.get(&key).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }
}

/// `YYYY-MM-DD` from a front-matter date (a TOML date, a date-time or a string that starts with
/// one), or `None` when it is not a plausible date.
pub fn normalize_date(raw: &str) -> Option<&str> {
    let d = raw.trim().get(..10)?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
    let month: u32 = d[5..7].parse().ok()?;
    let day: u32 = d[8..10].parse().ok()?;
    (ok && (1..=12).contains(&month) && (1..=31).contains(&day)).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_naming_a_file_gives_its_date() {
        let log = "\u{1}2026-11-30\n\ncontent/a.md\ncontent/都市.md\n\u{1}2026-10-01\n\ncontent/a.md\ncontent/b.md\n";
        let h = History::parse(log);
        assert_eq!(h.date(Path::new("content/a.md")), Some("2026-11-30"));
        assert_eq!(h.date(Path::new("content/都市.md")), Some("2026-11-30"));
        assert_eq!(h.date(Path::new("content/b.md")), Some("2026-10-01"));
        assert_eq!(h.date(Path::new("content/c.md")), None);
    }

    #[test]
    fn no_repository_means_no_dates() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(History::read(tmp.path()).is_empty());
        assert!(History::read(&tmp.path().join("missing")).is_empty());
    }

    #[test]
    fn reads_a_real_repository() {
        let tmp = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            Command::new("git")
                .arg("-C")
                .arg(tmp.path())
                .args(args)
                .env("GIT_COMMITTER_DATE", "2026-11-30T12:00:00+09:00")
                .env("GIT_AUTHOR_DATE", "2026-11-30T12:00:00+09:00")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        };
        if !git(&["init", "-q"]) {
            return; // No git on this machine: nothing to read, which `read` already tolerates.
        }
        std::fs::create_dir_all(tmp.path().join("content")).unwrap();
        std::fs::write(tmp.path().join("content/_index.md"), "+++\n+++\n").unwrap();
        std::fs::write(tmp.path().join("other.md"), "x").unwrap();
        assert!(git(&["add", "."]));
        assert!(git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "x"
        ]));
        let h = History::read(tmp.path());
        assert_eq!(h.date(Path::new("content/_index.md")), Some("2026-11-30"));
        assert_eq!(
            h.date(Path::new("other.md")),
            None,
            "only content and sources"
        );
    }

    #[test]
    fn front_matter_dates_are_normalized() {
        assert_eq!(normalize_date("2026-11-30"), Some("2026-11-30"));
        assert_eq!(
            normalize_date("2026-11-30T10:00:00+09:00"),
            Some("2026-11-30")
        );
        assert_eq!(normalize_date("2026-13-01"), None);
        assert_eq!(normalize_date("30/11/2026"), None);
        assert_eq!(normalize_date("2026"), None);
    }
}
