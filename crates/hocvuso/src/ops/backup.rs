//! `hocvuso backup`, `hocvuso restore` and `hocvuso export all`.
//!
//! - SQLite is backed up with `VACUUM INTO`: one consistent file, written while the server runs.
//! - PostgreSQL is backed up with `pg_dump` (a consistent snapshot, the tool every DBA knows); `backup`
//!   checks the server answers and prints the commands.
//! - A restore copies an SQLite backup, table by table in foreign-key order, into an empty database of
//!   either kind; `export all` does the same from the live SQLite database, which is how a province
//!   moves from SQLite to PostgreSQL. The target is first migrated to the backup's schema version, the
//!   rows are copied in one transaction (all or nothing), then the newer migrations run: a backup taken
//!   by an older release restores into this one.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use super::store::{self, Column, ROWID, Value};
use crate::config::redact_url;
use crate::db::{Backend, Db, DbError};

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Misfit(#[from] store::Misfit),
    /// Not done, for a reason the operator can act on.
    #[error("{0}")]
    Refused(String),
}

fn refused(msg: impl Into<String>) -> TransferError {
    TransferError::Refused(msg.into())
}

/// What a restore or export copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// Table → rows, in the order copied.
    pub tables: Vec<(String, u64)>,
    /// The schema version of the source, and the one the target was upgraded to afterwards.
    pub from_version: i64,
    pub to_version: i64,
}

impl CopyReport {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for CopyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (t, n) in &self.tables {
            writeln!(f, "{t:<24} {n:>10}")?;
        }
        write!(
            f,
            "copied {} rows in {} tables; schema version {}",
            self.rows(),
            self.tables.len(),
            self.from_version
        )?;
        if self.to_version != self.from_version {
            write!(f, ", then upgraded to {}", self.to_version)?;
        }
        Ok(())
    }
}

/// `hocvuso backup FILE` for the database at `url`.
pub async fn backup(url: &str, file: &Path) -> Result<String, TransferError> {
    if is_postgres(url) {
        return postgres_backup_advice(url).await;
    }
    if file.exists() {
        return Err(refused(format!(
            "{} already exists; a backup never overwrites a file: choose a new name",
            file.display()
        )));
    }
    if let Some(dir) = file.parent()
        && !dir.as_os_str().is_empty()
        && !dir.is_dir()
    {
        return Err(refused(format!("folder {} does not exist", dir.display())));
    }
    let db = Db::connect(url).await?;
    let path = file
        .to_str()
        .ok_or_else(|| refused(format!("{}: the file name is not UTF-8", file.display())))?;
    let written = db.vacuum_into(path).await;
    db.close().await;
    written.unwrap_or(Ok(()))?;
    // Read the copy back: a backup nobody could restore is worse than none.
    let copy = Db::open_sqlite_read_only(file).await?;
    let check = store::sqlite_quick_check(&copy).await?;
    let tables = store::tables(&copy).await?.len();
    let version = store::applied_migrations(&copy)
        .await?
        .last()
        .copied()
        .unwrap_or(0);
    copy.close().await;
    if check.as_deref() != Some("ok") {
        return Err(refused(format!(
            "{}: the copy does not pass SQLite's integrity check ({})",
            file.display(),
            check.unwrap_or_default()
        )));
    }
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "backup written to {}: {bytes} bytes, {tables} tables, schema version {version}, integrity ok\n\
         restore it into an empty database with: hocvuso --database-url <new database> restore {}",
        file.display(),
        file.display()
    ))
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// PostgreSQL: pg_dump takes the consistent snapshot; we check the server answers and say how.
async fn postgres_backup_advice(url: &str) -> Result<String, TransferError> {
    let shown = redact_url(url);
    let advice = format!(
        "Back up PostgreSQL with pg_dump (a consistent snapshot; the app servers keep running):\n\
         \x20   pg_dump --format=custom --file=hocvuso-$(date +%F).dump '{shown}'\n\
         Restore into a new, empty database with:\n\
         \x20   createdb hocvuso_restored && pg_restore --no-owner --dbname=postgres://…/hocvuso_restored hocvuso-….dump\n\
         (give the password through PGPASSWORD or ~/.pgpass, never on the command line)"
    );
    match Db::connect(url).await {
        Ok(db) => {
            let version = store::postgres_version(&db).await?;
            db.close().await;
            Ok(format!(
                "PostgreSQL at {shown} is reachable (server {}).\n{advice}",
                version.unwrap_or_default()
            ))
        }
        Err(e) => Err(refused(format!(
            "PostgreSQL at {shown} is not reachable: {e}\n{advice}"
        ))),
    }
}

