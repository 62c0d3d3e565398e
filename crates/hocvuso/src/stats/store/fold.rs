//! The aggregator's statements (`stats::fold` decides what to fold): the lease, the inbox, the
//! active-months masks and the cells of `stat_agg`.
use crate::db::{Db, DbResult, Tx, placeholders, q, tuples};

use super::super::cube::Cube;
use super::super::fold::Places;

#[derive(sqlx::FromRow)]
pub(crate) struct InboxRow {
    pub inbox_id: String,
    pub metric: Option<String>,
    pub kind: Option<String>,
    pub unit_path: Option<String>,
    pub person_id: Option<String>,
    pub target_group: Option<String>,
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub ethnic_minority: Option<i64>,
    pub value: Option<i64>,
    pub at: Option<i64>,
    pub retracts: Option<String>,
}

/// Events waiting to be folded in.
pub async fn pending(db: &Db) -> DbResult<i64> {
    db.count(q("SELECT COUNT(*) FROM stat_inbox")).await
}

/// Is anything waiting? (Cheap even when a burst of events is queued.)
pub(crate) async fn has_pending(db: &Db) -> DbResult<bool> {
    Ok(db
        .count(q(
            "SELECT COUNT(*) FROM (SELECT 1 FROM stat_inbox LIMIT 1) AS waiting",
        ))
        .await?
        > 0)
}

