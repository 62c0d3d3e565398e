//! Signed-in pages as fast as visitors' without giving up revocation: a repeat lesson view writes
//! nothing, and the in-process session cache (`web::session_cache`) never outlives its stated bound.
use std::time::{Duration, Instant};

use hocvuso::db::{Backend, q};
use hocvuso::web::session_cache::TTL;

use crate::{QT_COMMUNE_A, TestApp, both};

const LESSON: &str = "/hoc/vneid/kich-hoat-muc-2";

async fn learner(app: &TestApp, phone: &str) -> String {
    let r = app
        .sign_up_with(&[
            ("phone", phone),
            ("full_name", "Hồ Thị Lan"),
            ("commune", QT_COMMUNE_A),
        ])
        .await;
    assert_eq!(r.status(), 303, "sign-up");
    app.person_id(phone).await
}

/// Poll `path` until it answers `want`, for at most `bound`; returns how long it took.
async fn within(app: &TestApp, path: &str, want: u16, bound: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let s = app.get(path).await.status().as_u16();
        if s == want {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < bound,
            "{path} still answered {s} after {:?} (bound {bound:?})",
            start.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

both!(
    repeat_lesson_view_writes_nothing,
    |app: TestApp| async move {
        let id = learner(&app, "0912300001").await;
        assert_eq!(app.get(LESSON).await.status(), 200, "first view");
        let opened = || async {
            app.state
            .db
            .count(
                q("SELECT COUNT(*) FROM stat_events WHERE person_id = $1 AND metric = 'lesson_opened'")
                    .bind(&id),
            )
            .await
            .expect("count")
        };
        assert_eq!(opened().await, 1, "the first view is counted");

        // Hold every write away from the app while the learner looks again: on SQLite the one writer
        // (BEGIN IMMEDIATE), on PostgreSQL an EXCLUSIVE lock, which lets readers through but no writer,
        // on every table a lesson view could write. A repeat view that wrote would hang here.
        let mut blocker = app.state.db.begin().await.expect("begin");
        if app.backend == Backend::Postgres {
            blocker
                .execute(q(
                    "LOCK TABLE lesson_progress, stat_events, sessions, people, sync_receipts
                 IN EXCLUSIVE MODE",
                ))
                .await
                .expect("lock");
        }
        let client = app.client.clone();
        let url = app.url(LESSON);
        let view = tokio::time::timeout(Duration::from_secs(5), async move {
            let r = client.get(url).send().await.expect("GET");
            (r.status().as_u16(), r.text().await.expect("body"))
        })
        .await;
        drop(blocker);
        let (s, html) = view.expect("a repeat view must not wait for the writer");
        assert_eq!(s, 200);
        assert!(
            html.contains("Hồ Thị Lan") || html.contains("Tài khoản"),
            "signed-in page"
        );
        assert_eq!(opened().await, 1, "a repeat view is not counted again");
    }
);

both!(
    sign_out_and_role_removal_act_at_once_here,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let a = app.new_browser();
        let a_id = learner(&a, "0912300002").await;
        // Cached as a plain learner first.
        assert_eq!(a.get("/quan-ly").await.status(), 403);
        let r = admin
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            a.get("/quan-ly").await.status(),
            200,
            "a granted role acts at once"
        );
        let r = admin
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a_id}/vai-tro/xoa"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            a.get("/quan-ly").await.status(),
            403,
            "a removed role stops at once"
        );

        // Sign out: the same cookie, replayed by a copied browser, is nobody at once.
        let cookie = a.cookie("hv_session").expect("session cookie");
        assert_eq!(a.get("/tai-khoan").await.status(), 200);
        let r = a.post_form("/dang-xuat", &[]).await;
        assert!(r.status().is_redirection(), "sign-out");
        let replay = app
            .client
            .get(app.url("/tai-khoan"))
            .header("cookie", format!("hv_session={cookie}"))
            .send()
            .await
            .expect("GET");
        assert_eq!(
            replay.status(),
            303,
            "a signed-out session is refused at once"
        );
    }
);

