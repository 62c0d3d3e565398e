//! Attacks tried as an attacker would: forged client addresses, lock-outs of someone else, stale
//! one-time passwords, sessions that outlive their use, floods of sign-ups, questions and checks.
use hocvuso::db::q;

use crate::{QT_COMMUNE_A, TestApp, both};

const OWNER_PASSWORD: &str = "lúa chín vàng đồng";

/// Sign in with a forged (or, behind a trusted proxy, genuine) `X-Forwarded-For`.
async fn sign_in_from(b: &TestApp, phone: &str, password: &str, addr: &str) -> u16 {
    let token = b.csrf().await;
    b.client
        .post(b.url("/dang-nhap"))
        .header("x-forwarded-for", addr)
        .form(&[
            ("phone", phone),
            ("password", password),
            ("next", ""),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

both!(
    a_forged_forwarded_for_does_not_escape_the_address_limit,
    |app: TestApp| async move {
        let b = app.new_browser();
        // Thirty wrong guesses at thirty phones, each claiming a new address: the server counts the
        // socket's address, so the next one is refused however the header rotates.
        for i in 0..30 {
            let status = sign_in_from(
                &b,
                &format!("09120000{i:02}"),
                "đoán bừa",
                &format!("10.9.{i}.1"),
            )
            .await;
            assert_eq!(status, 401, "guess {i}");
        }
        assert_eq!(
            sign_in_from(&b, "0912000099", "đoán bừa", "10.9.99.1").await,
            429
        );

        // Scam reports: ten per address, forged headers or not.
        let mut refused = 0;
        for i in 0..15 {
            let r = b
                .client
                .post(b.url("/api/v1/scam/reports"))
                .header("content-type", "application/json")
                .header("sec-fetch-site", "same-origin")
                .header("x-forwarded-for", format!("10.8.{i}.1"))
                .body(
                    serde_json::json!({"text": format!("Bạn trúng thưởng {i} triệu, bấm http://trung-thuong-{i}.xyz"), "commune": QT_COMMUNE_A})
                        .to_string(),
                )
                .send()
                .await
                .expect("POST");
            if r.status() == 429 {
                refused += 1;
            }
        }
        assert_eq!(refused, 5, "ten reports pass, five are refused");
        assert_eq!(app.count("scam_reports").await, 10);

        // Behind a proxy the operator trusts, the address it appends is the client: thirty other
        // people behind the same balancer are not refused because of the first one's mistakes.
        let proxied = app
            .spawn_sibling_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().expect("cidr")])
            .await;
        let c = proxied.new_browser();
        assert_eq!(
            sign_in_from(&c, "0912000098", "đoán bừa", "spoofed, 203.0.113.5").await,
            401
        );
    }
);

both!(
    a_strangers_wrong_guesses_do_not_lock_the_owner_out,
    |app: TestApp| async move {
        app.sign_up_with(&[]).await;
        let proxied = app
            .spawn_sibling_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().expect("cidr")])
            .await;
        let attacker = proxied.new_browser();
        for _ in 0..5 {
            assert_eq!(
                sign_in_from(&attacker, "0912345678", "đoán bừa", "203.0.113.5").await,
                401
            );
        }
        // The attacker's address is locked out of this account, even with the right password.
        assert_eq!(
            sign_in_from(&attacker, "0912345678", OWNER_PASSWORD, "203.0.113.5").await,
            429
        );
        // The owner, elsewhere, still gets in (slowed down by a second, not locked out).
        let owner = proxied.new_browser();
        let started = std::time::Instant::now();
        assert_eq!(
            sign_in_from(&owner, "0912345678", OWNER_PASSWORD, "198.51.100.7").await,
            303
        );
        assert!(
            started.elapsed() >= std::time::Duration::from_millis(900),
            "slowed down"
        );
    }
);

