//! SPEC 2.2, through the command line: people who hold only a statement — app exports with
//! the identity in the title, a file with none passed with `--person` — and `explain` by
//! what the reports print. Outputs are read back by column name.

use crate::common;

use std::path::Path;

use common::{Rows, bin, id, read_csv, write};

/// An app's account flow: title lines, then 交易时间, 交易类型, 交易金额, 账户余额, the
/// balance following the amounts.
fn app_statement(title: &[&str], rows: &[(&str, &str, i64)]) -> String {
    let mut out: String = title.iter().map(|t| format!("{t}\n")).collect();
    out.push_str("交易时间,交易类型,交易金额,账户余额\n");
    let mut balance = 0;
    for (at, kind, cents) in rows {
        balance += cents;
        out.push_str(&format!(
            "{at},{kind},{}.{:02},{}.{:02}\n",
            cents / 100,
            cents % 100,
            balance / 100,
            balance % 100
        ));
    }
    out
}

/// Monthly credits of `cents` on the 5th of each month of 2024 in `months`.
fn monthly(months: &[u32], cents: i64) -> Vec<(String, &'static str, i64)> {
    months
        .iter()
        .map(|m| (format!("2024-{m:02}-05 09:00:00"), "个人账户划账", cents))
        .collect()
}

fn borrowed<'a>(rows: &'a [(String, &'static str, i64)]) -> Vec<(&'a str, &'a str, i64)> {
    rows.iter().map(|(a, k, c)| (a.as_str(), *k, *c)).collect()
}

/// `reconcile` on `inputs` (plus `extra` arguments) into `dir/out`; findings, persons and
/// summary.json.
fn reconcile(dir: &Path, inputs: &[&Path], extra: &[&str]) -> (Rows, Rows, serde_json::Value) {
    let out = dir.join("out");
    bin()
        .arg("reconcile")
        .args(inputs)
        .args(extra)
        .args(["-q", "--format", "csv,json", "-o"])
        .arg(&out)
        .assert()
        .code(predicates::ord::lt(2));
    let summary =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    (
        read_csv(&out.join("findings.csv")),
        read_csv(&out.join("persons.csv")),
        summary,
    )
}

fn codes(findings: &Rows) -> Vec<(String, String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["period"].clone(),
                f["code"].clone(),
                f["severity"].clone(),
            )
        })
        .collect()
}

#[test]
fn an_app_statement_with_the_id_in_the_title_says_when_credits_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619880512123");
    let rows = monthly(&[1, 2, 3, 4, 5, 6, 7], 15000);
    let file = write(
        dir.path(),
        "账户明细.csv",
        app_statement(&[&format!("王芳 {pid} 个人账户明细")], &borrowed(&rows)),
    );
    let (findings, persons, _) = reconcile(dir.path(), &[&file], &["--as-of", "2024-11-30"]);
    assert_eq!(
        codes(&findings),
        [("2024-08".into(), "CREDITS_STOPPED".into(), "error".into())]
    );
    let stopped = &findings[0];
    assert_eq!(stopped["period_to"], "2024-11");
    assert!(stopped["message"].contains("2024-07"), "{stopped:?}");
    assert!(
        stopped["message"].contains("单位"),
        "names the employer first"
    );
    // No month rows, the statement's months, nothing expected, the printed balance.
    let p = &persons[0];
    assert_eq!(p["name"], "王芳");
    assert_eq!(
        (p["first_period"].as_str(), p["last_period"].as_str()),
        ("2024-01", "2024-07")
    );
    assert_eq!(
        (
            p["expected_credits"].as_str(),
            p["missing_credits"].as_str()
        ),
        ("", "")
    );
    assert_eq!(p["statement_balance"], "1050.00");
    assert_eq!(p["closing_balance"], "1050.00");
}

#[test]
fn a_file_without_identity_is_read_with_person() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619880512123");
    let mut rows = monthly(&[1, 2, 4, 5, 6], 15000);
    rows.push(("2024-06-20 09:00:00".into(), "个人账户划账", 15000));
    rows.sort();
    let file = write(
        dir.path(),
        "copied.csv",
        app_statement(&[], &borrowed(&rows)),
    );
    let (findings, persons, _) = reconcile(
        dir.path(),
        &[&file],
        &["--person", &pid, "--as-of", "2024-07-31"],
    );
    // The second June credit fills March, the nearest earlier month without one: March's
    // credit came three months late (beyond grace: a warning), and no month is a gap.
    assert_eq!(
        codes(&findings),
        [("2024-03".into(), "CREDIT_LATE".into(), "warning".into())]
    );
    assert_eq!(persons.len(), 1);
}

