//! Everything the platform holds about one person, for their own download (right of access and
//! portability, Law 91/2025/QH15): the person, roles, classes and attendance, results, certificates,
//! lesson progress, team membership, what volunteers recorded on their behalf, and who looked at it.
//! One query per kind of fact; each table that names a person is listed here, so a new one is missed
//! only by someone who also skips the test that compares this list with the schema.
use serde::Serialize;

use crate::db::{Db, DbResult, q};

#[derive(Serialize, sqlx::FromRow)]
struct ClassRow {
    class_code: String,
    class_title: String,
    status: String,
    registered_at: i64,
}

#[derive(Serialize, sqlx::FromRow)]
struct AttendanceRow {
    class_code: String,
    session_starts_at: i64,
    present: bool,
}

#[derive(Serialize, sqlx::FromRow)]
struct ResultRow {
    class_code: String,
    result: String,
    note: String,
    recorded_at: i64,
}

#[derive(Serialize, sqlx::FromRow)]
struct CertificateRow {
    code: String,
    course_title: String,
    full_name: String,
    via: String,
    issued_at: i64,
    revoked_at: Option<i64>,
}

#[derive(Serialize, sqlx::FromRow)]
struct ProgressRow {
    course: String,
    lesson: String,
    opened_at: Option<i64>,
    passed_at: Option<i64>,
    best_percent: i64,
    attempts: i64,
}

#[derive(Serialize, sqlx::FromRow)]
struct MembershipRow {
    team: String,
    role: String,
    joined_on: String,
    left_on: Option<String>,
    publish_contact: bool,
}

#[derive(Serialize, sqlx::FromRow)]
struct ActedForRow {
    actor_name: String,
    action: String,
    detail: String,
    at: i64,
}

#[derive(Serialize, sqlx::FromRow)]
struct CardRow {
    code: String,
    created_at: i64,
}

/// The facts about `person_id` beyond the person row, roles and access log (which the caller adds).
pub(crate) async fn facts_about(db: &Db, person_id: &str) -> DbResult<serde_json::Value> {
    let classes: Vec<ClassRow> = db
        .fetch_all(
            q("SELECT c.code AS class_code, c.title AS class_title, r.status, r.created_at AS registered_at
               FROM class_registrations r JOIN classes c ON c.id = r.class_id
               WHERE r.person_id = $1 ORDER BY r.created_at")
            .bind(person_id),
        )
        .await?;
    let attendance: Vec<AttendanceRow> = db
        .fetch_all(
            q(
                "SELECT c.code AS class_code, s.starts_at AS session_starts_at, a.present
               FROM class_attendance a JOIN class_sessions s ON s.id = a.session_id
               JOIN classes c ON c.id = s.class_id
               WHERE a.person_id = $1 ORDER BY s.starts_at",
            )
            .bind(person_id),
        )
        .await?;
    let results: Vec<ResultRow> = db
        .fetch_all(
            q(
                "SELECT c.code AS class_code, r.result, r.note, r.recorded_at
               FROM class_results r JOIN classes c ON c.id = r.class_id
               WHERE r.person_id = $1 ORDER BY r.recorded_at",
            )
            .bind(person_id),
        )
        .await?;
    let certificates: Vec<CertificateRow> = db
        .fetch_all(
            q(
                "SELECT code, course_title, full_name, via, issued_at, revoked_at FROM certificates
               WHERE person_id = $1 ORDER BY issued_at",
            )
            .bind(person_id),
        )
        .await?;
    let progress: Vec<ProgressRow> = db
        .fetch_all(
            q("SELECT c.slug AS course, l.slug AS lesson, p.opened_at, p.passed_at, p.best_percent, p.attempts
               FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id JOIN courses c ON c.id = l.course_id
               WHERE p.person_id = $1 ORDER BY c.slug, l.slug")
            .bind(person_id),
        )
        .await?;
    let teams: Vec<MembershipRow> = db
        .fetch_all(
            q(
                "SELECT t.name AS team, m.role, m.joined_on, m.left_on, m.publish_contact
               FROM team_members m JOIN teams t ON t.id = m.team_id
               WHERE m.person_id = $1 ORDER BY m.joined_on",
            )
            .bind(person_id),
        )
        .await?;
    let acted_for: Vec<ActedForRow> = db
        .fetch_all(
            q("SELECT actor_name, action, detail, at FROM acted_for WHERE person_id = $1 ORDER BY at")
                .bind(person_id),
        )
        .await?;
    let card: Option<CardRow> = db
        .fetch_optional(
            q("SELECT code, created_at FROM person_cards WHERE person_id = $1").bind(person_id),
        )
        .await?;
    Ok(serde_json::json!({
        "classes": classes,
        "attendance": attendance,
        "class_results": results,
        "certificates": certificates,
        "lesson_progress": progress,
        "team_memberships": teams,
        "recorded_on_your_behalf": acted_for,
        "learner_card": card,
    }))
}
