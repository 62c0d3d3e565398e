//! One code path for SQLite and PostgreSQL.
//!
//! Store functions write each statement once, with `$1`-style placeholders (SQLite accepts them too) and
//! portable SQL; [`Db`] and [`Tx`] dispatch to the pool in use. Values cross the boundary as [`Arg`]s and
//! rows come back through `sqlx::FromRow` derived for both backends. Conventions that keep the SQL portable:
//! ids are UUID text, times are Unix seconds in BIGINT, every integer column is BIGINT on PostgreSQL (so
//! it decodes as i64 on both), and `SUM` is cast to BIGINT.
mod args;
pub(crate) mod bulk;
mod error;
mod pool;

pub use args::{Arg, Query, for_sqlite, placeholders, q, tuples};
pub use error::{DbError, DbResult};
pub use pool::{Backend, Db, Exec, Tx};

/// Seconds since the Unix epoch, the one way time is stored.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A fresh row id: UUID v7 (time-ordered, so B-tree inserts stay local; clients may mint them offline).
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
