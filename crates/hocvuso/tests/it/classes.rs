//! Classes: venues, creating a class, find a class, capacity and waitlist, registration on someone's
//! behalf, attendance (tap and card code), results, iCal, scope.
use crate::teams::{count, scalar, setup};
use crate::{QT_COMMUNE_A, QT_COMMUNE_B, TestApp, both};

/// A venue and a class in commune A (created by `admin`); returns the class code.
pub async fn make_class(admin: &TestApp, capacity: &str) -> String {
    let r = admin
        .post_form(
            "/quan-ly/dia-diem",
            &[
                ("commune", QT_COMMUNE_A),
                ("kind", "cultural_house"),
                ("name", "Nhà văn hóa thôn Một"),
                ("address", "Thôn Một"),
                ("capacity", "40"),
                ("equipment", "Máy chiếu, Wi-Fi"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "venue");
    let venue = scalar(
        admin,
        "SELECT id FROM venues WHERE commune_code = $1",
        QT_COMMUNE_A,
    )
    .await;
    let r = admin
        .post_form(
            "/quan-ly/lop/moi",
            &[
                ("commune", QT_COMMUNE_A),
                ("title", "Dùng VNeID, phòng lừa đảo"),
                ("courses", "vneid, nhan-dien-lua-dao"),
                ("mode", "in_person"),
                ("venue", &venue),
                ("target_group", "nguoi-dan"),
                ("capacity", capacity),
                ("status", "open"),
                (
                    "how_to_join",
                    "Mang theo điện thoại; có người hướng dẫn tại chỗ.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "class");
    let code = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/quan-ly/lop/")
        .to_owned();
    for (date, start) in [(session_day(0).iso, "14:30"), (session_day(1).iso, "14:30")] {
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}/buoi"),
                &[
                    ("date", date.as_str()),
                    ("start", start),
                    ("duration", "90"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "session");
    }
    code
}

/// The days of `make_class`'s two sessions, relative to the day the suite runs: the first was
/// yesterday (so attendance can be taken and counts as held), the second is a week ahead (so the class
/// is still listed as upcoming).
pub struct SessionDay {
    pub iso: String,
    pub vn: String,
    pub ical: String,
}

pub fn session_day(which: usize) -> SessionDay {
    let today = hocvuso::i18n::vn_time(hocvuso::db::now()).date();
    let d = if which == 0 {
        today - time::Duration::days(1)
    } else {
        today + time::Duration::days(7)
    };
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    SessionDay {
        iso: format!("{y:04}-{m:02}-{day:02}"),
        vn: format!("{day:02}/{m:02}/{y:04}"),
        ical: format!("{y:04}{m:02}{day:02}"),
    }
}

async fn learner(app: &TestApp, phone: &str, name: &str) -> (TestApp, String) {
    let b = app.new_browser();
    b.sign_up_with(&[
        ("phone", phone),
        ("full_name", name),
        ("commune", QT_COMMUNE_A),
    ])
    .await;
    let id = app.person_id(phone).await;
    (b, id)
}

async fn status_of(app: &TestApp, person: &str) -> String {
    scalar(
        app,
        "SELECT status FROM class_registrations WHERE person_id = $1",
        person,
    )
    .await
}

both!(capacity_waitlist_and_promotion, |app: TestApp| async move {
    let admin = app.new_browser();
    admin.as_province_admin("0900000001").await;
    let code = make_class(&admin, "2").await;
    let (a, a_id) = learner(&app, "0914000001", "Người Một").await;
    let (b, b_id) = learner(&app, "0914000002", "Người Hai").await;
    let (c, c_id) = learner(&app, "0914000003", "Người Ba").await;
    for (who, kq) in [
        (&a, "seat"),
        (&b, "seat"),
        (&c, "waitlist"),
        (&a, "already"),
    ] {
        let r = who
            .post_form(&format!("/lop-hoc/{code}/dang-ky"), &[])
            .await;
        assert_eq!(r.status(), 303);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .ends_with(&format!("kq={kq}")),
            "{kq}"
        );
    }
    assert_eq!(status_of(&app, &c_id).await, "waitlisted");
    let (_, page) = c.get_text(&format!("/lop-hoc/{code}")).await;
    assert!(page.contains("danh sách chờ, số thứ tự 1"), "{page}");
    // A seat frees up: the first in the queue gets it automatically.
    let r = a
        .post_form(&format!("/lop-hoc/{code}/huy-dang-ky"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(&app, &a_id).await, "cancelled");
    assert_eq!(status_of(&app, &c_id).await, "registered");
    assert_eq!(status_of(&app, &b_id).await, "registered");
    // Coming back after cancelling: back of the queue.
    let r = a.post_form(&format!("/lop-hoc/{code}/dang-ky"), &[]).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("kq=waitlist")
    );
    // More seats: the waiting person moves up when the class is edited.
    let venue = scalar(
        &app,
        "SELECT id FROM venues WHERE commune_code = $1",
        QT_COMMUNE_A,
    )
    .await;
    let r = admin
        .post_form(
            &format!("/quan-ly/lop/{code}"),
            &[
                ("commune", QT_COMMUNE_A),
                ("title", "Dùng VNeID, phòng lừa đảo"),
                ("courses", "vneid"),
                ("mode", "in_person"),
                ("venue", &venue),
                ("target_group", "nguoi-dan"),
                ("capacity", "3"),
                ("status", "open"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(&app, &a_id).await, "registered");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM class_registrations WHERE class_id = (SELECT id FROM classes WHERE code = $1) AND status = 'registered'", &code).await, 3);
    // The admin's page lists them; cancelling on someone's behalf works too.
    let (_, page) = admin.get_text(&format!("/quan-ly/lop/{code}")).await;
    assert!(page.contains("Người Một") && page.contains("Người Ba"));
    let r = admin
        .post_form(&format!("/quan-ly/lop/{code}/huy/{b_id}"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status_of(&app, &b_id).await, "cancelled");
});

both!(
    concurrent_registrations_never_exceed_capacity,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = make_class(&admin, "3").await;
        let mut browsers = Vec::new();
        for i in 0..8 {
            let (b, _) = learner(&app, &format!("09150000{i:02}"), &format!("Học viên {i}")).await;
            browsers.push(b);
        }
        let mut tasks = Vec::new();
        for b in browsers {
            let path = format!("/lop-hoc/{code}/dang-ky");
            tasks.push(tokio::spawn(async move {
                b.post_form(&path, &[]).await.status().as_u16()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 303);
        }
        let class_sql = "SELECT COUNT(*) FROM class_registrations WHERE class_id = (SELECT id FROM classes WHERE code = $1) AND status = 'registered'";
        assert_eq!(count(&app, class_sql, &code).await, 3);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM class_registrations WHERE class_id = (SELECT id FROM classes WHERE code = $1) AND status = 'waitlisted'", &code).await, 5);
    }
);

both!(
    a_volunteer_registers_someone_with_no_phone,
    |app: TestApp| async move {
        let f = setup(&app).await;
        let code = make_class(&f.admin, "30").await;
        let path = format!("/quan-ly/lop/{code}/dang-ky-ho");
        assert_eq!(f.member_a.get(&path).await.status(), 200);
        let people = app.count("people").await;
        // Consent not ticked: refused, nothing written.
        let r = f
            .member_a
            .post_form(
                &path,
                &[
                    ("who", "new"),
                    ("full_name", "Hồ Thị Mơ"),
                    ("birth_year", "1950"),
                    ("sex", "nu"),
                    ("ethnic_group", "Bru-Vân Kiều"),
                    ("village", &f.village_a),
                    ("target_group", "nguoi-dan"),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("aria-invalid"));
        assert_eq!(app.count("people").await, people);
        let r = f
            .member_a
            .post_form(
                &path,
                &[
                    ("who", "new"),
                    ("full_name", "Hồ Thị Mơ"),
                    ("birth_year", "1950"),
                    ("sex", "nu"),
                    ("ethnic_group", "Bru-Vân Kiều"),
                    ("village", &f.village_a),
                    ("target_group", "nguoi-dan"),
                    ("consent_in_person", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let mo = scalar(
            &app,
            "SELECT id FROM people WHERE full_name = $1",
            "Hồ Thị Mơ",
        )
        .await;
        let (phone, pw, consent_by): (Option<String>, Option<String>, Option<String>) = app
            .state
            .db
            .fetch_optional(
                hocvuso::db::q(
                    "SELECT phone, password_hash, consent_recorded_by FROM people WHERE id = $1",
                )
                .bind(&mo),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!((phone, pw), (None, None));
        assert_eq!(consent_by.as_deref(), Some(f.member_a_id.as_str()));
        assert_eq!(
            scalar(
                &app,
                "SELECT registered_by FROM class_registrations WHERE person_id = $1",
                &mo
            )
            .await,
            f.member_a_id
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM acted_for WHERE person_id = $1",
                &mo
            )
            .await,
            2
        );
        // Someone with an account, found by phone in the commune.
        let (_, lan_id) = learner(&app, "0916000001", "Trần Thị Lan").await;
        let r = f
            .member_a
            .post_form(&path, &[("who", "existing"), ("phone", "0916 000 001")])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(status_of(&app, &lan_id).await, "registered");
        // Someone of another commune cannot be found through this form.
        let r = f
            .member_a
            .post_form(&path, &[("who", "existing"), ("phone", "0911000002")])
            .await;
        assert_eq!(r.status(), 422);
        // A member of commune B may not register people for a class of commune A.
        assert_eq!(f.member_b.get(&path).await.status(), 404);
        let r = f
            .member_b
            .post_form(&path, &[("who", "existing"), ("phone", "0916000001")])
            .await;
        assert_eq!(r.status(), 404);
        // The admin sees who registered whom.
        let (_, page) = f.admin.get_text(&format!("/quan-ly/lop/{code}")).await;
        assert!(
            page.contains("Hồ Thị Mơ") && page.contains("đăng ký giúp bởi Lê Văn An"),
            "{page}"
        );
    }
);

both!(attendance_results_and_stats, |app: TestApp| async move {
    let admin = app.new_browser();
    admin.as_province_admin("0900000001").await;
    let code = make_class(&admin, "30").await;
    // An instructor of the class (added by phone) takes attendance.
    let (teacher, _) = learner(&app, "0917000001", "Cô giáo Hạnh").await;
    let r = admin
        .post_form(
            &format!("/quan-ly/lop/{code}/giang-vien"),
            &[("phone", "0917000001")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(crate::accept_invitations(&teacher).await, 1);
    let (a, a_id) = learner(&app, "0914000001", "Người Một").await;
    let (b, b_id) = learner(&app, "0914000002", "Người Hai").await;
    a.post_form(&format!("/lop-hoc/{code}/dang-ky"), &[]).await;
    b.post_form(&format!("/lop-hoc/{code}/dang-ky"), &[]).await;
    let class_id = scalar(&app, "SELECT id FROM classes WHERE code = $1", &code).await;
    let sid = scalar(
        &app,
        "SELECT id FROM class_sessions WHERE class_id = $1 ORDER BY starts_at LIMIT 1",
        &class_id,
    )
    .await;
    let page_path = format!("/quan-ly/lop/{code}/buoi/{sid}");
    let (s, page) = teacher.get_text(&page_path).await;
    assert_eq!(s, 200);
    assert!(page.contains("Người Một") && page.contains("data-sync=\"attendance\""));
    // A learner's own card code, typed.
    let (_, card) = b.get_text("/the-hoc-vien").await;
    let b_code = scalar(
        &app,
        "SELECT code FROM person_cards WHERE person_id = $1",
        &b_id,
    )
    .await;
    assert!(card.contains(&b_code));
    let r = teacher
        .post_form(
            &format!("{page_path}/ma"),
            &[("code", &b_code.to_lowercase())],
        )
        .await;
    assert_eq!(r.status(), 303);
    // A tap on a name, toggled present → absent → present: counted once (the correction to absent was
    // taken back, then counted again).
    for present in ["yes", "no", "yes"] {
        let r = teacher
            .post_form(&page_path, &[("person", &a_id), ("present", present)])
            .await;
        assert_eq!(r.status(), 303);
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM class_attendance WHERE session_id = $1 AND present",
            &sid
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM stat_events e WHERE e.metric = $1 AND e.retracts IS NULL AND NOT EXISTS (SELECT 1 FROM stat_events r WHERE r.retracts = e.id)",
            "class_attendance"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM stat_events e WHERE e.metric = $1 AND e.retracts IS NULL AND NOT EXISTS (SELECT 1 FROM stat_events r WHERE r.retracts = e.id)",
            "class_held"
        )
        .await,
        1
    );
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM class_sessions WHERE id = $1 AND held_at IS NOT NULL",
            &sid
        )
        .await
            == 1
    );
    // Unknown code and a stranger: 422, nothing changes.
    let r = teacher
        .post_form(&format!("{page_path}/ma"), &[("code", "ZZZZZZZZ")])
        .await;
    assert_eq!(r.status(), 422);
    let (stranger, _) = learner(&app, "0914000009", "Người Lạ").await;
    assert_eq!(stranger.get(&page_path).await.status(), 404);
    let r = stranger
        .post_form(&page_path, &[("person", &a_id), ("present", "no")])
        .await;
    assert_eq!(r.status(), 404);
    // Results: "passed" needs the quiz passed in class.
    let res = format!("/quan-ly/lop/{code}/ket-qua");
    let r = teacher
        .post_form(&res, &[("person", &a_id), ("result", "passed")])
        .await;
    assert_eq!(r.status(), 422);
    let r = teacher
        .post_form(
            &res,
            &[
                ("person", &a_id),
                ("result", "passed"),
                ("quiz_passed", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        scalar(
            &app,
            "SELECT result FROM class_results WHERE person_id = $1",
            &a_id
        )
        .await,
        "passed"
    );
    // A learner who never attended cannot pass.
    let (c, c_id) = learner(&app, "0914000003", "Người Ba").await;
    c.post_form(&format!("/lop-hoc/{code}/dang-ky"), &[]).await;
    let r = teacher
        .post_form(
            &res,
            &[
                ("person", &c_id),
                ("result", "passed"),
                ("quiz_passed", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM class_results WHERE person_id = $1",
            &c_id
        )
        .await,
        0
    );
});

both!(find_a_class_and_calendars, |app: TestApp| async move {
    let admin = app.new_browser();
    admin.as_province_admin("0900000001").await;
    let code = make_class(&admin, "30").await;
    let anon = app.new_browser();
    let (s, page) = anon.get_text(&format!("/lop-hoc?xa={QT_COMMUNE_A}")).await;
    assert_eq!(s, 200);
    // The listing shows the next session that has not ended: the one a week ahead.
    let next = format!("14:30 {}", session_day(1).vn);
    assert!(
        page.contains("Dùng VNeID, phòng lừa đảo") && page.contains(&next),
        "{page}"
    );
    assert!(page.contains("Nhà văn hóa thôn Một"));
    let (_, other) = anon.get_text(&format!("/lop-hoc?xa={QT_COMMUNE_B}")).await;
    assert!(!other.contains("Dùng VNeID, phòng lừa đảo"));
    let (s, class_page) = anon.get_text(&format!("/lop-hoc/{code}")).await;
    assert_eq!(s, 200);
    assert!(class_page.contains("Mang theo điện thoại") && class_page.contains("vneid"));
    let r = anon.get(&format!("/lop-hoc/{code}/lich.ics")).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    assert!(
        !ics.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    assert!(
        ics.split("\r\n").all(|l| l.len() <= 75),
        "folded at 75 octets"
    );
    let unfolded = ics.replace("\r\n ", "");
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 2);
    assert!(
        unfolded.contains(&format!("DTSTART:{}T073000Z", session_day(0).ical)),
        "14:30 in Vietnam is 07:30 UTC"
    );
    assert!(unfolded.contains(&format!("DTEND:{}T090000Z", session_day(0).ical)));
    assert!(unfolded.contains("SUMMARY:Dùng VNeID\\, phòng lừa đảo (1/2)"));
    let feed = anon
        .get_text(&format!("/lop-hoc/xa/{QT_COMMUNE_A}/lich.ics"))
        .await;
    assert_eq!(feed.0, 200);
    assert_eq!(
        feed.1.replace("\r\n ", "").matches("BEGIN:VEVENT").count(),
        2
    );
    assert_eq!(anon.get("/lop-hoc/KHONGCO/lich.ics").await.status(), 404);
    assert_eq!(anon.get("/lop-hoc/xa/abc/lich.ics").await.status(), 404);
    // A class with bad input is refused with the fields, and nothing is stored.
    let before = app.count("classes").await;
    let r = admin
        .post_form(
            "/quan-ly/lop/moi",
            &[
                ("commune", QT_COMMUNE_A),
                ("title", ""),
                ("mode", "online"),
                ("meeting_url", "javascript:alert(1)"),
                ("target_group", "nguoi-dan"),
                ("capacity", "-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("c-title-err")
            && body.contains("c-meeting_url-err")
            && body.contains("c-capacity-err")
    );
    assert_eq!(app.count("classes").await, before);
});

both!(class_admin_scope, |app: TestApp| async move {
    let f = setup(&app).await;
    let code = make_class(&f.admin, "30").await;
    // Member B is made commune admin of B: class of A is not theirs.
    let b_id = app.person_id("0911000002").await;
    f.admin
        .post_form(
            &format!("/quan-ly/nguoi-dung/{b_id}/vai-tro"),
            &[("role", "commune_admin"), ("unit", QT_COMMUNE_B)],
        )
        .await;
    assert_eq!(
        f.member_b
            .get(&format!("/quan-ly/lop/{code}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        f.member_b
            .get(&format!("/quan-ly/dia-diem?xa={QT_COMMUNE_A}"))
            .await
            .status(),
        403
    );
    let r = f
        .member_b
        .post_form(
            "/quan-ly/dia-diem",
            &[
                ("commune", QT_COMMUNE_A),
                ("kind", "school"),
                ("name", "Trường X"),
                ("address", "Y"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = f
        .member_b
        .post_form(
            "/quan-ly/lop/moi",
            &[
                ("commune", QT_COMMUNE_A),
                ("title", "Lớp lạ"),
                ("mode", "online"),
                ("meeting_url", "https://meet.example.vn/x"),
                ("target_group", "nguoi-dan"),
                ("capacity", "5"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("classes").await, 1);
    assert_eq!(app.count("venues").await, 1);
    // In their own commune they can.
    let r = f
        .member_b
        .post_form(
            "/quan-ly/lop/moi",
            &[
                ("commune", QT_COMMUNE_B),
                ("title", "Lớp trực tuyến"),
                ("mode", "online"),
                ("meeting_url", "https://meet.example.vn/x"),
                ("target_group", "all"),
                ("capacity", "5"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
});

// Issue 15: what someone else did to a person's place in a class is on their account page — a seat
// freed up for them, their registration cancelled by the class's admin, the class cancelled — and
// nothing is said about what they did themselves.
both!(
    account_tells_of_cancellations_and_freed_seats,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = make_class(&admin, "1").await;
        let title = "Dùng VNeID, phòng lừa đảo";
        let (a, _) = learner(&app, "0914000011", "Người Một").await;
        let (b, b_id) = learner(&app, "0914000012", "Người Hai").await;
        for who in [&a, &b] {
            let r = who
                .post_form(&format!("/lop-hoc/{code}/dang-ky"), &[])
                .await;
            assert_eq!(r.status(), 303);
        }
        let (_, page) = b.get_text("/tai-khoan").await;
        assert!(
            !page.contains("Tin về lớp học của bạn"),
            "nothing to tell yet"
        );
        // A cancels: B gets the seat and is told; A, who did it, is told nothing.
        let r = a
            .post_form(&format!("/lop-hoc/{code}/huy-dang-ky"), &[])
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = b.get_text("/tai-khoan").await;
        assert!(
            page.contains(&format!("Bạn đã có chỗ trong lớp «{title}»")),
            "{page}"
        );
        assert!(page.contains(&format!("href=\"/lop-hoc/{code}\"")));
        let (_, page) = a.get_text("/tai-khoan").await;
        assert!(!page.contains("Tin về lớp học của bạn"));
        // The admin cancels B's place: B is told that, and no longer of the seat.
        let r = admin
            .post_form(&format!("/quan-ly/lop/{code}/huy/{b_id}"), &[])
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = b.get_text("/tai-khoan").await;
        assert!(
            page.contains(&format!(
                "Người quản lý lớp đã huỷ đăng ký của bạn ở lớp «{title}»"
            )),
            "{page}"
        );
        assert!(!page.contains("Bạn đã có chỗ"));
        // A comes back (the seat is free), then the class is cancelled: A is told.
        let r = a.post_form(&format!("/lop-hoc/{code}/dang-ky"), &[]).await;
        assert_eq!(r.status(), 303);
        let venue = scalar(
            &app,
            "SELECT id FROM venues WHERE commune_code = $1",
            QT_COMMUNE_A,
        )
        .await;
        let r = admin
            .post_form(
                &format!("/quan-ly/lop/{code}"),
                &[
                    ("commune", QT_COMMUNE_A),
                    ("title", title),
                    ("courses", "vneid"),
                    ("mode", "in_person"),
                    ("venue", &venue),
                    ("target_group", "nguoi-dan"),
                    ("capacity", "1"),
                    ("status", "cancelled"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (_, page) = a.get_text("/tai-khoan").await;
        assert!(page.contains(&format!("Lớp «{title}» đã huỷ.")), "{page}");
    }
);
