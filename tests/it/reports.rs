//! Reports for people: the workbook read back with calamine against the CSVs, the HTML
//! page's charts, changes.csv between runs.

use crate::common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::bin;
use yibao_recon::lang::Lang;
use yibao_recon::report::labels;

fn run_all_formats(out: &Path, lang: &str) {
    common::reconcile_samples(
        out,
        &["--lang", lang, "--format", "csv,json,jsonl,xlsx,html"],
    )
    .assert()
    .code(1);
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f:.2}"),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// Every table sheet holds the same rows as its CSV; amounts are numbers with 2 decimals.
#[test]
fn workbook_sheets_hold_the_csv_numbers() {
    let dir = tempfile::tempdir().unwrap();
    run_all_formats(dir.path(), "zh");
    let mut book: Xlsx<_> = open_workbook(dir.path().join("report.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["汇总", "异常", "明细", "人员", "被拒行"]
    );
    for (sheet, file, money_cols) in [
        ("异常", "findings.csv", vec![6, 7, 8]),
        ("明细", "months.csv", vec![5, 6, 7, 8, 9, 11]),
        (
            "人员",
            "persons.csv",
            (4..=13).chain([16]).collect::<Vec<_>>(),
        ),
        ("被拒行", "rejected.csv", vec![]),
    ] {
        let range = book.worksheet_range(sheet).unwrap();
        let csv = csv_rows(&dir.path().join(file));
        assert_eq!(range.height(), csv.len(), "{sheet}");
        for (r, (row, expected)) in range.rows().zip(&csv).enumerate() {
            for (c, want) in expected.iter().enumerate() {
                let got = row.get(c).unwrap_or(&Data::Empty);
                if r > 0 && money_cols.contains(&c) && !want.is_empty() {
                    assert!(matches!(got, Data::Float(_)), "{sheet} r{r} c{c}: {got:?}");
                    assert_eq!(cell_text(got), *want, "{sheet} r{r} c{c}");
                } else if let (true, Data::Float(f)) = (r > 0, got) {
                    assert_eq!(format!("{}", *f as i64), *want, "{sheet} r{r} c{c}: counts");
                } else if r > 0 {
                    // In zh the sheet says severity, code, status… in Chinese.
                    let column = csv[0][c].as_str();
                    let shown = labels::cell(column, want, Lang::Zh);
                    assert_eq!(cell_text(got), shown, "{sheet} r{r} c{c}");
                }
            }
        }
        // Headings in the --lang language.
        let first = range.rows().next().unwrap();
        assert!(
            first
                .iter()
                .all(|c| !cell_text(c).is_ascii() || cell_text(c).is_empty()),
            "{sheet}: {first:?}"
        );
    }
    let summary = book.worksheet_range("汇总").unwrap();
    let text: Vec<String> = summary
        .rows()
        .flat_map(|r| r.iter().map(cell_text))
        .collect();
    assert!(
        text.iter().any(|t| t == "应划未划 CREDIT_MISSING"),
        "code label beside"
    );
    assert!(text.iter().any(|t| t == "示例物流有限公司"), "by employer");
}

/// The samples reconciled in the library, with their CSV tables.
fn samples_run() -> (
    yibao_recon::reconcile::Reconciliation,
    yibao_recon::report::tables::CsvSet,
) {
    let batch = yibao_recon::ingest::ingest(&[yibao_recon::ingest::InputFile {
        path: "samples".into(),
        forced: None,
        person: None,
        layout: None,
        follow: false,
    }]);
    let policy = yibao_recon::policy::Policy::load("samples/policy.toml").unwrap();
    let options = yibao_recon::reconcile::Options {
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 6, 30),
        lang: Lang::Zh,
        shard: None,
        keep_entries: false,
    };
    let run = yibao_recon::reconcile::reconcile(&batch, &policy, options);
    let mut csvs = yibao_recon::report::tables::CsvSet::build(
        &run,
        &batch,
        yibao_recon::mask::IdDisplay::Masked,
        Lang::Zh,
        true,
    )
    .unwrap();
    csvs.join();
    (run, csvs)
}

