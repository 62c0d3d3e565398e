//! Report queries. Dashboards read only `stat_agg` rows of one unit (or one unit's children) and a few
//! periods, never events: their cost follows units × periods, not the number of events.
use crate::db::{Db, DbResult, Tx, new_id, now, q};
use crate::stats::metric;

pub(crate) mod figures;

use super::model::Indicator;
use crate::stats::period::{MONTH, Period, YEAR};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CellRow {
    pub metric: String,
    pub dim: String,
    pub dim_value: String,
    pub n: i64,
    pub total: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitCellRow {
    pub unit_code: String,
    pub metric: String,
    pub n: i64,
    pub total: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PeriodCellRow {
    pub period: String,
    pub metric: String,
    pub n: i64,
    pub total: i64,
}

/// Metrics that reports also show as running totals (see `model::MEASURES`).
pub const CUMULATIVE_METRICS: [&str; 3] = [
    metric::PERSON_REGISTERED,
    metric::HOUSEHOLD_COUNT,
    metric::HOUSEHOLD_CHECK,
];

/// Every cell of a unit in a period (all metrics, all breakdowns).
pub(crate) async fn cells(db: &Db, unit: &str, period: &Period) -> DbResult<Vec<CellRow>> {
    db.fetch_all(
        q("SELECT metric, dim, dim_value, n, total FROM stat_agg
           WHERE unit_code = $1 AND grain = $2 AND period = $3")
        .bind(unit)
        .bind(period.grain())
        .bind(period.key()),
    )
    .await
}

/// The condition "up to the end of `period`" on stat_agg aliased `a`, with its arguments from `$first`.
fn cumulative_sql(first: usize) -> String {
    format!(
        "((a.grain = '{YEAR}' AND a.period <= ${}) OR (a.grain = ${} AND a.period BETWEEN ${} AND ${}))",
        first,
        first + 1,
        first + 2,
        first + 3
    )
}

fn bind_cumulative(stmt: crate::db::Query, period: &Period) -> crate::db::Query {
    let (years, rest) = period.cumulative_parts();
    let (g, from, to) = rest.unwrap_or(("", String::new(), String::new()));
    stmt.bind(years).bind(g).bind(from).bind(to)
}

/// Running totals of the cumulative metrics of a unit up to the end of `period`, by breakdown.
pub(crate) async fn cumulative_cells(
    db: &Db,
    unit: &str,
    period: &Period,
) -> DbResult<Vec<CellRow>> {
    let sql = format!(
        "SELECT a.metric, a.dim, a.dim_value, CAST(SUM(a.n) AS BIGINT) AS n, CAST(SUM(a.total) AS BIGINT) AS total
         FROM stat_agg a
         WHERE a.unit_code = $1 AND a.metric IN ($2, $3, $4) AND {}
         GROUP BY a.metric, a.dim, a.dim_value",
        cumulative_sql(5)
    );
    let stmt = q(sql)
        .bind(unit)
        .bind(CUMULATIVE_METRICS[0])
        .bind(CUMULATIVE_METRICS[1])
        .bind(CUMULATIVE_METRICS[2]);
    db.fetch_all(bind_cumulative(stmt, period)).await
}

/// Totals (no breakdown) of each child unit of `parent` in `period`.
pub(crate) async fn children_cells(
    db: &Db,
    parent: &str,
    period: &Period,
) -> DbResult<Vec<UnitCellRow>> {
    db.fetch_all(
        q("SELECT a.unit_code, a.metric, a.n, a.total FROM units u
           JOIN stat_agg a ON a.unit_code = u.code
           WHERE u.parent_code = $1 AND a.grain = $2 AND a.period = $3 AND a.dim = 'all'")
        .bind(parent)
        .bind(period.grain())
        .bind(period.key()),
    )
    .await
}

/// Running totals of each child unit of `parent` up to the end of `period`: whole years before it plus
/// the months (or quarters) of its own year, as two index range reads summed together. One `OR` of the
/// two made PostgreSQL scan all of stat_agg.
pub(crate) async fn children_cumulative(
    db: &Db,
    parent: &str,
    period: &Period,
) -> DbResult<Vec<UnitCellRow>> {
    // Each half: $p parent, $p+1..$p+3 the metrics, then its own period condition.
    let half = |p: usize, condition: &str| {
        format!(
            "SELECT a.unit_code, a.metric, a.n, a.total FROM units u JOIN stat_agg a ON a.unit_code = u.code
             WHERE u.parent_code = ${p} AND a.dim = 'all' AND a.metric IN ({}) AND {condition}",
            crate::db::placeholders(p + 1, 3)
        )
    };
    let sql = format!(
        "SELECT x.unit_code, x.metric, CAST(SUM(x.n) AS BIGINT) AS n, CAST(SUM(x.total) AS BIGINT) AS total
         FROM ({} UNION ALL {}) x
         GROUP BY x.unit_code, x.metric",
        half(1, &format!("a.grain = '{YEAR}' AND a.period <= $5")),
        half(6, "a.grain = $10 AND a.period BETWEEN $11 AND $12"),
    );
    let (years, rest) = period.cumulative_parts();
    let (grain, from, to) = rest.unwrap_or(("", String::new(), String::new()));
    let with_metrics = |stmt: crate::db::Query| {
        CUMULATIVE_METRICS
            .iter()
            .fold(stmt.bind(parent), |s, m| s.bind(*m))
    };
    let stmt = with_metrics(with_metrics(q(sql)).bind(years))
        .bind(grain)
        .bind(from)
        .bind(to);
    db.fetch_all(stmt).await
}

/// Monthly totals of a unit over the year of `period`.
pub(crate) async fn monthly(db: &Db, unit: &str, period: &Period) -> DbResult<Vec<PeriodCellRow>> {
    let y = period.year();
    db.fetch_all(
        q("SELECT period, metric, n, total FROM stat_agg
           WHERE unit_code = $1 AND grain = $2 AND period BETWEEN $3 AND $4 AND dim = 'all'")
        .bind(unit)
        .bind(MONTH)
        .bind(format!("{y:04}-01"))
        .bind(format!("{y:04}-12")),
    )
    .await
}

/// Years with any figures for a unit (for period pickers), newest first.
pub(crate) async fn years(db: &Db, unit: &str) -> DbResult<Vec<String>> {
    let rows: Vec<(String,)> = db
        .fetch_all(
            q("SELECT DISTINCT period FROM stat_agg WHERE unit_code = $1 AND grain = $2 ORDER BY period DESC")
                .bind(unit)
                .bind(YEAR),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Every aggregate row of month, quarter and year grain, for the open-data export (streamed in pages).
pub(crate) async fn export_page(
    db: &Db,
    after: Option<&ExportRow>,
    limit: i64,
) -> DbResult<Vec<ExportRow>> {
    let (u, g, p, m, d, v) = after
        .map(|r| {
            (
                r.unit_code.as_str(),
                r.grain.as_str(),
                r.period.as_str(),
                r.metric.as_str(),
                r.dim.as_str(),
                r.dim_value.as_str(),
            )
        })
        .unwrap_or(("", "", "", "", "", ""));
    // Keyset pagination in primary-key order: each page is one index range scan.
    db.fetch_all(
        q("SELECT unit_code, grain, period, metric, dim, dim_value, n, total FROM stat_agg
           WHERE grain <> 'd' AND (unit_code > $1 OR (unit_code = $1 AND (grain > $2 OR (grain = $2 AND (period > $3
             OR (period = $3 AND (metric > $4 OR (metric = $4 AND (dim > $5 OR (dim = $5 AND dim_value > $6))))))))))
           ORDER BY unit_code, grain, period, metric, dim, dim_value LIMIT $7")
        .bind(u)
        .bind(g)
        .bind(p)
        .bind(m)
        .bind(d)
        .bind(v)
        .bind(limit),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub unit_code: String,
    pub grain: String,
    pub period: String,
    pub metric: String,
    pub dim: String,
    pub dim_value: String,
    pub n: i64,
    pub total: i64,
}

/// Is synthetic demo data present (dashboards then carry a banner)?
pub(crate) async fn demo_present(db: &Db) -> DbResult<bool> {
    Ok(db.count(q("SELECT COUNT(*) FROM demo_runs")).await? > 0)
}

/// What a visitor's dashboard shows besides hand edits, as one number read in one round trip: the
/// aggregates' version (events folded so far: it moves in the same transaction as every change to
/// stat_agg and stat_active, so figures read at version v are at least as new as v) times two, plus
/// one while events are waiting to be folded (the page says so).
pub(crate) async fn figures_stamp(db: &Db) -> DbResult<i64> {
    Ok(db
        .scalar::<i64>(q(
            "SELECT COALESCE((SELECT processed FROM stat_jobs WHERE name = 'aggregate'), 0) * 2
                  + (SELECT COUNT(*) FROM (SELECT 1 FROM stat_inbox LIMIT 1) AS waiting)",
        ))
        .await?
        .unwrap_or(0))
}

/// When the aggregator last ran (Unix seconds; 0 never).
pub(crate) async fn last_aggregated(db: &Db) -> DbResult<i64> {
    Ok(db
        .scalar::<i64>(q(
            "SELECT last_run_at FROM stat_jobs WHERE name = 'aggregate'",
        ))
        .await?
        .unwrap_or(0))
}

// ---- indicators ---------------------------------------------------------------------------------

pub(crate) async fn indicators(db: &Db) -> DbResult<Vec<Indicator>> {
    db.fetch_all(q(
        "SELECT code, measure, aggregation, max_value, sort FROM indicators ORDER BY sort",
    ))
    .await
}

pub(crate) async fn indicator(db: &Db, code: &str) -> DbResult<Option<Indicator>> {
    db.fetch_optional(
        q("SELECT code, measure, aggregation, max_value, sort FROM indicators WHERE code = $1")
            .bind(code),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IndicatorValue {
    pub indicator_code: String,
    pub unit_code: String,
    pub period: String,
    pub value: f64,
}

/// Every entered value (or target) of a unit, all periods.
pub(crate) async fn indicator_values(
    db: &Db,
    unit: &str,
    targets: bool,
) -> DbResult<Vec<IndicatorValue>> {
    let sql = if targets {
        "SELECT indicator_code, unit_code, period, target AS value FROM indicator_targets WHERE unit_code = $1"
    } else {
        "SELECT indicator_code, unit_code, period, value FROM indicator_values WHERE unit_code = $1"
    };
    db.fetch_all(q(sql).bind(unit)).await
}

/// Values entered for the children of `parent` in exactly `period` (for roll-ups).
pub(crate) async fn children_indicator_values(
    db: &Db,
    parent: &str,
    period: &str,
) -> DbResult<Vec<IndicatorValue>> {
    db.fetch_all(
        q(
            "SELECT v.indicator_code, v.unit_code, v.period, v.value FROM indicator_values v
           JOIN units u ON u.code = v.unit_code WHERE u.parent_code = $1 AND v.period = $2",
        )
        .bind(parent)
        .bind(period),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub period: String,
    pub field: String,
    pub old_value: Option<f64>,
    pub new_value: f64,
    pub changed_by_name: String,
    pub changed_at: i64,
}

pub(crate) async fn history(db: &Db, indicator: &str, unit: &str) -> DbResult<Vec<HistoryRow>> {
    db.fetch_all(
        q("SELECT period, field, old_value, new_value, changed_by_name, changed_at FROM indicator_history
           WHERE indicator_code = $1 AND unit_code = $2 ORDER BY changed_at DESC, id DESC")
        .bind(indicator)
        .bind(unit),
    )
    .await
}

/// Who changed a value, for the history.
pub struct Actor<'a> {
    pub id: Option<&'a str>,
    pub name: &'a str,
}

/// Set a value (`field` = "value") or a target ("target"), recording old → new. Returns whether it changed.
pub(crate) async fn set_indicator(
    tx: &mut Tx,
    indicator: &str,
    unit: &str,
    period: &str,
    field: &str,
    value: f64,
    actor: &Actor<'_>,
) -> DbResult<bool> {
    let (table, col) = if field == "target" {
        ("indicator_targets", "target")
    } else {
        ("indicator_values", "value")
    };
    let old: Option<f64> = tx
        .scalar(
            q(format!(
                "SELECT {col} FROM {table} WHERE indicator_code = $1 AND unit_code = $2 AND period = $3"
            ))
            .bind(indicator)
            .bind(unit)
            .bind(period),
        )
        .await?;
    if old.is_some_and(|o| (o - value).abs() < 1e-9) {
        return Ok(false);
    }
    crate::web::cached_page::changed(tx);
    let t = now();
    tx.execute(
        q(format!(
            "INSERT INTO {table} (indicator_code, unit_code, period, {col}, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (indicator_code, unit_code, period) DO UPDATE SET {col} = excluded.{col},
               updated_by = excluded.updated_by, updated_at = excluded.updated_at"
        ))
        .bind(indicator)
        .bind(unit)
        .bind(period)
        .bind(value)
        .bind(actor.id)
        .bind(t),
    )
    .await?;
    tx.execute(
        q("INSERT INTO indicator_history (id, indicator_code, unit_code, period, field, old_value, new_value,
               changed_by, changed_by_name, changed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(new_id())
        .bind(indicator)
        .bind(unit)
        .bind(period)
        .bind(field)
        .bind(crate::db::Arg::F64(old))
        .bind(value)
        .bind(actor.id)
        .bind(actor.name)
        .bind(t),
    )
    .await?;
    Ok(true)
}

/// The 2024 baseline from the province's own report (Báo Quảng Trị, April 2025), for Quảng Trị (44).
pub const QUANG_TRI_BASELINE_2024: &[(&str, f64)] = &[
    ("households_smartphone", 92.7),
    ("internet_users", 107.3),
    ("households_internet", 72.9),
    ("agencies_data_network", 156.0),
    ("teams_commune", 115.0),
    ("teams_village", 715.0),
    ("team_members", 4327.0),
    ("dvc_full_provincial", 1197.0),
    ("dvc_partial_provincial", 562.0),
    ("dvc_full_national", 777.0),
    ("dvc_partial_national", 207.0),
    ("digital_enterprises", 829.0),
    ("enterprises_einvoice", 100.0),
    ("cashless_clinics_schools", 100.0),
];

/// Seed the baseline once (first start of a Quảng Trị deployment); never overwrites an entered value.
pub(crate) async fn seed_baseline(db: &Db, province: &str) -> DbResult<()> {
    if province != "44" {
        return Ok(());
    }
    let present = db
        .count(
            q("SELECT COUNT(*) FROM indicator_history WHERE unit_code = $1 AND period = '2024'")
                .bind(province),
        )
        .await?;
    if present > 0 {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    let actor = Actor {
        id: None,
        name: "Báo Quảng Trị, 4/2025 (số liệu cuối năm 2024)",
    };
    for (code, v) in QUANG_TRI_BASELINE_2024 {
        set_indicator(&mut tx, code, province, "2024", "value", *v, &actor).await?;
    }
    tx.commit().await
}

/// Record a `demo-data` run (it puts the demo banner on every dashboard).
pub(crate) async fn insert_demo_run(tx: &mut Tx, learners: i64, events: i64) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO demo_runs (id, learners, events, created_at) VALUES ($1, $2, $3, $4)")
            .bind(new_id())
            .bind(learners)
            .bind(events)
            .bind(now()),
    )
    .await?;
    Ok(())
}
