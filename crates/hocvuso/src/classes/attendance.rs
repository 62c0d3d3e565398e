//! Attendance on a phone: one tap per learner, or a typed/scanned card code. The same rules run for a
//! plain form post and for an item of an offline sync batch ([`apply`]).
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::manage::managed_class;
use super::model::{ScannedCode, parse_scanned};
use super::store::{self, Class, Mark, Registration, Session};
use crate::db::Tx;
use crate::error::FieldError;
use crate::sync::receipts::Applied;
use crate::web::auth::{CurrentUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::fields::Fields;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

/// Who a scanned certificate code belongs to (a valid, unrevoked certificate), via learning's store.
pub async fn person_by_certificate(tx: &mut Tx, code: &str) -> AppResult<Option<String>> {
    Ok(crate::learning::certificates::person_by_code(tx, code).await?)
}

/// Record one attendance mark: `session`, and `person` or `code`, and `present` (default yes).
pub(crate) async fn apply(
    tx: &mut Tx,
    user: &SessionUser,
    f: &Fields,
    device_time: i64,
) -> AppResult<Applied> {
    let sid = f.get("session");
    if uuid::Uuid::parse_str(sid).is_err() {
        return Err(AppError::field("session", "field-choose"));
    }
    let session = store::session(tx, sid)
        .await?
        .ok_or_else(|| AppError::field("session", "sync-not-found"))?;
    let class = store::class_by_id(tx, &session.class_id)
        .await?
        .ok_or_else(|| AppError::field("session", "sync-not-found"))?;
    if !user.can_admin(&class.commune_path)
        && !store::is_instructor(tx, &class.id, &user.id).await?
    {
        return Err(AppError::field("session", "sync-forbidden"));
    }
    // A register is taken at a session, not before it: a mark on a future session would count a class
    // that has not happened (and its attendance). Refused with the reason, so the instructor can wait.
    if !session.started(crate::db::now()) {
        return Err(AppError::field("session", "class-session-not-started"));
    }
    let person = match (f.get("person"), f.get("code")) {
        // A person is named by id; anything else (a NUL byte, a name) is refused here, before any
        // statement, identically on both databases.
        (p, _) if !p.is_empty() => match uuid::Uuid::parse_str(p) {
            Ok(u) => u.hyphenated().to_string(),
            Err(_) => return Err(AppError::field("person", "field-choose")),
        },
        (_, c) if !c.is_empty() => match parse_scanned(c) {
            Some(ScannedCode::Card(code)) => store::person_by_card(tx, &code).await?,
            Some(ScannedCode::Certificate(code)) => person_by_certificate(tx, &code).await?,
            None => None,
        }
        .ok_or_else(|| AppError::field("code", "class-code-unknown"))?,
        _ => return Err(AppError::field("person", "field-required")),
    };
    if !store::is_registered(tx, &class.id, &person).await? {
        return Err(AppError::field("person", "class-not-registered"));
    }
    let present = !matches!(f.get("present"), "no" | "false" | "0");
    let mark = store::set_attendance(
        tx,
        &class,
        &session,
        &person,
        present,
        &user.id,
        device_time,
    )
    .await?;
    let record = format!("{}:{}", session.id, person);
    Ok(match mark {
        Mark::Applied => Applied::Created(record),
        Mark::Superseded => Applied::Superseded(record),
    })
}

#[derive(Template)]
#[template(path = "classes/attendance.html")]
struct AttendancePage {
    page: Page,
    class: Class,
    session: Session,
    number: usize,
    learners: Vec<(Registration, Option<bool>, String, String)>,
    present: usize,
    me: String,
    client_id: String,
    notice: String,
}

async fn load_session(state: &AppState, class: &Class, sid: &str) -> AppResult<(Session, usize)> {
    let sessions = store::sessions_of(&state.db, &class.id).await?;
    sessions
        .into_iter()
        .enumerate()
        .find(|(_, s)| s.id == sid)
        .map(|(i, s)| (s, i + 1))
        .ok_or(AppError::NotFound)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    kq: String,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path((code, sid)): Path<(String, String)>,
    axum::extract::Query(nq): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    let class = managed_class(&state, &user, &code).await?;
    let (session, number) = load_session(&state, &class, &sid).await?;
    let marks = store::attendance_of(&state.db, &session.id).await?;
    let learners: Vec<_> = store::registrations_of(&state.db, &class.id)
        .await?
        .into_iter()
        .filter(|r| r.status == "registered")
        .map(|r| {
            let m = marks
                .iter()
                .find(|m| m.person_id == r.person_id)
                .map(|m| m.present);
            (r, m, crate::db::new_id(), crate::db::new_id())
        })
        .collect();
    let present = learners
        .iter()
        .filter(|(_, m, _, _)| *m == Some(true))
        .count();
    let notice = match nq.kq.as_str() {
        "ok" => "class-attendance-saved".to_owned(),
        _ => String::new(),
    };
    Ok(render(&AttendancePage {
        page,
        class,
        session,
        number,
        learners,
        present,
        me: user.id.clone(),
        client_id: crate::db::new_id(),
        notice,
    }))
}

/// A plain (no-JavaScript) attendance post; it goes through the same receipts as sync, so a double tap
/// or a resubmitted form records nothing twice.
pub(crate) async fn mark(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((code, sid)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut f = Fields::from_pairs(pairs);
    f.set("session", &sid);
    submit(&state, &user, &code, &sid, f).await
}

pub(crate) async fn mark_by_code(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((code, sid)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut f = Fields::from_pairs(pairs);
    f.set("session", &sid);
    f.set("present", "yes");
    submit(&state, &user, &code, &sid, f).await
}

async fn submit(
    state: &AppState,
    user: &SessionUser,
    code: &str,
    sid: &str,
    f: Fields,
) -> AppResult<Response> {
    // Scope first, so a stranger gets 404 rather than a field error.
    managed_class(state, user, code).await?;
    let client_id = f.get("client_id").to_owned();
    let outcome =
        crate::sync::apply_one(state, user, "attendance", &client_id, crate::db::now(), &f).await?;
    if let crate::sync::receipts::ItemStatus::Rejected = outcome.status {
        let errors: Vec<FieldError> = outcome.field_errors;
        return Err(AppError::Invalid(errors));
    }
    Ok(Redirect::to(&format!("/quan-ly/lop/{code}/buoi/{sid}?kq=ok")).into_response())
}
