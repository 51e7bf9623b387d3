//! Privacy: a default run leaves no unmasked ID number in any output, message or log —
//! IDs planted in odd places included. `--show-ids` is the only way to print them.

mod common;

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
