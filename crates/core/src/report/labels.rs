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
        unread::LOOKS_LIKE_MONTH => "看起来是月份,但未读取",
        unread::LOOKS_LIKE_AMOUNT => "看起来是金额,但未读取",
        unread::LOOKS_LIKE_TIER => "看起来是缴费档次,但未读取",
        unread::LOOKS_LIKE_INSURANCE => "看起来是险种,但未读取",
        unread::PART_OF_TOTAL => "划入金额的一部分,已有合计列",
        unread::EMPLOYER_PART_ONLY => "只有单位划入部分,没有个人部分,未读取",
        other => other,
    };
    lang.pick(zh, reason)
}

/// Why an input (a file or a sheet) was skipped, as a person reads it in `lang`. The
/// reasons stay English in summary.json; in zh the known ones are said in Chinese, a
/// reason that carries a file's own words keeps them.
pub fn skipped_input_reason(reason: &str, lang: Lang) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if lang == Lang::En {
        return Cow::Borrowed(reason);
    }
    const FIXED: [(&str, &str); 9] = [
        (
            crate::ingest::NOT_A_FILE,
            "不是普通文件(管道、套接字或设备),不读取",
        ),
        (
            crate::ingest::earlier_outputs::REASON,
            "本工具以前运行的输出(报告),不作为输入读取",
        ),
        (
            crate::ingest::LOCK_FILE,
            "Excel 打开时留下的锁文件(~$…),不是数据",
        ),
        (crate::ingest::EMPTY_FILE, "空文件"),
        (crate::ingest::BINARY_DATA, "二进制数据,不是文本或工作簿"),
        (
            crate::ingest::TWO_IDENTITIES,
            "表头上方出现两个人的身份信息",
        ),
        (
            crate::ingest::earlier_outputs::MATCHED_NOTHING,
            "任务文件中的输入路径或通配符没有匹配到任何文件",
        ),
        (
            crate::ingest::TRUNCATED,
            "文件在一行的中间结束:看起来被截断了(复制时还在写入?)",
        ),
        (
            crate::ingest::MIXED_INSURANCES,
            "同一人同一月份有多行、金额不同:表中混有多个险种(养老、医疗、失业…),却没有一列说明每行是哪个险种;请用版式规则(--layout)指明险种列",
        ),
    ];
    if let Some((_, zh)) = FIXED.iter().find(|(en, _)| *en == reason) {
        return Cow::Borrowed(zh);
    }
    if let Some(rest) =
        reason.strip_prefix("no header row of contributions, statement or roster in the first ")
    {
        let rows = rest.trim_end_matches(" rows");
        return Cow::Owned(format!(
            "前 {rows} 行中没有缴费记录、账户明细或花名册的表头"
        ));
    }
    if let Some(rest) = reason.strip_prefix("columns ")
        && let Some((columns, _)) = rest.split_once(" found, but not those of")
    {
        return Cow::Owned(format!(
            "找到列 {columns},但不是缴费记录(证件号码、所属期、金额)、账户明细(证件号码、日期、金额)或花名册所需的列"
        ));
    }
    if let Some(scheme) = reason
        .strip_prefix(crate::ingest::table::OTHER_SCHEME_TABLE)
        .and_then(|r| r.strip_prefix(": "))
    {
        return Cow::Owned(format!(
            "表格的标题、工作表名或文件名写的是{scheme}等其他险种,不是医疗保险,且没有一列说明每行的险种:未读取"
        ));
    }
    if let Some(rest) = reason.strip_prefix("columns ")
        && let Some((columns, field)) = rest.split_once(" could each be ")
    {
        let field = field.split(';').next().unwrap_or(field);
        return Cow::Owned(format!(
            "列 {columns} 都可能是 {field},无法判断用哪一列;请在版式规则文件(--layout)中指明,例如 {}",
            reason.split_once(": ").map_or("", |(_, r)| r)
        ));
    }
    if let Some(rest) = reason.strip_prefix(crate::ingest::earlier_outputs::VANISHED) {
        return Cow::Owned(format!("上次完整运行读取过,这次不见了{}", rows_then(rest)));
    }
    if let Some(rest) = reason.strip_prefix(crate::ingest::earlier_outputs::SHRUNK) {
        return Cow::Owned(format!(
            "与上次完整运行相比,接受的行数少了一半以上{}",
            rows_then(rest)
        ));
    }
    if reason.starts_with("no period column") {
        return Cow::Owned(format!(
            "没有所属期列,表头上方和工作表名中也找不到唯一的月份:请按月拆分或加一列“费款所属期”({reason})"
        ));
    }
    if let Some(rest) = reason.strip_prefix("named, but skipped: ") {
        let parts: Vec<String> = rest
            .split("; ")
            .map(
                |part| match part.strip_prefix('[').and_then(|p| p.split_once("] ")) {
                    Some((sheet, why)) => format!("[{sheet}] {}", skipped_input_reason(why, lang)),
                    None => skipped_input_reason(part, lang).into_owned(),
                },
            )
            .collect();
        return Cow::Owned(format!("已指定读取,但被跳过:{}", parts.join(";")));
    }
    Cow::Borrowed(reason)
}

