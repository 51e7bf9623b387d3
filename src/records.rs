//! Typed records: what a row of an input becomes once it has been read and checked.
//!
//! Records keep where they came from as an [`Origin`] (an index into the run's source
//! list plus the row number) rather than a copy of the path, so that a million rows do not
//! carry a million path strings.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Shared text: rows of one person repeat the same ID, name and employer, and a clone of
/// an `Arc<str>` is a counter increment rather than an allocation.
pub type Text = Arc<str>;

/// A calendar month (费款所属期 and friends), stored as months since year 0 so that lag
/// arithmetic is integer addition.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period(u32);

impl Period {
    /// Years a period may carry: outside this range a value is a typo or a hostile input.
    pub const MIN_YEAR: i32 = 1900;
    pub const MAX_YEAR: i32 = 2099;

    pub fn new(year: i32, month: u32) -> Option<Period> {
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        Some(Period(year as u32 * 12 + month - 1))
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
        Period(y as u32 * 12 + m - 1)
    }

    pub fn year(self) -> i32 {
        (self.0 / 12) as i32
    }

    pub fn month(self) -> u32 {
        self.0 % 12 + 1
    }

    /// Months since year 0; differences of two periods are month counts.
    pub fn index(self) -> i64 {
        i64::from(self.0)
    }

    /// The period `months` later (or earlier when negative), if it stays in range.
    pub fn plus(self, months: i64) -> Option<Period> {
        let idx = i64::from(self.0).checked_add(months)?;
        let idx = u32::try_from(idx).ok()?;
        let p = Period(idx);
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

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub source: u32,
    pub row: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    Unpaid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionType {
    /// 正常缴费 (national code 10).
    Normal,
    /// 补缴/补收/补差 (national codes 30–35).
    BackPayment,
    /// 退收 (national code 20): a contribution paid back; its amounts add into the period.
    Refund,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Insurance {
    /// 职工基本医疗保险 (310).
    Employee,
    /// 灵活就业人员 in the employee scheme.
    Flexible,
    /// 城乡居民/城镇居民 (390/391): no personal account by design.
    Resident,
    /// Another scheme (大额医疗, 公务员补助, 养老…): kept as written, never scheduled.
    Other(String),
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Active,
    Retired,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Inactive,
}

/// The kind of a statement entry, as SPEC groups the national codes and the words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
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

/// One row of contribution records (缴费记录), as written; several rows for one person and
/// period are summed later, by the reconcile stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    pub origin: Origin,
    pub person_id: Text,
    /// A second identifier column (个人编号 beside 身份证号), kept for look-ups.
    pub person_number: Option<Text>,
    pub name: Option<Text>,
    pub period: Period,
    pub base: Option<Decimal>,
    pub employee_amount: Option<Decimal>,
    pub employer_amount: Option<Decimal>,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementEntry {
    pub origin: Origin,
    pub person_id: Text,
    pub person_number: Option<Text>,
    pub name: Option<Text>,
    pub at: NaiveDateTime,
    pub kind: EntryKind,
    /// The kind cell as written (code or words), for messages and reports.
    pub kind_text: Text,
    /// Signed: money into the account is positive.
    pub amount: Decimal,
    pub balance: Option<Decimal>,
    pub period: Option<Period>,
    pub beneficiary: Option<Text>,
    pub institution: Option<Text>,
}

/// One row of a roster: a person's facts, or one status span of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    pub origin: Origin,
    pub person_id: Text,
    pub person_number: Option<Text>,
    pub name: Option<Text>,
    pub birth_date: Option<NaiveDate>,
    pub category: Option<Category>,
    pub retired_from: Option<Period>,
    pub account_status: Option<AccountStatus>,
    pub status_from: Option<Period>,
    pub status_to: Option<Period>,
    pub family: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