/// `hocvuso restore FILE`: an SQLite backup into the (empty) database at `url`.
pub async fn restore(file: &Path, url: &str) -> Result<CopyReport, TransferError> {
    let mut head = [0u8; 16];
    let read = std::fs::File::open(file).and_then(|mut f| {
        use std::io::Read;
        f.read(&mut head)
    });
    match read {
        Err(e) => return Err(refused(format!("{}: {e}", file.display()))),
        Ok(_) if head.starts_with(b"PGDMP") => {
            return Err(refused(format!(
                "{} is a pg_dump archive: restore it with pg_restore into an empty PostgreSQL database",
                file.display()
            )));
        }
        Ok(_) if &head != b"SQLite format 3\0" => {
            return Err(refused(format!(
                "{} is not an SQLite backup made by `hocvuso backup`",
                file.display()
            )));
        }
        Ok(_) => {}
    }
    let source = Db::open_sqlite_read_only(file).await?;
    let target = Db::connect(url).await?;
    let r = copy_database(&source, &target, url).await;
    source.close().await;
    target.close().await;
    r
}

/// `hocvuso export all --to URL`: the live SQLite database into the empty database at `to`.
pub async fn export_all(from: &str, to: &str) -> Result<CopyReport, TransferError> {
    if is_postgres(from) {
        return Err(refused(
            "export all copies an SQLite database; move a PostgreSQL database with pg_dump and pg_restore",
        ));
    }
    if from.trim_end_matches('/') == to.trim_end_matches('/') {
        return Err(refused("the target is the database being exported"));
    }
    let source = Db::connect(from).await?;
    let target = Db::connect(to).await?;
    let r = copy_database(&source, &target, to).await;
    source.close().await;
    target.close().await;
    r
}

/// Tables the migrations themselves put rows in (version counters, the indicator list): found in the
/// migrations' SQL, so they do not make a fresh database look used.
fn seeded_tables(migrations: &[(i64, String)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, sql) in migrations {
        let upper = sql.to_ascii_uppercase();
        let mut rest = upper.as_str();
        while let Some(at) = rest.find("INSERT INTO ") {
            let after = &rest[at + "INSERT INTO ".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name.to_ascii_lowercase());
            }
            rest = after;
        }
    }
    out
}

