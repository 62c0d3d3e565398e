//! Offline sync: idempotent replay, partial batches, the conflict rule, the request checks, the PWA files.
use crate::teams::{count, setup, statuses, sync};
use crate::{TestApp, both};

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

both!(
    replaying_a_batch_three_times_writes_each_record_once,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let household = id();
        let items = serde_json::json!({"items": [
            {"client_id": id(), "kind": "activity", "device_time": 1_795_800_000_000_i64,
             "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-20", "kinds": ["vneid_install"], "people_helped": 1}},
            {"client_id": id(), "kind": "activity", "device_time": "2026-11-21T08:00:00+07:00",
             "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-21", "kinds": ["cashless", "scam_warning"], "people_helped": "3", "members": [f.member_a_id]}},
            {"client_id": id(), "kind": "activity",
             "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-22", "kinds": ["social_safe"], "notes": "Họp thôn"}},
            {"client_id": household, "kind": "household", "data": {"village": f.village_a, "head_name": "Hồ Văn Lai", "address": "Xóm Đồng", "adults": 2}},
            {"client_id": id(), "kind": "household_check", "device_time": 1_795_800_100, "data": {"household": household, "item": "vneid_level2", "done": true}}
        ]});
        let (s, first) = sync(&f.member_a, items.clone()).await;
        assert_eq!(s, 200, "{first}");
        assert_eq!(statuses(&first), vec!["created"; 5], "{first}");
        for _ in 0..2 {
            let (s, again) = sync(&f.member_a, items.clone()).await;
            assert_eq!(s, 200);
            assert_eq!(statuses(&again), vec!["duplicate"; 5]);
            // A duplicate names the record the first copy made.
            assert_eq!(
                again["results"][3]["record_id"],
                first["results"][3]["record_id"]
            );
        }
        // Three explicit activities plus the one the tick made; one household; one check.
        assert_eq!(app.count("activities").await, 4);
        assert_eq!(app.count("households").await, 1);
        assert_eq!(app.count("household_checks").await, 1);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM stat_events WHERE metric = $1",
                "team_activity"
            )
            .await,
            4
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM stat_events WHERE metric = $1",
                "household_check"
            )
            .await,
            1
        );
        assert_eq!(app.count("sync_receipts").await, 5);
        // Device time and server time are both kept.
        let (device, server): (i64, i64) = app
            .state
            .db
            .fetch_optional(hocvuso::db::q(
                "SELECT device_time, created_at FROM activities WHERE happened_on = '2026-11-20'",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(device, 1_795_800_000);
        assert!(server >= device);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM activity_members WHERE person_id = $1",
                &f.member_a_id
            )
            .await,
            4
        );
    }
);

