//! Writes the input-shape samples in `samples/shapes/`: one file per shape SPEC lists.
//!
//!     cargo run --example make_samples
//!
//! The files are committed; this program is how they were made and how to remake them.
//! The people are invented; their ID numbers carry valid check digits.

// Money is written in cents as `yuan_cents` (`160_00` is 160.00 yuan) for legibility.
#![allow(clippy::inconsistent_digit_grouping)]

use std::path::Path;

use encoding_rs::GB18030;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use yibao_recon::values::id_check_char;

fn id(first17: &str) -> String {
    let c = id_check_char(first17).expect("17 digits");
    format!("{first17}{c}")
}

struct Person {
    id: String,
    name: &'static str,
}

fn people() -> Vec<Person> {
    [
        ("32010219850315123", "张伟"),
        ("32010419710722004", "李娜"),
        ("11010519580512002", "王芳"),
        ("44030419921001005", "刘洋"),
        ("42010619881130002", "陈静"),
        ("31011519950105003", "赵磊"),
    ]
    .into_iter()
    .map(|(d, name)| Person { id: id(d), name })
    .collect()
}

fn csv_text(rows: &[Vec<String>], delimiter: char) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains(delimiter) || c.contains('"') {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&cells.join(&delimiter.to_string()));
        out.push_str("\r\n");
    }
    out
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// HR workbook: an instructions sheet, a contributions sheet with title rows, Excel date
/// cells for the period and a total row, and a roster sheet.
fn hr_workbook(p: &[Person], dir: &Path) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2024, 7, 5)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&fixed));
    let bold = Format::new().set_bold();
    let month = Format::new().set_num_format("yyyy-mm");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let amount = Format::new().set_num_format("#,##0.00");

    let notes = wb.add_worksheet().set_name("说明")?;
    notes.write_string(0, 0, "填表说明")?;
    notes.write_string(1, 0, "1. 本表由人力资源部按月导出,金额单位:元。")?;
    notes.write_string(2, 0, "2. 身份证号请设置为文本格式。")?;

    let ws = wb.add_worksheet().set_name("缴费明细")?;
    ws.merge_range(0, 0, 0, 8, "2024年上半年职工医保缴费明细表", &bold)?;
    ws.write_string(1, 0, "单位:示例科技有限公司")?;
    ws.write_string(1, 6, "制表日期:2024-07-05")?;
    let header = [
        "序号",
        "姓名",
        "身份证号",
        "费款所属期",
        "缴费基数",
        "医疗保险(个人)",
        "医疗保险(单位)",
        "缴费状态",
        "缴费类型",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &bold)?;
    }
    let mut r = 4u32;
    let (mut total_emp, mut total_er) = (0i64, 0i64);
    for (person, base) in [(&p[0], 800_000i64), (&p[1], 600_000)] {
        for m in 1..=6u8 {
            let emp = base * 2 / 100;
            let er = base * 8 / 100;
            ws.write_number(r, 0, f64::from(r - 3))?;
            ws.write_string(r, 1, person.name)?;
            ws.write_string(r, 2, &person.id)?;
            ws.write_datetime_with_format(r, 3, ExcelDateTime::from_ymd(2024, m, 1)?, &month)?;
            ws.write_number_with_format(r, 4, base as f64 / 100.0, &amount)?;
            ws.write_number_with_format(r, 5, emp as f64 / 100.0, &amount)?;
            ws.write_number_with_format(r, 6, er as f64 / 100.0, &amount)?;
            ws.write_string(r, 7, "已缴")?;
            ws.write_string(r, 8, "正常")?;
            total_emp += emp;
            total_er += er;
            r += 1;
        }
    }
    ws.write_string_with_format(r, 0, "合计", &bold)?;
    ws.write_number_with_format(r, 5, total_emp as f64 / 100.0, &amount)?;
    ws.write_number_with_format(r, 6, total_er as f64 / 100.0, &amount)?;

    let roster = wb.add_worksheet().set_name("花名册")?;
    for (c, h) in [
        "身份证号",
        "姓名",
        "出生日期",
        "人员类别",
        "退休时间",
        "账户状态",
        "共济人员",
    ]
    .iter()
    .enumerate()
    {
        roster.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let entries = [
        (&p[0], (1985, 3, 15), "在职", None, "正常", "李娜"),
        (&p[1], (1971, 7, 22), "在职", None, "正常", ""),
        (&p[2], (1958, 5, 12), "退休", Some((2013, 6)), "正常", ""),
    ];
    for (i, (person, (y, m, d), cat, retired, status, family)) in entries.iter().enumerate() {
        let r = i as u32 + 1;
        roster.write_string(r, 0, &person.id)?;
        roster.write_string(r, 1, person.name)?;
        roster.write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(*y, *m, *d)?, &day)?;
        roster.write_string(r, 3, *cat)?;
        if let Some((y, m)) = retired {
            roster.write_datetime_with_format(r, 4, ExcelDateTime::from_ymd(*y, *m, 1)?, &month)?;
        }
        roster.write_string(r, 5, *status)?;
        roster.write_string(r, 6, *family)?;
    }
    wb.save(dir.join("hr_workbook.xlsx"))
}

