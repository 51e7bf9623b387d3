//! Golden tests: every scenario in samples/scenarios gives exactly its expected findings.
//! The expected codes are written out here by hand (what each scenario was made to show);
//! the whole findings.csv, messages included, is compared with tests/golden/<scenario>/.
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the golden files after a deliberate
//! change of wording.

mod common;

use std::path::Path;

use common::bin;

/// (period, code, severity) of one finding.
type Expected = (&'static str, &'static str, &'static str);

/// (scenario, its findings in findings.csv order).
const EXPECTED: &[(&str, &[Expected])] = &[
    (
        "01_resident_insurance",
        &[("2024-01", "NO_ACCOUNT", "info")],
    ),
    ("02_flexible_low_tier", &[("2024-01", "NO_ACCOUNT", "info")]),
    (
        "03_tier_change",
        &[
            ("2024-04", "TIER_CHANGE", "warning"),
            ("2024-04", "NO_ACCOUNT", "info"),
        ],
    ),
    (
        "04_employer_arrears",
        &[
            ("2024-03", "EMPLOYER_PAYMENT_MISSING", "error"),
            ("2024-05", "EMPLOYER_PAYMENT_MISSING", "error"),
        ],
    ),
    ("05_back_payment", &[("2024-02", "BACKPAY", "info")]),
    ("06_late_credit", &[("2024-03", "CREDIT_LATE", "warning")]),
    ("07_base_change", &[("2024-07", "BASE_CHANGE", "info")]),
    ("08_reform_month", &[("2022-09", "POLICY_CHANGE", "info")]),
    ("09_retiree_fixed_credit", &[]),
    (
        "10_family_sharing",
        &[
            ("2024-03", "FAMILY_SHARING", "info"),
            ("2024-03", "FAMILY_SHARING", "warning"),
        ],
    ),
    (
        "11_clearing_transfer",
        &[
            ("2024-03", "ACCOUNT_CLEARED", "warning"),
            ("2024-03", "ACCOUNT_CLEARED", "warning"),
        ],
    ),
    (
        "12_frozen_account",
        &[("2024-03", "ACCOUNT_INACTIVE", "warning")],
    ),
    ("13_balance_break", &[("2024-04", "BALANCE_BREAK", "error")]),
    (
        "14_duplicate_credit",
        &[("2024-03", "DUPLICATE_CREDIT", "error")],
    ),
    ("15_spending_drain", &[]),
    (
        "16_missing_short_pending",
        &[
            ("2024-02", "CREDIT_SHORT", "error"),
            ("2024-03", "CREDIT_MISSING", "error"),
            ("2024-04", "CREDIT_EXCESS", "warning"),
            ("2024-05", "RATE_MISMATCH", "warning"),
            ("2024-05", "CREDIT_PENDING", "info"),
            ("2024-06", "CREDIT_PENDING", "info"),
        ],
    ),
    (
        "17_unexpected_no_statement",
        &[
            ("2024-02", "CREDIT_UNEXPECTED", "warning"),
            ("2024-05", "ENTRY_UNCLASSIFIED", "warning"),
            ("2024-03", "NO_STATEMENT", "warning"),
        ],
    ),
];

fn run(scenario: &str, out: &Path) {
    bin()
        .arg("reconcile")
        .arg(Path::new("samples/scenarios").join(scenario))
        .args(["--policy", "samples/policy.toml", "-q", "-o"])
        .arg(out)
        .assert()
        .code(predicates::ord::lt(2));
}

#[test]
fn every_scenario_gives_exactly_its_findings() {
    let folders: Vec<String> = std::fs::read_dir("samples/scenarios")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        folders.len(),
        EXPECTED.len(),
        "a scenario without expectations, or the reverse"
    );
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for (scenario, expected) in EXPECTED {
        let dir = tempfile::tempdir().unwrap();
        run(scenario, dir.path());
        let findings = std::fs::read(dir.path().join("findings.csv")).unwrap();
        let mut reader = csv::Reader::from_reader(findings.as_slice());
        let got: Vec<(String, String, String)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[2].to_string(), r[4].to_string(), r[5].to_string())
            })
            .collect();
        let want: Vec<(String, String, String)> = expected
            .iter()
            .map(|(p, c, s)| (p.to_string(), c.to_string(), s.to_string()))
            .collect();
        assert_eq!(got, want, "{scenario}");
        let golden = Path::new("tests/golden")
            .join(scenario)
            .join("findings.csv");
        if update {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &findings).unwrap();
        }
        let expected_bytes =
            std::fs::read(&golden).unwrap_or_else(|_| panic!("{} missing", golden.display()));
        assert_eq!(
            String::from_utf8_lossy(&findings),
            String::from_utf8_lossy(&expected_bytes),
            "{scenario}: findings.csv differs from {}",
            golden.display()
        );
    }
}

/// The bridge identity holds for every person of every scenario, and every contribution
/// period appears once in months.csv.
#[test]
fn bridges_balance_and_months_cover_every_period() {
    let dir = tempfile::tempdir().unwrap();
    common::reconcile_samples(dir.path(), &[]).assert().code(1);
    let persons = std::fs::read(dir.path().join("persons.csv")).unwrap();
    assert!(common::assert_bridges(&persons) > 20);
    let mut months = csv::Reader::from_path(dir.path().join("months.csv")).unwrap();
    let mut seen = std::collections::HashSet::new();
    for r in months.records() {
        let r = r.unwrap();
        assert!(
            seen.insert((r[0].to_string(), r[2].to_string())),
            "{} {} twice",
            &r[0],
            &r[2]
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    for input in summary["inputs"].as_array().unwrap() {
        let read = input["rows_read"].as_u64().unwrap();
        let parts =
            ["rows_accepted", "rows_rejected", "rows_skipped"].map(|k| input[k].as_u64().unwrap());
        assert_eq!(read, parts.iter().sum::<u64>());
        assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    }
}
