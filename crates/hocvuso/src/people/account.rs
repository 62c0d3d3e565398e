//! A person's own page: their data, who looked at it, change password, download, delete.
use askama::Template;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{display_phone, password_problem};
use super::{password, store};
use crate::error::FieldError;
use crate::units::store as units;
use crate::web::auth::{CurrentUser, SESSION_COOKIE, delete_other_sessions};
use crate::web::csrf::CsrfForm;
use crate::web::page::{FormState, Page, render, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "people/account.html")]
struct AccountPage {
    page: Page,
    person: store::Person,
    phone: String,
    unit_name: String,
    roles: Vec<crate::web::auth::RoleScope>,
    access: Vec<store::AccessRow>,
    welcome: bool,
    invitations: Vec<InvitationView>,
    /// News about the person's class places that someone else caused.
    class_notices: Vec<ClassNoticeView>,
}

struct ClassNoticeView {
    code: String,
    text: String,
    when: String,
}

fn class_notice_view(lang: crate::i18n::Lang, n: store::ClassNotice) -> ClassNoticeView {
    let id = match n.what.as_str() {
        "class_cancelled" => "account-notice-class-cancelled",
        "promoted" => "account-notice-promoted",
        _ => "account-notice-cancelled",
    };
    ClassNoticeView {
        text: lang.t_args(id, &[("class", n.title.into())]),
        when: lang.date(n.at),
        code: n.code,
    }
}

/// An invitation on the account page: what it is for, who sent it, where "accept" posts.
struct InvitationView {
    id: String,
    what: String,
    from: String,
    accept_action: String,
}

fn invitation_view(lang: crate::i18n::Lang, i: store::MyInvitation) -> InvitationView {
    let (what_id, accept) = if i.kind == store::INVITE_MEMBER {
        ("invitation-member", "tham-gia")
    } else {
        ("invitation-instructor", "giang-day")
    };
    InvitationView {
        what: lang.t_args(what_id, &[("target", i.target_name.into())]),
        from: lang.t_args("invitation-from", &[("name", i.invited_by_name.into())]),
        accept_action: format!("/tai-khoan/loi-moi/{}/{accept}", i.id),
        id: i.id,
    }
}

#[derive(serde::Deserialize)]
pub struct AccountQuery {
    moi: Option<String>,
}

