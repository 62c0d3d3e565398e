//! The figures check's statements (`reports::figures` compares and repairs): the facts as the events
//! that should count them, every event, every cell, and the repair's writes.
use crate::db::{DbResult, Tx, now, q, tuples};
use crate::stats::metric;

use super::super::figures::CellDiff;
use super::ExportRow;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: String,
    pub metric: String,
    pub kind: Option<String>,
    pub unit_code: String,
    pub unit_path: String,
    pub person_id: Option<String>,
    pub target_group: Option<String>,
    pub sex: Option<String>,
    pub birth_year: Option<i64>,
    pub ethnic_minority: Option<i64>,
    pub value: i64,
    pub at: i64,
    pub source: Option<String>,
    pub retracts: Option<String>,
}

/// The facts that hold now, as the events that should count them. Person dimensions are the person's
/// current ones (only used for facts that have no event yet).
pub(crate) async fn fact_events(tx: &mut Tx) -> DbResult<Vec<EventRow>> {
    let t = now();
    let person_cols = "p.id AS person_id, p.target_group, p.sex, p.birth_year,
        CAST(CASE WHEN p.ethnic_group IS NULL THEN NULL WHEN p.ethnic_group = 'Kinh' THEN 0 ELSE 1 END AS BIGINT) AS ethnic_minority";
    let none_cols = "CAST(NULL AS TEXT) AS person_id, CAST(NULL AS TEXT) AS target_group, CAST(NULL AS TEXT) AS sex,
        CAST(NULL AS BIGINT) AS birth_year, CAST(NULL AS BIGINT) AS ethnic_minority";
    let mut out: Vec<EventRow> = Vec::new();
    // Attendance: a present mark on a session that has started, where the class takes place.
    out.extend(
        tx.fetch_all::<EventRow>(
            q(format!(
                "SELECT 'att:' || a.session_id || ':' || a.person_id AS id, '{att}' AS metric,
                        CAST(NULL AS TEXT) AS kind, u.code AS unit_code, u.path AS unit_path, {person_cols},
                        CAST(1 AS BIGINT) AS value, s.starts_at AS at,
                        'att:' || a.session_id || ':' || a.person_id AS source, CAST(NULL AS TEXT) AS retracts
                 FROM class_attendance a JOIN class_sessions s ON s.id = a.session_id
                 JOIN classes c ON c.id = s.class_id
                 JOIN units u ON u.code = COALESCE(c.village_code, c.commune_code)
                 LEFT JOIN people p ON p.id = a.person_id
                 WHERE a.present AND s.starts_at <= $1",
                att = metric::CLASS_ATTENDANCE
            ))
            .bind(t),
        )
        .await?,
    );
    // Sessions held: started, with at least one mark.
    out.extend(
        tx.fetch_all::<EventRow>(
            q(format!(
                "SELECT 'held:' || s.id AS id, '{held}' AS metric, CAST(NULL AS TEXT) AS kind,
                        u.code AS unit_code, u.path AS unit_path, {none_cols},
                        CAST(1 AS BIGINT) AS value, s.starts_at AS at, 'held:' || s.id AS source,
                        CAST(NULL AS TEXT) AS retracts
                 FROM class_sessions s JOIN classes c ON c.id = s.class_id
                 JOIN units u ON u.code = COALESCE(c.village_code, c.commune_code)
                 WHERE s.starts_at <= $1 AND EXISTS (SELECT 1 FROM class_attendance a WHERE a.session_id = s.id)",
                held = metric::CLASS_HELD
            ))
            .bind(t),
        )
        .await?,
    );
    // Activities, and the household each one reached.
    out.extend(
        tx.fetch_all::<EventRow>(q(format!(
            "SELECT 'act:' || a.id AS id, '{act}' AS metric, CAST(NULL AS TEXT) AS kind,
                    u.code AS unit_code, u.path AS unit_path, {none_cols},
                    CASE WHEN a.people_helped < 1 THEN 1 ELSE a.people_helped END AS value, a.created_at AS at,
                    'act:' || a.id AS source, CAST(NULL AS TEXT) AS retracts
             FROM activities a JOIN units u ON u.code = a.village_code
             UNION ALL
             SELECT 'acth:' || a.id AS id, '{hh}' AS metric, CAST(NULL AS TEXT) AS kind,
                    u.code AS unit_code, u.path AS unit_path, {none_cols},
                    CAST(1 AS BIGINT) AS value, a.created_at AS at,
                    'acth:' || a.id AS source, CAST(NULL AS TEXT) AS retracts
             FROM activities a JOIN units u ON u.code = a.village_code WHERE a.household_id IS NOT NULL",
            act = metric::TEAM_ACTIVITY,
            hh = metric::HOUSEHOLD_HELPED
        )))
        .await?,
    );
    // Checklist items ticked.
    out.extend(
        tx.fetch_all::<EventRow>(q(format!(
            "SELECT 'chk:' || c.household_id || ':' || c.item AS id, '{chk}' AS metric, c.item AS kind,
                    u.code AS unit_code, u.path AS unit_path, {none_cols},
                    CAST(1 AS BIGINT) AS value, c.updated_at AS at,
                    'chk:' || c.household_id || ':' || c.item AS source, CAST(NULL AS TEXT) AS retracts
             FROM household_checks c JOIN households h ON h.id = c.household_id
             JOIN units u ON u.code = h.village_code WHERE c.done",
            chk = metric::HOUSEHOLD_CHECK
        )))
        .await?,
    );
    Ok(out)
}

