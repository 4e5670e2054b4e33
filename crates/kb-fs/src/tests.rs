use super::*;

#[test]
fn commit_replaces_and_drop_discards() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("old.txt"), "old").unwrap();

    let s = Staging::new(&target).unwrap();
    s.write("a/b.txt", b"new").unwrap();
    let staged = s.path().to_path_buf();
    drop(s);
    wait_for_cleanup();
    assert!(
        target.join("old.txt").exists(),
        "a dropped staging leaves the output alone"
    );
    assert!(!staged.exists(), "a dropped staging is removed");

    let s = Staging::new(&target).unwrap();
    s.write("a/b.txt", b"new").unwrap();
    s.commit().unwrap();
    wait_for_cleanup();
    assert!(!target.join("old.txt").exists());
    assert_eq!(
        std::fs::read_to_string(target.join("a/b.txt")).unwrap(),
        "new"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1);
}

#[test]
fn remove_tree_removes_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("old");
    for rel in [
        "a/b/c/x.html",
        "a/b/y.html",
        "a/z.html",
        "top.html",
        "en/a/b/w.html",
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }
    remove_tree(&root);
    assert!(!root.exists());
}

#[test]
fn write_atomically_replaces_a_file_and_refuses_paths_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_atomically(&out, "a/b.html", b"one").unwrap();
    write_atomically(&out, "a/b.html", b"two").unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("a/b.html")).unwrap(),
        "two"
    );
    let names: Vec<_> = std::fs::read_dir(out.join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["b.html"], "no temporary file is left");
    for bad in ["../x", "a/../../x", "/etc/x"] {
        assert!(write_atomically(&out, bad, b"").is_err(), "{bad}");
    }
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn swap_in_keeps_the_old_directory_for_the_caller() {
    let tmp = tempfile::tempdir().unwrap();
    let (new, target) = (tmp.path().join(".new"), tmp.path().join("t"));
    std::fs::create_dir_all(&new).unwrap();
    assert_eq!(swap_in(&new, &target).unwrap(), None);
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(new.join("f"), "2").unwrap();
    let old = swap_in(&new, &target).unwrap().unwrap();
    assert!(old.is_dir());
    assert_eq!(std::fs::read_to_string(target.join("f")).unwrap(), "2");
    assert!(swap_in(&tmp.path().join("missing"), &target).is_err());
    assert!(
        target.join("f").exists(),
        "a failed swap leaves the target in place"
    );
}

#[test]
fn install_once_keeps_the_first_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("dict");
    for (i, expected) in [(1, true), (2, false)] {
        let built = tmp.path().join(format!(".built-{i}"));
        std::fs::create_dir_all(&built).unwrap();
        std::fs::write(built.join("n"), i.to_string()).unwrap();
        std::fs::write(built.join("more"), "x").unwrap();
        assert_eq!(
            install_once(&built, &target, &|d| d.is_dir()).unwrap(),
            expected
        );
        assert!(!built.exists());
    }
    assert_eq!(std::fs::read_to_string(target.join("n")).unwrap(), "1");
}

#[test]
fn refuses_paths_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let s = Staging::new(&tmp.path().join("out")).unwrap();
    assert!(s.write("../x", b"").is_err());
}

/// A symbolic link inside the removed tree is removed, never followed: what it points to
/// stays, at the first level (listed for parallel removal) as at the second.
#[test]
fn remove_tree_does_not_follow_symbolic_links() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(outside.join("sub")).unwrap();
    std::fs::write(outside.join("keep.txt"), "keep").unwrap();
    std::fs::write(outside.join("sub/keep.txt"), "keep").unwrap();
    let root = tmp.path().join("old");
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("a/link")).unwrap();
    remove_tree(&root);
    assert!(!root.exists());
    assert!(
        outside.join("keep.txt").exists(),
        "followed a first-level link"
    );
    assert!(outside.join("sub/keep.txt").exists(), "followed a link");
}

#[cfg(target_os = "linux")]
#[test]
fn exchange_swaps_two_directories_in_one_step() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for (d, n) in [(&a, "1"), (&b, "2")] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(d.join("n"), n).unwrap();
    }
    assert!(
        exchange(&a, &b),
        "renameat2(RENAME_EXCHANGE) is available on Linux file systems"
    );
    assert_eq!(std::fs::read_to_string(a.join("n")).unwrap(), "2");
    assert_eq!(std::fs::read_to_string(b.join("n")).unwrap(), "1");
    assert!(!exchange(&a, &tmp.path().join("missing")));
}

#[test]
fn the_previous_output_is_moved_aside_beside_the_target() {
    let tmp = tempfile::tempdir().unwrap();
    let (new, target) = (tmp.path().join(".new"), tmp.path().join("t"));
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("f"), "1").unwrap();
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(new.join("f"), "2").unwrap();
    let old = swap_in(&new, &target).unwrap().unwrap();
    assert_eq!(old.parent(), target.parent(), "{}", old.display());
    assert_ne!(old, new, "the old output has its own name");
    assert_eq!(std::fs::read_to_string(old.join("f")).unwrap(), "1");
    assert_eq!(std::fs::read_to_string(target.join("f")).unwrap(), "2");
}

#[test]
fn paths_that_leave_the_output_are_refused_in_either_separator() {
    for bad in ["..", "../x", "a/../../x", "a\\..\\x", "/x", "\\x"] {
        assert!(check_relative(bad).is_err(), "{bad:?} was accepted");
    }
    for good in ["x", "a/b.html", "a..b/c", ".kb-generation"] {
        assert!(check_relative(good).is_ok(), "{good:?} was refused");
    }
}

/// A new staging clears what killed builds of the same output left (a dead process's staging
/// and old directories) and nothing else: not a live process's, not another output's, not a
/// name that only starts like it.
#[test]
fn a_new_staging_clears_only_the_leftovers_of_dead_builds_of_its_output() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("public");
    // No process has the largest pid; pid 1 always runs.
    let dead = u32::MAX;
    let removed = [
        format!(".public.staging-{dead}"),
        format!(".public.old-{dead}-3"),
        format!("..public.staging-{dead}.new-1"),
    ];
    let kept = [
        ".public.staging-1".to_string(),
        ".public.old-1-0".to_string(),
        ".public.staging-abc".to_string(),
        format!("public.staging-{dead}"),
        format!(".zzzzzz.staging-{dead}"),
        format!(".publicity.staging-{dead}"),
        "public".to_string(),
    ];
    for name in removed.iter().chain(&kept) {
        std::fs::create_dir_all(tmp.path().join(name)).unwrap();
    }
    let staging = Staging::new(&target).unwrap();
    wait_for_cleanup();
    for name in &removed {
        assert!(!tmp.path().join(name).exists(), "{name} was left");
    }
    for name in &kept {
        assert!(tmp.path().join(name).exists(), "{name} was removed");
    }
    drop(staging);
}