both!(
    a_partly_bad_batch_keeps_the_good_items,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let good = id();
        let (s, body) = sync(&f.member_a, serde_json::json!({"items": [
        {"client_id": good, "kind": "activity", "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-20", "kinds": ["other"]}},
        {"client_id": "not-a-uuid", "kind": "activity", "data": {}},
        {"client_id": id(), "kind": "teleport", "data": {}},
        {"client_id": id(), "kind": "activity", "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2099-01-01", "kinds": []}},
        {"client_id": id(), "kind": "household", "data": {"village": f.village_a, "head_name": "", "address": "x", "adults": 99}},
        {"client_id": id(), "kind": "household_check", "device_time": "yesterday", "data": {}},
        {"client_id": good, "kind": "activity", "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-20", "kinds": ["other"]}}
    ]})).await;
        assert_eq!(s, 200);
        assert_eq!(
            statuses(&body),
            vec![
                "created",
                "rejected",
                "rejected",
                "rejected",
                "rejected",
                "rejected",
                "duplicate"
            ]
        );
        let fields = |i: usize| -> Vec<String> {
            body["results"][i]["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(fields(1), ["client_id"]);
        assert_eq!(fields(2), ["kind"]);
        assert!(
            fields(3).contains(&"happened_on".to_owned())
                && fields(3).contains(&"kinds".to_owned())
        );
        assert!(
            fields(4).contains(&"head_name".to_owned()) && fields(4).contains(&"adults".to_owned())
        );
        assert_eq!(fields(5), ["device_time"]);
        // Messages are translated; codes are stable.
        assert_eq!(body["results"][4]["errors"][0]["code"], "field-required");
        assert!(
            body["results"][4]["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("Vui lòng")
        );
        assert_eq!(app.count("activities").await, 1);
        assert_eq!(app.count("households").await, 0);
    }
);

both!(
    checklist_edits_resolve_by_latest_device_time,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let h = id();
        sync(&f.member_a, serde_json::json!({"items": [{"client_id": h, "kind": "household", "data": {"village": f.village_a, "head_name": "Hồ Văn Lai", "address": "Xóm Đồng", "adults": 2}}]})).await;
        // Phone 2 unticked at 10:05, but phone 1's tick made at 10:00 arrives later: the untick stands.
        let (_, b) = sync(&f.member_a, serde_json::json!({"items": [{"client_id": id(), "kind": "household_check", "device_time": 1_795_860_300, "data": {"household": h, "item": "cashless", "done": false}}]})).await;
        assert_eq!(statuses(&b), ["created"]);
        let (_, b) = sync(&f.member_a, serde_json::json!({"items": [{"client_id": id(), "kind": "household_check", "device_time": 1_795_860_000, "data": {"household": h, "item": "cashless", "done": true}}]})).await;
        assert_eq!(statuses(&b), ["superseded"]);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM household_checks WHERE household_id = $1 AND done",
                &h
            )
            .await,
            0
        );
        // A newer tick wins.
        let (_, b) = sync(&f.member_a, serde_json::json!({"items": [{"client_id": id(), "kind": "household_check", "device_time": 1_795_860_600, "data": {"household": h, "item": "cashless", "done": "yes"}}]})).await;
        assert_eq!(statuses(&b), ["created"]);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM household_checks WHERE household_id = $1 AND done",
                &h
            )
            .await,
            1
        );
        // A clock far in the future is clamped to the server's time, so a normal edit after it still wins.
        sync(&f.member_a, serde_json::json!({"items": [{"client_id": id(), "kind": "household_check", "device_time": 4_000_000_000_i64, "data": {"household": h, "item": "cashless", "done": false}}]})).await;
        let (_, b) = sync(&f.member_a, serde_json::json!({"items": [{"client_id": id(), "kind": "household_check", "data": {"household": h, "item": "cashless", "done": true}}]})).await;
        assert_eq!(statuses(&b), ["created"]);
    }
);

both!(sync_refuses_what_it_must, |app: TestApp| async move {
    let f = setup(&app).await;
    let body = serde_json::json!({"items": []});
    // Not signed in.
    let anon = app.new_browser();
    let (s, b) = sync(&anon, body.clone()).await;
    assert_eq!(s, 401);
    assert_eq!(b["error"]["status"], 401);
    // Not JSON, or from another site.
    let r = f
        .member_a
        .client
        .post(f.member_a.url("/api/v1/sync"))
        .header("content-type", "text/plain")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = f
        .member_a
        .client
        .post(f.member_a.url("/api/v1/sync"))
        .header("content-type", "application/json")
        .header("sec-fetch-site", "cross-site")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = f
        .member_a
        .client
        .post(f.member_a.url("/api/v1/sync"))
        .header("content-type", "application/json")
        .header("origin", "http://evil.example")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Malformed JSON, too many items, another person's outbox.
    let r = f
        .member_a
        .client
        .post(f.member_a.url("/api/v1/sync"))
        .header("content-type", "application/json")
        .body("{\"items\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let many: Vec<_> = (0..501)
        .map(|_| serde_json::json!({"client_id": id(), "kind": "activity", "data": {}}))
        .collect();
    let (s, b) = sync(&f.member_a, serde_json::json!({"items": many})).await;
    assert_eq!(s, 413);
    assert_eq!(b["error"]["code"], "sync-too-large");
    let (s, _) = sync(
        &f.member_a,
        serde_json::json!({"user": "someone-else", "items": []}),
    )
    .await;
    assert_eq!(s, 409);
    assert_eq!(app.count("sync_receipts").await, 0);
});

both!(the_installable_app_files, |app: TestApp| async move {
    let r = app.get("/sw.js").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["service-worker-allowed"], "/");
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-cache")
    );
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let sw = r.text().await.unwrap();
    assert!(sw.contains("/assets/app.") && sw.contains("/ngoai-tuyen"));
    let m: serde_json::Value = app.get("/manifest.webmanifest").await.json().await.unwrap();
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["display"], "standalone");
    for icon in m["icons"].as_array().unwrap() {
        let r = app.get(icon["src"].as_str().unwrap()).await;
        assert_eq!(r.status(), 200, "{icon}");
    }
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("rel=\"manifest\"") && home.contains("/assets/field."));
    assert_eq!(app.get("/ngoai-tuyen").await.status(), 200);
    let (_, outbox) = app.get_text("/chua-gui").await;
    assert!(outbox.contains("Chưa gửi"));
});

