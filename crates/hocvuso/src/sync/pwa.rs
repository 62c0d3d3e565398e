//! The installable app: the web manifest, the service worker (served from the root so its scope is the
//! whole site), the offline fallback page and the outbox page ("N chưa gửi").
use askama::Template;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::web::assets;
use crate::web::page::{Page, render};

/// What the service worker stores on install: the app shell that every page needs.
fn precache() -> Vec<String> {
    let mut v: Vec<String> = ["/", "/ngoai-tuyen", "/chua-gui", "/manifest.webmanifest"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for a in [
        "app.css",
        "app.js",
        "field.js",
        "icon.svg",
        "icon-192.png",
        "icon-512.png",
    ] {
        v.push(assets::url(a));
    }
    v
}

/// The service worker script with this release's asset list; its version changes with any asset, so a
/// new release replaces the old shell cache.
pub(crate) fn service_worker_source() -> String {
    let list = precache();
    let version = hex::encode(&Sha256::digest(list.join("\n").as_bytes())[..6]);
    let src = assets::bytes("sw.js")
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    src.replace("__VERSION__", &version).replace(
        "__PRECACHE__",
        &serde_json::to_string(&list).unwrap_or_else(|_| "[]".into()),
    )
}

pub(crate) async fn service_worker() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            // Always revalidated: a stale worker would keep serving an old release.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                HeaderName::from_static("service-worker-allowed"),
                HeaderValue::from_static("/"),
            ),
        ],
        service_worker_source(),
    )
        .into_response()
}

pub(crate) async fn manifest(page: Page) -> Response {
    let body = serde_json::json!({
        "name": page.t("pwa-name"),
        "short_name": page.t("site-name"),
        "description": page.t("pwa-description"),
        "lang": page.lang.code(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "icons": [
            {"src": assets::url("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": assets::url("icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": assets::url("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": assets::url("icon.svg"), "sizes": "any", "type": "image/svg+xml"}
        ],
        "shortcuts": [
            {"name": page.t("field-home-title"), "url": "/hien-truong"},
            {"name": page.t("class-find-title"), "url": "/lop-hoc"}
        ]
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body.to_string(),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "sync/offline.html")]
struct OfflinePage {
    page: Page,
}

pub(crate) async fn offline_page(page: Page) -> Response {
    render(&OfflinePage { page })
}

#[derive(Template)]
#[template(path = "sync/outbox.html")]
struct OutboxPage {
    page: Page,
}

pub(crate) async fn outbox_page(page: Page) -> Response {
    render(&OutboxPage { page })
}

#[cfg(test)]
mod tests {
    #[test]
    fn worker_lists_real_assets() {
        let src = super::service_worker_source();
        assert!(!src.contains("__VERSION__") && !src.contains("__PRECACHE__"));
        for a in ["app.css", "field.js", "icon-192.png"] {
            assert!(src.contains(&crate::web::assets::url(a)), "{a}");
            assert!(crate::web::assets::bytes(a).is_some(), "{a} is embedded");
        }
    }
}
