//! Who teaches a class. Nobody is made an instructor by someone else typing their phone number: the
//! class's manager invites the number, the inviter sees only that number, and the person becomes an
//! instructor (named on the public page, managing the roster) only when they accept in their account.
//! Instructors and invitations can be removed.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::manage::{class_admin_page, managed_class};
use super::store;
use crate::error::FieldError;
use crate::people::model::normalize_phone;
use crate::people::store::{self as people, INVITE_INSTRUCTOR};
use crate::web::auth::CurrentUser;
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page};
use crate::{AppError, AppResult, AppState};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PhoneForm {
    phone: String,
}

#[derive(serde::Deserialize)]
pub struct Empty {}

/// Invite a phone number to teach. The answer is the same whether or not anyone has that number (an
/// account made later sees the invitation), so the form cannot be used to look people up.
pub(crate) async fn invite(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<PhoneForm>,
) -> AppResult<Response> {
    let class = managed_class(&state, &user, &code).await?;
    let Some(phone) = normalize_phone(&f.phone) else {
        let mut form = FormState::default();
        form.values.insert("instructor_phone", f.phone.clone());
        form.errors = vec![FieldError::new("instructor_phone", "phone-invalid")];
        return class_admin_page(
            &state,
            page,
            class,
            form,
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = state.db.begin().await?;
    people::invite(
        &mut tx,
        INVITE_INSTRUCTOR,
        &class.id,
        &phone,
        None,
        &user.id,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/lop/{code}?kq=invited")).into_response())
}

/// Stop someone teaching the class (they keep everything else).
pub(crate) async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((code, person)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let class = managed_class(&state, &user, &code).await?;
    let mut tx = state.db.begin().await?;
    if store::remove_instructor(&mut tx, &class.id, &person).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/lop/{code}?kq=saved")).into_response())
}

/// Withdraw an invitation not yet accepted.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((code, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let class = managed_class(&state, &user, &code).await?;
    let mut tx = state.db.begin().await?;
    if people::withdraw_invitation(&mut tx, &id, INVITE_INSTRUCTOR, &class.id).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/lop/{code}?kq=saved")).into_response())
}

/// The invited person accepts, from their account: only an invitation to their own phone number.
pub(crate) async fn accept(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let phone = user.phone.clone().ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let inv = people::take_invitation(&mut tx, &id, &phone)
        .await?
        .filter(|i| i.kind == INVITE_INSTRUCTOR)
        .ok_or(AppError::NotFound)?;
    store::add_instructor(&mut tx, &inv.target_id, &user.id).await?;
    let code = store::class_code_of(&mut tx, &inv.target_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/lop/{code}")).into_response())
}