fn otp_of(body: &str) -> String {
    body.split("class=\"otp\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("one-time password shown")
        .to_owned()
}

both!(
    one_time_passwords_expire_and_must_be_replaced_first,
    |app: TestApp| async move {
        let province = app.new_browser();
        province.as_province_admin("0900000001").await;
        app.sign_up_with(&[("phone", "0911000003")]).await;
        let id = app.person_id("0911000003").await;
        let reset = format!("/quan-ly/nguoi-dung/{id}/dat-lai-mat-khau");
        let otp = otp_of(
            &province
                .post_form(&reset, &[])
                .await
                .text()
                .await
                .expect("body"),
        );

        // First sign-in: straight to the password page, and nothing else opens until it is replaced.
        let p = app.new_browser();
        let r = p
            .post_form("/dang-nhap", &[("phone", "0911000003"), ("password", &otp)])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/tai-khoan/mat-khau?bat-buoc=1");
        let r = p.get("/tai-khoan").await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/tai-khoan/mat-khau?bat-buoc=1");
        let r = p.get("/tai-khoan/du-lieu.json").await;
        assert_ne!(r.status(), 200, "no data with a one-time password");
        let (s, body) = p.get_text("/tai-khoan/mat-khau?bat-buoc=1").await;
        assert_eq!(s, 200);
        assert!(body.contains("mật khẩu dùng một lần"), "{body}");
        let r = p
            .post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current", &otp),
                    ("password", "mật khẩu riêng mới"),
                    ("password2", "mật khẩu riêng mới"),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            p.get("/tai-khoan").await.status(),
            200,
            "open once replaced"
        );

        // A one-time password not used within a day no longer works.
        let otp = otp_of(
            &province
                .post_form(&reset, &[])
                .await
                .text()
                .await
                .expect("body"),
        );
        app.state
            .db
            .execute(
                q("UPDATE people SET password_expires_at = $1 WHERE id = $2")
                    .bind(hocvuso::db::now() - 1)
                    .bind(&id),
            )
            .await
            .expect("age the password");
        let late = app.new_browser();
        let r = late
            .post_form("/dang-nhap", &[("phone", "0911000003"), ("password", &otp)])
            .await;
        assert_eq!(r.status(), 401);
        assert!(r.text().await.expect("body").contains("đã hết hạn"));
    }
);

both!(
    signing_in_again_and_signing_out_everywhere_end_old_sessions,
    |app: TestApp| async move {
        app.sign_up_with(&[]).await;
        let first = app.cookie("hv_session").expect("session");
        // The same browser signs in again: the session it had is gone, not left valid beside the new one.
        assert_eq!(
            app.sign_in("0912345678", OWNER_PASSWORD).await.status(),
            303
        );
        let second = app.cookie("hv_session").expect("session");
        assert_ne!(first, second);
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let with = |token: String| {
            bare.get(app.url("/tai-khoan"))
                .header("cookie", format!("hv_session={token}"))
                .send()
        };
        assert_eq!(
            with(first).await.expect("GET").status(),
            303,
            "old session ended"
        );
        assert_eq!(with(second.clone()).await.expect("GET").status(), 200);

        // "Sign out everywhere" from another phone ends this one too.
        let other = app.new_browser();
        assert_eq!(
            other.sign_in("0912345678", OWNER_PASSWORD).await.status(),
            303
        );
        let r = other.post_form("/tai-khoan/dang-xuat-moi-noi", &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(with(second).await.expect("GET").status(), 303);
        assert_eq!(other.get("/tai-khoan").await.status(), 303);
        assert_eq!(app.count("sessions").await, 0);
    }
);

both!(
    admin_sessions_end_after_two_idle_hours,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        app.sign_up_with(&[]).await;
        assert_eq!(admin.get("/quan-ly").await.status(), 200);
        let three_hours_ago = hocvuso::db::now() - 3 * 3600;
        app.state
            .db
            .execute(q("UPDATE sessions SET last_seen_at = $1").bind(three_hours_ago))
            .await
            .expect("age sessions");
        assert_eq!(
            admin.get("/quan-ly").await.status(),
            303,
            "admin signed out"
        );
        assert_eq!(
            app.get("/tai-khoan").await.status(),
            200,
            "a learner stays signed in"
        );
    }
);

