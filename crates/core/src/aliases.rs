//! The one alias table: which column names mean which field.
//!
//! Names are compared after [`normalize_header`]: full-width folded to half-width, all white
//! space removed, ASCII lower-cased, a leading `*` (a template's "required" mark) dropped.
//! When nothing matches, a trailing unit in brackets (`缴费基数(元)`) is dropped and the
//! name tried again. Within a field, aliases are listed in priority order: when a sheet has
//! two columns for one field (身份证号 and 个人编号), the earlier alias wins and, for the
//! person identifier, the other column is kept as the person number.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::records::Kind;
use crate::values::fold_width;

/// A field of an input record. One enum for all three kinds; [`Field::used_by`] says which
/// kinds use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    PersonId,
    Name,
    Period,
    Base,
    EmployeeAmount,
    EmployerAmount,
    Status,
    ContributionType,
    PaidDate,
    Insurance,
    Tier,
    Category,
    BirthDate,
    Employer,
    Date,
    EntryKind,
    Amount,
    Income,
    Expense,
    Balance,
    Beneficiary,
    Institution,
    RetiredFrom,
    AccountStatus,
    StatusFrom,
    StatusTo,
    Family,
    StatedCredit,
    StatedCreditEmployer,
    Reversed,
    Months,
    PeriodEnd,
    PeriodRange,
}

impl Field {
    pub const COUNT: usize = 33;

    pub const ALL: [Field; Field::COUNT] = [
        Field::PersonId,
        Field::Name,
        Field::Period,
        Field::Base,
        Field::EmployeeAmount,
        Field::EmployerAmount,
        Field::Status,
        Field::ContributionType,
        Field::PaidDate,
        Field::Insurance,
        Field::Tier,
        Field::Category,
        Field::BirthDate,
        Field::Employer,
        Field::Date,
        Field::EntryKind,
        Field::Amount,
        Field::Income,
        Field::Expense,
        Field::Balance,
        Field::Beneficiary,
        Field::Institution,
        Field::RetiredFrom,
        Field::AccountStatus,
        Field::StatusFrom,
        Field::StatusTo,
        Field::Family,
        Field::StatedCredit,
        Field::StatedCreditEmployer,
        Field::Reversed,
        Field::Months,
        Field::PeriodEnd,
        Field::PeriodRange,
    ];

