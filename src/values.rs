//! Value parsers: one cell in, one typed value (or a reason it cannot be read) out.
//!
//! Every parser takes a [`Cell`] so that text from a CSV and typed cells from a workbook go
//! through the same rules. Empty cells give `Ok(None)`; the caller decides whether the field
//! was required. Dates and periods are parsed by a small digit-group scanner rather than by
//! trying a list of chrono formats one after the other: there are a dozen shapes and a
//! million rows, and chrono still checks that the date exists.

use std::borrow::Cow;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::{Decimal, RoundingStrategy};
use thiserror::Error;

use crate::lang::Lang;
use crate::money::Money;
use crate::records::{
    AccountStatus, Category, ContributionType, Direction, EntryKind, Insurance, PaymentStatus,
    Period,
};

/// One cell as read from a file or a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

impl Cell<'_> {
    /// Empty, or text that is only white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim_matches(is_space).is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person reads it (numbers without a trailing `.0`).
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(t.as_ref()),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(f.to_string()),
            Cell::DateTime(d) => Cow::Owned(if d.time() == NaiveTime::MIN {
                d.date().to_string()
            } else {
                d.to_string()
            }),
            Cell::Bool(b) => Cow::Owned(b.to_string()),
            Cell::Error(e) => Cow::Borrowed(e.as_str()),
        }
    }
}

/// Why one value cannot be read. Each variant is a rejection reason of `rejected.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValueError {
    #[error("not an amount")]
    NotAnAmount,
    #[error("amount out of range")]
    AmountOutOfRange,
    #[error("not a period (year and month)")]
    NotAPeriod,
    #[error("not a date")]
    NotADate,
    #[error("year or month out of range")]
    OutOfRange,
    #[error("ID number in scientific notation: Excel dropped its last digits")]
    IdScientific,
    #[error("ID stored as a number with more than 15 digits: Excel dropped its last digits")]
    IdPrecisionLost,
    #[error("not an identifier")]
    IdInvalid,
    #[error("unknown payment status")]
    UnknownStatus,
    #[error("unknown contribution type")]
    UnknownContributionType,
    #[error("unknown person category")]
    UnknownCategory,
    #[error("unknown account status")]
    UnknownAccountStatus,
    #[error("cell holds a spreadsheet error")]
    SpreadsheetError,
    #[error("negative contribution base")]
    NegativeBase,
    #[error("year before 1990: not a period of the employee medical insurance")]
    TooEarly,
}

impl ValueError {
    /// A short stable name, used in tests and in summaries.
    pub fn code(&self) -> &'static str {
        match self {
            ValueError::NotAnAmount => "not_an_amount",
            ValueError::AmountOutOfRange => "amount_out_of_range",
            ValueError::NotAPeriod => "not_a_period",
            ValueError::NotADate => "not_a_date",
            ValueError::OutOfRange => "out_of_range",
            ValueError::IdScientific => "id_scientific",
            ValueError::IdPrecisionLost => "id_precision_lost",
            ValueError::IdInvalid => "id_invalid",
            ValueError::UnknownStatus => "unknown_status",
            ValueError::UnknownContributionType => "unknown_contribution_type",
            ValueError::UnknownCategory => "unknown_category",
            ValueError::UnknownAccountStatus => "unknown_account_status",
            ValueError::SpreadsheetError => "spreadsheet_error",
            ValueError::NegativeBase => "negative_base",
            ValueError::TooEarly => "too_early",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let zh = match self {
            ValueError::NotAnAmount => "不是金额",
            ValueError::AmountOutOfRange => "金额超出范围",
            ValueError::NotAPeriod => "不是年月(所属期)",
            ValueError::NotADate => "不是日期",
            ValueError::OutOfRange => "年份或月份超出范围",
            ValueError::IdScientific => {
                "证件号码是科学计数法(如3.20102E+17),Excel已丢失末尾数字:请将该列设为文本后重新导出"
            }
            ValueError::IdPrecisionLost => {
                "证件号码以数字保存且超过15位,Excel已丢失末尾数字:请将该列设为文本后重新导出"
            }
            ValueError::IdInvalid => "不是有效的证件号码或人员编号",
            ValueError::UnknownStatus => "无法识别的缴费状态",
            ValueError::UnknownContributionType => "无法识别的缴费类型",
            ValueError::UnknownCategory => "无法识别的人员类别",
            ValueError::UnknownAccountStatus => "无法识别的账户状态",
            ValueError::SpreadsheetError => "单元格是表格错误值(如#N/A)",
            ValueError::NegativeBase => "缴费基数为负数",
            ValueError::TooEarly => "年份早于1990年,不是职工医保的所属期",
        };
        match lang {
            Lang::Zh => zh.to_string(),
            Lang::En => match self {
                ValueError::IdScientific | ValueError::IdPrecisionLost => {
                    format!("{self}; format the column as text and export again")
                }
                _ => self.to_string(),
            },
        }
    }
}

pub type ValueResult<T> = Result<Option<T>, ValueError>;

pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}'
}

