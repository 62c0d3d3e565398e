//! A page shared by many people except for a few short values (a CSRF token, a fresh form id): the
//! shared text is compressed once, and each answer stitches the person's values in between, stored.
//!
//! Compressing a 13 KB page costs far more than everything else a signed-in lesson view does, and all
//! but a few dozen bytes of it are the same for every learner. Deflate allows this: each shared chunk
//! is compressed on its own and ended with a sync flush (which leaves it byte-aligned and open), the
//! person's values go in as stored (uncompressed) blocks per request, and one empty final block closes the
//! stream. The gzip trailer needs the CRC-32 and length of the whole text, computed per answer over
//! the assembled text (a few microseconds). Brotli has no such seam, so these pages go out as gzip,
//! which every browser accepts.
use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::DeflateEncoder;

use super::compress::accepts_gzip;

/// The fixed gzip member header: deflate, no name or time, unknown OS.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff];
/// An empty final block with fixed codes: closes a stream left open by sync flushes.
const FINAL_BLOCK: [u8; 2] = [0x03, 0x00];

struct Chunk {
    text: Bytes,
    deflated: Bytes,
}

/// A page split at its holes: `chunks[0] hole[0] chunks[1] hole[1] … chunks[n]`.
pub struct Stitched {
    chunks: Vec<Chunk>,
    /// Which value fills each hole (an index into the values given to [`Stitched::respond`]).
    holes: Vec<usize>,
}

fn deflate_open(text: &[u8], level: u32) -> Bytes {
    let mut e = DeflateEncoder::new(
        Vec::with_capacity(text.len() / 3 + 16),
        Compression::new(level),
    );
    // A sync flush after the text; the stream stays open (no final block) so more can follow.
    if e.write_all(text).and_then(|_| e.flush()).is_err() {
        return Bytes::new();
    }
    Bytes::from(std::mem::take(e.get_mut()))
}

/// `bytes` as deflate stored blocks (no compression: the values are a few dozen random characters,
/// and setting up a compressor per answer would cost more than the whole page's other work). The
/// stream is byte-aligned here (after a sync flush), and stays so after a stored block.
fn stored_blocks(out: &mut Vec<u8>, bytes: &[u8]) {
    for block in bytes.chunks(u16::MAX as usize) {
        let len = block.len() as u16;
        out.push(0x00); // not final, stored, padding to the byte boundary
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
}

impl crate::web::cached_page::Weighed for Stitched {
    fn size(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.text.len() + c.deflated.len())
            .sum::<usize>()
            + self.holes.len() * std::mem::size_of::<usize>()
    }
}

impl Stitched {
    /// Split `html` wherever one of `markers` occurs; marker `i` becomes a hole for value `i`.
    /// Markers must be plain words that HTML escaping leaves alone and no page text contains.
    pub(crate) fn from_marked(html: &str, markers: &[&str]) -> Stitched {
        let mut chunks = Vec::new();
        let mut holes = Vec::new();
        let mut rest = html;
        loop {
            let next = markers
                .iter()
                .enumerate()
                .filter_map(|(i, m)| rest.find(m).map(|at| (at, i, m.len())))
                .min();
            let Some((at, which, len)) = next else { break };
            chunks.push(&rest[..at]);
            holes.push(which);
            rest = &rest[at + len..];
        }
        chunks.push(rest);
        Stitched {
            chunks: chunks
                .into_iter()
                .map(|c| Chunk {
                    text: Bytes::copy_from_slice(c.as_bytes()),
                    deflated: deflate_open(c.as_bytes(), 9),
                })
                .collect(),
            holes,
        }
    }

    /// How many holes each value fills.
    #[cfg(test)]
    fn holes(&self) -> &[usize] {
        &self.holes
    }

