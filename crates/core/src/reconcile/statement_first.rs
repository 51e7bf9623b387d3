//! Statement-first reasoning (SPEC 2.2): a person with statement rows and no contribution
//! rows — most often someone holding only an app's statement and asking why the balance
//! is 0 or stopped growing. Nothing says what each period should credit, so the statement
//! is judged against itself, in statement months (the month a credit arrived or should
//! have; a credit in month M is for period M − lag):
//!
//! 1. **Monthly credits.** Credits (kind 101/108/111) in date order: a month's earliest
//!    credit is its own; each further one fills the nearest earlier month without a
//!    credit, at most `pair_within_months` back and not before the first credit month
//!    (CREDIT_LATE for the filled month); one with nothing to fill is DUPLICATE_CREDIT
//!    when it equals another credit of its month, otherwise an extra credit (no finding).
//! 2. **Gaps.** Months between the first and last credit month left without one:
//!    CREDIT_GAP per run (ACCOUNT_INACTIVE where the roster marks them inactive).
//! 3. **Stop.** No credit after the last credit month L through the as-of month A, and
//!    A > L + 1 + grace: CREDITS_STOPPED from L + 1 to A, naming the causes in the
//!    order to check them. With no credit at all but other income or a positive
//!    balance: CREDITS_STOPPED from the first statement month.
//! 4. **Changes.** Between consecutive credited months the monthly credit changes by
//!    more than tolerance: CREDIT_CHANGE, info when a policy event explains it (a rule
//!    that changes the person's formula, a new age band, the annual base adjustment,
//!    reaching retirement age), otherwise warning.
//! 5. **Never credited.** No credit, no other income, no positive balance.
//! 6. **No contributions.** In a run with other people's contributions, one
//!    NO_CONTRIBUTIONS over the statement's months.
//!
//! The statement entries are then walked as for everyone (balance breaks, family
//! sharing, clearings), with the duplicates of stage 1; no credit is ever
//! CREDIT_UNEXPECTED.

use std::collections::BTreeMap;

use super::findings::{Code, Severity};
use super::pairing::CreditState;
use super::person::{Person, runs};
use super::schedule::Formula;
use super::{PersonReport, month_of};
use crate::lang::Lang;
use crate::money::Money;
use crate::records::{EntryKind, Period};
use crate::values::{Sex, sex_from_id};

/// How a statement month stands, for `explain`'s month-by-month view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonthMark {
    /// Its own credit arrived in it.
    Credited,
    /// A later credit made it up.
    Late,
    /// No credit, with credits before and after.
    Gap,
    /// No credit, in a span the roster marks inactive.
    Inactive,
    /// After the last credit, past grace.
    Stopped,
}

/// One statement month of a statement-first person (`explain`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditMonth {
    pub month: Period,
    /// The monthly credit: the amount of the credit assigned to the month.
    pub amount: Option<Money>,
    /// The date that credit arrived.
    pub arrived: Option<chrono::NaiveDate>,
    pub mark: MonthMark,
    /// The monthly credit differs from the previous credited month's.
    pub changed: bool,
}

/// A statement-first person's months and the credits that filled none (`explain`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementView {
    pub months: Vec<CreditMonth>,
    /// Credits with no month to fill and no twin: (date, amount).
    pub extra_credits: Vec<(chrono::NaiveDate, Money)>,
}

/// Stage 1's outcome.
struct MonthlyCredits {
    /// Each credited month and the entry assigned to it, in month order.
    months: BTreeMap<Period, usize>,
    /// Entries that filled an earlier month, with that month.
    late: Vec<(usize, Period)>,
    duplicates: Vec<usize>,
    extra: Vec<usize>,
}

impl MonthlyCredits {
    fn first(&self) -> Option<Period> {
        self.months.keys().next().copied()
    }

    fn last(&self) -> Option<Period> {
        self.months.keys().next_back().copied()
    }
}