/// Full-width ASCII (`１２３`, `（`, `：`) to half-width, the ideographic space to a space;
/// trimmed. Borrowed when nothing changes, which is nearly always.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s.trim_ascii());
    }
    let t = s.trim_matches(is_space);
    if t.chars()
        .all(|c| !('\u{ff01}'..='\u{ff5e}').contains(&c) && c != '\u{3000}')
    {
        return Cow::Borrowed(t);
    }
    Cow::Owned(
        t.chars()
            .map(|c| match c {
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// Excel's error values as they appear in exported text (`#N/A`, `#VALUE!`, …).
fn is_error_text(s: &str) -> bool {
    const ERRORS: [&str; 8] = [
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#DIV/0!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
    ];
    let t = s.trim();
    t.starts_with('#') && ERRORS.iter().any(|e| t.eq_ignore_ascii_case(e))
}

/// Text of a keyword-coded cell, folded and lower-cased for matching.
fn keyword_text(cell: &Cell) -> Result<Option<String>, ValueError> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Error(_) => Err(ValueError::SpreadsheetError),
        Cell::Text(t) if is_error_text(t) => Err(ValueError::SpreadsheetError),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(format!("{}", *f as i64))),
        other => {
            let t = fold_width(&other.to_text()).to_lowercase();
            Ok((!t.is_empty()).then_some(t))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Amounts

/// Amounts larger than this (in yuan) are treated as unreadable: no account holds a
/// trillion yuan, and the bound keeps every sum of a run far from Decimal's limits.
const MAX_AMOUNT: i64 = 1_000_000_000_000;

fn round_money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn bounded(d: Decimal) -> ValueResult<Decimal> {
    if d.abs() > Decimal::from(MAX_AMOUNT) {
        return Err(ValueError::AmountOutOfRange);
    }
    Ok(Some(round_money(d)))
}

/// An amount in yuan, rounded half up to 2 decimals: `1,234.50`, `¥1234.5`, `1234.50元`,
/// `(12.00)` (= −12.00), `－12`, full-width digits, numbers from a workbook.
///
/// ```
/// use std::borrow::Cow;
/// use rust_decimal::Decimal;
/// use yibao_recon::values::{amount, Cell};
/// let cell = Cell::Text(Cow::Borrowed("(1,234.565)"));
/// assert_eq!(amount(&cell), Ok(Some(Decimal::new(-123457, 2))));
/// ```
pub fn amount(cell: &Cell) -> ValueResult<Decimal> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Int(i) => bounded(Decimal::from(*i)),
        Cell::Float(f) => {
            if !f.is_finite() {
                return Err(ValueError::NotAnAmount);
            }
            if f.abs() > MAX_AMOUNT as f64 {
                return Err(ValueError::AmountOutOfRange);
            }
            // Shortest round-trip text of the float, so 0.1 stays 0.1 rather than its
            // binary expansion.
            let d = Decimal::from_str(&format!("{f}")).map_err(|_| ValueError::NotAnAmount)?;
            bounded(d)
        }
        Cell::Text(t) => amount_text(t),
        Cell::Error(_) => Err(ValueError::SpreadsheetError),
        Cell::DateTime(_) | Cell::Bool(_) => Err(ValueError::NotAnAmount),
    }
}

/// [`amount`] as whole cents, the form records keep.
pub fn money(cell: &Cell) -> ValueResult<Money> {
    if let Cell::Text(t) = cell
        && let Some(cents) = plain_cents(t.as_bytes())
    {
        return Ok(Some(Money::from_cents(cents)));
    }
    match amount(cell)? {
        None => Ok(None),
        Some(d) => Money::from_decimal(d)
            .map(Some)
            .ok_or(ValueError::AmountOutOfRange),
    }
}

/// The common shape `1234`, `-1234.5`, `1234.50`: parsed straight to cents, no allocation.
fn plain_amount(s: &[u8]) -> Option<Decimal> {
    plain_cents(s).map(|cents| Decimal::new(cents, 2))
}

fn plain_cents(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match digits.iter().position(|b| *b == b'.') {
        Some(dot) => (&digits[..dot], &digits[dot + 1..]),
        None => (digits, &digits[..0]),
    };
    if int.is_empty() || int.len() > 12 || frac.len() > 2 {
        return None;
    }
    let mut cents: i64 = 0;
    for &b in int.iter().chain(frac) {
        if !b.is_ascii_digit() {
            return None;
        }
        cents = cents * 10 + i64::from(b - b'0');
    }
    for _ in frac.len()..2 {
        cents *= 10;
    }
    Some(if negative { -cents } else { cents })
}

fn amount_text(raw: &str) -> ValueResult<Decimal> {
    if let Some(d) = plain_amount(raw.as_bytes()) {
        return Ok(Some(d));
    }
    if is_error_text(raw) {
        return Err(ValueError::SpreadsheetError);
    }
    let folded = fold_width(raw);
    let mut s: &str = &folded;
    if s.is_empty() || s == "-" || s == "—" || s == "--" {
        return Ok(None);
    }
    for affix in ["RMB", "CNY", "rmb", "cny", "¥", "￥"] {
        s = s.strip_prefix(affix).unwrap_or(s).trim_matches(is_space);
    }
    for affix in ["元", "RMB", "CNY", "rmb", "cny"] {
        s = s.strip_suffix(affix).unwrap_or(s).trim_matches(is_space);
    }
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner;
    }
    let mut clean = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '0'..='9' | '.' | '-' | '+' | 'e' | 'E' => clean.push(c),
            ',' | ' ' | '¥' | '￥' | '\'' => {}
            _ => return Err(ValueError::NotAnAmount),
        }
    }
    if clean.is_empty() {
        return Err(ValueError::NotAnAmount);
    }
    let parsed = if clean.contains(['e', 'E']) {
        Decimal::from_scientific(&clean)
    } else {
        Decimal::from_str_exact(&clean)
    };
    let d = match parsed {
        Ok(d) => d,
        Err(_) => {
            let digits = clean.chars().filter(char::is_ascii_digit).count();
            let exponent = clean
                .split_once(['e', 'E'])
                .and_then(|(_, e)| e.parse::<i64>().ok())
                .unwrap_or(0);
            return Err(if digits > 20 || exponent > 12 {
                ValueError::AmountOutOfRange
            } else {
                ValueError::NotAnAmount
            });
        }
    };
    bounded(if negative { -d } else { d })
}

// ---------------------------------------------------------------------------------------
// Periods and dates

/// Groups of ASCII digits in a date-like text, with a check that only date punctuation
/// stands between them.
struct DigitGroups {
    groups: [(u64, u8); 8],
    len: usize,
}

impl DigitGroups {
    fn scan(s: &str) -> Option<DigitGroups> {
        let mut out = DigitGroups {
            groups: [(0, 0); 8],
            len: 0,
        };
        let mut in_group = false;
        for c in s.chars() {
            if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
                if !in_group {
                    if out.len == out.groups.len() {
                        return None;
                    }
                    out.len += 1;
                    in_group = true;
                }
                let g = &mut out.groups[out.len - 1];
                if g.1 >= 18 {
                    return None;
                }
                g.0 = g.0 * 10 + u64::from(d);
                g.1 += 1;
            } else {
                in_group = false;
                if !matches!(
                    c,
                    '-' | '/'
                        | '.'
                        | ' '
                        | ':'
                        | 'T'
                        | '年'
                        | '月'
                        | '日'
                        | '号'
                        | '时'
                        | '分'
                        | '秒'
                ) {
                    return None;
                }
            }
        }
        (out.len > 0).then_some(out)
    }

    fn get(&self, i: usize) -> Option<(u64, u8)> {
        (i < self.len).then(|| self.groups[i])
    }
}

