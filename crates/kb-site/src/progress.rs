//! A one-line progress display for long builds: `rendering 12,345/230,000 pages`.
//!
//! Shown only when standard error is a terminal and only once a stage has run for about a second,
//! so quick builds, pipes, CI logs and tests stay quiet. Workers count with an atomic; a
//! background thread redraws the line a few times a second.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a stage runs before its progress is shown.
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(200);

pub struct Progress {
    count: Arc<AtomicUsize>,
    done: Arc<AtomicBool>,
    painter: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts counting `total` items of a stage named `label` ("rendering", "indexing").
    pub fn start(label: &str, total: usize) -> Progress {
        Progress::with_display(label, total, std::io::stderr().is_terminal())
    }

    fn with_display(label: &str, total: usize, display: bool) -> Progress {
        let count = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let painter = display.then(|| {
            let (count, done, label) = (count.clone(), done.clone(), label.to_string());
            std::thread::spawn(move || paint(&label, total, &count, &done))
        });
        Progress {
            count,
            done,
            painter,
        }
    }

    /// The counter workers increment, one per item finished.
    pub fn counter(&self) -> &AtomicUsize {
        &self.count
    }

    /// Stops the display and clears its line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(p) = self.painter.take() {
            p.thread().unpark();
            let _ = p.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn paint(label: &str, total: usize, count: &AtomicUsize, done: &AtomicBool) {
    let started = Instant::now();
    let mut shown = false;
    // Parked, not slept, so that `finish` wakes the painter at once.
    std::thread::park_timeout(SHOW_AFTER);
    while !done.load(Ordering::Relaxed) {
        if started.elapsed() < SHOW_AFTER {
            std::thread::park_timeout(SHOW_AFTER - started.elapsed());
            continue;
        }
        let n = count.load(Ordering::Relaxed).min(total);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{label} {}/{} ({:.0}%)",
            thousands(n),
            thousands(total),
            if total == 0 {
                100.0
            } else {
                n as f64 * 100.0 / total as f64
            }
        );
        let _ = err.flush();
        shown = true;
        drop(err);
        std::thread::park_timeout(REDRAW_EVERY);
    }
    if shown {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

/// Phase timings of a build on standard error, when `KB_TIMINGS` is set (for profiling).
pub struct PhaseTimer {
    last: Option<std::cell::Cell<Instant>>,
}

impl PhaseTimer {
    pub fn from_env() -> PhaseTimer {
        PhaseTimer {
            last: std::env::var_os("KB_TIMINGS").map(|_| std::cell::Cell::new(Instant::now())),
        }
    }

    /// Prints the time since the previous mark under `phase`.
    pub fn mark(&self, phase: &str) {
        if let Some(last) = &self.last {
            let now = Instant::now();
            eprintln!(
                "{phase}: {} ms (RSS {} MiB, peak {} MiB)",
                (now - last.get()).as_millis(),
                proc_status_kib("VmRSS:") / 1024,
                proc_status_kib("VmHWM:") / 1024
            );
            last.set(now);
        }
    }
}

/// A `kB` figure of `/proc/self/status` (0 where there is none).
fn proc_status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// `230000` → `230,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(230000), "230,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn counts_without_a_display() {
        let p = Progress::with_display("test", 3, false);
        p.counter().fetch_add(2, Ordering::Relaxed);
        assert_eq!(p.counter().load(Ordering::Relaxed), 2);
        assert!(p.painter.is_none());
        p.finish();
    }
}
