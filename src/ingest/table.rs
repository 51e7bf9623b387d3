//! From a grid of cells to typed records: find the header row, tell what the table holds,
//! and turn every row after it into a record, a rejection, or a skip.
//!
//! Text files and workbook sheets both come here as rows of [`Cell`]s through the [`Row`]
//! trait, so that one set of rules decides for both.

use std::sync::Arc;

use serde::Serialize;

use crate::aliases::{self, Field, normalize_header};
use crate::lang::Lang;
use crate::money::Money;
use crate::records::{
    AccountStatus, Category, Contribution, ContributionType, Direction, EntryKind, Insurance, Kind,
    Origin, PaymentStatus, RosterEntry, StatementEntry, Text, Who,
};
use crate::values::{self, Cell, ValueError, ValueResult};

/// How many rows from the top may hold titles, notes and blanks before the header.
pub const HEADER_SCAN_ROWS: usize = 30;

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
    /// The same row was already read from another file ("file [sheet] row N").
    DuplicateOf(String),
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
            Reason::DuplicateOf(_) => "duplicate_row".to_string(),
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
            Reason::DuplicateOf(first) => match lang {
                Lang::Zh => format!("与 {first} 完全相同(同一行读了两次?),不重复计入"),
                Lang::En => format!("the same row as {first} (read twice?); not counted again"),
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

/// Which column holds which field, for one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMap {
    cols: [Option<usize>; Field::COUNT],
    /// A second person-identifier column (个人编号 beside 身份证号).
    person_number: Option<usize>,
    /// The header text of every column, as written.
    names: Vec<String>,
    /// Columns whose header named a field another column already held.
    pub duplicates: Vec<String>,
    /// Some column's name came from a group label in the row above: the header is two rows.
    two_rows: bool,
}

/// Group labels over a header row, merged cells spread over the columns they span (calamine
/// gives a merged cell's value in its first column only). A row with a single label is a
/// title, not groups.
fn group_labels(above: &[String]) -> Vec<String> {
    if above.iter().filter(|t| !t.trim().is_empty()).count() < 2 {
        return Vec::new();
    }
    let mut current = String::new();
    above
        .iter()
        .map(|t| {
            if !t.trim().is_empty() {
                current = t.trim().to_string();
            }
            current.clone()
        })
        .collect()
}

/// Column groups that belong to another insurance than medical: their 个人/单位 columns
/// are not the medical contributions.
const OTHER_INSURANCE: [&str; 6] = ["养老", "失业", "工伤", "生育", "公积金", "大额"];

impl ColumnMap {
    /// Maps a header row. `above` is the row over it: when that row labels groups of
    /// columns (a merged 医疗保险 over 个人 and 单位), a column is also tried under the name
    /// `医疗保险(个人)`, and columns under another insurance (养老保险…) are left out.
    fn from_header(raw: &[String], above: Option<&[String]>) -> ColumnMap {
        let mut cols = [None; Field::COUNT];
        let mut ranks = [usize::MAX; Field::COUNT];
        let mut person_number = None;
        let mut payment_month = None;
        let mut duplicates = Vec::new();
        let mut names = raw.to_vec();
        let mut two_rows = false;
        let groups = above.map(group_labels).unwrap_or_default();
        for (c, text) in raw.iter().enumerate() {
            let mut n = normalize_header(text);
            if n.is_empty() {
                // A cell merged down from the row above (姓名 over two header rows).
                match above.and_then(|a| a.get(c)).filter(|_| !groups.is_empty()) {
                    Some(up) if aliases::lookup(&normalize_header(up)).is_some() => {
                        n = normalize_header(up);
                        names[c] = up.trim().to_string();
                        two_rows = true;
                    }
                    _ => continue,
                }
            } else if let Some(group) = groups.get(c).filter(|g| !g.is_empty()) {
                if OTHER_INSURANCE.iter().any(|w| group.contains(w)) {
                    continue;
                }
                if aliases::lookup(&n).is_none() {
                    let combined = normalize_header(&format!("{group}({text})"));
                    if aliases::lookup(&combined).is_some() {
                        n = combined;
                        names[c] = format!("{}({})", group.trim(), text.trim());
                        two_rows = true;
                    }
                }
            }
            if aliases::is_payment_month(&n) {
                payment_month.get_or_insert(c);
                continue;
            }
            let Some((field, rank)) = aliases::lookup(&n) else {
                continue;
            };
            let i = field.index();
            match cols[i] {
                None => {
                    cols[i] = Some(c);
                    ranks[i] = rank;
                }
                Some(prev) if rank < ranks[i] => {
                    if field == Field::PersonId {
                        person_number.get_or_insert(prev);
                    } else {
                        duplicates.push(names[prev].clone());
                    }
                    cols[i] = Some(c);
                    ranks[i] = rank;
                }
                Some(_) => {
                    if field == Field::PersonId && rank > ranks[i] {
                        person_number.get_or_insert(c);
                    } else {
                        duplicates.push(names[c].clone());
                    }
                }
            }
        }
        // SPEC: 缴费年月 is the period on its own, the payment month beside another period.
        if let Some(c) = payment_month {
            let (p, d) = (Field::Period.index(), Field::PaidDate.index());
            if cols[p].is_none() {
                cols[p] = Some(c);
            } else if cols[d].is_none() {
                cols[d] = Some(c);
            }
        }
        ColumnMap {
            cols,
            person_number,
            names,
            duplicates,
            two_rows,
        }
    }

