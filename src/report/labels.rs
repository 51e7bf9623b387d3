//! Column headings for people: Chinese for `--lang zh`, SPEC's column names for `en`. The
//! CSV files always carry SPEC's names; workbooks and pages carry these.

use crate::lang::Lang;

const ZH: [(&str, &str); 40] = [
    ("person_id", "证件号码"),
    ("name", "姓名"),
    ("period", "所属期"),
    ("period_to", "至"),
    ("code", "代码"),
    ("severity", "级别"),
    ("expected", "应划入"),
    ("actual", "实际"),
    ("difference", "差额"),
    ("message", "说明"),
    ("insurance", "险种"),
    ("tier", "档次"),
    ("base", "缴费基数"),
    ("employee_amount", "个人缴费"),
    ("employer_amount", "单位缴费"),
    ("expected_credit", "应划入"),
    ("expected_from", "应划入依据"),
    ("part", "部分"),
    ("credited", "实际划入"),
    ("credited_on", "到账日期"),
    ("status", "状态"),
    ("codes", "问题代码"),
    ("first_period", "起始所属期"),
    ("last_period", "截止所属期"),
    ("opening_balance", "期初余额"),
    ("credits", "划入"),
    ("spending", "消费"),
    ("family_sharing", "家庭共济"),
    ("clearing_transfers", "清退/转出"),
    ("interest_adjustments", "利息/调整"),
    ("unclassified", "未识别"),
    ("closing_balance", "期末余额"),
    ("expected_credits", "应划入合计"),
    ("missing_credits", "缺少/少划"),
    ("errors", "错误"),
    ("warnings", "警告"),
    ("file", "文件"),
    ("sheet", "工作表"),
    ("row", "行"),
    ("column", "列"),
];

const ZH_MORE: [(&str, &str); 8] = [
    ("value", "值"),
    ("reason", "原因"),
    ("count", "数量"),
    ("employer", "单位"),
    ("persons", "人数"),
    ("month", "月份"),
    ("findings", "问题数"),
    ("change", "变化"),
];

/// The heading of column `name` in `lang`.
pub fn heading(name: &'static str, lang: Lang) -> &'static str {
    match lang {
        Lang::En => name,
        Lang::Zh => ZH
            .iter()
            .chain(ZH_MORE.iter())
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .unwrap_or(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{REJECTED_COLUMNS, tables};

    #[test]
    fn every_output_column_has_a_chinese_heading() {
        let all = tables::FINDINGS_COLUMNS
            .iter()
            .chain(&tables::MONTHS_COLUMNS)
            .chain(&tables::PERSONS_COLUMNS)
            .chain(&REJECTED_COLUMNS);
        for c in all {
            assert_ne!(heading(c, Lang::Zh), *c, "{c}");
            assert_eq!(heading(c, Lang::En), *c);
        }
    }
}