/// `(N rows accepted then, M now)` in Chinese.
fn rows_then(rest: &str) -> String {
    let digits: Vec<&str> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|d| !d.is_empty())
        .collect();
    match digits.as_slice() {
        [then] => format!("(当时接受 {then} 行)"),
        [then, now, ..] => format!("(当时接受 {then} 行,现在 {now} 行)"),
        [] => String::new(),
    }
}

/// A cell of a table as people read it in `lang` (the workbook's sheets and the page's
/// table): in zh, SPEC's English values — severity, code (its name kept beside), codes,
/// insurance, status, where the expected credit came from, part — become Chinese; the
/// CSV files keep the English values.
pub fn cell<'a>(column: &str, value: &'a str, lang: Lang) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    if lang == Lang::En || value.is_empty() {
        return Cow::Borrowed(value);
    }
    let code = |name: &str| -> Option<String> {
        crate::reconcile::Code::from_name(name).map(|c| format!("{} {name}", c.label(lang)))
    };
    let fixed: &[(&str, &str)] = match column {
        "severity" => &[("error", "错误"), ("warning", "警告"), ("info", "提示")],
        "insurance" => &[
            ("employee", "职工医保"),
            ("flexible", "灵活就业"),
            ("resident", "城乡居民"),
        ],
        "status" => &[
            ("ok", "正常"),
            ("late", "延迟到账"),
            ("short", "少划"),
            ("excess", "多划"),
            ("missing", "未划入"),
            ("pending", "宽限期内"),
            ("not_due", "未到划入月"),
            ("not_covered", "明细未覆盖"),
            ("no_statement", "无账户明细"),
            ("no_account", "无个人账户"),
            ("unpaid", "未缴费"),
            ("inactive", "账户未启用"),
            ("unknown", "无法计算"),
        ],
        "expected_from" => &[
            ("stated", "文件所列"),
            ("amounts", "按缴费金额"),
            ("base", "按缴费基数"),
            ("policy", "按政策定额"),
        ],
        "part" => &[("normal", "正常"), ("difference", "补差")],
        "code" => {
            return code(value).map_or(Cow::Borrowed(value), Cow::Owned);
        }
        "codes" => {
            let names: Vec<String> = value
                .split(';')
                .map(|n| code(n.trim()).unwrap_or_else(|| n.to_string()))
                .collect();
            return Cow::Owned(names.join(";"));
        }
        _ => &[],
    };
    fixed
        .iter()
        .find(|(en, _)| *en == value)
        .map_or(Cow::Borrowed(value), |(_, zh)| Cow::Borrowed(*zh))
}

/// Why each input that makes a run incomplete could not be used, one line each in
/// `lang`, IDs masked by `ids`: the failures (`check`'s reasons), then the files named
/// and skipped or whose sums overflowed — for the console and the page's 422.
pub fn unreadable_lines(
    batch: &crate::ingest::Batch,
    lang: Lang,
    ids: crate::mask::IdDisplay,
) -> Vec<String> {
    let mut lines: Vec<String> = batch
        .failures
        .iter()
        .map(|f| ids.text(&f.message(lang)).into_owned())
        .collect();
    for u in &batch.unreadable {
        if batch.failures.iter().any(|f| f.path() == u.path) {
            continue;
        }
        let why = skipped_input_reason(&u.reason, lang);
        lines.push(format!("{}: {}", ids.text(&u.path), ids.text(&why)));
    }
    lines
}