fn read_book(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
}

/// A table longer than a sheet continues in 明细2, 明细3… (was: the run failed at Excel's
/// row limit, 30,000 people × 36 months); every row is kept, each sheet has the header.
#[test]
fn a_long_table_continues_in_numbered_sheets() {
    use yibao_recon::report::xlsx::{Limits, workbook_within};
    let (run, csvs) = samples_run();
    let rows = csv_rows_bytes(&csvs.months.bytes()).len() - 1;
    let limits = Limits {
        sheet_rows: 50,
        month_rows: usize::MAX,
        stream_to_temp_files: true,
    };
    let mut book = read_book(workbook_within(&run, &csvs, Lang::Zh, limits).unwrap());
    let names = book.sheet_names();
    let parts: Vec<&String> = names.iter().filter(|n| n.starts_with("明细")).collect();
    assert_eq!(parts.len(), rows.div_ceil(50), "{names:?}");
    assert_eq!(parts[1], "明细2");
    let mut total = 0;
    for name in parts.clone() {
        let range = book.worksheet_range(name).unwrap();
        assert_eq!(cell_text(&range.rows().next().unwrap()[0]), "证件号码");
        assert!(range.height() - 1 <= 50);
        total += range.height() - 1;
    }
    assert_eq!(total, rows);
}

/// Above the month-row limit 明细 is left out, and 汇总 says so and where the rows are.
#[test]
fn a_huge_months_table_is_left_out_and_said_so() {
    use yibao_recon::report::xlsx::{Limits, workbook_within};
    let (run, csvs) = samples_run();
    let limits = Limits {
        sheet_rows: 1_048_575,
        month_rows: 10,
        stream_to_temp_files: false,
    };
    let mut book = read_book(workbook_within(&run, &csvs, Lang::Zh, limits).unwrap());
    assert_eq!(book.sheet_names(), ["汇总", "异常", "人员", "被拒行"]);
    let summary = book.worksheet_range("汇总").unwrap();
    let text: String = summary
        .rows()
        .flat_map(|r| r.iter().map(cell_text))
        .collect();
    assert!(
        text.contains("明细表未放入本工作簿") && text.contains("months.csv"),
        "{text}"
    );
}

fn csv_rows_bytes(bytes: &[u8]) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(Result::unwrap)
        .collect()
}

/// A large run's page lists the first findings, errors first, and says where the rest
/// are; the cards say 错误/警告/提示 (the info card said 问题数).
#[test]
fn a_large_runs_page_lists_the_first_findings_and_links_the_rest() {
    let (run, csvs) = samples_run();
    let page = yibao_recon::report::html::report_within(&run, &csvs, "test", Lang::Zh, 5);
    assert_eq!(
        page.matches("<tr class=\"error\"").count(),
        5,
        "errors first"
    );
    assert!(!page.contains("<tr class=\"info\""));
    assert!(page.contains("本页只列出前 5 条") && page.contains("href=\"findings.csv\""));
    let card = page.split("class=\"card info\"><b>").nth(1).unwrap();
    let label = card
        .split("</b>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    assert_eq!(label, "提示", "the info card (said 问题数)");
}

#[test]
fn english_headings_are_the_csv_column_names() {
    let dir = tempfile::tempdir().unwrap();
    run_all_formats(dir.path(), "en");
    let mut book: Xlsx<_> = open_workbook(dir.path().join("report.xlsx")).unwrap();
    let range = book.worksheet_range("异常").unwrap();
    let head: Vec<String> = range.rows().next().unwrap().iter().map(cell_text).collect();
    assert_eq!(head, csv_rows(&dir.path().join("findings.csv"))[0]);
    let jsonl = std::fs::read_to_string(dir.path().join("findings.jsonl")).unwrap();
    let findings = csv_rows(&dir.path().join("findings.csv")).len() - 1;
    assert_eq!(jsonl.lines().count(), findings);
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["code"].is_string());
    }
}

