//! Privacy: a default run leaves no unmasked ID number in any output, message or log —
//! IDs planted in odd places included. `--show-ids` is the only way to print them.

use crate::common;

use std::path::Path;

use calamine::{Reader, Xlsx, open_workbook};
use common::{bin, id, write};

fn all_text(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            let mut book: Xlsx<_> = open_workbook(&path).unwrap();
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).unwrap();
                for row in range.rows() {
                    for cell in row {
                        text.push_str(&cell.to_string());
                        text.push('\n');
                    }
                }
            }
        } else {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    text
}

#[test]
fn no_unmasked_id_in_any_output_of_a_default_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let a = id("32010219850315123");
    let relative = id("11010519700101456");
    let stranger = id("44030419921001005");
    // IDs in the ID column, in a name, in a note row, in a bad period, as a beneficiary,
    // in the roster's family list, and an ID with a wrong check digit.
    let wrong = format!("{}0", &stranger[..17]);
    write(
        &data,
        "c.csv",
        format!(
            "注:导出人 {stranger}\n身份证号,姓名,费款所属期,缴费基数,个人缴费\n{a},张三,202401,5000,100\n{a},张三,{relative},5000,100\n{wrong},{stranger},202401,5000,100\n"
        ),
    );
    write(
        &data,
        "s.csv",
        format!(
            "身份证号,交易时间,交易类型,发生金额,共济人\n{a},2024-02-05,101,100,\n{a},2024-02-20,205,-30,{stranger}\n"
        ),
    );
    write(
        &data,
        "r.csv",
        format!("身份证号,姓名,共济人员\n{a},张三,{relative}\n"),
    );
    // A per-person export named by the ID, holding a copy of a row read elsewhere.
    write(
        &data,
        &format!("{a}.csv"),
        format!("身份证号,交易时间,交易类型,发生金额\n{a},2024-02-05,101,100\nbad,x,101,1\n"),
    );
    let out = dir.path().join("out");
    let first = bin()
        .args(["reconcile", "--format", "csv,json,jsonl,xlsx,html", "-o"])
        .arg(&out)
        .arg(&data)
        .output()
        .unwrap();
    let again = bin()
        .args([
            "reconcile",
            "--lang",
            "en",
            "--format",
            "csv,json",
            "--previous",
        ])
        .arg(&out)
        .arg("-o")
        .arg(dir.path().join("out2"))
        .arg(&data)
        .output()
        .unwrap();
    let page = dir.path().join("out/person.html");
    let explain = bin()
        .args(["explain", "张三", "--html"])
        .arg(&page)
        .arg(&data)
        .output()
        .unwrap();
    let check = bin()
        .args(["check", "--rejected"])
        .arg(dir.path().join("out/check-rejected.csv"))
        .arg(&data)
        .output()
        .unwrap();
    let mut text = all_text(&out) + &all_text(&dir.path().join("out2"));
    for o in [&first, &again, &explain, &check] {
        text.push_str(&String::from_utf8_lossy(&o.stdout));
        text.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    assert!(
        text.contains("320102********"),
        "the outputs do name the person, masked"
    );
    let leaks = common::ids_in(&text);
    assert!(leaks.is_empty(), "unmasked IDs: {leaks:?}");

    // --show-ids is the way to see them.
    let shown = bin()
        .args(["reconcile", "--show-ids", "--format", "csv", "-o"])
        .arg(dir.path().join("shown"))
        .arg(&data)
        .output()
        .unwrap();
    assert!(shown.status.code().is_some());
    assert!(all_text(&dir.path().join("shown")).contains(&a));
}

/// Every text output of a folder, the workbook's cells and the page included.
fn all_text_deep(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            text.push_str(&all_text_deep(&path));
        } else if path.extension().is_some_and(|e| e == "xlsx") {
            let mut book: Xlsx<_> = open_workbook(&path).unwrap();
            for name in book.sheet_names() {
                text.push_str(&name);
                for row in book.worksheet_range(&name).unwrap().rows() {
                    for cell in row {
                        text.push_str(&cell.to_string());
                        text.push('\n');
                    }
                }
            }
        } else {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
        text.push_str(&path.display().to_string());
    }
    text
}

/// The hidden part of every planted ID (its birth date), in the forms it is written.
const HIDDEN: [&str; 4] = ["19900808", "1990 0808", "1990-0808", "1990_0808"];

