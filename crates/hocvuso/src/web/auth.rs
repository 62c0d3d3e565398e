//! Who is asking: sessions stored in the database (any app server can read them) and the
//! `CurrentUser` / `MaybeUser` extractors. Scope rules live on [`SessionUser`].
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::session_cache::{self, SessionCache};
pub use super::store::roles_of;
use super::store::{self, teaches_any};
use crate::db::{Db, DbResult, Tx, now};
use crate::{AppError, AppState};

pub const SESSION_COOKIE: &str = "hv_session";
/// Thirty days: elderly learners should not have to remember a password every week.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;
/// Administrators hold other people's data: their sessions end after two hours without use and twelve
/// hours in all, whatever the cookie says.
pub const ADMIN_IDLE_SECONDS: i64 = 2 * 3600;
pub const ADMIN_SESSION_SECONDS: i64 = 12 * 3600;
/// `last_seen_at` is written at most this often, so a busy admin costs one write a minute, not one per page.
const LAST_SEEN_GRANULARITY: i64 = 60;
/// The only pages a person whose password must be replaced may open.
const PASSWORD_CHANGE_PATHS: &[&str] = &["/tai-khoan/mat-khau", "/dang-xuat"];

/// The five roles, lowest first.
pub const ROLES: &[&str] = &[
    "learner",
    "volunteer",
    "instructor",
    "commune_admin",
    "province_admin",
];

pub(crate) fn is_admin_role(role: &str) -> bool {
    matches!(role, "commune_admin" | "province_admin")
}

/// Where each role's daily work is, most senior first: the header's first links and the page a person
/// lands on after signing in. A learner has none: the home page is theirs.
const WORK_PLACES: &[(&str, WorkPlace)] = &[
    (
        "province_admin",
        WorkPlace {
            href: "/quan-ly",
            label: "nav-admin",
        },
    ),
    (
        "commune_admin",
        WorkPlace {
            href: "/quan-ly",
            label: "nav-admin",
        },
    ),
    (
        "instructor",
        WorkPlace {
            href: "/quan-ly/lop",
            label: "nav-my-classes",
        },
    ),
    (
        "volunteer",
        WorkPlace {
            href: "/hien-truong",
            label: "nav-field",
        },
    ),
];

/// Every role's place of work among `roles`, most senior first, each once; someone who `teaches` a
/// class has the instructor's place without the role.
pub(crate) fn work_places(roles: &[RoleScope], teaches: bool) -> Vec<WorkPlace> {
    let mut out: Vec<WorkPlace> = Vec::new();
    for (role, place) in WORK_PLACES {
        let holds = roles.iter().any(|r| r.role == *role) || (teaches && *role == "instructor");
        if holds && !out.contains(place) {
            out.push(*place);
        }
    }
    out
}

/// The page after sign-in when no other was asked for: the most senior role's work, else home.
pub(crate) fn landing(roles: &[RoleScope], teaches: bool) -> &'static str {
    work_places(roles, teaches).first().map_or("/", |p| p.href)
}

/// `landing` for a person not loaded as a session yet (just signed in).
pub(crate) async fn landing_of(db: &Db, person_id: &str) -> DbResult<&'static str> {
    Ok(landing(
        &roles_of(db, person_id).await?,
        teaches_any(db, person_id).await?,
    ))
}

