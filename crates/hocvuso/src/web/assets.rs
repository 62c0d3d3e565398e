//! Static files compiled into the binary, served under content-hashed names with immutable caching:
//! a phone on 3G downloads the CSS once per release, never again.
use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

#[derive(rust_embed::RustEmbed)]
#[folder = "assets/"]
struct Files;

struct Table {
    /// "app.css" → "/assets/app.3f9a1c2b.css"
    urls: HashMap<String, String>,
    /// "app.3f9a1c2b.css" → "app.css"
    by_hashed: HashMap<String, String>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut urls = HashMap::new();
    let mut by_hashed = HashMap::new();
    for name in Files::iter() {
        let Some(file) = Files::get(&name) else {
            continue;
        };
        let hash = hex::encode(&Sha256::digest(&file.data)[..5]);
        let hashed = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
            None => format!("{name}.{hash}"),
        };
        urls.insert(name.to_string(), format!("/assets/{hashed}"));
        by_hashed.insert(hashed, name.to_string());
    }
    Table { urls, by_hashed }
});

/// URL of an asset by its plain name; the plain path if unknown (a test checks every one resolves).
pub(crate) fn url(name: &str) -> String {
    TABLE
        .urls
        .get(name)
        .cloned()
        .unwrap_or_else(|| format!("/assets/{name}"))
}

/// Raw bytes of an asset by its plain name (the service worker and the manifest use unhashed URLs).
pub(crate) fn bytes(name: &str) -> Option<std::borrow::Cow<'static, [u8]>> {
    Files::get(name).map(|f| f.data)
}

pub(crate) fn mime(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json" | "webmanifest") => "application/manifest+json",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

pub(crate) async fn serve(Path(file): Path<String>) -> Response {
    let Some(name) = TABLE.by_hashed.get(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(data) = bytes(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime(name))),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        data,
    )
        .into_response()
}
