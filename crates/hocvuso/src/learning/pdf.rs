//! Certificate PDFs: one A4 landscape page, Noto Sans embedded (cut to Latin + Vietnamese, see
//! `fonts/README.md`), the learner's name, the course, the date, the issuing province, the code and a
//! QR code of the public verification URL.
//!
//! Written straight with `pdf-writer`: the fonts are parsed, compressed and given their ToUnicode maps
//! once per process, so each certificate only lays out a few lines and copies the prepared streams.
//! Text is NFC, where every Vietnamese letter is one precomposed character with its own glyph, so a
//! character → glyph lookup is all the shaping needed. The ToUnicode maps keep the text searchable and
//! extractable (tests read the name back out of the PDF).
use std::collections::HashMap;
use std::sync::LazyLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use unicode_normalization::UnicodeNormalization;

static REGULAR_TTF: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.subset.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.subset.ttf");

/// A4 landscape in points.
const PAGE_W: f32 = 842.0;
const PAGE_H: f32 = 595.0;

/// What a certificate says. Strings are shown as given (NFC-normalised).
pub struct CertificateText<'a> {
    /// "GIẤY CHỨNG NHẬN", "Chứng nhận", "đã hoàn thành khoá học", "Cấp ngày", "Mã xác minh",
    /// "Quét mã QR để xác minh", movement name: in the certificate's language.
    pub labels: &'a Labels,
    pub full_name: &'a str,
    pub course_title: &'a str,
    /// dd/mm/yyyy
    pub date: &'a str,
    pub province_name: &'a str,
    /// The unit that issues it (the province, or the commune of a class).
    pub issuer: &'a str,
    pub code: &'a str,
    pub verify_url: &'a str,
}

#[derive(Debug, Clone)]
pub struct Labels {
    pub heading: String,
    pub certifies: String,
    pub completed: String,
    pub issued_on: String,
    pub code: String,
    pub scan: String,
    pub movement: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("embedded font cannot be read: {0}")]
    Font(&'static str),
    #[error("QR code: {0}")]
    Qr(String),
}

struct Font {
    base_name: &'static [u8],
    glyphs: HashMap<char, u16>,
    /// Advance widths by glyph id, in 1/1000 of the font size.
    widths: Vec<f32>,
    fallback: u16,
    bbox: Rect,
    ascent: f32,
    descent: f32,
    cap_height: f32,
    stem_v: f32,
    file_deflated: Vec<u8>,
    file_len: i32,
    to_unicode_deflated: Vec<u8>,
}

impl Font {
    fn load(data: &[u8], base_name: &'static [u8], stem_v: f32) -> Result<Font, PdfError> {
        let face =
            ttf_parser::Face::parse(data, 0).map_err(|_| PdfError::Font("not a TrueType font"))?;
        let per_em = f32::from(face.units_per_em());
        let scale = |v: f32| v * 1000.0 / per_em;
        let widths: Vec<f32> = (0..face.number_of_glyphs())
            .map(|g| {
                scale(f32::from(
                    face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0),
                ))
            })
            .collect();
        let mut glyphs: HashMap<char, u16> = HashMap::new();
        let cmap = face.tables().cmap.ok_or(PdfError::Font("no cmap table"))?;
        for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
            sub.codepoints(|cp| {
                if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) {
                    glyphs.entry(c).or_insert(g.0);
                }
            });
        }
        let fallback = glyphs
            .get(&'?')
            .copied()
            .ok_or(PdfError::Font("no '?' glyph"))?;
        // One Unicode value per glyph (the smallest code point that maps to it), for text extraction.
        let mut by_glyph: Vec<(u16, char)> = glyphs.iter().map(|(c, g)| (*g, *c)).collect();
        by_glyph.sort();
        by_glyph.dedup_by_key(|(g, _)| *g);
        let mut to_unicode = UnicodeCmap::new(Name(b"Custom"), system_info());
        for (g, c) in by_glyph {
            to_unicode.pair(g, c);
        }
        let to_unicode = to_unicode.finish();
        let b = face.global_bounding_box();
        Ok(Font {
            base_name,
            glyphs,
            widths,
            fallback,
            bbox: Rect::new(
                scale(f32::from(b.x_min)),
                scale(f32::from(b.y_min)),
                scale(f32::from(b.x_max)),
                scale(f32::from(b.y_max)),
            ),
            ascent: scale(f32::from(face.ascender())),
            descent: scale(f32::from(face.descender())),
            cap_height: scale(f32::from(face.capital_height().unwrap_or(face.ascender()))),
            stem_v,
            file_deflated: deflate(data),
            file_len: i32::try_from(data.len()).map_err(|_| PdfError::Font("font too large"))?,
            to_unicode_deflated: deflate(to_unicode.as_slice()),
        })
    }

    /// Glyph ids as Identity-H bytes, and the width at `size` points.
    fn encode(&self, text: &str, size: f32) -> (Vec<u8>, f32) {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        let mut width = 0.0;
        for c in text.nfc() {
            let c = if c.is_whitespace() { ' ' } else { c };
            let g = self.glyphs.get(&c).copied().unwrap_or(self.fallback);
            bytes.extend_from_slice(&g.to_be_bytes());
            width += self.widths.get(usize::from(g)).copied().unwrap_or(0.0);
        }
        (bytes, width * size / 1000.0)
    }
}