    pub fn column(&self, field: Field) -> Option<usize> {
        self.cols[field.index()]
    }

    fn has(&self, field: Field) -> bool {
        self.column(field).is_some()
    }

    fn has_any(&self, fields: &[Field]) -> bool {
        fields.iter().any(|f| self.has(*f))
    }

    /// The header text of a column, as written.
    pub fn header(&self, col: usize) -> &str {
        self.names.get(col).map(String::as_str).unwrap_or("")
    }

    /// Adapts the map to the kind: in a statement 共济人员 is the relative a debit served.
    fn for_kind(mut self, kind: Kind) -> ColumnMap {
        if kind == Kind::Statement && !self.has(Field::Beneficiary) {
            let (b, f) = (Field::Beneficiary.index(), Field::Family.index());
            self.cols[b] = self.cols[f].take();
        }
        self
    }

    /// The fields recognised, by their header text, for messages.
    fn recognised(&self) -> Vec<String> {
        let mut cols: Vec<usize> = self.cols.iter().flatten().copied().collect();
        cols.sort_unstable();
        cols.into_iter()
            .map(|c| self.names[c].trim().to_string())
            .collect()
    }
}

const CONTRIBUTION_SIGNS: &[Field] = &[
    Field::Base,
    Field::EmployeeAmount,
    Field::EmployerAmount,
    Field::Status,
    Field::ContributionType,
    Field::PaidDate,
    Field::Insurance,
    Field::Tier,
];
const STATEMENT_AMOUNTS: &[Field] = &[Field::Amount, Field::Income, Field::Expense];
const ROSTER_SIGNS: &[Field] = &[
    Field::BirthDate,
    Field::Category,
    Field::RetiredFrom,
    Field::AccountStatus,
    Field::StatusFrom,
    Field::StatusTo,
    Field::Family,
];

fn relevant(kind: Kind) -> &'static [Field] {
    use Field::*;
    match kind {
        Kind::Contributions => &[
            PersonId,
            Name,
            Period,
            Base,
            EmployeeAmount,
            EmployerAmount,
            Status,
            ContributionType,
            PaidDate,
            Insurance,
            Tier,
            Category,
            BirthDate,
            Employer,
        ],
        Kind::Statement => &[
            PersonId,
            Name,
            Date,
            EntryKind,
            Amount,
            Income,
            Expense,
            Balance,
            Period,
            Beneficiary,
            Institution,
            Family,
        ],
        Kind::Roster => &[
            PersonId,
            Name,
            BirthDate,
            Category,
            RetiredFrom,
            AccountStatus,
            StatusFrom,
            StatusTo,
            Family,
        ],
    }
}

/// What is missing for `map` to be a table of `kind`; empty when it is one.
fn missing_for(kind: Kind, map: &ColumnMap) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !map.has(Field::PersonId) {
        missing.push("person_id (身份证号/个人编号…)");
    }
    match kind {
        Kind::Contributions => {
            if !map.has(Field::Period) {
                missing.push("period (费款所属期…)");
            }
            if !map.has_any(CONTRIBUTION_SIGNS) {
                missing.push("base, amounts or status (缴费基数/个人缴费/缴费状态…)");
            }
        }
        Kind::Statement => {
            if !map.has(Field::Date) {
                missing.push("date (交易时间…)");
            }
            if !map.has_any(STATEMENT_AMOUNTS) {
                missing.push("amount, or income/expense (发生金额/收入/支出…)");
            }
        }
        Kind::Roster => {
            if !map.has_any(ROSTER_SIGNS) {
                missing.push("a roster column (出生日期/人员类别/退休时间/账户状态/共济人员…)");
            }
            if map.has(Field::Period) || map.has(Field::Date) {
                missing.push("no period or date column (a roster has neither)");
            }
        }
    }
    missing
}

/// How a table is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableOptions {
    /// Read as this kind whatever the header suggests (`--contributions` and friends).
    pub forced: Option<Kind>,
    /// Keep the records; `check` only counts and rejects, and leaves them.
    pub keep_records: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            forced: None,
            keep_records: true,
        }
    }
}

/// Where the header is and what the table holds.
#[derive(Clone, Debug)]
pub struct Layout {
    pub kind: Kind,
    /// 0-based index of the header row among the rows read.
    pub header_row: usize,
    pub map: ColumnMap,
}

/// The outcome of looking for a header.
#[derive(Clone, Debug)]
pub enum Detection {
    Found(Box<Layout>),
    /// Nothing looked like a header of any kind: the table is skipped, not an error.
    NoKind {
        recognised: Vec<String>,
    },
    /// The kind was forced, and no row has its required columns.
    Missing {
        kind: Kind,
        missing: String,
    },
}

