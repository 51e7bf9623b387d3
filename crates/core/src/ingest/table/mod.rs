//! From a grid of cells to typed records: find the header row, tell what the table holds,
//! and turn every row after it into a record, a rejection, or a skip.
//!
//! Text files and workbook sheets both come here as rows of [`Cell`]s through the [`Row`]
//! trait, so that one set of rules decides for both.
//!
//! The stages, each a module: `header` finds the header row and maps its columns,
//! `memo` remembers recent values of a column, `rows` turns one row into a record, a
//! rejection or a skip, and `reader` drives them over a table.

mod header;
pub use header::{OTHER_SCHEME_TABLE, TWO_IDENTITIES};
mod memo;
mod reader;
mod rows;
pub mod suggest;
pub(crate) use rows::is_total_label;

use std::sync::Arc;

use serde::Serialize;

use crate::aliases::Field;
use crate::ingest::layouts::identity::Identity;
use crate::ingest::layouts::rules::{LayoutRule, LayoutRules};
use crate::lang::Lang;
use crate::records::{Contribution, Direction, Kind, Origin, RosterEntry, StatementEntry, Text};
use crate::values::{Cell, ValueError};

pub use header::{
    ColumnMap, Detection, HEADER_SCAN_ROWS, IgnoredColumn, Inferred, Layout, detect, unread,
};
pub use reader::{StackedTable, TableReader, next_table_options, read_table, read_tables};

/// One row of a table, whatever it was read from.
pub trait Row {
    fn width(&self) -> usize;
    fn cell(&self, i: usize) -> Cell<'_>;

    /// The cell's bytes as stored, when the source has them (delimited text). Lets a
    /// repeated cell be recognised without decoding it.
    fn raw(&self, _i: usize) -> Option<&[u8]> {
        None
    }

    /// All the row's cells' bytes together, when the source has them (delimited text):
    /// a row shorter than the longest cell allowed needs no cell measured.
    fn bytes_len(&self) -> Option<usize> {
        None
    }

    /// The cell's length in bytes (0 for numbers and dates).
    fn cell_len(&self, i: usize) -> usize {
        match self.raw(i) {
            Some(raw) => raw.len(),
            None => match self.cell(i) {
                Cell::Text(t) => t.len(),
                _ => 0,
            },
        }
    }

    fn is_blank(&self) -> bool {
        (0..self.width()).all(|i| self.cell(i).is_blank())
    }
}

/// Why a row was skipped rather than read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SkipKind {
    /// A row above the header (a title, a note, a date line).
    Title,
    /// The header row, or a header repeated further down (paged exports).
    Header,
    Blank,
    /// 合计/总计/小计.
    Total,
    /// A remark below or between the data (注：…, 制表人：…) with no data in it.
    Note,
    /// 冲销标志 marks the row reversed.
    Reversed,
    /// A long-format row that is neither the 个人 nor the 单位 side (滞纳金, 利息).
    NoSide,
    /// A long-format row of an insurance other than medical.
    OtherInsurance,
    /// The same person, period and type in an earlier source (SPEC 2.1 overlapping
    /// sources): counted there, not summed.
    SamePeriod,
}

impl SkipKind {
    pub const ALL: [SkipKind; 9] = [
        SkipKind::Title,
        SkipKind::Header,
        SkipKind::Blank,
        SkipKind::Total,
        SkipKind::Note,
        SkipKind::Reversed,
        SkipKind::NoSide,
        SkipKind::OtherInsurance,
        SkipKind::SamePeriod,
    ];

    /// The reason as summary.json's `rows_skipped_by_reason` and `check` name it.
    pub fn reason(self) -> &'static str {
        match self {
            SkipKind::Title => "title",
            SkipKind::Header => "header",
            SkipKind::Blank => "blank",
            SkipKind::Total => "total",
            SkipKind::Note => "note",
            SkipKind::Reversed => "reversed",
            SkipKind::NoSide => "no side",
            SkipKind::OtherInsurance => "other insurance",
            SkipKind::SamePeriod => "same period in an earlier file",
        }
    }
}

