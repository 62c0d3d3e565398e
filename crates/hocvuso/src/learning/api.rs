//! JSON: the course list and a course's lessons (open data, no account), and the learner's writes —
//! lessons opened and quiz answers — each carrying a client-generated id so an offline app (or the
//! browser sending what a visitor did before signing in) can replay them safely.
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;

use super::catalogue::published_course;
use super::lesson::record_quiz;
use super::progress::{self, Outcome};
use super::store;
use crate::db::now;
use crate::sync::receipts;
use crate::web::auth::CurrentUser;
use crate::{AppError, AppResult, AppState};

/// What the course list and a course's page share.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CourseInfo {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// `co-ban` (basic) or `nang-cao` (advanced).
    pub level: String,
    pub topic: String,
    /// Target groups: `can-bo`, `doan-vien`, `hoc-sinh`, `doanh-nghiep`, `nguoi-dan`.
    pub audiences: Vec<String>,
    /// The course page.
    pub url: String,
}

/// A course in the list. `lessons` is the number of lessons here and the list of them in
/// [`CourseDetail`]; the two share [`CourseInfo`] rather than one flattening the other, which gave one
/// object two `lessons` keys (an integer and an array).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CourseSummary {
    #[serde(flatten)]
    pub course: CourseInfo,
    /// Number of lessons.
    pub lessons: i64,
}

