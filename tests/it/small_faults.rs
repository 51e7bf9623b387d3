//! Smaller faults found on the way (issue 17 item 5), each reproduced with its own files.

use crate::common;

use std::path::Path;

use common::{bin, read_csv, write};

const C_HEAD: &str = "身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费,缴费状态,缴费类型,缴费时间,险种类型,缴费档次\n";

/// Reconciles `dir` under `policy` into dir/out, in `lang`; returns findings.csv's rows.
fn findings(dir: &Path, policy: &str, lang: &str) -> common::Rows {
    let out = dir.join("out");
    bin()
        .arg("reconcile")
        .arg(dir.join("in"))
        .args([
            "--policy",
            policy,
            "-q",
            "--lang",
            lang,
            "--as-of",
            "2024-06-30",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(predicates::ord::lt(2));
    read_csv(&out.join("findings.csv"))
}

/// dir/in, made.
fn input(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    input
}

fn of<'a>(
    rows: &'a common::Rows,
    code: &str,
) -> Vec<&'a std::collections::BTreeMap<String, String>> {
    rows.iter().filter(|r| r["code"] == code).collect()
}

/// A family-sharing debit without a beneficiary: "for -." before.
#[test]
fn family_sharing_without_a_beneficiary_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let id = common::id("33010619900808010");
    write(
        &input(dir.path()),
        "statement.csv",
        format!(
            "身份证号,姓名,交易时间,交易类型,发生金额,余额\n{id},沈十,2024-02-05,101,120.00,220.00\n{id},沈十,2024-03-12,205,-60.00,160.00\n"
        ),
    );
    let rows = findings(dir.path(), "samples/policy.toml", "en");
    let sharing = of(&rows, "FAMILY_SHARING");
    assert_eq!(sharing.len(), 1, "{rows:?}");
    let message = &sharing[0]["message"];
    assert!(!message.contains("for -"), "{message}");
    assert!(message.contains("does not say for whom"), "{message}");
}

/// NO_ACCOUNT told someone with 2,014 yuan that a zero balance is expected.
#[test]
fn no_account_does_not_call_a_balance_zero() {
    let dir = tempfile::tempdir().unwrap();
    let id = common::id("33010619851120002");
    let input = input(dir.path());
    write(
        &input,
        "contributions.csv",
        format!("{C_HEAD}{id},吴二,202401,4000,160.00,0,已缴,正常,,城乡居民医保,一档\n"),
    );
    write(
        &input,
        "statement.csv",
        format!(
            "身份证号,姓名,交易时间,交易类型,发生金额,余额\n{id},吴二,2023-12-31,结转,2014.00,2014.00\n"
        ),
    );
    let rows = findings(dir.path(), "samples/policy.toml", "zh");
    let no_account = of(&rows, "NO_ACCOUNT");
    assert_eq!(no_account.len(), 1, "{rows:?}");
    let message = &no_account[0]["message"];
    assert!(!message.contains("账户为 0 属正常"), "{message}");
    assert!(message.contains("2014.00"), "{message}");
}

/// `[rates.tiers]`: a tier with its own employee rate is checked at that rate (二档 at
/// 0.2% was a RATE_MISMATCH against the 2% of everyone else).
#[test]
fn a_tier_has_its_own_rate() {
    let dir = tempfile::tempdir().unwrap();
    let policy = std::fs::read_to_string("samples/policy.toml").unwrap();
    let policy = policy.replace(
        "[rates]\nemployee = \"0.02\"",
        "[rates]\nemployee = \"0.02\"\n\n[rates.tiers]\n\"二档\" = \"0.002\"",
    );
    assert!(
        policy.contains("[rates.tiers]"),
        "the sample policy has [rates]"
    );
    let path = write(dir.path(), "policy.toml", policy);
    let a = common::id("33010619900101001");
    let b = common::id("33010619900101002");
    write(
        &input(dir.path()),
        "contributions.csv",
        format!(
            "{C_HEAD}{a},甲,202401,6000,12.00,480.00,已缴,正常,,职工基本医疗保险,二档\n{b},乙,202401,6000,12.00,480.00,已缴,正常,,职工基本医疗保险,一档\n"
        ),
    );
    let rows = findings(dir.path(), path.to_str().unwrap(), "en");
    let mismatch = of(&rows, "RATE_MISMATCH");
    assert_eq!(mismatch.len(), 1, "only 一档's 12.00 is wrong: {rows:?}");
    assert_eq!(mismatch[0]["name"], "乙");
    assert_eq!(mismatch[0]["expected"], "120.00");
}

