//! Golden tests: every scenario in samples/scenarios gives exactly its expected findings.
//! The expected codes are written out here by hand (what each scenario was made to show);
//! the whole findings.csv, messages included, is compared with tests/golden/<scenario>/.
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the golden files after a deliberate
//! change of wording.

use crate::common;

use std::path::Path;

/// One test per scenario: `name: "folder" => [(period, code, severity), …]`, the findings
/// in findings.csv order; and the list of every scenario, to check none is left out.
macro_rules! golden {
    ($($test:ident: $scenario:literal => [$(($p:literal, $c:literal, $s:literal)),* $(,)?];)*) => {
        $(
            #[test]
            fn $test() {
                gives_exactly($scenario, &[$(($p, $c, $s)),*]);
            }
        )*
        const SCENARIOS: &[&str] = &[$($scenario),*];
    };
}

golden! {
    scenario_01_resident_insurance: "01_resident_insurance" => [
        ("2024-01", "NO_ACCOUNT", "info"),
    ];
    scenario_02_flexible_low_tier: "02_flexible_low_tier" => [
        ("2024-01", "NO_ACCOUNT", "info"),
    ];
    scenario_03_tier_change: "03_tier_change" => [
        ("2024-04", "TIER_CHANGE", "warning"),
        ("2024-04", "NO_ACCOUNT", "info"),
    ];
    scenario_04_employer_arrears: "04_employer_arrears" => [
        ("2024-03", "EMPLOYER_PAYMENT_MISSING", "error"),
        ("2024-05", "EMPLOYER_PAYMENT_MISSING", "error"),
    ];
    scenario_05_back_payment: "05_back_payment" => [
        ("2024-02", "BACKPAY", "info"),
    ];
    scenario_06_late_credit: "06_late_credit" => [
        ("2024-03", "CREDIT_LATE", "warning"),
    ];
    scenario_07_base_change: "07_base_change" => [
        ("2024-07", "BASE_CHANGE", "info"),
    ];
    scenario_08_reform_month: "08_reform_month" => [
        ("2022-09", "POLICY_CHANGE", "info"),
    ];
    scenario_09_retiree_fixed_credit: "09_retiree_fixed_credit" => [];
    scenario_10_family_sharing: "10_family_sharing" => [
        ("2024-03", "FAMILY_SHARING", "info"),
        ("2024-03", "FAMILY_SHARING", "warning"),
    ];
    scenario_11_clearing_transfer: "11_clearing_transfer" => [
        ("2024-03", "ACCOUNT_CLEARED", "warning"),
        ("2024-03", "ACCOUNT_CLEARED", "warning"),
    ];
    scenario_12_frozen_account: "12_frozen_account" => [
        ("2024-03", "ACCOUNT_INACTIVE", "warning"),
    ];
    scenario_13_balance_break: "13_balance_break" => [
        ("2024-04", "BALANCE_BREAK", "error"),
    ];
    scenario_14_duplicate_credit: "14_duplicate_credit" => [
        ("2024-03", "DUPLICATE_CREDIT", "error"),
    ];
    scenario_15_spending_drain: "15_spending_drain" => [];
    scenario_16_missing_short_pending: "16_missing_short_pending" => [
        ("2024-02", "CREDIT_SHORT", "error"),
        ("2024-03", "CREDIT_MISSING", "error"),
        ("2024-04", "CREDIT_EXCESS", "warning"),
        ("2024-05", "RATE_MISMATCH", "warning"),
        ("2024-05", "CREDIT_PENDING", "info"),
        ("2024-06", "CREDIT_PENDING", "info"),
    ];
    scenario_17_unexpected_no_statement: "17_unexpected_no_statement" => [
        ("2024-05", "CREDIT_UNEXPECTED", "warning"),
        ("2024-05", "ENTRY_UNCLASSIFIED", "warning"),
        ("2024-03", "NO_STATEMENT", "warning"),
    ];
    scenario_18_two_period_columns: "18_two_period_columns" => [
        ("2024-02", "CREDIT_MISSING", "error"),
    ];
    scenario_19_long_format_declaration: "19_long_format_declaration" => [
        ("2024-04", "CREDIT_SHORT", "error"),
    ];
    scenario_20_payroll_backpay_group: "20_payroll_backpay_group" => [
        ("2024-03", "BASE_CHANGE", "info"),
        ("2024-03", "BACKPAY", "info"),
        ("2024-04", "BACKPAY", "info"),
    ];
    scenario_21_portal_identity_above: "21_portal_identity_above" => [
        ("2024-03", "CREDIT_SHORT", "error"),
    ];
    scenario_22_national_income_only: "22_national_income_only" => [
        ("2024-02", "CREDIT_LATE", "warning"),
    ];
    scenario_23_credits_stopped: "23_credits_stopped" => [
        ("2024-07", "CREDITS_STOPPED", "error"),
    ];
    scenario_24_credit_gap_and_late: "24_credit_gap_and_late" => [
        ("2024-03", "CREDIT_GAP", "warning"),
        ("2024-07", "CREDIT_LATE", "info"),
    ];
    scenario_25_credit_change: "25_credit_change" => [
        ("2024-08", "CREDIT_CHANGE", "info"),
        ("2024-12", "CREDIT_CHANGE", "warning"),
    ];
    scenario_26_never_credited: "26_never_credited" => [
        ("2024-03", "NEVER_CREDITED", "warning"),
    ];
    scenario_27_age_band_then_moved: "27_age_band_then_moved" => [
        ("2020-05", "CREDIT_CHANGE", "info"),
        ("2020-08", "ACCOUNT_CLEARED", "warning"),
        ("2020-08", "CREDITS_STOPPED", "error"),
    ];
    scenario_28_no_contributions: "28_no_contributions" => [
        ("2024-02", "NO_CONTRIBUTIONS", "warning"),
    ];
}

