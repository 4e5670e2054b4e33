//! End to end: `kb build` and `kb check` on the real content and on broken fixtures.

mod common;
use common::*;

#[test]
fn builds_the_repository_with_a_twin_for_every_page() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_repo_into(&public);
    assert!(public.join("index.html").exists());
    assert!(public.join("en/index.html").exists());
    let pages = html_files(&public);
    assert!(pages.len() > 500, "only {} pages", pages.len());
    for page in &pages {
        let html = std::fs::read_to_string(public.join(page)).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            // A redirect from an old URL (`aliases`): no language of its own.
            continue;
        }
        if page.starts_with("en") {
            assert!(
                html.contains("<html lang=\"en\">"),
                "{} is English",
                page.display()
            );
            if page.file_name().unwrap() == "index.html" {
                let ja = page.strip_prefix("en").unwrap();
                assert!(
                    public.join(ja).exists(),
                    "{} has no Japanese twin",
                    page.display()
                );
            }
        } else if page != std::path::Path::new("404.html") {
            assert!(
                html.contains("<html lang=\"ja\">"),
                "{} is Japanese",
                page.display()
            );
            assert!(
                public.join("en").join(page).exists(),
                "{} has no English twin",
                page.display()
            );
            assert!(
                html.contains("hreflang=\"en\""),
                "{} links its translation",
                page.display()
            );
        }
    }
    let measures: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("data/measures.json")).unwrap()).unwrap();
    let measures = measures.as_array().unwrap();
    for city in ["takasaki", "kofu", "osaki", "aizuwakamatsu", "tachikawa"] {
        assert!(
            measures.iter().any(|m| m["city"] == city),
            "no measures for {city}"
        );
    }
    for m in measures {
        for lang in ["ja", "en"] {
            let url = m["url"][lang].as_str().unwrap();
            assert!(
                public
                    .join(url.trim_start_matches('/'))
                    .join("index.html")
                    .exists(),
                "{url}"
            );
        }
    }
}

#[test]
fn check_passes_on_the_repository() {
    let o = kb(&["check", "--root", repo().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
}

/// One broken fixture per kind of bad input: (file, edit, expected `path:line` and message).
fn break_site(root: &std::path::Path, file: &str, edit: &dyn Fn(String) -> Vec<u8>) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, edit(text)).unwrap();
}

/// The mini site, plus for the duplicate-URL case a second chapter whose URL the edit will claim.
fn site_for(what: &str) -> tempfile::TempDir {
    let site = mini_site();
    if what == "duplicate URL" {
        let dup = site
            .path()
            .join("content/cities/takasaki/chapters/02-dup.md");
        std::fs::copy(
            site.path()
                .join("content/cities/takasaki/chapters/01-intro.md"),
            &dup,
        )
        .unwrap();
        std::fs::copy(
            site.path()
                .join("content/cities/takasaki/chapters/01-intro.en.md"),
            dup.with_extension("en.md"),
        )
        .unwrap();
    }
    site
}

const MEASURE: &str = "content/cities/takasaki/measures/takasaki-01.md";

#[allow(clippy::type_complexity)]
fn bad_inputs() -> Vec<(
    &'static str,
    &'static str,
    Box<dyn Fn(String) -> Vec<u8>>,
    &'static str,
)> {
    vec![
        (
            "malformed front matter",
            MEASURE,
            Box::new(|t: String| t.replacen("weight = 1", "weight = = 1", 1).into_bytes()),
            "takasaki-01.md:3:",
        ),
        (
            "unknown theme",
            MEASURE,
            Box::new(|t: String| t.replace("\"ojt\"]", "\"ojtt\"]").into_bytes()),
            "takasaki-01.md:6: unknown theme `ojtt`",
        ),
        (
            "unknown city",
            MEASURE,
            Box::new(|t: String| {
                t.replace("cities = [\"takasaki\"]", "cities = [\"maebashi\"]")
                    .into_bytes()
            }),
            "takasaki-01.md:5: unknown city `maebashi`",
        ),
        (
            "missing required field",
            MEASURE,
            Box::new(|t: String| t.replace("title = \"一般研修\"\n", "").into_bytes()),
            "takasaki-01.md:1: missing required field `title`",
        ),
        (
            "unknown key",
            MEASURE,
            Box::new(|t: String| t.replace("weight = 1", "wieght = 1").into_bytes()),
            "takasaki-01.md:3:1: invalid front matter: unknown field `wieght`",
        ),
        (
            "invalid UTF-8",
            MEASURE,
            Box::new(|t: String| {
                let mut b = t.into_bytes();
                b.extend_from_slice(&[b'\n', 0xff, 0xfe]);
                b
            }),
            "takasaki-01.md:16:1: the file is not valid UTF-8",
        ),
        (
            "duplicate URL",
            "content/cities/takasaki/chapters/01-intro.md",
            Box::new(|t: String| {
                t.replace("weight = 1\n", "weight = 1\nslug = \"02-dup\"\n")
                    .into_bytes()
            }),
            "duplicate URL /cities/takasaki/chapters/02-dup/",
        ),
        (
            "byte-order mark",
            MEASURE,
            Box::new(|t: String| format!("\u{feff}{t}").into_bytes()),
            "takasaki-01.md:1:1: the file starts with a UTF-8 byte-order mark",
        ),
        (
            "empty file",
            MEASURE,
            Box::new(|_| Vec::new()),
            "takasaki-01.md:1: the file is empty",
        ),
        (
            "50 MB file",
            MEASURE,
            Box::new(|t: String| {
                let mut b = t.into_bytes();
                b.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
                b
            }),
            "takasaki-01.md:1: the file is too large",
        ),
        (
            "deeply nested list",
            MEASURE,
            Box::new(|t: String| {
                t.replacen(
                    "weight = 1",
                    &format!(
                        "weight = 1\nnested = {}1{}",
                        "[".repeat(5000),
                        "]".repeat(5000)
                    ),
                    1,
                )
                .into_bytes()
            }),
            "takasaki-01.md:4:",
        ),
        (
            "broken internal link",
            "content/cities/takasaki/chapters/01-intro.md",
            Box::new(|t: String| t.replace("takasaki-01.md)", "takasaki-99.md)").into_bytes()),
            "01-intro.md:9:15: broken internal link",
        ),
    ]
}

