//! The local-course editor: province admins write courses of their own in the browser (Markdown with
//! a preview, sanitised like the files; pictures uploaded and resized to phone width). Courses from
//! the content files are shown read-only: those are changed in the files.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;

use super::model::{
    QUIZ_MAX_QUESTIONS, QuizBlock, RESERVED_SLUGS, is_slug, quiz_blocks_from_form, reading_minutes,
    search_key, validate_quiz,
};
use super::store::{self, CourseRow, LessonMeta};
use crate::db::{new_id, now, q};
use crate::error::FieldError;
use crate::web::auth::{AdminUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render, render_status};
use crate::web::text::{clean_line, clean_text};
use crate::{AppError, AppResult, AppState};

/// Widest picture kept: a phone screen at 2x.
pub const IMAGE_MAX_WIDTH: u32 = 800;

fn province_admin(state: &AppState, user: &SessionUser) -> AppResult<()> {
    if user.can_admin(&state.province.path) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

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

#[derive(Template)]
#[template(path = "learning/admin_course.html")]
struct CourseEditPage {
    page: Page,
    course: Option<CourseRow>,
    lessons: Vec<LessonMeta>,
    form: FormState,
    topics: Vec<&'static str>,
    levels: Vec<&'static str>,
    audiences: Vec<&'static str>,
    chosen: Vec<String>,
    /// Markdown of the picture just uploaded, to paste into a lesson.
    uploaded: Option<String>,
}

impl CourseEditPage {
    fn has(&self, a: &str) -> bool {
        self.chosen.iter().any(|c| c == a)
    }
}

fn course_page(
    page: Page,
    course: Option<CourseRow>,
    lessons: Vec<LessonMeta>,
    form: FormState,
    chosen: Vec<String>,
    uploaded: Option<String>,
) -> CourseEditPage {
    CourseEditPage {
        page,
        course,
        lessons,
        form,
        topics: content::Topic::ALL.iter().map(|t| t.as_str()).collect(),
        levels: content::Level::ALL.iter().map(|l| l.as_str()).collect(),
        audiences: content::Audience::ALL.iter().map(|a| a.as_str()).collect(),
        chosen,
        uploaded,
    }
}

fn course_form_state(c: &CourseRow) -> FormState {
    let mut form = FormState::from_form([
        ("slug", &c.slug),
        ("title", &c.title),
        ("summary", &c.summary),
        ("topic", &c.topic),
        ("level", &c.level),
    ]);
    form.values
        .insert("pass_percent", c.pass_percent.to_string());
    form.values
        .insert("published", if c.published { "yes" } else { "" }.into());
    form
}

pub(crate) async fn new_course_form(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
) -> AppResult<Response> {
    province_admin(&state, &user)?;
    let mut form = FormState::default();
    form.values.insert("pass_percent", "80".into());
    form.values.insert("level", "co-ban".into());
    Ok(render(&course_page(
        page,
        None,
        Vec::new(),
        form,
        vec!["nguoi-dan".into()],
        None,
    )))
}

struct CourseInput {
    slug: String,
    title: String,
    summary: String,
    topic: String,
    level: String,
    audiences: Vec<String>,
    pass_percent: i64,
    published: bool,
}

fn validate_course(f: &Fields, form: &mut FormState) -> Option<CourseInput> {
    let mut errors = Vec::new();
    let slug = get(f, "slug").trim().to_lowercase();
    let title = clean_line(get(f, "title")).unwrap_or_else(|e| {
        errors.push(FieldError::new("title", e));
        String::new()
    });
    if title.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("title", "field-required"));
    }
    let summary = clean_text(get(f, "summary"), 600).unwrap_or_else(|e| {
        errors.push(FieldError::new("summary", e));
        String::new()
    });
    if summary.is_empty() && !errors.iter().any(|e| e.field == "summary") {
        errors.push(FieldError::new("summary", "field-required"));
    }
    let topic = get(f, "topic").to_owned();
    if content::Topic::from_slug(&topic).is_none() {
        errors.push(FieldError::new("topic", "field-choose"));
    }
    let level = get(f, "level").to_owned();
    if content::Level::from_slug(&level).is_none() {
        errors.push(FieldError::new("level", "field-choose"));
    }
    let audiences: Vec<String> = f
        .iter()
        .filter(|(k, v)| k == "audiences" && content::Audience::from_slug(v).is_some())
        .map(|(_, v)| v.clone())
        .collect();
    if audiences.is_empty() {
        errors.push(FieldError::new("audiences", "field-choose"));
    }
    let pass_percent = match get(f, "pass_percent").trim().parse::<i64>() {
        Ok(p) if (1..=100).contains(&p) => p,
        _ => {
            errors.push(FieldError::new(
                "pass_percent",
                "learn-pass-percent-invalid",
            ));
            80
        }
    };
    for (name, value) in [
        ("slug", slug.clone()),
        ("title", title.clone()),
        ("summary", summary.clone()),
        ("topic", topic.clone()),
        ("level", level.clone()),
        ("pass_percent", get(f, "pass_percent").to_owned()),
        ("published", get(f, "published").to_owned()),
    ] {
        form.values.insert(name, value);
    }
    form.errors.extend(errors);
    if form.has_errors() {
        return None;
    }
    Some(CourseInput {
        published: get(f, "published") == "yes",
        slug,
        title,
        summary,
        topic,
        level,
        audiences,
        pass_percent,
    })
}

