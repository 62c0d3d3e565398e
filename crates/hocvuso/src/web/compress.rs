//! Response compression (brotli, gzip) with a cache of compressed bodies.
//!
//! Why not only tower-http's `CompressionLayer`: on a 2-core server, compressing every page on the fly
//! costs more than rendering it (the benchmark showed `GET /` at 10 k requests/s uncompressed and 3 k
//! gzipped). Most pages a visitor without an account reads — home, lessons, classes, dashboards — are
//! byte-for-byte the same for everyone, so this layer keeps the compressed bytes of recent bodies and
//! serves them again when the same body comes out of the handler. A hit costs one hash and one
//! comparison. The cache is per process and holds only derived bytes; the original body is stored
//! beside its compressed form and compared in full, so a hash collision can never serve another body.
//! Signed-in requests (a session cookie) are compressed but not cached: their pages are personal.
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Arc, LazyLock, Mutex};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// Bodies shorter than this are sent as they are (compression would not pay for its headers).
const MIN_SIZE: usize = 860;
/// Bodies longer than this are compressed but never cached.
const MAX_CACHED: usize = 256 * 1024;
/// Bodies longer than this are passed through untouched (downloads stream).
const MAX_BUFFERED: usize = 4 * 1024 * 1024;
/// Bytes kept (bodies and their compressed forms): the oldest go first past it.
const MAX_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        })
    }
}

struct Entry {
    original: Bytes,
    compressed: Bytes,
}

impl Entry {
    fn size(&self) -> usize {
        self.original.len() + self.compressed.len()
    }
}

/// Compressed bodies by encoding and hash, least recently used first out, and the bytes they hold.
struct Cache {
    entries: lru::LruCache<(Encoding, u64), Arc<Entry>>,
    bytes: usize,
}

impl Cache {
    fn put(&mut self, key: (Encoding, u64), entry: Arc<Entry>) {
        self.bytes += entry.size();
        if let Some(old) = self.entries.put(key, entry) {
            self.bytes -= old.size();
        }
        while self.bytes > MAX_BYTES {
            let Some((_, old)) = self.entries.pop_lru() else {
                break;
            };
            self.bytes -= old.size();
        }
    }
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| {
    Mutex::new(Cache {
        entries: lru::LruCache::unbounded(),
        bytes: 0,
    })
});

/// The best encoding the client accepts: brotli, then gzip; `None` for identity. Honours `q=0`.
pub(crate) fn negotiate(accept: &str) -> Option<Encoding> {
    match accepted(accept) {
        (true, _) => Some(Encoding::Brotli),
        (false, true) => Some(Encoding::Gzip),
        _ => None,
    }
}

/// Does the client accept gzip (for answers that only exist in gzip)?
pub(crate) fn accepts_gzip(accept: &str) -> bool {
    accepted(accept).1
}

/// (brotli, gzip) accepted.
fn accepted(accept: &str) -> (bool, bool) {
    let mut br = false;
    let mut gzip = false;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = it.any(|p| {
            let p = p.trim().replace(' ', "");
            p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
        });
        if refused {
            continue;
        }
        match name.as_str() {
            "br" => br = true,
            "gzip" | "x-gzip" => gzip = true,
            "*" => {
                br = true;
                gzip = true;
            }
            _ => {}
        }
    }
    (br, gzip)
}

fn compressible(content_type: &str) -> bool {
    let ct = content_type.split(';').next().unwrap_or("").trim();
    ct.starts_with("text/")
        || matches!(
            ct,
            "application/json"
                | "application/javascript"
                | "application/manifest+json"
                | "application/xml"
                | "image/svg+xml"
        )
}

pub(crate) fn compress(enc: Encoding, body: &[u8]) -> std::io::Result<Vec<u8>> {
    match enc {
        Encoding::Gzip => {
            let mut w = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 3),
                flate2::Compression::new(6),
            );
            w.write_all(body)?;
            w.finish()
        }
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 3);
            {
                // Quality 5 with a 4 MiB window: close to quality 11's size on HTML at a fraction of the time.
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                w.write_all(body)?;
            }
            Ok(out)
        }
    }
}

