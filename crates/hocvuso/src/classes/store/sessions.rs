//! A class's sessions, and counting a session held.
use super::*;

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub class_id: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub held_at: Option<i64>,
}

impl Session {
    pub(crate) fn ends_at(&self) -> i64 {
        self.starts_at + self.duration_minutes * 60
    }

    /// Has the session begun (by the server's clock)? Attendance is taken from then on.
    pub(crate) fn started(&self, at: i64) -> bool {
        self.starts_at <= at
    }
}

pub(crate) async fn add_session(
    tx: &mut Tx,
    class_id: &str,
    starts_at: i64,
    minutes: i64,
) -> DbResult<String> {
    let id = new_id();
    tx.execute(
        q("INSERT INTO class_sessions (id, class_id, starts_at, duration_minutes) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(class_id)
            .bind(starts_at)
            .bind(minutes),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn delete_session(tx: &mut Tx, class_id: &str, session_id: &str) -> DbResult<u64> {
    tx.execute(
        q("DELETE FROM class_sessions WHERE id = $1 AND class_id = $2 AND held_at IS NULL")
            .bind(session_id)
            .bind(class_id),
    )
    .await
}

pub(crate) async fn sessions_of(db: &Db, class_id: &str) -> DbResult<Vec<Session>> {
    db.fetch_all(
        q(
            "SELECT id, class_id, starts_at, duration_minutes, held_at FROM class_sessions
           WHERE class_id = $1 ORDER BY starts_at, id",
        )
        .bind(class_id),
    )
    .await
}

pub(crate) async fn session(tx: &mut Tx, id: &str) -> DbResult<Option<Session>> {
    tx.fetch_optional(
        q("SELECT id, class_id, starts_at, duration_minutes, held_at FROM class_sessions WHERE id = $1")
            .bind(id),
    )
    .await
}

/// Where a class's figures count: its village, else its commune.
pub(super) fn class_unit(class: &Class) -> &str {
    class.village_code.as_deref().unwrap_or(&class.commune_code)
}

/// A session counts as held once it has started and has at least one mark (present or absent: the
/// instructor was there and took the register). Counted at its start time, so it lands in the period
/// when it took place. Called after every mark; the session row is locked first so two marks arriving
/// together count it once.
pub(super) async fn count_held(
    tx: &mut Tx,
    class: &Class,
    session: &Session,
    by: &str,
) -> DbResult<()> {
    let t = now();
    tx.execute(
        q("UPDATE class_sessions SET held_at = COALESCE(held_at, $1), held_by = COALESCE(held_by, $2)
           WHERE id = $3 AND starts_at <= $1
             AND EXISTS (SELECT 1 FROM class_attendance a WHERE a.session_id = class_sessions.id)")
        .bind(t)
        .bind(by)
        .bind(&session.id),
    )
    .await?;
    let source = crate::stats::source::held(&session.id);
    if session.starts_at <= t {
        crate::stats::count(
            tx,
            &source,
            StatEvent {
                metric: metric::CLASS_HELD,
                unit_code: class_unit(class),
                person_id: None,
                value: 1,
                at: session.starts_at,
            },
            None,
        )
        .await?;
    }
    Ok(())
}