fn ymd(y: u64, m: u64, d: u64) -> Result<NaiveDate, ValueError> {
    let year = i32::try_from(y).map_err(|_| ValueError::OutOfRange)?;
    if !(Period::MIN_YEAR..=Period::MAX_YEAR).contains(&year) || !(1..=12).contains(&m) {
        return Err(ValueError::OutOfRange);
    }
    NaiveDate::from_ymd_opt(year, m as u32, d as u32).ok_or(ValueError::OutOfRange)
}

fn ym(y: u64, m: u64) -> Result<Period, ValueError> {
    let year = i32::try_from(y).map_err(|_| ValueError::OutOfRange)?;
    Period::new(year, u32::try_from(m).map_err(|_| ValueError::OutOfRange)?)
        .ok_or(ValueError::OutOfRange)
}

fn hms(g: &DigitGroups, from: usize) -> Result<NaiveTime, ValueError> {
    let part = |i| g.get(i).map(|(v, _)| v).unwrap_or(0);
    let (h, m, s) = (part(from), part(from + 1), part(from + 2));
    NaiveTime::from_hms_opt(h as u32, m as u32, s as u32).ok_or(ValueError::NotADate)
}

/// Splits a 14-digit `YYYYMMDDhhmmss` or 8-digit `YYYYMMDD` group.
fn compact_date(v: u64, len: u8) -> Option<(u64, u64, u64, u64, u64, u64)> {
    match len {
        8 => Some((v / 10000, v / 100 % 100, v % 100, 0, 0, 0)),
        14 => {
            let d = v / 1_000_000;
            let t = v % 1_000_000;
            Some((
                d / 10000,
                d / 100 % 100,
                d % 100,
                t / 10000,
                t / 100 % 100,
                t % 100,
            ))
        }
        _ => None,
    }
}

/// An Excel serial day number (1900 system) as a date-time.
fn excel_serial(f: f64) -> Option<NaiveDateTime> {
    if !(1.0..2_958_466.0).contains(&f) {
        return None;
    }
    // Excel counts a 29 February 1900 that never was; serials before it are one day off.
    let f = if f < 60.0 { f + 1.0 } else { f };
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let ms = (f * 86_400_000.0).round() as i64;
    epoch.checked_add_signed(Duration::milliseconds(ms))
}

fn integral(f: f64) -> Option<u64> {
    (f.is_finite() && f.fract() == 0.0 && (0.0..1e15).contains(&f)).then_some(f as u64)
}

/// A contribution period (费款所属期): `202403`, `2024-03`, `2024/3`, `2024.03`,
/// `2024年3月`, a full date (its month), or an Excel date cell.
///
/// ```
/// use std::borrow::Cow;
/// use yibao_recon::values::{period, Cell};
/// let p = period(&Cell::Text(Cow::Borrowed("2024年3月"))).unwrap().unwrap();
/// assert_eq!(p.to_string(), "2024-03");
/// ```
pub fn period(cell: &Cell) -> ValueResult<Period> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::DateTime(d) => Period::of_date(d.date())
            .map(Some)
            .ok_or(ValueError::OutOfRange),
        Cell::Int(i) => period_number(*i as f64),
        Cell::Float(f) => period_number(*f),
        Cell::Text(t) => period_text(t),
        Cell::Error(_) => Err(ValueError::SpreadsheetError),
        Cell::Bool(_) => Err(ValueError::NotAPeriod),
    }
}

fn period_number(f: f64) -> ValueResult<Period> {
    let Some(v) = integral(f) else {
        return Err(ValueError::NotAPeriod);
    };
    match v {
        100_000..=999_999 => ym(v / 100, v % 100).map(Some),
        10_000_000..=99_999_999 => ymd(v / 10000, v / 100 % 100, v % 100).map(Period::of_date),
        _ => match excel_serial(f) {
            Some(d) => Period::of_date(d.date())
                .map(Some)
                .ok_or(ValueError::OutOfRange),
            None => Err(ValueError::NotAPeriod),
        },
    }
}

/// The digit groups of a date-like text; `Ok(None)` for a blank one, `unreadable` (or a
/// spreadsheet error) when it is not made of digits and date punctuation.
fn scan_text(
    raw: &str,
    unreadable: ValueError,
) -> Result<Option<(Cow<'_, str>, DigitGroups)>, ValueError> {
    let s = fold_width(raw);
    if s.is_empty() {
        return Ok(None);
    }
    match DigitGroups::scan(&s) {
        Some(g) => Ok(Some((s, g))),
        None if is_error_text(&s) => Err(ValueError::SpreadsheetError),
        None => Err(unreadable),
    }
}

