//! The administrative report (units in rows, a totals row, the issuing body and a signature block) as
//! XLSX, CSV (UTF-8 with BOM, so Excel shows Vietnamese) and a printable page.
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, FormatUnderline, Formula, Workbook};

use super::dashboard::{self, Figures};
use super::model::REPORT_COLUMNS;
use super::store;
use crate::AppState;
use crate::db::DbResult;
use crate::i18n::{Lang, vn_time};
use crate::stats::period::Period;
use crate::units::model::{LEVEL_PROVINCE, LEVEL_VILLAGE, Unit};
use crate::web::text::spreadsheet_text;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// "Tỉnh Quảng Trị", "Phường Đồng Hới", "Thôn Tân Lập": the name with its kind when the name lacks it.
pub(crate) fn full_name(u: &Unit) -> String {
    let dt = u.division_type.to_lowercase();
    if u.name.to_lowercase().starts_with(&dt) {
        u.name.clone()
    } else {
        let mut c = dt.chars();
        let kind: String = c
            .next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default();
        format!("{kind} {}", u.name)
    }
}

pub struct Report {
    pub lang: Lang,
    pub unit: Unit,
    pub period: Period,
    /// Issuing body, top left: "UBND TỈNH QUẢNG TRỊ" (and the village for a village report).
    pub issuer: Vec<String>,
    pub title: String,
    pub period_line: String,
    pub unit_line: String,
    pub place_date: String,
    pub headings: Vec<String>,
    /// (name, values); includes "directly at the unit" when something happened outside any child.
    pub rows: Vec<(String, Vec<i64>)>,
    pub totals: Vec<i64>,
    pub demo: bool,
}

impl Report {
    pub(crate) async fn load(
        state: &AppState,
        lang: Lang,
        unit: Unit,
        period: Period,
    ) -> DbResult<Report> {
        let db = &state.db;
        let figures = Figures::load(db, &unit.code, &period).await?;
        let children = crate::units::store::children(db, &unit.code).await?;
        let table = dashboard::unit_table(db, &unit, &children, &figures, &period).await?;
        let lineage = crate::units::store::lineage(db, &unit).await?;
        let demo = store::demo_present(db).await?;
        let body = match unit.level {
            LEVEL_VILLAGE => lineage.get(1).unwrap_or(&unit),
            _ => &unit,
        };
        let mut issuer = vec![format!(
            "{} {}",
            lang.t("report-issuer-prefix"),
            full_name(body).to_uppercase()
        )];
        if unit.level == LEVEL_VILLAGE {
            issuer.push(full_name(&unit).to_uppercase());
        }
        let mut rows: Vec<(String, Vec<i64>)> = table
            .rows
            .iter()
            .map(|r| (r.name.clone(), r.values.clone()))
            .collect();
        if let Some(d) = &table.direct {
            rows.push((lang.t("report-direct"), d.values.clone()));
        }
        let totals: Vec<i64> = (0..REPORT_COLUMNS.len())
            .map(|i| rows.iter().map(|r| r.1[i]).sum())
            .collect();
        let today = vn_time(crate::db::now());
        let place = lineage
            .iter()
            .find(|u| u.level == LEVEL_PROVINCE)
            .map_or_else(|| unit.name.clone(), |p| p.name.clone());
        use fluent_templates::fluent_bundle::FluentValue;
        let place_date = lang.t_args(
            "report-place-date",
            &[
                ("place", FluentValue::from(place)),
                ("d", FluentValue::from(format!("{:02}", today.day()))),
                (
                    "m",
                    FluentValue::from(format!("{:02}", u8::from(today.month()))),
                ),
                ("y", FluentValue::from(today.year().to_string())),
            ],
        );
        Ok(Report {
            issuer,
            title: lang.t("report-title"),
            period_line: format!(
                "{}: {} ({})",
                lang.t("report-period"),
                period.label(lang),
                period.range_label(lang)
            ),
            unit_line: format!("{}: {}", lang.t("report-unit"), full_name(&unit)),
            place_date,
            headings: REPORT_COLUMNS
                .iter()
                .map(|c| lang.t(&format!("measure-{c}")))
                .collect(),
            rows,
            totals,
            demo,
            lang,
            unit,
            period,
        })
    }

    pub(crate) fn file_name(&self, ext: &str) -> String {
        format!("bao-cao-{}-{}.{ext}", self.unit.code, self.period.key())
    }

