//! The shared web layer: router assembly, layers (request id, logs, compression, security headers,
//! error pages, CSRF), pages every capability uses, and the OpenAPI description.
pub mod api;
pub mod assets;
pub mod auth;
pub mod cached_page;
pub mod client;
pub mod compress;
pub mod cookies;
pub mod csrf;
pub mod errors;
pub mod home;
pub mod once;
mod oversize;
pub mod page;
pub mod ratelimit;
pub mod session_cache;
pub mod stitched;
pub mod text;

use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::{AppError, AppState};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'";

pub fn secure_cookies(state: &AppState) -> bool {
    state.settings.is_https()
}

/// The headers every answer carries: the CSP and the other browser protections, HSTS when the public
/// address is https (a browser that has seen it never tries plain http, so a network in between cannot
/// strip TLS; over plain http browsers ignore it anyway, so it is not sent), and `no-cache` unless the
/// handler chose a cache policy.
pub fn security_headers(h: &mut HeaderMap, https: bool) {
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

async fn with_security_headers(State(state): State<AppState>, mut res: Response) -> Response {
    security_headers(res.headers_mut(), secure_cookies(&state));
    res
}

pub fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static(REQUEST_ID);
    Router::new()
        .route("/", get(home::home))
        .route("/cai-dat", get(preferences))
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(api::openapi_json))
        .route("/assets/{file}", get(assets::serve))
        // Browsers ask for /favicon.ico whatever the page says; send them to the app icon.
        .route("/favicon.ico", get(|| async { Redirect::permanent(&assets::url("icon-192.png")) }))
        .merge(crate::units::routes())
        .merge(crate::people::routes())
        .merge(crate::scam::routes())
        .merge(crate::reports::routes())
        .merge(crate::classes::routes())
        .merge(crate::teams::routes())
        .merge(crate::sync::routes())
        .merge(crate::assistant::routes())
        .merge(crate::learning::routes())
        .merge(crate::ops::routes())
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), csrf::ensure_token))
        // The body limit sits inside the error renderer so its 413 gets the JSON envelope and the
        // translated message like every other refusal.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::from_fn(oversize::refuse_declared_oversize))
        .layer(middleware::from_fn(errors::render_errors))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(middleware::map_response_with_state(state.clone(), with_security_headers))
        .layer(middleware::from_fn(compress::layer))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .layer(middleware::map_request(drop_unsafe_request_id))
        // Outermost: a visitor's lesson page straight from memory (see `learning::cache`).
        .layer(middleware::from_fn_with_state(state.clone(), crate::learning::cache::visitor_fast_path))
        // Around everything, the fast path included: every answer is counted and timed.
        .layer(middleware::from_fn(crate::ops::metrics::track))
        .with_state(state)
}

/// A request id a client (or a proxy in front) sent is kept only when it is short and made of
/// `[A-Za-z0-9._-]`: it is written into every log line of the request and shown on error pages, so a
/// long one would bloat logs and one with quotes, spaces or newlines could forge log fields. Anything
/// else is dropped here, and `SetRequestIdLayer` then makes a fresh UUID.
async fn drop_unsafe_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
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

const REQUEST_ID: &str = "x-request-id";

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
async fn healthz() -> &'static str {
    "ok"
}

#[derive(serde::Deserialize)]
struct Prefs {
    lang: Option<String>,
    size: Option<String>,
    next: Option<String>,
}

/// Language and text-size switches: plain links, remembered in a cookie for a year, no account needed.
async fn preferences(State(state): State<AppState>, Query(p): Query<Prefs>) -> Response {
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
