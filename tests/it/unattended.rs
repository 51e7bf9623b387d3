//! SPEC 2.3, through the command line: runs in folders people re-use and runs nobody
//! watches. Outputs read back by column name.

use crate::common;

use std::path::Path;

use common::{bin, reconcile_into};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The `NAME.failed-*` folders in `dir`, sorted.
fn failed_folders(dir: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let prefix = format!("{name}.failed-");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .collect();
    v.sort();
    v
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn skipped_as_output(summary: &Path) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(summary).unwrap()).unwrap();
    v["skipped_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "output of an earlier run")
        .map(|s| s["path"].as_str().unwrap().to_string())
        .collect()
}

/// `cd data && yibao-recon reconcile .` twice: the second run reads the first run's
/// recon-out/ as nothing — same findings, the folder listed as skipped.
#[test]
fn a_second_run_in_the_same_folder_does_not_read_the_first_runs_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios"), &data);
    std::fs::copy("samples/policy.toml", data.join("policy.toml")).unwrap();
    let run = || {
        bin()
            .current_dir(&data)
            .args([
                "reconcile",
                ".",
                "--policy",
                "policy.toml",
                "--show-ids",
                "-q",
            ])
            .args(["--as-of", "2025-06-30", "--format", "csv,json,xlsx,html"])
            .assert()
            .code(1);
        std::fs::read(data.join("recon-out/findings.csv")).unwrap()
    };
    let first = run();
    let second = run();
    assert_eq!(
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&second)
    );
    assert_eq!(
        skipped_as_output(&data.join("recon-out/summary.json")),
        ["./recon-out"]
    );
}

/// A findings.csv copied out of its folder is still an output, named or found; forced
/// with --statements it is read (and found not to be a statement).
#[test]
fn a_copied_report_is_skipped_unless_its_kind_is_forced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    let out = dir.path().join("out");
    reconcile_into(&[&data], &out)
        .assert()
        .code(predicates::ord::lt(2));
    let copy = data.join("findings_from_last_month.csv");
    std::fs::copy(out.join("findings.csv"), &copy).unwrap();
    // Found in the folder: skipped, and the run is complete.
    let again = dir.path().join("again");
    reconcile_into(&[&data], &again)
        .assert()
        .code(predicates::ord::lt(2));
    let skipped = skipped_as_output(&again.join("summary.json"));
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].ends_with("findings_from_last_month.csv"),
        "{skipped:?}"
    );
    // Named by itself, skipped all the same — and a named file skipped degrades the run
    // (SPEC 2.3): exit 2, its reports in again.failed-…, the last set left alone.
    let before = std::fs::read(again.join("summary.json")).unwrap();
    reconcile_into(&[&data, &copy], &again).assert().code(2);
    assert_eq!(std::fs::read(again.join("summary.json")).unwrap(), before);
    let failed = failed_folders(dir.path(), "again");
    assert_eq!(failed.len(), 1, "{failed:?}");
    let summary = read_json(&failed[0].join("summary.json"));
    assert_eq!(summary["complete"], false);
    let unreadable = summary["unreadable_inputs"].as_array().unwrap();
    assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    assert!(
        unreadable[0]["reason"]
            .as_str()
            .unwrap()
            .contains("output of an earlier run"),
        "{unreadable:?}"
    );
    let forced = dir.path().join("forced");
    let assert = bin()
        .arg("reconcile")
        .arg("--statements")
        .arg(&copy)
        .args(["--policy", "samples/policy.toml", "-q", "-o"])
        .arg(&forced)
        .assert();
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!err.contains("output of an earlier run"), "{err}");
}

