//! Administrators enter the province's indicators per unit and period, with validation, a target, and a
//! history of every change (who, when, old → new).
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{self, Indicator};
use super::pages::{DashQuery, parse_period};
use super::store::{self, Actor, HistoryRow};
use crate::stats::period::Period;
use crate::units::model::Unit;
use crate::units::scope::unit_in_scope;
use crate::web::auth::AdminUser;
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render, render_status};
use crate::{AppError, AppResult, AppState};

pub struct Row {
    pub code: String,
    pub name: String,
    pub value: String,
    pub target: String,
}

#[derive(Template)]
#[template(path = "reports/indicators.html")]
struct ListPage {
    page: Page,
    unit: Unit,
    period: Period,
    period_label: String,
    rows: Vec<Row>,
    period_options: Vec<super::view::PeriodOption>,
}

fn fmt(page: &Page, ind: &Indicator, v: Option<f64>) -> String {
    match v {
        Some(v) if ind.is_percent() => page.lang.percent(v),
        Some(v) => page.lang.int(v.round() as i64),
        None => "—".into(),
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path(code): Path<String>,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    let period = parse_period(&q.period)?;
    let defs = store::indicators(&state.db).await?;
    let values = store::indicator_values(&state.db, &unit.code, false).await?;
    let targets = store::indicator_values(&state.db, &unit.code, true).await?;
    let key = period.key();
    let find = |rows: &[store::IndicatorValue], c: &str| {
        rows.iter()
            .find(|v| v.indicator_code == c && v.period == key)
            .map(|v| v.value)
    };
    let rows = defs
        .iter()
        .map(|d| Row {
            code: d.code.clone(),
            name: page.t(&format!("indicator-{}", d.code)),
            value: fmt(&page, d, find(&values, &d.code)),
            target: fmt(&page, d, find(&targets, &d.code)),
        })
        .collect();
    Ok(render(&ListPage {
        period_options: super::view::period_options(page.lang, &period, &[]),
        period_label: period.label(page.lang),
        page,
        unit,
        period,
        rows,
    }))
}

#[derive(Template)]
#[template(path = "reports/indicator_form.html")]
struct FormPage {
    page: Page,
    unit: Unit,
    indicator: Indicator,
    name: String,
    hint: String,
    form: FormState,
    history: Vec<HistoryView>,
    saved: bool,
    /// Fields, and whether each takes a number (with the hint).
    inputs: [(&'static str, bool); 3],
}

pub struct HistoryView {
    pub when: String,
    pub who: String,
    pub period: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EntryForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    period: String,
    value: String,
    target: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct FormQuery {
    period: String,
    saved: String,
}

async fn load(state: &AppState, code: &str) -> AppResult<Indicator> {
    store::indicator(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)
}

async fn form_page(
    state: &AppState,
    page: Page,
    unit: Unit,
    indicator: Indicator,
    form: FormState,
    saved: bool,
    status: StatusCode,
) -> AppResult<Response> {
    let rows: Vec<HistoryRow> = store::history(&state.db, &indicator.code, &unit.code).await?;
    let history = rows
        .iter()
        .map(|h| HistoryView {
            when: page.datetime(h.changed_at),
            who: h.changed_by_name.clone(),
            period: Period::parse(&h.period)
                .map_or_else(|| h.period.clone(), |p| p.label(page.lang)),
            field: page.t(&format!("indicator-field-{}", h.field)),
            old: fmt(&page, &indicator, h.old_value),
            new: fmt(&page, &indicator, Some(h.new_value)),
        })
        .collect();
    let name = page.t(&format!("indicator-{}", indicator.code));
    let hint = if indicator.is_percent() {
        if indicator.max_value.is_some() {
            page.t("indicator-hint-percent")
        } else {
            page.t("indicator-hint-percent-over")
        }
    } else {
        page.t("indicator-hint-count")
    };
    Ok(render_status(
        status,
        &FormPage {
            page,
            unit,
            indicator,
            name,
            hint,
            form,
            history,
            saved,
            inputs: [("period", false), ("value", true), ("target", true)],
        },
    ))
}

pub(crate) async fn form(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path((code, ind)): Path<(String, String)>,
    Query(q): Query<FormQuery>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    let indicator = load(&state, &ind).await?;
    let period = parse_period(&q.period)?;
    let mut form = FormState::default();
    form.values.insert("period", period.key());
    let values = store::indicator_values(&state.db, &unit.code, false).await?;
    let targets = store::indicator_values(&state.db, &unit.code, true).await?;
    let current = |rows: &[store::IndicatorValue]| {
        rows.iter()
            .find(|v| v.indicator_code == indicator.code && v.period == period.key())
            .map(|v| input_text(&indicator, v.value))
            .unwrap_or_default()
    };
    form.values.insert("value", current(&values));
    form.values.insert("target", current(&targets));
    form_page(
        &state,
        page,
        unit,
        indicator,
        form,
        q.saved == "1",
        StatusCode::OK,
    )
    .await
}

/// A stored value as an administrator would type it ("92,7", "1197").
fn input_text(ind: &Indicator, v: f64) -> String {
    if ind.is_percent() {
        let s = format!("{}", (v * 100.0).round() / 100.0);
        s.replace('.', ",")
    } else {
        format!("{}", v.round() as i64)
    }
}

pub(crate) async fn save(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path((code, ind)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<EntryForm>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    let indicator = load(&state, &ind).await?;
    let mut form = FormState::from_form([
        ("period", &f.period),
        ("value", &f.value),
        ("target", &f.target),
    ]);
    let (value, target, period) =
        match model::validate_entry(&indicator, &f.value, &f.target, &f.period) {
            Ok(v) => v,
            Err(errors) => {
                form.errors = errors;
                return form_page(
                    &state,
                    page,
                    unit,
                    indicator,
                    form,
                    false,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        };
    let actor = Actor {
        id: Some(&user.id),
        name: &user.full_name,
    };
    let mut tx = state.db.begin().await?;
    // A resubmitted form writes its values (and their history rows) once.
    let cid = match crate::web::once::claim(&mut tx, &f.client_id, "indicator", &user.id).await? {
        crate::web::once::Claim::Done(location) => {
            return Ok(Redirect::to(&location).into_response());
        }
        crate::web::once::Claim::Fresh(cid) => cid,
    };
    if let Some(v) = value {
        store::set_indicator(
            &mut tx,
            &indicator.code,
            &unit.code,
            &period.key(),
            "value",
            v,
            &actor,
        )
        .await?;
    }
    if let Some(t) = target {
        store::set_indicator(
            &mut tx,
            &indicator.code,
            &unit.code,
            &period.key(),
            "target",
            t,
            &actor,
        )
        .await?;
    }
    let location = format!(
        "/quan-ly/chi-so/{}/{}?period={}&saved=1",
        unit.code,
        indicator.code,
        period.key()
    );
    crate::web::once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}
