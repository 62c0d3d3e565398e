//! `TestApp`: the real router on 127.0.0.1:0 over a fresh database, and an HTTP client with cookies.
use std::sync::Arc;

use hocvuso::AppState;
use hocvuso::config::Settings;
use hocvuso::db::{Backend, Db, q};
use reqwest::cookie::CookieStore;
use tokio::sync::OnceCell;

pub const PG_ADMIN_URL_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub state: AppState,
    pub backend: Backend,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn pg_admin_url() -> String {
    std::env::var("HOCVUSO_TEST_PG_URL").unwrap_or_else(|_| PG_ADMIN_URL_DEFAULT.to_owned())
}

/// Databases left by earlier runs are dropped once per test process.
static PG_CLEANED: OnceCell<bool> = OnceCell::const_new();

async fn pg_available() -> bool {
    *PG_CLEANED
        .get_or_init(|| async {
            let Ok(db) = Db::connect(&pg_admin_url()).await else {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("CI=true but PostgreSQL at {} is not reachable", pg_admin_url());
                }
                eprintln!(
                    "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                     !!  PostgreSQL is not reachable at {} — SKIPPING the PostgreSQL half.\n\
                     !!  Set HOCVUSO_TEST_PG_URL or start PostgreSQL. CI=true never skips.\n\
                     !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
                    pg_admin_url()
                );
                return false;
            };
            let old: Vec<(String,)> = db
                .fetch_all(q(format!(
                    "SELECT datname FROM pg_database WHERE datname LIKE '{}%'",
                    pg_prefix()
                )))
                .await
                .unwrap_or_default();
            for (name,) in old {
                let _ = db.execute(q(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await;
            }
            db.close().await;
            true
        })
        .await
}

/// The database every standard test app starts from a copy of ([`TestApp::prepared_database_url`]).
static SQLITE_TEMPLATE: OnceCell<Option<String>> = OnceCell::const_new();
static PG_TEMPLATE: OnceCell<Option<String>> = OnceCell::const_new();

/// Test databases are named `<prefix><uuid>`; `HOCVUSO_TEST_PG_PREFIX` keeps two checkouts testing against one
/// server at once from dropping each other's databases at start-up.
fn pg_prefix() -> String {
    std::env::var("HOCVUSO_TEST_PG_PREFIX")
        .ok()
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .unwrap_or_else(|| "hvt_".to_owned())
}

fn pg_url_for(db_name: &str) -> String {
    let admin = pg_admin_url();
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{db_name}"),
        None => format!("{admin}/{db_name}"),
    }
}

