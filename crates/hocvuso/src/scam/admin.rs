//! Administrators: the scam reports of my communes (confirm or reject), and, for province
//! administrators, the rule files.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};

use super::model::ResultView;
use super::store::{self, KindCount, Report, UnitCount};
use crate::web::auth::{AdminUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::page::{Page, render};
use crate::{AppError, AppResult, AppState};

const PER_PAGE: i64 = 25;
const STATUSES: &[&str] = &["new", "confirmed", "rejected"];

/// A report row with its current reading in the interface language.
pub struct ReportRow {
    pub report: Report,
    pub excerpt: String,
    pub kind_label: String,
}

pub struct KindRow {
    pub kind: String,
    pub label: String,
    pub n: i64,
}

#[derive(Template)]
#[template(path = "scam/admin_list.html")]
struct ListPage {
    page: Page,
    scope_name: String,
    status: String,
    statuses: &'static [&'static str],
    rows: Vec<ReportRow>,
    total: i64,
    page_no: i64,
    pages: i64,
    kinds: Vec<KindRow>,
    units: Vec<UnitCount>,
    can_edit_rules: bool,
}

impl ListPage {
    fn page_link(&self, n: impl std::borrow::Borrow<i64>) -> String {
        format!(
            "/quan-ly/lua-dao?trang_thai={}&trang={}",
            self.status,
            n.borrow()
        )
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    trang_thai: Option<String>,
    trang: Option<i64>,
}

/// The first sentence of a reason's message: a short name for a kind of report.
fn short(message: &str) -> String {
    let end = message
        .find(". ")
        .map_or(message.len(), |i| i + 1)
        .min(message.len());
    message[..end].to_owned()
}

/// How the current rules name `kind`, read from a message reported under it.
fn kind_label(state: &AppState, page: &Page, kind: &str, example: &str) -> String {
    if kind == "none" {
        return page.t("scam-kind-none");
    }
    let v = state.scam.current().checker.check(example);
    let view = ResultView::new(&v, page.lang, |_| None);
    view.reasons
        .iter()
        .find(|r| r.code == kind)
        .map_or_else(|| kind.to_owned(), |r| short(&r.message))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    AdminUser(user): AdminUser,
    page: Page,
    Query(lq): Query<ListQuery>,
) -> AppResult<Response> {
    let scope = user.top_admin_unit().ok_or(AppError::Forbidden)?.clone();
    let status = match lq.trang_thai.as_deref() {
        None => "new".to_owned(),
        Some("tat-ca") => "tat-ca".to_owned(),
        Some(s) if STATUSES.contains(&s) => s.to_owned(),
        Some(_) => return Err(AppError::field("trang_thai", "field-choose")),
    };
    let filter = if status == "tat-ca" { "" } else { &status };
    let page_no = lq.trang.unwrap_or(1).clamp(1, 100_000);
    let (reports, total) =
        store::reports_in_scope(&state.db, &scope.unit_path, filter, page_no, PER_PAGE).await?;
    let rows = reports
        .into_iter()
        .map(|r| {
            let excerpt: String = r.text.chars().take(140).collect();
            let kind_label = kind_label(&state, &page, &r.kind, &r.text);
            ReportRow {
                report: r,
                excerpt,
                kind_label,
            }
        })
        .collect();
    let (kind_counts, units) = store::counts_in_scope(&state.db, &scope.unit_path).await?;
    let kinds = kind_counts
        .into_iter()
        .map(|KindCount { kind, n, example }| KindRow {
            label: kind_label(&state, &page, &kind, &example),
            kind,
            n,
        })
        .collect();
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    Ok(render(&ListPage {
        page,
        scope_name: scope.unit_name,
        status,
        statuses: STATUSES,
        rows,
        total,
        page_no,
        pages,
        kinds,
        units,
        can_edit_rules: user.is_province_admin(),
    }))
}

/// The report, if it was filed in one of the admin's units; 404 otherwise (as for people: an admin of
/// one commune does not learn what was reported in another).
async fn report_in_scope(state: &AppState, admin: &SessionUser, id: &str) -> AppResult<Report> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::NotFound);
    }
    let report = store::get_report(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !admin.can_admin(&report.unit_path) {
        return Err(AppError::NotFound);
    }
    Ok(report)
}

#[derive(Template)]
#[template(path = "scam/admin_report.html")]
struct ReportPage {
    page: Page,
    report: Report,
    result: ResultView,
    /// "number:+84…" / "domain:…" keys ticked on the form.
    ticked: Vec<String>,
    saved: bool,
}

impl ReportPage {
    fn is_ticked(&self, kind: &str, value: &str) -> bool {
        self.ticked.iter().any(|t| *t == format!("{kind}:{value}"))
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    luu: Option<String>,
}

pub(crate) async fn report(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    page: Page,
    Path(id): Path<String>,
    Query(rq): Query<ReportQuery>,
) -> AppResult<Response> {
    let report = report_in_scope(&state, &admin, &id).await?;
    let snapshot = state.scam.snapshot(&state.db).await;
    let v = snapshot.checker.check(&report.text);
    let result = ResultView::new(&v, page.lang, |l| {
        state.scam.lesson_title(l).map(str::to_owned)
    });
    let mut ticked = store::confirmed_of(&state.db, &report.id).await?;
    // New reports start with everything ticked except 1800/1900 numbers, which are usually a real
    // company's hotline quoted by the scammer.
    if report.status == "new" {
        ticked = report
            .number_list()
            .into_iter()
            .filter(|n| !(n.starts_with("18") || n.starts_with("19")))
            .map(|n| format!("number:{n}"))
            .chain(
                report
                    .domain_list()
                    .into_iter()
                    .map(|d| format!("domain:{d}")),
            )
            .collect();
    }
    Ok(render(&ReportPage {
        page,
        report,
        result,
        ticked,
        saved: rq.luu.is_some(),
    }))
}

/// Confirm with the ticked numbers and domains: checkboxes named `number` / `domain`, repeated.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Redirect> {
    let report = report_in_scope(&state, &admin, &id).await?;
    let picked = |name: &str, allowed: Vec<&str>| -> AppResult<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in fields.iter().filter(|(k, _)| k == name) {
            // Only what was found in the report may be confirmed: a form cannot add arbitrary values.
            if !allowed.contains(&v.as_str()) {
                return Err(AppError::field(
                    if k == "number" { "number" } else { "domain" },
                    "field-choose",
                ));
            }
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        Ok(out)
    };
    let numbers = picked("number", report.number_list())?;
    let domains = picked("domain", report.domain_list())?;
    let mut tx = state.db.begin().await?;
    store::decide(&mut tx, &report.id, &admin.id, Some((&numbers, &domains))).await?;
    tx.commit().await?;
    state.scam.refresh(&state.db).await?;
    Ok(Redirect::to(&format!(
        "/quan-ly/lua-dao/{}?luu=1",
        report.id
    )))
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub(crate) async fn reject(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Redirect> {
    let report = report_in_scope(&state, &admin, &id).await?;
    let mut tx = state.db.begin().await?;
    store::decide(&mut tx, &report.id, &admin.id, None).await?;
    tx.commit().await?;
    state.scam.refresh(&state.db).await?;
    Ok(Redirect::to(&format!(
        "/quan-ly/lua-dao/{}?luu=1",
        report.id
    )))
}
