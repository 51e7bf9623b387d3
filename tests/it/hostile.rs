//! Hostile and broken inputs: each gets a clear error, rejection or skip naming the file
//! (and row and column where there is one) — never a panic, never a silent drop — and
//! memory stays bounded.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{bin, gbk, id, read_rejected, write};

const C_HEAD: &str = "身份证号,姓名,费款所属期,缴费基数,个人缴费\n";

/// Runs `check --lang en` with a rejected.csv; returns (exit code, stdout, stderr, rejected).
fn check(paths: &[&Path]) -> (i32, String, String, Vec<common::Rejected>) {
    let dir = tempfile::tempdir().unwrap();
    let rejected = dir.path().join("rejected.csv");
    let out = bin()
        .arg("check")
        .args(paths)
        .args(["--lang", "en", "--rejected"])
        .arg(&rejected)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1 || code == 2,
        "exit {code}: a panic?\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = if rejected.exists() {
        read_rejected(&rejected)
    } else {
        Vec::new()
    };
    (
        code,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        rows,
    )
}

/// The totals line adds up: read = accepted + rejected + skipped.
fn assert_totals_add_up(stdout: &str) {
    let line = stdout.lines().find(|l| l.starts_with("total:")).unwrap();
    let n: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(n[1], n[2] + n[3] + n[4], "{line}");
}

fn a() -> String {
    id("32010219850315123")
}

#[test]
fn truncated_workbook_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read("samples/shapes/hr_workbook.xlsx").unwrap();
    let f = write(dir.path(), "cut.xlsx", &bytes[..bytes.len() / 2]);
    let (code, _, err, _) = check(&[&f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cut.xlsx") && err.contains("not a readable workbook"),
        "{err}"
    );
}

#[test]
fn zip_bomb_is_refused_before_it_fills_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().large_file(true);
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..80 {
        w.write_all(&zeros).unwrap();
    }
    w.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2 << 20);
    // The limit is 1 GiB; the test lowers it rather than inflating a gigabyte.
    let out = bin()
        .env("YIBAO_MAX_WORKBOOK_MB", "64")
        .args(["check", "--lang", "en"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bomb.xlsx") && err.contains("zip bomb"),
        "{err}"
    );
}

#[test]
fn a_100_mb_cell_rejects_its_row_only() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "名".repeat(35 << 20); // 105 MB of UTF-8
    let f = write(
        dir.path(),
        "huge.csv",
        format!(
            "{C_HEAD}{},张三,202401,5000,100\n{},{huge},202402,5000,100\n",
            a(),
            a()
        ),
    );
    let (code, out, _, rows) = check(&[&f]);
    assert_eq!(code, 1);
    assert_totals_add_up(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].row.as_str(), rows[0].column.as_str()),
        ("3", "姓名")
    );
    assert!(rows[0].reason.contains("cell too long"), "{:?}", rows[0]);
    assert!(
        rows[0].value.chars().count() <= 41,
        "the value is cut short"
    );
}

#[test]
fn ten_thousand_columns() {
    let dir = tempfile::tempdir().unwrap();
    let extra: String = (0..10_000).map(|i| format!(",x{i}")).collect();
    let values: String = (0..10_000).map(|_| ",1").collect();
    let f = write(
        dir.path(),
        "wide.csv",
        format!(
            "身份证号,费款所属期,个人缴费{extra}\n{},202401,100{values}\n",
            a()
        ),
    );
    let (code, out, _, _) = check(&[&f]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("contributions"));
}

#[test]
fn empty_header_only_and_binary_files_are_listed_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", "");
    let header = write(dir.path(), "header.csv", C_HEAD);
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    let binary = write(dir.path(), "junk.csv", junk);
    let nul = write(dir.path(), "nul.csv", b"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    let (code, out, _, _) = check(&[&empty, &header, &binary, &nul]);
    // Files named by themselves and skipped: the check is incomplete (SPEC 2.3).
    assert_eq!(code, 2);
    assert!(out.contains("empty.csv: empty file"), "{out}");
    assert!(out.contains("junk.csv: binary data"), "{out}");
    assert!(out.contains("nul.csv"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with(&header.display().to_string()) && l.contains("read       1")),
        "{out}"
    );
}