/// Every event ever written, live or retracted.
pub(crate) async fn all_events(tx: &mut Tx) -> DbResult<Vec<EventRow>> {
    tx.fetch_all(q(
        "SELECT id, metric, kind, unit_code, unit_path, person_id, target_group, sex, birth_year, ethnic_minority,
                value, at, source, retracts FROM stat_events",
    ))
    .await
}

/// Every stored cell, as the open-data export reads them.
pub(crate) async fn agg_rows(tx: &mut Tx) -> DbResult<Vec<ExportRow>> {
    tx.fetch_all(q(
        "SELECT unit_code, grain, period, metric, dim, dim_value, n, total FROM stat_agg",
    ))
    .await
}

/// Set each differing cell to what the facts give.
pub(crate) async fn set_cells(tx: &mut Tx, diffs: &[CellDiff]) -> DbResult<()> {
    for chunk in diffs.chunks(500) {
        let sql = format!(
            "INSERT INTO stat_agg (unit_code, grain, period, metric, dim, dim_value, n, total) VALUES {}
             ON CONFLICT (unit_code, grain, period, metric, dim, dim_value)
             DO UPDATE SET n = excluded.n, total = excluded.total",
            tuples(chunk.len(), 8)
        );
        let mut stmt = q(sql);
        for d in chunk {
            stmt = stmt
                .bind(d.key.unit.as_str())
                .bind(d.key.grain)
                .bind(d.key.period.as_str())
                .bind(d.key.metric.as_str())
                .bind(d.key.dim)
                .bind(d.key.dim_value.as_str())
                .bind(d.want.0)
                .bind(d.want.1);
        }
        tx.execute(stmt).await?;
    }
    Ok(())
}

/// Replace every active-months mask: ((person, year, place), months).
pub(crate) async fn replace_all_masks(
    tx: &mut Tx,
    masks: &[((String, i64, String), i64)],
) -> DbResult<()> {
    tx.execute(q("DELETE FROM stat_active")).await?;
    for chunk in masks.chunks(400) {
        let sql = format!(
            "INSERT INTO stat_active (person_id, year, unit_path, months) VALUES {}",
            tuples(chunk.len(), 4)
        );
        let mut stmt = q(sql);
        for ((pid, year, place), m) in chunk {
            stmt = stmt
                .bind(pid.as_str())
                .bind(*year)
                .bind(place.as_str())
                .bind(*m);
        }
        tx.execute(stmt).await?;
    }
    Ok(())
}
