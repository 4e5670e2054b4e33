//! Failures injected after a build has started staging: bad Sass (the index generation is
//! already staged when the stylesheet compiles), an index directory that cannot be written, and
//! failing steps around the commit. Each must end in a clear error, leave the previous site and
//! index byte for byte as they were, and leave nothing behind once the next good build has run.

mod common;

use common::{mini_site, snapshot, text};
use std::path::{Path, PathBuf};

/// `kb build` of `root` into `root/public`.
fn build(root: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kb"));
    cmd.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(root.join("public"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The live site and the index generation its marker names.
struct Live {
    site: Vec<(PathBuf, Vec<u8>)>,
    index: Vec<(PathBuf, Vec<u8>)>,
}

fn live(root: &Path) -> Live {
    let public = root.join("public");
    let marker = std::fs::read_to_string(public.join(".kb-generation")).unwrap();
    let index = root
        .join("public-index")
        .join(marker.lines().next().unwrap());
    let live = Live {
        site: snapshot(&public),
        index: snapshot(&index),
    };
    assert!(!live.index.is_empty(), "the live index generation is empty");
    live
}

fn assert_unchanged(root: &Path, before: &Live, case: &str) {
    let now = live(root);
    assert!(now.site == before.site, "{case}: the live site changed");
    assert!(now.index == before.index, "{case}: the live index changed");
}

/// Staging directories beside the output and index generations nobody names.
fn leftovers(root: &Path) -> Vec<String> {
    let marker = std::fs::read_to_string(root.join("public/.kb-generation")).unwrap();
    let generation = marker.lines().next().unwrap().to_string();
    let mut found: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    if let Ok(dir) = std::fs::read_dir(root.join("public-index")) {
        found.extend(
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| *n != generation)
                .map(|n| format!("public-index/{n}")),
        );
    }
    found
}

/// A first good build; returns the site copy and what it published.
fn built_site() -> (tempfile::TempDir, Live) {
    let tmp = mini_site();
    let o = build(tmp.path(), &[]);
    assert!(o.status.success(), "first build: {}", text(&o));
    let before = live(tmp.path());
    (tmp, before)
}

#[test]
fn bad_sass_after_the_index_is_staged_names_the_file_and_keeps_the_live_output() {
    let (tmp, before) = built_site();
    let root = tmp.path();
    let sass = root.join("sass/style.scss");
    let good = std::fs::read_to_string(&sass).unwrap();
    let lines = good.lines().count();
    std::fs::write(
        &sass,
        format!("{good}.broken {{ color: $no-such-colour; }}\n"),
    )
    .unwrap();
    let o = build(root, &[]);
    assert!(!o.status.success(), "a build with bad Sass succeeded");
    let err = String::from_utf8_lossy(&o.stderr);
    // Column 18: where `$no-such-colour` starts.
    let place = format!("sass/style.scss:{}:18", lines + 1);
    assert!(
        err.contains(&place) && err.contains("Undefined variable"),
        "the error must name {place} and say what is wrong: {err}"
    );
    assert_unchanged(root, &before, "bad Sass");

    std::fs::write(&sass, good).unwrap();
    let o = build(root, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(leftovers(root), Vec::<String>::new(), "after bad Sass");
}

#[test]
fn an_index_directory_that_cannot_be_written_fails_cleanly() {
    let (tmp, before) = built_site();
    let root = tmp.path();
    // A file where a new generation's directory must go: creating it fails even for root,
    // which a read-only mode would not stop.
    let marker = std::fs::read_to_string(root.join("public/.kb-generation")).unwrap();
    let generation = marker.lines().next().unwrap().to_string();
    let index = root.join("public-index");
    let aside = root.join("index-aside");
    std::fs::rename(&index, &aside).unwrap();
    std::fs::write(&index, "not a directory\n").unwrap();
    let o = build(root, &[]);
    assert!(
        !o.status.success(),
        "a build into an unwritable index succeeded"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("public-index"),
        "the error must name the index directory: {err}"
    );
    assert!(
        snapshot(&root.join("public")) == before.site,
        "the live site changed although the index could not be written"
    );
    std::fs::remove_file(&index).unwrap();
    std::fs::rename(&aside, &index).unwrap();
    assert_unchanged(root, &before, "unwritable index");
    assert!(index.join(&generation).is_dir());

    let o = build(root, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        leftovers(root),
        Vec::<String>::new(),
        "after the unwritable index"
    );
}

#[test]
fn a_failure_at_each_step_after_staging_keeps_the_live_output_and_is_cleaned_up() {
    let (tmp, before) = built_site();
    let root = tmp.path();
    for point in [
        "after-index",
        "after-render",
        "before-commit",
        "between-commits",
    ] {
        let o = build(root, &[("KB_FAULT", &format!("fail:{point}"))]);
        assert!(
            !o.status.success(),
            "{point}: the injected failure was ignored"
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(point),
            "{point}: the error must say where: {err}"
        );
        assert_unchanged(root, &before, point);
    }
    let o = build(root, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        leftovers(root),
        Vec::<String>::new(),
        "after injected failures"
    );
    // The good build is the one readers now see, and it is whole.
    let now = live(root);
    assert!(now.site.iter().any(|(p, _)| p.ends_with("index.html")));
}
