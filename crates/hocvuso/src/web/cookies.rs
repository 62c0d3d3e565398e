//! Reading and writing cookies. Every cookie is HttpOnly and SameSite; Secure when the site is HTTPS.
use axum::http::{HeaderMap, HeaderValue, header};

pub(crate) fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub struct CookieSpec<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub max_age: Option<i64>,
    pub same_site_strict: bool,
    pub secure: bool,
}

pub(crate) fn set_cookie(spec: CookieSpec<'_>) -> HeaderValue {
    let mut s = format!(
        "{}={}; Path=/; HttpOnly; SameSite={}",
        spec.name,
        spec.value,
        if spec.same_site_strict {
            "Strict"
        } else {
            "Lax"
        }
    );
    if let Some(age) = spec.max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if spec.secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}
