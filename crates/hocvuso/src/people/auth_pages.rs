//! Sign up, sign in, sign out.
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{SEXES, SignUpForm, TARGET_GROUPS, normalize_phone, validate_sign_up};
use super::{password, store};
use crate::error::FieldError;
use crate::units::model::Unit;
use crate::units::reference::ethnic_groups;
use crate::units::store as units;
use crate::web::auth::{
    SESSION_COOKIE, SESSION_SECONDS, create_session, delete_session, delete_session_in,
    random_token,
};
use crate::web::client::ClientAddr;
use crate::web::cookies::{CookieSpec, set_cookie};
use crate::web::csrf::{CsrfForm, token_cookie};
use crate::web::page::{FormState, Page, render_status};
use crate::web::{secure_cookies, text};
use crate::{AppError, AppResult, AppState};

/// Sign-in limits. Failures are counted per (phone, address) pair, per address and per phone. A pair or an
/// address over its limit is refused for the window; a phone is never locked for everyone (a stranger's
/// five wrong guesses would lock its owner, an admin, out of every place), it is slowed down instead:
/// each failure past the fifth adds a second before the answer, up to ten, which with the bound on
/// concurrent hashing makes guessing from many addresses hopeless.
const WINDOW_SECONDS: i64 = 15 * 60;
const MAX_FAILURES_PER_PAIR: i64 = 5;
const MAX_FAILURES_PER_IP: i64 = 30;
const SLOW_AFTER_PHONE_FAILURES: i64 = 5;
const MAX_SLOWDOWN_SECONDS: i64 = 10;

#[derive(Template)]
#[template(path = "people/sign_up.html")]
struct SignUpPage {
    page: Page,
    form: FormState,
    communes: Vec<Unit>,
    villages: Vec<Unit>,
    ethnic_groups: &'static [String],
    sexes: &'static [&'static str],
    target_groups: &'static [&'static str],
}

#[derive(serde::Deserialize)]
pub struct SignUpQuery {
    xa: Option<String>,
    /// Where the person was going (a class page): they come back there once the account exists.
    next: Option<String>,
}

async fn sign_up_page(
    state: &AppState,
    page: Page,
    form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    let communes = state.units.communes(&state.db).await?;
    let commune = form.value("commune");
    let villages = if communes.iter().any(|c| c.code == commune) {
        units::villages_of(&state.db, commune).await?
    } else {
        Vec::new()
    };
    let t = SignUpPage {
        page,
        form,
        communes,
        villages,
        ethnic_groups: ethnic_groups(),
        sexes: SEXES,
        target_groups: TARGET_GROUPS,
    };
    Ok(render_status(status, &t))
}

/// A new account goes to its account page (which says it was made), unless the person came from
/// somewhere they were heading, such as a class to join.
fn after_sign_up(next: &str) -> String {
    match text::local_path(Some(next)) {
        n if n == "/" => "/tai-khoan?moi=1".to_owned(),
        n => n,
    }
}

pub(crate) async fn sign_up_form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<SignUpQuery>,
) -> AppResult<Response> {
    let mut form = FormState::default();
    form.values.insert("target_group", "nguoi-dan".into());
    if let Some(xa) = q.xa {
        form.values.insert("commune", xa);
    }
    form.values
        .insert("next", text::local_path(q.next.as_deref()));
    sign_up_page(&state, page, form, StatusCode::OK).await
}

fn form_values(f: &SignUpForm) -> FormState {
    FormState::from_form([
        ("phone", &f.phone),
        ("full_name", &f.full_name),
        ("birth_year", &f.birth_year),
        ("sex", &f.sex),
        ("ethnic_group", &f.ethnic_group),
        ("commune", &f.commune),
        ("village", &f.village),
        ("target_group", &f.target_group),
        ("consent", &f.consent),
        ("card_code", &f.card_code),
        ("next", &f.next),
    ])
}