#[test]
fn mixed_encodings_and_invalid_utf8_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("{C_HEAD}{},张三,202401,5000,100\n", a()).into_bytes();
    bytes.extend(gbk(&format!("{},李四,202402,5000,100\n", a())));
    bytes.extend(format!("{},王\u{5}五,202403,5000,100\n", a()).as_bytes());
    bytes.extend(b"x\xff\xfe,\xc3,202404,5000,100\n");
    let f = write(dir.path(), "mixed.csv", bytes);
    let (code, out, _, rows) = check(&[&f]);
    assert_eq!(code, 1);
    assert_totals_add_up(&out);
    // The GBK row is read as GBK; the junk row is rejected for its ID.
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].row.as_str(), rows[0].column.as_str()),
        ("5", "身份证号")
    );
    let batch = yibao_recon::ingest::ingest(&[yibao_recon::ingest::InputFile {
        path: f.clone(),
        forced: None,
        person: None,
        layout: None,
        follow: false,
    }]);
    let names: Vec<&str> = batch
        .contributions
        .iter()
        .filter_map(|c| c.who.name.as_deref())
        .collect();
    assert_eq!(names, ["张三", "李四", "王\u{5}五"]);
}

#[test]
fn duplicate_headers_and_two_period_columns() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "dup.csv",
        format!(
            "身份证号,所属期,费款所属期,个人缴费,个人缴费\n{},202401,202402,100,999\n",
            a()
        ),
    );
    let batch = yibao_recon::ingest::ingest(&[yibao_recon::ingest::InputFile {
        path: f.clone(),
        forced: None,
        person: None,
        layout: None,
        follow: false,
    }]);
    let c = &batch.contributions[0];
    assert_eq!(
        c.period.to_string(),
        "2024-02",
        "费款所属期 outranks 所属期"
    );
    assert_eq!(
        c.employee_amount.map(|d| d.to_string()).as_deref(),
        Some("100.00"),
        "the first 个人缴费 column"
    );
    let warnings = batch.warnings().join("\n");
    assert!(
        warnings.contains("所属期") && warnings.contains("个人缴费"),
        "{warnings}"
    );
}

#[test]
fn negative_bases_years_1900_and_2100_and_overflowing_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        "202401,-5000,100",
        "190003,5000,100",
        "210001,5000,100",
        "202402,5000,99999999999999999999999999999999",
        "202403,5000,1e30",
        "202404,5000,100",
    ];
    let body: String = rows.iter().map(|r| format!("{},x,{r}\n", a())).collect();
    let f = write(dir.path(), "bad.csv", format!("{C_HEAD}{body}"));
    let (code, out, _, rejected) = check(&[&f]);
    assert_eq!(code, 1);
    assert_totals_add_up(&out);
    let got: Vec<(&str, &str, &str)> = rejected
        .iter()
        .map(|r| (r.row.as_str(), r.column.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("2", "缴费基数", "negative contribution base"),
            (
                "3",
                "费款所属期",
                "year before 1990: not a period of the employee medical insurance"
            ),
            ("4", "费款所属期", "year or month out of range"),
            ("5", "个人缴费", "amount out of range"),
            ("6", "个人缴费", "amount out of range"),
        ]
    );
}

