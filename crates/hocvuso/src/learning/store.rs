//! Learning's SQL: courses and lessons, progress, client ids of replayable writes, certificates,
//! images. No HTTP here.
use content::Question;

use super::model::{CourseInput, LessonText};

use crate::db::{Db, DbResult, Exec, Tx, new_id, q};

const COURSE_COLS: &str = "c.id, c.slug, c.title, c.summary, c.topic, c.level, c.audiences, c.framework, \
     c.position, c.pass_percent, c.source, c.published, c.search_key, c.updated_at, \
     (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id AND l.published = TRUE) AS lesson_count";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourseRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub topic: String,
    pub level: String,
    pub audiences: String,
    pub framework: String,
    pub position: i64,
    pub pass_percent: i64,
    pub source: String,
    pub published: bool,
    pub search_key: String,
    pub updated_at: i64,
    pub lesson_count: i64,
}

impl CourseRow {
    pub(crate) fn audience_list(&self) -> Vec<&str> {
        self.audiences.split_whitespace().collect()
    }

    pub(crate) fn has_audience(&self, a: &str) -> bool {
        self.audiences.contains(&format!(" {a} "))
    }

    pub(crate) fn url(&self) -> String {
        format!("/hoc/{}", self.slug)
    }

    pub(crate) fn is_local(&self) -> bool {
        self.source == "local"
    }
}

const LESSON_COLS: &str =
    "id, course_id, slug, position, title, summary, quiz, reading_minutes, published";

/// A lesson without its body: for lists.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonMeta {
    pub id: String,
    pub course_id: String,
    pub slug: String,
    pub position: i64,
    pub title: String,
    pub summary: String,
    pub quiz: String,
    pub reading_minutes: i64,
    pub published: bool,
}

