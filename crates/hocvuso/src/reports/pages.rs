//! Dashboards: the public page `/so-lieu` (aggregates only, small counts suppressed) and the
//! administrators' page `/quan-ly/bao-cao/{unit}` (exact figures, drill-down, exports) within their scope.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Redirect, Response};

use super::charts::{HBarChart, VBarChart};
use super::export;
use super::view::{self, DashboardView};
use crate::i18n::Lang;
use crate::stats::period::Period;
use crate::units::scope::{province_unit, unit_in_scope};
use crate::web::auth::AdminUser;
use crate::web::cached_page::{self, CachedPage, Lookup};
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DashQuery {
    pub period: String,
    pub unit: String,
}

/// The requested period; the current year when none is given.
pub(crate) fn parse_period(raw: &str) -> AppResult<Period> {
    if raw.trim().is_empty() {
        return Ok(Period::current_year(crate::db::now()));
    }
    Period::parse(raw).ok_or(AppError::BadRequest("period-malformed"))
}

/// A chart's SVG and data table, rendered once and placed in the page.
#[derive(Template)]
#[template(path = "reports/chart_h.html")]
struct HChartHtml<'a> {
    c: &'a HBarChart,
    table_label: String,
}

#[derive(Template)]
#[template(path = "reports/chart_v.html")]
struct VChartHtml<'a> {
    c: &'a VBarChart,
    table_label: String,
    axis_label: String,
}

pub(crate) fn hchart(c: &HBarChart, lang: Lang) -> String {
    HChartHtml {
        c,
        table_label: lang.t("chart-show-table"),
    }
    .render()
    .unwrap_or_default()
}

pub(crate) fn vchart(c: &VBarChart, lang: Lang) -> String {
    VChartHtml {
        c,
        table_label: lang.t("chart-show-table"),
        axis_label: lang.t("chart-axis-max"),
    }
    .render()
    .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    page: Page,
    v: DashboardView,
    admin: bool,
    charts: Charts,
    /// Breadcrumbs: name and link (no link above an administrator's scope).
    crumbs: Vec<(String, Option<String>)>,
    /// Query string carrying the period, for links.
    period_q: String,
}

struct Charts {
    units: String,
    lessons: String,
    active: String,
    targets: String,
}

fn charts(v: &DashboardView, lang: Lang) -> Charts {
    Charts {
        units: v
            .children_chart
            .as_ref()
            .map(|c| hchart(c, lang))
            .unwrap_or_default(),
        lessons: vchart(&v.trend_lessons, lang),
        active: vchart(&v.trend_active, lang),
        targets: v
            .progress_chart
            .as_ref()
            .map(|c| hchart(c, lang))
            .unwrap_or_default(),
    }
}

/// The public dashboard. A visitor's page holds nothing personal, so it is rendered once per address,
/// language and text size for each version of the figures (`FiguresCache::stamp`: one small query
/// shared by all requests for a second) and served from memory, with an ETag; a signed-in person's page (their name in the header)
/// is rendered for them.
pub(crate) async fn public_dashboard(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let cache_key = page
        .user
        .is_none()
        .then(|| format!("{}|{}|{}", page.lang.code(), page.text_size, page.here));
    let stamp = match &cache_key {
        Some(key) => {
            let stamp = state.dashboards.stamp(&state.db).await?;
            match state.public_pages.lookup(key, stamp, true) {
                Lookup::Fresh(page) | Lookup::Stale(page) => {
                    return Ok(public_cache_control(page.respond(&headers)));
                }
                Lookup::Build => {}
            }
            Some((stamp, cached_page::edits()))
        }
        None => None,
    };
    let period = parse_period(&q.period)?;
    let unit = province_unit(&state, q.unit.trim()).await?;
    let key = period.key();
    let v = view::build(
        &state,
        page.lang,
        unit,
        period,
        false,
        "/so-lieu".into(),
        |c| format!("/so-lieu?unit={c}&period={key}"),
    )
    .await?;
    let charts = charts(&v, page.lang);
    let crumbs = v
        .lineage
        .iter()
        .map(|u| {
            (
                u.name.clone(),
                Some(format!(
                    "/so-lieu?unit={}&period={}",
                    u.code,
                    v.period.key()
                )),
            )
        })
        .collect();
    let dashboard = DashboardPage {
        crumbs,
        period_q: format!("period={}", v.period.key()),
        page,
        v,
        admin: false,
        charts,
    };
    if let (Some(key), Some((stamp, edits))) = (cache_key, stamp) {
        let html = dashboard
            .render()
            .map_err(|e| AppError::internal("template", e))?;
        let kept = state.public_pages.put(key, stamp, edits, html);
        return Ok(public_cache_control(kept.respond(&headers)));
    }
    Ok(public_cache_control(render(&dashboard)))
}