fn hash(body: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

/// The compressed form of `body`, from the cache when the same body was compressed before.
fn compressed(enc: Encoding, body: Bytes, cacheable: bool) -> std::io::Result<Bytes> {
    if !cacheable || body.len() > MAX_CACHED {
        return compress(enc, &body).map(Bytes::from);
    }
    let key = (enc, hash(&body));
    if let Ok(mut cache) = CACHE.lock()
        && let Some(e) = cache.entries.get(&key)
        && e.original == body
    {
        crate::telemetry::metrics::cache("compressed_bodies", true);
        return Ok(e.compressed.clone());
    }
    crate::telemetry::metrics::cache("compressed_bodies", false);
    let out = Bytes::from(compress(enc, &body)?);
    if let Ok(mut cache) = CACHE.lock() {
        cache.put(
            key,
            Arc::new(Entry {
                original: body,
                compressed: out.clone(),
            }),
        );
    }
    Ok(out)
}

pub(crate) async fn layer(req: Request, next: Next) -> Response {
    let enc = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .and_then(negotiate);
    let head = req.method() == Method::HEAD;
    let personal = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains(super::auth::SESSION_COOKIE));
    let mut res = next.run(req).await;
    vary(&mut res);
    let Some(enc) = enc else { return res };
    if head
        || res.status() != StatusCode::OK
        || res.headers().contains_key(header::CONTENT_ENCODING)
        || !res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(compressible)
    {
        return res;
    }
    // Streams of unknown or large size (downloads) pass through as they are.
    if res
        .body()
        .size_hint()
        .upper()
        .is_none_or(|n| n > MAX_BUFFERED as u64)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BUFFERED).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "response body could not be buffered for compression");
            return Response::from_parts(parts, Body::empty());
        }
    };
    if bytes.len() < MIN_SIZE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match compressed(enc, bytes.clone(), !personal) {
        Ok(out) => {
            parts.headers.insert(header::CONTENT_ENCODING, enc.header());
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.remove(header::ACCEPT_RANGES);
            Response::from_parts(parts, Body::from(out))
        }
        Err(e) => {
            tracing::warn!(error = %e, "compression failed; sending the body as it is");
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

fn vary(res: &mut Response) {
    let has = res
        .headers()
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("accept-encoding"));
    if !has {
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_cache_holds_at_most_its_bytes_and_keeps_the_recent() {
        let mut cache = Cache {
            entries: lru::LruCache::unbounded(),
            bytes: 0,
        };
        let body = Bytes::from(vec![b'a'; 200 * 1024]);
        for i in 0..100u64 {
            let entry = Arc::new(Entry {
                original: body.clone(),
                compressed: Bytes::from(vec![0; 1024]),
            });
            cache.put((Encoding::Gzip, i), entry);
            assert!(cache.bytes <= MAX_BYTES, "{} bytes after {i}", cache.bytes);
        }
        let held: usize = cache.entries.iter().map(|(_, e)| e.size()).sum();
        assert_eq!(held, cache.bytes, "the count matches what is held");
        assert!(cache.entries.contains(&(Encoding::Gzip, 99)));
        assert!(!cache.entries.contains(&(Encoding::Gzip, 0)));
        // Replacing an entry counts it once.
        let again = cache.bytes;
        let newest = cache.entries.peek(&(Encoding::Gzip, 99)).cloned();
        if let Some(e) = newest {
            cache.put((Encoding::Gzip, 99), e);
        }
        assert_eq!(cache.bytes, again);
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate("gzip, deflate, br"), Some(Encoding::Brotli));
        assert_eq!(negotiate("gzip"), Some(Encoding::Gzip));
        assert_eq!(negotiate("br;q=0, gzip;q=0.5"), Some(Encoding::Gzip));
        assert_eq!(negotiate("identity"), None);
        assert_eq!(negotiate("gzip;q=0"), None);
        assert_eq!(negotiate("*"), Some(Encoding::Brotli));
    }

    #[test]
    fn gzip_round_trips_and_the_cache_returns_the_same_bytes() {
        let body = Bytes::from("Bình dân học vụ số — ".repeat(200));
        let a = compressed(Encoding::Gzip, body.clone(), true).expect("gzip");
        let b = compressed(Encoding::Gzip, body.clone(), true).expect("gzip");
        assert_eq!(a, b);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&a[..])
            .read_to_string(&mut out)
            .expect("gunzip");
        assert_eq!(out.as_bytes(), &body[..]);
        // A different body never gets the first one's bytes.
        let other = Bytes::from("Kiểm tra tin nhắn lừa đảo. ".repeat(200));
        let c = compressed(Encoding::Gzip, other.clone(), true).expect("gzip");
        let mut out = String::new();
        flate2::read::GzDecoder::new(&c[..])
            .read_to_string(&mut out)
            .expect("gunzip");
        assert_eq!(out.as_bytes(), &other[..]);
    }

    #[test]
    fn brotli_round_trips() {
        let body = "<p>Xin chào</p>".repeat(300);
        let c = compress(Encoding::Brotli, body.as_bytes()).expect("br");
        let mut out = Vec::new();
        brotli::Decompressor::new(&c[..], 4096)
            .read_to_end(&mut out)
            .expect("unbrotli");
        assert_eq!(out, body.as_bytes());
        assert!(c.len() < body.len() / 5);
    }
}
