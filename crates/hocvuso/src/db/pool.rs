//! The pool over either backend, and transactions.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use sqlx::postgres::{PgConnection, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Decode, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Type};

use super::{Arg, DbError, DbResult, Query, q};

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The application's database handle; cheap to clone.
///
/// SQLite has one writer at a time whatever the pool size, so writes go through a pool of one
/// connection (`write`: writers queue in the pool, in order, instead of spinning on SQLITE_BUSY) and
/// reads through their own read-only connections (`read`), which WAL lets run while a write is under
/// way: a page never waits behind a sync batch.
///
/// `bulk` admits bulk writes (a village's sync batches) a few at a time on either backend
/// ([`Db::begin_bulk`]): sixteen phones uploading at once would otherwise take every core from the
/// people reading pages, and queue ahead of a person's own form in SQLite's writer queue. Interactive
/// writes do not take it.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        bulk: Arc<Semaphore>,
    },
    Pg {
        pool: PgPool,
        bulk: Arc<Semaphore>,
    },
}

/// An open transaction; dropped without [`Tx::commit`] it rolls back, so an error half way writes nothing.
pub struct Tx {
    conn: TxConn,
    /// Held by a bulk transaction until it ends ([`Db::begin_bulk`]).
    _bulk: Option<OwnedSemaphorePermit>,
    /// Run once the commit has succeeded: in-process caches of what the transaction changed are told
    /// only when the change is visible to every reader, so a reader cannot cache the old state anew.
    after_commit: Vec<Box<dyn FnOnce() + Send>>,
}

enum TxConn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Pg(sqlx::Transaction<'static, Postgres>),
}

impl From<TxConn> for Tx {
    fn from(conn: TxConn) -> Self {
        Tx {
            conn,
            _bulk: None,
            after_commit: Vec::new(),
        }
    }
}

/// A row type readable from both backends.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A single value readable from both backends.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for a in $args {
            query = match a {
                Arg::I64(v) => query.bind(v),
                Arg::F64(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
                Arg::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

/// A borrowed connection of either kind: the one place statements are executed.
enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

impl Conn<'_> {
    async fn execute(self, q: Query) -> DbResult<u64> {
        let r = match self {
            Conn::Sqlite(c) => {
                let sql = super::args::for_sqlite(q.sql, q.args.len());
                bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql)), q.args)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected())
            }
            Conn::Pg(c) => bind_all!(sqlx::query(sqlx::AssertSqlSafe(q.sql.into_owned())), q.args)
                .execute(c)
                .await
                .map(|r| r.rows_affected()),
        };
        r.map_err(DbError::classify)
    }

    async fn fetch_all<T: Row>(self, q: Query) -> DbResult<Vec<T>> {
        let r = match self {
            Conn::Sqlite(c) => {
                let sql = super::args::for_sqlite(q.sql, q.args.len());
                bind_all!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql)), q.args)
                    .fetch_all(c)
                    .await
            }
            Conn::Pg(c) => {
                bind_all!(
                    sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(q.sql.into_owned())),
                    q.args
                )
                .fetch_all(c)
                .await
            }
        };
        r.map_err(DbError::classify)
    }

    async fn fetch_optional<T: Row>(self, q: Query) -> DbResult<Option<T>> {
        let r = match self {
            Conn::Sqlite(c) => {
                let sql = super::args::for_sqlite(q.sql, q.args.len());
                bind_all!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql)), q.args)
                    .fetch_optional(c)
                    .await
            }
            Conn::Pg(c) => {
                bind_all!(
                    sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(q.sql.into_owned())),
                    q.args
                )
                .fetch_optional(c)
                .await
            }
        };
        r.map_err(DbError::classify)
    }

    async fn scalar<T: Scalar>(self, q: Query) -> DbResult<Option<T>> {
        let r = match self {
            Conn::Sqlite(c) => {
                bind_all!(
                    sqlx::query_scalar::<_, T>(sqlx::AssertSqlSafe(q.sql.into_owned())),
                    q.args
                )
                .fetch_optional(c)
                .await
            }
            Conn::Pg(c) => {
                bind_all!(
                    sqlx::query_scalar::<_, T>(sqlx::AssertSqlSafe(q.sql.into_owned())),
                    q.args
                )
                .fetch_optional(c)
                .await
            }
        };
        r.map_err(DbError::classify)
    }
}

/// Statements through any [`Handle`]: the bodies shared by [`Db`] (each call borrows a pooled
/// connection) and [`Tx`].
macro_rules! with_conn {
    ($h:expr, $c:ident => $body:expr) => {{
        match $h {
            Handle::SqlitePool(p) => {
                let mut pc = p.acquire().await.map_err(DbError::classify)?;
                let $c = Conn::Sqlite(&mut pc);
                $body
            }
            Handle::PgPool(p) => {
                let mut pc = p.acquire().await.map_err(DbError::classify)?;
                let $c = Conn::Pg(&mut pc);
                $body
            }
            Handle::Sqlite(sc) => {
                let $c = Conn::Sqlite(sc);
                $body
            }
            Handle::Pg(pc) => {
                let $c = Conn::Pg(pc);
                $body
            }
        }
    }};
}

