//! Public JSON: one unit, and its children.
use axum::Json;
use axum::extract::{Path, State};

use crate::web::api::ApiError;
use crate::{AppError, AppResult, AppState};

use super::model::{Unit, valid_code};
use super::store;

async fn load(state: &AppState, code: &str) -> AppResult<Unit> {
    if !valid_code(code) {
        return Err(AppError::BadRequest("unit-code-malformed"));
    }
    store::get(&state.db, code).await?.ok_or(AppError::NotFound)
}

/// One administrative unit.
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path, pattern = "^[0-9]{1,6}(-[0-9]{1,4})?$", description = "Official unit code (e.g. 44) or a village code (19360-001)")),
    responses((status = 200, body = Unit), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn get_unit(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<Unit>> {
    Ok(Json(load(&state, &code).await?))
}

/// The units directly below a unit (communes of a province, villages of a commune).
#[utoipa::path(get, path = "/api/v1/units/{code}/children", tag = "units",
    params(("code" = String, Path, pattern = "^[0-9]{1,6}(-[0-9]{1,4})?$", description = "Unit code")),
    responses((status = 200, body = Vec<Unit>), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub(crate) async fn get_children(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<Unit>>> {
    let unit = load(&state, &code).await?;
    Ok(Json(
        state.units.children(&state.db, &unit.code).await?.to_vec(),
    ))
}
