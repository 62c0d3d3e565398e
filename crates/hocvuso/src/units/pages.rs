//! Administrators' unit tree: browse down from my unit, add and rename villages.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};

use super::model::{LEVEL_COMMUNE, LEVEL_VILLAGE, Unit, VILLAGE_TYPES, validate_village};
use super::scope::unit_in_scope;
use super::store;
use crate::web::auth::AdminUser;
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "units/tree.html")]
struct TreePage {
    page: Page,
    unit: Unit,
    /// From the top; whether this admin may open each.
    lineage: Vec<(Unit, bool)>,
    children: Vec<Unit>,
    can_add_village: bool,
    form: FormState,
    village_types: &'static [&'static str],
}

pub(crate) async fn tree_root(AdminUser(user): AdminUser) -> AppResult<Redirect> {
    let top = user.top_admin_unit().ok_or(AppError::Forbidden)?;
    Ok(Redirect::to(&format!("/quan-ly/don-vi/{}", top.unit_code)))
}

async fn tree_page(
    state: &AppState,
    page: Page,
    unit: Unit,
    form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    // Units above the admin's own are named but not linked: their pages would answer 403.
    let lineage = store::lineage(&state.db, &unit)
        .await?
        .into_iter()
        .map(|u| {
            let open = page.user.as_ref().is_some_and(|me| me.can_admin(&u.path));
            (u, open)
        })
        .collect();
    let children = store::children(&state.db, &unit.code).await?;
    let can_add_village = unit.level == LEVEL_COMMUNE;
    let t = TreePage {
        page,
        unit,
        lineage,
        children,
        can_add_village,
        form,
        village_types: VILLAGE_TYPES,
    };
    Ok(render_status(status, &t))
}

pub(crate) async fn tree(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    tree_page(&state, page, unit, FormState::default(), StatusCode::OK).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct VillageForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    name: String,
    division_type: String,
}

pub(crate) async fn add_village(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<VillageForm>,
) -> AppResult<Response> {
    let commune = unit_in_scope(&state, &user, &code).await?;
    if commune.level != LEVEL_COMMUNE {
        return Err(AppError::BadRequest("unit-not-commune"));
    }
    let mut form = FormState::from_form([("name", &f.name), ("division_type", &f.division_type)]);
    let (name, dt) = match validate_village(&f.name, &f.division_type) {
        Ok(v) => v,
        Err(errors) => {
            form.errors = errors;
            return tree_page(
                &state,
                page,
                commune,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    // A double tap adds the village once; the second copy is not told the name is taken.
    let cid = match crate::web::once::claim(&mut tx, &f.client_id, "village_add", &user.id).await? {
        crate::web::once::Claim::Done(location) => {
            return Ok(axum::response::IntoResponse::into_response(Redirect::to(
                &location,
            )));
        }
        crate::web::once::Claim::Fresh(cid) => cid,
    };
    if store::find_child_by_name(&mut tx, &commune.code, &name)
        .await?
        .is_some()
    {
        drop(tx);
        form.errors = vec![crate::error::FieldError::new("name", "unit-name-taken")];
        return tree_page(&state, page, commune, form, StatusCode::CONFLICT).await;
    }
    store::insert_village(&mut tx, &commune, &name, &dt).await?;
    let location = format!("/quan-ly/don-vi/{}", commune.code);
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(axum::response::IntoResponse::into_response(Redirect::to(
        &location,
    )))
}

pub(crate) async fn rename(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<VillageForm>,
) -> AppResult<Redirect> {
    let village = unit_in_scope(&state, &user, &code).await?;
    // Official units keep their official names; only villages are ours to name.
    if village.level != LEVEL_VILLAGE {
        return Err(AppError::BadRequest("unit-not-village"));
    }
    let (name, dt) = validate_village(&f.name, &f.division_type).map_err(AppError::Invalid)?;
    let parent = village.parent_code.clone().unwrap_or_default();
    let mut tx = state.db.begin().await?;
    if let Some(other) = store::find_child_by_name(&mut tx, &parent, &name).await?
        && other.code != village.code
    {
        return Err(AppError::Conflict(crate::error::FieldError::new(
            "name",
            "unit-name-taken",
        )));
    }
    store::rename(&mut tx, &village.code, &name, &dt).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/don-vi/{parent}")))
}