/// A cron job whose input share is not mounted: exit 2, and yesterday's reports stay as
/// they were.
#[test]
fn a_missing_input_leaves_the_last_reports_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    bin()
        .args([
            "reconcile",
            "samples/scenarios/06_late_credit",
            "--policy",
            "samples/policy.toml",
            "-q",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(predicates::ord::lt(2));
    let before = std::fs::read(out.join("findings.csv")).unwrap();
    let assert = bin()
        .arg("reconcile")
        .arg(dir.path().join("share-not-mounted"))
        .args([
            "--policy",
            "samples/policy.toml",
            "-q",
            "--lang",
            "en",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("share-not-mounted") && err.contains("nothing was read or written"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("findings.csv")).unwrap(), before);
}

/// An empty folder: exit 2, no reports (was: "0 people", exit 0).
#[test]
fn an_empty_folder_is_no_run() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = dir.path().join("out");
    bin()
        .arg("reconcile")
        .arg(&empty)
        .args(["-q", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
}

/// `yibao-recon man | head -1`: a closed stdout ends the output quietly — exit 0, nothing
/// on stderr (was: a panic, exit 101, or "Broken pipe" and exit 2).
#[test]
fn a_closed_stdout_ends_console_output_quietly() {
    for args in [
        vec!["completions", "bash"],
        vec!["man"],
        vec!["policy", "show", "beijing"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("yibao-recon"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `-j 100000` runs on the machine's cores, with a note (was: 100,000 threads).
#[test]
fn jobs_are_clamped_to_the_cores() {
    let dir = tempfile::tempdir().unwrap();
    let assert = bin()
        .args([
            "reconcile",
            "samples/scenarios/06_late_credit",
            "--policy",
            "samples/policy.toml",
        ])
        .args(["-j", "100000", "--lang", "en", "-o"])
        .arg(dir.path().join("out"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(predicates::ord::lt(2));
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("-j 100000 is more than this machine's"),
        "{err}"
    );
}

/// A workbook that is not one: the run cannot read it.
const BROKEN_XLSX: &[u8] = b"PK\x03\x04 this is not a zip archive";

/// A file in a named folder that cannot be read degrades the run (SPEC 2.3): its reports
/// go to out.failed-…, with `complete: false` and the file in `unreadable_inputs`; the
/// last good set in out is left as it was; exit 2 (was: the broken run replaced them).
#[test]
fn an_unreadable_input_does_not_replace_the_last_good_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    let out = dir.path().join("out");
    let run = || {
        bin()
            .arg("reconcile")
            .arg(&data)
            .args(["--policy", "samples/policy.toml", "--lang", "en", "-o"])
            .arg(&out)
            .assert()
    };
    run().code(predicates::ord::lt(2));
    let good = std::fs::read(out.join("summary.json")).unwrap();
    assert_eq!(read_json(&out.join("summary.json"))["complete"], true);
    std::fs::write(data.join("statement_2.xlsx"), BROKEN_XLSX).unwrap();
    let assert = run().code(2);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("incomplete"), "{stdout}");
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), good);
    let failed = failed_folders(dir.path(), "out");
    assert_eq!(failed.len(), 1);
    let summary = read_json(&failed[0].join("summary.json"));
    assert_eq!(summary["complete"], false);
    let unreadable = &summary["unreadable_inputs"][0];
    assert!(
        unreadable["path"]
            .as_str()
            .unwrap()
            .ends_with("statement_2.xlsx"),
        "{summary}"
    );
    // A second failure the same second gets a folder of its own.
    run().code(2);
    assert_eq!(failed_folders(dir.path(), "out").len(), 2);
}

/// `-o` naming a folder of other files is refused before anything is read: the reports
/// replace their folder whole, and a mistyped -o must not take someone's documents.
#[test]
fn an_output_folder_of_other_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("documents");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("letter.docx"), "mine").unwrap();
    let assert = bin()
        .args(["reconcile", "samples/scenarios/06_late_credit"])
        .args(["--policy", "samples/policy.toml", "--lang", "en", "-o"])
        .arg(&docs)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(err.contains("not a yibao-recon report set"), "{err}");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing beside it either");
    assert_eq!(std::fs::read_dir(&docs).unwrap().count(), 1);
}

/// A second run into the same folder waits for the lock, then exits 2 naming the holder
/// (was: two runs' files mixed in one folder).
#[test]
fn a_second_run_into_the_same_folder_waits_then_names_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let lock = std::fs::File::create(dir.path().join("out.lock")).unwrap();
    lock.lock().unwrap();
    std::fs::write(
        dir.path().join("out.lock"),
        "yibao-recon pid 4242 since today\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let assert = bin()
        .env("YIBAO_RECON_LOCK_WAIT", "1")
        .args(["reconcile", "samples/scenarios/06_late_credit"])
        .args(["--policy", "samples/policy.toml", "--lang", "en", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("pid 4242") && err.contains("waited 1 s"),
        "{err}"
    );
    assert!(!out.exists());
    drop(lock);
}

/// A killed run's temporary folder (a 111 MB months.csv once) is removed by the next run
/// into the same folder; a symlink planted under such a name is removed, not followed.
#[test]
fn a_dead_runs_temporaries_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let dead = dir.path().join(".out.tmp-KILLED");
    std::fs::create_dir(&dead).unwrap();
    std::fs::write(dead.join(".months.csv.tmp-1"), vec![b'x'; 4096]).unwrap();
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("keep.txt"), "x").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&victim, dir.path().join(".out.old-PLANTED")).unwrap();
    let out = dir.path().join("out");
    bin()
        .args(["reconcile", "samples/scenarios/06_late_credit"])
        .args(["--policy", "samples/policy.toml", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(predicates::ord::lt(2));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["out", "victim"]);
    assert!(victim.join("keep.txt").exists());
}

/// The scripted cron day: a job runs; its input share vanishes (not mounted) and it
/// runs; a file comes back unreadable and it runs; the input is back and it runs. The
/// failures exit 2, leave the first run's reports in place, and are recorded (stderr;
/// the unreadable file in DIR.failed-…/summary.json); the last run's changes are measured
/// against the first run, not against a failed one.
#[test]
fn a_cron_day_keeps_the_last_good_reports() {
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("share");
    let restore = || {
        let _ = std::fs::remove_dir_all(&share);
        copy_dir(
            Path::new("samples/scenarios/06_late_credit"),
            &share.join("a"),
        );
        copy_dir(
            Path::new("samples/scenarios/16_missing_short_pending"),
            &share.join("b"),
        );
    };
    restore();
    std::fs::copy("samples/policy.toml", dir.path().join("policy.toml")).unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        "inputs = [\"share/a\", \"share/b\"]\npolicy = \"policy.toml\"\noutput = \"reports/current\"\nformats = [\"csv\", \"json\"]\nlang = \"en\"\nas_of = \"2025-06-30\"\n",
    )
    .unwrap();
    let run = || bin().arg("run").arg(&job).assert();
    let reports = dir.path().join("reports/current");
    // 1. A good run.
    run().code(predicates::ord::lt(2));
    let first = std::fs::read(reports.join("findings.csv")).unwrap();
    // 2. The share is not mounted: refused before reading, nothing written.
    std::fs::remove_dir_all(&share).unwrap();
    let assert = run().code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("share") && err.contains("nothing was read or written"),
        "{err}"
    );
    assert_eq!(std::fs::read(reports.join("findings.csv")).unwrap(), first);
    // 2b. Mounted again, but a statement cannot be read: a failed run, recorded.
    restore();
    std::fs::remove_file(share.join("b/statement.csv")).unwrap();
    std::fs::write(share.join("b/statement.xlsx"), BROKEN_XLSX).unwrap();
    run().code(2);
    assert_eq!(std::fs::read(reports.join("findings.csv")).unwrap(), first);
    let failed = failed_folders(&dir.path().join("reports"), "current");
    assert_eq!(failed.len(), 1);
    let summary = read_json(&failed[0].join("summary.json"));
    assert_eq!(summary["complete"], false);
    assert!(
        summary["unreadable_inputs"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("statement.xlsx")
    );
    // The failed run found something else (without the statement): comparing with it
    // would report changes.
    assert_ne!(
        std::fs::read(failed[0].join("findings.csv")).unwrap(),
        first
    );
    // 3. The input is back: compared with the first run, nothing changed.
    restore();
    run().code(predicates::ord::lt(2));
    let changes = common::read_csv(&reports.join("changes.csv"));
    assert_eq!(changes.len(), 0, "{changes:?}");
    let summary = read_json(&reports.join("summary.json"));
    assert_eq!(
        summary["changes"],
        serde_json::json!({"new": 0, "resolved": 0})
    );
    assert_eq!(std::fs::read(reports.join("findings.csv")).unwrap(), first);
}

