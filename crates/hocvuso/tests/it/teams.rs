//! Community digital teams: scope, households and their checklist, coverage, contacts, imports.
use hocvuso::db::q;

use crate::{QT_COMMUNE_A, QT_COMMUNE_B, TestApp, both};

/// Two communes, one village and one team in each, a member in each team, and a province admin.
pub struct Field {
    pub admin: TestApp,
    pub village_a: String,
    pub village_b: String,
    pub team_a: String,
    pub team_b: String,
    pub member_a: TestApp,
    pub member_a_id: String,
    pub member_b: TestApp,
}

pub async fn scalar(app: &TestApp, sql: &'static str, arg: &str) -> String {
    app.state
        .db
        .scalar::<String>(q(sql).bind(arg))
        .await
        .expect("query")
        .expect("row")
}

pub async fn count(app: &TestApp, sql: &'static str, arg: &str) -> i64 {
    app.state.db.count(q(sql).bind(arg)).await.expect("count")
}

pub async fn add_village(admin: &TestApp, commune: &str, name: &str) -> String {
    let r = admin
        .post_form(
            &format!("/quan-ly/don-vi/{commune}/them-thon"),
            &[("name", name), ("division_type", "thôn")],
        )
        .await;
    assert_eq!(r.status(), 303, "add village");
    format!("{commune}-001")
}

pub async fn add_team(admin: &TestApp, unit: &str, name: &str) -> String {
    let r = admin
        .post_form("/quan-ly/to", &[("unit", unit), ("name", name)])
        .await;
    assert_eq!(r.status(), 303, "create team");
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    loc.trim_start_matches("/quan-ly/to/").to_owned()
}

/// Invite `who` (signed in, holding `phone`) to the team and accept in their account.
pub async fn add_member(admin: &TestApp, who: &TestApp, team: &str, phone: &str) {
    let r = admin
        .post_form(
            &format!("/quan-ly/to/{team}/thanh-vien"),
            &[
                ("phone", phone),
                ("role", "volunteer"),
                ("joined_on", "2026-01-05"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "add member");
    assert_eq!(
        crate::accept_invitations(who).await,
        1,
        "one invitation accepted"
    );
}

pub async fn setup(app: &TestApp) -> Field {
    let admin = app.new_browser();
    admin.as_province_admin("0900000001").await;
    let village_a = add_village(&admin, QT_COMMUNE_A, "Thôn Một").await;
    let village_b = add_village(&admin, QT_COMMUNE_B, "Thôn Hai").await;
    let team_a = add_team(&admin, &village_a, "Tổ CNS Thôn Một").await;
    let team_b = add_team(&admin, &village_b, "Tổ CNS Thôn Hai").await;
    let member_a = app.new_browser();
    member_a
        .sign_up_with(&[
            ("phone", "0911000001"),
            ("full_name", "Lê Văn An"),
            ("commune", QT_COMMUNE_A),
            ("village", &village_a),
        ])
        .await;
    let member_a_id = app.person_id("0911000001").await;
    add_member(&admin, &member_a, &team_a, "0911000001").await;
    let member_b = app.new_browser();
    member_b
        .sign_up_with(&[
            ("phone", "0911000002"),
            ("full_name", "Phạm Thị Bình"),
            ("commune", QT_COMMUNE_B),
            ("village", &village_b),
        ])
        .await;
    add_member(&admin, &member_b, &team_b, "0911000002").await;
    Field {
        admin,
        village_a,
        village_b,
        team_a,
        team_b,
        member_a,
        member_a_id,
        member_b,
    }
}

/// POST a sync batch as this browser would (JSON, same origin).
pub async fn sync(app: &TestApp, body: serde_json::Value) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url("/api/v1/sync"))
        .header("content-type", "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(body.to_string())
        .send()
        .await
        .expect("sync");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(serde_json::Value::Null))
}

