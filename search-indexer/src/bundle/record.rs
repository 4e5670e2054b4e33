//! The bundle's Japanese lexicon, recorded while the indexer analyzes the corpus.
//!
//! The lexicon is every morpheme lindera produced for the indexed text. Segmenting the whole
//! corpus a second time after indexing cost as much as a third of `kb build`; instead the
//! analyzer reports each morpheme it produces ([`note`]) while a [`Recording`] is active, and a
//! morpheme is looked up in the dictionary once per thread and word (a hash-set probe per token
//! otherwise). The result is the same set of entries: the indexer analyzes exactly the text the
//! lexicon describes (Japanese pages whole, English pages in their Japanese passages). Anything
//! else analyzed meanwhile (a query answered by `kb serve` during a rebuild) can only add
//! entries lindera itself produced, which keeps the lexicon a part of the dictionary that
//! contains every corpus path, all the exactness argument of `analysis.rs` needs.
//!
//! One recording at a time per process (builds do not overlap).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHashSet};

use super::analysis::{class_code, Entry};
use crate::analyzer::Class;

/// Surface → its lexicon entries.
pub type Lexicon = BTreeMap<String, BTreeSet<Entry>>;

/// The active recording's number (0: none).
static ACTIVE: AtomicU64 = AtomicU64::new(0);
static NEXT: AtomicU64 = AtomicU64::new(1);
static RECORDED: Mutex<Lexicon> = Mutex::new(BTreeMap::new());

/// What this thread has already reported in the active recording.
#[derive(Default)]
struct Seen {
    recording: u64,
    /// Dictionary words by (is system dictionary, word id).
    known: FxHashSet<(bool, u32)>,
    /// Unknown words by (unknown-entry id, surface).
    unknown: FxHashMap<u32, FxHashSet<String>>,
}

thread_local! {
    static SEEN: RefCell<Seen> = RefCell::new(Seen::default());
}

/// An active recording: every morpheme analyzed until [`Recording::finish`] is collected.
#[must_use = "finish the recording to get the lexicon"]
pub struct Recording {
    id: u64,
}

/// Starts recording the morphemes the analyzer produces.
pub fn start() -> Recording {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    lock().clear();
    ACTIVE.store(id, Ordering::SeqCst);
    Recording { id }
}

fn lock() -> std::sync::MutexGuard<'static, Lexicon> {
    // A panic while holding the lock leaves a map that is still well-formed.
    RECORDED.lock().unwrap_or_else(|e| e.into_inner())
}

impl Recording {
    /// Stops recording and returns the lexicon.
    pub fn finish(self) -> Lexicon {
        let _ = ACTIVE.compare_exchange(self.id, 0, Ordering::SeqCst, Ordering::SeqCst);
        std::mem::take(&mut *lock())
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        let _ = ACTIVE.compare_exchange(self.id, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// The lexicon entry of one token: IPADIC left/right context ids and word cost as lindera
/// loaded them, the analyzer's class and base form (`""` when it is the surface).
pub(super) fn entry_of(t: &lindera::token::Token<'_>, class: Class, base: Option<&str>) -> Entry {
    let (left, right, cost) = if t.word_id.is_unknown() {
        let e = t.dictionary.unknown_dictionary.word_entry(t.word_id.id());
        (
            e.left_id() as i32,
            e.right_id() as i32,
            e.word_cost() as i32,
        )
    } else {
        t.dictionary
            .prefix_dictionary
            .find_surface_iter(t.surface.as_ref())
            .find(|e| e.word_id().id() == t.word_id.id())
            .map(|e| {
                (
                    e.left_id() as i32,
                    e.right_id() as i32,
                    e.word_cost() as i32,
                )
            })
            .unwrap_or((-1, -1, 0))
    };
    (
        left,
        right,
        cost,
        class_code(class),
        base.unwrap_or_default().to_string(),
    )
}

/// Called by the analyzer for every morpheme (with its class and base form): records it when a
/// recording is active and this thread has not reported it yet.
pub(crate) fn note(t: &lindera::token::Token<'_>, class: Class, base: Option<&str>) {
    let active = ACTIVE.load(Ordering::Relaxed);
    if active == 0 {
        return;
    }
    let surface: &str = t.surface.as_ref();
    let id = t.word_id.id();
    let new = SEEN.with(|s| {
        let mut s = s.borrow_mut();
        if s.recording != active {
            *s = Seen {
                recording: active,
                ..Seen::default()
            };
        }
        if t.word_id.is_unknown() {
            let set = s.unknown.entry(id).or_default();
            !set.contains(surface) && set.insert(surface.to_string())
        } else {
            s.known.insert((t.word_id.is_system(), id))
        }
    });
    if new {
        let entry = entry_of(t, class, base);
        lock().entry(surface.to_string()).or_default().insert(entry);
    }
}
