//! The statements behind the shared web kit: sessions and the roles they carry (`auth`), the
//! fixed-window counters (`ratelimit`) and the form receipts (`once`).
use super::auth::{RoleScope, SessionPerson};
use crate::db::{Db, DbResult, Exec, Tx, q};

// ---- sessions ----

pub(crate) async fn insert_session(
    tx: &mut Tx,
    token_hash: &str,
    person_id: &str,
    t: i64,
    expires_at: i64,
) -> DbResult<()> {
    tx.execute(
        q(
            "INSERT INTO sessions (token_hash, person_id, created_at, expires_at, last_seen_at)
           VALUES ($1, $2, $3, $4, $3)",
        )
        .bind(token_hash)
        .bind(person_id)
        .bind(t)
        .bind(expires_at),
    )
    .await?;
    Ok(())
}

pub(crate) async fn delete_expired_sessions(tx: &mut Tx, t: i64) -> DbResult<()> {
    tx.execute(q("DELETE FROM sessions WHERE expires_at < $1").bind(t))
        .await?;
    Ok(())
}

pub(crate) async fn delete_session(ex: impl Exec, token_hash: &str) -> DbResult<()> {
    ex.execute(q("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash))
        .await?;
    Ok(())
}

pub(crate) async fn delete_sessions_but(
    tx: &mut Tx,
    person_id: &str,
    keep_hash: &str,
) -> DbResult<()> {
    tx.execute(
        q("DELETE FROM sessions WHERE person_id = $1 AND token_hash <> $2")
            .bind(person_id)
            .bind(keep_hash),
    )
    .await?;
    Ok(())
}

/// The person behind a live session.
pub(crate) async fn session_person(
    db: &Db,
    token_hash: &str,
    t: i64,
) -> DbResult<Option<SessionPerson>> {
    db.fetch_optional(
        q(
            "SELECT p.id, p.full_name, p.phone, p.unit_code, p.must_change_password, s.created_at,
                  s.last_seen_at, s.expires_at
           FROM sessions s JOIN people p ON p.id = s.person_id
           WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(t),
    )
    .await
}

pub(crate) async fn touch_session(db: &Db, token_hash: &str, t: i64) -> DbResult<()> {
    db.execute(
        q("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(t)
            .bind(token_hash),
    )
    .await?;
    Ok(())
}

pub async fn roles_of(db: &Db, person_id: &str) -> DbResult<Vec<RoleScope>> {
    db.fetch_all(
        q("SELECT r.role, r.unit_code, u.path AS unit_path, u.name AS unit_name
           FROM roles r JOIN units u ON u.code = r.unit_code WHERE r.person_id = $1 ORDER BY u.path, r.role")
        .bind(person_id),
    )
    .await
}

/// Whether a person teaches any class (their menu then leads to their classes).
pub(crate) async fn teaches_any(db: &Db, person_id: &str) -> DbResult<bool> {
    Ok(db
        .count(q("SELECT COUNT(*) FROM class_instructors WHERE person_id = $1").bind(person_id))
        .await?
        > 0)
}

// ---- rate counters ----

/// Count one hit in `key`'s window; the hits so far in it.
pub(crate) async fn bump_counter(tx: &mut Tx, key: &str, window_start: i64) -> DbResult<i64> {
    Ok(tx
        .scalar(
            q(
                "INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, 1)
               ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1
               RETURNING hits",
            )
            .bind(key)
            .bind(window_start),
        )
        .await?
        .unwrap_or(1))
}

pub(crate) async fn delete_counters_before(tx: &mut Tx, t: i64) -> DbResult<()> {
    tx.execute(q("DELETE FROM rate_counters WHERE window_start < $1").bind(t))
        .await?;
    Ok(())
}

// ---- form receipts ----

/// Claim `client_id` for a form; false when it was already claimed.
pub(crate) async fn claim_form(
    tx: &mut Tx,
    client_id: &str,
    kind: &str,
    actor: &str,
    t: i64,
) -> DbResult<bool> {
    let n = tx
        .execute(
            q(
                "INSERT INTO form_receipts (client_id, kind, actor_id, location, created_at)
               VALUES ($1, $2, $3, '', $4) ON CONFLICT (client_id) DO NOTHING",
            )
            .bind(client_id)
            .bind(kind)
            .bind(actor)
            .bind(t),
        )
        .await?;
    Ok(n == 1)
}

/// Where `actor`'s form with this client id led ("" while unfinished).
pub(crate) async fn form_location(
    ex: impl Exec,
    client_id: &str,
    kind: &str,
    actor: &str,
) -> DbResult<Option<String>> {
    ex.scalar(
        q("SELECT location FROM form_receipts WHERE client_id = $1 AND actor_id = $2 AND kind = $3")
            .bind(client_id)
            .bind(actor)
            .bind(kind),
    )
    .await
}

pub(crate) async fn set_form_location(
    tx: &mut Tx,
    client_id: &str,
    location: &str,
) -> DbResult<()> {
    tx.execute(
        q("UPDATE form_receipts SET location = $1 WHERE client_id = $2")
            .bind(location)
            .bind(client_id),
    )
    .await?;
    Ok(())
}