/// Looks for the header among the first rows (raw texts of their cells).
pub fn detect(rows: &[Vec<String>], forced: Option<Kind>) -> Detection {
    let kinds: &[Kind] = match forced {
        Some(ref k) => std::slice::from_ref(k),
        None => &Kind::ALL,
    };
    let mut best: Option<(usize, usize, Kind)> = None; // (score, row, kind)
    let mut richest: Option<ColumnMap> = None;
    for (r, row) in rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        let above = r.checked_sub(1).map(|a| rows[a].as_slice());
        let map = ColumnMap::from_header(row, above);
        for &kind in kinds {
            let map = map.clone().for_kind(kind);
            if !missing_for(kind, &map).is_empty() {
                continue;
            }
            let score = relevant(kind).iter().filter(|f| map.has(**f)).count();
            // Higher score wins; on a tie the earlier row, then the kind listed first.
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, r, kind));
            }
        }
        let count = map.cols.iter().flatten().count();
        if richest
            .as_ref()
            .is_none_or(|m| m.cols.iter().flatten().count() < count)
        {
            richest = Some(map);
        }
    }
    if let Some((_, r, kind)) = best {
        return Detection::Found(Box::new(Layout {
            kind,
            header_row: r,
            map: ColumnMap::from_header(&rows[r], r.checked_sub(1).map(|a| rows[a].as_slice()))
                .for_kind(kind),
        }));
    }
    let richest = richest.unwrap_or_else(|| ColumnMap::from_header(&[], None));
    match forced {
        Some(kind) => Detection::Missing {
            kind,
            missing: missing_for(kind, &richest.clone().for_kind(kind)).join(", "),
        },
        None => Detection::NoKind {
            recognised: richest.recognised(),
        },
    }
}

/// Rows counted by outcome; `read = accepted + rejected + skipped` always.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
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
}

impl RowCounts {
    fn skip(&mut self, kind: SkipKind) {
        self.read += 1;
        self.skipped += 1;
        *match kind {
            SkipKind::Title => &mut self.skipped_title,
            SkipKind::Header => &mut self.skipped_header,
            SkipKind::Blank => &mut self.skipped_blank,
            SkipKind::Total => &mut self.skipped_total,
            SkipKind::Note => &mut self.skipped_note,
        } += 1;
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
    /// Directions of `entries`, for a file whose amounts turn out to be unsigned.
    directions: Vec<Direction>,
    any_negative_amount: bool,
}

const TOTAL_WORDS: [&str; 4] = ["合计", "总计", "小计", "total"];
const NOTE_MARKS: [&str; 10] = [
    "注",
    "说明",
    "备注",
    "制表",
    "打印",
    "审核",
    "经办人",
    "数据来源",
    "导出",
    "note",
];

/// 合计, 本页小计, 总计：12人, Total — a short cell naming a total.
fn is_total_label(text: &str) -> bool {
    let n = normalize_header(text);
    n.chars().count() <= 12 && TOTAL_WORDS.iter().any(|w| n.contains(w))
}

fn starts_with_any(text: &str, words: &[&str]) -> bool {
    let n = normalize_header(text);
    words.iter().any(|w| n.starts_with(w))
}

/// The last few values parsed in a column. Consecutive rows of one person repeat the same
/// ID, name, status and employer, and a statement's kinds alternate among a handful
/// (101, 门诊消费…): most cells are parsed once per run, and equal texts share one
/// allocation instead of one per row.
struct Memo<T> {
    /// (cell bytes, value), most recent first.
    recent: Vec<(Vec<u8>, T)>,
}

/// Enough for the kinds a statement alternates among; few enough to search on every row.
const MEMO_SIZE: usize = 4;

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo { recent: Vec::new() }
    }
}

impl<T: Clone> Memo<T> {
    /// The value of column `col` of `row`, parsed by `parse` unless the cell's text is one
    /// seen lately.
    fn get<R: Row + ?Sized>(&mut self, row: &R, col: usize, parse: impl FnOnce(&Cell) -> T) -> T {
        if let Some(raw) = row.raw(col) {
            if let Some(v) = self.find(raw) {
                return v;
            }
            let v = parse(&row.cell(col));
            self.remember(raw, &v);
            return v;
        }
        let cell = row.cell(col);
        // Only text is remembered: a number and a text may print alike yet read apart.
        let Cell::Text(t) = &cell else {
            return parse(&cell);
        };
        if let Some(v) = self.find(t.as_bytes()) {
            return v;
        }
        let v = parse(&cell);
        self.remember(t.as_bytes(), &v);
        v
    }

    fn find(&mut self, key: &[u8]) -> Option<T> {
        let i = self.recent.iter().position(|(k, _)| same_bytes(k, key))?;
        // Moved to the front: the next row most likely repeats it.
        if i > 0 {
            self.recent[..=i].rotate_right(1);
        }
        Some(self.recent[0].1.clone())
    }

    fn remember(&mut self, key: &[u8], v: &T) {
        if self.recent.len() < MEMO_SIZE {
            self.recent.insert(0, (key.to_vec(), v.clone()));
            return;
        }
        // The oldest entry's buffer is reused for the newest.
        self.recent.rotate_right(1);
        let (k, old) = &mut self.recent[0];
        k.clear();
        k.extend_from_slice(key);
        *old = v.clone();
    }
}

/// `a == b` for the short cells memos hold (IDs, names, codes) without a call to
/// `memcmp`, which was the most time of any one function in reading a table: the first
/// and last eight bytes are compared as two words, the middle of a longer cell as bytes.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word =
        |s: &[u8], at: usize| u64::from_ne_bytes(s[at..at + 8].try_into().unwrap_or_default());
    word(a, 0) == word(b, 0)
        && word(a, n - 8) == word(b, n - 8)
        && (n <= 16 || a[8..n - 8].iter().zip(&b[8..n - 8]).all(|(x, y)| x == y))
}

