//! Scam reports, confirmed numbers and domains, rule-file edits and the versions app servers poll.
use crate::db::{Db, DbResult, Tx, new_id, now, q};

/// What the checker of every app server was built from; a change means "rebuild".
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Versions {
    pub rules: i64,
    pub community: i64,
}

pub(crate) async fn versions(db: &Db) -> DbResult<Versions> {
    Ok(db
        .fetch_optional(q("SELECT rules, community FROM scam_versions WHERE id = 1"))
        .await?
        .unwrap_or(Versions {
            rules: 0,
            community: 0,
        }))
}

async fn bump(tx: &mut Tx, column: &'static str) -> DbResult<()> {
    tx.execute(q(format!(
        "UPDATE scam_versions SET {column} = {column} + 1 WHERE id = 1"
    )))
    .await?;
    Ok(())
}

// ---- rule files ----------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleFile {
    pub name: String,
    pub body: String,
    pub updated_at: i64,
    pub updated_by_name: Option<String>,
}

pub(crate) async fn rule_files(db: &Db) -> DbResult<Vec<RuleFile>> {
    db.fetch_all(q(
        "SELECT f.name, f.body, f.updated_at, p.full_name AS updated_by_name
         FROM scam_rule_files f LEFT JOIN people p ON p.id = f.updated_by ORDER BY f.name",
    ))
    .await
}

/// Store `body` as the edit of `name`, or drop the edit when `body` is `None` (the file is used again).
pub(crate) async fn set_rule_file(
    tx: &mut Tx,
    name: &str,
    body: Option<&str>,
    by: &str,
) -> DbResult<()> {
    match body {
        Some(body) => {
            tx.execute(
                q("INSERT INTO scam_rule_files (name, body, updated_by, updated_at) VALUES ($1, $2, $3, $4)
                   ON CONFLICT (name) DO UPDATE SET body = $2, updated_by = $3, updated_at = $4")
                .bind(name)
                .bind(body)
                .bind(by)
                .bind(now()),
            )
            .await?
        }
        None => {
            tx.execute(q("DELETE FROM scam_rule_files WHERE name = $1").bind(name))
                .await?
        }
    };
    Ok(())
}

pub(crate) async fn bump_rules(tx: &mut Tx) -> DbResult<()> {
    bump(tx, "rules").await
}

// ---- community data --------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct Confirmed {
    kind: String,
    value: String,
}

/// Every confirmed number and domain, each once: (numbers, domains).
pub(crate) async fn community(db: &Db) -> DbResult<(Vec<String>, Vec<String>)> {
    let rows: Vec<Confirmed> = db
        .fetch_all(q(
            "SELECT DISTINCT kind, value FROM scam_confirmed ORDER BY kind, value",
        ))
        .await?;
    let (mut numbers, mut domains) = (Vec::new(), Vec::new());
    for r in rows {
        if r.kind == "number" {
            numbers.push(r.value);
        } else {
            domains.push(r.value);
        }
    }
    Ok((numbers, domains))
}

// ---- reports ---------------------------------------------------------------------------------------

pub struct NewReport<'a> {
    pub text: &'a str,
    pub text_hash: &'a str,
    pub kind: &'a str,
    pub verdict: &'a str,
    pub score_milli: i64,
    pub numbers: &'a [String],
    pub domains: &'a [String],
    pub unit_code: &'a str,
    pub client_key: &'a str,
}

/// How many reports this client sent since `since`, and the report it already sent with this exact
/// text in the last day, if any (a double tap, or the same scam reported twice).
pub(crate) async fn client_history(
    tx: &mut Tx,
    client_key: &str,
    text_hash: &str,
    since: i64,
) -> DbResult<(i64, Option<String>)> {
    let recent = tx
        .count(
            q("SELECT COUNT(*) FROM scam_report_hits WHERE client_key = $1 AND at > $2")
                .bind(client_key)
                .bind(since),
        )
        .await?;
    let same = tx
        .scalar::<String>(
            q("SELECT report_id FROM scam_report_hits WHERE client_key = $1 AND text_hash = $2 AND at > $3")
                .bind(client_key)
                .bind(text_hash)
                .bind(now() - 24 * 3600),
        )
        .await?;
    Ok((recent, same))
}

