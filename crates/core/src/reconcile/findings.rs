//! The one finding-code table: code, default severity, and the message in Chinese and
//! English. Messages say what happened, the amounts, and what to do.

use std::fmt;

use crate::money::Money;
use serde::Serialize;

use crate::lang::Lang;
use crate::records::Period;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// SPEC's finding codes, in SPEC's order (errors, warnings, infos).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    CreditMissing,
    CreditShort,
    EmployerPaymentMissing,
    DuplicateCredit,
    BalanceBreak,
    CreditsStopped,
    CreditExcess,
    CreditLate,
    CreditUnexpected,
    TierChange,
    AccountCleared,
    AccountInactive,
    FamilySharing,
    RateMismatch,
    EntryUnclassified,
    NoStatement,
    ExpectationUnknown,
    SourceConflict,
    CreditGap,
    CreditChange,
    NeverCredited,
    NoContributions,
    CreditPending,
    NoAccount,
    BaseChange,
    PolicyChange,
    Backpay,
}

/// One row of the code table.
pub struct CodeInfo {
    pub code: Code,
    pub name: &'static str,
    /// A few words naming the problem, for people (console, workbook, page).
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// The severity SPEC gives; CREDIT_LATE and FAMILY_SHARING are raised to warning in
    /// the cases SPEC names.
    pub severity: Severity,
    pub zh: &'static str,
    pub en: &'static str,
}

use Code::*;
use Severity::*;

