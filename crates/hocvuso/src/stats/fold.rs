//! The aggregator: folds new events (`stat_inbox`) into `stat_agg` and `stat_active`.
//!
//! Every app server runs [`spawn`]: every [`TICK`] it tries to take the job's lease (a row in `stat_jobs`,
//! taken inside the same transaction that does the work) and, if it holds it, processes the inbox in
//! batches. One server holds the lease while it is alive; another takes over [`LEASE_SECONDS`] after it
//! stops. Each batch reads inbox rows, adds their events to a [`Cube`], upserts the cells, updates the
//! active-months masks and deletes exactly those inbox rows, all in one transaction: an event is counted
//! once, and if two runs ever raced, the second would find fewer inbox rows to delete and roll back.
//!
//! Lag: an event shows in dashboards within about [`TICK`] plus the time of one batch (milliseconds to
//! a second); `catch_up` is there for tests and commands that need the figures now.
use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

use super::cube::{self, Cube, PersonDims};
use super::period::{DAY, Period};
use super::store::fold::{self as store, InboxRow};
use crate::db::{Db, DbResult, Tx, now};

pub const TICK: Duration = Duration::from_secs(2);
pub const LEASE_SECONDS: i64 = 30;
pub const BATCH: i64 = 5_000;
pub(crate) const JOB: &str = "aggregate";

/// This process's name on the lease.
static HOLDER: LazyLock<String> = LazyLock::new(|| uuid::Uuid::new_v4().to_string());

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Another server holds the lease.
    Busy,
    /// Events folded in (0 when the inbox was empty).
    Done(usize),
}

/// Start the background aggregator for this server.
pub(crate) fn spawn(db: Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            loop {
                match run_once(&db, &HOLDER, BATCH).await {
                    Ok(Outcome::Done(n)) if n as i64 == BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "aggregating stat events failed; will retry");
                        break;
                    }
                }
            }
        }
    })
}

/// Fold everything waiting in the inbox, waiting for another holder if needed. Returns events folded.
pub async fn catch_up(db: &Db) -> DbResult<usize> {
    let mut total = 0;
    let mut waited = 0;
    loop {
        match run_once_as(db, &HOLDER, BATCH, true).await? {
            Outcome::Done(0) => return Ok(total),
            Outcome::Done(n) => total += n,
            Outcome::Busy if waited < 600 => {
                waited += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Outcome::Busy => return Ok(total),
        }
    }
}

/// Fold at most `batch` waiting events as this server (tests use it to fold in uneven steps).
pub async fn run_batch(db: &Db, batch: i64) -> DbResult<Outcome> {
    run_once_as(db, &HOLDER, batch, true).await
}

pub(crate) async fn run_once(db: &Db, holder: &str, batch: i64) -> DbResult<Outcome> {
    run_once_as(db, holder, batch, false).await
}

pub(crate) use super::store::fold::has_pending;
pub use super::store::fold::pending;

/// `force` lets a command or test take a lease held by a server that may be gone; it is still one
/// transaction at a time, and the inbox delete check keeps it exact.
async fn run_once_as(db: &Db, holder: &str, batch: i64, force: bool) -> DbResult<Outcome> {
    let t = now();
    let mut tx = db.begin().await?;
    if !store::take_lease(&mut tx, JOB, holder, t, t + LEASE_SECONDS, force).await? {
        return Ok(Outcome::Busy);
    }
    let rows = store::inbox(&mut tx, batch).await?;
    if rows.is_empty() {
        tx.commit().await?;
        return Ok(Outcome::Done(0));
    }
    let (cube, retracted) = fold(&mut tx, &rows).await?;
    write_cube(&mut tx, &cube).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.inbox_id.as_str()).collect();
    let deleted = store::delete_inbox(&mut tx, &ids).await?;
    if deleted as usize != rows.len() {
        // Someone else folded some of these in meanwhile: drop our work (the transaction rolls back).
        return Ok(Outcome::Busy);
    }
    // After the batch's inbox rows are gone, "folded" = every event not in the inbox, which is what the
    // active-months masks reflect: a retracted activity's person gets masks recomputed from those.
    for (person, year, dims) in retracted {
        recompute_active(&mut tx, &person, year, &dims).await?;
    }
    store::mark_processed(&mut tx, JOB, rows.len() as i64, Some(t)).await?;
    crate::stats::changed(&mut tx);
    tx.commit().await?;
    Ok(Outcome::Done(rows.len()))
}

