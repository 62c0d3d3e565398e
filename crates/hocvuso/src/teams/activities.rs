//! Activities a team logs: what was done, where, for whom, by which members. Append-only; recorded
//! through [`apply`] from an offline sync item or a plain form post.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{ACTIVITY_KINDS, validate_activity};
use super::store::{self, Household, Member, Team};
use super::{team_for, village_for, villages_of_team};
use crate::db::Tx;
use crate::sync::model::{Applied, Fields, ItemStatus};
use crate::units::model::Unit;
use crate::web::auth::{CurrentUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

/// Validate and store one activity with id `client_id`. The recorder must be an active member of the
/// team (or an admin above it), the village one the team covers, the household in that village, and
/// every member named an active member of the team.
pub async fn apply(
    tx: &mut Tx,
    user: &SessionUser,
    client_id: &str,
    f: &Fields,
    device_time: i64,
) -> AppResult<Applied> {
    let a = validate_activity(f, &crate::classes::model::today_vn()).map_err(AppError::Invalid)?;
    let team = store::get_team_tx(tx, &a.team)
        .await?
        .ok_or_else(|| AppError::field("team", "sync-not-found"))?;
    if !user.can_admin(&team.unit_path) && !store::is_active_member(tx, &team.id, &user.id).await? {
        return Err(AppError::field("team", "sync-forbidden"));
    }
    let village = village_for(tx, user, &a.village).await?;
    if !village.path.starts_with(&team.unit_path) {
        return Err(AppError::field("village", "activity-village-outside-team"));
    }
    if let Some(h) = &a.household {
        let hh = store::household(tx, h).await?;
        if hh.is_none_or(|hh| hh.village_code != village.code) {
            return Err(AppError::field("household", "sync-not-found"));
        }
    }
    let mut a = a;
    if a.members.is_empty() && store::is_active_member(tx, &team.id, &user.id).await? {
        a.members.push(user.id.clone());
    }
    for m in &a.members {
        if !store::is_active_member(tx, &team.id, m).await? {
            return Err(AppError::field("members", "activity-member-unknown"));
        }
    }
    let helped = match &a.phone {
        Some(p) => Some(super::households::person_in_commune(tx, p, &village).await?),
        None => None,
    };
    store::insert_activity(tx, client_id, &a, Some(&team.id), &user.id, device_time).await?;
    if let Some((person, _)) = helped {
        let kinds: Vec<String> = a
            .kinds
            .iter()
            .map(|k| crate::i18n::Lang::Vi.t(&format!("kind-{k}")))
            .collect();
        store::record_acted_for(tx, &person, user, "activity", &kinds.join(", ")).await?;
    }
    Ok(Applied::Created(client_id.to_owned()))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct FormQuery {
    thon: String,
    ho: String,
    kq: String,
}

#[derive(Template)]
#[template(path = "teams/activity.html")]
struct ActivityPage {
    page: Page,
    team: Team,
    villages: Vec<Unit>,
    village: Option<Unit>,
    households: Vec<Household>,
    household: String,
    members: Vec<Member>,
    me: String,
    kinds: &'static [&'static str],
    today: String,
    client_id: String,
    saved: bool,
    recent: Vec<store::ActivityRow>,
}

pub async fn form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(id): Path<String>,
    Query(fq): Query<FormQuery>,
) -> AppResult<Response> {
    let (team, _) = team_for(&state, &user, &id).await?;
    let villages = villages_of_team(&state, &team).await?;
    let village = if villages.len() == 1 {
        villages.first().cloned()
    } else {
        villages.iter().find(|v| v.code == fq.thon).cloned()
    };
    let households = match &village {
        Some(v) => store::households_of(&state.db, &v.code).await?,
        None => Vec::new(),
    };
    let members = store::members_of(&state.db, &team.id)
        .await?
        .into_iter()
        .filter(|m| m.active())
        .collect();
    let recent = store::recent_activities(&state.db, &team.id, 10).await?;
    Ok(render(&ActivityPage {
        page,
        team,
        villages,
        village,
        households,
        household: fq.ho,
        members,
        me: user.id.clone(),
        kinds: ACTIVITY_KINDS,
        today: crate::classes::model::today_vn(),
        client_id: crate::db::new_id(),
        saved: fq.kq == "ok",
        recent,
    }))
}

pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (team, _) = team_for(&state, &user, &id).await?;
    let mut f = Fields::from_pairs(pairs);
    f.set("team", &team.id);
    let client_id = f.get("client_id").to_owned();
    let out =
        crate::sync::apply_one(&state, &user, "activity", &client_id, crate::db::now(), &f).await?;
    if out.status == ItemStatus::Rejected {
        return Err(AppError::Invalid(out.field_errors));
    }
    Ok(Redirect::to(&format!(
        "/quan-ly/to/{}/hoat-dong?kq=ok&thon={}",
        team.id,
        f.get("village")
    ))
    .into_response())
}
