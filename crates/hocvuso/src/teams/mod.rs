//! Community digital technology teams (tổ công nghệ số cộng đồng): teams at commune and village level
//! and their members, the household register of each village with its digital-readiness checklist, the
//! activities members log door to door (offline through `sync`), each village's coverage, and the
//! "Gọi tổ công nghệ số" page every learner sees.
pub mod activities;
pub mod contact;
pub mod households;
pub mod import;
pub mod invitations;
pub mod model;
pub mod pages;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::db::Tx;
use crate::units::model::{LEVEL_VILLAGE, Unit};
use crate::web::auth::SessionUser;
use crate::{AppError, AppResult, AppState};

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/to-cong-nghe-so", get(contact::page))
        .route("/hien-truong", get(pages::field_home))
        .route("/quan-ly/to", get(pages::list).post(pages::create))
        .route("/quan-ly/to/{id}", get(pages::team_page))
        .route("/quan-ly/to/{id}/thanh-vien", post(pages::add_member))
        .route(
            "/quan-ly/to/{id}/thanh-vien/{mid}/roi",
            post(pages::member_left),
        )
        .route("/quan-ly/to/{id}/cong-khai", post(pages::publish))
        .route(
            "/quan-ly/to/{id}/loi-moi/{inv}/huy",
            post(invitations::withdraw),
        )
        .route(
            "/tai-khoan/loi-moi/{inv}/tham-gia",
            post(invitations::accept),
        )
        .route(
            "/quan-ly/to/{id}/hoat-dong",
            get(activities::form).post(activities::submit),
        )
        .route(
            "/quan-ly/thon/{code}/ho",
            get(households::village_page).post(households::add),
        )
        .route(
            "/quan-ly/ho/{id}",
            get(households::household_page).post(households::tick),
        )
        .route("/quan-ly/xa/{code}/bao-phu", get(pages::coverage))
}

/// A village that `user` may work in: its commune's (or province's) admins and the
/// active members of the village's own team or its commune's team. Field errors, because sync items
/// report them per item.
pub(crate) async fn village_for(tx: &mut Tx, user: &SessionUser, code: &str) -> AppResult<Unit> {
    let unit = crate::units::store::get(&mut *tx, code).await?;
    let unit = unit
        .filter(|u| u.level == LEVEL_VILLAGE)
        .ok_or_else(|| AppError::field("village", "sync-not-found"))?;
    if user.can_admin(&unit.path) || store::member_covering(tx, &user.id, &unit.path).await? {
        Ok(unit)
    } else {
        Err(AppError::field("village", "sync-forbidden"))
    }
}

/// The team, with whether `user` manages it (an admin above it) — members may read and log, others get
/// 404 so teams of other communes cannot be probed.
pub(crate) async fn team_for(
    state: &AppState,
    user: &SessionUser,
    id: &str,
) -> AppResult<(store::Team, bool)> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::NotFound);
    }
    let team = store::get_team(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let manages = user.can_admin(&team.unit_path);
    if manages {
        return Ok((team, true));
    }
    let mut tx = state.db.begin_read().await?;
    let member = store::is_active_member(&mut tx, &team.id, &user.id).await?;
    drop(tx);
    if member {
        Ok((team, false))
    } else {
        Err(AppError::NotFound)
    }
}

/// Villages a team works in: its own village, or every village of its commune.
pub(crate) async fn villages_of_team(state: &AppState, team: &store::Team) -> AppResult<Vec<Unit>> {
    if team.unit_level == LEVEL_VILLAGE {
        Ok(crate::units::store::get(&state.db, &team.unit_code)
            .await?
            .into_iter()
            .collect())
    } else {
        Ok(crate::units::store::villages_of(&state.db, &team.unit_code).await?)
    }
}
