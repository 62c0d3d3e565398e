//! JSON: ask the assistant.
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::ask::{AskOptions, Reply, ask as answer};
use super::model::clean_question;
use crate::web::api::JsonObject;
use crate::web::auth::MaybeUser;
use crate::web::client::ClientAddr;
use crate::{AppError, AppResult, AppState};

/// A question.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AskRequest {
    /// The question as typed, with or without diacritics (1–500 characters, at least one letter or
    /// digit, no control characters other than line breaks and tabs).
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01b0\u1ea0-\u1ef9][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub question: String,
    /// Interface language, `vi` or `en`; defaults to the language cookie, else Vietnamese.
    #[serde(default)]
    #[schema(pattern = "^(vi|en)?$")]
    pub lang: Option<String>,
}

/// Ask the virtual assistant.
///
/// Answers from the platform's FAQ and lessons only, citing them; when they do not answer the question
/// the reply says so (`confident: false`) and points to the commune's digital team, the province hotline
/// and the official portal. An unanswered question is kept for the administrators with phone, ID,
/// account numbers and e-mails removed. Needs no CSRF token.
#[utoipa::path(post, path = "/api/v1/assistant/ask", tag = "assistant",
    request_body = AskRequest,
    responses((status = 200, body = Reply), (status = 400, body = crate::web::api::ApiError),
        (status = 422, description = "Missing, empty or too long question", body = crate::web::api::ApiError),
        (status = 429, description = "Too many questions from this address; try again in a minute", body = crate::web::api::ApiError)))]
pub async fn ask(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: JsonObject,
) -> AppResult<Json<Reply>> {
    crate::web::ratelimit::hit(&state.db, &crate::web::ratelimit::ASK, &client).await?;
    let question = body.text("question", true)?;
    let lang = body.lang(&headers)?;
    let question = clean_question(&question).map_err(|e| AppError::Invalid(vec![e]))?;
    let reply = answer(
        &state,
        user.as_ref(),
        &question,
        AskOptions {
            lang,
            live: true,
            client,
        },
    )
    .await?;
    Ok(Json(reply))
}
