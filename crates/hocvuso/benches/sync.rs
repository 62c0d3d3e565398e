//! Sync ingest benchmark: activity records posted in batches of 100 through the real sync handler
//! (JSON parsing, per-item validation and scope checks, receipts, records, statistics events, one
//! transaction per batch), in process. Prints records/s on SQLite, and on PostgreSQL when reachable
//! (HOCVUSO_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test).
//!
//!     cargo bench -p hocvuso --bench sync            # 20,000 records
//!     HV_BENCH_RECORDS=100000 cargo bench -p hocvuso --bench sync
// The allocator the `hocvuso` binary uses, so the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use hocvuso::config::Settings;
use hocvuso::db::{Db, q};
use hocvuso::web::auth::{CurrentUser, SessionUser, roles_of};

const BATCH: usize = 100;

async fn setup(url: String) -> anyhow::Result<(hocvuso::AppState, SessionUser, String, String)> {
    let settings = Settings {
        database_url: url,
        province: "44".into(),
        content_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"),
        public_url: None,
        trusted_proxies: Vec::new(),
        metrics_token: None,
        assistant: Default::default(),
    };
    let state = hocvuso::prepare(settings).await?;
    let db = &state.db;
    let commune = "19360";
    let mut tx = db.begin().await?;
    let c = hocvuso::units::store::get(db, commune)
        .await?
        .ok_or_else(|| anyhow::anyhow!("commune"))?;
    let village = hocvuso::units::store::insert_village(&mut tx, &c, "Thôn Đo Tốc Độ", "thôn")
        .await?
        .code;
    let person = hocvuso::people::model::NewPerson {
        phone: Some("+84912000111".into()),
        full_name: "Thành Viên Tổ".into(),
        birth_year: Some(1990),
        sex: "nam".into(),
        ethnic_group: "Kinh".into(),
        commune: commune.into(),
        village: None,
        target_group: "doan-vien".into(),
    };
    let pid = hocvuso::people::store::register(&mut tx, &person, &village, None, None).await?;
    let team = hocvuso::teams::store::insert_team(&mut tx, &village, "Tổ CNS", None).await?;
    hocvuso::teams::store::add_member(&mut tx, &team, &pid, "volunteer", "2026-01-01", None, None)
        .await?;
    hocvuso::people::store::grant_role(&mut tx, &pid, "volunteer", &village, &pid).await?;
    tx.commit().await?;
    let user = SessionUser {
        id: pid.clone(),
        full_name: "Thành Viên Tổ".into(),
        phone: None,
        unit_code: village.clone(),
        roles: roles_of(db, &pid).await?,
        must_change_password: false,
        teaches: false,
    };
    Ok((state, user, team, village))
}

fn batch(team: &str, village: &str, n: usize) -> Bytes {
    let items: Vec<_> = (0..n)
        .map(|i| {
            serde_json::json!({
                "client_id": uuid::Uuid::now_v7().to_string(),
                "kind": "activity",
                "device_time": 1_795_800_000_000_i64 + i as i64,
                "data": {"team": team, "village": village, "happened_on": "2026-11-20",
                         "kinds": ["vneid_install", "scam_warning"], "people_helped": 2, "notes": "Cài VNeID"}
            })
        })
        .collect();
    Bytes::from(serde_json::json!({"items": items}).to_string())
}

async fn run(label: &str, url: String, records: usize) -> anyhow::Result<()> {
    let (state, user, team, village) = setup(url).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    let bodies: Vec<Bytes> = (0..records / BATCH)
        .map(|_| batch(&team, &village, BATCH))
        .collect();
    // Warm up (statement caches, pages) with one batch that is not counted.
    let warm = batch(&team, &village, BATCH);
    let _ = hocvuso::sync::api::sync(
        State(state.clone()),
        CurrentUser(user.clone()),
        headers.clone(),
        warm,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let start = Instant::now();
    for body in bodies.iter().cloned() {
        let r = hocvuso::sync::api::sync(
            State(state.clone()),
            CurrentUser(user.clone()),
            headers.clone(),
            body,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        if r.0
            .results
            .iter()
            .any(|x| x.status != hocvuso::sync::model::ItemStatus::Created)
        {
            anyhow::bail!("an item was not created");
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let stored = state.db.count(q("SELECT COUNT(*) FROM activities")).await?;
    anyhow::ensure!(stored as usize == records + BATCH, "stored {stored}");
    // Replaying every batch must not add anything, and is timed as well.
    let start = Instant::now();
    for body in bodies.iter().take(20).cloned() {
        let _ = hocvuso::sync::api::sync(
            State(state.clone()),
            CurrentUser(user.clone()),
            headers.clone(),
            body,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let replay_secs = start.elapsed().as_secs_f64();
    let after = state.db.count(q("SELECT COUNT(*) FROM activities")).await?;
    anyhow::ensure!(after == stored, "replay wrote records");
    println!(
        "{label}: {records} activity records in batches of {BATCH}: {:.2} s = {:.0} records/s (replay of {} batches: {:.0} records/s, nothing written)",
        secs,
        records as f64 / secs,
        bodies.len().min(20),
        (bodies.len().min(20) * BATCH) as f64 / replay_secs
    );
    state.db.close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let records: usize = std::env::var("HV_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let dir = std::env::temp_dir().join("hocvuso-bench");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("sync-{}.db", uuid::Uuid::new_v4().simple()));
    run("SQLite", format!("sqlite://{}", file.display()), records).await?;
    let _ = std::fs::remove_file(&file);
    let admin = std::env::var("HOCVUSO_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    match Db::connect(&admin).await {
        Ok(db) => {
            let name = format!("hvbench_{}", uuid::Uuid::new_v4().simple());
            db.execute(q(format!("CREATE DATABASE {name}"))).await?;
            let url = match admin.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => format!("{admin}/{name}"),
            };
            let r = run("PostgreSQL", url, records).await;
            db.execute(q(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                .await?;
            r?;
        }
        Err(_) => println!("PostgreSQL: not reachable at {admin}, skipped"),
    }
    Ok(())
}
