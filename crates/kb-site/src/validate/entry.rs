//! The rules of one content page: its title, city, taxonomy values and the typed data of its
//! kind (a measure's and a city's fields).

use super::{at, hint};
use crate::content::{Entry, Kind};
use crate::diagnostics::Diagnostic;
use crate::model::{COMMITMENTS, MARKS, STATUSES};
use crate::site::Site;
use std::collections::HashSet;

pub(super) fn check_entry(site: &Site, entry: &Entry, out: &mut Vec<Diagnostic>) {
    let config = &site.config;
    if entry.title().trim().is_empty() {
        out.push(Diagnostic::new(
            &entry.file,
            1,
            "missing required field `title`",
        ));
    }
    if let Some(u) = &entry.front.updated {
        if crate::history::normalize_date(u).is_none() {
            out.push(at(
                entry,
                "updated",
                format!("`updated` is not a date: `{u}` (write it as 2026-11-30)"),
            ));
        }
    }
    if let Some(city) = entry.kind.city() {
        if !config.extra.cities.iter().any(|c| c == city) {
            let cities: Vec<&str> = config.extra.cities.iter().map(String::as_str).collect();
            out.push(hint(
                Diagnostic::new(&entry.file, 1, format!("unknown city `{city}` (folder content/cities/{city}/): cities are listed in config.toml extra.cities")),
                city,
                &cities,
            ));
        }
    }
    // Taxonomies: configured names, known values.
    let taxonomy_names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    for (name, values) in &entry.front.taxonomies {
        if !taxonomy_names.contains(&name.as_str()) {
            out.push(hint(
                at(
                    entry,
                    &format!("{name} ="),
                    format!("unknown taxonomy `{name}`"),
                ),
                name,
                &taxonomy_names,
            ));
            continue;
        }
        let allowed: Vec<&str> = match name.as_str() {
            "themes" => config.theme_slugs().collect(),
            "cities" => config.extra.cities.iter().map(String::as_str).collect(),
            _ => continue,
        };
        let mut seen = HashSet::new();
        for v in values {
            if !allowed.contains(&v.as_str()) {
                let what = if name == "themes" { "theme" } else { "city" };
                out.push(hint(
                    at(
                        entry,
                        &format!("\"{v}\""),
                        format!("unknown {what} `{v}` in taxonomies.{name}"),
                    ),
                    v,
                    &allowed,
                ));
            } else if !seen.insert(v) {
                out.push(at(
                    entry,
                    &format!("\"{v}\""),
                    format!("`{v}` is listed twice in taxonomies.{name}"),
                ));
            }
        }
    }
    match &entry.kind {
        Kind::Measure(city) => check_measure(site, entry, city, out),
        Kind::City(_) => check_city(site, entry, out),
        Kind::Chapter(_) => {
            if entry.lang == "en" && entry.chapter().is_some_and(|c| !c.corrections.is_empty()) {
                out.push(at(
                    entry,
                    "corrections",
                    "corrections belong in the Japanese file, whose text they correct",
                ));
            }
        }
        _ => {
            if !entry.front.taxonomies.is_empty() && entry.is_section {
                out.push(at(entry, "taxonomies", "sections cannot have taxonomies"));
            }
        }
    }
}