/// A link to where someone works: its path and the message id of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkPlace {
    pub href: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleScope {
    pub role: String,
    pub unit_code: String,
    pub unit_path: String,
    pub unit_name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionPerson {
    pub id: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub unit_code: String,
    pub must_change_password: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub unit_code: String,
    pub roles: Vec<RoleScope>,
    /// Signed in with a one-time password: only the password page is open until it is replaced.
    pub must_change_password: bool,
    /// Teaches at least one class (invited to it; no instructor role needed): "Lớp của tôi" is theirs.
    pub teaches: bool,
}

impl SessionUser {
    pub(crate) fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.role == role)
    }

    pub(crate) fn is_province_admin(&self) -> bool {
        self.has_role("province_admin")
    }

    pub(crate) fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| is_admin_role(&r.role))
    }

    pub(crate) fn work_places(&self) -> Vec<WorkPlace> {
        work_places(&self.roles, self.teaches)
    }

    /// Paths of the units this person administers.
    pub(crate) fn admin_paths(&self) -> impl Iterator<Item = &str> {
        self.roles
            .iter()
            .filter(|r| is_admin_role(&r.role))
            .map(|r| r.unit_path.as_str())
    }

    /// May this person administer the unit at `path` (their unit or one below it)?
    pub(crate) fn can_admin(&self, path: &str) -> bool {
        self.admin_paths().any(|p| path.starts_with(p))
    }

    /// The highest unit this person administers (for "my units" pages).
    pub(crate) fn top_admin_unit(&self) -> Option<&RoleScope> {
        self.roles
            .iter()
            .filter(|r| is_admin_role(&r.role))
            .min_by_key(|r| r.unit_path.len())
    }

    /// May this admin manage (reset, edit, assign roles to, revoke roles of) a person who lives at
    /// `home_path` and holds `roles`? Decided by every role the person holds, not only where they live:
    /// each of their roles must lie within this admin's units, and an admin role of theirs must sit strictly
    /// below one of this admin's (a commune admin never manages a fellow commune admin, nor a province admin
    /// who happens to live in the commune). Nobody manages themselves here; that is what their account is for.
    pub(crate) fn may_manage(&self, person_id: &str, home_path: &str, roles: &[RoleScope]) -> bool {
        person_id != self.id
            && self.can_admin(home_path)
            && roles
                .iter()
                .all(|r| self.may_hold_authority_over(&r.role, &r.unit_path))
    }

    /// May this admin grant or revoke `role` at the unit at `path`? Within their units, and an admin role
    /// only strictly below their own, except that province administrators may appoint more of themselves
    /// (nobody sits above them; the CLI is the other way).
    pub(crate) fn may_assign(&self, role: &str, path: &str) -> bool {
        if role == "province_admin" {
            return self.is_province_admin() && self.can_admin(path);
        }
        self.may_hold_authority_over(role, path)
    }

    fn may_hold_authority_over(&self, role: &str, path: &str) -> bool {
        if is_admin_role(role) {
            self.admin_paths()
                .any(|p| path.starts_with(p) && path.len() > p.len())
        } else {
            self.can_admin(path)
        }
    }

    /// Roles in units at or below `path`: volunteers and instructors act in their unit.
    pub(crate) fn acts_in(&self, role: &str, path: &str) -> bool {
        self.roles
            .iter()
            .any(|r| r.role == role && path.starts_with(&r.unit_path))
            || self.can_admin(path)
    }
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A random URL-safe token (256 bits).
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Open a session for `person_id`; returns the token for the cookie.
pub async fn create_session(tx: &mut Tx, person_id: &str) -> DbResult<String> {
    let token = random_token();
    let t = now();
    store::insert_session(tx, &hash_token(&token), person_id, t, t + SESSION_SECONDS).await?;
    // Housekeeping rides along with sign-ins instead of needing a scheduler.
    store::delete_expired_sessions(tx, t).await?;
    Ok(token)
}

pub(crate) async fn delete_session(db: &Db, token: &str) -> DbResult<()> {
    store::delete_session(db, &hash_token(token)).await?;
    session_cache::bump();
    Ok(())
}

pub(crate) async fn delete_session_in(tx: &mut Tx, token: &str) -> DbResult<()> {
    store::delete_session(&mut *tx, &hash_token(token)).await?;
    session_cache::changed(tx);
    Ok(())
}

/// End every session of a person except, optionally, the current one (after a password change).
pub(crate) async fn delete_other_sessions(
    tx: &mut Tx,
    person_id: &str,
    keep_token: Option<&str>,
) -> DbResult<()> {
    let keep = keep_token.map(hash_token).unwrap_or_default();
    session_cache::changed(tx);
    store::delete_sessions_but(tx, person_id, &keep).await
}

