//! Coded values (status, type, insurance, category, entry kind), recognised by the
//! keywords SPEC lists, contained in the cell, or by the national codes.

use super::{Cell, ValueError, ValueResult, keyword_text, text};
use crate::records::{
    AccountStatus, Category, ContributionType, Direction, EntryKind, Insurance, PaymentStatus,
};

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// A leading national code (`101`, `30-补收`, `10 正常缴费`).
fn leading_code(s: &str) -> Option<u32> {
    let digits: &str = &s[..s.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() || digits.len() > 3 {
        return None;
    }
    let rest = &s[digits.len()..];
    if rest.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    digits.parse().ok()
}

/// 缴费状态: paid or unpaid; an empty cell is `None` (treated as paid by the caller).
pub fn payment_status(cell: &Cell) -> ValueResult<PaymentStatus> {
    if let Cell::Bool(b) = cell {
        return Ok(Some(if *b {
            PaymentStatus::Paid
        } else {
            PaymentStatus::Unpaid
        }));
    }
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if contains_any(
        &s,
        &[
            "未缴",
            "欠缴",
            "欠费",
            "未到账",
            "未到帐",
            "未足额",
            "unpaid",
        ],
    ) || matches!(s.as_str(), "否" | "0" | "n" | "no" | "false")
    {
        return Ok(Some(PaymentStatus::Unpaid));
    }
    if contains_any(
        &s,
        &[
            "已缴",
            "已实缴",
            "已到账",
            "已到帐",
            "足额缴费",
            "已足额",
            "正常",
            "paid",
        ],
    ) || matches!(s.as_str(), "是" | "1" | "y" | "yes" | "true")
    {
        return Ok(Some(PaymentStatus::Paid));
    }
    Err(ValueError::UnknownStatus)
}

/// 缴费类型: 10/正常/标准 normal, 30–35/补缴/补收/补差 back payment, 20/退收 refund, 36/40/41
/// (退休人员统筹划账户, 账户注入, 账户预划) credits the bureau owes; any other code or word is
/// `other`, kept and not scheduled (SPEC 2.1), never rejected.
pub fn contribution_type(cell: &Cell) -> ValueResult<ContributionType> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if let Some(code) = leading_code(&s) {
        return Ok(Some(match code {
            10 => ContributionType::Normal,
            20 => ContributionType::Refund,
            30..=35 => ContributionType::BackPayment,
            36 | 40 | 41 => ContributionType::AccountCredit,
            _ => ContributionType::Other,
        }));
    }
    Ok(Some(
        if contains_any(&s, &["划账户", "账户注入", "账户预划"]) {
            ContributionType::AccountCredit
        } else if contains_any(&s, &["补", "back"]) {
            ContributionType::BackPayment
        } else if contains_any(&s, &["退", "refund"]) {
            ContributionType::Refund
        } else if contains_any(&s, &["正常", "标准", "normal"]) {
            ContributionType::Normal
        } else {
            ContributionType::Other
        },
    ))
}

/// 冲销标志: a row marked 是, 已冲销 or 1 was reversed and is not read (SPEC 2.1).
pub fn is_reversed(cell: &Cell) -> bool {
    match cell {
        Cell::Bool(b) => *b,
        Cell::Int(i) => *i == 1,
        Cell::Float(f) => *f == 1.0,
        Cell::Text(t) => matches!(
            super::fold_width(t).as_ref(),
            "是" | "已冲销" | "冲销" | "1" | "y" | "Y" | "yes" | "true"
        ),
        _ => false,
    }
}

/// Whether an insurance cell or a column group's label names a scheme other than basic
/// medical (SPEC 2.1's order: 补充, 大额, 大病, 公务员, 长期护理, 养老, 失业, 工伤, 公积金;
/// 生育 unless written as 含生育). Checked first: 职工大额医疗 contains 职工, and
/// 基本医疗保险（含生育） is medical.
pub fn names_other_scheme(text: &str) -> bool {
    contains_any(
        text,
        &[
            "补充",
            "大额",
            "大病",
            "公务员",
            "补助",
            "长期护理",
            "养老",
            "失业",
            "工伤",
            "公积金",
        ],
    ) || (text.contains("生育") && !text.contains("含生育"))
}

