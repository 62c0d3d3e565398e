//! Activities a team logs: what was done, where, for whom, by which members. Append-only; recorded
//! through [`apply`] from an offline sync item or a plain form post.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{ACTIVITY_KINDS, NewActivity, item_for_kind, validate_activity};
use super::store::{self, Household, Member, Team};
use super::{team_for, village_for, villages_of_team};
use crate::db::Tx;
use crate::error::FieldError;
use crate::sync::receipts::{Applied, ItemStatus};
use crate::units::model::Unit;
use crate::web::auth::{CurrentUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::fields::Fields;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

/// What the database says about the teams, members, villages, households and phones an activity names,
/// remembered for one batch. A volunteer's sync batch of 100 activities names one team, its members and
/// a few villages, so each is read once instead of a hundred times. Valid only while nothing in the
/// batch changes teams, memberships or households (activities don't).
#[derive(Default)]
pub struct Lookups {
    teams: HashMap<String, Option<Team>>,
    active: HashMap<(String, String), bool>,
    villages: HashMap<String, Result<Unit, Vec<FieldError>>>,
    households: HashMap<String, Option<String>>,
    phones: HashMap<String, Result<String, Vec<FieldError>>>,
    today: Option<String>,
}

impl Lookups {
    async fn team(&mut self, tx: &mut Tx, id: &str) -> AppResult<Option<Team>> {
        if let Some(t) = self.teams.get(id) {
            return Ok(t.clone());
        }
        let t = store::get_team(tx, id).await?;
        self.teams.insert(id.to_owned(), t.clone());
        Ok(t)
    }

    async fn active(&mut self, tx: &mut Tx, team: &str, person: &str) -> AppResult<bool> {
        let key = (team.to_owned(), person.to_owned());
        if let Some(a) = self.active.get(&key) {
            return Ok(*a);
        }
        let a = store::is_active_member(tx, team, person).await?;
        self.active.insert(key, a);
        Ok(a)
    }

    async fn village(&mut self, tx: &mut Tx, user: &SessionUser, code: &str) -> AppResult<Unit> {
        if let Some(v) = self.villages.get(code) {
            return v.clone().map_err(AppError::Invalid);
        }
        let v = refusal_or_value(village_for(tx, user, code).await)?;
        self.villages.insert(code.to_owned(), v.clone());
        v.map_err(AppError::Invalid)
    }

    async fn household_village(&mut self, tx: &mut Tx, id: &str) -> AppResult<Option<String>> {
        if let Some(h) = self.households.get(id) {
            return Ok(h.clone());
        }
        let h = store::household(tx, id).await?.map(|h| h.village_code);
        self.households.insert(id.to_owned(), h.clone());
        Ok(h)
    }

    async fn helped(&mut self, tx: &mut Tx, phone: &str, village: &Unit) -> AppResult<String> {
        let key = format!("{phone}@{}", village.code);
        if let Some(p) = self.phones.get(&key) {
            return p.clone().map_err(AppError::Invalid);
        }
        let p = refusal_or_value(super::households::person_in_commune(tx, phone, village).await)?
            .map(|(id, _)| id);
        self.phones.insert(key, p.clone());
        p.map_err(AppError::Invalid)
    }
}

/// A check's answer as something to remember: the value or the field errors that refused it. A database
/// failure is not remembered; it fails the batch.
fn refusal_or_value<T>(r: AppResult<T>) -> AppResult<Result<T, Vec<FieldError>>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::Invalid(f)) => Ok(Err(f)),
        Err(e) => Err(e),
    }
}

/// An activity that passed every check, ready to store.
pub struct Checked {
    pub activity: NewActivity,
    pub team: String,
    pub village: Unit,
    /// The registered person helped, when the activity named their phone.
    pub helped: Option<String>,
}