/// Placeholders: {period} {to} {expected} {actual} {diff} {due} {grace} {month} {date}
/// {amount} {kind} {who} {old} {new} {employer}.
pub const CODES: [CodeInfo; 27] = [
    CodeInfo {
        code: CreditMissing,
        name: "CREDIT_MISSING",
        label_zh: "应划未划",
        label_en: "credit missing",
        severity: Error,
        zh: "{period} 应划入个人账户 {expected} 元,应在 {due} 到账,宽限至 {grace} 仍未到账。请持该所属期向单位(核实是否足额缴费)或医保经办机构查询。",
        en: "Period {period}: {expected} yuan should have been credited in {due}; nothing arrived by the end of grace ({grace}). Ask the employer (was it paid in full?) or the medical-insurance office about this period.",
    },
    CodeInfo {
        code: CreditShort,
        name: "CREDIT_SHORT",
        label_zh: "少划",
        label_en: "credit short",
        severity: Error,
        zh: "{period} 应划入 {expected} 元,实际 {date} 划入 {actual} 元,少 {diff} 元。请核对缴费基数,并向医保经办机构查询差额。",
        en: "Period {period}: {expected} yuan expected, {actual} yuan credited on {date}, {diff} yuan short. Check the contribution base and ask the medical-insurance office about the difference.",
    },
    CodeInfo {
        code: EmployerPaymentMissing,
        name: "EMPLOYER_PAYMENT_MISSING",
        label_zh: "单位未足额缴费",
        label_en: "employer payment missing",
        severity: Error,
        zh: "{period} 没有足额缴费记录{employer},该月个人账户不会划入。请向单位人事/社保经办人核实欠缴或断缴,并要求补缴。",
        en: "Period {period}: no paid contribution{employer}, so nothing is credited for it. Ask the employer's HR about the arrears or the gap and have it paid.",
    },
    CodeInfo {
        code: DuplicateCredit,
        name: "DUPLICATE_CREDIT",
        label_zh: "重复划入",
        label_en: "duplicate credit",
        severity: Error,
        zh: "{date} 又划入 {amount} 元,该所属期已划入过({kind})。可能重复划账,后续可能被冲回,请向医保经办机构确认。",
        en: "{date}: a further {amount} yuan credited for a period already credited ({kind}). Possibly credited twice and liable to be reversed; confirm with the medical-insurance office.",
    },
    CodeInfo {
        code: BalanceBreak,
        name: "BALANCE_BREAK",
        label_zh: "余额不连续",
        label_en: "balance does not carry",
        severity: Error,
        zh: "{date} 余额为 {actual} 元,按上一笔余额加本笔发生额应为 {expected} 元,相差 {diff} 元。明细可能缺行或被调整,请索取完整的账户明细。",
        en: "{date}: balance {actual} yuan where the previous balance plus this amount gives {expected} yuan ({diff} yuan apart). Rows may be missing or adjusted; ask for the complete statement.",
    },
    CodeInfo {
        code: CreditsStopped,
        name: "CREDITS_STOPPED",
        label_zh: "划入中断",
        label_en: "credits stopped",
        severity: Error,
        zh: "{period} 起至 {to} 再没有划入个人账户,最后一次划入在 {last}{asof_note}。请依次核对:{causes}",
        en: "No credit from {period} to {to}; the last credit was in {last}{asof_note}. Check, in this order: {causes}",
    },
    CodeInfo {
        code: CreditExcess,
        name: "CREDIT_EXCESS",
        label_zh: "多划",
        label_en: "credit above expected",
        severity: Warning,
        zh: "{period} 应划入 {expected} 元,实际 {date} 划入 {actual} 元,多 {diff} 元。可能含补划或政策调整;如无依据,多划部分可能被收回。",
        en: "Period {period}: {expected} yuan expected, {actual} yuan credited on {date}, {diff} yuan more. It may include a catch-up or a policy change; without one the excess may be taken back.",
    },
    CodeInfo {
        code: CreditLate,
        name: "CREDIT_LATE",
        label_zh: "延迟划入",
        label_en: "credit late",
        severity: Info,
        zh: "{period} 的 {actual} 元于 {date} 到账,应在 {due} 到账,晚了 {months} 个月。",
        en: "Period {period}: {actual} yuan arrived on {date}, due in {due}: {months} month(s) late.",
    },
    CodeInfo {
        code: CreditUnexpected,
        name: "CREDIT_UNEXPECTED",
        label_zh: "无对应缴费的划入",
        label_en: "credit without contribution",
        severity: Warning,
        zh: "{date} 划入 {amount} 元({kind}),找不到对应的缴费所属期。可能是补缴、转入或其他地区的划入,请核对缴费记录是否完整。",
        en: "{date}: {amount} yuan credited ({kind}) with no contribution period to match. It may be a back payment, a transfer or a credit from elsewhere; check that the contribution records are complete.",
    },
    CodeInfo {
        code: TierChange,
        name: "TIER_CHANGE",
        label_zh: "档次变化",
        label_en: "tier changed",
        severity: Warning,
        zh: "从 {period} 起参保类型/档次由「{old}」变为「{new}」,个人账户{what}。",
        en: "From {period} the insurance or tier changed from \"{old}\" to \"{new}\": the personal account {what}.",
    },
    CodeInfo {
        code: AccountCleared,
        name: "ACCOUNT_CLEARED",
        label_zh: "账户清退/转出",
        label_en: "account cleared",
        severity: Warning,
        zh: "{date} 账户支出 {amount} 元({kind}),属于清退/清零或转出。如非本人办理转移,请向医保经办机构查询原因。",
        en: "{date}: {amount} yuan taken out of the account ({kind}): a clearing or a transfer out. If you did not ask for a transfer, ask the medical-insurance office why.",
    },
    CodeInfo {
        code: AccountInactive,
        name: "ACCOUNT_INACTIVE",
        label_zh: "账户未启用",
        label_en: "account inactive",
        severity: Warning,
        zh: "{period} 至 {to} 账户处于冻结/未激活/暂停状态,应划入的 {expected} 元未到账。激活社保卡或恢复参保后,请向医保经办机构申请补划。",
        en: "{period} to {to}: the account was frozen, not activated or suspended, and {expected} yuan due was not credited. Once the card is activated or the insurance resumed, ask the office to credit it.",
    },
    CodeInfo {
        code: FamilySharing,
        name: "FAMILY_SHARING",
        label_zh: "家庭共济支出",
        label_en: "family sharing",
        severity: Info,
        zh: "{date} 家庭共济支出 {amount} 元({kind}),使用人:{who}。",
        en: "{date}: {amount} yuan paid for a relative from the account ({kind}), for {who}.",
    },
    CodeInfo {
        code: RateMismatch,
        name: "RATE_MISMATCH",
        label_zh: "缴费比例不符",
        label_en: "rate mismatch",
        severity: Warning,
        zh: "{period} 个人缴费 {actual} 元,按基数和个人缴费比例应为 {expected} 元,相差 {diff} 元。请向单位核对缴费基数和比例。",
        en: "Period {period}: the employee paid {actual} yuan where base times the employee rate gives {expected} yuan ({diff} apart). Check the base and the rate with the employer.",
    },
    CodeInfo {
        code: EntryUnclassified,
        name: "ENTRY_UNCLASSIFIED",
        label_zh: "无法识别的明细",
        label_en: "entry not classified",
        severity: Warning,
        zh: "{date} 有一笔无法识别类型的收支「{kind}」{amount} 元,未计入划入或消费。请确认其性质。",
        en: "{date}: an entry of unknown kind \"{kind}\", {amount} yuan, counted neither as a credit nor as spending. Find out what it is.",
    },
    CodeInfo {
        code: NoStatement,
        name: "NO_STATEMENT",
        label_zh: "缺少账户明细",
        label_en: "no statement",
        severity: Warning,
        zh: "{period} 至 {to} 应划入共 {expected} 元,但没有此人的账户明细,无法核对是否到账。请导出此人的个人账户明细。",
        en: "{period} to {to}: {expected} yuan should have been credited, but there is no account statement for this person to check against. Export this person's account statement.",
    },
    CodeInfo {
        code: ExpectationUnknown,
        name: "EXPECTATION_UNKNOWN",
        label_zh: "无法计算应划金额",
        label_en: "expected credit unknown",
        severity: Warning,
        zh: "{period} 至 {to} 无法计算应划入个人账户的金额:缴费记录缺少{missing},也没有「划入个人账户金额」一类的列。这些月份只核对是否到账,不核对金额。请导出含这些列的缴费明细,或在政策文件 [rates] 中写明个人费率 employee。",
        en: "{period} to {to}: the expected credit cannot be worked out: the contribution records lack the {missing} and have no stated credit column (划入个人账户金额…). These months are checked for arrival only, not amount. Export contribution records with those columns, or give [rates] employee in the policy.",
    },
    CodeInfo {
        code: SourceConflict,
        name: "SOURCE_CONFLICT",
        label_zh: "来源不一致",
        label_en: "sources disagree",
        severity: Warning,
        zh: "{period} 的缴费记录在两个文件中不一致({field}:{first} 为 {old},{later} 为 {new})。以 {first} 为准,{later} 的这些行未计入。请确认哪个文件是最新的。",
        en: "Period {period} is recorded differently in two files ({field}: {old} in {first}, {new} in {later}). {first} is used; the rows of {later} were not counted. Check which file is current.",
    },
    CodeInfo {
        code: CreditGap,
        name: "CREDIT_GAP",
        label_zh: "划入有缺月",
        label_en: "months without credit",
        severity: Warning,
        zh: "{period} 至 {to} 共 {months} 个月没有划入个人账户,前后月份都有划入,之后也没有补划。请依次核对:1. 这几个月单位是否缴费(换工作、欠缴、断缴),向单位人事或社保经办人核实;2. 账户这几个月是否被暂停或冻结;3. 持这些月份向医保经办机构查询并申请补划。",
        en: "{period} to {to}: {months} month(s) without a credit, with credits before and after and none made up since. Check, in this order: 1. whether contributions were paid for these months (job change, employer arrears, a break) — ask the employer's HR; 2. whether the account was suspended or frozen then; 3. ask the medical-insurance office about these months and to credit them.",
    },
    CodeInfo {
        code: CreditChange,
        name: "CREDIT_CHANGE",
        label_zh: "划入金额变化",
        label_en: "monthly credit changed",
        severity: Info,
        zh: "从 {period} 起每月划入个人账户由 {expected} 元变为 {actual} 元。{reason}",
        en: "From {period} the monthly credit changed from {expected} to {actual} yuan. {reason}",
    },
    CodeInfo {
        code: NeverCredited,
        name: "NEVER_CREDITED",
        label_zh: "从未划入",
        label_en: "never credited",
        severity: Warning,
        zh: "{period} 至 {to} 的账户明细中从未有划入,也没有利息和余额。请依次核对:1. 参加的是否是城乡居民医保(没有个人账户);2. 参保档次是否不建个人账户(如二档、三档、单建统筹);3. 账户是否尚未开通或激活(如社保卡未激活),可向医保经办机构查询。",
        en: "{period} to {to}: the statement shows no credit ever, no interest and no balance. Check, in this order: 1. whether this is resident insurance (no personal account); 2. whether the tier has no account (二档, 三档, 单建统筹); 3. whether the account was never opened or activated (e.g. the card not activated) — ask the medical-insurance office.",
    },
    CodeInfo {
        code: NoContributions,
        name: "NO_CONTRIBUTIONS",
        label_zh: "缺少缴费记录",
        label_en: "no contribution records",
        severity: Warning,
        zh: "{period} 至 {to} 只有此人的账户明细,没有缴费记录:只能从明细本身判断断档、停划和金额变化,无法核对每期应划多少。请补充此人的缴费记录。",
        en: "{period} to {to}: this person has a statement and no contribution records: gaps, stops and changes are judged from the statement alone, not what each period should have credited. Add this person's contribution records.",
    },
    CodeInfo {
        code: CreditPending,
        name: "CREDIT_PENDING",
        label_zh: "尚未到期",
        label_en: "credit not yet due",
        severity: Info,
        zh: "{period} 应划入 {expected} 元,尚在到账期内(应在 {due} 到账,宽限至 {grace})。",
        en: "Period {period}: {expected} yuan due in {due} has not arrived yet; still within grace (until {grace}).",
    },
    CodeInfo {
        code: NoAccount,
        name: "NO_ACCOUNT",
        label_zh: "该档次无个人账户",
        label_en: "no personal account in this tier",
        severity: Info,
        zh: "{period} 至 {to} 参保类型/档次为「{kind}」,按政策不建个人账户,账户为 0 属正常。",
        en: "{period} to {to}: insured as \"{kind}\", which has no personal account under the policy; a zero balance is expected.",
    },
    CodeInfo {
        code: BaseChange,
        name: "BASE_CHANGE",
        label_zh: "缴费基数变化",
        label_en: "contribution base changed",
        severity: Info,
        zh: "从 {period} 起缴费基数由 {old} 元变为 {new} 元,划入金额随之变化。",
        en: "From {period} the contribution base changed from {old} to {new} yuan; the credit changes with it.",
    },
    CodeInfo {
        code: PolicyChange,
        name: "POLICY_CHANGE",
        label_zh: "政策变化",
        label_en: "policy changed",
        severity: Info,
        zh: "从 {period} 起划入规则变化({old} → {new})。",
        en: "From {period} the crediting rule changed ({old} → {new}).",
    },
    CodeInfo {
        code: Backpay,
        name: "BACKPAY",
        label_zh: "补缴",
        label_en: "back payment",
        severity: Info,
        zh: "{period} 为补缴({paid}缴纳),划入应在 {due}。",
        en: "Period {period} was paid late as a back payment (paid {paid}); its credit is due in {due}.",
    },
];

