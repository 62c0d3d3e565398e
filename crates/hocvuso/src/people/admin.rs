//! Administrators: the people of my units, their roles, password resets. Every read of a person's
//! details is written to the access log the person can see.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};

use super::model::{display_phone, masked_phone};
use super::{password, store};
use crate::units::model::{LEVEL_COMMUNE, LEVEL_PROVINCE, LEVEL_VILLAGE, Unit, valid_code};
use crate::units::store as units;
use crate::web::auth::{AdminUser, ROLES, RoleScope, SessionUser, roles_of};
use crate::web::csrf::CsrfForm;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

const PER_PAGE: i64 = 25;

#[derive(Template)]
#[template(path = "people/admin_home.html")]
struct AdminHome {
    page: Page,
    scopes: Vec<RoleScope>,
}

pub(crate) async fn admin_home(AdminUser(user): AdminUser, page: Page) -> Response {
    let scopes = user
        .roles
        .iter()
        .filter(|r| crate::web::auth::is_admin_role(&r.role))
        .cloned()
        .collect();
    render(&AdminHome { page, scopes })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    trang: Option<i64>,
}

pub struct ListRow {
    pub id: String,
    pub full_name: String,
    pub phone: String,
    pub unit_name: String,
    pub target_group: String,
}

#[derive(Template)]
#[template(path = "people/admin_list.html")]
struct ListPage {
    page: Page,
    q: String,
    rows: Vec<ListRow>,
    total: i64,
    page_no: i64,
    pages: i64,
    scope_name: String,
}