fn chosen_audiences(f: &Fields) -> Vec<String> {
    f.iter()
        .filter(|(k, _)| k == "audiences")
        .map(|(_, v)| v.clone())
        .collect()
}

pub(crate) async fn create_course(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    province_admin(&state, &user)?;
    let client_id = get(&f, "client_id").to_owned();
    if let Some(location) =
        crate::web::once::seen(&state.db, &client_id, "course_create", &user.id).await?
    {
        return Ok(Redirect::to(&location).into_response());
    }
    let mut form = FormState::default();
    let input = validate_course(&f, &mut form);
    let slug = form.value("slug").to_owned();
    if !is_slug(&slug) || RESERVED_SLUGS.contains(&slug.as_str()) {
        form.errors
            .push(FieldError::new("slug", "learn-slug-invalid"));
    } else if store::course_by_slug(&state.db, &slug).await?.is_some() {
        form.errors
            .push(FieldError::new("slug", "learn-slug-taken"));
    }
    // A copy of this form stored while it was being checked finds its own slug "taken".
    if form.has_errors()
        && let Some(location) =
            crate::web::once::seen(&state.db, &client_id, "course_create", &user.id).await?
    {
        return Ok(Redirect::to(&location).into_response());
    }
    let (Some(input), false) = (input, form.has_errors()) else {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &course_page(page, None, Vec::new(), form, chosen_audiences(&f), None),
        ));
    };
    let at = now();
    let position: i64 = state
        .db
        .scalar(q("SELECT COALESCE(MAX(position), 0) + 1 FROM courses"))
        .await?
        .unwrap_or(1000);
    let mut tx = state.db.begin().await?;
    let cid = match crate::web::once::claim(&mut tx, &client_id, "course_create", &user.id).await? {
        crate::web::once::Claim::Done(location) => {
            return Ok(Redirect::to(&location).into_response());
        }
        crate::web::once::Claim::Fresh(cid) => cid,
    };
    tx.execute(
        q("INSERT INTO courses (id, slug, title, summary, topic, level, audiences, framework, position,
             pass_percent, source, published, search_key, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, 'local', $10, $11, $12, $13, $13)")
        .bind(new_id())
        .bind(&input.slug)
        .bind(&input.title)
        .bind(&input.summary)
        .bind(&input.topic)
        .bind(&input.level)
        .bind(format!(" {} ", input.audiences.join(" ")))
        .bind(position)
        .bind(input.pass_percent)
        .bind(input.published)
        .bind(search_key([input.title.as_str(), input.summary.as_str()]))
        .bind(&user.id)
        .bind(at),
    )
    .await?;
    super::cache::bump_version(&mut tx).await?;
    let location = format!("/quan-ly/hoc/{}", input.slug);
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    Ok(Redirect::to(&location).into_response())
}