/// Why a row was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A cell that cannot be read as its field's value.
    Value(ValueError),
    /// A required cell is empty.
    Missing(Field),
    /// A statement row with neither an amount nor income or expense.
    NoAmount,
    /// A cell longer than [`MAX_CELL_BYTES`]: no value of a field is that long.
    CellTooLong(usize),
    /// A quoted cell that opens on row `from` and would run to row `to`, swallowing the
    /// rows between: only its own row is rejected, the rows it spans are read on their own.
    UnbalancedQuote { from: u32, to: u32 },
    /// A cell of a back-payment group (`医疗…补差`) that cannot be read: that part is not
    /// read; the row itself is accepted (SPEC 2.7), so this names a cell, not a row.
    BackPayPart(ValueError),
}

impl Rejection {
    /// Whether this rejects a whole row (it counts in `rows_rejected`), not only a part of
    /// an accepted row.
    pub fn is_row(&self) -> bool {
        !matches!(self.reason, Reason::BackPayPart(_))
    }
}

/// The longest cell read as a field's value; longer ones reject the row, so a 100 MB
/// cell neither fills memory nor reaches a report.
pub const MAX_CELL_BYTES: usize = 64 * 1024;

impl Reason {
    pub fn code(&self) -> String {
        match self {
            Reason::Value(e) => e.code().to_string(),
            Reason::Missing(f) => format!("missing_{}", f.name()),
            Reason::NoAmount => "no_amount".to_string(),
            Reason::CellTooLong(_) => "cell_too_long".to_string(),
            Reason::UnbalancedQuote { .. } => "unbalanced_quote".to_string(),
            Reason::BackPayPart(e) => format!("back_payment_part_{}", e.code()),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            Reason::Value(e) => e.message(lang),
            Reason::Missing(f) => match lang {
                Lang::Zh => format!("必填列为空({})", f.name()),
                Lang::En => format!("required {} is empty", f.name()),
            },
            Reason::NoAmount => lang
                .pick(
                    "没有金额(发生金额/收入/支出均为空)",
                    "no amount, income or expense",
                )
                .to_string(),
            Reason::UnbalancedQuote { from, to } => match lang {
                Lang::Zh => format!(
                    "引号不成对:第 {from} 行的引号会一直延续到第 {to} 行,本行不读;其后各行照常读取"
                ),
                Lang::En => format!(
                    "unbalanced quote: the quoted cell opened on row {from} would run to row {to}; this row is rejected, the rows after it are read on their own"
                ),
            },
            Reason::BackPayPart(e) => match lang {
                Lang::Zh => format!(
                    "补差/补缴部分未读取:{};本行自身所属期已读取",
                    e.message(lang)
                ),
                Lang::En => format!(
                    "back-payment part not read: {}; the row's own month was read",
                    e.message(lang)
                ),
            },
            Reason::CellTooLong(n) => match lang {
                Lang::Zh => format!("单元格过长({n} 字节,上限 {MAX_CELL_BYTES})"),
                Lang::En => format!("cell too long ({n} bytes, at most {MAX_CELL_BYTES})"),
            },
        }
    }
}

/// A row that could not be read, with the cell that stopped it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub origin: Origin,
    /// The column's header as written in the file.
    pub column: String,
    pub value: String,
    pub reason: Reason,
}

/// Rows counted by outcome; `read = accepted + rejected + skipped` always.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RowCounts {
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub skipped_title: u64,
    pub skipped_header: u64,
    pub skipped_blank: u64,
    pub skipped_total: u64,
    pub skipped_note: u64,
    pub skipped_reversed: u64,
    pub skipped_no_side: u64,
    pub skipped_other_insurance: u64,
    pub skipped_same_period: u64,
}

impl RowCounts {
    fn skip(&mut self, kind: SkipKind) {
        self.read += 1;
        self.skipped += 1;
        *self.skipped_slot(kind) += 1;
    }

