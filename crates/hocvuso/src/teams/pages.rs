//! Team pages: the list, a team with its members, joining and leaving, publishing one's contact,
//! coverage per village, and the field worker's home.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{
    CHECK_ITEMS, MEMBER_ROLES, MemberForm, NewMember, name_line, validate_member, yes,
};
use super::store::{self, Coverage, Member, Team};
use super::{team_for, villages_of_team};
use crate::classes::venues::commune_in_scope;
use crate::error::FieldError;
use crate::people::model::SEXES;
use crate::units::model::{LEVEL_COMMUNE, Unit};
use crate::units::reference::ethnic_groups;
use crate::units::store as units;
use crate::web::auth::{CurrentUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::once;
use crate::web::page::{FormState, Page, render, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "teams/list.html")]
struct ListPage {
    page: Page,
    teams: Vec<Team>,
    units: Vec<Unit>,
    form: FormState,
    communes: Vec<String>,
}

/// The commune-level units this admin manages (a province admin: none listed here; they pick from teams).
async fn admin_units(state: &AppState, user: &SessionUser) -> AppResult<Vec<Unit>> {
    let mut out = Vec::new();
    for r in user.roles.iter().filter(|r| r.role == "commune_admin") {
        if let Some(c) = units::get(&state.db, &r.unit_code)
            .await?
            .filter(|u| u.level == LEVEL_COMMUNE)
        {
            let villages = units::villages_of(&state.db, &c.code).await?;
            out.push(c);
            out.extend(villages);
        }
    }
    Ok(out)
}

async fn list_page(
    state: &AppState,
    user: &SessionUser,
    page: Page,
    form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    let mut teams = match user.top_admin_unit() {
        Some(top) => store::teams_under(&state.db, &top.unit_path).await?,
        None => Vec::new(),
    };
    for t in store::teams_of_member(&state.db, &user.id).await? {
        if !teams.iter().any(|k| k.id == t.id) {
            teams.push(t);
        }
    }
    let units = admin_units(state, user).await?;
    let communes = units
        .iter()
        .filter(|u| u.level == LEVEL_COMMUNE)
        .map(|u| u.code.clone())
        .collect();
    Ok(render_status(
        status,
        &ListPage {
            page,
            teams,
            units,
            form,
            communes,
        },
    ))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
) -> AppResult<Response> {
    list_page(&state, &user, page, FormState::default(), StatusCode::OK).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TeamForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    unit: String,
    name: String,
}

