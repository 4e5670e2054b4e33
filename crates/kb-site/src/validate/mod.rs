//! The content model's rules, beyond what the types enforce: taxonomy values, translations,
//! references between pages, KPI and framework consistency, duplicate URLs, internal links.
//!
//! Validation reads a loaded [`Site`]; loading never validates (see [`crate::load`] for the
//! load-then-validate of `Site::load`).

mod entry;
mod kpi_rules;
mod links;
mod site_wide;
mod source_file;

pub use crate::content::normalise_alias;
pub use links::{check_entry_links, check_links};

use crate::content::Entry;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::locate;
use crate::site::Site;
use crate::suggest::nearest;

/// Every rule of the content model, over the whole site (internal links aside: see
/// [`check_links`]).
pub fn validate(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for gap in site.config.translation_gaps() {
        out.push(Diagnostic::new("config.toml", 0, gap));
    }
    for entry in &site.entries {
        entry::check_entry(site, entry, &mut out);
    }
    site_wide::check_base_url(site, &mut out);
    site_wide::check_translations(site, &mut out);
    site_wide::check_cities_exist(site, &mut out);
    site_wide::check_kpis(site, &mut out);
    site_wide::check_urls(site, &mut out);
    out
}

/// The rules of one entry alone (for an incremental update; the site-wide rules are checked by
/// [`validate`] on every full build).
pub fn validate_entry(site: &Site, entry: &Entry) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    entry::check_entry(site, entry, &mut out);
    out
}

/// The site-wide rules an edit of one page can break: indicators that name measures.
pub fn validate_references(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    site_wide::check_kpis(site, &mut out);
    out
}

fn at(entry: &Entry, needle: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&entry.file, locate(&entry.split, needle), message)
}

fn hint(d: Diagnostic, value: &str, options: &[&str]) -> Diagnostic {
    match nearest(value, options.iter().copied()) {
        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
        None => d.with_hint(format!("one of: {}", options.join(", "))),
    }
}
