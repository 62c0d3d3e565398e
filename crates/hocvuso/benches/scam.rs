//! Scam check speed on the server: every message of the evaluation set (content/eval/scam.toml) sent
//! through the real `POST /api/v1/scam/check` handler (JSON parsing, validation, the rules snapshot with
//! community-confirmed numbers and domains, the verdict and its translated reasons), in process, on a
//! fresh SQLite database. Prints p50/p95/p99 per check and checks/s on one core.
//!
//!     cargo bench -p hocvuso --bench scam
//!     HV_BENCH_ROUNDS=20 cargo bench -p hocvuso --bench scam
// The allocator the `hocvuso` binary uses, so the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use hocvuso::config::Settings;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::var("HV_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let dir = std::env::temp_dir().join("hocvuso-bench");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("scam-{}.db", uuid::Uuid::new_v4().simple()));
    // The repository's content (scam rules, official domains, the evaluation set), wherever cargo runs us.
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let state = hocvuso::prepare(Settings {
        database_url: format!("sqlite://{}", file.display()),
        province: "44".into(),
        content_dir: content.clone(),
        public_url: None,
        trusted_proxies: Vec::new(),
        metrics_token: None,
        assistant: Default::default(),
    })
    .await?;
    let eval_file = content.join("eval/scam.toml");
    let set = scamcheck::eval::EvalSet::from_toml(&std::fs::read_to_string(&eval_file)?)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bodies: Vec<Bytes> = set
        .cases
        .iter()
        .map(|c| Bytes::from(serde_json::json!({ "text": c.text }).to_string()))
        .collect();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("vi"));
    // Warm up: the first call loads the rules snapshot.
    // Each check counts against its client's rate limit (one upsert); a client per check keeps the
    // bench under the limit while still paying for the counter, as a real request does.
    let client = |i: usize| hocvuso::web::client::ClientAddr(format!("bench-{i}"));
    // The handler's body extractor, run inside the timed part as a request runs it.
    let parse =
        |b: &Bytes| hocvuso::web::api::JsonObject::parse(b).map_err(|e| anyhow::anyhow!("{e}"));
    for (i, b) in bodies.iter().take(20).enumerate() {
        let _ =
            hocvuso::scam::api::check(State(state.clone()), client(i), headers.clone(), parse(b)?)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut lat: Vec<Duration> = Vec::with_capacity(bodies.len() * rounds);
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for b in &bodies {
            n += 1;
            let t = Instant::now();
            let r = hocvuso::scam::api::check(
                State(state.clone()),
                client(n),
                headers.clone(),
                parse(b)?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            lat.push(t.elapsed());
            let _ = std::hint::black_box(r);
        }
    }
    let wall = start.elapsed();
    lat.sort();
    let at = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "scam check through the API handler: {} checks ({} messages x {rounds}): p50 {:.1} µs, p95 {:.1} µs, p99 {:.1} µs, {:.0} checks/s on one core (budget: p50 under 1 ms)",
        lat.len(),
        bodies.len(),
        at(0.5).as_secs_f64() * 1e6,
        at(0.95).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        lat.len() as f64 / wall.as_secs_f64()
    );
    state.db.close().await;
    let _ = std::fs::remove_file(&file);
    Ok(())
}