/// One memo per coded or free-text column of a table.
struct Memos {
    person: Memo<ValueResult<(Text, bool)>>,
    person_number: Memo<Option<Text>>,
    text: [Memo<Option<Text>>; Field::COUNT],
    status: Memo<ValueResult<PaymentStatus>>,
    contribution_type: Memo<ValueResult<ContributionType>>,
    insurance: Memo<ValueResult<Insurance>>,
    category: Memo<ValueResult<Category>>,
    account_status: Memo<ValueResult<AccountStatus>>,
    entry_kind: Memo<(EntryKind, Direction)>,
    who: Arc<Who>,
}

impl Memos {
    /// The row's `Who`: the previous row's when it names the same person the same way.
    fn who(&mut self, id: Option<&Text>, number: Option<Text>, name: Option<Text>) -> Arc<Who> {
        let same = |w: &Who| {
            id.is_none_or(|id| *id == w.person_id) && w.person_number == number && w.name == name
        };
        if !same(&self.who) {
            self.who = Arc::new(Who {
                person_id: id.cloned().unwrap_or_default(),
                person_number: number,
                name,
            });
        }
        Arc::clone(&self.who)
    }
}

impl Default for Memos {
    fn default() -> Self {
        Memos {
            person: Memo::default(),
            person_number: Memo::default(),
            text: std::array::from_fn(|_| Memo::default()),
            status: Memo::default(),
            contribution_type: Memo::default(),
            insurance: Memo::default(),
            category: Memo::default(),
            account_status: Memo::default(),
            entry_kind: Memo::default(),
            who: Arc::default(),
        }
    }
}

fn person(cell: &Cell) -> ValueResult<(Text, bool)> {
    values::person_key(cell).map(|k| k.map(|k| (Text::from(k.id), k.bad_check_digit)))
}

fn shared_text(cell: &Cell) -> Option<Text> {
    values::text(cell).map(Text::from)
}

/// Reads one row's cells, remembering the leftmost bad one so the message points at it.
struct RowCheck<'a, R: ?Sized> {
    map: &'a ColumnMap,
    row: &'a R,
    memos: &'a mut Memos,
    first: Option<(usize, String, Reason)>,
}

impl<R: Row + ?Sized> RowCheck<'_, R> {
    fn fail(&mut self, col: usize, value: String, reason: Reason) {
        if self.first.as_ref().is_none_or(|(c, _, _)| col < *c) {
            self.first = Some((col, value, reason));
        }
    }

    fn has(&self, field: Field) -> bool {
        self.map.has(field)
    }

    fn settle<T>(&mut self, col: usize, result: ValueResult<T>) -> Option<T> {
        match result {
            Ok(v) => v,
            Err(e) => {
                let value = self.row.cell(col).to_text().into_owned();
                self.fail(col, value, Reason::Value(e));
                None
            }
        }
    }

    /// A value parsed afresh on every row (amounts, periods, dates).
    fn value<T>(&mut self, field: Field, parse: fn(&Cell) -> ValueResult<T>) -> Option<T> {
        let col = self.map.column(field)?;
        let result = parse(&self.row.cell(col));
        self.settle(col, result)
    }

    /// A coded value, remembered from the row above when the text is the same.
    fn coded<T: Clone>(
        &mut self,
        field: Field,
        memo: fn(&mut Memos) -> &mut Memo<ValueResult<T>>,
        parse: fn(&Cell) -> ValueResult<T>,
    ) -> Option<T> {
        let col = self.map.column(field)?;
        let result = memo(self.memos).get(self.row, col, parse);
        self.settle(col, result)
    }

    /// Marks a required field whose cell is empty.
    fn require<T>(&mut self, field: Field, v: Option<T>) -> Option<T> {
        if v.is_none()
            && let Some(col) = self.map.column(field)
            && self.row.cell(col).is_blank()
        {
            self.fail(col, String::new(), Reason::Missing(field));
        }
        v
    }

    fn text(&mut self, field: Field) -> Option<Text> {
        let col = self.map.column(field)?;
        self.memos.text[field.index()].get(self.row, col, shared_text)
    }
}

impl TableOutput {
    pub fn skip(&mut self, kind: SkipKind) {
        self.counts.skip(kind);
    }

    fn reject(
        &mut self,
        map: &ColumnMap,
        row_no: u32,
        (col, value, reason): (usize, String, Reason),
    ) {
        self.counts.read += 1;
        self.counts.rejected += 1;
        self.rejected.push(Rejection {
            origin: Origin {
                source: 0,
                row: row_no,
            },
            column: map.header(col).trim().to_string(),
            value,
            reason,
        });
    }

