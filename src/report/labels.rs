//! Column headings for people: Chinese for `--lang zh`, SPEC's column names for `en`. The
//! CSV files always carry SPEC's names; workbooks and pages carry these.

use crate::ingest::SkipKind;
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

const ZH_MORE: [(&str, &str); 9] = [
    ("value", "值"),
    ("reason", "原因"),
    ("count", "数量"),
    ("employer", "单位"),
    ("persons", "人数"),
    ("month", "月份"),
    ("findings", "问题数"),
    ("change", "变化"),
    ("statement_balance", "明细余额"),
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

/// A reason rows were skipped (`rows_skipped_by_reason`'s keys, which stay English in
/// summary.json) as a person reads it in `lang`.
pub fn skip_reason(reason: &str, lang: Lang) -> &str {
    let Some(kind) = SkipKind::ALL.iter().find(|k| k.reason() == reason) else {
        return reason;
    };
    let zh = match kind {
        SkipKind::Title => "标题",
        SkipKind::Header => "表头",
        SkipKind::Blank => "空行",
        SkipKind::Total => "合计行",
        SkipKind::Note => "备注",
        SkipKind::Reversed => "已冲销",
        SkipKind::NoSide => "非个人/单位部分(滞纳金、利息)",
        SkipKind::OtherInsurance => "其他险种",
        SkipKind::SamePeriod => "与前一文件同月重复",
    };
    lang.pick(zh, reason)
}

/// Why a column was left unread (`ignored_columns[].reason`) as a person reads it in
/// `lang`.
pub fn ignored_reason(reason: &str, lang: Lang) -> &str {
    use crate::ingest::table::unread;
    let zh = match reason {
        unread::REPEATS_A_FIELD => "与另一列含义相同,未读取",
        unread::OTHER_SCHEME => "属于其他险种分组",
        unread::NOT_A_FIELD => "本工具不读取此列",
        unread::NOT_OF_THIS_KIND => "此类表格不读取此列",
        unread::RATE => "费率/比例列",
        unread::UNREADABLE_MONTHS => "补差分组的月份无法识别",
        other => other,
    };
    lang.pick(zh, reason)
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