both!(
    a_run_of_activities_is_answered_item_by_item,
    |app: TestApp| async move {
        // Activities in a row are checked and stored together; each still gets its own answer, in
        // order, exactly as if sent one at a time. Households are applied before the activities of the
        // batch, so an activity may name a household registered further down the same batch.
        let f = setup(&app).await;
        let earlier = id();
        let act = |cid: &str, data: serde_json::Value| serde_json::json!({"client_id": cid, "kind": "activity", "data": data});
        let ok = |day: &str| serde_json::json!({"team": f.team_a, "village": f.village_a, "happened_on": day, "kinds": ["other"]});
        let (s, body) = sync(
            &f.member_a,
            serde_json::json!({"items": [act(&earlier, ok("2026-11-19"))]}),
        )
        .await;
        assert_eq!(s, 200, "{body}");
        let twice = id();
        let household = id();
        let (s, body) = sync(&f.member_a, serde_json::json!({"items": [
            act(&id(), ok("2026-11-20")),
            act(&earlier, ok("2026-11-19")),
            act(&twice, ok("2026-11-21")),
            act(&twice, ok("2026-11-21")),
            act(&id(), serde_json::json!({"team": f.team_a, "village": f.village_b, "happened_on": "2026-11-20", "kinds": ["other"]})),
            act(&id(), serde_json::json!({"team": f.team_b, "village": f.village_b, "happened_on": "2026-11-20", "kinds": ["other"]})),
            act(&id(), serde_json::json!({"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-20", "kinds": ["other"], "members": [id()]})),
            act(&id(), serde_json::json!({"team": f.team_a, "village": f.village_a, "household": household, "happened_on": "2026-11-20", "kinds": ["other"]})),
            {"client_id": household, "kind": "household", "data": {"village": f.village_a, "head_name": "Hồ Văn Lai", "address": "Xóm Đồng", "adults": 2}},
            act(&id(), serde_json::json!({"team": f.team_a, "village": f.village_a, "household": household, "happened_on": "2026-11-20", "kinds": ["other"]})),
            act(&id(), serde_json::json!({"team": f.team_a, "village": f.village_a, "household": household, "happened_on": "2026-11-22", "kinds": ["vneid_install"], "people_helped": 4}))
        ]})).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(
            statuses(&body),
            vec![
                "created",
                "duplicate",
                "created",
                "duplicate",
                "rejected",
                "rejected",
                "rejected",
                "created",
                "created",
                "created",
                "created"
            ],
            "{body}"
        );
        assert_eq!(body["results"][1]["record_id"], earlier.as_str());
        assert_eq!(body["results"][3]["record_id"], twice.as_str());
        let field = |i: usize| {
            body["results"][i]["errors"][0]["field"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(field(4), "village");
        assert_eq!(field(5), "team");
        assert_eq!(field(6), "members");
        // 1 earlier + 5 in this batch; a receipt for each and the household, none for refusals.
        assert_eq!(app.count("activities").await, 6);
        assert_eq!(app.count("sync_receipts").await, 7);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM activities WHERE household_id = $1",
                &household
            )
            .await,
            3
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM stat_events WHERE metric = $1",
                "team_activity"
            )
            .await,
            6
        );
        assert_eq!(
            count(
                &app,
                "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM stat_events WHERE metric = $1",
                "team_activity"
            )
            .await,
            9
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM activity_members WHERE person_id = $1",
                &f.member_a_id
            )
            .await,
            6
        );
    }
);

/// POST a batch to `base` (this app or a sibling server on the same database) with `client`'s cookies.
async fn sync_to(
    client: &reqwest::Client,
    base: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = client
        .post(format!("{base}/api/v1/sync"))
        .header("content-type", "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(body.to_string())
        .send()
        .await
        .expect("sync");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(serde_json::Value::Null))
}

