//! Reports: aggregates against direct counts, indicators, scope, public suppression, open data, exports.
use std::collections::{HashMap, HashSet};

use hocvuso::db::q;
use hocvuso::reports::dashboard::Figures;
use hocvuso::stats::{StatEvent, emit, emit_kind, metric};
use hocvuso::stats::{cube, fold, period::Period};

use crate::{QT_COMMUNE_A, QT_COMMUNE_B, TestApp, both};

#[derive(sqlx::FromRow, Debug)]
struct EventRow {
    metric: String,
    kind: Option<String>,
    unit_path: String,
    person_id: Option<String>,
    target_group: Option<String>,
    sex: Option<String>,
    birth_year: Option<i64>,
    ethnic_minority: Option<i64>,
    value: i64,
    at: i64,
}

#[derive(sqlx::FromRow, Debug)]
struct AggRow {
    unit_code: String,
    grain: String,
    period: String,
    metric: String,
    dim: String,
    dim_value: String,
    n: i64,
    total: i64,
}

type Key = (String, String, String, String, String, String);

/// The aggregates computed the slow, obvious way from every event: an oracle written independently of
/// the aggregator (no `Cube`), checked against `stat_agg` in both directions.
pub(crate) async fn assert_aggregates_match_events(app: &TestApp) {
    let events: Vec<EventRow> = app
        .state
        .db
        .fetch_all(q(
            "SELECT metric, kind, unit_path, person_id, target_group, sex, birth_year, ethnic_minority, value, at FROM stat_events",
        ))
        .await
        .expect("events");
    let mut want: HashMap<Key, (i64, i64)> = HashMap::new();
    let mut active: HashMap<Key, HashSet<String>> = HashMap::new();
    for e in &events {
        let t = hocvuso::i18n::vn_time(e.at);
        let (y, m, d) = (t.year(), u8::from(t.month()), t.day());
        let periods = [
            ("d", format!("{y:04}-{m:02}-{d:02}")),
            ("m", format!("{y:04}-{m:02}")),
            ("q", format!("{y:04}-Q{}", (m - 1) / 3 + 1)),
            ("y", format!("{y:04}")),
        ];
        let mut dims: Vec<(&str, String)> = vec![("all", String::new())];
        if e.person_id.is_some() {
            let age = match e.birth_year.map(|b| i64::from(y) - b) {
                None => "unknown",
                Some(a) if a < 15 => "0-14",
                Some(a) if a < 25 => "15-24",
                Some(a) if a < 40 => "25-39",
                Some(a) if a < 60 => "40-59",
                Some(_) => "60+",
            };
            let eth = match e.ethnic_minority {
                Some(0) => "kinh",
                Some(_) => "minority",
                None => "unknown",
            };
            dims.push(("tg", e.target_group.clone().unwrap_or_default()));
            dims.push(("sex", e.sex.clone().unwrap_or_default()));
            dims.push(("age", age.into()));
            dims.push(("eth", eth.into()));
        }
        if let Some(k) = &e.kind {
            dims.push(("kind", k.clone()));
        }
        let is_activity = [
            "lesson_opened",
            "lesson_completed",
            "course_completed",
            "certificate_issued",
            "class_attendance",
        ]
        .contains(&e.metric.as_str());
        for unit in e.unit_path.split('/').filter(|s| !s.is_empty()) {
            for (grain, period) in &periods {
                for (dim, value) in &dims {
                    if *grain == "d" && *dim != "all" {
                        continue;
                    }
                    let key = (
                        unit.to_owned(),
                        grain.to_string(),
                        period.clone(),
                        e.metric.clone(),
                        dim.to_string(),
                        value.clone(),
                    );
                    let w = want.entry(key).or_insert((0, 0));
                    w.0 += 1;
                    w.1 += e.value;
                    if is_activity && *grain != "d" && *dim != "kind" {
                        let key = (
                            unit.to_owned(),
                            grain.to_string(),
                            period.clone(),
                            cube::ACTIVE.to_owned(),
                            dim.to_string(),
                            value.clone(),
                        );
                        if let Some(p) = &e.person_id {
                            active.entry(key).or_default().insert(p.clone());
                        }
                    }
                }
            }
        }
    }
    for (k, people) in active {
        let n = people.len() as i64;
        want.insert(k, (n, n));
    }
    let rows: Vec<AggRow> = app
        .state
        .db
        .fetch_all(q(
            "SELECT unit_code, grain, period, metric, dim, dim_value, n, total FROM stat_agg",
        ))
        .await
        .expect("agg");
    let got: HashMap<Key, (i64, i64)> = rows
        .into_iter()
        .map(|r| {
            (
                (r.unit_code, r.grain, r.period, r.metric, r.dim, r.dim_value),
                (r.n, r.total),
            )
        })
        .collect();
    let mut wrong = Vec::new();
    for (k, v) in &want {
        if got.get(k) != Some(v) {
            wrong.push(format!("{k:?}: want {v:?}, got {:?}", got.get(k)));
        }
    }
    for (k, v) in &got {
        if !want.contains_key(k) && *v != (0, 0) {
            wrong.push(format!("{k:?}: unexpected {v:?}"));
        }
    }
    wrong.sort();
    assert!(
        wrong.is_empty(),
        "{} of {} cells differ, e.g.:\n{}",
        wrong.len(),
        want.len(),
        wrong
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(!want.is_empty());
}

/// A village of commune A, created through the admin tree.
pub(crate) async fn village(app: &TestApp, admin: &TestApp, name: &str) -> String {
    let r = admin
        .post_form(
            &format!("/quan-ly/don-vi/{QT_COMMUNE_A}/them-thon"),
            &[("name", name), ("division_type", "thôn")],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.state
        .db
        .scalar::<String>(
            q("SELECT code FROM units WHERE parent_code = $1 AND name = $2")
                .bind(QT_COMMUNE_A)
                .bind(name),
        )
        .await
        .expect("query")
        .expect("village")
}

pub(crate) async fn emit_one(
    app: &TestApp,
    m: &str,
    unit: &str,
    person: Option<&str>,
    value: i64,
    at: i64,
    kind: Option<&str>,
) {
    let mut tx = app.state.db.begin().await.expect("tx");
    let ev = StatEvent {
        metric: m,
        unit_code: unit,
        person_id: person,
        value,
        at,
    };
    match kind {
        Some(k) => emit_kind(&mut tx, ev, k).await,
        None => emit(&mut tx, ev).await,
    }
    .expect("emit");
    tx.commit().await.expect("commit");
}

async fn figure(
    app: &TestApp,
    unit: &str,
    grain: &str,
    period: &str,
    m: &str,
    dim: &str,
    v: &str,
) -> i64 {
    app.state
        .db
        .scalar::<i64>(
            q("SELECT total FROM stat_agg WHERE unit_code = $1 AND grain = $2 AND period = $3 AND metric = $4
               AND dim = $5 AND dim_value = $6")
            .bind(unit)
            .bind(grain)
            .bind(period)
            .bind(m)
            .bind(dim)
            .bind(v),
        )
        .await
        .expect("query")
        .unwrap_or(0)
}

both!(aggregates_equal_direct_counts, |app: TestApp| async move {
    let admin = app.new_browser();
    admin.as_province_admin("0900000001").await;
    let v1 = village(&app, &admin, "Thôn Một").await;
    let v2 = village(&app, &admin, "Thôn Hai").await;
    let people = [
        (
            "0911000001",
            "Hồ Thị Lan",
            "nu",
            "1958",
            "Bru-Vân Kiều",
            v1.as_str(),
            "nguoi-dan",
        ),
        (
            "0911000002",
            "Lê Văn Nam",
            "nam",
            "2001",
            "Kinh",
            v1.as_str(),
            "doan-vien",
        ),
        (
            "0911000003",
            "Trần Thị Hoa",
            "nu",
            "1980",
            "Kinh",
            v2.as_str(),
            "can-bo",
        ),
        (
            "0911000004",
            "Phạm Văn Bình",
            "nam",
            "1990",
            "Kinh",
            "",
            "nguoi-dan",
        ),
    ];
    let mut ids = Vec::new();
    for (phone, name, sex, year, eth, village, tg) in people {
        let b = app.new_browser();
        let r = b
            .sign_up_with(&[
                ("phone", phone),
                ("full_name", name),
                ("sex", sex),
                ("birth_year", year),
                ("ethnic_group", eth),
                ("village", village),
                ("target_group", tg),
            ])
            .await;
        assert_eq!(r.status(), 303, "sign-up {name}");
        ids.push(app.person_id(phone).await);
    }
    // Two years; a quarter boundary; 2025-03-31 17:30 UTC is already 1 April in Vietnam.
    let times = [
        1_735_700_000,
        1_743_442_200,
        1_743_400_000,
        1_760_000_000,
        1_700_000_000,
    ];
    let homes = [v1.as_str(), v1.as_str(), v2.as_str(), QT_COMMUNE_A];
    for (i, id) in ids.iter().enumerate() {
        for (j, at) in times.iter().enumerate() {
            let m = if (i + j) % 3 == 0 {
                metric::LESSON_OPENED
            } else {
                metric::LESSON_COMPLETED
            };
            emit_one(&app, m, homes[i], Some(id), 1, *at, None).await;
        }
        emit_one(
            &app,
            metric::COURSE_COMPLETED,
            homes[i],
            Some(id),
            1,
            times[i],
            None,
        )
        .await;
    }
    emit_one(
        &app,
        metric::CERTIFICATE_ISSUED,
        &v1,
        Some(&ids[0]),
        1,
        times[1],
        None,
    )
    .await;
    emit_one(&app, metric::CLASS_HELD, &v2, None, 1, times[0], None).await;
    emit_one(
        &app,
        metric::CLASS_ATTENDANCE,
        &v2,
        Some(&ids[2]),
        1,
        times[0],
        None,
    )
    .await;
    emit_one(
        &app,
        metric::TEAM_ACTIVITY,
        &v1,
        None,
        3,
        times[3],
        Some("vneid_install"),
    )
    .await;
    emit_one(
        &app,
        metric::TEAM_ACTIVITY,
        &v2,
        Some(&ids[2]),
        1,
        times[3],
        Some("cashless_setup"),
    )
    .await;
    emit_one(&app, metric::HOUSEHOLD_COUNT, &v1, None, 1, times[0], None).await;
    emit_one(&app, metric::HOUSEHOLD_COUNT, &v1, None, 1, times[0], None).await;
    emit_one(
        &app,
        metric::HOUSEHOLD_CHECK,
        &v1,
        None,
        1,
        times[1],
        Some("smartphone"),
    )
    .await;
    emit_one(
        &app,
        metric::SCAM_REPORT,
        QT_COMMUNE_B,
        None,
        1,
        times[2],
        Some("fake_bank"),
    )
    .await;
    // An unknown unit writes nothing and leaves nothing pending.
    emit_one(&app, metric::SCAM_REPORT, "99999", None, 1, times[2], None).await;

    fold::catch_up(&app.state.db).await.expect("aggregate");
    assert_eq!(fold::pending(&app.state.db).await.expect("pending"), 0);
    assert_aggregates_match_events(&app).await;

    // A few figures spelled out, so a reader sees what is counted.
    assert_eq!(
        figure(
            &app,
            QT_COMMUNE_A,
            "y",
            "2025",
            metric::LESSON_COMPLETED,
            "sex",
            "nu"
        )
        .await
            + figure(
                &app,
                QT_COMMUNE_A,
                "y",
                "2025",
                metric::LESSON_OPENED,
                "sex",
                "nu"
            )
            .await,
        8
    );
    assert_eq!(
        figure(
            &app,
            "44",
            "q",
            "2025-Q2",
            metric::LESSON_COMPLETED,
            "all",
            ""
        )
        .await
            + figure(&app, "44", "q", "2025-Q2", metric::LESSON_OPENED, "all", "").await,
        4,
        "Vietnam time"
    );
    assert_eq!(
        figure(
            &app,
            QT_COMMUNE_A,
            "y",
            "2025",
            cube::ACTIVE,
            "eth",
            "minority"
        )
        .await,
        1
    );
    assert_eq!(
        figure(&app, "44", "y", "2025", cube::ACTIVE, "all", "").await,
        4
    );
    assert_eq!(
        figure(
            &app,
            "44",
            "y",
            "2025",
            metric::TEAM_ACTIVITY,
            "kind",
            "vneid_install"
        )
        .await,
        3
    );

    // More events later (a second batch) keep the aggregates equal to the events, incrementally.
    for id in &ids {
        emit_one(
            &app,
            metric::LESSON_COMPLETED,
            homes[0],
            Some(id),
            1,
            times[3] + 60,
            None,
        )
        .await;
    }
    emit_one(
        &app,
        metric::HOUSEHOLD_CHECK,
        &v1,
        None,
        -1,
        times[3],
        Some("smartphone"),
    )
    .await;
    fold::catch_up(&app.state.db).await.expect("aggregate");
    assert_aggregates_match_events(&app).await;
    assert_eq!(
        figure(
            &app,
            "44",
            "y",
            "2025",
            metric::HOUSEHOLD_CHECK,
            "kind",
            "smartphone"
        )
        .await,
        0
    );
});

both!(
    demo_data_is_marked_and_its_aggregates_are_exact,
    |app: TestApp| async move {
        let opts = hocvuso::reports::demo::Options {
            learners: 150,
            lessons_per_learner: 12,
            months: 12,
            seed: 7,
            progress: false,
        };
        let s = hocvuso::reports::demo::generate(&app.state.db, &app.state.province, &opts)
            .await
            .expect("demo");
        assert_eq!(s.learners, 150);
        assert!(s.villages_created >= 78 * 5, "{s}");
        assert_eq!(
        app.count("people WHERE is_demo AND full_name LIKE '%(demo)' AND phone IS NULL AND password_hash IS NULL").await,
        150
    );
        let lessons = app
            .count("stat_events WHERE metric IN ('lesson_opened', 'lesson_completed')")
            .await;
        assert_eq!(lessons as u64, s.lesson_events);
        assert_eq!(app.count("stat_events").await as u64, s.events);
        assert_eq!(
            app.count("stat_inbox").await,
            0,
            "demo folds its own events in"
        );
        assert_aggregates_match_events(&app).await;
        // Live events on top of demo data go through the normal path and stay exact.
        let someone: String = app
            .state
            .db
            .scalar(q("SELECT id FROM people WHERE is_demo ORDER BY id LIMIT 1"))
            .await
            .expect("q")
            .expect("person");
        let unit: String = app
            .state
            .db
            .scalar(q("SELECT unit_code FROM people WHERE id = $1").bind(&someone))
            .await
            .expect("q")
            .expect("unit");
        for _ in 0..3 {
            emit_one(
                &app,
                metric::LESSON_COMPLETED,
                &unit,
                Some(&someone),
                1,
                hocvuso::db::now(),
                None,
            )
            .await;
        }
        fold::catch_up(&app.state.db).await.expect("aggregate");
        assert_aggregates_match_events(&app).await;
        let (status, body) = app.get_text("/so-lieu").await;
        assert_eq!(status, 200);
        assert!(body.contains("DỮ LIỆU MẪU"), "demo banner");
        assert!(!body.contains("(demo)"), "no names on the public page");
    }
);

both!(
    indicators_are_validated_and_their_history_kept,
    |app: TestApp| async move {
        // The 2024 baseline is there from the first start.
        let internet: Option<f64> = app
        .state
        .db
        .scalar(q("SELECT value FROM indicator_values WHERE indicator_code = 'internet_users' AND unit_code = '44' AND period = '2024'"))
        .await
        .expect("q");
        assert_eq!(internet, Some(107.3));
        let (_, public) = app.get_text("/so-lieu?period=2025").await;
        assert!(
            public.contains("107,3%") && public.contains("4.327") && public.contains("1.197"),
            "baseline shown"
        );

        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let post =
            |ind: &'static str, period: &'static str, value: &'static str, target: &'static str| {
                let admin = &admin;
                async move {
                    admin
                        .post_form(
                            &format!("/quan-ly/chi-so/44/{ind}"),
                            &[("period", period), ("value", value), ("target", target)],
                        )
                        .await
                }
            };
        let values = || async { app.count("indicator_values").await };
        let before = values().await;
        // Internet users may pass 100%, but never go negative.
        assert_eq!(
            post("internet_users", "2025", "112,5", "115")
                .await
                .status(),
            303
        );
        let r = post("internet_users", "2025", "-3", "").await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.expect("body");
        assert!(
            body.contains("aria-invalid=\"true\"") && body.contains("không được âm"),
            "{body}"
        );
        // Most shares stop at 100%.
        assert_eq!(
            post("households_smartphone", "2025", "107,3", "")
                .await
                .status(),
            422
        );
        // Counts are whole numbers (Vietnamese thousands dots are fine).
        assert_eq!(post("team_members", "2025", "12,5", "").await.status(), 422);
        assert_eq!(post("team_members", "2025", "abc", "").await.status(), 422);
        assert_eq!(
            post("team_members", "2025-13", "5.000", "").await.status(),
            422
        );
        assert_eq!(values().await, before + 1, "rejected entries write nothing");
        assert_eq!(
            post("team_members", "2025", "5.012", "6.000")
                .await
                .status(),
            303
        );
        assert_eq!(
            post("team_members", "2025", "5.100", "").await.status(),
            303
        );
        assert_eq!(
            post("no_such_indicator", "2025", "1", "").await.status(),
            404
        );

        #[derive(sqlx::FromRow)]
        struct H {
            field: String,
            old_value: Option<f64>,
            new_value: f64,
            changed_by_name: String,
        }
        let hist: Vec<H> = app
        .state
        .db
        .fetch_all(q("SELECT field, old_value, new_value, changed_by_name FROM indicator_history
                      WHERE indicator_code = 'team_members' AND unit_code = '44' AND period = '2025' ORDER BY changed_at, new_value"))
        .await
        .expect("history");
        let seen: Vec<(String, Option<f64>, f64)> = hist
            .iter()
            .map(|h| (h.field.clone(), h.old_value, h.new_value))
            .collect();
        assert!(seen.contains(&("value".into(), None, 5012.0)), "{seen:?}");
        assert!(seen.contains(&("target".into(), None, 6000.0)));
        assert!(
            seen.contains(&("value".into(), Some(5012.0), 5100.0)),
            "old → new"
        );
        assert!(hist.iter().all(|h| h.changed_by_name == "Trần Văn Tỉnh"));
        let (_, page) = admin
            .get_text("/quan-ly/chi-so/44/team_members?period=2025")
            .await;
        assert!(
            page.contains("5.012") && page.contains("5.100") && page.contains("Trần Văn Tỉnh"),
            "history shown"
        );
        // Progress to target on the dashboard: 5.100 of 6.000 = 85%.
        let (_, dash) = admin.get_text("/quan-ly/bao-cao/44?period=2025").await;
        assert!(
            dash.contains("85%") && dash.contains("chart-targets"),
            "progress to target"
        );
    }
);

both!(
    commune_admin_reads_and_writes_only_their_commune,
    |app: TestApp| async move {
        let province = app.new_browser();
        province.as_province_admin("0900000001").await;
        let a = app.new_browser();
        a.sign_up_with(&[("phone", "0911000001"), ("commune", QT_COMMUNE_A)])
            .await;
        let a_id = app.person_id("0911000001").await;
        let r = province
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303);

        let r = a.get("/quan-ly/bao-cao").await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            r.headers()["location"],
            format!("/quan-ly/bao-cao/{QT_COMMUNE_A}").as_str()
        );
        assert_eq!(
            a.get(&format!("/quan-ly/bao-cao/{QT_COMMUNE_A}"))
                .await
                .status(),
            200
        );
        for path in [
            format!("/quan-ly/bao-cao/{QT_COMMUNE_B}"),
            "/quan-ly/bao-cao/44".to_owned(),
            format!("/quan-ly/bao-cao/{QT_COMMUNE_B}/bao-cao.xlsx"),
            format!("/quan-ly/bao-cao/{QT_COMMUNE_B}/bao-cao.csv"),
            format!("/quan-ly/bao-cao/{QT_COMMUNE_B}/in"),
            format!("/quan-ly/chi-so/{QT_COMMUNE_B}"),
            format!("/quan-ly/chi-so/{QT_COMMUNE_B}/team_members"),
        ] {
            assert_eq!(a.get(&path).await.status(), 403, "{path}");
        }
        let before = app.count("indicator_values").await;
        let r = a
            .post_form(
                &format!("/quan-ly/chi-so/{QT_COMMUNE_B}/teams_village"),
                &[("period", "2025"), ("value", "7"), ("target", "")],
            )
            .await;
        assert_eq!(r.status(), 403);
        assert_eq!(app.count("indicator_values").await, before);
        let r = a
            .post_form(
                &format!("/quan-ly/chi-so/{QT_COMMUNE_A}/teams_village"),
                &[("period", "2025"), ("value", "7"), ("target", "")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("indicator_values").await, before + 1);
        // A learner is no administrator; nobody signed in is sent to sign in.
        let learner = app.new_browser();
        learner.sign_up_with(&[("phone", "0911000009")]).await;
        assert_eq!(
            learner
                .get(&format!("/quan-ly/bao-cao/{QT_COMMUNE_A}"))
                .await
                .status(),
            403
        );
        let anon = app.new_browser();
        let r = anon.get(&format!("/quan-ly/bao-cao/{QT_COMMUNE_A}")).await;
        assert_eq!(r.status(), 303);
        // Malformed or unknown periods and units are answered, not crashed on.
        assert_eq!(
            a.get(&format!("/quan-ly/bao-cao/{QT_COMMUNE_A}?period=2025-13"))
                .await
                .status(),
            400
        );
        assert_eq!(a.get("/quan-ly/bao-cao/99999").await.status(), 404);
    }
);

both!(
    public_page_suppresses_small_counts_and_names,
    |app: TestApp| async move {
        for (i, name) in ["Hồ Thị Lan", "Lê Văn Nam"].iter().enumerate() {
            let b = app.new_browser();
            b.sign_up_with(&[("phone", &format!("091100000{i}")), ("full_name", name)])
                .await;
        }
        fold::catch_up(&app.state.db).await.expect("aggregate");
        let (status, body) = app.get_text(&format!("/so-lieu?unit={QT_COMMUNE_A}")).await;
        assert_eq!(status, 200);
        // Askama escapes "<" as "&#60;": what a reader sees is "<5".
        assert!(body.contains("&#60;5"), "2 registrations shown as <5");
        assert!(!body.contains(">2<"), "the exact small count is not shown");
        assert!(!body.contains("Hồ Thị Lan") && !body.contains("Lê Văn Nam"));
        assert!(
            body.contains("role=\"img\"") && body.contains("aria-labelledby"),
            "charts are labelled images"
        );
        assert!(body.contains("<table"), "with their data tables");
        let (_, province) = app.get_text("/so-lieu").await;
        assert!(province.contains("&#60;5") && !province.contains("Hồ Thị Lan"));
        assert_eq!(app.get("/so-lieu?period=2025-Q7").await.status(), 400);
        assert_eq!(app.get("/so-lieu?unit=99999").await.status(), 404);
        assert_eq!(
            app.get("/so-lieu?unit=01").await.status(),
            404,
            "another province"
        );
        // Administrators see the exact figure.
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let (_, exact) = admin
            .get_text(&format!("/quan-ly/bao-cao/{QT_COMMUNE_A}"))
            .await;
        assert!(!exact.contains("&#60;5"));
        assert!(exact.contains("<dd>2</dd>"), "exact count for admins");
    }
);

both!(
    stats_api_answers_caches_and_allows_cors,
    |app: TestApp| async move {
        for i in 0..6 {
            let b = app.new_browser();
            b.sign_up_with(&[
                ("phone", &format!("091100001{i}")),
                ("commune", QT_COMMUNE_B),
            ])
            .await;
        }
        fold::catch_up(&app.state.db).await.expect("aggregate");
        let year = Period::current_year(hocvuso::db::now()).key();
        let r = app
            .client
            .get(app.url(&format!("/api/v1/stats/units/{QT_COMMUNE_B}?period={year}")))
            .header("origin", "https://datamine.example.org")
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        assert!(
            r.headers()["cache-control"]
                .to_str()
                .unwrap_or("")
                .contains("max-age")
        );
        let etag = r.headers()["etag"].to_str().expect("etag").to_owned();
        let json: serde_json::Value = r.json().await.expect("json");
        assert_eq!(json["unit"]["code"], QT_COMMUNE_B);
        assert_eq!(json["period"], year.as_str());
        let figures = json["figures"].as_array().expect("figures");
        let reg = figures
            .iter()
            .find(|f| f["measure"] == "registered" && f["dimension"] == "all")
            .expect("registered");
        assert_eq!(reg["value"], 6);
        let women = figures
            .iter()
            .find(|f| {
                f["measure"] == "registered" && f["dimension"] == "sex" && f["category"] == "nu"
            })
            .expect("by sex");
        assert_eq!(women["value"], 6);
        let minority = figures
            .iter()
            .find(|f| {
                f["measure"] == "registered"
                    && f["dimension"] == "eth"
                    && f["category"] == "minority"
            })
            .expect("by ethnicity");
        assert_eq!(minority["value"], 6);
        // Nothing personal in open data.
        let text = json.to_string();
        assert!(!text.contains("Hồ Thị Lan") && !text.contains("+84"));

        let r = app
            .client
            .get(app.url(&format!("/api/v1/stats/units/{QT_COMMUNE_B}?period={year}")))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status(), 304);
        assert_eq!(r.headers()["etag"].to_str().ok(), Some(etag.as_str()));
        // New data, new ETag.
        let b = app.new_browser();
        b.sign_up_with(&[("phone", "0911000099"), ("commune", QT_COMMUNE_B)])
            .await;
        fold::catch_up(&app.state.db).await.expect("aggregate");
        let r = app
            .client
            .get(app.url(&format!("/api/v1/stats/units/{QT_COMMUNE_B}?period={year}")))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status(), 200);

        // Small counts are suppressed in open data too.
        let (_, body) = app
            .get_text(&format!("/api/v1/stats/units/{QT_COMMUNE_A}"))
            .await;
        assert!(body.contains("\"suppression_threshold\":5"));
        let r = app.get("/api/v1/stats/units/99999?period=2025").await;
        assert_eq!(r.status(), 404);
        let r = app.get("/api/v1/stats/units/44?period=2025-13").await;
        assert_eq!(r.status(), 400);
        let err: serde_json::Value = r.json().await.expect("json error");
        assert_eq!(err["error"]["code"], "period-malformed");
        assert_eq!(
            app.get("/api/v1/stats/units/44?period=25").await.status(),
            400
        );
        assert_eq!(app.get("/api/v1/stats/units/abc").await.status(), 400);
        for p in ["2025", "2025-Q3", "2025-07", "2025-07-14"] {
            assert_eq!(
                app.get(&format!("/api/v1/stats/units/44?period={p}"))
                    .await
                    .status(),
                200,
                "{p}"
            );
        }
        // Preflight from another site.
        let r = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/stats/units/44"))
            .header("origin", "https://datamine.example.org")
            .header("access-control-request-method", "GET")
            .send()
            .await
            .expect("OPTIONS");
        assert!(r.status().is_success());
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
    }
);

both!(
    xlsx_csv_and_print_reports_add_up,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        for (i, c) in [QT_COMMUNE_A, QT_COMMUNE_A, QT_COMMUNE_B]
            .iter()
            .enumerate()
        {
            let b = app.new_browser();
            b.sign_up_with(&[("phone", &format!("091100002{i}")), ("commune", c)])
                .await;
        }
        let someone = app.person_id("0911000020").await;
        let now = hocvuso::db::now();
        for _ in 0..3 {
            emit_one(
                &app,
                metric::LESSON_COMPLETED,
                QT_COMMUNE_A,
                Some(&someone),
                1,
                now,
                None,
            )
            .await;
        }
        fold::catch_up(&app.state.db).await.expect("aggregate");
        let year = Period::current_year(now).key();

        let r = admin
            .get(&format!("/quan-ly/bao-cao/44/bao-cao.xlsx?period={year}"))
            .await;
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .contains("spreadsheetml")
        );
        let bytes = r.bytes().await.expect("bytes");
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx opens");
        let sheet = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&sheet).expect("sheet");
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let text = |d: &Data| d.to_string();
        assert!(
            rows.iter()
                .any(|r| r.iter().any(|c| text(c).contains("UBND TỈNH QUẢNG TRỊ"))),
            "issuing body"
        );
        assert!(
            rows.iter()
                .any(|r| r.iter().any(|c| text(c).contains("THỦ TRƯỞNG ĐƠN VỊ"))),
            "signature block"
        );
        let header = rows
            .iter()
            .position(|r| r.iter().any(|c| text(c) == "STT"))
            .expect("header row");
        let total_at = rows
            .iter()
            .position(|r| r.iter().any(|c| text(c) == "Tổng cộng"))
            .expect("totals row");
        let data = &rows[header + 1..total_at];
        assert_eq!(data.len(), 78, "one row per commune");
        let num = |d: &Data| match d {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            _ => 0.0,
        };
        let cols = rows[header].len();
        let mut checked = 0;
        for c in 2..cols {
            let sum: f64 = data.iter().map(|r| num(&r[c])).sum();
            assert_eq!(num(&rows[total_at][c]), sum, "column {c}");
            checked += (sum > 0.0) as i32;
        }
        assert!(checked >= 2, "the totals are not all zero");
        let registered_col = 2;
        assert_eq!(num(&rows[total_at][registered_col]), 3.0);

        let r = admin
            .get(&format!(
                "/quan-ly/bao-cao/{QT_COMMUNE_A}/bao-cao.csv?period={year}"
            ))
            .await;
        assert_eq!(r.status(), 200);
        let csv_bytes = r.bytes().await.expect("csv");
        assert!(csv_bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
        let mut rd = csv::Reader::from_reader(&csv_bytes[3..]);
        let recs: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
        let total = recs.last().expect("totals");
        assert_eq!(&total[1], "Tổng cộng");
        assert_eq!(&total[2], "2", "two registered in commune A");
        assert_eq!(
            recs.iter()
                .rev()
                .skip(1)
                .map(|r| r[2].parse::<i64>().unwrap_or(0))
                .sum::<i64>(),
            2
        );

        let (s, print) = admin
            .get_text(&format!("/quan-ly/bao-cao/44/in?period={year}"))
            .await;
        assert_eq!(s, 200);
        assert!(
            print.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && print.contains("Tổng cộng")
        );
    }
);

