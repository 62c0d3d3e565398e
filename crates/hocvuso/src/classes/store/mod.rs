//! Venues and classes here; sessions, instructors, registrations (with the waitlist), attendance and
//! results, and card codes each in their own file.
use crate::db::{Db, DbResult, Tx, new_id, now, q};
use crate::stats::{StatEvent, metric};

use super::model::{NewClass, NewVenue, RESULTS};

mod attendance;
mod cards;
mod instructors;
mod registrations;
mod sessions;

pub(crate) use attendance::*;
pub(crate) use cards::*;
pub(crate) use instructors::*;
pub(crate) use registrations::*;
pub(crate) use sessions::*;

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

/// Is this class code already some class's?
pub(crate) async fn code_taken(tx: &mut Tx, code: &str) -> DbResult<bool> {
    Ok(tx
        .count(q("SELECT COUNT(*) FROM classes WHERE code = $1").bind(code))
        .await?
        > 0)
}

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