impl Code {
    pub fn info(self) -> &'static CodeInfo {
        &CODES[self as usize]
    }

    /// The code SPEC names `name` (CREDIT_MISSING…).
    pub fn from_name(name: &str) -> Option<Code> {
        CODES.iter().find(|c| c.name == name).map(|c| c.code)
    }

    /// A few words naming the problem in `lang`.
    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        lang.pick(self.info().label_zh, self.info().label_en)
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn all() -> impl Iterator<Item = Code> {
        CODES.iter().map(|c| c.code)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding of one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub period: Option<Period>,
    pub period_to: Option<Period>,
    pub code: Code,
    pub severity: Severity,
    pub expected: Option<Money>,
    pub actual: Option<Money>,
    pub difference: Option<Money>,
    pub message: String,
}

/// A code's other wording, chosen when a value is given or not: the same finding where
/// the main template's values do not exist.
struct Variant {
    code: Code,
    /// The value whose presence (`present`) or absence selects this wording.
    key: &'static str,
    present: bool,
    text: [&'static str; 2],
}

const VARIANTS: [Variant; 6] = [
    // A family-sharing debit whose statement names no beneficiary.
    Variant {
        code: FamilySharing,
        key: "who",
        present: false,
        text: [
            "{date} 家庭共济支出 {amount} 元({kind}),明细未列出使用人。",
            "{date}: {amount} yuan paid for a relative from the account ({kind}); the statement does not say for whom.",
        ],
    },
    // No account in the tier, but the statement shows money in the account.
    Variant {
        code: NoAccount,
        key: "balance",
        present: true,
        text: [
            "{period} 至 {to} 参保类型/档次为「{kind}」,按政策这段时间不划入个人账户。明细余额 {balance} 元来自其他时期或来源,不受影响。",
            "{period} to {to}: insured as \"{kind}\", which has no personal account under the policy, so nothing is credited for these months. The balance of {balance} yuan on the statement comes from other periods or sources and is not affected.",
        ],
    },
    // A period whose expected credit could not be worked out (EXPECTATION_UNKNOWN).
    Variant {
        code: CreditMissing,
        key: "expected",
        present: false,
        text: [
            "{period} 应有一笔划入个人账户(金额无法计算),应在 {due} 到账,宽限至 {grace} 仍未到账。请持该所属期向单位或医保经办机构查询。",
            "Period {period}: a credit (amount unknown) should have arrived in {due}; nothing arrived by the end of grace ({grace}). Ask the employer or the medical-insurance office about this period.",
        ],
    },
    // Statement-first (SPEC 2.2): `period` is the statement month the credit should have
    // come in, `for` the period it is for.
    Variant {
        code: CreditLate,
        key: "for",
        present: true,
        text: [
            "{period} 应到的一笔划入(所属期约 {for})晚到:{date} 才划入 {actual} 元,晚了 {months} 个月。已补上,无需处理。",
            "{period}: the credit due this month (for period {for} or so) came late: {actual} yuan on {date}, {months} month(s) late. It was made up; nothing to do.",
        ],
    },
    // Statement-first: no credit ever, but interest, a carry-over or a balance.
    Variant {
        code: CreditsStopped,
        key: "last",
        present: false,
        text: [
            "{period} 至 {to} 的账户明细中没有任何划入,但有利息、结转或余额:以前有过划入,之后停止了{asof_note}。请依次核对:{causes}",
            "{period} to {to}: the statement shows no credit at all, but interest, a carry-over or a balance: credits came before and have stopped{asof_note}. Check, in this order: {causes}",
        ],
    },
    // Statement-first: inactive months without an expected amount.
    Variant {
        code: AccountInactive,
        key: "expected",
        present: false,
        text: [
            "{period} 至 {to} 账户处于冻结/未激活/暂停状态,这些月份没有划入。激活社保卡或恢复参保后,请向医保经办机构申请补划。",
            "{period} to {to}: the account was frozen, not activated or suspended, and nothing was credited in these months. Once the card is activated or the insurance resumed, ask the office to credit them.",
        ],
    },
];

/// Fills a template that is not a code's own message (see [`render`]).
fn render_text(template: &'static str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    for part in cut(template) {
        out.push_str(match part {
            Part::Text(t) => t,
            Part::Key(k) => args
                .iter()
                .find(|(key, _)| *key == k)
                .map_or("", |(_, v)| *v),
        });
    }
    out
}