both!(
    eight_phones_sending_overlapping_batches_never_fail,
    |app: TestApp| async move {
        // A village comes back online: 8 phones × 20 rounds, on two app servers over one database. Each
        // batch names the same households (same client ids, and the same new households under each
        // phone's own ids), ticks the same checklist items and repeats the same activities, each phone
        // in its own shuffled order. Every answer must be 200, every client id created once, and the
        // rows exactly what one phone sending everything alone would leave.
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        const PHONES: usize = 8;
        const ROUNDS: usize = 20;
        const ITEMS: [&str; 3] = ["vneid_installed", "vneid_level2", "online_service"];
        let f = setup(&app).await;
        let sibling = app.spawn_sibling().await;
        let households: Vec<String> = (0..4).map(|_| id()).collect();
        // Shared ids per round: ticks [round][household][item], activities [round][n].
        let ticks: Vec<Vec<Vec<String>>> = (0..ROUNDS)
            .map(|_| {
                (0..4)
                    .map(|_| ITEMS.iter().map(|_| id()).collect())
                    .collect()
            })
            .collect();
        let shared_acts: Vec<Vec<String>> = (0..ROUNDS)
            .map(|_| (0..5).map(|_| id()).collect())
            .collect();
        let batch = |phone: usize, round: usize| -> Vec<serde_json::Value> {
            let mut items = Vec::new();
            for (k, h) in households.iter().enumerate() {
                items.push(serde_json::json!({"client_id": h, "kind": "household",
                    "data": {"village": f.village_a, "head_name": format!("Hồ Văn Số {k}"), "address": "Xóm Đồng", "adults": 2}}));
                for (i, item) in ITEMS.iter().enumerate() {
                    items.push(serde_json::json!({"client_id": ticks[round][k][i], "kind": "household_check",
                        "device_time": 1_795_800_000 + round as i64 * 60,
                        "data": {"household": h, "item": item, "done": true}}));
                }
            }
            for j in 0..2 {
                // The same new household registered by every phone, each under its own id.
                items.push(serde_json::json!({"client_id": id(), "kind": "household",
                    "data": {"village": f.village_a, "head_name": format!("Hộ mới {round}-{j}"), "address": "Xóm Bàu", "adults": 3}}));
            }
            let act = |cid: &str| {
                serde_json::json!({"client_id": cid, "kind": "activity",
                "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-20", "kinds": ["other"]}})
            };
            for a in &shared_acts[round] {
                items.push(act(a));
            }
            items.push(act(&id()));
            let mut rng = rand::rngs::StdRng::seed_from_u64((phone * 1000 + round) as u64);
            items.shuffle(&mut rng);
            items
        };
        let mut phones = Vec::new();
        for phone in 0..PHONES {
            let batches: Vec<serde_json::Value> = (0..ROUNDS)
                .map(|r| serde_json::json!({"items": batch(phone, r)}))
                .collect();
            let client = f.member_a.client.clone();
            let base = if phone % 2 == 0 {
                app.base.clone()
            } else {
                sibling.base.clone()
            };
            phones.push(tokio::spawn(async move {
                let mut answers = Vec::new();
                for b in batches {
                    let (s, body) = sync_to(&client, &base, &b).await;
                    answers.push((s, b, body));
                }
                answers
            }));
        }
        let mut created: std::collections::HashMap<String, usize> = Default::default();
        let mut applied_ticks = 0;
        let mut new_household_ids: std::collections::HashMap<
            String,
            std::collections::HashSet<String>,
        > = Default::default();
        for p in phones {
            for (s, sent, body) in p.await.expect("phone") {
                assert_eq!(s, 200, "{body}");
                for (item, res) in sent["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(body["results"].as_array().unwrap())
                {
                    let cid = item["client_id"].as_str().unwrap();
                    assert_eq!(res["client_id"], cid);
                    let status = res["status"].as_str().unwrap();
                    assert_ne!(status, "rejected", "{res}");
                    if status != "duplicate" {
                        *created.entry(cid.to_owned()).or_default() += 1;
                    }
                    if item["kind"] == "household_check" && status == "created" {
                        applied_ticks += 1;
                    }
                    let head = item["data"]["head_name"].as_str().unwrap_or("");
                    if head.starts_with("Hộ mới") {
                        assert_eq!(status, "created", "{res}");
                        new_household_ids
                            .entry(head.to_owned())
                            .or_default()
                            .insert(res["record_id"].as_str().unwrap().to_owned());
                    }
                }
            }
        }
        assert!(
            created.values().all(|n| *n == 1),
            "a client id stored twice"
        );
        let shared = 4 + ROUNDS * 12 + ROUNDS * 5;
        let own = PHONES * ROUNDS * 3;
        assert_eq!(created.len(), shared + own);
        // Every phone's registration of one new household names the same record.
        assert_eq!(new_household_ids.len(), ROUNDS * 2);
        assert!(new_household_ids.values().all(|ids| ids.len() == 1));
        assert_eq!(app.count("households").await, (4 + ROUNDS * 2) as i64);
        assert_eq!(app.count("household_checks").await, 12);
        assert_eq!(
            app.state
                .db
                .count(hocvuso::db::q(
                    "SELECT COUNT(*) FROM household_checks WHERE done"
                ))
                .await
                .unwrap(),
            12
        );
        assert_eq!(app.count("sync_receipts").await, (shared + own) as i64);
        assert_eq!(
            app.state
                .db
                .count(hocvuso::db::q(
                    "SELECT COUNT(*) FROM activities WHERE household_id IS NULL"
                ))
                .await
                .unwrap(),
            (ROUNDS * 5 + PHONES * ROUNDS) as i64
        );
        // One record of help: however often a ticked item is ticked again, the household has one
        // activity for it (4 households × 3 items), whichever phone and round got there first.
        assert!(applied_ticks >= 12, "{applied_ticks} ticks applied");
        assert_eq!(
            app.state
                .db
                .count(hocvuso::db::q(
                    "SELECT COUNT(*) FROM activities WHERE household_id IS NOT NULL"
                ))
                .await
                .unwrap(),
            12
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM stat_events WHERE metric = $1",
                "household_check"
            )
            .await,
            12
        );
    }
);

