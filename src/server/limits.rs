//! The server's limits: every connection and request is bounded in time and size, so that a
//! slow or hostile client can neither hold the server nor delay its shutdown indefinitely.

use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time a client has to send a request's headers (also the idle keep-alive timeout).
    pub header_read: Duration,
    /// Time a client has to send a request's body.
    pub body_read: Duration,
    /// Time a handler may take before the client gets 503.
    pub request: Duration,
    /// Largest request body accepted (the server only answers GET and HEAD: bodies are noise).
    pub max_body: usize,
    /// Requests handled at once; more wait up to `queue_wait`, then get 503.
    pub max_requests: usize,
    pub queue_wait: Duration,
    /// Open connections at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// After SIGTERM or Ctrl-C: time given to requests in flight before the server exits.
    pub shutdown_grace: Duration,
    /// Largest request head (request line and headers), in bytes.
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(10),
            request: Duration::from_secs(15),
            max_body: 16 * 1024,
            max_requests: 64,
            queue_wait: Duration::from_secs(5),
            max_connections: 512,
            shutdown_grace: Duration::from_secs(5),
            max_head: 64 * 1024,
        }
    }
}

impl Limits {
    /// The defaults; `KB_SERVE_HEADER_TIMEOUT_MS` shortens the header timeout (for tests).
    pub fn from_env() -> Limits {
        let mut limits = Limits::default();
        if let Some(ms) = std::env::var("KB_SERVE_HEADER_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|ms| *ms > 0)
        {
            limits.header_read = Duration::from_millis(ms);
        }
        limits
    }
}
