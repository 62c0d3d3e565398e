//! Scam check: the verdicts the issue names, through the API and the page; bad input; reports and
//! their scope; confirmed numbers raising later verdicts on every app server; rule edits.
use serde_json::{Value, json};

use crate::{QT_COMMUNE_A, QT_COMMUNE_B, TestApp, both};

const POLICE_OTP: &str = "Công an phường yêu cầu cung cấp mã OTP";
const LOOKALIKE: &str = "vietcombank-vn.com";
const BANK_OTP_NOTICE: &str = "Vietcombank: Ma OTP cua Quy khach la 482913, hieu luc trong 3 phut. \
     Tuyet doi KHONG cung cap OTP cho bat ky ai, ke ca nhan vien ngan hang.";

async fn check(app: &TestApp, body: Value) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/api/v1/scam/check"))
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = r.status().as_u16();
    (status, r.json().await.expect("json"))
}

async fn verdict(app: &TestApp, text: &str) -> Value {
    let (s, v) = check(app, json!({ "text": text })).await;
    assert_eq!(s, 200, "{v}");
    v
}

fn codes(v: &Value) -> Vec<String> {
    v["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["code"].as_str().expect("code").to_owned())
        .collect()
}

async fn report_json(app: &TestApp, body: Value) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/api/v1/scam/reports"))
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn first_field(v: &Value) -> &str {
    v["error"]["fields"][0]["field"].as_str().unwrap_or("")
}

both!(
    done_when_cases_through_the_api,
    |app: crate::TestApp| async move {
        let v = verdict(&app, POLICE_OTP).await;
        assert_eq!(v["verdict"], "scam", "{v}");
        let c = codes(&v);
        assert!(
            c.contains(&"asks_otp".into()) && c.contains(&"imp_police".into()),
            "{c:?}"
        );
        let first = &v["reasons"][0];
        assert!(first["message"].as_str().unwrap().contains("OTP"), "{v}");
        assert!(first["learn_url"].as_str().unwrap().starts_with("/hoc/"));
        assert!(v["advice"].as_str().unwrap().contains("OTP"));
        assert!(v["score"].as_f64().unwrap() >= 0.7);
        assert_eq!(v["learn_url"], "/hoc/bao-mat-tai-khoan/ma-otp");

        let v = verdict(&app, LOOKALIKE).await;
        assert_eq!(v["verdict"], "scam", "{v}");
        assert_eq!(v["reasons"][0]["code"], "link_lookalike");
        assert!(
            v["reasons"][0]["message"]
                .as_str()
                .unwrap()
                .contains("vietcombank.com.vn")
        );

        let v = verdict(&app, BANK_OTP_NOTICE).await;
        assert_eq!(v["verdict"], "safe", "{v}");
        assert!(!codes(&v).contains(&"asks_otp".into()));

        // English on request.
        let (_, v) = check(&app, json!({ "text": POLICE_OTP, "lang": "en" })).await;
        assert!(
            v["advice"].as_str().unwrap().contains("Do not transfer"),
            "{v}"
        );
        // Checking writes nothing.
        assert_eq!(app.count("scam_reports").await, 0);
    }
);

both!(
    done_when_cases_on_the_page_without_javascript,
    |app: crate::TestApp| async move {
        let (s, home) = app.get_text("/").await;
        assert_eq!(s, 200);
        assert!(
            home.contains("href=\"/kiem-tra\""),
            "nav and home link the check"
        );
        let (s, form) = app.get_text("/kiem-tra").await;
        assert_eq!(s, 200);
        assert!(form.contains("<textarea id=\"text\" name=\"text\""));
        assert!(form.contains("action=\"/kiem-tra\""));

        // A plain form post, no CSRF token needed for a check.
        let r = app.post_raw("/kiem-tra", &[("text", POLICE_OTP)]).await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        assert!(body.contains("class=\"verdict v-scam\""), "colour class");
        assert!(
            body.contains("class=\"v-icon\""),
            "an icon, not colour alone"
        );
        assert!(body.contains("Lừa đảo</h2>"), "the verdict in words");
        assert!(body.contains("Vì sao?") && body.contains("mã OTP"));
        assert!(
            body.contains("href=\"/hoc/bao-mat-tai-khoan/ma-otp\""),
            "lesson link"
        );
        assert!(
            body.contains("Mã OTP"),
            "the lesson's title from the content folder"
        );
        assert!(body.contains("Không chuyển tiền"), "what to do now");
        assert!(body.contains("Báo cáo lừa đảo"), "the report button");
        assert!(
            body.contains("name=\"commune\""),
            "visitors choose their commune"
        );

        let r = app.post_raw("/kiem-tra", &[("text", LOOKALIKE)]).await;
        let body = r.text().await.unwrap();
        assert!(body.contains("v-scam") && body.contains("vietcombank.com.vn"));

        let r = app
            .post_raw("/kiem-tra", &[("text", BANK_OTP_NOTICE)])
            .await;
        let body = r.text().await.unwrap();
        assert!(body.contains("class=\"verdict v-safe\""), "{body}");
        assert!(body.contains("Chưa thấy dấu hiệu lừa đảo"));

        // English interface, English reasons.
        app.get("/cai-dat?lang=en&next=/").await;
        let r = app.post_raw("/kiem-tra", &[("text", POLICE_OTP)]).await;
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Scam</h2>") && body.contains("Why?"),
            "{body}"
        );
        assert!(body.contains("Report scam"));
    }
);