pub fn statuses(body: &serde_json::Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

both!(
    member_of_one_commune_cannot_touch_another,
    |app: TestApp| async move {
        let f = setup(&app).await;
        // Member A reads their team; team B does not exist for them.
        let (s, body) = f
            .member_a
            .get_text(&format!("/quan-ly/to/{}", f.team_a))
            .await;
        assert_eq!(s, 200);
        assert!(body.contains("Tổ CNS Thôn Một") && body.contains("Lê Văn An"));
        assert_eq!(
            f.member_a
                .get(&format!("/quan-ly/to/{}", f.team_b))
                .await
                .status(),
            404
        );
        assert_eq!(
            f.member_a
                .get(&format!("/quan-ly/to/{}/hoat-dong", f.team_b))
                .await
                .status(),
            404
        );
        assert_eq!(
            f.member_a
                .get(&format!("/quan-ly/thon/{}/ho", f.village_b))
                .await
                .status(),
            403
        );
        let (_, list) = f.member_a.get_text("/quan-ly/to").await;
        assert!(list.contains("Tổ CNS Thôn Một") && !list.contains("Tổ CNS Thôn Hai"));
        assert_eq!(
            f.member_a
                .get(&format!("/quan-ly/xa/{QT_COMMUNE_B}/bao-phu"))
                .await
                .status(),
            403
        );

        // A household of village B, made by member B.
        let hb = uuid::Uuid::now_v7().to_string();
        let (s, body) = sync(&f.member_b, serde_json::json!({"items": [
        {"client_id": hb, "kind": "household", "data": {"village": f.village_b, "head_name": "Hồ Văn Lai", "address": "Xóm Bàu", "adults": 2}}
    ]})).await;
        assert_eq!((s, statuses(&body)), (200, vec!["created".to_owned()]));

        // Member A writes into commune B: every item rejected, nothing written.
        let before = (
            app.count("activities").await,
            app.count("households").await,
            app.count("household_checks").await,
        );
        let (s, body) = sync(&f.member_a, serde_json::json!({"items": [
        {"client_id": uuid::Uuid::now_v7().to_string(), "kind": "activity", "data": {"team": f.team_b, "village": f.village_b, "happened_on": "2026-11-20", "kinds": ["cashless"], "people_helped": 2}},
        {"client_id": uuid::Uuid::now_v7().to_string(), "kind": "activity", "data": {"team": f.team_a, "village": f.village_b, "happened_on": "2026-11-20", "kinds": ["cashless"]}},
        {"client_id": uuid::Uuid::now_v7().to_string(), "kind": "household", "data": {"village": f.village_b, "head_name": "Lê Thị Mơ", "address": "Xóm Bàu", "adults": 1}},
        {"client_id": uuid::Uuid::now_v7().to_string(), "kind": "household_check", "data": {"household": hb, "item": "vneid_installed", "done": true}}
    ]})).await;
        assert_eq!(s, 200);
        assert_eq!(statuses(&body), vec!["rejected"; 4]);
        assert_eq!(body["results"][0]["errors"][0]["field"], "team");
        assert_eq!(body["results"][3]["errors"][0]["field"], "household");
        let after = (
            app.count("activities").await,
            app.count("households").await,
            app.count("household_checks").await,
        );
        assert_eq!(before, after);
        assert_eq!(
            app.count("sync_receipts").await,
            1,
            "rejected items leave no receipt"
        );
        // Reading member B's household page: not found for A.
        assert_eq!(
            f.member_a.get(&format!("/quan-ly/ho/{hb}")).await.status(),
            404
        );
        // A commune admin of A is bounded the same way.
        f.admin
            .post_form(
                &format!("/quan-ly/nguoi-dung/{}/vai-tro", f.member_a_id),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        let (_, list) = f.member_a.get_text("/quan-ly/to").await;
        assert!(!list.contains("Tổ CNS Thôn Hai"));
        assert_eq!(
            f.member_a
                .get(&format!("/quan-ly/to/{}", f.team_b))
                .await
                .status(),
            404
        );
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/to/{}/thanh-vien", f.team_b),
                &[
                    ("phone", "0911000001"),
                    ("role", "volunteer"),
                    ("joined_on", "2026-01-05"),
                ],
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM team_members WHERE team_id = $1",
                &f.team_b
            )
            .await,
            1
        );
    }
);