/// Folder walks skip FIFOs (opening one with no writer hung the run) and visit each real
/// folder once: a symlink loop and a second link to the same folder add no rows.
#[cfg(unix)]
#[test]
fn a_fifo_and_symlink_loops_in_a_folder_neither_hang_nor_multiply_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    let plain = dir.path().join("plain");
    reconcile_into(&[&data], &plain)
        .assert()
        .code(predicates::ord::lt(2));
    let status = std::process::Command::new("mkfifo")
        .arg(data.join("pipe.csv"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir(data.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", data.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(&data, data.join("again")).unwrap();
    let out = dir.path().join("out");
    reconcile_into(&[&data], &out)
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(predicates::ord::lt(2));
    let rows = |d: &Path| {
        read_json(&d.join("summary.json"))["inputs"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(rows(&out), rows(&plain), "each file read once");
    assert_eq!(
        std::fs::read(out.join("findings.csv")).unwrap(),
        std::fs::read(plain.join("findings.csv")).unwrap()
    );
    let skipped = read_json(&out.join("summary.json"))["skipped_inputs"].to_string();
    assert!(
        skipped.contains("pipe.csv") && skipped.contains("FIFO"),
        "{skipped}"
    );
}

/// A line longer than the row limit is cut before it is split into cells (a 200 MB
/// one-line CSV took 13 GB): its row is rejected, the other rows are read, and a warning
/// names the line.
#[test]
fn a_line_past_the_row_limit_is_cut_and_its_row_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    let contributions = data.join("contributions.csv");
    let mut text = std::fs::read_to_string(&contributions).unwrap();
    let rows_before = text.lines().count();
    text.push_str(&"a,".repeat(600_000));
    text.push('\n');
    std::fs::write(&contributions, text).unwrap();
    let out = dir.path().join("out");
    bin()
        .arg("reconcile")
        .arg(&data)
        .args([
            "--policy",
            "samples/policy.toml",
            "-q",
            "--lang",
            "en",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1);
    let summary = read_json(&out.join("summary.json"));
    let warnings = summary["warnings"].to_string();
    let line = rows_before + 1;
    assert!(
        warnings.contains(&format!("line {line} longer than 1024 KiB")),
        "{warnings}"
    );
    let rejected = common::read_csv(&out.join("rejected.csv"));
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["row"], line.to_string());
}

/// An endless input named on the command line stops: /dev/zero is read for a MiB, not
/// to the 4 GiB file limit (9.4 GB of memory before), and is skipped as binary data.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_input_stops() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args(["reconcile", "--statements", "/dev/zero"])
        .args([
            "samples/scenarios/06_late_credit",
            "--policy",
            "samples/policy.toml",
        ])
        .args(["--lang", "en", "-o"])
        .arg(&out)
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(2);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("/dev/zero: binary data"), "{stdout}");
}

/// The console (SPEC 2.3): severity counts; each code with its Chinese label, errors
/// first, then warnings, then info; skipped inputs with reasons; unread columns; rejected
/// rows with where rejected.csv is; where the reports went (was: the top five codes by
/// count, none of the three errors among them, and nothing of skipped files).
#[test]
fn the_console_leads_with_what_matters() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = bin()
        .args([
            "reconcile",
            "samples/",
            "--policy",
            "samples/policy.toml",
            "--as-of",
            "2025-06-30",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[1].starts_with("问题:错误 "), "{stdout}");
    let rank = |l: &str| {
        ["  错误 ", "  警告 ", "  提示 "]
            .iter()
            .position(|p| l.starts_with(p))
    };
    let ranks: Vec<usize> = lines.iter().filter_map(|l| rank(l)).collect();
    assert!(
        ranks.len() > 10 && ranks.windows(2).all(|w| w[0] <= w[1]),
        "{stdout}"
    );
    assert!(
        stdout.contains("应划未划") && stdout.contains("CREDIT_MISSING"),
        "{stdout}"
    );
    assert!(
        stdout.contains("跳过的输入") && stdout.contains("前 30 行中没有"),
        "{stdout}"
    );
    assert!(stdout.contains("未读取的列"), "{stdout}");
    let rejected = out.join("rejected.csv").display().to_string();
    assert!(
        stdout.contains(&format!("拒绝 1 行(文件、行、列、原因见 {rejected})")),
        "{stdout}"
    );
    assert_eq!(
        lines.last().unwrap(),
        &format!("报告已写入 {}", out.display())
    );
}

/// `--help` examples keep their line breaks.
#[test]
fn help_examples_keep_their_lines() {
    let assert = bin().args(["reconcile", "--help"]).assert().code(0);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        stdout
            .contains("Examples:\n  yibao-recon reconcile samples/\n  yibao-recon reconcile 缴费/"),
        "{stdout}"
    );
}

