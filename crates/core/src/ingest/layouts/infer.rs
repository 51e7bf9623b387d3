//! Reading a column no alias names (SPEC 2.6): a careful clerk knows 应属年月 is a month
//! and 个人交 the employee's amount without a list. Two readings, in order:
//!
//! - **by the header's words** ([`by_words`]): 年月/属期/所属/结算期/月份/期号 a month (the
//!   period, or the month money was paid when 实缴/到账/入账… qualify it); 账户/帐户 with
//!   划入/记入/计入 the stated credit; 个人/单位 with 交/缴/金额 a side's amount; 险种/保险种类/
//!   参保类别 the insurance; 档次 the tier; 日期/时间 a date; 收入/支出/余额 in statements;
//! - **by the column's values** ([`by_values`]): ID numbers, months, dates, amounts, rates
//!   with `%`, insurance names, tier names, payment flags, contribution types, entry kinds.
//!
//! Values also overrule words where the words are generic (类别, 类型, 项目) or where a
//! column said to be an insurance holds tier names (深圳's 参保类别 holds 一档 / 二档).
//! What a reading decides is only a proposal: the header mapper takes it when no other
//! column holds that field, settles competitors by rank, and otherwise asks (see
//! `ColumnMap::infer` in `table/header.rs`).

use crate::aliases::Field;
use crate::values::{self, Cell, fold_width, is_id_number};

/// What a column seems to hold, when the tool does not read it: worth a warning, because
/// a person would expect it read (SPEC 2.6 "never a silent misread").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Looks {
    Month,
    Amount,
    Tier,
    Insurance,
}

impl Looks {
    /// The reason summary.json gives for such a column left unread.
    pub fn reason(self) -> &'static str {
        match self {
            Looks::Month => LOOKS_LIKE_MONTH,
            Looks::Amount => LOOKS_LIKE_AMOUNT,
            Looks::Tier => LOOKS_LIKE_TIER,
            Looks::Insurance => LOOKS_LIKE_INSURANCE,
        }
    }
}

pub const LOOKS_LIKE_MONTH: &str = "looks like a month, not read";
pub const LOOKS_LIKE_AMOUNT: &str = "looks like an amount, not read";
pub const LOOKS_LIKE_TIER: &str = "looks like a tier, not read";
pub const LOOKS_LIKE_INSURANCE: &str = "looks like an insurance, not read";

/// What a header's words say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A field; the rank orders columns read as the same field (lower is preferred).
    Field(Field, u8),
    /// A word a clerk would not read alone (类别, 类型, 项目…): the values decide.
    Generic,
    /// Not read, but looks like something a person would expect read.
    Looks(Looks),
    /// A rate, a total, a fine, the pooled fund's share: not read, nothing to say.
    Nothing,
}

fn has_any(n: &str, words: &[&str]) -> bool {
    words.iter().any(|w| n.contains(w))
}

/// Words that qualify a month or a date as when money was paid, booked or arrived.
const PAID_WORDS: [&str; 12] = [
    "实缴", "实际", "到账", "到帐", "入账", "入帐", "建账", "做账", "缴款", "经办", "处理", "申报",
];
/// Words that qualify a month as the one the contribution is for.
const PERIOD_WORDS: [&str; 8] = [
    "所属", "属期", "应属", "应缴", "应交", "对应", "计划", "费款",
];
/// Moving money into the account (划入个人账户…), not into the pooled fund.
const CREDIT_VERBS: [&str; 9] = [
    "划入",
    "划账",
    "划帐",
    "记入",
    "计入",
    "进账",
    "注入",
    "划个账",
    "划拨",
];
/// Words that make a header a month.
const MONTH_WORDS: [&str; 7] = ["年月", "属期", "所属", "结算期", "月份", "期号", "期间"];
const TOTAL_WORDS: [&str; 6] = ["合计", "总额", "总金额", "小计", "累计", "总计"];

