//! Scam check: a citizen pastes a message, a phone number or a link and learns in seconds whether it
//! is a scam and why; one tap reports it to the commune; admins confirm reports (their numbers and
//! domains then raise future verdicts) and edit the rules without a release.
//!
//! The rules engine is the pure `scamcheck` crate; this folder is the platform side: the in-process
//! checker kept fresh across app servers (`engine`), pages, JSON, reports and the admin pages.
pub mod admin;
pub mod api;
pub mod cli;
pub mod engine;
pub mod model;
pub mod pages;
pub mod report;
pub mod rules;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

pub use engine::ScamEngine;

use crate::AppState;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/kiem-tra", get(pages::form).post(pages::check))
        .route("/kiem-tra/bao-cao", post(pages::report))
        .route("/kiem-tra/da-bao-cao", get(pages::thanks))
        .routes(routes!(api::check))
        .routes(routes!(api::report))
        .route("/quan-ly/lua-dao", get(admin::list))
        .route(
            "/quan-ly/lua-dao/quy-tac",
            get(rules::form).post(rules::save),
        )
        .route("/quan-ly/lua-dao/quy-tac/khoi-phuc", post(rules::restore))
        .route("/quan-ly/lua-dao/{id}", get(admin::report))
        .route("/quan-ly/lua-dao/{id}/xac-nhan", post(admin::confirm))
        .route("/quan-ly/lua-dao/{id}/bac-bo", post(admin::reject))
}
