//! The virtual assistant: answers citizens' questions about digital skills and public services from
//! the platform's own FAQ and lessons, the way people really type them, and never invents an answer.
//!
//! Search and the "does this really answer it" decision are the pure `kbsearch` crate (over `vntext`);
//! this folder is the platform side: the knowledge base every app server builds and keeps fresh
//! (`engine`), the ask pipeline with its honest refusal (`ask`), the optional language model (`llm`),
//! personal data stripped from logged questions (`redact`), the chat page, the JSON API, the admins'
//! gap list and FAQ drafts, and the evaluation command.
pub mod admin;
pub mod api;
pub mod ask;
pub mod cli;
pub mod config;
pub mod engine;
pub mod gaps;
pub mod llm;
pub mod model;
pub mod pages;
pub mod redact;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

pub use engine::Assistant;

use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/hoi-tro-ly", get(pages::form).post(pages::submit))
        .route("/hoi-dap", get(pages::faq_list))
        .route("/hoi-dap/{id}", get(pages::faq_entry))
        .routes(routes!(api::ask))
        .route("/quan-ly/tro-ly", get(admin::list))
        .route("/quan-ly/tro-ly/nap-lai", post(admin::reload))
        .route("/quan-ly/tro-ly/cau-hoi/{id}/bo-qua", post(admin::dismiss))
        .route(
            "/quan-ly/tro-ly/soan",
            get(admin::new_form).post(admin::create),
        )
        .route("/quan-ly/tro-ly/faq.toml", get(admin::export))
        .route(
            "/quan-ly/tro-ly/faq/{id}",
            get(admin::edit_form).post(admin::update),
        )
        .route("/quan-ly/tro-ly/faq/{id}/xoa", post(admin::delete))
}
