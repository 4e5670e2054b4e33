//! `kb synth`: writes a complete site root (config.toml, content/, templates/, sass/, static/,
//! sources/) with N synthetic municipalities `city-0001` … made by recombining the real cities'
//! pages.
//!
//! Each synthetic city takes a real *base* city: its city page (KPIs, frameworks, training
//! systems and corrections with ids renamed to the new slug), all its chapters and all its
//! measures (ids renamed: `osaki-01` → `city-0007-01`, internal links rewritten). On top of that
//! it borrows a few measures of other real cities (`city-0007-x01` …), attached to one of its own
//! chapters, their internal links reduced to plain text. Both languages are written for every
//! page, so `kb check` and `kb build` accept the result.
//!
//! The output depends only on the source files, the number of cities and the seed.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// What to synthesise.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// The real site root to recombine (config.toml, content/, templates/, sass/, static/).
    pub source: PathBuf,
    /// The new site root; must not exist or be empty.
    pub out: PathBuf,
    /// How many synthetic cities.
    pub cities: usize,
    pub seed: u64,
}

/// What [`synth`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthReport {
    pub cities: usize,
    pub measures: usize,
    pub files: usize,
}

/// Most measures a synthetic city borrows from other cities.
const MAX_BORROWED: u64 = 8;

/// The slug of the `i`-th synthetic city (1-based).
pub fn city_slug(i: usize) -> String {
    format!("city-{i:04}")
}

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

mod corpus;
mod rewrite;

use corpus::{collect, collect_content, load_city, read, RealCity};
use rewrite::{borrow, rename};