async fn local_course(state: &AppState, slug: &str) -> AppResult<CourseRow> {
    store::course_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

pub(crate) async fn course_form(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    province_admin(&state, &user)?;
    let course = local_course(&state, &slug).await?;
    let lessons = store::lessons_of(&state.db, &course.id, false).await?;
    let form = course_form_state(&course);
    let chosen = course
        .audience_list()
        .into_iter()
        .map(str::to_owned)
        .collect();
    Ok(render(&course_page(
        page,
        Some(course),
        lessons,
        form,
        chosen,
        None,
    )))
}

async fn refresh_search_key(tx: &mut crate::db::Tx, course_id: &str) -> AppResult<()> {
    let row: Option<(String, String)> = tx
        .fetch_optional(q("SELECT title, summary FROM courses WHERE id = $1").bind(course_id))
        .await?;
    let titles: Vec<(String,)> = tx
        .fetch_all(
            q("SELECT title FROM lessons WHERE course_id = $1 ORDER BY position").bind(course_id),
        )
        .await?;
    if let Some((title, summary)) = row {
        let key = search_key(
            [title.as_str(), summary.as_str()]
                .into_iter()
                .chain(titles.iter().map(|(t,)| t.as_str())),
        );
        tx.execute(
            q("UPDATE courses SET search_key = $1 WHERE id = $2")
                .bind(key)
                .bind(course_id),
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn update_course(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
    Path(slug): Path<String>,
    CsrfForm(mut f): CsrfForm<Fields>,
) -> AppResult<Response> {
    province_admin(&state, &user)?;
    let course = local_course(&state, &slug).await?;
    if !course.is_local() {
        return Err(AppError::Forbidden);
    }
    // The slug is fixed once learners have progress on it.
    f.retain(|(k, _)| k != "slug");
    f.push(("slug".into(), course.slug.clone()));
    let mut form = FormState::default();
    let Some(input) = validate_course(&f, &mut form) else {
        let lessons = store::lessons_of(&state.db, &course.id, false).await?;
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &course_page(
                page,
                Some(course),
                lessons,
                form,
                chosen_audiences(&f),
                None,
            ),
        ));
    };
    let mut tx = state.db.begin().await?;
    tx.execute(
        q("UPDATE courses SET title = $1, summary = $2, topic = $3, level = $4, audiences = $5, pass_percent = $6,
             published = $7, updated_at = $8 WHERE id = $9")
        .bind(&input.title)
        .bind(&input.summary)
        .bind(&input.topic)
        .bind(&input.level)
        .bind(format!(" {} ", input.audiences.join(" ")))
        .bind(input.pass_percent)
        .bind(input.published)
        .bind(now())
        .bind(&course.id),
    )
    .await?;
    refresh_search_key(&mut tx, &course.id).await?;
    super::cache::bump_version(&mut tx).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    Ok(Redirect::to(&format!("/quan-ly/hoc/{}", course.slug)).into_response())
}

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
        super::model::quiz_field(*i, part)
    }
}

pub(crate) async fn new_lesson_form(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    province_admin(&state, &user)?;
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
    AdminUser(user): AdminUser,
    Path((slug, lesson_slug)): Path<(String, String)>,
) -> AppResult<Response> {
    province_admin(&state, &user)?;
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
    AdminUser(user): AdminUser,
    Path(slug): Path<String>,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    save(state, page, user, slug, None, f).await
}

pub(crate) async fn save_lesson(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
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
    province_admin(&state, &user)?;
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
    match &existing {
        Some(l) => {
            tx.execute(
                q("UPDATE lessons SET title = $1, summary = $2, body_md = $3, body_html = $4, quiz = $5,
                     reading_minutes = $6, published = $7, updated_at = $8 WHERE id = $9")
                .bind(&title)
                .bind(&summary)
                .bind(&body)
                .bind(&html)
                .bind(&quiz_json)
                .bind(reading_minutes(&body))
                .bind(published)
                .bind(at)
                .bind(&l.id),
            )
            .await?;
        }
        None => {
            let position: i64 = tx
                .scalar(
                    q("SELECT COALESCE(MAX(position), 0) + 1 FROM lessons WHERE course_id = $1")
                        .bind(&course.id),
                )
                .await?
                .unwrap_or(1);
            tx.execute(
                q("INSERT INTO lessons (id, course_id, slug, position, title, summary, body_md, body_html, quiz,
                     reading_minutes, published, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .bind(new_id())
                .bind(&course.id)
                .bind(&new_slug)
                .bind(position)
                .bind(&title)
                .bind(&summary)
                .bind(&body)
                .bind(&html)
                .bind(&quiz_json)
                .bind(reading_minutes(&body))
                .bind(published)
                .bind(at),
            )
            .await?;
        }
    }
    refresh_search_key(&mut tx, &course.id).await?;
    super::cache::bump_version(&mut tx).await?;
    let location = format!("/quan-ly/hoc/{}/bai/{}", course.slug, new_slug);
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    Ok(Redirect::to(&location).into_response())
}

/// Decode a picture (JPEG or PNG), shrink it to phone width, re-encode as JPEG. Re-encoding also drops
/// whatever else the file carried (location tags, scripts in comments).
pub(crate) fn resize_for_phone(data: &[u8]) -> Result<(Vec<u8>, u32, u32), &'static str> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(|_| "learn-image-invalid")?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(200 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| "learn-image-invalid")?;
    let img = if img.width() > IMAGE_MAX_WIDTH {
        img.resize(
            IMAGE_MAX_WIDTH,
            u32::MAX,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 78)
        .encode_image(&rgb)
        .map_err(|_| "learn-image-invalid")?;
    Ok((out, rgb.width(), rgb.height()))
}

pub(crate) async fn upload_image(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    province_admin(&state, &user)?;
    let course = local_course(&state, &slug).await?;
    if !course.is_local() {
        return Err(AppError::Forbidden);
    }
    let mut csrf = String::new();
    let mut data = Vec::new();
    let mut alt = String::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("alt") => alt = field.text().await.unwrap_or_default(),
            Some("image") => {
                data = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::BadRequest("learn-image-too-large"))?
                    .to_vec()
            }
            _ => {}
        }
    }
    // Multipart bodies are not read by CsrfForm; the same double-submit check, by hand.
    if csrf.is_empty()
        || !bool::from(subtle::ConstantTimeEq::ct_eq(
            csrf.as_bytes(),
            page.csrf.as_bytes(),
        ))
    {
        return Err(AppError::Csrf);
    }
    let lessons = store::lessons_of(&state.db, &course.id, false).await?;
    let chosen: Vec<String> = course
        .audience_list()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let resized = tokio::task::spawn_blocking(move || resize_for_phone(&data))
        .await
        .map_err(|e| AppError::internal("image resize task", e))?;
    let (jpeg, w, h) = match resized {
        Ok(r) => r,
        Err(reason) => {
            let mut form = course_form_state(&course);
            form.errors.push(FieldError::new("image", reason));
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &course_page(page, Some(course), lessons, form, chosen, None),
            ));
        }
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    let mut tx = state.db.begin().await?;
    let id = store::insert_image(
        &mut tx,
        &course.id,
        &b64,
        i64::from(w),
        i64::from(h),
        &user.id,
        now(),
    )
    .await?;
    super::cache::bump_version(&mut tx).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    let alt = clean_line(&alt).unwrap_or_default().replace([']', '['], "");
    let snippet = format!("![{alt}]({}{id}.jpg)", content::LOCAL_IMAGE_PREFIX);
    let form = course_form_state(&course);
    Ok(render(&course_page(
        page,
        Some(course),
        lessons,
        form,
        chosen,
        Some(snippet),
    )))
}

/// `GET /hoc/anh/{id}.jpg`
pub(crate) async fn image(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let id = file.strip_suffix(".jpg").ok_or(AppError::NotFound)?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::NotFound);
    }
    let b64 = store::image(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| AppError::internal("stored image", e))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}