/// The reading of a header (normalised, as [`crate::aliases::normalize_header`] gives it)
/// that no alias names, and the words that decided it (for `inferred[].why`).
pub fn by_words(n: &str) -> Option<(Reading, &'static str)> {
    use Field::*;
    use Reading::Field as F;
    let chars = n.chars().count();
    // A label with its value (打印日期：2024-05-01), a sentence, or a number is no header.
    if chars == 0
        || chars > 24
        || has_any(n, &[":", "："])
        || n.bytes().all(|b| !b.is_ascii_alphabetic() && b < 0x80)
    {
        return None;
    }
    if has_any(n, &["比例", "费率", "%", "率"]) {
        return Some((Reading::Nothing, "a rate"));
    }
    if has_any(
        n,
        &["滞纳金", "利息", "罚款", "财政", "政府", "补助", "救助"],
    ) {
        return Some((Reading::Nothing, "not the account's money"));
    }
    if has_any(n, &["备注", "备考", "说明", "附注"]) {
        return Some((Reading::Nothing, "a remark"));
    }
    if has_any(
        n,
        &["序号", "行号", "编号", "代码", "区划", "号码", "流水号"],
    ) && !has_any(n, &["身份", "证件"])
    {
        return Some((Reading::Nothing, "a number or a code"));
    }
    if false {
        return Some((Reading::Nothing, "not the account's money"));
    }
    if has_any(n, &["档次", "档位"]) {
        return Some((F(Tier, 0), "档次 (a tier)"));
    }
    if has_any(
        n,
        &[
            "险种",
            "保险种类",
            "保险类型",
            "保险名称",
            "参保类别",
            "医保类别",
            "社保类型",
        ],
    ) {
        return Some((F(Insurance, 0), "险种 (an insurance)"));
    }
    if has_any(n, &["月数"]) {
        return Some((Reading::Nothing, "a count of months"));
    }
    // 医保个账应缴金额: what the personal account is owed, the whole credit.
    if has_any(n, &["个账", "个帐"])
        && has_any(n, &["金额", "应缴", "应划"])
        && !n.starts_with("单位")
    {
        return Some((
            F(StatedCredit, 0),
            "个账 … 金额 (the credit to the account)",
        ));
    }
    let credit = has_any(n, &CREDIT_VERBS);
    if credit && has_any(n, &["统筹"]) {
        return Some((Reading::Nothing, "the pooled fund's share"));
    }
    if credit && !has_any(n, &MONTH_WORDS) && !has_any(n, &["日期", "时间", "标志", "标识", "比例"])
    {
        if has_any(n, &["合计", "共", "全额", "总"]) {
            return Some((
                F(StatedCredit, 0),
                "划入 … 合计 (the credit to the account)",
            ));
        }
        if n.starts_with("单位") || (n.contains("单位") && !n.contains("个人")) {
            return Some((
                F(StatedCreditEmployer, 0),
                "单位 … 划入 (the employer's part of the credit)",
            ));
        }
        return Some((
            F(StatedCredit, 1),
            "划入/记入 账户 (the credit to the account)",
        ));
    }
    if has_any(n, &TOTAL_WORDS) {
        return Some((Reading::Nothing, "a total"));
    }
    if has_any(n, &["统筹"]) {
        return Some((Reading::Nothing, "the pooled fund's share"));
    }
    if has_any(n, &["身份证", "证件号", "公民身份"]) {
        return Some((F(PersonId, 0), "身份证 (an ID number)"));
    }
    if n.contains("姓名") {
        return Some((F(Name, 0), "姓名 (a name)"));
    }
    if has_any(n, &["基数", "缴费工资"]) {
        let rank = if has_any(n, &["个人", "人员"]) {
            0
        } else if n.contains("单位") {
            2
        } else {
            1
        };
        return Some((F(Base, rank), "基数 (the base)"));
    }
    if has_any(n, &["余额", "结余"]) {
        return Some((F(Balance, 0), "余额 (a balance)"));
    }
    let employee = has_any(n, &["个人", "职工"]);
    let employer = has_any(n, &["单位", "企业"]);
    if employee != employer
        && has_any(n, &["缴", "交", "金额"])
        && !has_any(n, &["月数", "年月", "日期", "时间", "标志", "状态"])
    {
        let rank = if has_any(n, &["实缴", "已缴", "实交"]) {
            0
        } else if has_any(n, &["应缴", "应交"]) {
            2
        } else {
            1
        };
        let (field, why) = if employee {
            (EmployeeAmount, "个人 … 缴 (the employee's amount)")
        } else {
            (EmployerAmount, "单位 … 缴 (the employer's amount)")
        };
        return Some((F(field, rank), why));
    }
    if n == "年度" || n.ends_with("年度") {
        return Some((Reading::Nothing, "a year"));
    }
    if has_any(n, &MONTH_WORDS) {
        if has_any(n, &["划账", "划帐", "划拨", "划入"]) {
            return Some((Reading::Looks(Looks::Month), "the month credited"));
        }
        if has_any(n, &PAID_WORDS) {
            return Some((F(PaidDate, 1), "实缴/到账 年月 (the month paid)"));
        }
        let rank = if has_any(n, &PERIOD_WORDS) { 0 } else { 1 };
        return Some((F(Period, rank), "年月/所属期 (a month)"));
    }
    if has_any(n, &["日期", "时间"])
        && !has_any(
            n,
            &[
                "出生",
                "参保",
                "参加工作",
                "参工",
                "退休",
                "首次",
                "发卡",
                "打印",
                "导出",
                "开始",
                "终止",
                "截止",
                "起始",
            ],
        )
    {
        if has_any(n, &["到账", "到帐", "实缴", "缴费", "缴款", "实收"]) {
            return Some((F(PaidDate, 0), "缴费/到账 日期 (the date paid)"));
        }
        let rank = if has_any(n, &["交易", "记账", "发生", "入账", "支付", "变动", "变更"])
        {
            0
        } else {
            1
        };
        return Some((F(Date, rank), "日期/时间 (a date)"));
    }
    if has_any(n, &["收入", "进账"]) {
        return Some((F(Income, 0), "收入 (income)"));
    }
    if has_any(n, &["支出", "消费", "使用金额"]) {
        return Some((F(Expense, 0), "支出 (expense)"));
    }
    if has_any(n, &["变动", "变更", "发生", "交易", "收支", "本次"]) && has_any(n, &["金额", "额"])
    {
        return Some((F(Amount, 0), "发生/变动 金额 (the amount)"));
    }
    if has_any(n, &["标志", "标识", "标记", "状态", "情况", "是否"])
        && has_any(n, &["到账", "到帐", "到款", "缴费", "缴纳"])
        && !has_any(n, &["欠费", "欠缴", "划账", "划帐", "参保"])
    {
        return Some((F(Status, 0), "到账/缴费 标志 (paid or not)"));
    }
    if has_any(n, &["是否", "标志", "标识"]) && has_any(n, &["欠费", "欠缴"]) {
        return Some((F(Status, 1), "是否欠费 (in arrears or not: 是 is unpaid)"));
    }
    if has_any(n, &["人员类别", "人员身份", "离退休", "在职"]) {
        return Some((F(Category, 0), "人员类别 (active or retired)"));
    }
    if has_any(
        n,
        &[
            "类别", "类型", "种类", "项目", "科目", "款项", "摘要", "名称", "说明",
        ],
    ) {
        return Some((Reading::Generic, ""));
    }
    if has_any(n, &["金额", "缴费额", "缴纳额"]) {
        return Some((Reading::Looks(Looks::Amount), ""));
    }
    None
}

