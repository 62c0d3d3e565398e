//! `hocvuso teams import FILE.csv` (teams and their members) and `hocvuso households import FILE.csv`.
//! Every line is checked first; one bad line means nothing is written, and each bad line is reported
//! with its number. Re-importing the same file changes nothing.
use std::collections::HashMap;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use super::model::{
    MEMBER_ROLES, MemberForm, NewMember, household_key, validate_household, validate_member, yes,
};
use super::pages::enrol_member;
use super::store;
use crate::db::Db;
use crate::units::import::{ImportError, RowError};
use crate::units::model::{LEVEL_COMMUNE, LEVEL_VILLAGE, Unit};
use crate::web::fields::Fields;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub teams_created: usize,
    pub members: usize,
    pub households_created: usize,
    pub households_updated: usize,
    pub unchanged: usize,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.members > 0 || self.teams_created > 0 {
            write!(
                f,
                "{} team(s) created, {} member row(s) written",
                self.teams_created, self.members
            )
        } else {
            write!(
                f,
                "{} household(s) created, {} updated, {} unchanged",
                self.households_created, self.households_updated, self.unchanged
            )
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|e| ImportError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

fn bar(len: usize, what: &str, show: bool) -> ProgressBar {
    let b = if show {
        ProgressBar::new(len as u64)
    } else {
        ProgressBar::hidden()
    };
    b.set_style(
        ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what} {{eta}}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

/// (line, column → value) for each record of a CSV file.
type Records = Vec<(u64, HashMap<String, String>)>;

/// Records of a CSV with a header.
fn records(data: &[u8], required: &[&str]) -> Result<Records, ImportError> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data);
    let one = |reason: String| ImportError::BadRows(vec![RowError { line: 1, reason }]);
    let headers = reader.headers().map_err(|e| one(e.to_string()))?.clone();
    for r in required {
        if !headers.iter().any(|h| h == *r) {
            return Err(one(format!(
                "the header must have the columns {}",
                required.join(",")
            )));
        }
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for rec in reader.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                if r.iter().all(str::is_empty) {
                    continue;
                }
                let map = headers
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_owned(), v.to_owned()))
                    .collect();
                out.push((line, map));
            }
            Err(e) => errors.push(RowError {
                line: e.position().map_or(0, |p| p.line()),
                reason: format!("unreadable row: {e}"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportError::BadRows(errors))
    }
}

fn reasons(errors: &[crate::error::FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, crate::i18n::Lang::En.t(e.reason)))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn unit_in_province(
    db: &Db,
    province: &Unit,
    code: &str,
) -> Result<Option<Unit>, ImportError> {
    if !crate::units::model::valid_code(code) {
        return Ok(None);
    }
    Ok(crate::units::store::get(db, code)
        .await?
        .filter(|u| u.level >= LEVEL_COMMUNE && u.path.starts_with(&province.path)))
}

struct TeamRow {
    unit: Unit,
    team: String,
    member: NewMember,
    left_on: Option<String>,
    publish: Option<bool>,
}

