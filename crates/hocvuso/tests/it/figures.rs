//! Issue 12: the figures a commune sends up are true. Each scenario is replayed over HTTP as a volunteer,
//! an instructor or an official would, then every aggregate is recomputed from the facts
//! (`hocvuso check figures`) and must show 0 differences; the commune's figures in the stats API and in
//! the stored aggregates are the true ones.
use hocvuso::db::q;
use hocvuso::reports::figures;
use hocvuso::stats::{fold, period::Period};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::classes::make_class;
use crate::teams::{count, scalar, setup};
use crate::{QT_COMMUNE_A, TestApp, both};

/// What `hocvuso check figures` runs; a scenario passes only with 0 differences.
pub async fn assert_figures_true(app: &TestApp) {
    let r = figures::check(&app.state.db, false)
        .await
        .expect("check figures");
    let cells: Vec<String> = r.cells.iter().take(10).map(|c| c.to_string()).collect();
    assert!(
        r.cells.is_empty() && r.uncounted.is_empty() && r.stale.is_empty(),
        "figures differ from the facts: uncounted {:?}, stale {:?}, {} cells, e.g.\n{}",
        r.uncounted,
        r.stale,
        r.cells.len(),
        cells.join("\n")
    );
}

/// A figure of the current year for a unit, straight from the aggregates (what dashboards read).
async fn year_total(app: &TestApp, unit: &str, metric: &str) -> i64 {
    let year = Period::current_year(hocvuso::db::now()).key();
    app.state
        .db
        .scalar::<i64>(
            q("SELECT total FROM stat_agg WHERE unit_code = $1 AND grain = 'y' AND period = $2 AND metric = $3
               AND dim = 'all' AND dim_value = ''")
            .bind(unit)
            .bind(year)
            .bind(metric),
        )
        .await
        .expect("query")
        .unwrap_or(0)
}

/// A measure of the current year in the public stats API (0 is shown; 1–4 would read as suppressed).
async fn api_value(app: &TestApp, unit: &str, measure: &str) -> serde_json::Value {
    let year = Period::current_year(hocvuso::db::now()).key();
    let r = app
        .get(&format!("/api/v1/stats/units/{unit}?period={year}"))
        .await;
    assert_eq!(r.status(), 200);
    let json: serde_json::Value = r.json().await.expect("json");
    json["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["measure"] == measure && f["dimension"] == "all")
        .map(|f| f["value"].clone())
        .unwrap_or(serde_json::Value::Null)
}

/// "YYYY-MM-DD" in Vietnam time, `days` from today.
fn day(days: i64) -> String {
    let t = hocvuso::i18n::vn_time(hocvuso::db::now() + days * 86_400);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// A class in commune A with a session yesterday, one last week and one next week (besides the two
/// `make_class` adds); returns (code, past session, future session).
async fn class_with_sessions(app: &TestApp, admin: &TestApp) -> (String, String, String) {
    let code = make_class(admin, "30").await;
    for d in [-1, -7, 7] {
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/buoi"),
                &[("date", &day(d)), ("start", "08:00"), ("duration", "90")],
            )
            .await;
        assert_eq!(r.status(), 303, "session");
    }
    let class_id = scalar(app, "SELECT id FROM classes WHERE code = $1", &code).await;
    let class_id = &class_id;
    let session_on = |d: i64| {
        let date = day(d);
        async move {
            let starts = hocvuso::classes::model::parse_local_start(&date, "08:00").expect("time");
            app.state
                .db
                .scalar::<String>(
                    q("SELECT id FROM class_sessions WHERE class_id = $1 AND starts_at = $2")
                        .bind(class_id)
                        .bind(starts),
                )
                .await
                .expect("query")
                .expect("session")
        }
    };
    let past = session_on(-1).await;
    let future = session_on(7).await;
    (code, past, future)
}

async fn learner(app: &TestApp, phone: &str, name: &str, code: &str) -> String {
    let b = app.new_browser();
    b.sign_up_with(&[
        ("phone", phone),
        ("full_name", name),
        ("commune", QT_COMMUNE_A),
    ])
    .await;
    let r = b.post_form(&format!("/lop-hoc/{code}/dang-ky"), &[]).await;
    assert_eq!(r.status(), 303);
    app.person_id(phone).await
}

async fn mark(admin: &TestApp, code: &str, sid: &str, person: &str, present: &str) -> u16 {
    admin
        .post_form(
            &format!("/quan-ly/lop/{code}/buoi/{sid}"),
            &[
                ("client_id", &uuid::Uuid::now_v7().to_string()),
                ("person", person),
                ("present", present),
            ],
        )
        .await
        .status()
        .as_u16()
}

both!(
    attendance_corrections_future_sessions_and_results,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let (code, past, future) = class_with_sessions(&app, &admin).await;
        let a = learner(&app, "0914000001", "Người Một", &code).await;
        let b = learner(&app, "0914000002", "Người Hai", &code).await;

        // Present, then corrected to absent: the attendance figure goes back to 0.
        assert_eq!(mark(&admin, &code, &past, &a, "yes").await, 303);
        fold::catch_up(&app.state.db).await.expect("fold");
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_attendance").await, 1);
        assert_eq!(mark(&admin, &code, &past, &a, "no").await, 303);
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_attendance").await, 0);
        assert_eq!(year_total(&app, "44", "class_attendance").await, 0);
        assert_eq!(
            api_value(&app, QT_COMMUNE_A, "class_attendance").await,
            serde_json::json!(0)
        );
        // The session was held (it started and has a mark), once.
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_held").await, 1);

        // A future session: marking is refused with the reason; nothing counts.
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/buoi/{future}"),
                &[("person", &b), ("present", "yes")],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap_or_default().contains("chưa bắt đầu"));
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM class_attendance WHERE session_id = $1",
                &future
            )
            .await,
            0
        );
        // The same mark from the offline outbox is refused too.
        let (_, body) = crate::teams::sync(
            &admin,
            serde_json::json!({"items": [{"client_id": uuid::Uuid::now_v7().to_string(), "kind": "attendance",
                "data": {"session": future, "person": b, "present": "yes"}}]}),
        )
        .await;
        assert_eq!(crate::teams::statuses(&body), vec!["rejected"]);
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_held").await, 1);
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_attendance").await, 0);

        // Results: no default; "Đạt" below the minimum attendance (5 sessions: 4 needed) is refused.
        let res = format!("/quan-ly/lop/{code}/ket-qua");
        let (_, page) = admin.get_text(&format!("/quan-ly/lop/{code}")).await;
        assert!(
            page.contains("— Chọn kết quả —"),
            "no result is preselected"
        );
        let r = admin
            .post_form(&res, &[("person", &b), ("result", "")])
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(mark(&admin, &code, &past, &b, "yes").await, 303);
        let r = admin
            .post_form(
                &res,
                &[("person", &b), ("result", "passed"), ("quiz_passed", "yes")],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap_or_default()
                .contains("số buổi tối thiểu")
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM certificates WHERE person_id = $1",
                &b
            )
            .await,
            0
        );
        // The class lowers its minimum to 1: now "Đạt" is accepted, certificates issued once each
        // however often the result is saved.
        app.state
            .db
            .execute(q("UPDATE classes SET min_attendance = 1 WHERE code = $1").bind(&code))
            .await
            .expect("update");
        for _ in 0..2 {
            let r = admin
                .post_form(
                    &res,
                    &[("person", &b), ("result", "passed"), ("quiz_passed", "yes")],
                )
                .await;
            assert_eq!(r.status(), 303);
        }
        let certs = count(
            &app,
            "SELECT COUNT(*) FROM certificates WHERE person_id = $1",
            &b,
        )
        .await;
        assert_eq!(
            certs,
            count(
                &app,
                "SELECT COUNT(DISTINCT course_id) FROM certificates WHERE person_id = $1",
                &b
            )
            .await
        );
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_attendance").await, 1);
    }
);

