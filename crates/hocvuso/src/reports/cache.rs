//! A dashboard's figures kept in memory per aggregate version.
//!
//! The figures of a unit and period (its cells, its children's rows, the months of its year) change only
//! when the aggregator folds events in, and every fold moves `stat_jobs.processed` in the same
//! transaction. Keyed by that version, a cached copy is exactly what the queries would return, so leaders
//! opening the province dashboard at once share one read instead of each paying ~10 ms of database work.
//! A new version is a new key: nothing is ever served older than the version read first. Per process and
//! derived only (each `AppState` holds its own, tied to its database), so any number of app servers stay
//! consistent. Formatting, small-count suppression and
//! the indicators are not cached: they depend on who asks or are edited by hand.
use crate::web::bounded::BoundedLru;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::dashboard::{self, Figures, UnitTable};
use super::store;
use crate::db::{Db, DbResult};
use crate::stats::period::Period;
use crate::units::model::Unit;
use crate::web::cached_page::Store;

/// Measures of the monthly trend charts.
pub const MONTHLY: [&str; 2] = ["lessons_completed", "active"];

/// Units × periods recently viewed; old versions fall out as new ones come in.
const ENTRIES: usize = 512;

pub struct UnitFigures {
    pub figures: Figures,
    pub table: UnitTable,
    pub monthly: Vec<(Period, Vec<i64>)>,
}

/// Unit, period, aggregate version, and a hash of the unit's and its children's codes and names (a
/// renamed or added village shows at once, without waiting for a fold).
type Key = (String, String, i64, u64);

pub struct FiguresCache {
    entries: Mutex<BoundedLru<Key, Arc<UnitFigures>>>,
    stamp: StampCheck,
    /// The open-data API's answers (`reports::api`), per unit and period.
    pub answers: Store<super::api::StatsAnswer>,
}

impl Default for FiguresCache {
    fn default() -> Self {
        FiguresCache {
            entries: Mutex::new(BoundedLru::new(ENTRIES)),
            stamp: StampCheck::default(),
            answers: Store::default(),
        }
    }
}

impl FiguresCache {
    /// The figures' version ([`store::figures_stamp`]), read at most once a [`StampCheck::FRESH`] by
    /// all of this process's requests together.
    pub(crate) async fn stamp(&self, db: &Db) -> DbResult<i64> {
        self.stamp.get(db).await
    }
}

/// The figures' version shared by every request of the process for a moment. Under a village's sync
/// the database is busy, and a round trip per page only to learn that nothing was folded cost the
/// public dashboard most of its speed on PostgreSQL. Folds happen every few seconds, so a second's
/// delay is not visible; a change this process commits is seen at once (`stats::local_changes`), and
/// one made by another app server within [`StampCheck::FRESH`].
///
/// While phones sync, this process commits changes many times a second, so "seen at once" would mean a
/// read per request again. Requests that find the version out of date therefore share one read: the
/// first reads, the others wait for it and take its answer when it began after the change they saw.
#[derive(Default)]
pub struct StampCheck {
    last: Mutex<Option<Checked>>,
    reading: tokio::sync::Mutex<()>,
}

#[derive(Clone, Copy)]
struct Checked {
    at: Instant,
    /// `stats::local_changes()` read before the query: the answer includes every change up to it.
    changes: u64,
    stamp: i64,
}

impl StampCheck {
    pub const FRESH: Duration = Duration::from_secs(1);

    /// The last answer, when it is recent and covers the local changes up to `changes`.
    fn current(&self, changes: u64) -> Option<i64> {
        let last = self.last.lock().ok().and_then(|c| *c)?;
        (last.changes >= changes && last.at.elapsed() < Self::FRESH).then_some(last.stamp)
    }

    pub(crate) async fn get(&self, db: &Db) -> DbResult<i64> {
        let changes = crate::stats::local_changes();
        if let Some(stamp) = self.current(changes) {
            return Ok(stamp);
        }
        let _reading = self.reading.lock().await;
        if let Some(stamp) = self.current(changes) {
            return Ok(stamp);
        }
        // Read the change count before the query: a change committed while it runs leaves the count
        // moved, so the next request reads again rather than keep a stamp from before the change.
        let changes = crate::stats::local_changes();
        let stamp = store::figures_stamp(db).await?;
        if let Ok(mut c) = self.last.lock() {
            *c = Some(Checked {
                at: Instant::now(),
                changes,
                stamp,
            });
        }
        Ok(stamp)
    }
}

fn shape(unit: &Unit, children: &[Unit]) -> u64 {
    let mut h = DefaultHasher::new();
    for u in std::iter::once(unit).chain(children) {
        (&u.code, &u.name, u.level).hash(&mut h);
    }
    h.finish()
}

/// The figures of `unit` (with `children`) in `period`, read once per aggregate version.
pub async fn unit_figures(
    cache: &FiguresCache,
    db: &Db,
    unit: &Unit,
    children: &[Unit],
    period: &Period,
) -> DbResult<Arc<UnitFigures>> {
    let key = (
        unit.code.clone(),
        period.key(),
        cache.stamp(db).await? >> 1,
        shape(unit, children),
    );
    let hit = cache
        .entries
        .lock()
        .ok()
        .and_then(|mut c| c.get(&key).cloned());
    crate::telemetry::metrics::cache("dashboard_figures", hit.is_some());
    if let Some(hit) = hit {
        return Ok(hit);
    }
    let figures = Figures::load(db, &unit.code, period).await?;
    let table = dashboard::unit_table(db, unit, children, &figures, period).await?;
    let monthly = dashboard::monthly(db, &unit.code, period, &MONTHLY).await?;
    let loaded = Arc::new(UnitFigures {
        figures,
        table,
        monthly,
    });
    if let Ok(mut c) = cache.entries.lock() {
        c.put(key, loaded.clone());
    }
    Ok(loaded)
}