impl From<&store::CourseRow> for CourseInfo {
    fn from(c: &store::CourseRow) -> Self {
        CourseInfo {
            slug: c.slug.clone(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            level: c.level.clone(),
            topic: c.topic.clone(),
            audiences: c.audience_list().into_iter().map(str::to_owned).collect(),
            url: c.url(),
        }
    }
}

impl From<&store::CourseRow> for CourseSummary {
    fn from(c: &store::CourseRow) -> Self {
        CourseSummary {
            course: CourseInfo::from(c),
            lessons: c.lesson_count,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LessonLink {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub reading_minutes: i64,
    /// Number of quiz questions.
    pub questions: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CourseDetail {
    #[serde(flatten)]
    pub course: CourseInfo,
    /// Percent of right answers needed to pass each lesson's quiz.
    pub pass_percent: i64,
    pub lessons: Vec<LessonLink>,
}

/// Every published course, in catalogue order.
#[utoipa::path(get, path = "/api/v1/courses", tag = "learning",
    responses((status = 200, body = [CourseSummary])))]
pub(crate) async fn courses(State(state): State<AppState>) -> AppResult<Json<Vec<CourseSummary>>> {
    let courses = store::published_courses(&state.db).await?;
    Ok(Json(courses.iter().map(CourseSummary::from).collect()))
}

/// One course and its lessons.
#[utoipa::path(get, path = "/api/v1/courses/{slug}", tag = "learning",
    params(("slug" = String, Path, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 60, description = "Course slug, e.g. `vneid`")),
    responses((status = 200, body = CourseDetail), (status = 404, body = crate::web::api::ApiError)))]
pub(crate) async fn course(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Json<CourseDetail>> {
    let course = published_course(&state, &slug).await?;
    let lessons = store::lessons_of(&state.db, &course.id, true).await?;
    Ok(Json(CourseDetail {
        pass_percent: course.pass_percent,
        course: CourseInfo::from(&course),
        lessons: lessons
            .iter()
            .map(|l| LessonLink {
                url: format!("/hoc/{}/{}", course.slug, l.slug),
                slug: l.slug.clone(),
                title: l.title.clone(),
                reading_minutes: l.reading_minutes,
                questions: store::parse_questions(&l.quiz).len(),
            })
            .collect(),
    }))
}

/// The schema says `integer` (format int64), and JSON Schema counts `2.0` as an integer: the server
/// takes any whole number within i64, written with or without a fraction part, and refuses the rest
/// (fractions, numbers beyond i64) as the schema does.
fn whole(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    // Open at both ends: -2^63 as a float may be a rounded -9223372036854775809.
    (f.fract() == 0.0 && f > -LIMIT && f < LIMIT).then_some(f as i64)
}

fn whole_or_err<E: serde::de::Error>(n: Option<serde_json::Number>) -> Result<Option<i64>, E> {
    n.map(|n| whole(&n).ok_or_else(|| E::custom("not a whole number")))
        .transpose()
}

fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    whole_or_err(serde::Deserialize::deserialize(d)?)
}

fn whole_numbers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Option<i64>>, D::Error> {
    let raw: Vec<Option<serde_json::Number>> = serde::Deserialize::deserialize(d)?;
    raw.into_iter().map(whole_or_err).collect()
}

/// One write: a lesson opened, or a lesson's quiz answered.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ProgressItem {
    /// Client-generated UUID; a second write with the same id changes nothing (an item whose id is
    /// not a UUID is answered `rejected`, like any other bad item, so the schema does not say `uuid`).
    pub id: String,
    /// `open` or `quiz`.
    pub kind: String,
    pub course: String,
    pub lesson: String,
    /// For `quiz`: the chosen choice (0-based) per question, `null` when unanswered.
    #[serde(default, deserialize_with = "whole_numbers")]
    pub answers: Vec<Option<i64>>,
    /// When it happened on the device (Unix seconds); times in the future or over 90 days old
    /// are replaced by the time of arrival.
    #[serde(default, deserialize_with = "whole_number")]
    pub at: Option<i64>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ProgressBatch {
    /// At most 500 items, applied in order.
    #[schema(max_items = 500)]
    pub items: Vec<ProgressItem>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct QuizScore {
    pub correct: usize,
    pub total: usize,
    pub percent: u8,
    pub passed: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProgressResult {
    pub id: String,
    /// `applied`, `duplicate` (this id was applied before; nothing changed) or `rejected`.
    pub status: String,
    /// Why it was rejected (`unknown-lesson`, `bad-id`, `bad-kind`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<QuizScore>,
    pub lesson_completed: bool,
    /// The certificate code when this write completed the course.
    pub certificate: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProgressResponse {
    pub results: Vec<ProgressResult>,
}

fn require_json_write(headers: &HeaderMap) -> AppResult<()> {
    crate::web::api::require_json_write(headers, "learn-json-required")
}

fn device_time(at: Option<i64>) -> i64 {
    let now = now();
    match at {
        Some(t) if t <= now + 300 && t >= now - 90 * 24 * 3600 => t.min(now),
        _ => now,
    }
}

fn rejected(id: String, reason: &str) -> ProgressResult {
    ProgressResult {
        id,
        status: "rejected".into(),
        reason: Some(reason.into()),
        score: None,
        lesson_completed: false,
        certificate: None,
    }
}

/// Record lessons opened and quizzes answered, e.g. what a visitor did in this browser before
/// signing in, or what an offline app collected.
///
/// Needs a signed-in session; from a browser the request must be same-origin `application/json`.
/// Each item is applied on its own: a rejected item does not stop the others.
#[utoipa::path(post, path = "/api/v1/learning/progress", tag = "learning",
    request_body = ProgressBatch,
    responses((status = 200, body = ProgressResponse), (status = 400, body = crate::web::api::ApiError),
        (status = 401, body = crate::web::api::ApiError), (status = 403, body = crate::web::api::ApiError)))]
pub(crate) async fn progress(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<ProgressResponse>> {
    require_json_write(&headers)?;
    let batch: ProgressBatch =
        serde_json::from_slice(&body).map_err(|_| AppError::BadRequest("learn-json-invalid"))?;
    if batch.items.len() > 500 {
        return Err(AppError::BadRequest("learn-batch-too-large"));
    }
    let mut results = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        results.push(apply(&state, &user.id, item).await?);
    }
    Ok(Json(ProgressResponse { results }))
}

async fn apply(state: &AppState, person_id: &str, item: ProgressItem) -> AppResult<ProgressResult> {
    if uuid::Uuid::parse_str(&item.id).is_err() {
        return Ok(rejected(item.id, "bad-id"));
    }
    if item.kind != "open" && item.kind != "quiz" {
        return Ok(rejected(item.id, "bad-kind"));
    }
    let Some(course) = store::course_by_slug(&state.db, &item.course)
        .await?
        .filter(|c| c.published)
    else {
        return Ok(rejected(item.id, "unknown-lesson"));
    };
    let Some(lesson) = store::lesson(&state.db, &course.id, &item.lesson)
        .await?
        .filter(|l| l.published)
    else {
        return Ok(rejected(item.id, "unknown-lesson"));
    };
    let Some(meta) = store::lessons_of(&state.db, &course.id, true)
        .await?
        .into_iter()
        .find(|l| l.id == lesson.id)
    else {
        return Ok(rejected(item.id, "unknown-lesson"));
    };
    let at = device_time(item.at);
    if item.kind == "quiz" {
        let answers: Vec<Option<usize>> = item
            .answers
            .iter()
            .map(|a| a.and_then(|v| usize::try_from(v).ok()))
            .collect();
        let mut tx = state.db.begin().await?;
        let duplicate = receipts::answer_of(&mut tx, &item.id, person_id)
            .await?
            .is_some();
        drop(tx);
        let (score, outcome) = record_quiz(
            state,
            person_id,
            &course,
            &meta,
            &lesson.questions(),
            &answers,
            Some(&item.id),
        )
        .await?;
        return Ok(ProgressResult {
            id: item.id,
            status: if duplicate { "duplicate" } else { "applied" }.into(),
            reason: None,
            score: Some(QuizScore {
                correct: score.correct,
                total: score.total,
                percent: score.percent,
                passed: score.passed,
            }),
            lesson_completed: outcome.lesson_completed,
            certificate: outcome.certificate,
        });
    }
    let mut tx = state.db.begin().await?;
    if let Some(result) = receipts::answer_of(&mut tx, &item.id, person_id).await? {
        let saved: Outcome = serde_json::from_str(&result).unwrap_or_default();
        return Ok(ProgressResult {
            id: item.id,
            status: "duplicate".into(),
            reason: None,
            score: None,
            lesson_completed: saved.lesson_completed,
            certificate: saved.certificate,
        });
    }
    let outcome =
        progress::open_lesson(&mut tx, &state.province.name, person_id, &course, &meta, at).await?;
    let result = serde_json::to_string(&outcome).unwrap_or_default();
    if !receipts::record_answer(
        &mut tx,
        &item.id,
        "lesson_open",
        person_id,
        &meta.id,
        &result,
        at,
    )
    .await?
    {
        // A concurrent copy of the same item won; it did the work.
        return Ok(ProgressResult {
            id: item.id,
            status: "duplicate".into(),
            reason: None,
            score: None,
            lesson_completed: false,
            certificate: None,
        });
    }
    tx.commit().await?;
    Ok(ProgressResult {
        id: item.id,
        status: "applied".into(),
        reason: None,
        score: None,
        lesson_completed: outcome.lesson_completed,
        certificate: outcome.certificate,
    })
}

/// Answers to one lesson's quiz.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct QuizSubmission {
    /// Client-generated UUID (hyphenated); a replay answers the same and changes nothing.
    #[schema(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub id: String,
    pub course: String,
    pub lesson: String,
    /// The chosen choice (0-based) per question, `null` when unanswered.
    #[serde(deserialize_with = "whole_numbers")]
    pub answers: Vec<Option<i64>>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct QuestionFeedback {
    pub right: bool,
    /// The right choice (0-based).
    pub answer: usize,
    /// Why it is right.
    pub explain: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct QuizResult {
    pub score: QuizScore,
    pub pass_percent: i64,
    pub feedback: Vec<QuestionFeedback>,
    pub lesson_completed: bool,
    pub certificate: Option<String>,
}

/// Submit a lesson's quiz: the score, each question's right answer with its explanation, and
/// whether this completed the lesson or the course (with the new certificate's code).
///
/// Needs a signed-in session; from a browser the request must be same-origin `application/json`.
#[utoipa::path(post, path = "/api/v1/learning/quiz", tag = "learning",
    request_body = QuizSubmission,
    responses((status = 200, body = QuizResult), (status = 400, body = crate::web::api::ApiError),
        (status = 401, body = crate::web::api::ApiError), (status = 404, body = crate::web::api::ApiError),
        (status = 422, body = crate::web::api::ApiError)))]
pub(crate) async fn quiz(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<QuizResult>> {
    require_json_write(&headers)?;
    let sub: QuizSubmission =
        serde_json::from_slice(&body).map_err(|_| AppError::BadRequest("learn-json-invalid"))?;
    // Hyphenated only, as the description's pattern says (the parser would also take other forms).
    if sub.id.len() != 36 || uuid::Uuid::parse_str(&sub.id).is_err() {
        return Err(AppError::field("id", "learn-client-id-invalid"));
    }
    let course = published_course(&state, &sub.course).await?;
    let lesson = store::lesson(&state.db, &course.id, &sub.lesson)
        .await?
        .filter(|l| l.published)
        .ok_or(AppError::NotFound)?;
    let meta = store::lessons_of(&state.db, &course.id, true)
        .await?
        .into_iter()
        .find(|l| l.id == lesson.id)
        .ok_or(AppError::NotFound)?;
    let questions = lesson.questions();
    let answers: Vec<Option<usize>> = sub
        .answers
        .iter()
        .map(|a| a.and_then(|v| usize::try_from(v).ok()))
        .collect();
    let (score, outcome) = record_quiz(
        &state,
        &user.id,
        &course,
        &meta,
        &questions,
        &answers,
        Some(&sub.id),
    )
    .await?;
    Ok(Json(QuizResult {
        feedback: questions
            .iter()
            .enumerate()
            .map(|(i, q)| QuestionFeedback {
                right: score.is_right(i, &questions),
                answer: q.answer,
                explain: q.explain.clone(),
            })
            .collect(),
        score: QuizScore {
            correct: score.correct,
            total: score.total,
            percent: score.percent,
            passed: score.passed,
        },
        pass_percent: course.pass_percent,
        lesson_completed: outcome.lesson_completed,
        certificate: outcome.certificate,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_whole_number_is_an_integer_and_fractions_are_not() {
        let item = |answers: &str| {
            serde_json::from_str::<QuizSubmission>(&format!(
                r#"{{"id": "x", "course": "c", "lesson": "l", "answers": {answers}}}"#
            ))
            .map(|s| s.answers)
        };
        assert_eq!(
            item("[0, null, 2.0]").ok(),
            Some(vec![Some(0), None, Some(2)])
        );
        assert_eq!(
            item("[-21512509687.0]").ok(),
            Some(vec![Some(-21_512_509_687)])
        );
        assert!(item("[2545631229803658528902558546204295168]").is_err());
        assert!(item("[18446744073709551615]").is_err());
        assert!(item("[0.5]").is_err());
        assert!(item(r#"["1"]"#).is_err());
    }
}