async fn load_user(state: &AppState, token: &str) -> DbResult<Option<SessionUser>> {
    let t = now();
    let token_hash = hash_token(token);
    if let Some(e) = state.sessions.get(&token_hash)
        && e.expires_at > t
    {
        return Ok(Some(e.user));
    }
    let epoch = SessionCache::epoch();
    let db = &state.db;
    let person = store::session_person(db, &token_hash, t).await?;
    let Some(p) = person else {
        state.sessions.remove(&token_hash);
        return Ok(None);
    };
    let roles = roles_of(db, &p.id).await?;
    let teaches = teaches_any(db, &p.id).await?;
    let user = SessionUser {
        teaches,
        id: p.id,
        full_name: p.full_name,
        phone: p.phone,
        unit_code: p.unit_code,
        roles,
        must_change_password: p.must_change_password,
    };
    if user.is_admin() {
        if admin_session_over(p.created_at, p.last_seen_at, t) {
            store::delete_session(db, &token_hash).await?;
            state.sessions.remove(&token_hash);
            return Ok(None);
        }
        if t - p.last_seen_at >= LAST_SEEN_GRANULARITY {
            store::touch_session(db, &token_hash, t).await?;
        }
    }
    // Administrators are read every time: their idle clock and their powers must act at once on
    // every server, and they are few.
    if !user.is_admin() {
        state
            .sessions
            .put(token_hash, user.clone(), p.expires_at, epoch);
    }
    Ok(Some(user))
}

/// Has an administrator's session run out (idle too long, or open too long)?
pub(crate) fn admin_session_over(created_at: i64, last_seen_at: i64, now: i64) -> bool {
    now - last_seen_at > ADMIN_IDLE_SECONDS || now - created_at > ADMIN_SESSION_SECONDS
}

/// The session token from the cookie, if any.
pub(crate) fn session_token(parts: &Parts) -> Option<String> {
    super::cookies::get(&parts.headers, SESSION_COOKIE)
}

/// The request's signed-in person once loaded, so extractors after the first read no database.
#[derive(Clone)]
struct Cached(Arc<Option<SessionUser>>);

/// The signed-in person, loaded once per request and cached in the request's extensions.
pub(crate) async fn current_user(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<SessionUser>, AppError> {
    if let Some(Cached(u)) = parts.extensions.get::<Cached>() {
        return Ok((**u).clone());
    }
    let user = match session_token(parts) {
        Some(token) => load_user(state, &token).await?,
        None => None,
    };
    if user.as_ref().is_some_and(|u| u.must_change_password)
        && !PASSWORD_CHANGE_PATHS.contains(&parts.uri.path())
    {
        return Err(AppError::PasswordChangeRequired);
    }
    parts.extensions.insert(Cached(Arc::new(user.clone())));
    Ok(user)
}

/// Extractor: the signed-in person or nobody.
pub struct MaybeUser(pub Option<SessionUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(current_user(parts, state).await?))
    }
}

/// Extractor: the signed-in person; 401 (a sign-in redirect on pages) otherwise.
pub struct CurrentUser(pub SessionUser);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        current_user(parts, state)
            .await?
            .map(CurrentUser)
            .ok_or(AppError::Unauthorized)
    }
}

/// The signed-in person if `allowed`: 401 (a sign-in redirect on pages) for nobody, 403 for anyone else.
///
/// A refusal is decided on the database, never on this server's short-lived copy: a role granted on
/// another server (a new commune administrator opening Administration a second after the grant) acts
/// at once, and only refusals, which are rare, pay for the second read.
async fn signed_in_as(
    parts: &mut Parts,
    state: &AppState,
    allowed: impl Fn(&SessionUser) -> bool,
) -> Result<SessionUser, AppError> {
    let user = current_user(parts, state)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if allowed(&user) {
        return Ok(user);
    }
    let Some(token) = session_token(parts) else {
        return Err(AppError::Forbidden);
    };
    state.sessions.remove(&hash_token(&token));
    let fresh = load_user(state, &token).await?;
    parts.extensions.insert(Cached(Arc::new(fresh.clone())));
    match fresh {
        Some(u) if allowed(&u) => Ok(u),
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthorized),
    }
}

/// Extractor: a signed-in administrator (commune or province); 403 for anyone else signed in.
pub struct AdminUser(pub SessionUser);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        signed_in_as(parts, state, SessionUser::is_admin)
            .await
            .map(AdminUser)
    }
}