/// (period, code, severity) of one finding.
type Expected = (&'static str, &'static str, &'static str);

fn run(scenario: &str, out: &Path) {
    common::reconcile_into(&[&Path::new("samples/scenarios").join(scenario)], out)
        .assert()
        .code(predicates::ord::lt(2));
}

#[test]
fn every_scenario_folder_has_its_test() {
    let mut folders: Vec<String> = std::fs::read_dir("samples/scenarios")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(
        folders, SCENARIOS,
        "a scenario without expectations, or the reverse"
    );
}

/// The scenario gives exactly `expected` (read by column name), and its findings.csv,
/// messages included, equals tests/golden/<scenario>/findings.csv.
fn gives_exactly(scenario: &str, expected: &[Expected]) {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = tempfile::tempdir().unwrap();
    run(scenario, dir.path());
    let findings = std::fs::read(dir.path().join("findings.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(findings.as_slice());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (period, code, severity) = (at("period"), at("code"), at("severity"));
    let got: Vec<(String, String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[period].to_string(),
                r[code].to_string(),
                r[severity].to_string(),
            )
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

/// The bridge identity holds for every person of every scenario, and every contribution
/// period appears once in months.csv (a month's difference part once beside it).
#[test]
fn bridges_balance_and_months_cover_every_period() {
    let dir = tempfile::tempdir().unwrap();
    common::reconcile_samples(dir.path(), &[]).assert().code(1);
    let persons = std::fs::read(dir.path().join("persons.csv")).unwrap();
    assert!(common::assert_bridges(&persons) > 20);
    let mut months = csv::Reader::from_path(dir.path().join("months.csv")).unwrap();
    let headers = months.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, period, part) = (at("person_id"), at("period"), at("part"));
    let mut seen = std::collections::HashSet::new();
    for r in months.records() {
        let r = r.unwrap();
        let key = (
            r[id].to_string(),
            r[period].to_string(),
            r[part].to_string(),
        );
        assert!(seen.insert(key.clone()), "{key:?} twice");
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
