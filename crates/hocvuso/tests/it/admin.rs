//! Administrators: scope is checked on the server for every read and write.
use crate::{QT_COMMUNE_A, QT_COMMUNE_B, both};

/// `by` grants `role` at `unit` to the person; the grant must succeed.
async fn grant(by: &crate::TestApp, person_id: &str, role: &str, unit: &str) {
    let r = by
        .post_form(
            &format!("/quan-ly/nguoi-dung/{person_id}/vai-tro"),
            &[("role", role), ("unit", unit)],
        )
        .await;
    assert_eq!(r.status(), 303, "grant {role} at {unit}");
}

/// A province admin makes `phone` the commune admin of `commune`.
async fn make_commune_admin(province: &crate::TestApp, person_id: &str, commune: &str) {
    grant(province, person_id, "commune_admin", commune).await;
}

both!(
    commune_admin_stays_in_their_commune,
    |app: crate::TestApp| async move {
        let province = app.new_browser();
        province.as_province_admin("0900000001").await;

        let a = app.new_browser();
        a.sign_up_with(&[
            ("phone", "0911000001"),
            ("full_name", "Lê Văn An"),
            ("commune", QT_COMMUNE_A),
        ])
        .await;
        let a_id = app.person_id("0911000001").await;
        let b = app.new_browser();
        b.sign_up_with(&[
            ("phone", "0911000002"),
            ("full_name", "Phạm Thị Bình"),
            ("commune", QT_COMMUNE_B),
        ])
        .await;
        let b_id = app.person_id("0911000002").await;

        // A plain learner is not an admin.
        assert_eq!(a.get("/quan-ly").await.status(), 403);
        make_commune_admin(&province, &a_id, QT_COMMUNE_A).await;
        assert_eq!(a.get("/quan-ly").await.status(), 200);

        // Reads outside the commune: the person is not found, the unit is forbidden.
        assert_eq!(
            a.get(&format!("/quan-ly/nguoi-dung/{b_id}")).await.status(),
            404
        );
        assert_eq!(
            a.get(&format!("/quan-ly/don-vi/{QT_COMMUNE_B}"))
                .await
                .status(),
            403
        );
        assert_eq!(a.get("/quan-ly/don-vi/44").await.status(), 403);
        let (_, list) = a.get_text("/quan-ly/nguoi-dung").await;
        assert!(list.contains("Lê Văn An") && !list.contains("Phạm Thị Bình"));
        let (_, found) = a.get_text("/quan-ly/nguoi-dung?q=binh").await;
        assert!(!found.contains("Phạm Thị Bình"));

        // Writes outside the commune change nothing.
        let roles_before = app.count("roles").await;
        let r = a
            .post_form(
                &format!("/quan-ly/nguoi-dung/{b_id}/vai-tro"),
                &[("role", "volunteer"), ("unit", QT_COMMUNE_B)],
            )
            .await;
        assert_eq!(r.status(), 404);
        let r = a
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a_id}/vai-tro"),
                &[("role", "volunteer"), ("unit", QT_COMMUNE_B)],
            )
            .await;
        assert_eq!(r.status(), 403);
        let r = a
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a_id}/vai-tro"),
                &[("role", "province_admin"), ("unit", "44")],
            )
            .await;
        assert_eq!(r.status(), 403);
        let r = a
            .post_form(
                &format!("/quan-ly/don-vi/{QT_COMMUNE_B}/them-thon"),
                &[("name", "Thôn Lạ"), ("division_type", "thôn")],
            )
            .await;
        assert_eq!(r.status(), 403);
        let r = a
            .post_form(&format!("/quan-ly/nguoi-dung/{b_id}/dat-lai-mat-khau"), &[])
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(app.count("roles").await, roles_before);
        assert_eq!(app.count("units").await, 79);

        // Inside the commune it works.
        let r = a
            .post_form(
                &format!("/quan-ly/don-vi/{QT_COMMUNE_A}/them-thon"),
                &[("name", "Thôn Tân Lập"), ("division_type", "thôn")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let r = a
            .post_form(
                &format!("/quan-ly/don-vi/{QT_COMMUNE_A}/them-thon"),
                &[("name", "thôn tân  lập"), ("division_type", "thôn")],
            )
            .await;
        assert_eq!(r.status(), 409, "same village twice");
        let c = app.new_browser();
        c.sign_up_with(&[("phone", "0911000009"), ("full_name", "Võ Thị Cúc")])
            .await;
        let c_id = app.person_id("0911000009").await;
        grant(&a, &c_id, "volunteer", "19360-001").await;
        let r = a
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a_id}/vai-tro"),
                &[("role", "volunteer"), ("unit", "19360-001")],
            )
            .await;
        assert_eq!(r.status(), 403, "nobody manages themselves");
        let r = province
            .post_form(
                &format!("/quan-ly/nguoi-dung/{c_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", "19360-001")],
            )
            .await;
        assert_eq!(r.status(), 422, "a commune admin role belongs to a commune");
        let r = a
            .post_form(
                "/quan-ly/don-vi/19360-001/doi-ten",
                &[("name", "Thôn Tân Lập Mới"), ("division_type", "thôn")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let u: serde_json::Value = a.get("/api/v1/units/19360-001").await.json().await.unwrap();
        assert_eq!(u["name"], "Thôn Tân Lập Mới");
    }
);

