//! The report tables as typed columns, for hosts that hold data as Arrow (the Python
//! package and its Spark job): the same rows and values as findings.csv, months.csv,
//! persons.csv and rejected.csv — written by the same row functions as the CSVs
//! (the row sink of `tables.rs`) — without a CSV between. Amounts are whole cents (Arrow's
//! `Decimal128(18, 2)`), counts integers, `credited_on` a date, an empty cell null;
//! periods stay `YYYY-MM` text, as in the Parquet reports. Cells are not neutralised for
//! spreadsheets: that is the CSVs' concern, not a data frame's.

use chrono::NaiveDate;

use super::tables::{
    AMOUNT_COLUMNS, FINDINGS_COLUMNS, MONTHS_COLUMNS, PERSONS_COLUMNS, RowSink, findings_rows,
    months_of, persons_row,
};
use crate::columns::REJECTED_COLUMNS;
use crate::ingest::Batch;
use crate::lang::Lang;
use crate::mask::IdDisplay;
use crate::money::Money;
use crate::reconcile::{Code, PersonReport, Reconciliation};
use crate::records::Period;

/// One column's values, a row each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    Text(Vec<Option<String>>),
    /// Amounts in cents.
    Cents(Vec<Option<i64>>),
    Date(Vec<Option<NaiveDate>>),
    Count(Vec<Option<u64>>),
}

impl Column {
    /// The column a report's column of this name is: amounts, counts, dates or text.
    fn for_name(name: &str) -> Column {
        if AMOUNT_COLUMNS.contains(&name) {
            Column::Cents(Vec::new())
        } else if matches!(name, "errors" | "warnings" | "row") {
            Column::Count(Vec::new())
        } else if name == "credited_on" {
            Column::Date(Vec::new())
        } else {
            Column::Text(Vec::new())
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Cents(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Count(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a value of the column's type; a value of another type (never written by
    /// the row functions) appends its text to a text column, else null, so that rows stay
    /// aligned whatever happens.
    fn push(&mut self, value: Value<'_>) {
        match (self, value) {
            (Column::Text(v), Value::Text(t)) => v.push((!t.is_empty()).then(|| t.to_string())),
            (Column::Cents(v), Value::Money(m)) => v.push(m.map(Money::cents)),
            (Column::Date(v), Value::Date(d)) => v.push(d),
            (Column::Count(v), Value::Count(n)) => v.push(Some(n)),
            (Column::Text(v), other) => v.push(other.text()),
            (Column::Cents(v), _) => v.push(None),
            (Column::Date(v), _) => v.push(None),
            (Column::Count(v), _) => v.push(None),
        }
    }
}

/// A value handed to [`Column::push`].
enum Value<'a> {
    Text(&'a str),
    Money(Option<Money>),
    Date(Option<NaiveDate>),
    Count(u64),
}

impl Value<'_> {
    fn text(&self) -> Option<String> {
        match self {
            Value::Text(t) => (!t.is_empty()).then(|| t.to_string()),
            Value::Money(m) => m.map(|m| m.to_string()),
            Value::Date(d) => d.map(|d| d.to_string()),
            Value::Count(n) => Some(n.to_string()),
        }
    }
}

/// A report table as columns, in the CSV's column order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnTable {
    pub names: Vec<&'static str>,
    pub columns: Vec<Column>,
}

impl ColumnTable {
    fn new(names: &[&'static str]) -> ColumnTable {
        ColumnTable {
            names: names.to_vec(),
            columns: names.iter().map(|n| Column::for_name(n)).collect(),
        }
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }
}

/// Rows written field by field into a [`ColumnTable`].
struct Columns {
    table: ColumnTable,
    /// The next field's column.
    at: usize,
    id: String,
    name: String,
}

impl Columns {
    fn new(names: &[&'static str]) -> Columns {
        Columns {
            table: ColumnTable::new(names),
            at: 0,
            id: String::new(),
            name: String::new(),
        }
    }

    fn push(&mut self, value: Value<'_>) {
        if let Some(column) = self.table.columns.get_mut(self.at) {
            column.push(value);
        }
        self.at += 1;
    }

    /// Each person's rows, in person order.
    fn of_persons(
        names: &[&'static str],
        persons: &[PersonReport],
        rows: impl Fn(&mut Columns, &PersonReport),
    ) -> ColumnTable {
        let mut out = Columns::new(names);
        for p in persons {
            rows(&mut out, p);
        }
        out.table
    }
}

impl RowSink for Columns {
    fn person(&mut self, id: &str, name: &str) {
        self.id = id.to_string();
        self.name = name.to_string();
    }

    fn who(&mut self) {
        let (id, name) = (std::mem::take(&mut self.id), std::mem::take(&mut self.name));
        self.push(Value::Text(&id));
        self.push(Value::Text(&name));
        (self.id, self.name) = (id, name);
    }

    fn count(&mut self, n: usize) {
        self.push(Value::Count(n as u64));
    }

    fn text(&mut self, s: &str) {
        self.push(Value::Text(s));
    }

    fn money(&mut self, m: Option<Money>) {
        self.push(Value::Money(m));
    }

    fn period(&mut self, p: Option<Period>) {
        let text = p.map(|p| p.to_string()).unwrap_or_default();
        self.push(Value::Text(&text));
    }

    fn date(&mut self, d: Option<NaiveDate>) {
        self.push(Value::Date(d));
    }

    fn codes(&mut self, codes: &[Code]) {
        let joined: Vec<&str> = codes.iter().map(|c| c.name()).collect();
        self.push(Value::Text(&joined.join(";")));
    }

    fn end(&mut self) {
        // A row of fewer fields than columns (never written) is padded with nulls.
        while self.at < self.table.columns.len() {
            self.push(Value::Text(""));
        }
        self.at = 0;
    }
}

/// findings.csv as columns.
pub fn findings_table(run: &Reconciliation, ids: IdDisplay) -> ColumnTable {
    Columns::of_persons(&FINDINGS_COLUMNS, &run.persons, |out, p| {
        findings_rows(out, p, ids)
    })
}

/// months.csv as columns (the run must have kept its month rows).
pub fn months_table(run: &Reconciliation, ids: IdDisplay) -> ColumnTable {
    Columns::of_persons(&MONTHS_COLUMNS, &run.persons, |out, p| {
        months_of(out, p, ids)
    })
}

/// persons.csv as columns.
pub fn persons_table(run: &Reconciliation, ids: IdDisplay) -> ColumnTable {
    Columns::of_persons(&PERSONS_COLUMNS, &run.persons, |out, p| {
        persons_row(out, p, ids)
    })
}

/// rejected.csv as columns: file, sheet, row, column, value, reason.
pub fn rejected_table(batch: &Batch, ids: IdDisplay, lang: Lang) -> ColumnTable {
    let mut out = Columns::new(&REJECTED_COLUMNS);
    for r in &batch.rejected {
        let s = batch.source(r.origin);
        out.text(&ids.text(&s.path));
        out.text(&ids.text(s.sheet.as_deref().unwrap_or("")));
        out.count(r.origin.row as usize);
        out.text(&ids.text(&r.column));
        out.text(&ids.text(&r.value));
        out.text(&ids.text(&r.reason.message(lang)));
        out.end();
    }
    out.table
}
