//! `explain`'s text: one person's answer first ("为什么余额是 X 元"), then the balance
//! bridge and every finding — for the console and for the page (`serve`).

use crate::lang::Lang;
use crate::mask::IdDisplay;
use crate::money::Money;
use crate::reconcile::{Code, PersonReport, Reconciliation, Severity, yuan};

/// The first lines: why the balance is what it is, in a few words — what stopped, what is
/// missing, what changed, what was taken out — before the bridge and the full messages.
fn answer(p: &PersonReport, lang: Lang) -> String {
    use std::fmt::Write;
    let b = &p.bridge;
    let mut s = String::new();
    let shown = p.statement_balance.unwrap_or(b.closing);
    let _ = writeln!(
        s,
        "{}",
        match lang {
            Lang::Zh => format!("为什么余额是 {} 元:", yuan(shown)),
            Lang::En => format!("Why the balance is {} yuan:", yuan(shown)),
        }
    );
    let of = |code: Code| p.findings.iter().filter(move |f| f.code == code);
    let span = |f: &crate::reconcile::Finding| match (f.period, f.period_to) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let mut lines: Vec<String> = Vec::new();
    for f in of(Code::CreditsStopped) {
        lines.push(match lang {
            Lang::Zh => format!("划入已停止:{} 没有划入(原因见下)", span(f)),
            Lang::En => format!("credits stopped: none in {} (causes below)", span(f)),
        });
    }
    if of(Code::NeverCredited).next().is_some() {
        lines.push(
            lang.pick(
                "从未有划入:可能是居民医保、无个人账户的档次或账户未激活(见下)",
                "never credited: resident insurance, a tier without an account, or an account not activated (below)",
            )
            .into(),
        );
    }
    if let Some(f) = of(Code::NoAccount).next() {
        lines.push(match lang {
            Lang::Zh => format!("{} 参保类型/档次不建个人账户", span(f)),
            Lang::En => format!("{}: insured without a personal account", span(f)),
        });
    }
    if let Some(f) = of(Code::NoStatement).next() {
        lines.push(match lang {
            Lang::Zh => format!(
                "没有此人的账户明细:{} 的划入无法核对,请导出个人账户明细后再核对",
                span(f)
            ),
            Lang::En => format!(
                "no account statement for this person: the credits of {} cannot be checked; export the statement and check again",
                span(f)
            ),
        });
    }
    let gaps: Vec<String> = of(Code::CreditGap).map(span).collect();
    let missing: Vec<String> = of(Code::CreditMissing).map(span).collect();
    for (list, zh, en) in [
        (
            &gaps,
            "断档(没有划入,也没补上)",
            "months without a credit, not made up",
        ),
        (&missing, "应划未到", "credits due and missing"),
    ] {
        if !list.is_empty() {
            lines.push(format!("{}: {}", lang.pick(zh, en), list.join(", ")));
        }
    }
    let short = of(Code::CreditShort).count();
    if short > 0 {
        lines.push(match lang {
            Lang::Zh => format!("{short} 个月划入少于应划"),
            Lang::En => format!("{short} month(s) credited short"),
        });
    }
    let changes: Vec<_> = of(Code::CreditChange).collect();
    if let Some(last) = changes.last() {
        let unexplained = changes
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .count();
        let amounts = |m: Option<Money>| m.map(yuan).unwrap_or_default();
        lines.push(match lang {
            Lang::Zh => format!(
                "每月划入变化 {} 次({} 次无政策原因),最近一次 {} 起由 {} 元变为 {} 元",
                changes.len(),
                unexplained,
                span(last),
                amounts(last.expected),
                amounts(last.actual)
            ),
            Lang::En => format!(
                "the monthly credit changed {} time(s) ({} without a policy reason), last from {}: {} → {} yuan",
                changes.len(),
                unexplained,
                span(last),
                amounts(last.expected),
                amounts(last.actual)
            ),
        });
    }
    let debits = [
        (b.spending, "消费", "spending"),
        (b.family_sharing, "家庭共济", "family sharing"),
        (b.clearing_transfers, "清退/转出", "clearing and transfers"),
    ];
    let taken: Vec<String> = debits
        .iter()
        .filter(|(v, _, _)| *v > Money::ZERO)
        .map(|(v, zh, en)| format!("{} {}", lang.pick(zh, en), yuan(*v)))
        .collect();
    if !taken.is_empty() {
        lines.push(format!(
            "{}: {}",
            lang.pick("支出", "taken out"),
            taken.join(", ")
        ));
    }
    if lines.is_empty() {
        // "As expected" only when nothing else is wrong either: a warning or an error
        // that none of the lines above names is pointed to, not talked over.
        let other = p.findings.iter().any(|f| f.severity != Severity::Info);
        lines.push(
            if other {
                lang.pick(
                    "没有发现断档、停划或少划;其他问题见下",
                    "no gaps, stops or shortfalls found; other problems below",
                )
            } else {
                lang.pick(
                    "划入正常,没有发现断档、停划或少划",
                    "credits as expected: no gaps, stops or shortfalls found",
                )
            }
            .into(),
        );
    }
    for line in lines {
        let _ = writeln!(s, "  · {line}");
    }
    s.push('\n');
    s
}