both!(
    revocation_reaches_another_server_within_the_bound,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let a = app.new_browser();
        let a_id = learner(&a, "0912300003").await;
        let r = admin
            .post_form(
                &format!("/quan-ly/nguoi-dung/{a_id}/vai-tro"),
                &[("role", "commune_admin"), ("unit", QT_COMMUNE_A)],
            )
            .await;
        assert_eq!(r.status(), 303);
        // A second app server on the same database, with its own cache, sees the same session.
        let other = app.spawn_sibling().await;
        let cookie = a.cookie("hv_session").expect("session cookie");
        // The same browser's session cookie, sent to the other server.
        other.jar.add_cookie_str(
            &format!("hv_session={cookie}"),
            &other.url("/").parse().expect("url"),
        );
        let status = |path: &'static str| async { other.get(path).await.status().as_u16() };
        assert_eq!(
            status("/quan-ly").await,
            200,
            "signed in on the other server too"
        );
        assert_eq!(status("/tai-khoan").await, 200);
        // The role is removed by a third process (a statement on the database, as another server's write
        // would be: nothing in this process is told). Administrators are never cached: at once.
        app.state
            .db
            .execute(q("DELETE FROM roles WHERE person_id = $1").bind(&a_id))
            .await
            .expect("revoke");
        assert_eq!(
            status("/quan-ly").await,
            403,
            "an admin role removed elsewhere acts at once"
        );
        // Granted again elsewhere while the other server holds them as a learner: Administration opens
        // at once, because a refusal is checked against the database.
        assert_eq!(status("/tai-khoan").await, 200, "cached as a learner now");
        app.state
            .db
            .execute(
                q("INSERT INTO roles (person_id, role, unit_code, granted_at) VALUES ($1, 'commune_admin', $2, 0)")
                    .bind(&a_id)
                    .bind(QT_COMMUNE_A),
            )
            .await
            .expect("grant elsewhere");
        assert_eq!(
            status("/quan-ly").await,
            200,
            "a role granted elsewhere acts at once"
        );
        app.state
            .db
            .execute(q("DELETE FROM roles WHERE person_id = $1").bind(&a_id))
            .await
            .expect("revoke again");
        assert_eq!(status("/quan-ly").await, 403);
        // Now a learner, cached on the other server: a session ended elsewhere stops within the bound.
        assert_eq!(status("/tai-khoan").await, 200);
        app.state
            .db
            .execute(q("DELETE FROM sessions WHERE person_id = $1").bind(&a_id))
            .await
            .expect("end session");
        within(&other, "/tai-khoan", 303, TTL + Duration::from_secs(2)).await;
    }
);

both!(
    an_expired_session_stops_within_the_bound,
    |app: TestApp| async move {
        let a = app.new_browser();
        let a_id = learner(&a, "0912300004").await;
        assert_eq!(a.get("/tai-khoan").await.status(), 200, "cached now");
        app.state
            .db
            .execute(q("UPDATE sessions SET expires_at = 0 WHERE person_id = $1").bind(&a_id))
            .await
            .expect("expire");
        within(&a, "/tai-khoan", 303, TTL + Duration::from_secs(2)).await;
    }
);

both!(
    public_dashboard_is_kept_per_figures_version,
    |app: TestApp| async move {
        use hocvuso::stats::fold;
        let path = format!("/so-lieu?unit={QT_COMMUNE_A}");
        fold::catch_up(&app.state.db).await.expect("aggregate");
        let first = app.get(&path).await;
        assert_eq!(first.status(), 200);
        let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
        let body = first.text().await.expect("body");
        // The same figures: the same bytes, and a browser that holds them gets 304 with no body.
        let again = app.get(&path).await;
        assert_eq!(again.headers()["etag"].to_str().expect("etag"), etag);
        assert_eq!(again.text().await.expect("body"), body);
        let r = app
            .client
            .get(app.url(&path))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status(), 304);
        assert!(r.bytes().await.expect("body").is_empty());
        // New facts: while they wait for the fold the page says so, and once folded it shows them.
        for i in 0..6 {
            let b = app.new_browser();
            let r = b
                .sign_up_with(&[
                    ("phone", &format!("09123001{i:02}")),
                    ("full_name", "Lê Văn Nam"),
                    ("commune", QT_COMMUNE_A),
                ])
                .await;
            assert_eq!(r.status(), 303);
        }
        let waiting = app.get(&path).await;
        assert_ne!(
            waiting.headers()["etag"].to_str().expect("etag"),
            etag,
            "pending is shown"
        );
        fold::catch_up(&app.state.db).await.expect("aggregate");
        let folded = app.get(&path).await.text().await.expect("body");
        assert_ne!(folded, body);
        assert!(folded.contains(">6<"), "six new registrations shown");
        // A signed-in reader gets their own page (their name in the header), never a visitor's copy.
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let (_, mine) = admin.get_text(&path).await;
        assert!(mine.contains("dang-xuat"), "signed-in header");
        assert!(!body.contains("dang-xuat"));
    }
);
