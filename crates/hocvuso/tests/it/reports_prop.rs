//! Property: after any sequence of writes — events for people and places in any order and any month,
//! removals (negative values: a household deleted, a checklist item unticked), sync batches replayed as
//! if a phone sent them again, and folds of any size in between — every aggregate cell equals the count
//! made the slow way from the events (`reports::assert_aggregates_match_events`).
use hocvuso::stats::fold;
use hocvuso::stats::metric;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::reports::{assert_aggregates_match_events, emit_one, village};
use crate::{QT_COMMUNE_A, QT_COMMUNE_B, TestApp, both};

/// Metrics with the kind they carry, if any.
const METRICS: [(&str, Option<&str>); 9] = [
    (metric::LESSON_OPENED, None),
    (metric::LESSON_COMPLETED, None),
    (metric::COURSE_COMPLETED, None),
    (metric::CERTIFICATE_ISSUED, None),
    (metric::CLASS_ATTENDANCE, None),
    (metric::TEAM_ACTIVITY, Some("vneid_install")),
    (metric::HOUSEHOLD_CHECK, Some("cashless")),
    (metric::HOUSEHOLD_COUNT, None),
    (metric::SCAM_REPORT, Some("fake_police")),
];

#[derive(Debug, Clone)]
enum Op {
    Emit {
        metric: usize,
        person: Option<usize>,
        place: usize,
        /// Seconds after 2025-01-01 00:00 UTC, over two years (so quarters and years are crossed).
        offset: i64,
        removal: bool,
    },
    /// Fold at most this many waiting events.
    Fold(i64),
    /// A phone sends the same batch of team activities again.
    Replay,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..METRICS.len(), proptest::option::of(0..3usize), 0..4usize, 0..63_072_000i64, any::<bool>())
            .prop_map(|(metric, person, place, offset, removal)| Op::Emit { metric, person, place, offset, removal }),
        2 => (1..8i64).prop_map(Op::Fold),
        1 => Just(Op::Replay),
    ]
}

both!(
    aggregates_equal_brute_force_after_any_writes,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let v1 = village(&app, &admin, "Thôn Thuộc Tính Một").await;
        let v2 = village(&app, &admin, "Thôn Thuộc Tính Hai").await;
        let places = [
            v1.clone(),
            v2,
            QT_COMMUNE_A.to_owned(),
            QT_COMMUNE_B.to_owned(),
        ];
        let mut people = Vec::new();
        for (phone, year, eth) in [
            ("0911200001", "1950", "Tà Ôi"),
            ("0911200002", "2004", "Kinh"),
            ("0911200003", "1985", "Kinh"),
        ] {
            let b = app.new_browser();
            let r = b
                .sign_up_with(&[
                    ("phone", phone),
                    ("birth_year", year),
                    ("ethnic_group", eth),
                ])
                .await;
            assert_eq!(r.status(), 303);
            people.push(app.person_id(phone).await);
        }
        // A volunteer of v1's team whose offline batch gets replayed.
        let team = admin
            .post_form(
                "/quan-ly/to",
                &[("unit", v1.as_str()), ("name", "Tổ Thuộc Tính")],
            )
            .await;
        assert_eq!(team.status(), 303);
        let team = team.headers()["location"]
            .to_str()
            .expect("location")
            .rsplit('/')
            .next()
            .expect("team id")
            .to_owned();
        let batch = serde_json::json!({"items": [{
            "client_id": uuid::Uuid::now_v7().to_string(), "kind": "activity", "device_time": 1_795_800_000_000_i64,
            "data": {"team": team, "village": v1, "happened_on": "2026-11-20", "kinds": ["vneid_install"],
                     "people_helped": 2, "notes": "Cài VNeID"}}]});

        let handle = tokio::runtime::Handle::current();
        let mut runner = TestRunner::new(Config {
            cases: 8,
            failure_persistence: None,
            ..Config::default()
        });
        let result = tokio::task::block_in_place(|| {
            runner.run(&proptest::collection::vec(op(), 1..30), |ops| {
                handle.block_on(async {
                    let replayed = ops.iter().any(|o| matches!(o, Op::Replay));
                    for op in ops {
                        match op {
                            Op::Emit {
                                metric,
                                person,
                                place,
                                offset,
                                removal,
                            } => {
                                let (m, kind) = METRICS[metric];
                                // Only household figures are ever taken back.
                                let value = if removal
                                    && matches!(
                                        m,
                                        metric::HOUSEHOLD_CHECK | metric::HOUSEHOLD_COUNT
                                    ) {
                                    -1
                                } else {
                                    1
                                };
                                let person = person.map(|i| people[i].as_str());
                                emit_one(
                                    &app,
                                    m,
                                    &places[place],
                                    person,
                                    value,
                                    1_735_689_600 + offset,
                                    kind,
                                )
                                .await;
                            }
                            Op::Fold(n) => {
                                fold::run_batch(&app.state.db, n).await.expect("fold");
                            }
                            Op::Replay => {
                                // The first send is created, every later one a duplicate: one activity in all.
                                let r = admin.post_json("/api/v1/sync", &batch).await;
                                assert_eq!(r.status(), 200, "sync");
                            }
                        }
                    }
                    fold::catch_up(&app.state.db).await.expect("catch up");
                    assert_eq!(fold::pending(&app.state.db).await.expect("pending"), 0);
                    assert_aggregates_match_events(&app).await;
                    let activities = app.count("activities").await;
                    if replayed {
                        assert_eq!(activities, 1, "however often it is replayed, one activity");
                    }
                });
                Ok(())
            })
        });
        if let Err(e) = result {
            panic!("{e}");
        }
    }
);
