//! Which unit a request may touch: this deployment's province, an administrator's scope, a person's home.
//! Every capability that takes a unit code from a URL or a form asks here, so the answer to "may this
//! person see that commune?" has one home.
use super::model::{LEVEL_COMMUNE, LEVEL_VILLAGE, Unit, valid_code};
use super::store;
use crate::error::FieldError;
use crate::web::auth::SessionUser;
use crate::{AppError, AppResult, AppState};

/// A unit of this deployment's province (public data), or 404; the empty code is the province itself.
pub(crate) async fn province_unit(state: &AppState, code: &str) -> AppResult<Unit> {
    if code.is_empty() {
        return Ok((*state.province).clone());
    }
    if !valid_code(code) {
        return Err(AppError::NotFound);
    }
    let unit = store::get(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    if !unit.path.starts_with(&state.province.path) {
        return Err(AppError::NotFound);
    }
    Ok(unit)
}

/// A unit the administrator may manage or report on: 404 malformed or unknown (or another province's),
/// 403 outside their scope.
pub(crate) async fn unit_in_scope(
    state: &AppState,
    user: &SessionUser,
    code: &str,
) -> AppResult<Unit> {
    let unit = province_unit(state, code).await?;
    if !user.can_admin(&unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(unit)
}

/// A person's home as typed on a form: the commune must be one of this province's and the village one
/// of that commune's; the unit the person belongs to (the village when given), or the field at fault.
pub(crate) async fn resolve_home_unit(
    state: &AppState,
    commune: &str,
    village: Option<&str>,
) -> AppResult<Result<Unit, FieldError>> {
    let Some(c) = store::get(&state.db, commune).await? else {
        return Ok(Err(FieldError::new("commune", "unit-unknown")));
    };
    if c.level != LEVEL_COMMUNE || c.parent_code.as_deref() != Some(state.province.code.as_str()) {
        return Ok(Err(FieldError::new("commune", "unit-unknown")));
    }
    let Some(v) = village else { return Ok(Ok(c)) };
    match store::get(&state.db, v).await? {
        Some(u) if u.level == LEVEL_VILLAGE && u.parent_code.as_deref() == Some(commune) => {
            Ok(Ok(u))
        }
        _ => Ok(Err(FieldError::new("village", "unit-unknown"))),
    }
}