/// Whether an insurance cell read as `Other` names another scheme for certain (养老保险,
/// 失业, a national code such as 110 or 410) rather than holding text the tool does not
/// know: such rows are left out of a table of several insurances.
pub fn names_a_scheme(text: &str) -> bool {
    let folded = super::fold_width(text);
    names_other_scheme(&folded)
        || leading_code(&folded)
            .is_some_and(|c| matches!(c, 110 | 120 | 210 | 320 | 330 | 392 | 410 | 510))
}

/// 险种: never an error — a scheme the tool does not reconcile is kept as `Other`.
pub fn insurance(cell: &Cell) -> ValueResult<Insurance> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    let original = text(cell).unwrap_or_default();
    if let Some(code) = leading_code(&s) {
        return Ok(Some(match code {
            310 => Insurance::Employee,
            390 | 391 => Insurance::Resident,
            _ => Insurance::Other(original.into()),
        }));
    }
    let other = names_other_scheme(&s);
    let ins = if other {
        Insurance::Other(original.into())
    } else if contains_any(
        &s,
        &["城乡居民", "居民医保", "城镇居民", "居民", "resident"],
    ) {
        Insurance::Resident
    } else if contains_any(&s, &["灵活就业", "灵活", "flexible"]) {
        Insurance::Flexible
    } else if contains_any(&s, &["职工", "基本医疗", "医疗", "医保", "employee"]) {
        Insurance::Employee
    } else {
        Insurance::Other(original.into())
    };
    Ok(Some(ins))
}

/// 人员类别: 在职 active, 退休 retired.
pub fn category(cell: &Cell) -> ValueResult<Category> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if contains_any(&s, &["退休", "离休", "retire"]) {
        Ok(Some(Category::Retired))
    } else if contains_any(
        &s,
        &["在职", "在岗", "职工", "灵活就业", "active", "employed"],
    ) {
        Ok(Some(Category::Active))
    } else {
        Err(ValueError::UnknownCategory)
    }
}

/// 账户状态/参保状态: 正常 active; 冻结, 未激活, 暂停 (and 终止, 注销) inactive.
pub fn account_status(cell: &Cell) -> ValueResult<AccountStatus> {
    let Some(s) = keyword_text(cell)? else {
        return Ok(None);
    };
    if contains_any(
        &s,
        &[
            "冻结",
            "未激活",
            "暂停",
            "终止",
            "注销",
            "无效",
            "inactive",
            "frozen",
            "suspend",
        ],
    ) {
        Ok(Some(AccountStatus::Inactive))
    } else if contains_any(&s, &["正常", "激活", "active", "normal"]) {
        Ok(Some(AccountStatus::Active))
    } else {
        Err(ValueError::UnknownAccountStatus)
    }
}

/// The national dictionary's names of account entries (ACCT_INCEXPD_TYPE, DOMAIN §3 and
/// §6), as exported by the platform in place of their codes. Matched whole, before any
/// keyword: 划拨继承人 names 划拨 but is money leaving the account.
const NATIONAL_NAMES: [(&str, u32); 24] = [
    ("个人账户划账", 101),
    ("个人账户年度结息", 102),
    ("结息", 102),
    ("退收", 104),
    ("继承他人账户", 106),
    ("账户转入", 107),
    ("预划收入", 108),
    ("医保退费", 109),
    ("账户特殊调整", 110),
    ("补录个人账户", 111),
    ("补录", 111),
    ("一次性注入", 112),
    ("上年结转收入", 113),
    ("年度结转收入", 113),
    ("个人账户支出", 201),
    ("医保消费", 201),
    ("个人账户返还", 202),
    ("个人账户清退", 203),
    ("做实", 204),
    ("家庭共济", 205),
    ("代缴费", 205),
    ("上年结转支出", 206),
    ("年度结转支出", 206),
    ("个人账户转出", 207),
];

/// 划拨继承人 (208) is listed apart: the only name that contains a credit's keyword.
const HEIR_TRANSFER: &str = "划拨继承人";

fn national_name(s: &str) -> Option<u32> {
    if s == HEIR_TRANSFER {
        return Some(208);
    }
    NATIONAL_NAMES
        .iter()
        .find(|(name, _)| *name == s)
        .map(|&(_, code)| code)
}

