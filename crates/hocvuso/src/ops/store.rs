//! The database seen as tables of values, whatever they hold: what a restore or an export copies and
//! what a test compares. The schema is read from the database itself (SQLite's `pragma_*` functions,
//! PostgreSQL's catalogue), so a new migration needs no change here.
use std::collections::{BTreeMap, BTreeSet};

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row as _, TypeInfo as _, ValueRef as _};

use crate::db::{Arg, Backend, Db, DbResult, Exec, Tx, q, tuples};

/// What a column holds, from its declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Int,
    Float,
    Bool,
    Text,
    Bytes,
}

impl Class {
    /// From an SQLite declared type (`BIGINT`, `BOOLEAN`, …) or a PostgreSQL `data_type`
    /// (`bigint`, `double precision`, …).
    pub(crate) fn of(declared: &str) -> Class {
        let t = declared.to_ascii_uppercase();
        if t.contains("BOOL") {
            Class::Bool
        } else if t.contains("BLOB") || t.contains("BYTEA") {
            Class::Bytes
        } else if t.contains("INT") {
            Class::Int
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Class::Float
        } else {
            Class::Text
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub class: Class,
}

/// One value as stored, before it is fitted to a column's class.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
#[error("column {column}: {value:?} does not fit a {class:?} column")]
pub struct Misfit {
    pub column: String,
    pub value: Value,
    pub class: Class,
}

impl Value {
    /// The value to bind into a column of `class`. SQLite keeps booleans as 0/1 and lets a column hold
    /// any type; PostgreSQL wants exactly the column's type.
    pub(crate) fn into_arg(self, class: Class, column: &str) -> Result<Arg, Misfit> {
        let misfit = |value: Value| Misfit {
            column: column.to_owned(),
            value,
            class,
        };
        Ok(match (class, self) {
            (Class::Int, Value::Null) => Arg::I64(None),
            (Class::Float, Value::Null) => Arg::F64(None),
            (Class::Bool, Value::Null) => Arg::Bool(None),
            (Class::Text, Value::Null) => Arg::Text(None),
            (Class::Bytes, Value::Null) => Arg::Bytes(None),
            (Class::Bytes, Value::Bytes(b)) => Arg::Bytes(Some(b)),
            (Class::Int, Value::Int(v)) => Arg::I64(Some(v)),
            (Class::Int, Value::Bool(b)) => Arg::I64(Some(i64::from(b))),
            (Class::Int, Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Arg::I64(Some(f as i64))
            }
            (Class::Float, Value::Float(f)) => Arg::F64(Some(f)),
            (Class::Float, Value::Int(v)) => Arg::F64(Some(v as f64)),
            (Class::Bool, Value::Bool(b)) => Arg::Bool(Some(b)),
            (Class::Bool, Value::Int(v)) => Arg::Bool(Some(v != 0)),
            (Class::Text, Value::Text(s)) => Arg::Text(Some(s)),
            (Class::Text, Value::Int(v)) => Arg::Text(Some(v.to_string())),
            (Class::Int, Value::Text(s)) => match s.parse() {
                Ok(v) => Arg::I64(Some(v)),
                Err(_) => return Err(misfit(Value::Text(s))),
            },
            (_, v) => return Err(misfit(v)),
        })
    }

    /// A canonical rendering, so rows read from SQLite and PostgreSQL compare equal when they hold
    /// the same data.
    pub(crate) fn canonical(&self, class: Class) -> String {
        match (class, self) {
            (_, Value::Null) => "NULL".into(),
            (Class::Bool, Value::Int(v)) => (*v != 0).to_string(),
            (Class::Float, Value::Int(v)) => format!("{:?}", *v as f64),
            (_, Value::Int(v)) => v.to_string(),
            (_, Value::Float(f)) => format!("{f:?}"),
            (_, Value::Bool(b)) => b.to_string(),
            (_, Value::Text(s)) => format!("{s:?}"),
            (_, Value::Bytes(b)) => format!("x'{}'", hex::encode(b)),
        }
    }
}

/// A row of any table.
pub struct DynRow(pub Vec<Value>);

fn decode_error(index: usize, ty: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: index.to_string(),
        source: format!("cannot copy a value of type {ty}").into(),
    }
}

impl<'r> FromRow<'r, SqliteRow> for DynRow {
    fn from_row(row: &'r SqliteRow) -> sqlx::Result<Self> {
        let mut out = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            let raw = row.try_get_raw(i)?;
            // The value's own storage class (SQLite lets a column hold any), not the declared type.
            let ty = raw.type_info().name().to_owned();
            out.push(if raw.is_null() {
                Value::Null
            } else {
                match ty.as_str() {
                    "INTEGER" | "BOOLEAN" => Value::Int(row.try_get_unchecked(i)?),
                    "REAL" => Value::Float(row.try_get_unchecked(i)?),
                    "TEXT" => Value::Text(row.try_get_unchecked(i)?),
                    "BLOB" => Value::Bytes(row.try_get_unchecked(i)?),
                    other => return Err(decode_error(i, other)),
                }
            });
        }
        Ok(DynRow(out))
    }
}