    /// Reads one row below the header.
    fn data_row<R: Row + ?Sized>(
        &mut self,
        layout: &Layout,
        memos: &mut Memos,
        keep: bool,
        row_no: u32,
        row: &R,
    ) {
        if let Some(skip) = skip_kind(layout, row) {
            self.skip(skip);
            return;
        }
        let map = &layout.map;
        let short = row.bytes_len().is_some_and(|n| n <= MAX_CELL_BYTES);
        let too_long = if short {
            None
        } else {
            map.cols
                .iter()
                .flatten()
                .chain(map.person_number.iter())
                .copied()
                .find(|&c| row.cell_len(c) > MAX_CELL_BYTES)
        };
        if let Some(col) = too_long {
            let text = row.cell(col).to_text().chars().take(40).collect::<String>() + "…";
            self.reject(
                map,
                row_no,
                (col, text, Reason::CellTooLong(row.cell_len(col))),
            );
            return;
        }
        let mut check = RowCheck {
            map,
            row,
            memos,
            first: None,
        };
        let origin = Origin {
            source: 0,
            row: row_no,
        };
        let key = check.coded(Field::PersonId, |m| &mut m.person, person);
        let key = check.require(Field::PersonId, key);
        let person_number = map.person_number.and_then(|c| {
            check.memos.person_number.get(row, c, |cell| {
                values::person_key(cell)
                    .ok()
                    .flatten()
                    .map(|k| Text::from(k.id))
            })
        });
        let name = check.text(Field::Name);
        let who = check
            .memos
            .who(key.as_ref().map(|(id, _)| id), person_number, name);
        let parsed = match layout.kind {
            Kind::Contributions => contribution(&mut check, origin, who).map(Parsed::Contribution),
            Kind::Statement => entry(&mut check, origin, who).map(|(e, dir)| Parsed::Entry(e, dir)),
            Kind::Roster => roster(&mut check, origin, who).map(Parsed::Roster),
        };
        if let Some(problem) = check.first.take() {
            self.reject(map, row_no, problem);
            return;
        }
        let (Some((_, bad_check_digit)), Some(parsed)) = (key, parsed) else {
            // Detection guarantees the required columns; a row that gets here anyway is
            // rejected rather than lost.
            let col = map.column(Field::PersonId).unwrap_or(0);
            self.reject(
                map,
                row_no,
                (col, String::new(), Reason::Missing(Field::PersonId)),
            );
            return;
        };
        if bad_check_digit {
            self.bad_check_digit_rows.push(row_no);
        }
        self.counts.read += 1;
        self.counts.accepted += 1;
        if !keep {
            return;
        }
        match parsed {
            Parsed::Contribution(c) => self.contributions.push(c),
            Parsed::Entry(e, dir) => {
                self.any_negative_amount |= e.amount.is_negative();
                self.entries.push(e);
                self.directions.push(dir);
            }
            Parsed::Roster(r) => self.roster.push(r),
        }
    }

    /// Appends a later part of the same table, its row numbers shifted by `offset`.
    fn absorb(&mut self, mut part: TableOutput, offset: u32) {
        let shift = |o: &mut Origin| o.row = o.row.saturating_add(offset);
        part.contributions
            .iter_mut()
            .for_each(|r| shift(&mut r.origin));
        part.entries.iter_mut().for_each(|r| shift(&mut r.origin));
        part.roster.iter_mut().for_each(|r| shift(&mut r.origin));
        part.rejected.iter_mut().for_each(|r| shift(&mut r.origin));
        part.bad_check_digit_rows
            .iter_mut()
            .for_each(|r| *r = r.saturating_add(offset));
        self.counts.add(&part.counts);
        self.contributions.append(&mut part.contributions);
        self.entries.append(&mut part.entries);
        self.roster.append(&mut part.roster);
        self.rejected.append(&mut part.rejected);
        self.bad_check_digit_rows
            .append(&mut part.bad_check_digit_rows);
        self.directions.append(&mut part.directions);
        self.any_negative_amount |= part.any_negative_amount;
    }

    /// Ends the table: a statement whose amounts were all unsigned takes each entry's sign
    /// from its kind (spending out, credits in).
    fn finish(mut self) -> TableOutput {
        if !self.any_negative_amount {
            for (e, dir) in self.entries.iter_mut().zip(&self.directions) {
                match dir {
                    Direction::In => e.amount = e.amount.abs(),
                    Direction::Out => e.amount = -e.amount.abs(),
                    Direction::AsWritten => {}
                }
            }
        }
        self.directions = Vec::new();
        self
    }
}

enum Parsed {
    Contribution(Contribution),
    Entry(StatementEntry, Direction),
    Roster(RosterEntry),
}

fn skip_kind<R: Row + ?Sized>(layout: &Layout, row: &R) -> Option<SkipKind> {
    let pid_col = layout.map.column(Field::PersonId);
    let pid_cell = pid_col.map(|c| row.cell(c)).unwrap_or(Cell::Empty);
    let pid_text = pid_cell.to_text();
    // Fast path for the million ordinary rows: an identifier starting with a digit is data.
    if pid_text
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let nonblank: Vec<usize> = (0..row.width())
        .filter(|&i| !row.cell(i).is_blank())
        .collect();
    let Some(&first) = nonblank.first() else {
        return Some(SkipKind::Blank);
    };
    let pid_is_id = values::person_key(&pid_cell).is_ok_and(|k| k.is_some());
    if !pid_is_id || is_total_label(&pid_text) {
        let total = nonblank
            .iter()
            .any(|&i| is_total_label(&row.cell(i).to_text()));
        if total {
            return Some(SkipKind::Total);
        }
    }
    if aliases::lookup(&normalize_header(&pid_text)).is_some_and(|(f, _)| f == Field::PersonId) {
        return Some(SkipKind::Header);
    }
    let required: &[Field] = match layout.kind {
        Kind::Contributions => &[Field::PersonId, Field::Period],
        Kind::Statement => &[Field::PersonId, Field::Date],
        Kind::Roster => &[Field::PersonId],
    };
    let required_blank = required
        .iter()
        .all(|f| layout.map.column(*f).is_none_or(|c| row.cell(c).is_blank()));
    if required_blank
        && (nonblank.len() == 1 || starts_with_any(&row.cell(first).to_text(), &NOTE_MARKS))
    {
        return Some(SkipKind::Note);
    }
    None
}