/// Why a run that recognised no table stops (the page's 422, the Python package's error):
/// the inputs that could not be used, that nothing was recognised, and each skipped input.
pub fn nothing_recognised_lines(
    batch: &crate::ingest::Batch,
    lang: Lang,
    ids: crate::mask::IdDisplay,
) -> Vec<String> {
    let mut lines = unreadable_lines(batch, lang, ids);
    lines.push(
        lang.pick(
            "没有可识别的缴费记录、账户明细或花名册",
            "nothing was recognised as contributions, a statement or a roster",
        )
        .into(),
    );
    lines.extend(skipped_lines(batch, lang, ids));
    lines
}

/// Each skipped input as `place: reason` in `lang`, IDs masked by `ids`.
pub fn skipped_lines(
    batch: &crate::ingest::Batch,
    lang: Lang,
    ids: crate::mask::IdDisplay,
) -> Vec<String> {
    batch
        .skipped_inputs
        .iter()
        .map(|s| {
            let place = crate::ingest::source_label(&s.path, s.sheet.as_deref());
            let why = skipped_input_reason(&s.reason, lang);
            format!("{}: {}", ids.text(&place), ids.text(&why))
        })
        .collect()
}

/// An input field (a layout rule's or `inferred[].field`'s name) as a person reads it.
pub fn field_label(name: &str, lang: Lang) -> &str {
    const FIELDS: [(&str, &str); 35] = [
        ("person_id", "证件号码"),
        ("person_number", "个人编号"),
        ("name", "姓名"),
        ("period", "所属期"),
        ("base", "缴费基数"),
        ("employee_amount", "个人缴费"),
        ("employer_amount", "单位缴费"),
        ("status", "缴费状态"),
        ("contribution_type", "缴费类型"),
        ("paid_date", "缴费(到账)日期"),
        ("insurance", "险种"),
        ("tier", "档次"),
        ("category", "人员类别"),
        ("birth_date", "出生日期"),
        ("employer", "单位"),
        ("date", "日期"),
        ("kind", "交易类型"),
        ("amount", "金额"),
        ("income", "收入"),
        ("expense", "支出"),
        ("balance", "余额"),
        ("beneficiary", "共济人"),
        ("institution", "机构"),
        ("retired_from", "退休时间"),
        ("account_status", "账户状态"),
        ("status_from", "状态开始"),
        ("status_to", "状态结束"),
        ("family", "共济人员"),
        ("stated_credit", "划入个人账户金额"),
        ("stated_credit_employer", "单位划入个账"),
        ("reversed", "冲销标志"),
        ("months", "累计月数"),
        ("period_end", "所属期止"),
        ("period_range", "所属期起止"),
        ("ignore", "不读取"),
    ];
    match lang {
        Lang::En => name,
        Lang::Zh => FIELDS
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(name, |(_, v)| *v),
    }
}

/// The columns read by inference (SPEC 2.6), one line each: `place: 「column」 → field
/// (why)`, IDs masked.
pub fn inferred_lines(
    batch: &crate::ingest::Batch,
    lang: Lang,
    ids: crate::mask::IdDisplay,
) -> Vec<String> {
    let mut out = Vec::new();
    for s in &batch.sources {
        let place = crate::ingest::source_label(&s.path, s.sheet.as_deref());
        for i in &s.inferred {
            let line = match lang {
                Lang::Zh => format!(
                    "{place}: 「{}」按 {} 读取({})",
                    i.column,
                    field_label(&i.field, lang),
                    inferred_why(&i.why)
                ),
                Lang::En => format!("{place}: \"{}\" read as {} ({})", i.column, i.field, i.why),
            };
            out.push(ids.text(&line).into_owned());
        }
    }
    out
}

/// `inferred[].why` in Chinese: the header's words, or what its values are.
fn inferred_why(why: &str) -> String {
    if let Some(words) = why.strip_prefix("header words: ") {
        let words = words.split(" (").next().unwrap_or(words);
        return format!("表头用词 {words}");
    }
    if let Some(rest) = why.strip_prefix("values: ")
        && let Some((counts, what)) = rest.split_once(" are ")
        && let Some((k, of)) = counts.split_once(" of ")
    {
        let what = match what {
            "ID numbers" => "证件号码",
            "months" => "月份",
            "dates" => "日期",
            "tier names" => "档次名称",
            "insurance names" => "险种名称",
            "payment flags" => "缴费/到账标志",
            "contribution types" => "缴费类型",
            "active/retired" => "在职/退休",
            "entry kinds" => "交易类型",
            other => other,
        };
        return format!("{of} 个值中 {k} 个是{what}");
    }
    why.to_string()
}

