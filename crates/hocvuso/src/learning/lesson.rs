//! The lesson page (reading time, previous/next, "Nghe", print) and its quiz, which is a plain form:
//! the answer page shows each question's right answer and why, with or without JavaScript.
use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use content::Question;

use super::catalogue::published_course;
use super::model::Score;
use super::progress::{self, Outcome};
use super::store::{self, CourseRow, LessonMeta, LessonRow};
use crate::db::now;
use crate::sync::receipts;
use crate::web::page::{Page, render};
use crate::web::stitched::Stitched;
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "learning/lesson.html")]
struct LessonPage {
    page: Page,
    course: CourseRow,
    lesson: LessonRow,
    questions: Vec<QuestionView>,
    /// 1-based position among the course's lessons, and how many there are.
    number: usize,
    count: usize,
    prev: Option<LessonMeta>,
    next: Option<LessonMeta>,
    result: Option<Score>,
    outcome: Outcome,
    /// A fresh id for the next quiz submission (a reload or double tap is then counted once).
    client_id: String,
    /// For the browser's own record of a visitor's result: answers as "0,2,1,-".
    answers_csv: String,
}

/// One quiz question as the page shows it, with the learner's choice and the feedback.
pub struct QuestionView {
    pub number: usize,
    pub name: String,
    pub q: String,
    pub choices: Vec<ChoiceView>,
    pub right: bool,
    /// The right choice's index: the page scores a quiz answered offline itself (the server scores it
    /// again from the answers when they are synced; nothing the page says is trusted).
    pub answer: usize,
    pub right_text: String,
    pub explain: String,
}

pub struct ChoiceView {
    pub value: usize,
    pub text: String,
    pub checked: bool,
}

fn question_views(questions: &[Question], result: Option<&Score>) -> Vec<QuestionView> {
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let given = result.and_then(|r| r.answers.get(i).copied().flatten());
            QuestionView {
                number: i + 1,
                name: format!("q{i}"),
                q: q.q.clone(),
                choices: q
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(j, c)| ChoiceView {
                        value: j,
                        text: c.clone(),
                        checked: given == Some(j),
                    })
                    .collect(),
                right: result.is_some_and(|r| r.is_right(i, questions)),
                answer: q.answer,
                right_text: q.choices.get(q.answer).cloned().unwrap_or_default(),
                explain: q.explain.clone(),
            }
        })
        .collect()
}

impl LessonPage {
    fn pass_percent(&self) -> i64 {
        self.course.pass_percent
    }
}

struct Loaded {
    course: CourseRow,
    lesson: LessonRow,
    meta: LessonMeta,
    lessons: Vec<LessonMeta>,
}