impl TestApp {
    /// A fresh app; `None` only for PostgreSQL when it is unreachable outside CI.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_configured(backend, |_| {}).await
    }

    /// [`spawn`](Self::spawn) whose settings `configure` adjusts first (e.g. the content folder).
    pub async fn spawn_configured(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
    ) -> Option<TestApp> {
        let mut settings = Self::settings_for(String::new());
        configure(&mut settings);
        // Other content makes another database; the rest of the settings change nothing stored.
        let standard = settings.content_dir == Self::settings_for(String::new()).content_dir;
        settings.database_url = if standard {
            Self::prepared_database_url(backend).await?
        } else {
            Self::fresh_database_url(backend).await?
        };
        Some(Self::serve_with(settings, backend).await)
    }

    /// The app on an existing database (a restored backup, an upgraded old database).
    pub async fn spawn_on(url: &str, backend: Backend) -> TestApp {
        Self::serve_with(Self::settings_for(url.to_owned()), backend).await
    }

    /// The settings every test app starts from.
    pub fn settings_for(database_url: String) -> Settings {
        Settings {
            database_url,
            province: "44".into(),
            content_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"),
            public_url: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            assistant: Default::default(),
        }
    }

    /// The URL of a new, empty database (nothing created in it yet); `None` for PostgreSQL when it is
    /// unreachable outside CI.
    pub async fn fresh_database_url(backend: Backend) -> Option<String> {
        Some(match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("hocvuso-tests");
                std::fs::create_dir_all(&dir).expect("temp dir");
                format!(
                    "sqlite://{}/{}.db",
                    dir.display(),
                    uuid::Uuid::new_v4().simple()
                )
            }
            Backend::Postgres => {
                if !pg_available().await {
                    return None;
                }
                let name = format!("{}{}", pg_prefix(), uuid::Uuid::new_v4().simple());
                let admin = Db::connect(&pg_admin_url()).await.expect("pg admin");
                admin
                    .execute(q(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("create database");
                admin.close().await;
                pg_url_for(&name)
            }
        })
    }

    /// A copy of a database `hocvuso::prepare` has just set up (migrations, reference data, built-in
    /// content), made once per test process: preparing took most of a short test's time, hundreds of
    /// times per run. PostgreSQL copies it with `CREATE DATABASE … TEMPLATE`, SQLite as files. `serve_with`
    /// still runs `prepare` on the copy, as a server restarted on an existing database does.
    async fn prepared_database_url(backend: Backend) -> Option<String> {
        match backend {
            Backend::Sqlite => {
                let template = SQLITE_TEMPLATE
                    .get_or_init(|| Self::prepare_template(Backend::Sqlite))
                    .await
                    .clone()?;
                let from = template.trim_start_matches("sqlite://");
                let to = std::env::temp_dir()
                    .join("hocvuso-tests")
                    .join(format!("{}.db", uuid::Uuid::new_v4().simple()));
                std::fs::copy(from, &to).expect("copy the template database");
                let wal = format!("{from}-wal");
                if std::path::Path::new(&wal).exists() {
                    std::fs::copy(&wal, format!("{}-wal", to.display())).expect("copy its WAL");
                }
                Some(format!("sqlite://{}", to.display()))
            }
            Backend::Postgres => {
                let template = PG_TEMPLATE
                    .get_or_init(|| Self::prepare_template(Backend::Postgres))
                    .await
                    .clone()?;
                let name = format!("{}{}", pg_prefix(), uuid::Uuid::new_v4().simple());
                let admin = Db::connect(&pg_admin_url()).await.expect("pg admin");
                let template_name = template.rsplit('/').next().unwrap_or_default();
                admin
                    .execute(q(format!(
                        "CREATE DATABASE {name} TEMPLATE {template_name}"
                    )))
                    .await
                    .expect("create database from the template");
                admin.close().await;
                Some(pg_url_for(&name))
            }
        }
    }

    /// A database prepared as a server's first start leaves it, with every connection to it closed (a
    /// PostgreSQL template must have none).
    async fn prepare_template(backend: Backend) -> Option<String> {
        let url = Self::fresh_database_url(backend).await?;
        let state = hocvuso::prepare(Self::settings_for(url.clone()))
            .await
            .expect("prepare the template database");
        state.db.close().await;
        Some(url)
    }

    /// A fresh SQLite app whose settings `configure` adjusts first (e.g. the assistant's language model).
    pub async fn spawn_sqlite_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = std::env::temp_dir().join("hocvuso-tests");
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut settings = Settings {
            database_url: format!(
                "sqlite://{}/{}.db",
                dir.display(),
                uuid::Uuid::new_v4().simple()
            ),
            province: "44".into(),
            content_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"),
            public_url: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            assistant: Default::default(),
        };
        configure(&mut settings);
        Self::serve_with(settings, Backend::Sqlite).await
    }

    /// A second app server on the same database (another copy behind the load balancer), with its
    /// own in-process state and its own browser.
    pub async fn spawn_sibling(&self) -> TestApp {
        Self::serve_with((*self.state.settings).clone(), self.backend).await
    }

    /// [`spawn_sibling`](Self::spawn_sibling) whose settings `configure` adjusts first (e.g. the public
    /// URL), so a setting can be tried on both databases.
    pub async fn spawn_sibling_with(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = (*self.state.settings).clone();
        configure(&mut settings);
        Self::serve_with(settings, self.backend).await
    }

    async fn serve_with(settings: Settings, backend: Backend) -> TestApp {
        let state = hocvuso::prepare(settings).await.expect("prepare");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let serve_state = state.clone();
        tokio::spawn(async move {
            let _ = hocvuso::serve(listener, serve_state, async {
                let _ = rx.await;
            })
            .await;
        });
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            base: format!("http://{addr}"),
            client,
            jar,
            state,
            backend,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let s = r.status().as_u16();
        (s, r.text().await.expect("body"))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().expect("url");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// The CSRF token of this client's browser session (visiting the home page first if needed).
    pub async fn csrf(&self) -> String {
        if let Some(t) = self.cookie("hv_csrf") {
            return t;
        }
        self.get("/").await;
        self.cookie("hv_csrf")
            .expect("csrf cookie set on first visit")
    }

    /// POST a form with this session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// POST JSON as the app's own scripts do (same-origin fetch).
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", "application/json")
            .header("sec-fetch-site", "same-origin")
            .body(body.to_string())
            .send()
            .await
            .expect("POST")
    }

    /// POST a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// A second browser on the same server and database.
    pub fn new_browser(&self) -> TestApp {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            base: self.base.clone(),
            client,
            jar,
            state: self.state.clone(),
            backend: self.backend,
            shutdown: None,
        }
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.state
            .db
            .count(q(format!("SELECT COUNT(*) FROM {table}")))
            .await
            .expect("count")
    }

    /// Sign up through the form with sensible defaults, overriding some fields.
    pub async fn sign_up(&self, phone: &str, name: &str, commune: &str) -> reqwest::Response {
        self.sign_up_with(&[("phone", phone), ("full_name", name), ("commune", commune)])
            .await
    }

    pub async fn sign_up_with(&self, overrides: &[(&str, &str)]) -> reqwest::Response {
        let mut fields: Vec<(&str, &str)> = vec![
            ("phone", "0912345678"),
            ("password", "lúa chín vàng đồng"),
            ("password2", "lúa chín vàng đồng"),
            ("full_name", "Hồ Thị Lan"),
            ("birth_year", "1962"),
            ("sex", "nu"),
            ("ethnic_group", "Bru-Vân Kiều"),
            ("commune", QT_COMMUNE_A),
            ("village", ""),
            ("target_group", "nguoi-dan"),
            ("consent", "yes"),
        ];
        for (k, v) in overrides {
            if let Some(slot) = fields.iter_mut().find(|(fk, _)| fk == k) {
                slot.1 = v;
            } else {
                fields.push((k, v));
            }
        }
        self.post_form("/dang-ky", &fields).await
    }

    pub async fn sign_in(&self, phone: &str, password: &str) -> reqwest::Response {
        self.sign_in_to(phone, password, "/tai-khoan").await
    }

    /// Sign in through the form asking to go to `next` ("/" asks for nowhere in particular).
    pub async fn sign_in_to(&self, phone: &str, password: &str, next: &str) -> reqwest::Response {
        self.post_form(
            "/dang-nhap",
            &[("phone", phone), ("password", password), ("next", next)],
        )
        .await
    }

    /// A province admin created the way the CLI does it, then signed in on this client.
    pub async fn as_province_admin(&self, phone: &str) -> String {
        hocvuso::people::cli::create_admin(
            &self.state,
            phone,
            "Trần Văn Tỉnh",
            Some("quản trị tỉnh nhà".into()),
        )
        .await
        .expect("create admin");
        let r = self.sign_in(phone, "quản trị tỉnh nhà").await;
        assert_eq!(r.status(), 303, "admin sign-in");
        self.person_id(phone).await
    }

    pub async fn person_id(&self, phone: &str) -> String {
        let normal = hocvuso::people::model::normalize_phone(phone).expect("phone");
        self.state
            .db
            .scalar::<String>(q("SELECT id FROM people WHERE phone = $1").bind(normal))
            .await
            .expect("query")
            .expect("person exists")
    }
}

