//! "Gọi tổ công nghệ số": how to reach the community digital team of a village (the members who agreed
//! to publish their contact), and for a signed-in person, what team members did on their behalf.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use super::store::{self, ActedFor, Contact};
use crate::classes::pages::home_of;
use crate::units::model::Unit;
use crate::units::store as units;
use crate::web::page::{Page, render};
use crate::{AppResult, AppState};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ContactQuery {
    xa: String,
    thon: String,
}

#[derive(Template)]
#[template(path = "teams/contact.html")]
struct ContactPage {
    page: Page,
    communes: Vec<Unit>,
    villages: Vec<Unit>,
    commune: Option<Unit>,
    village: Option<Unit>,
    contacts: Vec<(Contact, String)>,
    acted_for: Vec<ActedFor>,
}

pub(crate) async fn page(
    State(state): State<AppState>,
    page: Page,
    Query(cq): Query<ContactQuery>,
) -> AppResult<Response> {
    let communes = state.units.communes(&state.db).await?;
    let (mut commune, mut village) = (None, None);
    if let Some(c) = communes.iter().find(|c| c.code == cq.xa) {
        commune = Some(c.clone());
        village = units::get(&state.db, &cq.thon)
            .await?
            .filter(|v| v.parent_code.as_deref() == Some(c.code.as_str()));
    } else if let Some(user) = &page.user {
        (commune, village) = home_of(&state, &user.unit_code).await?;
    }
    let villages = match &commune {
        Some(c) => units::villages_of(&state.db, &c.code).await?,
        None => Vec::new(),
    };
    let mut codes: Vec<&str> = Vec::new();
    if let Some(v) = &village {
        codes.push(&v.code);
    }
    if let Some(c) = &commune {
        codes.push(&c.code);
    }
    let contacts = store::published_contacts(&state.db, &codes)
        .await?
        .into_iter()
        .map(|c| {
            let shown = c
                .phone
                .as_deref()
                .map(crate::people::model::display_phone)
                .unwrap_or_default();
            (c, shown)
        })
        .collect();
    let acted_for = match &page.user {
        Some(u) => store::acted_for_of(&state.db, &u.id).await?,
        None => Vec::new(),
    };
    Ok(render(&ContactPage {
        page,
        communes,
        villages,
        commune,
        village,
        contacts,
        acted_for,
    }))
}