/// The digits of `s[range]` as a number, if they are all ASCII digits.
fn ascii_number(s: &[u8], range: std::ops::Range<usize>) -> Option<u64> {
    s.get(range)?.iter().try_fold(0u64, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

/// The shapes nearly every export writes, read straight from the bytes: `YYYYMM` and
/// `YYYY-MM` periods; `YYYY-MM-DD` dates with or without ` hh:mm:ss`. Anything else, even
/// with a space around it, is left to the general reading, which gives the same value
/// for these shapes (`plain_shapes_read_as_the_general_path` holds it to that).
fn plain_period(s: &[u8]) -> Option<(u64, u64)> {
    match s.len() {
        6 => Some((ascii_number(s, 0..4)?, ascii_number(s, 4..6)?)),
        7 if s[4] == b'-' => Some((ascii_number(s, 0..4)?, ascii_number(s, 5..7)?)),
        _ => None,
    }
}

type DateParts = (u64, u64, u64, u64, u64, u64);

fn plain_date_time(s: &[u8]) -> Option<DateParts> {
    if !matches!(s.len(), 10 | 19) || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let (y, m, d) = (
        ascii_number(s, 0..4)?,
        ascii_number(s, 5..7)?,
        ascii_number(s, 8..10)?,
    );
    if s.len() == 10 {
        return Some((y, m, d, 0, 0, 0));
    }
    if s[10] != b' ' || s[13] != b':' || s[16] != b':' {
        return None;
    }
    let (hh, mm, ss) = (
        ascii_number(s, 11..13)?,
        ascii_number(s, 14..16)?,
        ascii_number(s, 17..19)?,
    );
    Some((y, m, d, hh, mm, ss))
}

fn period_text(raw: &str) -> ValueResult<Period> {
    if let Some((y, m)) = plain_period(raw.as_bytes()) {
        return ym(y, m).map(Some);
    }
    period_groups(raw)
}

fn period_groups(raw: &str) -> ValueResult<Period> {
    let Some((s, g)) = scan_text(raw, ValueError::NotAPeriod)? else {
        return Ok(None);
    };
    let (v0, l0) = g.groups[0];
    match (g.len, l0) {
        (1, 6) => ym(v0 / 100, v0 % 100).map(Some),
        (1, 8) | (1, 14) => {
            let (y, m, d, ..) = compact_date(v0, l0).ok_or(ValueError::NotAPeriod)?;
            ymd(y, m, d).map(Period::of_date)
        }
        // `202403.0`: a period that went through a float column.
        (2, 6) if g.groups[1].0 == 0 && s.contains('.') => ym(v0 / 100, v0 % 100).map(Some),
        (n, 4) if n >= 2 && g.groups[1].1 <= 2 => {
            if let Some((d, dl)) = g.get(2) {
                if dl > 2 {
                    return Err(ValueError::NotAPeriod);
                }
                ymd(v0, g.groups[1].0, d).map(Period::of_date)
            } else {
                ym(v0, g.groups[1].0).map(Some)
            }
        }
        _ => Err(ValueError::NotAPeriod),
    }
}

/// A date, with or without a time: `2024-03-15`, `2024/3/15 10:20`, `20240315`,
/// `2024年3月15日`, `20240315102030`, Excel date cells and serial numbers. A bare month
/// (`2024-03`) is taken as its first day: statements that only give the month still align.
pub fn date_time(cell: &Cell) -> ValueResult<NaiveDateTime> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::DateTime(d) => {
            if (Period::MIN_YEAR..=Period::MAX_YEAR).contains(&d.year()) {
                Ok(Some(*d))
            } else {
                Err(ValueError::OutOfRange)
            }
        }
        Cell::Int(i) => date_number(*i as f64),
        Cell::Float(f) => date_number(*f),
        Cell::Text(t) => date_text(t),
        Cell::Error(_) => Err(ValueError::SpreadsheetError),
        Cell::Bool(_) => Err(ValueError::NotADate),
    }
}

/// A date without its time.
pub fn date(cell: &Cell) -> ValueResult<NaiveDate> {
    date_time(cell).map(|d| d.map(|d| d.date()))
}

fn date_number(f: f64) -> ValueResult<NaiveDateTime> {
    if let Some(v) = integral(f)
        && (10_000_000..=99_999_999).contains(&v)
    {
        return ymd(v / 10000, v / 100 % 100, v % 100).map(|d| Some(d.and_time(NaiveTime::MIN)));
    }
    match excel_serial(f) {
        Some(d) if (Period::MIN_YEAR..=Period::MAX_YEAR).contains(&d.year()) => Ok(Some(d)),
        Some(_) => Err(ValueError::OutOfRange),
        None => Err(ValueError::NotADate),
    }
}

fn date_text(raw: &str) -> ValueResult<NaiveDateTime> {
    if let Some((y, m, d, hh, mm, ss)) = plain_date_time(raw.as_bytes()) {
        let time = NaiveTime::from_hms_opt(hh as u32, mm as u32, ss as u32);
        return Ok(Some(
            ymd(y, m, d)?.and_time(time.ok_or(ValueError::NotADate)?),
        ));
    }
    date_groups(raw)
}

fn date_groups(raw: &str) -> ValueResult<NaiveDateTime> {
    let Some((_, g)) = scan_text(raw, ValueError::NotADate)? else {
        return Ok(None);
    };
    let (v0, l0) = g.groups[0];
    if let Some((y, m, d, hh, mm, ss)) = compact_date(v0, l0) {
        let date = ymd(y, m, d)?;
        let time = if g.len > 1 {
            hms(&g, 1)?
        } else {
            NaiveTime::from_hms_opt(hh as u32, mm as u32, ss as u32).ok_or(ValueError::NotADate)?
        };
        return Ok(Some(date.and_time(time)));
    }
    if l0 != 4 || g.len < 2 || g.groups[1].1 > 2 {
        return Err(ValueError::NotADate);
    }
    let month = g.groups[1].0;
    let Some((day, dl)) = g.get(2) else {
        return ymd(v0, month, 1).map(|d| Some(d.and_time(NaiveTime::MIN)));
    };
    if dl > 2 {
        return Err(ValueError::NotADate);
    }
    let date = ymd(v0, month, day)?;
    let time = if g.len > 3 {
        hms(&g, 3)?
    } else {
        NaiveTime::MIN
    };
    Ok(Some(date.and_time(time)))
}

// ---------------------------------------------------------------------------------------
// Identifiers

/// A person identifier as read, and whether an 18-digit ID number failed its check digit
/// (accepted, but counted as a warning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonKey {
    pub id: String,
    pub bad_check_digit: bool,
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character for the first 17 digits of an ID number.
pub fn id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// Whether `id` has the shape of an 18-digit ID number (17 digits and a digit or X).
pub fn is_id18(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X')
}

