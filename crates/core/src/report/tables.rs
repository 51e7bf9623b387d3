//! findings.csv, months.csv, persons.csv and summary.json, with SPEC's columns.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

pub use crate::columns::{AMOUNT_COLUMNS, FINDINGS_COLUMNS, MONTHS_COLUMNS, PERSONS_COLUMNS};
use crate::ingest::Batch;
use crate::mask::IdDisplay;
use crate::money::Money;
use crate::policy::Policy;
use crate::reconcile::{Code, PersonReport, Reconciliation, Severity};

/// A value as reports print it (amounts: two decimals, `Money`'s Display), empty for none.
fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The person's name as written — masked where it holds an ID number (it happens: an ID
/// typed into the name column).
fn name(p: &PersonReport, ids: IdDisplay) -> String {
    ids.text(p.name.as_deref().unwrap_or("")).into_owned()
}

/// A CSV table in pieces: the header (if any), then one block of rows per chunk of
/// people, made in parallel by `block`, in person order — joined, the same bytes one
/// writer would make, as a CSV writer keeps no state between records.
fn per_person_pieces(
    persons: &[PersonReport],
    header: Option<&[&str]>,
    block: impl Fn(&[PersonReport]) -> Result<Vec<u8>, csv::Error> + Sync + Send,
) -> Result<Vec<Vec<u8>>, csv::Error> {
    let mut pieces = Vec::with_capacity(persons.len().div_ceil(PERSONS_PER_BLOCK) + 1);
    if let Some(header) = header {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header)?;
        pieces.push(finish(w)?);
    }
    let blocks = persons
        .par_chunks(PERSONS_PER_BLOCK)
        .with_max_len(1)
        .map(block)
        .collect::<Result<Vec<Vec<u8>>, csv::Error>>()?;
    pieces.extend(blocks);
    Ok(pieces)
}

/// Enough people per block that the joins cost nothing, few enough to spread the work:
/// months.csv is formatted a block of 512 people at a time while the next block is
/// reconciled, and a thread left formatting a quarter of it (4 ms) kept the other waiting.
const PERSONS_PER_BLOCK: usize = 64;

/// [`per_person_pieces`] with `rows` writing each person's rows as [`CsvLines`], in a
/// buffer made with room for `room` bytes a person: grown by doubling instead, a block is
/// copied about once more as it is written (a room too large is address space, not memory,
/// until written).
fn per_person_lines(
    persons: &[PersonReport],
    header: Option<&[&str]>,
    room: impl Fn(&PersonReport) -> usize + Sync + Send,
    rows: impl Fn(&mut CsvLines, &PersonReport) + Sync + Send,
) -> Result<Vec<Vec<u8>>, csv::Error> {
    per_person_pieces(persons, header, |persons| {
        let mut lines = CsvLines {
            out: Vec::with_capacity(persons.iter().map(&room).sum()),
            ..CsvLines::default()
        };
        for p in persons {
            rows(&mut lines, p);
        }
        Ok(lines.out)
    })
}

/// [`per_person_lines`] with the header, as a table. No room is made ahead: findings and
/// persons rows vary in length with their messages and bridges.
fn per_person_table(
    persons: &[PersonReport],
    header: &[&str],
    rows: impl Fn(&mut CsvLines, &PersonReport) + Sync + Send,
) -> Result<CsvTable, csv::Error> {
    Ok(CsvTable {
        pieces: per_person_lines(persons, Some(header), |_| 0, rows)?,
    })
}

pub fn findings_csv(run: &Reconciliation, ids: IdDisplay) -> Result<CsvTable, csv::Error> {
    per_person_table(&run.persons, &FINDINGS_COLUMNS, |lines, p| {
        findings_rows(lines, p, ids)
    })
}

