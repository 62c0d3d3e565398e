//! Joining a team by invitation: a manager invites a phone number that already belongs to someone, and
//! that person becomes a member (and a volunteer of the team's unit) only when they accept.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{store, team_for};
use crate::people::store::{self as people, INVITE_MEMBER};
use crate::web::auth::CurrentUser;
use crate::web::csrf::CsrfForm;
use crate::{AppError, AppResult, AppState};

#[derive(serde::Deserialize)]
pub struct Empty {}

/// A manager withdraws an invitation not yet accepted.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, inv)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let (team, manages) = team_for(&state, &user, &id).await?;
    if !manages {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    if people::withdraw_invitation(&mut tx, &inv, INVITE_MEMBER, &team.id).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/to/{}", team.id)).into_response())
}

/// The invited person accepts from their account: only an invitation to their own phone number.
pub(crate) async fn accept(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(inv): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let phone = user.phone.clone().ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let invitation = people::take_invitation(&mut tx, &inv, &phone)
        .await?
        .filter(|i| i.kind == INVITE_MEMBER)
        .ok_or(AppError::NotFound)?;
    let team = store::get_team(&mut tx, &invitation.target_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = invitation.member_role.as_deref().unwrap_or("volunteer");
    let today = crate::i18n::today_vn();
    store::add_member(&mut tx, &team.id, &user.id, role, &today, None, None).await?;
    // The volunteer role is granted by whoever invited (the access log and the roles list say who).
    let by = invitation.invited_by.as_deref().unwrap_or(&user.id);
    people::grant_role(&mut tx, &user.id, "volunteer", &team.unit_code, by).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/to/{}", team.id)).into_response())
}
