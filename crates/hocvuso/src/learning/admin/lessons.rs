//! A local lesson's form: Markdown body with a preview, and its quiz as rows of a form.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::now;
use crate::error::FieldError;
use crate::learning::model::{
    LessonText, QUIZ_MAX_QUESTIONS, QuizBlock, is_slug, quiz_blocks_from_form, reading_minutes,
    validate_quiz,
};
use crate::learning::store::{self, CourseRow};
use crate::web::auth::{ProvinceAdmin, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render, render_status};
use crate::web::text::{clean_line, clean_text};
use crate::{AppError, AppResult, AppState};

use super::local_course;

#[derive(Template)]
#[template(path = "learning/admin_lesson.html")]
struct LessonEditPage {
    page: Page,
    course: CourseRow,
    /// None for a new lesson.
    lesson_slug: Option<String>,
    form: FormState,
    /// The quiz as editor rows.
    quiz: Vec<QuizBlock>,
    preview: Option<String>,
    /// The checked quiz, shown under the preview.
    preview_quiz: Vec<content::Question>,
}

impl LessonEditPage {
    fn field(&self, i: &usize, part: &str) -> String {
        crate::learning::model::quiz_field(*i, part)
    }
}

pub(crate) async fn new_lesson_form(
    State(state): State<AppState>,
    page: Page,
    _: ProvinceAdmin,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let course = local_course(&state, &slug).await?;
    if !course.is_local() {
        return Err(AppError::Forbidden);
    }
    let mut form = FormState::default();
    form.values.insert("published", "yes".into());
    Ok(render(&LessonEditPage {
        page,
        course,
        lesson_slug: None,
        form,
        quiz: vec![QuizBlock::blank()],
        preview: None,
        preview_quiz: Vec::new(),
    }))
}

