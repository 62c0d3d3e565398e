//! People without phones are found, not duplicated (issue 12): registering someone by name first shows
//! the likely matches in that village (same folded name and birth year), and two records of one person
//! can be merged, keeping every class, attendance mark, activity, certificate and figure.
//!
//! The merge touches every table that names a person. It lives here, with its list of those tables, so
//! that a new table naming a person fails the migration test below until it says what a merge does to
//! it (people does not call into classes or teams: the SQL names their tables directly).
use super::store;
pub(crate) use super::store::{Match, MergeRow, merge, merges_into};
use crate::db::{Db, DbResult, Tx};
use crate::web::auth::{RoleScope, SessionUser};

/// Where a person is being registered: their village (or the commune, when the village is unknown).
pub struct Home<'a> {
    pub unit_path: &'a str,
    /// The commune: people recorded there without a village may be the same person.
    pub commune_code: &'a str,
}

/// People living at `home` (or in the commune with no village) whose name folds to the same text
/// (tones, đ, case and spacing aside: "Hồ Thị Cúc" = "ho thi  cuc") and, when one is given, born the
/// same year. At most ten, oldest record first (the one to keep).
pub(crate) async fn likely_matches(
    tx: &mut Tx,
    home: &Home<'_>,
    full_name: &str,
    birth_year: Option<i64>,
) -> DbResult<Vec<Match>> {
    let rows = store::people_at_home(tx, home.unit_path, home.commune_code, birth_year).await?;
    let folded = name_key(full_name);
    Ok(rows
        .into_iter()
        .filter(|m| name_key(&m.full_name) == folded)
        .take(10)
        .collect())
}

/// A name as it is compared: folded (no tones, đ → d, lower case), words separated by one space.
pub(crate) fn name_key(name: &str) -> String {
    vntext::folded_tokens(name).join(" ")
}

/// One of the two records, as the authorisation sees it.
pub struct Side<'a> {
    pub id: &'a str,
    pub home_path: &'a str,
    pub roles: &'a [RoleScope],
    /// Someone signs in with this record (it has a password).
    pub has_account: bool,
}

/// Who asks for a merge.
#[derive(Clone, Copy)]
pub enum Via<'a> {
    /// An administrator of the units the two people live and hold roles in.
    Admin,
    /// An instructor, for two learners of their class in the commune at this path.
    Class { commune_path: &'a str },
}

/// Why a merge is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The same record twice.
    Same,
    /// The record to merge away is an account someone signs in with.
    HasAccount,
    /// One of them holds a role above volunteer: only a province administrator merges them.
    Privileged,
    /// Outside what this person may manage.
    OutOfScope,
}

impl From<Refusal> for crate::AppError {
    /// Out of scope is 404 (an admin must not learn who lives elsewhere), a privileged record 403 with
    /// the reason, the rest a field error on the record to merge away.
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::OutOfScope => crate::AppError::NotFound,
            Refusal::Privileged => crate::AppError::Denied(r.message()),
            Refusal::Same | Refusal::HasAccount => crate::AppError::field("merged", r.message()),
        }
    }
}

/// What the authorisation needs to know of a record: where it lives, its roles, whether it is an account.
/// Teaching a class counts as the instructor role in the class's commune (invited instructors hold no
/// `roles` row).
pub(crate) async fn side_facts(
    db: &Db,
    id: &str,
) -> crate::AppResult<(String, Vec<RoleScope>, bool)> {
    let home = store::unit_path_of(db, id)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let mut roles = crate::web::auth::roles_of(db, id).await?;
    roles.extend(store::teaching_roles(db, id).await?);
    let account = store::credentials_by_id(db, id)
        .await?
        .is_some_and(|c| c.password_hash.is_some());
    Ok((home, roles, account))
}

impl Refusal {
    /// The Fluent id of the reason.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Refusal::Same => "merge-same",
            Refusal::HasAccount => "merge-has-account",
            Refusal::Privileged => "merge-privileged",
            Refusal::OutOfScope => "merge-out-of-scope",
        }
    }
}