/// The page is one file with nothing fetched; its charts are SVG with bars and lines.
#[test]
fn html_report_is_self_contained_with_charts() {
    let dir = tempfile::tempdir().unwrap();
    run_all_formats(dir.path(), "zh");
    let page = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        !page.contains("http://")
            || page
                .matches("http://")
                .all(|_| page.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    );
    assert!(!page.contains("https://"));
    assert!(!page.contains("<link") && !page.contains("src="));
    assert!(page.contains("id=\"chart-codes\"") && page.contains("class=\"bar\""));
    assert!(page.contains("id=\"chart-months\"") && page.contains("<polyline"));
    assert!(page.contains("id=\"findings\""));
    assert!(common::ids_in(&page).is_empty());
}

#[test]
fn explain_html_draws_the_balance() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("person.html");
    bin()
        .args([
            "explain",
            "何庚",
            "samples/scenarios/16_missing_short_pending",
            "--policy",
            "samples/policy.toml",
            "--html",
        ])
        .arg(&page)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains("id=\"chart-balance\""));
    assert_eq!(
        text.matches("<polyline").count(),
        2,
        "actual and with every expected credit"
    );
    assert!(common::ids_in(&text).is_empty());
}

/// Runs headless Chromium on a local page: the rendered DOM, and a screenshot's size.
fn render(browser: &Path, page: &Path, shot: &Path, profile: &Path) -> (String, u64) {
    let url = format!("file://{}", page.display());
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,1400",
    ];
    let profile_flag = format!("--user-data-dir={}", profile.display());
    let dom = std::process::Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(flags)
        .arg(&profile_flag)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let shot_flag = format!("--screenshot={}", shot.display());
    let status = std::process::Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(flags)
        .arg(&profile_flag)
        .arg(&shot_flag)
        .arg(&url)
        .output()
        .unwrap();
    assert!(status.status.success());
    let size = std::fs::metadata(shot).map(|m| m.len()).unwrap_or(0);
    (String::from_utf8_lossy(&dom.stdout).into_owned(), size)
}

/// Both pages open in headless Chromium (Debian's package, installed by .ci/run) with no
/// network, and their charts are in the rendered DOM.
#[test]
fn pages_render_in_headless_chromium() {
    let Some(browser) = common::chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium: .ci/run installs it"
        );
        eprintln!(
            "chromium is not installed: the browser check is skipped (apt-get install chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run_all_formats(dir.path(), "zh");
    let person = dir.path().join("person.html");
    bin()
        .args([
            "explain",
            "何庚",
            "samples/scenarios/16_missing_short_pending",
            "--policy",
            "samples/policy.toml",
            "-q",
            "--html",
        ])
        .arg(&person)
        .assert()
        .code(0);
    let profile = dir.path().join("profile");
    let (dom, shot) = render(
        &browser,
        &dir.path().join("report.html"),
        &dir.path().join("report.png"),
        &profile,
    );
    assert!(
        dom.contains("id=\"chart-codes\"") && dom.matches("class=\"bar\"").count() >= 10,
        "bars rendered"
    );
    assert!(dom.contains("id=\"chart-months\"") && dom.matches("<polyline").count() == 2);
    assert!(
        dom.matches("<tr class=").count() > 20,
        "findings table rows"
    );
    assert!(
        shot > 20_000,
        "a screenshot with something on it ({shot} bytes)"
    );
    let (dom, shot) = render(&browser, &person, &dir.path().join("person.png"), &profile);
    assert!(dom.contains("id=\"chart-balance\"") && dom.matches("<polyline").count() == 2);
    assert!(shot > 10_000, "{shot} bytes");
}
