//! The home page: what a first-time visitor on a cheap phone sees.
use askama::Template;
use axum::response::Response;

use super::page::{Page, render};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
}

pub(crate) async fn home(page: Page) -> Response {
    render(&Home { page })
}