/// Extractor: a signed-in administrator of this deployment's province (a role at the province's own
/// unit); 403 for anyone else signed in, commune administrators included. What belongs to the whole
/// province (the assistant's FAQ, the scam rules, the province's own courses) is theirs alone.
pub struct ProvinceAdmin(pub SessionUser);

impl FromRequestParts<AppState> for ProvinceAdmin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        signed_in_as(parts, state, |u| u.can_admin(&state.province.path))
            .await
            .map(ProvinceAdmin)
    }
}

/// A signed-in person with these roles and nothing else, for the tests of every capability.
#[cfg(test)]
pub(crate) fn test_user(id: &str, roles: Vec<RoleScope>) -> SessionUser {
    SessionUser {
        id: id.into(),
        full_name: String::new(),
        phone: None,
        unit_code: String::new(),
        roles,
        must_change_password: false,
        teaches: false,
    }
}

/// A role at the unit whose path is `path` ("/44/19360/"), for the tests of every capability.
#[cfg(test)]
pub(crate) fn test_role(role: &str, path: &str) -> RoleScope {
    RoleScope {
        role: role.into(),
        unit_code: path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .into(),
        unit_path: path.into(),
        unit_name: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_role as role;

    #[test]
    fn each_role_lands_at_its_work_and_the_senior_one_first() {
        let volunteer = admin(vec![role("learner", A1), role("volunteer", A1)]);
        assert_eq!(landing(&volunteer.roles, volunteer.teaches), "/hien-truong");
        let teaching_volunteer = admin(vec![role("volunteer", A1), role("instructor", A)]);
        assert_eq!(
            landing(&teaching_volunteer.roles, teaching_volunteer.teaches),
            "/quan-ly/lop"
        );
        assert_eq!(teaching_volunteer.work_places().len(), 2);
        let both_admins = admin(vec![role("commune_admin", A), role("province_admin", P)]);
        assert_eq!(both_admins.work_places().len(), 1, "one link to the hub");
        assert_eq!(landing(&both_admins.roles, both_admins.teaches), "/quan-ly");
        let learner = admin(vec![role("learner", A1)]);
        assert_eq!(landing(&learner.roles, learner.teaches), "/");
        let invited_teacher = SessionUser {
            teaches: true,
            ..admin(vec![role("learner", A1), role("volunteer", A1)])
        };
        assert_eq!(
            landing(&invited_teacher.roles, invited_teacher.teaches),
            "/quan-ly/lop"
        );
    }

    fn admin(roles: Vec<RoleScope>) -> SessionUser {
        super::test_user("me", roles)
    }

    const P: &str = "44/";
    const A: &str = "44/100/";
    const A1: &str = "44/100/100-001/";
    const B: &str = "44/200/";

    #[test]
    fn a_commune_admin_manages_only_people_whose_every_role_is_below_them() {
        let a = admin(vec![role("commune_admin", A)]);
        assert!(a.may_manage("x", A1, &[]));
        assert!(a.may_manage("x", A1, &[role("volunteer", A1), role("instructor", A)]));
        // Living in A proves nothing: a province admin, a fellow admin, a B admin or a B volunteer.
        assert!(!a.may_manage("x", A1, &[role("province_admin", P)]));
        assert!(!a.may_manage("x", A, &[role("commune_admin", A)]));
        assert!(!a.may_manage("x", A, &[role("commune_admin", B)]));
        assert!(!a.may_manage("x", A, &[role("volunteer", B)]));
        assert!(!a.may_manage("x", B, &[]));
        assert!(!a.may_manage("me", A, &[]));
    }

    #[test]
    fn a_province_admin_manages_commune_admins_but_not_fellow_province_admins() {
        let p = admin(vec![role("province_admin", P)]);
        assert!(p.may_manage("x", A, &[role("commune_admin", A), role("volunteer", B)]));
        assert!(!p.may_manage("x", A, &[role("province_admin", P)]));
        assert!(p.may_assign("commune_admin", A));
        assert!(p.may_assign("province_admin", P));
        let a = admin(vec![role("commune_admin", A)]);
        assert!(a.may_assign("volunteer", A1));
        assert!(!a.may_assign("commune_admin", A));
        assert!(!a.may_assign("province_admin", P));
        assert!(!a.may_assign("volunteer", B));
    }
}
