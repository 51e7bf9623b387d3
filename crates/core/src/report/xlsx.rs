//! report.xlsx: 汇总 (summary), 异常 (findings), 明细 (months), 人员 (persons) and 被拒行
//! (rejected rows), for HR departments that live in Excel and WPS.
//!
//! The four table sheets are written from the very CSV bytes the run writes, so the
//! workbook and the CSV files cannot disagree; amounts become numbers shown with two
//! decimals, periods stay text.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::labels::heading;
use super::tables::{self, FINDINGS_COLUMNS, MONTHS_COLUMNS, PERSONS_COLUMNS};
use crate::lang::Lang;
use crate::reconcile::{Reconciliation, Severity};

/// Sheet names, fixed whatever the language (scripts look them up). A table longer than
/// a sheet holds continues in 明细2, 明细3…
pub const SHEETS: [&str; 5] = ["汇总", "异常", "明细", "人员", "被拒行"];

/// How big the workbook's tables may grow.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Rows of data one sheet holds before the table continues in the next.
    pub sheet_rows: u32,
    /// Above this many month rows 明细 is left out, and 汇总 says so.
    pub month_rows: usize,
    /// Table sheets stream their rows to a temporary file (rust_xlsxwriter's constant
    /// memory mode) instead of holding every cell: for runs on disk; the page (`serve`)
    /// writes nothing to disk and its uploads are small.
    pub stream_to_temp_files: bool,
}

impl Limits {
    /// Excel's: 1,048,576 rows a sheet less the header. Above 3,000,000 month rows (about
    /// 83,000 people × 36 months, three sheets' worth) the workbook passes 100 MB and
    /// Excel or WPS take minutes and gigabytes to open it — no one reads three million
    /// rows in a spreadsheet; they filter months.csv, which has every row.
    pub const EXCEL: Limits = Limits {
        sheet_rows: 1_048_575,
        month_rows: 3_000_000,
        stream_to_temp_files: true,
    };

    /// [`Limits::EXCEL`] with every sheet held in memory: nothing is written to disk.
    pub const IN_MEMORY: Limits = Limits {
        stream_to_temp_files: false,
        ..Limits::EXCEL
    };
}

const COUNT_COLUMNS: [&str; 3] = ["errors", "warnings", "row"];

struct Styles {
    header: Format,
    money: Format,
    count: Format,
    error: Format,
    warning: Format,
    error_money: Format,
    warning_money: Format,
    title: Format,
}

impl Styles {
    fn new() -> Styles {
        let money = Format::new().set_num_format("0.00");
        let error_fill = Color::RGB(0xFFC7CE);
        let warning_fill = Color::RGB(0xFFEB9C);
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            count: Format::new().set_num_format("0"),
            error: Format::new().set_background_color(error_fill),
            warning: Format::new().set_background_color(warning_fill),
            error_money: money.clone().set_background_color(error_fill),
            warning_money: money.clone().set_background_color(warning_fill),
            money,
            title: Format::new().set_bold().set_font_size(13),
        }
    }
}

