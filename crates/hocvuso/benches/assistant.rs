//! Assistant benchmark: how long the knowledge base takes to build (as at start-up), and the latency of
//! one ask through the real JSON handler (body parsing, validation, search, the refusal with its gap
//! logged in SQLite) over every question of content/eval/assistant.toml, several rounds. No language
//! model. Targets: build < 1 s, ask p50 < 5 ms.
//!
//!     cargo bench -p hocvuso --bench assistant
//!     HV_BENCH_ROUNDS=20 cargo bench -p hocvuso --bench assistant
// The allocator the `hocvuso` binary uses, so the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use hocvuso::assistant::engine::{Fingerprint, build, load_library};
use hocvuso::config::Settings;
use hocvuso::web::auth::MaybeUser;

fn pct(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let content: PathBuf = std::env::var("HOCVUSO_CONTENT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content"));
    let rounds: usize = std::env::var("HV_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);

    // Build, as every app server does at start-up: read and validate the folder, then index.
    let mut loads = Vec::new();
    let mut builds = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let lib = load_library(&hocvuso::content_source::ContentSource::new(&content))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        loads.push(t.elapsed());
        let t = Instant::now();
        let k = build(&lib, &[], Fingerprint::default(), 0).map_err(|e| anyhow::anyhow!("{e}"))?;
        builds.push(t.elapsed());
        std::hint::black_box(k);
    }
    loads.sort();
    builds.sort();
    println!(
        "knowledge base: load+validate content {:.1?} (median of 5), index build {:.1?} (median of 5), total {:.1?}",
        loads[2],
        builds[2],
        loads[2] + builds[2]
    );

    let dir = std::env::temp_dir().join("hocvuso-bench");
    std::fs::create_dir_all(&dir)?;
    let db_path = dir.join(format!("assistant-{}.db", std::process::id()));
    let settings = Settings {
        database_url: format!("sqlite://{}", db_path.display()),
        province: "44".into(),
        content_dir: content.clone(),
        public_url: None,
        trusted_proxies: Vec::new(),
        metrics_token: None,
        assistant: Default::default(),
    };
    let state = hocvuso::prepare(settings).await?;
    let cases = hocvuso::assistant::cli::load_cases(&content).map_err(anyhow::Error::msg)?;

    let mut times = Vec::with_capacity(cases.len() * rounds);
    let mut answered = Vec::new();
    let mut refused = Vec::new();
    // One warm-up round, not counted.
    // A client per question: each ask pays for its rate-limit counter, none is refused by it.
    let mut n = 0usize;
    for round in 0..=rounds {
        for c in &cases {
            n += 1;
            let body = Bytes::from(serde_json::to_vec(&serde_json::json!({ "question": c.q }))?);
            let t = Instant::now();
            let reply = hocvuso::assistant::api::ask(
                State(state.clone()),
                MaybeUser(None),
                hocvuso::web::client::ClientAddr(format!("bench-{n}")),
                HeaderMap::new(),
                hocvuso::web::api::JsonObject::parse(&body).map_err(|e| anyhow::anyhow!("{e}"))?,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let d = t.elapsed();
            if round > 0 {
                times.push(d);
                if reply.0.confident {
                    answered.push(d);
                } else {
                    refused.push(d);
                }
            }
        }
    }
    for v in [&mut times, &mut answered, &mut refused] {
        v.sort();
    }
    println!(
        "ask through the handler, {} questions x {rounds} rounds = {} asks: p50 {:.2?}  p99 {:.2?}  max {:.2?}",
        cases.len(),
        times.len(),
        pct(&times, 50),
        pct(&times, 99),
        times[times.len() - 1]
    );
    if !answered.is_empty() && !refused.is_empty() {
        println!(
            "  answered: p50 {:.2?} p99 {:.2?}   refused (gap logged in SQLite): p50 {:.2?} p99 {:.2?}",
            pct(&answered, 50),
            pct(&answered, 99),
            pct(&refused, 50),
            pct(&refused, 99)
        );
    }
    state.db.close().await;
    let _ = std::fs::remove_file(&db_path);
    Ok(())
}