    /// The page with `values` in its holes (escaped for HTML), gzip when the browser accepts it.
    pub(crate) fn respond(&self, headers: &HeaderMap, values: &[&str]) -> Response {
        let escaped: Vec<String> = values.iter().map(|v| escape(v)).collect();
        let fill = |hole: usize| escaped.get(hole).map(String::as_str).unwrap_or("");
        let mut text =
            Vec::with_capacity(self.chunks.iter().map(|c| c.text.len()).sum::<usize>() + 256);
        for (i, c) in self.chunks.iter().enumerate() {
            text.extend_from_slice(&c.text);
            if let Some(&h) = self.holes.get(i) {
                text.extend_from_slice(fill(h).as_bytes());
            }
        }
        let accept = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let gzip = accepts_gzip(&accept) && self.chunks.iter().all(|c| !c.deflated.is_empty());
        let mut resp = if gzip {
            let mut out = Vec::with_capacity(
                self.chunks.iter().map(|c| c.deflated.len()).sum::<usize>() + 128,
            );
            out.extend_from_slice(&GZIP_HEADER);
            for (i, c) in self.chunks.iter().enumerate() {
                out.extend_from_slice(&c.deflated);
                if let Some(&h) = self.holes.get(i) {
                    stored_blocks(&mut out, fill(h).as_bytes());
                }
            }
            out.extend_from_slice(&FINAL_BLOCK);
            out.extend_from_slice(&crc32fast::hash(&text).to_le_bytes());
            out.extend_from_slice(&(text.len() as u32).to_le_bytes());
            let mut r = Bytes::from(out).into_response();
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        } else {
            Bytes::from(text).into_response()
        };
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        resp
    }
}

fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use proptest::prelude::*;

    use super::*;

    async fn body(resp: Response) -> (Option<String>, Vec<u8>) {
        let enc = resp
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        (enc, bytes.to_vec())
    }

    fn gunzip(b: &[u8]) -> String {
        let mut d = flate2::read::GzDecoder::new(b);
        let mut s = String::new();
        d.read_to_string(&mut s).expect("a valid gzip stream");
        s
    }

    fn gzip_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br"),
        );
        h
    }

    #[tokio::test]
    async fn holes_are_filled_escaped_in_both_encodings() {
        let page = Stitched::from_marked(
            "<form><input name=csrf value=\"HOLEA\"><input value=\"HOLEB\"></form><p>HOLEA</p>",
            &["HOLEA", "HOLEB"],
        );
        assert_eq!(page.holes(), &[0, 1, 0]);
        let want = "<form><input name=csrf value=\"t&lt;1&gt;\"><input value=\"id-2\"></form><p>t&lt;1&gt;</p>";
        let (enc, plain) = body(page.respond(&HeaderMap::new(), &["t<1>", "id-2"])).await;
        assert_eq!(enc, None);
        assert_eq!(String::from_utf8(plain).expect("utf-8"), want);
        let (enc, gz) = body(page.respond(&gzip_headers(), &["t<1>", "id-2"])).await;
        assert_eq!(enc.as_deref(), Some("gzip"));
        assert_eq!(gunzip(&gz), want);
    }

    #[tokio::test]
    async fn a_value_longer_than_a_stored_block_still_decodes() {
        let page = Stitched::from_marked("<p>HOLEA</p>", &["HOLEA"]);
        let long = "x".repeat(70_000);
        let (_, gz) = body(page.respond(&gzip_headers(), &[&long])).await;
        assert_eq!(gunzip(&gz), format!("<p>{long}</p>"));
    }

    proptest! {
        /// Whatever the page and the values, the stitched gzip stream decodes to the plain page.
        #[test]
        fn stitched_gzip_is_the_plain_page(
            parts in proptest::collection::vec("[a-zà-ỹ <>\"&\n]{0,300}", 1..6),
            values in proptest::collection::vec("[a-z0-9<&]{0,40}", 2),
        ) {
            let html = parts.join("MARKA");
            let page = Stitched::from_marked(&html, &["MARKA", "MARKB"]);
            let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let v: Vec<&str> = values.iter().map(String::as_str).collect();
            let (_, plain) = rt.block_on(body(page.respond(&HeaderMap::new(), &v)));
            let (_, gz) = rt.block_on(body(page.respond(&gzip_headers(), &v)));
            prop_assert_eq!(gunzip(&gz).into_bytes(), plain.clone());
            prop_assert_eq!(String::from_utf8(plain).expect("utf-8"), parts.join(&escape(&values[0])));
        }
    }
}
