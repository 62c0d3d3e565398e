//! Lesson pages as visitors see them, rendered and compressed once, then served from memory.
//!
//! A visitor's lesson page holds nothing personal (the quiz form needs no token when nobody is signed
//! in: a visitor's answers are only scored, never stored), so the same bytes serve every visitor with
//! the same language and text size. Entries are dropped when the content version in the database moves
//! (content import, local-course edits): this process drops them at once (the edit's commit tells it),
//! other servers within a second.
use crate::web::bounded::BoundedLru;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use axum::http::header;
use axum::response::Response;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;

use crate::AppState;
use crate::db::{Db, DbResult, Tx};
use crate::i18n::Lang;
use crate::web::cached_page::{CachedPage, Weighed};
use crate::web::stitched::Stitched;

/// Beyond this many bytes of pages nothing more is cached (bounded memory whatever the traffic). The
/// national courses in every language and text size take about 6 MB; a province's own courses add to it.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// How stale another server's edit may be seen here.
const CHECK_EVERY_MS: i64 = 1_000;

/// A signed-in learner's lesson page: the same for every learner but for the CSRF token and the quiz
/// form's fresh id, which are stitched in per answer (`web::stitched`).
pub struct SignedLesson {
    pub page: Stitched,
    pub lesson_id: String,
}

/// The holes of a [`SignedLesson`], in the order `respond` takes their values.
pub const CSRF_MARK: &str = "hvmarkcsrf0d1f";
pub const FORM_ID_MARK: &str = "hvmarkformid7c2e";

/// Lessons people are known to have opened. Opening is for good (progress is never taken back; an
/// erased person has no session left to ask with), so a remembered "yes" never goes stale and a repeat
/// view needs no query at all. About 150 bytes an entry.
pub struct OpenedLessons(std::sync::Mutex<BoundedLru<(String, String), ()>>);

impl Default for OpenedLessons {
    fn default() -> Self {
        OpenedLessons(std::sync::Mutex::new(BoundedLru::new(16_384)))
    }
}

impl OpenedLessons {
    pub(crate) fn contains(&self, person: &str, lesson: &str) -> bool {
        self.0
            .lock()
            .is_ok_and(|mut m| m.get(&(person.to_owned(), lesson.to_owned())).is_some())
    }

    pub(crate) fn insert(&self, person: &str, lesson: &str) {
        if let Ok(mut m) = self.0.lock() {
            m.put((person.to_owned(), lesson.to_owned()), ());
        }
    }
}

#[derive(Default)]
pub struct PageCache {
    pub opened: OpenedLessons,
    pages: RwLock<HashMap<String, Arc<CachedPage>>>,
    signed: RwLock<HashMap<String, Arc<SignedLesson>>>,
    /// What `pages` and `signed` hold, in bytes.
    bytes: AtomicUsize,
    version: AtomicI64,
    checked_at_ms: AtomicI64,
    edits_seen: AtomicU64,
}

fn now_ms() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos() as i64 / 1_000_000
}

/// Content edits committed in this process (imports, admin edits): every cache here looks at the
/// database's version on its next read instead of waiting out `CHECK_EVERY_MS`.
static EDITS_HERE: AtomicU64 = AtomicU64::new(0);

/// Bump the content version inside a write that changes what lesson pages show.
pub(crate) async fn bump_version(tx: &mut Tx) -> DbResult<()> {
    super::store::bump_content_version(tx).await?;
    tx.after_commit(|| {
        EDITS_HERE.fetch_add(1, Ordering::AcqRel);
    });
    Ok(())
}

/// The cache key of a visitor's lesson page: language, text size, course and lesson.
pub(crate) fn visitor_key(lang: Lang, text_size: u8, course: &str, lesson: &str) -> String {
    format!("{}|{text_size}|{course}|{lesson}", lang.code())
}

/// Outermost layer: a `GET /hoc/{course}/{lesson}` with no cookie at all (a visitor who has chosen no
/// language or text size, the first visit from a search or a shared link) whose page is cached is
/// answered here, before request ids, logs, CSRF and the rest of the stack: the answer is the same
/// bytes for everyone and needs none of them. It carries the same security headers. Anything else,
/// and any miss, goes down the normal path, which fills the cache.
pub(crate) async fn visitor_fast_path(
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
    pub(crate) fn invalidate(&self) {
        self.clear();
        self.checked_at_ms.store(0, Ordering::Relaxed);
    }

    async fn ensure_fresh(&self, db: &Db) -> DbResult<()> {
        let now = now_ms();
        let edits = EDITS_HERE.load(Ordering::Acquire);
        if now - self.checked_at_ms.load(Ordering::Relaxed) < CHECK_EVERY_MS
            && self.edits_seen.load(Ordering::Acquire) == edits
        {
            return Ok(());
        }
        self.edits_seen.store(edits, Ordering::Release);
        let version = super::store::content_version(db).await?;
        if self.version.swap(version, Ordering::Relaxed) != version {
            self.clear();
        }
        self.checked_at_ms.store(now, Ordering::Relaxed);
        Ok(())
    }

    fn clear(&self) {
        let (Ok(mut pages), Ok(mut signed)) = (self.pages.write(), self.signed.write()) else {
            return;
        };
        pages.clear();
        signed.clear();
        self.bytes.store(0, Ordering::Relaxed);
    }

    pub(crate) async fn get_signed(
        &self,
        db: &Db,
        key: &str,
    ) -> DbResult<Option<Arc<SignedLesson>>> {
        self.ensure_fresh(db).await?;
        Ok(self
            .signed
            .read()
            .ok()
            .and_then(|signed| signed.get(key).cloned()))
    }

    pub(crate) fn put_signed(&self, key: String, lesson: SignedLesson) -> Arc<SignedLesson> {
        let key_len = key.len();
        let lesson = Arc::new(lesson);
        if let Ok(mut signed) = self.signed.write()
            && self.admit(lesson.page.size() + key_len)
            && let Some(old) = signed.insert(key, lesson.clone())
        {
            self.bytes
                .fetch_sub(old.page.size() + key_len, Ordering::Relaxed);
        }
        lesson
    }

    /// Count `size` more bytes if they fit under [`MAX_BYTES`].
    fn admit(&self, size: usize) -> bool {
        self.bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                (held + size <= MAX_BYTES).then_some(held + size)
            })
            .is_ok()
    }

    pub(crate) async fn get(&self, db: &Db, key: &str) -> DbResult<Option<Arc<CachedPage>>> {
        self.ensure_fresh(db).await?;
        let page = self
            .pages
            .read()
            .ok()
            .and_then(|pages| pages.get(key).cloned());
        crate::telemetry::metrics::cache("lesson_pages", page.is_some());
        Ok(page)
    }

    /// Compress and keep a rendered page.
    pub(crate) fn put(&self, key: String, html: String) -> Arc<CachedPage> {
        let page = Arc::new(CachedPage::new(html));
        let key_len = key.len();
        if let Ok(mut pages) = self.pages.write()
            && self.admit(page.size() + key_len)
            && let Some(old) = pages.insert(key, page.clone())
        {
            self.bytes
                .fetch_sub(old.size() + key_len, Ordering::Relaxed);
        }
        page
    }
}