both!(
    checklist_and_activity_are_one_record,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/thon/{}/ho", f.village_a),
                &[
                    ("client_id", &uuid::Uuid::now_v7().to_string()),
                    ("head_name", "Hồ Văn Lai"),
                    ("address", "Xóm Đồng"),
                    ("adults", "3"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let h = scalar(
            &app,
            "SELECT id FROM households WHERE head_name = $1",
            "Hồ Văn Lai",
        )
        .await;
        let activities = || {
            count(
                &app,
                "SELECT COUNT(*) FROM activities WHERE household_id = $1",
                &h,
            )
        };
        // Tick "VNeID level 2", then log the same help as an activity: one activity, one tick.
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/ho/{h}"),
                &[
                    ("client_id", &uuid::Uuid::now_v7().to_string()),
                    ("items", "vneid_level2"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(activities().await, 1);
        let log = |kind: &'static str| {
            let f = &f;
            let h = h.clone();
            async move {
                f.member_a
                    .post_form(
                        &format!("/quan-ly/to/{}/hoat-dong", f.team_a),
                        &[
                            ("client_id", &uuid::Uuid::now_v7().to_string()),
                            ("village", &f.village_a),
                            ("household", &h),
                            ("happened_on", &day(0)),
                            ("kinds", kind),
                            ("people_helped", "1"),
                        ],
                    )
                    .await
                    .status()
            }
        };
        assert_eq!(log("vneid_level2").await, 303);
        assert_eq!(activities().await, 1);
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, &f.village_a, "team_activity").await, 1);
        assert_eq!(year_total(&app, &f.village_a, "household_check").await, 1);
        assert_eq!(year_total(&app, &f.village_a, "household_helped").await, 1);

        // Log "install VNeID" for the household: its checklist item is ticked; ticking it again adds
        // nothing.
        assert_eq!(log("vneid_install").await, 303);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM household_checks WHERE household_id = $1 AND done",
                &h
            )
            .await,
            2
        );
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/ho/{h}"),
                &[
                    ("client_id", &uuid::Uuid::now_v7().to_string()),
                    ("items", "vneid_level2"),
                    ("items", "vneid_installed"),
                    ("was", "vneid_level2"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(activities().await, 2);
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, &f.village_a, "team_activity").await, 2);
        assert_eq!(year_total(&app, &f.village_a, "household_check").await, 2);

        // A tick made by mistake and undone: its activity and both figures go back.
        let tick = |items: &'static [&'static str], was: &'static [&'static str]| {
            let f = &f;
            let h = h.clone();
            async move {
                let cid = uuid::Uuid::now_v7().to_string();
                let mut fields: Vec<(&str, &str)> = vec![("client_id", &cid)];
                fields.extend(items.iter().map(|i| ("items", *i)));
                fields.extend(was.iter().map(|i| ("was", *i)));
                f.member_a
                    .post_form(&format!("/quan-ly/ho/{h}"), &fields)
                    .await
                    .status()
            }
        };
        assert_eq!(
            tick(
                &["vneid_level2", "vneid_installed", "cashless"],
                &["vneid_level2", "vneid_installed"]
            )
            .await,
            303
        );
        assert_eq!(activities().await, 3);
        assert_eq!(
            tick(
                &["vneid_level2", "vneid_installed"],
                &["vneid_level2", "vneid_installed", "cashless"]
            )
            .await,
            303
        );
        assert_eq!(activities().await, 2);
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, &f.village_a, "team_activity").await, 2);
        assert_eq!(year_total(&app, &f.village_a, "household_check").await, 2);
        assert_eq!(
            api_value(&app, QT_COMMUNE_A, "team_activities").await,
            serde_json::json!(null),
            "2 activities are suppressed in open data (fewer than 5)"
        );
    }
);

