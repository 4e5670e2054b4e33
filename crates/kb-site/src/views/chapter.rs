//! The chapter page's view: where the chapter is in the source, and the Japanese original beside
//! an English translation.

use super::common::source_line_url;
use crate::content::Entry;
use crate::site::Site;
use serde_json::{json, Value};

pub(super) fn add(site: &Site, entry: &Entry, page: &mut Value) {
    let lines = entry.chapter().and_then(|c| c.source_lines);
    page["source_lines"] = json!(lines);
    let city = entry.kind.city().unwrap_or_default();
    page["source_url"] =
        json!(lines.and_then(|[first, _]| source_line_url(site, city, &entry.lang, first)));
    if let Some(original) = super::page::original(site, entry) {
        page["original"] = original;
    }
}