/// What a column's values are, read one cell at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueClass {
    Id,
    Month,
    Date,
    Amount,
    Rate,
    Tier,
    Insurance,
    Status,
    Type,
    Category,
    Kind,
}

/// National scheme codes written alone in a column (110 养老 … 510 生育, 310 职工医疗).
const SCHEME_CODES: [&str; 10] = [
    "110", "120", "210", "310", "320", "330", "390", "391", "410", "510",
];

/// A tier's name: 一档 / 二档 / 4%档 / 基本医疗一档, or a medical-person type (统账结合,
/// 单建统筹, 住院统筹, 大病统筹, 门诊统筹).
pub fn is_tier_name(t: &str) -> bool {
    let n = t.chars().count();
    if n > 14 || t.contains("档案") {
        return false;
    }
    if has_any(
        t,
        &["统账结合", "单建统筹", "住院统筹", "大病统筹", "门诊统筹"],
    ) {
        return true;
    }
    let Some(at) = t.find('档') else {
        return false;
    };
    let before: Vec<char> = t[..at].chars().collect();
    before
        .last()
        .is_some_and(|c| "一二三四五六七八九123456789%".contains(*c) || (*c == '低' || *c == '高'))
}

/// An insurance's name written in a cell (养老保险, 基本医疗保险, 失业): short, naming a
/// scheme, not an institution (某医疗器械公司, 市医疗中心).
pub fn is_insurance_name(t: &str) -> bool {
    let n = t.chars().count();
    (2..=20).contains(&n)
        && has_any(
            t,
            &[
                "养老",
                "失业",
                "工伤",
                "生育",
                "医疗",
                "医保",
                "大额",
                "大病",
                "公务员",
                "长期护理",
                "居民",
                "公积金",
            ],
        )
        && !has_any(
            t,
            &[
                "机构", "医院", "药店", "药房", "诊所", "中心", "公司", "门诊", "住院", "卫生",
            ],
        )
}