both!(
    a_nul_in_an_attendance_mark_rejects_that_mark_only,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let code = crate::classes::make_class(&f.admin, "30").await;
        let learner = app.new_browser();
        learner
            .sign_up_with(&[
                ("phone", "0914000001"),
                ("full_name", "Người Một"),
                ("commune", crate::QT_COMMUNE_A),
            ])
            .await;
        let learner_id = app.person_id("0914000001").await;
        learner
            .post_form(&format!("/lop-hoc/{code}/dang-ky"), &[])
            .await;
        let class_id =
            crate::teams::scalar(&app, "SELECT id FROM classes WHERE code = $1", &code).await;
        let sid = crate::teams::scalar(
            &app,
            "SELECT id FROM class_sessions WHERE class_id = $1 ORDER BY starts_at LIMIT 1",
            &class_id,
        )
        .await;
        let act = |day: &str| {
            serde_json::json!({"client_id": id(), "kind": "activity",
            "data": {"team": f.team_a, "village": f.village_a, "happened_on": day, "kinds": ["other"]}})
        };
        let (s, body) = sync(&f.admin, serde_json::json!({"items": [
            {"client_id": id(), "kind": "attendance", "data": {"session": sid, "person": "a1b2\u{0}c3", "present": true}},
            {"client_id": id(), "kind": "attendance", "data": {"session": sid, "person": learner_id, "present": true}},
            {"client_id": id(), "kind": "household", "data": {"village": f.village_a, "head_name": "Hồ Văn Lai", "address": "Xóm Đồng", "adults": 2}},
            {"client_id": id(), "kind": "household", "data": {"village": f.village_a, "head_name": "Lê Thị Hoa", "address": "Xóm Bàu", "adults": 4}},
            act("2026-11-20"),
            act("2026-11-21")
        ]}))
        .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(
            statuses(&body),
            [
                "rejected", "created", "created", "created", "created", "created"
            ],
            "{body}"
        );
        let err = &body["results"][0]["errors"][0];
        assert_eq!(err["field"], "person", "{body}");
        assert!(!err["message"].as_str().unwrap_or("").is_empty());
        assert_eq!(app.count("class_attendance").await, 1);
        assert_eq!(app.count("households").await, 2);
        assert_eq!(app.count("activities").await, 2);
        assert_eq!(app.count("sync_receipts").await, 5);
    }
);

both!(
    a_batch_too_big_is_refused_in_json_with_advice_to_split,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let item = |_| {
            serde_json::json!({"client_id": id(), "kind": "activity", "device_time": 1_795_800_000_000_i64,
            "data": {"team": f.team_a, "village": f.village_a, "happened_on": "2026-11-20", "kinds": ["vneid_install", "cashless"],
                     "people_helped": 2, "notes": "Hướng dẫn cài VNeID và chuyển khoản cho bà con trong xóm"}})
        };
        // 10,000 items is past the body limit; 501 is within it but past the item limit: both 413.
        for n in [10_000, 501] {
            let items: Vec<_> = (0..n).map(item).collect();
            let (s, body) = sync(&f.member_a, serde_json::json!({"items": items})).await;
            assert_eq!(s, 413, "{n} items: {body}");
            assert_eq!(body["error"]["status"], 413, "{body}");
            assert_eq!(body["error"]["code"], "sync-too-large", "{body}");
            let message = body["error"]["message"].as_str().unwrap_or("");
            assert!(
                message.contains("500") && message.contains("ít mục hơn"),
                "{message}"
            );
        }
        assert_eq!(app.count("sync_receipts").await, 0);
    }
);