/// What the run could not read: rows rejected and inputs skipped. With any, the answer
/// never says "nothing wrong" (SPEC 2.7): it says what it rests on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unread {
    pub rows: u64,
    pub inputs: usize,
}

impl Unread {
    pub fn of(batch: &crate::ingest::Batch) -> Unread {
        // An earlier run's reports, Excel's lock files and pipes hold no one's data.
        let holds_no_data = [
            crate::ingest::earlier_outputs::REASON,
            crate::ingest::LOCK_FILE,
            crate::ingest::NOT_A_FILE,
        ];
        Unread {
            rows: batch.sources.iter().map(|s| s.counts.rejected).sum(),
            inputs: batch
                .skipped_inputs
                .iter()
                .filter(|s| !holds_no_data.contains(&s.reason.as_str()))
                .count(),
        }
    }

    fn any(self) -> bool {
        self.rows > 0 || self.inputs > 0
    }
}

/// The terminal page for one person.
pub fn page(
    p: &PersonReport,
    run: &Reconciliation,
    policy: &str,
    lang: Lang,
    ids: IdDisplay,
    unread: Unread,
) -> String {
    use std::fmt::Write;
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let name = ids.text(p.name.as_deref().unwrap_or(""));
    let _ = writeln!(s, "{}", format!("{name} {}", ids.id(&p.id)).trim_start());
    let _ = writeln!(
        s,
        "{} {} · {} {policy}\n",
        lang.pick("截至", "as of"),
        run.as_of,
        lang.pick("政策", "policy")
    );
    s.push_str(&answer(p, lang));
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
    if p.statement_first {
        let _ = writeln!(
            s,
            "  {}\n",
            lang.pick(
                "(只有账户明细、没有缴费记录:无法核对每期应划多少,以下按明细本身判断)",
                "(a statement and no contribution records: what each period should credit is unknown; judged from the statement itself)"
            )
        );
    } else {
        let _ = writeln!(
            s,
            "  {} {}, {} {}\n",
            lang.pick("应划入合计", "expected credits"),
            yuan(b.expected_credits),
            lang.pick("缺少/少划", "missing or short"),
            yuan(b.missing_credits)
        );
    }
    let groups: [(&str, &str, &[Code]); 4] = [
        (
            "为什么余额是这样:",
            "Why the balance is what it is:",
            &[
                Code::CreditsStopped,
                Code::NeverCredited,
                Code::CreditGap,
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
                Code::CreditChange,
                Code::BaseChange,
                Code::PolicyChange,
                Code::Backpay,
                Code::RateMismatch,
            ],
        ),
        (
            "其他:",
            "Other:",
            &[
                Code::BalanceBreak,
                Code::EntryUnclassified,
                Code::NoContributions,
                Code::ExpectationUnknown,
                Code::SourceConflict,
            ],
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
            // In zh the label, the code name beside it (SPEC 2.3).
            let code = crate::report::labels::cell("code", f.code.name(), lang);
            let _ = writeln!(s, "  [{code}] {}", ids.text(&f.message));
        }
        s.push('\n');
    }
    if !any && unread.any() {
        let (rows, inputs) = (unread.rows, unread.inputs);
        let _ = writeln!(
            s,
            "{}",
            match lang {
                Lang::Zh => format!(
                    "在读进来的记录中没有发现问题;但有 {rows} 行被拒绝、{inputs} 个文件或工作表被跳过,没有读进来——改正后请重新核对,结论才完整。"
                ),
                Lang::En => format!(
                    "Nothing wrong found in what was read; but {rows} row(s) were rejected and {inputs} file(s) or sheet(s) skipped, unread — correct them and check again for a complete answer."
                ),
            }
        );
    } else if !any {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "没有发现问题:每期应划入的金额都已按时足额到账。",
                "Nothing wrong found: every credit due arrived in full and on time."
            )
        );
    }
    if let Some(view) = p
        .statement_view
        .as_ref()
        .filter(|v| !v.extra_credits.is_empty())
    {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "另有划入(不属于任何月份,也不是重复):",
                "Further credits (for no month, not repeats):"
            )
        );
        for (date, amount) in &view.extra_credits {
            let _ = writeln!(s, "  {date} {}", yuan(*amount));
        }
        s.push('\n');
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
