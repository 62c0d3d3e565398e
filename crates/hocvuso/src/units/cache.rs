//! The units below a unit, kept in memory for the pages and APIs that list them.
//!
//! Nearly every public page a citizen opens lists the province's communes or a commune's villages (the
//! class finder, sign-up, the contact page, the dashboards), and the list changes only when an official
//! adds or renames a unit. Read from the database each time, it was two round trips and a Vietnamese
//! sort per page; under a village's sync on PostgreSQL those round trips queued behind the writers.
//!
//! Kept per process and derived only: an edit committed here is seen at once (the same counter that
//! drops cached public pages, `web::cached_page::edits`), and one made on another app server within
//! [`EDIT_BOUND`], the bound the cached pages already promise. Checks that decide what someone may do
//! read the database, never this.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::model::{LEVEL_VILLAGE, Unit};
use super::store;
use crate::db::{Db, DbResult};
use crate::web::cached_page::{EDIT_BOUND, edits};

/// A province has about a hundred communes and each commune a few dozen villages, so this holds every
/// list many times over; past it the map starts again rather than track ages.
const MAX_LISTS: usize = 1024;

#[derive(Default)]
pub struct UnitsCache {
    lists: Mutex<HashMap<String, Kept>>,
}

struct Kept {
    edits: u64,
    at: Instant,
    units: Arc<[Unit]>,
}

impl UnitsCache {
    /// The units directly below `code`, in Vietnamese order ([`store::children`]).
    pub async fn children(&self, db: &Db, code: &str) -> DbResult<Arc<[Unit]>> {
        let edits = edits();
        if let Some(units) = self.current(code, edits) {
            crate::ops::metrics::cache("unit_lists", true);
            return Ok(units);
        }
        crate::ops::metrics::cache("unit_lists", false);
        let units: Arc<[Unit]> = store::children(db, code).await?.into();
        if let Ok(mut lists) = self.lists.lock() {
            if lists.len() >= MAX_LISTS {
                lists.clear();
            }
            lists.insert(
                code.to_owned(),
                Kept {
                    edits,
                    at: Instant::now(),
                    units: units.clone(),
                },
            );
        }
        Ok(units)
    }

    /// The villages of a commune ([`store::villages_of`]).
    pub async fn villages_of(&self, db: &Db, commune: &str) -> DbResult<Vec<Unit>> {
        let children = self.children(db, commune).await?;
        Ok(children
            .iter()
            .filter(|u| u.level == LEVEL_VILLAGE)
            .cloned()
            .collect())
    }

    fn current(&self, code: &str, edits: u64) -> Option<Arc<[Unit]>> {
        let lists = self.lists.lock().ok()?;
        let kept = lists.get(code)?;
        (kept.edits == edits && kept.at.elapsed() < EDIT_BOUND).then(|| kept.units.clone())
    }
}
