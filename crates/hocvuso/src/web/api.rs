//! The JSON API's shared piece: the error body every endpoint answers with (the description of the
//! endpoints themselves is assembled in `app.rs`).

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