/// City-portal export, GBK: a title row, 缴费年月 (payment month) beside 费款所属期, a back
/// payment, and one ID that Excel turned into scientific notation (rejected).
fn city_portal_gbk(p: &[Person], dir: &Path) -> std::io::Result<()> {
    let person = &p[4];
    let mut rows = vec![
        row(&["个人缴费明细查询结果"]),
        row(&[
            "个人编号",
            "姓名",
            "证件号码",
            "险种类型",
            "费款所属期",
            "缴费年月",
            "缴费基数",
            "个人缴费金额",
            "单位缴费金额",
            "缴费标志",
            "缴费类型",
            "到账日期",
        ]),
    ];
    for m in 1..=6 {
        let (paid, kind, arrived) = if m == 3 {
            ("202405", "补缴", "2024-05-20")
        } else {
            ("", "正常", "")
        };
        let paid = if paid.is_empty() {
            format!("2024{m:02}")
        } else {
            paid.to_string()
        };
        let arrived = if arrived.is_empty() {
            format!("2024-{m:02}-15")
        } else {
            arrived.to_string()
        };
        rows.push(vec![
            "1000235".into(),
            person.name.into(),
            person.id.clone(),
            "职工基本医疗保险".into(),
            format!("2024{m:02}"),
            paid,
            "7,500.00".into(),
            "150.00".into(),
            "600.00".into(),
            if m == 3 { "已缴" } else { "已到账" }.into(),
            kind.into(),
            arrived,
        ]);
    }
    rows.push(row(&[
        "1000236",
        "赵磊",
        "3.10115E+17",
        "职工基本医疗保险",
        "202401",
        "202401",
        "5000",
        "100.00",
        "400.00",
        "已到账",
        "正常",
        "2024-01-15",
    ]));
    let text = csv_text(&rows, ',');
    std::fs::write(dir.join("city_portal_gbk.csv"), GB18030.encode(&text).0)
}

/// An agency export with English headers, UTF-8 without BOM: a flexible worker.
fn agency_english(p: &[Person], dir: &Path) -> std::io::Result<()> {
    let person = &p[3];
    let mut rows = vec![row(&[
        "person_id",
        "name",
        "period",
        "base",
        "employee_amount",
        "employer_amount",
        "status",
        "insurance",
        "tier",
    ])];
    for m in 1..=6 {
        rows.push(vec![
            person.id.clone(),
            person.name.into(),
            format!("2024-{m:02}"),
            "4500.00".into(),
            "360.00".into(),
            "0.00".into(),
            "paid".into(),
            "灵活就业人员".into(),
            "一档".into(),
        ]);
    }
    std::fs::write(dir.join("agency_english.csv"), csv_text(&rows, ','))
}

/// "Unicode text" from Excel: UTF-16LE with BOM, tab-separated.
fn agency_utf16(p: &[Person], dir: &Path) -> std::io::Result<()> {
    let person = &p[5];
    let mut rows = vec![row(&[
        "社会保障号码",
        "姓名",
        "所属期",
        "缴费基数",
        "个人缴费",
        "单位缴费",
        "人员类别",
        "单位名称",
    ])];
    for m in 1..=6 {
        rows.push(vec![
            person.id.clone(),
            person.name.into(),
            format!("2024年{m}月"),
            "5,000.00".into(),
            "100.00".into(),
            "400.00".into(),
            "在职".into(),
            "示例物流有限公司".into(),
        ]);
    }
    let text = csv_text(&rows, '\t');
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.join("agency_utf16.tsv"), bytes)
}