#[test]
fn the_same_row_in_two_files_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{C_HEAD}{},张三,202401,5000,100\n", a());
    let one = write(dir.path(), "a.csv", &text);
    let two = write(dir.path(), "b.csv", &text);
    let out = dir.path().join("out");
    bin()
        .args([
            "reconcile",
            "--lang",
            "en",
            "-q",
            "--format",
            "csv,json",
            "-o",
        ])
        .arg(&out)
        .arg(&one)
        .arg(&two)
        .assert()
        .code(0);
    // SPEC 2.1: the later file's copy is skipped (never rejected, never summed), and a
    // warning names the first copy.
    assert!(read_rejected(&out.join("rejected.csv")).is_empty());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let b = &summary["inputs"][1];
    assert!(b["path"].as_str().unwrap().ends_with("b.csv"));
    assert_eq!(
        b["rows_skipped_by_reason"]["same period in an earlier file"],
        1
    );
    let warnings = summary["warnings"].to_string();
    assert!(warnings.contains("a.csv row 2"), "{warnings}");
    let months = std::fs::read_to_string(out.join("months.csv")).unwrap();
    assert!(months.contains(",100.00,,100.00,"), "not doubled: {months}");
}

#[test]
fn one_person_with_conflicting_rows() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "c.csv",
        format!(
            "{C_HEAD}{id},张三,202401,5000,100\n{id},张叁,202401,6000,120\n",
            id = a()
        ),
    );
    let out = dir.path().join("out");
    bin()
        .args(["reconcile", "-q", "--format", "csv,json", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .code(0);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let warnings = summary["warnings"].to_string();
    assert!(
        warnings.contains("2 different names") && warnings.contains("320102********"),
        "{warnings}"
    );
    assert!(!warnings.contains(&a()), "masked");
    // Both rows of the period are summed, as SPEC says.
    let months = std::fs::read_to_string(out.join("months.csv")).unwrap();
    assert!(months.contains(",6000.00,220.00,,220.00,"), "{months}");
}

#[test]
fn missing_paths_and_unreadable_files_name_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let gone: PathBuf = dir.path().join("gone.csv");
    let (code, _, err, _) = check(&[&gone]);
    assert_eq!(code, 2);
    assert!(
        err.contains("gone.csv") && err.contains("no such file"),
        "{err}"
    );
}

/// Inputs the fuzzers found, each a regression test: a clear error naming the file, no
/// panic exit.
#[test]
fn fuzz_regressions() {
    for entry in std::fs::read_dir("tests/fuzz_regressions").unwrap() {
        let path = entry.unwrap().path();
        let out = bin()
            .args(["check", "--lang", "en"])
            .arg(&path)
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "{}: exit {code:?}",
            path.display()
        );
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let all = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(all.contains(&name), "{name} is named: {all}");
    }
}

/// A workbook with one value at A1 and one at the far corner: calamine would make a dense
/// grid of 17 billion cells; the sheet is refused with a clear message instead.
#[test]
fn far_apart_cells_are_refused_not_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("far.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "身份证号").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(&path).unwrap();
    let out = bin()
        .args(["check", "--lang", "en"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("far.xlsx") && err.contains("more than 20000000 cells"),
        "{err}"
    );
}

#[test]
fn every_id_under_several_names_is_noted_once_in_id_order() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y, z) = (
        id("11010119800101001"),
        id("11010119800101002"),
        id("44030119900202003"),
    );
    // Runs of one ID in two files and apart within a file; names missing on some rows.
    let f1 = write(
        dir.path(),
        "a.csv",
        format!(
            "{C_HEAD}{z},王五,202401,5000,100\n{x},张三,202401,5000,100\n{y},李四,202401,5000,100\n\
             {x},张叁,202402,5000,100\n{z},,202402,5000,100\n"
        ),
    );
    let f2 = write(
        dir.path(),
        "b.csv",
        format!(
            "{C_HEAD}{z},赵六,202403,5000,100\n{x},张三,202403,5000,100\n{z},王五,202404,5000,100\n"
        ),
    );
    let input = |path: &Path| yibao_recon::ingest::InputFile {
        path: path.to_path_buf(),
        forced: None,
        person: None,
        layout: None,
        follow: false,
    };
    let batch = yibao_recon::ingest::ingest(&[input(&f1), input(&f2)]);
    assert_eq!(
        batch.notes,
        [
            format!(
                "ID {x} has 2 different names in the inputs (张三, 张叁): check that one person is not mistaken for another"
            ),
            format!(
                "ID {z} has 2 different names in the inputs (王五, 赵六): check that one person is not mistaken for another"
            ),
        ]
    );
}

