//! A city page's `source`: the file in `sources/` that its measure and chapter pages cite by
//! line and that its source page shows. Only its existence is checked here; the build reads it
//! once, when it renders the source page.

use super::at;
use crate::content::Entry;
use crate::diagnostics::Diagnostic;
use crate::site::Site;
use crate::source_text::{is_plain_name, SOURCES_DIR};

pub(super) fn check(site: &Site, entry: &Entry, out: &mut Vec<Diagnostic>) {
    let Some(file) = entry.city_extra().and_then(|c| c.source.as_deref()) else {
        return;
    };
    let needle = format!("\"{file}\"");
    let japanese = site
        .translation(entry)
        .filter(|_| entry.lang == "en")
        .and_then(|ja| ja.city_extra())
        .and_then(|c| c.source.as_deref());
    if let Some(ja) = japanese.filter(|ja| *ja != file) {
        out.push(at(
            entry,
            &needle,
            format!("source `{file}` differs from the Japanese page's `{ja}`: a city has one source document"),
        ));
    } else if !is_plain_name(file) {
        out.push(at(
            entry,
            &needle,
            format!("source `{file}` must be a file name in {SOURCES_DIR}/ (no folder)"),
        ));
    } else if !site.root.join(SOURCES_DIR).join(file).is_file() {
        out.push(
            at(
                entry,
                &needle,
                format!("source file `{SOURCES_DIR}/{file}` not found"),
            )
            .with_hint(format!(
                "`source` names the city's source document, a file in {SOURCES_DIR}/"
            )),
        );
    }
}
