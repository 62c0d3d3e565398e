//! The one door through which capabilities report countable events (a sign-up, a lesson opened, a
//! certificate, a class attendance, a team activity, a scam report…). Reports build their aggregates
//! from these rows; capabilities never write report tables themselves.
//!
//! `emit` runs inside the caller's transaction, so an event exists exactly when the thing it counts does.
use crate::db::{DbResult, Tx, new_id, q};

/// Metric names (stable: reports and open data use them).
pub mod metric {
    pub const PERSON_REGISTERED: &str = "person_registered";
    pub const LESSON_OPENED: &str = "lesson_opened";
    pub const LESSON_COMPLETED: &str = "lesson_completed";
    pub const COURSE_COMPLETED: &str = "course_completed";
    pub const CERTIFICATE_ISSUED: &str = "certificate_issued";
    pub const CLASS_HELD: &str = "class_held";
    pub const CLASS_ATTENDANCE: &str = "class_attendance";
    pub const TEAM_ACTIVITY: &str = "team_activity";
    pub const HOUSEHOLD_CHECK: &str = "household_check";
    pub const SCAM_REPORT: &str = "scam_report";
}

/// One countable event. `person_id` is set when the event is a person's (dimensions are then read from
/// them); `unit_code` is where it happened (a village or commune).
pub struct StatEvent<'a> {
    pub metric: &'a str,
    pub unit_code: &'a str,
    pub person_id: Option<&'a str>,
    pub value: i64,
    pub at: i64,
}

/// Record an event inside the caller's transaction. The person's target group, sex, birth year and
/// minority status are copied in, so aggregates never need personal data later.
pub async fn emit(tx: &mut Tx, ev: StatEvent<'_>) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO stat_events (id, metric, unit_code, unit_path, person_id, target_group, sex, birth_year,
               ethnic_minority, value, at)
           SELECT $1, $2, u.code, u.path, p.id, p.target_group, p.sex, p.birth_year,
                  CASE WHEN p.ethnic_group IS NULL THEN NULL WHEN p.ethnic_group = 'Kinh' THEN 0 ELSE 1 END, $3, $4
           FROM units u LEFT JOIN people p ON p.id = $5
           WHERE u.code = $6")
        .bind(new_id())
        .bind(ev.metric)
        .bind(ev.value)
        .bind(ev.at)
        .bind(ev.person_id)
        .bind(ev.unit_code),
    )
    .await?;
    Ok(())
}
