//! The catalogue (filters by topic and target group, search that ignores diacritics) and the course
//! page with its progress bar.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::model::{LessonState, matches_query, progress_percent};
use super::store::{self, CourseRow, LessonMeta};
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    /// Topic slug.
    #[serde(rename = "chu-de")]
    topic: String,
    /// Target-group slug.
    #[serde(rename = "doi-tuong")]
    audience: String,
    q: String,
}

#[derive(Template)]
#[template(path = "learning/catalogue.html")]
struct CataloguePage {
    page: Page,
    courses: Vec<CourseRow>,
    topics: Vec<&'static str>,
    audiences: Vec<&'static str>,
    topic: String,
    audience: String,
    query: String,
    filtered: bool,
}

pub(crate) async fn catalogue(
    State(state): State<AppState>,
    page: Page,
    Query(f): Query<Filters>,
) -> AppResult<Response> {
    let all = store::published_courses(&state.db).await?;
    let topic = content::Topic::from_slug(&f.topic)
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default();
    let audience = content::Audience::from_slug(&f.audience)
        .map(|a| a.as_str().to_owned())
        .unwrap_or_default();
    let query: String = f.q.trim().chars().take(100).collect();
    let courses: Vec<CourseRow> = all
        .into_iter()
        .filter(|c| topic.is_empty() || c.topic == topic)
        .filter(|c| audience.is_empty() || c.has_audience(&audience))
        .filter(|c| matches_query(&c.search_key, &query))
        .collect();
    Ok(render(&CataloguePage {
        page,
        courses,
        topics: content::Topic::ALL.iter().map(|t| t.as_str()).collect(),
        audiences: content::Audience::ALL.iter().map(|a| a.as_str()).collect(),
        filtered: !topic.is_empty() || !audience.is_empty() || !query.is_empty(),
        topic,
        audience,
        query,
    }))
}

/// A lesson in the course outline with this learner's state.
pub struct OutlineItem {
    pub lesson: LessonMeta,
    pub state: LessonState,
}

#[derive(Template)]
#[template(path = "learning/course.html")]
struct CoursePage {
    page: Page,
    course: CourseRow,
    outline: Vec<OutlineItem>,
    percent: u8,
    done: usize,
    /// The lesson to continue with: the first not done.
    next_lesson: Option<String>,
    certificate: Option<store::CertificateRow>,
}

/// A published course, or 404.
pub(crate) async fn published_course(state: &AppState, slug: &str) -> AppResult<CourseRow> {
    store::course_by_slug(&state.db, slug)
        .await?
        .filter(|c| c.published)
        .ok_or(AppError::NotFound)
}

/// Lesson states of a learner (all unopened for visitors; the browser fills those in).
pub(crate) async fn outline(
    state: &AppState,
    page: &Page,
    course: &CourseRow,
) -> AppResult<Vec<OutlineItem>> {
    let lessons = store::lessons_of(&state.db, &course.id, true).await?;
    let rows = match &page.user {
        Some(u) => store::progress_in_course(&state.db, &u.id, &course.id).await?,
        None => Vec::new(),
    };
    Ok(lessons
        .into_iter()
        .map(|l| {
            let row = rows.iter().find(|r| r.lesson_id == l.id);
            let state = LessonState {
                opened: row.is_some_and(|r| r.opened_at.is_some()),
                passed: row.is_some_and(|r| r.passed_at.is_some()),
                has_quiz: l.has_quiz(),
            };
            OutlineItem { lesson: l, state }
        })
        .collect())
}

pub(crate) async fn course(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let course = published_course(&state, &slug).await?;
    let outline = outline(&state, &page, &course).await?;
    let states: Vec<LessonState> = outline.iter().map(|o| o.state).collect();
    let certificate = match &page.user {
        Some(u) => store::certificates_of(&state.db, &u.id)
            .await?
            .into_iter()
            .find(|c| c.course_id == course.id),
        None => None,
    };
    Ok(render(&CoursePage {
        percent: progress_percent(&states),
        done: states.iter().filter(|s| s.done()).count(),
        next_lesson: outline
            .iter()
            .find(|o| !o.state.done())
            .or(outline.first())
            .map(|o| o.lesson.slug.clone()),
        page,
        course,
        outline,
        certificate,
    }))
}
