//! The binary alone serves the national content (issue 16); a content folder adds to it or replaces
//! parts of it.
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::TestApp;

/// Like `both!`, with the settings adjusted before the app starts.
macro_rules! both_configured {
    ($name:ident, $configure:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app =
                    $crate::TestApp::spawn_configured(hocvuso::db::Backend::Sqlite, $configure)
                        .await
                        .expect("sqlite app");
                ($body)(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    $crate::TestApp::spawn_configured(hocvuso::db::Backend::Postgres, $configure)
                        .await
                {
                    ($body)(app).await;
                }
            }
        }
    };
}

fn repo_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

/// A new, empty folder under the system's temporary folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hv-{tag}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const COURSES: [&str; 10] = [
    "ai-cho-can-bo",
    "ai-trong-doi-song",
    "bao-mat-tai-khoan",
    "dich-vu-cong",
    "dien-thoai-thong-minh",
    "nhan-dien-lua-dao",
    "thanh-toan-khong-tien-mat",
    "tin-gia-noi-dung-doc-hai",
    "vneid",
    "zalo-facebook-an-toan",
];

async fn ask(base: &str, client: &reqwest::Client, question: &str) -> Value {
    let r = client
        .post(format!("{base}/api/v1/assistant/ask"))
        .json(&json!({ "question": question }))
        .send()
        .await
        .expect("ask");
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

/// What a province gets from the binary alone: the ten courses listed with their lessons, the
/// assistant answering from the national FAQ (and quoting Quảng Trị's hotline when it cannot), the scam
/// check running on the built-in rules.
async fn serves_the_national_content(base: &str, client: &reqwest::Client) {
    let r = client.get(format!("{base}/hoc")).send().await.expect("GET");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("body");
    for c in COURSES {
        assert!(html.contains(&format!("href=\"/hoc/{c}\"")), "{c} listed");
    }
    let r = client
        .get(format!("{base}/hoc/vneid"))
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), 200, "a course page");

    let v = ask(base, client, "lam sao kich hoat vneid muc 2").await;
    assert_eq!(v["confident"], true, "{v}");
    assert!(!v["answer"].as_str().unwrap_or_default().is_empty(), "{v}");
    let v = ask(base, client, "giá vàng hôm nay bao nhiêu").await;
    assert_eq!(v["confident"], false, "{v}");
    assert!(
        v["answer"]
            .as_str()
            .unwrap_or_default()
            .contains("1900 868 674"),
        "the province's hotline: {v}"
    );

    let r = client
        .post(format!("{base}/api/v1/scam/check"))
        .json(&json!({ "text": "Công an phường yêu cầu cung cấp mã OTP" }))
        .send()
        .await
        .expect("check");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["verdict"], "scam", "{v}");
}

both_configured!(
    content_folder_missing_serves_the_builtin_content,
    |s: &mut hocvuso::config::Settings| s.content_dir =
        PathBuf::from("/nonexistent/hocvuso-content"),
    |app: TestApp| async move {
        serves_the_national_content(&app.base, &app.client).await;
        assert_eq!(app.count("courses").await, 10);
    }
);

both_configured!(
    content_folder_empty_serves_the_builtin_content,
    |s: &mut hocvuso::config::Settings| s.content_dir = temp_dir("empty-content"),
    |app: TestApp| async move {
        serves_the_national_content(&app.base, &app.client).await;
    }
);