/// Two real communes of Quảng Trị (code 44).
pub const QT_COMMUNE_A: &str = "19360"; // Phường Quảng Trị
pub const QT_COMMUNE_B: &str = "18880"; // Phường Đồng Hới

/// Define a test that runs on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both {
    ($(#[$m:meta])* $name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $(#[$m])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn(hocvuso::db::Backend::Sqlite)
                    .await
                    .expect("sqlite app");
                ($body)(app).await;
            }
            $(#[$m])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::spawn(hocvuso::db::Backend::Postgres).await {
                    ($body)(app).await;
                }
            }
        }
    };
}

/// Accept every invitation waiting on this browser's account page; how many there were.
pub async fn accept_invitations(who: &TestApp) -> usize {
    let (status, page) = who.get_text("/tai-khoan").await;
    assert_eq!(status, 200, "account page");
    let actions: Vec<String> = page
        .split("action=\"/tai-khoan/loi-moi/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|a| !a.ends_with("/tu-choi"))
        .map(|a| format!("/tai-khoan/loi-moi/{a}"))
        .collect();
    for a in &actions {
        let r = who.post_form(a, &[]).await;
        assert_eq!(r.status(), 303, "accept {a}");
    }
    actions.len()
}

/// The per-address limits (`web::ratelimit`) count in fixed windows that restart at each multiple of
/// their length; a test counting refusals must not straddle a restart, or it sees fewer than the limit
/// promises. Waits until at least `needed` seconds are left in every window named.
pub async fn clear_of_window_edges(windows: &[hocvuso::web::ratelimit::Limit], needed: i64) {
    loop {
        let t = hocvuso::db::now();
        let wait = windows
            .iter()
            .map(|l| l.window_seconds - t.rem_euclid(l.window_seconds))
            .filter(|left| *left < needed)
            .max();
        match wait {
            Some(left) => tokio::time::sleep(std::time::Duration::from_secs(left as u64 + 1)).await,
            None => return,
        }
    }
}