    /// A row counted as accepted turns out to be skipped for `kind` (a later file's copy of
    /// an earlier file's row).
    pub fn skip_accepted(&mut self, kind: SkipKind) {
        self.accepted -= 1;
        self.skipped += 1;
        *self.skipped_slot(kind) += 1;
    }

    /// Takes back a row counted as skipped for `kind` (a header repeated for each part of
    /// a table read in parts, which the whole table has once).
    pub fn unskip(&mut self, kind: SkipKind) {
        let slot = self.skipped_slot(kind);
        if *slot > 0 {
            *slot -= 1;
            self.read -= 1;
            self.skipped -= 1;
        }
    }

    /// The count of rows skipped for `kind`.
    fn skipped_slot(&mut self, kind: SkipKind) -> &mut u64 {
        match kind {
            SkipKind::Title => &mut self.skipped_title,
            SkipKind::Header => &mut self.skipped_header,
            SkipKind::Blank => &mut self.skipped_blank,
            SkipKind::Total => &mut self.skipped_total,
            SkipKind::Note => &mut self.skipped_note,
            SkipKind::Reversed => &mut self.skipped_reversed,
            SkipKind::NoSide => &mut self.skipped_no_side,
            SkipKind::OtherInsurance => &mut self.skipped_other_insurance,
            SkipKind::SamePeriod => &mut self.skipped_same_period,
        }
    }

