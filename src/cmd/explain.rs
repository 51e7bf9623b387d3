//! `yibao-recon explain PERSON`: one person's balance bridge and findings in plain words —
//! the answer to "为什么我的医保个人账户是0".

use clap::Args;
use yibao_recon::exit;
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::money::Money;
use yibao_recon::reconcile::{Code, PersonReport, Reconciliation, yuan};

use crate::cli::RunArgs;

/// Explain one person's account: the balance bridge (opening → credits → spending →
/// family sharing → clearing → closing), periods without an account, missing or short
/// credits, and the changes of base, rule and tier.
///
/// PERSON is an ID number, a person number, or a name when only one person has it.
///
/// Examples:
///   yibao-recon explain 张伟 samples/
///   yibao-recon explain 320102198503151234 缴费.xlsx 明细.csv --policy nanjing
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// ID number, person number, or name.
    pub person: String,
    /// Also write a one-person page with the balance over time to this file.
    #[arg(long, value_name = "FILE")]
    pub html: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
}

fn find<'a>(result: &'a Reconciliation, who: &str) -> Result<&'a PersonReport, String> {
    let key = who.trim().to_uppercase();
    if let Some(p) = result
        .persons
        .iter()
        .find(|p| *p.id == *key || p.person_number.as_deref() == Some(&key))
    {
        return Ok(p);
    }
    let named: Vec<&PersonReport> = result
        .persons
        .iter()
        .filter(|p| p.name.as_deref() == Some(who.trim()))
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no person with ID, person number or name '{who}' in the inputs"
        )),
        many => Err(format!(
            "{} people are named '{who}': give the ID number",
            many.len()
        )),
    }
}

pub fn run(args: &ExplainArgs) -> anyhow::Result<u8> {
    let (_, policy, result) = super::reconcile::prepare(&args.run)?;
    let input = &args.run.input;
    let person = find(&result, &args.person).map_err(|e| anyhow::anyhow!(e))?;
    if let Some(path) = &args.html {
        let html = yibao_recon::report::html::person_page(
            person,
            &result,
            &policy.name,
            input.lang,
            input.ids(),
        );
        yibao_recon::report::write_atomic(path, html.as_bytes())?;
    }
    if !input.quiet {
        print!(
            "{}",
            page(person, &result, &policy.name, input.lang, input.ids())
        );
    }
    Ok(exit::OK)
}

/// The terminal page for one person.
pub fn page(
    p: &PersonReport,
    run: &Reconciliation,
    policy: &str,
    lang: Lang,
    ids: IdDisplay,
) -> String {
    use std::fmt::Write;
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let name = ids.text(p.name.as_deref().unwrap_or(""));
    let _ = writeln!(s, "{name} {}", ids.id(&p.id));
    let _ = writeln!(
        s,
        "{} {} · {} {policy}\n",
        lang.pick("截至", "as of"),
        run.as_of,
        lang.pick("政策", "policy")
    );
    let b = &p.bridge;
    let rows: [(&str, &str, Money); 8] = [
        ("  期初余额", "  opening balance", b.opening),
        ("+ 划入", "+ credits", b.credits),
        ("- 消费", "- spending", b.spending),
        ("- 家庭共济", "- family sharing", b.family_sharing),
        ("- 清退/转出", "- clearing, transfers", b.clearing_transfers),
        (
            "± 利息/调整",
            "± interest, adjustments",
            b.interest_adjustments,
        ),
        ("± 未识别", "± unclassified", b.unclassified),
        ("= 期末余额", "= closing balance", b.closing),
    ];
    let _ = writeln!(s, "{}", lang.pick("余额桥(元):", "Balance bridge (yuan):"));
    for (z, e, v) in rows {
        let label = lang.pick(z, e);
        let pad = 26usize.saturating_sub(unicode_width::UnicodeWidthStr::width(label));
        let _ = writeln!(s, "  {label}{:pad$}{:>12}", "", yuan(v));
    }
    let _ = writeln!(
        s,
        "  {} {}, {} {}\n",
        lang.pick("应划入合计", "expected credits"),
        yuan(b.expected_credits),
        lang.pick("缺少/少划", "missing or short"),
        yuan(b.missing_credits)
    );
    let groups: [(&str, &str, &[Code]); 4] = [
        (
            "为什么余额是这样:",
            "Why the balance is what it is:",
            &[
                Code::NoAccount,
                Code::TierChange,
                Code::EmployerPaymentMissing,
                Code::AccountInactive,
                Code::AccountCleared,
                Code::FamilySharing,
                Code::NoStatement,
            ],
        ),
        (
            "缺少、少划或多划的划入:",
            "Missing, short or excess credits:",
            &[
                Code::CreditMissing,
                Code::CreditShort,
                Code::CreditExcess,
                Code::CreditPending,
                Code::CreditLate,
                Code::DuplicateCredit,
                Code::CreditUnexpected,
            ],
        ),
        (
            "变化:",
            "Changes:",
            &[
                Code::BaseChange,
                Code::PolicyChange,
                Code::Backpay,
                Code::RateMismatch,
            ],
        ),
        (
            "其他:",
            "Other:",
            &[Code::BalanceBreak, Code::EntryUnclassified],
        ),
    ];
    let mut any = false;
    for (z, e, codes) in groups {
        let items: Vec<_> = p
            .findings
            .iter()
            .filter(|f| codes.contains(&f.code))
            .collect();
        if items.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(s, "{}", lang.pick(z, e));
        for f in items {
            let _ = writeln!(s, "  [{}] {}", f.code, ids.text(&f.message));
        }
        s.push('\n');
    }
    if !any {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "没有发现问题:每期应划入的金额都已按时足额到账。",
                "Nothing wrong found: every credit due arrived in full and on time."
            )
        );
    }
    if b.closing.is_zero() && zh {
        let _ = writeln!(
            s,
            "提示:如果 App 显示的是银行卡\"金融账户\"余额,它与医保个人账户不是同一个账户。"
        );
    } else if b.closing.is_zero() {
        let _ = writeln!(
            s,
            "Note: a bank card's \"financial account\" balance is not the medical personal account."
        );
    }
    s
}
