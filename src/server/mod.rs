//! `kb serve`: serves the built site on 127.0.0.1, answers `/api/search`, and rebuilds when a
//! source file changes (the new output and index replace the old ones only on success).
//!
//! One job per module: [`limits`] and [`guard`] (every request bounded), [`accept`] (the
//! connection loop and graceful shutdown), [`files`] (static files), [`api`] (`/api/search`),
//! [`watch`] (watching the sources and rebuilding).

mod accept;
mod api;
mod benchmark;
mod files;
mod guard;
mod limits;
mod mount;
mod pages;
mod state;
mod watch;

use anyhow::{Context, Result};
use axum::routing::get;
use axum::Router;
use kb_site::base_url::BaseUrl;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

pub use limits::Limits;
use state::AppState;

/// What `kb serve` was asked to do.
pub struct ServeOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub addr: SocketAddr,
    /// Serve the output as built: no build, no writes, no watching.
    pub no_build: bool,
    pub base_url: Option<BaseUrl>,
    pub access_log: bool,
}

pub fn serve(opts: ServeOptions) -> Result<()> {
    // The port first: a port in use or an address that cannot be bound is reported before
    // anything is built or written. Connections are accepted only once the site is built.
    let socket = bind(opts.addr).with_context(|| format!("cannot listen on {}", opts.addr))?;
    let output = opts.output.clone();
    let (base, live) = if opts.no_build {
        (prebuilt_base(&opts)?, None)
    } else {
        start_building(&opts)
    };
    let state = AppState {
        output: output.clone(),
        index: Arc::new(RwLock::new(
            kb_build::open_index(&output).ok().map(Arc::new),
        )),
        prefix: base.prefix().to_string(),
    };
    if !opts.no_build {
        let build = kb_build::BuildOptions {
            base_url: opts.base_url.clone(),
            ..Default::default()
        };
        watch::spawn_watcher(opts.root.clone(), output, build, state.index.clone(), live);
    }
    let limits = Limits::from_env();
    let app = router(state, limits, opts.access_log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let addr = opts.addr;
    let result = runtime.block_on(async move {
        // Signal handlers first: a SIGTERM that arrives once the port answers must stop the
        // server gracefully, never kill it.
        let shutdown = accept::shutdown_signal()?;
        socket
            .listen(1024)
            .with_context(|| format!("cannot listen on {addr}"))?;
        let listener: std::net::TcpListener = socket.into();
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        if !addr.ip().is_loopback() {
            eprintln!("note: listening on {addr}: the site is now reachable from the network");
        }
        eprintln!("serving http://{addr}{}/ (Ctrl-C to stop)", base.prefix());
        accept::run(listener, app, limits, shutdown).await;
        eprintln!("stopped");
        Ok(())
    });
    // Searches still running on blocking threads are not waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

/// A socket bound to `addr`, not yet listening.
fn bind(addr: SocketAddr) -> std::io::Result<socket2::Socket> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    // As std's TcpListener does: a restarted server may take over a port in TIME_WAIT.
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    Ok(socket)
}

/// Builds the site (serving the previous output if the build fails); returns its base URL and
/// the built site kept for incremental updates.
fn start_building(opts: &ServeOptions) -> (BaseUrl, Option<kb_build::live::Live>) {
    let build = kb_build::BuildOptions {
        base_url: opts.base_url.clone(),
        ..Default::default()
    };
    match kb_build::build_with(&opts.root, &opts.output, &build) {
        Ok(r) => {
            eprintln!("built {} pages into {}", r.pages, opts.output.display());
            let base = BaseUrl::parse(&r.site.config.base_url).unwrap_or_default();
            let live = kb_build::live::Live::new(&opts.root, &opts.output, r);
            (base, Some(live))
        }
        Err(e) => {
            eprintln!("{e}\nbuild failed; serving the previous output if there is one");
            let base = kb_build::generation::live_base_url(&opts.output)
                .ok()
                .or_else(|| opts.base_url.clone())
                .unwrap_or_default();
            (base, None)
        }
    }
}

/// Checks that `--output` holds a complete build with its index; returns its base URL.
fn prebuilt_base(opts: &ServeOptions) -> Result<BaseUrl> {
    kb_build::live_index_dir(&opts.output)
        .with_context(|| format!("--no-build: nothing to serve in {}", opts.output.display()))?;
    let built = kb_build::generation::live_base_url(&opts.output)?;
    if let Some(asked) = &opts.base_url {
        anyhow::ensure!(
            asked == &built,
            "--no-build: {} was built for {built}, not {asked}; rebuild it with `kb build --base-url {asked}`",
            opts.output.display()
        );
    }
    Ok(built)
}

fn router(state: AppState, limits: Limits, access_log: bool) -> Router {
    let output = state.output.clone();
    let prefix = state.prefix.clone();
    let app = Router::new()
        .route("/api/search", get(api::api_search))
        .route(
            "/healthz",
            get(move || async move { mount::health(&output) }),
        )
        .fallback(files::static_file)
        .with_state(state);
    let app = mount::mount(app, &prefix).layer(tower_http::compression::CompressionLayer::new());
    let app = guard::guarded_router(app, limits);
    if access_log {
        app.layer(axum::middleware::from_fn(mount::access_log))
    } else {
        app
    }
}
