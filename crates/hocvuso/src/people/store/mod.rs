//! People, roles, sign-in failures and the personal-data access log.
use crate::db::{Db, DbResult, Exec, Tx, new_id, now, q};

use super::model::NewPerson;

mod export;
mod merge;

pub(crate) use export::facts_about;
pub(crate) use merge::*;

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Person {
    pub id: String,
    pub phone: Option<String>,
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub sex: String,
    pub ethnic_group: String,
    pub unit_code: String,
    pub target_group: String,
    pub consent_at: i64,
    pub consent_version: String,
    pub created_at: i64,
}

const PERSON_COLS: &str = "id, phone, full_name, birth_year, sex, ethnic_group, unit_code, target_group, \
                           consent_at, consent_version, created_at";

pub(crate) fn search_key(full_name: &str, phone: Option<&str>) -> String {
    let digits = phone.map(|p| p.replace("+84", "0")).unwrap_or_default();
    format!("{} {}", vntext::fold(full_name), digits)
}

/// The one way a citizen comes to have a record: sign-up, registration on someone's behalf at a class,
/// a new member of a team. The record, and the registration counted in the statistics of the unit they
/// belong to, in the caller's transaction. The unit must already be checked; `recorded_by` is set when
/// someone else registered them (with their consent, given in person).
pub async fn register(
    tx: &mut Tx,
    p: &NewPerson,
    unit_code: &str,
    password_hash: Option<&str>,
    recorded_by: Option<&str>,
) -> DbResult<String> {
    let id = insert(tx, p, unit_code, password_hash, recorded_by).await?;
    crate::stats::emit(
        tx,
        crate::stats::StatEvent {
            metric: crate::stats::metric::PERSON_REGISTERED,
            unit_code,
            person_id: Some(&id),
            value: 1,
            at: now(),
        },
    )
    .await?;
    Ok(id)
}

/// The record alone, not counted: staff accounts made from the command line (`hocvuso admin create`)
/// are not citizens joining the movement. Everyone else goes through [`register`].
pub(crate) async fn insert(
    tx: &mut Tx,
    p: &NewPerson,
    unit_code: &str,
    password_hash: Option<&str>,
    recorded_by: Option<&str>,
) -> DbResult<String> {
    let id = new_id();
    let t = now();
    tx.execute(
        q("INSERT INTO people (id, phone, password_hash, full_name, birth_year, sex, ethnic_group, unit_code,
               target_group, consent_at, consent_version, consent_recorded_by, search_key, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)")
        .bind(&id)
        .bind(p.phone.clone())
        .bind(password_hash)
        .bind(&p.full_name)
        .bind(p.birth_year)
        .bind(&p.sex)
        .bind(&p.ethnic_group)
        .bind(unit_code)
        .bind(&p.target_group)
        .bind(t)
        .bind(super::model::CONSENT_VERSION)
        .bind(recorded_by)
        .bind(search_key(&p.full_name, p.phone.as_deref()))
        .bind(t),
    )
    .await?;
    Ok(id)
}

pub(crate) async fn get(db: &Db, id: &str) -> DbResult<Option<Person>> {
    db.fetch_optional(q(format!("SELECT {PERSON_COLS} FROM people WHERE id = $1")).bind(id))
        .await
}

#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: String,
    pub password_hash: Option<String>,
    /// When a one-time password stops working (None for a password the person chose).
    pub password_expires_at: Option<i64>,
    pub must_change_password: bool,
}

const CREDENTIAL_COLS: &str = "id, password_hash, password_expires_at, must_change_password";

pub(crate) async fn credentials_by_phone(db: &Db, phone: &str) -> DbResult<Option<Credentials>> {
    db.fetch_optional(
        q(format!(
            "SELECT {CREDENTIAL_COLS} FROM people WHERE phone = $1"
        ))
        .bind(phone),
    )
    .await
}

pub(crate) async fn credentials_by_id(db: &Db, id: &str) -> DbResult<Option<Credentials>> {
    db.fetch_optional(
        q(format!(
            "SELECT {CREDENTIAL_COLS} FROM people WHERE id = $1"
        ))
        .bind(id),
    )
    .await
}