/// Copy every table of the SQLite database `source` into `target`, which must hold no data. `shown`
/// names the target in messages (its URL; the password is redacted).
pub(crate) async fn copy_database(
    source: &Db,
    target: &Db,
    shown: &str,
) -> Result<CopyReport, TransferError> {
    if source.backend() != Backend::Sqlite {
        return Err(refused("only an SQLite database can be copied this way"));
    }
    let shown = redact_url(shown);
    let known = target.known_migrations();
    let from = store::applied_migrations(source).await?;
    let Some(&from_version) = from.last() else {
        return Err(refused(
            "the source is not a Học vụ số database (it has no migrations)",
        ));
    };
    let newest = known.last().map_or(0, |(v, _)| *v);
    if from_version > newest {
        return Err(refused(format!(
            "the source is from a newer release (schema version {from_version}; this binary knows up to {newest}): use that release or a newer one"
        )));
    }
    let known_versions: Vec<i64> = known.iter().map(|(v, _)| *v).collect();
    if known_versions[..from.len().min(known_versions.len())] != from[..] {
        return Err(refused(format!(
            "the source's migrations {from:?} are not this release's {known_versions:?}"
        )));
    }

    // The target: empty, and not ahead of the source (its schema is built to the source's version).
    let applied = store::applied_migrations(target).await?;
    if applied.len() > from.len() {
        return Err(refused(format!(
            "{shown} is already at schema version {}, newer than the source's {from_version}: \
             restore into a new database that was never migrated (remove the file, or createdb a new one)",
            applied.last().copied().unwrap_or(0)
        )));
    }
    let seeded = seeded_tables(&known);
    for table in store::tables(target).await? {
        if seeded.contains(&table) && !applied.is_empty() {
            continue;
        }
        let n = store::row_count(target, &table).await?;
        if n > 0 {
            return Err(refused(format!(
                "{shown} is not empty (table {table} has {n} rows): restore only into an empty \
                 database, so nothing there is overwritten. Create a new one (a new SQLite file name, \
                 or createdb) and point --database-url at it"
            )));
        }
    }
    target.migrate_to(from_version).await?;

    // The source's layout: tables, columns, keys and references.
    let mut layout: BTreeMap<String, Layout> = BTreeMap::new();
    let mut refs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for table in store::tables(source).await? {
        let columns = store::columns(source, &table).await?;
        let primary = store::sqlite_primary_key(source, &table).await?;
        let fks = store::sqlite_foreign_keys(source, &table).await?;
        let self_refs: Vec<usize> = fks
            .iter()
            .filter(|(parent, _)| *parent == table)
            .filter_map(|(_, col)| columns.iter().position(|c| &c.name == col))
            .collect();
        if !self_refs.is_empty() && primary.is_empty() {
            return Err(refused(format!(
                "table {table} references itself but has no primary key"
            )));
        }
        refs.insert(
            table.clone(),
            fks.into_iter().map(|(parent, _)| parent).collect(),
        );
        layout.insert(
            table,
            Layout {
                columns,
                primary,
                self_refs,
            },
        );
    }
    let target_tables: BTreeSet<String> = store::tables(target).await?.into_iter().collect();
    let source_tables: BTreeSet<String> = layout.keys().cloned().collect();
    if target_tables != source_tables {
        return Err(refused(format!(
            "the schemas differ at version {from_version}: tables only in the source {:?}, only in the target {:?}",
            source_tables.difference(&target_tables).collect::<Vec<_>>(),
            target_tables.difference(&source_tables).collect::<Vec<_>>()
        )));
    }
    let order = store::fk_order(&refs)
        .ok_or_else(|| refused("the tables reference each other in a cycle"))?;

    // One read snapshot of the source; one write transaction on the target (all or nothing). The
    // source and the target are different databases, so holding both never waits on itself.
    let mut src = source.begin_read().await?;
    let mut dst = target.begin().await?;
    // The migrations' own rows (version counters, indicators) are replaced by the source's.
    for table in order.iter().rev() {
        store::clear_table(&mut dst, table).await?;
    }
    let mut report = Vec::new();
    for table in &order {
        let l = &layout[table];
        let key: Vec<String> = if l.primary.is_empty() {
            vec![ROWID.to_owned()]
        } else {
            l.primary.clone()
        };
        let pk_at: Vec<usize> = l
            .primary
            .iter()
            .filter_map(|k| l.columns.iter().position(|c| &c.name == k))
            .collect();
        // Self-references (a unit's parent, who recorded a person's consent) are set after every row
        // of the table is in, so the order of rows does not matter.
        let mut later: Vec<(usize, Vec<Value>, Value)> = Vec::new();
        let mut after: Option<Vec<Value>> = None;
        let mut copied = 0u64;
        loop {
            let page =
                store::sqlite_page(&mut src, table, &key, &l.columns, after.as_deref(), 1_000)
                    .await?;
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.0[..key.len()].to_vec());
            let done = page.len() < 1_000;
            let mut rows = Vec::with_capacity(page.len());
            for row in page {
                let mut values: Vec<Value> = row.0.into_iter().skip(key.len()).collect();
                for &i in &l.self_refs {
                    if values[i] != Value::Null {
                        let pk = pk_at.iter().map(|&p| values[p].clone()).collect();
                        let v = std::mem::replace(&mut values[i], Value::Null);
                        later.push((i, pk, v));
                    }
                }
                rows.push(values);
            }
            copied += rows.len() as u64;
            store::insert_rows(&mut dst, table, &l.columns, rows).await?;
            if done {
                break;
            }
        }
        for (i, pk, v) in later {
            let col = &l.columns[i];
            let mut key = Vec::with_capacity(pk_at.len());
            for (value, &p) in pk.into_iter().zip(&pk_at) {
                let c: &Column = &l.columns[p];
                key.push((c.name.as_str(), value.into_arg(c.class, &c.name)?));
            }
            store::set_value(
                &mut dst,
                table,
                &col.name,
                v.into_arg(col.class, &col.name)?,
                key,
            )
            .await?;
        }
        let there = store::row_count(&mut dst, table).await?;
        if there as u64 != copied {
            return Err(refused(format!(
                "table {table}: {copied} rows read but {there} written; nothing was kept"
            )));
        }
        report.push((table.clone(), copied));
    }
    dst.commit().await?;
    drop(src);
    target.migrate().await?;
    let to_version = store::applied_migrations(target)
        .await?
        .last()
        .copied()
        .unwrap_or(from_version);
    Ok(CopyReport {
        tables: report,
        from_version,
        to_version,
    })
}

struct Layout {
    columns: Vec<Column>,
    primary: Vec<String>,
    /// Positions (in `columns`) of the columns that reference this same table.
    self_refs: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_tables_are_found_in_the_migrations() {
        let m = vec![(
            1,
            "CREATE TABLE a (x INT);\nINSERT INTO scam_versions (id) VALUES (1);\ninsert into Stat_Jobs VALUES (1);"
                .to_owned(),
        )];
        let s = seeded_tables(&m);
        assert!(
            s.contains("scam_versions") && s.contains("stat_jobs"),
            "{s:?}"
        );
        assert_eq!(s.len(), 2);
    }
}
