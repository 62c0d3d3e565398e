//! The local-course editor: province admins write courses of their own in the browser (Markdown with
//! a preview, sanitised like the files; pictures uploaded and resized to phone width). Courses from
//! the content files are shown read-only: those are changed in the files.
//!
//! `courses.rs` the course form, `lessons.rs` the lesson and quiz form, `images.rs` the pictures.
pub(crate) mod courses;
pub(crate) mod images;
pub(crate) mod lessons;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::store::{self, CourseRow};
use crate::web::auth::AdminUser;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "learning/admin_list.html")]
struct ListPage {
    page: Page,
    courses: Vec<CourseRow>,
    can_edit: bool,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
) -> AppResult<Response> {
    let courses = store::all_courses(&state.db).await?;
    Ok(render(&ListPage {
        page,
        courses,
        can_edit: user.can_admin(&state.province.path),
    }))
}

type Fields = Vec<(String, String)>;

fn get<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

async fn local_course(state: &AppState, slug: &str) -> AppResult<CourseRow> {
    store::course_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}
