//! Lesson pages as visitors see them, rendered and compressed once, then served from memory.
//!
//! A visitor's lesson page holds nothing personal (the quiz form needs no token when nobody is signed
//! in: a visitor's answers are only scored, never stored), so the same bytes serve every visitor with
//! the same language and text size. Entries are dropped when the content version in the database moves
//! (content import, local-course edits): this server drops them at once, other servers within a second.
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;

use crate::AppState;
use crate::db::{Db, DbResult, Tx, q};
use crate::i18n::Lang;
use crate::web::compress::{Encoding, negotiate};

/// Beyond this many entries nothing more is cached (bounded memory whatever the traffic).
const MAX_ENTRIES: usize = 4_000;
/// How stale another server's edit may be seen here.
const CHECK_EVERY_MS: i64 = 1_000;

pub struct CachedPage {
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
}

#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<String, Arc<CachedPage>>>,
    version: AtomicI64,
    checked_at_ms: AtomicI64,
}

fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos() as i64 / 1_000_000
}

/// Bump the content version inside a write that changes what lesson pages show.
pub async fn bump_version(tx: &mut Tx) -> DbResult<()> {
    tx.execute(q(
        "UPDATE learning_version SET version = version + 1 WHERE id = 1",
    ))
    .await?;
    Ok(())
}

/// The cache key of a visitor's lesson page: language, text size, course and lesson.
pub fn visitor_key(lang: Lang, text_size: u8, course: &str, lesson: &str) -> String {
    format!("{}|{text_size}|{course}|{lesson}", lang.code())
}

/// Outermost layer: a `GET /hoc/{course}/{lesson}` with no cookie at all (a visitor who has chosen no
/// language or text size, the first visit from a search or a shared link) whose page is cached is
/// answered here, before request ids, logs, CSRF and the rest of the stack: the answer is the same
/// bytes for everyone and needs none of them. It carries the same security headers. Anything else,
/// and any miss, goes down the normal path, which fills the cache.
pub async fn visitor_fast_path(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() == Method::GET
        && req.uri().query().is_none()
        && !req.headers().contains_key(header::COOKIE)
        && let Some((course, lesson)) = lesson_path(req.uri().path())
        && let Ok(Some(hit)) = state
            .lessons
            .get(&state.db, &visitor_key(Lang::default(), 0, course, lesson))
            .await
    {
        let mut resp = hit.respond(req.headers());
        crate::web::security_headers(resp.headers_mut(), crate::web::secure_cookies(&state));
        return resp;
    }
    next.run(req).await
}

/// `/hoc/{course}/{lesson}` with plain slug segments (anything percent-encoded takes the normal path).
fn lesson_path(path: &str) -> Option<(&str, &str)> {
    let (course, lesson) = path.strip_prefix("/hoc/")?.split_once('/')?;
    let slug = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    (slug(course) && slug(lesson)).then_some((course, lesson))
}

impl PageCache {
    /// Forget every page (after an edit on this server).
    pub fn invalidate(&self) {
        if let Ok(mut pages) = self.pages.write() {
            pages.clear();
        }
        self.checked_at_ms.store(0, Ordering::Relaxed);
    }

    async fn ensure_fresh(&self, db: &Db) -> DbResult<()> {
        let now = now_ms();
        if now - self.checked_at_ms.load(Ordering::Relaxed) < CHECK_EVERY_MS {
            return Ok(());
        }
        let version: i64 = db
            .scalar(q("SELECT version FROM learning_version WHERE id = 1"))
            .await?
            .unwrap_or(0);
        if self.version.swap(version, Ordering::Relaxed) != version
            && let Ok(mut pages) = self.pages.write()
        {
            pages.clear();
        }
        self.checked_at_ms.store(now, Ordering::Relaxed);
        Ok(())
    }

    pub async fn get(&self, db: &Db, key: &str) -> DbResult<Option<Arc<CachedPage>>> {
        self.ensure_fresh(db).await?;
        let page = self
            .pages
            .read()
            .ok()
            .and_then(|pages| pages.get(key).cloned());
        crate::ops::metrics::cache("lesson_pages", page.is_some());
        Ok(page)
    }

    /// Compress and keep a rendered page.
    pub fn put(&self, key: String, html: String) -> Arc<CachedPage> {
        let page = Arc::new(compress(html));
        if let Ok(mut pages) = self.pages.write()
            && pages.len() < MAX_ENTRIES
        {
            pages.insert(key, page.clone());
        }
        page
    }
}

fn compress(html: String) -> CachedPage {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzip = gz
        .write_all(html.as_bytes())
        .and_then(|_| gz.finish())
        .unwrap_or_default();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let br_ok =
        brotli::BrotliCompress(&mut std::io::Cursor::new(html.as_bytes()), &mut br, &params)
            .is_ok();
    CachedPage {
        identity: Bytes::from(html),
        gzip: Bytes::from(gzip),
        br: if br_ok { Bytes::from(br) } else { Bytes::new() },
    }
}

impl CachedPage {
    /// The best encoding the client accepts, as a 200 HTML answer.
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        // The same negotiation as the compression layer (`web::compress`).
        let accept = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let (body, encoding) = match negotiate(&accept) {
            Some(Encoding::Brotli) if !self.br.is_empty() => (self.br.clone(), Some("br")),
            Some(Encoding::Brotli | Encoding::Gzip) if !self.gzip.is_empty() => {
                (self.gzip.clone(), Some("gzip"))
            }
            _ => (self.identity.clone(), None),
        };
        let mut resp = (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::VARY, HeaderValue::from_static("accept-encoding")),
            ],
            body,
        )
            .into_response();
        if let Some(e) = encoding {
            resp.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_chosen_from_accept_encoding() {
        let page = compress("<p>Xin chào</p>".repeat(50));
        let mut h = HeaderMap::new();
        assert!(
            page.respond(&h)
                .headers()
                .get(header::CONTENT_ENCODING)
                .is_none()
        );
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate"),
        );
        assert_eq!(page.respond(&h).headers()[header::CONTENT_ENCODING], "gzip");
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br"),
        );
        assert_eq!(page.respond(&h).headers()[header::CONTENT_ENCODING], "br");
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("br;q=0, gzip"),
        );
        assert_eq!(page.respond(&h).headers()[header::CONTENT_ENCODING], "gzip");
        let mut d = flate2::read::GzDecoder::new(&page.gzip[..]);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut d, &mut s).expect("gunzip");
        assert_eq!(s.as_bytes(), &page.identity[..]);
    }
}