    /// The fields a table of `kind` reads, in the order a header is scored by.
    pub fn used_by(kind: Kind) -> &'static [Field] {
        use Field::*;
        match kind {
            Kind::Contributions => &[
                PersonId,
                Name,
                Period,
                Base,
                EmployeeAmount,
                EmployerAmount,
                Status,
                ContributionType,
                PaidDate,
                Insurance,
                Tier,
                Category,
                BirthDate,
                Employer,
                StatedCredit,
                StatedCreditEmployer,
                Reversed,
                Months,
                PeriodEnd,
                PeriodRange,
            ],
            Kind::Statement => &[
                PersonId,
                Name,
                Date,
                EntryKind,
                Amount,
                Income,
                Expense,
                Balance,
                Period,
                Beneficiary,
                Institution,
                Family,
            ],
            Kind::Roster => &[
                PersonId,
                Name,
                BirthDate,
                Category,
                RetiredFrom,
                AccountStatus,
                StatusFrom,
                StatusTo,
                Family,
            ],
        }
    }

    /// The canonical (English) column name, as in SPEC and the JSON Schemas.
    pub fn name(self) -> &'static str {
        match self {
            Field::PersonId => "person_id",
            Field::Name => "name",
            Field::Period => "period",
            Field::Base => "base",
            Field::EmployeeAmount => "employee_amount",
            Field::EmployerAmount => "employer_amount",
            Field::Status => "status",
            Field::ContributionType => "contribution_type",
            Field::PaidDate => "paid_date",
            Field::Insurance => "insurance",
            Field::Tier => "tier",
            Field::Category => "category",
            Field::BirthDate => "birth_date",
            Field::Employer => "employer",
            Field::Date => "date",
            Field::EntryKind => "kind",
            Field::Amount => "amount",
            Field::Income => "income",
            Field::Expense => "expense",
            Field::Balance => "balance",
            Field::Beneficiary => "beneficiary",
            Field::Institution => "institution",
            Field::RetiredFrom => "retired_from",
            Field::AccountStatus => "account_status",
            Field::StatusFrom => "status_from",
            Field::StatusTo => "status_to",
            Field::Family => "family",
            Field::StatedCredit => "stated_credit",
            Field::StatedCreditEmployer => "stated_credit_employer",
            Field::Reversed => "reversed",
            Field::Months => "months",
            Field::PeriodEnd => "period_end",
            Field::PeriodRange => "period_range",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Column names that mean this field, in priority order. SPEC's aliases, plus a few
    /// seen in real exports (DOMAIN.md §4); none of SPEC's may be removed.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::PersonId => &[
                "身份证号",
                "身份证号码",
                "公民身份号码",
                "证件号码",
                "身份证件号码",
                "证件号",
                "身份证",
                "社会保障号码",
                "社会保障号",
                "缴费人识别号",
                "person_id",
                // Person numbers (SPEC 2.1): the key only where no ID column is given; beside
                // one they are the person number.
                "个人编号",
                "人员编号",
                "个人代码",
                "保险号",
                "社保编号",
                "社保卡号",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "公民身份证号",
                "公民身份证号码",
                "社保个人编号",
                "个人社保号",
                "个人社保编号",
                "社会保障卡号",
                "社会保障卡卡号",
            ],
            Field::Name => &["姓名", "员工姓名", "参保人姓名", "缴费人名称", "name"],
            Field::Period => &[
                "费款所属期",
                "费款所属年月",
                "所属期",
                "所属年月",
                "台账年月",
                "结算期",
                "参保月份",
                "缴费月份",
                "划入所属期",
                "账单期",
                "所属社保月份",
                "period",
                // The start of a range (SPEC 2.1): with an empty end, one month.
                "费款所属日期起",
                "费款所属期起",
                "开始缴费日期",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "应属年月",
                "应缴年月",
                "应交年月",
                "缴费属期",
                "缴费所属年月",
                "缴费所属期",
                "费款所属期号",
                "费款期号",
                "费款年月",
                "对应缴费期",
                "对应所属期",
                "对应期号",
                "缴费期号",
                "缴费结算期",
                "账目年月",
                "计划月份",
                "征缴月份",
                "起始月份",
                "起始年月",
                "账目起始年月",
            ],
            Field::Base => &[
                "缴费基数",
                "人员缴费基数",
                "个人月缴纳基数",
                "当年月缴费基数",
                "基数",
                "base",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "个人缴费基数",
                "月缴费基数",
                "缴费月基数",
                "缴纳基数",
                "缴费工资",
                "单位缴费基数",
            ],
            Field::EmployeeAmount => &[
                "个人缴费",
                "个人缴费金额",
                "个人缴纳",
                "个人缴纳金额",
                "个人应缴",
                "个人缴费额",
                "医疗个人缴费额",
                "医疗保险(个人)",
                "个人缴",
                "个人金额",
                "医疗个人",
                "employee_amount",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "个人交",
                "个人缴金额",
                "个人实缴金额",
                "实缴个人",
                "个人应缴金额",
                "应缴个人",
                "缴费金额个人",
                "其中个人缴费",
                "个人缴纳金",
                "个人缴费(每月)",
                "个人应缴金额/月",
            ],
            Field::EmployerAmount => &[
                "单位缴费",
                "单位缴费金额",
                "单位缴纳",
                "单位缴纳金额",
                "单位应缴",
                "单位缴费额",
                "医疗单位缴费额",
                "医疗保险(单位)",
                "单位缴",
                "单位金额",
                "医疗单位",
                "employer_amount",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "单位交",
                "单位缴金额",
                "单位实缴金额",
                "实缴单位",
                "单位应缴金额",
                "应缴单位",
                "缴费金额单位",
                "单位缴纳金",
                "单位缴费(每月)",
            ],
            Field::Status => &[
                "缴费状态",
                "缴费标志",
                "到账标记",
                "到账状态",
                "当月是否到帐",
                "当月是否到账",
                "到账情况",
                "到帐标志",
                "到账标志",
                "缴费标识",
                "缴费标记",
                "status",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "足额到账标志",
                "到账标识",
                "缴纳状态",
                "是否到款",
                "是否到账",
            ],
            Field::ContributionType => &["缴费类型", "应缴类型", "费用种类", "contribution_type"],
            Field::PaidDate => &[
                "缴费时间",
                "缴费日期",
                "到账日期",
                "实缴日期",
                "做账期号",
                "建账年月",
                "入库日期",
                "社保缴纳月",
                "paid_date",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "实缴年月",
                "到账年月",
                "足额到账年月",
                "实际缴费期",
                "实收时间",
                "到账时间",
                "处理日期",
            ],
            Field::Insurance => &[
                "险种",
                "险种类型",
                "参保类型",
                "征收品目",
                "征收项目",
                "参保费种",
                "insurance",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "参保险种",
                "保险类型",
                "保险种类",
                "险种名称",
                "险种信息",
                "险种类别",
                "医保类别",
                "社保类型",
                "缴费险种",
            ],
            Field::Tier => &[
                "档次",
                "缴费档次",
                "参保档次",
                "医疗人员类别",
                "征收子目",
                "tier",
                // SPEC 2.6: seen in public exports and an HR trial (docs/layouts.md).
                "医疗档次",
                "医疗缴费档次",
            ],
            Field::Category => &[
                "人员类别",
                "人员状态",
                "离退休标志",
                "离退休标识",
                "category",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "当期人员类别",
                "缴费人员类别",
                "个人身份",
                "职工类别",
            ],
            Field::BirthDate => &["出生日期", "birth_date"],
            Field::Employer => &[
                "单位名称",
                "单位编号",
                "缴费公司",
                "employer",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "参保单位",
                "缴费单位",
                "缴费单位名称",
                "当期所属单位",
                "所在单位",
                "公司名称",
            ],
            Field::Date => &[
                "交易时间",
                "交易日期",
                "收支时间",
                "记账日期",
                "发生日期",
                "经办时间",
                "账户支付时间",
                "划账日期",
                "日期",
                "date",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "变动日期",
                "入账时间",
            ],
            Field::EntryKind => &[
                "交易类型",
                "账户收支类型",
                "收支类型",
                "业务类型",
                "支付类别",
                "摘要",
                "kind",
            ],
            Field::Amount => &[
                "发生金额",
                "收支总金额",
                "本次收支金额",
                "交易金额",
                "支付金额",
                "金额",
                "amount",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "变更金额",
                "变动金额",
                "变动金额(入账金额)",
            ],
            Field::Income => &["收入", "收入金额", "划入金额", "income"],
            Field::Expense => &["支出", "支出金额", "消费金额", "expense"],
            Field::Balance => &["余额", "账户余额", "当前余额", "balance", "结余金额"],
            Field::Beneficiary => &[
                "共济人",
                "使用人",
                "就诊人",
                "家庭成员",
                "被代缴人",
                "beneficiary",
            ],
            Field::Institution => &[
                "医疗机构名称",
                "医药机构名称",
                "定点机构",
                "机构名称",
                "institution",
            ],
            Field::RetiredFrom => &["退休时间", "退休年月", "退休日期", "retired_from"],
            Field::AccountStatus => &["账户状态", "参保状态", "account_status"],
            Field::StatusFrom => &["状态开始", "开始年月", "状态开始年月", "status_from"],
            Field::StatusTo => &[
                "状态结束",
                "结束年月",
                "状态结束年月",
                "status_to",
                "终止年月",
            ],
            Field::Family => &["共济人员", "授权共济人员", "family"],
            Field::StatedCredit => &[
                "划入个人账户金额",
                "计入个人账户金额",
                "当月应划账金额",
                "划账户合计",
                "划入个人账户",
                "stated_credit",
                // SPEC 2.6: seen in public exports (docs/layouts.md). The totals first:
                // beside them the parts are not read (see `STATED_TOTALS`).
                "共划入账户",
                "划入合计",
                "划入个人账户全额",
                "划入账户金额",
                "本次划入账户金额",
                "月划入账户金额",
                "月进账金额",
                "划账户金额",
                "记入个人部分",
                "个人缴划账户金额",
                "个人缴费划账户",
                "个人缴费划入",
                "个人划入",
                "个人化个账",
            ],
            Field::StatedCreditEmployer => &[
                "单位划入个账",
                "stated_credit_employer",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "单位划入账户",
                "单位缴划账户金额",
                "单位缴费划账户",
                "单位缴划账户",
                "单位应缴划账户金额",
                "单位缴费划入",
                "单位划入",
                "单位划个账",
                "单位划拨款",
            ],
            Field::Reversed => &["冲销标志", "reversed"],
            Field::Months => &["累计月数", "months", "月数"],
            Field::PeriodEnd => &[
                "费款所属日期止",
                "费款所属期止",
                "终止缴费日期",
                "period_end",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "终止月份",
                "截止年月",
                "账目截止年月",
            ],
            Field::PeriodRange => &[
                "费款所属期起止",
                "period_range",
                // SPEC 2.6: seen in public exports (docs/layouts.md).
                "缴费起止时间",
            ],
        }
    }
}