both!(
    bad_input_is_refused_with_the_field_and_writes_nothing,
    |app: crate::TestApp| async move {
        let long = "a".repeat(5_001);
        let cases: Vec<(Value, u16, &str)> = vec![
            (json!({}), 422, "text"),
            (json!({ "text": "" }), 422, "text"),
            (json!({ "text": "   \n " }), 422, "text"),
            (json!({ "text": long }), 422, "text"),
            (json!({ "text": "OTP\u{0007}" }), 422, "text"),
            (json!({ "text": 12345 }), 422, "text"),
            (json!({ "text": "ok", "lang": "fr" }), 422, "lang"),
            (json!(["text"]), 400, ""),
        ];
        for (body, status, field) in cases {
            let (s, v) = check(&app, body.clone()).await;
            assert_eq!(s, status, "{body} → {v}");
            assert_eq!(first_field(&v), field, "{v}");
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
        }
        let r = app
            .client
            .post(app.url("/api/v1/scam/check"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);

        // The report API: the same checks, plus JSON only and same origin.
        for (body, status, field) in [
            (json!({ "commune": QT_COMMUNE_A }), 422, "text"),
            (
                json!({ "text": "a".repeat(5_001), "commune": QT_COMMUNE_A }),
                422,
                "text",
            ),
            (json!({ "text": POLICE_OTP }), 422, "commune"),
            (
                json!({ "text": POLICE_OTP, "commune": "99999" }),
                422,
                "commune",
            ),
            (
                json!({ "text": POLICE_OTP, "commune": "44" }),
                422,
                "commune",
            ),
        ] {
            let (s, v) = report_json(&app, body.clone()).await;
            assert_eq!(s, status, "{body} → {v}");
            assert_eq!(first_field(&v), field, "{v}");
        }
        let r = app
            .client
            .post(app.url("/api/v1/scam/reports"))
            .form(&[("text", POLICE_OTP), ("commune", QT_COMMUNE_A)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "a cross-site form cannot post JSON");
        let r = app
            .client
            .post(app.url("/api/v1/scam/reports"))
            .header("origin", "https://evil.example")
            .json(&json!({ "text": POLICE_OTP, "commune": QT_COMMUNE_A }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // The page: an empty message and a report without a token or a commune.
        let r = app.post_raw("/kiem-tra", &[("text", "  ")]).await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("aria-invalid=\"true\"") && body.contains("id=\"text-err\""));
        let r = app
            .post_raw(
                "/kiem-tra/bao-cao",
                &[("text", POLICE_OTP), ("commune", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 403, "reports need the CSRF token");
        let r = app
            .post_form("/kiem-tra/bao-cao", &[("text", POLICE_OTP)])
            .await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("id=\"commune-err\"") && body.contains("v-scam"),
            "verdict kept"
        );

        assert_eq!(app.count("scam_reports").await, 0);
        assert_eq!(app.count("stat_events").await, 0);
    }
);

/// A province admin signed in on a browser of `app`.
async fn province_admin(app: &TestApp) -> TestApp {
    let admin = app.new_browser();
    admin.as_province_admin("0900000001").await;
    admin
}

async fn report_ids(app: &TestApp) -> Vec<String> {
    app.state
        .db
        .fetch_all::<(String,)>(hocvuso::db::q(
            "SELECT id FROM scam_reports ORDER BY created_at, id",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|(id,)| id)
        .collect()
}

both!(
    confirmed_report_raises_later_verdicts_on_every_server,
    |app: crate::TestApp| async move {
        let other_server = app.spawn_sibling().await;
        let scam_number = "0398 765 432";
        let later = "Chi oi goi lai em so 0398765432 nhe";
        assert_eq!(verdict(&app, later).await["verdict"], "safe");
        assert_eq!(verdict(&other_server, later).await["verdict"], "safe");

        // A visitor reports with one tap (their commune chosen in the select).
        let visitor = app.new_browser();
        let reported =
            format!("Chúc mừng bạn trúng thưởng xe máy! Gọi {scam_number} để nhận quà, phí 500k.");
        let r = visitor
            .post_form(
                "/kiem-tra/bao-cao",
                &[("text", &reported), ("commune", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/kiem-tra/da-bao-cao");
        let (_, thanks) = visitor.get_text("/kiem-tra/da-bao-cao").await;
        assert!(thanks.contains("Cảm ơn bạn đã báo cáo"));
        let ids = report_ids(&app).await;
        assert_eq!(ids.len(), 1);
        let (kind, verdict_at, numbers, unit, status): (String, String, String, String, String) =
            app.state
                .db
                .fetch_optional(hocvuso::db::q(
                    "SELECT kind, verdict, numbers, unit_code, status FROM scam_reports",
                ))
                .await
                .unwrap()
                .unwrap();
        assert_ne!(kind, "none");
        assert_ne!(verdict_at, "safe");
        assert_eq!(numbers, "+84398765432");
        assert_eq!((unit.as_str(), status.as_str()), (QT_COMMUNE_A, "new"));
        let counted = app
            .state
            .db
            .count(
                hocvuso::db::q("SELECT COUNT(*) FROM stat_events WHERE metric = 'scam_report' AND unit_code = $1")
                    .bind(QT_COMMUNE_A),
            )
            .await
            .unwrap();
        assert_eq!(counted, 1, "the report feeds the dashboard");

        // The province admin sees it, with the number ticked, and confirms.
        let admin = province_admin(&app).await;
        let (s, list) = admin.get_text("/quan-ly/lua-dao").await;
        assert_eq!(s, 200);
        assert!(list.contains("Chúc mừng bạn trúng thưởng") && list.contains("Phường Quảng Trị"));
        let (_, page) = admin
            .get_text(&format!("/quan-ly/lua-dao/{}", ids[0]))
            .await;
        assert!(page.contains("value=\"+84398765432\" checked"), "{page}");
        let r = admin
            .post_raw(
                &format!("/quan-ly/lua-dao/{}/xac-nhan", ids[0]),
                &[("number", "+84398765432")],
            )
            .await;
        assert_eq!(r.status(), 403, "decisions need the CSRF token");
        let r = admin
            .post_form(
                &format!("/quan-ly/lua-dao/{}/xac-nhan", ids[0]),
                &[("number", "+84912000000")],
            )
            .await;
        assert_eq!(
            r.status(),
            422,
            "only numbers found in the report can be confirmed"
        );
        assert_eq!(app.count("scam_confirmed").await, 0);
        let r = admin
            .post_form(
                &format!("/quan-ly/lua-dao/{}/xac-nhan", ids[0]),
                &[("number", "+84398765432")],
            )
            .await;
        assert_eq!(r.status(), 303);

        // This server at once; the other within its poll interval, through the database alone.
        let v = verdict(&app, later).await;
        assert_ne!(v["verdict"], "safe", "{v}");
        assert!(codes(&v).contains(&"community_number".into()));
        let mut seen = false;
        for _ in 0..60 {
            let v = verdict(&other_server, later).await;
            if codes(&v).contains(&"community_number".into()) {
                seen = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(seen, "the second server picked up the confirmed number");

        // Rejecting takes it back.
        let r = admin
            .post_form(&format!("/quan-ly/lua-dao/{}/bac-bo", ids[0]), &[])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("scam_confirmed").await, 0);
        assert!(!codes(&verdict(&app, later).await).contains(&"community_number".into()));
    }
);

both!(
    commune_admin_sees_and_decides_only_their_communes_reports,
    |app: crate::TestApp| async move {
        let visitor = app.new_browser();
        for (text, commune) in [
            (
                "Công an xã A yêu cầu đọc mã OTP, gọi 0398111222",
                QT_COMMUNE_A,
            ),
            (
                "Điện lực báo cắt điện, chuyển khoản ngay vào 0398333444",
                QT_COMMUNE_B,
            ),
        ] {
            let r = visitor
                .post_form("/kiem-tra/bao-cao", &[("text", text), ("commune", commune)])
                .await;
            assert_eq!(r.status(), 303);
        }
        let ids = report_ids(&app).await;
        let admin = province_admin(&app).await;
        let officer = app.new_browser();
        officer
            .sign_up_with(&[
                ("phone", "0911000001"),
                ("full_name", "Lê Văn An"),
                ("commune", QT_COMMUNE_A),
            ])
            .await;
        let officer_id = app.person_id("0911000001").await;
        let r = admin
            .post_form(
                &format!("/quan-ly/nguoi-dung/{officer_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303);

        let (s, list) = officer.get_text("/quan-ly/lua-dao").await;
        assert_eq!(s, 200);
        assert!(
            list.contains("Công an xã A") && !list.contains("Điện lực báo cắt điện"),
            "{list}"
        );
        assert_eq!(
            officer
                .get(&format!("/quan-ly/lua-dao/{}", ids[0]))
                .await
                .status(),
            200
        );
        assert_eq!(
            officer
                .get(&format!("/quan-ly/lua-dao/{}", ids[1]))
                .await
                .status(),
            404
        );
        assert_eq!(
            officer.get("/quan-ly/lua-dao/not-a-uuid").await.status(),
            404
        );
        let r = officer
            .post_form(
                &format!("/quan-ly/lua-dao/{}/xac-nhan", ids[1]),
                &[("number", "+84398333444")],
            )
            .await;
        assert_eq!(r.status(), 404);
        let r = officer
            .post_form(&format!("/quan-ly/lua-dao/{}/bac-bo", ids[1]), &[])
            .await;
        assert_eq!(r.status(), 404);
        let status: String = app
            .state
            .db
            .scalar(hocvuso::db::q("SELECT status FROM scam_reports WHERE id = $1").bind(&ids[1]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(status, "new", "nothing changed outside the commune");
        assert_eq!(app.count("scam_confirmed").await, 0);
        // Their own commune's report they may decide; the rules are the province's.
        let r = officer
            .post_form(
                &format!("/quan-ly/lua-dao/{}/xac-nhan", ids[0]),
                &[("number", "+84398111222")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(officer.get("/quan-ly/lua-dao/quy-tac").await.status(), 403);
        // A learner is not an admin at all.
        assert_eq!(visitor.get("/quan-ly/lua-dao").await.status(), 303);
        let (_, all) = admin.get_text("/quan-ly/lua-dao?trang_thai=tat-ca").await;
        assert!(all.contains("Công an xã A") && all.contains("Điện lực báo cắt điện"));
    }
);

both!(
    reporters_own_data_is_stripped_and_signed_in_is_one_tap,
    |app: crate::TestApp| async move {
        let r = app
            .sign_up_with(&[("phone", "0912345678"), ("full_name", "Hồ Thị Lan")])
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = app.get_text("/kiem-tra").await;
        assert!(!page.contains("name=\"commune\""));
        let r = app.post_raw("/kiem-tra", &[("text", POLICE_OTP)]).await;
        let page = r.text().await.unwrap();
        assert!(
            page.contains("Báo cáo lừa đảo") && !page.contains("name=\"commune\""),
            "one tap"
        );
        let text = "Gửi chị Hồ Thị Lan (0912.345.678): công an phường yêu cầu đọc mã OTP, \
                    CCCD 044190012345 của chị bị khóa. Liên hệ 0398 765 432.";
        let r = app.post_form("/kiem-tra/bao-cao", &[("text", text)]).await;
        assert_eq!(r.status(), 303);
        let (stored, numbers, unit): (String, String, String) = app
            .state
            .db
            .fetch_optional(hocvuso::db::q(
                "SELECT text, numbers, unit_code FROM scam_reports",
            ))
            .await
            .unwrap()
            .unwrap();
        assert!(
            !stored.contains("0912.345.678") && !stored.contains("Hồ Thị Lan"),
            "{stored}"
        );
        assert!(!stored.contains("044190012345"), "{stored}");
        assert!(
            stored.contains("0398 765 432") && stored.contains("mã OTP"),
            "{stored}"
        );
        assert_eq!(
            numbers, "+84398765432",
            "the reporter's number is never evidence"
        );
        assert_eq!(unit, QT_COMMUNE_A, "filed under the reporter's commune");
    }
);

both!(
    reports_are_rate_limited_per_address_and_counted_once,
    |app: crate::TestApp| async move {
        let body = |i: usize| json!({ "text": format!("Tin lừa đảo số {i}: đọc mã OTP cho công an"), "commune": QT_COMMUNE_A });
        let (s, first) = report_json(&app, body(0)).await;
        assert_eq!(s, 201, "{first}");
        let (s, again) = report_json(&app, body(0)).await;
        assert_eq!(s, 200, "a double tap");
        assert_eq!(again["duplicate"], true);
        assert_eq!(again["id"], first["id"]);
        for i in 1..10 {
            let (s, v) = report_json(&app, body(i)).await;
            assert_eq!(s, 201, "{v}");
        }
        let (s, v) = report_json(&app, body(10)).await;
        assert_eq!(s, 429, "{v}");
        let r = app
            .new_browser()
            .post_form(
                "/kiem-tra/bao-cao",
                &[("text", "khác"), ("commune", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 429, "the page shares the address's limit");
        assert_eq!(app.count("scam_reports").await, 10);
        let counted = app
            .state
            .db
            .count(hocvuso::db::q(
                "SELECT COUNT(*) FROM stat_events WHERE metric = 'scam_report'",
            ))
            .await
            .unwrap();
        assert_eq!(counted, 10);
    }
);

both!(
    admins_edit_rules_and_a_broken_edit_changes_nothing,
    |app: crate::TestApp| async move {
        let admin = province_admin(&app).await;
        let other_server = app.spawn_sibling().await;
        let (s, page) = admin.get_text("/quan-ly/lua-dao/quy-tac").await;
        assert_eq!(s, 200);
        assert!(
            page.contains("Độ chính xác") && page.contains("Độ phủ"),
            "quality figures shown"
        );
        let domains = app.state.scam.files().domains.clone();
        let signals = app.state.scam.files().signals.clone();

        // A syntax error on a known line.
        let broken = signals.replacen("\n[scoring]\n", "\n[scoring\n", 1);
        assert_ne!(broken, signals);
        let line = broken.lines().position(|l| l == "[scoring").unwrap() + 1;
        let r = admin
            .post_form(
                "/quan-ly/lua-dao/quy-tac",
                &[("domains", &domains), ("signals", &broken)],
            )
            .await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("scam/signals.toml:{line}:")),
            "file and line shown"
        );
        assert!(body.contains("id=\"rules-problem-signals\""));
        // A valid TOML that breaks a rule (an unknown lesson).
        let bad_lesson = signals.replacen(
            "default_learn = \"nhan-dien-lua-dao/dau-hieu-lua-dao\"",
            "default_learn = \"nhan-dien-lua-dao/khong-co-bai-nay\"",
            1,
        );
        assert_ne!(bad_lesson, signals);
        let r = admin
            .post_form(
                "/quan-ly/lua-dao/quy-tac",
                &[("domains", &domains), ("signals", &bad_lesson)],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("khong-co-bai-nay"));
        assert_eq!(app.count("scam_rule_files").await, 0, "nothing stored");
        let v = verdict(&app, POLICE_OTP).await;
        assert_eq!(v["verdict"], "scam");

        // A good edit: a new official domain makes its links safe, on both servers.
        let local =
            "UBND xa Mau thong bao lich tiem chung, xem tai https://congthongtin-xa-mau.com/lich";
        assert_ne!(verdict(&app, local).await["verdict"], "safe");
        let edited = format!(
            "{domains}\n[[official]]\nkind = \"gov\"\nname = \"Cổng thông tin xã mẫu\"\ndomains = [\"congthongtin-xa-mau.com\"]\nsource = \"Quyết định của UBND xã Mẫu, https://congthongtin-xa-mau.com\"\n"
        );
        // Every registry entry needs its source: without one the edit is refused.
        let no_source = format!(
            "{domains}\n[[official]]\nkind = \"gov\"\nname = \"Không nguồn\"\ndomains = [\"khong-nguon.com\"]\n"
        );
        let r = admin
            .post_form(
                "/quan-ly/lua-dao/quy-tac",
                &[("domains", &no_source), ("signals", &signals)],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("source"));
        let r = admin
            .post_form(
                "/quan-ly/lua-dao/quy-tac",
                &[("domains", &edited), ("signals", &signals)],
            )
            .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        assert_eq!(
            app.count("scam_rule_files").await,
            1,
            "only the changed file is stored"
        );
        assert_eq!(verdict(&app, local).await["verdict"], "safe");
        let mut seen = false;
        for _ in 0..60 {
            if verdict(&other_server, local).await["verdict"] == "safe" {
                seen = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(seen, "the second server uses the edited rules");

        // Back to the files.
        let r = admin
            .post_form("/quan-ly/lua-dao/quy-tac/khoi-phuc", &[])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("scam_rule_files").await, 0);
        assert_ne!(verdict(&app, local).await["verdict"], "safe");
    }
);

// Issue 13: the kinds of message the check got wrong on real inboxes.
both!(
    real_inbox_kinds_through_the_api,
    |app: crate::TestApp| async move {
        // A carrier's own promotion, with a deep link on its app-link subdomain and the opt-out line.
        let promo = "Viettel: Dang ky goi ST90 co ngay 2GB/ngay, soan ST90 gui 191 hoac vao \
                     https://myviettel.onelink.me/ab12. Tu choi QC soan TC gui 199.";
        let v = verdict(&app, promo).await;
        assert_eq!(v["verdict"], "quang_cao", "{v}");
        // A bank OTP that warns not to share it.
        let otp = "Ma OTP cua Quy khach la 482913. Ma co hieu luc trong 3 phut. VCB KHONG BAO GIO \
                   yeu cau khach hang cung cap OTP.";
        let v = verdict(&app, otp).await;
        assert_eq!(v["verdict"], "safe", "{v}");
        // A debt collector shaming the borrower to relatives.
        let debt = "Cong ty tai chinh thong bao: anh Hung no qua han, neu hom nay khong thanh toan \
                    chung toi se dang anh len Facebook va goi cho nguoi than, dong nghiep.";
        let v = verdict(&app, debt).await;
        assert_eq!(v["verdict"], "scam", "{v}");
        assert!(codes(&v).contains(&"debt_shaming".into()), "{v}");
        // Look-alike letters do not hide a gambling lure.
        let v = verdict(&app, "Tang 888K cho thanh v!en m0i, nap dau x2: sodo66.win").await;
        assert_ne!(v["verdict"], "safe", "{v}");
        assert!(codes(&v).contains(&"gambling".into()), "{v}");
    }
);

// Issue 13, the "done when" cases: the fourth verdict, the sender, no false reassurance.
both!(
    advertising_sender_and_no_record_through_the_api,
    |app: crate::TestApp| async move {
        // A genuine carrier promotion with its link on the carrier's own domain.
        let promo = "Viettel tặng Quý khách 50% giá trị thẻ nạp trong ngày 12/12. Nạp thẻ qua My \
                     Viettel hoặc https://viettel.vn/nap-tien. Từ chối QC soạn TC gửi 199.";
        let v = verdict(&app, promo).await;
        assert_eq!(v["verdict"], "quang_cao", "{v}");
        let advice = v["advice"].as_str().unwrap();
        assert!(
            advice.contains("5656") && advice.contains("TC"),
            "says how to refuse: {v}"
        );
        assert!(
            v["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["reassuring"] == true),
            "no alarming reason on advertising: {v}"
        );
        // With the sender as shown on the phone: still advertising; a genuine bank OTP is safe.
        let (s, v) = check(&app, json!({ "text": promo, "sender": "Viettel" })).await;
        assert_eq!((s, v["verdict"].as_str()), (200, Some("quang_cao")), "{v}");
        let otp = "Ma OTP cua Quy khach la 482913. Ma co hieu luc trong 3 phut. VCB KHONG BAO GIO \
                   yeu cau khach hang cung cap OTP duoi moi hinh thuc.";
        let (_, v) = check(&app, json!({ "text": otp, "sender": "Vietcombank" })).await;
        assert_eq!(v["verdict"], "safe", "{v}");
        assert!(codes(&v).contains(&"sender_known".into()), "{v}");
        // A debt-collection threat naming relatives.
        let debt = "Công ty tài chính thông báo: anh Hùng nợ quá hạn 3 tháng. Nếu hôm nay không trả, \
                    chúng tôi sẽ gửi ảnh anh cho bố mẹ, vợ con và đồng nghiệp, đăng lên Facebook.";
        let v = verdict(&app, debt).await;
        assert_eq!(v["verdict"], "scam", "{v}");
        // A personal number speaking for a bank is a reason of its own.
        let (_, v) = check(
            &app,
            json!({ "text": "Vietcombank thông báo tài khoản của quý khách bị khóa, gọi lại ngay", "sender": "0912 345 678" }),
        )
        .await;
        assert!(codes(&v).contains(&"sender_personal".into()), "{v}");
        assert_ne!(v["verdict"], "safe", "{v}");
        // A prize that asks for a fee is a scam, not merely suspicious.
        let v = verdict(
            &app,
            "Chúc mừng quý khách trúng thưởng xe SH. Vui lòng chuyển phí nhận giải 2.000.000đ để nhận quà.",
        )
        .await;
        assert_eq!(v["verdict"], "scam", "{v}");
        // A bare number nobody reported: no record, not "safe".
        let v = verdict(&app, "0912 345 678").await;
        assert_eq!(v["verdict"], "no_record", "{v}");
        assert!(
            v["advice"].as_str().unwrap().contains("chưa có ghi nhận"),
            "{v}"
        );

        // The sender is validated: too long or with control characters, a 422 naming the field,
        // with the reason in the requested language.
        for sender in ["x".repeat(61), "VCB\n191".to_owned(), "VCB\u{7}".to_owned()] {
            let (s, v) = check(
                &app,
                json!({ "text": promo, "sender": sender, "lang": "en" }),
            )
            .await;
            assert_eq!(s, 422, "{v}");
            assert_eq!(first_field(&v), "sender", "{v}");
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{v}"
            );
        }
        let (s, v) = check(&app, json!({ "text": promo, "sender": 191 })).await;
        assert_eq!((s, first_field(&v)), (422, "sender"), "{v}");
        // An empty sender is no sender.
        let (s, _) = check(&app, json!({ "text": promo, "sender": "" })).await;
        assert_eq!(s, 200);
    }
);

both!(
    the_page_shows_advertising_and_no_record_without_javascript,
    |app: crate::TestApp| async move {
        let (_, form) = app.get_text("/kiem-tra").await;
        assert!(
            form.contains("name=\"sender\""),
            "the form asks who sent it"
        );
        let promo = "Viettel: Dang ky goi ST90 co ngay 2GB/ngay, soan ST90 gui 191. Tu choi QC soan TC gui 199.";
        let r = app
            .post_raw("/kiem-tra", &[("text", promo), ("sender", "Viettel")])
            .await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        assert!(body.contains("class=\"verdict v-quang_cao\""), "{body}");
        assert!(body.contains("Tin quảng cáo</h2>"), "the verdict in words");
        assert!(
            body.contains("class=\"v-icon\""),
            "an icon, not colour alone"
        );
        assert!(
            body.contains("TC gửi 199") && body.contains("5656"),
            "how to refuse"
        );
        assert!(
            !body.contains("Không chuyển tiền, không nộp"),
            "no scam to-do list"
        );
        assert!(
            body.contains("value=\"Viettel\""),
            "the sender is kept in the form"
        );

        let r = app.post_raw("/kiem-tra", &[("text", "0912 345 678")]).await;
        let body = r.text().await.unwrap();
        assert!(body.contains("class=\"verdict v-no_record\""), "{body}");
        assert!(body.contains("Chưa có thông tin</h2>"));
        assert!(
            !body.contains("Mức rủi ro"),
            "no 0% for a number nobody reported"
        );
        assert!(body.contains("tự gọi lại số tổng đài"), "how to check");

        // A refused sender is shown next to its field, with no verdict.
        let r = app
            .post_raw("/kiem-tra", &[("text", promo), ("sender", &"x".repeat(61))])
            .await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"sender-err\""), "{body}");
        assert!(!body.contains("class=\"verdict"), "{body}");

        // English interface.
        app.get("/cai-dat?lang=en&next=/").await;
        let r = app.post_raw("/kiem-tra", &[("text", promo)]).await;
        let body = r.text().await.unwrap();
        assert!(body.contains("Advertising</h2>"), "{body}");
        assert!(body.contains("To stop receiving advertising"), "{body}");
    }
);

both!(
    the_rules_editor_opens_one_list_by_name_and_keeps_the_other,
    |app: crate::TestApp| async move {
        let admin = province_admin(&app).await;
        let (s, page) = admin.get_text("/quan-ly/lua-dao/quy-tac").await;
        assert_eq!(s, 200);
        assert!(page.contains("Dấu hiệu lừa đảo") && page.contains("Người gửi và tên miền"));
        // The list itself is the rule text (its comments name files); what the page says around it does not.
        let around = match (page.find("<textarea"), page.find("</textarea>")) {
            (Some(a), Some(b)) => format!("{}{}", &page[..a], &page[b..]),
            _ => page.clone(),
        };
        assert!(
            !around.contains(".toml"),
            "lists are named in words, not by file"
        );
        assert!(page.contains("name=\"signals\"") && !page.contains("name=\"domains\""));
        let (_, page) = admin
            .get_text("/quan-ly/lua-dao/quy-tac?ds=nguoi-gui")
            .await;
        assert!(page.contains("name=\"domains\"") && !page.contains("name=\"signals\""));

        // Saving the senders list alone keeps the signs in force, and opens the same list again.
        let domains = app.state.scam.files().domains.clone();
        let edited = format!("{domains}\n# sửa thử\n");
        let r = admin
            .post_form("/quan-ly/lua-dao/quy-tac", &[("domains", &edited)])
            .await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(to.ends_with("ds=nguoi-gui"), "{to}");
        assert_eq!(
            app.count("scam_rule_files").await,
            1,
            "only the senders list is an edit"
        );
        let signals = app
            .state
            .scam
            .snapshot(&app.state.db)
            .await
            .texts
            .signals
            .clone();
        assert_eq!(signals.trim(), app.state.scam.files().signals.trim());
    }
);