async fn execute(h: Handle<'_>, q: Query) -> DbResult<u64> {
    with_conn!(h, c => c.execute(q).await)
}
async fn fetch_all<T: Row>(h: Handle<'_>, q: Query) -> DbResult<Vec<T>> {
    with_conn!(h, c => c.fetch_all(q).await)
}
async fn fetch_optional<T: Row>(h: Handle<'_>, q: Query) -> DbResult<Option<T>> {
    with_conn!(h, c => c.fetch_optional(q).await)
}
async fn scalar<T: Scalar>(h: Handle<'_>, q: Query) -> DbResult<Option<T>> {
    with_conn!(h, c => c.scalar(q).await)
}

enum Handle<'a> {
    SqlitePool(&'a SqlitePool),
    PgPool(&'a PgPool),
    Sqlite(&'a mut SqliteConnection),
    Pg(&'a mut PgConnection),
}

/// How many bulk transactions run at once. SQLite: one, as it writes one at a time anyway and more
/// would only queue in front of interactive writes. PostgreSQL: one per core; its bulk transactions
/// spend most of their time waiting on round trips, but more of them would take the cores the readers
/// need (measured: `cargo bench --bench contention`, bench/README.md). `HOCVUSO_BULK_WRITERS`
/// overrides both.
pub(crate) fn bulk_writers(backend: Backend) -> usize {
    let set = std::env::var("HOCVUSO_BULK_WRITERS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0);
    set.unwrap_or_else(|| match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    })
}

fn bulk_gate(backend: Backend) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(bulk_writers(backend)))
}

impl Db {
    /// Connect (creating an SQLite file and its folder when missing) and run the migrations.
    pub async fn connect(url: &str) -> DbResult<Db> {
        let db = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(32)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(DbError::classify)?;
            Db::Pg {
                pool,
                bulk: bulk_gate(Backend::Postgres),
            }
        } else {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(DbError::classify)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            if let Some(dir) = opts.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                let _ = std::fs::create_dir_all(dir);
            }
            // A writer waits its turn in the pool; the timeout is long because a turn is short (write
            // transactions are kept to a chunk of a batch) but a village of phones may queue at once.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await
                .map_err(DbError::classify)?;
            // An in-memory database exists once per connection: readers must share the writer there.
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let read = if memory {
                write.clone()
            } else {
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts.read_only(true))
                    .await
                    .map_err(DbError::classify)?
            };
            Db::Sqlite {
                read,
                write,
                bulk: bulk_gate(Backend::Sqlite),
            }
        };
        Ok(db)
    }

    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Pg { pool: p, .. } => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// Apply the migrations up to and including `version` only: a restore first builds the schema the
    /// backup was taken at, copies the rows, then upgrades with [`Db::migrate`] (and the upgrade test
    /// builds an older release's database this way).
    pub async fn migrate_to(&self, version: i64) -> DbResult<()> {
        match self {
            Db::Sqlite { write, .. } => {
                sqlx::migrate!("./migrations/sqlite")
                    .run_to(version, write)
                    .await?
            }
            Db::Pg { pool: p, .. } => {
                sqlx::migrate!("./migrations/postgres")
                    .run_to(version, p)
                    .await?
            }
        }
        Ok(())
    }

    /// The migrations this binary knows, in order (the same numbers on both backends), with the SQL
    /// text of each.
    pub(crate) fn known_migrations(&self) -> Vec<(i64, String)> {
        let m = match self {
            Db::Sqlite { .. } => sqlx::migrate!("./migrations/sqlite"),
            Db::Pg { .. } => sqlx::migrate!("./migrations/postgres"),
        };
        m.iter()
            .map(|m| (m.version, m.sql.as_str().to_owned()))
            .collect()
    }

    /// The newest migration this binary knows.
    pub fn latest_migration(&self) -> i64 {
        let m = match self {
            Db::Sqlite { .. } => sqlx::migrate!("./migrations/sqlite"),
            Db::Pg { .. } => sqlx::migrate!("./migrations/postgres"),
        };
        m.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// (pool, connections open, of which idle) for each pool: SQLite's reader and writer pools, or
    /// PostgreSQL's one.
    pub(crate) fn pool_stats(&self) -> Vec<(&'static str, u32, usize)> {
        match self {
            Db::Sqlite { read, write, .. } => vec![
                ("read", read.size(), read.num_idle()),
                ("write", write.size(), write.num_idle()),
            ],
            Db::Pg { pool: p, .. } => vec![("postgres", p.size(), p.num_idle())],
        }
    }

    /// An SQLite file opened to be read only (a backup being restored): never written, never switched
    /// to WAL, so the file stays exactly as it was made.
    pub async fn open_sqlite_read_only(path: &std::path::Path) -> DbResult<Db> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .foreign_keys(false);
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(opts)
            .await
            .map_err(DbError::classify)?;
        Ok(Db::Sqlite {
            read: pool.clone(),
            write: pool,
            bulk: bulk_gate(Backend::Sqlite),
        })
    }

    /// SQLite only: write a consistent copy of the database to `path` (`VACUUM INTO`) while the server
    /// keeps running. It runs on a reader connection: under WAL it sees one snapshot and neither takes
    /// nor waits for the write lock, so writers go on meanwhile. `None` on PostgreSQL.
    pub(crate) async fn vacuum_into(&self, path: &str) -> Option<DbResult<()>> {
        match self {
            Db::Sqlite { read, .. } => Some(
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(read)
                    .await
                    .map(drop)
                    .map_err(DbError::classify),
            ),
            Db::Pg { .. } => None,
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Pg { .. } => Backend::Postgres,
        }
    }

    /// Begin a transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`): a deferred
    /// transaction that reads then writes can fail with SQLITE_BUSY even with a busy timeout.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite { write, .. } => TxConn::Sqlite(
                write
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(DbError::classify)?,
            ),
            Db::Pg { pool: p, .. } => TxConn::Pg(p.begin().await.map_err(DbError::classify)?),
        }
        .into())
    }

    /// A write transaction for bulk work (one chunk of a sync batch): it first waits for one of the
    /// few bulk permits, so no more than [`bulk_writers`] bulk transactions run at a time and the
    /// cores stay with the people reading. The permit is held until the transaction ends.
    pub(crate) async fn begin_bulk(&self) -> DbResult<Tx> {
        let gate = match self {
            Db::Sqlite { bulk, .. } | Db::Pg { bulk, .. } => bulk.clone(),
        };
        let permit = gate
            .acquire_owned()
            .await
            .map_err(|_| DbError::Other(sqlx::Error::PoolClosed))?;
        let mut tx = self.begin().await?;
        tx._bulk = Some(permit);
        Ok(tx)
    }

    /// A transaction that only reads (one consistent snapshot for several statements). On SQLite it
    /// runs on a reader connection, so it neither takes nor waits for the write lock; it must not write.
    pub(crate) async fn begin_read(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite { read, .. } => {
                TxConn::Sqlite(read.begin().await.map_err(DbError::classify)?)
            }
            Db::Pg { pool: p, .. } => TxConn::Pg(p.begin().await.map_err(DbError::classify)?),
        }
        .into())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write, .. } => {
                read.close().await;
                write.close().await;
            }
            Db::Pg { pool: p, .. } => p.close().await,
        }
    }

    fn handle(&self) -> Handle<'_> {
        match self {
            Db::Sqlite { read, .. } => Handle::SqlitePool(read),
            Db::Pg { pool: p, .. } => Handle::PgPool(p),
        }
    }

    fn write_handle(&self) -> Handle<'_> {
        match self {
            Db::Sqlite { write, .. } => Handle::SqlitePool(write),
            Db::Pg { pool: p, .. } => Handle::PgPool(p),
        }
    }

    /// Run a statement (on SQLite, on the writer); returns the number of rows affected.
    pub async fn execute(&self, q: Query) -> DbResult<u64> {
        execute(self.write_handle(), q).await
    }
    pub async fn fetch_all<T: Row>(&self, q: Query) -> DbResult<Vec<T>> {
        fetch_all(self.handle(), q).await
    }
    pub async fn fetch_optional<T: Row>(&self, q: Query) -> DbResult<Option<T>> {
        fetch_optional(self.handle(), q).await
    }
    /// First column of the first row, if any.
    pub async fn scalar<T: Scalar>(&self, q: Query) -> DbResult<Option<T>> {
        scalar(self.handle(), q).await
    }
    /// `COUNT(*)`-style queries.
    pub async fn count(&self, q: Query) -> DbResult<i64> {
        Ok(self.scalar::<i64>(q).await?.unwrap_or(0))
    }
}