/// CSV outputs are safe to open (SPEC 2.3, OWASP): a name or value a spreadsheet would
/// run gets a leading `'` in findings/months/persons/rejected.csv; numbers stay numbers;
/// findings.jsonl keeps the value as it is.
#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let (a, b, c) = (
        common::id("11010519900101001"),
        common::id("11010519900101002"),
        common::id("11010519900101003"),
    );
    let head = "身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费,缴费状态,缴费类型,缴费时间,险种类型,缴费档次\n";
    std::fs::write(
        data.join("contributions.csv"),
        format!(
            "{head}{a},\"=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",202401,6000,120.00,480.00,已缴,正常,,职工基本医疗保险,\n{b},+cmd|' /C calc'!A0,202401,6000,120.00,480.00,已缴,正常,,职工基本医疗保险,\n{c},@SUM(1),202401,6000,120.00,480.00,已缴,正常,,职工基本医疗保险,\n{c},@SUM(1),=1+1,6000,120.00,480.00,已缴,正常,,职工基本医疗保险,\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    bin()
        .arg("reconcile")
        .arg(&data)
        .args([
            "-q",
            "--format",
            "csv,json,jsonl",
            "--as-of",
            "2024-06-30",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1);
    let mut cells = 0;
    for file in ["findings.csv", "months.csv", "persons.csv", "rejected.csv"] {
        let mut reader = csv::Reader::from_path(out.join(file)).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                cells += 1;
                let live = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-')
                        && !cell[1..].starts_with(|c: char| c.is_ascii_digit()));
                assert!(!live, "{file}: {cell:?}");
            }
        }
    }
    assert!(cells > 50);
    let persons = common::read_csv(&out.join("persons.csv"));
    let names: Vec<&str> = persons.iter().map(|p| p["name"].as_str()).collect();
    assert!(
        names.contains(&"'=HYPERLINK(\"http://x\",\"click\")"),
        "{names:?}"
    );
    assert!(
        names.contains(&"'+cmd|' /C calc'!A0") && names.contains(&"'@SUM(1)"),
        "{names:?}"
    );
    let rejected = common::read_csv(&out.join("rejected.csv"));
    assert_eq!(rejected[0]["value"], "'=1+1");
    // Numbers stay numbers (a negative amount is not a formula).
    assert!(persons.iter().all(|p| p["closing_balance"].parse::<f64>().is_ok() || p["closing_balance"].is_empty()));
    let jsonl = std::fs::read_to_string(out.join("findings.jsonl")).unwrap();
    assert!(
        jsonl.contains("\"name\":\"@SUM(1)\""),
        "jsonl keeps values as they are"
    );
}

