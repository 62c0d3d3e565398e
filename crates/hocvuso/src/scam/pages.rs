//! "Kiểm tra tin nhắn": paste, see the verdict and why, report. Plain forms; no JavaScript needed.
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{ResultView, clean_message, clean_sender, learn_url};
use super::report::{self, home_commune};
use crate::units::model::Unit;
use crate::web::cookies::{self, CookieSpec};
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render_status};
use crate::{AppError, AppResult, AppState};

/// Remembers a visitor's commune for their next report (not personal: a commune of thousands).
const COMMUNE_COOKIE: &str = "hv_xa";
/// The lesson on where and how to report.
const REPORT_LESSON: &str = "nhan-dien-lua-dao/bao-cao-lua-dao";

#[derive(Template)]
#[template(path = "scam/check.html")]
struct CheckPage {
    page: Page,
    form: FormState,
    result: Option<ResultView>,
    /// Visitors and people without a commune choose one; others report in one tap.
    ask_commune: bool,
    communes: Vec<Unit>,
    /// Percentage shown next to the verdict.
    score: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CheckForm {
    text: String,
    sender: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    text: String,
    commune: String,
}

async fn check_page(
    state: &AppState,
    headers: &HeaderMap,
    page: Page,
    mut form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    let refused =
        form.has_errors() && (!form.error("text").is_empty() || !form.error("sender").is_empty());
    let result = if refused || form.value("text").is_empty() {
        None
    } else {
        let snapshot = state.scam.snapshot(&state.db).await;
        let sender = Some(form.value("sender")).filter(|s| !s.is_empty());
        let v = snapshot.checker.check_from(form.value("text"), sender);
        Some(ResultView::new(&v, page.lang, |l| {
            state.scam.lesson_title(l).map(str::to_owned)
        }))
    };
    let home = match &page.user {
        Some(u) => home_commune(state, u).await?,
        None => None,
    };
    let ask_commune = home.is_none();
    let communes = if ask_commune && result.is_some() {
        state.units.communes(&state.db).await?
    } else {
        Vec::new()
    };
    if form.value("commune").is_empty()
        && let Some(c) = cookies::get(headers, COMMUNE_COOKIE)
    {
        form.values.insert("commune", c);
    }
    let score = result
        .as_ref()
        .map(|r| page.lang.percent(f64::from(r.score) * 100.0))
        .unwrap_or_default();
    Ok(render_status(
        status,
        &CheckPage {
            page,
            form,
            result,
            ask_commune,
            communes,
            score,
        },
    ))
}

pub(crate) async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    page: Page,
) -> AppResult<Response> {
    check_page(&state, &headers, page, FormState::default(), StatusCode::OK).await
}

/// The check writes nothing, so it takes no CSRF token: a page left open overnight still works.
pub(crate) async fn check(
    State(state): State<AppState>,
    crate::web::client::ClientAddr(client): crate::web::client::ClientAddr,
    headers: HeaderMap,
    page: Page,
    body: Bytes,
) -> AppResult<Response> {
    crate::web::ratelimit::hit(&state.db, &crate::web::ratelimit::SCAM_CHECK, &client).await?;
    let f: CheckForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("error-form"))?;
    let mut form = FormState::default();
    let mut status = StatusCode::OK;
    match clean_message(&f.text) {
        Ok(text) => form.values.insert("text", text),
        Err(e) => {
            form.errors.push(e);
            status = StatusCode::UNPROCESSABLE_ENTITY;
            form.values.insert("text", f.text)
        }
    };
    match clean_sender(&f.sender) {
        Ok(sender) => form.values.insert("sender", sender.unwrap_or_default()),
        Err(e) => {
            form.errors.push(e);
            status = StatusCode::UNPROCESSABLE_ENTITY;
            form.values.insert("sender", f.sender)
        }
    };
    check_page(&state, &headers, page, form, status).await
}

pub(crate) async fn report(
    State(state): State<AppState>,
    crate::web::client::ClientAddr(ip): crate::web::client::ClientAddr,
    headers: HeaderMap,
    page: Page,
    CsrfForm(f): CsrfForm<ReportForm>,
) -> AppResult<Response> {
    let user = page.user.clone();
    match report::file(&state, user.as_ref(), &ip, &f.text, &f.commune).await {
        Ok(filed) => {
            let to = if filed.duplicate {
                "/kiem-tra/da-bao-cao?lai=1"
            } else {
                "/kiem-tra/da-bao-cao"
            };
            let mut resp = Redirect::to(to).into_response();
            if user.is_none() && !f.commune.is_empty() {
                resp.headers_mut().append(
                    header::SET_COOKIE,
                    cookies::set_cookie(CookieSpec {
                        name: COMMUNE_COOKIE,
                        value: &f.commune,
                        max_age: Some(365 * 24 * 3600),
                        same_site_strict: false,
                        secure: crate::web::secure_cookies(&state),
                    }),
                );
            }
            Ok(resp)
        }
        // Show the verdict again with the reason the report was refused next to the field.
        Err(AppError::Invalid(errors)) => {
            let mut form = FormState::default();
            form.values.insert("commune", f.commune);
            match clean_message(&f.text) {
                Ok(text) => form.values.insert("text", text),
                Err(_) => form.values.insert("text", f.text),
            };
            form.errors = errors;
            check_page(
                &state,
                &headers,
                page,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "scam/thanks.html")]
struct ThanksPage {
    page: Page,
    again: bool,
    lesson_url: String,
    lesson_title: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ThanksQuery {
    lai: Option<String>,
}

pub(crate) async fn thanks(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ThanksQuery>,
) -> Response {
    let lesson_title = state
        .scam
        .lesson_title(REPORT_LESSON)
        .map(str::to_owned)
        .unwrap_or_else(|| page.t("scam-read-lesson"));
    render_status(
        StatusCode::OK,
        &ThanksPage {
            page,
            again: q.lai.is_some(),
            lesson_url: learn_url(REPORT_LESSON),
            lesson_title,
        },
    )
}