both!(
    double_submitted_forms_store_one_record,
    |app: TestApp| async move {
        let f = setup(&app).await;
        // The activity form carries a client id made when it was rendered.
        let (_, page) = f
            .member_a
            .get_text(&format!("/quan-ly/to/{}/hoat-dong", f.team_a))
            .await;
        let cid = page
            .split("name=\"client_id\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("client id in the form")
            .to_owned();
        let mut locations = Vec::new();
        for _ in 0..3 {
            let r = f
                .member_a
                .post_form(
                    &format!("/quan-ly/to/{}/hoat-dong", f.team_a),
                    &[
                        ("client_id", &cid),
                        ("village", &f.village_a),
                        ("happened_on", &day(0)),
                        ("kinds", "scam_warning"),
                        ("people_helped", "4"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 303);
            locations.push(r.headers()["location"].to_str().unwrap_or("").to_owned());
        }
        assert!(
            locations.windows(2).all(|w| w[0] == w[1]),
            "same confirmation"
        );
        assert_eq!(app.count("activities").await, 1);
        // Registering a person without a phone on their behalf, submitted twice: one person.
        let admin = &f.admin;
        let code = make_class(admin, "30").await;
        let (_, form) = admin
            .get_text(&format!("/quan-ly/lop/{code}/dang-ky-ho"))
            .await;
        let cid = form
            .split("name=\"client_id\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("client id in the registration form")
            .to_owned();
        let people = app.count("people").await;
        let mut locations = Vec::new();
        for _ in 0..2 {
            let r = admin
                .post_form(
                    &format!("/quan-ly/lop/{code}/dang-ky-ho"),
                    &[
                        ("client_id", &cid),
                        ("who", "new"),
                        ("full_name", "Hồ Thị Cúc"),
                        ("birth_year", "1950"),
                        ("sex", "nu"),
                        ("ethnic_group", "Kinh"),
                        ("village", ""),
                        ("target_group", "nguoi-dan"),
                        ("consent_in_person", "yes"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 303);
            locations.push(r.headers()["location"].to_str().unwrap_or("").to_owned());
        }
        assert_eq!(locations[0], locations[1]);
        assert_eq!(app.count("people").await, people + 1);
        assert_figures_true(&app).await;
    }
);

#[derive(Debug, Clone)]
enum Op {
    /// Mark learner `l` at past session `s` present or absent.
    Mark { s: usize, l: usize, present: bool },
    /// Tick or untick checklist item `i` of the household.
    Tick { i: usize, done: bool },
    /// Log an activity of kind `k` for the household.
    Log { k: usize },
    /// Fold at most this many waiting events.
    Fold(i64),
}

const ITEMS: [&str; 3] = ["vneid_installed", "vneid_level2", "cashless"];
const KINDS: [&str; 4] = ["vneid_install", "vneid_level2", "cashless", "scam_warning"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize, 0..2usize, any::<bool>()).prop_map(|(s, l, present)| Op::Mark { s, l, present }),
        3 => (0..ITEMS.len(), any::<bool>()).prop_map(|(i, done)| Op::Tick { i, done }),
        2 => (0..KINDS.len()).prop_map(|k| Op::Log { k }),
        1 => (1..6i64).prop_map(Op::Fold),
    ]
}

both!(
    random_marks_corrections_and_undos_keep_figures_true,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let admin = &f.admin;
        let code = make_class(admin, "30").await;
        for d in [-1, -2] {
            let r = admin
                .post_form(
                    &format!("/quan-ly/lop/{code}/buoi"),
                    &[("date", &day(d)), ("start", "08:00"), ("duration", "90")],
                )
                .await;
            assert_eq!(r.status(), 303);
        }
        let class_id = scalar(&app, "SELECT id FROM classes WHERE code = $1", &code).await;
        let sessions: Vec<(String,)> = app
            .state
            .db
            .fetch_all(
                q("SELECT id FROM class_sessions WHERE class_id = $1 AND starts_at < $2 ORDER BY starts_at DESC LIMIT 2")
                    .bind(&class_id)
                    .bind(hocvuso::db::now()),
            )
            .await
            .expect("sessions");
        let learners = [
            learner(&app, "0914000001", "Người Một", &code).await,
            learner(&app, "0914000002", "Người Hai", &code).await,
        ];
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/thon/{}/ho", f.village_a),
                &[
                    ("client_id", &uuid::Uuid::now_v7().to_string()),
                    ("head_name", "Hồ Văn Lai"),
                    ("address", "Xóm Đồng"),
                    ("adults", "3"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let h = scalar(
            &app,
            "SELECT id FROM households WHERE head_name = $1",
            "Hồ Văn Lai",
        )
        .await;
        let handle = tokio::runtime::Handle::current();
        let mut runner = TestRunner::new(Config {
            cases: 6,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&proptest::collection::vec(op(), 1..10), |ops| {
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    for o in &ops {
                        match o {
                            Op::Mark { s, l, present } => {
                                let st = mark(
                                    admin,
                                    &code,
                                    &sessions[*s].0,
                                    &learners[*l],
                                    if *present { "yes" } else { "no" },
                                )
                                .await;
                                assert_eq!(st, 303);
                            }
                            Op::Tick { i, done } => {
                                let was: Vec<(String,)> = app
                                    .state
                                    .db
                                    .fetch_all(
                                        q("SELECT item FROM household_checks WHERE household_id = $1 AND done")
                                            .bind(&h),
                                    )
                                    .await
                                    .expect("checks");
                                let mut items: Vec<String> = was.iter().map(|(x,)| x.clone()).collect();
                                items.retain(|x| x != ITEMS[*i]);
                                if *done {
                                    items.push(ITEMS[*i].to_owned());
                                }
                                let cid = uuid::Uuid::now_v7().to_string();
                                let mut fields: Vec<(&str, &str)> = vec![("client_id", &cid)];
                                fields.extend(items.iter().map(|x| ("items", x.as_str())));
                                fields.extend(was.iter().map(|(x,)| ("was", x.as_str())));
                                let r = f.member_a.post_form(&format!("/quan-ly/ho/{h}"), &fields).await;
                                assert_eq!(r.status(), 303);
                            }
                            Op::Log { k } => {
                                let r = f
                                    .member_a
                                    .post_form(
                                        &format!("/quan-ly/to/{}/hoat-dong", f.team_a),
                                        &[
                                            ("client_id", &uuid::Uuid::now_v7().to_string()),
                                            ("village", &f.village_a),
                                            ("household", &h),
                                            ("happened_on", &day(0)),
                                            ("kinds", KINDS[*k]),
                                        ],
                                    )
                                    .await;
                                assert_eq!(r.status(), 303);
                            }
                            Op::Fold(n) => {
                                fold::run_batch(&app.state.db, *n).await.expect("fold");
                            }
                        }
                    }
                    // Every aggregate against a count from the facts.
                    fold::catch_up(&app.state.db).await.expect("fold");
                    let present = app
                        .state
                        .db
                        .count(
                            q("SELECT COUNT(*) FROM class_attendance a JOIN class_sessions s ON s.id = a.session_id
                               WHERE s.class_id = $1 AND a.present")
                            .bind(&class_id),
                        )
                        .await
                        .expect("count");
                    let attendance = year_total(&app, QT_COMMUNE_A, "class_attendance").await;
                    let ticked = count(&app, "SELECT COUNT(*) FROM household_checks WHERE household_id = $1 AND done", &h).await;
                    let acts = count(&app, "SELECT COUNT(*) FROM activities WHERE household_id = $1", &h).await;
                    let ticks = year_total(&app, &f.village_a, "household_check").await;
                    let act_figure = year_total(&app, &f.village_a, "team_activity").await;
                    assert_figures_true(&app).await;
                    // Never two records of one help: at most one activity per kind for the household.
                    let dup = app
                        .state
                        .db
                        .count(
                            q("SELECT COUNT(*) FROM (SELECT kinds FROM activities WHERE household_id = $1
                               GROUP BY kinds HAVING COUNT(*) > 1 AND MIN(from_check) IS NOT NULL) AS d")
                            .bind(&h),
                        )
                        .await
                        .expect("dup");
                    if attendance == present && ticks == ticked && act_figure == acts && dup == 0 {
                        Ok(())
                    } else {
                        Err(TestCaseError::fail(format!(
                            "attendance {attendance} vs {present}, ticks {ticks} vs {ticked}, activities {act_figure} vs {acts}, dup {dup}"
                        )))
                    }
                })
            })
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }
);

// ---- item 3: every write form carries a client id ----------------------------------------------

/// Post a write form as a double tap does (two copies at once) and as a back-button resubmit does (a
/// third copy later), all with the one client id the page gave the form. Every copy must be answered
/// with the same confirmation; returns it.
async fn tap_twice(b: &TestApp, path: &str, fields: &[(&str, &str)]) -> String {
    let cid = uuid::Uuid::now_v7().to_string();
    let mut all: Vec<(&str, &str)> = vec![("client_id", cid.as_str())];
    all.extend_from_slice(fields);
    let (r1, r2) = tokio::join!(b.post_form(path, &all), b.post_form(path, &all));
    let r3 = b.post_form(path, &all).await;
    let mut locations = Vec::new();
    for r in [r1, r2, r3] {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if status != 303 {
            let body = r.text().await.unwrap_or_default();
            let errors: Vec<&str> = body
                .split("class=\"err\"")
                .skip(1)
                .filter_map(|e| e.split("</p>").next())
                .collect();
            panic!("{path} answered {status}: {errors:?}");
        }
        locations.push(location);
    }
    assert!(
        locations.windows(2).all(|w| w[0] == w[1]),
        "{path}: every copy gets the same confirmation: {locations:?}"
    );
    locations.swap_remove(0)
}

/// The client id a rendered page gave the form posting to `action`.
fn form_client_id(page: &str, action: &str) -> Option<String> {
    let form = page.split(&format!("action=\"{action}\"")).nth(1)?;
    let form = form.split("</form>").next()?;
    form.split("name=\"client_id\" value=\"")
        .nth(1)?
        .split('"')
        .next()
        .map(str::to_owned)
}

both!(
    every_write_form_double_tapped_stores_one_record,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let admin = &f.admin;

        // Pages give their write forms a client id.
        let (_, venues_page) = admin
            .get_text(&format!("/quan-ly/dia-diem?xa={QT_COMMUNE_A}"))
            .await;
        assert!(form_client_id(&venues_page, "/quan-ly/dia-diem").is_some());
        let (_, new_class) = admin
            .get_text(&format!("/quan-ly/lop/moi?xa={QT_COMMUNE_A}"))
            .await;
        assert!(form_client_id(&new_class, "/quan-ly/lop/moi").is_some());
        let (_, team_page) = admin.get_text(&format!("/quan-ly/to/{}", f.team_a)).await;
        assert!(
            form_client_id(&team_page, &format!("/quan-ly/to/{}/thanh-vien", f.team_a)).is_some()
        );

        // Venue: created once, edited once.
        let venues = app.count("venues").await;
        tap_twice(
            admin,
            "/quan-ly/dia-diem",
            &[
                ("commune", QT_COMMUNE_A),
                ("kind", "cultural_house"),
                ("name", "Nhà văn hóa Hai"),
                ("address", "Thôn Hai"),
                ("capacity", "40"),
                ("equipment", ""),
            ],
        )
        .await;
        assert_eq!(app.count("venues").await, venues + 1);
        let venue = scalar(
            &app,
            "SELECT id FROM venues WHERE name = $1",
            "Nhà văn hóa Hai",
        )
        .await;
        tap_twice(
            admin,
            &format!("/quan-ly/dia-diem/{venue}"),
            &[
                ("kind", "cultural_house"),
                ("name", "Nhà văn hóa Hai"),
                ("address", "Thôn Hai, xóm Đồng"),
                ("capacity", "45"),
                ("equipment", ""),
            ],
        )
        .await;
        assert_eq!(app.count("venues").await, venues + 1);

        // Class: created once, edited once.
        let classes = app.count("classes").await;
        let class_fields = |title: &'static str| {
            vec![
                ("commune", QT_COMMUNE_A),
                ("title", title),
                ("courses", "vneid"),
                ("mode", "in_person"),
                ("venue", venue.as_str()),
                ("target_group", "nguoi-dan"),
                ("capacity", "30"),
                ("status", "open"),
                ("how_to_join", "Đến nhà văn hóa thôn Hai."),
                ("min_attendance", "1"),
            ]
        };
        let loc = tap_twice(admin, "/quan-ly/lop/moi", &class_fields("Lớp hai lần")).await;
        assert_eq!(app.count("classes").await, classes + 1);
        let code = loc.trim_start_matches("/quan-ly/lop/").to_owned();
        tap_twice(
            admin,
            &format!("/quan-ly/lop/{code}"),
            &class_fields("Lớp hai lần (sửa)"),
        )
        .await;
        assert_eq!(app.count("classes").await, classes + 1);
        let class_id = scalar(&app, "SELECT id FROM classes WHERE code = $1", &code).await;

        // Sessions: added once each; the future one deleted once (the second tap is not an error).
        for d in [-1, 3] {
            tap_twice(
                admin,
                &format!("/quan-ly/lop/{code}/buoi"),
                &[("date", &day(d)), ("start", "08:00"), ("duration", "90")],
            )
            .await;
        }
        let sessions = || {
            count(
                &app,
                "SELECT COUNT(*) FROM class_sessions WHERE class_id = $1",
                &class_id,
            )
        };
        assert_eq!(sessions().await, 2);
        let first = |sql: &'static str| {
            let class_id = class_id.clone();
            let app = &app;
            async move {
                app.state
                    .db
                    .scalar::<String>(q(sql).bind(&class_id).bind(hocvuso::db::now()))
                    .await
                    .expect("query")
                    .expect("session")
            }
        };
        let past =
            first("SELECT id FROM class_sessions WHERE class_id = $1 AND starts_at < $2").await;
        let future =
            first("SELECT id FROM class_sessions WHERE class_id = $1 AND starts_at > $2").await;
        tap_twice(
            admin,
            &format!("/quan-ly/lop/{code}/buoi/{future}/xoa"),
            &[],
        )
        .await;
        assert_eq!(sessions().await, 1);

        // Attendance and the result: one mark, one result, one certificate per course.
        let a = learner(&app, "0914000001", "Người Một", &code).await;
        tap_twice(
            admin,
            &format!("/quan-ly/lop/{code}/buoi/{past}"),
            &[("person", &a), ("present", "yes")],
        )
        .await;
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM class_attendance WHERE person_id = $1",
                &a
            )
            .await,
            1
        );
        tap_twice(
            admin,
            &format!("/quan-ly/lop/{code}/ket-qua"),
            &[("person", &a), ("result", "passed"), ("quiz_passed", "yes")],
        )
        .await;
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM class_results WHERE person_id = $1",
                &a
            )
            .await,
            1
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM certificates WHERE person_id = $1",
                &a
            )
            .await,
            1
        );

        // Registration on someone's behalf, then cancelled for them: one person, one cancellation.
        let people = app.count("people").await;
        tap_twice(
            &f.member_a,
            &format!("/quan-ly/lop/{code}/dang-ky-ho"),
            &[
                ("who", "new"),
                ("full_name", "Hồ Thị Cúc"),
                ("birth_year", "1950"),
                ("sex", "nu"),
                ("ethnic_group", "Kinh"),
                ("village", &f.village_a),
                ("target_group", "nguoi-dan"),
                ("consent_in_person", "yes"),
            ],
        )
        .await;
        assert_eq!(app.count("people").await, people + 1);
        let cuc = scalar(
            &app,
            "SELECT id FROM people WHERE full_name = $1",
            "Hồ Thị Cúc",
        )
        .await;
        tap_twice(admin, &format!("/quan-ly/lop/{code}/huy/{cuc}"), &[]).await;

        // Teams: one team, one member (not a member and then an invitation to themselves).
        let teams = app.count("teams").await;
        tap_twice(
            admin,
            "/quan-ly/to",
            &[("unit", QT_COMMUNE_A), ("name", "Tổ CNS phường")],
        )
        .await;
        assert_eq!(app.count("teams").await, teams + 1);
        let people = app.count("people").await;
        fold::catch_up(&app.state.db).await.expect("fold");
        let registered = year_total(&app, &f.village_a, "person_registered").await;
        tap_twice(
            admin,
            &format!("/quan-ly/to/{}/thanh-vien", f.team_a),
            &[
                ("phone", "0915000009"),
                ("full_name", "Đoàn Văn Mới"),
                ("sex", "nam"),
                ("ethnic_group", "Kinh"),
                ("role", "volunteer"),
                ("joined_on", "2026-01-05"),
            ],
        )
        .await;
        assert_eq!(app.count("people").await, people + 1);
        // A new member is a person registered, like a sign-up, counted once.
        fold::catch_up(&app.state.db).await.expect("fold");
        assert_eq!(
            year_total(&app, &f.village_a, "person_registered").await,
            registered + 1
        );
        assert_eq!(app.count("invitations").await, 0);

        // A village, a household, a tick, an activity.
        let units = app.count("units").await;
        tap_twice(
            admin,
            &format!("/quan-ly/don-vi/{QT_COMMUNE_A}/them-thon"),
            &[("name", "Thôn Ba"), ("division_type", "thôn")],
        )
        .await;
        assert_eq!(app.count("units").await, units + 1);
        tap_twice(
            &f.member_a,
            &format!("/quan-ly/thon/{}/ho", f.village_a),
            &[
                ("head_name", "Hồ Văn Lai"),
                ("address", "Xóm Đồng"),
                ("adults", "3"),
            ],
        )
        .await;
        assert_eq!(app.count("households").await, 1);
        let h = scalar(
            &app,
            "SELECT id FROM households WHERE head_name = $1",
            "Hồ Văn Lai",
        )
        .await;
        tap_twice(
            &f.member_a,
            &format!("/quan-ly/ho/{h}"),
            &[("items", "vneid_level2")],
        )
        .await;
        tap_twice(
            &f.member_a,
            &format!("/quan-ly/to/{}/hoat-dong", f.team_a),
            &[
                ("village", &f.village_a),
                ("happened_on", &day(0)),
                ("kinds", "scam_warning"),
                ("people_helped", "4"),
            ],
        )
        .await;
        assert_eq!(
            app.count("activities").await,
            2,
            "the tick's and the logged one"
        );

        // Indicator values, an FAQ entry, a course.
        let history = app.count("indicator_history").await;
        tap_twice(
            admin,
            "/quan-ly/chi-so/44/team_members",
            &[("period", "2025"), ("value", "12"), ("target", "")],
        )
        .await;
        assert_eq!(app.count("indicator_history").await, history + 1);
        let faq = app.count("assistant_faq").await;
        tap_twice(
            admin,
            "/quan-ly/tro-ly/soan",
            &[
                ("slug", "gia-vang-hom-nay"),
                ("q", "Giá vàng hôm nay bao nhiêu?"),
                ("alt", "giá vàng"),
                (
                    "a",
                    "Học vụ số không theo dõi giá vàng. Hãy xem giá niêm yết tại cửa hàng vàng.",
                ),
                ("lessons", ""),
                ("publish", "yes"),
            ],
        )
        .await;
        assert_eq!(app.count("assistant_faq").await, faq + 1);
        let courses = app.count("courses").await;
        tap_twice(
            admin,
            "/quan-ly/hoc/khoa-moi",
            &[
                ("slug", "nop-thue-dien-tu"),
                ("title", "Nộp thuế điện tử"),
                ("summary", "Nộp thuế hộ kinh doanh trên điện thoại."),
                ("topic", "dich-vu-cong"),
                ("level", "co-ban"),
                ("audiences", "nguoi-dan"),
                ("pass_percent", "50"),
                ("published", "yes"),
            ],
        )
        .await;
        assert_eq!(app.count("courses").await, courses + 1);

        // Figures: one attendance, one session held, one activity each, whatever was tapped twice.
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_attendance").await, 1);
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_held").await, 1);
        // People helped: one by the tick's activity, four by the logged one (each stored once).
        assert_eq!(year_total(&app, &f.village_a, "team_activity").await, 5);
        assert_eq!(year_total(&app, &f.village_a, "household_check").await, 1);
    }
);

