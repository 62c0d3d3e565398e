//! Signed-in people cached in the process for a few seconds, so a learner's page view does not cost
//! two queries (the session and the roles) before any work is done.
//!
//! Revocation stays a security property, with a stated bound:
//! - on this server, signing out, ending other sessions, a role granted or removed, a one-time password
//!   set and a person deleted take effect at once: the store functions that do them register
//!   [`changed`] to run after their transaction commits, which moves the epoch every entry is checked
//!   against (after the commit, so a reader cannot cache the old state again in between);
//! - on the other app servers, within [`TTL`]: each entry is trusted that long, then read again.
//!
//! Powers granted elsewhere act at once everywhere: a request the cached copy would refuse is decided
//! again on the database (`auth::signed_in_as`), so a new commune administrator is never told "not
//! allowed" by a server that has not yet heard of the grant.
//!
//! Administrators are never cached: their idle and absolute limits, and the removal of their powers,
//! act at once on every server.
use crate::web::bounded::BoundedLru;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::auth::SessionUser;
use crate::db::Tx;

/// How long another server may keep honouring a session or role that was revoked elsewhere.
pub const TTL: Duration = Duration::from_secs(5);
/// Entries are a few hundred bytes (a name and a handful of roles): this bounds the cache near 2 MB.
const CAPACITY: usize = 8192;

static EPOCH: AtomicU64 = AtomicU64::new(0);

/// Forget every cached session in this process once `tx` commits. Rare (sign-outs and role changes),
/// so one epoch for all is simpler than tracking who holds what, and never misses a holder.
pub(crate) fn changed(tx: &mut Tx) {
    tx.after_commit(bump);
}

/// For changes made outside a transaction.
pub(crate) fn bump() {
    EPOCH.fetch_add(1, Ordering::AcqRel);
}

#[derive(Clone)]
pub struct Entry {
    pub user: SessionUser,
    pub expires_at: i64,
    epoch: u64,
    loaded: Instant,
}

pub struct SessionCache {
    entries: Mutex<BoundedLru<String, Entry>>,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache {
            entries: Mutex::new(BoundedLru::new(CAPACITY)),
        }
    }
}

impl SessionCache {
    /// The epoch to pass to [`SessionCache::put`]: read before the database, so a change committed
    /// while the row is being read makes the new entry stale at once.
    pub(crate) fn epoch() -> u64 {
        EPOCH.load(Ordering::Acquire)
    }

    pub(crate) fn get(&self, token_hash: &str) -> Option<Entry> {
        let mut entries = self.entries.lock().ok()?;
        let e = entries.get(token_hash)?;
        if e.epoch == Self::epoch() && e.loaded.elapsed() < TTL {
            return Some(e.clone());
        }
        entries.pop(token_hash);
        None
    }

    pub(crate) fn put(&self, token_hash: String, user: SessionUser, expires_at: i64, epoch: u64) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(
                token_hash,
                Entry {
                    user,
                    expires_at,
                    epoch,
                    loaded: Instant::now(),
                },
            );
        }
    }

    pub(crate) fn remove(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.pop(token_hash);
        }
    }
}
