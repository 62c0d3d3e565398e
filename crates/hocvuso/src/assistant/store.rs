//! Unanswered questions, FAQ entries written on the platform, and the version counter.
use crate::db::{Db, DbResult, Tx, new_id, now, q};

/// How many distinct questions the admin page lists at once.
pub const GAP_PAGE: i64 = 100;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Gap {
    pub id: String,
    pub question: String,
    pub asked: i64,
    pub near: String,
    pub status: String,
    pub first_at: i64,
    pub last_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublishedFaq {
    pub slug: String,
    pub q: String,
    /// One alternative wording a line.
    pub alt: String,
    pub a: String,
    /// `course/lesson` links, one a line.
    pub lessons: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

impl PublishedFaq {
    pub fn alt_list(&self) -> Vec<String> {
        lines(&self.alt)
    }
    pub fn lesson_list(&self) -> Vec<String> {
        lines(&self.lessons)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Draft {
    pub id: String,
    pub slug: String,
    pub q: String,
    pub alt: String,
    pub a: String,
    pub lessons: String,
    pub status: String,
    pub gap_id: Option<String>,
    pub updated_at: i64,
}

impl Draft {
    pub fn alt_list(&self) -> Vec<String> {
        lines(&self.alt)
    }
    pub fn lesson_list(&self) -> Vec<String> {
        lines(&self.lessons)
    }
}

pub async fn faq_version(db: &Db) -> DbResult<i64> {
    Ok(db
        .scalar::<i64>(q("SELECT faq FROM assistant_versions WHERE id = 1"))
        .await?
        .unwrap_or(0))
}

pub async fn published(db: &Db) -> DbResult<Vec<PublishedFaq>> {
    db.fetch_all(q(
        "SELECT slug, q, alt, a, lessons FROM assistant_faq WHERE status = 'published' ORDER BY created_at, slug",
    ))
    .await
}

/// Count one more asking of an unanswered question (already redacted), grouped by `key`.
pub async fn log_gap(db: &Db, key: &str, question: &str, near: &str) -> DbResult<()> {
    let t = now();
    db.execute(
        q("INSERT INTO assistant_gaps (id, question_key, question, asked, near, status, first_at, last_at)
           VALUES ($1, $2, $3, 1, $4, 'open', $5, $5)
           ON CONFLICT (question_key) DO UPDATE SET asked = assistant_gaps.asked + 1, last_at = $5")
        .bind(new_id())
        .bind(key)
        .bind(question)
        .bind(near)
        .bind(t),
    )
    .await?;
    Ok(())
}

/// Open gaps, most asked first.
pub async fn open_gaps(db: &Db) -> DbResult<(Vec<Gap>, i64)> {
    let rows = db
        .fetch_all(
            q(
                "SELECT id, question, asked, near, status, first_at, last_at FROM assistant_gaps
               WHERE status = 'open' ORDER BY asked DESC, last_at DESC, id LIMIT $1",
            )
            .bind(GAP_PAGE),
        )
        .await?;
    let total = db
        .count(q(
            "SELECT COUNT(*) FROM assistant_gaps WHERE status = 'open'",
        ))
        .await?;
    Ok((rows, total))
}

pub async fn gap(db: &Db, id: &str) -> DbResult<Option<Gap>> {
    db.fetch_optional(
        q("SELECT id, question, asked, near, status, first_at, last_at FROM assistant_gaps WHERE id = $1")
            .bind(id),
    )
    .await
}

pub async fn set_gap_status(tx: &mut Tx, id: &str, status: &str, by: &str) -> DbResult<u64> {
    tx.execute(
        q("UPDATE assistant_gaps SET status = $2, decided_by = $3 WHERE id = $1")
            .bind(id)
            .bind(status)
            .bind(by),
    )
    .await
}

const DRAFT_COLS: &str = "id, slug, q, alt, a, lessons, status, gap_id, updated_at";

pub async fn drafts(db: &Db) -> DbResult<Vec<Draft>> {
    db.fetch_all(q(format!(
        "SELECT {DRAFT_COLS} FROM assistant_faq ORDER BY status, updated_at DESC, slug LIMIT 500"
    )))
    .await
}

pub async fn draft(db: &Db, id: &str) -> DbResult<Option<Draft>> {
    db.fetch_optional(
        q(format!(
            "SELECT {DRAFT_COLS} FROM assistant_faq WHERE id = $1"
        ))
        .bind(id),
    )
    .await
}

pub async fn slug_taken(tx: &mut Tx, slug: &str, except: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q("SELECT COUNT(*) FROM assistant_faq WHERE slug = $1 AND id <> $2")
                .bind(slug)
                .bind(except),
        )
        .await?
        > 0)
}

pub struct DraftInput<'a> {
    pub slug: &'a str,
    pub q: &'a str,
    pub alt: &'a str,
    pub a: &'a str,
    pub lessons: &'a str,
    pub published: bool,
}

/// Insert (id `None`) or update an entry; bumps the version when a published entry is involved.
pub async fn save_draft(
    tx: &mut Tx,
    id: Option<&str>,
    gap_id: Option<&str>,
    d: &DraftInput<'_>,
    by: &str,
) -> DbResult<String> {
    let t = now();
    let status = if d.published { "published" } else { "draft" };
    let was_published = match id {
        Some(id) => {
            tx.count(
                q("SELECT COUNT(*) FROM assistant_faq WHERE id = $1 AND status = 'published'")
                    .bind(id),
            )
            .await?
                > 0
        }
        None => false,
    };
    let id = match id {
        Some(id) => {
            tx.execute(
                q("UPDATE assistant_faq SET slug = $2, q = $3, alt = $4, a = $5, lessons = $6, status = $7,
                     updated_by = $8, updated_at = $9 WHERE id = $1")
                .bind(id)
                .bind(d.slug)
                .bind(d.q)
                .bind(d.alt)
                .bind(d.a)
                .bind(d.lessons)
                .bind(status)
                .bind(by)
                .bind(t),
            )
            .await?;
            id.to_owned()
        }
        None => {
            let id = new_id();
            tx.execute(
                q("INSERT INTO assistant_faq (id, slug, q, alt, a, lessons, status, gap_id, updated_by, created_at, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)")
                .bind(&id)
                .bind(d.slug)
                .bind(d.q)
                .bind(d.alt)
                .bind(d.a)
                .bind(d.lessons)
                .bind(status)
                .bind(gap_id)
                .bind(by)
                .bind(t),
            )
            .await?;
            id
        }
    };
    if d.published || was_published {
        bump(tx).await?;
    }
    Ok(id)
}

pub async fn delete_draft(tx: &mut Tx, id: &str) -> DbResult<u64> {
    let was_published = tx
        .count(
            q("SELECT COUNT(*) FROM assistant_faq WHERE id = $1 AND status = 'published'").bind(id),
        )
        .await?
        > 0;
    let n = tx
        .execute(q("DELETE FROM assistant_faq WHERE id = $1").bind(id))
        .await?;
    if was_published {
        bump(tx).await?;
    }
    Ok(n)
}

async fn bump(tx: &mut Tx) -> DbResult<()> {
    tx.execute(q(
        "UPDATE assistant_versions SET faq = faq + 1 WHERE id = 1",
    ))
    .await?;
    Ok(())
}