/// Terminal control sequences in cells (clear the screen, OSC 52 clipboard write, a C1
/// CSI) never reach the terminal from `check`, `explain` or `reconcile` — stdout or
/// stderr (they were printed raw).
#[test]
fn control_sequences_from_a_file_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "张\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}三\u{9b}31m\u{7f}";
    let f = write(
        dir.path(),
        "c.csv",
        format!(
            "{C_HEAD}{},{evil},202401,5000,100\n{},{evil},2024\u{1b}[1m13,5000,100\n",
            a(),
            a()
        ),
    );
    let runs = [
        bin().args(["check"]).arg(&f).output().unwrap(),
        bin().args(["explain", &a()]).arg(&f).output().unwrap(),
        bin()
            .args(["reconcile", "-o"])
            .arg(dir.path().join("out"))
            .arg(&f)
            .output()
            .unwrap(),
    ];
    let mut shown = 0;
    for o in &runs {
        for stream in [&o.stdout, &o.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text
                    .chars()
                    .any(|c| c == '\u{1b}' || c == '\u{7}' || ('\u{7f}'..='\u{9f}').contains(&c)),
                "{text:?}"
            );
            shown += text.matches("张三").count();
        }
    }
    assert!(shown > 0, "the name is still shown, without the sequences");
}

/// A copy of a workbook with each part passed through `change` (name, bytes → bytes).
fn rewrite_workbook(from: &Path, to: &Path, mut change: impl FnMut(&str, Vec<u8>) -> Vec<u8>) {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        w.start_file(&name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&change(&name, bytes)).unwrap();
    }
    w.finish().unwrap();
}

/// Sets the uncompressed size the zip's central directory declares for `part` — what a
/// bomb declares for the part that inflates to gigabytes.
fn declare_size(path: &Path, part: &str, size: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut i = 0;
    while i + 46 < bytes.len() {
        if bytes[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            let name_len = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
            if &bytes[i + 46..i + 46 + name_len] == part.as_bytes() {
                bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                std::fs::write(path, bytes).unwrap();
                return;
            }
        }
        i += 1;
    }
    panic!("{part} not in the central directory");
}

/// Runs `check --lang en FILE`; returns (status, stderr, seconds, peak KB when GNU time is
/// there to say).
fn check_measured(path: &Path) -> (Option<i32>, String, f64, Option<u64>) {
    let bin = assert_cmd::cargo::cargo_bin("yibao-recon");
    let time = Path::new("/usr/bin/time");
    let peak = path.with_extension("peak");
    let started = std::time::Instant::now();
    let out = if time.exists() {
        std::process::Command::new(time)
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&peak)
            .arg(&bin)
            .args(["check", "--lang", "en"])
            .arg(path)
            .output()
            .unwrap()
    } else {
        std::process::Command::new(&bin)
            .args(["check", "--lang", "en"])
            .arg(path)
            .output()
            .unwrap()
    };
    let seconds = started.elapsed().as_secs_f64();
    let kb = std::fs::read_to_string(&peak)
        .ok()
        .and_then(|t| t.lines().last()?.trim().parse().ok());
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        seconds,
        kb,
    )
}

