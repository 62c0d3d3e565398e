//! Signing up, in and out; bad input changes nothing; a person's own data.
use crate::{QT_COMMUNE_A, both};

both!(
    sign_up_stores_a_normalised_person_and_signs_in,
    |app: crate::TestApp| async move {
        let r = app.sign_up_with(&[("phone", "+84 912.345.678")]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        assert_eq!(r.headers()["location"], "/tai-khoan?moi=1");
        let (s, body) = app.get_text("/tai-khoan").await;
        assert_eq!(s, 200);
        assert!(
            body.contains("Hồ Thị Lan")
                && body.contains("0912 345 678")
                && body.contains("Bru-Vân Kiều")
        );
        assert!(body.contains("Người học"));
        let (phone, version): (String, String) = app
            .state
            .db
            .fetch_optional(hocvuso::db::q("SELECT phone, consent_version FROM people"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(phone, "+84912345678");
        assert_eq!(version, hocvuso::people::model::CONSENT_VERSION);
        assert_eq!(app.count("stat_events").await, 1, "the sign-up is counted");
        let session = app.cookie("hv_session").expect("session cookie");
        assert_eq!(session.len(), 64);
    }
);

both!(
    bad_sign_ups_are_refused_and_write_nothing,
    |app: crate::TestApp| async move {
        app.sign_up_with(&[("phone", "0987654321")]).await;
        let other = app.new_browser();
        let long_name = "A".repeat(300);
        type Case<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str);
        let cases: Vec<Case> = vec![
            (
                vec![("phone", "12345")],
                422,
                "Số điện thoại di động chưa đúng",
            ),
            (
                vec![("phone", "0987 654 321")],
                409,
                "Số điện thoại này đã có tài khoản",
            ),
            (
                vec![("password", "12345678"), ("password2", "12345678")],
                422,
                "quá dễ đoán",
            ),
            (
                vec![("password", "abc"), ("password2", "abc")],
                422,
                "ít nhất 8 ký tự",
            ),
            (
                vec![("password2", "khác hẳn đi nhé")],
                422,
                "không giống nhau",
            ),
            (vec![("consent", "")], 422, "Bạn cần đồng ý"),
            (vec![("full_name", &long_name)], 422, "quá dài"),
            (
                vec![("full_name", "Lan\u{0007}")],
                422,
                "ký tự không hợp lệ",
            ),
            (vec![("full_name", "   ")], 422, "Vui lòng điền mục này"),
            (vec![("commune", "99999")], 422, "Không có đơn vị này"),
            (vec![("commune", "01")], 422, "Không có đơn vị này"),
            (vec![("village", "18880-001")], 422, "Không có đơn vị này"),
            (vec![("birth_year", "năm ngoái")], 422, "Năm sinh chưa đúng"),
            (vec![("ethnic_group", "Martian")], 422, "chọn một mục"),
            (vec![("target_group", "x")], 422, "chọn một mục"),
        ];
        for (overrides, status, message) in cases {
            let mut fields = overrides.clone();
            if !fields.iter().any(|(k, _)| *k == "phone") {
                fields.push(("phone", "0355111222"));
            }
            let r = other.sign_up_with(&fields).await;
            assert_eq!(r.status().as_u16(), status, "{overrides:?}");
            let body = r.text().await.unwrap();
            assert!(body.contains(message), "{overrides:?} should say {message}");
            assert!(
                body.contains("aria-invalid=\"true\""),
                "field marked for screen readers"
            );
        }
        assert_eq!(app.count("people").await, 1);
        assert_eq!(other.cookie("hv_session"), None);
    }
);

both!(
    tampered_or_missing_csrf_is_refused,
    |app: crate::TestApp| async move {
        app.csrf().await;
        let base = [
            ("phone", "0912345678"),
            ("password", "lúa chín vàng đồng"),
            ("password2", "lúa chín vàng đồng"),
            ("full_name", "A"),
            ("sex", "nu"),
            ("ethnic_group", "Kinh"),
            ("commune", QT_COMMUNE_A),
            ("target_group", "nguoi-dan"),
            ("consent", "yes"),
        ];
        let mut tampered = base.to_vec();
        let bad = "0".repeat(64);
        tampered.push(("csrf", &bad));
        let r = app.post_raw("/dang-ky", &tampered).await;
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));
        let r = app.post_raw("/dang-ky", &base).await;
        assert_eq!(r.status(), 403);
        // The right token from another site is refused too.
        let token = app.csrf().await;
        let mut cross = base.to_vec();
        cross.push(("csrf", &token));
        let r = app
            .client
            .post(app.url("/dang-ky"))
            .header("sec-fetch-site", "cross-site")
            .form(&cross)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(app.count("people").await, 0);
    }
);