/// The first year a period of the employee medical insurance can have (the scheme began
/// in 1998; 1990 leaves room for pilots).
const FIRST_YEAR: i32 = 1990;

fn contribution_period(cell: &Cell) -> ValueResult<crate::records::Period> {
    match values::period(cell)? {
        Some(p) if p.year() < FIRST_YEAR => Err(ValueError::TooEarly),
        p => Ok(p),
    }
}

fn statement_date(cell: &Cell) -> ValueResult<chrono::NaiveDateTime> {
    use chrono::Datelike;
    match values::date_time(cell)? {
        Some(d) if d.year() < FIRST_YEAR => Err(ValueError::TooEarly),
        d => Ok(d),
    }
}

fn base(cell: &Cell) -> ValueResult<Money> {
    match values::money(cell)? {
        Some(b) if b.is_negative() => Err(ValueError::NegativeBase),
        b => Ok(b),
    }
}

fn contribution<R: Row + ?Sized>(
    check: &mut RowCheck<R>,
    origin: Origin,
    who: Arc<Who>,
) -> Option<Contribution> {
    let period = check.value(Field::Period, contribution_period);
    let period = check.require(Field::Period, period);
    Some(Contribution {
        origin,
        who,
        period: period?,
        base: check.value(Field::Base, base),
        employee_amount: check.value(Field::EmployeeAmount, values::money),
        employer_amount: check.value(Field::EmployerAmount, values::money),
        status: check
            .coded(Field::Status, |m| &mut m.status, values::payment_status)
            .unwrap_or(PaymentStatus::Paid),
        contribution_type: check
            .coded(
                Field::ContributionType,
                |m| &mut m.contribution_type,
                values::contribution_type,
            )
            .unwrap_or(ContributionType::Normal),
        paid_month: check.value(Field::PaidDate, values::period),
        insurance: check
            .coded(Field::Insurance, |m| &mut m.insurance, values::insurance)
            .unwrap_or(Insurance::Employee),
        tier: check.text(Field::Tier),
        category: check.coded(Field::Category, |m| &mut m.category, values::category),
        birth_date: check.value(Field::BirthDate, values::date),
        employer: check.text(Field::Employer),
    })
}

fn entry<R: Row + ?Sized>(
    check: &mut RowCheck<R>,
    origin: Origin,
    who: Arc<Who>,
) -> Option<(StatementEntry, Direction)> {
    let at = check.value(Field::Date, statement_date);
    let at = check.require(Field::Date, at);
    let amount = if check.has(Field::Amount) {
        check.value(Field::Amount, values::money)
    } else {
        let income = check.value(Field::Income, values::money);
        let expense = check.value(Field::Expense, values::money);
        match (income, expense) {
            (None, None) => None,
            (i, e) => Some(i.unwrap_or_default() - e.unwrap_or_default().abs()),
        }
    };
    let balance = check.value(Field::Balance, values::money);
    let period = check.value(Field::Period, values::period);
    let (kind, dir) = match check.map.column(Field::EntryKind) {
        Some(c) => check.memos.entry_kind.get(check.row, c, values::entry_kind),
        None => (EntryKind::Unclassified, Direction::AsWritten),
    };
    if amount.is_none() && check.first.is_none() {
        let col = STATEMENT_AMOUNTS
            .iter()
            .find_map(|f| check.map.column(*f))
            .unwrap_or(0);
        check.fail(col, String::new(), Reason::NoAmount);
    }
    // With separate income and expense columns the sign is written; keep it as it is.
    let dir = if check.has(Field::Amount) {
        dir
    } else {
        Direction::AsWritten
    };
    let e = StatementEntry {
        origin,
        who,
        at: at?,
        kind,
        kind_text: check.text(Field::EntryKind).unwrap_or_default(),
        amount: amount?,
        balance,
        period,
        beneficiary: check.text(Field::Beneficiary),
        institution: check.text(Field::Institution),
    };
    Some((e, dir))
}

fn roster<R: Row + ?Sized>(
    check: &mut RowCheck<R>,
    origin: Origin,
    who: Arc<Who>,
) -> Option<RosterEntry> {
    Some(RosterEntry {
        origin,
        who,
        birth_date: check.value(Field::BirthDate, values::date),
        category: check.coded(Field::Category, |m| &mut m.category, values::category),
        retired_from: check.value(Field::RetiredFrom, values::period),
        account_status: check.coded(
            Field::AccountStatus,
            |m| &mut m.account_status,
            values::account_status,
        ),
        status_from: check.value(Field::StatusFrom, values::period),
        status_to: check.value(Field::StatusTo, values::period),
        family: check
            .map
            .column(Field::Family)
            .map(|c| values::list(&check.row.cell(c)))
            .unwrap_or_default(),
    })
}

/// Reads a table row by row: the header is looked for among the first rows, then each
/// further row is handed in as it is read, so a reader can reuse its row buffer.
pub struct TableReader {
    detection: Detection,
    out: TableOutput,
    memos: Memos,
    keep: bool,
}