fn is_status_word(t: &str) -> bool {
    has_any(
        t,
        &[
            "已缴",
            "未缴",
            "欠缴",
            "欠费",
            "已到账",
            "未到账",
            "已到帐",
            "未到帐",
            "足额",
            "已实缴",
        ],
    )
}

fn is_type_word(t: &str) -> bool {
    has_any(
        t,
        &[
            "正常应缴",
            "正常缴费",
            "补缴",
            "补收",
            "补差",
            "标准",
            "正常应收",
        ],
    ) || t == "正常"
}

/// Whether a cell is data rather than a word — an ID number, a rate, a date, a month or
/// an amount — as [`class_of`] would say (tier and insurance names are neither); the
/// cheaper question a header row's cells are asked.
pub fn is_data(raw: &str) -> bool {
    let t = fold_width(raw.trim());
    let t = t.trim();
    !t.is_empty()
        && (((t.len() == 15 || t.len() == 18) && is_id_number(&t.to_ascii_uppercase()))
            || data_class(t).is_some())
}

/// A folded, trimmed cell's class when it is a rate, a date, a month or an amount.
fn data_class(t: &str) -> Option<ValueClass> {
    use ValueClass::*;
    // Every rate, date, month and amount read has a digit (full-width ones are folded).
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(rate) = t.strip_suffix('%')
        && rate.trim().parse::<f64>().is_ok()
    {
        return Some(Rate);
    }
    let cell = Cell::Text(t.into());
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let has_day = t.contains('日')
        || (digits >= 8 && t.chars().filter(|c| matches!(c, '-' | '/' | '.')).count() >= 2)
        || (digits == 8 && t.len() == 8);
    if has_day && values::date_time(&cell).is_ok_and(|d| d.is_some()) {
        return Some(Date);
    }
    if !has_day
        && digits >= 5
        && !t.contains(',')
        && values::period(&cell)
            .ok()
            .flatten()
            .is_some_and(|p| (1990..=2100).contains(&p.year()))
        && !(t.contains('.')
            && t.rsplit('.')
                .next()
                .is_some_and(|d| d.len() != 2 || t.len() > 7))
    {
        return Some(Month);
    }
    // A long whole number (4501009) is a code or a person number, not money.
    let long_whole = t.bytes().all(|b| b.is_ascii_digit()) && t.len() >= 7;
    if !long_whole && values::money(&cell).is_ok_and(|m| m.is_some()) {
        return Some(Amount);
    }
    None
}

