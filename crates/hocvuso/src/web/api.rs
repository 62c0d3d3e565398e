//! The JSON API's shared piece: the error body every endpoint answers with (the description of the
//! endpoints themselves is assembled in `app.rs`), and the JSON body the endpoints read.

/// Every JSON error has this shape.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub status: u16,
    /// Machine-readable reason, e.g. `unit-code-malformed`.
    pub code: String,
    /// The reason in the interface language.
    pub message: String,
    pub fields: Vec<ApiFieldError>,
    /// Quote this to the administrator.
    pub request_id: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub message: String,
}

/// A JSON request body that must be one object, read field by field: each wrong field is answered
/// with its own name and a translated reason, where serde's derive stops at the first problem and
/// explains it in English.
pub struct JsonObject(serde_json::Map<String, serde_json::Value>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for JsonObject {
    type Rejection = axum::response::Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        JsonObject::parse(&body).map_err(IntoResponse::into_response)
    }
}

impl JsonObject {
    /// The body as one JSON object, or 400 `api-json-object`.
    pub fn parse(body: &[u8]) -> crate::AppResult<JsonObject> {
        match serde_json::from_slice(body) {
            Ok(serde_json::Value::Object(map)) => Ok(JsonObject(map)),
            _ => Err(crate::AppError::BadRequest("api-json-object")),
        }
    }

    /// A text field; absent or null is "" unless `required` (then `field-required`).
    pub(crate) fn text(&self, name: &'static str, required: bool) -> crate::AppResult<String> {
        use serde_json::Value;
        match self.0.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) if !required => Ok(String::new()),
            None | Some(Value::Null) => Err(crate::AppError::field(name, "field-required")),
            Some(_) => Err(crate::AppError::field(name, "api-field-not-text")),
        }
    }

    /// The reply's language: the `lang` field when given (`vi` or `en`), else the visitor's.
    pub(crate) fn lang(
        &self,
        headers: &axum::http::HeaderMap,
    ) -> crate::AppResult<crate::i18n::Lang> {
        match self.text("lang", false)?.as_str() {
            "" => Ok(crate::web::page::lang_of(headers)),
            other => crate::i18n::Lang::parse(other)
                .ok_or_else(|| crate::AppError::field("lang", "field-choose")),
        }
    }
}

/// Is the body declared JSON (`Content-Type: application/json`, parameters aside)?
pub(crate) fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// A JSON write must come from this site (403) and be declared JSON (400 with `reason`): a browser
/// cannot send JSON cross-site without a preflight, and the origin check stops the rest.
pub(crate) fn require_json_write(
    headers: &axum::http::HeaderMap,
    reason: &'static str,
) -> crate::AppResult<()> {
    if !super::csrf::same_origin(headers) {
        return Err(crate::AppError::Csrf);
    }
    if is_json(headers) {
        Ok(())
    } else {
        Err(crate::AppError::BadRequest(reason))
    }
}
