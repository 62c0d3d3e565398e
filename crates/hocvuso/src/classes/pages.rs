//! Public class pages: find a class near me, a class's page with how to join, self-registration, and
//! the learner's sign-up card.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};

use super::model::REGISTERABLE;
use super::store::{self, Class, PersonName, Session};
use crate::units::model::{LEVEL_COMMUNE, LEVEL_VILLAGE, Unit, valid_code};
use crate::units::store as units;
use crate::web::auth::CurrentUser;
use crate::web::csrf::CsrfForm;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct FindQuery {
    xa: String,
    thon: String,
}

#[derive(Template)]
#[template(path = "classes/find.html")]
struct FindPage {
    page: Page,
    communes: Vec<Unit>,
    villages: Vec<Unit>,
    commune: Option<Unit>,
    village: String,
    near: Vec<Class>,
    online: Vec<Class>,
}

/// The commune (and village) a person lives in, from their unit.
pub(crate) async fn home_of(
    state: &AppState,
    unit_code: &str,
) -> AppResult<(Option<Unit>, Option<Unit>)> {
    let Some(u) = units::get(&state.db, unit_code).await? else {
        return Ok((None, None));
    };
    Ok(match u.level {
        LEVEL_VILLAGE => {
            let c = units::get(&state.db, u.parent_code.as_deref().unwrap_or_default()).await?;
            (c, Some(u))
        }
        LEVEL_COMMUNE => (Some(u), None),
        _ => (None, None),
    })
}

pub(crate) async fn find(
    State(state): State<AppState>,
    page: Page,
    Query(fq): Query<FindQuery>,
) -> AppResult<Response> {
    let communes = state.units.communes(&state.db).await?;
    let (mut commune, mut village) = (None, fq.thon.clone());
    if valid_code(&fq.xa) {
        commune = communes.iter().find(|c| c.code == fq.xa).cloned();
    } else if let Some(user) = &page.user {
        let (c, v) = home_of(&state, &user.unit_code).await?;
        commune = c;
        if let Some(v) = v {
            village = v.code;
        }
    }
    let (villages, near, online) = match &commune {
        Some(c) => {
            let villages = units::villages_of(&state.db, &c.code).await?;
            if !villages.iter().any(|v| v.code == village) {
                village.clear();
            }
            let all = store::find_upcoming(
                &state.db,
                &c.code,
                (!village.is_empty()).then_some(village.as_str()),
                true,
            )
            .await?;
            let (near, online): (Vec<Class>, Vec<Class>) =
                all.into_iter().partition(|k| k.commune_code == c.code);
            (villages, near, online)
        }
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    Ok(render(&FindPage {
        page,
        communes,
        villages,
        commune,
        village,
        near,
        online,
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ClassQuery {
    kq: String,
}

#[derive(Template)]
#[template(path = "classes/class.html")]
struct ClassPage {
    page: Page,
    class: Class,
    sessions: Vec<Session>,
    instructors: Vec<PersonName>,
    mine: Option<(String, i64)>,
    registerable: bool,
    notice: String,
    can_manage: bool,
    /// The class's courses that are published, by title.
    courses: Vec<super::CourseChoice>,
}

pub(crate) async fn class_page(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    Query(cq): Query<ClassQuery>,
) -> AppResult<Response> {
    let class = store::class_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions = store::sessions_of(&state.db, &class.id).await?;
    let instructors = store::instructors_of(&state.db, &class.id).await?;
    let (mine, can_manage) = match &page.user {
        Some(u) => {
            let mut tx = state.db.begin_read().await?;
            let mine = store::my_registration(&mut tx, &class.id, &u.id).await?;
            let teaches = store::is_instructor(&mut tx, &class.id, &u.id).await?;
            drop(tx);
            (mine, teaches || u.can_admin(&class.commune_path))
        }
        None => (None, false),
    };
    let notice = match cq.kq.as_str() {
        "seat" | "waitlist" | "already" | "cancelled" => format!("class-notice-{}", cq.kq),
        _ => String::new(),
    };
    let taught = class.course_list();
    let courses = super::course_choices(&state.db)
        .await?
        .into_iter()
        .filter(|c| taught.contains(&c.slug.as_str()))
        .collect();
    Ok(render(&ClassPage {
        courses,
        registerable: REGISTERABLE.contains(&class.status.as_str()),
        page,
        class,
        sessions,
        instructors,
        mine,
        notice,
        can_manage,
    }))
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub(crate) async fn register_self(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Redirect> {
    let class = store::class_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    if !REGISTERABLE.contains(&class.status.as_str()) {
        return Err(AppError::BadRequest("class-not-open"));
    }
    let mut tx = state.db.begin().await?;
    let outcome =
        store::register(&mut tx, &class.id, class.capacity, &user.id, Some(&user.id)).await?;
    tx.commit().await?;
    let kq = match outcome {
        store::Registered::Seat => "seat",
        store::Registered::Waitlist(_) => "waitlist",
        store::Registered::Already => "already",
    };
    Ok(Redirect::to(&format!("/lop-hoc/{}?kq={kq}", class.code)))
}

pub(crate) async fn cancel_self(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Redirect> {
    let class = store::class_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    store::cancel(&mut tx, &class.id, class.capacity, &user.id, &user.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "/lop-hoc/{}?kq=cancelled",
        class.code
    )))
}

#[derive(Template)]
#[template(path = "classes/card.html")]
struct CardPage {
    page: Page,
    code: String,
    name: String,
    classes: Vec<Class>,
}

/// The learner's sign-up card: a code an instructor types or scans to mark attendance.
pub(crate) async fn my_card(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
) -> AppResult<Response> {
    let code = store::card_code(&state.db, &user.id).await?;
    let classes = store::classes_of_person(&state.db, &user.id).await?;
    Ok(render(&CardPage {
        page,
        code,
        name: user.full_name.clone(),
        classes,
    }))
}