/// A person's findings.csv rows.
pub(crate) fn findings_rows(out: &mut impl RowSink, p: &PersonReport, ids: IdDisplay) {
    if p.findings.is_empty() {
        return;
    }
    out.person(ids.id(&p.id).as_ref(), &name(p, ids));
    for f in &p.findings {
        out.who();
        out.period(f.period);
        out.period(f.period_to);
        out.text(f.code.name());
        out.text(f.severity.as_str());
        out.money(f.expected);
        out.money(f.actual);
        out.money(f.difference);
        out.text(&ids.text(&f.message));
        out.end();
    }
}

/// What a report's rows are written into, field by field in the columns' order: CSV bytes
/// ([`CsvLines`]) or typed columns for Arrow hosts ([`super::columnar::Columns`]) — one
/// list of what each row holds for both.
pub(crate) trait RowSink {
    /// Starts a person's rows: their ID and name open each of them ([`RowSink::who`]).
    fn person(&mut self, id: &str, name: &str);
    /// The current person's ID and name, two fields.
    fn who(&mut self);
    fn count(&mut self, n: usize);
    fn text(&mut self, s: &str);
    fn money(&mut self, m: Option<Money>);
    fn period(&mut self, p: Option<crate::records::Period>);
    fn date(&mut self, d: Option<chrono::NaiveDate>);
    /// Codes joined by `;`, one field.
    fn codes(&mut self, codes: &[Code]);
    fn end(&mut self);
}

/// CSV rows written straight as bytes: months.csv has a row per person and month, and
/// the csv writer's work per field (a String per amount at first, then its quoting checks
/// and copies) was most of the time spent writing it. Quoting is the csv writer's: a
/// field holding a comma, quote, CR or LF is quoted, its quotes doubled.
#[derive(Default)]
struct CsvLines {
    out: Vec<u8>,
    /// Fields written on the current line.
    fields: usize,
    /// The person's ID and name, escaped once for all their rows.
    who: Vec<u8>,
}

impl CsvLines {
    fn separate(&mut self) {
        if self.fields > 0 {
            self.out.push(b',');
        }
        self.fields += 1;
    }

    fn shown(&mut self, v: Option<impl std::fmt::Display>) {
        use std::io::Write as _;
        self.separate();
        if let Some(v) = v {
            let start = self.out.len();
            let _ = write!(self.out, "{v}");
            let printed = self.out.split_off(start);
            escape_field(&mut self.out, &printed);
        }
    }
}

impl RowSink for CsvLines {
    fn person(&mut self, id: &str, name: &str) {
        self.who.clear();
        escape_field(&mut self.who, id.as_bytes());
        self.who.push(b',');
        escape_field(&mut self.who, name.as_bytes());
    }

    /// The current person's ID and name, two fields.
    fn who(&mut self) {
        self.separate();
        self.out.extend_from_slice(&self.who);
        self.fields += 1;
    }

    fn count(&mut self, n: usize) {
        self.separate();
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    fn text(&mut self, s: &str) {
        self.separate();
        escape_field(&mut self.out, s.as_bytes());
    }

    fn money(&mut self, m: Option<Money>) {
        self.separate();
        if let Some(m) = m {
            m.write_to(&mut self.out);
        }
    }

    fn period(&mut self, p: Option<crate::records::Period>) {
        self.separate();
        if let Some(p) = p {
            p.write_to(&mut self.out);
        }
    }

    /// `YYYY-MM-DD`, as chrono prints a date: the month as a period prints it, then the day.
    fn date(&mut self, d: Option<chrono::NaiveDate>) {
        use chrono::Datelike;
        match d.and_then(|d| Some((crate::records::Period::of_date(d)?, d.day()))) {
            Some((month, day)) => {
                self.separate();
                month.write_to(&mut self.out);
                self.out.push(b'-');
                self.out
                    .extend_from_slice(crate::money::two_digits(day).as_bytes());
            }
            None => self.shown(d),
        }
    }

    fn codes(&mut self, codes: &[Code]) {
        self.separate();
        for (i, code) in codes.iter().enumerate() {
            if i > 0 {
                self.out.push(b';');
            }
            self.out.extend_from_slice(code.name().as_bytes());
        }
    }

    fn end(&mut self) {
        self.out.push(b'\n');
        self.fields = 0;
    }
}

/// One CSV field as the reports write it: quoted as the csv writer quotes, with a leading
/// `'` when a spreadsheet would run it (for the fuzz target and tests).
pub fn csv_field(field: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len() + 3);
    escape_field(&mut out, field.as_bytes());
    out
}

