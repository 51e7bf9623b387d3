//! findings.csv, months.csv, persons.csv and summary.json, with SPEC's columns.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::ingest::Batch;
use crate::mask::IdDisplay;
use crate::policy::Policy;
use crate::reconcile::{Code, PersonReport, Reconciliation, Severity};

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
pub const MONTHS_COLUMNS: [&str; 14] = [
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
];
pub const PERSONS_COLUMNS: [&str; 16] = [
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
];

fn money(d: Option<Decimal>) -> String {
    d.map(crate::reconcile::yuan).unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn name(p: &PersonReport) -> &str {
    p.name.as_deref().unwrap_or("")
}

pub fn findings_csv(run: &Reconciliation, ids: IdDisplay) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(FINDINGS_COLUMNS)?;
    for p in &run.persons {
        let id = ids.id(&p.id);
        for f in &p.findings {
            w.write_record([
                id.as_ref(),
                name(p),
                &opt(f.period),
                &opt(f.period_to),
                f.code.name(),
                f.severity.as_str(),
                &money(f.expected),
                &money(f.actual),
                &money(f.difference),
                &ids.text(&f.message),
            ])?;
        }
    }
    finish(w)
}

pub fn months_csv(run: &Reconciliation, ids: IdDisplay) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(MONTHS_COLUMNS)?;
    for p in &run.persons {
        let id = ids.id(&p.id);
        for m in &p.months {
            let codes: Vec<&str> = m.codes.iter().map(|c| c.name()).collect();
            w.write_record([
                id.as_ref(),
                name(p),
                &m.period.to_string(),
                &m.insurance,
                m.tier.as_deref().unwrap_or(""),
                &money(m.base),
                &money(m.employee_amount),
                &money(m.employer_amount),
                &money(Some(m.expected)),
                &money(m.credited),
                &opt(m.credited_on),
                &money(m.difference),
                m.status.as_str(),
                &codes.join(";"),
            ])?;
        }
    }
    finish(w)
}

pub fn persons_csv(run: &Reconciliation, ids: IdDisplay) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(PERSONS_COLUMNS)?;
    for p in &run.persons {
        let b = &p.bridge;
        w.write_record([
            ids.id(&p.id).as_ref(),
            name(p),
            &opt(p.first_period),
            &opt(p.last_period),
            &money(Some(b.opening)),
            &money(Some(b.credits)),
            &money(Some(b.spending)),
            &money(Some(b.family_sharing)),
            &money(Some(b.clearing_transfers)),
            &money(Some(b.interest_adjustments)),
            &money(Some(b.unclassified)),
            &money(Some(b.closing)),
            &money(Some(b.expected_credits)),
            &money(Some(b.missing_credits)),
            &p.count(Severity::Error).to_string(),
            &p.count(Severity::Warning).to_string(),
        ])?;
    }
    finish(w)
}

/// Counts of findings by severity and by code, every code and severity present (0 when
/// none), in a fixed order.
pub fn counts(
    run: &Reconciliation,
) -> (BTreeMap<&'static str, usize>, BTreeMap<&'static str, usize>) {
    let mut by_severity: BTreeMap<&str, usize> =
        [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| (s.as_str(), 0))
            .collect();
    let mut by_code: BTreeMap<&str, usize> = Code::all().map(|c| (c.name(), 0)).collect();
    for f in run.persons.iter().flat_map(|p| &p.findings) {
        *by_severity.entry(f.severity.as_str()).or_default() += 1;
        *by_code.entry(f.code.name()).or_default() += 1;
    }
    (by_severity, by_code)
}

/// summary.json.
pub fn summary_json(run: &Reconciliation, batch: &Batch, policy: &Policy, ids: IdDisplay) -> Value {
    let (by_severity, by_code) = counts(run);
    let inputs: Vec<Value> = batch
        .sources
        .iter()
        .map(|s| {
            json!({
                "path": s.path,
                "sheet": s.sheet,
                "kind": s.kind,
                "sha256": s.sha256,
                "rows_read": s.counts.read,
                "rows_accepted": s.counts.accepted,
                "rows_rejected": s.counts.rejected,
                "rows_skipped": s.counts.skipped,
            })
        })
        .collect();
    let skipped: Vec<Value> = batch
        .skipped_inputs
        .iter()
        .map(|s| json!({"path": s.path, "sheet": s.sheet, "reason": s.reason}))
        .collect();
    let warnings: Vec<String> = batch
        .warnings()
        .iter()
        .map(|w| ids.text(w).into_owned())
        .collect();
    json!({
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "as_of": run.as_of.to_string(),
        "policy": {"name": policy.name, "sha256": policy.sha256},
        "inputs": inputs,
        "skipped_inputs": skipped,
        "warnings": warnings,
        "findings": {"by_severity": by_severity, "by_code": by_code},
        "persons": run.persons.len(),
    })
}
