//! Grouped two-row headers (SPEC 2.1): an HR payroll 社保明细表 or a city bill puts a group
//! label (养老, 医疗, 大病医疗, `基本医疗保险（含生育）(单位缴纳)`, `医疗2025年7月-8月补差`)
//! over sub-headers (基数, 个人(2%), 个人金额, 单位金额, 应缴金额) that mean something only
//! under their group. This module says what a sub-header means under its label:
//!
//! - under another scheme's group (养老, 失业, 大病医疗…): nothing — the column is ignored;
//! - under a medical group: 基数 the base; 个人金额 / 单位金额 the amounts; 个人 / 单位
//!   the amounts only when the group has no …金额 column for that side; a sub-header with
//!   `%`, 比例 or 费率 a rate, ignored; a group naming a side as well (`…(单位缴纳)`) makes
//!   应缴金额 / 实缴金额 / 金额 that side's amount;
//! - under a medical group naming months with 补差 / 补缴: back-payment columns for those
//!   months (their 基数 the per-month difference of base); a label whose months cannot be
//!   read leaves its columns ignored, with a warning.

use crate::aliases::{self, Field, normalize_header};
use crate::ingest::layouts::long::{Side, side_of};
use crate::records::Period;
use crate::values::{MonthRange, fold_width, names_other_scheme};

/// What a column under a group label is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Under {
    /// The label is no insurance (a 基本信息 over 姓名 and 身份证): the column keeps its own
    /// name, or the label and name together (`医疗保险(个人)`).
    Plain,
    /// A field of a medical group.
    Field(Field),
    /// A rate (个人(2%), 单位比例): not read.
    Rate,
    /// A column of another scheme's group: not read.
    OtherScheme,
    /// A column of a back-payment group for `months`.
    BackPay(MonthRange, BackPayPart),
    /// A back-payment group whose months cannot be read: not read, and said so.
    UnreadableMonths,
    /// A medical group's column that names nothing the tool reads.
    Unread,
}

/// Which value of a back-payment group a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackPayPart {
    /// The per-month difference of base.
    Base,
    Employee,
    Employer,
}

/// What the columns of one group mean: `subs` are the group's sub-headers as written.
pub fn read_group(label: &str, subs: &[&str]) -> Vec<Under> {
    let label = fold_width(label);
    if names_other_scheme(&label) {
        return vec![Under::OtherScheme; subs.len()];
    }
    if !is_medical(&label) {
        return vec![Under::Plain; subs.len()];
    }
    let normalized: Vec<String> = subs.iter().map(|s| normalize_header(s)).collect();
    let back_pay = ["补差", "补缴"].iter().any(|w| label.contains(w));
    if back_pay {
        let Some(months) = months_named(&label) else {
            return vec![Under::UnreadableMonths; subs.len()];
        };
        return (0..normalized.len())
            .map(|i| match meaning_at(i, None, &normalized) {
                Under::Field(Field::Base) => Under::BackPay(months, BackPayPart::Base),
                Under::Field(Field::EmployeeAmount) => {
                    Under::BackPay(months, BackPayPart::Employee)
                }
                Under::Field(Field::EmployerAmount) => {
                    Under::BackPay(months, BackPayPart::Employer)
                }
                other => other,
            })
            .collect();
    }
    let group_side = side_of(&label);
    (0..normalized.len())
        .map(|i| match meaning_at(i, group_side, &normalized) {
            // A title over the header (职工医疗保险缴费明细 beside 打印日期) is no group
            // for the columns that name a field of their own.
            Under::Unread if aliases::lookup(&normalized[i]).is_some() => Under::Plain,
            meaning => meaning,
        })
        .collect()
}

/// The side a bare `个人` / `单位` sub-header names (`个人(2%)` too), if it is one.
fn bare_side(n: &str) -> Option<Side> {
    let head = n.split('(').next().unwrap_or(n);
    match head {
        "个人" => Some(Side::Employee),
        "单位" => Some(Side::Employer),
        _ => None,
    }
}

/// SPEC 2.7: a `金额` right after a bare `个人` / `单位` is that side's amount, and the bare
/// column before it a rate (the real template heads a group `基数, 个人, 金额, 单位, 金额`
/// with 个人 = `2%`); otherwise as [`sub_meaning`] says.
fn meaning_at(i: usize, group_side: Option<Side>, all: &[String]) -> Under {
    let is_amount = |n: &str| n == "金额" || n.starts_with("金额(");
    let side_field = |side: Side| match side {
        Side::Employee => Field::EmployeeAmount,
        Side::Employer => Field::EmployerAmount,
    };
    if is_amount(&all[i])
        && let Some(side) = i.checked_sub(1).and_then(|p| bare_side(&all[p]))
    {
        return Under::Field(side_field(side));
    }
    if bare_side(&all[i]).is_some() && all.get(i + 1).is_some_and(|n| is_amount(n)) {
        return Under::Rate;
    }
    sub_meaning(&all[i], group_side, all)
}

/// A medical group: its label names medical insurance (after other schemes are ruled out).
fn is_medical(label: &str) -> bool {
    ["医疗", "医保"].iter().any(|w| label.contains(w))
}

fn is_rate(n: &str) -> bool {
    ["%", "比例", "费率"].iter().any(|w| n.contains(w))
}