/// The birth date in digits 7–14 of an 18-digit ID number.
pub fn birth_date_from_id(id: &str) -> Option<NaiveDate> {
    if !is_id18(id) {
        return None;
    }
    let y = id[6..10].parse().ok()?;
    let m = id[10..12].parse().ok()?;
    let d = id[12..14].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exp = exp.trim_start_matches(['+', '-']);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().any(|c| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

/// A person identifier: an ID number (身份证号), a social-security or person number.
/// Trimmed, spaces removed, `x` → `X`; Excel's text guards (`'…`, `="…"`) dropped. An ID in
/// scientific notation, or stored as a number too long for Excel's 15 digits, is an error:
/// its digits are gone and must not be guessed.
pub fn person_key(cell: &Cell) -> ValueResult<PersonKey> {
    // The common shape: a clean 18-character ID number.
    if let Cell::Text(t) = cell
        && is_id18(t)
    {
        return Ok(Some(PersonKey {
            id: t.to_string(),
            bad_check_digit: id_check_char(&t[..17]) != t[17..].chars().next(),
        }));
    }
    let text: Cow<str> = match cell {
        Cell::Empty => return Ok(None),
        Cell::Int(i) => {
            if i.unsigned_abs() > 999_999_999_999_999 {
                return Err(ValueError::IdPrecisionLost);
            }
            Cow::Owned(i.to_string())
        }
        Cell::Float(f) => {
            if !f.is_finite() || f.fract() != 0.0 || *f < 0.0 {
                return Err(ValueError::IdInvalid);
            }
            if *f > 999_999_999_999_999.0 {
                return Err(ValueError::IdPrecisionLost);
            }
            Cow::Owned(format!("{}", *f as u64))
        }
        Cell::Text(t) if is_error_text(t) => return Err(ValueError::SpreadsheetError),
        Cell::Text(t) => fold_width(t),
        Cell::Error(_) => return Err(ValueError::SpreadsheetError),
        Cell::DateTime(_) | Cell::Bool(_) => return Err(ValueError::IdInvalid),
    };
    let mut s: &str = text.trim_matches(is_space);
    if let Some(inner) = s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        s = inner;
    }
    s = s.trim_start_matches(['\'', '`']).trim_matches(is_space);
    if s.is_empty() {
        return Ok(None);
    }
    if looks_scientific(s) {
        return Err(ValueError::IdScientific);
    }
    let mut id: String = s.chars().filter(|c| !is_space(*c)).collect();
    // `1000123.0`: a person number that went through a float column.
    if let Some((int, frac)) = id.split_once('.')
        && !int.is_empty()
        && int.len() <= 15
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b == b'0')
    {
        id.truncate(int.len());
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ValueError::IdInvalid);
    }
    id.make_ascii_uppercase();
    let bad_check_digit = is_id18(&id) && id_check_char(&id[..17]) != id[17..].chars().next();
    Ok(Some(PersonKey {
        id,
        bad_check_digit,
    }))
}

/// Free text (a name, a tier, an institution): trimmed, full-width folded; empty → None.
pub fn text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        other => {
            let t = fold_width(&other.to_text()).into_owned();
            (!t.is_empty()).then_some(t)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Coded values, recognised by the keywords SPEC lists, contained in the cell.

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// A leading national code (`101`, `30-补收`, `10 正常缴费`).
fn leading_code(s: &str) -> Option<u32> {
    let digits: &str = &s[..s.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() || digits.len() > 3 {
        return None;
    }
    let rest = &s[digits.len()..];
    if rest.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    digits.parse().ok()
}

/// 缴费状态: paid or unpaid; an empty cell is `None` (treated as paid by the caller).
pub fn payment_status(cell: &Cell) -> ValueResult<PaymentStatus> {
    if let Cell::Bool(b) = cell {
        return Ok(Some(if *b {
            PaymentStatus::Paid
        } else {
            PaymentStatus::Unpaid
        }));
    }
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if contains_any(
        &s,
        &[
            "未缴",
            "欠缴",
            "欠费",
            "未到账",
            "未到帐",
            "未足额",
            "unpaid",
        ],
    ) || matches!(s.as_str(), "否" | "0" | "n" | "no" | "false")
    {
        return Ok(Some(PaymentStatus::Unpaid));
    }
    if contains_any(
        &s,
        &[
            "已缴",
            "已实缴",
            "已到账",
            "已到帐",
            "足额缴费",
            "已足额",
            "正常",
            "paid",
        ],
    ) || matches!(s.as_str(), "是" | "1" | "y" | "yes" | "true")
    {
        return Ok(Some(PaymentStatus::Paid));
    }
    Err(ValueError::UnknownStatus)
}

/// 缴费类型: 10/正常 normal, 30–35/补缴/补收/补差 back payment, 20/退收 refund.
pub fn contribution_type(cell: &Cell) -> ValueResult<ContributionType> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if let Some(code) = leading_code(&s) {
        return match code {
            10 => Ok(Some(ContributionType::Normal)),
            20 => Ok(Some(ContributionType::Refund)),
            30..=35 => Ok(Some(ContributionType::BackPayment)),
            _ => Err(ValueError::UnknownContributionType),
        };
    }
    if contains_any(&s, &["补", "back"]) {
        Ok(Some(ContributionType::BackPayment))
    } else if contains_any(&s, &["退", "refund"]) {
        Ok(Some(ContributionType::Refund))
    } else if contains_any(&s, &["正常", "normal"]) {
        Ok(Some(ContributionType::Normal))
    } else {
        Err(ValueError::UnknownContributionType)
    }
}

/// 险种: never an error — a scheme the tool does not reconcile is kept as `Other`.
pub fn insurance(cell: &Cell) -> ValueResult<Insurance> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    let original = text(cell).unwrap_or_default();
    if let Some(code) = leading_code(&s) {
        return Ok(Some(match code {
            310 => Insurance::Employee,
            390 | 391 => Insurance::Resident,
            _ => Insurance::Other(original.into()),
        }));
    }
    // Order matters: 城乡居民基本医疗保险 also contains 基本医疗保险, and 职工大额医疗
    // contains 职工.
    let ins = if contains_any(
        &s,
        &[
            "大额",
            "公务员",
            "补助",
            "大病",
            "生育",
            "养老",
            "失业",
            "工伤",
        ],
    ) {
        Insurance::Other(original.into())
    } else if contains_any(
        &s,
        &["城乡居民", "居民医保", "城镇居民", "居民", "resident"],
    ) {
        Insurance::Resident
    } else if contains_any(&s, &["灵活就业", "灵活", "flexible"]) {
        Insurance::Flexible
    } else if contains_any(&s, &["职工", "基本医疗", "医疗保险", "医保", "employee"]) {
        Insurance::Employee
    } else {
        Insurance::Other(original.into())
    };
    Ok(Some(ins))
}

