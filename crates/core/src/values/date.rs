//! Periods (year and month) and dates, read by a small digit-group scanner rather than by
//! trying a list of chrono formats one after the other: there are a dozen shapes and a
//! million rows, and chrono still checks that the date exists.

use std::borrow::Cow;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::{Cell, ValueError, ValueResult, fold_width, is_error_text};
use crate::records::Period;

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
    // The year and month are good: a day the month does not have is said as such.
    NaiveDate::from_ymd_opt(year, m as u32, d as u32).ok_or(ValueError::NoSuchDay)
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
        Cell::UnsavedFormula => Err(ValueError::UnsavedFormula),
        Cell::Bool(_) => Err(ValueError::NotAPeriod),
    }
}

/// The longest range of months a row may cover (SPEC 2.1).
pub const MAX_RANGE_MONTHS: i64 = 36;

/// A range of months: its first and last month (equal for a single month).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthRange {
    pub start: Period,
    pub end: Period,
}

impl MonthRange {
    /// Checks the order and the length of a range from its two ends.
    pub fn new(start: Period, end: Option<Period>) -> Result<MonthRange, ValueError> {
        let end = end.unwrap_or(start);
        if end < start {
            return Err(ValueError::RangeBackwards);
        }
        let range = MonthRange { start, end };
        if range.months() > MAX_RANGE_MONTHS {
            return Err(ValueError::RangeTooLong);
        }
        Ok(range)
    }

    /// How many calendar months it covers.
    pub fn months(self) -> i64 {
        self.end.index() - self.start.index() + 1
    }
}

/// A range of months in one cell (费款所属期起止): `2023-07-01至2023-09-30`, with `至`, `到`,
/// `~` or `-` between the ends; a cell with one month is a one-month range. With `-` the
/// cell is cut at the one dash whose two sides both read as months.
pub fn month_range(cell: &Cell) -> ValueResult<MonthRange> {
    let text = match cell {
        Cell::Text(t) => fold_width(t).into_owned(),
        other => return Ok(period(other)?.map(|p| MonthRange { start: p, end: p })),
    };
    if text.is_empty() {
        return Ok(None);
    }
    let read = |s: &str| period(&Cell::Text(s.trim().into())).ok().flatten();
    for sep in ["至", "到", "~", "～", "—"] {
        if let Some((a, b)) = text.split_once(sep) {
            let (Some(a), Some(b)) = (read(a), read(b)) else {
                return Err(ValueError::NotARange);
            };
            return MonthRange::new(a, Some(b)).map(Some);
        }
    }
    let cuts: Vec<(Period, Period)> = text
        .match_indices('-')
        .filter_map(|(i, _)| Some((read(&text[..i])?, read(&text[i + 1..])?)))
        .collect();
    match (cuts.as_slice(), read(&text)) {
        ([(a, b)], _) => MonthRange::new(*a, Some(*b)).map(Some),
        (_, Some(p)) => Ok(Some(MonthRange { start: p, end: p })),
        _ => Err(ValueError::NotARange),
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
        Cell::UnsavedFormula => Err(ValueError::UnsavedFormula),
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

    #[test]
    fn month_ranges_in_one_cell() {
        let range = |s: &str| month_range(&Cell::Text(s.into()));
        let ends = |s: &str| range(s).map(|r| r.map(|r| (r.start.to_string(), r.end.to_string())));
        let want = Ok(Some(("2023-07".to_string(), "2023-09".to_string())));
        for s in [
            "2023-07-01至2023-09-30",
            "2023-07-01 至 2023-09-30",
            "202307-202309",
            "2023.07-2023.09",
            "2023-07-01~2023-09-30",
            "2023年7月到2023年9月",
            "2023-07-01-2023-09-30",
        ] {
            assert_eq!(ends(s), want, "{s}");
        }
        assert_eq!(
            ends("2023-07"),
            Ok(Some(("2023-07".to_string(), "2023-07".to_string())))
        );
        assert_eq!(ends(""), Ok(None));
        assert_eq!(range("2023-09至2023-07"), Err(ValueError::RangeBackwards));
        assert_eq!(range("2019-01至2023-07"), Err(ValueError::RangeTooLong));
        assert_eq!(range("2023-07至某月"), Err(ValueError::NotARange));
        assert_eq!(range("abc"), Err(ValueError::NotARange));
        assert_eq!(
            range("2023-07-01至2026-06-30").map(|r| r.map(|r| r.months())),
            Ok(Some(36))
        );
    }

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }
    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
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
        assert_eq!(date(&t("2024-02-30")), Err(ValueError::NoSuchDay));
        assert_eq!(date(&t("2024-03-15 25:00")), Err(ValueError::NotADate));
        assert_eq!(date(&t("yesterday")), Err(ValueError::NotADate));
        assert_eq!(date(&t("15/03/2024")), Err(ValueError::NotADate));
        assert_eq!(date(&t("2100-01-01")), Err(ValueError::OutOfRange));
        assert_eq!(date(&Cell::Empty), Ok(None));
    }
}
