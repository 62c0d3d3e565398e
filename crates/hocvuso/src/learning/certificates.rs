//! Certificates: the PDF (its owner and admins download it), the public `/verify/{code}` page that the
//! QR code opens (valid or revoked, with name and course only), and the admins' list and revoke.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::model::normalize_code;
use super::pdf::{self, CertificateText, Labels};
use super::store::{self, CertificateRow};
use crate::db::{Tx, now};
use crate::i18n::Lang;
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render, render_status};
use crate::{AppError, AppResult, AppState};

/// Public address of the verification page for `code`. A printed certificate needs an absolute
/// address, so without `--public-url` it names the default listen address (fine on one's own machine;
/// a real deployment sets the public URL, never the Host header someone sent).
pub(crate) fn verify_url(state: &AppState, code: &str) -> String {
    let base = state
        .settings
        .public_base()
        .unwrap_or("http://127.0.0.1:8080");
    format!("{base}/verify/{code}")
}

pub(crate) fn labels(lang: Lang) -> Labels {
    Labels {
        heading: lang.t("learn-cert-heading"),
        certifies: lang.t("learn-cert-certifies"),
        completed: lang.t("learn-cert-completed"),
        issued_on: lang.t("learn-cert-issued-on"),
        code: lang.t("learn-cert-code"),
        scan: lang.t("learn-cert-scan"),
        movement: lang.t("learn-cert-movement"),
    }
}

/// The PDF of a certificate.
pub(crate) fn render_pdf(state: &AppState, lang: Lang, c: &CertificateRow) -> AppResult<Vec<u8>> {
    let l = labels(lang);
    pdf::certificate(&CertificateText {
        labels: &l,
        full_name: &c.full_name,
        course_title: &c.course_title,
        date: &lang.date(c.issued_at),
        province_name: &c.province_name,
        issuer: c.issuer(),
        code: &c.code,
        verify_url: &verify_url(state, &c.code),
    })
    .map_err(|e| AppError::internal("certificate template", e))
}

/// `GET /chung-chi/{CODE}.pdf`: for the holder, for admins over the holder's unit, and for an
/// instructor of a class of that course the holder is registered in (they print it for a learner
/// without a phone, who can claim their record and the certificate later).
pub(crate) async fn download(
    State(state): State<AppState>,
    page: Page,
    CurrentUser(user): CurrentUser,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let code = file
        .strip_suffix(".pdf")
        .and_then(normalize_code)
        .ok_or(AppError::NotFound)?;
    let cert = store::certificate_by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    if cert.person_id != user.id {
        let path = store::unit_path(&state.db, &cert.unit_code)
            .await?
            .unwrap_or_default();
        if !user.can_admin(&path)
            && !crate::classes::store::teaches_course_to(
                &state.db,
                &user.id,
                &cert.person_id,
                &cert.course_slug,
            )
            .await?
        {
            return Err(AppError::NotFound);
        }
    }
    let bytes = render_pdf(&state, page.lang, &cert)?;
    Ok(crate::web::download(
        bytes,
        "application/pdf",
        &format!("chung-chi-{}.pdf", cert.code),
    ))
}

#[derive(Template)]
#[template(path = "learning/verify.html")]
struct VerifyPage {
    page: Page,
    cert: Option<CertificateRow>,
    /// What the person typed when nothing was found, shown back so a mistyped letter can be seen.
    typed: String,
}

