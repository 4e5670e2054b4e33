//! Loading a site for a build: read it ([`Site::read`]), then validate it
//! ([`crate::validate`]). The two are separate so that a site can be read without validating
//! it; this module is the only place that does both.

use crate::content::Entry;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::Site;
use crate::validate;
use std::path::{Path, PathBuf};

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

    /// Re-reads content files that are already part of the site — one save can touch a page and
    /// its translation — and checks them together as `kb check` would: each with its twin (which
    /// is re-read too, so that both are judged as they are on disk), its links, and the
    /// indicators that name measures. Then puts them in place: the incremental update of
    /// `kb serve`.
    ///
    /// Returns the positions of every entry replaced (twins included), or `None` when a file
    /// cannot be applied alone and the caller must rebuild everything (see
    /// [`Site::read_entry`]). Any problem leaves the site unchanged.
    pub fn reload_entries(&mut self, paths: &[PathBuf]) -> Result<Option<Vec<usize>>, Diagnostics> {
        let mut queue: Vec<PathBuf> = paths.to_vec();
        let mut fresh: Vec<(usize, Entry)> = Vec::new();
        let mut i = 0;
        while i < queue.len() {
            let Some((pos, entry)) = self.read_entry(&queue[i])? else {
                return Ok(None);
            };
            i += 1;
            if fresh.iter().any(|(p, _)| *p == pos) {
                continue;
            }
            if let Some(twin) = self.translation(&self.entries[pos]) {
                let twin_path = self.root.join(&twin.file);
                if !queue.contains(&twin_path) {
                    queue.push(twin_path);
                }
            }
            fresh.push((pos, entry));
        }
        // In place (front matter text kept, for messages' line numbers), then judged together.
        let reorder = fresh
            .iter()
            .any(|(pos, e)| e.front.weight != self.entries[*pos].front.weight);
        let old: Vec<(usize, Entry)> = fresh
            .into_iter()
            .map(|(pos, entry)| (pos, std::mem::replace(&mut self.entries[pos], entry)))
            .collect();
        if reorder {
            self.build_lookups();
        }
        let mut problems = Vec::new();
        for (pos, _) in &old {
            let entry = &self.entries[*pos];
            problems.extend(validate::validate_entry(self, entry));
            problems.extend(validate::check_entry_links(self, entry));
        }
        problems.extend(validate::validate_references(self));
        let positions: Vec<usize> = old.iter().map(|(pos, _)| *pos).collect();
        if !problems.is_empty() {
            for (pos, entry) in old {
                self.entries[pos] = entry;
            }
            if reorder {
                self.build_lookups();
            }
            return Err(Diagnostics::sorted(problems));
        }
        for pos in &positions {
            self.entries[*pos].split.front_matter = String::new();
        }
        Ok(Some(positions))
    }
}