impl TableReader {
    /// Detects the header among `first` (1-based row number, row) and reads those rows.
    pub fn start<R: Row>(first: &[(u32, R)], opts: TableOptions) -> TableReader {
        let texts: Vec<Vec<String>> = first
            .iter()
            .map(|(_, r)| {
                (0..r.width())
                    .map(|i| r.cell(i).to_text().into_owned())
                    .collect()
            })
            .collect();
        let mut reader = TableReader {
            detection: detect(&texts, opts.forced),
            out: TableOutput::default(),
            memos: Memos::default(),
            keep: opts.keep_records,
        };
        if let Detection::Found(layout) = &reader.detection {
            for (i, (row_no, row)) in first.iter().enumerate() {
                let header_top = layout.header_row - usize::from(layout.map.two_rows);
                match i.cmp(&layout.header_row) {
                    std::cmp::Ordering::Less if i >= header_top => {
                        reader.out.skip(SkipKind::Header)
                    }
                    std::cmp::Ordering::Less => reader.out.skip(if row.is_blank() {
                        SkipKind::Blank
                    } else {
                        SkipKind::Title
                    }),
                    std::cmp::Ordering::Equal => reader.out.skip(SkipKind::Header),
                    std::cmp::Ordering::Greater => {
                        let keep = reader.keep;
                        reader
                            .out
                            .data_row(layout, &mut reader.memos, keep, *row_no, row)
                    }
                }
            }
        }
        reader
    }

    /// Reads one row after the first ones.
    pub fn row<R: Row + ?Sized>(&mut self, row_no: u32, row: &R) {
        if let Detection::Found(layout) = &self.detection {
            self.out
                .data_row(layout, &mut self.memos, self.keep, row_no, row);
        }
    }

    /// Makes room for about `rows` more records.
    pub fn reserve(&mut self, rows: usize) {
        if let Detection::Found(layout) = &self.detection
            && self.keep
        {
            match layout.kind {
                Kind::Contributions => self.out.contributions.reserve(rows),
                Kind::Statement => self.out.entries.reserve(rows),
                Kind::Roster => self.out.roster.reserve(rows),
            }
        }
    }

    pub fn is_found(&self) -> bool {
        matches!(self.detection, Detection::Found(_))
    }

    /// A reader for a later part of the same table: the same layout, nothing read yet.
    pub fn fork(&self) -> TableReader {
        TableReader {
            detection: self.detection.clone(),
            out: TableOutput::default(),
            memos: Memos::default(),
            keep: self.keep,
        }
    }

    /// Appends what `part` read, its row numbers shifted by `offset` rows.
    pub fn absorb(&mut self, part: TableReader, offset: u32) {
        self.out.absorb(part.out, offset);
    }

    /// Counts blank lines a reader passed over without handing them in.
    pub fn blank_rows(&mut self, n: u64) {
        if matches!(self.detection, Detection::Found(_)) {
            for _ in 0..n {
                self.out.skip(SkipKind::Blank);
            }
        }
    }

    pub fn finish(self) -> (Detection, TableOutput) {
        (self.detection, self.out.finish())
    }
}

