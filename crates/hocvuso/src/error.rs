//! The application's errors and how each becomes an HTTP answer.
//!
//! Policy: handlers return [`AppError`]; `IntoResponse` only records *what* went wrong (status, a Fluent
//! message id, the field) in a response extension, and one middleware (`web::errors`) turns that into a
//! translated HTML page or a JSON body, with the request id to quote. Internal causes are logged with the
//! request id and never shown. Validation problems are 4xx with the field and the reason; nothing is
//! written, because every write runs in one transaction that is dropped on error.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use thiserror::Error;

use crate::db::DbError;

/// One invalid form or JSON field: the field name and the Fluent id of the reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: &'static str,
}

impl FieldError {
    pub(crate) fn new(field: &'static str, reason: &'static str) -> Self {
        FieldError { field, reason }
    }
}

#[derive(Debug, Error)]
pub enum AppError {
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// 403 with the reason a person reads (a Fluent id), when they may see the thing but not act on it.
    #[error("denied: {0}")]
    Denied(&'static str),
    #[error("CSRF check failed")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("conflict on {}", .0.field)]
    Conflict(FieldError),
    #[error("too many requests")]
    TooManyRequests,
    /// Signed in with a one-time password that must be replaced first (pages redirect to the form).
    #[error("password change required")]
    PasswordChangeRequired,
    /// The request is bigger than the server takes at once (413); the message says the limit.
    #[error("request too large: {0}")]
    TooLarge(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
    /// What failed, and why: the cause is kept (not flattened to text) so the log shows its whole chain.
    #[error("internal: {what}")]
    Internal {
        what: &'static str,
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// An internal failure of `what` (a template, an export, a task), keeping its cause.
    pub(crate) fn internal(
        what: &'static str,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        AppError::Internal {
            what,
            cause: cause.into(),
        }
    }

    pub(crate) fn field(field: &'static str, reason: &'static str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, reason)])
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden
            | AppError::Csrf
            | AppError::Denied(_)
            | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Db(_) | AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Fluent id of the message a person reads.
    pub(crate) fn message_id(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "error-invalid",
            AppError::BadRequest(key) | AppError::Denied(key) | AppError::TooLarge(key) => key,
            AppError::Unauthorized => "error-401",
            AppError::Forbidden => "error-403",
            AppError::Csrf => "error-csrf",
            AppError::NotFound => "error-404",
            AppError::Conflict(f) => f.reason,
            AppError::TooManyRequests => "error-429",
            AppError::PasswordChangeRequired => "error-password-change-required",
            AppError::Db(_) | AppError::Internal { .. } => "error-500",
        }
    }

    pub(crate) fn fields(&self) -> Vec<FieldError> {
        match self {
            AppError::Invalid(f) => f.clone(),
            AppError::Conflict(f) => vec![f.clone()],
            _ => Vec::new(),
        }
    }
}

/// What the error middleware needs to render the answer.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub message_id: &'static str,
    pub fields: Vec<FieldError>,
    /// For the log only.
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let detail = match &self {
            AppError::Db(_) | AppError::Internal { .. } => {
                // The whole chain: "internal: template: <askama error>: <its cause>".
                let mut text = self.to_string();
                let mut cause = std::error::Error::source(&self);
                while let Some(c) = cause {
                    text.push_str(": ");
                    text.push_str(&c.to_string());
                    cause = c.source();
                }
                Some(text)
            }
            _ => None,
        };
        let info = ErrorInfo {
            message_id: self.message_id(),
            fields: self.fields(),
            detail,
        };
        let mut resp = self.status().into_response();
        resp.extensions_mut().insert(info);
        resp
    }
}

/// Failures while starting up (binary only reports them).
#[derive(Debug, Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("province {0} is not in the official list of administrative units")]
    UnknownProvince(String),
    #[error("scam rules: {0}")]
    ScamRules(#[from] crate::scam::engine::EngineError),
    #[error("assistant: {0}")]
    Assistant(#[from] crate::assistant::engine::StartupError),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server error's log line carries what failed and every cause below it.
    #[test]
    fn an_internal_error_keeps_its_cause_for_the_log() {
        let io = std::io::Error::other("disk full");
        let resp = AppError::internal("csv export", io).into_response();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let info = resp.extensions().get::<ErrorInfo>().expect("error info");
        assert_eq!(info.message_id, "error-500");
        assert_eq!(
            info.detail.as_deref(),
            Some("internal: csv export: disk full")
        );
    }
}
