//! Open data: `GET /api/v1/stats/units/{code}?period=…` — a unit's aggregates for a period, small counts
//! suppressed, with an ETag (304 on `If-None-Match`), public caching and CORS for reads from other sites.
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::dashboard::{self, Figures};
use super::model::{self, SUPPRESS_BELOW};
use super::store;
use crate::stats::period::Period;
use crate::units::model::valid_code;
use crate::web::api::ApiError;
use crate::web::cached_page::{self, Lookup, Weighed};
use crate::{AppError, AppResult, AppState};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    /// 1 province, 2 commune/ward/special zone, 3 village.
    pub level: i64,
}

/// One figure: a measure, optionally broken down by a dimension.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Figure {
    /// `registered_total`, `registered`, `active`, `lessons_completed`, … (see the open-data schema).
    pub measure: String,
    /// `all`, `tg` (target group), `sex`, `age` (age band), `eth` (ethnic minority) or `kind`.
    pub dimension: String,
    /// The category within the dimension (e.g. `nu`, `60+`, `minority`); null for `all`.
    pub category: Option<String>,
    /// Null when suppressed (1 to 4).
    pub value: Option<i64>,
    pub suppressed: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChecklistFigure {
    pub item: String,
    /// Households with the item at the end of the period; null when suppressed.
    pub households: Option<i64>,
    /// Share of all households, in percent; null when unknown or suppressed.
    pub share_percent: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorFigure {
    pub code: String,
    /// `percent` or `count`.
    pub measure: String,
    pub value: Option<f64>,
    /// The period the value was entered for (the latest up to the end of the requested period).
    pub value_period: Option<String>,
    /// True when computed from the child units' values.
    pub rolled_up: bool,
    pub target: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitStats {
    pub unit: UnitRef,
    /// The period as requested: `2025`, `2025-Q1`, `2025-03` or `2025-03-14`.
    pub period: String,
    /// `year`, `quarter`, `month` or `day`.
    pub grain: String,
    /// First and last day of the period (Vietnam time).
    pub start: String,
    pub end: String,
    /// True when the database holds synthetic demo data.
    pub demo: bool,
    /// Counts from 1 to this value minus one are suppressed.
    pub suppression_threshold: i64,
    pub figures: Vec<Figure>,
    pub checklist: Vec<ChecklistFigure>,
    pub indicators: Vec<IndicatorFigure>,
    /// Units directly below, for drilling down.
    pub children: Vec<UnitRef>,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// `YYYY`, `YYYY-Qn`, `YYYY-MM` (or `YYYY-MM-DD`), years 1900–2199; the current year when absent.
    #[param(
        pattern = r"^((19|20|21)[0-9]{2}(-[Qq][1-4]|-(0[1-9]|1[0-2])|-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|-(0[13-9]|1[0-2])-(29|30)|-(0[13578]|1[02])-31)?)?$"
    )]
    pub period: Option<String>,
}

fn hide(n: i64) -> (Option<i64>, bool) {
    if model::suppressed(n) {
        (None, true)
    } else {
        (Some(n), false)
    }
}

