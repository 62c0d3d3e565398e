//! "Việc học của tôi": courses started, how far, certificates to download. Visitors are told their
//! progress lives in this browser until they sign in (the browser then sends it; see learning.js).
use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::store::{self, CertificateRow, CourseRow};
use crate::web::page::{Page, render};
use crate::{AppResult, AppState};

pub struct Started {
    pub course: CourseRow,
    pub done: i64,
    pub percent: i64,
}

#[derive(Template)]
#[template(path = "learning/mine.html")]
struct MinePage {
    page: Page,
    started: Vec<Started>,
    certificates: Vec<CertificateRow>,
}

pub(crate) async fn page(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    let (started, certificates) = match &page.user {
        Some(u) => {
            let courses = store::published_courses(&state.db).await?;
            let started = store::my_courses(&state.db, &u.id)
                .await?
                .into_iter()
                .filter_map(|m| {
                    let course = courses.iter().find(|c| c.id == m.course_id)?.clone();
                    let percent = if course.lesson_count > 0 {
                        m.done * 100 / course.lesson_count
                    } else {
                        0
                    };
                    Some(Started {
                        done: m.done,
                        percent,
                        course,
                    })
                })
                .collect();
            (started, store::certificates_of(&state.db, &u.id).await?)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(render(&MinePage {
        page,
        started,
        certificates,
    }))
}
