//! `GET /metrics`: who may read the counters of `telemetry::metrics`.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::telemetry::metrics::render;

/// Whether this request may read the metrics: with `--metrics-token` set, it must carry it as a bearer
/// token; without one, only a client on this machine that did not come through a proxy may (a local
/// nginx forwards public requests from 127.0.0.1 too, but it adds `X-Forwarded-For`).
pub(crate) fn allowed(token: Option<&str>, peer: SocketAddr, headers: &HeaderMap) -> bool {
    match token.filter(|t| !t.is_empty()) {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes()))),
        None => {
            peer.ip().is_loopback()
                && ["x-forwarded-for", "forwarded", "x-real-ip"]
                    .iter()
                    .all(|h| !headers.contains_key(*h))
        }
    }
}

/// `GET /metrics`. Anyone else gets the same 404 as for a page that does not exist.
pub(crate) async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !allowed(state.settings.metrics_token.as_deref(), peer, &headers) {
        return crate::AppError::NotFound.into_response();
    }
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        render(&state),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in list {
            h.insert(*k, v.parse().expect("value"));
        }
        h
    }

    #[test]
    fn who_may_read_the_metrics() {
        let local: SocketAddr = "127.0.0.1:50000".parse().expect("addr");
        let remote: SocketAddr = "203.0.113.9:50000".parse().expect("addr");
        assert!(allowed(None, local, &headers(&[])));
        assert!(!allowed(None, remote, &headers(&[])));
        assert!(
            !allowed(None, local, &headers(&[("x-forwarded-for", "203.0.113.9")])),
            "through a local proxy"
        );
        let bearer = headers(&[("authorization", "Bearer s3cret-token")]);
        assert!(allowed(Some("s3cret-token"), remote, &bearer));
        assert!(!allowed(Some("other"), remote, &bearer));
        assert!(
            !allowed(Some("s3cret-token"), local, &headers(&[])),
            "a token, once set, is always needed"
        );
    }
}