/// Appends `field` as the csv writer writes it by default, with a leading `'` when a
/// spreadsheet would run it ([`super::runs_in_a_spreadsheet`], SPEC 2.3).
fn escape_field(out: &mut Vec<u8>, field: &[u8]) {
    let neutralise = super::runs_in_a_spreadsheet(field);
    if !field
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        if neutralise {
            out.push(b'\'');
        }
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    if neutralise {
        out.push(b'\'');
    }
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

pub fn months_csv(run: &Reconciliation, ids: IdDisplay) -> Result<CsvTable, csv::Error> {
    months_rows(&run.persons, Some(&MONTHS_COLUMNS), ids)
}

/// The months.csv rows of `persons`, with the header or without (a block of a streamed
/// table, [`MonthsSpool`]).
pub(crate) fn months_rows(
    persons: &[PersonReport],
    header: Option<&[&str]>,
    ids: IdDisplay,
) -> Result<CsvTable, csv::Error> {
    // A months.csv row is 90–110 bytes.
    let room = |p: &PersonReport| p.months.len() * 128;
    let pieces = per_person_lines(persons, header, room, |lines, p| months_of(lines, p, ids))?;
    Ok(CsvTable { pieces })
}

/// A person's months.csv rows.
pub(crate) fn months_of(out: &mut impl RowSink, p: &PersonReport, ids: IdDisplay) {
    if p.months.is_empty() {
        return;
    }
    out.person(ids.id(&p.id).as_ref(), &name(p, ids));
    for m in &p.months {
        out.who();
        out.period(Some(m.period));
        out.text(m.insurance.as_str());
        out.text(m.tier.as_deref().unwrap_or(""));
        out.money(m.base);
        out.money(m.employee_amount);
        out.money(m.employer_amount);
        let unknown = m.expected_from == Some(crate::reconcile::ExpectedFrom::Unknown);
        out.money(Some(m.expected).filter(|_| !unknown));
        out.money(m.credited);
        out.date(m.credited_on);
        out.money(m.difference);
        out.text(m.status.as_str());
        out.codes(&m.codes);
        out.text(m.expected_from.map_or("", |f| f.as_str()));
        out.text(m.part.as_str());
        out.end();
    }
}

pub fn persons_csv(run: &Reconciliation, ids: IdDisplay) -> Result<CsvTable, csv::Error> {
    per_person_table(&run.persons, &PERSONS_COLUMNS, |lines, p| {
        persons_row(lines, p, ids)
    })
}

/// A person's persons.csv row.
pub(crate) fn persons_row(out: &mut impl RowSink, p: &PersonReport, ids: IdDisplay) {
    let b = &p.bridge;
    out.person(ids.id(&p.id).as_ref(), &name(p, ids));
    out.who();
    out.period(p.first_period);
    out.period(p.last_period);
    for amount in [
        b.opening,
        b.credits,
        b.spending,
        b.family_sharing,
        b.clearing_transfers,
        b.interest_adjustments,
        b.unclassified,
        b.closing,
    ] {
        out.money(Some(amount));
    }
    // A statement-first person has nothing expected to compare with (SPEC 2.2).
    for amount in [b.expected_credits, b.missing_credits] {
        out.money(Some(amount).filter(|_| !p.statement_first));
    }
    out.count(p.count(Severity::Error));
    out.count(p.count(Severity::Warning));
    out.money(p.statement_balance);
    out.end();
}

/// What summary.json says of the findings and people, summed over them: taken from one
/// run, or [`RunTotals::merge`]d from the parts of a run split over machines (the Spark
/// job), which then says what the single run says.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunTotals {
    pub by_severity: BTreeMap<String, usize>,
    pub by_code: BTreeMap<String, usize>,
    pub persons: usize,
    /// Persons with credits outside their span, those credits, and their sum in cents.
    pub outside_persons: usize,
    pub outside_credits: u64,
    pub outside_cents: i128,
    /// Per source, the months whose stated credit differs from the formula, and the first.
    pub stated_differs: BTreeMap<u32, (usize, crate::records::Period)>,
}

