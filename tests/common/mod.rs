//! Fixtures the tests write themselves: workbooks with rust_xlsxwriter, GBK and UTF-16 bytes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use encoding_rs::GB18030;
use yibao_recon::ingest::{Batch, InputFile, ingest};
use yibao_recon::values::id_check_char;

/// A valid 18-digit ID number built from 17 digits.
pub fn id(first17: &str) -> String {
    format!("{first17}{}", id_check_char(first17).unwrap())
}

/// A small deterministic generator for test data (the data is a function of the seed).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.next(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

pub fn bin() -> Command {
    Command::cargo_bin("yibao-recon").unwrap()
}

/// `reconcile samples/ --policy samples/policy.toml -q ARGS… -o OUT`: the samples' run.
/// `reconcile INPUT… --policy samples/policy.toml -q -o OUT`.
pub fn reconcile_into(inputs: &[&Path], out: &Path) -> Command {
    let mut cmd = bin();
    cmd.arg("reconcile")
        .args(inputs)
        .args(["--policy", "samples/policy.toml", "-q", "-o"])
        .arg(out);
    cmd
}

pub fn reconcile_samples(out: &Path, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.args([
        "reconcile",
        "samples/",
        "--policy",
        "samples/policy.toml",
        "-q",
    ])
    .args(args)
    .arg("-o")
    .arg(out);
    cmd
}

pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

pub fn gbk(text: &str) -> Vec<u8> {
    GB18030.encode(text).0.into_owned()
}

pub fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

pub fn utf16be_bom(text: &str) -> Vec<u8> {
    let mut b = vec![0xFE, 0xFF];
    b.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    b
}

/// A row of rejected.csv, its columns by name.
#[derive(Debug)]
pub struct Rejected {
    pub file: String,
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// Reads rejected.csv's rows, each column by its header's name.
pub fn read_rejected(path: &Path) -> Vec<Rejected> {
    read_csv(path)
        .into_iter()
        .map(|mut r| {
            let mut take = |column: &str| r.remove(column).unwrap();
            Rejected {
                file: take("file"),
                sheet: take("sheet"),
                row: take("row"),
                column: take("column"),
                value: take("value"),
                reason: take("reason"),
            }
        })
        .collect()
}

/// Checks persons.csv: opening + credits − spending − family − clearing + interest +
/// unclassified = closing, for every person; returns how many persons.
pub fn assert_bridges(persons_csv: &[u8]) -> usize {
    let rows = csv_rows(persons_csv);
    let n = |row: &std::collections::BTreeMap<String, String>, column: &str| {
        row[column].parse::<rust_decimal::Decimal>().unwrap()
    };
    for r in &rows {
        let lhs = n(r, "opening_balance") + n(r, "credits")
            - n(r, "spending")
            - n(r, "family_sharing")
            - n(r, "clearing_transfers")
            + n(r, "interest_adjustments")
            + n(r, "unclassified");
        assert_eq!(lhs, n(r, "closing_balance"), "bridge of {}", r["person_id"]);
    }
    rows.len()
}

/// Every standalone 15- or 18-digit run of digits (18th may be X) in `text` — ID numbers.
pub fn ids_in(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut end = i;
        if end - start == 17 && end < b.len() && (b[end] == b'X' || b[end] == b'x') {
            end += 1;
        }
        // A run inside a word (a SHA-256 in hex) is not an ID number.
        let alone = (start == 0 || !b[start - 1].is_ascii_alphanumeric())
            && b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric());
        if alone && (end - start == 18 || end - start == 15) {
            out.push(text[start..end].to_string());
        }
        i = end;
    }
    out
}

/// Reads the files as `reconcile` would, each classified from its header.
pub fn read_all(paths: &[&Path]) -> Batch {
    let inputs: Vec<InputFile> = paths.iter().map(|p| InputFile::new(*p)).collect();
    ingest(&inputs)
}

/// Every row of every source ends accepted, rejected or skipped, and the records and
/// rejections held are the ones counted.
pub fn assert_conserved(batch: &Batch) {
    for s in &batch.sources {
        let c = &s.counts;
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped, "{}", s.path);
        assert_eq!(c.skipped, c.skipped_by_reason().values().sum::<u64>());
    }
    let t = batch.totals();
    let records = batch.contributions.len() + batch.entries.len() + batch.roster.len();
    assert_eq!(t.accepted as usize, records);
    let rows_rejected = batch.rejected.iter().filter(|r| r.is_row()).count();
    assert_eq!(t.rejected as usize, rows_rejected);
}

