//! The platform as a whole: health, pages, headers, languages, errors, the OpenAPI description.
use crate::both;

both!(
    home_is_vietnamese_and_secure,
    |app: crate::TestApp| async move {
        let r = app
            .client
            .get(app.url("/"))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let h = r.headers().clone();
        assert_eq!(h["content-encoding"], "br", "compressed for 3G");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(h.contains_key("x-request-id"));
        let set_cookie: Vec<_> = h
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert!(set_cookie.iter().any(|c| c.starts_with("hv_csrf=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")));
        let (_, body) = app.get_text("/").await;
        assert!(body.contains("<html lang=\"vi\""));
        assert!(body.contains("Học kỹ năng số"));
        assert!(body.contains("Quảng Trị"));
        assert!(
            !body.contains("<script>"),
            "no inline scripts under the CSP"
        );
    }
);

both!(health_and_assets, |app: crate::TestApp| async move {
    let (s, body) = app.get_text("/healthz").await;
    assert_eq!((s, body.as_str()), (200, "ok"));
    let (_, home) = app.get_text("/").await;
    let css = home
        .split("href=\"")
        .find_map(|p| p.split('"').next().filter(|h| h.ends_with(".css")))
        .unwrap();
    assert!(
        css.starts_with("/assets/app.") && css.len() > "/assets/app.css".len(),
        "hashed name: {css}"
    );
    let r = app.get(css).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(app.get("/assets/app.0000000000.css").await.status(), 404);
    let icon = app.get("/favicon.ico").await;
    assert_eq!(icon.status(), 308);
    let to = icon.headers()["location"].to_str().unwrap_or("").to_owned();
    assert!(to.starts_with("/assets/icon-192."), "{to}");
    assert_eq!(app.get(&to).await.status(), 200);
});

both!(
    english_switch_and_text_size,
    |app: crate::TestApp| async move {
        let r = app.get("/cai-dat?lang=en&next=/dang-nhap").await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/dang-nhap");
        let (_, body) = app.get_text("/dang-nhap").await;
        assert!(body.contains("<html lang=\"en\""));
        assert!(body.contains("Sign in"));
        app.get("/cai-dat?size=2&next=/").await;
        let (_, body) = app.get_text("/").await;
        assert!(body.contains("class=\"ts-2\""));
        // An open redirect is refused.
        let r = app.get("/cai-dat?lang=vi&next=//evil.example").await;
        assert_eq!(r.headers()["location"], "/");
    }
);

both!(
    error_pages_are_translated_with_request_id,
    |app: crate::TestApp| async move {
        let r = app.get("/khong-co-trang-nay").await;
        assert_eq!(r.status(), 404);
        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body = r.text().await.unwrap();
        assert!(body.contains("Không tìm thấy trang"));
        assert!(body.contains(&id), "request id shown to quote");
        assert!(
            body.contains("Đăng nhập"),
            "a visitor's error page offers signing in"
        );
        app.get("/cai-dat?lang=en&next=/").await;
        let (_, body) = app.get_text("/khong-co-trang-nay").await;
        assert!(body.contains("Page not found"));
        assert!(
            body.contains("class=\"skip\""),
            "the error page is inside the site's layout"
        );
    }
);

both!(
    a_signed_in_persons_error_page_keeps_their_menu,
    |app: crate::TestApp| async move {
        app.sign_up("0912000111", "Lê Thị Lan", crate::QT_COMMUNE_A)
            .await;
        app.get("/cai-dat?size=1&next=/").await;
        let (status, body) = app.get_text("/khong-co-trang-nay").await;
        assert_eq!(status, 404);
        assert!(body.contains("Đăng xuất"), "signed in, the menu says so");
        assert!(body.contains("action=\"/dang-xuat\""));
        assert!(
            body.contains("class=\"ts-1\""),
            "the chosen text size holds"
        );
        // The sign-out form on the error page carries this browser's token, so it works.
        let csrf = app.cookie("hv_csrf").expect("token cookie");
        assert!(body.contains(&csrf));
    }
);

both!(openapi_matches_snapshot, |app: crate::TestApp| async move {
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    let spec: serde_json::Value = r.json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let pretty = serde_json::to_string_pretty(&spec).unwrap() + "\n";
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &pretty).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).expect("snapshot exists (run with UPDATE_SNAPSHOTS=1)");
    assert_eq!(
        pretty, expected,
        "the API changed: review, then UPDATE_SNAPSHOTS=1 cargo test"
    );
});

#[test]
fn migrations_have_the_same_versions_on_both_databases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |sub: &str| {
        let mut v: Vec<String> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}

/// What a schema defines, by name: each table's columns (with whether they may be NULL) and each
/// index (its table, columns in order, unique, partial). Types are left out on purpose: the two
/// dialects spell them differently (TEXT/BIGINT/BOOLEAN), and the code reads them through one path.
#[derive(Debug, Default, PartialEq)]
struct Schema {
    columns: std::collections::BTreeSet<String>,
    indexes: std::collections::BTreeSet<String>,
}

