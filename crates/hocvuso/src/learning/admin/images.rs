//! Pictures for local lessons: uploaded, resized to phone width, re-encoded, served.
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::db::now;
use crate::error::FieldError;
use crate::learning::store;
use crate::web::auth::ProvinceAdmin;
use crate::web::page::{Page, render, render_status};
use crate::web::text::clean_line;
use crate::{AppError, AppResult, AppState};

use super::courses::{course_form_state, course_page};
use super::local_course;

/// Widest picture kept: a phone screen at 2x.
pub const IMAGE_MAX_WIDTH: u32 = 800;

/// Decode a picture (JPEG or PNG), shrink it to phone width, re-encode as JPEG. Re-encoding also drops
/// whatever else the file carried (location tags, scripts in comments).
pub(crate) fn resize_for_phone(data: &[u8]) -> Result<(Vec<u8>, u32, u32), &'static str> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(|_| "learn-image-invalid")?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(200 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| "learn-image-invalid")?;
    let img = if img.width() > IMAGE_MAX_WIDTH {
        img.resize(
            IMAGE_MAX_WIDTH,
            u32::MAX,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 78)
        .encode_image(&rgb)
        .map_err(|_| "learn-image-invalid")?;
    Ok((out, rgb.width(), rgb.height()))
}

pub(crate) async fn upload_image(
    State(state): State<AppState>,
    page: Page,
    ProvinceAdmin(user): ProvinceAdmin,
    Path(slug): Path<String>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let course = local_course(&state, &slug).await?;
    if !course.is_local() {
        return Err(AppError::Forbidden);
    }
    let mut csrf = String::new();
    let mut data = Vec::new();
    let mut alt = String::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("alt") => alt = field.text().await.unwrap_or_default(),
            Some("image") => {
                data = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::BadRequest("learn-image-too-large"))?
                    .to_vec()
            }
            _ => {}
        }
    }
    // Multipart bodies are not read by CsrfForm; the same double-submit check, by hand.
    if csrf.is_empty()
        || !bool::from(subtle::ConstantTimeEq::ct_eq(
            csrf.as_bytes(),
            page.csrf.as_bytes(),
        ))
    {
        return Err(AppError::Csrf);
    }
    let lessons = store::lessons_of(&state.db, &course.id, false).await?;
    let chosen: Vec<String> = course
        .audience_list()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let resized = tokio::task::spawn_blocking(move || resize_for_phone(&data))
        .await
        .map_err(|e| AppError::internal("image resize task", e))?;
    let (jpeg, w, h) = match resized {
        Ok(r) => r,
        Err(reason) => {
            let mut form = course_form_state(&course);
            form.errors.push(FieldError::new("image", reason));
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &course_page(page, Some(course), lessons, form, chosen, None),
            ));
        }
    };
    let mut tx = state.db.begin().await?;
    let id = store::insert_image(
        &mut tx,
        &course.id,
        &jpeg,
        i64::from(w),
        i64::from(h),
        &user.id,
        now(),
    )
    .await?;
    crate::learning::cache::bump_version(&mut tx).await?;
    tx.commit().await?;
    state.lessons.invalidate();
    let alt = clean_line(&alt).unwrap_or_default().replace([']', '['], "");
    let snippet = format!("![{alt}]({}{id}.jpg)", content::LOCAL_IMAGE_PREFIX);
    let form = course_form_state(&course);
    Ok(render(&course_page(
        page,
        Some(course),
        lessons,
        form,
        chosen,
        Some(snippet),
    )))
}

/// `GET /hoc/anh/{id}.jpg`
pub(crate) async fn image(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let id = file.strip_suffix(".jpg").ok_or(AppError::NotFound)?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(AppError::NotFound);
    }
    let bytes = store::image(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Convert images stored as base64 text before migration 0015 into bytes (on SQLite; PostgreSQL's
/// migration does it). Runs on every start; with nothing left to convert it is one query. A value that
/// is not base64 is left as it is and logged: that image answers 404 rather than stopping the start.
pub(crate) async fn convert_stored_base64(db: &crate::db::Db) -> crate::db::DbResult<usize> {
    let mut converted = 0;
    for (id, data) in store::base64_images(db).await? {
        match base64::engine::general_purpose::STANDARD.decode(data.trim()) {
            Ok(jpeg) => {
                store::set_image_bytes(db, &id, &jpeg).await?;
                converted += 1;
            }
            Err(e) => {
                tracing::warn!(image = %id, error = %e, "a stored image is not base64; left as it is")
            }
        }
    }
    if converted > 0 {
        tracing::info!(converted, "stored images converted from base64 to bytes");
    }
    Ok(converted)
}
