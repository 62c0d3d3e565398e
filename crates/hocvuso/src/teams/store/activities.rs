//! Activities a team logs, one at a time or a village's batch at once.
use super::*;

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
    pub village_name: String,
    pub household_name: Option<String>,
    pub happened_on: String,
    pub kinds: String,
    pub people_helped: i64,
    pub notes: String,
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
        q("SELECT u.name AS village_name, h.head_name AS household_name, a.happened_on, a.kinds, a.people_helped,
                  a.notes
           FROM activities a JOIN units u ON u.code = a.village_code
           LEFT JOIN households h ON h.id = a.household_id
           WHERE a.team_id = $1 ORDER BY a.happened_on DESC, a.created_at DESC, a.id DESC LIMIT $2")
        .bind(team)
        .bind(limit),
    )
    .await
}
