//! Registrations and the waitlist: seats are taken in order, under a lock on the class.
use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// Has a seat.
    Seat,
    /// Class full: on the waitlist at this position (1 = next).
    Waitlist(i64),
    /// Already registered or waitlisted; nothing changed.
    Already,
}

/// Take the class row's lock for the rest of the transaction. On PostgreSQL the no-op UPDATE locks the
/// row, so two registrations for the last seat queue instead of both taking it; SQLite's BEGIN
/// IMMEDIATE already serialises writers.
pub(super) async fn lock_class(tx: &mut Tx, class_id: &str) -> DbResult<()> {
    tx.execute(q("UPDATE classes SET updated_at = updated_at WHERE id = $1").bind(class_id))
        .await?;
    Ok(())
}

pub(super) async fn seats_taken(tx: &mut Tx, class_id: &str) -> DbResult<i64> {
    tx.count(
        q("SELECT COUNT(*) FROM class_registrations WHERE class_id = $1 AND status = 'registered'")
            .bind(class_id),
    )
    .await
}

pub(super) async fn waitlist_position(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<i64> {
    tx.count(
        q(
            "SELECT COUNT(*) FROM class_registrations w JOIN class_registrations me
             ON me.class_id = w.class_id AND me.person_id = $2
           WHERE w.class_id = $1 AND w.status = 'waitlisted'
             AND (w.queued_at < me.queued_at OR (w.queued_at = me.queued_at AND w.id <= me.id))",
        )
        .bind(class_id)
        .bind(person),
    )
    .await
}

/// Register `person` (by themselves or by `by` on their behalf): a seat while there is one, else the
/// waitlist. A cancelled registration is revived at the back of the queue.
pub(crate) async fn register(
    tx: &mut Tx,
    class_id: &str,
    capacity: i64,
    person: &str,
    by: Option<&str>,
) -> DbResult<Registered> {
    lock_class(tx, class_id).await?;
    let existing: Option<(String,)> = tx
        .fetch_optional(
            q("SELECT status FROM class_registrations WHERE class_id = $1 AND person_id = $2")
                .bind(class_id)
                .bind(person),
        )
        .await?;
    if matches!(&existing, Some((s,)) if s != "cancelled") {
        return Ok(Registered::Already);
    }
    let status = if seats_taken(tx, class_id).await? < capacity {
        "registered"
    } else {
        "waitlisted"
    };
    let t = now();
    if existing.is_some() {
        tx.execute(
            q("UPDATE class_registrations SET status = $1, queued_at = $2, registered_by = $3, updated_at = $2,
                   notice = NULL
               WHERE class_id = $4 AND person_id = $5")
            .bind(status)
            .bind(t)
            .bind(by)
            .bind(class_id)
            .bind(person),
        )
        .await?;
    } else {
        tx.execute(
            q("INSERT INTO class_registrations (id, class_id, person_id, status, queued_at, registered_by,
                   created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $5, $5)")
            .bind(new_id())
            .bind(class_id)
            .bind(person)
            .bind(status)
            .bind(t)
            .bind(by),
        )
        .await?;
    }
    if status == "registered" {
        Ok(Registered::Seat)
    } else {
        Ok(Registered::Waitlist(
            waitlist_position(tx, class_id, person).await?,
        ))
    }
}

/// Cancel a registration; when it held a seat, the first person waiting gets it. Returns whether
/// anything was cancelled and who was promoted. `by` is who cancelled: when it is not the person, their
/// account page tells them.
pub(crate) async fn cancel(
    tx: &mut Tx,
    class_id: &str,
    capacity: i64,
    person: &str,
    by: &str,
) -> DbResult<(bool, Option<String>)> {
    lock_class(tx, class_id).await?;
    let notice = (by != person).then_some("cancelled");
    let changed = tx
        .execute(
            q(
                "UPDATE class_registrations SET status = 'cancelled', updated_at = $1, notice = $4
               WHERE class_id = $2 AND person_id = $3 AND status <> 'cancelled'",
            )
            .bind(now())
            .bind(class_id)
            .bind(person)
            .bind(notice),
        )
        .await?;
    if changed == 0 {
        return Ok((false, None));
    }
    Ok((true, promote(tx, class_id, capacity).await?))
}

/// Fill free seats from the head of the waitlist (after a cancellation or a capacity increase).
pub(crate) async fn promote(
    tx: &mut Tx,
    class_id: &str,
    capacity: i64,
) -> DbResult<Option<String>> {
    let mut first = None;
    while seats_taken(tx, class_id).await? < capacity {
        let next: Option<(String, String)> = tx
            .fetch_optional(
                q("SELECT id, person_id FROM class_registrations WHERE class_id = $1 AND status = 'waitlisted'
                   ORDER BY queued_at, id LIMIT 1")
                .bind(class_id),
            )
            .await?;
        let Some((reg_id, person_id)) = next else {
            break;
        };
        tx.execute(
            q("UPDATE class_registrations SET status = 'registered', updated_at = $1, notice = 'promoted'
               WHERE id = $2")
                .bind(now())
                .bind(&reg_id),
        )
        .await?;
        first.get_or_insert(person_id);
    }
    Ok(first)
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Registration {
    pub person_id: String,
    pub full_name: String,
    pub has_phone: bool,
    pub status: String,
    pub queued_at: i64,
    pub registered_by_name: Option<String>,
    pub attended: i64,
    pub result: Option<String>,
    pub quiz_passed: Option<bool>,
    /// For someone registered on their behalf who has no account yet: the code they type at sign-up
    /// to make this record their account.
    pub claim_code: Option<String>,
    /// A valid certificate of a course this class teaches, for the instructor to print (a learner
    /// without a phone has no account to download it from yet).
    pub certificate_code: Option<String>,
}

/// Everyone registered or waiting, seats first, then the queue in order.
pub(crate) async fn registrations_of(db: &Db, class_id: &str) -> DbResult<Vec<Registration>> {
    db.fetch_all(
        q("SELECT r.person_id, p.full_name, (p.phone IS NOT NULL) AS has_phone, r.status, r.queued_at,
                  b.full_name AS registered_by_name,
                  (SELECT COUNT(*) FROM class_attendance a JOIN class_sessions s ON s.id = a.session_id
                    WHERE s.class_id = r.class_id AND a.person_id = r.person_id AND a.present) AS attended,
                  res.result, res.quiz_passed,
                  CASE WHEN p.password_hash IS NULL THEN pc.code END AS claim_code,
                  (SELECT MIN(x.code) FROM certificates x JOIN courses co ON co.id = x.course_id
                    JOIN classes k ON k.id = r.class_id
                    WHERE x.person_id = r.person_id AND x.revoked_at IS NULL
                      AND (' ' || k.courses || ' ') LIKE ('% ' || co.slug || ' %')) AS certificate_code
           FROM class_registrations r JOIN people p ON p.id = r.person_id
           LEFT JOIN person_cards pc ON pc.person_id = r.person_id
           LEFT JOIN people b ON b.id = r.registered_by AND r.registered_by <> r.person_id
           LEFT JOIN class_results res ON res.class_id = r.class_id AND res.person_id = r.person_id
           WHERE r.class_id = $1 AND r.status <> 'cancelled'
           ORDER BY CASE r.status WHEN 'registered' THEN 0 ELSE 1 END, r.queued_at, r.id")
        .bind(class_id),
    )
    .await
}

/// A person's status in a class and their waitlist position.
pub(crate) async fn my_registration(
    tx: &mut Tx,
    class_id: &str,
    person: &str,
) -> DbResult<Option<(String, i64)>> {
    let status: Option<String> = tx
        .scalar(
            q("SELECT status FROM class_registrations WHERE class_id = $1 AND person_id = $2 AND status <> 'cancelled'")
                .bind(class_id)
                .bind(person),
        )
        .await?;
    match status {
        Some(s) if s == "waitlisted" => {
            let pos = waitlist_position(tx, class_id, person).await?;
            Ok(Some((s, pos)))
        }
        Some(s) => Ok(Some((s, 0))),
        None => Ok(None),
    }
}

pub(crate) async fn is_registered(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q(
                "SELECT COUNT(*) FROM class_registrations WHERE class_id = $1 AND person_id = $2
               AND status = 'registered'",
            )
            .bind(class_id)
            .bind(person),
        )
        .await?
        > 0)
}

/// Classes a person is registered or waiting in (their own page).
pub(crate) async fn classes_of_person(db: &Db, person: &str) -> DbResult<Vec<Class>> {
    db.fetch_all(
        q(format!(
            "{CLASS_SELECT} JOIN class_registrations mr ON mr.class_id = c.id AND mr.person_id = $2
               AND mr.status <> 'cancelled'
             ORDER BY c.created_at DESC LIMIT 100"
        ))
        .bind(now())
        .bind(person),
    )
    .await
}
