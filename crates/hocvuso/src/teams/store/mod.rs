//! Teams and their members here; the "acted for" log and published contacts, households and their
//! checklist, activities, and coverage each in their own file.
use crate::db::{Db, DbResult, Exec, Tx, new_id, now, q};
use crate::stats::{StatEvent, UnitEvent, emit_many, metric};
use crate::web::auth::SessionUser;

use super::model::{CHECK_ITEMS, NewActivity, NewHousehold, household_key};

mod acted_for;
mod activities;
mod coverage;
mod households;

pub(crate) use acted_for::*;
pub(crate) use activities::*;
pub use coverage::*;
pub(crate) use households::*;

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Team {
    pub id: String,
    pub unit_code: String,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub unit_level: i64,
    pub name: String,
    pub active_members: i64,
}

/// `$1` is today (YYYY-MM-DD): members whose leave date is today or earlier are no longer active.
const TEAM_SELECT: &str = "SELECT t.id, t.unit_code, u.name AS unit_name, u.path AS unit_path, u.level AS unit_level,
       t.name,
       (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id AND (m.left_on IS NULL OR m.left_on > $1))
         AS active_members
  FROM teams t JOIN units u ON u.code = t.unit_code";

fn today() -> String {
    crate::i18n::today_vn()
}

pub async fn insert_team(
    tx: &mut Tx,
    unit: &str,
    name: &str,
    by: Option<&str>,
) -> DbResult<String> {
    let id = new_id();
    let t = now();
    tx.execute(
        q(
            "INSERT INTO teams (id, unit_code, name, name_key, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&id)
        .bind(unit)
        .bind(name)
        .bind(vntext::normalize(name))
        .bind(by)
        .bind(t),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn team_by_name(tx: &mut Tx, unit: &str, name: &str) -> DbResult<Option<String>> {
    tx.scalar(
        q("SELECT id FROM teams WHERE unit_code = $1 AND name_key = $2")
            .bind(unit)
            .bind(vntext::normalize(name)),
    )
    .await
}

pub(crate) async fn get_team(ex: impl Exec, id: &str) -> DbResult<Option<Team>> {
    ex.fetch_optional(
        q(format!("{TEAM_SELECT} WHERE t.id = $2"))
            .bind(today())
            .bind(id),
    )
    .await
}

/// Teams at or below `path` (a commune admin sees every team of the commune).
pub(crate) async fn teams_under(db: &Db, path: &str) -> DbResult<Vec<Team>> {
    db.fetch_all(
        q(format!(
            "{TEAM_SELECT} WHERE u.path LIKE $2 ORDER BY u.level, u.name, t.name_key LIMIT 2000"
        ))
        .bind(today())
        .bind(format!("{path}%")),
    )
    .await
}

/// Teams a person is an active member of.
pub(crate) async fn teams_of_member(db: &Db, person: &str) -> DbResult<Vec<Team>> {
    db.fetch_all(
        q(format!(
            "{TEAM_SELECT} JOIN team_members me ON me.team_id = t.id AND me.person_id = $2
               AND (me.left_on IS NULL OR me.left_on > $1)
             ORDER BY u.level, u.name, t.name_key"
        ))
        .bind(today())
        .bind(person),
    )
    .await
}

pub(crate) async fn is_active_member(tx: &mut Tx, team: &str, person: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q(
                "SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND person_id = $2
               AND (left_on IS NULL OR left_on > $3)",
            )
            .bind(team)
            .bind(person)
            .bind(today()),
        )
        .await?
        > 0)
}

/// Is `person` an active member of a team whose unit is `path` or above it (a village's own team or
/// its commune's team)?
pub(crate) async fn member_covering(tx: &mut Tx, person: &str, path: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q("SELECT COUNT(*) FROM team_members m JOIN teams t ON t.id = m.team_id JOIN units u ON u.code = t.unit_code
               WHERE m.person_id = $1 AND (m.left_on IS NULL OR m.left_on > $2)
                 AND substr($3, 1, length(u.path)) = u.path")
            .bind(person)
            .bind(today())
            .bind(path),
        )
        .await?
        > 0)
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Member {
    pub id: String,
    pub person_id: String,
    pub full_name: String,
    #[serde(skip)]
    pub phone: Option<String>,
    pub role: String,
    pub joined_on: String,
    pub left_on: Option<String>,
    pub publish_contact: bool,
}

impl Member {
    pub(crate) fn active(&self) -> bool {
        self.left_on.as_deref().is_none_or(|l| l > today().as_str())
    }
}

pub(crate) async fn members_of(db: &Db, team: &str) -> DbResult<Vec<Member>> {
    db.fetch_all(
        q("SELECT m.id, m.person_id, p.full_name, p.phone, m.role, m.joined_on, m.left_on, m.publish_contact
           FROM team_members m JOIN people p ON p.id = m.person_id WHERE m.team_id = $1
           ORDER BY CASE WHEN m.left_on IS NULL THEN 0 ELSE 1 END, CASE m.role WHEN 'leader' THEN 0 ELSE 1 END,
                    p.full_name, m.id")
        .bind(team),
    )
    .await
}

/// Add a member, or bring back one who had left (their row keeps its id). Returns the member row id.
pub async fn add_member(
    tx: &mut Tx,
    team: &str,
    person: &str,
    role: &str,
    joined_on: &str,
    left_on: Option<&str>,
    publish: Option<bool>,
) -> DbResult<String> {
    let t = now();
    tx.execute(
        q("INSERT INTO team_members (id, team_id, person_id, role, joined_on, left_on, publish_contact, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
           ON CONFLICT (team_id, person_id) DO UPDATE SET role = excluded.role, joined_on = excluded.joined_on,
             left_on = excluded.left_on, updated_at = excluded.updated_at")
        .bind(new_id())
        .bind(team)
        .bind(person)
        .bind(role)
        .bind(joined_on)
        .bind(left_on)
        .bind(publish.unwrap_or(false))
        .bind(t),
    )
    .await?;
    if let Some(p) = publish {
        set_publish(tx, team, person, p).await?;
    }
    Ok(tx
        .scalar::<String>(
            q("SELECT id FROM team_members WHERE team_id = $1 AND person_id = $2")
                .bind(team)
                .bind(person),
        )
        .await?
        .unwrap_or_default())
}

pub(crate) async fn set_left(
    tx: &mut Tx,
    team: &str,
    member_id: &str,
    left_on: &str,
) -> DbResult<Option<String>> {
    tx.execute(
        q("UPDATE team_members SET left_on = $1, updated_at = $2 WHERE id = $3 AND team_id = $4")
            .bind(left_on)
            .bind(now())
            .bind(member_id)
            .bind(team),
    )
    .await?;
    tx.scalar(
        q("SELECT person_id FROM team_members WHERE id = $1 AND team_id = $2")
            .bind(member_id)
            .bind(team),
    )
    .await
}

pub(crate) async fn set_publish(
    tx: &mut Tx,
    team: &str,
    person: &str,
    publish: bool,
) -> DbResult<u64> {
    tx.execute(
        q("UPDATE team_members SET publish_contact = $1, updated_at = $2 WHERE team_id = $3 AND person_id = $4")
            .bind(publish)
            .bind(now())
            .bind(team)
            .bind(person),
    )
    .await
}

/// Does the person still belong to an active team at `unit` (so their volunteer role there stays)?
pub(crate) async fn active_in_unit(tx: &mut Tx, person: &str, unit: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q("SELECT COUNT(*) FROM team_members m JOIN teams t ON t.id = m.team_id
               WHERE m.person_id = $1 AND t.unit_code = $2 AND (m.left_on IS NULL OR m.left_on > $3)")
            .bind(person)
            .bind(unit)
            .bind(today()),
        )
        .await?
        > 0)
}

/// The team a member works through at `place` (the nearest unit's team first): a team whose unit
/// contains the place and which `person_id` has not left by `today`.
pub(crate) async fn team_serving(
    tx: &mut Tx,
    person_id: &str,
    place_path: &str,
    today: &str,
) -> DbResult<Option<String>> {
    tx.scalar::<String>(
        q(
            "SELECT t.id FROM team_members m JOIN teams t ON t.id = m.team_id JOIN units u ON u.code = t.unit_code
             WHERE m.person_id = $1 AND (m.left_on IS NULL OR m.left_on > $2) AND substr($3, 1, length(u.path)) = u.path
             ORDER BY u.level DESC, t.id LIMIT 1",
        )
        .bind(person_id)
        .bind(today)
        .bind(place_path),
    )
    .await
}