/// SPEC 2.7: a cell starting with `-` is neutralised unless the whole cell is a number —
/// `-2+3+cmd|' /C calc'!A0` and `-1+HYPERLINK(…)` reached the CSVs as live formulas.
#[test]
fn a_minus_and_a_digit_is_not_a_number_when_a_formula_follows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let (a, b) = (
        common::id("11010519900101001"),
        common::id("11010519900101002"),
    );
    std::fs::write(
        data.join("contributions.csv"),
        format!(
            "身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n{a},-2+3+cmd|' /C calc'!A0,202401,6000,120.00,480.00\n{b},\"-1+HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",202401,6000,120.00,480.00\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    common::reconcile_into(&[&data], &out)
        .args(["--as-of", "2024-06-30"])
        .assert()
        .code(predicates::ord::lt(2));
    let persons = common::read_csv(&out.join("persons.csv"));
    let names: Vec<&str> = persons.iter().map(|p| p["name"].as_str()).collect();
    assert!(
        names.contains(&"'-2+3+cmd|' /C calc'!A0")
            && names.contains(&"'-1+HYPERLINK(\"http://x\",\"y\")"),
        "{names:?}"
    );
    assert!(
        persons
            .iter()
            .all(|p| !p["closing_balance"].starts_with('\'')),
        "numbers stay numbers"
    );
}

/// SPEC 2.7: a report folder that also holds the user's own files (notes, an annotated
/// workbook, a nested folder) is refused, never replaced — they were deleted with it.
#[test]
fn a_report_folder_with_the_users_own_files_is_refused_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let data = Path::new("samples/scenarios/06_late_credit");
    reconcile_into(&[data], &out)
        .assert()
        .code(predicates::ord::lt(2));
    std::fs::write(out.join("我的批注.txt"), "keep me").unwrap();
    std::fs::create_dir(out.join("上个月")).unwrap();
    let assert = reconcile_into(&[data], &out)
        .args(["--lang", "en"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("我的批注.txt") && err.contains("上个月"),
        "the files are named: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("我的批注.txt")).unwrap(),
        "keep me"
    );
    assert!(out.join("上个月").is_dir());
    assert!(
        failed_folders(dir.path(), "out").is_empty(),
        "nothing written"
    );
}

/// SPEC 2.7: a run killed between its two renames leaves no DIR and the last good set in
/// `.DIR.old-*`; the next run — even a degraded one — puts it back, never deletes it.
#[test]
fn the_last_good_set_left_aside_by_a_killed_run_is_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    let out = dir.path().join("out");
    reconcile_into(&[&data], &out)
        .assert()
        .code(predicates::ord::lt(2));
    let good = std::fs::read(out.join("summary.json")).unwrap();
    // Killed after `out` was renamed aside, before the new set was renamed in.
    std::fs::rename(&out, dir.path().join(".out.old-KILLEDxRUN1")).unwrap();
    std::fs::write(data.join("broken.xlsx"), b"PK\x03\x04 not a workbook").unwrap();
    reconcile_into(&[&data], &out).assert().code(2);
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), good);
    assert!(!dir.path().join(".out.old-KILLEDxRUN1").exists());
    assert_eq!(failed_folders(dir.path(), "out").len(), 1);
}