both!(
    sign_in_out_and_rate_limit,
    |app: crate::TestApp| async move {
        app.sign_up_with(&[]).await;
        let b = app.new_browser();
        let r = b.sign_in("0912 345 678", "sai mật khẩu rồi").await;
        assert_eq!(r.status(), 401);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Số điện thoại hoặc mật khẩu không đúng")
        );
        let r = b.sign_in("0912345678", "lúa chín vàng đồng").await;
        assert_eq!(r.status(), 303);
        assert_eq!(b.get("/tai-khoan").await.status(), 200);
        let r = b.post_form("/dang-xuat", &[]).await;
        assert_eq!(r.status(), 303);
        let r = b.get("/tai-khoan").await;
        assert_eq!(r.status(), 303, "signed out: redirected to sign in");
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/dang-nhap?next=")
        );
        // Five wrong guesses lock this phone for a while, even with the right password after.
        let c = app.new_browser();
        for _ in 0..5 {
            assert_eq!(
                c.sign_in("0912345678", "đoán bừa mật khẩu").await.status(),
                401
            );
        }
        let r = c.sign_in("0912345678", "lúa chín vàng đồng").await;
        assert_eq!(r.status(), 429);
        assert!(r.headers().contains_key("retry-after"));
    }
);

both!(
    own_data_download_password_change_and_deletion,
    |app: crate::TestApp| async move {
        app.sign_up_with(&[]).await;
        let r = app.get("/tai-khoan/du-lieu.json").await;
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        let data: serde_json::Value = r.json().await.unwrap();
        assert_eq!(data["person"]["full_name"], "Hồ Thị Lan");
        assert_eq!(data["roles"][0]["role"], "learner");

        let other = app.new_browser();
        assert_eq!(
            other
                .sign_in("0912345678", "lúa chín vàng đồng")
                .await
                .status(),
            303
        );
        let r = app
            .post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current", "sai"),
                    ("password", "mật khẩu mới dài"),
                    ("password2", "mật khẩu mới dài"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let r = app
            .post_form(
                "/tai-khoan/mat-khau",
                &[
                    ("current", "lúa chín vàng đồng"),
                    ("password", "mật khẩu mới dài"),
                    ("password2", "mật khẩu mới dài"),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            other.get("/tai-khoan").await.status(),
            303,
            "the other device was signed out"
        );
        assert_eq!(
            app.get("/tai-khoan").await.status(),
            200,
            "this device stays signed in"
        );

        let r = app
            .post_form("/tai-khoan/xoa", &[("password", "mật khẩu mới dài")])
            .await;
        assert_eq!(r.status(), 422, "needs the confirmation tick");
        assert_eq!(app.count("people").await, 1);
        let r = app
            .post_form(
                "/tai-khoan/xoa",
                &[("password", "mật khẩu mới dài"), ("confirm", "yes")],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.count("people").await, 0);
        assert_eq!(app.count("roles").await, 0);
        assert_eq!(app.count("sessions").await, 0);
        assert_eq!(app.get("/tai-khoan").await.status(), 303);
    }
);

both!(
    village_list_without_javascript_keeps_the_form,
    |app: crate::TestApp| async move {
        hocvuso::units::import::import_bytes(
            &app.state.db,
            "commune_code,name\n19360,Thôn Vĩnh Phước\n".as_bytes(),
            false,
        )
        .await
        .unwrap();
        let r = app
            .sign_up_with(&[("step", "villages"), ("full_name", "Nguyễn Văn Bảy")])
            .await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        assert!(body.contains("Thôn Vĩnh Phước") && body.contains("value=\"Nguyễn Văn Bảy\""));
        assert!(
            !body.contains("lúa chín"),
            "passwords are never echoed back"
        );
        assert_eq!(app.count("people").await, 0);
    }
);