both!(
    admin_reads_are_logged_and_visible_to_the_person,
    |app: crate::TestApp| async move {
        let province = app.new_browser();
        province.as_province_admin("0900000001").await;
        let p = app.new_browser();
        p.sign_up_with(&[("phone", "0911000003"), ("full_name", "Hồ Văn Cường")])
            .await;
        let id = app.person_id("0911000003").await;
        let (s, body) = province
            .get_text(&format!("/quan-ly/nguoi-dung/{id}"))
            .await;
        assert_eq!(s, 200);
        assert!(body.contains("Hồ Văn Cường") && body.contains("0911 000 003"));
        let (_, mine) = p.get_text("/tai-khoan").await;
        assert!(mine.contains("Trần Văn Tỉnh") && mine.contains("Xem thông tin cá nhân"));

        // Password reset: a one-time password shown once; the old one stops working.
        let r = province
            .post_form(&format!("/quan-ly/nguoi-dung/{id}/dat-lai-mat-khau"), &[])
            .await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        let otp = body
            .split("class=\"otp\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(otp.len(), 12);
        assert_eq!(p.get("/tai-khoan").await.status(), 303, "sessions ended");
        let fresh = app.new_browser();
        assert_eq!(
            fresh
                .sign_in("0911000003", "lúa chín vàng đồng")
                .await
                .status(),
            401
        );
        assert_eq!(fresh.sign_in("0911000003", &otp).await.status(), 303);
        // A one-time password opens only the password page until it is replaced.
        let r = fresh
            .post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current", &otp),
                    ("password", "mật khẩu riêng của tôi"),
                    ("password2", "mật khẩu riêng của tôi"),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
        let data: serde_json::Value = fresh
            .get("/tai-khoan/du-lieu.json")
            .await
            .json()
            .await
            .unwrap();
        let actions: Vec<&str> = data["personal_data_access_log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"view") && actions.contains(&"reset_password"));
    }
);

both!(
    people_search_is_paged_and_ignores_diacritics,
    |app: crate::TestApp| async move {
        let province = app.new_browser();
        province.as_province_admin("0900000001").await;
        for i in 0..30 {
            let b = app.new_browser();
            let phone = format!("09120000{i:02}");
            let name = format!("Nguyễn Văn Đức {i:02}");
            let r = b
                .sign_up_with(&[("phone", &phone), ("full_name", &name)])
                .await;
            assert_eq!(r.status(), 303);
        }
        let (_, page1) = province
            .get_text("/quan-ly/nguoi-dung?q=nguyen%20van%20duc")
            .await;
        assert!(
            page1.contains("30 người") || page1.contains("30 "),
            "total shown"
        );
        assert_eq!(
            page1.matches("href=\"/quan-ly/nguoi-dung/0").count(),
            25,
            "25 people a page"
        );
        assert!(page1.contains("Nguyễn Văn Đức 00") && !page1.contains("Nguyễn Văn Đức 29"));
        assert!(page1.contains("rel=\"next\""));
        let (_, page2) = province
            .get_text("/quan-ly/nguoi-dung?q=nguyen%20van%20duc&trang=2")
            .await;
        assert!(page2.contains("Nguyễn Văn Đức 29"));
        let (_, by_phone) = province.get_text("/quan-ly/nguoi-dung?q=0912000017").await;
        assert!(by_phone.contains("Nguyễn Văn Đức 17") && !by_phone.contains("Nguyễn Văn Đức 16"));
        assert!(by_phone.contains("091*****17"), "phones masked in lists");
        let (_, wild) = province.get_text("/quan-ly/nguoi-dung?q=%25").await;
        assert!(
            wild.contains("Nguyễn Văn Đức 00"),
            "a % is not a wildcard but an empty search lists all"
        );
    }
);

/// Sign up in commune A and return the person's id.
async fn resident_of_a(app: &crate::TestApp, phone: &str, name: &str) -> (crate::TestApp, String) {
    let b = app.new_browser();
    let r = b
        .sign_up_with(&[
            ("phone", phone),
            ("full_name", name),
            ("commune", QT_COMMUNE_A),
        ])
        .await;
    assert_eq!(r.status(), 303);
    let id = app.person_id(phone).await;
    (b, id)
}

both!(
    an_admin_manages_people_by_their_roles_not_their_address,
    |app: crate::TestApp| async move {
        let province = app.new_browser();
        province.as_province_admin("0900000001").await;
        let (a, a_id) = resident_of_a(&app, "0911000011", "Admin Xã A").await;
        make_commune_admin(&province, &a_id, QT_COMMUNE_A).await;
        // A second province admin, a fellow commune-A admin and a commune-B admin all live in A.
        let (_p2, p2_id) = resident_of_a(&app, "0911000012", "Tỉnh Hai").await;
        grant(&province, &p2_id, "province_admin", "44").await;
        let (_a2, a2_id) = resident_of_a(&app, "0911000013", "Admin Xã A Hai").await;
        make_commune_admin(&province, &a2_id, QT_COMMUNE_A).await;
        let (_b, b_id) = resident_of_a(&app, "0911000014", "Admin Xã B").await;
        make_commune_admin(&province, &b_id, QT_COMMUNE_B).await;
        let (_v, v_id) = resident_of_a(&app, "0911000015", "Tình nguyện B").await;
        grant(&province, &v_id, "volunteer", QT_COMMUNE_B).await;

        let hashes = || async {
            app.state
                .db
                .fetch_all::<(Option<String>,)>(hocvuso::db::q(
                    "SELECT password_hash FROM people ORDER BY id",
                ))
                .await
                .unwrap()
        };
        let before = hashes().await;
        let roles_before = app.count("roles").await;
        for target in [&p2_id, &a2_id, &b_id, &v_id] {
            let r = a
                .post_form(
                    &format!("/quan-ly/nguoi-dung/{target}/dat-lai-mat-khau"),
                    &[],
                )
                .await;
            assert_eq!(r.status(), 403, "reset of {target}");
            let body = r.text().await.unwrap();
            assert!(!body.contains("class=\"otp\""), "no password shown");
            for (role, unit) in [("volunteer", "19360-001"), ("commune_admin", QT_COMMUNE_A)] {
                let r = a
                    .post_form(
                        &format!("/quan-ly/nguoi-dung/{target}/vai-tro"),
                        &[("role", role), ("unit", unit)],
                    )
                    .await;
                assert_eq!(r.status(), 403, "grant {role} to {target}");
            }
            let r = a
                .post_form(
                    &format!("/quan-ly/nguoi-dung/{target}/vai-tro/xoa"),
                    &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
                )
                .await;
            assert_eq!(r.status(), 403, "revoke from {target}");
            // The page shows who they are, with no action offered.
            let (s, page) = a.get_text(&format!("/quan-ly/nguoi-dung/{target}")).await;
            assert_eq!(s, 200);
            assert!(!page.contains("dat-lai-mat-khau") && !page.contains("vai-tro/xoa"));
        }
        assert_eq!(hashes().await, before, "no password changed");
        assert_eq!(app.count("roles").await, roles_before, "no role changed");
        // A commune admin cannot appoint a fellow commune admin either.
        let (_l, l_id) = resident_of_a(&app, "0911000016", "Học viên").await;
        let r = a
            .post_form(
                &format!("/quan-ly/nguoi-dung/{l_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 403);
        // The province admin still manages the commune admins, but not the fellow province admin.
        let r = province
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a2_id}/dat-lai-mat-khau"),
                &[],
            )
            .await;
        assert_eq!(r.status(), 200);
        let r = province
            .post_form(
                &format!("/quan-ly/nguoi-dung/{p2_id}/dat-lai-mat-khau"),
                &[],
            )
            .await;
        assert_eq!(r.status(), 403);
    }
);