/// SPEC 2.7: failed runs' folders do not pile up — beyond the newest 5 they are removed
/// when a run holds the lock (30 failed runs were 30 report sets).
#[test]
fn failed_run_folders_beyond_the_newest_five_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    std::fs::write(data.join("broken.xlsx"), b"PK\x03\x04 not a workbook").unwrap();
    let out = dir.path().join("out");
    for n in 1..=8 {
        std::fs::create_dir(dir.path().join(format!("out.failed-2024010{n}T000000"))).unwrap();
    }
    reconcile_into(&[&data], &out).assert().code(2);
    let failed = failed_folders(dir.path(), "out");
    assert_eq!(
        failed.len(),
        6,
        "the newest 5 kept, and this run's: {failed:?}"
    );
    assert!(!dir.path().join("out.failed-20240101T000000").exists());
    assert!(dir.path().join("out.failed-20240108T000000").exists());
}

/// SPEC 2.7: the tool's own report.xlsx copied into the data folder (its document
/// properties say who wrote it) is an output of an earlier run, not contributions.
#[test]
fn the_tools_own_workbook_in_a_data_folder_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    let out = dir.path().join("out");
    reconcile_into(&[&data], &out)
        .args(["--format", "csv,json,xlsx"])
        .assert()
        .code(predicates::ord::lt(2));
    let first = common::read_csv(&out.join("findings.csv"));
    std::fs::copy(out.join("report.xlsx"), data.join("上月核对结果.xlsx")).unwrap();
    reconcile_into(&[&data], &out)
        .args(["--format", "csv,json"])
        .assert()
        .code(predicates::ord::lt(2));
    assert_eq!(common::read_csv(&out.join("findings.csv")), first);
    let skipped = skipped_as_output(&out.join("summary.json"));
    assert!(
        skipped.iter().any(|p| p.ends_with("上月核对结果.xlsx")),
        "{skipped:?}"
    );
}

