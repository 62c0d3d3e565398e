//! Households and their checklist: one row per household, one per item, the latest edit winning.
use super::*;

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