/// Reads a whole table from rows already in hand: (1-based row number, row).
pub fn read_table<R: Row>(
    first: Vec<(u32, R)>,
    rest: impl Iterator<Item = (u32, R)>,
    opts: TableOptions,
) -> (Detection, TableOutput) {
    let mut reader = TableReader::start(&first, opts);
    for (row_no, row) in rest {
        reader.row(row_no, &row);
    }
    reader.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn same_bytes_is_equality() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n as u8).map(|b| b.wrapping_mul(37)).collect();
            assert!(same_bytes(&a, &a.clone()));
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x40;
                assert!(!same_bytes(&a, &b), "length {n}, byte {at}");
            }
            assert!(!same_bytes(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    struct TextRow(Vec<&'static str>);
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

    fn rows(grid: &[&[&'static str]]) -> Vec<(u32, TextRow)> {
        grid.iter()
            .enumerate()
            .map(|(i, r)| (i as u32 + 1, TextRow(r.to_vec())))
            .collect()
    }

    fn strings(grid: &[&[&str]]) -> Vec<Vec<String>> {
        grid.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn finds_header_below_title_and_blank_rows() {
        let grid: &[&[&str]] = &[
            &["2024年职工医保缴费明细"],
            &[""],
            &["单位：示例公司", "", "打印日期：2024-05-01"],
            &[
                "序号",
                "姓名",
                "身份证号",
                "费款所属期",
                "缴费基数",
                "个人缴费",
            ],
        ];
        let Detection::Found(l) = detect(&strings(grid), None) else {
            panic!("not found")
        };
        assert_eq!(l.kind, Kind::Contributions);
        assert_eq!(l.header_row, 3);
        assert_eq!(l.map.column(Field::PersonId), Some(2));
        assert_eq!(l.map.column(Field::Base), Some(4));
    }

    #[test]
    fn classifies_statement_and_roster() {
        let st: &[&[&str]] = &[&["证件号码", "交易时间", "交易类型", "收入", "支出", "余额"]];
        assert!(
            matches!(detect(&strings(st), None), Detection::Found(l) if l.kind == Kind::Statement)
        );
        let ro: &[&[&str]] = &[&["身份证号", "姓名", "出生日期", "人员类别", "退休时间"]];
        assert!(
            matches!(detect(&strings(ro), None), Detection::Found(l) if l.kind == Kind::Roster)
        );
        let other: &[&[&str]] = &[&["填表说明"], &["1. 请按模板填写"]];
        assert!(matches!(
            detect(&strings(other), None),
            Detection::NoKind { .. }
        ));
    }

    #[test]
    fn two_row_header_with_insurance_groups() {
        let grid: &[&[&str]] = &[
            &["职工社会保险缴费明细"],
            &[
                "姓名",
                "身份证号",
                "费款所属期",
                "养老保险",
                "",
                "医疗保险",
                "",
            ],
            &["", "", "", "个人", "单位", "个人", "单位"],
            &[
                "张三",
                "11010519491231002X",
                "202401",
                "400",
                "1600",
                "100",
                "800",
            ],
            &["本页小计", "", "", "400", "1600", "100", "800"],
        ];
        let (det, out) = read_table(rows(grid), std::iter::empty(), TableOptions::default());
        let Detection::Found(l) = det else {
            panic!("{det:?}")
        };
        assert_eq!(l.header_row, 2);
        assert_eq!(l.map.column(Field::EmployeeAmount), Some(5));
        assert_eq!(l.map.column(Field::EmployerAmount), Some(6));
        assert_eq!(l.map.header(5), "医疗保险(个人)");
        let c = &out.counts;
        assert_eq!(
            (
                c.skipped_title,
                c.skipped_header,
                c.skipped_total,
                c.accepted
            ),
            (1, 2, 1, 1)
        );
        assert_eq!(
            out.contributions[0].employee_amount,
            Some(Money::from_cents(10_000))
        );
    }

    #[test]
    fn payment_month_beside_period_is_the_paid_date() {
        let both: &[&[&str]] = &[&["身份证号", "费款所属期", "缴费年月", "个人缴费"]];
        let Detection::Found(l) = detect(&strings(both), None) else {
            panic!()
        };
        assert_eq!(l.map.column(Field::Period), Some(1));
        assert_eq!(l.map.column(Field::PaidDate), Some(2));
        let alone: &[&[&str]] = &[&["身份证号", "缴费年月", "个人缴费"]];
        let Detection::Found(l) = detect(&strings(alone), None) else {
            panic!()
        };
        assert_eq!(l.map.column(Field::Period), Some(1));
        assert_eq!(l.map.column(Field::PaidDate), None);
    }

    #[test]
    fn id_column_wins_over_person_number() {
        let grid: &[&[&str]] = &[&["个人编号", "身份证号", "所属期", "个人缴费"]];
        let Detection::Found(l) = detect(&strings(grid), None) else {
            panic!()
        };
        assert_eq!(l.map.column(Field::PersonId), Some(1));
        assert_eq!(l.map.person_number, Some(0));
    }

    #[test]
    fn forced_kind_without_its_columns_says_what_is_missing() {
        let grid: &[&[&str]] = &[&["身份证号", "姓名"]];
        match detect(&strings(grid), Some(Kind::Statement)) {
            Detection::Missing { kind, missing } => {
                assert_eq!(kind, Kind::Statement);
                assert!(missing.contains("date"), "{missing}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_row_ends_accepted_rejected_or_skipped() {
        let grid: &[&[&str]] = &[
            &["缴费明细表"],
            &["姓名", "身份证号", "费款所属期", "个人缴费", "缴费状态"],
            &["张三", "11010519491231002X", "2024-01", "100.00", "已缴"],
            &["", "", "", "", ""],
            &["李四", "11010519491231002X", "2024-13", "100.00", "已缴"],
            &["王五", "11010519491231002X", "2024-02", "abc", "已缴"],
            &["赵六", "", "2024-02", "100", "已缴"],
            &["姓名", "身份证号", "费款所属期", "个人缴费", "缴费状态"],
            &["合计", "", "", "300.00", ""],
            &["注：本表仅供参考"],
        ];
        let all = rows(grid);
        let (det, out) = read_table(all, std::iter::empty(), TableOptions::default());
        assert!(matches!(det, Detection::Found(_)));
        let c = &out.counts;
        assert_eq!(c.read, 10);
        assert_eq!((c.accepted, c.rejected, c.skipped), (1, 3, 6));
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
        assert_eq!(
            (
                c.skipped_title,
                c.skipped_header,
                c.skipped_blank,
                c.skipped_total,
                c.skipped_note
            ),
            (1, 2, 1, 1, 1)
        );
        let reasons: Vec<(u32, &str, String)> = out
            .rejected
            .iter()
            .map(|r| (r.origin.row, r.column.as_str(), r.reason.code()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (5, "费款所属期", "out_of_range".to_string()),
                (6, "个人缴费", "not_an_amount".to_string()),
                (7, "身份证号", "missing_person_id".to_string()),
            ]
        );
    }

    #[test]
    fn unsigned_statement_takes_sign_from_kind() {
        let grid: &[&[&str]] = &[
            &["身份证号", "交易时间", "交易类型", "发生金额"],
            &["11010519491231002X", "2024-02-05", "101", "100.00"],
            &["11010519491231002X", "2024-02-08", "门诊消费", "30.00"],
        ];
        let (_, out) = read_table(rows(grid), std::iter::empty(), TableOptions::default());
        let amounts: Vec<String> = out.entries.iter().map(|e| e.amount.to_string()).collect();
        assert_eq!(amounts, vec!["100.00", "-30.00"]);

        let signed: &[&[&str]] = &[
            &["身份证号", "交易时间", "交易类型", "发生金额"],
            &["11010519491231002X", "2024-02-05", "冲正", "-100.00"],
            &["11010519491231002X", "2024-02-08", "101", "100.00"],
        ];
        let (_, out) = read_table(rows(signed), std::iter::empty(), TableOptions::default());
        let amounts: Vec<String> = out.entries.iter().map(|e| e.amount.to_string()).collect();
        assert_eq!(amounts, vec!["-100.00", "100.00"]);
    }
}