both!(
    households_checklist_and_coverage,
    |app: TestApp| async move {
        let f = setup(&app).await;
        // Two households through the plain form, one twice (same head and address: one household).
        for (head, addr) in [
            ("Hồ Văn Lai", "Xóm Đồng"),
            ("Trần Thị Hoa", "Xóm Bãi"),
            ("hồ văn  lai", "xóm đồng"),
        ] {
            let r = f
                .member_a
                .post_form(
                    &format!("/quan-ly/thon/{}/ho", f.village_a),
                    &[
                        ("client_id", &uuid::Uuid::now_v7().to_string()),
                        ("head_name", head),
                        ("address", addr),
                        ("adults", "3"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 303);
        }
        assert_eq!(app.count("households").await, 2);
        let h1 = scalar(
            &app,
            "SELECT id FROM households WHERE head_name = $1",
            "Hồ Văn Lai",
        )
        .await;
        // Bad input: 422 with the field, nothing written.
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/thon/{}/ho", f.village_a),
                &[("head_name", ""), ("address", "x"), ("adults", "0")],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(app.count("households").await, 2);

        // Tick two items on household 1 (the no-JS form), once more (a resubmission: nothing new).
        let cid = uuid::Uuid::now_v7().to_string();
        for _ in 0..2 {
            let r = f
                .member_a
                .post_form(
                    &format!("/quan-ly/ho/{h1}"),
                    &[
                        ("client_id", &cid),
                        ("items", "vneid_installed"),
                        ("items", "cashless"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 303);
        }
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM household_checks WHERE household_id = $1 AND done",
                &h1
            )
            .await,
            2
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM stat_events WHERE metric = $1",
                "household_check"
            )
            .await,
            2
        );
        // Ticking is an activity of the member's team too.
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM activities WHERE household_id = $1",
                &h1
            )
            .await,
            2
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM activities WHERE team_id = $1",
                &f.team_a
            )
            .await,
            2
        );

        // Coverage: 1 of 2 households has VNeID = 50%; people helped and active members counted.
        let (s, page) = f
            .member_a
            .get_text(&format!("/quan-ly/xa/{QT_COMMUNE_A}/bao-phu"))
            .await;
        assert_eq!(s, 200);
        assert!(page.contains("Thôn Một"), "{page}");
        assert!(page.contains("50%"), "{page}");
        let (_, admin_page) = f
            .admin
            .get_text(&format!("/quan-ly/xa/{QT_COMMUNE_A}/bao-phu"))
            .await;
        assert!(admin_page.contains("50%"));
        let cov = hocvuso::teams::store::coverage(&app.state.db, QT_COMMUNE_A, Some(&f.village_a))
            .await
            .unwrap();
        assert_eq!(cov[0].households, 2);
        assert_eq!(cov[0].items, vec![1, 0, 0, 1, 0, 0]);
        assert_eq!(cov[0].people_helped, 2);
        assert_eq!(cov[0].active_members, 1);

        // Unticking takes the item back from the figures, and the village page shows the state.
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/ho/{h1}"),
                &[
                    ("was", "vneid_installed"),
                    ("was", "cashless"),
                    ("items", "cashless"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM household_checks WHERE household_id = $1 AND done",
                &h1
            )
            .await,
            1
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM stat_events e WHERE e.metric = $1 AND e.retracts IS NULL AND NOT EXISTS (SELECT 1 FROM stat_events r WHERE r.retracts = e.id)",
                "household_check"
            )
            .await,
            1
        );
        let (_, village) = f
            .member_a
            .get_text(&format!("/quan-ly/thon/{}/ho", f.village_a))
            .await;
        assert!(village.contains("Hồ Văn Lai") && village.contains("Trần Thị Hoa"));
    }
);