/// 人员类别: 在职 active, 退休 retired.
pub fn category(cell: &Cell) -> ValueResult<Category> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if contains_any(&s, &["退休", "离休", "retire"]) {
        Ok(Some(Category::Retired))
    } else if contains_any(
        &s,
        &["在职", "在岗", "职工", "灵活就业", "active", "employed"],
    ) {
        Ok(Some(Category::Active))
    } else {
        Err(ValueError::UnknownCategory)
    }
}

/// 账户状态/参保状态: 正常 active; 冻结, 未激活, 暂停 (and 终止, 注销) inactive.
pub fn account_status(cell: &Cell) -> ValueResult<AccountStatus> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if contains_any(
        &s,
        &[
            "冻结",
            "未激活",
            "暂停",
            "终止",
            "注销",
            "无效",
            "inactive",
            "frozen",
            "suspend",
        ],
    ) {
        Ok(Some(AccountStatus::Inactive))
    } else if contains_any(&s, &["正常", "激活", "active", "normal"]) {
        Ok(Some(AccountStatus::Active))
    } else {
        Err(ValueError::UnknownAccountStatus)
    }
}

/// The kind of a statement entry from a national code (§3 of DOMAIN.md) or words, and the
/// direction its money moves when the file's amounts are unsigned. Never an error: what
/// is not recognised is `Unclassified`, kept and flagged downstream.
pub fn entry_kind(cell: &Cell) -> (EntryKind, Direction) {
    use Direction::*;
    use EntryKind::*;
    let Ok(Some(s)) = keyword_text(cell) else {
        return (Unclassified, AsWritten);
    };
    if let Some(code) = leading_code(&s) {
        let kind = match code {
            101 | 108 | 111 => Credit,
            102 | 103 => Interest,
            104 | 109 | 110 | 202 => Adjustment,
            107 => TransferIn,
            113 | 206 => CarryOver,
            201 => Spending,
            203 => Clearing,
            205 => Family,
            207 => TransferOut,
            _ => Unclassified,
        };
        let dir = match code / 100 {
            1 => In,
            2 => Out,
            _ => AsWritten,
        };
        return (kind, dir);
    }
    if contains_any(&s, &["继承"]) {
        return (Unclassified, AsWritten);
    }
    if contains_any(&s, &["清退", "清零", "clearing"]) {
        (Clearing, Out)
    } else if contains_any(&s, &["转出", "transfer_out", "transfer out"]) {
        (TransferOut, Out)
    } else if contains_any(&s, &["转入", "transfer_in", "transfer in"]) {
        (TransferIn, In)
    } else if contains_any(&s, &["家庭共济", "共济", "亲情", "代缴费", "family"]) {
        (Family, Out)
    } else if contains_any(&s, &["结转", "carry"]) {
        (CarryOver, if s.contains("支出") { Out } else { In })
    } else if contains_any(&s, &["结息", "利息", "interest"]) {
        (Interest, In)
    } else if contains_any(&s, &["退费", "冲正", "调整", "refund", "adjust"]) {
        (
            Adjustment,
            if s.contains("退费") || s.contains("refund") {
                In
            } else {
                AsWritten
            },
        )
    } else if contains_any(&s, &["划入", "划拨", "划账", "个账划入", "预划", "credit"])
    {
        (Credit, In)
    } else if contains_any(
        &s,
        &["消费", "门诊", "药店", "购药", "住院", "结算", "spending"],
    ) {
        (Spending, Out)
    } else {
        (Unclassified, AsWritten)
    }
}

