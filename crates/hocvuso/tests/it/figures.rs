//! Issue 12: the figures a commune sends up are true. Each scenario is replayed over HTTP as a volunteer,
//! an instructor or an official would, then every aggregate is recomputed from the facts
//! (`hocvuso check figures`) and must show 0 differences; the commune's figures in the stats API and in
//! the stored aggregates are the true ones.
use hocvuso::db::q;
use hocvuso::reports::{agg, figures, period::Period};
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
        agg::catch_up(&app.state.db).await.expect("fold");
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
                                agg::run_batch(&app.state.db, *n).await.expect("fold");
                            }
                        }
                    }
                    // Every aggregate against a count from the facts.
                    agg::catch_up(&app.state.db).await.expect("fold");
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
