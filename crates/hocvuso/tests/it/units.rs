//! Units: the official list, the public JSON, villages and their import.
use crate::both;

both!(
    official_units_are_loaded_and_served,
    |app: crate::TestApp| async move {
        let r = app.get("/api/v1/units/44").await;
        assert_eq!(r.status(), 200);
        let u: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            u,
            serde_json::json!({"code": "44", "name": "Quảng Trị", "division_type": "tỉnh", "level": 1, "parent_code": null})
        );
        let kids: Vec<serde_json::Value> = app
            .get("/api/v1/units/44/children")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(kids.len(), 78);
        assert!(
            kids.iter()
                .all(|k| k["parent_code"] == "44" && k["level"] == 2)
        );
        assert!(kids.iter().any(|k| k["name"] == "Phường Đồng Hới"));
        assert_eq!(
            kids.iter()
                .filter(|k| k["division_type"] == "đặc khu")
                .count(),
            1
        );
        // Restarting does not load twice.
        hocvuso::units::reference::ensure_province(&app.state.db, "44")
            .await
            .unwrap();
        assert_eq!(app.count("units").await, 79);
    }
);

both!(
    bad_unit_codes_get_json_errors,
    |app: crate::TestApp| async move {
        for (path, status, code) in [
            ("/api/v1/units/abc", 400, "unit-code-malformed"),
            ("/api/v1/units/44%27%20OR%201=1", 400, "unit-code-malformed"),
            ("/api/v1/units/99999", 404, "error-404"),
            ("/api/v1/units/123-45/children", 404, "error-404"),
            ("/api/v1/units/x/children", 400, "unit-code-malformed"),
        ] {
            let r = app.get(path).await;
            assert_eq!(r.status().as_u16(), status, "{path}");
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json")
            );
            let body: serde_json::Value = r.json().await.unwrap();
            assert_eq!(body["error"]["code"], code, "{path}");
            assert!(!body["error"]["message"].as_str().unwrap().is_empty());
            assert!(!body["error"]["request_id"].as_str().unwrap().is_empty());
        }
    }
);

both!(
    import_validates_every_row_then_writes_all_or_nothing,
    |app: crate::TestApp| async move {
        let db = &app.state.db;
        let bad = "commune_code,name,division_type\n19360,Thôn Một,thôn\n99999,Thôn Hai,thôn\n19360,,thôn\n19360,Bản Ka,quận\n19360,thôn  một,thôn\n";
        let err = hocvuso::units::import::import_bytes(db, bad.as_bytes(), false)
            .await
            .unwrap_err();
        let text = err.to_string();
        for needle in [
            "line 3: unknown commune",
            "line 4: name",
            "line 5: division_type",
            "line 6: same village as line 2",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        assert_eq!(app.count("units").await, 79, "nothing written");

        // Listed before the import, so the list is in the server's unit cache: the import must show anyway.
        let before: Vec<serde_json::Value> = app
            .get("/api/v1/units/19360/children")
            .await
            .json()
            .await
            .unwrap();
        assert!(before.is_empty(), "{before:?}");
        let good = "\u{feff}commune_code,name,division_type\n19360,Thôn Một,thôn\n19360,Bản Ka Tăng,bản\n18880,Tổ dân phố 5,tổ dân phố\n";
        let r = hocvuso::units::import::import_bytes(db, good.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (3, 0, 0));
        let again = hocvuso::units::import::import_bytes(db, good.as_bytes(), false)
            .await
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
        assert_eq!(app.count("units").await, 82);
        let kids: Vec<serde_json::Value> = app
            .get("/api/v1/units/19360/children")
            .await
            .json()
            .await
            .unwrap();
        let names: Vec<&str> = kids.iter().map(|k| k["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Bản Ka Tăng", "Thôn Một"]);
        assert_eq!(kids[0]["level"], 3);
        assert_eq!(kids[0]["code"], "19360-002");
    }
);

both!(
    a_renamed_commune_shows_at_once_in_the_kept_province_list,
    |app: crate::TestApp| async move {
        let names = |v: Vec<serde_json::Value>| -> Vec<String> {
            v.iter()
                .map(|u| u["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let before: Vec<serde_json::Value> = app
            .get("/api/v1/units/44/children")
            .await
            .json()
            .await
            .unwrap();
        assert!(!names(before).iter().any(|n| n == "Phường Đổi Tên"));
        let mut tx = app.state.db.begin().await.unwrap();
        hocvuso::units::store::rename(&mut tx, "19360", "Phường Đổi Tên", "phường")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let after: Vec<serde_json::Value> = app
            .get("/api/v1/units/44/children")
            .await
            .json()
            .await
            .unwrap();
        assert!(
            names(after).iter().any(|n| n == "Phường Đổi Tên"),
            "the edit committed here is listed at once"
        );
    }
);
