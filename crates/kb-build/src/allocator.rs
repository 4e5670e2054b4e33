//! Allocator settings for the programs that build (`kb`, `kb-bench`), which use mimalloc as their
//! global allocator.

/// Tunes mimalloc for builds that free about as much as they allocate: freed memory goes back to
/// the system after 100 ms, memory is committed only when used, and no transparent huge pages
/// (each one zeroed 2 MiB for a few small strings). Measured at N = 100: 25% lower peak memory
/// at the same speed (BENCHMARKS.md). `MIMALLOC_*` variables still win.
pub fn tune() {
    // Option numbers of the mimalloc v2 that libmimalloc-sys 0.1 bundles (`mi_option_e` in its
    // include/mimalloc.h).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    for (option, var, value) in [
        (ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0),
        (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", 100),
    ] {
        if std::env::var_os(var).is_none() {
            // SAFETY: setting a documented option to a valid value; no memory is touched.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE takes integer arguments and only sets a process flag.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}
