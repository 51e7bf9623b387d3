//! Typed records: what a row of an input becomes once it has been read and checked.
//!
//! Records keep where they came from as an [`Origin`] (an index into the run's source
//! list plus the row number) rather than a copy of the path, so that a million rows do not
//! carry a million path strings.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub use crate::money::Money;
use crate::money::two_digits;

/// Shared text: rows of one person repeat the same ID, name and employer, and a clone is a
/// counter increment rather than an allocation. `ArcStr` is one pointer wide (`Arc<str>`
/// is two): records hold several texts each, and there are millions of records.
pub type Text = arcstr::ArcStr;

/// The first 16 bytes of an ID as two numbers that sort as the ID does (a shorter ID is
/// padded with zero bytes, which sort first, as its end does): a sort by (this, ID)
/// orders by ID while comparing most pairs without reading either ID from memory —
/// sorting millions of people's rows by the IDs themselves waited on the memory.
pub fn id_order(id: &str) -> (u64, u64) {
    let mut bytes = [0u8; 16];
    let n = id.len().min(16);
    bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
    let word = u128::from_be_bytes(bytes);
    // Two u64 rather than one u128: a key of 8-byte-aligned fields packs tighter.
    ((word >> 64) as u64, word as u64)
}

/// A calendar month (费款所属期 and friends), stored as months since year 0 so that lag
/// arithmetic is integer addition. Never 0 (years start at 1900), so `Option<Period>` is
/// four bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period(NonZeroU32);

impl Period {
    /// Years a period may carry: outside this range a value is a typo or a hostile input.
    pub const MIN_YEAR: i32 = 1900;
    pub const MAX_YEAR: i32 = 2099;

    /// January of the first year a period may carry.
    const FIRST: Period = match NonZeroU32::new(Self::MIN_YEAR as u32 * 12) {
        Some(n) => Period(n),
        None => Period(NonZeroU32::MIN),
    };

    pub fn new(year: i32, month: u32) -> Option<Period> {
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        Period::at(year as u32 * 12 + month - 1)
    }

    fn at(index: u32) -> Option<Period> {
        NonZeroU32::new(index).map(Period)
    }

    pub fn of_date(date: NaiveDate) -> Option<Period> {
        Period::new(date.year(), date.month())
    }

    /// The month of `date`, clamped into the years a period may carry.
    pub fn of_date_clamped(date: NaiveDate) -> Period {
        let (y, m) = if date.year() < Self::MIN_YEAR {
            (Self::MIN_YEAR, 1)
        } else if date.year() > Self::MAX_YEAR {
            (Self::MAX_YEAR, 12)
        } else {
            (date.year(), date.month())
        };
        Period::at(y as u32 * 12 + m - 1).unwrap_or(Period::FIRST)
    }

    pub fn year(self) -> i32 {
        (self.0.get() / 12) as i32
    }

    pub fn month(self) -> u32 {
        self.0.get() % 12 + 1
    }

    /// Months since year 0; differences of two periods are month counts.
    pub fn index(self) -> i64 {
        i64::from(self.0.get())
    }

    /// The period `months` later (or earlier when negative), if it stays in range.
    pub fn plus(self, months: i64) -> Option<Period> {
        let idx = i64::from(self.0.get()).checked_add(months)?;
        let idx = u32::try_from(idx).ok()?;
        let p = Period::at(idx)?;
        (Self::MIN_YEAR..=Self::MAX_YEAR)
            .contains(&p.year())
            .then_some(p)
    }

    /// Parses the canonical `YYYY-MM` form (policy files, CLI options).
    pub fn parse_canonical(s: &str) -> Option<Period> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return None;
        }
        Period::new(y.parse().ok()?, m.parse().ok()?)
    }
}

impl Period {
    /// Appends `YYYY-MM`, as [`Display`](fmt::Display) prints it, without the formatting
    /// machinery (reports print millions).
    pub fn write_to(self, out: &mut Vec<u8>) {
        self.pieces(|piece| out.extend_from_slice(piece.as_bytes()));
    }

