//! Learning: the curriculum loaded with stable ids, catalogue and search, lesson pages, the quiz
//! without JavaScript, completion and certificates (issue, PDF with the Vietnamese name, verify,
//! revoke), the JSON API with replayable client ids, the merge of a visitor's browser progress, the
//! local-course editor and the classes hooks.
use std::path::{Path, PathBuf};

use hocvuso::db::q;
use serde_json::{Value, json};

use crate::{QT_COMMUNE_A, TestApp, both};

const COURSE: &str = "vneid";

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

fn library() -> content::Library {
    content::load_dir(&content_dir()).expect("the shipped content is valid")
}

fn course(slug: &str) -> content::Course {
    library().course(slug).expect("course").clone()
}

/// Right answers to a lesson's quiz as form fields.
fn right_answers(lesson: &content::Lesson) -> Vec<(String, String)> {
    lesson
        .quiz
        .iter()
        .enumerate()
        .map(|(i, q)| (format!("q{i}"), q.answer.to_string()))
        .collect()
}

async fn submit_quiz(
    app: &TestApp,
    course: &str,
    lesson: &str,
    answers: &[(String, String)],
) -> (u16, String) {
    let fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app
        .post_form(&format!("/hoc/{course}/{lesson}"), &fields)
        .await;
    let s = r.status().as_u16();
    (s, r.text().await.expect("body"))
}

async fn sign_up_learner(app: &TestApp, phone: &str, name: &str) -> String {
    let r = app
        .sign_up_with(&[
            ("phone", phone),
            ("full_name", name),
            ("commune", QT_COMMUNE_A),
        ])
        .await;
    assert_eq!(r.status(), 303, "sign-up");
    app.person_id(phone).await
}

async fn metric_count(app: &TestApp, metric: &str, person: &str) -> i64 {
    app.state
        .db
        .count(
            q("SELECT COUNT(*) FROM stat_events WHERE metric = $1 AND person_id = $2")
                .bind(metric)
                .bind(person),
        )
        .await
        .expect("count")
}

/// Open every lesson of `slug` and pass every quiz on the pages, as a signed-in learner.
/// Returns the certificate code shown after the last quiz.
async fn complete_course(app: &TestApp, slug: &str) -> String {
    let c = course(slug);
    let mut code = None;
    for l in &c.lessons {
        let (s, _) = app.get_text(&format!("/hoc/{slug}/{}", l.slug)).await;
        assert_eq!(s, 200);
        let (s, html) = submit_quiz(app, slug, &l.slug, &right_answers(l)).await;
        assert_eq!(s, 200);
        if let Some(i) = html.find("/chung-chi/") {
            let rest = &html[i + "/chung-chi/".len()..];
            code = rest.split(".pdf").next().map(str::to_owned);
        }
    }
    code.expect("a certificate link after the last quiz")
}

async fn post_json(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(path))
        .json(body)
        .send()
        .await
        .expect("POST");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

both!(
    curriculum_is_loaded_with_stable_ids,
    |app: TestApp| async move {
        let lib = library();
        assert!(lib.courses.len() >= 10, "at least 10 courses");
        let lessons: usize = lib.courses.iter().map(|c| c.lessons.len()).sum();
        assert!(lessons >= 50, "at least 50 lessons, got {lessons}");
        for c in &lib.courses {
            assert!(!c.audiences.is_empty(), "{} has target groups", c.slug);
            for l in &c.lessons {
                let words = content::word_count(&content::plain_text(&l.body_md));
                assert!(
                    (300..=900).contains(&words),
                    "{}/{}: {words} words",
                    c.slug,
                    l.slug
                );
                assert!(l.quiz.len() >= 4, "{}/{}", c.slug, l.slug);
                assert!(l.quiz.iter().all(|q| !q.explain.trim().is_empty()));
                assert!(!l.summary.trim().is_empty());
            }
        }
        assert_eq!(app.count("courses").await, lib.courses.len() as i64);
        assert_eq!(app.count("lessons").await, lessons as i64);
        let ids: Vec<(String, String)> = app
            .state
            .db
            .fetch_all(q("SELECT slug, id FROM lessons ORDER BY slug"))
            .await
            .expect("ids");

        // A second server start with the same files writes nothing.
        let report = hocvuso::learning::import::import_dir(&app.state.db, &content_dir())
            .await
            .expect("import");
        assert!(report.unchanged, "{report}");

        // An edited copy: a title changes, a lesson disappears, a course disappears.
        let tmp =
            std::env::temp_dir().join(format!("hv-content-{}", uuid::Uuid::new_v4().simple()));
        copy_dir(&content_dir().join("courses"), &tmp.join("courses"));
        std::fs::remove_dir_all(tmp.join("courses/ai-cho-can-bo")).expect("rm course");
        let vneid = tmp.join("courses/vneid");
        let mut files: Vec<_> = std::fs::read_dir(&vneid)
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        let first = std::fs::read_to_string(&files[0]).expect("read");
        let first_slug = course(COURSE).lessons[0].slug.clone();
        let first_title = course(COURSE).lessons[0].title.clone();
        std::fs::write(&files[0], first.replacen(&first_title, "Tiêu đề đã sửa", 1))
            .expect("write");
        let last_slug = course(COURSE).lessons.last().expect("lessons").slug.clone();
        std::fs::remove_file(files.last().expect("last")).expect("rm lesson");

        // Progress on the lesson whose title changes survives.
        let person = sign_up_learner(&app, "0911000001", "Lê Văn Bình").await;
        app.get(&format!("/hoc/{COURSE}/{first_slug}")).await;

        let report = hocvuso::learning::import::import_dir(&app.state.db, &tmp)
            .await
            .expect("import edited");
        assert_eq!(report.unpublished_courses, 1, "{report}");
        assert_eq!(report.unpublished_lessons, 1, "{report}");
        let after: Vec<(String, String)> = app
            .state
            .db
            .fetch_all(q("SELECT slug, id FROM lessons ORDER BY slug"))
            .await
            .expect("ids");
        assert_eq!(ids, after, "lesson ids never change");
        let (_, html) = app.get_text(&format!("/hoc/{COURSE}/{first_slug}")).await;
        assert!(html.contains("Tiêu đề đã sửa"));
        let (s, _) = app.get_text(&format!("/hoc/{COURSE}/{last_slug}")).await;
        assert_eq!(s, 404, "an unpublished lesson is gone from the site");
        let (s, _) = app.get_text("/hoc/ai-cho-can-bo").await;
        assert_eq!(s, 404);
        let opened = app
        .state
        .db
        .count(q("SELECT COUNT(*) FROM lesson_progress WHERE person_id = $1 AND opened_at IS NOT NULL").bind(&person))
        .await
        .expect("count");
        assert_eq!(opened, 1, "progress kept across the import");

        // Back to the real files: everything is published again, with the same ids.
        hocvuso::learning::import::import_dir(&app.state.db, &content_dir())
            .await
            .expect("import");
        let (s, _) = app.get_text("/hoc/ai-cho-can-bo").await;
        assert_eq!(s, 200);
        let _ = std::fs::remove_dir_all(&tmp);
    }
);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