impl RunTotals {
    /// Every code and severity present (0 when none).
    pub fn of(run: &Reconciliation) -> RunTotals {
        let mut t = RunTotals {
            by_severity: [Severity::Error, Severity::Warning, Severity::Info]
                .iter()
                .map(|s| (s.as_str().to_string(), 0))
                .collect(),
            by_code: Code::all().map(|c| (c.name().to_string(), 0)).collect(),
            persons: run.persons.len(),
            ..RunTotals::default()
        };
        for p in &run.persons {
            for f in &p.findings {
                *t.by_severity.entry(f.severity.as_str().into()).or_default() += 1;
                *t.by_code.entry(f.code.name().into()).or_default() += 1;
            }
            if p.outside_span.credits > 0 {
                t.outside_persons += 1;
                t.outside_credits += u64::from(p.outside_span.credits);
                t.outside_cents += i128::from(p.outside_span.amount.cents());
            }
            for d in &p.stated_differs {
                let e = t.stated_differs.entry(d.source).or_insert((0, d.period));
                e.0 += 1;
                e.1 = e.1.min(d.period);
            }
        }
        t
    }

    /// The totals of two parts of a run together.
    pub fn merge(mut self, other: RunTotals) -> RunTotals {
        let add = |into: &mut BTreeMap<String, usize>, from: BTreeMap<String, usize>| {
            for (k, n) in from {
                *into.entry(k).or_default() += n;
            }
        };
        add(&mut self.by_severity, other.by_severity);
        add(&mut self.by_code, other.by_code);
        self.persons += other.persons;
        self.outside_persons += other.outside_persons;
        self.outside_credits += other.outside_credits;
        self.outside_cents += other.outside_cents;
        for (source, (n, first)) in other.stated_differs {
            let e = self.stated_differs.entry(source).or_insert((0, first));
            e.0 += n;
            e.1 = e.1.min(first);
        }
        self
    }
}

/// One line per source whose stated credits differ from the policy's formula in some
/// months (SPEC 2.1: not a finding; the stated credit is what is expected).
fn stated_warnings(totals: &RunTotals, batch: &Batch) -> Vec<String> {
    totals
        .stated_differs
        .iter()
        .filter_map(|(&source, &(n, first))| {
            let s = batch.sources.get(source as usize)?;
            Some(format!(
                "{}: {n} month(s) whose stated credit (划入个人账户金额…) differs from what the policy's formula gives on the amounts (first {first}); the stated credit is expected",
                crate::ingest::source_label(&s.path, s.sheet.as_deref())
            ))
        })
        .collect()
}

/// summary.json `credits_outside_span` (SPEC 2.2): totals only.
fn outside_span(totals: &RunTotals) -> Value {
    json!({
        "persons": totals.outside_persons,
        "credits": totals.outside_credits,
        // As the CSVs print amounts: two decimals, as text (exact).
        "amount": rust_decimal::Decimal::try_from_i128_with_scale(totals.outside_cents, 2)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    })
}

/// summary.json.
pub fn summary_json(
    run: &Reconciliation,
    batch: &Batch,
    policy: &Policy,
    ids: IdDisplay,
    changes: Option<(usize, usize)>,
) -> Value {
    summary_of(&RunTotals::of(run), run.as_of, batch, policy, ids, changes)
}

