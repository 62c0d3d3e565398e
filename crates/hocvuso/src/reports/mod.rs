//! Progress, indicators, dashboards, reports and open data: DHIS2's unit × period × data element,
//! specialised for Bình dân học vụ số.
//!
//! Capabilities report events through `stats::emit`; [`agg`] folds them into `stat_agg` (per unit on the
//! materialised path, per day/month/quarter/year, per breakdown) a few seconds later, so every page here
//! reads a number of rows that depends on units × periods, never on the number of events.
pub mod api;
pub mod cache;
pub mod charts;
pub mod dashboard;
pub mod demo;
pub mod export;
pub mod figures;
pub mod indicators;
pub mod model;
pub mod opendata;
pub mod pages;
pub mod store;
pub mod view;

use axum::http::{Method, header};
use axum::routing::get;
use tower_http::cors::{Any, CorsLayer};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    // Open data is read from other sites (the province's shared database, dashboards elsewhere).
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([header::IF_NONE_MATCH])
        .expose_headers([header::ETAG]);
    let open_data = OpenApiRouter::new()
        .routes(routes!(api::get_unit_stats))
        .layer(cors);
    OpenApiRouter::new()
        .merge(open_data)
        .route("/so-lieu", get(pages::public_dashboard))
        .route("/quan-ly/bao-cao", get(pages::admin_root))
        .route("/quan-ly/bao-cao/{code}", get(pages::admin_dashboard))
        .route("/quan-ly/bao-cao/{code}/in", get(pages::print_report))
        .route(
            "/quan-ly/bao-cao/{code}/bao-cao.xlsx",
            get(pages::xlsx_report),
        )
        .route(
            "/quan-ly/bao-cao/{code}/bao-cao.csv",
            get(pages::csv_report),
        )
        .route("/quan-ly/chi-so/{code}", get(indicators::list))
        .route(
            "/quan-ly/chi-so/{code}/{indicator}",
            get(indicators::form).post(indicators::save),
        )
}
