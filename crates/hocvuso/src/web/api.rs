//! The JSON API's shared pieces: the error body and the OpenAPI description of every endpoint.
use axum::Json;
use utoipa::OpenApi;

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

#[derive(OpenApi)]
#[openapi(
    info(title = "Học vụ số API", description = "Open data and app API of Học vụ số.", license(name = "AGPL-3.0-or-later")),
    paths(
        crate::units::api::get_unit,
        crate::units::api::get_children,
        crate::scam::api::check,
        crate::scam::api::report,
        crate::reports::api::get_unit_stats,
        crate::sync::api::sync,
        crate::assistant::api::ask,
        crate::learning::api::courses,
        crate::learning::api::course,
        crate::learning::api::progress,
        crate::learning::api::quiz,
    ),
    components(schemas(ApiError, ApiErrorBody, ApiFieldError, crate::units::model::Unit, crate::reports::api::UnitStats,
        crate::sync::model::SyncRequest, crate::sync::model::SyncItem, crate::sync::model::SyncResponse,
        crate::sync::model::SyncResult, crate::sync::model::DeviceTime, crate::sync::model::SyncFieldError, crate::sync::model::ItemStatus,
        crate::assistant::api::AskRequest, crate::assistant::ask::Reply, crate::assistant::engine::Source,
        crate::learning::api::CourseInfo, crate::learning::api::CourseSummary, crate::learning::api::CourseDetail, crate::learning::api::LessonLink,
        crate::learning::api::ProgressBatch, crate::learning::api::ProgressItem, crate::learning::api::ProgressResponse,
        crate::learning::api::ProgressResult, crate::learning::api::QuizScore, crate::learning::api::QuizSubmission,
        crate::learning::api::QuizResult, crate::learning::api::QuestionFeedback)),
    tags(
        (name = "units", description = "Administrative units: province, communes, villages"),
        (name = "scam", description = "Scam check: is this message a scam, and why; report one"),
        (name = "stats", description = "Open data: aggregates per unit and period"),
        (name = "field", description = "Field work: offline sync of team activities, households and attendance"),
        (name = "assistant", description = "Virtual assistant: answers from the platform's FAQ and lessons, or says it cannot"),
        (name = "learning", description = "Courses and lessons; a learner's progress and quiz answers, replayable with client ids"),
    )
)]
pub struct ApiDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The description with what only this deployment knows: the codes of its province's communes, the
/// only values a scam report's `commune` may take (so a client, or a fuzzer, can tell a valid report
/// from one the server must refuse).
pub async fn openapi_json(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
) -> crate::AppResult<Json<serde_json::Value>> {
    let mut doc =
        serde_json::to_value(openapi()).map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let communes: Vec<String> = crate::units::store::children(&state.db, &state.province.code)
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    if let Some(commune) = doc.pointer_mut("/components/schemas/ReportRequest/properties/commune") {
        commune["enum"] = serde_json::json!(communes);
    }
    Ok(Json(doc))
}