// ---- item 4: people without phones are found, not duplicated ---------------------------------

/// Register someone without a phone for the class, as a volunteer or instructor does.
async fn on_behalf(
    b: &TestApp,
    code: &str,
    name: &str,
    village: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let cid = uuid::Uuid::now_v7().to_string();
    let mut fields: Vec<(&str, &str)> = vec![
        ("client_id", &cid),
        ("who", "new"),
        ("full_name", name),
        ("birth_year", "1950"),
        ("sex", "nu"),
        ("ethnic_group", "Kinh"),
        ("village", village),
        ("target_group", "nguoi-dan"),
        ("consent_in_person", "yes"),
    ];
    for (k, v) in extra {
        match fields.iter_mut().find(|(fk, _)| fk == k) {
            Some(slot) => slot.1 = v,
            None => fields.push((k, v)),
        }
    }
    b.post_form(&format!("/quan-ly/lop/{code}/dang-ky-ho"), &fields)
        .await
}

/// The headline figure labelled `label` on a dashboard page.
fn headline(page: &str, label: &str) -> Option<String> {
    page.split(&format!("<dt>{label}</dt><dd>"))
        .nth(1)?
        .split("</dd>")
        .next()
        .map(str::to_owned)
}

/// The province XLSX report's total of the column headed `heading`.
async fn xlsx_total(admin: &TestApp, heading: &str) -> f64 {
    use calamine::{Data, Reader, Xlsx};
    let year = Period::current_year(hocvuso::db::now()).key();
    let r = admin
        .get(&format!("/quan-ly/bao-cao/44/bao-cao.xlsx?period={year}"))
        .await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.expect("bytes");
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx opens");
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).expect("sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let text = |d: &Data| d.to_string();
    let header = rows
        .iter()
        .find(|r| r.iter().any(|c| text(c) == "STT"))
        .expect("header row");
    let col = header
        .iter()
        .position(|c| text(c) == heading)
        .expect("column");
    let total = rows
        .iter()
        .find(|r| r.iter().any(|c| text(c) == "Tổng cộng"))
        .expect("totals row");
    match &total[col] {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        _ => 0.0,
    }
}