    /// The printed period in pieces, from digit pairs: the years are 1900-2099.
    fn pieces(self, mut put: impl FnMut(&str)) {
        let (y, m) = (self.year().unsigned_abs(), self.month());
        for piece in [two_digits(y / 100), two_digits(y), "-", two_digits(m)] {
            put(piece);
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        self.pieces(|piece| result = result.and_then(|()| f.write_str(piece)));
        result
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// What an input file or sheet holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Contributions,
    Statement,
    Roster,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Contributions, Kind::Statement, Kind::Roster];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Contributions => "contributions",
            Kind::Statement => "statement",
            Kind::Roster => "roster",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a record came from: `source` indexes the run's list of files and sheets, `row` is
/// the 1-based row as a spreadsheet program shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub source: u32,
    pub row: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    Unpaid,
}

impl PaymentStatus {
    /// The other one: what a column asking "in arrears?" (是否欠费) means by its answer.
    pub fn inverted(self) -> PaymentStatus {
        match self {
            PaymentStatus::Paid => PaymentStatus::Unpaid,
            PaymentStatus::Unpaid => PaymentStatus::Paid,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionType {
    /// 正常缴费 (national code 10).
    Normal,
    /// 补缴/补收/补差 (national codes 30–35).
    BackPayment,
    /// 退收 (national code 20): a contribution paid back; its amounts add into the period.
    Refund,
    /// 退休人员统筹划账户, 账户注入, 账户预划 (national codes 36, 40, 41): a credit the bureau
    /// owes the account, not a contribution; its stated credit (else its amount) adds to
    /// the period's expected credit.
    AccountCredit,
    /// Any other code (60, 99…): kept as written, not scheduled, counted in warnings.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Insurance {
    /// 职工基本医疗保险 (310).
    Employee,
    /// 灵活就业人员 in the employee scheme.
    Flexible,
    /// 城乡居民/城镇居民 (390/391): no personal account by design.
    Resident,
    /// Another scheme (大额医疗, 公务员补助, 养老…): kept as written, never scheduled.
    Other(Text),
}

impl Insurance {
    pub fn as_str(&self) -> &str {
        match self {
            Insurance::Employee => "employee",
            Insurance::Flexible => "flexible",
            Insurance::Resident => "resident",
            Insurance::Other(s) => s,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Active,
    Retired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Inactive,
}

/// The kind of a statement entry, as SPEC groups the national codes and the words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Credit,
    Spending,
    Family,
    Clearing,
    TransferOut,
    TransferIn,
    Interest,
    CarryOver,
    Adjustment,
    Unclassified,
}

/// The direction money moves for an entry kind when the file gives unsigned amounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
    /// The kind alone does not say (a 冲正, an 调整): the amount is taken as written.
    AsWritten,
}

/// Who a row is about: the ID number, and the person number (个人编号) and name written
/// beside it. A person's rows in a file come together and share one `Who`, so a record
/// holds one pointer instead of three texts.
#[derive(Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Who {
    pub person_id: Text,
    /// A second identifier column (个人编号 beside 身份证号), kept for look-ups.
    pub person_number: Option<Text>,
    pub name: Option<Text>,
}

/// One row of contribution records (缴费记录), as written; several rows for one person and
/// period are summed later, by the reconcile stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub origin: Origin,
    pub who: Arc<Who>,
    pub period: Period,
    pub base: Option<Money>,
    pub employee_amount: Option<Money>,
    pub employer_amount: Option<Money>,
    /// What the file says goes into the account for this row (划入个人账户金额…).
    pub stated_credit: Option<Money>,
    pub status: PaymentStatus,
    pub contribution_type: ContributionType,
    /// The month the contribution was paid (缴费时间, or 缴费年月 beside 费款所属期).
    pub paid_month: Option<Period>,
    pub insurance: Insurance,
    pub tier: Option<Text>,
    pub category: Option<Category>,
    pub birth_date: Option<NaiveDate>,
    pub employer: Option<Text>,
}

/// One row of an account statement (个人账户明细).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementEntry {
    pub origin: Origin,
    pub who: Arc<Who>,
    pub at: NaiveDateTime,
    pub kind: EntryKind,
    /// The kind cell as written (code or words), for messages and reports.
    pub kind_text: Text,
    /// Signed: money into the account is positive.
    pub amount: Money,
    pub balance: Option<Money>,
    pub period: Option<Period>,
    pub beneficiary: Option<Text>,
    pub institution: Option<Text>,
}

/// One row of a roster: a person's facts, or one status span of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub origin: Origin,
    pub who: Arc<Who>,
    pub birth_date: Option<NaiveDate>,
    pub category: Option<Category>,
    pub retired_from: Option<Period>,
    pub account_status: Option<AccountStatus>,
    pub status_from: Option<Period>,
    pub status_to: Option<Period>,
    pub family: Vec<String>,
}

/// A record of one person: each kind names its person by a [`Who`] shared by the rows of a
/// run of that person's rows in a file.
pub trait OfPerson {
    fn who(&self) -> &Arc<Who>;
    fn who_mut(&mut self) -> &mut Arc<Who>;
}

impl OfPerson for Contribution {
    fn who(&self) -> &Arc<Who> {
        &self.who
    }
    fn who_mut(&mut self) -> &mut Arc<Who> {
        &mut self.who
    }
}

impl OfPerson for StatementEntry {
    fn who(&self) -> &Arc<Who> {
        &self.who
    }
    fn who_mut(&mut self) -> &mut Arc<Who> {
        &mut self.who
    }
}

impl OfPerson for RosterEntry {
    fn who(&self) -> &Arc<Who> {
        &self.who
    }
    fn who_mut(&mut self) -> &mut Arc<Who> {
        &mut self.who
    }
}

