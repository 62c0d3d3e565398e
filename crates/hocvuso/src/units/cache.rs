//! The province's communes, kept in memory for the pages and APIs that list them.
//!
//! Nearly every public page a citizen opens lists the province's communes (the class finder, sign-up,
//! the contact page, the province dashboards), and that list is the official reference list: it changes
//! when the reference data is imported again or a commune is renamed, not in everyday work. Read from
//! the database each time, it was a round trip and a Vietnamese sort of a hundred names per page.
//!
//! Kept per process and derived only: an edit committed here is seen at once (the counter that drops
//! cached public pages, `web::cached_page::edits`), one made on another app server within
//! [`EDIT_BOUND`], the bound the cached pages already promise. Villages are not kept: officials add
//! them while setting up field work and use them in the next request, which may reach another server.
//! Checks of what someone may do read the database, never this.
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::model::Unit;
use super::store;
use crate::db::{Db, DbResult};
use crate::web::cached_page::{EDIT_BOUND, edits};

pub struct UnitsCache {
    province: String,
    kept: Mutex<Option<Kept>>,
}

struct Kept {
    edits: u64,
    at: Instant,
    units: Arc<[Unit]>,
}

impl UnitsCache {
    pub(crate) fn new(province: &str) -> UnitsCache {
        UnitsCache {
            province: province.to_owned(),
            kept: Mutex::new(None),
        }
    }

    /// The province's communes, in Vietnamese order: what the citizen-facing pickers list.
    pub(crate) async fn communes(&self, db: &Db) -> DbResult<Vec<Unit>> {
        Ok(self.children(db, &self.province).await?.to_vec())
    }

    /// The units directly below `code`, in Vietnamese order ([`store::children`]).
    pub(crate) async fn children(&self, db: &Db, code: &str) -> DbResult<Arc<[Unit]>> {
        if code != self.province {
            return Ok(store::children(db, code).await?.into());
        }
        let edits = edits();
        if let Some(units) = self.current(edits) {
            crate::telemetry::metrics::cache("unit_lists", true);
            return Ok(units);
        }
        crate::telemetry::metrics::cache("unit_lists", false);
        let units: Arc<[Unit]> = store::children(db, code).await?.into();
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some(Kept {
                edits,
                at: Instant::now(),
                units: units.clone(),
            });
        }
        Ok(units)
    }

    fn current(&self, edits: u64) -> Option<Arc<[Unit]>> {
        let kept = self.kept.lock().ok()?;
        let kept = kept.as_ref()?;
        (kept.edits == edits && kept.at.elapsed() < EDIT_BOUND).then(|| kept.units.clone())
    }
}