impl<'r> FromRow<'r, PgRow> for DynRow {
    fn from_row(row: &'r PgRow) -> sqlx::Result<Self> {
        let mut out = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            let raw = row.try_get_raw(i)?;
            let ty = raw.type_info().name().to_owned();
            out.push(if raw.is_null() {
                Value::Null
            } else {
                match ty.as_str() {
                    "INT8" => Value::Int(row.try_get(i)?),
                    "INT4" => Value::Int(i64::from(row.try_get::<i32, _>(i)?)),
                    "INT2" => Value::Int(i64::from(row.try_get::<i16, _>(i)?)),
                    "FLOAT8" => Value::Float(row.try_get(i)?),
                    "FLOAT4" => Value::Float(f64::from(row.try_get::<f32, _>(i)?)),
                    "BOOL" => Value::Bool(row.try_get(i)?),
                    "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Value::Text(row.try_get(i)?),
                    "BYTEA" => Value::Bytes(row.try_get(i)?),
                    other => return Err(decode_error(i, other)),
                }
            });
        }
        Ok(DynRow(out))
    }
}

/// An identifier quoted for SQL (table and column names come from the database's own catalogue).
/// SQLite's `rowid` stays bare: quoted, it would name a column that does not exist.
pub(crate) fn ident(name: &str) -> String {
    if name == ROWID {
        return ROWID.to_owned();
    }
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The key of an SQLite table that declares no primary key.
pub const ROWID: &str = "rowid";

/// The application's tables (sqlx's migration ledger excluded), by name.
pub(crate) async fn tables(db: &Db) -> DbResult<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
               AND name <> '_sqlx_migrations' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name <> '_sqlx_migrations' ORDER BY table_name"
        }
    };
    let rows: Vec<(String,)> = db.fetch_all(q(sql)).await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// A table's columns in declaration order.
pub(crate) async fn columns(db: &Db, table: &str) -> DbResult<Vec<Column>> {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows: Vec<(String, String)> = db.fetch_all(q(sql).bind(table)).await?;
    Ok(rows
        .into_iter()
        .map(|(name, ty)| Column {
            class: Class::of(&ty),
            name,
        })
        .collect())
}

/// SQLite: a table's primary-key columns in key order (empty for a table keyed by its rowid only).
pub(crate) async fn sqlite_primary_key(db: &Db, table: &str) -> DbResult<Vec<String>> {
    let rows: Vec<(String,)> = db
        .fetch_all(q("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk").bind(table))
        .await?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}

