//! The column lists of the CSV reports: written by [`report`](crate::report), and known
//! to [`ingest`](crate::ingest) so that a report of an earlier run is never read back as
//! input (SPEC 2.3 "Outputs are never inputs").

pub const FINDINGS_COLUMNS: [&str; 10] = [
    "person_id",
    "name",
    "period",
    "period_to",
    "code",
    "severity",
    "expected",
    "actual",
    "difference",
    "message",
];
pub const MONTHS_COLUMNS: [&str; 16] = [
    "person_id",
    "name",
    "period",
    "insurance",
    "tier",
    "base",
    "employee_amount",
    "employer_amount",
    "expected_credit",
    "credited",
    "credited_on",
    "difference",
    "status",
    "codes",
    "expected_from",
    "part",
];
pub const PERSONS_COLUMNS: [&str; 17] = [
    "person_id",
    "name",
    "first_period",
    "last_period",
    "opening_balance",
    "credits",
    "spending",
    "family_sharing",
    "clearing_transfers",
    "interest_adjustments",
    "unclassified",
    "closing_balance",
    "expected_credits",
    "missing_credits",
    "errors",
    "warnings",
    "statement_balance",
];
/// Columns of the outputs that hold amounts in yuan (numbers with 2 decimals in a workbook).
pub const AMOUNT_COLUMNS: [&str; 19] = [
    "expected",
    "actual",
    "difference",
    "base",
    "employee_amount",
    "employer_amount",
    "expected_credit",
    "credited",
    "opening_balance",
    "credits",
    "spending",
    "family_sharing",
    "clearing_transfers",
    "interest_adjustments",
    "unclassified",
    "closing_balance",
    "expected_credits",
    "missing_credits",
    "statement_balance",
];
pub const REJECTED_COLUMNS: [&str; 6] = ["file", "sheet", "row", "column", "value", "reason"];
/// changes.csv: `change` (new / resolved), then the findings' columns.
pub const CHANGES_FIRST_COLUMN: &str = "change";

/// The header lines the CSV reports start with: a text input whose first line is one of
/// them is an output of an earlier run.
pub fn report_headers() -> [String; 5] {
    let line = |cols: &[&str]| cols.join(",");
    [
        line(&FINDINGS_COLUMNS),
        line(&MONTHS_COLUMNS),
        line(&PERSONS_COLUMNS),
        line(&REJECTED_COLUMNS),
        format!("{CHANGES_FIRST_COLUMN},{}", line(&FINDINGS_COLUMNS)),
    ]
}

#[cfg(test)]
mod tests {
    /// Every amount column is a column of a report: one list, no column named twice.
    #[test]
    fn amount_columns_are_report_columns() {
        for name in super::AMOUNT_COLUMNS {
            assert!(
                super::FINDINGS_COLUMNS.contains(&name)
                    || super::MONTHS_COLUMNS.contains(&name)
                    || super::PERSONS_COLUMNS.contains(&name),
                "{name}"
            );
        }
    }
}