/// One sub-header's meaning under a medical group; `group_side` is the side the label
/// names, `all` the group's sub-headers (normalised).
fn sub_meaning(n: &str, group_side: Option<Side>, all: &[String]) -> Under {
    if is_rate(n) {
        return Under::Rate;
    }
    if n.contains("基数") {
        return Under::Field(Field::Base);
    }
    // An HR sheet's 医疗 group may hold the tier (档次: 一档, 二档).
    if n.contains("档次") || n.contains("档位") {
        return Under::Field(Field::Tier);
    }
    let side_field = |side: Side| match side {
        Side::Employee => Field::EmployeeAmount,
        Side::Employer => Field::EmployerAmount,
    };
    if let Some(side) = group_side
        && ["应缴金额", "实缴金额", "金额", "应缴", "实缴"].contains(&n)
    {
        return Under::Field(side_field(side));
    }
    for (word, side) in [("个人", Side::Employee), ("单位", Side::Employer)] {
        if !n.starts_with(word) {
            continue;
        }
        let has_amount = |s: &String| s.starts_with(word) && s.contains("金额") && !is_rate(s);
        // 个人金额, 个人缴纳, 个人缴费, 个人应缴 / 单位实缴 (SPEC 2.7).
        if n.contains("金额") || n.contains('缴') || n.contains('交') {
            return Under::Field(side_field(side));
        }
        if n == word && !all.iter().any(has_amount) {
            return Under::Field(side_field(side));
        }
    }
    Under::Unread
}

/// The months a back-payment label names (`医疗2024年7月-8月补差`, `医疗补缴(2024.07-2024.08)`,
/// `医疗202407补缴`): a 4-digit number is a year, a 1–2-digit number after it a month of that
/// year, a 6-digit number a year and month; from the first month named to the last.
pub fn months_named(label: &str) -> Option<MonthRange> {
    let mut months: Vec<Period> = Vec::new();
    let mut year: Option<i32> = None;
    let mut digits = String::new();
    let mut take = |run: &str, year: &mut Option<i32>| match run.len() {
        4 => *year = run.parse().ok(),
        6 => {
            let (y, m) = run.split_at(4);
            if let (Ok(y), Ok(m)) = (y.parse(), m.parse()) {
                *year = Some(y);
                months.extend(Period::new(y, m));
            }
        }
        1 | 2 => {
            if let (Some(y), Ok(m)) = (*year, run.parse()) {
                months.extend(Period::new(y, m));
            }
        }
        _ => {}
    };
    for ch in label.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else if !digits.is_empty() {
            take(&digits, &mut year);
            digits.clear();
        }
    }
    let (first, last) = (*months.iter().min()?, *months.iter().max()?);
    MonthRange::new(first, Some(last)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    #[test]
    fn payroll_groups() {
        let subs = ["基数", "个人(2%)", "个人金额", "单位(8%)", "单位金额"];
        assert_eq!(
            read_group("医疗", &subs),
            vec![
                Under::Field(Field::Base),
                Under::Rate,
                Under::Field(Field::EmployeeAmount),
                Under::Rate,
                Under::Field(Field::EmployerAmount),
            ]
        );
        assert_eq!(read_group("养老", &subs), vec![Under::OtherScheme; 5]);
        assert_eq!(read_group("大病医疗", &subs), vec![Under::OtherScheme; 5]);
        assert_eq!(read_group("基本信息", &["姓名"]), vec![Under::Plain]);
        // 个人 / 单位 alone are the amounts when no …金额 column is beside them.
        assert_eq!(
            read_group("医疗保险", &["个人", "单位"]),
            vec![
                Under::Field(Field::EmployeeAmount),
                Under::Field(Field::EmployerAmount)
            ]
        );
        assert_eq!(
            read_group("医疗保险", &["个人", "个人金额"]),
            vec![Under::Unread, Under::Field(Field::EmployeeAmount)]
        );
        // A title that names medical insurance is no group for the columns under it.
        assert_eq!(
            read_group("职工医疗保险缴费明细", &["身份证号", "费款所属期"]),
            vec![Under::Plain, Under::Plain]
        );
    }

    #[test]
    fn a_city_bill_group_names_its_side() {
        assert_eq!(
            read_group(
                "基本医疗保险（含生育）(单位缴纳)",
                &["缴费基数", "费率", "应缴金额"]
            ),
            vec![
                Under::Field(Field::Base),
                Under::Rate,
                Under::Field(Field::EmployerAmount)
            ]
        );
        assert_eq!(
            read_group("生育保险(单位缴纳)", &["应缴金额"]),
            vec![Under::OtherScheme]
        );
    }

    #[test]
    fn back_payment_groups_name_their_months() {
        let range = MonthRange::new(p(2025, 7), Some(p(2025, 8))).unwrap();
        assert_eq!(
            read_group("医疗2025年7月-8月补差", &["基数", "个人金额", "单位金额"]),
            vec![
                Under::BackPay(range, BackPayPart::Base),
                Under::BackPay(range, BackPayPart::Employee),
                Under::BackPay(range, BackPayPart::Employer),
            ]
        );
        assert_eq!(
            months_named("医疗补缴(2024.07-2024.08)"),
            MonthRange::new(p(2024, 7), Some(p(2024, 8))).ok()
        );
        assert_eq!(
            months_named("医疗202403补缴"),
            MonthRange::new(p(2024, 3), None).ok()
        );
        assert_eq!(months_named("医疗补差"), None);
        assert_eq!(
            read_group("医疗补差", &["个人金额"]),
            vec![Under::UnreadableMonths]
        );
    }
}
