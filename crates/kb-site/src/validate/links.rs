//! Internal links: every `@/…` link in the Markdown must resolve to a content file.

use crate::content::Entry;
use crate::diagnostics::Diagnostic;
use crate::site::Site;

/// Renders every entry's Markdown, in parallel, to find broken internal links (the output is
/// not kept: see [`Site::rendered`]).
pub fn check_links(site: &Site) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    site.entries
        .par_iter()
        .flat_map_iter(|entry| check_entry_links(site, entry))
        .collect()
}

/// The broken internal links of one entry (which need not be in the site yet: an incremental
/// update checks the new version of a file before putting it in place).
pub fn check_entry_links(site: &Site, entry: &Entry) -> Vec<Diagnostic> {
    let (_, errors) = site.render_entry(entry);
    errors
        .iter()
        .map(|err| {
            let (line, col) = crate::diagnostics::line_col(&entry.split.body, err.offset);
            let line = line + entry.split.body_line - 1;
            Diagnostic::new(&entry.file, line, err.message.clone()).at(line, col)
        })
        .collect()
}
