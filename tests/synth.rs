//! `kb synth` writes a site root that `kb check` and `kb build` accept.

mod common;

use common::{kb, text};

#[test]
fn synthetic_site_checks_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let root = common::repo();
    let synth = |out: &std::path::Path| {
        kb(&[
            "synth",
            "--cities",
            "12",
            "--seed",
            "7",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let out = synth(&site);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("12 cities"), "{}", text(&out));

    let config = std::fs::read_to_string(site.join("config.toml")).unwrap();
    assert!(config.contains("\"city-0001\""), "{config}");
    assert!(config.contains("\"city-0012\""), "{config}");
    assert!(!config.contains("\"takasaki\""), "{config}");

    let site_s = site.to_str().unwrap();
    let check = kb(&["check", "--root", site_s]);
    assert!(check.status.success(), "{}", text(&check));
    assert!(text(&check).contains("12 cities"), "{}", text(&check));

    let build = kb(&["build", "--root", site_s]);
    assert!(build.status.success(), "{}", text(&build));
    assert!(site.join("public/cities/city-0012/index.html").is_file());
    assert!(site.join("public/en/cities/city-0001/index.html").is_file());
    assert!(site.join("public-index").is_dir());

    // The index answers for the synthetic cities.
    let search = kb(&["search", "--root", site_s, "--json", "研修"]);
    assert!(search.status.success(), "{}", text(&search));
    assert!(text(&search).contains("city-00"), "{}", text(&search));

    // The same seed gives the same site; the target must be new.
    let again = synth(&site);
    assert!(!again.status.success());
    assert!(text(&again).contains("not empty"), "{}", text(&again));
}
