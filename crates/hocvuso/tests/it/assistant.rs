//! The assistant over HTTP: right, short, sourced answers; honest refusals that point to help; gaps
//! logged without personal data; the admin page; validation; the optional language model.
use std::time::Duration;

use serde_json::{Value, json};

use crate::{QT_COMMUNE_A, TestApp, both};
use hocvuso::db::q;

async fn ask(app: &TestApp, question: &str) -> (u16, Value) {
    ask_body(app, json!({ "question": question })).await
}

async fn ask_body(app: &TestApp, body: Value) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/api/v1/assistant/ask"))
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = r.status().as_u16();
    (status, r.json().await.expect("json"))
}

fn source_urls(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["url"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

// A referral still points at the entry that came close, labelled as such, when the question names its
// subject; an off-topic question gets no such link.
both!(
    a_referral_offers_the_closest_entry_only_when_it_is_near,
    |app: TestApp| async move {
        let (status, v) = ask(&app, "mat khau facebook dung may nam roi co can doi khong").await;
        assert_eq!(status, 200);
        assert_eq!(v["confident"], false, "{v}");
        let related = source_urls(&v, "related");
        assert!(
            related.len() == 1 && related[0].contains("mk-doi-dinh-ky"),
            "{v}"
        );
        assert!(
            !source_urls(&v, "help").is_empty(),
            "still says where to ask: {v}"
        );
        for off_topic in ["thời tiết mai thế nào", "đăng ký kết hôn cần giấy tờ gì"]
        {
            let (_, v) = ask(&app, off_topic).await;
            assert_eq!(v["confident"], false, "{off_topic}: {v}");
            assert!(source_urls(&v, "related").is_empty(), "{off_topic}: {v}");
        }
        // The page without JavaScript shows it under its own heading.
        let page = app
            .post_raw(
                "/hoi-tro-ly",
                &[(
                    "question",
                    "mat khau facebook dung may nam roi co can doi khong",
                )],
            )
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains("Bài có thể liên quan"), "{page}");
    }
);

// A message pasted into the assistant that it has no entry for, but the scam check flags: the referral
// leads with the warning and offers the scam check first. A plain off-topic question gets neither.
both!(
    a_pasted_scam_message_is_warned_about_and_sent_to_the_scam_check,
    |app: TestApp| async move {
        let pasted = "VNPost: Your parcel could not be delivered because the address is incomplete. \
                  Update your details within 24 hours at https://vnpost-giaohang.top/vn";
        let (status, v) = ask(&app, pasted).await;
        assert_eq!(status, 200);
        assert_eq!(v["confident"], false, "{v}");
        let answer = v["answer"].as_str().unwrap_or_default();
        assert!(
            answer.starts_with("Nội dung bạn gửi có dấu hiệu lừa đảo"),
            "{v}"
        );
        assert_eq!(
            source_urls(&v, "help").first().map(String::as_str),
            Some("/kiem-tra"),
            "{v}"
        );
        let (_, v) = ask(&app, "thời tiết mai thế nào").await;
        assert!(
            !v["answer"].as_str().unwrap_or_default().contains("lừa đảo"),
            "{v}"
        );
        assert!(
            !source_urls(&v, "help").contains(&"/kiem-tra".to_owned()),
            "{v}"
        );
    }
);

both!(done_when_questions, |app: TestApp| async move {
    for question in [
        "lam sao kich hoat vneid muc 2",
        "bị lừa chuyển tiền thì báo ở đâu",
    ] {
        let (status, v) = ask(&app, question).await;
        assert_eq!(status, 200, "{question}: {v}");
        assert_eq!(v["confident"], true, "{question}: {v}");
        let answer = v["answer"].as_str().expect("answer");
        assert!(
            !answer.is_empty() && answer.chars().count() < 700,
            "short: {answer}"
        );
        let urls = source_urls(&v, "sources");
        assert!(!urls.is_empty(), "{question}: sourced");
        // Every cited FAQ entry resolves to a page.
        for u in urls.iter().filter(|u| u.starts_with("/hoi-dap/")) {
            assert_eq!(app.get(u).await.status(), 200, "{u}");
        }
        assert_eq!(v["answer_lang"], "vi");
    }
    let (_, v) = ask(&app, "lam sao kich hoat vneid muc 2").await;
    let text = v["answer"].as_str().unwrap_or_default().to_lowercase();
    assert!(
        text.contains("mức 2") || text.contains("công an"),
        "about level 2: {text}"
    );
    let (_, v) = ask(&app, "bị lừa chuyển tiền thì báo ở đâu").await;
    let text = v["answer"].as_str().unwrap_or_default().to_lowercase();
    assert!(
        text.contains("công an") || text.contains("113") || text.contains("ngân hàng"),
        "where to report: {text}"
    );

    let (status, v) = ask(&app, "thời tiết mai thế nào").await;
    assert_eq!(status, 200);
    assert_eq!(v["confident"], false, "{v}");
    assert!(source_urls(&v, "sources").is_empty());
    let help = source_urls(&v, "help");
    assert!(
        help.iter().any(|u| u.starts_with("/to-cong-nghe-so")),
        "{help:?}"
    );
    assert!(
        help.iter()
            .any(|u| u.contains("dichvucong.gov.vn") || u.contains("vneid.gov.vn")),
        "{help:?}"
    );
    let answer = v["answer"].as_str().unwrap_or_default();
    assert!(
        answer.contains("đường dây nóng") && answer.contains("Tổ công nghệ số"),
        "{answer}"
    );
});

both!(
    unanswered_questions_are_logged_without_personal_data,
    |app: TestApp| async move {
        let (_, v) = ask(
            &app,
            "thời tiết mai thế nào, gọi cho tôi 0912 345 678 hoặc lan@gmail.com",
        )
        .await;
        assert_eq!(v["confident"], false);
        let (_, v) = ask(
            &app,
            "Thoi tiet mai the nao goi cho toi 0987654321 hoac an@yahoo.com",
        )
        .await;
        assert_eq!(v["confident"], false);
        // An answered question is not a gap.
        ask(&app, "lam sao kich hoat vneid muc 2").await;
        app.state.assistant.gaps.settled().await;
        let rows: Vec<(String, i64)> = app
            .state
            .db
            .fetch_all(q("SELECT question, asked FROM assistant_gaps"))
            .await
            .expect("gaps");
        assert_eq!(rows.len(), 1, "{rows:?}");
        let (question, asked) = &rows[0];
        assert_eq!(*asked, 2, "the same question twice is one gap asked twice");
        assert!(
            !question.contains("0912") && !question.contains("345 678") && !question.contains('@'),
            "{question}"
        );
        assert!(
            question.contains("[số điện thoại]") && question.contains("[email]"),
            "{question}"
        );
    }
);

both!(
    admin_gap_page_is_for_province_admins,
    |app: TestApp| async move {
        ask(&app, "giá vàng hôm nay bao nhiêu").await;
        ask(&app, "giá vàng hôm nay bao nhiêu").await;
        ask(&app, "tối nay đội tuyển đá mấy giờ").await;

        let visitor = app.new_browser();
        let r = visitor.get("/quan-ly/tro-ly").await;
        assert!(matches!(r.status().as_u16(), 303 | 401), "{}", r.status());

        let province = app.new_browser();
        province.as_province_admin("0900000001").await;
        let learner = app.new_browser();
        learner
            .sign_up("0911000001", "Lê Văn An", QT_COMMUNE_A)
            .await;
        let learner_id = app.person_id("0911000001").await;
        let r = province
            .post_form(
                &format!("/quan-ly/nguoi-dung/{learner_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303, "grant");
        assert_eq!(
            learner.get("/quan-ly/tro-ly").await.status(),
            403,
            "commune admins do not see it"
        );
        assert_eq!(learner.get("/quan-ly/tro-ly/faq.toml").await.status(), 403);

        app.state.assistant.gaps.settled().await;
        let (status, page) = province.get_text("/quan-ly/tro-ly").await;
        assert_eq!(status, 200);
        let gold = page.find("giá vàng hôm nay").expect("listed");
        let football = page.find("tối nay đội tuyển").expect("listed");
        assert!(gold < football, "most asked first");

        // Turn the gold question into a published FAQ entry.
        let gap_id: String = app
            .state
            .db
            .scalar(q(
                "SELECT id FROM assistant_gaps WHERE question LIKE 'giá vàng%'",
            ))
            .await
            .expect("query")
            .expect("gap");
        let (status, form) = province
            .get_text(&format!("/quan-ly/tro-ly/soan?gap={gap_id}"))
            .await;
        assert_eq!(status, 200);
        assert!(
            form.contains("gia-vang-hom-nay-bao-nhieu"),
            "slug suggested"
        );
        let fields = [
            ("slug", "gia-vang-hom-nay"),
            ("q", "Giá vàng hôm nay bao nhiêu?"),
            ("alt", "giá vàng\ngiá vàng hôm nay"),
            (
                "a",
                "Học vụ số không theo dõi giá vàng. Hãy xem giá niêm yết tại cửa hàng vàng hoặc trang của ngân hàng.",
            ),
            ("lessons", "khong-co/bai-nay"),
            ("publish", "yes"),
            ("gap", gap_id.as_str()),
        ];
        let r = province.post_form("/quan-ly/tro-ly/soan", &fields).await;
        assert_eq!(r.status(), 422, "unknown lesson refused");
        let mut fields = fields;
        fields[4] = ("lessons", "");
        let r = province.post_form("/quan-ly/tro-ly/soan", &fields).await;
        assert_eq!(r.status(), 303, "saved");
        let (_, v) = ask(&app, "gia vang hom nay bao nhieu").await;
        assert_eq!(
            v["confident"], true,
            "published entries answer at once: {v}"
        );
        assert_eq!(source_urls(&v, "sources")[0], "/hoi-dap/gia-vang-hom-nay");
        assert_eq!(app.get("/hoi-dap/gia-vang-hom-nay").await.status(), 200);

        // Dismiss the other; the list is then empty.
        let other: String = app
            .state
            .db
            .scalar(q("SELECT id FROM assistant_gaps WHERE status = 'open'"))
            .await
            .expect("query")
            .expect("gap");
        let r = province
            .post_form(&format!("/quan-ly/tro-ly/cau-hoi/{other}/bo-qua"), &[])
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = province.get_text("/quan-ly/tro-ly").await;
        assert!(
            !page.contains("tối nay đội tuyển") && !page.contains("<td lang=\"vi\">giá vàng"),
            "handled gaps leave the list"
        );

        let (status, toml) = province.get_text("/quan-ly/tro-ly/faq.toml").await;
        assert_eq!(status, 200);
        assert!(
            toml.contains("[[faq]]") && toml.contains("id = \"gia-vang-hom-nay\""),
            "{toml}"
        );
        let parsed: toml::Table = toml::from_str(&toml).expect("exported TOML parses");
        assert_eq!(parsed["faq"].as_array().map(Vec::len), Some(1));

        // A content file's id cannot be reused.
        let r = province
            .post_form(
                "/quan-ly/tro-ly/soan",
                &[
                    ("slug", "vneid-muc-2-o-dau"),
                    ("q", "x"),
                    ("a", "y"),
                    ("alt", ""),
                    ("lessons", ""),
                ],
            )
            .await;
        assert!(matches!(r.status().as_u16(), 303 | 422));
    }
);

both!(questions_are_validated, |app: TestApp| async move {
    let (status, v) = ask(&app, "   ").await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["fields"][0]["field"], "question");
    assert!(
        !v["error"]["fields"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    let (status, v) = ask(&app, &"vneid ".repeat(120)).await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "question");
    let (status, v) = ask_body(&app, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["fields"][0]["field"], "question");
    let (status, _) = ask_body(&app, json!({"question": 5})).await;
    assert_eq!(status, 422);
    let (status, _) = ask_body(&app, json!({"question": "vneid", "lang": "fr"})).await;
    assert_eq!(status, 422);
    let r = app
        .client
        .post(app.url("/api/v1/assistant/ask"))
        .header("content-type", "application/json")
        .body("not json")
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 400);
    app.state.assistant.gaps.settled().await;
    assert_eq!(app.count("assistant_gaps").await, 0, "nothing logged");

    // The page: an empty question re-shows the form with the reason, status 422.
    let r = app.post_raw("/hoi-tro-ly", &[("question", "  ")]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.expect("body");
    assert!(body.contains("Vui lòng gõ câu hỏi") && body.contains("aria-invalid=\"true\""));
});

both!(
    english_interface_and_signed_in_team,
    |app: TestApp| async move {
        let (_, v) = ask_body(
            &app,
            json!({"question": "thời tiết mai thế nào", "lang": "en"}),
        )
        .await;
        assert_eq!(v["confident"], false);
        assert_eq!(v["answer_lang"], "en");
        assert!(
            v["answer"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Sorry"),
            "{v}"
        );
        let (_, v) = ask_body(
            &app,
            json!({"question": "quên mật khẩu vneid", "lang": "en"}),
        )
        .await;
        assert_eq!(v["confident"], true, "{v}");
        assert_eq!(v["answer_lang"], "vi", "the FAQ is Vietnamese, and says so");
        assert!(
            v["note"]
                .as_str()
                .unwrap_or_default()
                .contains("Vietnamese")
        );

        // A signed-in person is pointed to their own commune's team.
        let me = app.new_browser();
        me.sign_up("0911000009", "Hồ Thị Lan", QT_COMMUNE_A).await;
        let (_, v) = ask(&me, "xổ số miền trung hôm nay").await;
        assert_eq!(v["confident"], false);
        let help = source_urls(&v, "help");
        assert_eq!(help[0], format!("/to-cong-nghe-so?xa={QT_COMMUNE_A}"));
        assert!(
            v["answer"]
                .as_str()
                .unwrap_or_default()
                .contains("Quảng Trị"),
            "{v}"
        );
    }
);

both!(
    chat_page_works_without_javascript,
    |app: TestApp| async move {
        let (status, page) = app.get_text("/hoi-tro-ly").await;
        assert_eq!(status, 200);
        assert!(
            page.contains("<form method=\"post\" action=\"/hoi-tro-ly\"")
                && page.contains("assistant.")
        );
        assert!(
            !page.contains("<script>") && !page.contains("style="),
            "strict CSP: nothing inline"
        );

        let r = app
            .post_raw(
                "/hoi-tro-ly",
                &[("question", "lam sao kich hoat vneid muc 2")],
            )
            .await;
        assert_eq!(r.status(), 200);
        let first = r.text().await.expect("body");
        assert!(first.contains("bubble me") && first.contains("bubble bot"));
        assert!(
            first.contains("name=\"h\" value=\"lam sao kich hoat vneid muc 2\""),
            "the turn rides along"
        );

        let r = app
            .post_raw(
                "/hoi-tro-ly",
                &[
                    ("h", "lam sao kich hoat vneid muc 2"),
                    ("question", "thời tiết mai thế nào"),
                ],
            )
            .await;
        let second = r.text().await.expect("body");
        assert_eq!(
            second.matches("class=\"bubble me\"").count(),
            2,
            "both turns shown"
        );
        assert!(second.contains("bubble bot unsure"));
        // The earlier question was answered again, not logged again.
        app.state.assistant.gaps.settled().await;
        assert_eq!(app.count("assistant_gaps").await, 1);
    }
);

// ---- the optional language model, against a local fake of the protocol ---------------------------

#[derive(Clone, Copy)]
enum Fake {
    Ok,
    Slow,
    Error,
}

/// A server that speaks /v1/chat/completions; returns its base URL.
async fn fake_llm(mode: Fake) -> String {
    use axum::{Json, Router, routing::post};
    let app = Router::new().route(
        "/v1/chat/completions",
        post(move |Json(body): Json<Value>| async move {
            let prompt = body["messages"][1]["content"].as_str().unwrap_or_default().to_owned();
            match mode {
                Fake::Ok => {
                    assert!(prompt.contains("[1]") && prompt.contains("Câu hỏi:"), "passages are numbered");
                    (axum::http::StatusCode::OK, Json(json!({
                        "choices": [{"message": {"role": "assistant",
                            "content": "Mang căn cước gắn chip đến công an xã để đăng ký mức 2 [1]."}}]
                    })))
                }
                Fake::Slow => {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    (axum::http::StatusCode::OK, Json(json!({"choices": []})))
                }
                Fake::Error => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"error": "boom"}))),
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

async fn app_with_llm(mode: Fake) -> TestApp {
    let url = fake_llm(mode).await;
    TestApp::spawn_sqlite_with(|s| {
        s.assistant.llm_url = Some(url);
        s.assistant.llm_model = "fake".into();
        s.assistant.llm_key = Some("secret".into());
        s.assistant.llm_timeout_ms = 500;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_writes_the_answer_from_the_passages() {
    let app = app_with_llm(Fake::Ok).await;
    let (_, v) = ask(&app, "lam sao kich hoat vneid muc 2").await;
    assert_eq!(v["confident"], true);
    assert_eq!(v["generated"], true, "{v}");
    assert!(v["answer"].as_str().unwrap_or_default().contains("[1]"));
    assert!(!source_urls(&v, "sources").is_empty(), "still cited");
    // Off-topic questions never reach the model: it cannot make up an answer.
    let (_, v) = ask(&app, "thời tiết mai thế nào").await;
    assert_eq!(v["confident"], false);
    assert_eq!(v["generated"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_timeout_falls_back_to_the_faq() {
    let app = app_with_llm(Fake::Slow).await;
    let started = std::time::Instant::now();
    let (status, v) = ask(&app, "lam sao kich hoat vneid muc 2").await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "did not wait for the slow model"
    );
    assert_eq!(v["confident"], true);
    assert_eq!(v["generated"], false);
    assert!(!source_urls(&v, "sources").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_error_falls_back_to_the_faq() {
    let app = app_with_llm(Fake::Error).await;
    let (status, v) = ask(&app, "bị lừa chuyển tiền thì báo ở đâu").await;
    assert_eq!(status, 200);
    assert_eq!(v["confident"], true);
    assert_eq!(v["generated"], false);
}

// Issue 14: the three questions a citizen asked that got the wrong or a half answer.
both!(issue_14_questions, |app: TestApp| async move {
    let answer_to = |v: &Value| v["answer"].as_str().unwrap_or_default().to_lowercase();

    let (_, v) = ask(&app, "zalo bi hack lam sao lay lai").await;
    assert_eq!(v["confident"], true, "{v}");
    let a = answer_to(&v);
    assert!(
        a.contains("zalo") && !a.contains("facebook"),
        "Zalo, not Facebook: {a}"
    );
    assert!(
        a.contains("lấy lại mật khẩu"),
        "says how to get it back: {a}"
    );

    let (_, v) = ask(&app, "chat gpt la j co an toan ko").await;
    assert_eq!(v["confident"], true, "{v}");
    let a = answer_to(&v);
    assert!(a.contains("chatbot"), "what it is: {a}");
    assert!(
        a.contains("an toàn") && a.contains("otp"),
        "whether it is safe, what never to type: {a}"
    );

    let (_, v) = ask(&app, "kich hoat vneid muc 2").await;
    assert_eq!(v["confident"], true, "{v}");
    let a = answer_to(&v);
    let police = a
        .find("công an")
        .expect("starts from registering at the police");
    let activate = a.find("kích hoạt").expect("and says how to activate");
    assert!(police < activate, "step one comes first: {a}");

    // Refusals quote Quảng Trị's own hotline when none is configured (the test app sets none).
    let (_, v) = ask(&app, "giá vàng hôm nay bao nhiêu").await;
    assert_eq!(v["confident"], false, "{v}");
    assert!(
        v["answer"]
            .as_str()
            .unwrap_or_default()
            .contains("1900 868 674"),
        "{v}"
    );
    assert!(
        source_urls(&v, "help").contains(&"tel:1900868674".to_owned()),
        "{v}"
    );
});

// Questions near the platform's words but about something it has no answer for get a referral, not the
// entry that happens to share "đăng ký" and "giấy tờ" with them: a confident wrong answer is worse.
both!(
    near_topic_questions_are_referred,
    |app: TestApp| async move {
        for q in [
            "đăng ký kết hôn cần giấy tờ gì",
            "đổi bằng lái xe hết hạn ở đâu",
            "giá lúa hôm nay ở Hải Lăng",
        ] {
            let (status, v) = ask(&app, q).await;
            assert_eq!(status, 200, "{q}: {v}");
            assert_eq!(v["confident"], false, "{q}: {v}");
            assert!(
                source_urls(&v, "help").contains(&"tel:1900868674".to_owned()),
                "{q}: {v}"
            );
        }
        // The same words about what the platform covers are still answered.
        let (_, v) = ask(&app, "làm vneid mức 2 cần giấy tờ gì").await;
        assert_eq!(v["confident"], true, "{v}");
    }
);
