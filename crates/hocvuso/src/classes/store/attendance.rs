//! Attendance at sessions, and the result each learner reached.
use super::*;

/// Outcome of an attendance mark: applied, or older than a mark already stored (last device time wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Applied,
    Superseded,
}

/// Set a learner's presence at a session. The newest mark by device time wins. The figure follows the
/// mark: present counts one attendance (at the session's start), a correction to absent takes it back.
/// Callers refuse marks on a session that has not started ([`Session::started`]).
pub(crate) async fn set_attendance(
    tx: &mut Tx,
    class: &Class,
    session: &Session,
    person: &str,
    present: bool,
    by: &str,
    device_time: i64,
) -> DbResult<Mark> {
    let t = now();
    let session_id = session.id.as_str();
    // One upsert on the natural key (session, person): two phones marking the same learner at once
    // queue on the key; a mark older than the stored one changes nothing (0 rows).
    let written = tx
        .execute(
            q("INSERT INTO class_attendance (session_id, person_id, present, counted, marked_by, device_time, updated_at)
               VALUES ($1, $2, $3, $3, $4, $5, $6)
               ON CONFLICT (session_id, person_id) DO UPDATE SET present = excluded.present,
                 counted = excluded.counted, marked_by = excluded.marked_by,
                 device_time = excluded.device_time, updated_at = excluded.updated_at
               WHERE class_attendance.device_time <= excluded.device_time")
            .bind(session_id)
            .bind(person)
            .bind(present)
            .bind(by)
            .bind(device_time)
            .bind(t),
        )
        .await?;
    if written == 0 {
        return Ok(Mark::Superseded);
    }
    let source = crate::stats::source::attendance(session_id, person);
    if present {
        crate::stats::count(
            tx,
            &source,
            StatEvent {
                metric: metric::CLASS_ATTENDANCE,
                unit_code: class_unit(class),
                person_id: Some(person),
                value: 1,
                at: session.starts_at,
            },
            None,
        )
        .await?;
    } else {
        crate::stats::uncount(tx, &source).await?;
    }
    count_held(tx, class, session, by).await?;
    Ok(Mark::Applied)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttendanceRow {
    pub person_id: String,
    pub present: bool,
}

pub(crate) async fn attendance_of(db: &Db, session_id: &str) -> DbResult<Vec<AttendanceRow>> {
    db.fetch_all(
        q("SELECT person_id, present FROM class_attendance WHERE session_id = $1").bind(session_id),
    )
    .await
}

// ---- results ---------------------------------------------------------------------------------------

/// Record a learner's result. "passed" needs the learner to have attended and passed the course quiz in
/// class; then [`super::on_class_passed`] runs in the same transaction.
pub(crate) async fn record_result(
    tx: &mut Tx,
    class: &Class,
    person: &str,
    result: &str,
    quiz_passed: bool,
    note: &str,
    by: &str,
) -> DbResult<()> {
    debug_assert!(RESULTS.contains(&result));
    tx.execute(
        q("INSERT INTO class_results (class_id, person_id, result, quiz_passed, note, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (class_id, person_id) DO UPDATE SET result = excluded.result,
             quiz_passed = excluded.quiz_passed, note = excluded.note, recorded_by = excluded.recorded_by,
             recorded_at = excluded.recorded_at")
        .bind(&class.id)
        .bind(person)
        .bind(result)
        .bind(quiz_passed)
        .bind(note)
        .bind(by)
        .bind(now()),
    )
    .await?;
    if result == "passed" {
        crate::classes::on_class_passed(tx, class, person).await?;
    }
    Ok(())
}

/// Sessions a learner must attend to pass: the class's own minimum, else every session but one (at
/// least one). A missed session is common (harvest, illness); more than one means the course was not
/// followed.
pub(crate) async fn required_attendance(db: &Db, class: &Class) -> DbResult<i64> {
    if let Some(n) = class.min_attendance {
        return Ok(n.max(1));
    }
    let sessions = db
        .count(q("SELECT COUNT(*) FROM class_sessions WHERE class_id = $1").bind(&class.id))
        .await?;
    Ok((sessions - 1).max(1))
}

pub(crate) async fn sessions_attended(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<i64> {
    tx.count(
        q(
            "SELECT COUNT(*) FROM class_attendance a JOIN class_sessions s ON s.id = a.session_id
           WHERE s.class_id = $1 AND a.person_id = $2 AND a.present",
        )
        .bind(class_id)
        .bind(person),
    )
    .await
}
