//! Loading a site for a build: read it ([`Site::read`]), then validate it
//! ([`crate::validate`]). The two are separate so that a site can be read without validating
//! it; this module is the only place that does both.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::Site;
use crate::validate;
use std::path::Path;

impl Site {
    /// Reads and validates the site under `root`. Every problem found is returned together.
    pub fn load(root: &Path) -> Result<Site, Diagnostics> {
        let mut site = Site::read(root)?;
        let timer = crate::progress::PhaseTimer::from_env();
        let mut problems: Vec<Diagnostic> = validate::validate(&site);
        timer.mark("  validate");
        // The front matter text only served to place validation messages.
        site.drop_front_matter_text();
        problems.extend(validate::check_links(&site));
        timer.mark("  markdown");
        if problems.is_empty() {
            Ok(site)
        } else {
            Err(Diagnostics::sorted(problems))
        }
    }

    /// Re-reads one content file that is already part of the site, checks it, and puts it in
    /// place of the old entry: the incremental update of `kb serve`.
    ///
    /// Returns the entry's position, or `None` when the edit cannot be applied alone and the
    /// caller must rebuild everything (see [`Site::read_entry`]). Problems in the file are
    /// returned as diagnostics and leave the site unchanged.
    pub fn reload_entry(&mut self, path: &Path) -> Result<Option<usize>, Diagnostics> {
        let Some((pos, entry)) = self.read_entry(path)? else {
            return Ok(None);
        };
        let mut problems = validate::validate_entry(self, &entry);
        problems.extend(validate::check_entry_links(self, &entry));
        if !problems.is_empty() {
            return Err(Diagnostics::sorted(problems));
        }
        self.replace_entry(pos, entry);
        Ok(Some(pos))
    }
}
