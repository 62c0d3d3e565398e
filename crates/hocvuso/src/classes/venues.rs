//! Venues of a commune (cultural house, community hall, school…): managed by its administrators.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{VENUE_KINDS, VenueForm, validate_venue};
use super::store::{self, Venue};
use crate::error::FieldError;
use crate::units::model::{LEVEL_COMMUNE, Unit, valid_code};
use crate::units::store as units;
use crate::web::auth::{CurrentUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::once;
use crate::web::page::{FormState, Page, render_status};
use crate::{AppError, AppResult, AppState};

/// A commune of this province that `allowed` says the user may work in; 404 unknown, 403 outside scope.
pub(crate) async fn commune_in_scope(
    state: &AppState,
    code: &str,
    allowed: impl Fn(&str) -> bool,
) -> AppResult<Unit> {
    if !valid_code(code) {
        return Err(AppError::NotFound);
    }
    let unit = units::get(&state.db, code)
        .await?
        .filter(|u| {
            u.level == LEVEL_COMMUNE && u.parent_code.as_deref() == Some(&state.province.code)
        })
        .ok_or(AppError::NotFound)?;
    if !allowed(&unit.path) {
        return Err(AppError::Forbidden);
    }
    Ok(unit)
}

/// The commune a field page is about: the one asked for, else the user's own commune-level role.
pub(crate) fn default_commune(user: &SessionUser, asked: &str) -> Option<String> {
    if !asked.is_empty() {
        return Some(asked.to_owned());
    }
    user.roles
        .iter()
        .filter(|r| r.role != "learner")
        .map(|r| {
            r.unit_path
                .trim_end_matches('/')
                .split('/')
                .nth(1)
                .unwrap_or_default()
                .to_owned()
        })
        .find(|c| !c.is_empty())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CommuneQuery {
    pub xa: String,
}

#[derive(Template)]
#[template(path = "classes/venues.html")]
struct VenuesPage {
    page: Page,
    commune: Unit,
    venues: Vec<Venue>,
    form: FormState,
    kinds: &'static [&'static str],
    editing: Option<Venue>,
}

async fn venues_page(
    state: &AppState,
    page: Page,
    commune: Unit,
    form: FormState,
    editing: Option<Venue>,
    status: StatusCode,
) -> AppResult<Response> {
    let venues = store::venues_of(&state.db, &commune.code).await?;
    Ok(render_status(
        status,
        &VenuesPage {
            page,
            commune,
            venues,
            form,
            kinds: VENUE_KINDS,
            editing,
        },
    ))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Query(cq): Query<CommuneQuery>,
) -> AppResult<Response> {
    let Some(code) = default_commune(&user, &cq.xa) else {
        // A province admin works in every commune: ask which.
        let communes = crate::units::picker::communes_administered(&state, &user).await?;
        if communes.is_empty() {
            return Err(AppError::Forbidden);
        }
        return Ok(crate::units::picker::pick_commune_page(
            page,
            "venue-title",
            communes,
            "/quan-ly/dia-diem",
        ));
    };
    let commune = commune_in_scope(&state, &code, |p| user.can_admin(p)).await?;
    let mut form = FormState::default();
    form.values.insert("kind", "cultural_house".into());
    venues_page(&state, page, commune, form, None, StatusCode::OK).await
}

fn form_state(f: &VenueForm) -> FormState {
    FormState::from_form([
        ("kind", &f.kind),
        ("name", &f.name),
        ("address", &f.address),
        ("capacity", &f.capacity),
        ("equipment", &f.equipment),
    ])
}

pub(crate) async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    CsrfForm(f): CsrfForm<VenueForm>,
) -> AppResult<Response> {
    let commune = commune_in_scope(&state, f.commune.trim(), |p| user.can_admin(p)).await?;
    let mut form = form_state(&f);
    let v = match validate_venue(&f) {
        Ok(v) => v,
        Err(e) => {
            form.errors = e;
            return venues_page(
                &state,
                page,
                commune,
                form,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    // A double tap adds one venue (the second would otherwise answer "name taken").
    let cid = match once::claim(&mut tx, &f.client_id, "venue_create", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    match store::insert_venue(&mut tx, &v, &user.id).await {
        Ok(_) => {}
        Err(e) if e.is_unique() => {
            drop(tx);
            form.errors = vec![FieldError::new("name", "venue-name-taken")];
            return venues_page(&state, page, commune, form, None, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(e.into()),
    }
    let location = format!("/quan-ly/dia-diem?xa={}", commune.code);
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}

async fn venue_in_scope(
    state: &AppState,
    user: &SessionUser,
    id: &str,
) -> AppResult<(Venue, Unit)> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::NotFound);
    }
    let venue = store::get_venue(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let commune = commune_in_scope(state, &venue.commune_code, |p| user.can_admin(p)).await?;
    Ok((venue, commune))
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (venue, commune) = venue_in_scope(&state, &user, &id).await?;
    let mut form = FormState::from_form([
        ("kind", &venue.kind),
        ("name", &venue.name),
        ("address", &venue.address),
    ]);
    form.values.insert(
        "capacity",
        venue.capacity.map(|c| c.to_string()).unwrap_or_default(),
    );
    form.values.insert("equipment", venue.equipment.clone());
    venues_page(&state, page, commune, form, Some(venue), StatusCode::OK).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(id): Path<String>,
    CsrfForm(mut f): CsrfForm<VenueForm>,
) -> AppResult<Response> {
    let (venue, commune) = venue_in_scope(&state, &user, &id).await?;
    f.commune = commune.code.clone();
    let mut form = form_state(&f);
    let v = match validate_venue(&f) {
        Ok(v) => v,
        Err(e) => {
            form.errors = e;
            return venues_page(
                &state,
                page,
                commune,
                form,
                Some(venue),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let cid = match once::claim(&mut tx, &f.client_id, "venue_edit", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    match store::update_venue(&mut tx, &venue.id, &v).await {
        Ok(_) => {}
        Err(e) if e.is_unique() => {
            drop(tx);
            form.errors = vec![FieldError::new("name", "venue-name-taken")];
            return venues_page(
                &state,
                page,
                commune,
                form,
                Some(venue),
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    let location = format!("/quan-ly/dia-diem?xa={}", commune.code);
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}