/// An entry kind by its national code. Codes without a class of their own (106, 112, 204)
/// are unclassified, their direction still known.
fn entry_code(code: u32) -> (EntryKind, Direction) {
    use EntryKind::*;
    let kind = match code {
        101 | 108 | 111 => Credit,
        102 | 103 => Interest,
        104 | 109 | 110 | 202 => Adjustment,
        107 => TransferIn,
        113 | 206 => CarryOver,
        201 => Spending,
        203 => Clearing,
        205 => Family,
        // 208 划拨继承人: the balance paid out to the heirs, an outflow like a transfer.
        207 | 208 => TransferOut,
        _ => Unclassified,
    };
    let dir = match code / 100 {
        1 => Direction::In,
        2 => Direction::Out,
        _ => Direction::AsWritten,
    };
    (kind, dir)
}

/// The kind of a statement entry from a national code (§3 of DOMAIN.md), a national name
/// or words, and the direction its money moves when the file's amounts are unsigned. Never
/// an error: what is not recognised is `Unclassified`, kept and flagged downstream.
pub fn entry_kind(cell: &Cell) -> (EntryKind, Direction) {
    use Direction::*;
    use EntryKind::*;
    let Ok(Some(s)) = keyword_text(cell) else {
        return (Unclassified, AsWritten);
    };
    if let Some(code) = leading_code(&s).or_else(|| national_name(&s)) {
        return entry_code(code);
    }
    if contains_any(&s, &["继承"]) {
        return (Unclassified, AsWritten);
    }
    if contains_any(&s, &["清退", "清零", "clearing"]) {
        (Clearing, Out)
    } else if contains_any(&s, &["转出", "transfer_out", "transfer out"]) {
        (TransferOut, Out)
    } else if contains_any(&s, &["转入", "transfer_in", "transfer in"]) {
        (TransferIn, In)
    } else if contains_any(&s, &["家庭共济", "共济", "亲情", "代缴费", "family"]) {
        (Family, Out)
    } else if contains_any(&s, &["结转", "carry"]) {
        (CarryOver, if s.contains("支出") { Out } else { In })
    } else if contains_any(&s, &["结息", "利息", "interest"]) {
        (Interest, In)
    } else if contains_any(&s, &["退费", "冲正", "调整", "refund", "adjust"]) {
        (
            Adjustment,
            if s.contains("退费") || s.contains("refund") {
                In
            } else {
                AsWritten
            },
        )
    } else if contains_any(&s, &["划入", "划拨", "划账", "个账划入", "预划", "credit"])
    {
        (Credit, In)
    } else if contains_any(
        &s,
        &["消费", "门诊", "药店", "购药", "住院", "结算", "spending"],
    ) {
        (Spending, Out)
    } else {
        (Unclassified, AsWritten)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    #[test]
    fn coded_values() {
        use PaymentStatus::*;
        for (s, want) in [
            ("已缴", Paid),
            ("已实缴", Paid),
            ("已到账", Paid),
            ("足额缴费", Paid),
            ("正常", Paid),
            ("是", Paid),
            ("1", Paid),
            ("paid", Paid),
            ("PAID", Paid),
            ("未缴", Unpaid),
            ("欠缴", Unpaid),
            ("欠费", Unpaid),
            ("未到账", Unpaid),
            ("否", Unpaid),
            ("0", Unpaid),
            ("unpaid", Unpaid),
        ] {
            assert_eq!(payment_status(&t(s)), Ok(Some(want)), "{s}");
        }
        assert_eq!(payment_status(&Cell::Float(0.0)), Ok(Some(Unpaid)));
        assert_eq!(payment_status(&t("部分")), Err(ValueError::UnknownStatus));
        assert_eq!(payment_status(&t("")), Ok(None));

        use ContributionType::*;
        for (s, want) in [
            ("正常", Normal),
            ("10", Normal),
            ("正常缴费", Normal),
            ("补缴", BackPayment),
            ("补收", BackPayment),
            ("30", BackPayment),
            ("35", BackPayment),
            ("34 基数补差", BackPayment),
            ("20", Refund),
            ("退收", Refund),
            ("标准", Normal),
            ("正常应缴", Normal),
            ("36", AccountCredit),
            ("40", AccountCredit),
            ("41 账户预划", AccountCredit),
            ("退休人员统筹划账户", AccountCredit),
            ("账户注入", AccountCredit),
            ("99", Other),
            ("60", Other),
            ("其他", Other),
        ] {
            assert_eq!(contribution_type(&t(s)), Ok(Some(want)), "{s}");
        }

        for (s, want) in [
            ("职工基本医疗保险", Insurance::Employee),
            ("职工医保", Insurance::Employee),
            ("310", Insurance::Employee),
            ("灵活就业人员", Insurance::Flexible),
            ("城乡居民基本医疗保险", Insurance::Resident),
            ("居民医保", Insurance::Resident),
            ("390", Insurance::Resident),
            ("391", Insurance::Resident),
            (
                "大额医疗费用补助",
                Insurance::Other("大额医疗费用补助".into()),
            ),
            ("330", Insurance::Other("330".into())),
        ] {
            assert_eq!(insurance(&t(s)), Ok(Some(want)), "{s}");
        }
        assert_eq!(category(&t("退休人员")), Ok(Some(Category::Retired)));
        assert_eq!(category(&t("在职")), Ok(Some(Category::Active)));
        assert_eq!(category(&t("学生")), Err(ValueError::UnknownCategory));
        assert_eq!(
            account_status(&t("冻结")),
            Ok(Some(AccountStatus::Inactive))
        );
        assert_eq!(
            account_status(&t("未激活")),
            Ok(Some(AccountStatus::Inactive))
        );
        assert_eq!(
            account_status(&t("暂停参保")),
            Ok(Some(AccountStatus::Inactive))
        );
        assert_eq!(account_status(&t("正常")), Ok(Some(AccountStatus::Active)));
        assert_eq!(
            account_status(&t("???")),
            Err(ValueError::UnknownAccountStatus)
        );
    }

    #[test]
    fn entry_kinds_by_code_and_words() {
        use Direction::*;
        use EntryKind::*;
        for (s, kind, dir) in [
            ("101", Credit, In),
            ("101 个人账户划账", Credit, In),
            ("108", Credit, In),
            ("111", Credit, In),
            ("102", Interest, In),
            ("107", TransferIn, In),
            ("113", CarryOver, In),
            ("206", CarryOver, Out),
            ("201", Spending, Out),
            ("203", Clearing, Out),
            ("205", Family, Out),
            ("207", TransferOut, Out),
            ("202", Adjustment, Out),
            ("109", Adjustment, In),
            ("208", TransferOut, Out),
            ("106", Unclassified, In),
            ("个人账户划入", Credit, In),
            ("划拨", Credit, In),
            ("预划", Credit, In),
            ("门诊消费", Spending, Out),
            ("药店购药", Spending, Out),
            ("住院结算", Spending, Out),
            ("家庭共济", Family, Out),
            ("共济支付", Family, Out),
            ("代缴费", Family, Out),
            ("个人账户清退", Clearing, Out),
            ("清零", Clearing, Out),
            ("账户转出", TransferOut, Out),
            ("账户转入", TransferIn, In),
            ("结息", Interest, In),
            ("年度结转支出", CarryOver, Out),
            ("上年结转收入", CarryOver, In),
            ("医保退费", Adjustment, In),
            ("冲正", Adjustment, AsWritten),
            ("划拨继承人", TransferOut, Out),
            ("个人账户划账", Credit, In),
            ("个人账户年度结息", Interest, In),
            ("补录个人账户", Credit, In),
            ("上年结转收入", CarryOver, In),
            ("个人账户支出", Spending, Out),
            ("医保消费", Spending, Out),
            ("上年结转支出", CarryOver, Out),
            ("个人账户转出", TransferOut, Out),
            ("继承他人账户", Unclassified, In),
            ("其他", Unclassified, AsWritten),
            ("credit", Credit, In),
            ("spending", Spending, Out),
        ] {
            assert_eq!(entry_kind(&t(s)), (kind, dir), "{s}");
        }
        assert_eq!(entry_kind(&Cell::Int(101)), (Credit, In));
        assert_eq!(entry_kind(&Cell::Empty), (Unclassified, AsWritten));
    }
}
