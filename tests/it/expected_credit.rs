//! SPEC 2.1 "Nothing is silently zero": where a period's expected credit comes from
//! (months.csv `expected_from`), the `unknown` status and EXPECTATION_UNKNOWN, stated
//! credits, the credits the bureau owes (types 36/40/41), types kept as `other`, reversed
//! rows and period ranges — each through the command line, read back by column name.

use crate::common;

use std::path::Path;

use common::{Rows, bin, id, read_csv, write};

/// A policy whose rule gives the employer part 1% of base up to 2022-08, none after.
const POLICY: &str = r#"
name = "test"
title = "test"
source = "test"
[timing]
credit_lag_months = 1
grace_months = 2
[[rule]]
from = "2001-01"
employee_share = "1"
employer_to_account = [ { rate = "0.01" } ]
flexible_to_account = "0.02"
retiree = [ { amount = "100.00" } ]
"#;

/// Runs `reconcile` on the files of `dir` with [`POLICY`] as of `as_of`; months.csv,
/// findings.csv and summary.json.
fn run(dir: &Path, policy: &str, as_of: &str) -> (Rows, Rows, serde_json::Value) {
    let policy_path = dir.join("policy.toml.txt");
    std::fs::write(&policy_path, policy).unwrap();
    let out = dir.join("out");
    let inputs = dir.join("in");
    let assert = bin()
        .arg("reconcile")
        .arg(&inputs)
        .arg("--policy")
        .arg(&policy_path)
        .args(["--as-of", as_of, "-q", "--format", "csv,json", "-o"])
        .arg(&out)
        .assert();
    let code = assert.get_output().status.code();
    assert!(matches!(code, Some(0 | 1)), "{:?}", assert.get_output());
    let summary =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    (
        read_csv(&out.join("months.csv")),
        read_csv(&out.join("findings.csv")),
        summary,
    )
}

/// summary.json's `inputs[]` entry of the file whose path ends with `name`.
fn input<'a>(summary: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no input {name}"))
}

fn inputs(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("in");
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn column<'a>(rows: &'a Rows, name: &str) -> Vec<&'a str> {
    rows.iter().map(|r| r[name].as_str()).collect()
}

fn codes(findings: &Rows) -> Vec<&str> {
    column(findings, "code")
}

/// A file with a base and no employee amount, under a rule that needs both: never `ok`
/// with 0.00 — `unknown`, expected empty, one EXPECTATION_UNKNOWN naming the column; the
/// credits still pair by time, and a month with none after grace is CREDIT_MISSING
/// without an amount.
#[test]
fn an_expectation_without_its_values_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    let mut c = String::from("身份证号,费款所属期,缴费基数\n");
    for m in 1..=4 {
        c.push_str(&format!("{pid},2021{m:02},5000\n"));
    }
    write(&i, "c.csv", c);
    let s = format!(
        "身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,150\n{pid},2021-03-10,101,150\n{pid},2021-04-10,101,150\n"
    );
    write(&i, "s.csv", s);
    let (months, findings, summary) = run(dir.path(), POLICY, "2021-12-31");
    assert_eq!(
        column(&months, "status"),
        ["unknown", "unknown", "unknown", "missing"]
    );
    assert_eq!(column(&months, "expected_credit"), ["", "", "", ""]);
    assert_eq!(column(&months, "expected_from"), ["", "", "", ""]);
    assert_eq!(
        column(&months, "credited"),
        ["150.00", "150.00", "150.00", ""]
    );
    assert_eq!(column(&months, "difference"), ["", "", "", ""]);
    let unknown: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "EXPECTATION_UNKNOWN")
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["severity"], "warning");
    assert_eq!(unknown[0]["period"], "2021-01");
    assert_eq!(unknown[0]["period_to"], "2021-04");
    assert!(
        unknown[0]["message"].contains("个人缴费金额"),
        "{}",
        unknown[0]["message"]
    );
    let missing: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "CREDIT_MISSING")
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["period"], "2021-04");
    assert_eq!(missing[0]["expected"], "");
    assert!(
        missing[0]["message"].contains("金额无法计算"),
        "{}",
        missing[0]["message"]
    );
    assert!(!codes(&findings).contains(&"CREDIT_UNEXPECTED"));
    assert_eq!(summary["findings"]["by_code"]["EXPECTATION_UNKNOWN"], 1);
}