/// The release binary of this package serving `settings`' database on a free port; returns once it
/// answers `/healthz`.
async fn start_server(settings: &hocvuso::config::Settings) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hocvuso"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("HOCVUSO_DATABASE_URL", &settings.database_url)
        .env("HOCVUSO_PROVINCE", &settings.province)
        .env("HOCVUSO_CONTENT_DIR", &settings.content_dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start hocvuso serve");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..600 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (child, base);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("hocvuso serve did not start");
}

both!(
    kill_9_during_an_upload_loses_no_acknowledged_record,
    |app: TestApp| async move {
        // A phone uploads batches while the server is killed (SIGKILL, no shutdown) three times. Every
        // batch it got a 200 for must be stored; resending everything afterwards stores each record
        // exactly once and answers what was acknowledged `duplicate`.
        let f = setup(&app).await;
        let settings = (*app.state.settings).clone();
        let mut sent: Vec<serde_json::Value> = Vec::new();
        let mut acked: std::collections::HashSet<String> = Default::default();
        for round in 0..3u64 {
            let (mut child, base) = start_server(&settings).await;
            let client = f.member_a.client.clone();
            let (team, village) = (f.team_a.clone(), f.village_a.clone());
            let uploader = tokio::spawn(async move {
                let mut sent = Vec::new();
                let mut acked = Vec::new();
                loop {
                    let items: Vec<_> = (0..200)
                        .map(|_| serde_json::json!({"client_id": id(), "kind": "activity",
                            "data": {"team": team, "village": village, "happened_on": "2026-11-20", "kinds": ["other"]}}))
                        .collect();
                    let body = serde_json::json!({"items": items});
                    sent.push(body.clone());
                    let Ok(r) = client
                        .post(format!("{base}/api/v1/sync"))
                        .header("content-type", "application/json")
                        .header("sec-fetch-site", "same-origin")
                        .body(body.to_string())
                        .send()
                        .await
                    else {
                        return (sent, acked);
                    };
                    assert!(
                        r.status() == 200 || r.status().is_server_error(),
                        "{}",
                        r.status()
                    );
                    if r.status() == 200 && r.json::<serde_json::Value>().await.is_ok() {
                        acked.extend(
                            body["items"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|i| i["client_id"].as_str().unwrap().to_owned()),
                        );
                    }
                }
            });
            tokio::time::sleep(std::time::Duration::from_millis(700 + 300 * round)).await;
            child.kill().expect("SIGKILL");
            let _ = child.wait();
            let (s, a) = uploader.await.expect("uploader");
            sent.extend(s);
            acked.extend(a);
        }
        assert!(
            !acked.is_empty(),
            "nothing was acknowledged before the kills"
        );
        let stored: std::collections::HashSet<String> = app
            .state
            .db
            .fetch_all::<(String,)>(hocvuso::db::q("SELECT id FROM activities"))
            .await
            .unwrap()
            .into_iter()
            .map(|(i,)| i)
            .collect();
        let lost = acked.iter().filter(|i| !stored.contains(*i)).count();
        assert_eq!(lost, 0, "acknowledged records lost");
        // The phone resends everything it ever sent.
        let (mut child, base) = start_server(&settings).await;
        let mut all = std::collections::HashSet::new();
        for body in &sent {
            let (s, answer) = sync_to(&f.member_a.client, &base, body).await;
            assert_eq!(s, 200, "{answer}");
            for (item, res) in body["items"]
                .as_array()
                .unwrap()
                .iter()
                .zip(answer["results"].as_array().unwrap())
            {
                let cid = item["client_id"].as_str().unwrap();
                all.insert(cid.to_owned());
                if acked.contains(cid) {
                    assert_eq!(res["status"], "duplicate", "{res}");
                }
            }
        }
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        assert_eq!(app.count("activities").await, all.len() as i64);
        assert_eq!(app.count("sync_receipts").await, all.len() as i64);
    }
);