/// The columns left unread that look like a month, an amount, a tier or an insurance
/// (SPEC 2.6: a warning, not only a line in summary.json), one line per source.
pub fn looks_like_lines(
    batch: &crate::ingest::Batch,
    lang: Lang,
    ids: crate::mask::IdDisplay,
) -> Vec<String> {
    use crate::ingest::table::unread;
    let looks = [
        unread::LOOKS_LIKE_MONTH,
        unread::LOOKS_LIKE_AMOUNT,
        unread::LOOKS_LIKE_TIER,
        unread::LOOKS_LIKE_INSURANCE,
    ];
    let mut out = Vec::new();
    for s in &batch.sources {
        let columns: Vec<String> = s
            .ignored_columns
            .iter()
            .filter(|c| looks.contains(&c.reason))
            .map(|c| {
                let what = match (lang, c.reason) {
                    (Lang::Zh, unread::LOOKS_LIKE_MONTH) => "月份",
                    (Lang::Zh, unread::LOOKS_LIKE_AMOUNT) => "金额",
                    (Lang::Zh, unread::LOOKS_LIKE_TIER) => "档次",
                    (Lang::Zh, _) => "险种",
                    (Lang::En, unread::LOOKS_LIKE_MONTH) => "a month",
                    (Lang::En, unread::LOOKS_LIKE_AMOUNT) => "an amount",
                    (Lang::En, unread::LOOKS_LIKE_TIER) => "a tier",
                    (Lang::En, _) => "an insurance",
                };
                let column: String = c
                    .column
                    .split(['\n', '\r'])
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ");
                match lang {
                    Lang::Zh => format!("「{column}」({what})"),
                    Lang::En => format!("\"{column}\" ({what})"),
                }
            })
            .collect();
        if columns.is_empty() {
            continue;
        }
        let place = crate::ingest::source_label(&s.path, s.sheet.as_deref());
        let line = match lang {
            Lang::Zh => format!(
                "{place}: 列 {} 看起来有用,但未读取;如需读取,请用版式规则(--layout)指明",
                columns.join("、")
            ),
            Lang::En => format!(
                "{place}: column(s) {} look useful but were not read; name them in a layout rule (--layout) to read them",
                columns.join(", ")
            ),
        };
        out.push(ids.text(&line).into_owned());
    }
    out
}

/// A severity as a person reads it.
pub fn severity(severity: crate::reconcile::Severity, lang: Lang) -> &'static str {
    use crate::reconcile::Severity;
    match severity {
        Severity::Error => lang.pick("错误", "error"),
        Severity::Warning => lang.pick("警告", "warning"),
        Severity::Info => lang.pick("提示", "info"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{REJECTED_COLUMNS, tables};

    #[test]
    fn cells_read_in_chinese_keep_the_code_name() {
        assert_eq!(
            cell("code", "CREDIT_MISSING", Lang::Zh),
            "应划未划 CREDIT_MISSING"
        );
        assert_eq!(cell("code", "CREDIT_MISSING", Lang::En), "CREDIT_MISSING");
        assert_eq!(cell("severity", "info", Lang::Zh), "提示");
        assert_eq!(cell("insurance", "flexible", Lang::Zh), "灵活就业");
        assert_eq!(cell("status", "no_account", Lang::Zh), "无个人账户");
        assert_eq!(cell("name", "error", Lang::Zh), "error");
        assert_eq!(
            cell("codes", "CREDIT_LATE;BACKPAY", Lang::Zh),
            "延迟划入 CREDIT_LATE;补缴 BACKPAY"
        );
    }

    #[test]
    fn known_skip_reasons_are_chinese_in_zh() {
        for reason in [
            crate::ingest::earlier_outputs::REASON,
            "empty file",
            "no header row of contributions, statement or roster in the first 30 rows",
            "columns 姓名, 金额 found, but not those of contributions (person ID, period, amounts), a statement (person ID, date, amount) or a roster",
            "named, but skipped: [Sheet1] empty file",
        ] {
            let zh = skipped_input_reason(reason, Lang::Zh);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            assert!(!zh.contains("empty file"), "{zh}");
            assert_eq!(skipped_input_reason(reason, Lang::En), reason);
        }
    }

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
