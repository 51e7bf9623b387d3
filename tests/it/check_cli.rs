//! The real binary, run in temp dirs: `check` on the samples and on fixtures, exit statuses,
//! rejected.csv, masking, `schema`.

use crate::common;

use common::{bin, gbk, id, read_rejected, write};
use predicates::prelude::*;

#[test]
fn check_samples_classifies_every_file_and_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let rejected = dir.path().join("rejected.csv");
    let out = bin()
        .args(["check", "samples/shapes", "--lang", "en", "--rejected"])
        .arg(&rejected)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    for (label, kind) in [
        ("samples/shapes/agency_english.csv", "contributions"),
        ("samples/shapes/agency_utf16.tsv", "contributions"),
        (
            "samples/shapes/bureau_statement.ods [账户明细]",
            "statement",
        ),
        ("samples/shapes/hr_legacy.xls [缴费记录]", "contributions"),
        ("samples/shapes/city_portal_gbk.csv", "contributions"),
        (
            "samples/shapes/hr_workbook.xlsx [缴费明细]",
            "contributions",
        ),
        ("samples/shapes/hr_workbook.xlsx [花名册]", "roster"),
        ("samples/shapes/roster.csv", "roster"),
        ("samples/shapes/statement_codes.csv", "statement"),
        ("samples/shapes/statement_text.csv", "statement"),
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(label) && l[label.len()..].starts_with(' '))
            .unwrap_or_else(|| panic!("{label} missing in:\n{out}"));
        assert!(line.contains(kind), "{line}");
        let nums: Vec<u64> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let [read, accepted, rejected, skipped] = nums[nums.len() - 4..] else {
            panic!()
        };
        assert_eq!(read, accepted + rejected + skipped, "{line}");
    }
    assert!(
        out.contains("samples/shapes/hr_workbook.xlsx [说明]: no header row"),
        "{out}"
    );
    assert!(
        out.contains("read 89 = accepted 70 + rejected 1 + skipped 18"),
        "{out}"
    );
    let rows = read_rejected(&rejected);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].file, "samples/shapes/city_portal_gbk.csv");
    assert_eq!(rows[0].row, "9");
    assert_eq!(rows[0].column, "证件号码");
    assert_eq!(rows[0].value, "3.10115E+17");
    assert!(rows[0].reason.contains("scientific notation"));
}

#[test]
fn clean_input_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "c.csv",
        format!(
            "身份证号,所属期,个人缴费\n{},202401,100\n",
            id("32010219850315123")
        ),
    );
    bin()
        .arg("check")
        .arg(&f)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("contributions"));
}

#[test]
fn missing_file_and_broken_workbook_exit_two_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(
        dir.path(),
        "c.csv",
        format!(
            "身份证号,所属期,个人缴费\n{},202401,100\n",
            id("32010219850315123")
        ),
    );
    let broken = write(dir.path(), "broken.xlsx", b"PK\x03\x04 this is not a zip");
    bin()
        .arg("check")
        .arg(&good)
        .arg(&broken)
        .arg(dir.path().join("nope.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.xlsx"))
        .stderr(predicate::str::contains("nope.csv"))
        // the readable file is still reported
        .stdout(predicate::str::contains("c.csv"));
}

#[test]
fn forced_kind_without_its_columns_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "x.csv", "身份证号,姓名\n1,张三\n");
    bin()
        .args(["check", "--lang", "en", "--statements"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("x.csv"))
        .stderr(predicate::str::contains("statement"))
        .stderr(predicate::str::contains("date"));
}

#[test]
fn forced_kind_reads_what_the_header_would_not_decide() {
    // A roster-looking header read as contributions? No: forced kinds pick the header row
    // for that kind. Here a statement file under a name the folder walk would skip.
    let dir = tempfile::tempdir().unwrap();
    let a = id("32010219850315123");
    let f = write(
        dir.path(),
        "export.dat",
        format!("身份证号,交易时间,发生金额\n{a},2024-01-05,100\n"),
    );
    bin()
        .args(["check", "--statements"])
        .arg(&f)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("statement"));
}

#[test]
fn unrelated_csv_is_listed_as_skipped_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.csv", "item,price\napple,3\n");
    bin()
        .args(["check", "--lang", "en"])
        .arg(dir.path())
        .assert()
        // Nothing recognised is no check (was: exit 0 on nothing read).
        .code(2)
        .stderr(predicate::str::contains("nothing was recognised"))
        .stdout(predicate::str::contains("skipped inputs:"))
        .stdout(predicate::str::contains("notes.csv"));
}

#[test]
fn ids_in_rejected_values_are_masked_unless_shown() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("32010219850315123");
    // The ID was pasted into the period column: the row is rejected with the ID as value.
    let f = write(
        dir.path(),
        "c.csv",
        format!("身份证号,所属期,个人缴费\n{a},{a},100\n"),
    );
    let masked = dir.path().join("masked.csv");
    let shown = dir.path().join("shown.csv");
    let out = bin()
        .arg("check")
        .arg(&f)
        .arg("--rejected")
        .arg(&masked)
        .assert()
        .code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        !stdout.contains(&a),
        "terminal output leaks the ID:\n{stdout}"
    );
    assert!(stdout.contains("320102********"), "{stdout}");
    let rows = read_rejected(&masked);
    assert_eq!(rows[0].value, format!("320102********{}", &a[14..]));
    bin()
        .arg("check")
        .arg(&f)
        .arg("--show-ids")
        .arg("--rejected")
        .arg(&shown)
        .assert()
        .code(1);
    assert_eq!(read_rejected(&shown)[0].value, a);
}

#[test]
fn rejected_csv_is_identical_whatever_the_order_and_threads() {
    let dir = tempfile::tempdir().unwrap();
    let a = id("32010219850315123");
    let x = write(
        dir.path(),
        "x.csv",
        gbk(&format!(
            "身份证号,所属期,个人缴费\n{a},2024-13,1\n{a},202401,abc\n"
        )),
    );
    let y = write(
        dir.path(),
        "y.csv",
        format!("身份证号,所属期,个人缴费\n{a},,1\n"),
    );
    let one = dir.path().join("one.csv");
    let two = dir.path().join("two.csv");
    bin()
        .arg("check")
        .arg(&x)
        .arg(&y)
        .args(["-j", "1", "--rejected"])
        .arg(&one)
        .assert()
        .code(1);
    bin()
        .arg("check")
        .arg(&y)
        .arg(&x)
        .args(["-j", "2", "--rejected"])
        .arg(&two)
        .assert()
        .code(1);
    let (one, two) = (std::fs::read(one).unwrap(), std::fs::read(two).unwrap());
    assert_eq!(one, two);
    assert_eq!(String::from_utf8(one).unwrap().lines().count(), 4);
}

#[test]
fn schema_prints_embedded_json() {
    for name in [
        "contributions",
        "statement",
        "roster",
        "policy",
        "findings",
        "summary",
    ] {
        let out = bin()
            .args(["schema", name])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(v["title"].is_string(), "{name}");
    }
    bin()
        .args(["schema", "nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("contributions"));
}

#[test]
fn bad_arguments_exit_two() {
    bin().args(["check", "--lang", "fr", "x"]).assert().code(2);
    bin().args(["frobnicate"]).assert().code(2);
    bin().args(["check"]).assert().code(2);
}
