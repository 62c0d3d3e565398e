//! The merge of two records of one person (`people::merge` decides whether it may happen): every
//! table that names a person, and what a merge does to it. A new table naming a person fails the
//! migration test below until it is listed here (people does not call into classes or teams: the SQL
//! names their tables directly).
use crate::db::{Db, DbResult, Tx, new_id, now, q};
use crate::stats::{self, StatEvent, metric};
use crate::web::auth::{RoleScope, SessionUser};

/// A person who may be the one being registered.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Match {
    pub id: String,
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub unit_name: String,
    pub unit_path: String,
    pub has_phone: bool,
    pub has_account: bool,
    pub created_at: i64,
}

/// Everyone living under `home_path` (or in `commune` with no village), born in `birth_year` when it
/// is given, oldest record first: the candidates `people::merge::likely_matches` compares names with.
pub(crate) async fn people_at_home(
    tx: &mut Tx,
    home_path: &str,
    commune: &str,
    birth_year: Option<i64>,
) -> DbResult<Vec<Match>> {
    let cols = "SELECT p.id, p.full_name, p.birth_year, u.name AS unit_name, u.path AS unit_path,
                (p.phone IS NOT NULL) AS has_phone, (p.password_hash IS NOT NULL) AS has_account, p.created_at
                FROM people p JOIN units u ON u.code = p.unit_code
                WHERE (u.path LIKE $1 OR p.unit_code = $2)";
    let scope = format!("{home_path}%");
    match birth_year {
        Some(y) => {
            tx.fetch_all(
                q(format!(
                    "{cols} AND p.birth_year = $3 ORDER BY p.created_at, p.id"
                ))
                .bind(scope)
                .bind(commune)
                .bind(y),
            )
            .await
        }
        None => {
            tx.fetch_all(
                q(format!("{cols} ORDER BY p.created_at, p.id"))
                    .bind(scope)
                    .bind(commune),
            )
            .await
        }
    }
}

