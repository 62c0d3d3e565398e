//! A rendered page kept in memory, compressed once in every encoding a phone may accept, with an
//! `ETag` so a browser that has it already gets `304 Not Modified` and no body over a weak line.
use crate::web::bounded::BoundedLru;
use std::io::Write;
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
pub(crate) fn changed(tx: &mut Tx) {
    tx.after_commit(|| {
        EDITS.fetch_add(1, Ordering::AcqRel);
    });
}

struct Stored<T> {
    /// The caller's version of the data the page shows (e.g. the aggregates' version).
    version: i64,
    edits: u64,
    built: Instant,
    page: Arc<T>,
    /// When a request set out to build the newer answer, while this one is still served to others.
    rebuilding: Option<Instant>,
}

/// What [`Store::lookup`] found.
pub enum Lookup<T> {
    /// The answer for this version.
    Fresh(Arc<T>),
    /// An older answer, served while another request builds the new one: when phones sync, the
    /// figures move every few seconds, and every reader rebuilding the same page at once took the
    /// cores from everyone (a p99 of 70 ms where the median was 4 ms).
    Stale(Arc<T>),
    /// Nothing to serve: the caller builds the answer and [`Store::keep`]s it.
    Build,
}

/// A builder that has not delivered by then (an error, a dropped request) hands the turn to the next.
const REBUILD_TURN: Duration = Duration::from_secs(2);

/// What a [`Store`] keeps is bounded by the bytes it holds.
pub trait Weighed {
    fn size(&self) -> usize;
}

/// Rendered public answers by address, each valid for one data version; pages are [`PageStore`].
pub struct Store<T> {
    pages: Mutex<(BoundedLru<String, Stored<T>>, usize)>,
}

/// Visitors' HTML pages, compressed once.
pub type PageStore = Store<CachedPage>;

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            pages: Mutex::new((BoundedLru::new(4096), 0)),
        }
    }
}

impl<T: Weighed> Store<T> {
    /// The answer kept for `key`, if it is fresh (the tests' view of [`Store::lookup`]).
    #[cfg(test)]
    fn get(&self, key: &str, version: i64) -> Option<Arc<T>> {
        match self.lookup(key, version, false) {
            Lookup::Fresh(page) => Some(page),
            Lookup::Stale(_) | Lookup::Build => None,
        }
    }

    /// The answer kept for `key` if it was built from data `version` (`Fresh`). When it is out of date and another request is already
    /// building the new one, `share_stale` lets this request have the old one meanwhile. The first
    /// request to find it out of date is told to build; so is any request when nothing is kept.
    pub(crate) fn lookup(&self, key: &str, version: i64, share_stale: bool) -> Lookup<T> {
        let Ok(mut guard) = self.pages.lock() else {
            return Lookup::Build;
        };
        let (pages, _) = &mut *guard;
        let Some(s) = pages.get_mut(key) else {
            return Lookup::Build;
        };
        if s.version == version
            && s.edits == EDITS.load(Ordering::Acquire)
            && s.built.elapsed() < EDIT_BOUND
        {
            return Lookup::Fresh(s.page.clone());
        }
        match s.rebuilding {
            Some(at) if share_stale && at.elapsed() < REBUILD_TURN => Lookup::Stale(s.page.clone()),
            _ => {
                s.rebuilding = Some(Instant::now());
                Lookup::Build
            }
        }
    }

    /// Keep an answer built from data `version`; `edits` is [`edits`] read before building.
    pub(crate) fn keep(&self, key: String, version: i64, edits: u64, page: T) -> Arc<T> {
        let page = Arc::new(page);
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
                    rebuilding: None,
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
}

impl Store<CachedPage> {
    /// Keep a page built from data `version`; `edits` is [`edits`] read before building.
    pub(crate) fn put(
        &self,
        key: String,
        version: i64,
        edits: u64,
        html: String,
    ) -> Arc<CachedPage> {
        self.keep(key, version, edits, CachedPage::new_quick(html))
    }
}

/// The edit counter to pass to [`Store::keep`], read before the data.
pub(crate) fn edits() -> u64 {
    EDITS.load(Ordering::Acquire)
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
    pub(crate) fn new(html: String) -> CachedPage {
        Self::compressed(html, 9, 11)
    }

    /// Compress at middle levels: pages rebuilt whenever the figures move (every few seconds while
    /// phones sync), where the best levels would cost more than they save.
    pub(crate) fn new_quick(html: String) -> CachedPage {
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
    pub(crate) fn etagged(headers: &HeaderMap, html: String) -> Response {
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

    /// `304` when the browser already holds these bytes; otherwise the best encoding it accepts, as a
    /// 200 HTML answer.
    pub(crate) fn respond(&self, headers: &HeaderMap) -> Response {
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

impl Weighed for CachedPage {
    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.br.len()
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

    struct Answer(&'static str);
    impl Weighed for Answer {
        fn size(&self) -> usize {
            self.0.len()
        }
    }

    fn said(l: Lookup<Answer>) -> String {
        match l {
            Lookup::Fresh(a) => format!("fresh {}", a.0),
            Lookup::Stale(a) => format!("stale {}", a.0),
            Lookup::Build => "build".into(),
        }
    }

    #[test]
    fn one_request_rebuilds_while_the_others_share_the_old_answer() {
        let store = Store::<Answer>::default();
        assert_eq!(said(store.lookup("k", 1, true)), "build");
        // Nothing kept yet: a second reader cannot be given anything, so it builds too.
        assert_eq!(said(store.lookup("k", 1, true)), "build");
        store.keep("k".into(), 1, edits(), Answer("v1"));
        assert_eq!(said(store.lookup("k", 1, true)), "fresh v1");
        // The figures moved: the first reader builds, the others get v1 meanwhile.
        assert_eq!(said(store.lookup("k", 2, true)), "build");
        assert_eq!(said(store.lookup("k", 2, true)), "stale v1");
        assert_eq!(said(store.lookup("k", 2, true)), "stale v1");
        // A caller that must not see old data never gets it.
        assert!(store.get("k", 2).is_none());
        store.keep("k".into(), 2, edits(), Answer("v2"));
        assert_eq!(said(store.lookup("k", 2, true)), "fresh v2");
        assert_eq!(store.get("k", 2).map(|a| a.0), Some("v2"));
    }

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