pub(crate) async fn unit_stats(
    state: &AppState,
    code: &str,
    period: Period,
) -> AppResult<UnitStats> {
    let unit = crate::units::scope::province_unit(state, code).await?;
    let db = &state.db;
    let figures = Figures::load(db, &unit.code, &period).await?;
    let hidden = figures.protected();
    let indicators = dashboard::indicators(db, &unit, &period).await?;
    let children = state.units.children(db, &unit.code).await?;
    Ok(UnitStats {
        period: period.key(),
        grain: period.grain_name().to_owned(),
        start: period.first_day().to_string(),
        end: period.last_day().to_string(),
        demo: store::demo_present(db).await?,
        suppression_threshold: SUPPRESS_BELOW,
        figures: figures
            .flat()
            .into_iter()
            .map(|(measure, dim, cat, v)| {
                let suppressed = hidden.is_hidden(measure, &dim, &cat);
                let value = (!suppressed).then_some(v);
                Figure {
                    measure: measure.to_owned(),
                    category: (dim != crate::stats::cube::DIM_ALL).then_some(cat),
                    dimension: dim,
                    value,
                    suppressed,
                }
            })
            .collect(),
        checklist: figures
            .checklist()
            .into_iter()
            .map(|(item, have, share)| {
                let (households, suppressed) = hide(have);
                ChecklistFigure {
                    item,
                    households,
                    share_percent: if suppressed { None } else { share },
                    suppressed,
                }
            })
            .collect(),
        indicators: indicators
            .into_iter()
            .map(|r| IndicatorFigure {
                code: r.indicator.code.clone(),
                measure: r.indicator.measure.clone(),
                value: r.value.map(|v| v.0),
                value_period: r.value.map(|v| v.1.key()),
                rolled_up: r.rolled_up,
                target: r.target.map(|t| t.0),
            })
            .collect(),
        children: children
            .iter()
            .map(|c| UnitRef {
                code: c.code.clone(),
                name: c.name.clone(),
                level: c.level,
            })
            .collect(),
        unit: UnitRef {
            code: unit.code,
            name: unit.name,
            level: unit.level,
        },
    })
}

/// Aggregates of a unit (and everything below it) for a period.
#[utoipa::path(get, path = "/api/v1/stats/units/{code}", tag = "stats",
    params(("code" = String, Path, pattern = "^[0-9]{1,6}(-[0-9]{1,4})?$", description = "Unit code: 44, a commune (19360) or a village (19360-001)"), StatsQuery),
    responses(
        (status = 200, body = UnitStats, description = "Figures; `ETag` and `Cache-Control: public, max-age=60` set"),
        (status = 304, description = "Not modified (the `If-None-Match` ETag still matches)"),
        (status = 400, body = ApiError, description = "Malformed unit code or period"),
        (status = 404, body = ApiError, description = "No such unit in this province")))]
pub(crate) async fn get_unit_stats(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<StatsQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    if !valid_code(&code) {
        return Err(AppError::BadRequest("unit-code-malformed"));
    }
    let period = match q.period.as_deref() {
        None | Some("") => Period::current_year(crate::db::now()),
        // Exactly as written: the published pattern has no spaces around it.
        Some(p) if p.trim() == p => {
            Period::parse(p).ok_or(AppError::BadRequest("period-malformed"))?
        }
        Some(_) => return Err(AppError::BadRequest("period-malformed")),
    };
    let answer = cached_stats(&state, &code, period).await?;
    let etag_value = answer.etag.clone();
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| matches!(t.trim(), "*") || t.trim().as_bytes() == etag_value.as_bytes())
        });
    let cache = HeaderValue::from_static("public, max-age=60");
    if matches {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    Ok((
        [
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        answer.body.clone(),
    )
        .into_response())
}

/// A unit's figures as published: the JSON body and its ETag.
pub struct StatsAnswer {
    body: Bytes,
    etag: HeaderValue,
}

impl Weighed for StatsAnswer {
    fn size(&self) -> usize {
        self.body.len()
    }
}

/// The answer for a unit and period, built once per version of the figures (and again after a unit
/// or indicator is edited): open-data readers poll it, and each build costs a dozen queries.
async fn cached_stats(state: &AppState, code: &str, period: Period) -> AppResult<Arc<StatsAnswer>> {
    let key = format!("{code}|{}", period.key());
    let stamp = state.dashboards.stamp(&state.db).await?;
    match state.dashboards.answers.lookup(&key, stamp, true) {
        Lookup::Fresh(answer) | Lookup::Stale(answer) => return Ok(answer),
        Lookup::Build => {}
    }
    let edits = cached_page::edits();
    let stats = unit_stats(state, code, period).await?;
    let body = serde_json::to_vec(&stats).map_err(|e| AppError::internal("stats json", e))?;
    let etag = format!("W/\"{}\"", hex::encode(&Sha256::digest(&body)[..12]));
    let etag = HeaderValue::from_str(&etag).map_err(|e| AppError::internal("etag", e))?;
    let answer = StatsAnswer {
        body: Bytes::from(body),
        etag,
    };
    Ok(state.dashboards.answers.keep(key, stamp, edits, answer))
}