/// With `[rates] employee` the base alone gives the expectation (`base`); with the
/// amounts, `amounts`.
#[test]
fn the_base_alone_serves_with_the_employee_rate() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    write(
        &i,
        "c.csv",
        format!("身份证号,费款所属期,缴费基数\n{pid},202101,5000\n"),
    );
    write(
        &i,
        "s.csv",
        format!("身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,150\n"),
    );
    let policy = POLICY.replacen("[timing]", "[rates]\nemployee = \"0.02\"\n[timing]", 1);
    let (months, findings, _) = run(dir.path(), &policy, "2021-12-31");
    assert_eq!(column(&months, "expected_from"), ["base"]);
    assert_eq!(column(&months, "expected_credit"), ["150.00"]);
    assert_eq!(column(&months, "status"), ["ok"]);
    assert!(codes(&findings).is_empty(), "{findings:?}");
}

/// A stated credit (划入个人账户金额, Wuhan's portal) is the expectation, before any
/// formula; a stated credit that differs from the formula is no finding.
#[test]
fn a_stated_credit_is_the_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    write(
        &i,
        "c.csv",
        format!(
            "身份证号,费款所属期,缴费基数,个人缴费,划入个人账户金额\n{pid},202101,5000,100,180\n{pid},202102,5000,100,\n"
        ),
    );
    write(
        &i,
        "s.csv",
        format!(
            "身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,180\n{pid},2021-03-10,101,150\n"
        ),
    );
    let (months, findings, summary) = run(dir.path(), POLICY, "2021-12-31");
    assert_eq!(column(&months, "expected_from"), ["stated", "amounts"]);
    assert_eq!(column(&months, "expected_credit"), ["180.00", "150.00"]);
    assert_eq!(column(&months, "status"), ["ok", "ok"]);
    assert!(codes(&findings).is_empty(), "{findings:?}");
    // 180 stated where the formula gives 150: counted once for the file in the warnings.
    let warnings: Vec<&str> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.contains("stated credit"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("c.csv: 1 month(s)"), "{}", warnings[0]);
}

/// Tianjin's 单位划入个账 adds to 划入个人账户.
#[test]
fn the_employers_stated_part_adds_to_the_stated_credit() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    write(
        &i,
        "c.csv",
        format!(
            "身份证号,缴费年月,费款所属年月,单位划入个账,划入个人账户\n{pid},202102,202101,50,100\n"
        ),
    );
    write(
        &i,
        "s.csv",
        format!("身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,150\n"),
    );
    let (months, _, _) = run(dir.path(), POLICY, "2021-12-31");
    assert_eq!(column(&months, "expected_credit"), ["150.00"]);
    assert_eq!(column(&months, "expected_from"), ["stated"]);
}

/// A retiree's month takes the policy's amount (`policy`).
#[test]
fn a_retiree_month_comes_from_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519500101001");
    write(
        &i,
        "c.csv",
        format!("身份证号,费款所属期,缴费基数,人员类别\n{pid},202101,5000,退休\n"),
    );
    write(
        &i,
        "s.csv",
        format!("身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,100\n"),
    );
    let (months, _, _) = run(dir.path(), POLICY, "2021-02-28");
    assert_eq!(column(&months, "expected_from")[0], "policy");
    assert_eq!(column(&months, "expected_credit")[0], "100.00");
}

/// Type 36 (退休人员统筹划账户) adds its stated credit to the period's expected credit with
/// no contribution; a type the national list does not schedule (99) is kept, not
/// scheduled, and counted in the warnings.
#[test]
fn owed_credits_add_and_other_types_are_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    write(
        &i,
        "c.csv",
        format!(
            "身份证号,费款所属期,缴费类型,缴费基数,个人缴费,划入个人账户金额\n\
             {pid},202101,10,5000,100,\n\
             {pid},202101,40,,,30\n\
             {pid},202102,99,5000,100,\n"
        ),
    );
    write(
        &i,
        "s.csv",
        format!("身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,180\n"),
    );
    let (months, findings, summary) = run(dir.path(), POLICY, "2021-12-31");
    assert_eq!(column(&months, "period"), ["2021-01"]);
    assert_eq!(column(&months, "expected_credit"), ["180.00"]);
    assert_eq!(column(&months, "status"), ["ok"]);
    assert!(codes(&findings).is_empty(), "{findings:?}");
    let warnings = summary["warnings"].to_string();
    assert!(warnings.contains("other"), "{warnings}");
    assert_eq!(summary["inputs"][0]["rows_accepted"], 3);
}