/// Validate one activity. The recorder must be an active member of the team (or an admin above it), the
/// village one the team covers, the household in that village, and every member named an active member
/// of the team. Field errors for anything wrong; reads only.
pub(crate) async fn check(
    tx: &mut Tx,
    user: &SessionUser,
    look: &mut Lookups,
    f: &Fields,
) -> AppResult<Checked> {
    let today = look.today.get_or_insert_with(crate::i18n::today_vn);
    let mut a = validate_activity(f, today).map_err(AppError::Invalid)?;
    let team = look
        .team(tx, &a.team)
        .await?
        .ok_or_else(|| AppError::field("team", "sync-not-found"))?;
    let recorder_active = look.active(tx, &team.id, &user.id).await?;
    if !user.can_admin(&team.unit_path) && !recorder_active {
        return Err(AppError::field("team", "sync-forbidden"));
    }
    let village = look.village(tx, user, &a.village).await?;
    if !village.path.starts_with(&team.unit_path) {
        return Err(AppError::field("village", "activity-village-outside-team"));
    }
    if let Some(h) = &a.household
        && look.household_village(tx, h).await?.as_deref() != Some(village.code.as_str())
    {
        return Err(AppError::field("household", "sync-not-found"));
    }
    if a.members.is_empty() && recorder_active {
        a.members.push(user.id.clone());
    }
    for m in &a.members {
        if !look.active(tx, &team.id, m).await? {
            return Err(AppError::field("members", "activity-member-unknown"));
        }
    }
    let helped = match &a.phone {
        Some(p) => Some(look.helped(tx, p, &village).await?),
        None => None,
    };
    Ok(Checked {
        activity: a,
        team: team.id,
        village,
        helped,
    })
}

/// Store checked activities (`(id, checked, device_time)`) recorded by `user`, and log each one done
/// for a registered person in that person's "acted for" history.
pub(crate) async fn store_checked(
    tx: &mut Tx,
    user: &SessionUser,
    rows: &[(&str, Checked, i64)],
) -> AppResult<()> {
    let inserts: Vec<store::ActivityInsert> = rows
        .iter()
        .map(|(id, c, device_time)| store::ActivityInsert {
            id,
            activity: &c.activity,
            team: Some(&c.team),
            village_path: &c.village.path,
            device_time: *device_time,
            from_check: None,
        })
        .collect();
    // One record of help: an activity logged for a household replaces what a tick of the same item
    // recorded (so the help counts once) and ticks the item.
    for (_, c, _) in rows {
        if let Some(h) = &c.activity.household {
            for item in c.activity.kinds.iter().filter_map(|k| item_for_kind(k)) {
                store::delete_tick_activities(tx, h, item).await?;
            }
        }
    }
    store::insert_activities(tx, &inserts, &user.id).await?;
    for (_, c, device_time) in rows {
        if let Some(h) = &c.activity.household {
            let household = store::Household {
                id: h.clone(),
                village_code: c.village.code.clone(),
                head_name: String::new(),
                address: String::new(),
                adults: 0,
            };
            for item in c.activity.kinds.iter().filter_map(|k| item_for_kind(k)) {
                store::set_check(tx, &household, item, true, &user.id, *device_time).await?;
            }
        }
    }
    for (_, c, _) in rows {
        if let Some(person) = &c.helped {
            let kinds: Vec<String> = c
                .activity
                .kinds
                .iter()
                .map(|k| crate::i18n::Lang::Vi.t(&format!("kind-{k}")))
                .collect();
            store::record_acted_for(tx, person, user, "activity", &kinds.join(", ")).await?;
        }
    }
    Ok(())
}

/// Validate and store one activity with id `client_id`.
pub(crate) async fn apply(
    tx: &mut Tx,
    user: &SessionUser,
    client_id: &str,
    f: &Fields,
    device_time: i64,
) -> AppResult<Applied> {
    let checked = check(tx, user, &mut Lookups::default(), f).await?;
    store_checked(tx, user, &[(client_id, checked, device_time)]).await?;
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

pub(crate) async fn form(
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
        today: crate::i18n::today_vn(),
        client_id: crate::db::new_id(),
        saved: fq.kq == "ok",
        recent,
    }))
}

pub(crate) async fn submit(
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
