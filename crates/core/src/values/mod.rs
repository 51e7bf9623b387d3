//! Value parsers: one cell in, one typed value (or a reason it cannot be read) out.
//!
//! Every parser takes a [`Cell`] so that text from a CSV and typed cells from a workbook go
//! through the same rules. Empty cells give `Ok(None)`; the caller decides whether the field
//! was required. One module per kind of value: `amount`, `date`
//! (periods and dates), `id` (person identifiers), `codes` (keyword-coded
//! values); what they share (the cell, the errors, width folding) is here.

use std::borrow::Cow;

use chrono::{NaiveDateTime, NaiveTime};
use thiserror::Error;

use crate::lang::Lang;

mod amount;
mod codes;
mod date;
mod id;

pub use amount::{amount, money};
pub use codes::{
    account_status, category, contribution_type, entry_kind, insurance, is_reversed,
    names_a_scheme, names_other_scheme, payment_status,
};
pub use date::{MAX_RANGE_MONTHS, MonthRange, date, date_time, month_range, period};
pub use id::{
    PersonKey, Sex, birth_date_from_id, id_check_char, is_id_number, is_id18, person_key,
    sex_from_id,
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
    /// A formula whose result was never saved (a workbook written by a script, not by
    /// Excel or WPS): its value is unknown, never empty.
    UnsavedFormula,
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
            Cell::UnsavedFormula => Cow::Borrowed("=…"),
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
    #[error("no such day in that month (such as 30 February)")]
    NoSuchDay,
    #[error("ID number in scientific notation: Excel dropped its last digits")]
    IdScientific,
    #[error("ID stored as a number with more than 15 digits: Excel dropped its last digits")]
    IdPrecisionLost,
    #[error("not an identifier")]
    IdInvalid,
    #[error("two ID numbers in one cell")]
    TwoIds,
    #[error("unknown payment status")]
    UnknownStatus,
    #[error("unknown person category")]
    UnknownCategory,
    #[error("unknown account status")]
    UnknownAccountStatus,
    #[error("cell holds a spreadsheet error")]
    SpreadsheetError,
    #[error(
        "a formula without a saved result (the file was written by a program): open and save it in Excel or WPS, then read it again"
    )]
    UnsavedFormula,
    #[error("negative contribution base")]
    NegativeBase,
    #[error("year before 1990: not a period of the employee medical insurance")]
    TooEarly,
    #[error("not a range of months (start 至 end)")]
    NotARange,
    #[error("the range ends before it starts")]
    RangeBackwards,
    #[error("the range spans more than 36 months")]
    RangeTooLong,
    #[error("the range does not cover the number of months in 累计月数")]
    RangeMonths,
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
            ValueError::NoSuchDay => "no_such_day",
            ValueError::IdScientific => "id_scientific",
            ValueError::IdPrecisionLost => "id_precision_lost",
            ValueError::IdInvalid => "id_invalid",
            ValueError::TwoIds => "two_ids",
            ValueError::UnknownStatus => "unknown_status",
            ValueError::UnknownCategory => "unknown_category",
            ValueError::UnknownAccountStatus => "unknown_account_status",
            ValueError::SpreadsheetError => "spreadsheet_error",
            ValueError::UnsavedFormula => "unsaved_formula",
            ValueError::NegativeBase => "negative_base",
            ValueError::TooEarly => "too_early",
            ValueError::NotARange => "not_a_range",
            ValueError::RangeBackwards => "range_backwards",
            ValueError::RangeTooLong => "range_too_long",
            ValueError::RangeMonths => "range_months",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let zh = match self {
            ValueError::NotAnAmount => "不是金额",
            ValueError::AmountOutOfRange => "金额超出范围",
            ValueError::NotAPeriod => "不是年月(所属期)",
            ValueError::NotADate => "不是日期",
            ValueError::OutOfRange => "年份或月份超出范围",
            ValueError::NoSuchDay => "该月没有这一天(如2月30日)",
            ValueError::IdScientific => {
                "证件号码是科学计数法(如3.20102E+17),Excel已丢失末尾数字:请将该列设为文本后重新导出"
            }
            ValueError::IdPrecisionLost => {
                "证件号码以数字保存且超过15位,Excel已丢失末尾数字:请将该列设为文本后重新导出"
            }
            ValueError::IdInvalid => "不是有效的证件号码或人员编号",
            ValueError::TwoIds => "一个单元格里有两个证件号码:请每行只填一人",
            ValueError::UnknownStatus => "无法识别的缴费状态",
            ValueError::UnknownCategory => "无法识别的人员类别",
            ValueError::UnknownAccountStatus => "无法识别的账户状态",
            ValueError::SpreadsheetError => "单元格是表格错误值(如#N/A)",
            ValueError::UnsavedFormula => {
                "公式没有保存计算结果(文件由程序生成):请用 Excel 或 WPS 打开并保存后再读取"
            }
            ValueError::NegativeBase => "缴费基数为负数",
            ValueError::TooEarly => "年份早于1990年,不是职工医保的所属期",
            ValueError::NotARange => "不是起止年月(如 2023-07-01至2023-09-30)",
            ValueError::RangeBackwards => "止月早于起月",
            ValueError::RangeTooLong => "起止跨度超过36个月",
            ValueError::RangeMonths => "起止月数与累计月数不符",
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
        Cell::UnsavedFormula => Err(ValueError::UnsavedFormula),
        Cell::Text(t) if is_error_text(t) => Err(ValueError::SpreadsheetError),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(format!("{}", *f as i64))),
        other => {
            let t = fold_width(&other.to_text()).to_lowercase();
            Ok((!t.is_empty()).then_some(t))
        }
    }
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
    use super::*;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
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