/// A record made on someone's behalf (no password yet): by its learner card code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimable {
    pub id: String,
    pub phone: Option<String>,
}

pub(crate) async fn claimable_by_card(tx: &mut Tx, code: &str) -> DbResult<Option<Claimable>> {
    tx.fetch_optional(
        q(
            "SELECT p.id, p.phone FROM person_cards c JOIN people p ON p.id = c.person_id
           WHERE c.code = $1 AND p.password_hash IS NULL",
        )
        .bind(code),
    )
    .await
}

/// Is `phone` held by a record made on someone's behalf (no password yet)?
pub(crate) async fn phone_unclaimed(tx: &mut Tx, phone: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q("SELECT COUNT(*) FROM people WHERE phone = $1 AND password_hash IS NULL").bind(phone),
        )
        .await?
        > 0)
}

/// The person takes over the record made for them: their phone, their password and their own consent
/// (it was recorded in person by whoever registered them).
pub(crate) async fn claim(tx: &mut Tx, id: &str, phone: &str, hash: &str) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    let t = now();
    tx.execute(
        q("UPDATE people SET phone = $1, password_hash = $2, consent_at = $3, consent_version = $4,
               consent_recorded_by = NULL, updated_at = $3
           WHERE id = $5 AND password_hash IS NULL")
        .bind(phone)
        .bind(hash)
        .bind(t)
        .bind(super::model::CONSENT_VERSION)
        .bind(id),
    )
    .await
}

/// How long a one-time password (read out by an admin, printed by the CLI) works.
pub const ONE_TIME_PASSWORD_SECONDS: i64 = 24 * 3600;

/// Set a one-time password: it expires in a day and must be replaced at the first sign-in.
pub(crate) async fn set_one_time_password(tx: &mut Tx, id: &str, hash: &str) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    let t = now();
    tx.execute(
        q("UPDATE people SET password_hash = $1, password_expires_at = $2, must_change_password = TRUE,
               updated_at = $3 WHERE id = $4")
        .bind(hash)
        .bind(t + ONE_TIME_PASSWORD_SECONDS)
        .bind(t)
        .bind(id),
    )
    .await
}

pub(crate) async fn phone_taken(ex: impl Exec, phone: &str) -> DbResult<bool> {
    Ok(id_by_phone(ex, phone).await?.is_some())
}

pub(crate) async fn set_password(tx: &mut Tx, id: &str, hash: &str) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    tx.execute(
        q("UPDATE people SET password_hash = $1, password_expires_at = NULL, must_change_password = FALSE,
               updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now())
            .bind(id),
    )
    .await
}

/// Delete a person and everything that is theirs (roles, sessions, access log rows about them cascade).
///
/// Erasure goes further than the cascade: statistics rows are cut loose from them and their person-level
/// events retracted (so they stop counting), and their full name is taken out of volunteers' free-text
/// activity notes.
pub(crate) async fn delete(tx: &mut Tx, id: &str) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    let name: Option<String> = tx
        .scalar(q("SELECT full_name FROM people WHERE id = $1").bind(id))
        .await?;
    crate::stats::forget_person(tx, id).await?;
    if let Some(name) = name.filter(|n| n.chars().count() >= 3) {
        tx.execute(
            // Compared, not matched with LIKE: a name is text, never a pattern. Deletions are rare, so
            // reading every note once is fine; only notes that change are written.
            q(
                "UPDATE activities SET notes = REPLACE(notes, $1, '[đã xoá]')
               WHERE notes <> REPLACE(notes, $1, '[đã xoá]')",
            )
            .bind(&name),
        )
        .await?;
    }
    // Receipts keep replays harmless after the account is gone, but no longer say whose they were.
    tx.execute(q("UPDATE sync_receipts SET actor_id = NULL WHERE actor_id = $1").bind(id))
        .await?;
    tx.execute(q("DELETE FROM people WHERE id = $1").bind(id))
        .await
}

/// A row of the admin's people list: the phone only masked.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub unit_name: String,
    pub target_group: String,
}