/// Take (or keep) the job's lease until `until`; false when another holder has it. `force` takes it
/// whoever holds it.
pub(crate) async fn take_lease(
    tx: &mut Tx,
    job: &str,
    holder: &str,
    t: i64,
    until: i64,
    force: bool,
) -> DbResult<bool> {
    let got = tx
        .execute(
            q("UPDATE stat_jobs SET holder = $1, lease_until = $2
               WHERE name = $3 AND (lease_until < $4 OR holder = $1 OR $5)")
            .bind(holder)
            .bind(until)
            .bind(job)
            .bind(t)
            .bind(force),
        )
        .await?;
    Ok(got == 1)
}

/// The oldest `batch` inbox rows with their events (an inbox row whose event is gone has none).
pub(crate) async fn inbox(tx: &mut Tx, batch: i64) -> DbResult<Vec<InboxRow>> {
    tx.fetch_all(
        q("SELECT i.event_id AS inbox_id, e.metric, e.kind, e.unit_path, e.person_id, e.target_group, e.sex,
                  e.birth_year, e.ethnic_minority, e.value, e.at, e.retracts
           FROM stat_inbox i LEFT JOIN stat_events e ON e.id = i.event_id
           ORDER BY i.event_id LIMIT $1")
        .bind(batch),
    )
    .await
}

/// Delete these inbox rows; how many were still there.
pub(crate) async fn delete_inbox(tx: &mut Tx, ids: &[&str]) -> DbResult<u64> {
    let mut deleted = 0;
    for chunk in ids.chunks(500) {
        let sql = format!(
            "DELETE FROM stat_inbox WHERE event_id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut stmt = q(sql);
        for id in chunk {
            stmt = stmt.bind(*id);
        }
        deleted += tx.execute(stmt).await?;
    }
    Ok(deleted)
}

/// Move the job's version by `n` events (what cached figures are keyed on), and its last run time.
pub(crate) async fn mark_processed(
    tx: &mut Tx,
    job: &str,
    n: i64,
    at: Option<i64>,
) -> DbResult<()> {
    tx.execute(
        q("UPDATE stat_jobs SET processed = processed + $1, last_run_at = COALESCE($2, last_run_at)
           WHERE name = $3")
        .bind(n)
        .bind(at)
        .bind(job),
    )
    .await?;
    Ok(())
}

/// Store changed masks: (person, year, place, months).
pub(crate) async fn upsert_masks(tx: &mut Tx, changed: &[(&str, i64, &str, i64)]) -> DbResult<()> {
    for chunk in changed.chunks(400) {
        let sql = format!(
            "INSERT INTO stat_active (person_id, year, unit_path, months) VALUES {}
             ON CONFLICT (person_id, year, unit_path) DO UPDATE SET months = excluded.months",
            tuples(chunk.len(), 4)
        );
        let mut stmt = q(sql);
        for (pid, year, place, mask) in chunk {
            stmt = stmt.bind(*pid).bind(*year).bind(*place).bind(*mask);
        }
        tx.execute(stmt).await?;
    }
    Ok(())
}

/// A person's folded, live (not retracted) events of these metrics between two times: (place, time).
pub(crate) async fn live_learning(
    tx: &mut Tx,
    person: &str,
    from: i64,
    to: i64,
    metrics: &[&str],
) -> DbResult<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT e.unit_path, e.at FROM stat_events e
         WHERE e.person_id = $1 AND e.at >= $2 AND e.at <= $3 AND e.metric IN ({}) AND e.retracts IS NULL
           AND NOT EXISTS (SELECT 1 FROM stat_events r WHERE r.retracts = e.id)
           AND NOT EXISTS (SELECT 1 FROM stat_inbox i WHERE i.event_id = e.id)",
        placeholders(4, metrics.len())
    );
    let mut stmt = q(sql).bind(person).bind(from).bind(to);
    for m in metrics {
        stmt = stmt.bind(*m);
    }
    tx.fetch_all(stmt).await
}

pub(crate) async fn masks_of(tx: &mut Tx, person: &str, year: i32) -> DbResult<Places> {
    tx.fetch_all(
        q("SELECT unit_path, months FROM stat_active WHERE person_id = $1 AND year = $2")
            .bind(person)
            .bind(i64::from(year)),
    )
    .await
}

/// Replace a person's masks of a year.
pub(crate) async fn replace_masks(
    tx: &mut Tx,
    person: &str,
    year: i32,
    places: &Places,
) -> DbResult<()> {
    tx.execute(
        q("DELETE FROM stat_active WHERE person_id = $1 AND year = $2")
            .bind(person)
            .bind(i64::from(year)),
    )
    .await?;
    for (place, mask) in places {
        tx.execute(
            q("INSERT INTO stat_active (person_id, year, unit_path, months) VALUES ($1, $2, $3, $4)")
                .bind(person)
                .bind(i64::from(year))
                .bind(place)
                .bind(*mask),
        )
        .await?;
    }
    Ok(())
}

/// The masks of a year of many people: (person, place, months).
pub(crate) async fn masks_of_many(
    tx: &mut Tx,
    year: i64,
    people: &[&str],
) -> DbResult<Vec<(String, String, i64)>> {
    let mut out = Vec::new();
    for chunk in people.chunks(500) {
        let sql = format!(
            "SELECT person_id, unit_path, months FROM stat_active WHERE year = $1 AND person_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut stmt = q(sql).bind(year);
        for p in chunk {
            stmt = stmt.bind(*p);
        }
        out.extend(tx.fetch_all::<(String, String, i64)>(stmt).await?);
    }
    Ok(out)
}

/// Add a cube's cells to `stat_agg` (insert or add to the existing counts).
pub(crate) async fn write_cube(tx: &mut Tx, cube: &Cube) -> DbResult<()> {
    let cells: Vec<_> = cube.cells.iter().collect();
    for chunk in cells.chunks(1000) {
        let sql = format!(
            "INSERT INTO stat_agg (unit_code, grain, period, metric, dim, dim_value, n, total) VALUES {}
             ON CONFLICT (unit_code, grain, period, metric, dim, dim_value)
             DO UPDATE SET n = stat_agg.n + excluded.n, total = stat_agg.total + excluded.total",
            tuples(chunk.len(), 8)
        );
        let mut stmt = q(sql);
        for (k, (n, total)) in chunk {
            stmt = stmt
                .bind(k.unit.as_str())
                .bind(k.grain)
                .bind(k.period.as_str())
                .bind(k.metric.as_str())
                .bind(k.dim)
                .bind(k.dim_value.as_str())
                .bind(*n)
                .bind(*total);
        }
        tx.execute(stmt).await?;
    }
    Ok(())
}
