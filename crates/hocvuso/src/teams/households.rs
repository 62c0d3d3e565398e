//! The household register of a village and each household's digital-readiness checklist. New
//! households and ticks are offline-capable: [`apply_new`] and [`apply_check`] serve sync items and
//! plain form posts alike.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{
    CHECK_ITEMS, NewActivity, kind_for_item, optional_phone, validate_household, yes,
};
use super::store::{self, CheckRow, Household};
use super::village_for;
use crate::db::Tx;
use crate::error::FieldError;
use crate::sync::receipts::{Applied, ItemStatus};
use crate::units::model::Unit;
use crate::web::auth::{CurrentUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::fields::Fields;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

/// A new household (its id is the client id). The same head and address in the village is the same
/// household: then only the number of adults is updated.
pub(crate) async fn apply_new(
    tx: &mut Tx,
    user: &SessionUser,
    client_id: &str,
    f: &Fields,
) -> AppResult<Applied> {
    let h = validate_household(f).map_err(AppError::Invalid)?;
    village_for(tx, user, &h.village).await?;
    let id = store::upsert_household(tx, client_id, &h, Some(&user.id)).await?;
    Ok(Applied::Created(id))
}

async fn household_for(tx: &mut Tx, user: &SessionUser, id: &str) -> AppResult<(Household, Unit)> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::field("household", "field-choose"));
    }
    let h = store::household(tx, id)
        .await?
        .ok_or_else(|| AppError::field("household", "sync-not-found"))?;
    let village = village_for(tx, user, &h.village_code)
        .await
        .map_err(|e| match e {
            AppError::Invalid(_) => AppError::field("household", "sync-forbidden"),
            other => other,
        })?;
    Ok((h, village))
}

/// The person helped, by phone, if they live in the village's commune (else the item is rejected so the
/// member can correct the number).
pub(crate) async fn person_in_commune(
    tx: &mut Tx,
    phone: &str,
    village: &Unit,
) -> AppResult<(String, String)> {
    let commune_path = village
        .path
        .trim_end_matches('/')
        .rsplit_once('/')
        .map(|(c, _)| format!("{c}/"))
        .unwrap_or_default();
    let row = crate::people::store::home_by_phone(&mut *tx, phone).await?;
    match row {
        Some((id, name, path)) if path.starts_with(&commune_path) => Ok((id, name)),
        _ => Err(AppError::field("phone", "team-phone-unknown")),
    }
}

/// Tick or untick one checklist item: `household`, `item`, `done`, optional `phone` of the person helped.
/// Last device time wins; ticking is also logged as an activity of the member's team.
pub(crate) async fn apply_check(
    tx: &mut Tx,
    user: &SessionUser,
    f: &Fields,
    device_time: i64,
) -> AppResult<Applied> {
    let mut errors = Vec::new();
    let item = f.get("item");
    if !CHECK_ITEMS.contains(&item) {
        errors.push(FieldError::new("item", "field-choose"));
    }
    let done = yes(f.get("done"));
    if done.is_none() {
        errors.push(FieldError::new("done", "field-choose"));
    }
    let phone = optional_phone(f, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let done = done.unwrap_or(false);
    let (h, village) = household_for(tx, user, f.get("household")).await?;
    let helped = match &phone {
        Some(p) => Some(person_in_commune(tx, p, &village).await?),
        None => None,
    };
    let applied = store::set_check(tx, &h, item, done, &user.id, device_time).await?;
    let record = format!("{}:{item}", h.id);
    if !applied {
        return Ok(Applied::Superseded(record));
    }
    // One record of help: a tick is the activity of its kind for this household. If one is already
    // logged (by a member, or an earlier tick), the tick links to it; else the tick records one. An
    // untick takes back the activity the tick made (a logged one stays: that help happened).
    let kind = kind_for_item(item);
    if !done {
        store::delete_tick_activities(tx, &h.id, item).await?;
    } else if !store::household_has_activity(tx, &h.id, kind).await? {
        let team = team_of_member_for(tx, user, &village).await?;
        let day = crate::i18n::vn_time(device_time);
        let activity = NewActivity {
            team: team.clone().unwrap_or_default(),
            village: village.code.clone(),
            household: Some(h.id.clone()),
            happened_on: format!(
                "{:04}-{:02}-{:02}",
                day.year(),
                u8::from(day.month()),
                day.day()
            ),
            kinds: vec![kind.to_owned()],
            members: vec![user.id.clone()],
            people_helped: 1,
            notes: String::new(),
            phone: None,
        };
        store::insert_activity(
            tx,
            &crate::db::new_id(),
            &activity,
            team.as_deref(),
            &village.path,
            &user.id,
            device_time,
            Some(item),
        )
        .await?;
    }
    if let Some((person, _)) = helped {
        let detail = format!(
            "{} — {}",
            crate::i18n::Lang::Vi.t(&format!("check-{item}")),
            h.head_name
        );
        let action = if done {
            "checked_item"
        } else {
            "unchecked_item"
        };
        store::record_acted_for(tx, &person, user, action, &detail).await?;
    }
    Ok(Applied::Created(record))
}

/// The team through which `user` works in this village (the village's own first), if any.
async fn team_of_member_for(
    tx: &mut Tx,
    user: &SessionUser,
    village: &Unit,
) -> AppResult<Option<String>> {
    Ok(store::team_serving(tx, &user.id, &village.path, &crate::i18n::today_vn()).await?)
}

#[derive(Template)]
#[template(path = "teams/village.html")]
struct VillagePage {
    page: Page,
    village: Unit,
    households: Vec<(Household, Vec<bool>)>,
    items: &'static [&'static str],
    client_id: String,
    me: String,
}