/// The commune report, the dashboard figures, the province XLSX and the stats API all show `want` for
/// class attendance this year.
async fn attendance_shown_everywhere(app: &TestApp, admin: &TestApp, want: i64) {
    let year = Period::current_year(hocvuso::db::now());
    let (s, report) = admin
        .get_text(&format!(
            "/quan-ly/bao-cao/{QT_COMMUNE_A}?period={}",
            year.key()
        ))
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        headline(&report, "Lượt tham dự lớp").as_deref(),
        Some(want.to_string().as_str()),
        "commune report"
    );
    let figures = hocvuso::reports::dashboard::Figures::load(&app.state.db, QT_COMMUNE_A, &year)
        .await
        .expect("figures");
    assert_eq!(figures.total("class_attendance"), want, "dashboard");
    assert_eq!(
        xlsx_total(admin, "Lượt tham dự lớp").await,
        want as f64,
        "XLSX"
    );
    assert_eq!(
        api_value(app, QT_COMMUNE_A, "class_attendance").await,
        serde_json::json!(want),
        "stats API"
    );
}

both!(
    same_no_phone_person_twice_is_found_then_merged,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let admin = &f.admin;
        let (code, past, _) = class_with_sessions(&app, admin).await;
        let class_id = scalar(&app, "SELECT id FROM classes WHERE code = $1", &code).await;
        let week_ago = app
            .state
            .db
            .scalar::<String>(
                q("SELECT id FROM class_sessions WHERE class_id = $1 AND starts_at < $2 AND id <> $3
                   ORDER BY starts_at LIMIT 1")
                .bind(&class_id)
                .bind(hocvuso::db::now() - 3 * 86_400)
                .bind(&past),
            )
            .await
            .expect("query")
            .expect("session a week ago");
        // Four learners with accounts come to yesterday's session (so the figures are big enough to be
        // published in open data).
        for (i, name) in [
            "Trần Văn Một",
            "Trần Văn Hai",
            "Trần Văn Ba",
            "Trần Văn Bốn",
        ]
        .iter()
        .enumerate()
        {
            let p = learner(&app, &format!("091400001{i}"), name, &code).await;
            assert_eq!(mark(admin, &code, &past, &p, "yes").await, 303);
        }

        // A volunteer registers Hồ Thị Cúc (no phone); she comes yesterday.
        let people = app.count("people").await;
        let r = on_behalf(&f.member_a, &code, "Hồ Thị Cúc", &f.village_a, &[]).await;
        assert_eq!(r.status(), 303);
        let first = scalar(
            &app,
            "SELECT id FROM people WHERE full_name = $1",
            "Hồ Thị Cúc",
        )
        .await;
        assert_eq!(mark(admin, &code, &past, &first, "yes").await, 303);

        // Registering her again (typed another way): the likely match is shown, nobody is created.
        let r = on_behalf(&f.member_a, &code, "HỒ THỊ  CÚC", &f.village_a, &[]).await;
        assert_eq!(r.status(), 409);
        let page = r.text().await.expect("body");
        assert!(
            page.contains("Người này có thể đã có trong danh sách")
                && page.contains("name=\"person\" value=\"")
                && page.contains("Đây là một người khác"),
            "{page}"
        );
        assert_eq!(app.count("people").await, people + 1);
        // Picking her registers the existing record (already in this class).
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/lop/{code}/dang-ky-ho"),
                &[("who", "match"), ("person", &first)],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap_or("")
                .contains("kq=already")
        );
        assert_eq!(app.count("people").await, people + 1);
        // Someone outside the commune cannot be named that way.
        let outsider = app.person_id("0911000002").await;
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/lop/{code}/dang-ky-ho"),
                &[("who", "match"), ("person", &outsider)],
            )
            .await;
        assert_eq!(r.status(), 422);

        // Another volunteer insists it is a different person: a second record, which later turns out
        // to be her. It is marked at both past sessions.
        let r = on_behalf(
            &f.member_a,
            &code,
            "Ho Thi Cuc",
            &f.village_a,
            &[("different_person", "yes")],
        )
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("people").await, people + 2);
        let second = scalar(
            &app,
            "SELECT id FROM people WHERE full_name = $1",
            "Ho Thi Cuc",
        )
        .await;
        assert_eq!(mark(admin, &code, &past, &second, "yes").await, 303);
        assert_eq!(mark(admin, &code, &week_ago, &second, "yes").await, 303);
        // She passed; the class needs one session.
        app.state
            .db
            .execute(q("UPDATE classes SET min_attendance = 1 WHERE code = $1").bind(&code))
            .await
            .expect("update");
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/ket-qua"),
                &[
                    ("person", &second),
                    ("result", "passed"),
                    ("quiz_passed", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let certificates = count(
            &app,
            "SELECT COUNT(*) FROM certificates WHERE person_id = $1",
            &second,
        )
        .await;
        assert!(certificates >= 1);
        assert_figures_true(&app).await;
        // Counted as two people: 4 + 2 + 1 attendances, two registrations in the village.
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_attendance").await, 7);
        let registered = year_total(&app, &f.village_a, "person_registered").await;

        // The admin merges the second record into the first from the class roster (twice: one merge).
        let (_, roster) = admin.get_text(&format!("/quan-ly/lop/{code}")).await;
        let cid = form_client_id(&roster, &format!("/quan-ly/lop/{code}/gop")).expect("merge form");
        for _ in 0..2 {
            let r = admin
                .post_form(
                    &format!("/quan-ly/lop/{code}/gop"),
                    &[("client_id", &cid), ("kept", &first), ("merged", &second)],
                )
                .await;
            assert_eq!(r.status(), 303);
            assert_eq!(
                r.headers()["location"].to_str().unwrap_or(""),
                format!("/quan-ly/lop/{code}?kq=merged")
            );
        }
        assert_eq!(app.count("people").await, people + 1);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &second).await,
            0
        );
        // Everything of hers is kept: one registration, a mark at both sessions, the result and the
        // certificates; the merge is logged.
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM class_registrations WHERE person_id = $1",
                &first
            )
            .await,
            1
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM class_attendance WHERE person_id = $1 AND present",
                &first
            )
            .await,
            2
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT result FROM class_results WHERE person_id = $1",
                &first
            )
            .await,
            "passed"
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM certificates WHERE person_id = $1",
                &first
            )
            .await,
            certificates
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT merged_name FROM person_merges WHERE kept_id = $1",
                &first
            )
            .await,
            "Ho Thi Cuc"
        );
        // The figures are one person's: yesterday counts once (4 + 1), the week-ago session once more.
        assert_figures_true(&app).await;
        assert_eq!(year_total(&app, QT_COMMUNE_A, "class_attendance").await, 6);
        assert_eq!(
            year_total(&app, &f.village_a, "person_registered").await,
            registered - 1
        );
        attendance_shown_everywhere(&app, admin, 6).await;
        // The person page lists the merge.
        let (_, page) = admin
            .get_text(&format!("/quan-ly/nguoi-dung/{first}"))
            .await;
        assert!(page.contains("Ho Thi Cuc"), "{page}");
    }
);

