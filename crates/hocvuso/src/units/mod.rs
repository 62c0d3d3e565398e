//! Administrative units: province → commune / ward / special zone (official list) → village.
pub mod api;
pub mod cache;
pub mod import;
pub mod model;
pub mod pages;
pub mod picker;
pub mod reference;
pub mod scope;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::get_unit))
        .routes(routes!(api::get_children))
        .route("/quan-ly/don-vi", get(pages::tree_root))
        .route("/quan-ly/don-vi/{code}", get(pages::tree))
        .route("/quan-ly/don-vi/{code}/them-thon", post(pages::add_village))
        .route("/quan-ly/don-vi/{code}/doi-ten", post(pages::rename))
}
