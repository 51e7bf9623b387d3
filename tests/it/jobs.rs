//! Scheduled runs: `init`, `run JOB.toml` twice with one input changed, changes.csv;
//! completions and man pages from the clap definitions.

use crate::common;

use common::{bin, id, write};
use predicates::prelude::*;

#[test]
fn init_writes_an_example_and_will_not_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("job.toml");
    bin().arg("init").arg(&path).assert().code(0);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("inputs =") && text.contains("previous = \"auto\""));
    bin()
        .arg("init")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists"));
    bin().arg("init").arg(&path).arg("--force").assert().code(0);
}

#[test]
fn a_job_run_twice_reports_exactly_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let a = id("33010619900317017");
    std::fs::create_dir_all(root.join("data")).unwrap();
    write(
        &root.join("data"),
        "contributions.csv",
        format!(
            "身份证号,姓名,费款所属期,缴费基数,个人缴费\n{a},何庚,202401,6000,120\n{a},何庚,202402,6000,120\n{a},何庚,202403,6000,120\n"
        ),
    );
    let statement = |rows: &str| format!("身份证号,交易时间,交易类型,发生金额\n{rows}");
    let first = format!("{a},2024-02-05,101,120\n{a},2024-03-05,101,120\n");
    write(&root.join("data"), "statement.csv", statement(&first));
    write(
        root,
        "job.toml",
        "inputs = [\"data/*.csv\"]\noutput = \"reports/{date}\"\nas_of = \"2024-07-31\"\nlang = \"en\"\nformats = [\"csv\", \"json\"]\n",
    );
    bin()
        .arg("run")
        .arg(root.join("job.toml"))
        .arg("-q")
        .assert()
        .code(1);
    let reports: Vec<_> = std::fs::read_dir(root.join("reports")).unwrap().collect();
    assert_eq!(reports.len(), 1, "one dated folder");
    let out = reports.into_iter().next().unwrap().unwrap().path();
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(findings.contains("CREDIT_MISSING"), "{findings}");
    assert!(
        !out.join("changes.csv").exists(),
        "no previous run the first time"
    );

    // The March credit arrives: the next run says exactly that it is resolved.
    write(
        &root.join("data"),
        "statement.csv",
        statement(&format!("{first}{a},2024-04-05,101,120\n")),
    );
    bin()
        .arg("run")
        .arg(root.join("job.toml"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 new, 1 resolved"));
    let changes = std::fs::read_to_string(out.join("changes.csv")).unwrap();
    let lines: Vec<&str> = changes.lines().collect();
    assert_eq!(lines.len(), 2, "{changes}");
    assert!(lines[1].starts_with("resolved,330106********"));
    assert!(lines[1].contains(",2024-03,,CREDIT_MISSING,error,120.00,0.00,-120.00,"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["changes"],
        serde_json::json!({"new": 0, "resolved": 1})
    );
}

#[test]
fn reconcile_previous_dir_without_findings_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args([
            "reconcile",
            "samples/scenarios/06_late_credit",
            "--policy",
            "samples/policy.toml",
            "-q",
            "--previous",
        ])
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("findings.csv"));
}

#[test]
fn completions_and_man_come_from_the_cli() {
    bin()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("reconcile"))
        .stdout(predicate::str::contains("--fail-on"));
    bin().args(["completions", "zsh"]).assert().code(0);
    bin()
        .arg("man")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH"))
        .stdout(predicate::str::contains("reconcile"));
}