#[test]
fn a_statement_only_batch_has_no_unexpected_credit() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::from("身份证号,交易时间,交易类型,发生金额,余额\n");
    for person in 0..20u32 {
        let pid = id(&format!(
            "3301061985{:02}{:02}{:03}",
            1 + person % 12,
            10 + person,
            person
        ));
        let mut balance = 0;
        for m in 1..=10u32 {
            if m == 4 + person % 5 {
                continue;
            }
            let amount = 8000 + 1000 * i64::from(m > 6 && person % 3 == 0);
            balance += amount;
            lines.push_str(&format!(
                "{pid},2024-{m:02}-05 09:00:00,101,{}.00,{}.00\n",
                amount / 100,
                balance / 100
            ));
        }
    }
    let file = write(dir.path(), "statements.csv", lines);
    let (findings, persons, _) = reconcile(dir.path(), &[&file], &["--as-of", "2024-10-31"]);
    assert_eq!(persons.len(), 20);
    assert!(findings.iter().all(|f| f["code"] != "CREDIT_UNEXPECTED"));
    let gaps = findings
        .iter()
        .filter(|f| f["code"] == "CREDIT_GAP")
        .count();
    assert_eq!(gaps, 20, "one gap each");
    let changes = findings
        .iter()
        .filter(|f| f["code"] == "CREDIT_CHANGE")
        .count();
    assert_eq!(changes, 7, "people 0, 3, …, 18");
}

#[test]
fn credits_outside_the_contribution_span_are_counted_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619880512123");
    let contributions = write(
        dir.path(),
        "缴费.csv",
        format!(
            "身份证号,费款所属期,缴费基数,个人缴费,缴费状态\n{pid},202403,5000,100.00,已缴\n{pid},202404,5000,100.00,已缴\n"
        ),
    );
    let statement = write(
        dir.path(),
        "明细.csv",
        format!(
            "身份证号,交易时间,交易类型,发生金额,余额\n{pid},2024-01-05,101,100.00,100.00\n{pid},2024-04-05,101,100.00,200.00\n{pid},2024-05-05,101,100.00,300.00\n{pid},2024-05-25,101,37.00,337.00\n{pid},2024-09-05,101,100.00,437.00\n"
        ),
    );
    let (findings, _, summary) = reconcile(
        dir.path(),
        &[&contributions, &statement],
        &["--policy", "national", "--as-of", "2024-09-30"],
    );
    // January (before 2024-04, the first due month) and September (after 2024-07, the last
    // grace end) are outside the span; May's 37.00 is inside and unexpected.
    assert_eq!(
        codes(&findings),
        [(
            "2024-05".into(),
            "CREDIT_UNEXPECTED".into(),
            "warning".into()
        )]
    );
    assert_eq!(
        summary["credits_outside_span"],
        serde_json::json!({"persons": 1, "credits": 2, "amount": "200.00"})
    );
}

/// Two statement-only people whose masked IDs are the same (same region code and last
/// four), one other.
fn three_people(dir: &Path) -> (String, String, String) {
    let a = id("33010619880512123");
    let b = id("33010619900106123");
    let c = id("11010519750303456");
    let mut lines = String::from("身份证号,姓名,交易时间,交易类型,发生金额,余额\n");
    for (pid, name) in [(&a, "甲"), (&b, "乙"), (&c, "丙")] {
        lines.push_str(&format!("{pid},{name},2024-01-05,101,10.00,10.00\n"));
    }
    write(dir, "明细.csv", lines);
    (a, b, c)
}

fn explain(dir: &Path, who: &str) -> assert_cmd::assert::Assert {
    bin()
        .arg("explain")
        .arg(who)
        .arg(dir)
        .args(["--as-of", "2024-01-31", "--lang", "en"])
        .assert()
}