/// Reconciles a statement-first person.
pub(crate) fn reconcile(mut p: Person) -> PersonReport {
    let credits = monthly_credits(&p);
    p.late_credits(&credits);
    let gaps = p.gaps(&credits);
    let stopped = p.stopped(&credits);
    let changed = p.changes(&credits);
    p.never_credited(&credits);
    p.no_contributions();
    let mut state = vec![CreditState::NotCredit; p.entries.len()];
    for &ci in &credits.duplicates {
        state[ci] = CreditState::Duplicate;
    }
    // Nothing is expected of a statement-first person: the bridge's expected and missing
    // credits stay 0 (persons.csv prints them empty).
    let bridge = p.statement_entries(&state);
    let span = p.first_statement_month().zip(p.last_statement_month());
    let view = p
        .ctx
        .keep_entries
        .then(|| p.view(&credits, &gaps, stopped, &changed));
    let mut report = p.finish(Vec::new(), bridge, &[], span);
    report.statement_first = true;
    report.statement_view = view;
    report
}

/// Stage 1: each credit to its month, or to the month it made up.
fn monthly_credits(p: &Person) -> MonthlyCredits {
    let tol = p.ctx.tolerance;
    let back = p.ctx.policy.pair_within_months;
    let credits: Vec<usize> = (0..p.entries.len())
        .filter(|&i| p.kinds[i] == EntryKind::Credit && p.entries[i].amount > Money::ZERO)
        .collect();
    let month = |ci: usize| month_of(p.entries[ci].at.date());
    let mut out = MonthlyCredits {
        months: BTreeMap::new(),
        late: Vec::new(),
        duplicates: Vec::new(),
        extra: Vec::new(),
    };
    let Some(first) = credits.first().map(|&ci| month(ci)) else {
        return out;
    };
    // Each month's credit amounts, sorted: a twin is found by a search, not a scan of
    // every credit (40,000 credits of one person took seconds).
    let mut by_month: BTreeMap<Period, Vec<Money>> = BTreeMap::new();
    for &ci in &credits {
        by_month
            .entry(month(ci))
            .or_default()
            .push(p.entries[ci].amount);
    }
    for amounts in by_month.values_mut() {
        amounts.sort_unstable();
    }
    for &ci in &credits {
        let m = month(ci);
        if let std::collections::btree_map::Entry::Vacant(own) = out.months.entry(m) {
            own.insert(ci);
            continue;
        }
        let open = (1..=back)
            .filter_map(|k| m.plus(-k))
            .take_while(|earlier| *earlier >= first)
            .find(|earlier| !out.months.contains_key(earlier));
        if let Some(earlier) = open {
            out.months.insert(earlier, ci);
            out.late.push((ci, earlier));
            continue;
        }
        let amount = p.entries[ci].amount;
        // Another credit of its month within tolerance: two amounts in the range, itself
        // being one of them.
        let twin = by_month.get(&m).is_some_and(|amounts| {
            let from = amounts.partition_point(|a| *a < amount - tol);
            let to = amounts.partition_point(|a| *a <= amount + tol);
            to - from > 1
        });
        if twin {
            out.duplicates.push(ci);
        } else {
            out.extra.push(ci);
        }
    }
    out
}

/// Months without a credit: between credits (stage 2) or after the last (stage 3).
#[derive(Clone, Copy)]
enum Absence {
    Gap,
    /// After the last credit month.
    StoppedAfter(Period),
}

/// A policy event that explains a change of the monthly credit (stage 4).
enum Event {
    Rule {
        from: Period,
        old: String,
        new: String,
    },
    Retirement {
        at: Period,
        age: u32,
    },
    AgeBand {
        at: Period,
        age: u32,
    },
    BaseAdjustment {
        at: Period,
    },
}

impl Event {
    fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Event::Rule { from, old, new }, Lang::Zh) => {
                format!("原因:{from} 起执行新的划入规则({old} → {new}),属正常变化。")
            }
            (Event::Rule { from, old, new }, Lang::En) => {
                format!("Explained: a new crediting rule from {from} ({old} → {new}).")
            }
            (Event::Retirement { at, age }, Lang::Zh) => format!(
                "原因:{at} 前后达到法定退休年龄 {age} 岁,退休后按退休人员标准划入,属正常变化。"
            ),
            (Event::Retirement { at, age }, Lang::En) => format!(
                "Explained: statutory retirement age {age} reached around {at}; retirees are credited by the retiree rule."
            ),
            (Event::AgeBand { at, age }, Lang::Zh) => {
                format!("原因:{at} 起年满 {age} 岁,进入新的年龄段,划入比例随之变化,属正常变化。")
            }
            (Event::AgeBand { at, age }, Lang::En) => {
                format!(
                    "Explained: from {at} the person is {age}, a new age band with another rate."
                )
            }
            (Event::BaseAdjustment { at }, Lang::Zh) => {
                format!("原因:{at} 为每年调整缴费基数的月份,划入随基数变化,属正常变化。")
            }
            (Event::BaseAdjustment { at }, Lang::En) => format!(
                "Explained: {at} is the month contribution bases are reset each year; the credit follows the base."
            ),
        }
    }
}