async fn village_access(state: &AppState, user: &SessionUser, code: &str) -> AppResult<Unit> {
    if !crate::units::model::valid_code(code) {
        return Err(AppError::NotFound);
    }
    let mut tx = state.db.begin_read().await?;
    let r = village_for(&mut tx, user, code).await;
    drop(tx);
    r.map_err(|e| match e {
        AppError::Invalid(f) if f.iter().any(|f| f.reason == "sync-forbidden") => {
            AppError::Forbidden
        }
        AppError::Invalid(_) => AppError::NotFound,
        other => other,
    })
}

fn matrix(households: Vec<Household>, checks: &[CheckRow]) -> Vec<(Household, Vec<bool>)> {
    households
        .into_iter()
        .map(|h| {
            let row = CHECK_ITEMS
                .iter()
                .map(|i| {
                    checks
                        .iter()
                        .any(|c| c.household_id == h.id && c.item == *i && c.done)
                })
                .collect();
            (h, row)
        })
        .collect()
}

pub(crate) async fn village_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let village = village_access(&state, &user, &code).await?;
    // The list names household heads: personal data, so who opened it is logged.
    crate::people::store::log_unit_access(
        &state.db,
        &user.id,
        &user.full_name,
        "household_list",
        &village.code,
    )
    .await?;
    let households = store::households_of(&state.db, &village.code).await?;
    let checks = store::checks_of_village(&state.db, &village.code).await?;
    Ok(render(&VillagePage {
        page,
        village,
        households: matrix(households, &checks),
        items: CHECK_ITEMS,
        client_id: crate::db::new_id(),
        me: user.id.clone(),
    }))
}

/// Add a household with a plain form post (the same path as an offline item).
pub(crate) async fn add(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let village = village_access(&state, &user, &code).await?;
    let mut f = Fields::from_pairs(pairs);
    f.set("village", &village.code);
    let client_id = f.get("client_id").to_owned();
    let out = crate::sync::apply_one(&state, &user, "household", &client_id, crate::db::now(), &f)
        .await?;
    if out.status == ItemStatus::Rejected {
        return Err(AppError::Invalid(out.field_errors));
    }
    Ok(Redirect::to(&format!("/quan-ly/thon/{}/ho", village.code)).into_response())
}

#[derive(Template)]
#[template(path = "teams/household.html")]
struct HouseholdPage {
    page: Page,
    household: Household,
    village: Unit,
    checks: Vec<(&'static str, bool, Option<CheckRow>)>,
    client_id: String,
    team: Option<String>,
    me: String,
}

pub(crate) async fn household_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let mut tx = state.db.begin_read().await?;
    let found = household_for(&mut tx, &user, &id).await;
    let (household, village) = found.map_err(|_| AppError::NotFound)?;
    let team = team_of_member_for(&mut tx, &user, &village).await?;
    drop(tx);
    crate::people::store::log_unit_access(
        &state.db,
        &user.id,
        &user.full_name,
        "household",
        &village.code,
    )
    .await?;
    let rows = store::checks_of_village(&state.db, &village.code).await?;
    let checks = CHECK_ITEMS
        .iter()
        .map(|i| {
            let row = rows
                .iter()
                .find(|c| c.household_id == household.id && c.item == *i)
                .cloned();
            (*i, row.as_ref().is_some_and(|r| r.done), row)
        })
        .collect();
    Ok(render(&HouseholdPage {
        page,
        household,
        village,
        checks,
        client_id: crate::db::new_id(),
        team,
        me: user.id.clone(),
    }))
}

/// The no-JavaScript checklist form: every item whose box differs from what is stored is applied, each
/// as its own write (with a client id derived from the form's, so a resubmission changes nothing).
pub(crate) async fn tick(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Fields::from_pairs(pairs);
    let base = uuid::Uuid::parse_str(f.get("client_id")).unwrap_or_else(|_| uuid::Uuid::now_v7());
    let ticked: Vec<&str> = f.all("items").iter().map(String::as_str).collect();
    let before: Vec<&str> = f.all("was").iter().map(String::as_str).collect();
    for (n, item) in CHECK_ITEMS.iter().enumerate() {
        let now_done = ticked.contains(item);
        if now_done == before.contains(item) {
            continue;
        }
        let mut one = Fields::default();
        one.set("household", &id);
        one.set("item", item);
        one.set("done", if now_done { "yes" } else { "no" });
        one.set("phone", f.get("phone"));
        let mut bytes = *base.as_bytes();
        bytes[15] ^= n as u8 + 1;
        let client_id = uuid::Uuid::from_bytes(bytes).to_string();
        let out = crate::sync::apply_one(
            &state,
            &user,
            "household_check",
            &client_id,
            crate::db::now(),
            &one,
        )
        .await?;
        if out.status == ItemStatus::Rejected {
            return Err(AppError::Invalid(out.field_errors));
        }
    }
    Ok(Redirect::to(&format!("/quan-ly/ho/{id}")).into_response())
}
