//! People and roles: sign-up, sign-in, the person's own data, and administrators' people pages.
pub mod account;
pub mod admin;
pub mod auth_pages;
pub mod cli;
pub mod merge;
pub mod model;
pub mod password;
pub mod store;

use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/dang-ky",
            get(auth_pages::sign_up_form).post(auth_pages::sign_up),
        )
        .route(
            "/dang-nhap",
            get(auth_pages::sign_in_form).post(auth_pages::sign_in),
        )
        .route("/dang-xuat", post(auth_pages::sign_out))
        .route("/tai-khoan", get(account::account))
        .route("/tai-khoan/du-lieu.json", get(account::my_data))
        .route(
            "/tai-khoan/mat-khau",
            get(account::password_form).post(account::change_password),
        )
        .route("/tai-khoan/xoa", post(account::delete_account))
        .route(
            "/tai-khoan/loi-moi/{id}/tu-choi",
            post(account::decline_invitation),
        )
        .route(
            "/tai-khoan/dang-xuat-moi-noi",
            post(account::sign_out_everywhere),
        )
        .route("/quan-ly", get(admin::admin_home))
        .route("/quan-ly/nguoi-dung", get(admin::list))
        .route("/quan-ly/nguoi-dung/{id}", get(admin::person))
        .route("/quan-ly/nguoi-dung/{id}/vai-tro", post(admin::grant))
        .route("/quan-ly/nguoi-dung/{id}/gop", post(admin::merge))
        .route("/quan-ly/nguoi-dung/{id}/vai-tro/xoa", post(admin::revoke))
        .route(
            "/quan-ly/nguoi-dung/{id}/dat-lai-mat-khau",
            post(admin::reset_password),
        )
}