/// A remark in the middle of the rows that a comma split over two cells is skipped as a
/// note, not rejected as a bad ID; 30 February is said to be no such day.
#[test]
fn a_mid_file_remark_is_skipped_and_a_missing_day_named() {
    let dir = tempfile::tempdir().unwrap();
    let id = common::id("33010619900404006");
    let f = write(
        dir.path(),
        "c.csv",
        format!(
            "{C_HEAD}{id},陈六,202401,6000,120.00,480.00,已缴,正常,,职工基本医疗保险,\n注：以上数据仅供参考,以经办机构为准\n{id},陈六,2024-02-30,6000,120.00,480.00,已缴,正常,,职工基本医疗保险,\n"
        ),
    );
    let rejected = dir.path().join("rejected.csv");
    bin()
        .args(["check", "--lang", "en", "--rejected"])
        .arg(&rejected)
        .arg(&f)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("note 1"));
    let rows = read_csv(&rejected);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["row"], "4");
    assert_eq!(
        rows[0]["reason"],
        "no such day in that month (such as 30 February)"
    );
}

/// An error that names its cause says it once ("Not a directory (os error 20): Not a
/// directory (os error 20)" before).
#[test]
fn an_io_error_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "plain-file", "x");
    let assert = bin()
        .args([
            "reconcile",
            "samples/scenarios/06_late_credit",
            "--policy",
            "samples/policy.toml",
            "-o",
        ])
        .arg(file.join("out"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(err.matches("os error").count(), 1, "{err}");
}

/// `init`'s cron line names a file the line itself writes (it named reports/latest.txt,
/// which nothing wrote).
#[test]
fn inits_cron_line_mails_a_file_it_writes() {
    let example = std::fs::read_to_string("examples/job.toml").unwrap();
    let line = example.lines().find(|l| l.contains("mail")).unwrap();
    let (run, mail) = line.split_once("||").unwrap();
    let file = mail.rsplit('<').next().unwrap().trim();
    assert!(run.contains(&format!("> {file}")), "{line}");
}

/// `check`'s warnings are Chinese in zh (they were English whatever `--lang` said);
/// summary.json keeps the English ones.
#[test]
fn checks_warnings_follow_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let good = common::id("11010519900101001");
    let last = good.chars().last().unwrap();
    let wrong_digit = if last == '1' { '2' } else { '1' };
    let wrong = format!("{}{wrong_digit}", &good[..17]);
    let f = write(
        dir.path(),
        "c.csv",
        format!("身份证号,姓名,费款所属期,缴费基数,个人缴费\n{wrong},张三,202401,5000,100\n"),
    );
    let zh = bin().args(["check"]).arg(&f).output().unwrap();
    let zh = String::from_utf8_lossy(&zh.stdout).into_owned();
    assert!(
        zh.contains("1 个证件号码校验位不对,仍按此号码读取(第 2 行)"),
        "{zh}"
    );
    let en = bin()
        .args(["check", "--lang", "en"])
        .arg(&f)
        .output()
        .unwrap();
    let en = String::from_utf8_lossy(&en.stdout).into_owned();
    assert!(
        en.contains("1 ID number(s) with a wrong check digit, accepted (rows 2)"),
        "{en}"
    );
}