/// Records of one kind, kept in the pieces the files were read into: putting them in one
/// vector would hold every record twice while copying (and the allocator keeps the freed
/// pieces), the largest share of a run's memory.
#[derive(Clone, Debug)]
pub struct Records<T> {
    parts: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Records<T> {
    fn default() -> Self {
        Records {
            parts: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Records<T> {
    /// Adds one file's records after those already held.
    pub fn append(&mut self, mut part: Vec<T>) {
        if part.is_empty() {
            return;
        }
        fit(&mut part);
        self.len += part.len();
        self.parts.push(part);
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> + Clone {
        self.parts.iter().flatten()
    }

    /// The records in runs of consecutive ones for which `same` holds pairwise, in order;
    /// found in parallel, a task per file's part (finding them reads every record).
    pub fn par_runs(&self, same: impl Fn(&T, &T) -> bool + Copy + Sync + Send) -> Vec<&[T]>
    where
        T: Sync,
    {
        use rayon::prelude::*;
        self.parts
            .par_iter()
            .with_max_len(1)
            .flat_map_iter(|p| p.chunk_by(same))
            .collect()
    }

    /// [`Records::par_runs`] of one person's rows: rows that share one `Who`.
    pub fn par_person_runs(&self) -> Vec<&[T]>
    where
        T: OfPerson + Sync,
    {
        self.par_runs(|a, b| Arc::ptr_eq(a.who(), b.who()))
    }

    /// The pieces, in order.
    pub fn into_parts(self) -> Vec<Vec<T>> {
        self.parts
    }

    /// Changes every record in place.
    pub fn for_each_mut(&mut self, f: impl FnMut(&mut T)) {
        self.parts.iter_mut().flatten().for_each(f);
    }

    /// Keeps the records for which `keep(index, record)` holds, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(usize, &T) -> bool) {
        let mut index = 0;
        for part in &mut self.parts {
            part.retain(|r| {
                let kept = keep(index, r);
                index += 1;
                kept
            });
        }
        self.parts.retain(|p| !p.is_empty());
        self.len = self.parts.iter().map(Vec::len).sum();
    }
}

/// Gives back the unused room of a vector grown by doubling (up to half of it). mimalloc
/// keeps a block in place when it shrinks by less than half, so `shrink_to_fit` would free
/// nothing: the items move into a vector of the exact size instead.
pub fn fit<T>(v: &mut Vec<T>) {
    if v.capacity() > v.len() + v.len() / 16 {
        let mut exact = Vec::with_capacity(v.len());
        exact.append(v);
        *v = exact;
    }
}

impl<T> std::ops::Index<usize> for Records<T> {
    type Output = T;

    fn index(&self, mut i: usize) -> &T {
        for part in &self.parts {
            if i < part.len() {
                return &part[i];
            }
            i -= part.len();
        }
        #[allow(clippy::panic)]
        {
            panic!("record index out of range")
        }
    }
}

impl<'a, T> IntoIterator for &'a Records<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.parts.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Sorting by (id_order, ID) is sorting by ID: short IDs, shared prefixes, NUL
        /// bytes and multi-byte characters included.
        #[test]
        fn id_order_sorts_as_the_id(a in "[0-9X\\x00é]{0,20}", b in "[0-9X\\x00é]{0,20}") {
            prop_assert_eq!((id_order(&a), &a).cmp(&(id_order(&b), &b)), a.cmp(&b));
            let (p, q) = (format!("3201021985{a}"), format!("3201021985{b}"));
            prop_assert_eq!((id_order(&p), &p).cmp(&(id_order(&q), &q)), p.cmp(&q));
        }
    }

    #[test]
    fn periods_print_as_the_formatting_machinery_would() {
        for n in 0..250 {
            assert_eq!(two_digits(n), format!("{:02}", n % 100));
        }
        for year in Period::MIN_YEAR..=Period::MAX_YEAR {
            for month in 1..=12 {
                let p = Period::new(year, month).unwrap();
                assert_eq!(p.to_string(), format!("{year:04}-{month:02}"));
            }
        }
    }

    #[test]
    fn period_arithmetic_and_display() {
        let p = Period::new(2024, 12).unwrap();
        assert_eq!(p.to_string(), "2024-12");
        assert_eq!(p.plus(1).unwrap().to_string(), "2025-01");
        assert_eq!(p.plus(-12).unwrap().to_string(), "2023-12");
        assert_eq!(p.plus(1).unwrap().index() - p.index(), 1);
        assert!(Period::new(2024, 13).is_none());
        assert!(Period::new(1899, 1).is_none());
        assert!(Period::new(2100, 1).is_none());
        assert_eq!(Period::parse_canonical("2022-09"), Period::new(2022, 9));
        assert_eq!(Period::parse_canonical("2022-9"), Period::new(2022, 9));
        assert!(Period::parse_canonical("202209").is_none());
        for p in [
            Period::new(1900, 1),
            Period::new(2024, 12),
            Period::new(2099, 9),
        ] {
            let p = p.unwrap();
            let mut out = Vec::new();
            p.write_to(&mut out);
            assert_eq!(out, p.to_string().into_bytes());
        }
    }
}
