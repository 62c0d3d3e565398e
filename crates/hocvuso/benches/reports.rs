//! Province dashboard and stats API under load, before and after 100,000 new events.
//!
//! Against a database made by `hocvuso demo-data` (URL in `HOCVUSO_BENCH_DATABASE_URL`, else
//! `HOCVUSO_DATABASE_URL`): starts the real router on 127.0.0.1, runs `HV_BENCH_CLIENTS` concurrent
//! clients (default 8) for `HV_BENCH_REQUESTS` requests per target (default 400), reports p50/p95/p99;
//! then inserts `HV_BENCH_NEW_EVENTS` (default 100,000) lesson events through `stats::emit` (100 per
//! transaction, as a busy province would), times folding them into the aggregates, and measures again.
//!
//!     HOCVUSO_BENCH_DATABASE_URL=sqlite://data/bench.db cargo bench -p hocvuso --bench reports
// The allocator the `hocvuso` binary uses, so the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hocvuso::config::Settings;
use hocvuso::db::q;
use hocvuso::stats::period::Period;
use hocvuso::stats::{StatEvent, emit, metric};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Stats {
    p50: Duration,
    p95: Duration,
    p99: Duration,
    max: Duration,
    rps: f64,
}

fn summarize(mut lat: Vec<Duration>, wall: Duration) -> Stats {
    lat.sort();
    let at = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    Stats {
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: *lat.last().unwrap_or(&Duration::ZERO),
        rps: lat.len() as f64 / wall.as_secs_f64(),
    }
}

/// `clients` tasks take paths round-robin until `total` requests are done; every answer must be 200.
async fn measure(base: &str, paths: Arc<Vec<String>>, clients: usize, total: usize) -> Stats {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("client");
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, paths, next, base) =
            (http.clone(), paths.clone(), next.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    return lat;
                }
                let url = format!("{base}{}", paths[i % paths.len()]);
                let t = Instant::now();
                let r = http.get(&url).send().await.expect("request");
                let status = r.status();
                let body = r.bytes().await.expect("body");
                lat.push(t.elapsed());
                assert_eq!(
                    status,
                    200,
                    "{url}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                );
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("client task"));
    }
    summarize(all, started.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn print(label: &str, s: &Stats) {
    println!(
        "{label:<34} p50 {:>9}  p95 {:>9}  p99 {:>9}  max {:>9}  {:>7.0} req/s",
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        ms(s.max),
        s.rps
    );
}

#[tokio::main]
async fn main() {
    let Ok(url) = std::env::var("HOCVUSO_BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("HOCVUSO_DATABASE_URL"))
    else {
        eprintln!(
            "set HOCVUSO_BENCH_DATABASE_URL to a database made by `hocvuso demo-data`; skipping"
        );
        return;
    };
    let clients = env_or("HV_BENCH_CLIENTS", 8);
    let requests = env_or("HV_BENCH_REQUESTS", 400);
    let new_events = env_or("HV_BENCH_NEW_EVENTS", 100_000);
    let settings = Settings {
        database_url: url.clone(),
        province: std::env::var("HOCVUSO_PROVINCE").unwrap_or_else(|_| "44".into()),
        content_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"),
        public_url: None,
        trusted_proxies: Vec::new(),
        metrics_token: None,
        assistant: Default::default(),
    };
    let state = hocvuso::prepare(settings).await.expect("prepare");
    let db = state.db.clone();
    let learners = db
        .count(q("SELECT COUNT(*) FROM people"))
        .await
        .expect("count");
    let events = db
        .count(q("SELECT COUNT(*) FROM stat_events"))
        .await
        .expect("count");
    let lesson_events = db
        .count(q("SELECT COUNT(*) FROM stat_events WHERE metric IN ('lesson_opened', 'lesson_completed')"))
        .await
        .expect("count");
    let cells = db
        .count(q("SELECT COUNT(*) FROM stat_agg"))
        .await
        .expect("count");
    println!("database: {}", hocvuso::config::redact_url(&url));
    println!(
        "people {learners}, stat_events {events} ({lesson_events} lesson events), stat_agg cells {cells}"
    );
    println!("{clients} concurrent clients, {requests} requests per target");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server_state = state.clone();
    let server = tokio::spawn(async move {
        let _ = hocvuso::serve(listener, server_state, async {
            let _ = stopped.await;
        })
        .await;
    });

    let now = hocvuso::db::now();
    let year = Period::current_year(now);
    let month = Period::containing("m", now);
    let quarter = Period::containing("q", now);
    let communes: Vec<(String,)> = db
        .fetch_all(
            q("SELECT code FROM units WHERE parent_code = $1 ORDER BY code")
                .bind(&state.province.code),
        )
        .await
        .expect("communes");
    let dashboard = Arc::new(vec![format!("/so-lieu?period={}", year.key())]);
    let api: Arc<Vec<String>> = Arc::new(
        communes
            .iter()
            .take(20)
            .flat_map(|(c,)| {
                [year, quarter, month]
                    .into_iter()
                    .map(move |p| format!("/api/v1/stats/units/{c}?period={}", p.key()))
            })
            .chain(std::iter::once(format!(
                "/api/v1/stats/units/{}?period={}",
                state.province.code,
                year.key()
            )))
            .collect(),
    );
    // Warm up connections and caches.
    measure(&base, dashboard.clone(), clients, clients * 3).await;
    measure(&base, api.clone(), clients, clients * 3).await;

    println!("\nbefore new events");
    print(
        "province dashboard /so-lieu",
        &measure(&base, dashboard.clone(), clients, requests).await,
    );
    print(
        "stats API /api/v1/stats/units/…",
        &measure(&base, api.clone(), clients, requests).await,
    );

    // 100,000 new lesson events through the normal emit path.
    let sample: Vec<(String, String)> = db
        .fetch_all(q(
            "SELECT id, unit_code FROM people ORDER BY id DESC LIMIT 20000",
        ))
        .await
        .expect("people");
    assert!(
        !sample.is_empty(),
        "no people: run `hocvuso demo-data` first"
    );
    let t = Instant::now();
    let mut done = 0;
    while done < new_events {
        let mut tx = db.begin().await.expect("tx");
        for _ in 0..100.min(new_events - done) {
            let (pid, unit) = &sample[done % sample.len()];
            let m = if done % 2 == 0 {
                metric::LESSON_OPENED
            } else {
                metric::LESSON_COMPLETED
            };
            emit(
                &mut tx,
                StatEvent {
                    metric: m,
                    unit_code: unit,
                    person_id: Some(pid),
                    value: 1,
                    at: now,
                },
            )
            .await
            .expect("emit");
            done += 1;
        }
        tx.commit().await.expect("commit");
    }
    let insert = t.elapsed();
    let t = Instant::now();
    let folded = hocvuso::stats::fold::catch_up(&db)
        .await
        .expect("aggregate");
    let fold = t.elapsed();
    println!(
        "\n{new_events} new events: emitted in {:.1} s ({:.0}/s); aggregator folded {folded} in {:.1} s ({:.0}/s)",
        insert.as_secs_f64(),
        new_events as f64 / insert.as_secs_f64(),
        fold.as_secs_f64(),
        folded as f64 / fold.as_secs_f64().max(1e-9)
    );

    println!("\nafter new events");
    print(
        "province dashboard /so-lieu",
        &measure(&base, dashboard.clone(), clients, requests).await,
    );
    print(
        "stats API /api/v1/stats/units/…",
        &measure(&base, api.clone(), clients, requests).await,
    );

    let _ = stop.send(());
    let _ = server.await;
}
