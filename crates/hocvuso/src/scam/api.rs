//! JSON: check a message; report one.
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use super::model::{ReasonView, ResultView, clean_message, clean_sender};
use crate::web::api::{ApiError, JsonObject};
use crate::web::auth::MaybeUser;
use crate::{AppError, AppResult, AppState};

/// `scam` and `suspicious` warn. `quang_cao`: advertising from a real brand (its own domain, a known
/// sender), not a scam; the advice says how to refuse such messages. `no_record`: a bare phone number
/// or link the platform has no record of — not a clean bill of health; the advice says how to check.
/// `safe`: no sign of a scam found.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictLevel {
    Scam,
    Suspicious,
    #[serde(rename = "quang_cao")]
    Advertising,
    NoRecord,
    Safe,
}

impl From<scamcheck::Level> for VerdictLevel {
    fn from(l: scamcheck::Level) -> Self {
        match l {
            scamcheck::Level::Scam => VerdictLevel::Scam,
            scamcheck::Level::Suspicious => VerdictLevel::Suspicious,
            scamcheck::Level::Advertising => VerdictLevel::Advertising,
            scamcheck::Level::NoRecord => VerdictLevel::NoRecord,
            scamcheck::Level::Safe => VerdictLevel::Safe,
        }
    }
}

/// A message to check.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CheckRequest {
    /// The message, phone number or link as received (at most 5,000 characters, not blank, no
    /// control characters other than line breaks and tabs).
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub text: String,
    /// Who sent it, as shown on the phone (optional): a brand name (`Viettel`, `VCB`, `MoMo`), a
    /// short code (`191`, `9029`), a phone number, or `Zalo` / `Facebook` / `khác`. A sender in the
    /// register of real senders lowers the risk (content still decides: sender names can be faked);
    /// a personal number or chat account speaking for a bank or agency raises it. At most 60
    /// characters, one line, no control characters.
    #[serde(default)]
    #[schema(max_length = 60, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub sender: Option<String>,
    /// Language of the reasons and advice, `vi` (default) or `en`.
    #[serde(default)]
    #[schema(pattern = "^(vi|en)?$")]
    pub lang: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CheckResult {
    pub verdict: VerdictLevel,
    /// 0.0 (no sign of a scam) to 1.0.
    pub score: f32,
    /// Warnings first, strongest first; then reassuring signs.
    pub reasons: Vec<ReasonView>,
    /// What to do now.
    pub advice: String,
    /// The lesson to read next.
    pub learn_url: String,
}

impl From<ResultView> for CheckResult {
    fn from(v: ResultView) -> Self {
        CheckResult {
            verdict: v.level.into(),
            score: v.score,
            reasons: v.reasons,
            advice: v.advice,
            learn_url: v.learn_url,
        }
    }
}

/// A message to report as a scam.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReportRequest {
    /// The message as received. The reporter's own phone number and name (when signed in) and
    /// ID-card-like numbers are removed before it is stored. The same limits as for a check.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub text: String,
    /// Official code of the commune where it was received, one of this province's (listed in the
    /// schema the server publishes). A signed-in person may leave it out: their home commune is used.
    #[serde(default)]
    #[schema(value_type = String, required = true, pattern = "^[0-9]{1,6}$")]
    pub commune: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ReportFiled {
    pub id: String,
    pub verdict: VerdictLevel,
    /// Code of the strongest reason, or `none`.
    pub kind: String,
    /// The same client had already reported this message today; it was not counted again.
    pub duplicate: bool,
}

/// Check a message, phone number or link.
///
/// Writes nothing, so it needs no CSRF token; any site or app may call it.
#[utoipa::path(post, path = "/api/v1/scam/check", tag = "scam",
    request_body = CheckRequest,
    responses((status = 200, body = CheckResult), (status = 400, body = ApiError),
        (status = 422, description = "A field is refused (`text` or `sender`: empty, too long, control characters); the error names the field and gives the reason in the requested language", body = ApiError),
        (status = 429, description = "Too many checks from this address; try again in a minute", body = ApiError)))]
pub async fn check(
    State(state): State<AppState>,
    crate::web::client::ClientAddr(client): crate::web::client::ClientAddr,
    headers: HeaderMap,
    body: JsonObject,
) -> AppResult<Json<CheckResult>> {
    crate::web::ratelimit::hit(&state.db, &crate::web::ratelimit::SCAM_CHECK, &client).await?;
    let text = body.text("text", true)?;
    let lang = body.lang(&headers)?;
    let text = clean_message(&text).map_err(|e| AppError::Invalid(vec![e]))?;
    let sender =
        clean_sender(&body.text("sender", false)?).map_err(|e| AppError::Invalid(vec![e]))?;
    let snapshot = state.scam.snapshot(&state.db).await;
    let verdict = snapshot.checker.check_from(&text, sender.as_deref());
    let view = ResultView::new(&verdict, lang, |l| {
        state.scam.lesson_title(l).map(str::to_owned)
    });
    Ok(Json(view.into()))
}

/// Report a message as a scam (the "Báo cáo lừa đảo" button).
///
/// A write: the body must be `application/json` and, from a browser, same-origin. Limited per client
/// address; the same message from the same client is counted once a day.
#[utoipa::path(post, path = "/api/v1/scam/reports", tag = "scam",
    request_body = ReportRequest,
    responses((status = 201, body = ReportFiled), (status = 200, description = "Already reported by this client today", body = ReportFiled),
        (status = 400, body = ApiError), (status = 403, body = ApiError), (status = 422, body = ApiError), (status = 429, body = ApiError)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    crate::web::client::ClientAddr(ip): crate::web::client::ClientAddr,
    headers: HeaderMap,
    body: JsonObject,
) -> AppResult<(StatusCode, Json<ReportFiled>)> {
    crate::web::api::require_json_write(&headers, "scam-json-required")?;
    let text = body.text("text", true)?;
    let commune = body.text("commune", false)?;
    let filed = super::report::file(&state, user.as_ref(), &ip, &text, &commune).await?;
    let status = if filed.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(ReportFiled {
            id: filed.id,
            verdict: filed.verdict.into(),
            kind: filed.kind,
            duplicate: filed.duplicate,
        }),
    ))
}