/// May `user` merge `merged` into `kept`? Decided by every role either person holds (where they teach,
/// volunteer or administer), not only where they live: an admin must be able to manage both people
/// (`SessionUser::may_manage`), and an instructor only merges learners whose every role and home lie in
/// the class's commune. Someone holding an instructor or admin role is merged only by a province
/// administrator over all of it. The record merged away must not be an account someone signs in with.
pub(crate) fn may_merge(
    user: &SessionUser,
    via: Via<'_>,
    kept: &Side<'_>,
    merged: &Side<'_>,
) -> Result<(), Refusal> {
    if kept.id == merged.id {
        return Err(Refusal::Same);
    }
    if kept.id == user.id || merged.id == user.id {
        return Err(Refusal::OutOfScope);
    }
    if merged.has_account {
        return Err(Refusal::HasAccount);
    }
    let sides = [kept, merged];
    let privileged = sides
        .iter()
        .flat_map(|s| s.roles.iter())
        .any(|r| !matches!(r.role.as_str(), "learner" | "volunteer"));
    if privileged {
        let covers_all = sides.iter().all(|s| {
            user.can_admin(s.home_path) && s.roles.iter().all(|r| user.can_admin(&r.unit_path))
        });
        return if user.is_province_admin() && covers_all {
            Ok(())
        } else {
            Err(Refusal::Privileged)
        };
    }
    let allowed = match via {
        Via::Admin => sides
            .iter()
            .all(|s| user.may_manage(s.id, s.home_path, s.roles)),
        Via::Class { commune_path } => sides.iter().all(|s| {
            s.home_path.starts_with(commune_path)
                && s.roles
                    .iter()
                    .all(|r| r.role == "learner" && r.unit_path.starts_with(commune_path))
        }),
    };
    if allowed {
        Ok(())
    } else {
        Err(Refusal::OutOfScope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::web::auth::{test_role as role, test_user as user};

    const A: &str = "44/100/";
    const V: &str = "44/100/100-001/";
    const B: &str = "44/200/";

    fn side<'a>(id: &'a str, home: &'a str, roles: &'a [RoleScope]) -> Side<'a> {
        Side {
            id,
            home_path: home,
            roles,
            has_account: false,
        }
    }

    #[test]
    fn names_fold_tones_case_and_spaces() {
        assert_eq!(name_key("Hồ Thị  Cúc"), name_key("ho thi cuc"));
        assert_eq!(name_key("Đặng Văn A"), "dang van a");
        assert_ne!(name_key("Hồ Thị Cúc"), name_key("Hồ Thị Cục Cúc"));
    }

    #[test]
    fn who_may_merge() {
        let learner_a = [role("learner", V)];
        let learner_b = [role("learner", B)];
        let volunteer_b = [role("learner", V), role("volunteer", B)];
        let teaches = [role("learner", V), role("instructor", A)];
        let commune_admin = user("adm", vec![role("commune_admin", A)]);
        let province_admin = user("pa", vec![role("province_admin", "44/")]);
        let instructor = user("ins", vec![role("instructor", A)]);
        let class = Via::Class { commune_path: A };

        let x = side("x", V, &learner_a);
        let y = side("y", V, &learner_a);
        assert_eq!(may_merge(&commune_admin, Via::Admin, &x, &y), Ok(()));
        assert_eq!(may_merge(&instructor, class, &x, &y), Ok(()));
        assert_eq!(
            may_merge(&commune_admin, Via::Admin, &x, &x),
            Err(Refusal::Same)
        );
        // An account someone signs in with is never merged away.
        let account = Side {
            has_account: true,
            ..side("y", V, &learner_a)
        };
        assert_eq!(
            may_merge(&province_admin, Via::Admin, &x, &account),
            Err(Refusal::HasAccount)
        );
        // Living in the commune is not enough: a role elsewhere puts the person out of its admin's reach.
        let elsewhere = side("y", V, &volunteer_b);
        assert_eq!(
            may_merge(&commune_admin, Via::Admin, &x, &elsewhere),
            Err(Refusal::OutOfScope)
        );
        assert_eq!(
            may_merge(&instructor, class, &x, &elsewhere),
            Err(Refusal::OutOfScope)
        );
        let learner_elsewhere = side("y", V, &learner_b);
        assert_eq!(
            may_merge(&instructor, class, &x, &learner_elsewhere),
            Err(Refusal::OutOfScope)
        );
        assert_eq!(
            may_merge(&province_admin, Via::Admin, &x, &elsewhere),
            Ok(())
        );
        // An instructor's record: only a province administrator merges it.
        let instr = side("y", V, &teaches);
        assert_eq!(
            may_merge(&commune_admin, Via::Admin, &x, &instr),
            Err(Refusal::Privileged)
        );
        assert_eq!(
            may_merge(&instructor, class, &instr, &x),
            Err(Refusal::Privileged)
        );
        assert_eq!(may_merge(&province_admin, Via::Admin, &instr, &x), Ok(()));
        // Nobody merges their own record.
        let me = side("ins", V, &learner_a);
        assert_eq!(
            may_merge(&instructor, class, &me, &y),
            Err(Refusal::OutOfScope)
        );
    }
}