fn system_info() -> SystemInfo<'static> {
    SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

struct Fonts {
    regular: Font,
    bold: Font,
}

static FONTS: LazyLock<Result<Fonts, String>> = LazyLock::new(|| {
    Ok(Fonts {
        regular: Font::load(REGULAR_TTF, b"HVSAAA+NotoSans-Regular", 80.0)
            .map_err(|e| e.to_string())?,
        bold: Font::load(BOLD_TTF, b"HVSAAB+NotoSans-Bold", 140.0).map_err(|e| e.to_string())?,
    })
});

fn fonts() -> Result<&'static Fonts, PdfError> {
    FONTS
        .as_ref()
        .map_err(|_| PdfError::Font("embedded fonts failed to load"))
}

/// Parse the embedded fonts now rather than on the first certificate.
pub fn warm_up() -> Result<(), PdfError> {
    fonts().map(|_| ())
}

struct Page<'f> {
    content: Content,
    fonts: &'f Fonts,
}

impl Page<'_> {
    /// A line centred on the page, shrunk until it fits `max_width`.
    fn centred(&mut self, bold: bool, size: f32, y: f32, max_width: f32, text: &str) {
        let (font, name) = self.pick(bold);
        let (bytes, mut width) = font.encode(text, size);
        let mut size = size;
        if width > max_width && width > 0.0 {
            size = (size * max_width / width).max(8.0);
            width = font.encode(text, size).1;
        }
        let x = (PAGE_W - width) / 2.0;
        self.content
            .begin_text()
            .set_font(Name(name), size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn left(&mut self, bold: bool, size: f32, x: f32, y: f32, text: &str) {
        let (font, name) = self.pick(bold);
        let (bytes, _) = font.encode(text, size);
        self.content
            .begin_text()
            .set_font(Name(name), size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn pick(&self, bold: bool) -> (&Font, &'static [u8]) {
        if bold {
            (&self.fonts.bold, b"F2")
        } else {
            (&self.fonts.regular, b"F1")
        }
    }
}

/// Dark modules of the QR code as filled rectangles (horizontal runs merged), bottom-left at (x, y).
fn draw_qr(content: &mut Content, url: &str, x: f32, y: f32, size: f32) -> Result<(), PdfError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| PdfError::Qr(e.to_string()))?;
    let n = code.width();
    let colors = code.to_colors();
    // Four modules of quiet zone on each side.
    let module = size / (n as f32 + 8.0);
    let origin_x = x + 4.0 * module;
    let top = y + size - 4.0 * module;
    content.set_fill_rgb(0.0, 0.0, 0.0);
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                content.rect(
                    origin_x + start as f32 * module,
                    top - (row as f32 + 1.0) * module,
                    (col - start) as f32 * module,
                    module,
                );
            } else {
                col += 1;
            }
        }
    }
    content.fill_nonzero();
    Ok(())
}

