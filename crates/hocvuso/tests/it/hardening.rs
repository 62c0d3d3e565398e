//! Hardening: what an attacker types into a name, a header or a lesson must not reach a spreadsheet, a
//! link, a log or a file path as something that acts.
use hocvuso::stats::period::Period;

use crate::{QT_COMMUNE_A, TestApp, both};

/// Village names an admin (or a CSV import) could give, each one a formula to a spreadsheet.
const FORMULA_NAMES: [&str; 4] = [
    "=HYPERLINK(\"http://evil.example/?x\";\"Bấm\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
];

fn starts_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

both!(
    spreadsheet_exports_defuse_formulas_in_names,
    |app: TestApp| async move {
        let mut import = String::from("commune_code,name,division_type\n");
        for name in FORMULA_NAMES {
            import.push_str(&format!(
                "{QT_COMMUNE_A},\"{}\",thôn\n",
                name.replace('"', "\"\"")
            ));
        }
        hocvuso::units::import::import_bytes(&app.state.db, import.as_bytes(), false)
            .await
            .expect("import villages");
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let year = Period::current_year(hocvuso::db::now()).key();

        // CSV report: every formula-looking name comes back with a leading quote; numbers are bare.
        let r = admin
            .get(&format!(
                "/quan-ly/bao-cao/{QT_COMMUNE_A}/bao-cao.csv?period={year}"
            ))
            .await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.expect("csv");
        let mut rd = csv::Reader::from_reader(&bytes[3..]);
        let recs: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
        for name in FORMULA_NAMES {
            assert!(
                recs.iter().any(|r| r[1] == format!("'{name}")),
                "{name} defused in {recs:?}"
            );
        }
        for r in &recs {
            assert!(
                r.iter().all(|c| !starts_like_formula(c)),
                "no cell reads as a formula: {r:?}"
            );
            for c in r.iter().skip(2) {
                assert!(c.parse::<i64>().is_ok(), "numbers stay numbers: {c:?}");
            }
        }

        // XLSX: the names are string cells, and the only formulas are the totals.
        let r = admin
            .get(&format!(
                "/quan-ly/bao-cao/{QT_COMMUNE_A}/bao-cao.xlsx?period={year}"
            ))
            .await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.expect("xlsx");
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx opens");
        let sheet = wb.sheet_names()[0].clone();
        let cells = wb.worksheet_range(&sheet).expect("sheet");
        for name in FORMULA_NAMES {
            assert!(
                cells
                    .rows()
                    .any(|r| r.iter().any(|c| *c == Data::String(name.to_owned()))),
                "{name} is a string cell"
            );
        }
        let formulas = wb.worksheet_formula(&sheet).expect("formulas");
        for f in formulas.rows().flatten().filter(|f| !f.is_empty()) {
            assert!(f.starts_with("SUM(") || f == "0", "unexpected formula {f}");
        }

        // Open data: the units table defuses names too.
        let dir = std::env::temp_dir().join(format!("hv-open-{}", uuid::Uuid::new_v4().simple()));
        hocvuso::reports::opendata::export(&app.state, &dir)
            .await
            .expect("export");
        let bytes = std::fs::read(dir.join("units.csv")).expect("units.csv");
        let mut rd = csv::Reader::from_reader(&bytes[3..]);
        let recs: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
        for name in FORMULA_NAMES {
            assert!(
                recs.iter().any(|r| r[1] == format!("'{name}")),
                "{name} defused in units.csv"
            );
        }
        assert!(
            recs.iter()
                .flat_map(|r| r.iter())
                .all(|c| !starts_like_formula(c))
        );
        assert!(
            recs.iter().all(|r| r[3].parse::<i64>().is_ok()),
            "level is a number"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
);

both!(
    absolute_links_come_from_the_public_url_never_the_host_header,
    |app: TestApp| async move {
        let admin = app.new_browser();
        admin.as_province_admin("0900000001").await;
        let code = crate::classes::make_class(&admin, "30").await;
        let feeds = [
            format!("/lop-hoc/{code}/lich.ics"),
            format!("/lop-hoc/xa/{QT_COMMUNE_A}/lich.ics"),
        ];
        let fetch = |app: &TestApp, path: &str| {
            let req = app
                .client
                .get(app.url(path))
                .header("host", "evil.example")
                .header("x-forwarded-host", "evil.example");
            async move {
                let r = req.send().await.expect("feed");
                assert_eq!(r.status(), 200);
                r.text().await.expect("ics").replace("\r\n ", "")
            }
        };
        // No public URL configured: the events carry no link rather than one to the sender's host.
        for path in &feeds {
            let ics = fetch(&app, path).await;
            assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
            assert!(!ics.contains("evil.example"), "{ics}");
            assert!(!ics.contains("URL:"), "{ics}");
        }
        // Configured: every link is under it, whatever Host the request named.
        let public = app
            .spawn_sibling_with(|s| s.public_url = Some("https://hocvuso.quangtri.gov.vn/".into()))
            .await;
        for path in &feeds {
            let ics = fetch(&public, path).await;
            assert!(!ics.contains("evil.example"), "{ics}");
            assert!(
                ics.contains(&format!(
                    "URL:https://hocvuso.quangtri.gov.vn/lop-hoc/{code}\r\n"
                )),
                "{ics}"
            );
        }
    }
);

both!(
    hsts_is_sent_only_when_the_public_url_is_https,
    |app: TestApp| async move {
        let raw = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let courses: Vec<serde_json::Value> = app
            .get("/api/v1/courses")
            .await
            .json()
            .await
            .expect("courses");
        let course = courses[0]["slug"].as_str().expect("slug").to_owned();
        let detail: serde_json::Value = app
            .get(&format!("/api/v1/courses/{course}"))
            .await
            .json()
            .await
            .expect("course");
        let lesson = detail["lessons"][0]["url"]
            .as_str()
            .expect("lesson url")
            .to_owned();
        // A page, an error, an API answer, and a visitor's cached lesson (asked twice: the second
        // answer comes from the outermost layer).
        let paths = [
            "/",
            "/khong-co-trang-nay",
            "/api/v1/units/44",
            &lesson,
            &lesson,
        ];
        let hsts = |app: &TestApp| {
            let (raw, base) = (raw.clone(), app.base.clone());
            async move {
                let mut seen = Vec::new();
                for p in paths {
                    let r = raw.get(format!("{base}{p}")).send().await.expect("get");
                    seen.push(
                        r.headers()
                            .get("strict-transport-security")
                            .map(|v| v.to_str().unwrap_or("").to_owned()),
                    );
                }
                seen
            }
        };
        assert!(
            hsts(&app).await.iter().all(Option::is_none),
            "no public URL"
        );
        let plain = app
            .spawn_sibling_with(|s| s.public_url = Some("http://192.168.1.10:8080".into()))
            .await;
        assert!(hsts(&plain).await.iter().all(Option::is_none), "plain http");
        let tls = app
            .spawn_sibling_with(|s| s.public_url = Some("https://hocvuso.quangtri.gov.vn".into()))
            .await;
        for h in hsts(&tls).await {
            assert_eq!(
                h.as_deref(),
                Some("max-age=31536000; includeSubDomains"),
                "https"
            );
        }
    }
);

both!(
    client_request_ids_are_kept_only_when_short_and_plain,
    |app: TestApp| async move {
        let ask = |id: String| {
            let req = app
                .client
                .get(app.url("/api/v1/units/99999"))
                .header("x-request-id", id);
            async move {
                let r = req.send().await.expect("get");
                assert_eq!(r.status(), 404);
                let header = r.headers()["x-request-id"].to_str().expect("id").to_owned();
                let body: serde_json::Value = r.json().await.expect("json");
                assert_eq!(body["error"]["request_id"], header.as_str(), "one id");
                header
            }
        };
        let good = "lb-7f3a.2c_91".to_owned();
        assert_eq!(
            ask(good.clone()).await,
            good,
            "a plain id from a proxy is kept"
        );
        for bad in [
            "x".repeat(65),
            "a b".to_owned(),
            "a\" level=error msg=\"forged".to_owned(),
            "<script>alert(1)</script>".to_owned(),
        ] {
            let got = ask(bad.clone()).await;
            assert_ne!(got, bad);
            assert!(uuid::Uuid::parse_str(&got).is_ok(), "a fresh id: {got}");
        }
    }
);