/// A person's active-months masks for one year, one per place (unit path) where they were active.
pub type Places = Vec<(String, i64)>;

/// Build the cube of a batch, updating the people's active-months masks on the way.
///
/// "Active people" of a unit are the distinct people with learning activity in that unit or below, so a
/// person who learns in two villages counts once in each village and once in the commune. Masks are kept
/// per place; a unit's mask is the union of the person's masks at places under it.
/// A person whose learning activity was retracted in a batch: their active months of that year are
/// recomputed once the batch is folded.
type Retracted = Vec<(String, i32, PersonDims)>;

async fn fold(tx: &mut Tx, rows: &[InboxRow]) -> DbResult<(Cube, Retracted)> {
    let mut masks = load_masks(tx, rows).await?;
    let before = masks.clone();
    let mut cube = Cube::default();
    let mut retracted: Retracted = Vec::new();
    let mut ordered: Vec<&InboxRow> = rows.iter().filter(|r| r.metric.is_some()).collect();
    ordered.sort_by_key(|r| r.at);
    for r in ordered {
        let (Some(metric), Some(path), Some(value), Some(at)) =
            (r.metric.as_deref(), r.unit_path.as_deref(), r.value, r.at)
        else {
            continue;
        };
        let units = cube::path_units(path);
        let date = crate::i18n::vn_time(at).date();
        let (year, month) = (date.year(), u8::from(date.month()));
        let person = match (&r.person_id, &r.target_group, &r.sex) {
            (Some(_), Some(tg), Some(sex)) => Some(PersonDims {
                target_group: tg.clone(),
                sex: sex.clone(),
                age: cube::age_band(r.birth_year, year),
                ethnic: cube::ethnic_value(r.ethnic_minority),
            }),
            _ => None,
        };
        // A retraction is one event fewer (its value is already the negation of the one it cancels).
        let n = if r.retracts.is_some() { -1 } else { 1 };
        cube.add_day(&units, metric, &Period::of_date(DAY, date).key(), n, value);
        cube.add_periods(
            &units,
            metric,
            (year, month),
            person.as_ref(),
            r.kind.as_deref(),
            n,
            value,
        );
        if r.retracts.is_some() {
            if let (Some(pid), Some(p)) = (&r.person_id, &person)
                && cube::is_activity(metric)
                && !retracted.iter().any(|(q, y, _)| q == pid && *y == year)
            {
                retracted.push((pid.clone(), year, p.clone()));
            }
            continue;
        }
        if let (Some(pid), Some(p)) = (&r.person_id, &person)
            && cube::is_activity(metric)
        {
            let places = masks.entry((pid.clone(), i64::from(year))).or_default();
            let mut prefix = String::new();
            for unit in &units {
                prefix.push_str(unit);
                prefix.push('/');
                let (new, _) = cube::mark_active(union_under(places, &prefix), month);
                cube.add_active(&[*unit], (year, month), new, p, 1);
            }
            let (_, bit) = cube::mark_active(0, month);
            match places.iter_mut().find(|(place, _)| place == path) {
                Some((_, mask)) => *mask |= bit,
                None => places.push((path.to_owned(), bit)),
            }
        }
    }
    let mut changed: Vec<(&str, i64, &str, i64)> = Vec::new();
    for ((pid, year), places) in &masks {
        let old = before.get(&(pid.clone(), *year));
        for (place, mask) in places {
            let was = old.and_then(|o| o.iter().find(|(p, _)| p == place).map(|(_, m)| *m));
            if was != Some(*mask) {
                changed.push((pid, *year, place, *mask));
            }
        }
    }
    store::upsert_masks(tx, &changed).await?;
    Ok((cube, retracted))
}

/// The first and last second of a year in Vietnam time.
pub(crate) fn year_bounds(year: i32) -> (i64, i64) {
    let start = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::January, 1)
            .map(|d| {
                d.midnight()
                    .assume_offset(time::macros::offset!(+7))
                    .unix_timestamp()
            })
            .unwrap_or(0)
    };
    (start(year), start(year + 1) - 1)
}