/// One cell's class, `None` for text that says nothing (names, remarks).
pub fn class_of(raw: &str) -> Option<ValueClass> {
    use ValueClass::*;
    let t = fold_width(raw.trim());
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if (t.len() == 15 || t.len() == 18) && is_id_number(&t.to_ascii_uppercase()) {
        return Some(Id);
    }
    if is_tier_name(t) {
        return Some(Tier);
    }
    if is_insurance_name(t) {
        return Some(Insurance);
    }
    if let Some(class) = data_class(t) {
        return Some(class);
    }
    let cell = Cell::Text(t.into());
    if is_status_word(t) {
        return Some(Status);
    }
    if is_type_word(t) {
        return Some(Type);
    }
    if matches!(values::category(&cell), Ok(Some(_))) && t.chars().count() <= 4 {
        return Some(Category);
    }
    let (kind, _) = values::entry_kind(&cell);
    if kind != crate::records::EntryKind::Unclassified {
        return Some(Kind);
    }
    None
}

/// The class most of a column's values are (at least 4 in 5 of those that have one, and
/// at least two values), with how many of how many cells said so. `正常` counts for both a
/// payment flag and a contribution type.
pub fn by_values<'a>(cells: impl Iterator<Item = &'a str>) -> Option<(ValueClass, usize, usize)> {
    use std::collections::HashMap;
    let mut counts: HashMap<ValueClass, usize> = HashMap::new();
    let mut total = 0;
    let mut either = 0; // 正常: a status or a type
    for cell in cells.take(200) {
        let folded = fold_width(cell.trim());
        if folded.trim().is_empty() {
            continue;
        }
        if crate::ingest::table::is_total_label(&folded) {
            continue;
        }
        total += 1;
        if folded.trim() == "正常" {
            either += 1;
            continue;
        }
        if let Some(class) = class_of(&folded) {
            *counts.entry(class).or_default() += 1;
        }
    }
    if total < 2 {
        return None;
    }
    let mut best: Vec<(ValueClass, usize)> = counts.into_iter().collect();
    // The flags and types take 正常 as theirs; the rest must stand alone.
    for (class, n) in best.iter_mut() {
        if matches!(class, ValueClass::Status | ValueClass::Type) {
            *n += either;
        }
    }
    best.sort_by_key(|(c, n)| (std::cmp::Reverse(*n), *c as u8));
    let (class, n) = *best.first()?;
    (n * 5 >= total * 4).then_some((class, n, total))
}

/// Whether at least half of a column's values are written with decimals (120.00,
/// 1,234.5): money, rather than a count, a code or a serial number.
pub fn written_as_money<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let (mut with, mut all) = (0, 0);
    for c in cells.take(200) {
        let t = c.trim();
        if t.is_empty() {
            continue;
        }
        all += 1;
        if t.contains('.') || t.contains(',') || t.contains('¥') || t.contains('元') {
            with += 1;
        }
    }
    all > 0 && with * 2 >= all
}

/// Where a column of `class` values may go when its header says nothing the tool knows.
pub fn field_of(class: ValueClass, codes_hint: bool) -> Option<Field> {
    let _ = codes_hint;
    Some(match class {
        ValueClass::Id => Field::PersonId,
        ValueClass::Month => Field::Period,
        ValueClass::Date => Field::Date,
        ValueClass::Tier => Field::Tier,
        ValueClass::Insurance => Field::Insurance,
        ValueClass::Status => Field::Status,
        ValueClass::Type => Field::ContributionType,
        ValueClass::Category => Field::Category,
        ValueClass::Kind => Field::EntryKind,
        ValueClass::Amount | ValueClass::Rate => return None,
    })
}

/// Whether a column's values are national scheme codes (110 … 510): an insurance column
/// when its header speaks of a type or an insurance.
pub fn are_scheme_codes<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let mut seen = 0;
    for c in cells.take(200) {
        let t = c.trim();
        if t.is_empty() {
            continue;
        }
        if !SCHEME_CODES.contains(&t) {
            return false;
        }
        seen += 1;
    }
    seen >= 2
}

