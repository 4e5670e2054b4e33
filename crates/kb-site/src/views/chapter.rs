//! The chapter page's view: where the chapter is in the source, and the Japanese original beside
//! an English translation.

use crate::content::Entry;
use crate::site::Site;
use serde_json::{json, Value};

pub(super) fn add(site: &Site, entry: &Entry, page: &mut Value) {
    page["source_lines"] = json!(entry.chapter().and_then(|c| c.source_lines));
    if let Some(original) = super::page::original(site, entry) {
        page["original"] = original;
    }
}