/// Header: `unit_code,team_name,phone,full_name,role,joined_on[,sex,ethnic_group,left_on,publish_contact]`.
/// `unit_code` is a commune or village; a phone with no record needs `full_name`, `sex` and
/// `ethnic_group` (nobody is assumed to be Kinh), and is counted as a person registered.
pub async fn import_teams(
    db: &Db,
    province: &Unit,
    data: &[u8],
    progress: bool,
) -> Result<Report, ImportError> {
    let recs = records(
        data,
        &[
            "unit_code",
            "team_name",
            "phone",
            "full_name",
            "role",
            "joined_on",
        ],
    )?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<(String, String, String), u64> = HashMap::new();
    for (line, r) in recs {
        let get = |k: &str| r.get(k).cloned().unwrap_or_default();
        let mut problems = Vec::new();
        let unit = unit_in_province(db, province, &get("unit_code")).await?;
        if unit.is_none() {
            problems.push(format!(
                "unknown commune or village code {:?}",
                get("unit_code")
            ));
        }
        let mut fe = Vec::new();
        let team = super::model::name_line("team_name", &get("team_name"), 120, &mut fe);
        let role = if get("role").is_empty() {
            "volunteer".to_owned()
        } else {
            get("role")
        };
        if !MEMBER_ROLES.contains(&role.as_str()) {
            problems.push(format!("role must be one of {}", MEMBER_ROLES.join(", ")));
        }
        let member = validate_member(&MemberForm {
            client_id: String::new(),
            phone: get("phone"),
            full_name: get("full_name"),
            sex: get("sex"),
            ethnic_group: get("ethnic_group"),
            role: role.clone(),
            joined_on: get("joined_on"),
        });
        let left_on = match get("left_on").as_str() {
            "" => None,
            d if crate::i18n::parse_date(d).is_some() => Some(d.to_owned()),
            _ => {
                problems.push("left_on: not a date (YYYY-MM-DD)".into());
                None
            }
        };
        let publish = match get("publish_contact").as_str() {
            "" => None,
            v => match yes(&v.to_lowercase()) {
                Some(b) => Some(b),
                None => {
                    problems.push("publish_contact must be yes or no".into());
                    None
                }
            },
        };
        if !fe.is_empty() {
            problems.push(reasons(&fe));
        }
        let member = match member {
            Ok(m) => Some(m),
            Err(e) => {
                if !e.iter().all(|e| e.field == "role") {
                    problems.push(reasons(&e));
                }
                None
            }
        };
        if let Some(m) = &member {
            let known = crate::people::store::phone_taken(db, &m.phone).await?;
            if !known && (m.full_name.is_empty() || m.sex.is_empty()) {
                problems.push("a new member needs full_name and sex (nu, nam, khac)".into());
            }
        }
        if let (Some(u), Some(m)) = (&unit, &member) {
            let key = (u.code.clone(), vntext::normalize(&team), m.phone.clone());
            if let Some(first) = seen.get(&key) {
                problems.push(format!("same member of the same team as line {first}"));
            } else {
                seen.insert(key, line);
            }
        }
        match (unit, member) {
            (Some(unit), Some(member)) if problems.is_empty() => rows.push(TeamRow {
                unit,
                team,
                member,
                left_on,
                publish,
            }),
            _ => errors.push(RowError {
                line,
                reason: problems.join("; "),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::BadRows(errors));
    }
    let b = bar(rows.len(), "members", progress);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for row in &rows {
        let team_id = match store::team_by_name(&mut tx, &row.unit.code, &row.team).await? {
            Some(id) => id,
            None => {
                report.teams_created += 1;
                store::insert_team(&mut tx, &row.unit.code, &row.team, None).await?
            }
        };
        let team = store::get_team(&mut tx, &team_id)
            .await?
            .ok_or(ImportError::BadRows(vec![]))?;
        if let Err(e) = enrol_member(
            &mut tx,
            &team,
            &row.member,
            row.publish,
            row.left_on.as_deref(),
            None,
        )
        .await
        .map_err(|e| match e {
            crate::AppError::Db(d) => ImportError::Db(d),
            other => ImportError::Read {
                path: "database".into(),
                reason: other.to_string(),
            },
        })? {
            return Err(ImportError::BadRows(vec![RowError {
                line: 0,
                reason: reasons(&[e]),
            }]));
        }
        report.members += 1;
        b.inc(1);
    }
    tx.commit().await?;
    b.finish_and_clear();
    Ok(report)
}

/// Header: `village_code,head_name,address,adults`. The same head and address in a village is the same
/// household (its number of adults is updated).
pub async fn import_households(
    db: &Db,
    province: &Unit,
    data: &[u8],
    progress: bool,
) -> Result<Report, ImportError> {
    let recs = records(data, &["village_code", "head_name", "address", "adults"])?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for (line, r) in recs {
        let get = |k: &str| r.get(k).cloned().unwrap_or_default();
        let mut f = Fields::default();
        f.set("village", &get("village_code"));
        f.set("head_name", &get("head_name"));
        f.set("address", &get("address"));
        f.set("adults", &get("adults"));
        let mut problems = Vec::new();
        let village = unit_in_province(db, province, &get("village_code"))
            .await?
            .filter(|u| u.level == LEVEL_VILLAGE);
        if village.is_none() {
            problems.push(format!("unknown village code {:?}", get("village_code")));
        }
        match validate_household(&f) {
            Ok(h) => {
                let key = (h.village.clone(), household_key(&h.head_name, &h.address));
                if let Some(first) = seen.get(&key) {
                    problems.push(format!("same household as line {first}"));
                } else {
                    seen.insert(key, line);
                }
                if problems.is_empty() {
                    rows.push(h);
                } else {
                    errors.push(RowError {
                        line,
                        reason: problems.join("; "),
                    });
                }
            }
            Err(e) => {
                problems.push(reasons(&e));
                errors.push(RowError {
                    line,
                    reason: problems.join("; "),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::BadRows(errors));
    }
    let b = bar(rows.len(), "households", progress);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for h in &rows {
        match store::household_by_key(&mut tx, &h.village, &h.head_name, &h.address).await? {
            Some(existing) if existing.adults == h.adults => report.unchanged += 1,
            Some(existing) => {
                store::update_household_adults(&mut tx, &existing.id, h.adults).await?;
                report.households_updated += 1;
            }
            None => {
                // An upsert, so a phone registering the same household meanwhile is not an error.
                store::upsert_household(&mut tx, &crate::db::new_id(), h, None).await?;
                report.households_created += 1;
            }
        }
        b.inc(1);
    }
    tx.commit().await?;
    b.finish_and_clear();
    Ok(report)
}

pub async fn import_teams_file(
    db: &Db,
    province: &Unit,
    path: &Path,
) -> Result<Report, ImportError> {
    import_teams(db, province, &read(path)?, true).await
}

pub async fn import_households_file(
    db: &Db,
    province: &Unit,
    path: &Path,
) -> Result<Report, ImportError> {
    import_households(db, province, &read(path)?, true).await
}