#[tokio::test]
async fn content_check_reports_each_mistake_with_path_and_line() {
    let ok = hocvuso::learning::cli::check(&content_dir()).expect("shipped content is clean");
    assert!(ok.starts_with("content OK: "), "{ok}");

    let tmp = std::env::temp_dir().join(format!("hv-bad-{}", uuid::Uuid::new_v4().simple()));
    copy_dir(
        &content_dir().join("courses/vneid"),
        &tmp.join("courses/vneid"),
    );
    let dir = tmp.join("courses/vneid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let text = |p: &Path| std::fs::read_to_string(p).expect("read");
    // 1: an answer out of range; 2: raw HTML in the body; 3: a question without explanation;
    // 4: a body far too short; 5: front matter never closed.
    std::fs::write(
        &files[0],
        text(&files[0]).replacen("answer = ", "answer = 9 #", 1),
    )
    .expect("w");
    std::fs::write(
        &files[1],
        format!("{}\n<script>alert(1)</script>\n", text(&files[1])),
    )
    .expect("w");
    let t2 = text(&files[2]);
    let explain_at = t2.find("explain = \"").expect("explain");
    let end = t2[explain_at + 11..].find('"').expect("end") + explain_at + 11;
    std::fs::write(
        &files[2],
        format!("{}explain = \"{}", &t2[..explain_at], &t2[end..]),
    )
    .expect("w");
    let t3 = text(&files[3]);
    let close = t3[4..].find("+++").expect("closing fence") + 4;
    std::fs::write(&files[3], format!("{}+++\nNgắn quá.\n", &t3[..close])).expect("w");
    std::fs::write(&files[4], text(&files[4]).replace("+++", "")).expect("w");

    let report = hocvuso::learning::cli::check(&tmp).expect_err("bad content is refused");
    let name = |i: usize| {
        files[i]
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned()
    };
    let lines: Vec<&str> = report.lines().collect();
    let about = |i: usize, word: &str| {
        lines
            .iter()
            .any(|l| l.contains(&name(i)) && l.to_lowercase().contains(word))
    };
    assert!(about(0, "range"), "{report}");
    assert!(about(1, "html"), "{report}");
    assert!(about(2, "explain"), "{report}");
    assert!(about(3, "words"), "{report}");
    assert!(about(4, "+++"), "{report}");
    // Located: `path:line: reason` for the ones that have a line.
    let located = lines.iter().filter(|l| l.contains(&name(0))).any(|l| {
        l.split(':')
            .nth(1)
            .is_some_and(|n| n.trim().parse::<usize>().is_ok())
    });
    assert!(located, "{report}");
    assert!(report.ends_with("nothing was loaded"), "{report}");
    let _ = std::fs::remove_dir_all(&tmp);
}

both!(bad_content_imports_nothing, |app: TestApp| async move {
    let before = app.count("lessons").await;
    let tmp = std::env::temp_dir().join(format!("hv-bad-{}", uuid::Uuid::new_v4().simple()));
    copy_dir(&content_dir().join("courses"), &tmp.join("courses"));
    std::fs::write(
        tmp.join("courses/vneid/99-moi.md"),
        "+++\nslug = \"moi\"\n+++\nthiếu\n",
    )
    .expect("w");
    std::fs::write(
        tmp.join("courses/vneid/course.toml"),
        "slug = \"vneid\"\ntitle = \"Đổi tên\"\n",
    )
    .expect("w");
    let err = hocvuso::learning::cli::import(&app.state.db, &tmp)
        .await
        .expect_err("refused");
    assert!(err.contains("99-moi.md"), "{err}");
    assert!(err.contains("course.toml"), "{err}");
    assert_eq!(app.count("lessons").await, before);
    let title: Option<String> = app
        .state
        .db
        .scalar(q("SELECT title FROM courses WHERE slug = 'vneid'"))
        .await
        .expect("title");
    assert_ne!(title.as_deref(), Some("Đổi tên"));
    let _ = std::fs::remove_dir_all(&tmp);
});

both!(catalogue_filters_and_search, |app: TestApp| async move {
    let (s, html) = app.get_text("/hoc").await;
    assert_eq!(s, 200);
    for c in library().courses {
        assert!(
            html.contains(&format!("href=\"/hoc/{}\"", c.slug)),
            "{} listed",
            c.slug
        );
    }
    // Search ignores diacritics and case.
    let (_, html) = app.get_text("/hoc?q=dich+vu+cong").await;
    assert!(html.contains("href=\"/hoc/dich-vu-cong\""));
    assert!(!html.contains("href=\"/hoc/vneid\""));
    let (_, html2) = app
        .get_text("/hoc?q=D%E1%BB%8ACH+V%E1%BB%A4+C%C3%94NG")
        .await;
    assert!(html2.contains("href=\"/hoc/dich-vu-cong\""));
    // Topic and target group.
    let (_, html) = app.get_text("/hoc?chu-de=ai").await;
    assert!(html.contains("href=\"/hoc/ai-trong-doi-song\""));
    assert!(!html.contains("href=\"/hoc/vneid\""));
    let (_, html) = app.get_text("/hoc?doi-tuong=can-bo&chu-de=ai").await;
    assert!(html.contains("href=\"/hoc/ai-cho-can-bo\""));
    let (_, html) = app.get_text("/hoc?q=khongcogi").await;
    assert!(html.contains("Không có khoá học nào"));
    // Junk filters are ignored, not errors.
    let (s, _) = app.get_text("/hoc?chu-de=%27%3B--&doi-tuong=x").await;
    assert_eq!(s, 200);
});

both!(course_and_lesson_pages, |app: TestApp| async move {
    let c = course(COURSE);
    let (s, html) = app.get_text(&format!("/hoc/{COURSE}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("<progress"), "progress bar");
    assert!(html.contains(&c.title));
    let second = &c.lessons[1];
    let (s, html) = app
        .get_text(&format!("/hoc/{COURSE}/{}", second.slug))
        .await;
    assert_eq!(s, 200);
    assert!(html.contains(&second.title));
    assert!(
        html.contains(&format!("{} phút đọc", second.reading_minutes.max(1))),
        "reading time"
    );
    assert!(html.contains(&format!(
        "rel=\"prev\" href=\"/hoc/{COURSE}/{}\"",
        c.lessons[0].slug
    )));
    assert!(html.contains(&format!(
        "rel=\"next\" href=\"/hoc/{COURSE}/{}\"",
        c.lessons[2].slug
    )));
    assert!(
        html.contains("data-listen=\"lesson-body\""),
        "the Nghe button"
    );
    assert!(html.contains("/assets/learning."), "learning assets");
    assert!(html.contains("name=\"q0\""), "the quiz is a plain form");
    assert!(!html.contains("<script>"), "no inline script");
    let (s, _) = app.get_text(&format!("/hoc/{COURSE}/khong-co")).await;
    assert_eq!(s, 404);
    let (s, _) = app.get_text("/hoc/khong-co").await;
    assert_eq!(s, 404);
    // The print stylesheet is in the learning CSS.
    let css_url = html
        .split("href=\"")
        .find_map(|p| {
            p.split('"')
                .next()
                .filter(|u| u.starts_with("/assets/learning.") && u.ends_with(".css"))
        })
        .expect("css link")
        .to_owned();
    let (_, css) = app.get_text(&css_url).await;
    assert!(css.contains("@media print"));
});

both!(
    quiz_works_without_javascript_and_explains,
    |app: TestApp| async move {
        let c = course(COURSE);
        let l = &c.lessons[0];
        // A visitor: scored and explained, nothing stored.
        let mut answers = right_answers(l);
        let n = l.quiz.len();
        // Just under the 80 % mark: one wrong of 4 (75 %), two wrong of 5 (60 %; 4 of 5 is exactly 80 %).
        let wrong_count = (0..=n).find(|k| (n - k) * 100 < 80 * n).expect("k");
        for (i, a) in answers.iter_mut().enumerate().take(wrong_count) {
            a.1 = ((l.quiz[i].answer + 1) % l.quiz[i].choices.len()).to_string();
        }
        let (s, html) = submit_quiz(&app, COURSE, &l.slug, &answers).await;
        assert_eq!(s, 200);
        assert!(html.contains("Chưa đạt"), "under the pass mark");
        // Exactly at the mark passes (when the quiz size allows it).
        if (n * 80).is_multiple_of(100) {
            let mut at_mark = right_answers(l);
            for (i, a) in at_mark.iter_mut().enumerate().take(n / 5) {
                a.1 = ((l.quiz[i].answer + 1) % l.quiz[i].choices.len()).to_string();
            }
            let (_, html) = submit_quiz(&app, COURSE, &l.slug, &at_mark).await;
            assert!(html.contains("Đạt!"), "exactly 80 % passes");
        }
        assert!(html.contains(&l.quiz[0].explain), "explanation shown");
        assert!(
            html.contains(&l.quiz[0].choices[l.quiz[0].answer]),
            "right answer shown"
        );
        assert_eq!(app.count("lesson_progress").await, 0);
        // Junk answers are wrong answers, not errors.
        let (s, html) = submit_quiz(
            &app,
            COURSE,
            &l.slug,
            &[("q0".into(), "x".into()), ("q1".into(), "99".into())],
        )
        .await;
        assert_eq!(s, 200);
        let result = &html[html.find("quiz-result").expect("result")..];
        assert!(
            result.contains("<strong>Chưa đạt.</strong>\n    0/"),
            "{}",
            &result[..300.min(result.len())]
        );
        // A visitor's answers are only scored, so their form needs no token (and their page is cached).
        let r = app
            .post_raw(&format!("/hoc/{COURSE}/{}", l.slug), &[("q0", "0")])
            .await;
        assert_eq!(r.status(), 200);
        let r = app
            .client
            .post(app.url(&format!("/hoc/{COURSE}/{}", l.slug)))
            .header("origin", "https://evil.example")
            .form(&[("q0", "0")])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403, "cross-site posts refused");
        let (_, page) = app.get_text(&format!("/hoc/{COURSE}/{}", l.slug)).await;
        assert!(
            !page.contains("name=\"csrf\""),
            "a visitor's lesson page holds nothing personal"
        );
        // All right: passed.
        let (_, html) = submit_quiz(&app, COURSE, &l.slug, &right_answers(l)).await;
        assert!(html.contains("Đạt!"));
    }
);

both!(
    completion_issues_a_certificate_once,
    |app: TestApp| async move {
        let person = sign_up_learner(&app, "0911000002", "Hồ Thị Lan").await;
        let c = course(COURSE);
        // Opening everything is not enough; passing everything but one lesson is not enough.
        for l in &c.lessons {
            app.get(&format!("/hoc/{COURSE}/{}", l.slug)).await;
        }
        for l in &c.lessons[..c.lessons.len() - 1] {
            submit_quiz(&app, COURSE, &l.slug, &right_answers(l)).await;
        }
        assert_eq!(app.count("certificates").await, 0);
        let last = c.lessons.last().expect("lesson");
        // A signed-in learner's answers are recorded: the form must carry the CSRF token.
        let fields = right_answers(last);
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = app
            .post_raw(&format!("/hoc/{COURSE}/{}", last.slug), &fields)
            .await;
        assert_eq!(r.status(), 403);
        assert_eq!(app.count("certificates").await, 0);
        let (_, html) = submit_quiz(&app, COURSE, &last.slug, &[("q0".into(), "0".into())]).await;
        assert!(html.contains("Chưa đạt"));
        assert_eq!(app.count("certificates").await, 0);
        let (_, html) = submit_quiz(&app, COURSE, &last.slug, &right_answers(last)).await;
        assert!(
            html.contains("/chung-chi/"),
            "certificate link after the last pass"
        );
        assert_eq!(app.count("certificates").await, 1);
        // Passing again changes nothing.
        submit_quiz(&app, COURSE, &last.slug, &right_answers(last)).await;
        assert_eq!(app.count("certificates").await, 1);
        let n = c.lessons.len() as i64;
        assert_eq!(metric_count(&app, "lesson_opened", &person).await, n);
        assert_eq!(metric_count(&app, "lesson_completed", &person).await, n);
        assert_eq!(metric_count(&app, "course_completed", &person).await, 1);
        assert_eq!(metric_count(&app, "certificate_issued", &person).await, 1);
        // The course page shows 100% and the download; "my learning" lists it.
        let (_, html) = app.get_text(&format!("/hoc/{COURSE}")).await;
        assert!(html.contains("value=\"100\""), "progress bar full");
        assert!(html.contains("/chung-chi/"));
        let (_, html) = app.get_text("/hoc/cua-toi").await;
        assert!(html.contains(&c.title));
    }
);

both!(
    certificate_pdf_verify_and_revoke,
    |app: TestApp| async move {
        let name = "Nguyễn Thị Ánh Tuyết";
        sign_up_learner(&app, "0911000003", name).await;
        let code = complete_course(&app, COURSE).await;
        assert_eq!(code.len(), 14, "{code}");

        // The PDF: A4 landscape, the name extractable as text.
        let r = app.get(&format!("/chung-chi/{code}.pdf")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let bytes = r.bytes().await.expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(
            bytes.windows(23).any(|w| w == b"/MediaBox [0 0 842 595]"),
            "A4 landscape"
        );
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("extract text");
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(name), "name in the PDF text: {flat}");
        assert!(flat.contains(&code), "{flat}");
        assert!(flat.contains("Quảng Trị"), "{flat}");
        assert!(flat.contains(&course(COURSE).title), "{flat}");
        assert!(flat.contains(&format!("/verify/{code}")), "{flat}");

        // Others cannot download it.
        let other = app.new_browser();
        sign_up_learner(&other, "0911000004", "Người Khác").await;
        assert_eq!(
            other.get(&format!("/chung-chi/{code}.pdf")).await.status(),
            404
        );
        let visitor = app.new_browser();
        assert_ne!(
            visitor
                .get(&format!("/chung-chi/{code}.pdf"))
                .await
                .status(),
            200
        );

        // Anyone verifies it: name and course only.
        let (s, html) = visitor.get_text(&format!("/verify/{code}")).await;
        assert_eq!(s, 200);
        assert!(html.contains("hợp lệ") && html.contains(name));
        assert!(!html.contains("0911000003"), "no phone on the public page");
        // A course finished alone: the province issues it (issue 15).
        let issuer = html
            .split("Đơn vị cấp</dt><dd>")
            .nth(1)
            .and_then(|s| s.split("<br>").next())
            .expect("the issuing unit");
        assert!(
            issuer.contains("Quảng Trị") && !issuer.contains("Phường"),
            "{issuer}"
        );
        let (s, _) = visitor
            .get_text(&format!("/verify/{}", code.to_lowercase().replace('-', "")))
            .await;
        assert_eq!(s, 200, "case and dashes forgiven");
        assert!(
            html.contains("Cấp ngày") && html.contains("Đơn vị cấp") && html.contains("Quảng Trị"),
            "the date and the issuing unit: {html}"
        );
        let (s, html) = visitor.get_text("/verify/ZZZZ-ZZZZ-ZZZZ").await;
        assert_eq!(s, 404);
        assert!(html.contains("<html"), "a page, not a bare status");
        assert!(
            html.contains("Không tìm thấy giấy chứng nhận") && html.contains("ZZZZ-ZZZZ-ZZZZ"),
            "says plainly what was not found, with what was typed"
        );
        // A form to type the code on paper: empty, the form alone; a typo, "not found" with the form.
        let (s, html) = visitor.get_text("/verify").await;
        assert_eq!(s, 200);
        assert!(html.contains("name=\"ma\"") && !html.contains("Không tìm thấy"));
        let (s, html) = visitor.get_text("/verify?ma=abc%3Cb%3E").await;
        assert_eq!(s, 404);
        assert!(
            html.contains("Không tìm thấy") && !html.contains("abc<b>"),
            "escaped: {html}"
        );
        let r = visitor
            .get(&format!(
                "/verify?ma={}",
                code.to_lowercase().replace('-', "%20")
            ))
            .await;
        assert!(r.status().is_redirection());
        assert_eq!(visitor.get("/verify/%27%20OR%201%3D1").await.status(), 404);

        // Revoke: admin only, with a reason.
        assert_eq!(
            other
                .post_form(
                    &format!("/quan-ly/chung-chi/{code}/thu-hoi"),
                    &[("reason", "x")]
                )
                .await
                .status(),
            403
        );
        let admin = app.new_browser();
        admin.as_province_admin("0988000001").await;
        let r = admin
            .post_form(
                &format!("/quan-ly/chung-chi/{code}/thu-hoi"),
                &[("reason", "")],
            )
            .await;
        assert_eq!(r.status(), 422);
        let (_, html) = visitor.get_text(&format!("/verify/{code}")).await;
        assert!(html.contains("hợp lệ"));
        let r = admin
            .post_form(
                &format!("/quan-ly/chung-chi/{code}/thu-hoi"),
                &[("reason", "Cấp nhầm người")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (s, html) = visitor.get_text(&format!("/verify/{code}")).await;
        assert_eq!(s, 200);
        assert!(html.contains("thu hồi") && html.contains(name));
        let (_, html) = admin
            .get_text(&format!("/quan-ly/chung-chi?ma={code}"))
            .await;
        assert!(html.contains("Cấp nhầm người"));

        // The classes hook: a revoked code no longer names its holder; a valid one does.
        let mut tx = app.state.db.begin().await.expect("tx");
        let who = hocvuso::classes::attendance::person_by_certificate(&mut tx, &code)
            .await
            .expect("lookup");
        assert_eq!(who, None);
        drop(tx);
    }
);

both!(
    api_lists_courses_and_replays_safely,
    |app: TestApp| async move {
        let (s, v) = {
            let r = app.get("/api/v1/courses").await;
            (r.status().as_u16(), r.json::<Value>().await.expect("json"))
        };
        assert_eq!(s, 200);
        let list = v.as_array().expect("array");
        assert_eq!(list.len(), library().courses.len());
        let first = &list[0];
        for k in [
            "slug",
            "title",
            "summary",
            "level",
            "audiences",
            "lessons",
            "url",
        ] {
            assert!(first.get(k).is_some(), "{k} in {first}");
        }
        let r = app.get(&format!("/api/v1/courses/{COURSE}")).await;
        let v: Value = r.json().await.expect("json");
        let lessons = v["lessons"].as_array().expect("lessons");
        assert_eq!(lessons.len(), course(COURSE).lessons.len());
        assert_eq!(
            lessons[0]["url"],
            format!("/hoc/{COURSE}/{}", course(COURSE).lessons[0].slug)
        );
        assert!(
            v["lessons"]
                .as_array()
                .expect("l")
                .iter()
                .all(|l| l.get("answer").is_none())
        );
        assert_eq!(app.get("/api/v1/courses/khong-co").await.status(), 404);

        // Writes need an account.
        let (s, _) = post_json(&app, "/api/v1/learning/progress", &json!({"items": []})).await;
        assert_eq!(s, 401);
        let person = sign_up_learner(&app, "0911000005", "Phan Văn Đức").await;
        let c = course(COURSE);
        let l = &c.lessons[0];
        let answers: Vec<usize> = l.quiz.iter().map(|q| q.answer).collect();
        let quiz_id = uuid::Uuid::now_v7().to_string();
        let body = json!({"id": quiz_id, "course": COURSE, "lesson": l.slug, "answers": answers});
        let (s, v) = post_json(&app, "/api/v1/learning/quiz", &body).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["score"]["passed"], true);
        assert_eq!(v["feedback"][0]["explain"], l.quiz[0].explain);
        let attempts = || async {
            app.state
                .db
                .scalar::<i64>(
                    q("SELECT attempts FROM lesson_progress WHERE person_id = $1").bind(&person),
                )
                .await
                .expect("attempts")
        };
        assert_eq!(attempts().await, Some(1));
        let (s, v2) = post_json(&app, "/api/v1/learning/quiz", &body).await;
        assert_eq!(s, 200);
        assert_eq!(v2["score"], v["score"]);
        assert_eq!(attempts().await, Some(1), "a replay changes nothing");
        // Bad ids and unknown lessons.
        let (s, _) = post_json(
            &app,
            "/api/v1/learning/quiz",
            &json!({"id": "1", "course": COURSE, "lesson": l.slug, "answers": []}),
        )
        .await;
        assert_eq!(s, 422);
        let (s, _) = post_json(&app, "/api/v1/learning/quiz", &json!({"id": uuid::Uuid::now_v7().to_string(), "course": COURSE, "lesson": "x", "answers": []})).await;
        assert_eq!(s, 404);
        let r = app
            .client
            .post(app.url("/api/v1/learning/progress"))
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 400);
        let r = app
            .client
            .post(app.url("/api/v1/learning/progress"))
            .header("origin", "https://evil.example")
            .json(&json!({"items": []}))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403, "cross-site writes refused");
    }
);

both!(
    visitor_progress_merges_on_sign_in,
    |app: TestApp| async move {
        // What learning.js keeps for a visitor: every lesson opened and every quiz answered, with ids.
        let c = course(COURSE);
        let mut items = Vec::new();
        for l in &c.lessons {
            items.push(json!({"id": uuid::Uuid::now_v7().to_string(), "kind": "open", "course": COURSE, "lesson": l.slug, "at": 1}));
            let answers: Vec<usize> = l.quiz.iter().map(|q| q.answer).collect();
            items.push(json!({"id": uuid::Uuid::now_v7().to_string(), "kind": "quiz", "course": COURSE, "lesson": l.slug, "answers": answers}));
        }
        items.push(json!({"id": uuid::Uuid::now_v7().to_string(), "kind": "open", "course": COURSE, "lesson": "khong-co"}));
        items.push(json!({"id": "khong-phai-uuid", "kind": "open", "course": COURSE, "lesson": c.lessons[0].slug}));
        items.push(json!({"id": uuid::Uuid::now_v7().to_string(), "kind": "xem", "course": COURSE, "lesson": c.lessons[0].slug}));
        let batch = json!({ "items": items });

        // The visitor signs up (or signs in); the page then sends the batch.
        let person = sign_up_learner(&app, "0911000006", "Đinh Thị Hoa").await;
        let (s, v) = post_json(&app, "/api/v1/learning/progress", &batch).await;
        assert_eq!(s, 200, "{v}");
        let results = v["results"].as_array().expect("results");
        let statuses: Vec<&str> = results
            .iter()
            .map(|r| r["status"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == "applied").count(),
            c.lessons.len() * 2
        );
        assert_eq!(statuses.iter().filter(|s| **s == "rejected").count(), 3);
        let code = results
            .iter()
            .find_map(|r| r["certificate"].as_str())
            .expect("the merge completed the course");
        let (_, html) = app.get_text("/hoc/cua-toi").await;
        assert!(html.contains(code));
        let events = app.count("stat_events").await;
        let progress = app.count("lesson_progress").await;

        // The page sends it again (a lost answer, a second tab): nothing changes.
        let (s, v) = post_json(&app, "/api/v1/learning/progress", &batch).await;
        assert_eq!(s, 200);
        let results = v["results"].as_array().expect("results");
        assert!(
            results
                .iter()
                .filter(|r| r["status"] != "rejected")
                .all(|r| r["status"] == "duplicate"),
            "{v}"
        );
        assert_eq!(app.count("stat_events").await, events);
        assert_eq!(app.count("lesson_progress").await, progress);
        assert_eq!(app.count("certificates").await, 1);
        assert_eq!(metric_count(&app, "certificate_issued", &person).await, 1);
    }
);

both!(admin_writes_a_local_course, |app: TestApp| async move {
    // A learner cannot.
    sign_up_learner(&app, "0911000007", "Học Viên").await;
    assert_eq!(app.get("/quan-ly/hoc/khoa-moi").await.status(), 403);
    let admin = app.new_browser();
    admin.as_province_admin("0988000002").await;
    let (s, html) = admin.get_text("/quan-ly/hoc").await;
    assert_eq!(s, 200);
    assert!(html.contains("/quan-ly/hoc/khoa-moi"));
    let course_fields = [
        ("slug", "nop-thue-dien-tu"),
        ("title", "Nộp thuế điện tử"),
        ("summary", "Nộp thuế hộ kinh doanh trên điện thoại."),
        ("topic", "dich-vu-cong"),
        ("level", "co-ban"),
        ("audiences", "doanh-nghiep"),
        ("audiences", "nguoi-dan"),
        ("pass_percent", "50"),
        ("published", "yes"),
    ];
    let r = admin
        .post_form("/quan-ly/hoc/khoa-moi", &course_fields)
        .await;
    assert_eq!(r.status(), 303);
    // Reserved and taken slugs.
    let mut again = course_fields.to_vec();
    assert_eq!(
        admin
            .post_form("/quan-ly/hoc/khoa-moi", &again)
            .await
            .status(),
        422
    );
    again[0] = ("slug", "cua-toi");
    assert_eq!(
        admin
            .post_form("/quan-ly/hoc/khoa-moi", &again)
            .await
            .status(),
        422
    );
    again[0] = ("slug", "vneid");
    assert_eq!(
        admin
            .post_form("/quan-ly/hoc/khoa-moi", &again)
            .await
            .status(),
        422
    );

    let body = "## Bước 1\n\n1. Mở ứng dụng **eTax Mobile**.\n\n<script>alert(1)</script>\n\n![ảnh](https://evil.example/x.png)";
    // The quiz is written in a form: question, answers, the right one, the explanation.
    let quiz = [
        ("quiz_count", "1"),
        ("qz0_q", "Nộp ở đâu?"),
        ("qz0_a0", "eTax Mobile"),
        ("qz0_a1", "Zalo"),
        ("qz0_right", "0"),
        ("qz0_explain", "Ứng dụng chính thức."),
    ];
    // Preview: sanitised, nothing saved.
    let (s, html) = {
        let r = admin
            .post_form(
                "/quan-ly/hoc/nop-thue-dien-tu/bai-moi",
                &[
                    ("slug", "buoc-dau"),
                    ("title", "Bước đầu"),
                    ("summary", "Tóm tắt."),
                    ("body", body),
                    ("published", "yes"),
                    ("action", "preview"),
                ]
                .into_iter()
                .chain(quiz)
                .collect::<Vec<_>>(),
            )
            .await;
        (r.status().as_u16(), r.text().await.expect("body"))
    };
    assert_eq!(s, 200);
    assert!(html.contains("<strong>eTax Mobile</strong>"));
    assert!(!html.contains("<script>alert"), "sanitised preview");
    assert!(
        !html.contains("evil.example/x.png\""),
        "foreign images dropped"
    );
    let bad = admin
        .post_form(
            "/quan-ly/hoc/nop-thue-dien-tu/bai-moi",
            &[
                ("slug", "buoc-dau"),
                ("title", "Bước đầu"),
                ("body", body),
                ("quiz_count", "1"),
                ("qz0_q", "Nộp ở đâu?"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let r = admin
        .post_form(
            "/quan-ly/hoc/nop-thue-dien-tu/bai-moi",
            &[
                ("slug", "buoc-dau"),
                ("title", "Bước đầu"),
                ("summary", "Tóm tắt."),
                ("body", body),
                ("published", "yes"),
                ("action", "save"),
            ]
            .into_iter()
            .chain(quiz)
            .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status(), 303);

    // A picture: a large PNG becomes a phone-width JPEG.
    let img = image::RgbImage::from_fn(2400, 1200, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let csrf = admin.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("alt", "Màn hình eTax")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png)
                .file_name("a.png")
                .mime_str("image/png")
                .expect("mime"),
        );
    let r = admin
        .client
        .post(admin.url("/quan-ly/hoc/nop-thue-dien-tu/anh"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("body");
    let start = html.find("/hoc/anh/").expect("snippet");
    let url = html[start..].split(')').next().expect("url").to_owned();
    let r = app.get(&url).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    let jpeg = r.bytes().await.expect("jpeg");
    let decoded = image::load_from_memory(&jpeg).expect("decode");
    assert_eq!((decoded.width(), decoded.height()), (800, 400));
    // Not a picture: refused with a message.
    let csrf = admin.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("alt", "x")
        .part(
            "image",
            reqwest::multipart::Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("a.svg"),
        );
    let r = admin
        .client
        .post(admin.url("/quan-ly/hoc/nop-thue-dien-tu/anh"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 422);

    // The learner finds it, with diacritic-free search, and completes it (50% pass mark).
    let (_, html) = app.get_text("/hoc?q=nop+thue").await;
    assert!(html.contains("href=\"/hoc/nop-thue-dien-tu\""));
    app.get("/hoc/nop-thue-dien-tu/buoc-dau").await;
    let (_, html) = submit_quiz(
        &app,
        "nop-thue-dien-tu",
        "buoc-dau",
        &[("q0".into(), "0".into())],
    )
    .await;
    assert!(html.contains("/chung-chi/"), "one-lesson course completed");
    // A visitor's cached page follows the admin's edit at once.
    let visitor = app.new_browser();
    let (_, html) = visitor.get_text("/hoc/nop-thue-dien-tu/buoc-dau").await;
    assert!(html.contains("Bước đầu") && !html.contains("Bước đầu tiên"));
    let r = admin
        .post_form(
            "/quan-ly/hoc/nop-thue-dien-tu/bai/buoc-dau",
            &[
                ("title", "Bước đầu tiên"),
                ("summary", "Tóm tắt."),
                ("body", body),
                ("published", "yes"),
                ("action", "save"),
            ]
            .into_iter()
            .chain(quiz)
            .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = visitor.get_text("/hoc/nop-thue-dien-tu/buoc-dau").await;
    assert!(html.contains("Bước đầu tiên"), "cache dropped on edit");
    // File courses are read-only here.
    assert_eq!(
        admin
            .post_form("/quan-ly/hoc/vneid", &course_fields)
            .await
            .status(),
        403
    );
});

both!(class_pass_issues_certificates, |app: TestApp| async move {
    let person = sign_up_learner(&app, "0911000008", "Trương Văn Lực").await;
    let mut tx = app.state.db.begin().await.expect("tx");
    let codes = hocvuso::learning::progress::issue_for_class(
        &mut tx,
        "Tỉnh Quảng Trị",
        "Phường Đông Hà",
        &person,
        &["vneid", "khong-co", "dich-vu-cong"],
        1_800_000_000,
    )
    .await
    .expect("issue");
    assert_eq!(codes.len(), 2);
    let again = hocvuso::learning::progress::issue_for_class(
        &mut tx,
        "Tỉnh Quảng Trị",
        "Phường Đông Hà",
        &person,
        &["vneid"],
        1_800_000_000,
    )
    .await
    .expect("issue");
    assert!(again.is_empty(), "one certificate per course");
    let who = hocvuso::classes::attendance::person_by_certificate(&mut tx, &codes[0])
        .await
        .expect("lookup");
    assert_eq!(who.as_deref(), Some(person.as_str()));
    let who =
        hocvuso::classes::attendance::person_by_certificate(&mut tx, &codes[0].to_lowercase())
            .await
            .expect("lookup");
    assert_eq!(who.as_deref(), Some(person.as_str()));
    tx.commit().await.expect("commit");
    let (_, html) = app.get_text(&format!("/verify/{}", codes[0])).await;
    assert!(html.contains("Trương Văn Lực"));
    // Issue 15: a class's certificate is issued by the class's commune, named with the date.
    let issuer = html
        .split("Đơn vị cấp</dt><dd>")
        .nth(1)
        .and_then(|s| s.split("<br>").next())
        .expect("the issuing unit");
    assert_eq!(issuer, "Phường Đông Hà");
    assert!(html.contains("Cấp ngày</dt><dd>"), "the issue date");
    // The printed certificate names it too.
    let pdf = app.get(&format!("/chung-chi/{}.pdf", codes[0])).await;
    assert_eq!(pdf.status(), 200);
    let text = pdf_extract::extract_text_from_mem(&pdf.bytes().await.expect("pdf")).expect("text");
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Phường Đông Hà"), "{flat}");
});

both!(
    a_visitors_lesson_page_comes_from_memory_with_every_header,
    |app: TestApp| async move {
        // A first visit with no cookie at all (a shared link): the second answer is served before the
        // rest of the stack, and must carry the same bytes and the same protections as the first.
        let l = &course(COURSE).lessons[0];
        let path = format!("/hoc/{COURSE}/{}", l.slug);
        let plain = reqwest::Client::builder().build().expect("client");
        let fetch = |enc: &'static str| {
            let (plain, url) = (plain.clone(), app.url(&path));
            async move {
                let r = plain
                    .get(url)
                    .header("accept-encoding", enc)
                    .send()
                    .await
                    .expect("get");
                let h = r.headers().clone();
                (r.status(), h, r.bytes().await.expect("body"))
            }
        };
        let (s1, h1, b1) = fetch("identity").await;
        let (s2, h2, b2) = fetch("identity").await;
        assert_eq!((s1.as_u16(), s2.as_u16()), (200, 200));
        assert_eq!(b1, b2, "the same page");
        assert!(String::from_utf8_lossy(&b2).contains(&l.title));
        // Served from memory, before the request-id layer: the first answer was built by the stack and
        // carries an id; the second, the cached copy, carries none.
        assert!(
            h1.contains_key("x-request-id"),
            "the first answer came from the stack"
        );
        assert!(
            !h2.contains_key("x-request-id"),
            "the second answer came from memory"
        );
        for h in [&h1, &h2] {
            assert!(
                h["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("default-src 'self'")
            );
            assert_eq!(h["x-content-type-options"], "nosniff");
            assert_eq!(h["x-frame-options"], "DENY");
            assert_eq!(h["referrer-policy"], "same-origin");
            assert_eq!(h["cache-control"], "no-cache");
            assert_eq!(h["content-type"], "text/html; charset=utf-8");
        }
        let (_, h, b) = fetch("gzip, deflate, br").await;
        assert_eq!(h["content-encoding"], "br");
        assert!(b.len() < b1.len() / 2, "compressed");
        // A signed-in learner never gets the visitors' copy: their page shows their own progress.
        sign_up_learner(&app, "0911000009", "Lê Thị Hoa").await;
        let (_, mine) = app.get_text(&path).await;
        assert_ne!(mine.as_bytes(), &b1[..]);
        assert!(mine.contains("name=\"csrf\""));
        // Anything that is not a plain lesson address takes the normal path.
        let r = plain
            .get(app.url(&format!("/hoc/{COURSE}/khong-co-bai-nay")))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 404);
    }
);

// Issue 15: a lesson's quiz is written in a form — question, answers, the right one, the explanation —
// with rows added and removed by submit buttons (no JavaScript), the preview showing the quiz, and a
// translated 422 naming the incomplete part with nothing written.
both!(quiz_editor_is_a_form, |app: TestApp| async move {
    let admin = app.new_browser();
    admin.as_province_admin("0988000012").await;
    let r = admin
        .post_form(
            "/quan-ly/hoc/khoa-moi",
            &[
                ("slug", "bieu-mau-hoi"),
                ("title", "Hỏi bằng biểu mẫu"),
                ("summary", "Thử trình soạn câu hỏi."),
                ("topic", "dich-vu-cong"),
                ("level", "co-ban"),
                ("audiences", "nguoi-dan"),
                ("pass_percent", "50"),
                ("published", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let path = "/quan-ly/hoc/bieu-mau-hoi/bai-moi";
    let (s, html) = admin.get_text(path).await;
    assert_eq!(s, 200);
    assert!(html.contains("name=\"qz0_q\"") && html.contains("name=\"qz0_a3\""));
    assert!(html.contains("type=\"radio\" id=\"qz0_right-0\""));
    assert!(!html.contains("[[quiz]]") && !html.contains("TOML"));
    let lesson = [
        ("slug", "cau-hoi"),
        ("title", "Câu hỏi"),
        ("body", "Mở ứng dụng **eTax Mobile**."),
        ("published", "yes"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        lesson.iter().chain(extra).copied().collect()
    };
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let admin = &admin;
        async move {
            let r = admin.post_form(path, &fields).await;
            (r.status().as_u16(), r.text().await.expect("body"))
        }
    };

    // "Thêm câu hỏi": one more row, what was typed kept, nothing checked or written.
    let (s, html) = post(with(&[
        ("quiz_count", "1"),
        ("qz0_q", "Nộp ở đâu?"),
        ("action", "add-question"),
    ]))
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("name=\"qz1_q\"") && !html.contains("name=\"qz2_q\""));
    assert!(html.contains("value=\"Nộp ở đâu?\""));
    assert!(
        !html.contains("class=\"err\""),
        "adding a row checks nothing"
    );
    // "Bỏ câu hỏi": that row goes, the others move up.
    let (s, html) = post(with(&[
        ("quiz_count", "2"),
        ("qz0_q", "Câu bỏ đi"),
        ("qz1_q", "Câu giữ lại"),
        ("action", "remove-0"),
    ]))
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("value=\"Câu giữ lại\"") && !html.contains("Câu bỏ đi"));
    assert!(!html.contains("name=\"qz1_q\""));

    // Incomplete: 422, each missing part named in Vietnamese beside its field, nothing written.
    let (s, html) = post(with(&[
        ("quiz_count", "1"),
        ("qz0_q", "Nộp ở đâu?"),
        ("qz0_a0", "eTax Mobile"),
        ("action", "save"),
    ]))
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("Cần ít nhất 2 đáp án."));
    assert!(html.contains("Hãy chọn đáp án đúng"));
    assert!(html.contains("id=\"qz0_explain-err\"") && html.contains("Hãy viết lời giải thích."));
    assert!(
        html.contains("value=\"eTax Mobile\""),
        "what was typed is kept"
    );
    assert_eq!(
        admin
            .get("/quan-ly/hoc/bieu-mau-hoi/bai/cau-hoi")
            .await
            .status(),
        404,
        "nothing written"
    );

    let full = [
        ("quiz_count", "2"),
        ("qz0_q", "Nộp ở đâu?"),
        ("qz0_a0", "Zalo"),
        ("qz0_a2", "eTax Mobile"),
        ("qz0_right", "2"),
        ("qz0_explain", "Ứng dụng chính thức của ngành thuế."),
    ];
    // Preview: the quiz as the learner will read it, the right answer marked; nothing written.
    let (s, html) = post(
        with(&full)
            .into_iter()
            .chain([("action", "preview")])
            .collect(),
    )
    .await;
    assert_eq!(s, 200);
    let preview = html.split("id=\"preview-h\"").nth(1).expect("a preview");
    assert!(
        preview.contains("Nộp ở đâu?") && preview.contains("Ứng dụng chính thức của ngành thuế.")
    );
    assert!(preview.contains("eTax Mobile <strong>✓"));
    assert_eq!(
        admin
            .get("/quan-ly/hoc/bieu-mau-hoi/bai/cau-hoi")
            .await
            .status(),
        404
    );
    // Saved: the blank row between answers closes up, the blank second question is dropped.
    let (s, _) = post(
        with(&full)
            .into_iter()
            .chain([("action", "save")])
            .collect(),
    )
    .await;
    assert_eq!(s, 303);
    let (s, html) = admin
        .get_text("/quan-ly/hoc/bieu-mau-hoi/bai/cau-hoi")
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("name=\"qz0_a1\" value=\"eTax Mobile\""));
    assert!(html.contains("id=\"qz0_right-1\" name=\"qz0_right\" value=\"1\" checked"));
    assert!(!html.contains("name=\"qz1_q\""));
    // A learner answers it.
    let (_, html) = submit_quiz(
        &app,
        "bieu-mau-hoi",
        "cau-hoi",
        &[("q0".into(), "1".into())],
    )
    .await;
    assert!(html.contains("Ứng dụng chính thức của ngành thuế."));
});
