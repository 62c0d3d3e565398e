//! Learning: the curriculum (content files imported with stable ids, plus local courses written in
//! the browser), the catalogue, lessons with a quiz that teaches, progress (also for visitors, kept in
//! the browser and merged on sign-in), and certificates anyone can verify from their QR code.
pub mod admin;
pub mod api;
pub mod cache;
pub mod catalogue;
pub mod certificates;
pub mod cli;
pub mod import;
pub mod lesson;
pub mod mine;
pub mod model;
pub mod pdf;
pub mod progress;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/hoc", get(catalogue::catalogue))
        .route("/hoc/cua-toi", get(mine::page))
        .route("/hoc/anh/{file}", get(admin::images::image))
        .route("/hoc/{course}", get(catalogue::course))
        .route(
            "/hoc/{course}/{lesson}",
            get(lesson::page).post(lesson::submit),
        )
        .route("/chung-chi/{file}", get(certificates::download))
        .route("/verify", get(certificates::lookup))
        .route("/verify/{code}", get(certificates::verify))
        .routes(routes!(api::courses))
        .routes(routes!(api::course))
        .routes(routes!(api::progress))
        .routes(routes!(api::quiz))
        .route("/quan-ly/hoc", get(admin::list))
        .route(
            "/quan-ly/hoc/khoa-moi",
            get(admin::courses::new_course_form).post(admin::courses::create_course),
        )
        .route(
            "/quan-ly/hoc/{course}",
            get(admin::courses::course_form).post(admin::courses::update_course),
        )
        .route(
            "/quan-ly/hoc/{course}/anh",
            post(admin::images::upload_image),
        )
        .route(
            "/quan-ly/hoc/{course}/bai-moi",
            get(admin::lessons::new_lesson_form).post(admin::lessons::save_new_lesson),
        )
        .route(
            "/quan-ly/hoc/{course}/bai/{lesson}",
            get(admin::lessons::lesson_form).post(admin::lessons::save_lesson),
        )
        .route("/quan-ly/chung-chi", get(certificates::admin_list))
        .route(
            "/quan-ly/chung-chi/{code}/thu-hoi",
            post(certificates::revoke),
        )
}