impl Person<'_> {
    fn month_of_entry(&self, ci: usize) -> Period {
        month_of(self.entries[ci].at.date())
    }

    /// The person's statutory retirement age, from the sex the ID records.
    fn retirement_age(&self) -> Option<u32> {
        let ages = self.ctx.policy.retirement;
        Some(match sex_from_id(self.id)? {
            Sex::Male => ages.male,
            Sex::Female => ages.female,
        })
    }

    /// The person's age for period `p`, when the birth date is known.
    fn known_age_at(&self, p: Period) -> Option<u32> {
        self.facts.birth_date.map(|_| self.facts.age_at(p))
    }

    /// The first period at which the person is of retirement age.
    fn retirement_period(&self) -> Option<Period> {
        let age = self.retirement_age()?;
        let born = self.facts.birth_date?;
        let reached =
            chrono::Datelike::with_year(&born, chrono::Datelike::year(&born) + age as i32)
                .or_else(|| born.checked_add_months(chrono::Months::new(age * 12)))?;
        // Age counts on the last day of the month before: the band changes the month after.
        month_of(reached).plus(1)
    }

    /// Stage 1's findings: CREDIT_LATE for each month a later credit made up.
    fn late_credits(&mut self, credits: &MonthlyCredits) {
        let lag = self.ctx.policy.credit_lag_months;
        let grace = self.ctx.policy.grace_months;
        for &(ci, filled) in &credits.late {
            let e = self.entries[ci];
            let late_by = self.month_of_entry(ci).index() - filled.index();
            let severity = if late_by > grace {
                Severity::Warning
            } else {
                Severity::Info
            };
            let for_period = filled.plus(-lag).unwrap_or(filled);
            self.finding_with(
                Code::CreditLate,
                severity,
                Some(filled),
                None,
                (None, Some(e.amount)),
                &[
                    ("for", for_period.to_string()),
                    ("date", e.at.date().to_string()),
                    ("months", late_by.to_string()),
                ],
            );
        }
    }

    /// Stage 2: CREDIT_GAP per run of months without a credit between the first and the
    /// last credit month; ACCOUNT_INACTIVE where the roster marks them inactive. Returns
    /// the months without a credit.
    fn gaps(&mut self, credits: &MonthlyCredits) -> Vec<Period> {
        let (Some(first), Some(last)) = (credits.first(), credits.last()) else {
            return Vec::new();
        };
        let missing: Vec<Period> = months(first, last)
            .filter(|m| !credits.months.contains_key(m))
            .collect();
        self.runs_without_credit(&missing, Absence::Gap);
        missing
    }

    /// One finding per run of consecutive months of `missing`: CREDIT_GAP or
    /// CREDITS_STOPPED, as `absence` says, or ACCOUNT_INACTIVE for the months the roster
    /// marks inactive.
    fn runs_without_credit(&mut self, missing: &[Period], absence: Absence) {
        let consecutive = |a: &Period, b: &Period| a.plus(1) == Some(*b);
        for run in missing.chunk_by(consecutive) {
            let inactive: Vec<bool> = run.iter().map(|m| self.facts.inactive_at(*m)).collect();
            for (a, b) in runs(&inactive, |f| *f) {
                self.finding(
                    Code::AccountInactive,
                    Some(run[a]),
                    Some(run[b]),
                    (None, None),
                    &[],
                );
            }
            for (a, b) in runs(&inactive, |f| !*f) {
                match absence {
                    Absence::Gap => {
                        let n = (run[b].index() - run[a].index() + 1).to_string();
                        let args = [("months", n)];
                        let span = (Some(run[a]), Some(run[b]));
                        self.finding(Code::CreditGap, span.0, span.1, (None, None), &args);
                    }
                    Absence::StoppedAfter(last) => {
                        self.credits_stopped(Some(last), run[a], run[b]);
                    }
                }
            }
        }
    }

    /// Stage 3: CREDITS_STOPPED. Returns the first stopped month.
    fn stopped(&mut self, credits: &MonthlyCredits) -> Option<Period> {
        let as_of = self.ctx.as_of;
        let grace = self.ctx.policy.grace_months;
        match credits.last() {
            Some(last) => {
                let from = last.plus(1)?;
                if as_of.index() <= last.index() + 1 + grace {
                    return None;
                }
                let stopped: Vec<Period> = months(from, as_of).collect();
                self.runs_without_credit(&stopped, Absence::StoppedAfter(last));
                Some(from)
            }
            None if self.has_other_income() => {
                let first = self.first_statement_month()?;
                self.credits_stopped(None, first, as_of.max(first));
                Some(first)
            }
            None => None,
        }
    }

    /// Interest, a carry-over, a transfer in, or a positive balance: money came in before.
    fn has_other_income(&self) -> bool {
        self.entries.iter().zip(&self.kinds).any(|(e, k)| {
            e.balance.is_some_and(|b| b > Money::ZERO)
                || (e.amount > Money::ZERO
                    && matches!(
                        k,
                        EntryKind::Interest
                            | EntryKind::CarryOver
                            | EntryKind::TransferIn
                            | EntryKind::Adjustment
                    ))
        })
    }

    /// CREDITS_STOPPED from `from` to `to`; `last` is the last credit month (none: no credit
    /// at all, the message's other wording).
    fn credits_stopped(&mut self, last: Option<Period>, from: Period, to: Period) {
        let mut args = vec![
            ("asof_note", self.as_of_note()),
            ("causes", self.stop_causes(from)),
        ];
        if let Some(last) = last {
            args.push(("last", last.to_string()));
        }
        self.finding(
            Code::CreditsStopped,
            Some(from),
            Some(to),
            (None, None),
            &args,
        );
    }

    /// When the as-of date was taken from the person's own last row: the export date is
    /// not known, and `--as-of` says it.
    fn as_of_note(&self) -> String {
        let own_last = self.entries.last().map(|e| e.at.date());
        if self.ctx.as_of_given || own_last != Some(self.ctx.as_of_date) {
            return String::new();
        }
        let date = self.ctx.as_of_date;
        match self.ctx.lang {
            Lang::Zh => format!(
                "(未给出导出日期,按明细最后一行的 {date} 计算;如导出更晚,请用 --as-of 指定导出日期)"
            ),
            Lang::En => format!(
                " (the export date is unknown: taken as the last row's date, {date}; if you exported later, give --as-of)"
            ),
        }
    }

    /// The causes of a stop, in the order a person should check them (SPEC 2.2).
    fn stop_causes(&self, from: Period) -> String {
        let lang = self.ctx.lang;
        let lag = self.ctx.policy.credit_lag_months;
        let period = from.plus(-lag).unwrap_or(from);
        let mut causes: Vec<String> = vec![
            lang.pick(
                "缴费是否停止(换工作、单位欠缴、断缴)——向单位人事或社保经办人核实",
                "whether contributions stopped (a job change, employer arrears, a break) — ask the employer's HR",
            )
            .to_string(),
        ];
        let moved = self
            .entries
            .iter()
            .zip(&self.kinds)
            .find(|(e, k)| **k == EntryKind::TransferOut && month_of(e.at.date()) >= period);
        causes.push(match (moved, lang) {
            (Some((e, _)), Lang::Zh) => {
                format!("账户是否已转走(明细中 {} 有一笔转出)", e.at.date())
            }
            (Some((e, _)), Lang::En) => {
                format!(
                    "whether the account moved (a transfer out on {})",
                    e.at.date()
                )
            }
            (None, _) => lang
                .pick(
                    "账户是否转移到了其他地区(异地转移接续)",
                    "whether the account moved to another region (a transfer)",
                )
                .to_string(),
        });
        causes.push(
            lang.pick(
                "是否改为不建个人账户的档次或险种(如二档、三档、城乡居民医保)",
                "whether the insurance changed to a tier or scheme without an account (二档, 三档, resident insurance)",
            )
            .to_string(),
        );
        if let (Some(age), Some(retire)) = (self.known_age_at(from), self.retirement_age())
            && age >= retire
        {
            causes.push(match lang {
                Lang::Zh => format!(
                    "是否已退休:{from} 时已 {age} 岁,达到法定退休年龄 {retire} 岁;办理退休期间划入可能暂停,退休后按退休人员标准划入"
                ),
                Lang::En => format!(
                    "retirement: {age} in {from}, at or past the statutory age {retire}; credits may pause while retirement is processed, then follow the retiree rule"
                ),
            });
        }
        if self.reform_ended_retiree_credits(period) {
            causes.push(
                lang.pick(
                    "本地政策从此不再给退休人员划入个人账户(政策文件中退休人员划入额从此为 0)",
                    "a reform ended retirees' credits here (the policy's retiree amount is 0 from then)",
                )
                .to_string(),
            );
        }
        causes
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. {c}", i + 1))
            .collect::<Vec<_>>()
            .join(lang.pick(";", "; "))
            + lang.pick("。", ".")
    }

    /// Whether the rule in force for `period` credits retirees of this person's age
    /// nothing where the rule before it credited something.
    fn reform_ended_retiree_credits(&self, period: Period) -> bool {
        let policy = self.ctx.policy;
        let age = self.facts.age_at(period);
        let i = policy.rules.partition_point(|r| r.from <= period);
        i >= 2
            && policy.rules[i - 1].retiree.at(age).is_zero()
            && !policy.rules[i - 2].retiree.at(age).is_zero()
    }

    /// Stage 4: CREDIT_CHANGE between consecutive credited months. Returns the months
    /// whose credit changed.
    fn changes(&mut self, credits: &MonthlyCredits) -> Vec<Period> {
        let tol = self.ctx.tolerance;
        let pairs: Vec<(Period, usize)> = credits.months.iter().map(|(m, ci)| (*m, *ci)).collect();
        let mut changed = Vec::new();
        for w in pairs.windows(2) {
            let ((m1, c1), (m2, c2)) = (w[0], w[1]);
            let (old, new) = (self.entries[c1].amount, self.entries[c2].amount);
            if (new - old).abs() <= tol {
                continue;
            }
            changed.push(m2);
            let event = self.explaining_event(m1, m2);
            let severity = if event.is_some() {
                Severity::Info
            } else {
                Severity::Warning
            };
            let reason = match &event {
                Some(e) => e.describe(self.ctx.lang),
                None => self
                    .ctx
                    .lang
                    .pick(
                        "政策和年龄都解释不了这一变化:可能是缴费基数或参保档次变了。请向单位或医保经办机构询问。",
                        "Neither the policy nor age explains it: the base or the tier probably changed; ask the employer or the medical-insurance office.",
                    )
                    .to_string(),
            };
            self.finding_with(
                Code::CreditChange,
                severity,
                Some(m2),
                None,
                (Some(old), Some(new)),
                &[("reason", reason)],
            );
        }
        changed
    }

    /// A policy event at a period Q with M1 − lag − grace < Q ≤ M2 − lag (retirement:
    /// up to 12 months before that window too), by priority: a rule that changes the
    /// person's formula, retirement, a new age band, the annual base adjustment.
    fn explaining_event(&self, m1: Period, m2: Period) -> Option<Event> {
        let policy = self.ctx.policy;
        let lag = policy.credit_lag_months;
        let lo = m1.index() - lag - policy.grace_months;
        let hi = m2.index() - lag;
        let within = |q: Period| lo < q.index() && q.index() <= hi;
        let retire = self.retirement_period();
        for rule in policy.rules.iter().skip(1).filter(|r| within(r.from)) {
            let before = rule.from.plus(-1)?;
            let (old, new) = (self.formula_at(before), self.formula_at(rule.from));
            if old != new {
                let lang = self.ctx.lang;
                return Some(Event::Rule {
                    from: rule.from,
                    old: old.describe(lang),
                    new: new.describe(lang),
                });
            }
        }
        if let (Some(at), Some(age)) = (retire, self.retirement_age())
            && lo - 12 < at.index()
            && at.index() <= hi
        {
            return Some(Event::Retirement { at, age });
        }
        // The periods Q of the window, in order.
        let window: Vec<Period> = match (m1.plus(1 - lag - policy.grace_months), m2.plus(-lag)) {
            (Some(from), Some(to)) => months(from, to).collect(),
            _ => Vec::new(),
        };
        // A new age band: of the employer's share for an employee, of the retiree amount
        // for a retiree (SPEC 2.7).
        for &q in &window {
            if let (Some(age), Some(before)) = (self.known_age_at(q), q.plus(-1))
                && age != self.facts.age_at(before)
                && self.formula_at(q) != self.formula_at(before)
            {
                return Some(Event::AgeBand { at: q, age });
            }
        }
        if let Some(at) = window
            .iter()
            .find(|q| q.month() == policy.base_adjust_month)
        {
            return Some(Event::BaseAdjustment { at: *at });
        }
        None
    }

    /// The formula the policy gives this person for period `p`: the retiree amount at or
    /// past retirement age, else the employee's.
    fn formula_at(&self, p: Period) -> Formula {
        let rule = self.ctx.policy.rule_at(p);
        let age = self.facts.age_at(p);
        let retired = self.retirement_period().is_some_and(|r| r <= p);
        if retired {
            Formula::Retiree {
                amount: rule.retiree.at(age),
            }
        } else {
            Formula::Employee {
                share: rule.employee_share,
                employer_rate: rule.employer_to_account.at(age),
            }
        }
    }

    /// Stage 5: NEVER_CREDITED.
    fn never_credited(&mut self, credits: &MonthlyCredits) {
        if !credits.months.is_empty() || self.has_other_income() {
            return;
        }
        let span = (self.first_statement_month(), self.last_statement_month());
        self.finding(Code::NeverCredited, span.0, span.1, (None, None), &[]);
    }

    /// Stage 6: NO_CONTRIBUTIONS in a run with other people's contributions.
    fn no_contributions(&mut self) {
        if !self.ctx.has_contributions {
            return;
        }
        let span = (self.first_statement_month(), self.last_statement_month());
        self.finding(Code::NoContributions, span.0, span.1, (None, None), &[]);
    }

    /// The months from the first credit (or statement) month to the as-of month, marked.
    fn view(
        &self,
        credits: &MonthlyCredits,
        gaps: &[Period],
        stopped: Option<Period>,
        changed: &[Period],
    ) -> StatementView {
        let late: Vec<Period> = credits.late.iter().map(|(_, m)| *m).collect();
        let start = credits.first().or_else(|| self.first_statement_month());
        let end = self
            .ctx
            .as_of
            .max(self.last_statement_month().unwrap_or(self.ctx.as_of));
        let months = start
            .into_iter()
            .flat_map(|s| months(s, end))
            .map(|m| {
                let credit = credits.months.get(&m).map(|&ci| self.entries[ci]);
                let mark = if credit.is_some() {
                    if late.contains(&m) {
                        MonthMark::Late
                    } else {
                        MonthMark::Credited
                    }
                } else if self.facts.inactive_at(m)
                    && (gaps.contains(&m) || stopped.is_some_and(|s| m >= s))
                {
                    MonthMark::Inactive
                } else if stopped.is_some_and(|s| m >= s) {
                    MonthMark::Stopped
                } else {
                    MonthMark::Gap
                };
                CreditMonth {
                    month: m,
                    amount: credit.map(|e| e.amount),
                    arrived: credit.map(|e| e.at.date()),
                    mark,
                    changed: changed.contains(&m),
                }
            })
            .filter(|c| c.mark != MonthMark::Gap || gaps.contains(&c.month))
            .collect();
        StatementView {
            months,
            extra_credits: credits
                .extra
                .iter()
                .map(|&ci| (self.entries[ci].at.date(), self.entries[ci].amount))
                .collect(),
        }
    }
}

/// The months from `from` to `to`, inclusive.
fn months(from: Period, to: Period) -> impl Iterator<Item = Period> {
    std::iter::successors(Some(from), move |m| m.plus(1).filter(|n| *n <= to))
        .take_while(move |m| *m <= to)
}