/// A shared-strings bomb — 58 million strings declared (calamine reserved room for all of
/// them: 48 s and 3.1 GB for a 2-row sheet) — is refused before calamine reads it, in
/// seconds and well under 1 GB.
#[test]
fn a_shared_strings_bomb_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.xlsx");
    rewrite_workbook(
        Path::new("samples/shapes/hr_workbook.xlsx"),
        &bomb,
        |name, bytes| {
            if name == "xl/sharedStrings.xml" {
                String::from_utf8(bytes)
                    .unwrap()
                    .replace("uniqueCount=\"31\"", "uniqueCount=\"58000000\"")
                    .into_bytes()
            } else {
                bytes
            }
        },
    );
    let (code, err, seconds, kb) = check_measured(&bomb);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("bomb.xlsx") && err.contains("58000000 shared strings"),
        "{err}"
    );
    assert!(seconds < 5.0, "{seconds} s");
    if let Some(kb) = kb {
        assert!(kb < 1 << 20, "{kb} KB");
    }
    // The count pushed out of sight by 100 KiB of padding before the <sst> tag.
    let padded = dir.path().join("padded.xlsx");
    rewrite_workbook(&bomb, &padded, |name, bytes| {
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(bytes).unwrap();
            let at = text.find("<sst").unwrap();
            format!("{}{}{}", &text[..at], " ".repeat(100 << 10), &text[at..]).into_bytes()
        } else {
            bytes
        }
    });
    let (code, err, seconds, _) = check_measured(&padded);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("do not begin with their <sst> tag"), "{err}");
    assert!(seconds < 5.0, "{seconds} s");
}

/// The shared strings and the styles declared far larger than any real workbook's are
/// refused by their declared size, naming the part.
#[test]
fn oversized_shared_strings_and_styles_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (part, size) in [
        ("xl/sharedStrings.xml", 940u32 << 20),
        ("xl/styles.xml", 100 << 20),
    ] {
        let bomb = dir.path().join("bomb.xlsx");
        std::fs::copy("samples/shapes/hr_workbook.xlsx", &bomb).unwrap();
        declare_size(&bomb, part, size);
        let (code, err, seconds, kb) = check_measured(&bomb);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains(&format!("its part {part} expands to {} MiB", size >> 20)),
            "{err}"
        );
        assert!(seconds < 5.0, "{seconds} s");
        if let Some(kb) = kb {
            assert!(kb < 1 << 20, "{kb} KB");
        }
    }
}

/// Sums that overflow are an error naming the person and the file, not a saturated
/// number: 10,050 credits of 999,999,999,999 yuan each pass ±10^16 yuan.
#[test]
fn an_overflowing_sum_is_an_error_naming_the_person_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("身份证号,交易时间,交易类型,发生金额\n");
    for i in 0..10_050u32 {
        text.push_str(&format!(
            "{},2024-{:02}-{:02} 10:{:02}:{:02},101,999999999999.00\n",
            a(),
            1 + i % 12,
            1 + i % 28,
            i / 60 % 60,
            i % 60
        ));
    }
    let f = write(dir.path(), "huge_amounts.csv", text);
    let out = dir.path().join("out");
    let o = bin()
        .args(["reconcile", "--lang", "en", "-o"])
        .arg(&out)
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("huge_amounts.csv") && err.contains("sum beyond"),
        "{err}"
    );
    assert!(
        !out.exists(),
        "no report set passes the saturated sum off as a balance"
    );
    let failed: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("out.failed-"))
        .collect();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(failed[0].join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["complete"], false);
    let reason = summary["unreadable_inputs"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("330106********") || reason.contains("********"),
        "{reason}"
    );
}

/// One 20,000-character string that 500 rows of a small workbook share (one string in
/// the workbook) is shown cut to 80 characters in each rejected row: it wrote out whole
/// for every row — 20,000 such rows of a 13 KB workbook made a 1.2 GB rejected.csv.
#[test]
fn a_long_shared_value_in_rejected_rows_is_shown_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["身份证号", "姓名", "费款所属期", "缴费基数", "个人缴费"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let long = "坏".repeat(20_000);
    for r in 1..=500u32 {
        sheet.write_string(r, 0, a()).unwrap();
        sheet.write_string(r, 1, "张三").unwrap();
        sheet.write_string(r, 2, "202401").unwrap();
        sheet.write_string(r, 3, &long).unwrap();
        sheet.write_number(r, 4, 100.0).unwrap();
    }
    book.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 200_000);
    let (code, stdout, _, rejected) = check(&[&path]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(rejected.len(), 500);
    for row in &rejected {
        let value = &row.value;
        assert_eq!(value.chars().count(), 81, "{value:.100}");
        assert!(value.ends_with('…'));
    }
    assert_totals_add_up(&stdout);
}