/// 冲销标志 是 / 已冲销 / 1: the row is skipped, reason `reversed`, and counted.
#[test]
fn reversed_rows_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    write(
        &i,
        "c.csv",
        format!(
            "身份证号,费款所属期,缴费基数,个人缴费,冲销标志\n\
             {pid},202101,5000,100,否\n\
             {pid},202101,5000,100,是\n\
             {pid},202102,5000,100,已冲销\n\
             {pid},202103,5000,100,1\n"
        ),
    );
    write(
        &i,
        "s.csv",
        format!("身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,150\n"),
    );
    let (months, _, summary) = run(dir.path(), POLICY, "2021-02-28");
    assert_eq!(column(&months, "employee_amount"), ["100.00"]);
    let input = &summary["inputs"][0];
    assert_eq!(input["rows_skipped_by_reason"]["reversed"], 3);
}

/// 费款所属期起止 in one cell, and 开始缴费日期 / 终止缴费日期 with 累计月数 (Guangzhou):
/// one row per month, amounts split evenly in cents with the remainder on the last,
/// the base repeated; a range that disagrees with 累计月数, ends before it starts or
/// spans more than 36 months is rejected.
#[test]
fn period_ranges_split_into_months() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    write(
        &i,
        "xian.csv",
        format!(
            "缴费人识别号,缴费人名称,征收项目,征收品目,征收子目,费款所属期起止,缴费基数,缴费比例,电子税票号,入库日期,实缴金额\n\
             {pid},张三,基本医疗保险费,职工基本医疗保险(个人缴纳),统账结合,2021-01-01至2021-03-31,5000,0.02,3201,2021-04-02,300\n\
             {pid},张三,基本医疗保险费,职工基本医疗保险(单位缴纳),统账结合,2021-01-01至2021-03-31,5000,0.08,3201,2021-04-02,1200\n\
             {pid},张三,基本养老保险费,企业职工基本养老保险(个人缴纳),,2021-01-01至2021-03-31,5000,0.08,3201,2021-04-02,1200\n\
             {pid},张三,基本医疗保险费,滞纳金,,2021-01-01至2021-03-31,,,3201,2021-04-02,5\n"
        ),
    );
    write(
        &i,
        "gz.csv",
        format!(
            "身份证号,开始缴费日期,终止缴费日期,累计月数,缴费基数,个人缴费\n\
             {pid},2021-04,2021-06,3,5000,100\n\
             {pid},2021-07,2021-08,3,5000,100\n\
             {pid},2021-09,2021-07,,5000,100\n\
             {pid},2018-01,2021-12,,5000,100\n"
        ),
    );
    let (months, _, summary) = run(dir.path(), POLICY, "2021-12-31");
    assert_eq!(
        column(&months, "period"),
        [
            "2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"
        ]
    );
    assert_eq!(
        column(&months, "employee_amount"),
        ["100.00", "100.00", "100.00", "33.33", "33.33", "33.34"]
    );
    assert_eq!(
        column(&months, "employer_amount"),
        ["400.00", "400.00", "400.00", "", "", ""]
    );
    let xian = input(&summary, "xian.csv");
    assert_eq!(xian["rows_accepted"], 2);
    assert_eq!(xian["rows_skipped_by_reason"]["other insurance"], 1);
    assert_eq!(xian["rows_skipped_by_reason"]["no side"], 1);
    assert_eq!(column(&months, "base"), ["5000.00"; 6]);
    let rejected: Vec<String> = summary["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rows_rejected"].to_string())
        .collect();
    assert!(rejected.contains(&"3".to_string()), "{rejected:?}");
    let out = dir.path().join("out");
    let reasons: Vec<String> = read_csv(&out.join("rejected.csv"))
        .into_iter()
        .map(|r| r["reason"].clone())
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
}