pub(crate) async fn insert_report(tx: &mut Tx, r: &NewReport<'_>) -> DbResult<String> {
    let id = new_id();
    let t = now();
    tx.execute(
        q("INSERT INTO scam_reports (id, text, text_hash, kind, verdict, score_milli, numbers, domains, unit_code,
               status, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10)")
        .bind(&id)
        .bind(r.text)
        .bind(r.text_hash)
        .bind(r.kind)
        .bind(r.verdict)
        .bind(r.score_milli)
        .bind(r.numbers.join(" "))
        .bind(r.domains.join(" "))
        .bind(r.unit_code)
        .bind(t),
    )
    .await?;
    tx.execute(
        q("INSERT INTO scam_report_hits (id, client_key, text_hash, report_id, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id())
            .bind(r.client_key)
            .bind(r.text_hash)
            .bind(&id)
            .bind(t),
    )
    .await?;
    // Old rows only served the limits; trimming here keeps the table small without a scheduler.
    tx.execute(q("DELETE FROM scam_report_hits WHERE at < $1").bind(t - 24 * 3600))
        .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Report {
    pub id: String,
    pub text: String,
    pub kind: String,
    pub verdict: String,
    pub score_milli: i64,
    pub numbers: String,
    pub domains: String,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub status: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
}

impl Report {
    pub(crate) fn number_list(&self) -> Vec<&str> {
        self.numbers.split_whitespace().collect()
    }
    pub(crate) fn domain_list(&self) -> Vec<&str> {
        self.domains.split_whitespace().collect()
    }
}

const REPORT_COLS: &str = "r.id, r.text, r.kind, r.verdict, r.score_milli, r.numbers, r.domains, r.unit_code,
    u.name AS unit_name, u.path AS unit_path, r.status, p.full_name AS decided_by_name, r.decided_at, r.created_at";

pub(crate) async fn get_report(db: &Db, id: &str) -> DbResult<Option<Report>> {
    db.fetch_optional(
        q(format!(
            "SELECT {REPORT_COLS} FROM scam_reports r JOIN units u ON u.code = r.unit_code
             LEFT JOIN people p ON p.id = r.decided_by WHERE r.id = $1"
        ))
        .bind(id),
    )
    .await
}

/// Reports from units under `path`, newest first; `status` "" for all.
pub(crate) async fn reports_in_scope(
    db: &Db,
    path: &str,
    status: &str,
    page: i64,
    per_page: i64,
) -> DbResult<(Vec<Report>, i64)> {
    let filter = "u.path LIKE $1 AND ($2 = '' OR r.status = $2)";
    let total = db
        .count(
            q(format!(
                "SELECT COUNT(*) FROM scam_reports r JOIN units u ON u.code = r.unit_code WHERE {filter}"
            ))
            .bind(format!("{path}%"))
            .bind(status),
        )
        .await?;
    let rows = db
        .fetch_all(
            q(format!(
                "SELECT {REPORT_COLS} FROM scam_reports r JOIN units u ON u.code = r.unit_code
                 LEFT JOIN people p ON p.id = r.decided_by
                 WHERE {filter} ORDER BY r.created_at DESC, r.id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(format!("{path}%"))
            .bind(status)
            .bind(per_page)
            .bind((page - 1).max(0) * per_page),
        )
        .await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KindCount {
    pub kind: String,
    pub n: i64,
    /// One reported text of this kind, to name the kind in the interface language.
    pub example: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitCount {
    pub unit_code: String,
    pub unit_name: String,
    pub n: i64,
}

/// Reports not rejected, under `path`, by kind and by commune.
pub(crate) async fn counts_in_scope(
    db: &Db,
    path: &str,
) -> DbResult<(Vec<KindCount>, Vec<UnitCount>)> {
    let kinds = db
        .fetch_all(
            q("SELECT r.kind, COUNT(*) AS n, MIN(r.text) AS example
               FROM scam_reports r JOIN units u ON u.code = r.unit_code
               WHERE u.path LIKE $1 AND r.status <> 'rejected'
               GROUP BY r.kind ORDER BY n DESC, r.kind")
            .bind(format!("{path}%")),
        )
        .await?;
    let units = db
        .fetch_all(
            q("SELECT r.unit_code, u.name AS unit_name, COUNT(*) AS n
               FROM scam_reports r JOIN units u ON u.code = r.unit_code
               WHERE u.path LIKE $1 AND r.status <> 'rejected'
               GROUP BY r.unit_code, u.name ORDER BY n DESC, u.name")
            .bind(format!("{path}%")),
        )
        .await?;
    Ok((kinds, units))
}

/// Confirm a report with the chosen numbers and domains (replacing an earlier choice), or reject it
/// (removing what it had confirmed). Bumps the community version when the confirmed data changed.
pub(crate) async fn decide(
    tx: &mut Tx,
    report_id: &str,
    by: &str,
    confirm: Option<(&[String], &[String])>,
) -> DbResult<()> {
    let t = now();
    let status = if confirm.is_some() {
        "confirmed"
    } else {
        "rejected"
    };
    tx.execute(
        q("UPDATE scam_reports SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4")
            .bind(status)
            .bind(by)
            .bind(t)
            .bind(report_id),
    )
    .await?;
    let mut changed = tx
        .execute(q("DELETE FROM scam_confirmed WHERE report_id = $1").bind(report_id))
        .await?
        > 0;
    if let Some((numbers, domains)) = confirm {
        let items = numbers
            .iter()
            .map(|n| ("number", n))
            .chain(domains.iter().map(|d| ("domain", d)));
        for (kind, value) in items {
            tx.execute(
                q("INSERT INTO scam_confirmed (kind, value, report_id, confirmed_by, confirmed_at)
                   VALUES ($1, $2, $3, $4, $5)")
                .bind(kind)
                .bind(value)
                .bind(report_id)
                .bind(by)
                .bind(t),
            )
            .await?;
            changed = true;
        }
    }
    if changed {
        bump(tx, "community").await?;
    }
    Ok(())
}

/// What this report confirmed, as "number:…" / "domain:…" keys (to tick the boxes again).
pub(crate) async fn confirmed_of(db: &Db, report_id: &str) -> DbResult<Vec<String>> {
    let rows: Vec<Confirmed> = db
        .fetch_all(q("SELECT kind, value FROM scam_confirmed WHERE report_id = $1").bind(report_id))
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| format!("{}:{}", r.kind, r.value))
        .collect())
}