both!(
    open_data_export_writes_csv_json_and_schema,
    |app: TestApp| async move {
        for i in 0..7 {
            let b = app.new_browser();
            let sex = if i == 0 { "nam" } else { "nu" };
            b.sign_up_with(&[
                ("phone", &format!("091100003{i}")),
                ("full_name", "Nguyễn Thị Riêng"),
                ("sex", sex),
            ])
            .await;
        }
        fold::catch_up(&app.state.db).await.expect("aggregate");
        let dir = std::env::temp_dir().join(format!("hv-open-{}", uuid::Uuid::new_v4().simple()));
        let s = hocvuso::reports::opendata::export(&app.state, &dir)
            .await
            .expect("export");
        assert_eq!(s.units, 79);
        assert!(s.stats_rows > 0 && s.indicator_rows >= 14, "{s}");
        for f in [
            "units.csv",
            "units.json",
            "stats.csv",
            "stats.json",
            "indicators.csv",
            "indicators.json",
            "datapackage.json",
        ] {
            assert!(dir.join(f).exists(), "{f}");
        }
        let csv_bytes = std::fs::read(dir.join("stats.csv")).expect("read");
        assert!(csv_bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8_lossy(&csv_bytes);
        assert!(!text.contains("Nguyễn Thị Riêng"));
        assert!(
            text.contains(&format!("{QT_COMMUNE_A},year,")),
            "{}",
            &text[..200.min(text.len())]
        );
        let stats: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("stats.json")).expect("read"))
                .expect("json");
        let rows = stats.as_array().expect("array");
        assert_eq!(rows.len(), s.stats_rows);
        let reg = rows
            .iter()
            .find(|r| {
                r["unit_code"] == QT_COMMUNE_A
                    && r["grain"] == "year"
                    && r["metric"] == "person_registered"
                    && r["dimension"] == "all"
            })
            .expect("registered row");
        assert_eq!(reg["value"], 7);
        assert!(
            rows.iter().any(|r| r["suppressed"] == true),
            "small breakdowns suppressed"
        );
        let pkg: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("datapackage.json")).expect("read"))
                .expect("json");
        let resources = pkg["resources"].as_array().expect("resources");
        assert_eq!(resources.len(), 6);
        assert!(resources.iter().all(|r| {
            r["schema"]["fields"]
                .as_array()
                .is_some_and(|f| !f.is_empty())
        }));
        let _ = std::fs::remove_dir_all(&dir);
    }
);

