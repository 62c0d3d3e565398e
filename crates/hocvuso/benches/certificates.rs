//! Certificate PDFs per second: the real generator (A4 landscape, two embedded Noto Sans fonts with
//! ToUnicode maps, a QR code of the verification URL), in process, with varied Vietnamese names.
//! Prints the rate on one thread and on every core, and the size of one PDF.
//!
//!     cargo bench -p hocvuso --bench certificates            # 2,000 PDFs per run
//!     HV_BENCH_PDFS=10000 cargo bench -p hocvuso --bench certificates
// The allocator the `hocvuso` binary uses, so the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use hocvuso::learning::pdf::{CertificateText, Labels, certificate, warm_up};

const NAMES: &[&str] = &[
    "Hồ Thị Lan",
    "Nguyễn Văn Ánh",
    "Trần Thị Bích Ngọc",
    "Lê Quốc Việt",
    "Phạm Thị Hường",
    "Hồ Văn Cường",
    "Đinh Thị Mỹ Duyên",
    "Võ Đức Thắng",
];

fn labels() -> Labels {
    Labels {
        heading: "GIẤY CHỨNG NHẬN".into(),
        certifies: "Chứng nhận ông/bà".into(),
        completed: "đã hoàn thành khoá học".into(),
        issued_on: "Cấp ngày".into(),
        code: "Mã xác minh".into(),
        scan: "Quét mã QR hoặc mở địa chỉ dưới đây để xác minh:".into(),
        movement: "Phong trào “Bình dân học vụ số”".into(),
    }
}

fn make(n: usize, offset: usize, labels: &Labels) -> usize {
    let mut bytes = 0;
    for i in 0..n {
        let code = format!("AB{:02}-CD{:02}-EF{:02}", (i + offset) % 97, i % 89, i % 83);
        let url = format!("https://hocvuso.quangtri.gov.vn/verify/{code}");
        let pdf = certificate(&CertificateText {
            labels,
            full_name: NAMES[(i + offset) % NAMES.len()],
            course_title: "VNeID – định danh điện tử",
            date: "05/12/2026",
            province_name: "Tỉnh Quảng Trị",
            issuer: "Tỉnh Quảng Trị",
            code: &code,
            verify_url: &url,
        })
        .expect("pdf");
        bytes += pdf.len();
    }
    bytes
}

fn main() {
    let n: usize = std::env::var("HV_BENCH_PDFS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    warm_up().expect("fonts");
    let labels = labels();
    let one = make(1, 0, &labels);

    let t = Instant::now();
    make(n, 0, &labels);
    let single = n as f64 / t.elapsed().as_secs_f64();

    let cores = std::thread::available_parallelism()
        .map(|c| c.get())
        .unwrap_or(1);
    let t = Instant::now();
    std::thread::scope(|s| {
        for c in 0..cores {
            let labels = &labels;
            s.spawn(move || make(n / cores, c * 1000, labels));
        }
    });
    let all = (n / cores * cores) as f64 / t.elapsed().as_secs_f64();

    println!(
        "certificate PDFs: {single:.0}/s on 1 thread, {all:.0}/s on {cores} threads ({n} PDFs each); one PDF is {one} bytes (target: at least 200/s)"
    );
}
