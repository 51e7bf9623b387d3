//! SPEC 2.3, through the command line: runs in folders people re-use and runs nobody
//! watches. Outputs read back by column name.

mod common;

use std::path::Path;

use common::bin;

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
    bin()
        .arg("reconcile")
        .arg(&data)
        .args(["--policy", "samples/policy.toml", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(predicates::ord::lt(2));
    let copy = data.join("findings_from_last_month.csv");
    std::fs::copy(out.join("findings.csv"), &copy).unwrap();
    let again = dir.path().join("again");
    bin()
        .arg("reconcile")
        .arg(&data)
        .arg(&copy)
        .args(["--policy", "samples/policy.toml", "-q", "-o"])
        .arg(&again)
        .assert()
        .code(predicates::ord::lt(2));
    let skipped = skipped_as_output(&again.join("summary.json"));
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].ends_with("findings_from_last_month.csv"),
        "{skipped:?}"
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
