//! `POST /api/v1/sync`: the batch endpoint the service worker's outbox posts to.
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;

use super::model::{MAX_ITEMS, SyncFieldError, SyncRequest, SyncResponse, SyncResult};
use crate::db::now;
use crate::web::api::ApiError;
use crate::web::auth::CurrentUser;
use crate::{AppError, AppResult, AppState};

/// Store a batch of offline writes (field activities, households, household checks, attendance).
///
/// Authenticated by the session cookie. Replaying a batch never duplicates; each item is answered on
/// its own (`created`, `duplicate`, `superseded` — an older edit of a checklist item or attendance mark
/// that a newer one already replaced — or `rejected` with field errors); good items are kept when
/// others are bad. Data by kind: `activity` {team, village, household?, happened_on (YYYY-MM-DD),
/// kinds[], members[]?, people_helped, phone?, notes?}; `household` {village, head_name, address,
/// adults} (the household's id is the item's client_id); `household_check` {household, item, done,
/// phone?}; `attendance` {session, person | code, present}.
#[utoipa::path(post, path = "/api/v1/sync", tag = "field",
    request_body = SyncRequest,
    responses((status = 200, body = SyncResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
        (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 413, body = ApiError), (status = 415, body = ApiError)))]
pub async fn sync(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<SyncResponse>> {
    crate::web::api::require_json_write(&headers, "sync-json-required")?;
    let req: SyncRequest =
        serde_json::from_slice(&body).map_err(|_| AppError::BadRequest("sync-body"))?;
    if req
        .user
        .as_deref()
        .is_some_and(|u| !u.is_empty() && u != user.id)
    {
        return Err(AppError::Conflict(crate::error::FieldError::new(
            "user",
            "sync-other-user",
        )));
    }
    if !req.items.iter().all(super::model::SyncItem::well_formed) {
        return Err(AppError::BadRequest("sync-body"));
    }
    if req.items.len() > MAX_ITEMS {
        // 413 like a body past the size limit: the app answers both by sending half as many items.
        return Err(AppError::TooLarge("sync-too-large"));
    }
    let lang = crate::web::page::lang_of(&headers);
    let server_time = now();
    let mut outcomes: Vec<Option<super::model::ItemOutcome>> = Vec::with_capacity(req.items.len());
    let mut prepared = Vec::new();
    for item in &req.items {
        match super::prepare(item, server_time) {
            Ok(p) => {
                prepared.push(p);
                outcomes.push(None);
            }
            Err(o) => outcomes.push(Some(o)),
        }
    }
    let applied = super::apply_batch(&state.db, &user, &prepared, server_time).await?;
    for (p, o) in prepared.iter().zip(&applied) {
        if o.status == super::model::ItemStatus::Created {
            crate::telemetry::metrics::outbox_lag(server_time - p.device_time);
        }
    }
    let mut applied = applied.into_iter();
    let results = outcomes
        .into_iter()
        .filter_map(|o| o.or_else(|| applied.next()))
        .inspect(|o| crate::telemetry::metrics::sync_item(o.status.as_str()))
        .map(|o| SyncResult {
            client_id: o.client_id,
            status: o.status,
            record_id: o.record_id,
            errors: o
                .field_errors
                .iter()
                .map(|e| SyncFieldError {
                    field: e.field.to_owned(),
                    code: e.reason.to_owned(),
                    message: lang.t(e.reason),
                })
                .collect(),
        })
        .collect();
    Ok(Json(SyncResponse {
        results,
        server_time,
    }))
}
