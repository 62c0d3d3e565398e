//! The one place an [`AppError`](crate::AppError) becomes what a person or a program reads.
use askama::Template;
use axum::Json;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::page::{Page, lang_of, render_status, url_encode};
use crate::AppState;
use crate::error::ErrorInfo;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    title: String,
    message: String,
    fields: Vec<(String, String)>,
    request_id: String,
}

/// The page around an error: the person's own header and menu when they are signed in, so a 403 or a
/// 404 still leads back to their work. A server error (the database may be what failed) is shown
/// without looking the person up.
async fn error_page_context(
    state: &AppState,
    cookies: Vec<HeaderValue>,
    here: &str,
    lang: Lang,
    look_up_person: bool,
) -> Page {
    let mut builder = Request::builder().uri(here);
    for c in cookies {
        builder = builder.header(header::COOKIE, c);
    }
    let Ok(req) = builder.body(()) else {
        return Page::anonymous(state, lang, here);
    };
    let (mut parts, ()) = req.into_parts();
    if let Some(t) = super::cookies::get(&parts.headers, super::csrf::CSRF_COOKIE) {
        parts.extensions.insert(super::csrf::CsrfToken(t));
    }
    if look_up_person && let Ok(page) = Page::from_request_parts(&mut parts, state).await {
        return page;
    }
    let mut page = Page::anonymous(state, lang, here);
    page.text_size = super::page::text_size_of(&parts.headers);
    page
}

fn is_plain_text(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"))
}

pub(crate) async fn render_errors(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let lang = lang_of(req.headers());
    // Only the cookies are kept for the error page: the person, their language, size and token (all
    // Cookie headers: HTTP/2 may send one per cookie).
    let cookies: Vec<HeaderValue> = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .cloned()
        .collect();
    let is_api = req.uri().path().starts_with("/api/");
    let wants_page = req.method() == axum::http::Method::GET && !is_api;
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut resp = next.run(req).await;
    let info = match resp.extensions_mut().remove::<ErrorInfo>() {
        Some(info) => info,
        // A body past the size limit (the limit layer, or an extractor reading a chunked body): say the
        // limit, and to the sync endpoint how to get through it (fewer items per batch).
        None if resp.status() == StatusCode::PAYLOAD_TOO_LARGE => ErrorInfo {
            message_id: if here.starts_with("/api/v1/sync") {
                "sync-too-large"
            } else {
                "error-413"
            },
            fields: Vec::new(),
            detail: None,
        },
        // axum's own refusals (a query string, path or body its extractors cannot read) are plain
        // text; on the API they get the JSON shape every other error has, as the description says.
        None if is_api && resp.status().is_client_error() && is_plain_text(&resp) => ErrorInfo {
            message_id: if resp.status() == StatusCode::NOT_FOUND {
                "error-404"
            } else {
                "error-request-malformed"
            },
            fields: Vec::new(),
            detail: None,
        },
        None => return resp,
    };
    let status = resp.status();
    if let Some(detail) = &info.detail {
        tracing::error!(request_id, %status, detail, "request failed");
    }
    if info.message_id == "error-password-change-required" && wants_page {
        return Redirect::to("/tai-khoan/mat-khau?bat-buoc=1").into_response();
    }
    if status == StatusCode::UNAUTHORIZED && wants_page {
        return Redirect::to(&format!("/dang-nhap?next={}", url_encode(&here))).into_response();
    }
    let message = lang.t(info.message_id);
    let fields: Vec<(String, String)> = info
        .fields
        .iter()
        .map(|f| (f.field.to_owned(), lang.t(f.reason)))
        .collect();
    let labelled: Vec<(String, String)> = fields
        .iter()
        .map(|(f, m)| (lang.t(&format!("label-{f}")), m.clone()))
        .collect();
    let mut out = if is_api {
        let fields_json: Vec<_> = fields
            .iter()
            .map(|(f, m)| json!({"field": f, "message": m}))
            .collect();
        let code = info
            .fields
            .first()
            .map(|f| f.reason)
            .unwrap_or(info.message_id);
        (
            status,
            Json(json!({"error": {
                "status": status.as_u16(), "code": code, "message": message,
                "fields": fields_json, "request_id": request_id,
            }})),
        )
            .into_response()
    } else {
        let title = lang.t(&format!("error-title-{}", status.as_u16()));
        let title = if title.starts_with("error-title-") {
            lang.t("error-title-400")
        } else {
            title
        };
        let page =
            error_page_context(&state, cookies, &here, lang, !status.is_server_error()).await;
        let page = ErrorPage {
            page,
            title,
            message,
            fields: labelled,
            request_id,
        };
        render_status(status, &page)
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        out.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    }
    out
}