#[test]
fn check_reports_each_bad_input_with_file_and_line() {
    for (what, file, edit, expected) in bad_inputs() {
        let site = site_for(what);
        let ok = kb(&["check", "--root", site.path().to_str().unwrap()]);
        assert!(
            ok.status.success(),
            "{what}: the fixture is valid before the edit: {}",
            text(&ok)
        );
        break_site(site.path(), file, edit.as_ref());
        let o = kb(&["check", "--root", site.path().to_str().unwrap()]);
        assert!(!o.status.success(), "{what}: kb check should fail");
        assert!(
            text(&o).contains(expected),
            "{what}: expected `{expected}` in:\n{}",
            text(&o)
        );
    }
}

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    for (what, file, edit, _) in bad_inputs() {
        let site = site_for(what);
        let public = site.path().join("public");
        let o = kb(&["build", "--root", site.path().to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
        let before = snapshot(&public);
        break_site(site.path(), file, edit.as_ref());
        let o = kb(&["build", "--root", site.path().to_str().unwrap()]);
        assert!(!o.status.success(), "{what}: build should fail");
        assert!(
            snapshot(&public) == before,
            "{what}: the previous output changed"
        );
        let leftovers: Vec<_> = std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
            .collect();
        assert!(leftovers.is_empty(), "{what}: staging left behind");
    }
}

#[test]
fn crlf_line_ends_build_like_lf() {
    let lf = mini_site();
    let crlf = mini_site();
    let file = crlf.path().join(MEASURE);
    let content = std::fs::read_to_string(&file)
        .unwrap()
        .replace('\n', "\r\n");
    std::fs::write(&file, content).unwrap();
    for site in [&lf, &crlf] {
        let o = kb(&["build", "--root", site.path().to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let page = "public/cities/takasaki/measures/takasaki-01/index.html";
    assert_eq!(
        std::fs::read(lf.path().join(page)).unwrap(),
        std::fs::read(crlf.path().join(page)).unwrap()
    );
}

/// Killed at a known point mid-build (a test-only pause after the pages are written to the
/// staging directory), the build dies by the signal, the previous site and index stay as they
/// were, and the next build removes what the killed one left.
#[test]
fn a_killed_build_leaves_the_previous_output_and_the_next_build_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let root = repo();
    let args = [
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ];
    let o = kb(&args);
    assert!(o.status.success(), "{}", text(&o));
    // The live index: the generation the site's marker names.
    let generation = std::fs::read_to_string(public.join(".kb-generation")).unwrap();
    let index = tmp
        .path()
        .join("public-index")
        .join(generation.lines().next().unwrap());
    let (before, index_before) = (snapshot(&public), snapshot(&index));
    for point in ["after-index", "after-render", "before-commit"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kb"))
            .args(args)
            .env("KB_FAULT", format!("pause:{point}:60000"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = child.stderr.take().unwrap();
        let mut seen = String::new();
        while !seen.contains("paused at") {
            let mut buf = [0u8; 256];
            let n = std::io::Read::read(&mut err, &mut buf).unwrap();
            assert!(n > 0, "the build ended before pausing at {point}: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        let staged = std::fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().contains(".staging-"));
        assert!(
            staged || point == "after-index",
            "nothing was staged at {point}"
        );
        child.kill().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(child.wait().unwrap().signal(), Some(9), "killed at {point}");
        assert!(
            snapshot(&public) == before,
            "the previous output changed ({point})"
        );
        assert!(
            snapshot(&index) == index_before,
            "the previous index changed ({point})"
        );
    }
    let o = kb(&args);
    assert!(o.status.success(), "{}", text(&o));
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}