/// People living in units under `path`, optionally matching a name or phone fragment, by page.
pub(crate) async fn search_in_scope(
    db: &Db,
    path: &str,
    needle: &str,
    page: i64,
    per_page: i64,
) -> DbResult<(Vec<PersonRow>, i64)> {
    let pattern = format!("%{}%", search_needle(needle));
    let total = db
        .count(
            q(
                "SELECT COUNT(*) FROM people p JOIN units u ON u.code = p.unit_code
               WHERE u.path LIKE $1 AND p.search_key LIKE $2",
            )
            .bind(format!("{path}%"))
            .bind(&pattern),
        )
        .await?;
    let rows = db
        .fetch_all(
            q(
                "SELECT p.id, p.full_name, p.phone, u.name AS unit_name, p.target_group
               FROM people p JOIN units u ON u.code = p.unit_code
               WHERE u.path LIKE $1 AND p.search_key LIKE $2
               ORDER BY p.search_key, p.id LIMIT $3 OFFSET $4",
            )
            .bind(format!("{path}%"))
            .bind(&pattern)
            .bind(per_page)
            .bind((page - 1).max(0) * per_page),
        )
        .await?;
    Ok((rows, total))
}

/// What the admin typed, in the shape of `search_key`: folded name words or phone digits; LIKE
/// wildcards removed so a "%" cannot widen the search.
fn search_needle(needle: &str) -> String {
    let folded = vntext::fold(needle).replace(['%', '_', '\\'], "");
    let digits: String = folded
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    if !digits.is_empty() && digits.len() == folded.trim().len() {
        return super::model::normalize_phone(&digits)
            .map(|p| p.replace("+84", "0"))
            .unwrap_or(digits);
    }
    folded
}

/// The unit path of a person's unit (for scope checks).
pub(crate) async fn unit_path_of(db: &Db, person_id: &str) -> DbResult<Option<String>> {
    db.scalar(
        q("SELECT u.path FROM people p JOIN units u ON u.code = p.unit_code WHERE p.id = $1")
            .bind(person_id),
    )
    .await
}

pub async fn grant_role(
    tx: &mut Tx,
    person_id: &str,
    role: &str,
    unit: &str,
    by: &str,
) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    tx.execute(
        q("INSERT INTO roles (person_id, role, unit_code, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (person_id, role, unit_code) DO NOTHING")
        .bind(person_id)
        .bind(role)
        .bind(unit)
        .bind(by)
        .bind(now()),
    )
    .await
}

pub(crate) async fn revoke_role(
    tx: &mut Tx,
    person_id: &str,
    role: &str,
    unit: &str,
) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    tx.execute(
        q("DELETE FROM roles WHERE person_id = $1 AND role = $2 AND unit_code = $3")
            .bind(person_id)
            .bind(role)
            .bind(unit),
    )
    .await
}

pub(crate) async fn count_role(db: &Db, role: &str) -> DbResult<i64> {
    db.count(q("SELECT COUNT(*) FROM roles WHERE role = $1").bind(role))
        .await
}