/// An HR payroll 社保明细表 (hr-toolkit): a merged title, a group row (养老, 医疗, 大病医疗,
/// `医疗2024年7月-8月补差`) over sub-headers with rates and line breaks, single columns merged
/// over both header rows. The medical group's columns are read, the others listed as
/// ignored; the 补差 group makes back-payment rows for July and August, paid in the row's
/// own month. As July and August have paid normal rows, they are differences: months.csv
/// shows base + difference in the normal rows and one `difference` row each; their credits
/// arrive as one entry of their sum, paired whole.
#[test]
fn a_payroll_sheet_with_a_back_payment_group() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let title = rust_xlsxwriter::Format::new();
    sheet
        .merge_range(0, 0, 0, 20, "2024年社保明细表", &title)
        .unwrap();
    let groups: [(u16, u16, &str); 4] = [
        (5, 8, "养老"),
        (9, 13, "医疗"),
        (14, 15, "大病医疗"),
        (16, 18, "医疗2024年7月-8月补差"),
    ];
    for (from, to, label) in groups {
        sheet.merge_range(1, from, 1, to, label, &title).unwrap();
    }
    for (c, single) in ["序号", "公司", "姓名", "身份证", "账单期"]
        .iter()
        .enumerate()
    {
        sheet
            .merge_range(1, c as u16, 2, c as u16, single, &title)
            .unwrap();
    }
    let subs = [
        (5, "基数"),
        (6, "个人(8%)"),
        (7, "个人金额"),
        (8, "单位金额"),
        (9, " 基数 "),
        (10, "个人\n(2%)"),
        (11, "个人金额"),
        (12, "单位(8%)"),
        (13, "单位金额"),
        (14, "个人金额"),
        (15, "单位金额"),
        (16, "基数"),
        (17, "个人金额"),
        (18, "单位金额"),
    ];
    for (c, text) in subs {
        sheet.write_string(2, c, text).unwrap();
    }
    let months = [
        ("202406", 6000.0, 0.0),
        ("202407", 7000.0, 0.0),
        ("202408", 7000.0, 0.0),
        ("202409", 7000.0, 1000.0),
    ];
    for (r, (month, base, back)) in months.iter().enumerate() {
        let r = r as u32 + 3;
        sheet.write_number(r, 0, f64::from(r - 2)).unwrap();
        sheet.write_string(r, 1, "示例公司").unwrap();
        sheet.write_string(r, 2, "钱七").unwrap();
        sheet.write_string(r, 3, &pid).unwrap();
        sheet.write_string(r, 4, *month).unwrap();
        for (c, v) in [
            (5, *base),
            (7, base * 0.08),
            (8, base * 0.16),
            (9, *base),
            (11, base * 0.02),
            (13, base * 0.08),
            (14, 5.0),
            (15, 10.0),
        ] {
            sheet.write_number(r, c, v).unwrap();
        }
        if *back > 0.0 {
            sheet.write_number(r, 16, *back).unwrap();
            sheet.write_number(r, 17, back * 0.02 * 2.0).unwrap();
            sheet.write_number(r, 18, back * 0.08 * 2.0).unwrap();
        }
    }
    write(&i, "社保明细表.xlsx", book.save_to_buffer().unwrap());
    // Normal credits on the month's base, the next month; the two differences (20 + 10
    // each) as one entry after the payment month.
    let s = format!(
        "身份证号,交易时间,交易类型,发生金额\n\
         {pid},2024-07-10,101,180\n\
         {pid},2024-08-10,101,210\n\
         {pid},2024-09-10,101,210\n\
         {pid},2024-10-10,101,210\n\
         {pid},2024-10-15,101,60\n"
    );
    write(&i, "s.csv", s);
    let (months, findings, summary) = run(dir.path(), POLICY, "2024-12-31");
    assert_eq!(
        column(&months, "period"),
        [
            "2024-06", "2024-07", "2024-07", "2024-08", "2024-08", "2024-09"
        ]
    );
    assert_eq!(
        column(&months, "part"),
        [
            "normal",
            "normal",
            "difference",
            "normal",
            "difference",
            "normal"
        ]
    );
    assert_eq!(
        column(&months, "base"),
        [
            "6000.00", "8000.00", "1000.00", "8000.00", "1000.00", "7000.00"
        ]
    );
    assert_eq!(
        column(&months, "expected_credit"),
        ["180.00", "210.00", "30.00", "210.00", "30.00", "210.00"]
    );
    assert_eq!(column(&months, "status"), ["ok"; 6]);
    let mut got = codes(&findings);
    got.sort();
    assert_eq!(
        got,
        ["BACKPAY", "BACKPAY", "BASE_CHANGE", "BASE_CHANGE"],
        "{findings:?}"
    );
    let input = input(&summary, ".xlsx");
    assert_eq!(input["rows_accepted"], 4);
    assert_eq!(input["rows_skipped_by_reason"]["header"], 2);
    assert_eq!(input["rows_skipped_by_reason"]["title"], 1);
    let ignored: Vec<String> = input["ignored_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                c["column"].as_str().unwrap(),
                c["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        ignored.contains(&"大病医疗(个人金额): under another scheme's group".to_string()),
        "{ignored:?}"
    );
    assert!(
        ignored.contains(&"医疗(个人\n(2%)): a rate".to_string()),
        "{ignored:?}"
    );
}

