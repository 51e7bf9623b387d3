//! The real binary: reconcile, explain and policy, run in temp dirs.

use crate::common;

use common::bin;
use predicates::prelude::*;

const OUTPUTS: [&str; 6] = [
    "findings.csv",
    "months.csv",
    "persons.csv",
    "rejected.csv",
    "report.xlsx",
    "summary.json",
];

#[test]
fn reconcile_writes_every_output_with_ids_masked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    bin()
        .args([
            "reconcile",
            "samples/",
            "--policy",
            "samples/policy.toml",
            "--lang",
            "en",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("findings:"))
        .stdout(predicate::str::contains("reports written to"));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        OUTPUTS.map(String::from),
        "no temporary file left behind"
    );
    for name in OUTPUTS.iter().filter(|n| !n.ends_with(".xlsx")) {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(
            common::ids_in(&text).is_empty(),
            "{name} holds an unmasked ID number"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["tool"]["name"], "yibao-recon");
    assert_eq!(summary["policy"]["name"], "sample");
    assert_eq!(
        summary["findings"]["by_code"].as_object().unwrap().len(),
        yibao_recon::reconcile::Code::all().count()
    );
    let header = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(header.starts_with(
        "person_id,name,period,period_to,code,severity,expected,actual,difference,message\n"
    ));
}

#[test]
fn show_ids_prints_them_in_full() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args([
            "reconcile",
            "samples/scenarios/06_late_credit",
            "--policy",
            "samples/policy.toml",
            "--show-ids",
            "-q",
            "-o",
        ])
        .arg(dir.path())
        .assert()
        .code(0);
    let text = std::fs::read_to_string(dir.path().join("findings.csv")).unwrap();
    assert!(!common::ids_in(&text).is_empty());
}

#[test]
fn fail_on_sets_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = "samples/scenarios/06_late_credit"; // one warning, no error
    let run = |fail_on: &str| {
        bin()
            .args([
                "reconcile",
                scenario,
                "--policy",
                "samples/policy.toml",
                "-q",
                "--fail-on",
                fail_on,
                "-o",
            ])
            .arg(dir.path())
            .assert()
    };
    run("error").code(0);
    run("warning").code(1);
    run("never").code(0);
}