/// 缴费年月 is the period on its own, but the payment month beside another period column
/// (Tianjin and Wuhan exports carry both); SPEC's rule, applied by the header mapper.
pub const PAYMENT_MONTH: &str = "缴费年月";

/// 费款所属期 and 费款所属年月 are the period whatever month column stands beside them
/// (SPEC Part 1); beside any other period alias, SPEC 2.1's earlier-month rule decides.
pub const DEFINITE_PERIODS: [&str; 3] = ["费款所属期", "费款所属年月", "费款所属期号"];

/// The period aliases that start a range (…起, 开始缴费日期): never one of SPEC 2.1's two
/// period columns.
pub const RANGE_STARTS: [&str; 6] = [
    "费款所属日期起",
    "费款所属期起",
    "开始缴费日期",
    "起始月份",
    "起始年月",
    "账目起始年月",
];

/// Long format (SPEC 2.1, tax-bureau declarations): the columns that name a row's
/// insurance, its side (个人 / 单位) and its amount, each in priority order. The amount
/// columns are read only in long format.
pub const LONG_INSURANCE: [&str; 4] = ["险种", "险种类型", "参保费种", "征收项目"];
pub const LONG_SIDE: [&str; 2] = ["征收品目", "征收子目"];
pub const LONG_AMOUNT: [&str; 3] = ["实缴金额", "本期应缴费额", "应缴金额"];

