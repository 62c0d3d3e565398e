//! Structured logs: JSON lines when HOCVUSO_LOG_JSON=1 (for log shippers), readable text otherwise;
//! and the counters every capability adds to (`metrics`).
pub mod metrics;

use tracing_subscriber::{EnvFilter, fmt};

pub fn init() {
    let filter = EnvFilter::try_from_env("HOCVUSO_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = std::env::var("HOCVUSO_LOG_JSON").is_ok_and(|v| v == "1");
    // Logs go to stderr so command output (passwords, reports) stays clean on stdout.
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