/// `GET /verify/{code}`: anyone may check a certificate; it shows only the name, the course, the
/// date and the issuing province. A code that matches nothing gets the same page with the form and a
/// plain "not found" (404), never a bare error.
pub(crate) async fn verify(
    State(state): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> AppResult<Response> {
    show(&state, page, &code).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct LookupQuery {
    ma: String,
}

/// `/verify?ma=…`: the form on this page, on the admin list and on paper instructions. Empty, it is
/// the form alone; a well-formed code goes to its own address (the one the QR code holds).
pub(crate) async fn lookup(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<LookupQuery>,
) -> AppResult<Response> {
    if q.ma.trim().is_empty() {
        return Ok(render(&VerifyPage {
            page,
            cert: None,
            typed: String::new(),
        }));
    }
    match normalize_code(&q.ma) {
        Some(code) => Ok(Redirect::to(&format!("/verify/{code}")).into_response()),
        None => show(&state, page, &q.ma).await,
    }
}

async fn show(state: &AppState, page: Page, typed: &str) -> AppResult<Response> {
    let cert = match normalize_code(typed) {
        Some(code) => store::certificate_by_code(&state.db, &code).await?,
        None => None,
    };
    Ok(match cert {
        Some(cert) => render(&VerifyPage {
            page,
            cert: Some(cert),
            typed: String::new(),
        }),
        None => render_status(
            StatusCode::NOT_FOUND,
            &VerifyPage {
                page,
                cert: None,
                typed: typed.chars().take(40).collect(),
            },
        ),
    })
}

/// The classes hook: who holds a (valid) certificate code.
pub(crate) async fn person_by_code(tx: &mut Tx, code: &str) -> crate::db::DbResult<Option<String>> {
    match normalize_code(code) {
        Some(code) => store::person_of_certificate(tx, &code).await,
        None => Ok(None),
    }
}

#[derive(Template)]
#[template(path = "learning/admin_certificates.html")]
struct AdminList {
    page: Page,
    certificates: Vec<CertificateRow>,
    found: Option<CertificateRow>,
    form: FormState,
    query: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AdminQuery {
    ma: String,
}

async fn admin_list_page(
    state: &AppState,
    page: Page,
    user: &crate::web::auth::SessionUser,
    query: String,
    form: FormState,
) -> AppResult<Response> {
    let scope = user
        .top_admin_unit()
        .map(|r| r.unit_path.clone())
        .ok_or(AppError::Forbidden)?;
    let certificates = store::certificates_under(&state.db, &scope, 100).await?;
    let found = match normalize_code(&query) {
        Some(code) => match store::certificate_by_code(&state.db, &code).await? {
            Some(c) => {
                let path = store::unit_path(&state.db, &c.unit_code)
                    .await?
                    .unwrap_or_default();
                user.can_admin(&path).then_some(c)
            }
            None => None,
        },
        None => None,
    };
    let status = if form.has_errors() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok(render_status(
        status,
        &AdminList {
            page,
            certificates,
            found,
            form,
            query,
        },
    ))
}

pub(crate) async fn admin_list(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    admin_list_page(
        &state,
        page,
        &user,
        q.ma.trim().to_owned(),
        FormState::default(),
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    reason: String,
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    page: Page,
    AdminUser(user): AdminUser,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<RevokeForm>,
) -> AppResult<Response> {
    let code = normalize_code(&code).ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let cert = store::certificate_by_code(&mut tx, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let path = crate::units::store::get(&mut tx, &cert.unit_code)
        .await?
        .map(|u| u.path);
    if !user.can_admin(&path.unwrap_or_default()) {
        return Err(AppError::NotFound);
    }
    let reason = crate::web::text::clean_text(&f.reason, 500);
    let reason = match reason {
        Ok(r) if r.chars().count() >= 3 => r,
        Ok(_) => {
            drop(tx);
            let mut form = FormState::default();
            form.errors.push(crate::error::FieldError::new(
                "reason",
                "learn-revoke-reason-required",
            ));
            return admin_list_page(&state, page, &user, code, form).await;
        }
        Err(e) => {
            drop(tx);
            let mut form = FormState::default();
            form.values.insert("reason", f.reason.clone());
            form.errors.push(crate::error::FieldError::new("reason", e));
            return admin_list_page(&state, page, &user, code, form).await;
        }
    };
    store::revoke(&mut tx, &code, &reason, &user.id, now()).await?;
    tx.commit().await?;
    tracing::info!(certificate = %code, by = %user.id, "certificate revoked");
    Ok(Redirect::to(&format!("/quan-ly/chung-chi?ma={code}")).into_response())
}