both!(
    sign_ups_questions_and_checks_are_limited_per_address,
    |app: TestApp| async move {
        use hocvuso::web::ratelimit::{ASK, GAP_LOG, SCAM_CHECK, SIGN_UP};
        // Counts below are exact only inside one window of each limit; a slow machine needs a while.
        crate::helpers::clear_of_window_edges(&[ASK, GAP_LOG], 25).await;
        // The assistant: 120 questions a minute from one address, and at most 20 unanswered ones logged.
        let mut statuses = Vec::new();
        for i in 0..125 {
            let r = app
                .post_json(
                    "/api/v1/assistant/ask",
                    &serde_json::json!({"question": format!("giá vé máy bay đi Đà Lạt chuyến số {i}")}),
                )
                .await;
            statuses.push(r.status().as_u16());
        }
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 120);
        assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 5);
        app.state.assistant.gaps.settled().await;
        assert_eq!(
            app.count("assistant_gaps").await,
            20,
            "unanswered questions logged"
        );
        let r = app
            .post_json(
                "/api/v1/assistant/ask",
                &serde_json::json!({"question": "VNeID là gì"}),
            )
            .await;
        assert_eq!(r.status(), 429);
        let body: serde_json::Value = r.json().await.expect("json");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{body}"
        );

        // The scam check: 120 a minute.
        crate::helpers::clear_of_window_edges(&[SCAM_CHECK], 25).await;
        let mut refused = 0;
        for _ in 0..122 {
            let r = app
                .post_json(
                    "/api/v1/scam/check",
                    &serde_json::json!({"text": "Gửi mã OTP cho tôi"}),
                )
                .await;
            if r.status() == 429 {
                refused += 1;
            }
        }
        assert_eq!(refused, 2);

        // Sign-ups: thirty in ten minutes from one address.
        crate::helpers::clear_of_window_edges(&[SIGN_UP], 60).await;
        let mut created = 0;
        let mut refused = 0;
        for i in 0..32 {
            let b = app.new_browser();
            let r = b
                .sign_up_with(&[
                    ("phone", &format!("09130000{i:02}")),
                    ("full_name", "Lê Văn Thử"),
                ])
                .await;
            match r.status().as_u16() {
                303 => created += 1,
                429 => refused += 1,
                s => panic!("sign-up {i}: {s}"),
            }
        }
        assert_eq!((created, refused), (30, 2));
        assert_eq!(app.count("people").await, 30);
    }
);