/// Merge two records from a class roster, as its instructor or admin does.
async fn class_merge(who: &TestApp, code: &str, kept: &str, merged: &str) -> reqwest::Response {
    who.post_form(
        &format!("/quan-ly/lop/{code}/gop"),
        &[
            ("client_id", &uuid::Uuid::now_v7().to_string()),
            ("kept", kept),
            ("merged", merged),
        ],
    )
    .await
}

/// Merge a record into `kept` from the admin's person page.
async fn person_merge(who: &TestApp, kept: &str, merged: &str) -> reqwest::Response {
    who.post_form(
        &format!("/quan-ly/nguoi-dung/{kept}/gop"),
        &[
            ("client_id", &uuid::Uuid::now_v7().to_string()),
            ("merged", merged),
        ],
    )
    .await
}

both!(
    merging_is_authorised_by_every_role_of_both_people,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let admin = &f.admin;
        let code = make_class(admin, "30").await;
        // An instructor of the class (invited by phone, accepted).
        let teacher = app.new_browser();
        teacher
            .sign_up_with(&[
                ("phone", "0917000001"),
                ("full_name", "Cô giáo Hạnh"),
                ("commune", QT_COMMUNE_A),
            ])
            .await;
        let teacher_id = app.person_id("0917000001").await;
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/giang-vien"),
                &[("phone", "0917000001")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(crate::accept_invitations(&teacher).await, 1);
        // Two records of one learner without a phone.
        assert_eq!(
            on_behalf(&f.member_a, &code, "Lê Thị Hoa", &f.village_a, &[])
                .await
                .status(),
            303
        );
        assert_eq!(
            on_behalf(
                &f.member_a,
                &code,
                "Lê Thị Hoa",
                &f.village_a,
                &[("different_person", "yes")]
            )
            .await
            .status(),
            303
        );
        let hoa: Vec<(String,)> = app
            .state
            .db
            .fetch_all(q(
                "SELECT id FROM people WHERE full_name = 'Lê Thị Hoa' ORDER BY created_at, id",
            ))
            .await
            .expect("hoa");
        let (x, y) = (hoa[0].0.clone(), hoa[1].0.clone());
        // A learner with an account, and a team volunteer registered for the class.
        let z = learner(&app, "0914000001", "Người Một", &code).await;
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/lop/{code}/dang-ky-ho"),
                &[("who", "existing"), ("phone", "0911000001")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let volunteer = f.member_a_id.clone();

        // A volunteer (not managing the class) may not merge.
        assert_eq!(class_merge(&f.member_a, &code, &x, &y).await.status(), 404);
        // The instructor may not merge away an account someone signs in with (translated reason)…
        let r = class_merge(&teacher, &code, &x, &z).await;
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap_or_default()
                .contains("tài khoản có người đăng nhập")
        );
        // …nor into a team volunteer's record: their role is not the instructor's to decide.
        assert_eq!(
            class_merge(&teacher, &code, &volunteer, &x).await.status(),
            404
        );
        assert_eq!(app.count("person_merges").await, 0);
        // Two learners of the class: yes.
        assert_eq!(class_merge(&teacher, &code, &x, &y).await.status(), 303);
        assert_eq!(app.count("person_merges").await, 1);

        // A commune admin may not merge a record of someone who teaches: only the province may.
        let official = app.new_browser();
        official
            .sign_up_with(&[
                ("phone", "0919000001"),
                ("full_name", "Cán Bộ Xã"),
                ("commune", QT_COMMUNE_A),
            ])
            .await;
        let official_id = app.person_id("0919000001").await;
        let r = admin
            .post_form(
                &format!("/quan-ly/nguoi-dung/{official_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            on_behalf(
                &f.member_a,
                &code,
                "Cô giáo Hạnh",
                "",
                &[("birth_year", "1962"), ("different_person", "yes")]
            )
            .await
            .status(),
            303
        );
        let copy = scalar(
            &app,
            "SELECT id FROM people WHERE full_name = $1 AND phone IS NULL",
            "Cô giáo Hạnh",
        )
        .await;
        let r = person_merge(&official, &teacher_id, &copy).await;
        assert_eq!(r.status(), 403);
        assert!(
            r.text()
                .await
                .unwrap_or_default()
                .contains("chỉ quản trị viên tỉnh")
        );
        // The commune admin merges plain learners of the commune.
        let (_, page) = official
            .get_text(&format!("/quan-ly/nguoi-dung/{teacher_id}"))
            .await;
        assert!(
            page.contains("Hồ sơ trùng"),
            "the copy is listed as a likely duplicate"
        );
        // The province admin merges the instructor's copy.
        assert_eq!(person_merge(admin, &teacher_id, &copy).await.status(), 303);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM people WHERE id = $1", &copy).await,
            0
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM class_registrations WHERE person_id = $1",
                &teacher_id
            )
            .await,
            1
        );
        assert_figures_true(&app).await;
    }
);