async fn schema_of(backend: hocvuso::db::Backend) -> Option<Schema> {
    use hocvuso::db::{Backend, Db, q};
    let url = crate::TestApp::fresh_database_url(backend).await?;
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrations");
    // Constraint-backed indexes are named by each engine (sqlite_autoindex_*, *_pkey, *_key), so
    // only the indexes a migration names itself are compared; the constraints show as columns.
    let (columns_sql, indexes_sql) = match backend {
        Backend::Sqlite => (
            "SELECT m.name, p.name, CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 1 ELSE 0 END
               FROM sqlite_master m JOIN pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
            "SELECT m.tbl_name || '(' || (SELECT group_concat(coalesce(i.name, '<expr>'), ',')
                                           FROM (SELECT name FROM pragma_index_info(m.name) ORDER BY seqno) i)
                    || ')', m.name, l.\"unique\" * 2 + l.partial
               FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name
              WHERE m.type = 'index' AND m.name NOT LIKE 'sqlite_autoindex%'",
        ),
        Backend::Postgres => (
            "SELECT table_name::text, column_name::text,
                    CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END::bigint
               FROM information_schema.columns
              WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
            "SELECT t.relname || '(' || (SELECT string_agg(coalesce(a.attname, '<expr>'), ',' ORDER BY k.ord)
                                           FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                                           LEFT JOIN pg_attribute a
                                             ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
                    || ')', i.relname::text,
                    ((CASE WHEN x.indisunique THEN 2 ELSE 0 END)
                     + (CASE WHEN x.indpred IS NULL THEN 0 ELSE 1 END))::bigint
               FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid
               JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_namespace n ON n.oid = t.relnamespace
              WHERE n.nspname = 'public'
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        ),
    };
    let columns: Vec<(String, String, i64)> = db.fetch_all(q(columns_sql)).await.expect("columns");
    let indexes: Vec<(String, String, i64)> = db.fetch_all(q(indexes_sql)).await.expect("indexes");
    db.close().await;
    let flags = |f: i64| match f {
        0 => "",
        1 => " partial",
        2 => " unique",
        _ => " unique partial",
    };
    Some(Schema {
        columns: columns
            .into_iter()
            .map(|(t, c, not_null)| {
                format!("{t}.{c}{}", if not_null == 1 { " NOT NULL" } else { "" })
            })
            .collect(),
        indexes: indexes
            .into_iter()
            .map(|(on, name, f)| format!("{name} ON {on}{}", flags(f)))
            .collect(),
    })
}

/// The two migration folders are written by hand, side by side; a column or index added to one and
/// forgotten in the other would only show as a failure on the other database, in production.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_define_the_same_tables_columns_and_indexes_on_both_databases() {
    use hocvuso::db::Backend;
    let sqlite = schema_of(Backend::Sqlite).await.expect("sqlite");
    assert!(sqlite.columns.len() > 50, "{sqlite:?}");
    let Some(pg) = schema_of(Backend::Postgres).await else {
        return;
    };
    let only = |a: &std::collections::BTreeSet<String>, b: &std::collections::BTreeSet<String>| {
        a.difference(b).cloned().collect::<Vec<_>>()
    };
    assert!(
        sqlite == pg,
        "columns only in SQLite: {:#?}\ncolumns only in PostgreSQL: {:#?}\nindexes only in SQLite: {:#?}\nindexes only in PostgreSQL: {:#?}",
        only(&sqlite.columns, &pg.columns),
        only(&pg.columns, &sqlite.columns),
        only(&sqlite.indexes, &pg.indexes),
        only(&pg.indexes, &sqlite.indexes),
    );
}

both!(
    compressed_pages_decode_to_the_page_and_are_reused,
    |app: crate::TestApp| async move {
        use std::io::Read;
        let get = |enc: &'static str| {
            let app = &app;
            async move {
                let r = app
                    .client
                    .get(app.url("/"))
                    .header("accept-encoding", enc)
                    .send()
                    .await
                    .expect("GET /");
                let h = r.headers().clone();
                (h, r.bytes().await.expect("body"))
            }
        };
        let (plain_h, plain) = get("identity").await;
        assert!(!plain_h.contains_key("content-encoding"));
        assert!(
            plain_h["vary"]
                .to_str()
                .unwrap_or("")
                .contains("accept-encoding")
        );
        // The cache counter is the process's (other tests run beside this one), so a second identical
        // request must move the hit count by at least one.
        let hits = || async {
            let (_, m) = app.get_text("/metrics").await;
            m.lines()
                .find(|l| {
                    l.starts_with(
                        "hocvuso_cache_lookups_total{cache=\"compressed_bodies\",result=\"hit\"}",
                    )
                })
                .and_then(|l| l.rsplit(' ').next())
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let (h1, gz1) = get("gzip").await;
        let before = hits().await;
        let (_, gz2) = get("gzip").await;
        assert!(
            hits().await > before,
            "the second gzip answer reused the first"
        );
        assert_eq!(h1["content-encoding"], "gzip");
        assert_eq!(gz1, gz2, "the same page gives the same compressed bytes");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&gz1[..])
            .read_to_end(&mut unzipped)
            .expect("gunzip");
        assert_eq!(unzipped, plain.to_vec(), "gzip decodes to the page");
        let (h, br) = get("gzip, br").await;
        assert_eq!(h["content-encoding"], "br");
        let mut unbr = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut unbr)
            .expect("unbrotli");
        assert_eq!(unbr, plain.to_vec(), "brotli decodes to the page");
        assert!(br.len() * 2 < plain.len(), "{} → {}", plain.len(), br.len());
    }
);