/// The same months in two files (SPEC 2.1 overlapping sources): the first file (by path)
/// counts whole, the later one's rows are skipped, never summed; a month recorded
/// differently is one SOURCE_CONFLICT naming the field and both values.
#[test]
fn overlapping_sources_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    let header = "身份证号,费款所属期,缴费基数,个人缴费\n";
    write(
        &i,
        "a_payroll.csv",
        format!("{header}{pid},202101,5000,100\n{pid},202102,5000,100\n"),
    );
    write(
        &i,
        "b_bureau.csv",
        format!("{header}{pid},202101,5000,100\n{pid},202102,6000,120\n{pid},202103,5000,100\n"),
    );
    write(
        &i,
        "s.csv",
        format!(
            "身份证号,交易时间,交易类型,发生金额\n{pid},2021-02-10,101,150\n{pid},2021-03-10,101,150\n{pid},2021-04-10,101,150\n"
        ),
    );
    let (months, findings, summary) = run(dir.path(), POLICY, "2021-04-30");
    assert_eq!(column(&months, "base"), ["5000.00", "5000.00", "5000.00"]);
    assert_eq!(column(&months, "status"), ["ok", "ok", "ok"]);
    let conflicts: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "SOURCE_CONFLICT")
        .collect();
    assert_eq!(conflicts.len(), 1, "{findings:?}");
    assert_eq!(conflicts[0]["period"], "2021-02");
    assert_eq!(conflicts[0]["expected"], "5000.00");
    assert_eq!(conflicts[0]["actual"], "6000.00");
    assert_eq!(conflicts[0]["severity"], "warning");
    let b = input(&summary, "b_bureau.csv");
    assert_eq!(b["rows_accepted"], 1);
    assert_eq!(
        b["rows_skipped_by_reason"]["same period in an earlier file"],
        2
    );
}

/// A row with only a person number takes the ID the same number carries elsewhere, when
/// exactly one exists (SPEC 2.1); beside two IDs the number stays the row's key.
#[test]
fn a_person_number_takes_its_one_id() {
    let people = |dir: &Path| -> Vec<String> {
        let (months, _, _) = run(dir, POLICY, "2021-12-31");
        let mut ids: Vec<String> = column(&months, "person_id")
            .into_iter()
            .map(String::from)
            .collect();
        ids.dedup();
        ids
    };
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let (a, b) = (id("11010519800101001"), id("11010519800101002"));
    write(
        &i,
        "a.csv",
        format!("身份证号,个人编号,费款所属期,个人缴费\n{a},1000123,202101,100\n"),
    );
    write(
        &i,
        "b.csv",
        "个人编号,费款所属期,个人缴费\n1000123,202102,100\n",
    );
    assert_eq!(people(dir.path()).len(), 1, "the number took its one ID");
    write(
        &i,
        "c.csv",
        format!("身份证号,个人编号,费款所属期,个人缴费\n{b},1000123,202103,100\n"),
    );
    assert_eq!(
        people(dir.path()).len(),
        3,
        "a number beside two IDs stays its own key"
    );
}

/// A statement exported twice in different shapes (the bureau's with codes and balances,
/// an app's flow with names): the later file's entries that match the first's on date,
/// signed amount and kind class are skipped one to one, so no credit counts twice; an
/// entry only the later file has is read.
#[test]
fn a_statement_in_two_files_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let i = inputs(dir.path());
    let pid = id("11010519800101001");
    write(
        &i,
        "c.csv",
        format!(
            "身份证号,费款所属期,缴费基数,个人缴费\n{pid},202101,5000,100\n{pid},202102,5000,100\n"
        ),
    );
    write(
        &i,
        "s1_bureau.csv",
        format!(
            "身份证号,交易时间,交易类型,发生金额,余额\n{pid},2021-02-10 09:00:00,101,150,150\n{pid},2021-03-10 09:00:00,101,150,300\n"
        ),
    );
    write(
        &i,
        "s2_app.csv",
        format!(
            "身份证号,交易时间,交易类型,交易金额\n{pid},2021-02-10 09:00:00,个人账户划账,150\n{pid},2021-03-10 09:00:00,个人账户划账,150\n{pid},2021-03-20 10:00:00,医保消费,-20\n"
        ),
    );
    let (months, findings, summary) = run(dir.path(), POLICY, "2021-03-31");
    assert_eq!(column(&months, "status"), ["ok", "ok"]);
    assert!(
        !codes(&findings).contains(&"DUPLICATE_CREDIT"),
        "{findings:?}"
    );
    let app = input(&summary, "s2_app.csv");
    assert_eq!(app["rows_accepted"], 1);
    assert_eq!(
        app["rows_skipped_by_reason"]["same period in an earlier file"],
        2
    );
}