/// Fills a message template; `{key}` without a value stays empty. The message is made
/// at its exact length: a run keeps every message until the end (10k people: 30k of
/// them), and a buffer grown or guessed leaves room unused in each.
pub fn render(code: Code, lang: Lang, args: &[(&str, &str)]) -> String {
    let given = |key: &str| args.iter().any(|(k, _)| *k == key);
    if let Some(v) = VARIANTS
        .iter()
        .find(|v| v.code == code && given(v.key) == v.present)
    {
        return render_text(v.text[lang.pick_index()], args);
    }
    let value = |key: &str| args.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| *v);
    let parts = template_parts(code, lang);
    let len = parts
        .iter()
        .map(|part| match part {
            Part::Text(t) => t.len(),
            Part::Key(k) => value(k).len(),
        })
        .sum();
    let mut out = String::with_capacity(len);
    for part in parts {
        out.push_str(match part {
            Part::Text(t) => t,
            Part::Key(k) => value(k),
        });
    }
    out
}

/// A piece of a message template: text as written, or a `{key}` to fill.
enum Part {
    Text(&'static str),
    Key(&'static str),
}

/// Every template cut into its parts once per run, not at each of millions of findings.
fn template_parts(code: Code, lang: Lang) -> &'static [Part] {
    static PARTS: std::sync::OnceLock<Vec<[Vec<Part>; 2]>> = std::sync::OnceLock::new();
    let all = PARTS.get_or_init(|| CODES.iter().map(|c| [cut(c.zh), cut(c.en)]).collect());
    &all[code as usize][lang.pick_index()]
}

/// Cuts a template at its `{key}`s; a `{` never closed is text to the end.
fn cut(template: &'static str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        parts.push(Part::Text(&rest[..open]));
        let Some(close) = rest[open..].find('}') else {
            parts.push(Part::Text(&rest[open..]));
            return parts;
        };
        parts.push(Part::Key(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    parts.push(Part::Text(rest));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_code_order_with_spec_severities() {
        for (i, c) in CODES.iter().enumerate() {
            assert_eq!(c.code as usize, i, "{}", c.name);
        }
        let errors: Vec<&str> = CODES
            .iter()
            .filter(|c| c.severity == Error)
            .map(|c| c.name)
            .collect();
        assert_eq!(
            errors,
            [
                "CREDIT_MISSING",
                "CREDIT_SHORT",
                "EMPLOYER_PAYMENT_MISSING",
                "DUPLICATE_CREDIT",
                "BALANCE_BREAK",
                "CREDITS_STOPPED"
            ]
        );
        assert_eq!(Code::all().count(), 27);
    }

    #[test]
    fn a_missing_credit_without_an_amount_names_none() {
        let m = render(
            CreditMissing,
            Lang::En,
            &[
                ("period", "2024-03"),
                ("due", "2024-04"),
                ("grace", "2024-06"),
            ],
        );
        assert!(
            m.starts_with("Period 2024-03: a credit (amount unknown)"),
            "{m}"
        );
        assert!(!m.contains('{') && !m.contains("  "), "{m}");
    }

    #[test]
    fn templates_cut_at_their_keys() {
        let texts = |parts: Vec<Part>| -> Vec<String> {
            parts
                .iter()
                .map(|p| match p {
                    Part::Text(t) => format!("text:{t}"),
                    Part::Key(k) => format!("key:{k}"),
                })
                .collect()
        };
        assert_eq!(
            texts(cut("{a}: b {c} d {e")),
            [
                "text:",
                "key:a",
                "text:: b ",
                "key:c",
                "text: d ",
                "text:{e"
            ]
        );
        assert_eq!(texts(cut("")), ["text:"]);
        let m = render(CreditMissing, Lang::En, &[("period", "2024-03")]);
        assert!(m.contains("2024-03") && !m.contains('{'), "{m}");
    }

    #[test]
    fn renders_placeholders() {
        let m = render(
            CreditMissing,
            Lang::En,
            &[
                ("period", "2024-03"),
                ("expected", "160.00"),
                ("due", "2024-04"),
                ("grace", "2024-06"),
            ],
        );
        assert!(
            m.starts_with("Period 2024-03: 160.00 yuan should have been credited in 2024-04"),
            "{m}"
        );
        assert!(!m.contains('{'));
    }
}
