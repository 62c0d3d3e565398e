//! Request limits per client that hold across app servers: a counter per (limit, client, window) in the
//! database, bumped with one upsert. A fixed window lets a burst of twice the limit through at a window
//! edge; for these limits (flood protection, not billing) that is fine and it costs one statement.
//!
//! Clients are counted by address (`web::client::ClientAddr`, which only believes trusted proxies) and
//! stored as a hash, never as the address itself. Limits are generous because a whole village can sit
//! behind one carrier address: they stop floods, not a class of forty.
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::db::{Db, now};
use crate::{AppError, AppResult};

pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window_seconds: i64,
}

/// New accounts from one address: a class signing up together fits, a script does not.
pub const SIGN_UP: Limit = Limit {
    name: "sign-up",
    max: 30,
    window_seconds: 600,
};
/// Questions to the assistant from one address.
pub const ASK: Limit = Limit {
    name: "ask",
    max: 120,
    window_seconds: 60,
};
/// Unanswered questions kept in the gap log from one address: past this the question is still answered
/// but no longer logged, so a script cannot fill the editors' list.
pub const GAP_LOG: Limit = Limit {
    name: "gap-log",
    max: 20,
    window_seconds: 3600,
};
/// Scam checks from one address.
pub const SCAM_CHECK: Limit = Limit {
    name: "scam-check",
    max: 120,
    window_seconds: 60,
};

/// Count one request of `client` against `limit`; `Err(TooManyRequests)` once it is over (that request
/// included: it was not served).
pub(crate) async fn hit(db: &Db, limit: &Limit, client: &str) -> AppResult<()> {
    if within(db, limit, client).await? {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

/// Count one request and say whether it is still within the limit.
pub(crate) async fn within(db: &Db, limit: &Limit, client: &str) -> AppResult<bool> {
    let t = now();
    let window = t - t.rem_euclid(limit.window_seconds);
    let key = hex::encode(Sha256::digest(
        format!("{}:{client}", limit.name).as_bytes(),
    ));
    // A write, so in a write transaction (the only kind that may write on every backend setup).
    let mut tx = db.begin().await?;
    let hits = super::store::bump_counter(&mut tx, &key, window).await?;
    // Housekeeping rides along now and then instead of needing a scheduler.
    if rand::thread_rng().gen_ratio(1, 200) {
        super::store::delete_counters_before(&mut tx, t - 24 * 3600).await?;
    }
    tx.commit().await?;
    Ok(hits <= limit.max)
}
