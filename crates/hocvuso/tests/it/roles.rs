//! Each person finds their work: where sign-in lands by role, the header's shortcuts, a province admin
//! choosing a commune instead of a refusal, courses picked by title, sign-up returning to its class.
use crate::classes::make_class;
use crate::{QT_COMMUNE_A, TestApp, accept_invitations, both};

async fn sign_in_plain(who: &TestApp, phone: &str, next: &str) -> String {
    let r = who.sign_in_to(phone, "lúa chín vàng đồng", next).await;
    assert_eq!(r.status(), 303);
    r.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned()
}

both!(
    each_role_lands_where_its_work_is,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = make_class(&admin, "20").await;

        let learner = app.new_browser();
        learner.sign_up_with(&[("phone", "0913000001")]).await;
        let teacher = app.new_browser();
        teacher.sign_up_with(&[("phone", "0913000002")]).await;
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/giang-vien"),
                &[("phone", "0913000002")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(accept_invitations(&teacher).await, 1);

        // No page asked for: the work of the most senior role, or home for a learner.
        for (who, phone, lands) in [
            (&learner, "0913000001", "/"),
            (&teacher, "0913000002", "/quan-ly/lop"),
        ] {
            let fresh = who.new_browser();
            assert_eq!(sign_in_plain(&fresh, phone, "/").await, lands, "{phone}");
            // A page asked for (a class to join) wins over the role's page.
            let fresh = who.new_browser();
            let class = format!("/lop-hoc/{code}");
            assert_eq!(sign_in_plain(&fresh, phone, &class).await, class);
        }

        // The instructor's list is "Lớp của tôi" and holds the class; the shortcut names it.
        let (status, body) = teacher.get_text("/quan-ly/lop").await;
        assert_eq!(status, 200);
        assert!(body.contains("<h1>Lớp của tôi</h1>"), "{body}");
        assert!(body.contains(&format!("/quan-ly/lop/{code}\"")));
        assert!(body.contains(r#"<a href="/quan-ly/lop" aria-current="page">Lớp của tôi</a>"#));
        // A learner's header has no work shortcut, and the menu still signs out.
        let (_, home) = learner.get_text("/").await;
        assert!(!home.contains(r#"href="/quan-ly"#));
        assert!(home.contains(r#"action="/dang-xuat""#));
    }
);

both!(
    a_province_admin_chooses_the_commune_instead_of_being_refused,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let (status, body) = admin.get_text("/quan-ly/dia-diem").await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains(r#"<select id="pick-xa" name="xa""#));
        assert!(body.contains(&format!(r#"<option value="{QT_COMMUNE_A}">"#)));
        let (status, body) = admin
            .get_text(&format!("/quan-ly/dia-diem?xa={QT_COMMUNE_A}"))
            .await;
        assert_eq!(status, 200);
        assert!(body.contains("Phường Quảng Trị"));
        // The class list offers a commune to open a class in.
        let (_, body) = admin.get_text("/quan-ly/lop").await;
        assert!(body.contains(r#"action="/quan-ly/lop/moi""#));
        // Communes are in Vietnamese order: "Ái Tử"-like names do not sink below "V".
        let names: Vec<&str> = body
            .split("<option value=\"")
            .skip(2)
            .filter_map(|o| o.split('>').nth(1)?.split('<').next())
            .collect();
        assert!(names.len() > 50, "{names:?}");
        let mut sorted = names.clone();
        sorted.sort_by_cached_key(|n| vntext::sort_key(n));
        assert_eq!(names, sorted);

        // Someone who administers nothing is still refused.
        let learner = app.new_browser();
        learner.sign_up_with(&[("phone", "0913000001")]).await;
        assert_eq!(learner.get("/quan-ly/dia-diem").await.status(), 403);
    }
);

both!(
    courses_are_ticked_from_the_catalogue_and_named_by_title,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = make_class(&admin, "20").await;
        let (_, form) = admin.get_text(&format!("/quan-ly/lop/{code}/sua")).await;
        assert!(
            form.contains(r#"type="checkbox" name="courses" value="vneid" checked"#),
            "{form}"
        );
        assert!(
            !form.contains(r#"id="c-courses""#),
            "no box to type slugs into"
        );
        // Two boxes ticked, as the browser sends them.
        let update = |courses: Vec<&'static str>| {
            let mut fields = vec![
                ("commune", QT_COMMUNE_A),
                ("title", "Lớp VNeID buổi tối"),
                ("mode", "online"),
                ("meeting_url", "https://meet.example.vn/lop"),
                ("target_group", "nguoi-dan"),
                ("capacity", "20"),
                ("status", "open"),
                ("how_to_join", "Bấm vào đường dẫn."),
            ];
            fields.extend(courses.into_iter().map(|c| ("courses", c)));
            fields
        };
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}"),
                &update(vec!["vneid", "dich-vu-cong"]),
            )
            .await;
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        assert_eq!(
            status,
            303,
            "{}",
            body.split("<main")
                .nth(1)
                .unwrap_or(&body)
                .get(..3000)
                .unwrap_or_default()
        );
        let (_, page) = admin.get_text(&format!("/lop-hoc/{code}")).await;
        assert!(page.contains(r#"<a href="/hoc/vneid">"#), "{page}");
        assert!(page.contains(r#"<a href="/hoc/dich-vu-cong">"#));
        assert!(!page.contains(">vneid<"), "no slug shown");
        // A course that is not in the catalogue is refused and nothing changes.
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}"),
                &update(vec!["vneid", "khoa-hoc-khong-co"]),
            )
            .await;
        assert_eq!(r.status(), 422);
        let stored = app
            .state
            .db
            .scalar::<String>(
                hocvuso::db::q("SELECT courses FROM classes WHERE code = $1").bind(&code),
            )
            .await
            .expect("query")
            .unwrap_or_default();
        assert_eq!(stored, "vneid dich-vu-cong");
    }
);

both!(
    signing_up_from_a_class_returns_to_it_and_asks_the_ethnic_group,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = make_class(&admin, "20").await;
        let visitor = app.new_browser();
        let (_, class) = visitor.get_text(&format!("/lop-hoc/{code}")).await;
        let link = format!("/dang-ky?xa={QT_COMMUNE_A}&amp;next=/lop-hoc/{code}");
        assert!(class.contains(&link), "{class}");
        let (_, form) = visitor.get_text(&link.replace("&amp;", "&")).await;
        assert!(form.contains(&format!(r#"name="next" value="/lop-hoc/{code}""#)));
        let ethnic = form
            .split(r#"id="ethnic_group""#)
            .nth(1)
            .unwrap_or_default();
        assert!(
            ethnic
                .split("</select>")
                .next()
                .unwrap_or_default()
                .contains(r#"<option value="">"#),
            "the ethnic group starts unchosen: {ethnic}"
        );
        assert!(!form.contains(r#"value="Kinh" selected"#));
        // Not chosen: refused with the field named, and nobody is created.
        let r = visitor
            .sign_up_with(&[("phone", "0913000009"), ("ethnic_group", "")])
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(app.count("people").await, 1);
        let class_path = format!("/lop-hoc/{code}");
        let r = visitor
            .sign_up_with(&[("phone", "0913000009"), ("next", &class_path)])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], class_path.as_str());
        // An address elsewhere is not followed.
        let other = app.new_browser();
        let r = other
            .sign_up_with(&[("phone", "0913000010"), ("next", "//evil.example/")])
            .await;
        assert_eq!(r.headers()["location"], "/tai-khoan?moi=1");
    }
);
