//! Teams, members, the "acted for" log, published contacts, households, checks, activities, coverage.
use crate::db::{Db, DbResult, Tx, new_id, now, q};
use crate::stats::{StatEvent, UnitEvent, emit_many, metric};
use crate::web::auth::SessionUser;

use super::model::{CHECK_ITEMS, NewActivity, NewHousehold, household_key};

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

pub(crate) async fn get_team(db: &Db, id: &str) -> DbResult<Option<Team>> {
    db.fetch_optional(
        q(format!("{TEAM_SELECT} WHERE t.id = $2"))
            .bind(today())
            .bind(id),
    )
    .await
}

pub(crate) async fn get_team_tx(tx: &mut Tx, id: &str) -> DbResult<Option<Team>> {
    tx.fetch_optional(
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

// ---- what was done on a person's behalf --------------------------------------------------------------

pub(crate) async fn record_acted_for(
    tx: &mut Tx,
    person: &str,
    actor: &SessionUser,
    action: &str,
    detail: &str,
) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO acted_for (id, person_id, actor_id, actor_name, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new_id())
            .bind(person)
            .bind(&actor.id)
            .bind(&actor.full_name)
            .bind(action)
            .bind(detail)
            .bind(now()),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct ActedFor {
    pub actor_name: String,
    pub action: String,
    pub detail: String,
    pub at: i64,
}

pub(crate) async fn acted_for_of(db: &Db, person: &str) -> DbResult<Vec<ActedFor>> {
    db.fetch_all(
        q("SELECT actor_name, action, detail, at FROM acted_for WHERE person_id = $1 ORDER BY at DESC, id DESC LIMIT 200")
            .bind(person),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub team_name: String,
    pub unit_name: String,
    pub full_name: String,
    pub role: String,
    pub phone: Option<String>,
}

/// Members who agreed to publish their contact, of the teams of these units (a village and its commune).
pub(crate) async fn published_contacts(db: &Db, units: &[&str]) -> DbResult<Vec<Contact>> {
    let mut out = Vec::new();
    for unit in units {
        out.extend(
            db.fetch_all::<Contact>(
                q("SELECT t.name AS team_name, u.name AS unit_name, p.full_name, m.role, p.phone
                   FROM team_members m JOIN teams t ON t.id = m.team_id JOIN units u ON u.code = t.unit_code
                   JOIN people p ON p.id = m.person_id
                   WHERE t.unit_code = $1 AND m.publish_contact AND (m.left_on IS NULL OR m.left_on > $2)
                   ORDER BY t.name_key, CASE m.role WHEN 'leader' THEN 0 ELSE 1 END, p.full_name")
                .bind(*unit)
                .bind(today()),
            )
            .await?,
        );
    }
    Ok(out)
}

// ---- households and their checklist ------------------------------------------------------------------

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Household {
    pub id: String,
    pub village_code: String,
    pub head_name: String,
    pub address: String,
    pub adults: i64,
}

pub(crate) async fn household_by_key(
    tx: &mut Tx,
    village: &str,
    head: &str,
    address: &str,
) -> DbResult<Option<Household>> {
    tx.fetch_optional(
        q("SELECT id, village_code, head_name, address, adults FROM households WHERE village_code = $1 AND dedupe_key = $2")
            .bind(village)
            .bind(household_key(head, address)),
    )
    .await
}

/// Register a household under id `id`, or, when the village already has one with the same head and
/// address (its natural key), update that one's number of adults. One statement, so two phones
/// registering the same household at once cannot both insert it (PostgreSQL makes the second wait on
/// the key, then update). Returns the household's id.
pub(crate) async fn upsert_household(
    tx: &mut Tx,
    id: &str,
    h: &NewHousehold,
    by: Option<&str>,
) -> DbResult<String> {
    let t = now();
    Ok(tx
        .scalar::<String>(
            q("INSERT INTO households (id, village_code, head_name, address, adults, dedupe_key, created_by, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
               ON CONFLICT (village_code, dedupe_key) DO UPDATE SET adults = excluded.adults, updated_at = excluded.updated_at
               RETURNING id")
            .bind(id)
            .bind(&h.village)
            .bind(&h.head_name)
            .bind(&h.address)
            .bind(h.adults)
            .bind(household_key(&h.head_name, &h.address))
            .bind(by)
            .bind(t),
        )
        .await?
        .unwrap_or_else(|| id.to_owned()))
}

pub(crate) async fn update_household_adults(tx: &mut Tx, id: &str, adults: i64) -> DbResult<u64> {
    tx.execute(
        q("UPDATE households SET adults = $1, updated_at = $2 WHERE id = $3")
            .bind(adults)
            .bind(now())
            .bind(id),
    )
    .await
}

pub(crate) async fn household(tx: &mut Tx, id: &str) -> DbResult<Option<Household>> {
    tx.fetch_optional(
        q("SELECT id, village_code, head_name, address, adults FROM households WHERE id = $1")
            .bind(id),
    )
    .await
}

pub(crate) async fn households_of(db: &Db, village: &str) -> DbResult<Vec<Household>> {
    db.fetch_all(
        q("SELECT id, village_code, head_name, address, adults FROM households WHERE village_code = $1
           ORDER BY dedupe_key, id LIMIT 5000")
        .bind(village),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CheckRow {
    pub household_id: String,
    pub item: String,
    pub done: bool,
    pub device_time: i64,
    pub updated_by_name: Option<String>,
}

pub(crate) async fn checks_of_village(db: &Db, village: &str) -> DbResult<Vec<CheckRow>> {
    db.fetch_all(
        q(
            "SELECT c.household_id, c.item, c.done, c.device_time, p.full_name AS updated_by_name
           FROM household_checks c JOIN households h ON h.id = c.household_id
           LEFT JOIN people p ON p.id = c.updated_by WHERE h.village_code = $1",
        )
        .bind(village),
    )
    .await
}

/// Set a checklist item; the latest device time wins. Returns whether it was applied. The figure
/// follows the item: ticked counts the household for the item, unticked takes it back.
pub(crate) async fn set_check(
    tx: &mut Tx,
    household: &Household,
    item: &str,
    done: bool,
    by: &str,
    device_time: i64,
) -> DbResult<bool> {
    let t = now();
    // One upsert on the natural key (household, item): a concurrent first tick of the same item waits
    // on the key instead of failing; an edit older than the stored one changes nothing (0 rows).
    let written = tx
        .execute(
            q("INSERT INTO household_checks (household_id, item, done, counted, device_time, updated_by, updated_at)
               VALUES ($1, $2, $3, $3, $4, $5, $6)
               ON CONFLICT (household_id, item) DO UPDATE SET done = excluded.done, counted = excluded.counted,
                 device_time = excluded.device_time, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at
               WHERE household_checks.device_time <= excluded.device_time")
            .bind(&household.id)
            .bind(item)
            .bind(done)
            .bind(device_time)
            .bind(by)
            .bind(t),
        )
        .await?;
    if written == 0 {
        return Ok(false);
    }
    let source = crate::stats::source::check(&household.id, item);
    if done {
        crate::stats::count(
            tx,
            &source,
            StatEvent {
                metric: metric::HOUSEHOLD_CHECK,
                unit_code: &household.village_code,
                person_id: None,
                value: 1,
                at: t,
            },
            Some(item),
        )
        .await?;
    } else {
        crate::stats::uncount(tx, &source).await?;
    }
    Ok(true)
}

/// Is there an activity of `kind` for this household (logged, or made by a tick)?
pub(crate) async fn household_has_activity(
    tx: &mut Tx,
    household: &str,
    kind: &str,
) -> DbResult<bool> {
    Ok(tx
        .count(
            q("SELECT COUNT(*) FROM activities WHERE household_id = $1 AND (',' || kinds || ',') LIKE $2")
                .bind(household)
                .bind(format!("%,{kind},%")),
        )
        .await?
        > 0)
}

/// Remove the activities a tick of `item` made for this household (an untick, or a logged activity
/// that records the same help), taking back their figures.
pub(crate) async fn delete_tick_activities(
    tx: &mut Tx,
    household: &str,
    item: &str,
) -> DbResult<u64> {
    let ids: Vec<(String,)> = tx
        .fetch_all(
            q("SELECT id FROM activities WHERE household_id = $1 AND from_check = $2")
                .bind(household)
                .bind(item),
        )
        .await?;
    for (id,) in &ids {
        delete_activity(tx, id).await?;
    }
    Ok(ids.len() as u64)
}

/// Delete an activity and take back what it counted (the activity, the household it reached).
pub(crate) async fn delete_activity(tx: &mut Tx, id: &str) -> DbResult<u64> {
    crate::stats::uncount(tx, &crate::stats::source::activity(id)).await?;
    crate::stats::uncount(tx, &crate::stats::source::activity_household(id)).await?;
    tx.execute(q("DELETE FROM activities WHERE id = $1").bind(id))
        .await
}

// ---- activities -------------------------------------------------------------------------------------

/// Store an activity (append-only) with its members; emits TEAM_ACTIVITY (value: people helped, at least 1).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_activity(
    tx: &mut Tx,
    id: &str,
    a: &NewActivity,
    team: Option<&str>,
    village_path: &str,
    by: &str,
    device_time: i64,
    from_check: Option<&str>,
) -> DbResult<()> {
    insert_activities(
        tx,
        &[ActivityInsert {
            id,
            activity: a,
            team,
            village_path,
            device_time,
            from_check,
        }],
        by,
    )
    .await
}

/// One activity to store: its id, what was done, the team, and the path of its village (for statistics).
pub struct ActivityInsert<'a> {
    pub id: &'a str,
    pub activity: &'a NewActivity,
    pub team: Option<&'a str>,
    pub village_path: &'a str,
    pub device_time: i64,
    /// The checklist item whose tick made this activity (None when a member logged it).
    pub from_check: Option<&'a str>,
}

/// Store activities recorded by `by`, their members and their statistics events with a few multi-row
/// statements (a sync batch of 100 is then about five round trips, not five hundred).
pub(crate) async fn insert_activities(
    tx: &mut Tx,
    rows: &[ActivityInsert<'_>],
    by: &str,
) -> DbResult<()> {
    const COLS: usize = 12;
    let t = now();
    for chunk in rows.chunks(200) {
        let mut stmt = q(format!(
            "INSERT INTO activities (id, team_id, village_code, household_id, happened_on, kinds, people_helped,
               notes, recorded_by, device_time, created_at, from_check) VALUES {}",
            crate::db::tuples(chunk.len(), COLS)
        ));
        for r in chunk {
            let a = r.activity;
            stmt = stmt
                .bind(r.id)
                .bind(r.team)
                .bind(&a.village)
                .bind(a.household.clone())
                .bind(&a.happened_on)
                .bind(a.kinds.join(","))
                .bind(a.people_helped)
                .bind(&a.notes)
                .bind(by)
                .bind(r.device_time)
                .bind(t)
                .bind(r.from_check);
        }
        tx.execute(stmt).await?;
    }
    let members: Vec<(&str, &String)> = rows
        .iter()
        .flat_map(|r| r.activity.members.iter().map(move |m| (r.id, m)))
        .collect();
    for chunk in members.chunks(500) {
        let mut stmt = q(format!(
            "INSERT INTO activity_members (activity_id, person_id) VALUES {}",
            crate::db::tuples(chunk.len(), 2)
        ));
        for (id, m) in chunk {
            stmt = stmt.bind(*id).bind(*m);
        }
        tx.execute(stmt).await?;
    }
    // Each activity counts once, and once more for the household it reached; both name the activity,
    // so deleting it (or its replacement by a logged activity) takes them back.
    let mut events: Vec<UnitEvent> = Vec::with_capacity(rows.len());
    for r in rows {
        events.push(UnitEvent {
            metric: metric::TEAM_ACTIVITY,
            unit_code: &r.activity.village,
            unit_path: r.village_path,
            value: r.activity.people_helped.max(1),
            at: t,
            kind: None,
            source: Some(crate::stats::source::activity(r.id)),
        });
        if r.activity.household.is_some() {
            events.push(UnitEvent {
                metric: metric::HOUSEHOLD_HELPED,
                unit_code: &r.activity.village,
                unit_path: r.village_path,
                value: 1,
                at: t,
                kind: None,
                source: Some(crate::stats::source::activity_household(r.id)),
            });
        }
    }
    emit_many(tx, &events).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: String,
    pub village_name: String,
    pub household_name: Option<String>,
    pub happened_on: String,
    pub kinds: String,
    pub people_helped: i64,
    pub notes: String,
    pub recorded_by_name: Option<String>,
}

impl ActivityRow {
    pub(crate) fn kind_list(&self) -> Vec<&str> {
        self.kinds.split(',').filter(|k| !k.is_empty()).collect()
    }
}

pub(crate) async fn recent_activities(
    db: &Db,
    team: &str,
    limit: i64,
) -> DbResult<Vec<ActivityRow>> {
    db.fetch_all(
        q("SELECT a.id, u.name AS village_name, h.head_name AS household_name, a.happened_on, a.kinds, a.people_helped,
                  a.notes, p.full_name AS recorded_by_name
           FROM activities a JOIN units u ON u.code = a.village_code
           LEFT JOIN households h ON h.id = a.household_id LEFT JOIN people p ON p.id = a.recorded_by
           WHERE a.team_id = $1 ORDER BY a.happened_on DESC, a.created_at DESC, a.id DESC LIMIT $2")
        .bind(team)
        .bind(limit),
    )
    .await
}

// ---- coverage ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
struct VillageTotals {
    code: String,
    name: String,
    households: i64,
    people_helped: i64,
    activities: i64,
    active_members: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ItemCount {
    village_code: String,
    item: String,
    n: i64,
}

/// One village's coverage: households, how many have each checklist item, people helped, members active.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Coverage {
    pub code: String,
    pub name: String,
    pub households: i64,
    /// Households with each item done, in [`CHECK_ITEMS`] order.
    pub items: Vec<i64>,
    pub people_helped: i64,
    pub activities: i64,
    /// Members who logged an activity in the village in the last 90 days.
    pub active_members: i64,
}

impl Coverage {
    /// Households with item `i` done.
    pub(crate) fn item(&self, i: &usize) -> i64 {
        self.items[*i]
    }

    /// Share of households with item `i`, in percent.
    pub(crate) fn share(&self, i: &usize) -> f64 {
        if self.households == 0 {
            0.0
        } else {
            self.items[*i] as f64 * 100.0 / self.households as f64
        }
    }
}

/// Coverage of every village of a commune (or of one village when `only` is given).
pub async fn coverage(db: &Db, commune: &str, only: Option<&str>) -> DbResult<Vec<Coverage>> {
    let since = crate::i18n::vn_time(now() - 90 * 24 * 3600);
    let since = format!(
        "{:04}-{:02}-{:02}",
        since.year(),
        u8::from(since.month()),
        since.day()
    );
    let villages: Vec<VillageTotals> = db
        .fetch_all(
            q("SELECT u.code, u.name,
                 (SELECT COUNT(*) FROM households h WHERE h.village_code = u.code) AS households,
                 (SELECT CAST(COALESCE(SUM(a.people_helped), 0) AS BIGINT) FROM activities a WHERE a.village_code = u.code)
                   AS people_helped,
                 (SELECT COUNT(*) FROM activities a WHERE a.village_code = u.code) AS activities,
                 (SELECT COUNT(DISTINCT am.person_id) FROM activity_members am JOIN activities a ON a.id = am.activity_id
                   WHERE a.village_code = u.code AND a.happened_on >= $2) AS active_members
               FROM units u WHERE u.parent_code = $1 AND u.level = 3 AND ($3 = '' OR u.code = $3)
               ORDER BY u.name")
            .bind(commune)
            .bind(&since)
            .bind(only.unwrap_or("")),
        )
        .await?;
    let counts: Vec<ItemCount> = db
        .fetch_all(
            q("SELECT h.village_code, c.item, COUNT(*) AS n
               FROM household_checks c JOIN households h ON h.id = c.household_id JOIN units u ON u.code = h.village_code
               WHERE u.parent_code = $1 AND c.done GROUP BY h.village_code, c.item")
            .bind(commune),
        )
        .await?;
    Ok(villages
        .into_iter()
        .map(|v| {
            let items = CHECK_ITEMS
                .iter()
                .map(|item| {
                    counts
                        .iter()
                        .find(|c| c.village_code == v.code && c.item == *item)
                        .map_or(0, |c| c.n)
                })
                .collect();
            Coverage {
                code: v.code,
                name: v.name,
                households: v.households,
                items,
                people_helped: v.people_helped,
                activities: v.activities,
                active_members: v.active_members,
            }
        })
        .collect())
}
