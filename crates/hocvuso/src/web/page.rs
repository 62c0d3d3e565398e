//! What every HTML page knows about the request: language, text size, the person, the CSRF token.
use std::collections::HashMap;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};

use super::auth::{SessionUser, WorkPlace, current_user};
use super::cookies;
use super::csrf::CsrfToken;
use crate::error::FieldError;
use crate::i18n::Lang;
use crate::{AppError, AppState};

pub const LANG_COOKIE: &str = "hv_lang";
pub const SIZE_COOKIE: &str = "hv_size";

#[derive(Clone)]
pub struct Page {
    pub lang: Lang,
    /// 0 normal, 1 large (A+), 2 larger (A++).
    pub text_size: u8,
    pub user: Option<SessionUser>,
    pub csrf: String,
    /// Path and query of this request, for "come back here" links.
    pub here: String,
    pub province_name: String,
}

impl Page {
    /// A page for nobody in particular (no person, no form token).
    pub(crate) fn anonymous(state: &AppState, lang: Lang, here: &str) -> Page {
        Page {
            lang,
            text_size: 0,
            user: None,
            csrf: String::new(),
            here: here.to_owned(),
            province_name: state.province.name.clone(),
        }
    }

    pub(crate) fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// A message whose id is built from a prefix and a stored value: `tp("role-", "learner")`.
    pub(crate) fn tp(&self, prefix: &str, value: &str) -> String {
        self.lang.t(&format!("{prefix}{value}"))
    }

    /// A stored phone number (+84…) as people write it (0912 345 678).
    pub(crate) fn phone(&self, p: &str) -> String {
        vntext::phone::display_phone(p)
    }

    pub(crate) fn int(&self, n: impl std::borrow::Borrow<i64>) -> String {
        self.lang.int(*n.borrow())
    }

    pub(crate) fn date(&self, n: impl std::borrow::Borrow<i64>) -> String {
        self.lang.date(*n.borrow())
    }

    /// A stored day ("2026-12-05") as people write it ("05/12/2026").
    pub(crate) fn day(&self, iso: &str) -> String {
        crate::i18n::day_text(iso)
    }

    pub(crate) fn datetime(&self, n: impl std::borrow::Borrow<i64>) -> String {
        self.lang.datetime(*n.borrow())
    }

    pub(crate) fn asset(&self, name: &str) -> String {
        super::assets::url(name)
    }

    pub(crate) fn html_class(&self) -> &'static str {
        match self.text_size {
            1 => "ts-1",
            2 => "ts-2",
            _ => "ts-0",
        }
    }

    /// A fresh client id for a write form rendered on this page (`web::once`): each form gets its own,
    /// so a double tap or a back-button resubmit of that form is stored once.
    pub(crate) fn form_id(&self) -> String {
        super::once::client_id()
    }

    pub(crate) fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(SessionUser::is_admin)
    }

    /// The header's single line of links: this person's work first, then learning, the scam check and
    /// the account (or signing in); everything else is in the menu.
    pub(crate) fn quick_links(&self) -> Vec<WorkPlace> {
        const QUICK: usize = 3;
        let mut links = self
            .user
            .as_ref()
            .map(SessionUser::work_places)
            .unwrap_or_default();
        let last = if self.user.is_some() {
            WorkPlace {
                href: "/tai-khoan",
                label: "nav-account",
            }
        } else {
            WorkPlace {
                href: "/dang-nhap",
                label: "nav-sign-in",
            }
        };
        for l in [
            WorkPlace {
                href: "/hoc",
                label: "nav-learn",
            },
            WorkPlace {
                href: "/kiem-tra",
                label: "nav-scam",
            },
            last,
        ] {
            if links.len() < QUICK {
                links.push(l);
            }
        }
        links
    }

    /// Is `href` the section this page belongs to (for `aria-current` in the header)?
    pub(crate) fn is_here(&self, href: &str) -> bool {
        let path = self.here.split('?').next().unwrap_or_default();
        path == href
            || (href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/'))
    }

    /// Link that switches a preference and comes back to this page.
    pub(crate) fn pref_link(&self, key: &str, value: &str) -> String {
        let next: String = url_encode(&self.here);
        format!("/cai-dat?{key}={value}&next={next}")
    }
}

pub(crate) fn url_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let text_size = text_size_of(&parts.headers);
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let user = current_user(parts, state).await?;
        Ok(Page {
            lang,
            text_size,
            user,
            csrf,
            here,
            province_name: state.province.name.clone(),
        })
    }
}

/// The text size chosen with the A / A+ / A++ switch (0, 1, 2).
pub(crate) fn text_size_of(headers: &axum::http::HeaderMap) -> u8 {
    cookies::get(headers, SIZE_COOKIE)
        .and_then(|v| v.parse::<u8>().ok())
        .filter(|v| *v <= 2)
        .unwrap_or(0)
}

/// The interface language: the cookie set by the switch, else Vietnamese.
pub(crate) fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    cookies::get(headers, LANG_COOKIE)
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

/// Render a template as a 200 page.
pub(crate) fn render(t: &impl Template) -> Response {
    render_status(StatusCode::OK, t)
}

pub(crate) fn render_status(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => AppError::internal("template", e).into_response(),
    }
}

/// Values and per-field errors of a submitted form, for showing it again.
#[derive(Default)]
pub struct FormState {
    pub values: HashMap<&'static str, String>,
    pub errors: Vec<FieldError>,
}

impl FormState {
    /// A form's typed values, to show back beside its errors: each field's name and what was sent.
    pub(crate) fn from_form<'a>(
        fields: impl IntoIterator<Item = (&'static str, &'a String)>,
    ) -> Self {
        FormState {
            values: fields.into_iter().map(|(k, v)| (k, v.clone())).collect(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }

    /// Fluent id of the field's error, or "" when none.
    pub(crate) fn error(&self, field: &str) -> &'static str {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.reason)
            .unwrap_or("")
    }

    /// Is `field` currently `value` (for `selected` and `checked`)?
    pub(crate) fn is(&self, field: &str, value: &str) -> bool {
        self.value(field) == value
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}