/// 缴费人识别号: a person_id alias only when every value below it is an ID (SPEC 2.1).
pub const PAYER_ID: &str = "缴费人识别号";

/// 共济人员 is both a roster column (authorised relatives) and, in some statements, the
/// relative a debit served: the kind of the sheet decides.
pub const FAMILY_OR_BENEFICIARY: &str = "共济人员";

/// Header text in the comparable form.
pub fn normalize_header(raw: &str) -> String {
    let folded = fold_width(raw);
    let mut out: String = folded
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    while out.starts_with('*') {
        out.remove(0);
    }
    while out.ends_with('*') {
        out.pop();
    }
    out
}

/// `缴费基数(元)` → `缴费基数`: a trailing bracket with a unit in it.
fn strip_unit(name: &str) -> Option<&str> {
    let open = name.rfind('(')?;
    let inner = name[open + 1..].strip_suffix(')')?;
    const UNITS: [&str; 7] = ["元", "元/月", "%", "人民币", "yuan", "cny", "rmb"];
    (UNITS.contains(&inner) && open > 0).then(|| &name[..open])
}

/// Every alias in its normalized form, built once.
fn alias_map() -> &'static HashMap<String, (Field, usize)> {
    static MAP: OnceLock<HashMap<String, (Field, usize)>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for f in Field::ALL {
            for (rank, a) in f.aliases().iter().enumerate() {
                map.entry(normalize_header(a)).or_insert((f, rank));
            }
        }
        map
    })
}