/// SPEC 2.7, the scripted cron week: a good run; the same inputs again; a file removed
/// from the folder; a file cut off mid-row; the files back; a removal accepted. The last
/// good reports are kept through the bad days, no "resolved" is ever claimed for what was
/// not read, and `--only-changes` speaks (exit 1) only when findings changed.
#[test]
fn a_cron_week_with_inputs_that_vanish_or_shrink() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let data = root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let (a, b) = (id("33010619900317017"), id("33010619850101002"));
    let mut contributions = String::from("身份证号,姓名,费款所属期,缴费基数,个人缴费\n");
    let mut statement = String::from("身份证号,交易时间,交易类型,发生金额\n");
    for pid in [&a, &b] {
        for m in 1..=3 {
            contributions.push_str(&format!("{pid},某人,20240{m},6000,120\n"));
            // b's March credit never came: one CREDIT_MISSING every day.
            if !(pid == &b && m == 3) {
                statement.push_str(&format!("{pid},2024-0{}-05,101,120\n", m + 1));
            }
        }
    }
    write(&data, "contributions.csv", &contributions);
    write(&data, "statement.csv", &statement);
    let job = |extra: &str| {
        write(
            root,
            "job.toml",
            format!(
                "inputs = [\"data/\"]\npolicy = \"{}\"\noutput = \"reports\"\nformats = [\"csv\", \"json\"]\nas_of = \"2024-08-31\"\nlang = \"en\"\n{extra}",
                std::fs::canonicalize("samples/policy.toml")
                    .unwrap()
                    .display()
            ),
        )
    };
    let day_with = |code: i32, args: &[&str]| {
        let assert = bin()
            .arg("run")
            .arg(root.join("job.toml"))
            .arg("--only-changes")
            .args(args)
            .assert()
            .code(code);
        // What cron mails: standard output and errors both.
        let output = assert.get_output();
        String::from_utf8_lossy(&[output.stdout.as_slice(), &output.stderr].concat()).into_owned()
    };
    let day = |code: i32| day_with(code, &[]);
    let reports = root.join("reports");
    job("");
    // Monday: the first run — something to say.
    let said = day(1);
    assert!(said.contains("CREDIT_MISSING"), "{said}");
    let good = std::fs::read(reports.join("findings.csv")).unwrap();
    // Tuesday: nothing changed — nothing said.
    assert_eq!(day(0), "");
    // Wednesday: the statement was removed from the share.
    let kept = std::fs::read(data.join("statement.csv")).unwrap();
    std::fs::remove_file(data.join("statement.csv")).unwrap();
    let said = day(2);
    assert!(
        said.contains("incomplete") && !said.contains("resolved"),
        "{said}"
    );
    assert!(said.contains("statement.csv"), "the file is named: {said}");
    assert!(
        said.contains("--accept-input-changes"),
        "what to do: {said}"
    );
    assert_eq!(std::fs::read(reports.join("findings.csv")).unwrap(), good);
    // Thursday: the statement is back, but cut off in the middle of its last row.
    let cut = &kept[..kept.len() - 6];
    std::fs::write(data.join("statement.csv"), cut).unwrap();
    let said = day(2);
    assert!(
        said.contains("incomplete") && !said.contains("resolved"),
        "{said}"
    );
    assert_eq!(std::fs::read(reports.join("findings.csv")).unwrap(), good);
    // Friday: the file whole again — nothing changed since Tuesday's good run.
    std::fs::write(data.join("statement.csv"), &kept).unwrap();
    assert_eq!(day(0), "");
    assert_eq!(std::fs::read(reports.join("findings.csv")).unwrap(), good);
    // Saturday: the statement removed on purpose, accepted this once.
    std::fs::remove_file(data.join("statement.csv")).unwrap();
    let said = day_with(1, &["--accept-input-changes"]);
    assert!(!said.contains("incomplete"), "{said}");
    let accepted = std::fs::read(reports.join("findings.csv")).unwrap();
    assert_ne!(accepted, good);
    // Sunday: the job says removals are accepted; nothing changed since Saturday.
    job("allow_missing = true\n");
    assert_eq!(day(0), "");
    assert_eq!(
        std::fs::read(reports.join("findings.csv")).unwrap(),
        accepted
    );
    let failed: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("reports.failed-")
        })
        .collect();
    assert_eq!(failed.len(), 2, "Wednesday's and Thursday's");
}
