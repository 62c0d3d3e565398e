//! Fast bulk loading for `hocvuso demo-data`: multi-row INSERTs on one SQLite connection (with
//! `synchronous=OFF`, acceptable for a throw-away demo database), `COPY … FROM STDIN` on PostgreSQL.
use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{ConnectOptions, Postgres};

use super::{Db, DbError, DbResult};

/// One value of a row.
#[derive(Debug, Clone)]
pub enum Cell {
    I(i64),
    T(String),
    S(&'static str),
    Null,
    Bool(bool),
}

pub enum Bulk {
    /// Its own connection, not the pool's one writer: the load interleaves with ordinary
    /// transactions, which need the writer while this connection waits between inserts.
    Sqlite(SqliteConnection),
    Pg(PoolConnection<Postgres>),
}

/// Rows per SQLite statement: many fewer round trips to SQLite's worker thread, well under its
/// 32,766-variable limit.
const SQLITE_ROWS: usize = 200;

fn err(e: sqlx::Error) -> DbError {
    DbError::Other(e)
}

impl Bulk {
    pub(crate) async fn open(db: &Db) -> DbResult<Bulk> {
        Ok(match db {
            Db::Sqlite { write, .. } => {
                let mut c = write.connect_options().connect().await.map_err(err)?;
                for pragma in [
                    "PRAGMA synchronous = OFF",
                    "PRAGMA cache_size = -1000000",
                    "PRAGMA temp_store = MEMORY",
                ] {
                    sqlx::query(pragma).execute(&mut c).await.map_err(err)?;
                }
                Bulk::Sqlite(c)
            }
            Db::Pg { pool: p, .. } => {
                let mut c = p.acquire().await.map_err(err)?;
                sqlx::query("SET synchronous_commit = off")
                    .execute(&mut *c)
                    .await
                    .map_err(err)?;
                Bulk::Pg(c)
            }
        })
    }

    /// Insert rows (all of `cols.len()` cells) in one transaction.
    pub(crate) async fn insert(
        &mut self,
        table: &str,
        cols: &[&str],
        rows: &[Vec<Cell>],
    ) -> DbResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Bulk::Sqlite(c) => {
                sqlx::query("BEGIN").execute(&mut *c).await.map_err(err)?;
                for chunk in rows.chunks(SQLITE_ROWS) {
                    let sql = crate::db::for_sqlite(
                        format!(
                            "INSERT INTO {table} ({}) VALUES {}",
                            cols.join(", "),
                            crate::db::tuples(chunk.len(), cols.len())
                        )
                        .into(),
                        chunk.len() * cols.len(),
                    );
                    let mut stmt = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for row in chunk {
                        for cell in row {
                            stmt = match cell {
                                Cell::I(v) => stmt.bind(*v),
                                Cell::T(v) => stmt.bind(v.as_str()),
                                Cell::S(v) => stmt.bind(*v),
                                Cell::Null => stmt.bind(None::<i64>),
                                Cell::Bool(b) => stmt.bind(*b),
                            };
                        }
                    }
                    stmt.execute(&mut *c).await.map_err(DbError::classify)?;
                }
                sqlx::query("COMMIT").execute(&mut *c).await.map_err(err)?;
            }
            Bulk::Pg(c) => {
                let stmt = format!("COPY {table} ({}) FROM STDIN", cols.join(", "));
                let mut copy = c.copy_in_raw(&stmt).await.map_err(DbError::classify)?;
                let mut buf = String::with_capacity(1 << 20);
                for row in rows {
                    for (i, cell) in row.iter().enumerate() {
                        if i > 0 {
                            buf.push('\t');
                        }
                        match cell {
                            Cell::I(v) => buf.push_str(&v.to_string()),
                            Cell::T(v) => escape(&mut buf, v),
                            Cell::S(v) => escape(&mut buf, v),
                            Cell::Null => buf.push_str("\\N"),
                            Cell::Bool(b) => buf.push(if *b { 't' } else { 'f' }),
                        }
                    }
                    buf.push('\n');
                    if buf.len() > (1 << 20) {
                        copy.send(buf.as_bytes()).await.map_err(err)?;
                        buf.clear();
                    }
                }
                if !buf.is_empty() {
                    copy.send(buf.as_bytes()).await.map_err(err)?;
                }
                copy.finish().await.map_err(DbError::classify)?;
            }
        }
        Ok(())
    }

    /// Refresh the planner's statistics after a big load.
    pub(crate) async fn analyze(&mut self) -> DbResult<()> {
        match self {
            Bulk::Sqlite(c) => {
                sqlx::query("ANALYZE").execute(&mut *c).await.map_err(err)?;
                sqlx::query("PRAGMA synchronous = NORMAL")
                    .execute(&mut *c)
                    .await
                    .map_err(err)?;
            }
            Bulk::Pg(c) => {
                sqlx::query("ANALYZE")
                    .execute(&mut **c)
                    .await
                    .map_err(err)?;
            }
        }
        Ok(())
    }
}

/// COPY text format: backslash, tab, newline and carriage return are escaped.
fn escape(buf: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}