both!(
    activities_contacts_and_what_was_done_for_me,
    |app: TestApp| async move {
        let f = setup(&app).await;
        // A learner of village A who will be helped.
        let learner = app.new_browser();
        learner
            .sign_up_with(&[
                ("phone", "0912999888"),
                ("full_name", "Nguyễn Thị Cúc"),
                ("commune", QT_COMMUNE_A),
                ("village", &f.village_a),
            ])
            .await;
        // Not published yet: the learner sees no phone of the team.
        let (_, page) = learner.get_text("/to-cong-nghe-so").await;
        assert!(page.contains("Gọi tổ công nghệ số") && !page.contains("Lê Văn An"));
        // The member agrees to publish.
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/to/{}/cong-khai", f.team_a),
                &[("publish", "yes")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = learner.get_text("/to-cong-nghe-so").await;
        assert!(
            page.contains("Lê Văn An") && page.contains("0911 000 001"),
            "{page}"
        );
        // Anyone can look a village up, but only published members appear.
        let anon = app.new_browser();
        let (_, page) = anon
            .get_text(&format!(
                "/to-cong-nghe-so?xa={QT_COMMUNE_A}&thon={}",
                f.village_a
            ))
            .await;
        assert!(page.contains("0911 000 001"));
        let (_, page) = anon
            .get_text(&format!(
                "/to-cong-nghe-so?xa={QT_COMMUNE_B}&thon={}",
                f.village_b
            ))
            .await;
        assert!(!page.contains("0911 000 002"));

        // An activity logged with the plain form, naming the learner by phone.
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/to/{}/hoat-dong", f.team_a),
                &[
                    ("client_id", &uuid::Uuid::now_v7().to_string()),
                    ("village", &f.village_a),
                    ("happened_on", "2026-11-20"),
                    ("kinds", "vneid_install"),
                    ("kinds", "scam_warning"),
                    ("people_helped", "2"),
                    ("phone", "0912 999 888"),
                    ("members", &f.member_a_id),
                    ("notes", "Cài VNeID cho bà Cúc"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM activities WHERE kinds = $1",
                "vneid_install,scam_warning"
            )
            .await,
            1
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM stat_events WHERE metric = $1 AND value = 2",
                "team_activity"
            )
            .await,
            1
        );
        let (_, page) = learner.get_text("/to-cong-nghe-so").await;
        assert!(
            page.contains("Việc tổ công nghệ số đã làm giúp bạn")
                && page.contains("Cài VNeID")
                && page.contains("Lê Văn An"),
            "{page}"
        );
        // A phone from another commune is refused, and the activity is not stored.
        let r = f
            .member_a
            .post_form(
                &format!("/quan-ly/to/{}/hoat-dong", f.team_a),
                &[
                    ("village", &f.village_a),
                    ("happened_on", "2026-11-20"),
                    ("kinds", "other"),
                    ("phone", "0911000002"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(app.count("activities").await, 1);
        // The member leaves: their contact disappears and so does their access.
        let mid = scalar(
            &app,
            "SELECT id FROM team_members WHERE person_id = $1",
            &f.member_a_id,
        )
        .await;
        let r = f
            .admin
            .post_form(
                &format!("/quan-ly/to/{}/thanh-vien/{mid}/roi", f.team_a),
                &[("left_on", "2026-01-06")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = learner.get_text("/to-cong-nghe-so").await;
        assert!(!page.contains("0911 000 001"));
        assert_eq!(
            f.member_a
                .get(&format!("/quan-ly/to/{}", f.team_a))
                .await
                .status(),
            404
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM roles WHERE person_id = $1 AND role = 'volunteer'",
                &f.member_a_id
            )
            .await,
            0
        );
    }
);

both!(
    imports_write_everything_or_nothing,
    |app: TestApp| async move {
        let province = app.state.province.clone();
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let village = add_village(&admin, QT_COMMUNE_A, "Thôn Một").await;
        let db = &app.state.db;
        let good = format!(
            "unit_code,team_name,phone,full_name,role,joined_on,sex,ethnic_group,left_on,publish_contact\n\
         {village},Tổ CNS Thôn Một,0913000001,Hồ Văn Trưởng,leader,2025-03-01,nam,Kinh,,yes\n\
         {village},Tổ CNS Thôn Một,0913000002,Lê Thị Đoàn,youth_union,2025-03-01,nu,Bru-Vân Kiều,,no\n\
         {QT_COMMUNE_A},Tổ CNS phường,0913000003,Trần Công An,police,2025-04-01,nam,Kinh,,\n"
        );
        let bad = format!("{good}{village},Tổ CNS Thôn Một,12345,Ai Đó,captain,2025-13-01,,,,\n");
        let err = hocvuso::teams::import::import_teams(db, &province, bad.as_bytes(), false)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 5"), "{err}");
        assert_eq!(
            (app.count("teams").await, app.count("team_members").await),
            (0, 0),
            "nothing written"
        );
        let report = hocvuso::teams::import::import_teams(db, &province, good.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!((report.teams_created, report.members), (2, 3));
        assert_eq!(app.count("team_members").await, 3);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM team_members WHERE publish_contact AND role = $1",
                "leader"
            )
            .await,
            1
        );
        // Imported members can work at once (volunteer role at the team's unit).
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM roles WHERE role = 'volunteer' AND unit_code = $1",
                &village
            )
            .await,
            2
        );
        // Re-import: no new team, no new member.
        hocvuso::teams::import::import_teams(db, &province, good.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(
            (app.count("teams").await, app.count("team_members").await),
            (2, 3)
        );

        let hh = format!(
            "village_code,head_name,address,adults\n{village},Hồ Văn Lai,Xóm Đồng,3\n{village},Trần Thị Hoa,Xóm Bãi,2\n"
        );
        let r = hocvuso::teams::import::import_households(db, &province, hh.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!(r.households_created, 2);
        let r = hocvuso::teams::import::import_households(db, &province, hh.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!((r.households_created, r.unchanged), (0, 2));
        let bad = format!(
            "{hh}{village},,Xóm Bãi,2\n19360-999,Ai,Đâu,1\n{village},hồ văn lai,xóm đồng,4\n"
        );
        let err = hocvuso::teams::import::import_households(db, &province, bad.as_bytes(), false)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 4") && err.contains("line 5") && err.contains("line 6"),
            "{err}"
        );
        assert_eq!(app.count("households").await, 2);
    }
);

both!(
    a_new_member_without_an_ethnic_group_is_refused_and_nobody_is_assumed_kinh,
    |app: crate::TestApp| async move {
        let f = setup(&app).await;
        let people = app.count("people").await;
        let form = |ethnic: &'static str| {
            vec![
                ("phone", "0915000077"),
                ("full_name", "Hồ Thị Mai"),
                ("sex", "nu"),
                ("ethnic_group", ethnic),
                ("role", "volunteer"),
                ("joined_on", "2026-01-05"),
            ]
        };
        let path = format!("/quan-ly/to/{}/thanh-vien", f.team_a);
        let r = f.admin.post_form(&path, &form("")).await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap_or_default();
        assert!(
            body.contains("hãy chọn dân tộc") || body.contains("choose the ethnic group"),
            "the reason is said"
        );
        assert_eq!(app.count("people").await, people, "nothing written");
        let r = f.admin.post_form(&path, &form("Bru-Vân Kiều")).await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            scalar(
                &app,
                "SELECT ethnic_group FROM people WHERE phone = $1",
                "+84915000077"
            )
            .await,
            "Bru-Vân Kiều"
        );
    }
);