async fn load(state: &AppState, course_slug: &str, lesson_slug: &str) -> AppResult<Loaded> {
    let course = published_course(state, course_slug).await?;
    let lesson = store::lesson(&state.db, &course.id, lesson_slug)
        .await?
        .filter(|l| l.published)
        .ok_or(AppError::NotFound)?;
    let lessons = store::lessons_of(&state.db, &course.id, true).await?;
    let meta = lessons
        .iter()
        .find(|l| l.id == lesson.id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok(Loaded {
        course,
        lesson,
        meta,
        lessons,
    })
}

fn view(page: Page, l: Loaded, result: Option<Score>, outcome: Outcome) -> LessonPage {
    let idx = l
        .lessons
        .iter()
        .position(|m| m.id == l.lesson.id)
        .unwrap_or(0);
    let answers_csv = result
        .as_ref()
        .map(|r| {
            r.answers
                .iter()
                .map(|a| a.map(|v| v.to_string()).unwrap_or_else(|| "-".into()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    LessonPage {
        questions: question_views(&l.lesson.questions(), result.as_ref()),
        number: idx + 1,
        count: l.lessons.len(),
        prev: idx.checked_sub(1).and_then(|i| l.lessons.get(i)).cloned(),
        next: l.lessons.get(idx + 1).cloned(),
        page,
        course: l.course,
        lesson: l.lesson,
        result,
        outcome,
        client_id: crate::db::new_id(),
        answers_csv,
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path((course_slug, lesson_slug)): Path<(String, String)>,
) -> AppResult<Response> {
    // Visitors all get the same page (per language and text size): served from memory. A query
    // string would end up in the page's links, so only the plain address is cached.
    let cache_key = (page.user.is_none() && !page.here.contains('?'))
        .then(|| super::cache::visitor_key(page.lang, page.text_size, &course_slug, &lesson_slug));
    if let Some(key) = &cache_key
        && let Some(hit) = state.lessons.get(&state.db, key).await?
    {
        return Ok(hit.respond(&headers));
    }
    if let Some(user) = &page.user
        && !page.here.contains('?')
        && !user.must_change_password
    {
        return signed_in_page(&state, page, &headers, &course_slug, &lesson_slug).await;
    }
    let l = load(&state, &course_slug, &lesson_slug).await?;
    if let Some(key) = cache_key {
        let html = view(page, l, None, Outcome::default())
            .render()
            .map_err(|e| AppError::internal("template", e))?;
        return Ok(state.lessons.put(key, html).respond(&headers));
    }
    let mut outcome = Outcome::default();
    if let Some(user) = &page.user
        && !opened_before(&state, &user.id, &l.meta.id).await?
    {
        let mut tx = state.db.begin().await?;
        outcome = progress::open_lesson(
            &mut tx,
            &state.province.name,
            &user.id,
            &l.course,
            &l.meta,
            now(),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(render(&view(page, l, None, outcome)))
}

/// A signed-in learner's view: the page every learner gets (kept per language, text size, lesson and
/// whether the header shows the admin link), with this learner's CSRF token and a fresh quiz-form id
/// stitched in. Only a first view writes (the "opened" mark and its count).
async fn signed_in_page(
    state: &AppState,
    page: Page,
    headers: &HeaderMap,
    course_slug: &str,
    lesson_slug: &str,
) -> AppResult<Response> {
    let Some(user) = page.user.clone() else {
        return Err(AppError::Unauthorized);
    };
    let key = format!(
        "{}|{}",
        super::cache::visitor_key(page.lang, page.text_size, course_slug, lesson_slug),
        page.is_admin()
    );
    let kept = match state.lessons.get_signed(&state.db, &key).await? {
        Some(kept) => kept,
        None => {
            let l = load(state, course_slug, lesson_slug).await?;
            let lesson_id = l.meta.id.clone();
            let mut marked = page.clone();
            marked.csrf = super::cache::CSRF_MARK.into();
            let mut v = view(marked, l, None, Outcome::default());
            v.client_id = super::cache::FORM_ID_MARK.into();
            let html = v.render().map_err(|e| AppError::internal("template", e))?;
            let stitched = Stitched::from_marked(
                &html,
                &[super::cache::CSRF_MARK, super::cache::FORM_ID_MARK],
            );
            state.lessons.put_signed(
                key,
                super::cache::SignedLesson {
                    page: stitched,
                    lesson_id,
                },
            )
        }
    };
    if !opened_before(state, &user.id, &kept.lesson_id).await? {
        let l = load(state, course_slug, lesson_slug).await?;
        let mut tx = state.db.begin().await?;
        progress::open_lesson(
            &mut tx,
            &state.province.name,
            &user.id,
            &l.course,
            &l.meta,
            now(),
        )
        .await?;
        tx.commit().await?;
        state.lessons.opened.insert(&user.id, &kept.lesson_id);
    }
    let form_id = crate::db::new_id();
    Ok(kept.page.respond(headers, &[&page.csrf, &form_id]))
}

/// Has this person opened the lesson before? Looked up on a reader, so a repeat view (the hundredth
/// look at the same lesson) writes nothing and never waits for the writer; only a first view opens a
/// write transaction, and `open_lesson` checks again inside it, so two first views at once count once.
async fn opened_before(state: &AppState, person_id: &str, lesson_id: &str) -> AppResult<bool> {
    if state.lessons.opened.contains(person_id, lesson_id) {
        return Ok(true);
    }
    let opened = super::store::lesson_opened(&state.db, person_id, lesson_id).await?;
    if opened {
        state.lessons.opened.insert(person_id, lesson_id);
    }
    Ok(opened)
}

/// The quiz's answers from a form: `q0=2&q1=0…`; anything unreadable is unanswered.
pub(crate) fn answers_from_form(
    form: &HashMap<String, String>,
    count: usize,
) -> Vec<Option<usize>> {
    (0..count)
        .map(|i| {
            form.get(&format!("q{i}"))
                .and_then(|v| v.trim().parse().ok())
        })
        .collect()
}

/// The quiz form. A visitor's answers are only scored (nothing is stored), so their form carries no
/// CSRF token and their page can be cached; a signed-in learner's answers are recorded, so theirs must
/// carry the token, checked as `CsrfForm` does.
pub(crate) async fn submit(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Path((course_slug, lesson_slug)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    if !crate::web::csrf::same_origin(&headers) {
        return Err(AppError::Csrf);
    }
    let form: HashMap<String, String> =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("error-form"))?;
    if page.user.is_some() {
        let given = form.get("csrf").map(String::as_str).unwrap_or("");
        let had_cookie =
            crate::web::cookies::get(&headers, crate::web::csrf::CSRF_COOKIE).is_some();
        if !had_cookie
            || page.csrf.is_empty()
            || !bool::from(subtle::ConstantTimeEq::ct_eq(
                given.as_bytes(),
                page.csrf.as_bytes(),
            ))
        {
            return Err(AppError::Csrf);
        }
    }
    let l = load(&state, &course_slug, &lesson_slug).await?;
    let questions = l.lesson.questions();
    let answers = answers_from_form(&form, questions.len());
    let client_id = form
        .get("client_id")
        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        .cloned();
    let (score, outcome) = match &page.user {
        Some(user) => {
            record_quiz(
                &state,
                &user.id,
                &l.course,
                &l.meta,
                &questions,
                &answers,
                client_id.as_deref(),
            )
            .await?
        }
        None => (
            super::model::score(&questions, &answers, l.course.pass_percent),
            Outcome::default(),
        ),
    };
    Ok(render(&view(page, l, Some(score), outcome)))
}

/// A signed-in learner's quiz answers, recorded once per client id: a replay answers what the first
/// submission answered and changes nothing.
pub(crate) async fn record_quiz(
    state: &AppState,
    person_id: &str,
    course: &CourseRow,
    lesson: &LessonMeta,
    questions: &[Question],
    answers: &[Option<usize>],
    client_id: Option<&str>,
) -> AppResult<(Score, Outcome)> {
    let mut tx = state.db.begin().await?;
    if let Some(id) = client_id
        && let Some(result) = receipts::answer_of(&mut tx, id, person_id).await?
        && let Ok(saved) = serde_json::from_str::<(Score, Outcome)>(&result)
    {
        return Ok(saved);
    }
    let at = now();
    let (score, outcome) = progress::submit_quiz(
        &mut tx,
        &state.province.name,
        person_id,
        course,
        lesson,
        questions,
        answers,
        at,
    )
    .await?;
    if let Some(id) = client_id {
        let result = serde_json::to_string(&(&score, &outcome)).unwrap_or_default();
        if !receipts::record_answer(
            &mut tx,
            id,
            "lesson_quiz",
            person_id,
            &lesson.id,
            &result,
            at,
        )
        .await?
        {
            // The same id arrived twice at once and the other copy won: answer what it answered.
            drop(tx);
            let mut tx = state.db.begin().await?;
            if let Some(result) = receipts::answer_of(&mut tx, id, person_id).await?
                && let Ok(saved) = serde_json::from_str::<(Score, Outcome)>(&result)
            {
                return Ok(saved);
            }
            // Taken by another write (another person's, or another kind): not this quiz's replay.
            return Err(AppError::field("client_id", "sync-id-taken"));
        }
    }
    tx.commit().await?;
    Ok((score, outcome))
}
