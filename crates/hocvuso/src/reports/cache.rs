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
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use super::dashboard::{self, Figures, UnitTable};
use super::period::Period;
use super::store;
use crate::db::{Db, DbResult};
use crate::units::model::Unit;

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

pub struct FiguresCache(Mutex<lru::LruCache<Key, Arc<UnitFigures>>>);

impl Default for FiguresCache {
    fn default() -> Self {
        FiguresCache(Mutex::new(lru::LruCache::new(
            NonZeroUsize::new(ENTRIES).unwrap_or(NonZeroUsize::MIN),
        )))
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
        store::aggregate_version(db).await?,
        shape(unit, children),
    );
    let hit = cache.0.lock().ok().and_then(|mut c| c.get(&key).cloned());
    crate::ops::metrics::cache("dashboard_figures", hit.is_some());
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
    if let Ok(mut c) = cache.0.lock() {
        c.put(key, loaded.clone());
    }
    Ok(loaded)
}
