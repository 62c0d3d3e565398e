//! Unit queries.
use crate::db::{Db, DbResult, Exec, Tx, now, q};

use super::model::{LEVEL_VILLAGE, Unit, child_path, name_key};

const COLS: &str = "code, name, division_type, level, parent_code, path";

pub async fn get(ex: impl Exec, code: &str) -> DbResult<Option<Unit>> {
    ex.fetch_optional(q(format!("SELECT {COLS} FROM units WHERE code = $1")).bind(code))
        .await
}

pub async fn children(db: &Db, code: &str) -> DbResult<Vec<Unit>> {
    let units: Vec<Unit> = db
        .fetch_all(q(format!("SELECT {COLS} FROM units WHERE parent_code = $1")).bind(code))
        .await?;
    Ok(in_vietnamese_order(units))
}

/// By level, then by name in Vietnamese dictionary order (the database's collation puts "Ái Tử" and
/// "Đakrông" after "Vĩnh Linh").
fn in_vietnamese_order(units: Vec<Unit>) -> Vec<Unit> {
    let mut keyed: Vec<_> = units
        .into_iter()
        .map(|u| ((u.level, vntext::sort_key(&u.name)), u))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, u)| u).collect()
}

/// The unit and its ancestors, province first (for breadcrumbs).
pub(crate) async fn lineage(db: &Db, unit: &Unit) -> DbResult<Vec<Unit>> {
    let codes: Vec<&str> = unit.path.trim_end_matches('/').split('/').collect();
    let mut out = Vec::with_capacity(codes.len());
    for c in codes {
        if let Some(u) = get(db, c).await? {
            out.push(u);
        }
    }
    Ok(out)
}

/// Communes of a province, and villages of a commune: what pickers offer.
pub(crate) async fn villages_of(db: &Db, commune: &str) -> DbResult<Vec<Unit>> {
    children_at_level(db, commune, LEVEL_VILLAGE)
        .await
        .map(in_vietnamese_order)
}

/// The children of `parent` at `level`, by code.
pub(crate) async fn children_at_level(
    ex: impl Exec,
    parent: &str,
    level: i64,
) -> DbResult<Vec<Unit>> {
    ex.fetch_all(
        q(format!(
            "SELECT {COLS} FROM units WHERE parent_code = $1 AND level = $2 ORDER BY code"
        ))
        .bind(parent)
        .bind(level),
    )
    .await
}

/// Every unit at `level`, wherever it is.
pub(crate) async fn at_level(ex: impl Exec, level: i64) -> DbResult<Vec<Unit>> {
    ex.fetch_all(q(format!("SELECT {COLS} FROM units WHERE level = $1")).bind(level))
        .await
}

/// The unit at `path` and every unit below it, in path order.
pub(crate) async fn subtree(ex: impl Exec, path: &str) -> DbResult<Vec<Unit>> {
    ex.fetch_all(
        q(format!(
            "SELECT {COLS} FROM units WHERE path LIKE $1 ORDER BY path"
        ))
        .bind(format!("{path}%")),
    )
    .await
}

pub(crate) async fn child_count(ex: impl Exec, parent: &str) -> DbResult<i64> {
    ex.count(q("SELECT COUNT(*) FROM units WHERE parent_code = $1").bind(parent))
        .await
}

/// One official unit (province or commune) as the reference list names it.
pub(crate) struct OfficialUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub division_type: &'a str,
    pub level: i64,
    pub parent: Option<&'a str>,
    pub codename: &'a str,
    pub path: &'a str,
}

pub(crate) async fn insert_official(tx: &mut Tx, u: &OfficialUnit<'_>, t: i64) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO units (code, name, division_type, level, parent_code, codename, path, name_key, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(u.code)
        .bind(vntext::nfc(u.name))
        .bind(u.division_type)
        .bind(u.level)
        .bind(u.parent)
        .bind(u.codename)
        .bind(u.path)
        .bind(name_key(u.name))
        .bind(t),
    )
    .await
    .map(|_| ())
}

pub(crate) async fn find_child_by_name(
    tx: &mut Tx,
    parent: &str,
    name: &str,
) -> DbResult<Option<Unit>> {
    tx.fetch_optional(
        q(format!(
            "SELECT {COLS} FROM units WHERE parent_code = $1 AND name_key = $2"
        ))
        .bind(parent)
        .bind(name_key(name)),
    )
    .await
}

/// Create a village under `commune` with the next free code `<commune>-NNN`.
pub async fn insert_village(
    tx: &mut Tx,
    commune: &Unit,
    name: &str,
    division_type: &str,
) -> DbResult<Unit> {
    crate::web::cached_page::changed(tx);
    let prefix = format!("{}-", commune.code);
    let last: Option<String> = tx
        .scalar::<Option<String>>(
            q("SELECT MAX(code) FROM units WHERE parent_code = $1 AND level = $2")
                .bind(&commune.code)
                .bind(LEVEL_VILLAGE),
        )
        .await?
        .flatten();
    let next = last
        .as_deref()
        .and_then(|c| c.strip_prefix(&prefix))
        .and_then(|n| n.parse::<u32>().ok())
        .map_or(1, |n| n + 1);
    let code = format!("{prefix}{next:03}");
    let unit = Unit {
        path: child_path(&commune.path, &code),
        code,
        name: name.to_owned(),
        division_type: division_type.to_owned(),
        level: LEVEL_VILLAGE,
        parent_code: Some(commune.code.clone()),
    };
    tx.execute(
        q("INSERT INTO units (code, name, division_type, level, parent_code, codename, path, name_key, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(&unit.code)
        .bind(&unit.name)
        .bind(&unit.division_type)
        .bind(unit.level)
        .bind(unit.parent_code.clone())
        .bind(vntext::fold(name).replace(' ', "_"))
        .bind(&unit.path)
        .bind(name_key(name))
        .bind(now()),
    )
    .await?;
    Ok(unit)
}

pub async fn rename(tx: &mut Tx, code: &str, name: &str, division_type: &str) -> DbResult<u64> {
    crate::web::cached_page::changed(tx);
    tx.execute(
        q("UPDATE units SET name = $1, division_type = $2, name_key = $3, codename = $4 WHERE code = $5")
            .bind(name)
            .bind(division_type)
            .bind(name_key(name))
            .bind(vntext::fold(name).replace(' ', "_"))
            .bind(code),
    )
    .await
}