pub fn synth(opts: &SynthOptions) -> Result<SynthReport> {
    if opts.cities == 0 {
        bail!("--cities must be at least 1");
    }
    if opts.cities > 9999 {
        bail!("--cities must be at most 9999");
    }
    if opts.out.exists()
        && std::fs::read_dir(&opts.out)
            .with_context(|| format!("reading {}", opts.out.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} exists and is not empty: choose a new directory",
            opts.out.display()
        );
    }
    let src = &opts.source;
    let config_path = src.join("config.toml");
    let config = read(&config_path)?;
    let parsed: toml::Value =
        toml::from_str(&config).with_context(|| format!("parsing {}", config_path.display()))?;
    let real: Vec<String> = parsed
        .get("extra")
        .and_then(|e| e.get("cities"))
        .and_then(|c| c.as_array())
        .context("config.toml has no extra.cities")?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if real.is_empty() {
        bail!("config.toml extra.cities is empty");
    }
    let cities_line = config
        .lines()
        .find(|l| l.trim_start().starts_with("cities = ["))
        .context("config.toml has no `cities = [...]` line")?;
    let real_cities = real
        .iter()
        .map(|c| load_city(&src.join("content/cities").join(c), c))
        .collect::<Result<Vec<_>>>()?;

    let files = std::cell::Cell::new(0usize);
    let write = |rel: &str, text: &str| -> Result<()> {
        let path = opts.out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        files.set(files.get() + 1);
        Ok(())
    };

    // The configuration, with the synthetic cities only.
    let slugs: Vec<String> = (1..=opts.cities).map(city_slug).collect();
    let list = slugs
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ");
    write(
        "config.toml",
        &config.replacen(cities_line, &format!("cities = [{list}]"), 1),
    )?;

    // Everything but the real cities' folders, as is.
    let mut copied = Vec::new();
    for dir in ["templates", "sass", "static", "sources"] {
        if src.join(dir).is_dir() {
            collect(&src.join(dir), Path::new(dir), &mut copied)?;
        }
    }
    collect_content(
        &src.join("content"),
        Path::new("content"),
        &real,
        &mut copied,
    )?;
    for (rel, from) in &copied {
        let to = opts.out.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, &to).with_context(|| format!("copying {}", from.display()))?;
        files.set(files.get() + 1);
    }

    let mut rng = Rng(opts.seed ^ 0x6b62_2d73_796e_7468); // "kb-synth"
    let mut measures = 0usize;
    for slug in &slugs {
        let base = &real_cities[rng.below(real_cities.len())];
        let dir = format!("content/cities/{slug}");
        let name_ja = format!("合成市{}", &slug[5..]);
        let name_en = format!("Synthetic City {}", &slug[5..]);
        let own = |text: &str, title: Option<&str>| rename(text, &base.slug, slug, &real, title);
        write(
            &format!("{dir}/_index.md"),
            &own(&base.index.ja, Some(&name_ja)),
        )?;
        write(
            &format!("{dir}/_index.en.md"),
            &own(&base.index.en, Some(&name_en)),
        )?;
        for (sub, pair) in [
            ("chapters", &base.chapters_index),
            ("measures", &base.measures_index),
        ] {
            write(&format!("{dir}/{sub}/_index.md"), &own(&pair.ja, None))?;
            write(&format!("{dir}/{sub}/_index.en.md"), &own(&pair.en, None))?;
        }
        for (stem, pair) in &base.chapters {
            write(&format!("{dir}/chapters/{stem}.md"), &own(&pair.ja, None))?;
            write(
                &format!("{dir}/chapters/{stem}.en.md"),
                &own(&pair.en, None),
            )?;
        }
        for (id, pair) in &base.measures {
            let new_id = format!("{slug}{}", &id[base.slug.len()..]);
            write(&format!("{dir}/measures/{new_id}.md"), &own(&pair.ja, None))?;
            write(
                &format!("{dir}/measures/{new_id}.en.md"),
                &own(&pair.en, None),
            )?;
            measures += 1;
        }
        // Measures borrowed from other cities, attached to one of this city's chapters.
        let others: Vec<&RealCity> = real_cities
            .iter()
            .filter(|c| c.slug != base.slug && !c.measures.is_empty())
            .collect();
        let chapters: Vec<&String> = base.chapters.keys().collect();
        let borrowed = if others.is_empty() || chapters.is_empty() {
            0
        } else {
            rng.below(MAX_BORROWED as usize + 1)
        };
        for j in 1..=borrowed {
            let from = others[rng.below(others.len())];
            let (_, pair) = from
                .measures
                .iter()
                .nth(rng.below(from.measures.len()))
                .expect("index below len");
            let chapter = chapters[rng.below(chapters.len())];
            let new_id = format!("{slug}-x{j:02}");
            let weight = 1000 + j;
            for (lang, text) in [("", &pair.ja), (".en", &pair.en)] {
                write(
                    &format!("{dir}/measures/{new_id}{lang}.md"),
                    &borrow(text, &from.slug, slug, chapter, weight),
                )?;
            }
            measures += 1;
        }
    }
    Ok(SynthReport {
        cities: opts.cities,
        measures,
        files: files.get(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::sorted_dir;
    use crate::rewrite::unlink;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        collect(dir, Path::new(""), &mut files).unwrap();
        files
            .into_iter()
            .map(|(rel, path)| (rel, std::fs::read(path).unwrap()))
            .collect()
    }

    fn run(cities: usize, seed: u64) -> (tempfile::TempDir, SynthReport) {
        let tmp = tempfile::tempdir().unwrap();
        let report = synth(&SynthOptions {
            source: repo(),
            out: tmp.path().join("site"),
            cities,
            seed,
        })
        .unwrap();
        (tmp, report)
    }

    #[test]
    fn same_seed_same_files() {
        let (a, ra) = run(7, 42);
        let (b, rb) = run(7, 42);
        assert_eq!(ra, rb);
        let (sa, sb) = (
            snapshot(&a.path().join("site")),
            snapshot(&b.path().join("site")),
        );
        assert_eq!(sa.len(), ra.files);
        assert!(sa == sb, "two runs with the same seed differ");
    }

    #[test]
    fn other_seed_other_cities() {
        let (a, _) = run(7, 1);
        let (b, _) = run(7, 2);
        assert!(snapshot(&a.path().join("site")) != snapshot(&b.path().join("site")));
    }

    #[test]
    fn config_lists_the_synthetic_cities() {
        let (a, report) = run(3, 0);
        let config = std::fs::read_to_string(a.path().join("site/config.toml")).unwrap();
        let parsed: toml::Value = toml::from_str(&config).unwrap();
        let cities: Vec<&str> = parsed["extra"]["cities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(cities, ["city-0001", "city-0002", "city-0003"]);
        assert_eq!(report.cities, 3);
        for slug in cities {
            let dir = a
                .path()
                .join("site/content/cities")
                .join(slug)
                .join("measures");
            for (name, _, _) in sorted_dir(&dir).unwrap() {
                assert!(
                    name.starts_with(&format!("{slug}-")) || name.starts_with("_index"),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn refuses_a_non_empty_output() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("x"), "").unwrap();
        let err = synth(&SynthOptions {
            source: repo(),
            out: tmp.path().to_path_buf(),
            cities: 1,
            seed: 0,
        })
        .unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
    }

    #[test]
    fn unlink_keeps_other_links() {
        let s = "a [x](@/cities/osaki/m.md) b [y](https://e.org) c [z](@/cities/kofu/a.md#h)";
        assert_eq!(
            unlink(s, |t| t.starts_with("@/cities/osaki/")),
            "a x b [y](https://e.org) c [z](@/cities/kofu/a.md#h)"
        );
        assert_eq!(
            unlink(s, |t| t.starts_with("@/")),
            "a x b [y](https://e.org) c z"
        );
    }
}