impl Tx {
    /// Mark a point the transaction can return to ([`Tx::rollback_to`]) when one item of a batch
    /// fails, so its neighbours stay written. Names are plain identifiers chosen by the caller.
    pub(crate) async fn savepoint(&mut self, name: &'static str) -> DbResult<()> {
        self.execute(q(format!("SAVEPOINT {name}"))).await.map(drop)
    }

    /// Undo everything since [`Tx::savepoint`] `name` (the savepoint stays and can be used again).
    pub(crate) async fn rollback_to(&mut self, name: &'static str) -> DbResult<()> {
        self.execute(q(format!("ROLLBACK TO SAVEPOINT {name}")))
            .await
            .map(drop)
    }

    /// Keep what was done since [`Tx::savepoint`] `name` and forget the savepoint.
    pub(crate) async fn release(&mut self, name: &'static str) -> DbResult<()> {
        self.execute(q(format!("RELEASE SAVEPOINT {name}")))
            .await
            .map(drop)
    }

    pub async fn commit(self) -> DbResult<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await,
            TxConn::Pg(t) => t.commit().await,
        }
        .map_err(DbError::classify)?;
        for hook in self.after_commit {
            hook();
        }
        Ok(())
    }

    /// Run `hook` after this transaction commits (never if it rolls back).
    pub(crate) fn after_commit(&mut self, hook: impl FnOnce() + Send + 'static) {
        self.after_commit.push(Box::new(hook));
    }

    fn handle(&mut self) -> Handle<'_> {
        match &mut self.conn {
            TxConn::Sqlite(t) => Handle::Sqlite(&mut *t),
            TxConn::Pg(t) => Handle::Pg(&mut *t),
        }
    }

    /// Run a statement; returns the number of rows affected.
    pub async fn execute(&mut self, q: Query) -> DbResult<u64> {
        execute(self.handle(), q).await
    }
    pub(crate) async fn fetch_all<T: Row>(&mut self, q: Query) -> DbResult<Vec<T>> {
        fetch_all(self.handle(), q).await
    }
    pub(crate) async fn fetch_optional<T: Row>(&mut self, q: Query) -> DbResult<Option<T>> {
        fetch_optional(self.handle(), q).await
    }
    /// First column of the first row, if any.
    pub(crate) async fn scalar<T: Scalar>(&mut self, q: Query) -> DbResult<Option<T>> {
        scalar(self.handle(), q).await
    }
    /// `COUNT(*)`-style queries.
    pub(crate) async fn count(&mut self, q: Query) -> DbResult<i64> {
        Ok(self.scalar::<i64>(q).await?.unwrap_or(0))
    }
}