both!(
    typing_a_phone_invites_it_and_reveals_no_name,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = crate::classes::make_class(&admin, "30").await;
        let victim = app.new_browser();
        victim
            .sign_up_with(&[("phone", "0915000009"), ("full_name", "Nguyễn Thị Bí Mật")])
            .await;
        let class_admin = format!("/quan-ly/lop/{code}");

        // Inviting to teach: the manager sees the number typed, never the name; nobody is an instructor.
        let r = admin
            .post_form(
                &format!("{class_admin}/giang-vien"),
                &[("phone", "0915 000 009")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = admin.get_text(&class_admin).await;
        assert!(
            page.contains("0915 000 009") && !page.contains("Bí Mật"),
            "{page}"
        );
        let (_, public) = app
            .new_browser()
            .get_text(&format!("/lop-hoc/{code}"))
            .await;
        assert!(!public.contains("Bí Mật"));
        assert_eq!(app.count("class_instructors").await, 0);
        assert_eq!(
            victim.get(&class_admin).await.status(),
            404,
            "no roster yet"
        );
        // A number nobody holds gets the same answer: the form tells nothing about who exists.
        let r = admin
            .post_form(
                &format!("{class_admin}/giang-vien"),
                &[("phone", "0915000777")],
            )
            .await;
        assert_eq!(r.status(), 303);

        // Only the person holding the number sees the invitation, and the role starts when they accept.
        let (_, mine) = victim.get_text("/tai-khoan").await;
        assert!(mine.contains("Dùng VNeID, phòng lừa đảo") && mine.contains("Trần Văn Tỉnh"));
        let stranger = app.new_browser();
        stranger.sign_up_with(&[("phone", "0915000010")]).await;
        let inv = hocvuso::db::q("SELECT id FROM invitations WHERE phone = '+84915000009'");
        let inv_id: String = app
            .state
            .db
            .scalar(inv)
            .await
            .expect("q")
            .expect("invitation");
        let r = stranger
            .post_form(&format!("/tai-khoan/loi-moi/{inv_id}/giang-day"), &[])
            .await;
        assert_eq!(r.status(), 404, "someone else's invitation");
        assert_eq!(crate::accept_invitations(&victim).await, 1);
        assert_eq!(app.count("class_instructors").await, 1);
        assert_eq!(victim.get(&class_admin).await.status(), 200);
        let (_, public) = app
            .new_browser()
            .get_text(&format!("/lop-hoc/{code}"))
            .await;
        assert!(
            public.contains("Nguyễn Thị Bí Mật"),
            "named once they accepted"
        );

        // Instructors and invitations can be removed.
        let victim_id = app.person_id("0915000009").await;
        let r = admin
            .post_form(&format!("{class_admin}/giang-vien/{victim_id}/xoa"), &[])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("class_instructors").await, 0);
        assert_eq!(victim.get(&class_admin).await.status(), 404);
        let other: String = app
            .state
            .db
            .scalar(hocvuso::db::q(
                "SELECT id FROM invitations WHERE phone = '+84915000777'",
            ))
            .await
            .expect("q")
            .expect("invitation");
        let r = admin
            .post_form(&format!("{class_admin}/loi-moi/{other}/huy"), &[])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("invitations").await, 0);

        // A team: the same. Typing the number gives no name and no role; declining leaves nothing.
        let village = crate::teams::add_village(&admin, QT_COMMUNE_A, "Thôn Một").await;
        let team = crate::teams::add_team(&admin, &village, "Tổ CNS Thôn Một").await;
        let r = admin
            .post_form(
                &format!("/quan-ly/to/{team}/thanh-vien"),
                &[
                    ("phone", "0915000009"),
                    ("role", "volunteer"),
                    ("joined_on", "2026-01-05"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = admin.get_text(&format!("/quan-ly/to/{team}")).await;
        assert!(
            page.contains("0915 000 009") && !page.contains("Bí Mật"),
            "{page}"
        );
        let roles = hocvuso::db::q(
            "SELECT COUNT(*) FROM roles WHERE person_id = $1 AND role = 'volunteer'",
        );
        assert_eq!(
            app.state.db.count(roles.bind(&victim_id)).await.expect("q"),
            0
        );
        assert_eq!(app.count("team_members").await, 0);
        let (_, mine) = victim.get_text("/tai-khoan").await;
        let decline = mine
            .split("action=\"")
            .filter_map(|s| s.split('"').next())
            .find(|a| a.ends_with("/tu-choi"))
            .expect("decline button")
            .to_owned();
        assert_eq!(victim.post_form(&decline, &[]).await.status(), 303);
        assert_eq!(app.count("invitations").await, 0);
        assert_eq!(app.count("team_members").await, 0);
    }
);

both!(
    suppressed_counts_cannot_be_recovered_by_subtraction,
    |app: TestApp| async move {
        // Nine people: five men, four women. "Total 9, men 5, women <5" would give the women away.
        for i in 0..9 {
            let sex = if i < 5 { "nam" } else { "nu" };
            app.new_browser()
                .sign_up_with(&[("phone", &format!("09140000{i:02}")), ("sex", sex)])
                .await;
        }
        hocvuso::stats::fold::catch_up(&app.state.db)
            .await
            .expect("aggregate");
        let year = hocvuso::stats::period::Period::current_year(hocvuso::db::now()).key();
        let json: serde_json::Value = app
            .get(&format!("/api/v1/stats/units/{QT_COMMUNE_A}?period={year}"))
            .await
            .json()
            .await
            .expect("json");
        let figures = json["figures"].as_array().expect("figures");
        let cell = |dim: &str, cat: Option<&str>| {
            figures
                .iter()
                .find(|f| {
                    f["measure"] == "registered"
                        && f["dimension"] == dim
                        && f["category"].as_str() == cat
                })
                .cloned()
                .unwrap_or_else(|| panic!("registered {dim} {cat:?} in {figures:?}"))
        };
        assert_eq!(cell("all", None)["value"], 9, "the total is published");
        let women = cell("sex", Some("nu"));
        let men = cell("sex", Some("nam"));
        assert_eq!(women["suppressed"], true);
        assert!(women["value"].is_null());
        assert_eq!(men["suppressed"], true, "hidden beside the women: {men}");
        assert!(men["value"].is_null());

        // The public dashboard: the same two cells are hidden ("<5" and "ẩn"), the total shown.
        let (_, page) = app.get_text(&format!("/so-lieu?unit={QT_COMMUNE_A}")).await;
        assert!(page.contains("&#60;5") && page.contains(">ẩn<"), "{page}");

        // The open-data export hides the same cells.
        let dir = std::env::temp_dir().join(format!("hv-od-{}", uuid::Uuid::new_v4().simple()));
        hocvuso::reports::opendata::export(&app.state, &dir)
            .await
            .expect("export");
        let csv = std::fs::read_to_string(dir.join("stats.csv")).expect("stats.csv");
        let line = |needle: &str| {
            csv.lines()
                .find(|l| {
                    l.contains(&format!(",{QT_COMMUNE_A},"))
                        || l.starts_with(&format!("{QT_COMMUNE_A},"))
                })
                .and_then(|_| {
                    csv.lines().find(|l| {
                        l.starts_with(&format!("{QT_COMMUNE_A},year,{year},")) && l.contains(needle)
                    })
                })
                .unwrap_or_else(|| panic!("{needle} in {csv}"))
                .to_owned()
        };
        assert!(
            line(",sex,nu,").ends_with(",,,true"),
            "{}",
            line(",sex,nu,")
        );
        assert!(
            line(",sex,nam,").ends_with(",,,true"),
            "{}",
            line(",sex,nam,")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
);

both!(
    a_persons_download_holds_their_classes_and_roster_views_are_logged,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = crate::classes::make_class(&admin, "30").await;
        let learner = app.new_browser();
        learner.sign_up_with(&[("phone", "0916000001")]).await;
        assert_eq!(
            learner
                .post_form(&format!("/lop-hoc/{code}/dang-ky"), &[])
                .await
                .status(),
            303
        );
        // The admin opens the roster: the learner sees it on their account page.
        assert_eq!(
            admin.get(&format!("/quan-ly/lop/{code}")).await.status(),
            200
        );
        let (_, mine) = learner.get_text("/tai-khoan").await;
        assert!(mine.contains("Xem danh sách học viên của lớp") && mine.contains("Trần Văn Tỉnh"));
        // Their download carries the class, and the roster view.
        let data: serde_json::Value = learner
            .get("/tai-khoan/du-lieu.json")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(
            data["facts"]["classes"][0]["class_code"],
            code.as_str(),
            "{data}"
        );
        assert_eq!(data["facts"]["classes"][0]["status"], "registered");
        assert!(data["facts"]["certificates"].as_array().is_some());
        assert!(data["facts"]["lesson_progress"].as_array().is_some());
        assert_eq!(
            data["personal_data_access_log"][0]["action"],
            "class_roster"
        );
    }
);

both!(
    a_deleted_person_stops_counting_and_leaves_no_link,
    |app: TestApp| async move {
        for i in 0..6 {
            app.new_browser()
                .sign_up_with(&[("phone", &format!("09170000{i:02}"))])
                .await;
        }
        let leaver = app.new_browser();
        leaver
            .sign_up_with(&[("phone", "0917000099"), ("full_name", "Người Sẽ Xoá")])
            .await;
        let id = app.person_id("0917000099").await;
        hocvuso::stats::fold::catch_up(&app.state.db)
            .await
            .expect("aggregate");
        let year = hocvuso::stats::period::Period::current_year(hocvuso::db::now()).key();
        let registered = || async {
            let json: serde_json::Value = app
                .new_browser()
                .get(&format!("/api/v1/stats/units/{QT_COMMUNE_A}?period={year}"))
                .await
                .json()
                .await
                .expect("json");
            json["figures"]
                .as_array()
                .expect("figures")
                .iter()
                .find(|f| f["measure"] == "registered" && f["dimension"] == "all")
                .map(|f| f["value"].clone())
                .expect("registered")
        };
        assert_eq!(registered().await, 7);
        let r = leaver
            .post_form(
                "/tai-khoan/xoa",
                &[("password", "lúa chín vàng đồng"), ("confirm", "yes")],
            )
            .await;
        assert_eq!(r.status(), 303);
        hocvuso::stats::fold::catch_up(&app.state.db)
            .await
            .expect("aggregate");
        assert_eq!(registered().await, 6, "the deleted person no longer counts");
        let left =
            hocvuso::db::q("SELECT COUNT(*) FROM stat_events WHERE person_id = $1").bind(&id);
        assert_eq!(
            app.state.db.count(left).await.expect("q"),
            0,
            "no row names them"
        );
        let report = hocvuso::reports::figures::check(&app.state.db, false)
            .await
            .expect("check figures");
        assert_eq!(report.differences(), 0, "{report:?}");
    }
);

both!(
    a_person_registered_on_their_behalf_claims_the_record,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = crate::classes::make_class(&admin, "30").await;
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/dang-ky-ho"),
                &[
                    ("who", "new"),
                    ("phone", "0918000001"),
                    ("full_name", "Hồ Thị Mơ"),
                    ("birth_year", "1950"),
                    ("sex", "nu"),
                    ("ethnic_group", "Bru-Vân Kiều"),
                    ("village", ""),
                    ("target_group", "nguoi-dan"),
                    ("consent_in_person", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let people = app.count("people").await;
        // The roster shows the code to hand over (on the learner card).
        let (_, roster) = admin.get_text(&format!("/quan-ly/lop/{code}")).await;
        let card: String = roster
            .split("Mã nhận hồ sơ: <strong>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("claim code on the roster")
            .to_owned();

        // Signing up with the number alone says it was registered for them, and makes no second person.
        let her = app.new_browser();
        let r = her
            .sign_up_with(&[("phone", "0918000001"), ("full_name", "Hồ Thị Mơ")])
            .await;
        assert_eq!(r.status(), 409);
        assert!(
            r.text()
                .await
                .expect("body")
                .contains("đã được ghi danh giúp bạn")
        );
        // A wrong code, or the right code with another number, is refused.
        let r = her
            .sign_up_with(&[("phone", "0918000001"), ("card_code", "ZZZZZZZZ")])
            .await;
        assert_eq!(r.status(), 422);
        let r = her
            .sign_up_with(&[("phone", "0918000002"), ("card_code", &card)])
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(app.count("people").await, people);
        // The right code and number: the record becomes her account, with its class.
        let r = her
            .sign_up_with(&[("phone", "0918000001"), ("card_code", &card.to_lowercase())])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("people").await, people, "no second person");
        let data: serde_json::Value = her
            .get("/tai-khoan/du-lieu.json")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(data["person"]["full_name"], "Hồ Thị Mơ");
        assert_eq!(data["facts"]["classes"][0]["class_code"], code.as_str());
        // Claimed once: the code no longer opens it.
        let again = app.new_browser();
        let r = again
            .sign_up_with(&[("phone", "0918000001"), ("card_code", &card)])
            .await;
        assert_eq!(r.status(), 422);
        // She can sign in with her own password, and delete the record like any account.
        assert_eq!(
            again
                .sign_in("0918000001", "lúa chín vàng đồng")
                .await
                .status(),
            303
        );
    }
);

both!(
    opening_a_household_list_is_logged,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let village = crate::teams::add_village(&admin, QT_COMMUNE_A, "Thôn Một").await;
        assert_eq!(app.count("data_access_log").await, 0);
        let (s, _) = admin.get_text(&format!("/quan-ly/thon/{village}/ho")).await;
        assert_eq!(s, 200);
        let row = hocvuso::db::q(
            "SELECT COUNT(*) FROM data_access_log WHERE what = 'household_list' AND unit_code = $1
             AND actor_name = 'Trần Văn Tỉnh'",
        )
        .bind(&village);
        assert_eq!(app.state.db.count(row).await.expect("q"), 1);
    }
);
