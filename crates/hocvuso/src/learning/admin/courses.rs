//! A local course's own form: title, summary, topic, level, audiences, pass mark, published.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::now;
use crate::error::FieldError;
use crate::learning::model::{CourseInput, RESERVED_SLUGS, is_slug};
use crate::learning::store::{self, CourseRow, LessonMeta};
use crate::web::auth::ProvinceAdmin;
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render, render_status};
use crate::web::text::{clean_line, clean_text};
use crate::{AppError, AppResult, AppState};

use super::{Fields, get, local_course};

#[derive(Template)]
#[template(path = "learning/admin_course.html")]
pub(super) struct CourseEditPage {
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

pub(super) fn course_page(
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

pub(super) fn course_form_state(c: &CourseRow) -> FormState {
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

pub(crate) async fn new_course_form(page: Page, _: ProvinceAdmin) -> AppResult<Response> {
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
    ProvinceAdmin(user): ProvinceAdmin,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
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
    let position = store::next_course_position(&state.db).await?;
    let mut tx = state.db.begin().await?;
    let cid = match crate::web::once::claim(&mut tx, &client_id, "course_create", &user.id).await? {
        crate::web::once::Claim::Done(location) => {
            return Ok(Redirect::to(&location).into_response());
        }
        crate::web::once::Claim::Fresh(cid) => cid,
    };
    store::insert_local_course(&mut tx, &input, position, &user.id, at).await?;
    crate::learning::cache::bump_version(&mut tx).await?;
    let location = format!("/quan-ly/hoc/{}", input.slug);
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    Ok(Redirect::to(&location).into_response())
}

pub(crate) async fn course_form(
    State(state): State<AppState>,
    page: Page,
    _: ProvinceAdmin,
    Path(slug): Path<String>,
) -> AppResult<Response> {
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

pub(crate) async fn update_course(
    State(state): State<AppState>,
    page: Page,
    _: ProvinceAdmin,
    Path(slug): Path<String>,
    CsrfForm(mut f): CsrfForm<Fields>,
) -> AppResult<Response> {
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
    store::update_local_course(&mut tx, &course.id, &input, now()).await?;
    store::refresh_search_key(&mut tx, &course.id).await?;
    crate::learning::cache::bump_version(&mut tx).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    Ok(Redirect::to(&format!("/quan-ly/hoc/{}", course.slug)).into_response())
}
