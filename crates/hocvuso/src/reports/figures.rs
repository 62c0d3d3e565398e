//! `hocvuso check figures [--fix]`: recompute every aggregate from the facts and list each cell that
//! differs from `stat_agg`.
//!
//! The facts are the current rows a figure counts: a present mark on a session that has started, a
//! session that has started and has a mark, an activity (and the household it reached), a ticked
//! checklist item. Each such fact must have exactly one live event naming it (`stats::source`); events
//! that count something else (registrations, lessons, scam reports, demo data, events older than
//! sources) are facts of their own and are taken as they are. The expected aggregates are folded from
//! scratch (`Cube`, active-months masks from empty) over that expected set of events, and compared cell
//! by cell with `stat_agg` (a missing cell is 0).
//!
//! `--fix` writes the missing events and the retractions of stale ones (through `stats`, so the
//! aggregator folds them like any write), then sets every still-differing cell and the active-months
//! masks to the recomputed values.
use std::collections::{BTreeMap, HashMap, HashSet};

use super::store::figures::{self as store, EventRow};
use crate::db::{Db, DbResult, Tx};
use crate::stats::cube::{self, CellKey, Cube, PersonDims};
use crate::stats::period::{DAY, Period};
use crate::stats::{self, StatEvent};

/// One cell whose stored figures are not what the facts give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellDiff {
    pub key: CellKey,
    /// (events, sum) stored.
    pub have: (i64, i64),
    /// (events, sum) from the facts.
    pub want: (i64, i64),
}

impl std::fmt::Display for CellDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let k = &self.key;
        write!(
            f,
            "{} {} {} {} {}={}: stored n={} total={}, facts give n={} total={}",
            k.unit,
            k.grain,
            k.period,
            k.metric,
            k.dim,
            k.dim_value,
            self.have.0,
            self.have.1,
            self.want.0,
            self.want.1
        )
    }
}

/// What the check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Facts with no live event (they should count and do not).
    pub uncounted: Vec<String>,
    /// Live events whose fact no longer holds (they count and should not).
    pub stale: Vec<String>,
    /// Cells that differ (before any fix).
    pub cells: Vec<CellDiff>,
    /// Whether `--fix` changed anything.
    pub fixed: bool,
}

impl Report {
    /// Differences found (0 when the figures are true).
    pub fn differences(&self) -> usize {
        self.cells.len()
    }
}

/// Source prefixes whose facts [`store::fact_events`] lists: events of these are checked against the facts.
const CHECKED: [&str; 5] = ["att:", "held:", "act:", "acth:", "chk:"];

fn checked_source(s: &str) -> bool {
    CHECKED.iter().any(|p| s.starts_with(p))
}

struct Expected {
    events: Vec<EventRow>,
    uncounted: Vec<EventRow>,
    stale: Vec<String>,
}

async fn expected(tx: &mut Tx) -> DbResult<Expected> {
    let all = store::all_events(tx).await?;
    let retracted: HashSet<&str> = all.iter().filter_map(|e| e.retracts.as_deref()).collect();
    let facts = store::fact_events(tx).await?;
    let fact_sources: HashSet<&str> = facts.iter().filter_map(|f| f.source.as_deref()).collect();
    let mut events = Vec::new();
    let mut live: HashSet<String> = HashSet::new();
    let mut stale = Vec::new();
    for e in &all {
        if e.retracts.is_some() || retracted.contains(e.id.as_str()) {
            continue;
        }
        match e.source.as_deref() {
            Some(s) if checked_source(s) => {
                if !fact_sources.contains(s) {
                    stale.push(s.to_owned());
                } else if live.insert(s.to_owned()) {
                    events.push(e.clone());
                } else {
                    // A second live event of one fact counts it twice.
                    stale.push(s.to_owned());
                }
            }
            _ => events.push(e.clone()),
        }
    }
    let uncounted: Vec<EventRow> = facts
        .into_iter()
        .filter(|f| f.source.as_deref().is_some_and(|s| !live.contains(s)))
        .collect();
    events.extend(uncounted.iter().cloned());
    stale.sort();
    Ok(Expected {
        events,
        uncounted,
        stale,
    })
}

/// Fold events from scratch: the cells, and every person's active-months masks per (year, place).
fn fold_all(events: &[EventRow]) -> (Cube, BTreeMap<(String, i64, String), i64>) {
    let mut cube = Cube::default();
    let mut masks: HashMap<(String, i64), Vec<(String, i64)>> = HashMap::new();
    let mut ordered: Vec<&EventRow> = events.iter().collect();
    ordered.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    for e in ordered {
        let units = cube::path_units(&e.unit_path);
        let date = crate::i18n::vn_time(e.at).date();
        let (year, month) = (date.year(), u8::from(date.month()));
        let person = match (&e.person_id, &e.target_group, &e.sex) {
            (Some(_), Some(tg), Some(sex)) => Some(PersonDims {
                target_group: tg.clone(),
                sex: sex.clone(),
                age: cube::age_band(e.birth_year, year),
                ethnic: cube::ethnic_value(e.ethnic_minority),
            }),
            _ => None,
        };
        cube.add_day(
            &units,
            &e.metric,
            &Period::of_date(DAY, date).key(),
            1,
            e.value,
        );
        cube.add_periods(
            &units,
            &e.metric,
            (year, month),
            person.as_ref(),
            e.kind.as_deref(),
            1,
            e.value,
        );
        if let (Some(pid), Some(p)) = (&e.person_id, &person)
            && cube::is_activity(&e.metric)
        {
            let places = masks.entry((pid.clone(), i64::from(year))).or_default();
            let mut prefix = String::new();
            for unit in &units {
                prefix.push_str(unit);
                prefix.push('/');
                let under = places
                    .iter()
                    .filter(|(place, _)| place.starts_with(&prefix))
                    .fold(0, |acc, (_, m)| acc | m);
                let (new, _) = cube::mark_active(under, month);
                cube.add_active(&[*unit], (year, month), new, p, 1);
            }
            let (_, bit) = cube::mark_active(0, month);
            match places.iter_mut().find(|(place, _)| *place == e.unit_path) {
                Some((_, m)) => *m |= bit,
                None => places.push((e.unit_path.clone(), bit)),
            }
        }
    }
    let flat = masks
        .into_iter()
        .flat_map(|((pid, year), places)| {
            places
                .into_iter()
                .map(move |(place, m)| ((pid.clone(), year, place), m))
        })
        .collect();
    (cube, flat)
}