/// Where a read runs: the pool (`&Db`) or an open transaction (`&mut Tx`). A store function that
/// takes `impl Exec` serves a page (on the pool) and a write that must see its own changes (in the
/// transaction) with one text, instead of a `_tx` twin. It takes the executor by value, so such a
/// function runs one statement; a caller holding `tx: &mut Tx` passes `&mut *tx` to keep using it.
pub trait Exec: Send {
    fn fetch_all<T: Row>(self, q: Query) -> impl Future<Output = DbResult<Vec<T>>> + Send;
    fn fetch_optional<T: Row>(self, q: Query) -> impl Future<Output = DbResult<Option<T>>> + Send;
    fn scalar<T: Scalar>(self, q: Query) -> impl Future<Output = DbResult<Option<T>>> + Send;
    fn count(self, q: Query) -> impl Future<Output = DbResult<i64>> + Send;
    fn execute(self, q: Query) -> impl Future<Output = DbResult<u64>> + Send;
}

impl Exec for &Db {
    fn fetch_all<T: Row>(self, q: Query) -> impl Future<Output = DbResult<Vec<T>>> + Send {
        Db::fetch_all(self, q)
    }
    fn fetch_optional<T: Row>(self, q: Query) -> impl Future<Output = DbResult<Option<T>>> + Send {
        Db::fetch_optional(self, q)
    }
    fn scalar<T: Scalar>(self, q: Query) -> impl Future<Output = DbResult<Option<T>>> + Send {
        Db::scalar(self, q)
    }
    fn count(self, q: Query) -> impl Future<Output = DbResult<i64>> + Send {
        Db::count(self, q)
    }
    fn execute(self, q: Query) -> impl Future<Output = DbResult<u64>> + Send {
        Db::execute(self, q)
    }
}

impl Exec for &mut Tx {
    fn fetch_all<T: Row>(self, q: Query) -> impl Future<Output = DbResult<Vec<T>>> + Send {
        Tx::fetch_all(self, q)
    }
    fn fetch_optional<T: Row>(self, q: Query) -> impl Future<Output = DbResult<Option<T>>> + Send {
        Tx::fetch_optional(self, q)
    }
    fn scalar<T: Scalar>(self, q: Query) -> impl Future<Output = DbResult<Option<T>>> + Send {
        Tx::scalar(self, q)
    }
    fn count(self, q: Query) -> impl Future<Output = DbResult<i64>> + Send {
        Tx::count(self, q)
    }
    fn execute(self, q: Query) -> impl Future<Output = DbResult<u64>> + Send {
        Tx::execute(self, q)
    }
}