/// Writes a table from CSV bytes whose header row holds SPEC's column names into sheet
/// `name`, continued in `name`2, `name`3… past `sheet_rows`. The sheets stream their
/// rows to a temporary file (rust_xlsxwriter's constant-memory mode), so a large table is
/// not held cell by cell.
fn table_sheets(
    wb: &mut Workbook,
    limits: Limits,
    name: &str,
    csv_bytes: &[u8],
    columns: &[&'static str],
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    let severity_col = columns.iter().position(|c| *c == "severity");
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let mut records = reader.records().flatten().peekable();
    let mut part = 1;
    loop {
        let sheet_name = if part == 1 {
            name.to_string()
        } else {
            format!("{name}{part}")
        };
        let ws = wb
            .add_worksheet_with_constant_memory()?
            .set_name(&sheet_name)?;
        table_header(ws, columns, lang, st)?;
        let mut r = 0u32;
        while r < limits.sheet_rows {
            let Some(record) = records.next() else { break };
            r += 1;
            table_row(ws, r, &record, columns, severity_col, lang, st)?;
        }
        ws.set_freeze_panes(1, 0)?;
        if !columns.is_empty() {
            ws.autofilter(0, 0, r.max(1), columns.len() as u16 - 1)?;
        }
        if records.peek().is_none() {
            return Ok(());
        }
        part += 1;
    }
}

fn table_header(
    ws: &mut Worksheet,
    columns: &[&'static str],
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    for (c, name) in columns.iter().enumerate() {
        let width = match *name {
            "message" | "reason" => 80.0,
            "person_id" | "file" => 22.0,
            "code" | "codes" => 30.0,
            _ => 13.0,
        };
        ws.set_column_width(c as u16, width)?;
        ws.write_string_with_format(0, c as u16, heading(name, lang), &st.header)?;
    }
    Ok(())
}

/// One row: amounts as numbers shown with two decimals, counts as numbers, the rest as
/// text in `lang`'s words (severity, code, status…); errors and warnings shaded.
fn table_row(
    ws: &mut Worksheet,
    r: u32,
    record: &csv::StringRecord,
    columns: &[&'static str],
    severity_col: Option<usize>,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    let severity = severity_col.and_then(|i| record.get(i)).unwrap_or("");
    let (plain, money) = match severity {
        "error" => (Some(&st.error), &st.error_money),
        "warning" => (Some(&st.warning), &st.warning_money),
        _ => (None, &st.money),
    };
    for (c, value) in record.iter().enumerate() {
        let name = columns.get(c).copied().unwrap_or("");
        let col = c as u16;
        let number = value.parse::<Decimal>().ok().and_then(|d| d.to_f64());
        match number {
            Some(n) if tables::AMOUNT_COLUMNS.contains(&name) => {
                ws.write_number_with_format(r, col, n, money)?;
            }
            Some(n) if COUNT_COLUMNS.contains(&name) => {
                ws.write_number_with_format(r, col, n, &st.count)?;
            }
            _ => {
                let text = super::labels::cell(name, value, lang);
                match plain {
                    Some(f) => ws.write_string_with_format(r, col, text.as_ref(), f)?,
                    None => ws.write_string(r, col, text.as_ref())?,
                };
            }
        }
    }
    Ok(())
}

fn summary_sheet(
    ws: &mut Worksheet,
    run: &Reconciliation,
    lang: Lang,
    st: &Styles,
    months_left_out: Option<(usize, usize)>,
) -> Result<(), XlsxError> {
    let tables::RunTotals {
        by_severity,
        by_code,
        ..
    } = tables::RunTotals::of(run);
    let mut r = 0u32;
    let title = |ws: &mut Worksheet, r: &mut u32, text: &str| -> Result<(), XlsxError> {
        ws.write_string_with_format(*r, 0, text, &st.title)?;
        *r += 1;
        Ok(())
    };
    let head = |ws: &mut Worksheet, r: &mut u32, names: &[&'static str]| -> Result<(), XlsxError> {
        for (c, n) in names.iter().enumerate() {
            ws.write_string_with_format(*r, c as u16, heading(n, lang), &st.header)?;
        }
        *r += 1;
        Ok(())
    };
    ws.set_column_width(0, 28.0)?;
    for c in 1..6 {
        ws.set_column_width(c, 14.0)?;
    }
    let line = format!(
        "{} {} · {} {}",
        lang.pick("截至", "as of"),
        run.as_of,
        lang.pick("人数", "persons"),
        run.persons.len()
    );
    title(ws, &mut r, &line)?;
    if let Some((rows, limit)) = months_left_out {
        let note = match lang {
            Lang::Zh => format!(
                "明细表未放入本工作簿:共 {rows} 行,超过 {limit} 行时 Excel/WPS 难以打开。逐月明细见同一文件夹中的 months.csv。"
            ),
            Lang::En => format!(
                "The months sheet is left out of this workbook: {rows} rows, more than the {limit} Excel or WPS can open in reasonable time. Every month row is in months.csv in the same folder."
            ),
        };
        ws.write_string(r, 0, note)?;
        r += 1;
    }
    r += 1;

    title(ws, &mut r, lang.pick("按级别", "By severity"))?;
    head(ws, &mut r, &["severity", "count"])?;
    // Errors first, as the console and the page (the map is in name order).
    for sev in ["error", "warning", "info"] {
        let n = by_severity.get(sev).copied().unwrap_or(0);
        ws.write_string(r, 0, super::labels::cell("severity", sev, lang).as_ref())?;
        ws.write_number_with_format(r, 1, n as f64, &st.count)?;
        r += 1;
    }
    r += 1;

    title(ws, &mut r, lang.pick("按代码", "By code"))?;
    head(ws, &mut r, &["code", "severity", "count"])?;
    for info in crate::reconcile::findings::CODES.iter() {
        ws.write_string(r, 0, super::labels::cell("code", info.name, lang).as_ref())?;
        ws.write_string(
            r,
            1,
            super::labels::cell("severity", info.severity.as_str(), lang).as_ref(),
        )?;
        ws.write_number_with_format(
            r,
            2,
            by_code.get(info.name).copied().unwrap_or(0) as f64,
            &st.count,
        )?;
        r += 1;
    }
    r += 1;

    title(ws, &mut r, lang.pick("按单位", "By employer"))?;
    head(
        ws,
        &mut r,
        &[
            "employer",
            "persons",
            "errors",
            "warnings",
            "missing_credits",
        ],
    )?;
    let mut employers: BTreeMap<&str, (usize, usize, usize, Decimal)> = BTreeMap::new();
    for p in &run.persons {
        let e = employers
            .entry(p.employer.as_deref().unwrap_or("-"))
            .or_default();
        e.0 += 1;
        e.1 += p.count(Severity::Error);
        e.2 += p.count(Severity::Warning);
        e.3 += p.bridge.missing_credits.dec();
    }
    for (name, (persons, errors, warnings, missing)) in &employers {
        ws.write_string(r, 0, *name)?;
        ws.write_number_with_format(r, 1, *persons as f64, &st.count)?;
        ws.write_number_with_format(r, 2, *errors as f64, &st.count)?;
        ws.write_number_with_format(r, 3, *warnings as f64, &st.count)?;
        ws.write_number_with_format(r, 4, missing.to_f64().unwrap_or(0.0), &st.money)?;
        r += 1;
    }
    r += 1;

    title(
        ws,
        &mut r,
        lang.pick("按月份:应划入与实际划入", "By month: expected and credited"),
    )?;
    head(
        ws,
        &mut r,
        &[
            "month",
            "expected_credit",
            "credited",
            "difference",
            "findings",
        ],
    )?;
    for m in tables::by_month(run) {
        ws.write_string(r, 0, m.period.to_string())?;
        ws.write_number_with_format(r, 1, m.expected.to_f64().unwrap_or(0.0), &st.money)?;
        ws.write_number_with_format(r, 2, m.credited.to_f64().unwrap_or(0.0), &st.money)?;
        ws.write_number_with_format(
            r,
            3,
            (m.credited - m.expected).to_f64().unwrap_or(0.0),
            &st.money,
        )?;
        ws.write_number_with_format(r, 4, m.findings as f64, &st.count)?;
        r += 1;
    }
    Ok(())
}

/// The whole workbook, from the run and the CSV bytes of the same run.
pub fn workbook(
    run: &Reconciliation,
    csvs: &tables::CsvSet,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    workbook_within(run, csvs, lang, Limits::EXCEL)
}

/// [`workbook`] within `limits`.
pub fn workbook_within(
    run: &Reconciliation,
    csvs: &tables::CsvSet,
    lang: Lang,
    limits: Limits,
) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    // A fixed creation time keeps the bytes the same from run to run.
    let fixed = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1)?;
    // The creator says it is this tool's report: copied into a data folder, it is skipped
    // as an output of an earlier run (SPEC 2.7).
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&fixed)
            .set_author(crate::ingest::earlier_outputs::WORKBOOK_CREATOR)
            .set_comment("yibao-recon report: an output, not an input"),
    );
    let month_rows = memchr::memchr_iter(b'\n', &csvs.months.bytes())
        .count()
        .saturating_sub(1);
    let months_left_out = month_rows > limits.month_rows;
    summary_sheet(
        wb.add_worksheet().set_name(SHEETS[0])?,
        run,
        lang,
        &st,
        months_left_out.then_some((month_rows, limits.month_rows)),
    )?;
    table_sheets(
        &mut wb,
        limits,
        SHEETS[1],
        &csvs.findings.bytes(),
        &FINDINGS_COLUMNS,
        lang,
        &st,
    )?;
    if !months_left_out {
        table_sheets(
            &mut wb,
            limits,
            SHEETS[2],
            &csvs.months.bytes(),
            &MONTHS_COLUMNS,
            lang,
            &st,
        )?;
    }
    table_sheets(
        &mut wb,
        limits,
        SHEETS[3],
        &csvs.persons.bytes(),
        &PERSONS_COLUMNS,
        lang,
        &st,
    )?;
    table_sheets(
        &mut wb,
        limits,
        SHEETS[4],
        &csvs.rejected.bytes(),
        &super::REJECTED_COLUMNS,
        lang,
        &st,
    )?;
    wb.save_to_buffer()
}
