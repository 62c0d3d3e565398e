//! A rendered page kept in memory, compressed once in every encoding a phone may accept, with an
//! `ETag` so a browser that has it already gets `304 Not Modified` and no body over a weak line.
use std::io::Write;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::compress::{Encoding, negotiate};
use crate::db::Tx;

/// Moved after every commit that edits what public pages show by hand (units, indicators): pages
/// built before are dropped at once on this server.
static EDITS: AtomicU64 = AtomicU64::new(0);
/// How long another server may serve a page from before such an edit (it has no way to hear of it).
pub const EDIT_BOUND: Duration = Duration::from_secs(10);
/// Pages are kept by the bytes they hold, not by their number.
const MAX_BYTES: usize = 8 * 1024 * 1024;

/// Mark `tx` as an edit of what public pages show.
pub fn changed(tx: &mut Tx) {
    tx.after_commit(|| {
        EDITS.fetch_add(1, Ordering::AcqRel);
    });
}

struct Stored {
    /// The caller's version of the data the page shows (e.g. the aggregates' version).
    version: i64,
    edits: u64,
    built: Instant,
    page: Arc<CachedPage>,
}

/// Rendered public pages by address, each valid for one data version.
pub struct PageStore {
    pages: Mutex<(lru::LruCache<String, Stored>, usize)>,
}

impl Default for PageStore {
    fn default() -> Self {
        PageStore {
            pages: Mutex::new((
                lru::LruCache::new(NonZeroUsize::new(4096).unwrap_or(NonZeroUsize::MIN)),
                0,
            )),
        }
    }
}

impl PageStore {
    /// The page kept for `key`, if it was built from data `version` and no edit has happened since.
    pub fn get(&self, key: &str, version: i64) -> Option<Arc<CachedPage>> {
        let mut guard = self.pages.lock().ok()?;
        let (pages, bytes) = &mut *guard;
        let s = pages.get(key)?;
        if s.version == version
            && s.edits == EDITS.load(Ordering::Acquire)
            && s.built.elapsed() < EDIT_BOUND
        {
            return Some(s.page.clone());
        }
        if let Some(old) = pages.pop(key) {
            *bytes -= old.page.size();
        }
        None
    }

    /// Keep a page built from data `version`; `edits` is [`PageStore::edits`] read before building.
    pub fn put(&self, key: String, version: i64, edits: u64, html: String) -> Arc<CachedPage> {
        let page = Arc::new(CachedPage::new_quick(html));
        if let Ok(mut guard) = self.pages.lock() {
            let (pages, bytes) = &mut *guard;
            *bytes += page.size();
            if let Some((_, old)) = pages.push(
                key,
                Stored {
                    version,
                    edits,
                    built: Instant::now(),
                    page: page.clone(),
                },
            ) {
                *bytes -= old.page.size();
            }
            while *bytes > MAX_BYTES {
                match pages.pop_lru() {
                    Some((_, old)) => *bytes -= old.page.size(),
                    None => break,
                }
            }
        }
        page
    }

    /// The edit counter to pass to [`PageStore::put`], read before the data.
    pub fn edits() -> u64 {
        EDITS.load(Ordering::Acquire)
    }
}

pub struct CachedPage {
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
    etag: HeaderValue,
}

impl CachedPage {
    /// Compress `html` at the highest levels: paid once, served many times (lesson pages, which change
    /// only with the content).
    pub fn new(html: String) -> CachedPage {
        Self::compressed(html, 9, 11)
    }

    /// Compress at middle levels: pages rebuilt whenever the figures move (every few seconds while
    /// phones sync), where the best levels would cost more than they save.
    pub fn new_quick(html: String) -> CachedPage {
        Self::compressed(html, 6, 5)
    }

    fn compressed(html: String, gzip_level: u32, brotli_quality: i32) -> CachedPage {
        let mut gz =
            flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(gzip_level));
        let gzip = gz
            .write_all(html.as_bytes())
            .and_then(|_| gz.finish())
            .unwrap_or_default();
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: brotli_quality,
            lgwin: 22,
            ..Default::default()
        };
        let br_ok =
            brotli::BrotliCompress(&mut std::io::Cursor::new(html.as_bytes()), &mut br, &params)
                .is_ok();
        let etag = etag_of(&html);
        CachedPage {
            identity: Bytes::from(html),
            gzip: Bytes::from(gzip),
            br: if br_ok { Bytes::from(br) } else { Bytes::new() },
            etag,
        }
    }

    /// A page rendered for one person: not kept, but still answered `304` when the browser holds the
    /// same bytes (administrators reopen their dashboard often over weak lines).
    pub fn etagged(headers: &HeaderMap, html: String) -> Response {
        let etag = etag_of(&html);
        if not_modified(headers, &etag) {
            return not_modified_response(etag);
        }
        let mut resp = (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            html,
        )
            .into_response();
        resp.headers_mut().insert(header::ETAG, etag);
        resp
    }

    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.br.len()
    }

    /// `304` when the browser already holds these bytes; otherwise the best encoding it accepts, as a
    /// 200 HTML answer.
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        if not_modified(headers, &self.etag) {
            return not_modified_response(self.etag.clone());
        }
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
                (header::ETAG, self.etag.clone()),
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

fn etag_of(html: &str) -> HeaderValue {
    let digest = Sha256::digest(html.as_bytes());
    HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

fn not_modified(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/").as_bytes() == etag.as_bytes()
        })
}

fn not_modified_response(etag: HeaderValue) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NOT_MODIFIED;
    resp.headers_mut().insert(header::ETAG, etag);
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_chosen_from_accept_encoding() {
        let page = CachedPage::new("<p>Xin chào</p>".repeat(50));
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

    #[test]
    fn a_browser_holding_the_page_gets_304_without_a_body() {
        let page = CachedPage::new("<p>Số liệu</p>".into());
        let etag = page.respond(&HeaderMap::new()).headers()[header::ETAG].clone();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, etag.clone());
        assert_eq!(page.respond(&h).status(), StatusCode::NOT_MODIFIED);
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(page.respond(&h).status(), StatusCode::OK);
        let other = CachedPage::new("<p>Số liệu mới</p>".into());
        assert_ne!(
            other.respond(&HeaderMap::new()).headers()[header::ETAG],
            etag
        );
    }
}