/// One certificate as PDF bytes.
pub fn certificate(t: &CertificateText<'_>) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let mut page = Page {
        content: Content::new(),
        fonts,
    };
    // Frame: a deep blue double border.
    page.content
        .set_stroke_rgb(0.09, 0.27, 0.55)
        .set_line_width(4.0)
        .rect(22.0, 22.0, PAGE_W - 44.0, PAGE_H - 44.0)
        .stroke()
        .set_line_width(1.0)
        .rect(32.0, 32.0, PAGE_W - 64.0, PAGE_H - 64.0)
        .stroke();
    page.content.set_fill_rgb(0.09, 0.27, 0.55);
    page.centred(true, 14.0, 532.0, 700.0, &t.province_name.to_uppercase());
    page.centred(false, 12.0, 514.0, 700.0, t.labels.movement.as_str());
    page.centred(true, 36.0, 440.0, 700.0, t.labels.heading.as_str());
    page.content.set_fill_rgb(0.1, 0.1, 0.1);
    page.centred(false, 15.0, 400.0, 700.0, t.labels.certifies.as_str());
    page.content.set_fill_rgb(0.0, 0.0, 0.0);
    page.centred(true, 30.0, 356.0, 720.0, t.full_name);
    page.content.set_fill_rgb(0.1, 0.1, 0.1);
    page.centred(false, 15.0, 318.0, 700.0, t.labels.completed.as_str());
    page.content.set_fill_rgb(0.09, 0.27, 0.55);
    page.centred(true, 22.0, 282.0, 720.0, t.course_title);
    page.content.set_fill_rgb(0.1, 0.1, 0.1);
    let issued = format!("{} {} · {}", t.labels.issued_on, t.date, t.issuer);
    page.centred(false, 13.0, 240.0, 700.0, &issued);
    page.left(
        true,
        13.0,
        60.0,
        112.0,
        &format!("{}: {}", t.labels.code, t.code),
    );
    page.left(false, 10.0, 60.0, 92.0, t.labels.scan.as_str());
    page.left(false, 10.0, 60.0, 76.0, t.verify_url);
    let qr_size = 130.0;
    draw_qr(
        &mut page.content,
        t.verify_url,
        PAGE_W - 60.0 - qr_size,
        48.0,
        qr_size,
    )?;
    let content = deflate(&page.content.finish());

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let pages = Ref::new(2);
    let page_id = Ref::new(3);
    let content_id = Ref::new(4);
    let info = Ref::new(5);
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page_id]).count(1);
    let mut p = pdf.page(page_id);
    p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
        .parent(pages)
        .contents(content_id);
    {
        let mut resources = p.resources();
        resources
            .fonts()
            .pair(Name(b"F1"), Ref::new(10))
            .pair(Name(b"F2"), Ref::new(20));
    }
    p.finish();
    pdf.stream(content_id, &content).filter(Filter::FlateDecode);
    write_font(&mut pdf, &fonts.regular, 10);
    write_font(&mut pdf, &fonts.bold, 20);
    pdf.document_info(info)
        .title(pdf_writer::TextStr(&format!(
            "{} – {}",
            t.labels.heading, t.full_name
        )))
        .producer(pdf_writer::TextStr("Học vụ số"));
    Ok(pdf.finish())
}

/// The Type0 font at `first` and its four helper objects at `first + 1 ..= first + 4`.
fn write_font(pdf: &mut Pdf, font: &Font, first: i32) {
    let type0 = Ref::new(first);
    let cid = Ref::new(first + 1);
    let descriptor = Ref::new(first + 2);
    let file = Ref::new(first + 3);
    let to_unicode = Ref::new(first + 4);
    pdf.type0_font(type0)
        .base_font(Name(font.base_name))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);
    let mut c = pdf.cid_font(cid);
    c.subtype(CidFontType::Type2)
        .base_font(Name(font.base_name))
        .system_info(system_info())
        .font_descriptor(descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    c.widths().consecutive(0, font.widths.iter().copied());
    c.finish();
    pdf.font_descriptor(descriptor)
        .name(Name(font.base_name))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(font.bbox)
        .italic_angle(0.0)
        .ascent(font.ascent)
        .descent(font.descent)
        .cap_height(font.cap_height)
        .stem_v(font.stem_v)
        .font_file2(file);
    pdf.stream(file, &font.file_deflated)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), font.file_len);
    pdf.stream(to_unicode, &font.to_unicode_deflated)
        .filter(Filter::FlateDecode);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        Labels {
            heading: "GIẤY CHỨNG NHẬN".into(),
            certifies: "Chứng nhận".into(),
            completed: "đã hoàn thành khoá học".into(),
            issued_on: "Cấp ngày".into(),
            code: "Mã xác minh".into(),
            scan: "Quét mã QR để xác minh".into(),
            movement: "Phong trào Bình dân học vụ số".into(),
        }
    }

    #[test]
    fn makes_a_pdf_with_every_vietnamese_letter_mapped() {
        let fonts = fonts().expect("fonts");
        for c in
            "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ".chars()
        {
            assert!(fonts.regular.glyphs.contains_key(&c), "regular lacks {c}");
            assert!(fonts.bold.glyphs.contains_key(&c), "bold lacks {c}");
        }
        let l = labels();
        let pdf = certificate(&CertificateText {
            labels: &l,
            full_name: "Hồ Thị Lan",
            course_title: "VNeID – định danh điện tử",
            date: "05/12/2026",
            province_name: "Quảng Trị",
            issuer: "Phường Đông Hà",
            code: "AB23-CD45-EF67",
            verify_url: "https://hocvuso.example/verify/AB23-CD45-EF67",
        })
        .expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        // HV_PDF_OUT=/tmp/c.pdf keeps the sample to look at (pdftoppm -png).
        if let Ok(path) = std::env::var("HV_PDF_OUT") {
            std::fs::write(path, &pdf).expect("write sample");
        }
        assert!(pdf.len() < 150_000, "{} bytes", pdf.len());
    }
}