impl ListPage {
    fn page_link(&self, n: impl std::borrow::Borrow<i64>) -> String {
        let n = *n.borrow();
        format!(
            "/quan-ly/nguoi-dung?q={}&trang={n}",
            crate::web::page::url_encode(&self.q)
        )
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Query(lq): Query<ListQuery>,
) -> AppResult<Response> {
    let scope = user.top_admin_unit().ok_or(AppError::Forbidden)?.clone();
    let needle = crate::web::text::clean_line(&lq.q).map_err(|r| AppError::field("q", r))?;
    let page_no = lq.trang.unwrap_or(1).clamp(1, 100_000);
    let (rows, total) =
        store::search_in_scope(&state.db, &scope.unit_path, &needle, page_no, PER_PAGE).await?;
    let rows = rows
        .into_iter()
        .map(|r| ListRow {
            id: r.id,
            full_name: r.full_name,
            phone: r.phone.as_deref().map(masked_phone).unwrap_or_default(),
            unit_name: r.unit_name,
            target_group: r.target_group,
        })
        .collect();
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    Ok(render(&ListPage {
        page,
        q: needle,
        rows,
        total,
        page_no,
        pages,
        scope_name: scope.unit_name,
    }))
}

/// The person and the path of their home unit, if they live within the admin's units; otherwise 404
/// (not 403: an admin of one commune should not learn who lives in another).
async fn person_in_scope(
    state: &AppState,
    admin: &SessionUser,
    id: &str,
) -> AppResult<(store::Person, String)> {
    let path = store::unit_path_of(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !admin.can_admin(&path) {
        return Err(AppError::NotFound);
    }
    let person = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    Ok((person, path))
}

/// The person, if this admin may act on them: every role the person holds lies below the admin
/// (`SessionUser::may_manage`). Someone living here with an equal or higher role is visible but 403.
async fn person_to_manage(
    state: &AppState,
    admin: &SessionUser,
    id: &str,
) -> AppResult<store::Person> {
    let (person, path) = person_in_scope(state, admin, id).await?;
    let roles = roles_of(&state.db, id).await?;
    if !admin.may_manage(id, &path, &roles) {
        return Err(AppError::Denied("admin-not-manageable"));
    }
    Ok(person)
}

#[derive(Template)]
#[template(path = "people/admin_person.html")]
struct PersonPage {
    page: Page,
    person: store::Person,
    /// Other records with the same folded name and birth year near this person, within this admin's units.
    duplicates: Vec<super::merge::Match>,
    /// Records merged into this one.
    merges: Vec<super::merge::MergeRow>,
    phone: String,
    unit_name: String,
    roles: Vec<RoleScope>,
    /// False when the person holds a role at or above this admin's: the page shows facts, no actions.
    manageable: bool,
    grantable_roles: Vec<&'static str>,
    grantable_units: Vec<Unit>,
    new_password: Option<String>,
}

async fn person_page(
    state: &AppState,
    admin: &SessionUser,
    page: Page,
    id: &str,
    new_password: Option<String>,
) -> AppResult<Response> {
    let (person, home_path) = person_in_scope(state, admin, id).await?;
    store::log_access(&state.db, &admin.id, &admin.full_name, &person.id, "view").await?;
    let unit_name = units::get(&state.db, &person.unit_code)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let roles = roles_of(&state.db, &person.id).await?;
    let manageable = admin.may_manage(&person.id, &home_path, &roles);
    let grantable_units = grantable_units(state, admin).await?;
    let grantable_roles = ROLES
        .iter()
        .copied()
        .filter(|r| grantable_units.iter().any(|u| admin.may_assign(r, &u.path)))
        .collect();
    let phone = person
        .phone
        .as_deref()
        .map(display_phone)
        .unwrap_or_default();
    let duplicates = duplicates_of(state, admin, &person, &home_path).await?;
    let merges = super::merge::merges_into(&state.db, &person.id).await?;
    Ok(render(&PersonPage {
        page,
        person,
        duplicates,
        merges,
        phone,
        unit_name,
        roles,
        manageable,
        grantable_roles,
        grantable_units,
        new_password,
    }))
}

/// Likely duplicates of a person: same folded name and birth year, living in the same commune (their
/// village or none), within this admin's units.
async fn duplicates_of(
    state: &AppState,
    admin: &SessionUser,
    person: &store::Person,
    home_path: &str,
) -> AppResult<Vec<super::merge::Match>> {
    let Some(unit) = units::get(&state.db, &person.unit_code).await? else {
        return Ok(Vec::new());
    };
    let commune = if unit.level == LEVEL_VILLAGE {
        unit.parent_code.clone().unwrap_or_default()
    } else {
        unit.code.clone()
    };
    let mut tx = state.db.begin_read().await?;
    let found = super::merge::likely_matches(
        &mut tx,
        &super::merge::Home {
            unit_path: home_path,
            commune_code: &commune,
        },
        &person.full_name,
        person.birth_year,
    )
    .await?;
    drop(tx);
    Ok(found
        .into_iter()
        .filter(|m| m.id != person.id && admin.can_admin(&m.unit_path))
        .collect())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    /// The record merged into this one (and removed).
    merged: String,
}

/// Merge another record of the same person into this one (`people::merge`).
pub(crate) async fn merge(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<MergeForm>,
) -> AppResult<Redirect> {
    let location = format!("/quan-ly/nguoi-dung/{id}");
    // A second copy finds the merged record gone: it gets the first copy's page, not a 404.
    if let Some(l) =
        crate::web::once::seen(&state.db, &f.client_id, "person_merge", &admin.id).await?
    {
        return Ok(Redirect::to(&l));
    }
    let checked = async {
        if uuid::Uuid::parse_str(&id).is_err() || uuid::Uuid::parse_str(&f.merged).is_err() {
            return Err(AppError::field("merged", "field-choose"));
        }
        let (kept_home, kept_roles, kept_account) =
            super::merge::side_facts(&state.db, &id).await?;
        let (merged_home, merged_roles, merged_account) =
            super::merge::side_facts(&state.db, &f.merged).await?;
        // Both must at least be visible to this admin; the rest is decided by their roles.
        if !admin.can_admin(&kept_home) || !admin.can_admin(&merged_home) {
            return Err(AppError::NotFound);
        }
        super::merge::may_merge(
            &admin,
            super::merge::Via::Admin,
            &super::merge::Side {
                id: &id,
                home_path: &kept_home,
                roles: &kept_roles,
                has_account: kept_account,
            },
            &super::merge::Side {
                id: &f.merged,
                home_path: &merged_home,
                roles: &merged_roles,
                has_account: merged_account,
            },
        )?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(e) = checked {
        // A copy sent at the same time as the first may find the merged record already gone.
        return match crate::web::once::seen(&state.db, &f.client_id, "person_merge", &admin.id)
            .await?
        {
            Some(l) => Ok(Redirect::to(&l)),
            None => Err(e),
        };
    }
    let mut tx = state.db.begin().await?;
    let cid =
        match crate::web::once::claim(&mut tx, &f.client_id, "person_merge", &admin.id).await? {
            crate::web::once::Claim::Done(l) => return Ok(Redirect::to(&l)),
            crate::web::once::Claim::Fresh(cid) => cid,
        };
    if !super::merge::merge(&mut tx, &id, &f.merged, &admin, "admin").await? {
        return Err(AppError::NotFound);
    }
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location))
}

/// Units where this admin may grant roles: their own units and those below (communes, villages).
async fn grantable_units(state: &AppState, admin: &SessionUser) -> AppResult<Vec<Unit>> {
    let mut out = Vec::new();
    for r in admin
        .roles
        .iter()
        .filter(|r| crate::web::auth::is_admin_role(&r.role))
    {
        let Some(u) = units::get(&state.db, &r.unit_code).await? else {
            continue;
        };
        let children = units::children(&state.db, &u.code).await?;
        out.push(u);
        out.extend(children);
    }
    out.dedup_by(|a, b| a.code == b.code);
    Ok(out)
}

pub(crate) async fn person(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    page: Page,
    Path(id): Path<String>,
) -> AppResult<Response> {
    person_page(&state, &admin, page, &id, None).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
    unit: String,
}

/// Which unit levels each role may be attached to.
fn role_fits_level(role: &str, level: i64) -> bool {
    match role {
        "province_admin" => level == LEVEL_PROVINCE,
        "commune_admin" => level == LEVEL_COMMUNE,
        "learner" | "volunteer" | "instructor" => level == LEVEL_COMMUNE || level == LEVEL_VILLAGE,
        _ => false,
    }
}

/// Validate a grant or revoke: the person and the unit within my scope, the role known and fitting.
async fn check_role_change(
    state: &AppState,
    admin: &SessionUser,
    id: &str,
    f: &RoleForm,
) -> AppResult<store::Person> {
    let person = person_to_manage(state, admin, id).await?;
    if !ROLES.contains(&f.role.as_str()) {
        return Err(AppError::field("role", "field-choose"));
    }
    if !valid_code(&f.unit) {
        return Err(AppError::field("unit", "field-choose"));
    }
    let unit = units::get(&state.db, &f.unit)
        .await?
        .ok_or_else(|| AppError::field("unit", "unit-unknown"))?;
    if !admin.may_assign(&f.role, &unit.path) {
        return Err(AppError::Forbidden);
    }
    if !role_fits_level(&f.role, unit.level) {
        return Err(AppError::field("unit", "role-unit-mismatch"));
    }
    Ok(person)
}

pub(crate) async fn grant(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RoleForm>,
) -> AppResult<Redirect> {
    let person = check_role_change(&state, &admin, &id, &f).await?;
    let mut tx = state.db.begin().await?;
    store::grant_role(&mut tx, &person.id, &f.role, &f.unit, &admin.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/nguoi-dung/{}", person.id)))
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RoleForm>,
) -> AppResult<Redirect> {
    let person = check_role_change(&state, &admin, &id, &f).await?;
    if f.role == "province_admin" && store::count_role(&state.db, "province_admin").await? <= 1 {
        return Err(AppError::field("role", "delete-last-admin"));
    }
    let mut tx = state.db.begin().await?;
    store::revoke_role(&mut tx, &person.id, &f.role, &f.unit).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/nguoi-dung/{}", person.id)))
}

#[derive(serde::Deserialize)]
pub struct Empty {}

/// Set a one-time password, shown once to the admin to read out; the person's sessions end.
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    page: Page,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    let person = person_to_manage(&state, &admin, &id).await?;
    if person.phone.is_none() {
        return Err(AppError::BadRequest("reset-no-phone"));
    }
    let otp = password::one_time_password();
    let hash = password::hash(otp.clone()).await?;
    let mut tx = state.db.begin().await?;
    store::set_one_time_password(&mut tx, &person.id, &hash).await?;
    crate::web::auth::delete_other_sessions(&mut tx, &person.id, None).await?;
    tx.commit().await?;
    store::log_access(
        &state.db,
        &admin.id,
        &admin.full_name,
        &person.id,
        "reset_password",
    )
    .await?;
    person_page(&state, &admin, page, &id, Some(otp)).await
}
