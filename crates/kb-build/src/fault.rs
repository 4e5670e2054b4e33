//! Test-only fault points: the crash and rollback tests stop a build at a named step instead of
//! guessing when to kill it. `KB_FAULT=pause:<point>:<ms>` sleeps there (so that a test can kill
//! the process at that step), `KB_FAULT=fail:<point>` fails the build there. Unset, a point costs
//! one environment lookup per build step.

use anyhow::bail;

/// The named steps of a build, in order.
pub const POINTS: &[&str] = &[
    "after-index",
    "after-render",
    "before-commit",
    "between-commits",
];

/// Applies `KB_FAULT` if it names `point`.
pub fn point(point: &str) -> anyhow::Result<()> {
    debug_assert!(POINTS.contains(&point), "unknown fault point {point}");
    let Ok(spec) = std::env::var("KB_FAULT") else {
        return Ok(());
    };
    let mut parts = spec.split(':');
    let (action, at) = (parts.next(), parts.next());
    if at != Some(point) {
        return Ok(());
    }
    match action {
        Some("fail") => bail!("injected failure at {point} (KB_FAULT)"),
        Some("pause") => {
            let ms = parts.next().and_then(|m| m.parse().ok()).unwrap_or(1000);
            eprintln!("paused at {point} (KB_FAULT)");
            std::thread::sleep(std::time::Duration::from_millis(ms));
            Ok(())
        }
        _ => Ok(()),
    }
}