/// Aggregates change every few seconds at most: let shared caches hold the public page briefly.
fn public_cache_control(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    resp
}

pub(crate) async fn admin_root(AdminUser(user): AdminUser) -> AppResult<Redirect> {
    let top = user.top_admin_unit().ok_or(AppError::Forbidden)?;
    Ok(Redirect::to(&format!("/quan-ly/bao-cao/{}", top.unit_code)))
}

pub(crate) async fn admin_dashboard(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    let period = parse_period(&q.period)?;
    let key = period.key();
    let base = format!("/quan-ly/bao-cao/{}", unit.code);
    let v = view::build(&state, page.lang, unit, period, true, base, |c| {
        format!("/quan-ly/bao-cao/{c}?period={key}")
    })
    .await?;
    let charts = charts(&v, page.lang);
    let crumbs = v
        .lineage
        .iter()
        .map(|u| {
            let link = user
                .can_admin(&u.path)
                .then(|| format!("/quan-ly/bao-cao/{}?period={}", u.code, v.period.key()));
            (u.name.clone(), link)
        })
        .collect();
    let html = DashboardPage {
        crumbs,
        period_q: format!("period={}", v.period.key()),
        page,
        v,
        admin: true,
        charts,
    }
    .render()
    .map_err(|e| AppError::internal("template", e))?;
    Ok(CachedPage::etagged(&headers, html))
}

#[derive(Template)]
#[template(path = "reports/print.html")]
struct PrintPage {
    page: Page,
    r: export::Report,
    /// Rows and totals formatted the Vietnamese way.
    rows: Vec<(String, Vec<String>)>,
    totals: Vec<String>,
}

/// The administrative report as a printable page (same content as the XLSX).
pub(crate) async fn print_report(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path(code): Path<String>,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    let period = parse_period(&q.period)?;
    let r = export::Report::load(&state, page.lang, unit, period).await?;
    let lang = page.lang;
    let rows = r
        .rows
        .iter()
        .map(|(name, v)| (name.clone(), v.iter().map(|x| lang.int(*x)).collect()))
        .collect();
    let totals = r.totals.iter().map(|x| lang.int(*x)).collect();
    Ok(render(&PrintPage {
        page,
        r,
        rows,
        totals,
    }))
}

pub(crate) async fn xlsx_report(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path(code): Path<String>,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    let period = parse_period(&q.period)?;
    let r = export::Report::load(&state, page.lang, unit, period).await?;
    let bytes = r.xlsx().map_err(|e| AppError::internal("xlsx", e))?;
    Ok(crate::web::download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &r.file_name("xlsx"),
    ))
}

pub(crate) async fn csv_report(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Path(code): Path<String>,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &user, &code).await?;
    let period = parse_period(&q.period)?;
    let r = export::Report::load(&state, page.lang, unit, period).await?;
    let bytes = r.csv().map_err(|e| AppError::internal("csv", e))?;
    Ok(crate::web::download(
        bytes,
        "text/csv; charset=utf-8",
        &r.file_name("csv"),
    ))
}