/// IDs in every form a hostile or careless file holds them — with separators, a letter
/// prefix, a digit too many or too few, two in one cell, in a file and a folder name, as
/// a person number — leak in no output of `reconcile` (every format), `check` or
/// `explain`, stdout and stderr included.
#[test]
fn ids_in_every_form_leak_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("ID330106199008080999");
    let data = named.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let a = id("33010619900808010");
    let b = id("33010619900808011");
    let head = "身份证号,个人编号,姓名,费款所属期,缴费基数,个人缴费,单位缴费,缴费状态,缴费类型,缴费时间,险种类型,缴费档次\n";
    let row = |who: &str, number: &str, name: &str, period: &str| {
        format!("{who},{number},{name},{period},6000,120.00,480.00,已缴,正常,,职工基本医疗保险,\n")
    };
    let mut rows = String::from(head);
    rows += &row(&a, "ID330106199008080123", "330106-19900808-0131", "202401");
    rows += &row(&a, "P1", "张三", "202402");
    rows += &row(&b, "P2", "李四 330106 1990 0808 0149", "202401");
    rows += &row("330106_199008080157", "P3", "王五", "202401");
    rows += &row("3301061990080801", "P4", "十六位", "202401");
    rows += &row("33010619900808016", "P5", "十七位", "202401");
    rows += &row("3301061990080801890", "P6", "十九位", "202401");
    rows += &row(&format!("{a}{b}"), "P7", "两个号码", "202401");
    rows += &row(&a, "P1", "张三", "330106199008080190");
    std::fs::write(data.join("330106199008080107abc.csv"), rows).unwrap();
    std::fs::write(
        data.join("statement.csv"),
        format!(
            "身份证号,交易时间,交易类型,发生金额,共济人\n{a},2024-02-05,101,120.00,\n{a},2024-02-20,205,-30.00,330106-19900808-0204\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let mut text = String::new();
    let mut record = |o: std::process::Output| {
        text.push_str(&String::from_utf8_lossy(&o.stdout));
        text.push_str(&String::from_utf8_lossy(&o.stderr));
    };
    record(
        bin()
            .args(["reconcile", "--format", "csv,json,jsonl,xlsx,html", "-o"])
            .arg(&out)
            .arg(&named)
            .output()
            .unwrap(),
    );
    record(
        bin()
            .args(["check", "--rejected"])
            .arg(dir.path().join("check-rejected.csv"))
            .arg(&named)
            .output()
            .unwrap(),
    );
    record(
        bin()
            .args(["explain", "张三", "--html"])
            .arg(dir.path().join("person.html"))
            .arg(&named)
            .output()
            .unwrap(),
    );
    // Someone not in the files, by full ID: the "nobody" message must not echo it.
    record(
        bin()
            .args(["explain", "330106199008080212"])
            .arg(&named)
            .output()
            .unwrap(),
    );
    for f in ["check-rejected.csv", "person.html"] {
        text.push_str(&String::from_utf8_lossy(
            &std::fs::read(dir.path().join(f)).unwrap_or_default(),
        ));
    }
    text.push_str(&all_text_deep(&out));
    assert!(
        text.contains("330106********"),
        "the outputs name people, masked"
    );
    for hidden in HIDDEN {
        let at = text.find(hidden);
        assert!(
            at.is_none(),
            "{hidden} leaked: …{}…",
            at.map(|i| &text[i.saturating_sub(80)..(i + 40).min(text.len())])
                .unwrap_or("")
        );
    }
}

/// An ID typed where a date, a path or a number was expected is not echoed whole: clap's
/// own messages and the tool's "cannot read" alike.
#[test]
fn an_id_given_as_an_argument_is_masked_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let person = id("32010219850315123");
    let cases: [Vec<String>; 3] = [
        vec![
            "reconcile".into(),
            "--as-of".into(),
            person.clone(),
            "samples".into(),
        ],
        vec![
            "reconcile".into(),
            "--policy".into(),
            person.clone(),
            "samples".into(),
        ],
        vec![
            "check".into(),
            dir.path().join(&person).display().to_string(),
        ],
    ];
    for args in cases {
        let out = bin()
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.trim().is_empty(), "{args:?} said nothing");
        assert!(
            !stderr.contains(&person),
            "{args:?} echoed the ID: {stderr}"
        );
        assert!(stderr.contains(&person[..6]), "{args:?}: {stderr}");
    }
}