// ---- item 5: the instructor prints the certificate; the learner claims it later ----------------

both!(
    instructor_prints_a_no_phone_learners_certificate_she_claims_later,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = make_class(&admin, "30").await;
        app.state
            .db
            .execute(q("UPDATE classes SET min_attendance = 1 WHERE code = $1").bind(&code))
            .await
            .expect("update");
        let teacher = app.new_browser();
        teacher
            .sign_up_with(&[
                ("phone", "0917000001"),
                ("full_name", "Cô giáo Hạnh"),
                ("commune", QT_COMMUNE_A),
            ])
            .await;
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/giang-vien"),
                &[("phone", "0917000001")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(crate::accept_invitations(&teacher).await, 1);
        // The instructor registers Hồ Thị Mơ, who has no phone, and takes her attendance yesterday.
        assert_eq!(
            on_behalf(&teacher, &code, "Hồ Thị Mơ", "", &[])
                .await
                .status(),
            303
        );
        let mo = scalar(
            &app,
            "SELECT id FROM people WHERE full_name = $1",
            "Hồ Thị Mơ",
        )
        .await;
        let class_id = scalar(&app, "SELECT id FROM classes WHERE code = $1", &code).await;
        let past = app
            .state
            .db
            .scalar::<String>(
                q("SELECT id FROM class_sessions WHERE class_id = $1 AND starts_at < $2")
                    .bind(&class_id)
                    .bind(hocvuso::db::now()),
            )
            .await
            .expect("query")
            .expect("past session");
        assert_eq!(mark(&teacher, &code, &past, &mo, "yes").await, 303);
        let r = teacher
            .post_form(
                &format!("/quan-ly/lop/{code}/ket-qua"),
                &[
                    ("person", &mo),
                    ("result", "passed"),
                    ("quiz_passed", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        // The roster links her certificate; the instructor downloads the PDF to print.
        let (_, roster) = teacher.get_text(&format!("/quan-ly/lop/{code}")).await;
        let cert = roster
            .split("href=\"/chung-chi/")
            .nth(1)
            .and_then(|s| s.split(".pdf\"").next())
            .expect("certificate link on the roster")
            .to_owned();
        assert!(roster.contains("In chứng chỉ"));
        let r = teacher.get(&format!("/chung-chi/{cert}.pdf")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        // Someone else (a learner of the commune) cannot.
        let other = app.new_browser();
        other
            .sign_up("0914000009", "Người Khác", QT_COMMUNE_A)
            .await;
        assert_eq!(
            other.get(&format!("/chung-chi/{cert}.pdf")).await.status(),
            404
        );
        // Later she claims her record with the code on her learner card: the certificate is hers.
        let card = roster
            .split("Mã nhận hồ sơ: <strong>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("claim code on the roster")
            .to_owned();
        let her = app.new_browser();
        let r = her
            .sign_up_with(&[("phone", "0918000001"), ("card_code", &card)])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.person_id("0918000001").await, mo);
        let (_, mine) = her.get_text("/hoc/cua-toi").await;
        assert!(mine.contains(&cert), "her certificates list it");
        let r = her.get(&format!("/chung-chi/{cert}.pdf")).await;
        assert_eq!(r.status(), 200);
        assert_figures_true(&app).await;
    }
);
