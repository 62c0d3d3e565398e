//! Venues, classes, sessions, registrations (with the waitlist), attendance, results, card codes.
use crate::db::{Db, DbResult, Tx, new_id, now, q};
use crate::stats::{StatEvent, metric};

use super::model::{NewClass, NewVenue, RESULTS};

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Venue {
    pub id: String,
    pub commune_code: String,
    pub kind: String,
    pub name: String,
    pub address: String,
    pub capacity: Option<i64>,
    pub equipment: String,
}

const VENUE_COLS: &str = "id, commune_code, kind, name, address, capacity, equipment";

pub(crate) async fn insert_venue(tx: &mut Tx, v: &NewVenue, by: &str) -> DbResult<String> {
    let id = new_id();
    let t = now();
    tx.execute(
        q("INSERT INTO venues (id, commune_code, kind, name, name_key, address, capacity, equipment, created_by,
               created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)")
        .bind(&id)
        .bind(&v.commune)
        .bind(&v.kind)
        .bind(&v.name)
        .bind(vntext::normalize(&v.name))
        .bind(&v.address)
        .bind(v.capacity)
        .bind(&v.equipment)
        .bind(by)
        .bind(t),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn update_venue(tx: &mut Tx, id: &str, v: &NewVenue) -> DbResult<u64> {
    tx.execute(
        q("UPDATE venues SET kind = $1, name = $2, name_key = $3, address = $4, capacity = $5, equipment = $6,
               updated_at = $7 WHERE id = $8")
        .bind(&v.kind)
        .bind(&v.name)
        .bind(vntext::normalize(&v.name))
        .bind(&v.address)
        .bind(v.capacity)
        .bind(&v.equipment)
        .bind(now())
        .bind(id),
    )
    .await
}

pub(crate) async fn venues_of(db: &Db, commune: &str) -> DbResult<Vec<Venue>> {
    db.fetch_all(
        q(format!(
            "SELECT {VENUE_COLS} FROM venues WHERE commune_code = $1 ORDER BY name_key"
        ))
        .bind(commune),
    )
    .await
}

pub(crate) async fn get_venue(db: &Db, id: &str) -> DbResult<Option<Venue>> {
    db.fetch_optional(q(format!("SELECT {VENUE_COLS} FROM venues WHERE id = $1")).bind(id))
        .await
}

/// A class with what every page about it shows.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Class {
    pub id: String,
    pub code: String,
    pub commune_code: String,
    pub commune_name: String,
    #[serde(skip)]
    pub commune_path: String,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    pub venue_id: Option<String>,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub venue_kind: Option<String>,
    pub title: String,
    pub courses: String,
    pub mode: String,
    pub meeting_url: Option<String>,
    pub how_to_join: String,
    pub target_group: String,
    pub capacity: i64,
    pub status: String,
    /// Sessions a learner must attend to pass, as set; None = all sessions but one.
    pub min_attendance: Option<i64>,
    pub registered: i64,
    pub waitlisted: i64,
    /// Start of the next session that has not ended yet.
    pub next_start: Option<i64>,
}

impl Class {
    pub(crate) fn course_list(&self) -> Vec<&str> {
        self.courses.split(' ').filter(|s| !s.is_empty()).collect()
    }
    pub(crate) fn seats_left(&self) -> i64 {
        (self.capacity - self.registered).max(0)
    }
    pub(crate) fn is_online(&self) -> bool {
        self.mode == "online"
    }
}

/// `$1` is "now" (for the next session).
const CLASS_SELECT: &str = "SELECT c.id, c.code, c.commune_code, cu.name AS commune_name, cu.path AS commune_path,
       c.village_code, vu.name AS village_name, c.venue_id, v.name AS venue_name, v.address AS venue_address,
       v.kind AS venue_kind, c.title, c.courses, c.mode, c.meeting_url, c.how_to_join, c.target_group,
       c.capacity, c.status, c.min_attendance,
       (SELECT COUNT(*) FROM class_registrations r WHERE r.class_id = c.id AND r.status = 'registered') AS registered,
       (SELECT COUNT(*) FROM class_registrations r WHERE r.class_id = c.id AND r.status = 'waitlisted') AS waitlisted,
       (SELECT MIN(s.starts_at) FROM class_sessions s WHERE s.class_id = c.id
           AND s.starts_at + s.duration_minutes * 60 >= $1) AS next_start
  FROM classes c JOIN units cu ON cu.code = c.commune_code
  LEFT JOIN units vu ON vu.code = c.village_code
  LEFT JOIN venues v ON v.id = c.venue_id";

pub(crate) async fn insert_class(
    tx: &mut Tx,
    c: &NewClass,
    code: &str,
    by: &str,
) -> DbResult<String> {
    let id = new_id();
    let t = now();
    tx.execute(
        q("INSERT INTO classes (id, code, commune_code, village_code, venue_id, title, courses, mode, meeting_url,
               how_to_join, target_group, capacity, status, created_by, created_at, updated_at, min_attendance)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)")
        .bind(&id)
        .bind(code)
        .bind(&c.commune)
        .bind(c.village.clone())
        .bind(c.venue_id.clone())
        .bind(&c.title)
        .bind(&c.courses)
        .bind(&c.mode)
        .bind(c.meeting_url.clone())
        .bind(&c.how_to_join)
        .bind(&c.target_group)
        .bind(c.capacity)
        .bind(&c.status)
        .bind(by)
        .bind(t)
        .bind(c.min_attendance),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn update_class(tx: &mut Tx, id: &str, c: &NewClass) -> DbResult<u64> {
    tx.execute(
        q("UPDATE classes SET village_code = $1, venue_id = $2, title = $3, courses = $4, mode = $5,
               meeting_url = $6, how_to_join = $7, target_group = $8, capacity = $9, status = $10, updated_at = $11,
               min_attendance = $13
           WHERE id = $12")
        .bind(c.village.clone())
        .bind(c.venue_id.clone())
        .bind(&c.title)
        .bind(&c.courses)
        .bind(&c.mode)
        .bind(c.meeting_url.clone())
        .bind(&c.how_to_join)
        .bind(&c.target_group)
        .bind(c.capacity)
        .bind(&c.status)
        .bind(now())
        .bind(id)
        .bind(c.min_attendance),
    )
    .await
}

pub(crate) async fn class_by_code(db: &Db, code: &str) -> DbResult<Option<Class>> {
    db.fetch_optional(
        q(format!("{CLASS_SELECT} WHERE c.code = $2"))
            .bind(now())
            .bind(code),
    )
    .await
}

pub(crate) async fn class_by_id(tx: &mut Tx, id: &str) -> DbResult<Option<Class>> {
    tx.fetch_optional(
        q(format!("{CLASS_SELECT} WHERE c.id = $2"))
            .bind(now())
            .bind(id),
    )
    .await
}

/// Classes of communes under `path` (an admin's or instructor's list), newest first.
pub(crate) async fn classes_under(db: &Db, path: &str) -> DbResult<Vec<Class>> {
    db.fetch_all(
        q(format!(
            "{CLASS_SELECT} WHERE cu.path LIKE $2 ORDER BY c.created_at DESC, c.id LIMIT 500"
        ))
        .bind(now())
        .bind(format!("{path}%")),
    )
    .await
}

/// Classes a person teaches.
pub(crate) async fn classes_taught_by(db: &Db, person: &str) -> DbResult<Vec<Class>> {
    db.fetch_all(
        q(format!(
            "{CLASS_SELECT} JOIN class_instructors ci ON ci.class_id = c.id AND ci.person_id = $2
             ORDER BY c.created_at DESC, c.id LIMIT 500"
        ))
        .bind(now())
        .bind(person),
    )
    .await
}

/// Public search: classes of a commune (a village's own and the commune-wide ones first when a village is
/// given) that are not done or cancelled; upcoming first. `online_elsewhere` adds online classes of other
/// communes of the province, which anyone can join.
pub(crate) async fn find_upcoming(
    db: &Db,
    commune: &str,
    village: Option<&str>,
    online_elsewhere: bool,
) -> DbResult<Vec<Class>> {
    let t = now();
    let mut rows: Vec<Class> = db
        .fetch_all(
            q(format!(
                "{CLASS_SELECT} WHERE c.status IN ('planned', 'open', 'running')
                   AND (c.commune_code = $2 OR ($3 AND c.mode = 'online'))
                 ORDER BY c.created_at DESC LIMIT 300"
            ))
            .bind(t)
            .bind(commune)
            .bind(online_elsewhere),
        )
        .await?;
    // Near first (my village, then my commune, then elsewhere), then the soonest session; classes with no
    // session scheduled yet come after those with one.
    rows.sort_by_key(|c| {
        let near = match (village, c.village_code.as_deref()) {
            _ if c.commune_code != commune => 2,
            (Some(v), Some(cv)) if v == cv => 0,
            (_, None) => 0,
            _ => 1,
        };
        (
            near,
            c.next_start.is_none(),
            c.next_start.unwrap_or(i64::MAX),
        )
    });
    Ok(rows)
}

// ---- sessions ----------------------------------------------------------------------------------------

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
fn class_unit(class: &Class) -> &str {
    class.village_code.as_deref().unwrap_or(&class.commune_code)
}

/// A session counts as held once it has started and has at least one mark (present or absent: the
/// instructor was there and took the register). Counted at its start time, so it lands in the period
/// when it took place. Called after every mark; the session row is locked first so two marks arriving
/// together count it once.
async fn count_held(tx: &mut Tx, class: &Class, session: &Session, by: &str) -> DbResult<()> {
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

// ---- instructors ------------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonName {
    pub id: String,
    pub full_name: String,
}

pub(crate) async fn add_instructor(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<u64> {
    // Whether someone teaches is part of their signed-in self (it gives them "Lớp của tôi").
    crate::web::session_cache::changed(tx);
    tx.execute(
        q(
            "INSERT INTO class_instructors (class_id, person_id) VALUES ($1, $2)
           ON CONFLICT (class_id, person_id) DO NOTHING",
        )
        .bind(class_id)
        .bind(person),
    )
    .await
}

pub(crate) async fn remove_instructor(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    tx.execute(
        q("DELETE FROM class_instructors WHERE class_id = $1 AND person_id = $2")
            .bind(class_id)
            .bind(person),
    )
    .await
}

pub(crate) async fn instructors_of(db: &Db, class_id: &str) -> DbResult<Vec<PersonName>> {
    db.fetch_all(
        q("SELECT p.id, p.full_name FROM class_instructors ci JOIN people p ON p.id = ci.person_id
           WHERE ci.class_id = $1 ORDER BY p.full_name, p.id")
        .bind(class_id),
    )
    .await
}

pub(crate) async fn class_code_of(tx: &mut Tx, class_id: &str) -> DbResult<Option<String>> {
    tx.scalar(q("SELECT code FROM classes WHERE id = $1").bind(class_id))
        .await
}

pub(crate) async fn is_instructor(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q("SELECT COUNT(*) FROM class_instructors WHERE class_id = $1 AND person_id = $2")
                .bind(class_id)
                .bind(person),
        )
        .await?
        > 0)
}

// ---- registrations and the waitlist -----------------------------------------------------------------

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
async fn lock_class(tx: &mut Tx, class_id: &str) -> DbResult<()> {
    tx.execute(q("UPDATE classes SET updated_at = updated_at WHERE id = $1").bind(class_id))
        .await?;
    Ok(())
}

async fn seats_taken(tx: &mut Tx, class_id: &str) -> DbResult<i64> {
    tx.count(
        q("SELECT COUNT(*) FROM class_registrations WHERE class_id = $1 AND status = 'registered'")
            .bind(class_id),
    )
    .await
}

async fn waitlist_position(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<i64> {
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

// ---- attendance ------------------------------------------------------------------------------------

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
        super::on_class_passed(tx, class, person).await?;
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

// ---- sign-up card codes ----------------------------------------------------------------------------

/// The person's card code, created the first time it is asked for.
pub(crate) async fn card_code(db: &Db, person: &str) -> DbResult<String> {
    if let Some(c) = db
        .scalar::<String>(q("SELECT code FROM person_cards WHERE person_id = $1").bind(person))
        .await?
    {
        return Ok(c);
    }
    loop {
        let code = super::model::short_code(8);
        let r = db
            .execute(
                q(
                    "INSERT INTO person_cards (person_id, code, created_at) VALUES ($1, $2, $3)
                   ON CONFLICT (person_id) DO NOTHING",
                )
                .bind(person)
                .bind(&code)
                .bind(now()),
            )
            .await;
        match r {
            // A code collision: draw again.
            Err(e) if e.is_unique() => continue,
            Err(e) => return Err(e),
            Ok(_) => {
                return Ok(db
                    .scalar::<String>(
                        q("SELECT code FROM person_cards WHERE person_id = $1").bind(person),
                    )
                    .await?
                    .unwrap_or(code));
            }
        }
    }
}

/// Give a new person a card code inside the caller's transaction (8 characters from 31: a clash is
/// a one-in-hundreds-of-billions event, and the unique constraint would refuse it rather than mix people).
pub(crate) async fn new_card(tx: &mut Tx, person: &str) -> DbResult<()> {
    tx.execute(
        q(
            "INSERT INTO person_cards (person_id, code, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (person_id) DO NOTHING",
        )
        .bind(person)
        .bind(super::model::short_code(8))
        .bind(now()),
    )
    .await?;
    Ok(())
}

pub(crate) async fn person_by_card(tx: &mut Tx, code: &str) -> DbResult<Option<String>> {
    tx.scalar(q("SELECT person_id FROM person_cards WHERE code = $1").bind(code))
        .await
}

/// Does `instructor` teach `learner` (registered) in a class of the course `course_slug`? Then they may
/// print the learner's certificate of that course: someone without a phone has no account to download
/// it from until they claim their record.
pub(crate) async fn teaches_course_to(
    db: &Db,
    instructor: &str,
    learner: &str,
    course_slug: &str,
) -> DbResult<bool> {
    let n = db
        .count(
            q("SELECT COUNT(*) FROM class_instructors i
               JOIN class_registrations r ON r.class_id = i.class_id
               JOIN classes c ON c.id = i.class_id
               WHERE i.person_id = $1 AND r.person_id = $2 AND r.status = 'registered'
                 AND (' ' || c.courses || ' ') LIKE $3")
            .bind(instructor)
            .bind(learner)
            .bind(format!("% {} %", course_slug.replace(['%', '_', '\\'], ""))),
        )
        .await?;
    Ok(n > 0)
}