pub(crate) async fn lesson_form(
    State(state): State<AppState>,
    page: Page,
    _: ProvinceAdmin,
    Path((slug, lesson_slug)): Path<(String, String)>,
) -> AppResult<Response> {
    let course = local_course(&state, &slug).await?;
    if !course.is_local() {
        return Err(AppError::Forbidden);
    }
    let lesson = store::lesson(&state.db, &course.id, &lesson_slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = FormState::from_form([
        ("slug", &lesson.slug),
        ("title", &lesson.title),
        ("summary", &lesson.summary),
        ("body", &lesson.body_md),
    ]);
    let mut quiz: Vec<QuizBlock> = lesson
        .questions()
        .iter()
        .map(QuizBlock::from_question)
        .collect();
    if quiz.is_empty() {
        quiz.push(QuizBlock::blank());
    }
    form.values.insert(
        "published",
        if lesson.published { "yes" } else { "" }.into(),
    );
    Ok(render(&LessonEditPage {
        page,
        course,
        lesson_slug: Some(lesson.slug),
        form,
        quiz,
        preview: None,
        preview_quiz: Vec::new(),
    }))
}

pub(crate) async fn save_new_lesson(
    State(state): State<AppState>,
    page: Page,
    ProvinceAdmin(user): ProvinceAdmin,
    Path(slug): Path<String>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    save(state, page, user, slug, None, f).await
}

pub(crate) async fn save_lesson(
    State(state): State<AppState>,
    page: Page,
    ProvinceAdmin(user): ProvinceAdmin,
    Path((slug, lesson_slug)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    save(state, page, user, slug, Some(lesson_slug), f).await
}

async fn save(
    state: AppState,
    page: Page,
    user: SessionUser,
    slug: String,
    lesson_slug: Option<String>,
    f: HashMap<String, String>,
) -> AppResult<Response> {
    let client_id = f.get("client_id").cloned().unwrap_or_default();
    if let Some(location) =
        crate::web::once::seen(&state.db, &client_id, "lesson", &user.id).await?
    {
        return Ok(Redirect::to(&location).into_response());
    }
    let course = local_course(&state, &slug).await?;
    if !course.is_local() {
        return Err(AppError::Forbidden);
    }
    let existing = match &lesson_slug {
        Some(s) => Some(
            store::lesson(&state.db, &course.id, s)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let mut form = FormState::default();
    let new_slug = match &existing {
        Some(l) => l.slug.clone(),
        None => field("slug").trim().to_lowercase(),
    };
    form.values.insert("slug", new_slug.clone());
    form.values.insert("title", field("title").to_owned());
    form.values.insert("summary", field("summary").to_owned());
    form.values.insert("body", field("body").to_owned());
    form.values
        .insert("published", field("published").to_owned());
    if existing.is_none() {
        if !is_slug(&new_slug) {
            form.errors
                .push(FieldError::new("slug", "learn-slug-invalid"));
        } else if store::lesson(&state.db, &course.id, &new_slug)
            .await?
            .is_some()
        {
            form.errors
                .push(FieldError::new("slug", "learn-slug-taken"));
        }
    }
    let title = match clean_line(field("title")) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => {
            form.errors.push(FieldError::new("title", "field-required"));
            String::new()
        }
        Err(e) => {
            form.errors.push(FieldError::new("title", e));
            String::new()
        }
    };
    let summary = clean_text(field("summary"), 600).unwrap_or_else(|e| {
        form.errors.push(FieldError::new("summary", e));
        String::new()
    });
    let body = match clean_text(field("body"), 20_000) {
        Ok(b) if !b.is_empty() => b,
        Ok(_) => {
            form.errors.push(FieldError::new("body", "field-required"));
            String::new()
        }
        Err(e) => {
            form.errors.push(FieldError::new("body", e));
            String::new()
        }
    };
    let mut blocks = quiz_blocks_from_form(|k| field(k).to_owned(), clean_text);
    let html = content::render_markdown_with_local_images(&body);
    // "Thêm câu hỏi" and "Bỏ câu hỏi này" are submit buttons, so the editor works without JavaScript:
    // the form comes back with one row more or less, nothing checked and nothing written.
    let action = field("action");
    let remove = action
        .strip_prefix("remove-")
        .and_then(|i| i.parse::<usize>().ok());
    if action == "add-question" || remove.is_some() {
        if let Some(i) = remove.filter(|i| *i < blocks.len()) {
            blocks.remove(i);
        }
        if (action == "add-question" || blocks.is_empty()) && blocks.len() < QUIZ_MAX_QUESTIONS {
            blocks.push(QuizBlock::blank());
        }
        form.errors.clear();
        return Ok(render(&LessonEditPage {
            page,
            course,
            lesson_slug,
            form,
            quiz: blocks,
            preview: None,
            preview_quiz: Vec::new(),
        }));
    }
    let quiz = validate_quiz(&mut blocks).unwrap_or_else(|e| {
        form.errors.push(e);
        Vec::new()
    });
    if blocks.is_empty() {
        blocks.push(QuizBlock::blank());
    }
    let preview = action == "preview";
    // A copy of a form stored while this one was being checked finds its own lesson "taken".
    if form.has_errors()
        && let Some(location) =
            crate::web::once::seen(&state.db, &client_id, "lesson", &user.id).await?
    {
        return Ok(Redirect::to(&location).into_response());
    }
    if preview || form.has_errors() {
        let status = if form.has_errors() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        return Ok(render_status(
            status,
            &LessonEditPage {
                page,
                course,
                lesson_slug,
                form,
                quiz: blocks,
                preview: Some(html),
                preview_quiz: quiz,
            },
        ));
    }
    let at = now();
    let quiz_json = serde_json::to_string(&quiz).unwrap_or_else(|_| "[]".into());
    let published = field("published") == "yes";
    let mut tx = state.db.begin().await?;
    let cid = match crate::web::once::claim(&mut tx, &client_id, "lesson", &user.id).await? {
        crate::web::once::Claim::Done(location) => {
            return Ok(Redirect::to(&location).into_response());
        }
        crate::web::once::Claim::Fresh(cid) => cid,
    };
    let text = LessonText {
        title: &title,
        summary: &summary,
        body_md: &body,
        body_html: &html,
        quiz_json: &quiz_json,
        reading_minutes: reading_minutes(&body),
        published,
    };
    match &existing {
        Some(l) => store::update_lesson(&mut tx, &l.id, &text, at).await?,
        None => store::insert_lesson(&mut tx, &course.id, &new_slug, &text, at).await?,
    }
    store::refresh_search_key(&mut tx, &course.id).await?;
    crate::learning::cache::bump_version(&mut tx).await?;
    let location = format!("/quan-ly/hoc/{}/bai/{}", course.slug, new_slug);
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    Ok(Redirect::to(&location).into_response())
}