/// Record that `actor` read or changed `subject`'s personal data.
pub(crate) async fn log_access(
    db: &Db,
    actor_id: &str,
    actor_name: &str,
    subject_id: &str,
    action: &str,
) -> DbResult<()> {
    db.execute(
        q("INSERT INTO access_log (id, actor_id, actor_name, subject_id, action, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(new_id())
            .bind(actor_id)
            .bind(actor_name)
            .bind(subject_id)
            .bind(action)
            .bind(now()),
    )
    .await?;
    Ok(())
}

/// Log a read of personal data that is not a person's record (a village's household list, a household):
/// what was opened, for which unit, by whom.
pub(crate) async fn log_unit_access(
    db: &Db,
    actor_id: &str,
    actor_name: &str,
    what: &str,
    unit_code: &str,
) -> DbResult<()> {
    db.execute(
        q(
            "INSERT INTO data_access_log (id, actor_id, actor_name, what, unit_code, at)
           VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(actor_id)
        .bind(actor_name)
        .bind(what)
        .bind(unit_code)
        .bind(now()),
    )
    .await?;
    Ok(())
}

/// Log one read of several people's data (a class roster, an attendance sheet): one row per person,
/// so each of them sees it on their account page. Written in one statement.
pub(crate) async fn log_access_many(
    db: &Db,
    actor_id: &str,
    actor_name: &str,
    subject_ids: &[String],
    action: &str,
) -> DbResult<()> {
    let t = now();
    // A few hundred at a time keeps every statement under the placeholder limits of both databases.
    for chunk in subject_ids.chunks(200) {
        let mut query = q(format!(
            "INSERT INTO access_log (id, actor_id, actor_name, subject_id, action, at) VALUES {}",
            crate::db::tuples(chunk.len(), 6)
        ));
        for subject in chunk {
            query = query
                .bind(new_id())
                .bind(actor_id)
                .bind(actor_name)
                .bind(subject)
                .bind(action)
                .bind(t);
        }
        db.execute(query).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct AccessRow {
    pub actor_name: String,
    pub action: String,
    pub at: i64,
}

pub(crate) async fn access_log_of(db: &Db, subject_id: &str) -> DbResult<Vec<AccessRow>> {
    db.fetch_all(
        q("SELECT actor_name, action, at FROM access_log WHERE subject_id = $1 ORDER BY at DESC, id DESC LIMIT 200")
            .bind(subject_id),
    )
    .await
}

// ---- sign-in rate limits -------------------------------------------------------------------------

pub(crate) async fn recent_failures(db: &Db, key: &str, since: i64) -> DbResult<i64> {
    db.count(
        q("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(since),
    )
    .await
}

pub(crate) async fn record_failure(db: &Db, key: &str) -> DbResult<()> {
    let t = now();
    db.execute(
        q("INSERT INTO login_failures (id, key, at) VALUES ($1, $2, $3)")
            .bind(new_id())
            .bind(key)
            .bind(t),
    )
    .await?;
    // Old rows are useless; trimming here keeps the table small without a scheduler.
    db.execute(q("DELETE FROM login_failures WHERE at < $1").bind(t - 24 * 3600))
        .await?;
    Ok(())
}

pub(crate) async fn clear_failures(db: &Db, key: &str) -> DbResult<()> {
    db.execute(q("DELETE FROM login_failures WHERE key = $1").bind(key))
        .await?;
    Ok(())
}

// ---- invitations ----------------------------------------------------------------------------------

/// What an invitation offers: to teach a class, or to join a team.
pub const INVITE_INSTRUCTOR: &str = "instructor";
pub const INVITE_MEMBER: &str = "member";

/// An invitation as its inviter sees it: the phone number they typed, nothing about the person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingInvitation {
    pub id: String,
    pub phone: String,
    pub member_role: Option<String>,
    pub created_at: i64,
}

/// An invitation as the invited person sees it, with what it is for and who sent it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyInvitation {
    pub id: String,
    pub kind: String,
    pub target_id: String,
    pub target_name: String,
    pub member_role: Option<String>,
    pub invited_by_name: String,
    pub created_at: i64,
}

/// Invite `phone` (normalised); inviting the same phone again to the same thing changes nothing.
pub(crate) async fn invite(
    tx: &mut Tx,
    kind: &str,
    target_id: &str,
    phone: &str,
    member_role: Option<&str>,
    by: &str,
) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO invitations (id, kind, target_id, phone, member_role, invited_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (kind, target_id, phone) DO NOTHING")
        .bind(new_id())
        .bind(kind)
        .bind(target_id)
        .bind(phone)
        .bind(member_role)
        .bind(by)
        .bind(now()),
    )
    .await?;
    Ok(())
}

pub(crate) async fn pending_invitations(
    db: &Db,
    kind: &str,
    target_id: &str,
) -> DbResult<Vec<PendingInvitation>> {
    db.fetch_all(
        q("SELECT id, phone, member_role, created_at FROM invitations
           WHERE kind = $1 AND target_id = $2 ORDER BY created_at, id")
        .bind(kind)
        .bind(target_id),
    )
    .await
}

/// Withdraw an invitation of `target_id`; 0 when there is none (or it belongs to something else).
pub(crate) async fn withdraw_invitation(
    tx: &mut Tx,
    id: &str,
    kind: &str,
    target_id: &str,
) -> DbResult<u64> {
    tx.execute(
        q("DELETE FROM invitations WHERE id = $1 AND kind = $2 AND target_id = $3")
            .bind(id)
            .bind(kind)
            .bind(target_id),
    )
    .await
}

/// Invitations waiting for the person who holds `phone`.
pub(crate) async fn invitations_for(db: &Db, phone: &str) -> DbResult<Vec<MyInvitation>> {
    db.fetch_all(
        q("SELECT i.id, i.kind, i.target_id,
                  COALESCE(c.title, t.name, '') AS target_name, i.member_role,
                  COALESCE(p.full_name, '') AS invited_by_name, i.created_at
           FROM invitations i
           LEFT JOIN classes c ON i.kind = 'instructor' AND c.id = i.target_id
           LEFT JOIN teams t ON i.kind = 'member' AND t.id = i.target_id
           LEFT JOIN people p ON p.id = i.invited_by
           WHERE i.phone = $1 ORDER BY i.created_at, i.id")
        .bind(phone),
    )
    .await
}

/// An invitation taken out of the table by its addressee (accepted or declined).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TakenInvitation {
    pub kind: String,
    pub target_id: String,
    pub member_role: Option<String>,
    pub invited_by: Option<String>,
}

/// Take the invitation `id` addressed to `phone` out of the table; what it was, if it was theirs.
pub(crate) async fn take_invitation(
    tx: &mut Tx,
    id: &str,
    phone: &str,
) -> DbResult<Option<TakenInvitation>> {
    let row: Option<TakenInvitation> = tx
        .fetch_optional(
            q(
                "SELECT kind, target_id, member_role, invited_by FROM invitations
               WHERE id = $1 AND phone = $2",
            )
            .bind(id)
            .bind(phone),
        )
        .await?;
    if row.is_some() {
        tx.execute(q("DELETE FROM invitations WHERE id = $1").bind(id))
            .await?;
    }
    Ok(row)
}

/// News about a person's class places that someone else caused (issue 15): their class was cancelled,
/// their registration was cancelled by the class's admin, or a seat freed up and they left the waitlist.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClassNotice {
    pub code: String,
    pub title: String,
    /// "class_cancelled", "cancelled" or "promoted".
    pub what: String,
    pub at: i64,
}

/// How long such news stays on the account page: long enough to be read by someone who signs in once a
/// month, short enough not to pile up.
pub const CLASS_NOTICE_DAYS: i64 = 60;

pub(crate) async fn class_notices(db: &Db, person: &str) -> DbResult<Vec<ClassNotice>> {
    let since = now() - CLASS_NOTICE_DAYS * 86_400;
    db.fetch_all(
        q("SELECT c.code, c.title,
                  CASE WHEN c.status = 'cancelled' AND r.status <> 'cancelled' THEN 'class_cancelled'
                       ELSE r.notice END AS what,
                  CASE WHEN c.status = 'cancelled' AND r.status <> 'cancelled' THEN c.updated_at
                       ELSE r.updated_at END AS at
           FROM class_registrations r JOIN classes c ON c.id = r.class_id
           WHERE r.person_id = $1
             AND ((c.status = 'cancelled' AND r.status <> 'cancelled' AND c.updated_at > $2)
                  OR (c.status <> 'cancelled' AND r.updated_at > $2
                      AND ((r.notice = 'cancelled' AND r.status = 'cancelled')
                           OR (r.notice = 'promoted' AND r.status = 'registered'))))
           ORDER BY at DESC, c.code")
        .bind(person)
        .bind(since),
    )
    .await
}

/// The id of whoever holds this phone number (+84…), if anyone.
pub(crate) async fn id_by_phone(ex: impl Exec, phone: &str) -> DbResult<Option<String>> {
    let row: Option<(String,)> = ex
        .fetch_optional(q("SELECT id FROM people WHERE phone = $1").bind(phone))
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Whoever holds this phone number: id, full name and the path of their home unit.
pub(crate) async fn home_by_phone(
    ex: impl Exec,
    phone: &str,
) -> DbResult<Option<(String, String, String)>> {
    ex.fetch_optional(
        q("SELECT p.id, p.full_name, u.path FROM people p JOIN units u ON u.code = p.unit_code WHERE p.phone = $1")
            .bind(phone),
    )
    .await
}