/// 共济人员: authorised relatives, separated by `;`, `、`, `,` (half- or full-width).
pub fn list(cell: &Cell) -> Vec<String> {
    let Some(t) = text(cell) else {
        return Vec::new();
    };
    t.split([';', '；', '、', ',', '，', '|'])
        .map(|p| p.trim_matches(is_space))
        .filter(|p| !p.is_empty())
        .map(|p| {
            // An ID written in lower case matches one written in upper case.
            if p.len() == 18 && p.ends_with('x') {
                p.to_ascii_uppercase()
            } else {
                p.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The byte-level fast paths give what the digit-group reading gives, values and
        /// errors alike: for the shapes they take, and for strings of digits and
        /// separators near them.
        #[test]
        fn plain_shapes_read_as_the_general_path(
            date in "(19|20|[0-9]{2})[0-9]{2}-(0[0-9]|1[0-3])-([0-2][0-9]|3[0-2])( ([01][0-9]|2[0-4]):[0-6][0-9]:[0-6][0-9])?",
            period in "(19|20|[0-9]{2})[0-9]{2}-?(0[0-9]|1[0-3])",
            near in "[0-9: -]{5,20}",
        ) {
            for t in [&date, &near] {
                prop_assert_eq!(date_text(t), date_groups(t), "{}", t);
            }
            for t in [&period, &near] {
                prop_assert_eq!(period_text(t), period_groups(t), "{}", t);
            }
        }
    }

    use super::*;
    use rust_decimal::Decimal;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }
    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    #[test]
    fn amounts_in_every_shape() {
        for (input, want) in [
            ("1,234.50", "1234.50"),
            ("¥1234.5", "1234.5"),
            ("￥1234.5", "1234.5"),
            ("1234.50元", "1234.50"),
            ("(12.00)", "-12.00"),
            ("-12", "-12"),
            ("１２３４．５", "1234.5"),
            ("  88 ", "88"),
            ("0.005", "0.01"),
            ("-0.005", "-0.01"),
            ("2.675", "2.68"),
            ("1.2E+3", "1200"),
            ("RMB 100", "100"),
        ] {
            assert_eq!(amount(&t(input)), Ok(Some(dec(want))), "{input}");
        }
        assert_eq!(amount(&Cell::Float(0.1 + 0.2)), Ok(Some(dec("0.30"))));
        assert_eq!(amount(&Cell::Float(1234.5)), Ok(Some(dec("1234.5"))));
        assert_eq!(amount(&Cell::Int(-7)), Ok(Some(dec("-7"))));
        assert_eq!(amount(&t("")), Ok(None));
        assert_eq!(amount(&t("-")), Ok(None));
        assert_eq!(amount(&Cell::Empty), Ok(None));
        assert_eq!(amount(&t("abc")), Err(ValueError::NotAnAmount));
        assert_eq!(amount(&t("12.3.4")), Err(ValueError::NotAnAmount));
        assert_eq!(amount(&t("1e400")), Err(ValueError::AmountOutOfRange));
        assert_eq!(amount(&t("1e30")), Err(ValueError::AmountOutOfRange));
        assert_eq!(amount(&t("1e-400")), Err(ValueError::NotAnAmount));
        assert_eq!(
            amount(&t("99999999999999999999999999999999")),
            Err(ValueError::AmountOutOfRange)
        );
        assert_eq!(
            amount(&t("5000000000000")),
            Err(ValueError::AmountOutOfRange)
        );
        assert_eq!(amount(&Cell::Float(f64::NAN)), Err(ValueError::NotAnAmount));
        assert_eq!(
            amount(&Cell::Error("#N/A".into())),
            Err(ValueError::SpreadsheetError)
        );
    }

    #[test]
    fn periods_in_every_shape() {
        for input in [
            "202403",
            "2024-03",
            "2024/3",
            "2024.03",
            "2024年3月",
            "2024年03月",
            "2024-03-15",
            "20240315",
            "2024/3/15 10:00",
            "２０２４０３",
            "202403.0",
            " 2024 - 03 ",
        ] {
            assert_eq!(period(&t(input)), Ok(Some(p(2024, 3))), "{input}");
        }
        assert_eq!(period(&Cell::Float(202403.0)), Ok(Some(p(2024, 3))));
        assert_eq!(period(&Cell::Int(20240331)), Ok(Some(p(2024, 3))));
        // 45366 is 2024-03-15 in Excel's 1900 date system.
        assert_eq!(period(&Cell::Float(45366.0)), Ok(Some(p(2024, 3))));
        let dt = NaiveDate::from_ymd_opt(2024, 3, 1)
            .unwrap()
            .and_time(NaiveTime::MIN);
        assert_eq!(period(&Cell::DateTime(dt)), Ok(Some(p(2024, 3))));
        assert_eq!(period(&t("")), Ok(None));
        assert_eq!(period(&t("202413")), Err(ValueError::OutOfRange));
        assert_eq!(period(&t("2100-01")), Err(ValueError::OutOfRange));
        assert_eq!(period(&t("1899-12")), Err(ValueError::OutOfRange));
        assert_eq!(period(&t("三月")), Err(ValueError::NotAPeriod));
        assert_eq!(period(&t("2024")), Err(ValueError::NotAPeriod));
        assert_eq!(period(&t("24-03")), Err(ValueError::NotAPeriod));
        assert_eq!(period(&Cell::Float(2024.5)), Err(ValueError::NotAPeriod));
    }

    #[test]
    fn dates_in_every_shape() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let at = |y, m, dd, h, mi, s| d(y, m, dd).and_hms_opt(h, mi, s).unwrap();
        for input in [
            "2024-03-15",
            "2024/3/15",
            "20240315",
            "2024年3月15日",
            "2024.03.15",
        ] {
            assert_eq!(
                date_time(&t(input)),
                Ok(Some(at(2024, 3, 15, 0, 0, 0))),
                "{input}"
            );
        }
        for input in [
            "2024-03-15 10:20:30",
            "2024/3/15 10:20:30",
            "2024-03-15T10:20:30",
            "20240315102030",
            "2024-03-15 10:20:30.123",
            "20240315 10:20:30",
        ] {
            assert_eq!(
                date_time(&t(input)),
                Ok(Some(at(2024, 3, 15, 10, 20, 30))),
                "{input}"
            );
        }
        assert_eq!(date_time(&t("2024-03")), Ok(Some(at(2024, 3, 1, 0, 0, 0))));
        assert_eq!(
            date_time(&Cell::Float(45366.5)),
            Ok(Some(at(2024, 3, 15, 12, 0, 0)))
        );
        assert_eq!(
            date_time(&Cell::Int(20240315)),
            Ok(Some(at(2024, 3, 15, 0, 0, 0)))
        );
        assert_eq!(date(&t("2024-02-30")), Err(ValueError::OutOfRange));
        assert_eq!(date(&t("2024-03-15 25:00")), Err(ValueError::NotADate));
        assert_eq!(date(&t("yesterday")), Err(ValueError::NotADate));
        assert_eq!(date(&t("15/03/2024")), Err(ValueError::NotADate));
        assert_eq!(date(&t("2100-01-01")), Err(ValueError::OutOfRange));
        assert_eq!(date(&Cell::Empty), Ok(None));
    }

    #[test]
    fn person_keys() {
        let key = |c: &Cell| person_key(c).map(|k| k.map(|k| (k.id, k.bad_check_digit)));
        assert_eq!(
            key(&t(" 11010519491231002x ")),
            Ok(Some(("11010519491231002X".into(), false)))
        );
        assert_eq!(
            key(&t("110105194912310021")),
            Ok(Some(("110105194912310021".into(), true)))
        );
        assert_eq!(
            key(&t("'11010519491231002X")),
            Ok(Some(("11010519491231002X".into(), false)))
        );
        assert_eq!(
            key(&t("=\"11010519491231002X\"")),
            Ok(Some(("11010519491231002X".into(), false)))
        );
        assert_eq!(key(&t("P-0001")), Ok(Some(("P-0001".into(), false))));
        assert_eq!(key(&t("1000123.0")), Ok(Some(("1000123".into(), false))));
        assert_eq!(
            key(&Cell::Float(1000123.0)),
            Ok(Some(("1000123".into(), false)))
        );
        assert_eq!(
            key(&Cell::Float(110105491231002.0)),
            Ok(Some(("110105491231002".into(), false)))
        );
        assert_eq!(key(&t("3.20102E+17")), Err(ValueError::IdScientific));
        assert_eq!(key(&t("3.20102e17")), Err(ValueError::IdScientific));
        assert_eq!(
            key(&Cell::Float(3.201_021_990_010_1e17)),
            Err(ValueError::IdPrecisionLost)
        );
        assert_eq!(
            key(&Cell::Int(320_102_199_001_011_234)),
            Err(ValueError::IdPrecisionLost)
        );
        assert_eq!(key(&t("张三")), Err(ValueError::IdInvalid));
        assert_eq!(key(&t("")), Ok(None));
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        assert_eq!(
            birth_date_from_id("11010519491231002X"),
            NaiveDate::from_ymd_opt(1949, 12, 31)
        );
    }

    #[test]
    fn coded_values() {
        use PaymentStatus::*;
        for (s, want) in [
            ("已缴", Paid),
            ("已实缴", Paid),
            ("已到账", Paid),
            ("足额缴费", Paid),
            ("正常", Paid),
            ("是", Paid),
            ("1", Paid),
            ("paid", Paid),
            ("PAID", Paid),
            ("未缴", Unpaid),
            ("欠缴", Unpaid),
            ("欠费", Unpaid),
            ("未到账", Unpaid),
            ("否", Unpaid),
            ("0", Unpaid),
            ("unpaid", Unpaid),
        ] {
            assert_eq!(payment_status(&t(s)), Ok(Some(want)), "{s}");
        }
        assert_eq!(payment_status(&Cell::Float(0.0)), Ok(Some(Unpaid)));
        assert_eq!(payment_status(&t("部分")), Err(ValueError::UnknownStatus));
        assert_eq!(payment_status(&t("")), Ok(None));

        use ContributionType::*;
        for (s, want) in [
            ("正常", Normal),
            ("10", Normal),
            ("正常缴费", Normal),
            ("补缴", BackPayment),
            ("补收", BackPayment),
            ("30", BackPayment),
            ("35", BackPayment),
            ("34 基数补差", BackPayment),
            ("20", Refund),
            ("退收", Refund),
        ] {
            assert_eq!(contribution_type(&t(s)), Ok(Some(want)), "{s}");
        }
        assert_eq!(
            contribution_type(&t("99")),
            Err(ValueError::UnknownContributionType)
        );
        assert_eq!(
            contribution_type(&t("其他")),
            Err(ValueError::UnknownContributionType)
        );

        for (s, want) in [
            ("职工基本医疗保险", Insurance::Employee),
            ("职工医保", Insurance::Employee),
            ("310", Insurance::Employee),
            ("灵活就业人员", Insurance::Flexible),
            ("城乡居民基本医疗保险", Insurance::Resident),
            ("居民医保", Insurance::Resident),
            ("390", Insurance::Resident),
            ("391", Insurance::Resident),
            (
                "大额医疗费用补助",
                Insurance::Other("大额医疗费用补助".into()),
            ),
            ("330", Insurance::Other("330".into())),
        ] {
            assert_eq!(insurance(&t(s)), Ok(Some(want)), "{s}");
        }
        assert_eq!(category(&t("退休人员")), Ok(Some(Category::Retired)));
        assert_eq!(category(&t("在职")), Ok(Some(Category::Active)));
        assert_eq!(category(&t("学生")), Err(ValueError::UnknownCategory));
        assert_eq!(
            account_status(&t("冻结")),
            Ok(Some(AccountStatus::Inactive))
        );
        assert_eq!(
            account_status(&t("未激活")),
            Ok(Some(AccountStatus::Inactive))
        );
        assert_eq!(
            account_status(&t("暂停参保")),
            Ok(Some(AccountStatus::Inactive))
        );
        assert_eq!(account_status(&t("正常")), Ok(Some(AccountStatus::Active)));
        assert_eq!(
            account_status(&t("???")),
            Err(ValueError::UnknownAccountStatus)
        );
    }

    #[test]
    fn entry_kinds_by_code_and_words() {
        use Direction::*;
        use EntryKind::*;
        for (s, kind, dir) in [
            ("101", Credit, In),
            ("101 个人账户划账", Credit, In),
            ("108", Credit, In),
            ("111", Credit, In),
            ("102", Interest, In),
            ("107", TransferIn, In),
            ("113", CarryOver, In),
            ("206", CarryOver, Out),
            ("201", Spending, Out),
            ("203", Clearing, Out),
            ("205", Family, Out),
            ("207", TransferOut, Out),
            ("202", Adjustment, Out),
            ("109", Adjustment, In),
            ("208", Unclassified, Out),
            ("个人账户划入", Credit, In),
            ("划拨", Credit, In),
            ("预划", Credit, In),
            ("门诊消费", Spending, Out),
            ("药店购药", Spending, Out),
            ("住院结算", Spending, Out),
            ("家庭共济", Family, Out),
            ("共济支付", Family, Out),
            ("代缴费", Family, Out),
            ("个人账户清退", Clearing, Out),
            ("清零", Clearing, Out),
            ("账户转出", TransferOut, Out),
            ("账户转入", TransferIn, In),
            ("结息", Interest, In),
            ("年度结转支出", CarryOver, Out),
            ("上年结转收入", CarryOver, In),
            ("医保退费", Adjustment, In),
            ("冲正", Adjustment, AsWritten),
            ("划拨继承人", Unclassified, AsWritten),
            ("其他", Unclassified, AsWritten),
            ("credit", Credit, In),
            ("spending", Spending, Out),
        ] {
            assert_eq!(entry_kind(&t(s)), (kind, dir), "{s}");
        }
        assert_eq!(entry_kind(&Cell::Int(101)), (Credit, In));
        assert_eq!(entry_kind(&Cell::Empty), (Unclassified, AsWritten));
    }

    #[test]
    fn family_lists_split_on_every_separator() {
        assert_eq!(
            list(&t("张三;李四、王五，赵六")),
            vec!["张三", "李四", "王五", "赵六"]
        );
        assert_eq!(list(&t("11010519491231002x")), vec!["11010519491231002X"]);
        assert!(list(&t(" ")).is_empty());
    }

    #[test]
    fn fold_width_folds_full_width() {
        assert_eq!(fold_width("　医疗保险（个人）　"), "医疗保险(个人)");
        assert_eq!(fold_width("ＡＢＣ１"), "ABC1");
    }
}