    /// Skipped rows by reason, the reasons with none left out.
    pub fn skipped_by_reason(&self) -> std::collections::BTreeMap<&'static str, u64> {
        let mut counts = self.clone();
        SkipKind::ALL
            .iter()
            .map(|&k| (k.reason(), *counts.skipped_slot(k)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    pub fn add(&mut self, other: &RowCounts) {
        self.read += other.read;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.skipped += other.skipped;
        self.skipped_title += other.skipped_title;
        self.skipped_header += other.skipped_header;
        self.skipped_blank += other.skipped_blank;
        self.skipped_total += other.skipped_total;
        self.skipped_note += other.skipped_note;
        self.skipped_reversed += other.skipped_reversed;
        self.skipped_no_side += other.skipped_no_side;
        self.skipped_other_insurance += other.skipped_other_insurance;
        self.skipped_same_period += other.skipped_same_period;
    }
}

/// Everything read from one table. Origins carry source 0 until the run numbers sources.
#[derive(Debug, Default)]
pub struct TableOutput {
    pub counts: RowCounts,
    pub contributions: Vec<Contribution>,
    pub entries: Vec<StatementEntry>,
    pub roster: Vec<RosterEntry>,
    pub rejected: Vec<Rejection>,
    /// Rows whose 18-digit ID number fails its check digit (accepted, warned about).
    pub bad_check_digit_rows: Vec<u32>,
    /// Rows whose own ID differs from the one above the header or on the command line.
    pub other_person_rows: Vec<u32>,
    /// Rows of a contribution type the national list does not schedule (kept as `other`).
    pub other_type_rows: Vec<u32>,
    /// Normal medical rows of one person and period read one under another: summed
    /// (SPEC 2.7 "several normal rows"), named in a warning.
    pub several_rows: Vec<u32>,
    /// Those of them whose bases differ: the largest base is kept, not their sum.
    pub several_bases_rows: Vec<u32>,
    /// The last normal medical row read: to tell the next one of the same person and
    /// period.
    last_normal: Option<LastNormal>,
    /// Invalid byte sequences in a text file read as UTF-8 (their cells read as GBK).
    pub damaged_spots: u64,
    /// Directions of `entries`, for a file whose amounts turn out to be unsigned.
    directions: Vec<Direction>,
    /// The row (1-based) where a header that differs from this table's starts a table of
    /// its own; rows from it on are not this table's.
    pub new_table_at: Option<u32>,
    /// Sides of `contributions` in a long-format sheet (empty otherwise), to combine them.
    sides: Vec<crate::ingest::layouts::long::Side>,
    /// Outflow rows (spending, clearing…) written with a minus sign, and without one: a
    /// statement whose outflows are mostly negative writes its signs itself.
    outflows_signed: u64,
    outflows_unsigned: u64,
    /// The first rows of a contributions table without an insurance column, to tell one
    /// that evidently holds several insurances (see [`TableOutput::mixes_insurances`]).
    sample: Vec<SampleRow>,
    /// Set at the end of a table whose rows repeat person and month with other amounts
    /// nearly everywhere: several insurances in one table, rows not said apart.
    pub mixes_insurances: bool,
    /// A starting layout rule for this table (`check --suggest-layout`).
    pub suggestion: Option<suggest::Suggestion>,
    /// Some row names a person number (个人编号 beside or instead of an ID).
    pub person_numbers: bool,
    /// How many rejections this read lists ([`TableOptions::listed_rejections`]).
    pub(super) listed_at_most: ListedAtMost,
    /// Rejections counted but not listed, past that limit.
    pub unlisted: u64,
}

/// How many rejections a read lists in full; past it they are only counted (the page's
/// bound, SPEC 2.7). No limit unless set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListedAtMost(pub usize);

impl Default for ListedAtMost {
    fn default() -> Self {
        ListedAtMost(usize::MAX)
    }
}

/// The last normal medical contribution row read (see [`TableOutput::several_rows`]).
#[derive(Clone, Debug)]
struct LastNormal {
    /// The row's `Who`, by address: consecutive rows of one person share one.
    person: usize,
    period: crate::records::Period,
    base: Option<crate::money::Money>,
    row: u32,
}

/// One row of [`TableOutput::sample`]: who, which month, which type, what the employee
/// paid.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SampleRow {
    person: Text,
    period: crate::records::Period,
    normal: bool,
    employee: Option<crate::money::Money>,
}

/// How a table is to be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableOptions {
    /// Read as this kind whatever the header suggests (`--contributions` and friends).
    pub forced: Option<Kind>,
    /// Keep the records; `check` only counts and rejects, and leaves them.
    pub keep_records: bool,
    /// The person the rows are about where they do not say (`--person`, `--name`).
    pub person: Option<Arc<Identity>>,
    /// The sheet's and the file's names, where a sheet without a period column may name
    /// its month (SPEC 2.1).
    pub sheet_name: Option<String>,
    pub file_name: Option<String>,
    /// The layout rules given for the run (`--layout`): the first that matches the file
    /// or sheet applies (SPEC 2.6).
    pub layout: Option<Arc<LayoutRules>>,
    /// Make a starting layout rule for a table skipped or with unread columns
    /// (`check --suggest-layout`).
    pub suggest: bool,
    /// How many rejections to list in full; the rest are counted.
    pub listed_rejections: ListedAtMost,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            forced: None,
            keep_records: true,
            person: None,
            sheet_name: None,
            file_name: None,
            layout: None,
            suggest: false,
            listed_rejections: ListedAtMost::default(),
        }
    }
}

impl TableOptions {
    /// The layout rule for this table's file and sheet, if one matches.
    pub fn rule(&self) -> Option<&LayoutRule> {
        self.layout
            .as_deref()?
            .rule_for(self.file_name.as_deref(), self.sheet_name.as_deref())
    }
}

#[cfg(test)]
pub(crate) mod test_rows {
    use super::Row;
    use crate::values::Cell;
    use std::borrow::Cow;

    pub struct TextRow(Vec<&'static str>);
    impl Row for TextRow {
        fn width(&self) -> usize {
            self.0.len()
        }
        fn cell(&self, i: usize) -> Cell<'_> {
            match self.0.get(i) {
                Some(s) if !s.is_empty() => Cell::Text(Cow::Borrowed(s)),
                _ => Cell::Empty,
            }
        }
    }

    pub fn rows(grid: &[&[&'static str]]) -> Vec<(u32, TextRow)> {
        grid.iter()
            .enumerate()
            .map(|(i, r)| (i as u32 + 1, TextRow(r.to_vec())))
            .collect()
    }

    pub fn strings(grid: &[&[&str]]) -> Vec<Vec<String>> {
        grid.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }
}