/// A statement with income/expense columns and national codes, UTF-8 with BOM.
fn statement_codes(p: &[Person], dir: &Path) -> std::io::Result<()> {
    let person = &p[0];
    let mut rows = vec![row(&[
        "证件号码",
        "姓名",
        "账户收支类型",
        "收支时间",
        "收入",
        "支出",
        "余额",
        "医疗机构名称",
    ])];
    let mut balance = 1_250_00i64;
    let mut push = |kind: &str, at: &str, income: i64, expense: i64, inst: &str| {
        balance += income - expense;
        rows.push(vec![
            person.id.clone(),
            person.name.into(),
            kind.into(),
            at.into(),
            if income > 0 {
                money(income)
            } else {
                String::new()
            },
            if expense > 0 {
                money(expense)
            } else {
                String::new()
            },
            money(balance),
            inst.into(),
        ]);
    };
    for m in 2..=7 {
        push("101", &format!("2024-{m:02}-05 09:30:00"), 160_00, 0, "");
        if m == 3 {
            push("201", "2024-03-18 15:02:11", 0, 86_50, "南京市第一医院");
        }
        if m == 5 {
            push("205", "2024-05-09 10:15:00", 0, 120_00, "示例大药房");
        }
        if m == 6 {
            push("102", "2024-06-30 23:59:59", 12_35, 0, "");
        }
    }
    let mut text = String::from("\u{feff}");
    text.push_str(&csv_text(&rows, ','));
    std::fs::write(dir.join("statement_codes.csv"), text)
}

/// A statement with one signed amount column and kinds in words, UTF-8.
fn statement_text(p: &[Person], dir: &Path) -> std::io::Result<()> {
    let mut rows = vec![row(&[
        "身份证号",
        "姓名",
        "交易时间",
        "交易类型",
        "发生金额",
        "余额",
        "共济人",
        "备注",
    ])];
    let mut add = |person: &Person, start: i64, items: &[(&str, &str, i64, &str)]| {
        let mut balance = start;
        for (at, kind, amount, who) in items {
            balance += amount;
            rows.push(vec![
                person.id.clone(),
                person.name.into(),
                at.to_string(),
                kind.to_string(),
                if *amount < 0 {
                    format!("-{}", money(-amount))
                } else {
                    money(*amount)
                },
                money(balance),
                who.to_string(),
                String::new(),
            ]);
        }
    };
    add(
        &p[1],
        300_00,
        &[
            ("2024/2/6", "个人账户划入", 120_00, ""),
            ("2024/3/6", "个人账户划入", 120_00, ""),
            ("2024/3/21", "药店购药", -45_80, ""),
            ("2024/4/6", "个人账户划入", 120_00, ""),
            ("2024/5/6", "个人账户划入", 120_00, ""),
            ("2024/5/30", "门诊消费", -210_00, ""),
            ("2024/6/6", "个人账户划入", 120_00, ""),
            ("2024/7/6", "个人账户划入", 120_00, ""),
        ],
    );
    add(
        &p[2],
        2_000_00,
        &[
            ("2024/1/10", "退休人员划入", 83_00, ""),
            ("2024/2/10", "退休人员划入", 83_00, ""),
            ("2024/2/26", "家庭共济", -60_00, "王小明"),
            ("2024/3/10", "退休人员划入", 83_00, ""),
            ("2024/4/10", "退休人员划入", 83_00, ""),
            ("2024/5/10", "退休人员划入", 83_00, ""),
            ("2024/6/10", "退休人员划入", 83_00, ""),
        ],
    );
    std::fs::write(dir.join("statement_text.csv"), csv_text(&rows, ','))
}

/// A roster as CSV: status spans and authorised relatives.
fn roster(p: &[Person], dir: &Path) -> std::io::Result<()> {
    let rows = vec![
        row(&[
            "身份证号",
            "姓名",
            "出生日期",
            "人员类别",
            "退休时间",
            "账户状态",
            "状态开始",
            "状态结束",
            "共济人员",
        ]),
        vec![
            p[3].id.clone(),
            p[3].name.into(),
            "1992-10-01".into(),
            "在职".into(),
            "".into(),
            "正常".into(),
            "".into(),
            "".into(),
            "".into(),
        ],
        vec![
            p[4].id.clone(),
            p[4].name.into(),
            "1988-11-30".into(),
            "在职".into(),
            "".into(),
            "正常".into(),
            "".into(),
            "".into(),
            "".into(),
        ],
        vec![
            p[5].id.clone(),
            p[5].name.into(),
            "1995-01-05".into(),
            "在职".into(),
            "".into(),
            "冻结".into(),
            "2024-04".into(),
            "2024-05".into(),
            "".into(),
        ],
    ];
    std::fs::write(dir.join("roster.csv"), csv_text(&rows, ','))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/shapes");
    std::fs::create_dir_all(&dir)?;
    let p = people();
    hr_workbook(&p, &dir)?;
    city_portal_gbk(&p, &dir)?;
    agency_english(&p, &dir)?;
    agency_utf16(&p, &dir)?;
    statement_codes(&p, &dir)?;
    statement_text(&p, &dir)?;
    roster(&p, &dir)?;
    println!("wrote samples to {}", dir.display());
    Ok(())
}