/// summary.json of a run's totals (one run's, or its parts' merged).
pub fn summary_of(
    totals: &RunTotals,
    as_of: chrono::NaiveDate,
    batch: &Batch,
    policy: &Policy,
    ids: IdDisplay,
    changes: Option<(usize, usize)>,
) -> Value {
    let (by_severity, by_code) = (&totals.by_severity, &totals.by_code);
    let inputs: Vec<Value> = batch
        .sources
        .iter()
        .map(|s| {
            json!({
                                "path": ids.text(&s.path),
                "sheet": s.sheet.as_deref().map(|t| ids.text(t)),
                "kind": s.kind,
                "sha256": s.sha256,
                "size": s.size,
                "rows_read": s.counts.read,
                "rows_accepted": s.counts.accepted,
                "rows_rejected": s.counts.rejected,
                "rows_skipped": s.counts.skipped,
                "ignored_columns": s.ignored_columns.iter().map(|c| json!({
                    "column": ids.text(&c.column),
                    "reason": c.reason,
                })).collect::<Vec<_>>(),
                "rows_skipped_by_reason": s.counts.skipped_by_reason(),
                "inferred": s.inferred.iter().map(|i| json!({
                    "column": ids.text(&i.column),
                    "field": i.field,
                    "why": ids.text(&i.why),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let skipped: Vec<Value> = batch
        .skipped_inputs
        .iter()
        .map(|s| {
            json!({
                "path": ids.text(&s.path),
                "sheet": s.sheet.as_deref().map(|t| ids.text(t)),
                "reason": s.reason,
            })
        })
        .collect();
    let warnings: Vec<String> = batch
        .warnings()
        .iter()
        .chain(&stated_warnings(totals, batch))
        .map(|w| ids.text(w).into_owned())
        .collect();
    let unreadable: Vec<Value> = batch
        .unreadable
        .iter()
        .map(|u| json!({"path": ids.text(&u.path), "reason": ids.text(&u.reason)}))
        .collect();
    let mut summary = json!({
        "tool": {"name": crate::TOOL_NAME, "version": env!("CARGO_PKG_VERSION")},
        "as_of": as_of.to_string(),
        "policy": {"name": policy.name, "sha256": policy.sha256},
        "inputs": inputs,
        "skipped_inputs": skipped,
        "warnings": warnings,
        "findings": {"by_severity": by_severity, "by_code": by_code},
        "persons": totals.persons,
        "credits_outside_span": outside_span(totals),
        "complete": batch.unreadable.is_empty(),
        "unreadable_inputs": unreadable,
    });
    if let (Some((new, resolved)), Some(map)) = (changes, summary.as_object_mut()) {
        map.insert("changes".into(), json!({"new": new, "resolved": resolved}));
    }
    summary
}

/// A CSV table in memory as it was made: the header, then blocks of rows, in order.
/// Written out piece by piece; joined only for the formats that read a table back whole
/// (workbook, page, Parquet, the comparison with a previous run) — the findings of a
/// 100k-person run are 120 MB, and a join holds them twice while it copies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvTable {
    pieces: Vec<Vec<u8>>,
}

impl From<Vec<u8>> for CsvTable {
    fn from(bytes: Vec<u8>) -> CsvTable {
        CsvTable {
            pieces: vec![bytes],
        }
    }
}

impl CsvTable {
    /// The table's bytes: borrowed once [`CsvTable::join`]ed (or made in one piece),
    /// copied together otherwise.
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        use std::borrow::Cow;
        match self.pieces.as_slice() {
            [] => Cow::Borrowed(&[]),
            [one] => Cow::Borrowed(one),
            many => Cow::Owned(many.concat()),
        }
    }

    /// Into one piece, so that the readers of [`CsvTable::bytes`] do not each copy it.
    pub fn join(&mut self) {
        if self.pieces.len() > 1 {
            self.pieces = vec![self.pieces.concat()];
        }
    }

    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        self.pieces
            .iter()
            .try_for_each(|piece| out.write_all(piece))
    }
}

/// The CSV outputs of one run, in memory.
pub struct CsvSet {
    pub findings: CsvTable,
    pub months: CsvTable,
    pub persons: CsvTable,
    pub rejected: CsvTable,
}

impl CsvSet {
    /// Every table; months.csv left empty without `months` (a run that streamed it).
    pub fn build(
        run: &Reconciliation,
        batch: &Batch,
        ids: IdDisplay,
        lang: crate::lang::Lang,
        months: bool,
    ) -> Result<CsvSet, csv::Error> {
        let months_table = || {
            if months {
                months_csv(run, ids)
            } else {
                Ok(CsvTable::default())
            }
        };
        let ((findings, months), (persons, rejected)) = rayon::join(
            || rayon::join(|| findings_csv(run, ids), months_table),
            || {
                rayon::join(
                    || persons_csv(run, ids),
                    || super::rejected_csv(batch, &batch.rejected, ids, lang),
                )
            },
        );
        Ok(CsvSet {
            findings: findings?,
            months: months?,
            persons: persons?,
            rejected: rejected?.into(),
        })
    }

    /// Every table into one piece ([`CsvTable::join`]).
    pub fn join(&mut self) {
        for table in [
            &mut self.findings,
            &mut self.months,
            &mut self.persons,
            &mut self.rejected,
        ] {
            table.join();
        }
    }
}

/// Totals of one month over all persons.
pub struct MonthTotal {
    pub period: crate::records::Period,
    pub expected: Decimal,
    pub credited: Decimal,
    pub findings: usize,
}

/// Expected and credited totals per period, and the findings of each period.
pub fn by_month(run: &Reconciliation) -> Vec<MonthTotal> {
    let mut map: BTreeMap<crate::records::Period, MonthTotal> = run
        .period_totals
        .iter()
        .map(|t| {
            let total = MonthTotal {
                period: t.period,
                expected: t.expected,
                credited: t.credited,
                findings: 0,
            };
            (t.period, total)
        })
        .collect();
    let blank = |period| MonthTotal {
        period,
        expected: Decimal::ZERO,
        credited: Decimal::ZERO,
        findings: 0,
    };
    for p in &run.persons {
        for f in &p.findings {
            if let Some(period) = f.period {
                map.entry(period).or_insert_with(|| blank(period)).findings += 1;
            }
        }
    }
    map.into_values().collect()
}

/// findings.jsonl: one JSON object per finding, SPEC's findings columns as keys.
pub fn findings_jsonl(run: &Reconciliation, ids: IdDisplay) -> Vec<u8> {
    let blocks: Vec<Vec<u8>> = run
        .persons
        .par_chunks(PERSONS_PER_BLOCK)
        .map(|persons| findings_jsonl_block(persons, ids))
        .collect();
    blocks.concat()
}

fn findings_jsonl_block(persons: &[PersonReport], ids: IdDisplay) -> Vec<u8> {
    let mut out = Vec::new();
    for p in persons {
        let (id, name) = (ids.id(&p.id), name(p, ids));
        for f in &p.findings {
            let row = json!({
                "person_id": id,
                "name": name,
                "period": opt(f.period),
                "period_to": opt(f.period_to),
                "code": f.code.name(),
                "severity": f.severity.as_str(),
                "expected": opt(f.expected),
                "actual": opt(f.actual),
                "difference": opt(f.difference),
                "message": ids.text(&f.message),
            });
            out.extend_from_slice(row.to_string().as_bytes());
            out.push(b'\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows written as bytes are the rows the csv writer writes, quoting included.
    #[test]
    fn csv_lines_quote_as_the_csv_writer() {
        let fields = [
            "张伟",
            "",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "\"",
            "王 芳;李",
        ];
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut lines = CsvLines::default();
        for f in fields {
            w.write_record([f, "x", f]).unwrap();
            lines.person(f, "x");
            lines.who();
            lines.text(f);
            lines.end();
        }
        w.write_record(["2024-03-05", "", "1234"]).unwrap();
        lines.date(chrono::NaiveDate::from_ymd_opt(2024, 3, 5));
        lines.money(None);
        lines.count(1234);
        lines.end();
        w.write_record(["12.30", "-0.05", "0"]).unwrap();
        lines.money(Some(Money::from_cents(1230)));
        lines.money(Some(Money::from_cents(-5)));
        lines.count(0);
        lines.end();
        assert_eq!(
            String::from_utf8(lines.out).unwrap(),
            String::from_utf8(finish(w).unwrap()).unwrap()
        );
    }
}