pub(crate) async fn account(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    axum::extract::Query(q): axum::extract::Query<AccountQuery>,
) -> AppResult<Response> {
    let person = store::get(&state.db, &user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = units::get(&state.db, &person.unit_code).await?;
    let unit_name = match &unit {
        Some(u) => units::lineage(&state.db, u)
            .await?
            .iter()
            .rev()
            .map(|u| u.name.clone())
            .collect::<Vec<_>>()
            .join(", "),
        None => String::new(),
    };
    let access = store::access_log_of(&state.db, &user.id).await?;
    let invitations = match &person.phone {
        Some(p) => store::invitations_for(&state.db, p)
            .await?
            .into_iter()
            .map(|i| invitation_view(page.lang, i))
            .collect(),
        None => Vec::new(),
    };
    let class_notices = store::class_notices(&state.db, &user.id)
        .await?
        .into_iter()
        .map(|n| class_notice_view(page.lang, n))
        .collect();
    let phone = person
        .phone
        .as_deref()
        .map(display_phone)
        .unwrap_or_default();
    let t = AccountPage {
        page,
        phone,
        unit_name,
        roles: user.roles.clone(),
        access,
        welcome: q.moi.is_some(),
        invitations,
        class_notices,
        person,
    };
    Ok(render(&t))
}

/// Everything the platform holds about the person, as JSON (right of access and portability).
pub(crate) async fn my_data(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Response> {
    let person = store::get(&state.db, &user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles: Vec<_> = user
        .roles
        .iter()
        .map(|r| serde_json::json!({"role": r.role, "unit_code": r.unit_code, "unit_name": r.unit_name}))
        .collect();
    let access = store::access_log_of(&state.db, &user.id).await?;
    let facts = super::store::facts_about(&state.db, &user.id).await?;
    let body = serde_json::json!({
        "person": person,
        "roles": roles,
        "personal_data_access_log": access,
        "facts": facts,
        "exported_at": crate::db::now(),
    });
    let json = serde_json::to_vec_pretty(&body).map_err(|e| AppError::internal("own data", e))?;
    Ok(crate::web::download(
        json,
        "application/json",
        "hocvuso-du-lieu-cua-toi.json",
    ))
}

#[derive(Template)]
#[template(path = "people/password.html")]
struct PasswordPage {
    page: Page,
    form: FormState,
    done: bool,
    /// Signed in with a one-time password: say why this page came first.
    required: bool,
}

pub(crate) async fn password_form(CurrentUser(user): CurrentUser, page: Page) -> Response {
    render(&PasswordPage {
        page,
        form: FormState::default(),
        done: false,
        required: user.must_change_password,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    password: String,
    password2: String,
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    page: Page,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let creds = store::credentials_by_id(&state.db, &user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = FormState::default();
    if !password::verify(f.current.clone(), creds.password_hash).await? {
        form.errors
            .push(FieldError::new("current", "password-wrong"));
    } else if let Some(p) = password_problem(&f.password, user.phone.as_deref()) {
        form.errors.push(FieldError::new("password", p));
    } else if f.password != f.password2 {
        form.errors
            .push(FieldError::new("password2", "password-mismatch"));
    }
    if form.has_errors() {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                page,
                form,
                done: false,
                required: user.must_change_password,
            },
        ));
    }
    let hash = password::hash(f.password).await?;
    let keep = crate::web::cookies::get(&headers, SESSION_COOKIE);
    let mut tx = state.db.begin().await?;
    store::set_password(&mut tx, &user.id, &hash).await?;
    // Anyone else signed in with the old password is signed out.
    delete_other_sessions(&mut tx, &user.id, keep.as_deref()).await?;
    tx.commit().await?;
    Ok(render(&PasswordPage {
        page,
        form: FormState::default(),
        done: true,
        required: false,
    }))
}

/// Decline an invitation addressed to this person's phone (accepting is the inviting capability's).
pub(crate) async fn decline_invitation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    CsrfForm(_): CsrfForm<super::auth_pages::Empty>,
) -> AppResult<Response> {
    let phone = user.phone.clone().ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    store::take_invitation(&mut tx, &id, &phone)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Redirect::to("/tai-khoan").into_response())
}

/// End every session of this person, this one included ("I lost my phone", "I signed in at the
/// commune office and forgot to sign out").
pub(crate) async fn sign_out_everywhere(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    CsrfForm(_): CsrfForm<super::auth_pages::Empty>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    delete_other_sessions(&mut tx, &user.id, None).await?;
    tx.commit().await?;
    Ok(super::auth_pages::signed_out_response(&state, "/dang-nhap"))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    password: String,
    confirm: String,
}

/// Delete the account and the personal data with it. Asks for the password and an explicit tick.
pub(crate) async fn delete_account(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    CsrfForm(f): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let creds = store::credentials_by_id(&state.db, &user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if f.confirm != "yes" {
        return Err(AppError::field("confirm", "delete-confirm-required"));
    }
    if !password::verify(f.password, creds.password_hash).await? {
        return Err(AppError::field("password", "password-wrong"));
    }
    if user.is_province_admin() && store::count_role(&state.db, "province_admin").await? <= 1 {
        return Err(AppError::field("confirm", "delete-last-admin"));
    }
    let mut tx = state.db.begin().await?;
    store::delete(&mut tx, &user.id).await?;
    tx.commit().await?;
    Ok(super::auth_pages::signed_out_response(&state, "/?da-xoa=1"))
}