#[test]
fn bad_policy_and_missing_input_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\n[[rule]]\nfrom = \"2024-01\"\nemployee_share = \"2\"\n",
    )
    .unwrap();
    bin()
        .args(["reconcile", "samples/", "--policy"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rule[0].employee_share"));
    bin()
        .args(["reconcile", "samples/", "--policy", "atlantis"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("national"));
    bin()
        .args(["reconcile", "--as-of", "2024-13-01", "samples/"])
        .assert()
        .code(2);
}

#[test]
fn policy_list_show_check() {
    bin()
        .args(["policy", "list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("national"))
        .stdout(predicate::str::contains("beijing"))
        .stdout(predicate::str::contains("suzhou"));
    let out = bin()
        .args(["policy", "show", "wuhan"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wuhan.toml");
    std::fs::write(&file, out).unwrap();
    bin()
        .args(["policy", "check"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ok"));
    bin().args(["policy", "show", "atlantis"]).assert().code(2);
}

#[test]
fn explain_answers_why_the_balance_is_what_it_is() {
    bin()
        .args([
            "explain",
            "何庚",
            "samples/scenarios/16_missing_short_pending",
            "--policy",
            "samples/policy.toml",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("余额桥"))
        .stdout(predicate::str::contains("CREDIT_MISSING"))
        .stdout(predicate::str::contains("2024-03 应划入个人账户 120.00 元"));
    bin()
        .args([
            "explain",
            "许己",
            "samples/scenarios/15_spending_drain",
            "--policy",
            "samples/policy.toml",
            "--lang",
            "en",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("= closing balance"))
        .stdout(predicate::str::contains("0.00"));
    bin()
        .args(["explain", "无此人", "samples/scenarios/15_spending_drain"])
        .assert()
        .code(2);
}

#[test]
fn timings_name_every_phase_on_stderr_only() {
    let dir = tempfile::tempdir().unwrap();
    let assert = bin()
        .args([
            "reconcile",
            "samples/scenarios/06_late_credit",
            "-q",
            "--timings",
            "--format",
            "csv",
            "-o",
        ])
        .arg(dir.path())
        .assert();
    let out = assert.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("timings: "))
        .unwrap_or_else(|| panic!("no timings line in {stderr}"));
    let phases: Vec<&str> = line["timings: ".len()..]
        .split(' ')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(phases, ["read", "normalise", "match", "write"]);
    for part in line["timings: ".len()..].split(' ') {
        let secs = part.split('=').nth(1).unwrap().trim_end_matches('s');
        assert!(secs.parse::<f64>().unwrap() >= 0.0, "{part}");
    }
    assert!(out.stdout.is_empty(), "-q prints nothing on stdout");
}

/// months.csv is written block by block while people are reconciled; with more people
/// than one block, the file must equal the table built in memory from the whole run.
#[test]
fn months_streamed_in_blocks_equal_the_table_built_in_memory() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let mut contributions = String::from("身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n");
    let mut statement = String::from("身份证号,姓名,交易时间,交易类型,发生金额\n");
    let mut rng = common::Rng(7);
    for i in 0..5000 {
        let id = common::id(&format!("1101011980010{i:04}"));
        for month in 1..=3 {
            let _ = writeln!(contributions, "{id},人{i},2024{month:02},6000,120,480");
            // Some credits missing, some short: months of every status.
            match rng.next(4) {
                0 => {}
                1 => {
                    let _ = writeln!(statement, "{id},人{i},2024-{:02}-05,101,100.00", month + 1);
                }
                _ => {
                    let _ = writeln!(statement, "{id},人{i},2024-{:02}-05,101,120.00", month + 1);
                }
            }
        }
    }
    std::fs::write(inputs.join("contributions.csv"), contributions).unwrap();
    std::fs::write(inputs.join("statement.csv"), statement).unwrap();
    let run = |formats: &str, out: &std::path::Path| {
        bin()
            .arg("reconcile")
            .arg(&inputs)
            .args(["--policy", "samples/policy.toml", "--as-of", "2024-06-30"])
            .args(["-q", "-j", "2", "--format", formats, "-o"])
            .arg(out)
            .assert()
            .code(1);
    };
    let out = dir.path().join("out");
    run("csv,json", &out);
    let batch = yibao_recon::ingest::ingest(&[yibao_recon::ingest::InputFile {
        path: inputs.clone(),
        forced: None,
        person: None,
        layout: None,
        follow: false,
    }]);
    let policy = yibao_recon::policy::Policy::load("samples/policy.toml").unwrap();
    let options = yibao_recon::reconcile::Options {
        as_of: chrono::NaiveDate::from_ymd_opt(2024, 6, 30),
        lang: yibao_recon::lang::Lang::Zh,
        shard: None,
        keep_entries: false,
    };
    let whole = yibao_recon::reconcile::reconcile(&batch, &policy, options);
    let table =
        yibao_recon::report::tables::months_csv(&whole, yibao_recon::mask::IdDisplay::Masked)
            .unwrap();
    let written = std::fs::read(out.join("months.csv")).unwrap();
    assert_eq!(
        written.iter().filter(|b| **b == b'\n').count(),
        1 + 5000 * 3
    );
    assert!(
        written == *table.bytes(),
        "streamed months.csv differs from the in-memory table"
    );

    // With no format that shows the month rows they are dropped unwritten: nothing is
    // left behind, and the summary is the same.
    let json_only = dir.path().join("json");
    run("json", &json_only);
    let names: Vec<String> = std::fs::read_dir(&json_only)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["summary.json"]);
    assert_eq!(
        std::fs::read(json_only.join("summary.json")).unwrap(),
        std::fs::read(out.join("summary.json")).unwrap()
    );
}

/// `--person` names the person of a statement that has no ID (SPEC 2.1): before it the file
/// is skipped with a reason that names the option; with it, the file is read.
#[test]
fn person_option_names_a_statement_without_identity() {
    let dir = tempfile::tempdir().unwrap();
    let statement = common::write(
        dir.path(),
        "app.csv",
        "交易时间,交易类型,交易金额,账户余额\n2024-05-10,个人账户划入,200.00,200.00\n2024-06-10,个人账户划入,200.00,400.00\n",
    );
    let pid = common::id("32010219850315002");
    let out = dir.path().join("out");
    let skipped = common::bin()
        .args(["check", "--lang", "en"])
        .arg(&statement)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&skipped.stdout).to_string()
        + &String::from_utf8_lossy(&skipped.stderr);
    assert!(text.contains("--person"), "{text}");
    common::bin()
        .args(["reconcile", "-q", "--as-of", "2024-06-30", "--statements"])
        .arg(&statement)
        .args(["--person", &pid, "--name", "李明", "-o"])
        .arg(&out)
        .assert()
        .code(predicates::ord::lt(2));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["inputs"][0]["rows_accepted"], 2);
    assert_eq!(summary["persons"], 1);
}
