//! The shared web kit every capability builds on: the page layout, sign-in and sessions, CSRF, error
//! rendering, compression, assets, the layers `app.rs` wraps the routes in (request id, security
//! headers), and the JSON error body. It depends on no capability; `app.rs` assembles them.
pub mod api;
pub mod assets;
pub mod auth;
pub mod bounded;
pub mod cached_page;
pub mod client;
pub mod compress;
pub mod cookies;
pub mod csrf;
pub mod errors;
pub mod fields;
pub mod home;
pub mod once;
pub(crate) mod oversize;
pub mod page;
pub mod ratelimit;
pub mod session_cache;
pub mod stitched;
pub(crate) mod store;
pub mod text;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'";

pub(crate) fn secure_cookies(state: &AppState) -> bool {
    state.settings.is_https()
}

/// The headers every answer carries: the CSP and the other browser protections, HSTS when the public
/// address is https (a browser that has seen it never tries plain http, so a network in between cannot
/// strip TLS; over plain http browsers ignore it anyway, so it is not sent), and `no-cache` unless the
/// handler chose a cache policy.
pub(crate) fn security_headers(h: &mut HeaderMap, https: bool) {
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
}

pub(crate) async fn with_security_headers(
    State(state): State<AppState>,
    mut res: Response,
) -> Response {
    security_headers(res.headers_mut(), secure_cookies(&state));
    res
}

/// A request id a client (or a proxy in front) sent is kept only when it is short and made of
/// `[A-Za-z0-9._-]`: it is written into every log line of the request and shown on error pages, so a
/// long one would bloat logs and one with quotes, spaces or newlines could forge log fields. Anything
/// else is dropped here, and `SetRequestIdLayer` then makes a fresh UUID.
pub(crate) async fn drop_unsafe_request_id(
    mut req: axum::extract::Request,
) -> axum::extract::Request {
    if req
        .headers()
        .get_all(REQUEST_ID)
        .iter()
        .enumerate()
        .any(|(i, v)| i > 0 || !safe_request_id(v.as_bytes()))
    {
        req.headers_mut().remove(REQUEST_ID);
    }
    req
}

pub(crate) const REQUEST_ID: &str = "x-request-id";

/// The largest request body taken (uploads and sync batches included); `error-413` and
/// `sync-too-large` state it.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;
const MAX_REQUEST_ID: usize = 64;

fn safe_request_id(v: &[u8]) -> bool {
    !v.is_empty()
        && v.len() <= MAX_REQUEST_ID
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Liveness: the process answers. Whether it should get traffic (database reachable, schema current)
/// is `/readyz`'s question: a database outage must not make a supervisor restart every app server.
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

#[derive(serde::Deserialize)]
pub(crate) struct Prefs {
    lang: Option<String>,
    size: Option<String>,
    next: Option<String>,
}

/// Language and text-size switches: plain links, remembered in a cookie for a year, no account needed.
pub(crate) async fn preferences(State(state): State<AppState>, Query(p): Query<Prefs>) -> Response {
    let mut resp = Redirect::to(&text::local_path(p.next.as_deref())).into_response();
    let year = Some(365 * 24 * 3600);
    let secure = secure_cookies(&state);
    if let Some(lang) = p.lang.as_deref().and_then(crate::i18n::Lang::parse) {
        resp.headers_mut().append(
            header::SET_COOKIE,
            cookies::set_cookie(cookies::CookieSpec {
                name: page::LANG_COOKIE,
                value: lang.code(),
                max_age: year,
                same_site_strict: false,
                secure,
            }),
        );
    }
    if let Some(size) = p.size.as_deref().filter(|s| matches!(*s, "0" | "1" | "2")) {
        resp.headers_mut().append(
            header::SET_COOKIE,
            cookies::set_cookie(cookies::CookieSpec {
                name: page::SIZE_COOKIE,
                value: size,
                max_age: year,
                same_site_strict: false,
                secure,
            }),
        );
    }
    resp
}

/// A file to save (an export, a certificate, a person's own data): `attachment` under its name, and
/// never kept by a cache on the way (`private, no-store`), since these hold personal or unpublished data.
pub(crate) fn download(
    body: impl Into<axum::body::Body>,
    mime: &'static str,
    name: &str,
) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_clients_must_be_short_and_plain() {
        assert!(safe_request_id(b"0192f3c4-7d1e-7a2b-9c3d-1e2f3a4b5c6d"));
        assert!(safe_request_id(b"lb.abc_123"));
        assert!(safe_request_id(&[b'a'; MAX_REQUEST_ID]));
        assert!(!safe_request_id(&[b'a'; MAX_REQUEST_ID + 1]));
        assert!(!safe_request_id(b""));
        for bad in ["a b", "a\"b", "x\nlevel=error", "<script>", "é"] {
            assert!(!safe_request_id(bad.as_bytes()), "{bad}");
        }
    }
}