/// A province's folder: its own FAQ file (linking a national lesson), its edition of a national course
/// (a course folder replaces the national one whole) and a course of its own.
fn province_folder() -> PathBuf {
    let dir = temp_dir("province-content");
    let faq = dir.join("faq");
    std::fs::create_dir_all(&faq).expect("faq dir");
    std::fs::write(
        faq.join("quang-tri.toml"),
        "[[faq]]\nid = \"dia-chi-bo-phan-mot-cua-quang-tri\"\n\
         q = \"Bộ phận một cửa tỉnh Quảng Trị ở đâu?\"\n\
         alt = [\"trung tâm phục vụ hành chính công quảng trị ở đâu\"]\n\
         a = \"Trung tâm Phục vụ hành chính công tỉnh Quảng Trị nhận hồ sơ trong giờ hành chính, từ thứ Hai đến thứ Sáu.\"\n\
         lessons = [\"vneid/vneid-la-gi\"]\n",
    )
    .expect("faq");
    // The national VNeID course, renamed by the province.
    let vneid = dir.join("courses/vneid");
    std::fs::create_dir_all(&vneid).expect("course dir");
    for e in std::fs::read_dir(repo_content().join("courses/vneid")).expect("vneid") {
        let e = e.expect("entry");
        let text = std::fs::read_to_string(e.path()).expect("read");
        let text = if e.file_name() == "course.toml" {
            let title = text
                .lines()
                .find(|l| l.starts_with("title = "))
                .expect("title line")
                .to_owned();
            text.replace(&title, "title = \"VNeID cho bà con Quảng Trị\"")
        } else {
            text
        };
        std::fs::write(vneid.join(e.file_name()), text).expect("write");
    }
    dir
}

both_configured!(
    content_folder_adds_to_and_overrides_the_builtin_content,
    |s: &mut hocvuso::config::Settings| s.content_dir = province_folder(),
    |app: TestApp| async move {
        let (s, html) = app.get_text("/hoc").await;
        assert_eq!(s, 200);
        for c in COURSES {
            assert!(
                html.contains(&format!("href=\"/hoc/{c}\"")),
                "{c} still listed"
            );
        }
        assert!(
            html.contains("VNeID cho bà con Quảng Trị"),
            "the province's edition"
        );
        let v = ask(
            &app.base,
            &app.client,
            "bộ phận một cửa tỉnh quảng trị ở đâu",
        )
        .await;
        assert_eq!(v["confident"], true, "{v}");
        assert!(
            v["answer"]
                .as_str()
                .unwrap_or_default()
                .contains("Trung tâm Phục vụ hành chính công"),
            "the province's own entry: {v}"
        );
        // The national FAQ is still answered from.
        let v = ask(&app.base, &app.client, "lam sao kich hoat vneid muc 2").await;
        assert_eq!(v["confident"], true, "{v}");
    }
);

#[tokio::test]
async fn content_check_covers_the_builtin_content_without_a_folder() {
    let ok = hocvuso::learning::cli::check(Path::new("/nonexistent/hocvuso-content"))
        .expect("the built-in content is clean");
    assert!(ok.starts_with("content OK: 10 courses"), "{ok}");
    assert!(ok.contains("built-in content"), "{ok}");
    let rules = hocvuso::scam::cli::check_rules(Path::new("/nonexistent/hocvuso-content"))
        .expect("the built-in rules are valid");
    assert!(rules.contains("all valid"), "{rules}");
}

/// The binary itself, started in an empty directory with nothing but the defaults: it creates its
/// SQLite database under `data/`, and serves the ten courses and the assistant.
#[tokio::test]
async fn serve_in_an_empty_directory() {
    let dir = temp_dir("empty-cwd");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hocvuso"));
    cmd.current_dir(&dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Only the defaults: nothing this test process was started with points at the repository.
    for (k, _) in std::env::vars() {
        if k.starts_with("HOCVUSO_") {
            cmd.env_remove(k);
        }
    }
    let mut child = ChildGuard(cmd.spawn().expect("start hocvuso serve"));
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..1200 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(up, "hocvuso serve answered /healthz");
    serves_the_national_content(&base, &client).await;
    assert!(
        dir.join("data/hocvuso.db").is_file(),
        "database created in ./data"
    );
    child.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Kills the child if a test fails half way, so no server outlives the test run.
struct ChildGuard(std::process::Child);

impl ChildGuard {
    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.stop();
    }
}