/// SPEC 2.7: a folder walk does not follow a symbolic link out of the folder named (a
/// link to `/` walked the whole disk) unless `--follow`; the link is listed as skipped.
/// A link that stays inside the folder is followed.
#[cfg(unix)]
#[test]
fn links_out_of_the_folder_are_not_followed_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("share");
    copy_dir(Path::new("samples/scenarios/06_late_credit"), &data);
    let elsewhere = dir.path().join("elsewhere");
    copy_dir(Path::new("samples/scenarios/07_base_change"), &elsewhere);
    std::os::unix::fs::symlink(&elsewhere, data.join("link-out")).unwrap();
    std::os::unix::fs::symlink("/", data.join("root")).unwrap();
    std::fs::create_dir(data.join("inside")).unwrap();
    std::os::unix::fs::symlink(data.join("statement.csv"), data.join("inside/again.csv")).unwrap();
    let out = dir.path().join("out");
    let started = std::time::Instant::now();
    reconcile_into(&[&data], &out)
        .arg("--lang")
        .arg("en")
        .assert()
        .code(predicates::ord::lt(2));
    assert!(started.elapsed().as_secs() < 60, "the disk was not walked");
    let summary = read_json(&out.join("summary.json"));
    let skipped: Vec<String> = summary["skipped_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["reason"]
                .as_str()
                .unwrap()
                .starts_with("a symbolic link out of the folder")
        })
        .map(|s| s["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    let persons = common::read_csv(&out.join("persons.csv"));
    assert_eq!(persons.len(), 1, "only the share's person");
    // Asked to follow (the link to / taken away first), the other folder is read too.
    std::fs::remove_file(data.join("root")).unwrap();
    let followed = dir.path().join("followed");
    reconcile_into(&[&data], &followed)
        .arg("--follow")
        .assert()
        .code(predicates::ord::lt(2));
    assert_eq!(common::read_csv(&followed.join("persons.csv")).len(), 2);
}

/// A file deep in a share, past the path limit as one path (PATH_MAX: 20 levels of long
/// Chinese folder names), is read like any other — it was neither read nor listed.
#[cfg(unix)]
#[test]
fn a_statement_deep_past_the_path_limit_is_read() {
    use rustix::fs::{CWD, Mode, OFlags, mkdirat, openat};
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new("samples/scenarios/06_late_credit");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(
        scenario.join("contributions.csv"),
        data.join("contributions.csv"),
    )
    .unwrap();
    let name = "很长的文件夹名字".repeat(10);
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let mut at = openat(CWD, &data, flags, Mode::empty()).unwrap();
    for _ in 0..20 {
        mkdirat(&at, name.as_str(), Mode::from_raw_mode(0o755)).unwrap();
        at = openat(&at, name.as_str(), flags, Mode::empty()).unwrap();
    }
    let create = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC;
    let fd = openat(&at, "statement.csv", create, Mode::from_raw_mode(0o644)).unwrap();
    std::fs::File::from(fd)
        .write_all(&std::fs::read(scenario.join("statement.csv")).unwrap())
        .unwrap();

    let out = dir.path().join("out");
    let deep = reconcile_into(&[&data], &out).output().unwrap();
    let plain = dir.path().join("plain");
    let flat = reconcile_into(&[scenario], &plain).output().unwrap();
    assert_eq!(deep.status.code(), flat.status.code());
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(findings.contains("CREDIT_LATE"), "{findings}");
    assert_eq!(
        std::fs::read(out.join("findings.csv")).unwrap(),
        std::fs::read(plain.join("findings.csv")).unwrap()
    );
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["complete"], true, "{summary}");
    assert_eq!(summary["inputs"].as_array().unwrap().len(), 2, "{summary}");
}