fn check_measure(site: &Site, entry: &Entry, city: &str, out: &mut Vec<Diagnostic>) {
    let m = entry.measure().expect("measure entries carry measure data");
    let slug = entry.slug();
    if !slug.starts_with(&format!("{city}-")) {
        out.push(Diagnostic::new(
            &entry.file,
            1,
            format!("a measure's file name is its id and must start with `{city}-`"),
        ));
    }
    let cities = entry.front.taxonomies.get("cities");
    if cities.map(|c| c.as_slice()) != Some(&[city.to_string()][..]) {
        out.push(at(
            entry,
            "cities",
            format!("taxonomies.cities must be [\"{city}\"], the city of the folder"),
        ));
    }
    if entry
        .front
        .taxonomies
        .get("themes")
        .is_none_or(|t| t.is_empty())
    {
        out.push(at(
            entry,
            "[taxonomies]",
            "a measure needs at least one theme in taxonomies.themes (primary first)",
        ));
    }
    if let Some(s) = &m.status {
        if !STATUSES.contains(&s.as_str()) {
            out.push(hint(
                at(entry, "status", format!("unknown status `{s}`")),
                s,
                &STATUSES,
            ));
        }
    }
    match &m.commitment {
        Some(c) if !COMMITMENTS.contains(&c.as_str()) => {
            out.push(hint(
                at(entry, "commitment", format!("unknown commitment `{c}`")),
                c,
                &COMMITMENTS,
            ));
        }
        None => out.push(at(
            entry,
            "[extra]",
            "missing required field `extra.commitment` (implement, consider or aim)",
        )),
        _ => {}
    }
    match &m.chapter {
        Some(ch) => {
            if site
                .get(&format!("cities/{city}/chapters/{ch}.md"), "ja")
                .is_none()
            {
                let chapters: Vec<&str> =
                    site.chapters(city, "ja").iter().map(|e| e.slug()).collect();
                out.push(hint(
                    at(entry, "chapter", format!("extra.chapter `{ch}` names no file content/cities/{city}/chapters/{ch}.md")),
                    ch,
                    &chapters,
                ));
            }
        }
        None => out.push(at(
            entry,
            "[extra]",
            "missing required field `extra.chapter` (the chapter file the measure comes from)",
        )),
    }
    if let Some([a, b]) = m.source_lines {
        if a == 0 || a > b {
            out.push(at(
                entry,
                "source_lines",
                format!("source_lines [{a}, {b}] must be 1-based and ascending"),
            ));
        }
    }
    if entry.lang == "en" {
        if !m.corrections.is_empty() {
            out.push(at(
                entry,
                "corrections",
                "corrections belong in the Japanese file, whose text they correct",
            ));
        }
        if let Some(ja) = site.translation(entry) {
            let jm = ja.measure().expect("twin is a measure");
            let pairs: [(&str, bool); 4] = [
                ("taxonomies", ja.front.taxonomies != entry.front.taxonomies),
                ("status", jm.status != m.status),
                ("commitment", jm.commitment != m.commitment),
                ("chapter", jm.chapter != m.chapter),
            ];
            for (field, differs) in pairs {
                if differs {
                    out.push(at(
                        entry,
                        field,
                        format!(
                            "`{field}` differs from the Japanese file {}",
                            ja.file.display()
                        ),
                    ));
                }
            }
        }
    }
}

fn check_city(site: &Site, entry: &Entry, out: &mut Vec<Diagnostic>) {
    let c = entry.city_extra().expect("city entries carry city data");
    super::source_file::check(site, entry, out);
    if entry.lang == "en" {
        for (field, present) in [
            ("kpis", !c.kpis.is_empty()),
            ("frameworks", !c.frameworks.is_empty()),
            ("training", !c.training.is_empty()),
            ("corrections", !c.corrections.is_empty()),
        ] {
            if present {
                out.push(at(entry, field, format!("extra.{field} belongs only in the Japanese _index.md (it holds both languages)")));
            }
        }
        return;
    }
    if let (Some(a), Some(b)) = (c.period_start, c.period_end) {
        if a > b {
            out.push(at(
                entry,
                "period_end",
                format!("period_end {b} is before period_start {a}"),
            ));
        }
    }
    if let Some(m) = c.issued_month {
        if !(1..=12).contains(&m) {
            out.push(at(
                entry,
                "issued_month",
                format!("issued_month {m} is not a month"),
            ));
        }
    }
    for f in &c.frameworks {
        for row in &f.rows {
            let name = &row.competency.ja;
            // Quoted, so that the row's own line is found, not an earlier text containing it.
            let row_line = format!("\"{name}\"");
            if !row.marks.is_empty() && row.marks.len() != f.levels.len() {
                out.push(at(
                    entry,
                    &row_line,
                    format!(
                        "framework `{}`, row `{name}`: {} marks for {} levels",
                        f.id,
                        row.marks.len(),
                        f.levels.len()
                    ),
                ));
            }
            if !row.descriptions.is_empty() && row.descriptions.len() != f.levels.len() {
                out.push(at(
                    entry,
                    &row_line,
                    format!(
                        "framework `{}`, row `{name}`: {} descriptions for {} levels",
                        f.id,
                        row.descriptions.len(),
                        f.levels.len()
                    ),
                ));
            }
            for mark in &row.marks {
                if !MARKS.contains(&mark.as_str()) {
                    out.push(at(
                        entry,
                        &row_line,
                        format!(
                            "framework `{}`: mark `{mark}` is not one of ◎ ○ 〇 △ or \"\"",
                            f.id
                        ),
                    ));
                }
            }
        }
    }
}