both!(
    dashboard_figures_are_cached_per_aggregate_version,
    |app: TestApp| async move {
        // Leaders opening the same dashboard share one read, and a fold is visible at once.
        let db = &app.state.db;
        let province = app.state.province.as_ref().clone();
        let children = hocvuso::units::store::children(db, &province.code)
            .await
            .expect("children");
        let year = Period::current_year(hocvuso::db::now());
        let read = || {
            hocvuso::reports::cache::unit_figures(
                &app.state.dashboards,
                db,
                &province,
                &children,
                &year,
            )
        };
        fold::catch_up(db).await.expect("aggregate");
        let first = read().await.expect("figures");
        let again = read().await.expect("figures");
        assert!(std::sync::Arc::ptr_eq(&first, &again), "served from memory");
        let before = first.figures.total("lessons_completed");
        for _ in 0..30 {
            emit_one(
                &app,
                metric::LESSON_COMPLETED,
                QT_COMMUNE_A,
                None,
                1,
                hocvuso::db::now(),
                None,
            )
            .await;
        }
        // The server's own aggregator may fold some of them first; either way, once folded, they show.
        fold::catch_up(db).await.expect("aggregate");
        let after = read().await.expect("figures");
        assert_eq!(after.figures.total("lessons_completed"), before + 30);
        let row = after
            .table
            .rows
            .iter()
            .find(|r| r.code == QT_COMMUNE_A)
            .expect("commune row");
        let direct = Figures::load(db, QT_COMMUNE_A, &year).await.expect("load");
        assert_eq!(direct.total("lessons_completed"), 30);
        assert!(row.values.contains(&30), "{:?}", row.values);
    }
);