pub(crate) async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    CsrfForm(f): CsrfForm<TeamForm>,
) -> AppResult<Response> {
    let mut form = FormState::from_form([("unit", &f.unit), ("name", &f.name)]);
    let mut errors = Vec::new();
    let name = name_line("name", &f.name, 120, &mut errors);
    let unit = match units::get(&state.db, f.unit.trim()).await? {
        Some(u) if u.level >= LEVEL_COMMUNE && u.path.starts_with(&state.province.path) => Some(u),
        _ => {
            errors.push(FieldError::new("unit", "field-choose"));
            None
        }
    };
    if let Some(u) = &unit
        && !user.can_admin(&u.path)
    {
        return Err(AppError::Forbidden);
    }
    let Some(unit) = unit.filter(|_| errors.is_empty()) else {
        form.errors = errors;
        return list_page(&state, &user, page, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let mut tx = state.db.begin().await?;
    // A double tap creates one team (the second copy would otherwise answer "name taken").
    let cid = match once::claim(&mut tx, &f.client_id, "team_create", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    let id = match store::insert_team(&mut tx, &unit.code, &name, Some(&user.id)).await {
        Ok(id) => id,
        Err(e) if e.is_unique() => {
            drop(tx);
            form.errors = vec![FieldError::new("name", "team-name-taken")];
            return list_page(&state, &user, page, form, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(e.into()),
    };
    let location = format!("/quan-ly/to/{id}");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}

#[derive(Template)]
#[template(path = "teams/team.html")]
struct TeamPage {
    page: Page,
    team: Team,
    manages: bool,
    members: Vec<Member>,
    /// Invited, not yet accepted (managers only): the phone number typed, nothing else.
    invitations: Vec<crate::people::store::PendingInvitation>,
    /// Just sent an invitation.
    invited: bool,
    me: Option<Member>,
    villages: Vec<Unit>,
    roles: &'static [&'static str],
    sexes: &'static [&'static str],
    ethnic_groups: &'static [String],
    form: FormState,
    today: String,
    recent: Vec<store::ActivityRow>,
}

async fn team_page_with(
    state: &AppState,
    user: &SessionUser,
    page: Page,
    id: &str,
    form: FormState,
    status: StatusCode,
    notice: &str,
) -> AppResult<Response> {
    let (team, manages) = team_for(state, user, id).await?;
    let members = store::members_of(&state.db, &team.id).await?;
    let invitations = if manages {
        crate::people::store::pending_invitations(
            &state.db,
            crate::people::store::INVITE_MEMBER,
            &team.id,
        )
        .await?
    } else {
        Vec::new()
    };
    let me = members
        .iter()
        .find(|m| m.person_id == user.id && m.active())
        .cloned();
    let villages = villages_of_team(state, &team).await?;
    let recent = store::recent_activities(&state.db, &team.id, 20).await?;
    Ok(render_status(
        status,
        &TeamPage {
            page,
            team,
            manages,
            members,
            invitations,
            invited: notice == "invited",
            me,
            villages,
            roles: MEMBER_ROLES,
            sexes: SEXES,
            ethnic_groups: ethnic_groups(),
            form,
            today: crate::i18n::today_vn(),
            recent,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    kq: String,
}

pub(crate) async fn team_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(id): Path<String>,
    axum::extract::Query(nq): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut form = FormState::default();
    form.values.insert("role", "volunteer".into());
    form.values.insert("joined_on", crate::i18n::today_vn());
    team_page_with(&state, &user, page, &id, form, StatusCode::OK, &nq.kq).await
}

/// Find the member's person by phone, or create a minimal record (no password; consent to hold their
/// data was given in person to `by`). Grants the volunteer role at the team's unit.
pub(crate) async fn enrol_member(
    tx: &mut crate::db::Tx,
    team: &Team,
    m: &NewMember,
    publish: Option<bool>,
    left_on: Option<&str>,
    by: Option<&str>,
) -> AppResult<Result<String, FieldError>> {
    let existing = crate::people::store::id_by_phone(&mut *tx, &m.phone).await?;
    let person = match existing {
        Some(id) => id,
        None => {
            if m.full_name.is_empty() {
                return Ok(Err(FieldError::new("full_name", "team-new-person-name")));
            }
            if m.sex.is_empty() {
                return Ok(Err(FieldError::new("sex", "team-new-person-sex")));
            }
            // Nobody is assumed to be Kinh: the figures by ethnic group are what the province reports.
            if m.ethnic_group.is_empty() {
                return Ok(Err(FieldError::new(
                    "ethnic_group",
                    "team-new-person-ethnic",
                )));
            }
            let p = crate::people::model::NewPerson {
                phone: Some(m.phone.clone()),
                full_name: m.full_name.clone(),
                birth_year: None,
                sex: m.sex.clone(),
                ethnic_group: m.ethnic_group.clone(),
                commune: String::new(),
                village: None,
                target_group: "nguoi-dan".into(),
            };
            crate::people::store::register(tx, &p, &team.unit_code, None, by).await?
        }
    };
    store::add_member(
        tx,
        &team.id,
        &person,
        &m.role,
        &m.joined_on,
        left_on,
        publish,
    )
    .await?;
    if left_on.is_none() {
        crate::people::store::grant_role(
            tx,
            &person,
            "volunteer",
            &team.unit_code,
            by.unwrap_or(&person),
        )
        .await?;
    }
    Ok(Ok(person))
}

pub(crate) async fn add_member(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<MemberForm>,
) -> AppResult<Response> {
    let (team, manages) = team_for(&state, &user, &id).await?;
    if !manages {
        return Err(AppError::Forbidden);
    }
    let mut form = FormState::from_form([
        ("phone", &f.phone),
        ("full_name", &f.full_name),
        ("sex", &f.sex),
        ("ethnic_group", &f.ethnic_group),
        ("role", &f.role),
        ("joined_on", &f.joined_on),
    ]);
    let m = match validate_member(&f) {
        Ok(m) => m,
        Err(e) => {
            form.errors = e;
            return team_page_with(
                &state,
                &user,
                page,
                &id,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
                "",
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    // A second copy of this form would find the member it just enrolled and invite them: it gets the
    // first copy's confirmation instead.
    let cid = match once::claim(&mut tx, &f.client_id, "team_member", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    // Someone who already has a record joins only by accepting an invitation: typing their number must
    // neither show their name nor give them a role in this commune.
    if crate::people::store::phone_taken(&mut tx, &m.phone).await? {
        crate::people::store::invite(
            &mut tx,
            crate::people::store::INVITE_MEMBER,
            &team.id,
            &m.phone,
            Some(&m.role),
            &user.id,
        )
        .await?;
        let location = format!("/quan-ly/to/{}?kq=invited", team.id);
        once::finish(&mut tx, &cid, &location).await?;
        tx.commit().await?;
        return Ok(Redirect::to(&location).into_response());
    }
    if let Err(e) = enrol_member(&mut tx, &team, &m, None, None, Some(&user.id)).await? {
        drop(tx);
        form.errors = vec![e];
        return team_page_with(
            &state,
            &user,
            page,
            &id,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        )
        .await;
    }
    let location = format!("/quan-ly/to/{}", team.id);
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LeftForm {
    left_on: String,
}

pub(crate) async fn member_left(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, mid)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<LeftForm>,
) -> AppResult<Redirect> {
    let (team, manages) = team_for(&state, &user, &id).await?;
    if !manages {
        return Err(AppError::Forbidden);
    }
    let left_on = if f.left_on.trim().is_empty() {
        crate::i18n::today_vn()
    } else {
        f.left_on.trim().to_owned()
    };
    if crate::i18n::parse_date(&left_on).is_none() {
        return Err(AppError::field("left_on", "value-date-invalid"));
    }
    let mut tx = state.db.begin().await?;
    let person = store::set_left(&mut tx, &team.id, &mid, &left_on)
        .await?
        .ok_or(AppError::NotFound)?;
    // Their volunteer role at the unit goes when no team there counts them any more.
    if !store::active_in_unit(&mut tx, &person, &team.unit_code).await? {
        crate::people::store::revoke_role(&mut tx, &person, "volunteer", &team.unit_code).await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/to/{}", team.id)))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    publish: String,
}

/// A member decides for themselves whether their name and phone appear on "Gọi tổ công nghệ số".
pub(crate) async fn publish(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<PublishForm>,
) -> AppResult<Redirect> {
    let (team, _) = team_for(&state, &user, &id).await?;
    let publish = yes(&f.publish).ok_or_else(|| AppError::field("publish", "field-choose"))?;
    let mut tx = state.db.begin().await?;
    if store::set_publish(&mut tx, &team.id, &user.id, publish).await? == 0 {
        return Err(AppError::Forbidden);
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/quan-ly/to/{}", team.id)))
}

#[derive(Template)]
#[template(path = "teams/coverage.html")]
struct CoveragePage {
    page: Page,
    commune: Unit,
    rows: Vec<Coverage>,
    items: &'static [&'static str],
    item_idx: Vec<usize>,
}

/// Coverage per village: commune admins see every village, members the villages their teams cover.
pub(crate) async fn coverage(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let commune = commune_in_scope(&state, &code, |_| true).await?;
    let mut rows = store::coverage(&state.db, &commune.code, None).await?;
    if !user.can_admin(&commune.path) {
        let mut tx = state.db.begin().await?;
        let mut visible = Vec::new();
        for r in rows {
            let path = format!("{}{}/", commune.path, r.code);
            if store::member_covering(&mut tx, &user.id, &path).await? {
                visible.push(r);
            }
        }
        drop(tx);
        if visible.is_empty() {
            return Err(AppError::Forbidden);
        }
        rows = visible;
    }
    Ok(render(&CoveragePage {
        page,
        commune,
        rows,
        items: CHECK_ITEMS,
        item_idx: (0..CHECK_ITEMS.len()).collect(),
    }))
}

#[derive(Template)]
#[template(path = "teams/field_home.html")]
struct FieldHome {
    page: Page,
    teams: Vec<Team>,
    classes: Vec<crate::classes::store::Class>,
    communes: Vec<String>,
}

/// The field worker's start page (the installed app opens here): my teams, my classes, the outbox.
pub(crate) async fn field_home(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
) -> AppResult<Response> {
    let teams = store::teams_of_member(&state.db, &user.id).await?;
    let classes = crate::classes::store::classes_taught_by(&state.db, &user.id).await?;
    let mut communes: Vec<String> = teams
        .iter()
        .filter_map(|t| {
            t.unit_path
                .trim_end_matches('/')
                .split('/')
                .nth(1)
                .map(str::to_owned)
        })
        .collect();
    for r in user.roles.iter().filter(|r| r.role == "commune_admin") {
        communes.push(r.unit_code.clone());
    }
    communes.sort();
    communes.dedup();
    Ok(render(&FieldHome {
        page,
        teams,
        classes,
        communes,
    }))
}