/// The classes someone teaches, as instructor roles in the classes' communes (invited instructors
/// hold no `roles` row).
pub(crate) async fn teaching_roles(db: &Db, id: &str) -> DbResult<Vec<RoleScope>> {
    db.fetch_all(
        q("SELECT 'instructor' AS role, u.code AS unit_code, u.path AS unit_path, u.name AS unit_name
           FROM class_instructors i JOIN classes c ON c.id = i.class_id
           JOIN units u ON u.code = c.commune_code WHERE i.person_id = $1")
        .bind(id),
    )
    .await
}

/// Tables whose rows belong to a person, and the columns that with the person make a row unique. A
/// merged row that would collide with one of the kept person's is left behind and goes with the merged
/// record (the kept one's stands: their own result, certificate, card).
const OWNED: &[(&str, &str, &[&str])] = &[
    ("roles", "person_id", &["role", "unit_code"]),
    ("class_instructors", "person_id", &["class_id"]),
    ("class_registrations", "person_id", &["class_id"]),
    ("class_attendance", "person_id", &["session_id"]),
    ("class_results", "person_id", &["class_id"]),
    ("person_cards", "person_id", &[]),
    ("team_members", "person_id", &["team_id"]),
    ("activity_members", "person_id", &["activity_id"]),
    ("lesson_progress", "person_id", &["lesson_id"]),
    ("certificates", "person_id", &["course_id"]),
    ("access_log", "subject_id", &["id"]),
    ("acted_for", "person_id", &["id"]),
    ("person_merges", "kept_id", &["id"]),
];

/// Columns that name who did something (created, marked, recorded, decided): they name the kept record.
const ACTORS: &[(&str, &str)] = &[
    ("people", "consent_recorded_by"),
    ("roles", "granted_by"),
    ("access_log", "actor_id"),
    ("courses", "created_by"),
    ("certificates", "revoked_by"),
    ("learning_images", "created_by"),
    ("venues", "created_by"),
    ("classes", "created_by"),
    ("class_sessions", "held_by"),
    ("class_registrations", "registered_by"),
    ("class_attendance", "marked_by"),
    ("class_results", "recorded_by"),
    ("teams", "created_by"),
    ("households", "created_by"),
    ("household_checks", "updated_by"),
    ("activities", "recorded_by"),
    ("acted_for", "actor_id"),
    ("sync_receipts", "actor_id"),
    ("scam_reports", "decided_by"),
    ("scam_confirmed", "confirmed_by"),
    ("scam_rule_files", "updated_by"),
    ("assistant_gaps", "decided_by"),
    ("assistant_faq", "updated_by"),
    ("indicator_values", "updated_by"),
    ("indicator_targets", "updated_by"),
    ("indicator_history", "changed_by"),
    ("person_merges", "merged_by"),
    ("invitations", "invited_by"),
    ("data_access_log", "actor_id"),
];

/// Columns a merge does not carry over: the merged record's sign-in sessions end with it.
const ENDED: &[(&str, &str)] = &[("sessions", "person_id")];

#[derive(sqlx::FromRow)]
struct MergedRow {
    full_name: String,
    phone: Option<String>,
    birth_year: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PresentMark {
    session_id: String,
    unit_code: String,
    starts_at: i64,
}

/// Merge `merged` into `kept` in the caller's transaction (the caller has checked [`may_merge`]).
/// Returns false when either record no longer exists (a second copy of the same merge).
///
/// Figures stay true: the merged record's events are retracted and counted again for the kept one
/// (`stats::merge_person`), its registration is no longer counted (two records were one person), its
/// attendance facts are counted under the kept person once per session, and a certificate the kept
/// person already held for the same course is not counted twice.
pub(crate) async fn merge(
    tx: &mut Tx,
    kept: &str,
    merged: &str,
    by: &SessionUser,
    how: &str,
) -> DbResult<bool> {
    let Some(m): Option<MergedRow> = tx
        .fetch_optional(
            q("SELECT full_name, phone, birth_year FROM people WHERE id = $1").bind(merged),
        )
        .await?
    else {
        return Ok(false);
    };
    let kept_exists = tx
        .count(q("SELECT COUNT(*) FROM people WHERE id = $1").bind(kept))
        .await?;
    if kept_exists == 0 {
        return Ok(false);
    }
    // Certificates both hold for one course: the kept one's stands, the other is not counted again.
    let doubled: Vec<(i64,)> = tx
        .fetch_all(
            q("SELECT issued_at FROM certificates WHERE person_id = $1
               AND course_id IN (SELECT course_id FROM certificates WHERE person_id = $2)")
            .bind(merged)
            .bind(kept),
        )
        .await?;
    let skip: Vec<(&str, i64)> = doubled
        .iter()
        .flat_map(|(at,)| {
            [
                (metric::CERTIFICATE_ISSUED, *at),
                (metric::COURSE_COMPLETED, *at),
            ]
        })
        .collect();
    stats::merge_person(tx, kept, merged, &skip).await?;

    // Present at a session under either record: present.
    tx.execute(
        q("UPDATE class_attendance SET present = TRUE WHERE person_id = $1 AND NOT present
           AND session_id IN (SELECT session_id FROM class_attendance WHERE person_id = $2 AND present)")
        .bind(kept)
        .bind(merged),
    )
    .await?;
    // A cancelled registration of the kept record gives way to the merged record's live one.
    tx.execute(
        q("DELETE FROM class_registrations WHERE person_id = $1 AND status = 'cancelled'
           AND class_id IN (SELECT class_id FROM class_registrations WHERE person_id = $2 AND status <> 'cancelled')")
        .bind(kept)
        .bind(merged),
    )
    .await?;
    let mut moved = Vec::new();
    for (table, col, key) in OWNED {
        let clash = key
            .iter()
            .map(|k| format!(" AND t.{k} = {table}.{k}"))
            .collect::<String>();
        let n = tx
            .execute(
                q(format!(
                    "UPDATE {table} SET {col} = $1 WHERE {col} = $2
                     AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{col} = $1{clash})"
                ))
                .bind(kept)
                .bind(merged),
            )
            .await?;
        if n > 0 {
            moved.push(format!("{table}: {n}"));
        }
    }
    for (table, col) in ACTORS {
        tx.execute(
            q(format!("UPDATE {table} SET {col} = $1 WHERE {col} = $2"))
                .bind(kept)
                .bind(merged),
        )
        .await?;
    }
    // The kept record takes what it lacks: a phone, a birth year.
    if let Some(phone) = &m.phone {
        tx.execute(q("UPDATE people SET phone = NULL WHERE id = $1").bind(merged))
            .await?;
        let name: Option<String> = tx
            .scalar(q("SELECT full_name FROM people WHERE id = $1 AND phone IS NULL").bind(kept))
            .await?;
        if let Some(name) = name {
            tx.execute(
                q("UPDATE people SET phone = $1, search_key = $2, updated_at = $3 WHERE id = $4")
                    .bind(phone)
                    .bind(super::search_key(&name, Some(phone.as_str())))
                    .bind(now())
                    .bind(kept),
            )
            .await?;
        }
    }
    if let Some(y) = m.birth_year {
        tx.execute(
            q("UPDATE people SET birth_year = $1 WHERE id = $2 AND birth_year IS NULL")
                .bind(y)
                .bind(kept),
        )
        .await?;
    }
    // Attendance facts now under the kept record: counted once each (a no-op for those already counted).
    let marks: Vec<PresentMark> = tx
        .fetch_all(
            q("SELECT a.session_id, COALESCE(c.village_code, c.commune_code) AS unit_code, s.starts_at
               FROM class_attendance a JOIN class_sessions s ON s.id = a.session_id
               JOIN classes c ON c.id = s.class_id
               WHERE a.person_id = $1 AND a.present AND s.starts_at <= $2")
            .bind(kept)
            .bind(now()),
        )
        .await?;
    for mk in marks {
        stats::count(
            tx,
            &stats::source::attendance(&mk.session_id, kept),
            StatEvent {
                metric: metric::CLASS_ATTENDANCE,
                unit_code: &mk.unit_code,
                person_id: Some(kept),
                value: 1,
                at: mk.starts_at,
            },
            None,
        )
        .await?;
    }
    let detail = format!("{how}; {}", moved.join(", "));
    tx.execute(
        q(
            "INSERT INTO person_merges (id, kept_id, merged_id, merged_name, merged_by, detail, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(kept)
        .bind(merged)
        .bind(&m.full_name)
        .bind(&by.id)
        .bind(&detail)
        .bind(now()),
    )
    .await?;
    for (table, col) in ENDED {
        tx.execute(q(format!("DELETE FROM {table} WHERE {col} = $1")).bind(merged))
            .await?;
    }
    tx.execute(q("DELETE FROM people WHERE id = $1").bind(merged))
        .await?;
    tracing::info!(kept = %kept, merged = %merged, by = %by.id, %detail, "person records merged");
    Ok(true)
}

/// A merge as the kept person's record shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MergeRow {
    pub merged_name: String,
    pub by_name: String,
    pub at: i64,
}

/// The merges into a person's record, newest first.
pub(crate) async fn merges_into(db: &Db, kept: &str) -> DbResult<Vec<MergeRow>> {
    db.fetch_all(
        q(
            "SELECT m.merged_name, COALESCE(p.full_name, '') AS by_name, m.at FROM person_merges m
           LEFT JOIN people p ON p.id = m.merged_by WHERE m.kept_id = $1 ORDER BY m.at DESC, m.id DESC",
        )
        .bind(kept),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_person_reference_is_handled() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("migrations")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("read"))
            .collect();
        // A table a later migration drops holds nothing to merge.
        let dropped: Vec<String> = texts
            .iter()
            .flat_map(|t| t.lines())
            .filter_map(|l| l.trim_start().strip_prefix("DROP TABLE "))
            .map(|rest| rest.trim_end_matches(';').trim().to_owned())
            .collect();
        let mut missing = Vec::new();
        for text in &texts {
            let mut table = String::new();
            for line in text.lines() {
                let words: Vec<&str> = line.split_whitespace().collect();
                if line.trim_start().starts_with("CREATE TABLE") {
                    table = words.get(2).copied().unwrap_or("").to_owned();
                }
                if !line.contains("REFERENCES people(id)") {
                    continue;
                }
                let (t, col) = if line.trim_start().starts_with("ALTER TABLE") {
                    (
                        words.get(2).copied().unwrap_or(""),
                        words.get(5).copied().unwrap_or(""),
                    )
                } else {
                    (table.as_str(), words.first().copied().unwrap_or(""))
                };
                let known = OWNED.iter().any(|(ot, oc, _)| *ot == t && *oc == col)
                    || ACTORS.iter().any(|(at, ac)| *at == t && *ac == col)
                    || ENDED.iter().any(|(et, ec)| *et == t && *ec == col);
                if !known && !dropped.iter().any(|d| d == t) {
                    missing.push(format!("{t}.{col}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "person references a merge does not handle: {missing:?}"
        );
    }
}