/// The field a normalized header names, if any, and the alias's rank within the field
/// (lower is preferred).
pub fn lookup(normalized: &str) -> Option<(Field, usize)> {
    let map = alias_map();
    let exact = |n: &str| {
        map.get(n)
            .or_else(|| strip_unit(n).and_then(|n| map.get(n)))
            .copied()
    };
    exact(normalized).or_else(|| {
        // SPEC 2.6: 帐 is written for 账 (到帐标志, 划入个人帐户金额).
        normalized
            .contains('帐')
            .then(|| normalized.replace('帐', "账"))
            .and_then(|n| exact(&n))
    })
}

/// Whether a normalized header names a person number (个人编号, 社保卡号…) rather than an ID
/// number: the person_id aliases from 个人编号 on (SPEC 2.1).
pub fn is_person_number(normalized: &str) -> bool {
    let ids = Field::PersonId.aliases();
    let first_number = ids
        .iter()
        .position(|a| *a == "个人编号")
        .unwrap_or(ids.len());
    lookup(normalized).is_some_and(|(f, rank)| {
        f == Field::PersonId
            && rank >= first_number
            && !["公民身份证号", "公民身份证号码"].contains(&ids[rank])
    })
}

/// Whether a normalized header is 缴费年月.
pub fn is_payment_month(normalized: &str) -> bool {
    normalized == PAYMENT_MONTH || strip_unit(normalized) == Some(PAYMENT_MONTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_listed_once_in_order() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
            assert!(
                f.aliases().contains(&f.name()),
                "{f:?} lists its canonical name"
            );
        }
    }

    #[test]
    fn no_alias_names_two_fields() {
        let mut seen = std::collections::HashMap::new();
        for f in Field::ALL {
            for a in f.aliases() {
                let n = normalize_header(a);
                if let Some(other) = seen.insert(n.clone(), f) {
                    panic!("{n} names both {other:?} and {f:?}");
                }
            }
        }
    }

    #[test]
    fn headers_match_after_normalisation() {
        assert_eq!(
            lookup(&normalize_header(" 身份证号 ")),
            Some((Field::PersonId, 0))
        );
        assert_eq!(
            lookup(&normalize_header("医疗保险（个人）")).map(|x| x.0),
            Some(Field::EmployeeAmount)
        );
        assert_eq!(
            lookup(&normalize_header("PERSON_ID")).map(|x| x.0),
            Some(Field::PersonId)
        );
        assert_eq!(
            lookup(&normalize_header("*姓名")).map(|x| x.0),
            Some(Field::Name)
        );
        assert_eq!(
            lookup(&normalize_header("缴费基数(元)")).map(|x| x.0),
            Some(Field::Base)
        );
        assert_eq!(
            lookup(&normalize_header("缴费 基数（元）")).map(|x| x.0),
            Some(Field::Base)
        );
        assert_eq!(
            lookup(&normalize_header("个人编号")).map(|x| x.0),
            Some(Field::PersonId)
        );
        assert_eq!(
            lookup(&normalize_header("出生日期")).map(|x| x.0),
            Some(Field::BirthDate)
        );
        assert_eq!(
            lookup(&normalize_header("日期")).map(|x| x.0),
            Some(Field::Date)
        );
        assert_eq!(lookup(&normalize_header("备注")), None);
        assert_eq!(lookup(&normalize_header("缴费年月")), None);
        assert!(is_payment_month(&normalize_header("缴费年月")));
    }
}
