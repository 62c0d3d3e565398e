//! "Which commune?" for people who work in more than one (a province admin): pages about one commune
//! ask instead of refusing when none is named.
use askama::Template;
use axum::response::Response;

use super::model::Unit;
use super::store;
use crate::web::auth::SessionUser;
use crate::web::page::{Page, render};
use crate::{AppResult, AppState};

/// The province's communes this person administers, in Vietnamese order.
pub(crate) async fn communes_administered(
    state: &AppState,
    user: &SessionUser,
) -> AppResult<Vec<Unit>> {
    let mut communes = store::children(&state.db, &state.province.code).await?;
    communes.retain(|c| user.can_admin(&c.path));
    Ok(communes)
}

#[derive(Template)]
#[template(path = "units/pick_commune.html")]
struct PickPage {
    page: Page,
    title: String,
    communes: Vec<Unit>,
    picker_action: String,
}

/// A page asking which commune `action` (a path taking `?xa=`) is about.
pub(crate) fn pick_commune_page(
    page: Page,
    title_id: &str,
    communes: Vec<Unit>,
    action: &str,
) -> Response {
    render(&PickPage {
        title: page.t(title_id),
        page,
        communes,
        picker_action: action.to_owned(),
    })
}