#[test]
fn explain_takes_the_masked_id_from_persons_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, c) = three_people(dir.path());
    let masked = format!("{}********{}", &c[..6], &c[14..]);
    let out = explain(dir.path(), &masked).success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.starts_with(&format!("丙 {masked}")), "{text}");
    assert!(text.contains("Why the balance is 10.00 yuan"), "{text}");
    assert!(!text.contains(&c), "the full ID is not printed");
}

#[test]
fn explain_lists_the_people_a_masked_id_fits_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, _) = three_people(dir.path());
    assert_eq!(a[14..], b[14..], "the fixture needs two IDs masked alike");
    let masked = format!("{}********{}", &a[..6], &a[14..]);
    let out = explain(dir.path(), &masked).code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("2 people match"), "{err}");
    assert!(
        err.contains('甲') && err.contains('乙') && !err.contains('丙'),
        "{err}"
    );
    assert!(
        !err.contains(&a) && !err.contains(&b),
        "IDs stay masked: {err}"
    );
}

#[test]
fn explain_names_the_skipped_file_that_may_hold_the_person() {
    let dir = tempfile::tempdir().unwrap();
    let rows = monthly(&[1, 2], 15000);
    write(
        dir.path(),
        "李明的明细.csv",
        app_statement(&["李明 个人账户明细"], &borrowed(&rows)),
    );
    // Someone else's statement is read: the run has people, none of them 李明.
    three_people(dir.path());
    let out = explain(dir.path(), "李明").code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("No person"), "{err}");
    assert!(
        err.contains("李明的明细.csv"),
        "names the skipped file: {err}"
    );
    assert!(err.contains("--person"), "says how to read it: {err}");
}

#[test]
fn nothing_recognised_writes_nothing_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let rows = monthly(&[1, 2], 15000);
    write(
        dir.path(),
        "李明的明细.csv",
        app_statement(&["李明 个人账户明细"], &borrowed(&rows)),
    );
    let out = dir.path().join("out");
    let assert = bin()
        .arg("reconcile")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .args(["--lang", "en"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("nothing in the inputs was recognised"),
        "{err}"
    );
    assert!(
        err.contains("李明的明细.csv") && err.contains("--person"),
        "{err}"
    );
    assert!(!out.exists(), "no report folder");
}

/// Months the roster marks inactive after the last credit are ACCOUNT_INACTIVE; the stop
/// starts after them and still names the real last credit month.
#[test]
fn inactive_months_after_the_last_credit_come_before_the_stop() {
    let dir = tempfile::tempdir().unwrap();
    let pid = id("33010619880512123");
    let rows = monthly(&[1, 2, 3], 15000);
    let statement = write(
        dir.path(),
        "明细.csv",
        app_statement(&[&format!("证件号码：{pid}")], &borrowed(&rows)),
    );
    let roster = write(
        dir.path(),
        "花名册.csv",
        format!("身份证号,姓名,账户状态,状态开始,状态结束\n{pid},王芳,冻结,202404,202405\n"),
    );
    let (findings, _, _) = reconcile(
        dir.path(),
        &[&statement, &roster],
        &["--as-of", "2024-10-31", "--lang", "en"],
    );
    assert_eq!(
        codes(&findings),
        [
            (
                "2024-04".into(),
                "ACCOUNT_INACTIVE".into(),
                "warning".into()
            ),
            ("2024-06".into(), "CREDITS_STOPPED".into(), "error".into()),
        ]
    );
    assert!(
        findings[1]["message"].contains("the last credit was in 2024-03"),
        "{:?}",
        findings[1]
    );
}

/// `explain 明细.csv`: a file and nobody named — the one person in it is explained (it
/// said "no input given"); a file of several people lists them, exit 2.
#[test]
fn explain_a_file_alone_explains_its_one_person() {
    let assert = common::bin()
        .args([
            "explain",
            "samples/scenarios/23_credits_stopped/账户明细.csv",
        ])
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout.contains("为什么余额是") && stdout.contains("划入已停止"),
        "{stdout}"
    );
    let assert = common::bin()
        .args([
            "explain",
            "samples/scenarios/28_no_contributions",
            "--lang",
            "en",
        ])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("say whom to explain"), "{err}");
}
