//! The application assembled in one place: every capability's pages and JSON API merged into one
//! router, the OpenAPI description each JSON route brings along (`utoipa_axum::routes!` keeps a route
//! and its documentation together), and the shared layers of `web` around them. Capabilities depend on
//! `web`; only this file depends on every capability.
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderName, StatusCode};
use axum::middleware;
use axum::response::Redirect;
use axum::routing::get;
use axum::{Extension, Json, Router};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::web::api::{ApiError, ApiErrorBody, ApiFieldError};
use crate::web::{self, assets, compress, csrf, errors};
use crate::{AppError, AppResult, AppState};

/// What the description says about itself; the paths and their schemas come from the capabilities.
#[derive(OpenApi)]
#[openapi(
    info(title = "Học vụ số API", description = "Open data and app API of Học vụ số.", license(name = "AGPL-3.0-or-later")),
    components(schemas(ApiError, ApiErrorBody, ApiFieldError)),
    tags(
        (name = "units", description = "Administrative units: province, communes, villages"),
        (name = "scam", description = "Scam check: is this message a scam, and why; report one"),
        (name = "stats", description = "Open data: aggregates per unit and period"),
        (name = "field", description = "Field work: offline sync of team activities, households and attendance"),
        (name = "assistant", description = "Virtual assistant: answers from the platform's FAQ and lessons, or says it cannot"),
        (name = "learning", description = "Courses and lessons; a learner's progress and quiz answers, replayable with client ids"),
    )
)]
struct ApiDoc;

/// Every capability's routes, and the API description they add up to.
pub(crate) fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .route("/", get(web::home::home))
        .route("/cai-dat", get(web::preferences))
        .route("/healthz", get(web::healthz))
        .route("/assets/{file}", get(assets::serve))
        // Browsers ask for /favicon.ico whatever the page says; send them to the app icon.
        .route(
            "/favicon.ico",
            get(|| async { Redirect::permanent(&assets::url("icon-192.png")) }),
        )
        .merge(crate::units::routes())
        .merge(crate::people::routes())
        .merge(crate::scam::routes())
        .merge(crate::reports::routes())
        .merge(crate::classes::routes())
        .merge(crate::teams::routes())
        .merge(crate::sync::routes())
        .merge(crate::assistant::routes())
        .merge(crate::learning::routes())
        .merge(crate::ops::routes())
        .split_for_parts()
}

/// The whole HTTP application: the routes inside the shared layers, outermost last.
pub(crate) fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static(web::REQUEST_ID);
    let (routes, api) = routes();
    routes
        .route("/api/openapi.json", get(openapi_json))
        .layer(Extension(Arc::new(api)))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), csrf::ensure_token))
        // The body limit sits inside the error renderer so its 413 gets the JSON envelope and the
        // translated message like every other refusal.
        .layer(RequestBodyLimitLayer::new(web::BODY_LIMIT))
        .layer(middleware::from_fn(web::oversize::refuse_declared_oversize))
        .layer(middleware::from_fn_with_state(state.clone(), errors::render_errors))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(middleware::map_response_with_state(state.clone(), web::with_security_headers))
        .layer(middleware::from_fn(compress::layer))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get(web::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .layer(middleware::map_request(web::drop_unsafe_request_id))
        // Outermost: a visitor's lesson page straight from memory (see `learning::cache`).
        .layer(middleware::from_fn_with_state(state.clone(), crate::learning::cache::visitor_fast_path))
        // Around everything, the fast path included: every answer is counted and timed.
        .layer(middleware::from_fn(crate::telemetry::metrics::track))
        .with_state(state)
}

/// The description with what only this deployment knows: the codes of its province's communes, the
/// only values a scam report's `commune` may take (so a client, or a fuzzer, can tell a valid report
/// from one the server must refuse).
async fn openapi_json(
    State(state): State<AppState>,
    Extension(api): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> AppResult<Json<serde_json::Value>> {
    let mut doc =
        serde_json::to_value(&*api).map_err(|e| AppError::internal("openapi document", e))?;
    let communes: Vec<String> = crate::units::store::children(&state.db, &state.province.code)
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    if let Some(commune) = doc.pointer_mut("/components/schemas/ReportRequest/properties/commune") {
        commune["enum"] = serde_json::json!(communes);
    }
    Ok(Json(doc))
}