/// The months in which a person was active, per place, from their folded, live (not retracted)
/// learning events of one year.
pub(crate) async fn live_places(tx: &mut Tx, person: &str, year: i32) -> DbResult<Places> {
    let (from, to) = year_bounds(year);
    let metrics = [
        crate::stats::metric::LESSON_OPENED,
        crate::stats::metric::LESSON_COMPLETED,
        crate::stats::metric::COURSE_COMPLETED,
        crate::stats::metric::CERTIFICATE_ISSUED,
        crate::stats::metric::CLASS_ATTENDANCE,
    ];
    let rows = store::live_learning(tx, person, from, to, &metrics).await?;
    let mut places: Places = Vec::new();
    for (path, at) in rows {
        let bit = 1i64 << (u8::from(crate::i18n::vn_time(at).month()) - 1);
        match places.iter_mut().find(|(p, _)| *p == path) {
            Some((_, m)) => *m |= bit,
            None => places.push((path, bit)),
        }
    }
    Ok(places)
}

/// The active-people cells a change of a person's masks moves: -1 for every unit and month, quarter or
/// year in which they were active before and are not now (and +1 the other way round).
pub(crate) fn active_delta(
    cube: &mut Cube,
    old: &Places,
    new: &Places,
    year: i32,
    dims: &PersonDims,
) {
    let mut prefixes: Vec<String> = Vec::new();
    for (place, _) in old.iter().chain(new) {
        let mut prefix = String::new();
        for unit in cube::path_units(place) {
            prefix.push_str(unit);
            prefix.push('/');
            if !prefixes.contains(&prefix) {
                prefixes.push(prefix.clone());
            }
        }
    }
    for prefix in &prefixes {
        let Some(unit) = cube::path_units(prefix).last().copied() else {
            continue;
        };
        let (was, now) = (union_under(old, prefix), union_under(new, prefix));
        for month in 1..=12u8 {
            let q = (month - 1) / 3 + 1;
            let bit = 1i64 << (month - 1);
            // Each period is changed once: the month always, the quarter at its first month, the year
            // in January.
            let m = [
                (was & bit != 0, now & bit != 0),
                (
                    was & cube::quarter_bits(q) != 0,
                    now & cube::quarter_bits(q) != 0,
                ),
                (was != 0, now != 0),
            ];
            let firsts = [true, (month - 1) % 3 == 0, month == 1];
            for (sign, wanted) in [(-1i64, (true, false)), (1, (false, true))] {
                let flags: [bool; 3] = std::array::from_fn(|i| firsts[i] && m[i] == wanted);
                if flags.iter().any(|f| *f) {
                    // The quarter and year cells are keyed by the month's periods, so a change of the
                    // quarter is recorded through its first month (same quarter and year keys).
                    cube.add_active(&[unit], (year, month), flags, dims, sign);
                }
            }
        }
    }
}

/// Recompute one person's active months of a year from their live events, and move the active-people
/// cells by the difference from what was folded before.
async fn recompute_active(tx: &mut Tx, person: &str, year: i32, dims: &PersonDims) -> DbResult<()> {
    let new = live_places(tx, person, year).await?;
    let old = store::masks_of(tx, person, year).await?;
    let mut cube = Cube::default();
    active_delta(&mut cube, &old, &new, year, dims);
    write_cube(tx, &cube).await?;
    store::replace_masks(tx, person, year, &new).await
}

/// The months in which a person was active anywhere under `prefix` (a unit path ending in '/').
fn union_under(places: &Places, prefix: &str) -> i64 {
    places
        .iter()
        .filter(|(place, _)| place.starts_with(prefix))
        .fold(0, |acc, (_, m)| acc | m)
}

async fn load_masks(tx: &mut Tx, rows: &[InboxRow]) -> DbResult<HashMap<(String, i64), Places>> {
    let mut wanted: HashMap<i64, Vec<&str>> = HashMap::new();
    for r in rows {
        if let (Some(m), Some(pid), Some(at)) = (&r.metric, &r.person_id, r.at)
            && cube::is_activity(m)
        {
            let year = i64::from(crate::i18n::vn_time(at).year());
            wanted.entry(year).or_default().push(pid);
        }
    }
    let mut masks: HashMap<(String, i64), Places> = HashMap::new();
    for (year, mut people) in wanted {
        people.sort_unstable();
        people.dedup();
        for (pid, place, m) in store::masks_of_many(tx, year, &people).await? {
            masks.entry((pid, year)).or_default().push((place, m));
        }
    }
    Ok(masks)
}

pub(crate) use super::store::fold::write_cube;
