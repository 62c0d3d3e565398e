//! The official list of provinces and communes (data/vn-admin-units-2025.csv, compiled in), and the
//! 54 ethnic groups (data/vn-ethnic-groups.csv).
use crate::db::{Db, DbResult, now};
use crate::error::StartError;

use super::model::{LEVEL_PROVINCE, Unit, child_path};
use super::store;

const ADMIN_UNITS_CSV: &str = include_str!("../../../../data/vn-admin-units-2025.csv");
const ETHNIC_GROUPS_CSV: &str = include_str!("../../../../data/vn-ethnic-groups.csv");

#[derive(Debug, serde::Deserialize)]
struct OfficialRow {
    code: String,
    name: String,
    division_type: String,
    level: i64,
    parent_code: String,
    codename: String,
}

fn official_rows() -> impl Iterator<Item = OfficialRow> {
    csv::Reader::from_reader(ADMIN_UNITS_CSV.as_bytes())
        .into_deserialize::<OfficialRow>()
        .filter_map(Result::ok)
}

/// Make sure the configured province and its communes are in the database; returns the province.
/// Runs on every start; loads once (in one transaction), so a restart changes nothing.
pub async fn ensure_province(db: &Db, code: &str) -> Result<Unit, StartError> {
    if let Some(p) = store::get(db, code).await? {
        if p.level == LEVEL_PROVINCE {
            return Ok(p);
        }
        return Err(StartError::UnknownProvince(code.to_owned()));
    }
    let rows: Vec<OfficialRow> = official_rows()
        .filter(|r| r.code == code && r.level == LEVEL_PROVINCE || r.parent_code == code)
        .collect();
    let Some(province) = rows.iter().find(|r| r.level == LEVEL_PROVINCE) else {
        return Err(StartError::UnknownProvince(code.to_owned()));
    };
    let province_path = child_path("", &province.code);
    let mut tx = db.begin().await?;
    let t = now();
    insert(&mut tx, province, None, &province_path, t).await?;
    for r in rows.iter().filter(|r| r.level != LEVEL_PROVINCE) {
        insert(
            &mut tx,
            r,
            Some(&province.code),
            &child_path(&province_path, &r.code),
            t,
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(province = %province.name, communes = rows.len() - 1, "loaded official units");
    store::get(db, code)
        .await?
        .ok_or_else(|| StartError::UnknownProvince(code.to_owned()))
}

async fn insert(
    tx: &mut crate::db::Tx,
    r: &OfficialRow,
    parent: Option<&str>,
    path: &str,
    t: i64,
) -> DbResult<()> {
    let unit = store::OfficialUnit {
        code: &r.code,
        name: &r.name,
        division_type: &r.division_type,
        level: r.level,
        parent,
        codename: &r.codename,
        path,
    };
    store::insert_official(tx, &unit, t).await
}

/// The 54 ethnic groups, Kinh first, as the sign-up form lists them.
pub(crate) fn ethnic_groups() -> &'static [String] {
    static GROUPS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        csv::Reader::from_reader(ETHNIC_GROUPS_CSV.as_bytes())
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| r.get(0).map(vntext::nfc))
            .collect()
    });
    &GROUPS
}

pub(crate) fn is_ethnic_group(name: &str) -> bool {
    ethnic_groups().iter().any(|g| g == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reference_data_is_complete() {
        assert_eq!(super::ethnic_groups().len(), 54);
        assert_eq!(super::ethnic_groups()[0], "Kinh");
        let qt: Vec<_> = super::official_rows()
            .filter(|r| r.parent_code == "44")
            .collect();
        assert_eq!(qt.len(), 78);
    }
}
