//! Học vụ số: the platform library. `main.rs` is a thin CLI over [`prepare`], [`build_router`] and
//! [`serve`]; tests drive the same functions on 127.0.0.1:0.
pub mod app;
pub mod assistant;
pub mod classes;
pub mod config;
pub mod content_source;
pub mod db;
pub mod error;
pub mod i18n;
pub mod learning;
pub mod ops;
pub mod people;
pub mod reports;
pub mod scam;
pub mod stats;
pub mod sync;
pub mod teams;
pub mod telemetry;
pub mod units;
pub mod web;

use std::sync::Arc;

use axum::Router;

pub use error::{AppError, AppResult};

/// Everything a request handler needs; cheap to clone. All durable state is in `db`, so any number
/// of servers can share one PostgreSQL.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub settings: Arc<config::Settings>,
    pub province: Arc<units::model::Unit>,
    /// The scam checker, rebuilt in-process from the rule files and the database.
    pub scam: Arc<scam::ScamEngine>,
    /// The assistant's knowledge base, rebuilt in-process when the content or published FAQ changes.
    pub assistant: Arc<assistant::Assistant>,
    /// Visitors' lesson pages, rendered and compressed once.
    pub lessons: Arc<learning::cache::PageCache>,
    /// Dashboard figures per aggregate version.
    pub dashboards: Arc<reports::cache::FiguresCache>,
    /// Signed-in people, trusted for a few seconds (`web::session_cache`).
    pub sessions: Arc<web::session_cache::SessionCache>,
    /// Visitors' dashboard pages per version of the figures.
    pub public_pages: Arc<web::cached_page::PageStore>,
    /// The province's communes, for the pages that list them.
    pub units: Arc<units::cache::UnitsCache>,
}

/// Connect, migrate, load reference data: what `serve` and every admin command do first.
pub async fn prepare(settings: config::Settings) -> Result<AppState, error::StartError> {
    let db = db::Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    let province = units::reference::ensure_province(&db, &settings.province).await?;
    let content = settings.content();
    tracing::info!(content = %content.describe(), "content");
    let scam = scam::ScamEngine::load(&db, &content).await?;
    let assistant =
        assistant::Assistant::load(&db, &content, &settings.assistant, &province.code).await?;
    reports::store::seed_baseline(&db, &province.code).await?;
    learning::import::import_on_start(&db, &content).await?;
    learning::admin::images::convert_stored_base64(&db).await?;
    Ok(AppState {
        scam: Arc::new(scam),
        assistant: Arc::new(assistant),
        lessons: Arc::new(learning::cache::PageCache::default()),
        dashboards: Arc::new(reports::cache::FiguresCache::default()),
        sessions: Arc::new(web::session_cache::SessionCache::default()),
        public_pages: Arc::new(web::cached_page::PageStore::default()),
        units: Arc::new(units::cache::UnitsCache::new(&province.code)),
        db,
        settings: Arc::new(settings),
        province: Arc::new(province),
    })
}

/// The whole HTTP application.
pub fn build_router(state: AppState) -> Router {
    app::router(state)
}

/// Serve until `shutdown` resolves, then finish in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.db.clone();
    let aggregator = stats::fold::spawn(db.clone());
    let app = build_router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let r = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    aggregator.abort();
    db.close().await;
    r
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
