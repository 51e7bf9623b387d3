//! Long format (SPEC 2.1): the tax bureau's 社保费 declarations write one row per person ×
//! insurance × side — 个人缴纳部分 and 单位缴纳部分 of basic medical on rows of their own, an
//! amount column for whichever side the row is. A sheet is long format when it has
//!
//! 1. an insurance column (险种, 险种类型, 参保费种, 征收项目),
//! 2. a side column (征收品目, else 征收子目) one of whose first non-empty values (those
//!    among the rows the header is looked for in) contains 个人 or 单位, and
//! 3. an amount column (实缴金额, else 本期应缴费额, else 应缴金额).
//!
//! Each row's side is 个人 checked before 单位; rows with neither (滞纳金, 利息) and rows of
//! other insurances are skipped with their reason; the medical rows of one person, period
//! and type are then combined, the 个人 amounts the employee's and the 单位 amounts the
//! employer's (see `TableOutput::combine_sides`).

use crate::aliases::{LONG_AMOUNT, LONG_INSURANCE, LONG_SIDE, normalize_header};
use crate::values::{fold_width, names_other_scheme};

/// Where a long-format sheet keeps what makes it long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongFormat {
    pub insurance: usize,
    pub side: usize,
    pub amount: usize,
}

/// Whose part of the contribution a long row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Employee,
    Employer,
}

/// A long row that is not read, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotMedical {
    /// Neither 个人 nor 单位 (滞纳金, 利息).
    NoSide,
    /// Another scheme's row (养老, 失业, 大额…).
    OtherInsurance,
}

/// The side a cell names: 个人 before 单位.
pub fn side_of(text: &str) -> Option<Side> {
    if text.contains("个人") {
        Some(Side::Employee)
    } else if text.contains("单位") {
        Some(Side::Employer)
    } else {
        None
    }
}

/// Which side and whether it is medical, from the row's insurance and side cells. A side
/// cell that names another scheme (大额医疗补助(个人缴纳)) is another scheme's row too.
pub fn classify(insurance: &str, side: &str) -> Result<Side, NotMedical> {
    let side_text = fold_width(side);
    let found = side_of(&side_text).ok_or(NotMedical::NoSide)?;
    if names_other_scheme(&fold_width(insurance)) || names_other_scheme(&side_text) {
        return Err(NotMedical::OtherInsurance);
    }
    Ok(found)
}

/// The first column (by the order of `aliases`) whose header is one of them.
fn find(names: &[String], aliases: &[&str]) -> Option<usize> {
    aliases.iter().find_map(|a| {
        names
            .iter()
            .position(|n| normalize_header(n) == normalize_header(a))
    })
}

/// Whether a header (`names`, as written) over `data` rows is long format, and its columns.
pub fn detect(names: &[String], data: &[Vec<String>]) -> Option<LongFormat> {
    let insurance = find(names, &LONG_INSURANCE)?;
    let amount = find(names, &LONG_AMOUNT)?;
    let side = LONG_SIDE
        .iter()
        .filter_map(|a| find(names, &[a]))
        .find(|&c| {
            data.iter()
                .filter_map(|row| row.get(c))
                .filter(|t| !t.trim().is_empty())
                .take(200)
                .any(|t| side_of(&fold_width(t)).is_some())
        })?;
    (side != insurance).then_some(LongFormat {
        insurance,
        side,
        amount,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_declaration_is_long_and_a_portal_page_is_not() {
        let header = strings(&[
            "姓名",
            "身份证件号码",
            "参保费种",
            "征收品目",
            "费款所属日期起",
            "缴费基数",
            "费率",
            "本期应缴费额",
        ]);
        let data = vec![strings(&[
            "张三",
            "x",
            "职工基本医疗保险",
            "个人缴纳部分",
            "2024-01-01",
            "5000",
            "0.02",
            "100",
        ])];
        assert_eq!(
            detect(&header, &data),
            Some(LongFormat {
                insurance: 2,
                side: 3,
                amount: 7
            })
        );
        let wuhan = strings(&[
            "险种类型",
            "缴费年月",
            "台账年月",
            "缴费基数",
            "应缴金额",
            "个人缴费金额",
        ]);
        assert_eq!(detect(&wuhan, &[]), None);
    }

    #[test]
    fn sides_and_schemes() {
        assert_eq!(
            classify("职工基本医疗保险", "个人缴纳部分"),
            Ok(Side::Employee)
        );
        assert_eq!(
            classify("基本医疗保险费", "职工基本医疗保险(单位缴纳)"),
            Ok(Side::Employer)
        );
        assert_eq!(
            classify("基本养老保险费", "个人缴纳部分"),
            Err(NotMedical::OtherInsurance)
        );
        assert_eq!(
            classify("基本医疗保险费", "大额医疗补助(个人缴纳)"),
            Err(NotMedical::OtherInsurance)
        );
        assert_eq!(
            classify("基本医疗保险费", "滞纳金"),
            Err(NotMedical::NoSide)
        );
        assert_eq!(classify("基本医疗保险费", "个人和单位"), Ok(Side::Employee));
    }
}
