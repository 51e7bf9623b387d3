//! The period of a contribution sheet without a period column (SPEC 2.1): monthly payroll
//! workbooks keep one month per sheet and name it above the header (`所属期：2024年3月`,
//! `费款所属期 202403`) or in the sheet's name (`2024年3月`, `202403`, `2024.03`, or `3月` /
//! `三月` with the year from the title rows or the file name). Looked for in that order;
//! several months named, or none, and the sheet is skipped with a reason that says where.

use super::pairs;
use crate::aliases::Field;
use crate::records::Period;
use crate::values::{Cell, fold_width, period};

/// The period's column names (the alias table's), as labels above a header: longest
/// first, so that 费款所属期 is not read as 所属期 inside it.
fn labels() -> &'static [(&'static str, ())] {
    static LABELS: std::sync::OnceLock<Vec<(&'static str, ())>> = std::sync::OnceLock::new();
    LABELS.get_or_init(|| {
        let mut names: Vec<&'static str> = Field::Period
            .aliases()
            .iter()
            .copied()
            .filter(|a| !a.is_ascii())
            .collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        names.into_iter().map(|n| (n, ())).collect()
    })
}

/// Why no single period was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoPeriod {
    /// Several months were named (in `place`).
    Several(&'static str),
    /// None was found anywhere.
    None,
}

impl NoPeriod {
    pub fn reason(&self) -> String {
        match self {
            NoPeriod::Several(place) => format!(
                "no period column, and {place} names several months: split the sheet by month or add a 费款所属期 column"
            ),
            NoPeriod::None => "no period column, and no month above the header (所属期：2024年3月) or in the sheet name (2024年3月, 202403): add a 费款所属期 column".to_string(),
        }
    }
}

fn month_of(text: &str) -> Option<Period> {
    period(&Cell::Text(text.trim().into())).ok().flatten()
}

/// The months label–value pairs above the header name.
fn above_header(rows: &[Vec<String>]) -> Vec<Period> {
    let mut found: Vec<Period> = pairs::in_rows(rows, labels())
        .into_iter()
        .filter_map(|(_, value)| month_of(&value))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A month with no year (`3月`, `三月`), and the year from `texts` (titles, the file name).
fn month_without_year(name: &str, texts: &[&str]) -> Option<Period> {
    const CHINESE: [&str; 12] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
    ];
    let name = fold_width(name);
    let bare = name.trim().strip_suffix('月')?;
    let month = match bare.parse::<u32>() {
        Ok(m) => m,
        Err(_) => CHINESE.iter().position(|c| *c == bare)? as u32 + 1,
    };
    let year = texts.iter().find_map(|t| year_in(t))?;
    Period::new(year, month)
}

/// A year 1990–2099 written as four digits in `text`.
fn year_in(text: &str) -> Option<i32> {
    let digits: Vec<char> = text.chars().collect();
    let mut run = String::new();
    for ch in digits.iter().chain(std::iter::once(&' ')) {
        if ch.is_ascii_digit() {
            run.push(*ch);
            continue;
        }
        if run.len() >= 4 {
            let year: i32 = run[..4].parse().ok()?;
            if (1990..=2099).contains(&year) {
                return Some(year);
            }
        }
        run.clear();
    }
    None
}

/// The sheet's one period: above the header, else in the sheet name.
pub fn find(
    above: &[Vec<String>],
    sheet: Option<&str>,
    file_name: Option<&str>,
) -> Result<Period, NoPeriod> {
    match above_header(above).as_slice() {
        [one] => return Ok(*one),
        [] => {}
        _ => return Err(NoPeriod::Several("the title above the header")),
    }
    let Some(sheet) = sheet else {
        return Err(NoPeriod::None);
    };
    if let Some(p) = month_of(sheet) {
        return Ok(p);
    }
    let titles: Vec<&str> = above
        .iter()
        .flatten()
        .map(String::as_str)
        .chain(file_name)
        .collect();
    month_without_year(sheet, &titles).ok_or(NoPeriod::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(grid: &[&[&str]]) -> Vec<Vec<String>> {
        grid.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    #[test]
    fn above_the_header_first() {
        let above = rows(&[
            &["职工医保缴费明细"],
            &["所属期：2024年3月", "", "制表人：王"],
        ]);
        assert_eq!(find(&above, Some("Sheet1"), None), Ok(p(2024, 3)));
        let apart = rows(&[&["费款所属期", "202403"]]);
        assert_eq!(find(&apart, None, None), Ok(p(2024, 3)));
        let spaced = rows(&[&["费款所属期 202405"]]);
        assert_eq!(find(&spaced, None, None), Ok(p(2024, 5)));
        let two = rows(&[&["所属期：2024年3月"], &["所属期：2024年4月"]]);
        assert_eq!(
            find(&two, None, None),
            Err(NoPeriod::Several("the title above the header"))
        );
    }

    #[test]
    fn then_the_sheet_name() {
        for name in ["2024年3月", "202403", "2024.03", "2024-03"] {
            assert_eq!(find(&[], Some(name), None), Ok(p(2024, 3)), "{name}");
        }
        let title = rows(&[&["2024年社保明细"]]);
        assert_eq!(find(&title, Some("3月"), None), Ok(p(2024, 3)));
        assert_eq!(
            find(&[], Some("三月"), Some("工资表2023.xlsx")),
            Ok(p(2023, 3))
        );
        assert_eq!(
            find(&[], Some("十二月"), Some("2023年.xlsx")),
            Ok(p(2023, 12))
        );
        assert_eq!(find(&[], Some("Sheet1"), None), Err(NoPeriod::None));
        assert_eq!(find(&[], Some("3月"), None), Err(NoPeriod::None));
    }
}