/// Rejections as (row, column, reason code).
pub fn reasons(batch: &Batch) -> Vec<(u32, String, String)> {
    batch
        .rejected
        .iter()
        .map(|r| (r.origin.row, r.column.clone(), r.reason.code()))
        .collect()
}

/// A CSV report's rows, each by column name.
pub type Rows = Vec<std::collections::BTreeMap<String, String>>;

/// Reads a CSV report into [`Rows`].
pub fn read_csv(path: &Path) -> Rows {
    csv_rows(&std::fs::read(path).unwrap())
}

/// A CSV report's bytes as [`Rows`].
pub fn csv_rows(bytes: &[u8]) -> Rows {
    let mut r = csv::Reader::from_reader(bytes);
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Debian's Chromium (or Chrome), for the browser tests; .ci/run installs it.
pub fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// The findings.csv rows the command line writes for folder `dir` under the sample
/// policy as of `as_of` (a run with findings: exit 1).
pub fn cli_findings(dir: &str, as_of: &str) -> Rows {
    let out = tempfile::tempdir().unwrap();
    bin()
        .args([
            "reconcile",
            dir,
            "--policy",
            "samples/policy.toml",
            "--as-of",
            as_of,
            "-q",
            "-o",
        ])
        .arg(out.path().join("cli"))
        .assert()
        .code(1);
    read_csv(&out.path().join("cli/findings.csv"))
}

/// An individual's folder (SPEC 2.6 "one person across files"): the app's statement known
/// only by the 个人编号 in its title, the same statement exported again with an ID column,
/// and the contribution record by ID — seven credits of 100.00 and one spending of 45.50,
/// balances consistent. Returns the three files' (name, bytes).
pub fn one_person_two_identities() -> Vec<(String, Vec<u8>)> {
    let pid = id("33010619880512001");
    let mut events: Vec<(String, &str, i64)> = (2..=8)
        .map(|m| (format!("2024-{m:02}-10 09:00:00"), "个人账户划账", 10_000))
        .collect();
    events.push(("2024-06-20 15:00:00".into(), "医保消费", -4_550));
    events.sort();
    let title = "个人账户明细 个人编号：1000789 姓名：钱进\n";
    let (mut by_number, mut by_id) = (
        format!("{title}交易时间,交易类型,交易金额,账户余额\n"),
        format!("{title}身份证号,交易时间,交易类型,交易金额,账户余额\n"),
    );
    let mut balance = 0;
    let yuan = |cents: i64| format!("{}.{:02}", cents / 100, (cents % 100).abs());
    for (at, kind, cents) in &events {
        balance += cents;
        let row = format!("{at},{kind},{},{}\n", yuan(*cents), yuan(balance));
        by_number.push_str(&row);
        by_id.push_str(&format!("{pid},{row}"));
    }
    let mut contributions = String::from("身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n");
    for m in 1..=7 {
        contributions.push_str(&format!("{pid},钱进,2024{m:02},5000,100.00,450.00\n"));
    }
    vec![
        ("app_export.csv".into(), by_number.into_bytes()),
        ("app_export_with_id.csv".into(), by_id.into_bytes()),
        ("contributions.csv".into(), contributions.into_bytes()),
    ]
}

/// An XLSX as a spreadsheet program saves it (SPEC 2.7): the parts rewritten by `edit`
/// (name, text) — e.g. workbook.xml without rust_xlsxwriter's request to recalculate on
/// opening, which marks its formula values as not calculated.
pub fn rewrite_xlsx(xlsx: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let name = entry.name().unwrap().to_string();
        if name.ends_with(".xml") {
            data = edit(&name, String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// [`rewrite_xlsx`] as Excel saves a workbook: no `fullCalcOnLoad`, Excel 2016's version.
pub fn saved_by_excel(xlsx: &[u8]) -> Vec<u8> {
    rewrite_xlsx(xlsx, |name, xml| match name {
        "xl/workbook.xml" => xml.replace(" fullCalcOnLoad=\"1\"", ""),
        "docProps/app.xml" => xml.replace("12.0000", "16.0300"),
        _ => xml,
    })
}

/// A whole multipart upload of one file `c.csv` to /reconcile, as a raw HTTP/1.1 request
/// that closes after: for tests that write to the socket themselves (stall, abort).
pub fn raw_upload_request(file: &[u8]) -> Vec<u8> {
    let boundary = "----yibao-raw";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = format!(
        "POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body);
    req
}
