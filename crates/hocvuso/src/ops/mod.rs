//! Running the platform on a province's server: backups, restores and moving between databases,
//! metrics, and the readiness probe.
pub mod backup;
pub mod memory;
pub mod metrics;
pub mod store;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::db::Db;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/metrics", get(metrics::metrics))
        .route("/readyz", get(readyz))
}

/// `GET /readyz`: may a load balancer send traffic here? The database answers and its schema is the
/// one this release needs (a server started against a database another release migrated further, or
/// not yet, is kept out). `/healthz` only says the process is alive.
async fn readyz(State(state): State<AppState>) -> Response {
    let (status, body) = match ready(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready".to_owned()),
        Err(reason) => (StatusCode::SERVICE_UNAVAILABLE, reason),
    };
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Why this server is not ready, if it is not.
pub(crate) async fn ready(db: &Db) -> Result<(), String> {
    let applied = store::applied_migrations(db)
        .await
        .map_err(|e| format!("database not reachable: {e}"))?;
    let needed = db.latest_migration();
    match applied.last() {
        Some(&v) if v == needed => Ok(()),
        at => Err(format!(
            "database schema at version {}, this release needs {needed}",
            at.copied().unwrap_or(0)
        )),
    }
}
