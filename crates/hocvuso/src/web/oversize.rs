//! A body declared larger than the limit is refused before it is read, but refusing and hanging up at
//! once makes the client's upload fail with "broken pipe" before it reads the answer: a phone then sees
//! a network error instead of "send fewer items" and retries the same batch for ever. Like nginx's
//! lingering close, the rest of a moderately oversized body is read and dropped first (bounded in bytes
//! and time), so the translated 413 arrives; a body past `LINGER_CAP` is cut off at once, since only a
//! script sends that much.
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use super::BODY_LIMIT;

/// Bodies up to this size are read to the end before the refusal.
const LINGER_CAP: u64 = 16 * 1024 * 1024;
/// ... and for at most this long, so a slow sender cannot hold a connection open.
const LINGER_TIME: Duration = Duration::from_secs(10);

pub(crate) async fn refuse_declared_oversize(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > BODY_LIMIT as u64 => {
            if n <= LINGER_CAP {
                drain(req.into_body()).await;
            }
            StatusCode::PAYLOAD_TOO_LARGE.into_response()
        }
        _ => next.run(req).await,
    }
}

async fn drain(mut body: Body) {
    let read_all = async { while let Some(Ok(_)) = body.frame().await {} };
    // Timing out only means the client may miss the answer; nothing was written.
    let _ = tokio::time::timeout(LINGER_TIME, read_all).await;
}