/// SQLite: (referenced table, referencing column) for every foreign key of `table`.
pub(crate) async fn sqlite_foreign_keys(db: &Db, table: &str) -> DbResult<Vec<(String, String)>> {
    db.fetch_all(q(r#"SELECT "table", "from" FROM pragma_foreign_key_list($1)"#).bind(table))
        .await
}

/// Applied migrations, in order; empty when the database was never migrated.
pub async fn applied_migrations(db: &Db) -> DbResult<Vec<i64>> {
    let exists = match db.backend() {
        Backend::Sqlite => {
            db.count(q(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            ))
            .await?
        }
        Backend::Postgres => {
            db.count(q("SELECT COUNT(*) FROM information_schema.tables
                         WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"))
                .await?
        }
    };
    if exists == 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> = db
        .fetch_all(q(
            "SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version",
        ))
        .await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

/// Rows of `table` after `after` (the ordering key of the last row read), `limit` at a time, in key
/// order: keyset paging, so reading a large table costs the same per page from the first to the last.
/// The first `key.len()` values of each row are its key.
pub(crate) async fn sqlite_page(
    tx: &mut Tx,
    table: &str,
    key: &[String],
    columns: &[Column],
    after: Option<&[Value]>,
    limit: usize,
) -> DbResult<Vec<DynRow>> {
    let key_list = key.iter().map(|k| ident(k)).collect::<Vec<_>>().join(", ");
    let cols = columns
        .iter()
        .map(|c| ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("SELECT {key_list}, {cols} FROM {}", ident(table));
    let mut query_args = Vec::new();
    if let Some(after) = after {
        let marks = (1..=after.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        sql.push_str(&format!(" WHERE ({key_list}) > ({marks})"));
        query_args.extend(after.iter().cloned());
    }
    sql.push_str(&format!(" ORDER BY {key_list} LIMIT {limit}"));
    let mut query = q(sql);
    for v in query_args {
        query = query.bind(match v {
            Value::Null => Arg::Text(None),
            Value::Int(i) => Arg::I64(Some(i)),
            Value::Float(f) => Arg::F64(Some(f)),
            Value::Bool(b) => Arg::Bool(Some(b)),
            Value::Text(s) => Arg::Text(Some(s)),
            Value::Bytes(b) => Arg::Bytes(Some(b)),
        });
    }
    tx.fetch_all(query).await
}

/// Insert `rows` (values in `columns` order) with multi-row statements.
pub(crate) async fn insert_rows(
    tx: &mut Tx,
    table: &str,
    columns: &[Column],
    rows: Vec<Vec<Value>>,
) -> Result<(), super::backup::TransferError> {
    // Well under both backends' limits on bound values per statement (SQLite 32,766; PostgreSQL 65,535).
    let per_statement = (4_000 / columns.len().max(1)).clamp(1, 500);
    let names = columns
        .iter()
        .map(|c| ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_statement).collect();
        let mut query = q(format!(
            "INSERT INTO {} ({names}) VALUES {}",
            ident(table),
            tuples(chunk.len(), columns.len())
        ));
        for row in chunk {
            for (v, c) in row.into_iter().zip(columns) {
                query = query.bind(v.into_arg(c.class, &c.name)?);
            }
        }
        tx.execute(query).await?;
    }
    Ok(())
}

/// Every table as sorted canonical rows: two databases holding the same data give the same map,
/// whichever backends they are on (what the backup and export tests compare).
pub async fn snapshot(db: &Db) -> DbResult<BTreeMap<String, Vec<Vec<String>>>> {
    let mut out = BTreeMap::new();
    for table in tables(db).await? {
        let cols = columns(db, &table).await?;
        let list = cols
            .iter()
            .map(|c| ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<DynRow> = db
            .fetch_all(q(format!("SELECT {list} FROM {}", ident(&table))))
            .await?;
        let mut rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| {
                r.0.iter()
                    .zip(&cols)
                    .map(|(v, c)| v.canonical(c.class))
                    .collect()
            })
            .collect();
        rows.sort();
        out.insert(table, rows);
    }
    Ok(out)
}

/// SQLite's own check of a database file ("ok" when sound).
pub(crate) async fn sqlite_quick_check(db: &Db) -> DbResult<Option<String>> {
    db.scalar(q("PRAGMA quick_check")).await
}

pub(crate) async fn postgres_version(db: &Db) -> DbResult<Option<String>> {
    db.scalar(q("SHOW server_version")).await
}

pub(crate) async fn row_count(ex: impl Exec, table: &str) -> DbResult<i64> {
    ex.count(q(format!("SELECT COUNT(*) FROM {}", ident(table))))
        .await
}

pub(crate) async fn clear_table(tx: &mut Tx, table: &str) -> DbResult<()> {
    tx.execute(q(format!("DELETE FROM {}", ident(table))))
        .await?;
    Ok(())
}

/// Set one column of the row whose key columns have these values.
pub(crate) async fn set_value(
    tx: &mut Tx,
    table: &str,
    column: &str,
    value: Arg,
    key: Vec<(&str, Arg)>,
) -> DbResult<()> {
    let conds: Vec<String> = key
        .iter()
        .enumerate()
        .map(|(n, (c, _))| format!("{} = ${}", ident(c), n + 2))
        .collect();
    let mut query = q(format!(
        "UPDATE {} SET {} = $1 WHERE {}",
        ident(table),
        ident(column),
        conds.join(" AND ")
    ))
    .bind(value);
    for (_, v) in key {
        query = query.bind(v);
    }
    tx.execute(query).await?;
    Ok(())
}

/// Tables ordered so each comes after every table it references (a reference to itself aside).
/// `None` when references go round in a cycle.
pub(crate) fn fk_order(refs: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    while order.len() < refs.len() {
        let ready: Vec<String> = refs
            .iter()
            .filter(|(t, parents)| {
                !done.contains(*t)
                    && parents
                        .iter()
                        .all(|p| p == *t || done.contains(p) || !refs.contains_key(p))
            })
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            return None;
        }
        for t in ready {
            done.insert(t.clone());
            order.push(t);
        }
    }
    Some(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_from_declared_types() {
        assert_eq!(Class::of("BIGINT"), Class::Int);
        assert_eq!(Class::of("INTEGER"), Class::Int);
        assert_eq!(Class::of("BOOLEAN"), Class::Bool);
        assert_eq!(Class::of("boolean"), Class::Bool);
        assert_eq!(Class::of("double precision"), Class::Float);
        assert_eq!(Class::of("REAL"), Class::Float);
        assert_eq!(Class::of("text"), Class::Text);
    }

    #[test]
    fn sqlite_booleans_become_booleans_and_misfits_are_refused() {
        assert!(matches!(
            Value::Int(1).into_arg(Class::Bool, "b"),
            Ok(Arg::Bool(Some(true)))
        ));
        assert!(matches!(
            Value::Null.into_arg(Class::Int, "n"),
            Ok(Arg::I64(None))
        ));
        assert!(Value::Text("x".into()).into_arg(Class::Int, "n").is_err());
        assert_eq!(
            Value::Int(1).canonical(Class::Bool),
            Value::Bool(true).canonical(Class::Bool)
        );
    }

    #[test]
    fn parents_before_children_self_references_allowed() {
        let refs: BTreeMap<String, BTreeSet<String>> = [
            ("units", vec!["units"]),
            ("people", vec!["units", "people"]),
            ("roles", vec!["people", "units"]),
            ("log", vec![]),
        ]
        .into_iter()
        .map(|(t, p)| (t.to_owned(), p.into_iter().map(str::to_owned).collect()))
        .collect();
        let order = fk_order(&refs).expect("no cycle");
        let at = |t: &str| order.iter().position(|x| x == t).expect("listed");
        assert!(at("units") < at("people") && at("people") < at("roles"));
        let cyclic: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "a")]
            .into_iter()
            .map(|(t, p)| (t.to_owned(), BTreeSet::from([p.to_owned()])))
            .collect();
        assert!(fk_order(&cyclic).is_none());
    }
}
