//! Ready for a province's server (issue 16): backups, restores and the move to PostgreSQL, upgrades
//! from an older release's database, probes, metrics and shutdown.
use base64::Engine as _;
use hocvuso::db::{Backend, Db, q};
use hocvuso::ops::{backup, store};
use serde_json::json;

use crate::builtin_content::temp_dir;
use crate::{TestApp, both};

// ---------------------------------------------------------------------------------------------------
// Backups, restores, moving to PostgreSQL

const LEARNER_PHONE: &str = "0912345678";
const LEARNER_PASSWORD: &str = "lúa chín vàng đồng";
const ADMIN_PHONE: &str = "0900000001";

/// A database with something in most tables: an administrator, a learner who opened a lesson and whose
/// consent an administrator recorded (a reference from `people` to `people`), a synthetic province's
/// learners and villages, and the figures folded from them.
async fn populate(app: &TestApp) {
    let admin_id = app.as_province_admin(ADMIN_PHONE).await;
    let learner = app.new_browser();
    let r = learner
        .sign_up(LEARNER_PHONE, "Hồ Thị Lan", crate::QT_COMMUNE_A)
        .await;
    assert_eq!(r.status(), 303, "sign-up");
    let (s, _) = learner.get_text("/hoc/vneid/vneid-la-gi").await;
    assert_eq!(s, 200);
    app.state
        .db
        .execute(
            q("UPDATE people SET consent_recorded_by = $1 WHERE phone = $2")
                .bind(&admin_id)
                .bind(LEARNER_PHONE),
        )
        .await
        .expect("consent recorded by the admin");
    // An image (bytes, not text): backups and moves must carry it byte for byte.
    app.state
        .db
        .execute(
            q("INSERT INTO learning_images (id, course_id, data, bytes, width, height, created_by, created_at)
               SELECT '0190c5a1-0000-7000-8000-0000000000b1', id, '', $1, 2, 2, $2, 0
               FROM courses ORDER BY slug LIMIT 1")
            .bind(&b"\xFF\xD8 \x00 bytes \xFF\xD9"[..])
            .bind(&admin_id),
        )
        .await
        .expect("image");
    let opts = hocvuso::reports::demo::Options {
        learners: 40,
        lessons_per_learner: 6,
        months: 3,
        seed: 16,
        progress: false,
    };
    hocvuso::reports::demo::generate(&app.state.db, &app.state.province, &opts)
        .await
        .expect("demo data");
    hocvuso::stats::fold::catch_up(&app.state.db)
        .await
        .expect("aggregate");
}

/// The learner signs in on `app` and sees their account.
async fn learner_signs_in(app: &TestApp) {
    let r = app.sign_in(LEARNER_PHONE, LEARNER_PASSWORD).await;
    assert_eq!(r.status(), 303, "sign-in on the copy");
    let (s, page) = app.get_text("/tai-khoan").await;
    assert_eq!(s, 200);
    assert!(page.contains("Hồ Thị Lan"), "the learner's account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_restore_and_export_to_postgres_keep_every_row() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    populate(&app).await;
    let dir = temp_dir("backup");
    let file = dir.join("hocvuso-backup.db");

    // Online: the server is running and keeps running.
    let out = backup::backup(&app.state.settings.database_url, &file)
        .await
        .expect("backup");
    assert!(out.contains("integrity ok"), "{out}");
    let err = backup::backup(&app.state.settings.database_url, &file)
        .await
        .expect_err("never overwrites");
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(app.get("/healthz").await.status(), 200);

    let copy = Db::open_sqlite_read_only(&file).await.expect("open backup");
    let expected = store::snapshot(&copy).await.expect("snapshot");
    copy.close().await;
    for table in [
        "people",
        "units",
        "lesson_progress",
        "stat_events",
        "stat_agg",
        "roles",
        "learning_images",
    ] {
        assert!(
            !expected[table].is_empty(),
            "{table} has rows in the backup"
        );
    }

    // Restore into a new SQLite database: every table, every row.
    let url = TestApp::fresh_database_url(Backend::Sqlite)
        .await
        .expect("url");
    let report = backup::restore(&file, &url).await.expect("restore");
    assert_eq!(report.tables.len(), expected.len(), "{report}");
    let restored = Db::connect(&url).await.expect("connect");
    assert_eq!(
        store::snapshot(&restored).await.expect("snapshot"),
        expected
    );
    restored.close().await;
    // Never over data.
    let err = backup::restore(&file, &url)
        .await
        .expect_err("not into a used database");
    assert!(err.to_string().contains("not empty"), "{err}");
    let server = TestApp::spawn_on(&url, Backend::Sqlite).await;
    learner_signs_in(&server).await;
    // A used database is refused even when it was started once and never used since: units are loaded.
    let err = backup::restore(&file, &app.state.settings.database_url)
        .await
        .expect_err("not into the live database");
    assert!(err.to_string().contains("not empty"), "{err}");

    // Moving to PostgreSQL.
    if let Some(pg) = TestApp::fresh_database_url(Backend::Postgres).await {
        let from = format!("sqlite://{}", file.display());
        let report = backup::export_all(&from, &pg).await.expect("export");
        assert_eq!(
            report.rows(),
            expected.values().map(|r| r.len() as u64).sum::<u64>()
        );
        let moved = Db::connect(&pg).await.expect("connect");
        let got = store::snapshot(&moved).await.expect("snapshot");
        moved.close().await;
        for (table, rows) in &expected {
            assert_eq!(got.get(table), Some(rows), "table {table} on PostgreSQL");
        }
        assert_eq!(got.len(), expected.len());
        let server = TestApp::spawn_on(&pg, Backend::Postgres).await;
        learner_signs_in(&server).await;
        let err = backup::export_all(&from, &pg)
            .await
            .expect_err("not into a used database");
        assert!(err.to_string().contains("not empty"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

both!(backup_command_by_backend, |app: TestApp| async move {
    let dir = temp_dir("backup-cmd");
    let file = dir.join("b.db");
    let url = app.state.settings.database_url.clone();
    let out = backup::backup(&url, &file).await.expect("backup");
    match app.backend {
        Backend::Sqlite => assert!(file.is_file() && out.contains("integrity ok"), "{out}"),
        Backend::Postgres => {
            assert!(
                out.contains("reachable") && out.contains("pg_dump"),
                "{out}"
            );
            assert!(!file.exists(), "pg_dump writes PostgreSQL backups");
            let err = backup::backup("postgres://postgres@127.0.0.1:1/nothing", &file)
                .await
                .expect_err("unreachable");
            assert!(err.to_string().contains("not reachable"), "{err}");
        }
    }
    // What is not an SQLite backup is refused with a reason.
    let junk = dir.join("junk.dump");
    std::fs::write(&junk, b"PGDMP\x01\x0e\x00 custom archive").expect("write");
    let err = backup::restore(&junk, &url)
        .await
        .expect_err("a pg_dump archive");
    assert!(err.to_string().contains("pg_restore"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
});

/// `hocvuso backup` and `hocvuso restore` as an operator runs them: exit codes and messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_commands() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    app.as_province_admin(ADMIN_PHONE).await;
    let dir = temp_dir("backup-cli");
    let file = dir.join("b.db");
    let run = |args: &[&str], url: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hocvuso"))
            .args(args)
            .env("HOCVUSO_DATABASE_URL", url)
            .env("HOCVUSO_LOG", "warn")
            .output()
            .expect("run hocvuso")
    };
    let live = app.state.settings.database_url.clone();
    let file_arg = file.to_str().expect("utf-8 path");
    let out = run(&["backup", file_arg], &live);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh = TestApp::fresh_database_url(Backend::Sqlite)
        .await
        .expect("url");
    let out = run(&["restore", file_arg], &fresh);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("restored"));
    let out = run(&["restore", file_arg], &live);
    assert!(!out.status.success(), "a used database is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------------
// Upgrades

/// A database of the release before last (every migration but the newest two) with its data, then
/// this release's migrations: every record is still there, and the app works on it.
async fn upgrade_keeps_every_record(backend: Backend) {
    let Some(url) = TestApp::fresh_database_url(backend).await else {
        return;
    };
    let db = Db::connect(&url).await.expect("connect");
    let latest = db.latest_migration();
    db.migrate_to(latest - 2).await.expect("the old schema");
    assert_eq!(
        store::applied_migrations(&db)
            .await
            .expect("applied")
            .last(),
        Some(&(latest - 2))
    );

    // What the older release wrote, in its own columns.
    let province = hocvuso::units::reference::ensure_province(&db, "44")
        .await
        .expect("units");
    let library = hocvuso::content_source::ContentSource::new("/nonexistent")
        .library()
        .expect("content");
    hocvuso::learning::import::import_library(&db, &library)
        .await
        .expect("courses");
    let hash = hocvuso::people::password::hash(LEARNER_PASSWORD.to_owned())
        .await
        .expect("hash");
    let now = hocvuso::db::now();
    let people = [
        ("p-admin", "+84900000001", "Trần Văn Tỉnh", None),
        ("p-lan", "+84912345678", "Hồ Thị Lan", Some("p-admin")),
    ];
    for (id, phone, name, recorded_by) in people {
        db.execute(
            q("INSERT INTO people (id, phone, password_hash, full_name, birth_year, sex, ethnic_group,
                 unit_code, target_group, consent_at, consent_version, consent_recorded_by, search_key,
                 created_at, updated_at, is_demo)
               VALUES ($1, $2, $3, $4, 1962, 'nu', 'Kinh', $5, 'nguoi-dan', $6, '1', $7, $8, $6, $6, FALSE)")
            .bind(id)
            .bind(phone)
            .bind(&hash)
            .bind(name)
            .bind(crate::QT_COMMUNE_A)
            .bind(now)
            .bind(recorded_by)
            .bind(name.to_lowercase()),
        )
        .await
        .expect("person");
    }
    db.execute(
        q(
            "INSERT INTO roles (person_id, role, unit_code, granted_by, granted_at)
           VALUES ('p-admin', 'province_admin', $1, NULL, $2)",
        )
        .bind(&province.code)
        .bind(now),
    )
    .await
    .expect("role");
    db.execute(
        q(
            "INSERT INTO sessions (token_hash, person_id, created_at, expires_at)
           VALUES ('old-session', 'p-lan', $1, $2)",
        )
        .bind(now)
        .bind(now + 86_400),
    )
    .await
    .expect("session");
    db.execute(
        q("INSERT INTO lesson_progress (person_id, lesson_id, opened_at, passed_at, best_percent, attempts)
           SELECT 'p-lan', id, $1, $1, 100, 1 FROM lessons ORDER BY id LIMIT 3")
        .bind(now),
    )
    .await
    .expect("progress");
    // A quiz answer sent with a client id, kept for its replays.
    const MOVED: &str = "0190c5a1-0000-7000-8000-000000000001";
    db.execute(
        q(
            "INSERT INTO learning_writes (client_id, person_id, kind, result, at)
           VALUES ($2, 'p-lan', 'quiz', '[{\"percent\":100}]', $1)",
        )
        .bind(now)
        .bind(MOVED),
    )
    .await
    .expect("learning write");
    // An image a course editor uploaded, stored as base64 text as releases before 0015 did.
    const IMAGE: &str = "0190c5a1-0000-7000-8000-0000000000a1";
    let jpeg: &[u8] =
        b"\xFF\xD8\xFF\xE0 not really a JPEG, but bytes that are not text \x00\x01\xFF\xD9";
    db.execute(
        q("INSERT INTO learning_images (id, course_id, data, width, height, created_by, created_at)
           SELECT $1, id, $2, 4, 3, 'p-admin', $3 FROM courses ORDER BY slug LIMIT 1")
        .bind(IMAGE)
        .bind(base64::engine::general_purpose::STANDARD.encode(jpeg))
        .bind(now),
    )
    .await
    .expect("image");
    let before = store::snapshot(&db).await.expect("snapshot");

    db.migrate().await.expect("this release's migrations");
    let after = store::snapshot(&db).await.expect("snapshot");
    // Learning's replay table moved under the receipts (0014), row for row.
    let receipt: Option<(String, Option<String>, Option<String>)> = db
        .fetch_optional(
            q("SELECT kind, actor_id, result FROM sync_receipts
              WHERE client_id = $1")
            .bind(MOVED),
        )
        .await
        .expect("read the receipts");
    assert_eq!(
        receipt.expect("the learning write's receipt"),
        (
            "lesson_quiz".to_owned(),
            Some("p-lan".to_owned()),
            Some("[{\"percent\":100}]".to_owned())
        )
    );
    // Every other old row is found, column for column (new columns come after the old ones).
    for (table, rows) in &before {
        if table == "learning_writes" {
            assert!(!after.contains_key(table), "learning_writes is gone");
            continue;
        }
        if table == "learning_images" {
            // Its base64 text becomes bytes (0015); checked through the page below.
            continue;
        }
        let now_rows = after.get(table).expect("table kept");
        let mut projected: Vec<Vec<String>> = now_rows
            .iter()
            .filter(|r| !(table == "sync_receipts" && r.iter().any(|v| v.contains(MOVED))))
            .map(|r| r[..rows.first().map_or(0, Vec::len)].to_vec())
            .collect();
        projected.sort();
        assert_eq!(&projected, rows, "table {table}");
    }
    db.close().await;

    let app = TestApp::spawn_on(&url, backend).await;
    learner_signs_in(&app).await;
    let admin = app.new_browser();
    let r = admin.sign_in(ADMIN_PHONE, LEARNER_PASSWORD).await;
    assert_eq!(r.status(), 303, "the old administrator signs in");
    assert_eq!(admin.get("/quan-ly").await.status(), 200, "and administers");
    assert_eq!(app.count("lesson_progress").await, 3);
    let r = app
        .client
        .get(app.url(&format!("/hoc/anh/{IMAGE}.jpg")))
        .send()
        .await
        .expect("GET image");
    assert_eq!(r.status(), 200, "the old image is served");
    assert_eq!(&r.bytes().await.expect("body")[..], jpeg, "byte for byte");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_from_an_older_release_sqlite() {
    upgrade_keeps_every_record(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_from_an_older_release_postgres() {
    upgrade_keeps_every_record(Backend::Postgres).await;
}

// ---------------------------------------------------------------------------------------------------
// Operable: probes, metrics, shutdown

both!(probes_and_metrics, |app: TestApp| async move {
    let (s, body) = app.get_text("/healthz").await;
    assert_eq!((s, body.as_str()), (200, "ok"));
    let (s, body) = app.get_text("/readyz").await;
    assert_eq!((s, body.as_str()), (200, "ready"));

    assert_eq!(app.get("/").await.status(), 200);
    for _ in 0..2 {
        assert_eq!(app.get("/hoc/vneid/vneid-la-gi").await.status(), 200);
    }
    assert_eq!(app.get("/khong-co-trang-nay/123").await.status(), 404);

    // A household recorded on a phone two hours ago, stored now: its outbox lag is in the 6-hour bucket
    // and not in the 1-hour one. (Other tests in this process sync too, so only differences are read.)
    let lag_between = |text: &str| {
        let bucket = |le: &str| {
            text.lines()
                .find_map(|l| {
                    l.strip_prefix(&format!(
                        "hocvuso_sync_outbox_lag_seconds_bucket{{le=\"{le}\"}} "
                    ))
                })
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        };
        bucket("21600") - bucket("3600")
    };
    let before = lag_between(&app.get_text("/metrics").await.1);
    let f = crate::teams::setup(&app).await;
    let recorded = hocvuso::db::now() - 2 * 3600;
    let (s, out) = crate::teams::sync(
        &f.member_a,
        serde_json::json!({"items": [{"client_id": uuid::Uuid::now_v7().to_string(), "kind": "household",
            "device_time": recorded,
            "data": {"village": f.village_a, "head_name": "Hồ Văn Chờ", "address": "Xóm Núi", "adults": 1}}]}),
    )
    .await;
    assert_eq!(s, 200, "{out}");
    assert_eq!(crate::teams::statuses(&out), vec!["created"], "{out}");
    assert!(
        lag_between(&app.get_text("/metrics").await.1) > before,
        "the item that waited two hours is counted between 1 h and 6 h"
    );

    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 200, "from this machine, not through a proxy");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text().await.expect("body");
    for needle in [
        "hocvuso_http_requests_total{route=\"/hoc/{course}/{lesson}\",method=\"GET\",status=\"200\"}",
        "hocvuso_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}",
        "hocvuso_http_request_duration_seconds_bucket{route=\"/\",method=\"GET\",le=\"+Inf\"}",
        "hocvuso_http_request_duration_seconds_count{route=\"/\",method=\"GET\"}",
        "hocvuso_db_connections{pool=",
        "state=\"in_use\"}",
        "hocvuso_sync_items_total{status=\"duplicate\"}",
        "# TYPE hocvuso_sync_outbox_lag_seconds histogram",
        "hocvuso_cache_lookups_total{cache=\"lesson_pages\",result=\"hit\"}",
        "# TYPE hocvuso_http_request_duration_seconds histogram",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
    assert!(
        !text.contains("khong-co-trang"),
        "raw paths are never labels"
    );
    // Every sample line is `name{labels} value` with a number.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap_or_default();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }

    // Through a proxy (nginx on this machine adds X-Forwarded-For): not found, like any unknown page.
    let r = app
        .client
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), 404);

    // With a token configured, the token is what counts.
    let guarded = app
        .spawn_sibling_with(|s| s.metrics_token = Some("prometheus-secret".into()))
        .await;
    assert_eq!(guarded.get("/metrics").await.status(), 404);
    let r = guarded
        .client
        .get(guarded.url("/metrics"))
        .bearer_auth("prometheus-secret")
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), 200);

    // A database whose schema is behind this release: alive, but not ready for traffic.
    let latest = app.state.db.latest_migration();
    app.state
        .db
        .execute(q("DELETE FROM _sqlx_migrations WHERE version = $1").bind(latest))
        .await
        .expect("forget the newest migration");
    let (s, body) = app.get_text("/readyz").await;
    assert_eq!(s, 503, "{body}");
    assert!(body.contains("schema"), "{body}");
    assert_eq!(app.get("/healthz").await.status(), 200);
});

/// A request still arriving when the server is told to stop is answered; then the server exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_requests_in_flight() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let url = TestApp::fresh_database_url(Backend::Sqlite)
        .await
        .expect("url");
    let state = hocvuso::prepare(TestApp::settings_for(url))
        .await
        .expect("prepare");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(hocvuso::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let body = json!({ "question": "lam sao kich hoat vneid muc 2" }).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut conn = tokio::net::TcpStream::connect(addr).await.expect("connect");
    conn.write_all(
        format!(
            "POST /api/v1/assistant/ask HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{first}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .expect("send the head and half the body");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.send(()).expect("signal");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    conn.write_all(rest.as_bytes())
        .await
        .expect("the rest of the body");
    let mut answer = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(20),
        conn.read_to_string(&mut answer),
    )
    .await
    .expect("answered in time")
    .expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"confident\":true"), "{answer}");

    tokio::time::timeout(std::time::Duration::from_secs(20), server)
        .await
        .expect("the server exits once the request is done")
        .expect("join")
        .expect("serve");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}
