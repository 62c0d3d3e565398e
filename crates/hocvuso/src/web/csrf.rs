//! CSRF protection for every form: a per-browser random token in a SameSite=Strict cookie that each form
//! repeats in a hidden field (compared in constant time), plus a same-origin check on Sec-Fetch-Site /
//! Origin. Stateless, so it works across any number of app servers; rotated on sign-in and sign-out.
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::cookies::{self, CookieSpec};
use crate::{AppError, AppState};

pub const CSRF_COOKIE: &str = "hv_csrf";

/// The token valid for this request (from the cookie, or freshly minted).
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// Middleware: make sure every browser has a token, setting the cookie when it was missing.
pub(crate) async fn ensure_token(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let existing = cookies::get(req.headers(), CSRF_COOKIE).filter(|t| t.len() == 64);
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None => (super::auth::random_token(), true),
    };
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut resp = next.run(req).await;
    // A handler that rotated the token (sign-in, sign-out) already set the cookie.
    let rotated = resp
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|s| s.starts_with(CSRF_COOKIE)));
    if fresh && !rotated {
        resp.headers_mut()
            .append(header::SET_COOKIE, token_cookie(&state, &token));
    }
    resp
}

pub(crate) fn token_cookie(state: &AppState, token: &str) -> axum::http::HeaderValue {
    cookies::set_cookie(CookieSpec {
        name: CSRF_COOKIE,
        value: token,
        max_age: None,
        same_site_strict: true,
        secure: super::secure_cookies(state),
    })
}

/// Refuse requests a browser marks as coming from another site, or whose Origin is not this host.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|s| !matches!(s, "same-origin" | "none")) {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            origin.split_once("://").is_some_and(|(_, h)| h == host)
        }
    }
}

#[derive(serde::Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf: String,
}

/// A URL-encoded form whose CSRF token and origin were checked. `T` should hold strings only, so that
/// every value reaches validation and gets a translated, per-field answer.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        if !same_origin(req.headers()) {
            return Err(AppError::Csrf);
        }
        let expected = req
            .extensions()
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let had_cookie = cookies::get(req.headers(), CSRF_COOKIE).is_some();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("error-form"))?;
        let field: TokenField =
            serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("error-form"))?;
        if !had_cookie
            || expected.is_empty()
            || !bool::from(field.csrf.as_bytes().ct_eq(expected.as_bytes()))
        {
            return Err(AppError::Csrf);
        }
        let value =
            serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("error-form"))?;
        Ok(CsrfForm(value))
    }
}
