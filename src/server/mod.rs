//! `kb serve`: serves the built site on 127.0.0.1, answers `/api/search`, and rebuilds when a
//! source file changes (the new output and index replace the old ones only on success).
//!
//! One job per module: [`limits`] and [`guard`] (every request bounded), [`accept`] (the
//! connection loop and graceful shutdown), [`files`] (static files), [`api`] (`/api/search`),
//! [`watch`] (watching the sources and rebuilding).

mod accept;
mod api;
mod files;
mod guard;
mod limits;
mod state;
mod watch;

use anyhow::{Context, Result};
use axum::routing::get;
use axum::Router;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use limits::Limits;
use state::AppState;

pub fn serve(root: &Path, output: &Path, port: u16) -> Result<()> {
    let live = match kb_build::build(root, output) {
        Ok(r) => {
            eprintln!("built {} pages into {}", r.pages, output.display());
            Some(kb_build::live::Live::new(root, output, r))
        }
        Err(e) => {
            eprintln!("{e}\nbuild failed; serving the previous output if there is one");
            None
        }
    };
    let state = AppState {
        output: output.to_path_buf(),
        index: Arc::new(RwLock::new(kb_build::open_index(output).ok().map(Arc::new))),
    };
    watch::spawn_watcher(
        root.to_path_buf(),
        output.to_path_buf(),
        state.index.clone(),
        live,
    );
    let limits = Limits::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async move {
        // Signal handlers first: a SIGTERM that arrives once the port answers must stop the
        // server gracefully, never kill it.
        let shutdown = accept::shutdown_signal()?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
        eprintln!("serving http://127.0.0.1:{port}/ (Ctrl-C to stop)");
        accept::run(listener, router(state, limits), limits, shutdown).await;
        eprintln!("stopped");
        Ok(())
    });
    // Searches still running on blocking threads are not waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

fn router(state: AppState, limits: Limits) -> Router {
    guard::guarded_router(
        Router::new()
            .route("/api/search", get(api::api_search))
            .fallback(files::static_file)
            .with_state(state),
        limits,
    )
}