fn grain_of(g: &str) -> &'static str {
    use crate::stats::period::{MONTH, QUARTER, YEAR};
    match g {
        "d" => DAY,
        "m" => MONTH,
        "q" => QUARTER,
        _ => YEAR,
    }
}

fn dim_of(d: &str) -> &'static str {
    match d {
        cube::DIM_TARGET_GROUP => cube::DIM_TARGET_GROUP,
        cube::DIM_SEX => cube::DIM_SEX,
        cube::DIM_AGE => cube::DIM_AGE,
        cube::DIM_ETHNIC => cube::DIM_ETHNIC,
        cube::DIM_KIND => cube::DIM_KIND,
        _ => cube::DIM_ALL,
    }
}

async fn diff_cells(tx: &mut Tx, want: &Cube) -> DbResult<Vec<CellDiff>> {
    let rows = store::agg_rows(tx).await?;
    let mut have: HashMap<CellKey, (i64, i64)> = HashMap::with_capacity(rows.len());
    for r in rows {
        have.insert(
            CellKey {
                unit: r.unit_code,
                grain: grain_of(&r.grain),
                period: r.period,
                metric: r.metric,
                dim: dim_of(&r.dim),
                dim_value: r.dim_value,
            },
            (r.n, r.total),
        );
    }
    let mut out = Vec::new();
    for (k, w) in &want.cells {
        let h = have.get(k).copied().unwrap_or((0, 0));
        if h != *w {
            out.push(CellDiff {
                key: k.clone(),
                have: h,
                want: *w,
            });
        }
    }
    for (k, h) in &have {
        if *h != (0, 0) && !want.cells.contains_key(k) {
            out.push(CellDiff {
                key: k.clone(),
                have: *h,
                want: (0, 0),
            });
        }
    }
    out.sort_by(|a, b| {
        let ka = (&a.key.unit, a.key.grain, &a.key.period, &a.key.metric);
        let kb = (&b.key.unit, b.key.grain, &b.key.period, &b.key.metric);
        ka.cmp(&kb)
            .then_with(|| (a.key.dim, &a.key.dim_value).cmp(&(b.key.dim, &b.key.dim_value)))
    });
    Ok(out)
}

/// Run the check (and with `fix`, repair). Folds the waiting events first, so the aggregates compared
/// are complete.
pub async fn check(db: &Db, fix: bool) -> DbResult<Report> {
    crate::stats::fold::catch_up(db).await?;
    let mut tx = db.begin().await?;
    let exp = expected(&mut tx).await?;
    let (want, _) = fold_all(&exp.events);
    let cells = diff_cells(&mut tx, &want).await?;
    drop(tx);
    let mut report = Report {
        uncounted: exp
            .uncounted
            .iter()
            .filter_map(|e| e.source.clone())
            .collect(),
        stale: exp.stale.clone(),
        cells,
        fixed: false,
    };
    if !fix || (report.cells.is_empty() && report.uncounted.is_empty() && report.stale.is_empty()) {
        return Ok(report);
    }
    // Facts first: the events that should exist, written the way every writer does.
    let mut tx = db.begin().await?;
    for s in &exp.stale {
        // Retract every live event of a stale fact; of a fact counted twice, keep one.
        while stats::counted(&mut tx, s).await?.is_some() {
            stats::uncount(&mut tx, s).await?;
            if exp.events.iter().any(|e| e.source.as_deref() == Some(s)) {
                break;
            }
        }
    }
    for e in &exp.uncounted {
        if let Some(s) = &e.source {
            stats::count(
                &mut tx,
                s,
                StatEvent {
                    metric: &e.metric,
                    unit_code: &e.unit_code,
                    person_id: e.person_id.as_deref(),
                    value: e.value,
                    at: e.at,
                },
                e.kind.as_deref(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    crate::stats::fold::catch_up(db).await?;
    // Then the cells and masks themselves, set to the values folded from scratch.
    let mut tx = db.begin().await?;
    let exp = expected(&mut tx).await?;
    let (want, masks) = fold_all(&exp.events);
    let diffs = diff_cells(&mut tx, &want).await?;
    store::set_cells(&mut tx, &diffs).await?;
    let masks: Vec<_> = masks.into_iter().collect();
    store::replace_all_masks(&mut tx, &masks).await?;
    // Dashboards cache figures per aggregate version: move it so they read the repaired cells.
    crate::stats::store::fold::mark_processed(&mut tx, crate::stats::fold::JOB, 1, None).await?;
    crate::stats::changed(&mut tx);
    tx.commit().await?;
    report.fixed = true;
    Ok(report)
}