/// How a class is said in `inferred[].why`.
pub fn class_words(class: ValueClass) -> &'static str {
    match class {
        ValueClass::Id => "ID numbers",
        ValueClass::Month => "months",
        ValueClass::Date => "dates",
        ValueClass::Amount => "amounts",
        ValueClass::Rate => "rates",
        ValueClass::Tier => "tier names",
        ValueClass::Insurance => "insurance names",
        ValueClass::Status => "payment flags",
        ValueClass::Type => "contribution types",
        ValueClass::Category => "active/retired",
        ValueClass::Kind => "entry kinds",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliases::normalize_header;

    fn words(h: &str) -> Option<Reading> {
        by_words(&normalize_header(h)).map(|(r, _)| r)
    }

    #[test]
    fn header_words_name_fields() {
        use Field::*;
        assert_eq!(words("应属年月"), Some(Reading::Field(Period, 0)));
        assert_eq!(words("年月"), Some(Reading::Field(Period, 1)));
        assert_eq!(words("实缴年月"), Some(Reading::Field(PaidDate, 1)));
        assert_eq!(words("划账结算期"), Some(Reading::Looks(Looks::Month)));
        assert_eq!(words("个人交"), Some(Reading::Field(EmployeeAmount, 1)));
        assert_eq!(
            words("单位实缴金额"),
            Some(Reading::Field(EmployerAmount, 0))
        );
        assert_eq!(
            words("个人应缴金额"),
            Some(Reading::Field(EmployeeAmount, 2))
        );
        assert_eq!(words("个人缴费比例"), Some(Reading::Nothing));
        assert_eq!(words("单位划入统筹"), Some(Reading::Nothing));
        assert_eq!(
            words("划入个人帐户金额"),
            Some(Reading::Field(StatedCredit, 1))
        );
        assert_eq!(words("共划入账户"), Some(Reading::Field(StatedCredit, 0)));
        assert_eq!(
            words("单位缴划账户"),
            Some(Reading::Field(StatedCreditEmployer, 0))
        );
        assert_eq!(words("医疗档次"), Some(Reading::Field(Tier, 0)));
        assert_eq!(words("保险种类"), Some(Reading::Field(Insurance, 0)));
        assert_eq!(words("变动日期"), Some(Reading::Field(Date, 0)));
        assert_eq!(words("实收日期"), Some(Reading::Field(PaidDate, 0)));
        assert_eq!(words("出生日期"), None);
        assert_eq!(words("缴费工资"), Some(Reading::Field(Base, 1)));
        assert_eq!(words("应缴合计"), Some(Reading::Nothing));
        assert_eq!(words("类别"), Some(Reading::Generic));
        assert_eq!(words("打印日期：2024-05-01"), None);
        assert_eq!(words("2024"), None);
    }

    #[test]
    fn values_name_classes() {
        use ValueClass::*;
        let v = |cells: &[&str]| by_values(cells.iter().copied()).map(|(c, _, _)| c);
        assert_eq!(v(&["202401", "202402", "202403"]), Some(Month));
        assert_eq!(v(&["2024-01", "2024-02"]), Some(Month));
        assert_eq!(v(&["2024-01-05", "2024-02-05 10:00:00"]), Some(Date));
        assert_eq!(v(&["120.00", "1,234.50", "0"]), Some(Amount));
        assert_eq!(v(&["一档", "二档", "二档"]), Some(Tier));
        assert_eq!(
            v(&["养老保险", "基本医疗保险", "失业保险", "工伤保险"]),
            Some(Insurance)
        );
        assert_eq!(v(&["已到账", "未到账", "正常"]), Some(Status));
        assert_eq!(v(&["正常应缴", "补缴", "正常"]), Some(Type));
        assert_eq!(v(&["8%", "2%"]), Some(Rate));
        assert_eq!(v(&["张三", "李四"]), None);
        assert_eq!(v(&["示例医疗器械有限公司", "某某医院"]), None);
        assert!(is_tier_name("4%档"));
        assert!(is_tier_name("基本医疗一档"));
        assert!(!is_tier_name("档案"));
    }
}