    /// One Excel sheet in the shape of a Vietnamese administrative report. Names are written as
    /// string cells (`write_string`, `merge_range`), which Excel never evaluates, so a name that looks
    /// like a formula stays text here without the CSV's leading quote; the only formulas are our totals.
    pub(crate) fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let t = |id: &str| self.lang.t(id);
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(self.period.key())?;
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        let last_col = (REPORT_COLUMNS.len() + 1) as u16;
        let bold_c = Format::new().set_bold().set_align(FormatAlign::Center);
        let motto = Format::new()
            .set_bold()
            .set_underline(FormatUnderline::Single)
            .set_align(FormatAlign::Center);
        let italic_c = Format::new().set_italic().set_align(FormatAlign::Center);
        let title = Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center);
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin);
        let cell = Format::new().set_border(FormatBorder::Thin);
        let num = Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format("#,##0");
        let total_label = Format::new().set_bold().set_border(FormatBorder::Thin);
        let total_num = Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_num_format("#,##0");

        let split = 4u16.min(last_col);
        ws.merge_range(0, 0, 0, split - 1, &self.issuer[0], &bold_c)?;
        ws.merge_range(0, split, 0, last_col, &t("report-nation"), &bold_c)?;
        if let Some(second) = self.issuer.get(1) {
            ws.merge_range(1, 0, 1, split - 1, second, &bold_c)?;
        }
        ws.merge_range(1, split, 1, last_col, &t("report-motto"), &motto)?;
        ws.merge_range(2, split, 2, last_col, &self.place_date, &italic_c)?;
        ws.merge_range(4, 0, 4, last_col, &self.title, &title)?;
        ws.merge_range(5, 0, 5, last_col, &self.period_line, &italic_c)?;
        ws.merge_range(6, 0, 6, last_col, &self.unit_line, &italic_c)?;
        if self.demo {
            ws.merge_range(7, 0, 7, last_col, &t("demo-banner"), &bold_c)?;
        }

        let header_row = 8u32;
        ws.set_row_height(header_row, 48)?;
        ws.write_string_with_format(header_row, 0, t("report-no"), &head)?;
        ws.write_string_with_format(header_row, 1, t("report-unit-column"), &head)?;
        for (i, h) in self.headings.iter().enumerate() {
            ws.write_string_with_format(header_row, (i + 2) as u16, h, &head)?;
        }
        ws.set_column_width(0, 6)?;
        ws.set_column_width(1, 32)?;
        for i in 0..self.headings.len() {
            ws.set_column_width((i + 2) as u16, 13)?;
        }
        let first = header_row + 1;
        for (r, (name, values)) in self.rows.iter().enumerate() {
            let row = first + r as u32;
            ws.write_number_with_format(row, 0, (r + 1) as f64, &cell)?;
            ws.write_string_with_format(row, 1, name, &cell)?;
            for (c, v) in values.iter().enumerate() {
                ws.write_number_with_format(row, (c + 2) as u16, *v as f64, &num)?;
            }
        }
        let total_row = first + self.rows.len() as u32;
        ws.write_string_with_format(total_row, 0, "", &total_label)?;
        ws.write_string_with_format(total_row, 1, t("report-total"), &total_label)?;
        for (c, v) in self.totals.iter().enumerate() {
            let col = (c + 2) as u16;
            let letter = rust_xlsxwriter::utility::column_number_to_name(col);
            let formula = if self.rows.is_empty() {
                Formula::new("0")
            } else {
                // Excel rows are 1-based.
                Formula::new(format!("SUM({letter}{}:{letter}{})", first + 1, total_row))
            };
            ws.write_formula_with_format(
                total_row,
                col,
                formula.set_result(v.to_string()),
                &total_num,
            )?;
        }

        let sign = total_row + 3;
        ws.merge_range(sign, 0, sign, split - 1, &t("report-preparer"), &bold_c)?;
        ws.merge_range(sign, split, sign, last_col, &t("report-head"), &bold_c)?;
        ws.merge_range(
            sign + 1,
            0,
            sign + 1,
            split - 1,
            &t("report-sign-name"),
            &italic_c,
        )?;
        ws.merge_range(
            sign + 1,
            split,
            sign + 1,
            last_col,
            &t("report-sign-seal"),
            &italic_c,
        )?;
        wb.save_to_buffer()
    }

    /// The same table as CSV: a header row, one row per unit, the totals row; UTF-8 with a BOM. Text
    /// cells go through [`spreadsheet_text`] (unit names are typed by admins); numbers stay numbers.
    pub(crate) fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let text = |s: &str| spreadsheet_text(s).into_owned();
        let mut out = BOM.to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut head = vec![
                text(&self.lang.t("report-no")),
                text(&self.lang.t("report-unit-column")),
            ];
            head.extend(self.headings.iter().map(|h| text(h)));
            w.write_record(&head)?;
            for (i, (name, values)) in self.rows.iter().enumerate() {
                let mut rec = vec![(i + 1).to_string(), text(name)];
                rec.extend(values.iter().map(i64::to_string));
                w.write_record(&rec)?;
            }
            let mut rec = vec![String::new(), text(&self.lang.t("report-total"))];
            rec.extend(self.totals.iter().map(i64::to_string));
            w.write_record(&rec)?;
            w.flush()?;
        }
        Ok(out)
    }
}