impl LessonMeta {
    pub(crate) fn has_quiz(&self) -> bool {
        self.quiz.trim() != "[]"
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonRow {
    pub id: String,
    pub course_id: String,
    pub slug: String,
    pub position: i64,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub body_html: String,
    pub quiz: String,
    pub reading_minutes: i64,
    pub published: bool,
}

impl LessonRow {
    pub(crate) fn questions(&self) -> Vec<Question> {
        parse_questions(&self.quiz)
    }
}

pub(crate) fn parse_questions(json: &str) -> Vec<Question> {
    serde_json::from_str(json).unwrap_or_default()
}

pub(crate) async fn published_courses(db: &Db) -> DbResult<Vec<CourseRow>> {
    db.fetch_all(q(format!(
        "SELECT {COURSE_COLS} FROM courses c WHERE c.published = TRUE ORDER BY c.position, c.slug"
    )))
    .await
}

pub(crate) async fn all_courses(db: &Db) -> DbResult<Vec<CourseRow>> {
    db.fetch_all(q(format!(
        "SELECT {COURSE_COLS} FROM courses c ORDER BY c.published DESC, c.position, c.slug"
    )))
    .await
}

pub(crate) async fn course_by_slug(ex: impl Exec, slug: &str) -> DbResult<Option<CourseRow>> {
    ex.fetch_optional(
        q(format!(
            "SELECT {COURSE_COLS} FROM courses c WHERE c.slug = $1"
        ))
        .bind(slug),
    )
    .await
}

pub(crate) async fn lessons_of(
    ex: impl Exec,
    course_id: &str,
    published_only: bool,
) -> DbResult<Vec<LessonMeta>> {
    ex.fetch_all(
        q(format!(
            "SELECT {LESSON_COLS} FROM lessons WHERE course_id = $1 AND (published = TRUE OR $2 = FALSE)
             ORDER BY position, slug"
        ))
        .bind(course_id)
        .bind(published_only),
    )
    .await
}

pub(crate) async fn lesson(db: &Db, course_id: &str, slug: &str) -> DbResult<Option<LessonRow>> {
    db.fetch_optional(
        q("SELECT id, course_id, slug, position, title, summary, body_md, body_html, quiz, reading_minutes, published
           FROM lessons WHERE course_id = $1 AND slug = $2")
        .bind(course_id)
        .bind(slug),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgressRow {
    pub lesson_id: String,
    pub opened_at: Option<i64>,
    pub passed_at: Option<i64>,
    pub best_percent: i64,
    pub attempts: i64,
}

/// A learner's progress rows in one course (published lessons only).
pub(crate) async fn progress_in_course(
    ex: impl Exec,
    person_id: &str,
    course_id: &str,
) -> DbResult<Vec<ProgressRow>> {
    ex.fetch_all(
        q(
            "SELECT p.lesson_id, p.opened_at, p.passed_at, p.best_percent, p.attempts
           FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
           WHERE p.person_id = $1 AND l.course_id = $2 AND l.published = TRUE",
        )
        .bind(person_id)
        .bind(course_id),
    )
    .await
}

/// Has the person opened the lesson (read on a reader connection, outside any transaction)?
pub(crate) async fn lesson_opened(db: &Db, person_id: &str, lesson_id: &str) -> DbResult<bool> {
    Ok(db
        .count(
            q("SELECT COUNT(*) FROM lesson_progress
               WHERE person_id = $1 AND lesson_id = $2 AND opened_at IS NOT NULL")
            .bind(person_id)
            .bind(lesson_id),
        )
        .await?
        > 0)
}

pub(crate) async fn progress_row(
    tx: &mut Tx,
    person_id: &str,
    lesson_id: &str,
) -> DbResult<Option<ProgressRow>> {
    tx.fetch_optional(
        q(
            "SELECT lesson_id, opened_at, passed_at, best_percent, attempts FROM lesson_progress
           WHERE person_id = $1 AND lesson_id = $2",
        )
        .bind(person_id)
        .bind(lesson_id),
    )
    .await
}

/// Mark a lesson opened (keeps the first time).
pub(crate) async fn mark_opened(
    tx: &mut Tx,
    person_id: &str,
    lesson_id: &str,
    at: i64,
) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO lesson_progress (person_id, lesson_id, opened_at, passed_at, best_percent, attempts)
           VALUES ($1, $2, $3, NULL, 0, 0)
           ON CONFLICT (person_id, lesson_id) DO UPDATE SET opened_at = COALESCE(lesson_progress.opened_at, excluded.opened_at)")
        .bind(person_id)
        .bind(lesson_id)
        .bind(at),
    )
    .await?;
    Ok(())
}

/// Record a quiz attempt: best score kept, the first pass time kept.
pub(crate) async fn record_attempt(
    tx: &mut Tx,
    person_id: &str,
    lesson_id: &str,
    percent: i64,
    passed: bool,
    at: i64,
) -> DbResult<()> {
    let passed_at = passed.then_some(at);
    tx.execute(
        q("INSERT INTO lesson_progress (person_id, lesson_id, opened_at, passed_at, best_percent, attempts)
           VALUES ($1, $2, NULL, $3, $4, 1)
           ON CONFLICT (person_id, lesson_id) DO UPDATE SET
             passed_at = COALESCE(lesson_progress.passed_at, excluded.passed_at),
             best_percent = CASE WHEN excluded.best_percent > lesson_progress.best_percent
                                 THEN excluded.best_percent ELSE lesson_progress.best_percent END,
             attempts = lesson_progress.attempts + 1")
        .bind(person_id)
        .bind(lesson_id)
        .bind(passed_at)
        .bind(percent),
    )
    .await?;
    Ok(())
}

pub(crate) async fn person_unit(
    tx: &mut Tx,
    person_id: &str,
) -> DbResult<Option<(String, String)>> {
    tx.fetch_optional(q("SELECT unit_code, full_name FROM people WHERE id = $1").bind(person_id))
        .await
}

// ---- certificates ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificateRow {
    pub id: String,
    pub code: String,
    pub person_id: String,
    pub course_id: String,
    pub course_slug: String,
    pub full_name: String,
    pub course_title: String,
    pub province_name: String,
    pub unit_code: String,
    pub via: String,
    pub issued_at: i64,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
    pub issuer_name: Option<String>,
}

impl CertificateRow {
    pub(crate) fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }

    /// The unit that issued it: the class's commune, else the province.
    pub(crate) fn issuer(&self) -> &str {
        self.issuer_name.as_deref().unwrap_or(&self.province_name)
    }
}

const CERT_COLS: &str = "x.id, x.code, x.person_id, x.course_id, c.slug AS course_slug, x.full_name, x.course_title, \
     x.province_name, x.unit_code, x.via, x.issued_at, x.revoked_at, x.revoked_reason, x.issuer_name";

pub(crate) async fn certificate_by_code(
    ex: impl Exec,
    code: &str,
) -> DbResult<Option<CertificateRow>> {
    ex.fetch_optional(
        q(format!(
            "SELECT {CERT_COLS} FROM certificates x JOIN courses c ON c.id = x.course_id WHERE x.code = $1"
        ))
        .bind(code),
    )
    .await
}

pub(crate) async fn certificates_of(db: &Db, person_id: &str) -> DbResult<Vec<CertificateRow>> {
    db.fetch_all(
        q(format!(
            "SELECT {CERT_COLS} FROM certificates x JOIN courses c ON c.id = x.course_id
             WHERE x.person_id = $1 ORDER BY x.issued_at DESC, x.code"
        ))
        .bind(person_id),
    )
    .await
}

pub(crate) async fn certificate_of(
    tx: &mut Tx,
    person_id: &str,
    course_id: &str,
) -> DbResult<Option<String>> {
    tx.scalar(
        q("SELECT code FROM certificates WHERE person_id = $1 AND course_id = $2")
            .bind(person_id)
            .bind(course_id),
    )
    .await
}

pub struct NewCertificate<'a> {
    pub code: &'a str,
    pub person_id: &'a str,
    pub course_id: &'a str,
    pub full_name: &'a str,
    pub course_title: &'a str,
    pub province_name: &'a str,
    pub unit_code: &'a str,
    pub via: &'a str,
    /// The issuing unit's name (province, or the class's commune).
    pub issuer_name: &'a str,
    pub at: i64,
}

/// Insert unless the learner already holds one for the course; true when inserted.
pub(crate) async fn insert_certificate(tx: &mut Tx, c: &NewCertificate<'_>) -> DbResult<bool> {
    let n = tx
        .execute(
            q("INSERT INTO certificates (id, code, person_id, course_id, full_name, course_title, province_name,
                 unit_code, via, issued_at, issuer_name)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
               ON CONFLICT (person_id, course_id) DO NOTHING")
            .bind(crate::db::new_id())
            .bind(c.code)
            .bind(c.person_id)
            .bind(c.course_id)
            .bind(c.full_name)
            .bind(c.course_title)
            .bind(c.province_name)
            .bind(c.unit_code)
            .bind(c.via)
            .bind(c.at)
            .bind(c.issuer_name),
        )
        .await?;
    Ok(n == 1)
}

pub(crate) async fn revoke(
    tx: &mut Tx,
    code: &str,
    reason: &str,
    by: &str,
    at: i64,
) -> DbResult<u64> {
    tx.execute(
        q(
            "UPDATE certificates SET revoked_at = $1, revoked_reason = $2, revoked_by = $3
           WHERE code = $4 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(reason)
        .bind(by)
        .bind(code),
    )
    .await
}

pub(crate) async fn person_of_certificate(tx: &mut Tx, code: &str) -> DbResult<Option<String>> {
    tx.scalar(
        q("SELECT person_id FROM certificates WHERE code = $1 AND revoked_at IS NULL").bind(code),
    )
    .await
}

/// Latest certificates issued in units under `path` (an admin's scope), newest first.
pub(crate) async fn certificates_under(
    db: &Db,
    path: &str,
    limit: i64,
) -> DbResult<Vec<CertificateRow>> {
    db.fetch_all(
        q(format!(
            "SELECT {CERT_COLS} FROM certificates x JOIN courses c ON c.id = x.course_id
             JOIN units u ON u.code = x.unit_code
             WHERE u.path LIKE $1 ORDER BY x.issued_at DESC, x.code LIMIT $2"
        ))
        .bind(format!("{path}%"))
        .bind(limit),
    )
    .await
}

pub(crate) async fn unit_path(db: &Db, code: &str) -> DbResult<Option<String>> {
    db.scalar(q("SELECT path FROM units WHERE code = $1").bind(code))
        .await
}

// ---- "my learning" ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyCourse {
    pub course_id: String,
    pub done: i64,
    pub touched: i64,
    pub last_at: i64,
}

/// Courses a learner has touched: lessons done (opened and passed, or opened without a quiz).
pub(crate) async fn my_courses(db: &Db, person_id: &str) -> DbResult<Vec<MyCourse>> {
    db.fetch_all(
        q("SELECT l.course_id,
                  CAST(SUM(CASE WHEN p.opened_at IS NOT NULL AND (p.passed_at IS NOT NULL OR l.quiz = '[]') THEN 1 ELSE 0 END) AS BIGINT) AS done,
                  COUNT(*) AS touched,
                  MAX(COALESCE(p.passed_at, p.opened_at, 0)) AS last_at
           FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
           WHERE p.person_id = $1 AND l.published = TRUE
           GROUP BY l.course_id ORDER BY last_at DESC")
        .bind(person_id),
    )
    .await
}

// ---- images ----

pub(crate) async fn insert_image(
    tx: &mut Tx,
    course_id: &str,
    jpeg: &[u8],
    width: i64,
    height: i64,
    by: &str,
    at: i64,
) -> DbResult<String> {
    let id = crate::db::new_id();
    tx.execute(
        q("INSERT INTO learning_images (id, course_id, data, bytes, width, height, created_by, created_at)
           VALUES ($1, $2, '', $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(course_id)
        .bind(jpeg)
        .bind(width)
        .bind(height)
        .bind(by)
        .bind(at),
    )
    .await?;
    Ok(id)
}

/// An image's JPEG bytes (none for an image stored before 0015 that could not be decoded).
pub(crate) async fn image(db: &Db, id: &str) -> DbResult<Option<Vec<u8>>> {
    let row: Option<(Option<Vec<u8>>,)> = db
        .fetch_optional(q("SELECT bytes FROM learning_images WHERE id = $1").bind(id))
        .await?;
    Ok(row.and_then(|(b,)| b))
}

/// Images stored as base64 text before migration 0015 and not yet converted to bytes (PostgreSQL
/// converts them in the migration itself; SQLite has no base64 decoder, so it happens on start).
pub(crate) async fn base64_images(db: &Db) -> DbResult<Vec<(String, String)>> {
    db.fetch_all(q(
        "SELECT id, data FROM learning_images WHERE bytes IS NULL",
    ))
    .await
}

pub(crate) async fn set_image_bytes(db: &Db, id: &str, jpeg: &[u8]) -> DbResult<()> {
    db.execute(
        q("UPDATE learning_images SET bytes = $1, data = '' WHERE id = $2 AND bytes IS NULL")
            .bind(jpeg)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Name of the province a person lives in (the level-1 unit above their unit).
pub(crate) async fn province_name_of(tx: &mut Tx, person_id: &str) -> DbResult<Option<String>> {
    tx.scalar(
        q(
            "SELECT pu.name FROM people p JOIN units u ON u.code = p.unit_code
           JOIN units pu ON pu.level = 1 AND u.path LIKE pu.path || '%'
           WHERE p.id = $1",
        )
        .bind(person_id),
    )
    .await
}

/// A course's search key (title, summary and its lessons' titles, folded) after any of them changed.
pub(crate) async fn refresh_search_key(tx: &mut Tx, course_id: &str) -> DbResult<()> {
    let row: Option<(String, String)> = tx
        .fetch_optional(q("SELECT title, summary FROM courses WHERE id = $1").bind(course_id))
        .await?;
    let titles: Vec<(String,)> = tx
        .fetch_all(
            q("SELECT title FROM lessons WHERE course_id = $1 ORDER BY position").bind(course_id),
        )
        .await?;
    if let Some((title, summary)) = row {
        let key = super::model::search_key(
            [title.as_str(), summary.as_str()]
                .into_iter()
                .chain(titles.iter().map(|(t,)| t.as_str())),
        );
        tx.execute(
            q("UPDATE courses SET search_key = $1 WHERE id = $2")
                .bind(key)
                .bind(course_id),
        )
        .await?;
    }
    Ok(())
}

/// Where a new local course goes: after every course.
pub(crate) async fn next_course_position(db: &Db) -> DbResult<i64> {
    Ok(db
        .scalar(q("SELECT COALESCE(MAX(position), 0) + 1 FROM courses"))
        .await?
        .unwrap_or(1000))
}

pub(crate) async fn insert_local_course(
    tx: &mut Tx,
    c: &CourseInput,
    position: i64,
    by: &str,
    at: i64,
) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO courses (id, slug, title, summary, topic, level, audiences, framework, position,
             pass_percent, source, published, search_key, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, 'local', $10, $11, $12, $13, $13)")
        .bind(crate::db::new_id())
        .bind(&c.slug)
        .bind(&c.title)
        .bind(&c.summary)
        .bind(&c.topic)
        .bind(&c.level)
        .bind(format!(" {} ", c.audiences.join(" ")))
        .bind(position)
        .bind(c.pass_percent)
        .bind(c.published)
        .bind(super::model::search_key([c.title.as_str(), c.summary.as_str()]))
        .bind(by)
        .bind(at),
    )
    .await
    .map(drop)
}

pub(crate) async fn update_local_course(
    tx: &mut Tx,
    id: &str,
    c: &CourseInput,
    at: i64,
) -> DbResult<()> {
    tx.execute(
        q("UPDATE courses SET title = $1, summary = $2, topic = $3, level = $4, audiences = $5, pass_percent = $6,
             published = $7, updated_at = $8 WHERE id = $9")
        .bind(&c.title)
        .bind(&c.summary)
        .bind(&c.topic)
        .bind(&c.level)
        .bind(format!(" {} ", c.audiences.join(" ")))
        .bind(c.pass_percent)
        .bind(c.published)
        .bind(at)
        .bind(id),
    )
    .await
    .map(drop)
}

pub(crate) async fn update_lesson(
    tx: &mut Tx,
    id: &str,
    l: &LessonText<'_>,
    at: i64,
) -> DbResult<()> {
    tx.execute(
        q(
            "UPDATE lessons SET title = $1, summary = $2, body_md = $3, body_html = $4, quiz = $5,
             reading_minutes = $6, published = $7, updated_at = $8 WHERE id = $9",
        )
        .bind(l.title)
        .bind(l.summary)
        .bind(l.body_md)
        .bind(l.body_html)
        .bind(l.quiz_json)
        .bind(l.reading_minutes)
        .bind(l.published)
        .bind(at)
        .bind(id),
    )
    .await
    .map(drop)
}

/// A new lesson, placed after the course's others.
pub(crate) async fn insert_lesson(
    tx: &mut Tx,
    course_id: &str,
    slug: &str,
    l: &LessonText<'_>,
    at: i64,
) -> DbResult<()> {
    let position: i64 = tx
        .scalar(
            q("SELECT COALESCE(MAX(position), 0) + 1 FROM lessons WHERE course_id = $1")
                .bind(course_id),
        )
        .await?
        .unwrap_or(1);
    tx.execute(
        q("INSERT INTO lessons (id, course_id, slug, position, title, summary, body_md, body_html, quiz,
             reading_minutes, published, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(crate::db::new_id())
        .bind(course_id)
        .bind(slug)
        .bind(position)
        .bind(l.title)
        .bind(l.summary)
        .bind(l.body_md)
        .bind(l.body_html)
        .bind(l.quiz_json)
        .bind(l.reading_minutes)
        .bind(l.published)
        .bind(at),
    )
    .await
    .map(drop)
}

// ---- content version (what cached lesson pages are checked against) ----

pub(crate) async fn bump_content_version(tx: &mut Tx) -> DbResult<()> {
    tx.execute(q(
        "UPDATE learning_version SET version = version + 1 WHERE id = 1",
    ))
    .await?;
    Ok(())
}

pub(crate) async fn content_version(db: &Db) -> DbResult<i64> {
    Ok(db
        .scalar(q("SELECT version FROM learning_version WHERE id = 1"))
        .await?
        .unwrap_or(0))
}

// ---- the import of the course files ----

/// The hash of the library last imported, if any.
pub(crate) async fn last_import_hash(db: &Db) -> DbResult<Option<String>> {
    db.scalar(q("SELECT content_hash FROM learning_imports WHERE id = 1"))
        .await
}

pub(crate) async fn record_import(tx: &mut Tx, hash: &str, at: i64) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO learning_imports (id, content_hash, imported_at) VALUES (1, $1, $2)
           ON CONFLICT (id) DO UPDATE SET content_hash = excluded.content_hash, imported_at = excluded.imported_at")
        .bind(hash)
        .bind(at),
    )
    .await?;
    Ok(())
}

/// Every course's slug and source (`file` or `local`).
pub(crate) async fn course_sources(tx: &mut Tx) -> DbResult<Vec<(String, String)>> {
    tx.fetch_all(q("SELECT slug, source FROM courses")).await
}

/// Create or refresh a course from its file, published; its id.
pub(crate) async fn upsert_file_course(
    tx: &mut Tx,
    course: &content::Course,
    audiences: &str,
    search_key: &str,
    at: i64,
) -> DbResult<String> {
    Ok(tx
        .scalar(
            q("INSERT INTO courses (id, slug, title, summary, topic, level, audiences, framework, position,
                 pass_percent, source, published, search_key, created_by, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'file', TRUE, $11, NULL, $12, $12)
               ON CONFLICT (slug) DO UPDATE SET title = excluded.title, summary = excluded.summary,
                 topic = excluded.topic, level = excluded.level, audiences = excluded.audiences,
                 framework = excluded.framework, position = excluded.position,
                 pass_percent = excluded.pass_percent, published = TRUE, search_key = excluded.search_key,
                 updated_at = excluded.updated_at
               RETURNING id")
            .bind(new_id())
            .bind(&course.slug)
            .bind(&course.title)
            .bind(&course.summary)
            .bind(course.topic.as_str())
            .bind(course.level.as_str())
            .bind(audiences)
            .bind(course.framework.join(" "))
            .bind(i64::from(course.order))
            .bind(i64::from(course.pass_percent))
            .bind(search_key)
            .bind(at),
        )
        .await?
        .unwrap_or_default())
}

pub(crate) async fn unpublish_course(tx: &mut Tx, slug: &str, at: i64) -> DbResult<u64> {
    tx.execute(
        q("UPDATE courses SET published = FALSE, updated_at = $1 WHERE slug = $2 AND published = TRUE")
            .bind(at)
            .bind(slug),
    )
    .await
}

pub(crate) async fn lesson_slugs(tx: &mut Tx, course_id: &str) -> DbResult<Vec<String>> {
    let rows: Vec<(String,)> = tx
        .fetch_all(q("SELECT slug FROM lessons WHERE course_id = $1").bind(course_id))
        .await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// Create or refresh a lesson from its file, published, at `position`.
pub(crate) async fn upsert_file_lesson(
    tx: &mut Tx,
    course_id: &str,
    lesson: &content::Lesson,
    position: i64,
    at: i64,
) -> DbResult<()> {
    let quiz = serde_json::to_string(&lesson.quiz).unwrap_or_else(|_| "[]".into());
    tx.execute(
        q("INSERT INTO lessons (id, course_id, slug, position, title, summary, body_md, body_html, quiz,
             reading_minutes, published, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11)
           ON CONFLICT (course_id, slug) DO UPDATE SET position = excluded.position, title = excluded.title,
             summary = excluded.summary, body_md = excluded.body_md, body_html = excluded.body_html,
             quiz = excluded.quiz, reading_minutes = excluded.reading_minutes, published = TRUE,
             updated_at = excluded.updated_at")
        .bind(new_id())
        .bind(course_id)
        .bind(&lesson.slug)
        .bind(position)
        .bind(&lesson.title)
        .bind(&lesson.summary)
        .bind(&lesson.body_md)
        .bind(content::render_markdown(&lesson.body_md))
        .bind(quiz)
        .bind(i64::from(lesson.reading_minutes.max(1)))
        .bind(at),
    )
    .await?;
    Ok(())
}

pub(crate) async fn unpublish_lesson(
    tx: &mut Tx,
    course_id: &str,
    slug: &str,
    at: i64,
) -> DbResult<u64> {
    tx.execute(
        q("UPDATE lessons SET published = FALSE, updated_at = $1
           WHERE course_id = $2 AND slug = $3 AND published = TRUE")
        .bind(at)
        .bind(course_id)
        .bind(slug),
    )
    .await
}