pub(crate) async fn sign_up(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: axum::http::HeaderMap,
    page: Page,
    CsrfForm(f): CsrfForm<SignUpForm>,
) -> AppResult<Response> {
    let this_year = crate::i18n::vn_time(crate::db::now()).year() as i64;
    let mut form = form_values(&f);
    if f.step == "villages" {
        return sign_up_page(&state, page, form, StatusCode::OK).await;
    }
    let person = match validate_sign_up(&f, this_year) {
        Ok(p) => p,
        Err(errors) => {
            form.errors = errors;
            return sign_up_page(&state, page, form, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let unit = match crate::units::scope::resolve_home_unit(
        &state,
        &person.commune,
        person.village.as_deref(),
    )
    .await?
    {
        Ok(u) => u,
        Err(e) => {
            form.errors = vec![e];
            return sign_up_page(&state, page, form, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    crate::web::ratelimit::hit(&state.db, &crate::web::ratelimit::SIGN_UP, &ip).await?;
    let hash = password::hash(f.password.clone()).await?;
    let mut tx = state.db.begin().await?;
    let phone = person.phone.clone().unwrap_or_default();
    let card = f.card_code.trim().to_uppercase();
    if !card.is_empty() {
        // Claiming the record a volunteer or instructor made: the card code proves the paper was given
        // to this person, and the phone (when the record has one) must be the one they type.
        let refusal = match store::claimable_by_card(&mut tx, &card).await? {
            None => Some((
                FieldError::new("card_code", "claim-code-unknown"),
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            Some(c) if c.phone.as_deref().is_some_and(|p| p != phone) => Some((
                FieldError::new("card_code", "claim-phone-mismatch"),
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            Some(c) if c.phone.is_none() && store::phone_taken(&mut tx, &phone).await? => Some((
                FieldError::new("phone", "phone-taken"),
                StatusCode::CONFLICT,
            )),
            Some(c) => {
                store::claim(&mut tx, &c.id, &phone, &hash).await?;
                let token = replace_session(&mut tx, &headers, &c.id).await?;
                tx.commit().await?;
                return Ok(signed_in_response(&state, &token, &after_sign_up(&f.next)));
            }
        };
        if let Some((e, status)) = refusal {
            drop(tx);
            form.errors = vec![e];
            return sign_up_page(&state, page, form, status).await;
        }
    }
    if store::phone_taken(&mut tx, &phone).await? {
        let reason = if store::phone_unclaimed(&mut tx, &phone).await? {
            "phone-registered-for-you"
        } else {
            "phone-taken"
        };
        drop(tx);
        form.errors = vec![FieldError::new("phone", reason)];
        return sign_up_page(&state, page, form, StatusCode::CONFLICT).await;
    }
    let id = match store::register(&mut tx, &person, &unit.code, Some(&hash), None).await {
        Ok(id) => id,
        // Two sign-ups with the same number at the same instant: the constraint decides.
        Err(e) if e.is_unique() => {
            form.errors = vec![FieldError::new("phone", "phone-taken")];
            return sign_up_page(&state, page, form, StatusCode::CONFLICT).await;
        }
        Err(e) => return Err(e.into()),
    };
    store::grant_role(&mut tx, &id, "learner", &unit.code, &id).await?;
    let token = replace_session(&mut tx, &headers, &id).await?;
    tx.commit().await?;
    Ok(signed_in_response(&state, &token, &after_sign_up(&f.next)))
}

/// Open a session for `person`, ending the one this browser had: a session fixed before sign-in, or a
/// shared phone's previous user, must not live on beside the new one.
async fn replace_session(
    tx: &mut crate::db::Tx,
    headers: &axum::http::HeaderMap,
    person: &str,
) -> crate::db::DbResult<String> {
    if let Some(old) = crate::web::cookies::get(headers, SESSION_COOKIE) {
        delete_session_in(tx, &old).await?;
    }
    create_session(tx, person).await
}

/// Redirect with a fresh session cookie and a rotated CSRF token.
fn signed_in_response(state: &AppState, token: &str, to: &str) -> Response {
    let mut resp = Redirect::to(to).into_response();
    let secure = secure_cookies(state);
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(CookieSpec {
            name: SESSION_COOKIE,
            value: token,
            max_age: Some(SESSION_SECONDS),
            same_site_strict: false,
            secure,
        }),
    );
    h.append(header::SET_COOKIE, token_cookie(state, &random_token()));
    resp
}

#[derive(Template)]
#[template(path = "people/sign_in.html")]
struct SignInPage {
    page: Page,
    form: FormState,
    next: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    phone: String,
    password: String,
    next: String,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub(crate) async fn sign_in_form(page: Page, Query(q): Query<NextQuery>) -> Response {
    let next = text::local_path(q.next.as_deref());
    render_status(
        StatusCode::OK,
        &SignInPage {
            page,
            form: FormState::default(),
            next,
        },
    )
}

pub(crate) async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: axum::http::HeaderMap,
    page: Page,
    CsrfForm(f): CsrfForm<SignInForm>,
) -> AppResult<Response> {
    let next = text::local_path(Some(&f.next));
    let mut form = FormState::default();
    form.values.insert("phone", f.phone.clone());
    let Some(phone) = normalize_phone(&f.phone) else {
        form.errors = vec![FieldError::new("phone", "phone-invalid")];
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SignInPage { page, form, next },
        ));
    };
    let ip_key = format!("ip:{ip}");
    let phone_key = format!("phone:{phone}");
    let pair_key = format!("pair:{phone}|{ip}");
    let since = crate::db::now() - WINDOW_SECONDS;
    if store::recent_failures(&state.db, &pair_key, since).await? >= MAX_FAILURES_PER_PAIR
        || store::recent_failures(&state.db, &ip_key, since).await? >= MAX_FAILURES_PER_IP
    {
        return Err(AppError::TooManyRequests);
    }
    let phone_failures = store::recent_failures(&state.db, &phone_key, since).await?;
    if phone_failures >= SLOW_AFTER_PHONE_FAILURES {
        let wait = (phone_failures - SLOW_AFTER_PHONE_FAILURES + 1).min(MAX_SLOWDOWN_SECONDS);
        tokio::time::sleep(std::time::Duration::from_secs(wait as u64)).await;
    }
    let creds = store::credentials_by_phone(&state.db, &phone).await?;
    let ok = password::verify(
        f.password.clone(),
        creds.as_ref().and_then(|c| c.password_hash.clone()),
    )
    .await?;
    let Some(creds) = creds.filter(|_| ok) else {
        for key in [&pair_key, &ip_key, &phone_key] {
            store::record_failure(&state.db, key).await?;
        }
        form.errors = vec![FieldError::new("password", "sign-in-failed")];
        return Ok(render_status(
            StatusCode::UNAUTHORIZED,
            &SignInPage { page, form, next },
        ));
    };
    // A one-time password past its day is refused with its own reason: whoever typed it knew it, so
    // saying so reveals nothing, and it tells them to ask for a new one.
    if creds
        .password_expires_at
        .is_some_and(|t| t <= crate::db::now())
    {
        form.errors = vec![FieldError::new("password", "one-time-password-expired")];
        return Ok(render_status(
            StatusCode::UNAUTHORIZED,
            &SignInPage { page, form, next },
        ));
    }
    store::clear_failures(&state.db, &pair_key).await?;
    store::clear_failures(&state.db, &phone_key).await?;
    let mut tx = state.db.begin().await?;
    let token = replace_session(&mut tx, &headers, &creds.id).await?;
    tx.commit().await?;
    let to = if creds.must_change_password {
        "/tai-khoan/mat-khau?bat-buoc=1".to_owned()
    } else if next == "/" {
        // Nowhere in particular was asked for: go where this person's work is.
        crate::web::auth::landing_of(&state.db, &creds.id)
            .await?
            .to_owned()
    } else {
        next
    };
    Ok(signed_in_response(&state, &token, &to))
}

#[derive(serde::Deserialize)]
pub struct Empty {}

pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    if let Some(token) = crate::web::cookies::get(&headers, SESSION_COOKIE) {
        delete_session(&state.db, &token).await?;
    }
    let mut resp = signed_out_response(&state, "/");
    resp.headers_mut()
        .append(header::SET_COOKIE, token_cookie(&state, &random_token()));
    Ok(resp)
}

/// Redirect to `to` with the session cookie cleared (sign-out, sign-out everywhere, account deleted).
pub(crate) fn signed_out_response(state: &AppState, to: &str) -> Response {
    let mut resp = Redirect::to(to).into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(CookieSpec {
            name: SESSION_COOKIE,
            value: "",
            max_age: Some(0),
            same_site_strict: false,
            secure: secure_cookies(state),
        }),
    );
    resp
}
