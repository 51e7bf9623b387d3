//! One person: pair credits with scheduled periods, judge each period, each statement entry
//! and the changes between periods, and draw up the balance bridge.

use super::findings::{Code, Finding, Severity, render};
use super::schedule::{PersonFacts, Scheduled, schedule};
use super::{
    Bridge, ExpectedFrom, MonthRow, MonthStatus, Part, PersonInputs, PersonReport, RunContext,
    month_of, yuan,
};
use crate::money::Money;
use crate::records::{EntryKind, Insurance, Period, StatementEntry, Text};

/// What became of a credit entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CreditState {
    NotCredit,
    Paired(usize),
    Duplicate,
    Unexpected,
}

struct Person<'a> {
    id: &'a Text,
    ctx: &'a RunContext<'a>,
    facts: PersonFacts,
    sched: Vec<Scheduled>,
    entries: Vec<&'a StatementEntry>,
    kinds: Vec<EntryKind>,
    findings: Vec<Finding>,
}

impl Person<'_> {
    fn finding(
        &mut self,
        code: Code,
        period: Option<Period>,
        period_to: Option<Period>,
        amounts: (Option<Money>, Option<Money>),
        args: &[(&str, String)],
    ) {
        self.finding_with(code, code.info().severity, period, period_to, amounts, args);
    }

    fn finding_with(
        &mut self,
        code: Code,
        severity: Severity,
        period: Option<Period>,
        period_to: Option<Period>,
        (expected, actual): (Option<Money>, Option<Money>),
        args: &[(&str, String)],
    ) {
        let difference = match (expected, actual) {
            (Some(e), Some(a)) => Some(a - e),
            _ => None,
        };
        // The values named here, then the caller's, borrowed: nothing copied again.
        let named = [
            ("period", period.map(|p| p.to_string())),
            ("to", period_to.map(|p| p.to_string())),
            ("expected", expected.map(yuan)),
            ("actual", actual.map(yuan)),
            ("diff", difference.map(|d| yuan(d.abs()))),
        ];
        let mut all: Vec<(&str, &str)> = Vec::with_capacity(args.len() + named.len());
        all.extend(args.iter().map(|(k, v)| (*k, v.as_str())));
        all.extend(named.iter().filter_map(|(k, v)| Some((*k, v.as_deref()?))));
        self.findings.push(Finding {
            period,
            period_to,
            code,
            severity,
            expected,
            actual,
            difference,
            message: render(code, self.ctx.lang, &all),
        });
    }

    /// Whether a debit serves someone other than the holder.
    fn serves_other(&self, e: &StatementEntry) -> bool {
        let Some(b) = e.beneficiary.as_deref() else {
            return false;
        };
        let b = b.trim();
        !(b.is_empty()
            || b == &**self.id
            || self.facts.name.as_deref() == Some(b)
            || self.facts.person_number.as_deref() == Some(b)
            || b == "本人")
    }

    fn effective_kind(&self, e: &StatementEntry) -> EntryKind {
        let debit = e.amount < Money::ZERO;
        match e.kind {
            EntryKind::Spending | EntryKind::Unclassified | EntryKind::Adjustment
                if debit && self.serves_other(e) =>
            {
                EntryKind::Family
            }
            k => k,
        }
    }

    /// SPEC 2.1: the expected credits of one back payment (one payment month, all the
    /// months it covers) may arrive as one entry equal to their sum within tolerance. Tried
    /// before rank pairing; the entry then stands for every period of the payment.
    fn pair_whole_payments(
        &self,
        credits: &[usize],
        by_period: &mut [Option<usize>],
        state: &mut [CreditState],
    ) {
        let tol = self.ctx.tolerance;
        let latest_of = |s: &Scheduled| s.due.plus(self.ctx.policy.pair_within_months);
        let mut payments: Vec<(Period, Vec<usize>)> = Vec::new();
        for (si, s) in self.sched.iter().enumerate() {
            let Some(paid) = s
                .paid_month
                .filter(|_| s.backpay && s.expected > Money::ZERO)
            else {
                continue;
            };
            if by_period[si].is_some() {
                continue;
            }
            match payments.iter_mut().find(|(m, _)| *m == paid) {
                Some((_, slots)) => slots.push(si),
                None => payments.push((paid, vec![si])),
            }
        }
        for (_, slots) in payments.iter().filter(|(_, slots)| slots.len() > 1) {
            let total: Money = slots.iter().map(|&si| self.sched[si].expected).sum();
            let first = slots.iter().map(|&si| self.sched[si].period).min();
            let latest = slots
                .iter()
                .filter_map(|&si| latest_of(&self.sched[si]))
                .max();
            let (Some(first), Some(latest)) = (first, latest) else {
                continue;
            };
            let whole = credits.iter().copied().find(|&ci| {
                let e = self.entries[ci];
                let m = month_of(e.at.date());
                state[ci] == CreditState::NotCredit
                    && m >= first
                    && m <= latest
                    && (e.amount - total).abs() <= tol
            });
            if let Some(ci) = whole {
                state[ci] = CreditState::Paired(slots[0]);
                for &si in slots {
                    by_period[si] = Some(ci);
                }
            }
        }
    }

    /// Pairs credits with periods: a credit naming its period first; then by rank — on time
    /// with the amount within tolerance, then the amount within tolerance nearest in time,
    /// then nearest in time — each credit and period used once.
    fn pair(&self) -> (Vec<Option<usize>>, Vec<CreditState>) {
        let policy = self.ctx.policy;
        let tol = self.ctx.tolerance;
        let mut by_period: Vec<Option<usize>> = vec![None; self.sched.len()];
        let mut state = vec![CreditState::NotCredit; self.entries.len()];
        let credits: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.kinds[i] == EntryKind::Credit && self.entries[i].amount > Money::ZERO)
            .collect();
        // The schedule holds each period once, in order.
        // The slots of period `p` that await a credit (a month's normal part, then a
        // difference back-paid for it).
        let slots = |p: Period| {
            let from = self.sched.partition_point(|s| s.period < p);
            let to = self.sched.partition_point(|s| s.period <= p);
            (from..to).filter(|&si| self.sched[si].awaits_credit())
        };
        for &ci in &credits {
            let Some(p) = self.entries[ci].period else {
                continue;
            };
            let mut named = slots(p).peekable();
            state[ci] = match named.peek() {
                None => CreditState::Unexpected,
                Some(_) => match named.find(|&si| by_period[si].is_none()) {
                    Some(si) => {
                        by_period[si] = Some(ci);
                        CreditState::Paired(si)
                    }
                    None => CreditState::Duplicate,
                },
            };
        }
        self.pair_whole_payments(&credits, &mut by_period, &mut state);
        // Candidates ranked by (tier, distance, period, credit date, amount, credit, period
        // slot), packed into one integer: the open credits are numbered in (date, amount,
        // index) order first, so comparing the numbers compares the tuples.
        let mut open: Vec<usize> = credits
            .iter()
            .copied()
            .filter(|&ci| state[ci] == CreditState::NotCredit)
            .collect();
        open.sort_unstable_by_key(|&ci| (self.entries[ci].at, self.entries[ci].amount, ci));
        // Most credits come in their due month in full: those pairs (tier 0, distance 0,
        // so ranked before all others) are settled first, and only the candidates left
        // open after them are sorted — the same choices as sorting them all, for a
        // fraction of the sorting.
        let (mut exact, mut candidates): (Vec<u128>, Vec<u128>) = (Vec::new(), Vec::new());
        // The last month a credit may come for each period; each credit looks only at the
        // periods whose window can hold its month (see `Reach`).
        let latest: Vec<Period> = self
            .sched
            .iter()
            .map(|s| s.due.plus(policy.pair_within_months).unwrap_or(s.due))
            .collect();
        let reach = Reach::of(&self.sched, &latest);
        for (rank, &ci) in open.iter().enumerate() {
            let e = self.entries[ci];
            let m = month_of(e.at.date());
            for si in reach.slots(&self.sched, m) {
                let s = &self.sched[si];
                if !s.awaits_credit() || by_period[si].is_some() {
                    continue;
                }
                if m < s.period || m > latest[si] {
                    continue;
                }
                // A period of unknown expectation pairs by time, after all other ranks.
                let unknown = s.expected_from == Some(ExpectedFrom::Unknown);
                let amount_ok = !unknown && (e.amount - s.expected).abs() <= tol;
                let tier: u128 = match (m <= s.due, amount_ok) {
                    _ if unknown => 3,
                    (true, true) => 0,
                    (_, true) => 1,
                    _ => 2,
                };
                // Months between 1900 and 2099: both fit in 16 bits.
                let distance = (m.index() - s.due.index()).unsigned_abs() as u128;
                let period = s.period.index() as u128;
                let key = (tier << 96)
                    | (distance << 80)
                    | (period << 64)
                    | ((rank as u128) << 32)
                    | si as u128;
                // Tier and distance both 0: a credit in its due month, in full.
                if key >> 64 == period {
                    exact.push(key);
                } else {
                    candidates.push(key);
                }
            }
        }
        // (credit, period slot) of a key.
        let pair = |key: u128| (open[(key >> 32) as u32 as usize], key as u32 as usize);
        for keys in [&mut exact, &mut candidates] {
            keys.retain(|&key| {
                let (ci, si) = pair(key);
                state[ci] == CreditState::NotCredit && by_period[si].is_none()
            });
            keys.sort_unstable();
            for &key in keys.iter() {
                let (ci, si) = pair(key);
                if state[ci] == CreditState::NotCredit && by_period[si].is_none() {
                    state[ci] = CreditState::Paired(si);
                    by_period[si] = Some(ci);
                }
            }
        }
        for &ci in &credits {
            if state[ci] != CreditState::NotCredit {
                continue;
            }
            let e = self.entries[ci];
            let m = month_of(e.at.date());
            let twin = by_period.iter().flatten().any(|&pj| {
                let other = self.entries[pj];
                month_of(other.at.date()) == m && (other.amount - e.amount).abs() <= tol
            });
            state[ci] = if twin {
                CreditState::Duplicate
            } else {
                CreditState::Unexpected
            };
        }
        (by_period, state)
    }
}

/// The periods a credit can pair with, found without looking at all of them: period `p`
/// takes credits from `p` to its latest month, so a credit in month `m` pairs only with
/// periods from `m` less the longest such span up to `m`. The schedule is in period order,
/// each period once; one back-paid period, due long after, widens its own person's window.
struct Reach(i64);

impl Reach {
    fn of(sched: &[Scheduled], latest: &[Period]) -> Reach {
        let span = sched
            .iter()
            .zip(latest)
            .map(|(s, l)| l.index() - s.period.index());
        Reach(span.max().unwrap_or(0))
    }

    /// Indices of the periods that may hold month `m` within their span (a superset).
    fn slots(&self, sched: &[Scheduled], m: Period) -> std::ops::Range<usize> {
        let from = sched.partition_point(|s| s.period.index() < m.index() - self.0);
        let to = sched.partition_point(|s| s.period <= m);
        from..to.max(from)
    }
}

/// Groups consecutive items of `items` (by index in a list) that satisfy `pred` into runs.
fn runs<T>(items: &[T], pred: impl Fn(&T) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, it) in items.iter().enumerate() {
        match (pred(it), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i - 1));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, items.len() - 1));
    }
    out
}

pub(crate) fn reconcile_person(id: &Text, inputs: PersonInputs, ctx: &RunContext) -> PersonReport {
    let facts = PersonFacts::gather(id, inputs);
    let sched = schedule(inputs, &facts, ctx);
    let mut entries: Vec<&StatementEntry> = inputs.entries().collect();
    // Statement order: date-time, rows of one timestamp as they stand in the files.
    entries.sort_by_key(|e| e.at);
    let mut p = Person {
        id,
        ctx,
        facts,
        sched,
        entries,
        kinds: Vec::new(),
        findings: Vec::new(),
    };
    p.kinds = p.entries.iter().map(|e| p.effective_kind(e)).collect();
    let (by_period, credit_state) = p.pair();
    // The schedule is only read from here on: take it out of `p`, which the findings borrow.
    let sched = std::mem::take(&mut p.sched);
    let policy = ctx.policy;
    let tolerance = ctx.tolerance;
    let as_of = ctx.as_of;
    let has_statement = !p.entries.is_empty();
    let first_statement = p.entries.first().map(|e| month_of(e.at.date()));

    // Periods: status and credit-side findings.
    let mut months: Vec<MonthRow> = Vec::with_capacity(sched.len());
    let mut inactive_flags = vec![false; sched.len()];
    let mut unknown_flags = vec![false; sched.len()];
    let mut shares = vec![0usize; p.entries.len()];
    for ci in by_period.iter().flatten() {
        shares[*ci] += 1;
    }
    let mut judged_expected = Money::ZERO;
    let mut missing = Money::ZERO;
    for si in 0..sched.len() {
        let s = &sched[si];
        let paired = by_period[si].map(|ci| p.entries[ci]);
        // An entry that stands for a whole back payment credits each month its share.
        let credited = by_period[si].map(|ci| {
            if shares[ci] > 1 {
                s.expected
            } else {
                p.entries[ci].amount
            }
        });
        let covered = has_statement && first_statement.is_some_and(|f| s.due >= f);
        let mut codes = Vec::new();
        let before = p.findings.len();
        let status = if !s.has_account() {
            MonthStatus::NoAccount
        } else if !s.paid {
            MonthStatus::Unpaid
        } else if s.expected_from == Some(ExpectedFrom::Unknown) {
            unknown_flags[si] = true;
            if paired.is_none() && covered && as_of > s.grace_end {
                // Without an expected amount the code's table gives the message that
                // names none (findings::render).
                p.finding(
                    Code::CreditMissing,
                    Some(s.period),
                    None,
                    (None, Some(Money::ZERO)),
                    &[
                        ("due", s.due.to_string()),
                        ("grace", s.grace_end.to_string()),
                    ],
                );
                MonthStatus::Missing
            } else {
                MonthStatus::Unknown
            }
        } else if s.expected <= Money::ZERO {
            MonthStatus::Ok
        } else if !has_statement {
            MonthStatus::NoStatement
        } else if !covered {
            MonthStatus::NotCovered
        } else if let (Some(e), Some(amount)) = (paired, credited) {
            judged_expected += s.expected;
            let m = month_of(e.at.date());
            let diff = amount - s.expected;
            // Formatted only for a finding: most credits are on time and in full.
            let date = || e.at.date().to_string();
            let mut status = MonthStatus::Ok;
            if m > s.due {
                let severity = if m > s.grace_end {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                let months_late = (m.index() - s.due.index()).to_string();
                p.finding_with(
                    Code::CreditLate,
                    severity,
                    Some(s.period),
                    None,
                    (Some(s.expected), Some(amount)),
                    &[
                        ("due", s.due.to_string()),
                        ("date", date()),
                        ("months", months_late),
                    ],
                );
                status = MonthStatus::Late;
            }
            let off = if diff < -tolerance {
                missing += -diff;
                Some((Code::CreditShort, MonthStatus::Short))
            } else if diff > tolerance {
                Some((Code::CreditExcess, MonthStatus::Excess))
            } else {
                None
            };
            if let Some((code, off_status)) = off {
                let amounts = (Some(s.expected), Some(amount));
                p.finding(code, Some(s.period), None, amounts, &[("date", date())]);
                status = off_status;
            }
            status
        } else if as_of < s.due {
            MonthStatus::NotDue
        } else {
            judged_expected += s.expected;
            missing += s.expected;
            let dates = [
                ("due", s.due.to_string()),
                ("grace", s.grace_end.to_string()),
            ];
            if p.facts.inactive_at(s.due) {
                inactive_flags[si] = true;
                MonthStatus::Inactive
            } else if as_of <= s.grace_end {
                missing -= s.expected;
                p.finding(
                    Code::CreditPending,
                    Some(s.period),
                    None,
                    (Some(s.expected), Some(Money::ZERO)),
                    &dates,
                );
                MonthStatus::Pending
            } else {
                p.finding(
                    Code::CreditMissing,
                    Some(s.period),
                    None,
                    (Some(s.expected), Some(Money::ZERO)),
                    &dates,
                );
                MonthStatus::Missing
            }
        };
        codes.extend(p.findings[before..].iter().map(|f| f.code));
        months.push(MonthRow {
            period: s.period,
            due: s.due,
            insurance: s.insurance.clone(),
            tier: s.tier.clone(),
            base: s.base,
            employee_amount: s.employee_amount,
            employer_amount: s.employer_amount,
            expected: s.expected,
            expected_from: s.expected_from,
            part: s.part,
            credited,
            credited_on: paired.map(|e| e.at.date()),
            difference: credited
                .filter(|_| s.expected_from != Some(ExpectedFrom::Unknown))
                .map(|amount| amount - s.expected),
            status,
            codes,
        });
    }

    // EXPECTATION_UNKNOWN: one finding per run of periods whose credit could not be
    // worked out, naming what was missing.
    for (a, b) in runs(&unknown_flags, |f| *f) {
        let mut missing = super::schedule::MissingValues::default();
        for s in &sched[a..=b] {
            missing.employee_amount |= s.missing.employee_amount;
            missing.base |= s.missing.base;
        }
        let (from, to) = (sched[a].period, sched[b].period);
        p.finding(
            Code::ExpectationUnknown,
            Some(from),
            Some(to),
            (None, None),
            &[("missing", missing.describe(ctx.lang))],
        );
        for m in &mut months[a..=b] {
            m.codes.push(Code::ExpectationUnknown);
        }
    }

    // SOURCE_CONFLICT: a period two sources record differently (the first counted).
    for c in ctx.conflicts_of(id) {
        p.finding(
            Code::SourceConflict,
            Some(c.period),
            None,
            c.amounts,
            &[
                ("field", c.field.to_string()),
                ("first", c.first.0.clone()),
                ("old", c.first.1.clone()),
                ("later", c.later.0.clone()),
                ("new", c.later.1.clone()),
            ],
        );
        if let Some(m) = months.iter_mut().find(|m| m.period == c.period) {
            m.codes.push(Code::SourceConflict);
        }
    }

    // ACCOUNT_INACTIVE: one finding per run of inactive periods.
    for (a, b) in runs(&inactive_flags, |f| *f) {
        let total: Money = sched[a..=b].iter().map(|s| s.expected).sum();
        let (from, to) = (sched[a].period, sched[b].period);
        p.finding(
            Code::AccountInactive,
            Some(from),
            Some(to),
            (Some(total), Some(Money::ZERO)),
            &[],
        );
        for m in &mut months[a..=b] {
            m.codes.push(Code::AccountInactive);
        }
    }

    // Contribution side, every period.
    let mut side: Vec<(usize, Code)> = Vec::new();
    // The month before, for the changes: its normal part (a difference back-paid for it
    // is judged with the month, not as a month of its own).
    let mut prev_normal: Option<usize> = None;
    for si in 0..sched.len() {
        let s = &sched[si];
        if s.part == Part::Difference {
            if s.backpay {
                let paid = s.paid_month.map(|m| m.to_string()).unwrap_or_default();
                p.finding(
                    Code::Backpay,
                    Some(s.period),
                    None,
                    (None, None),
                    &[("paid", paid), ("due", s.due.to_string())],
                );
                side.push((si, Code::Backpay));
            }
            continue;
        }
        let prev = prev_normal.replace(si).map(|i| &sched[i]);
        if s.has_row && !s.paid {
            let employer = s
                .employer_amount
                .map(|a| match p.ctx.lang {
                    crate::lang::Lang::Zh => format!("(单位应缴 {} 元)", yuan(a)),
                    crate::lang::Lang::En => format!(" (employer due {} yuan)", yuan(a)),
                })
                .unwrap_or_default();
            p.finding(
                Code::EmployerPaymentMissing,
                Some(s.period),
                None,
                (None, None),
                &[("employer", employer)],
            );
            side.push((si, Code::EmployerPaymentMissing));
        }
        if let (Some(rate), Insurance::Employee, Some(base), Some(paid)) = (
            policy.employee_rate,
            &s.insurance,
            s.own_base,
            s.employee_amount,
        ) {
            let should = base.times(rate);
            if (paid - should).abs() > tolerance {
                p.finding(
                    Code::RateMismatch,
                    Some(s.period),
                    None,
                    (Some(should), Some(paid)),
                    &[],
                );
                side.push((si, Code::RateMismatch));
            }
        }
        if s.backpay {
            let paid = s.paid_month.map(|m| m.to_string()).unwrap_or_default();
            p.finding(
                Code::Backpay,
                Some(s.period),
                None,
                (None, None),
                &[("paid", paid), ("due", s.due.to_string())],
            );
            side.push((si, Code::Backpay));
        }
        if let Some(prev) = prev {
            if let (Some(old), Some(new)) = (prev.base, s.base)
                && old != new
            {
                p.finding(
                    Code::BaseChange,
                    Some(s.period),
                    None,
                    (Some(old), Some(new)),
                    &[("old", yuan(old)), ("new", yuan(new))],
                );
                side.push((si, Code::BaseChange));
            }
            if prev.has_account() != s.has_account() {
                let what = match (p.ctx.lang, s.has_account()) {
                    (crate::lang::Lang::Zh, true) => "开始划入",
                    (crate::lang::Lang::Zh, false) => "停止划入",
                    (crate::lang::Lang::En, true) => "starts being credited",
                    (crate::lang::Lang::En, false) => "stops being credited",
                };
                p.finding(
                    Code::TierChange,
                    Some(s.period),
                    None,
                    (None, None),
                    &[
                        ("old", prev.insurance_label()),
                        ("new", s.insurance_label()),
                        ("what", what.into()),
                    ],
                );
                side.push((si, Code::TierChange));
            } else if let (Some(old), Some(new)) = (&prev.formula, &s.formula)
                && old != new
            {
                p.finding(
                    Code::PolicyChange,
                    Some(s.period),
                    None,
                    (None, None),
                    &[
                        ("old", old.describe(p.ctx.lang)),
                        ("new", new.describe(p.ctx.lang)),
                    ],
                );
                side.push((si, Code::PolicyChange));
            }
        }
    }
    for (si, code) in side {
        months[si].codes.push(code);
    }
    // A month with no record between two employee-insurance records.
    let employee_periods: Vec<Period> = sched
        .iter()
        .filter(|s| s.has_row && s.insurance == Insurance::Employee)
        .map(|s| s.period)
        .collect();
    let recorded: std::collections::BTreeSet<Period> = sched
        .iter()
        .filter(|s| s.has_row)
        .map(|s| s.period)
        .collect();
    for w in employee_periods.windows(2) {
        let mut m = w[0].plus(1);
        while let Some(gap) = m.filter(|g| *g < w[1]) {
            if !recorded.contains(&gap) {
                p.finding(
                    Code::EmployerPaymentMissing,
                    Some(gap),
                    None,
                    (None, None),
                    &[(
                        "employer",
                        p.ctx.lang.pick("(无缴费记录)", " (no record)").into(),
                    )],
                );
            }
            m = gap.plus(1);
        }
    }
    // NO_ACCOUNT: one finding per run of periods without an account.
    for (a, b) in runs(&sched, |s| !s.has_account()) {
        let kind = sched[a].insurance_label();
        let (from, to) = (sched[a].period, sched[b].period);
        p.finding(
            Code::NoAccount,
            Some(from),
            Some(to),
            (None, None),
            &[("kind", kind)],
        );
        for m in &mut months[a..=b] {
            m.codes.push(Code::NoAccount);
        }
    }
    // NO_STATEMENT: credits expected, and no statement at all.
    let expecting: Vec<&Scheduled> = sched.iter().filter(|s| s.expected > Money::ZERO).collect();
    if !has_statement && let (Some(first), Some(last)) = (expecting.first(), expecting.last()) {
        let total: Money = expecting.iter().map(|s| s.expected).sum();
        let (from, to) = (first.period, last.period);
        p.finding(
            Code::NoStatement,
            Some(from),
            Some(to),
            (Some(total), None),
            &[],
        );
        for m in months
            .iter_mut()
            .filter(|m| m.status == MonthStatus::NoStatement)
        {
            m.codes.push(Code::NoStatement);
        }
    }

    // Statement entries: balance chain, kinds, credits left over.
    let mut bridge = Bridge::default();
    let mut running: Option<Money> = None;
    let mut carry = Money::ZERO;
    for (i, &state) in credit_state.iter().enumerate() {
        let e = p.entries[i];
        let month = month_of(e.at.date());
        // The texts a finding shows, made only for one: an entry has a finding rarely,
        // and making them for each of millions of entries was a tenth of reconciling.
        let date = || e.at.date().to_string();
        if i == 0 {
            bridge.opening = e.balance.map_or(Money::ZERO, |b| b - e.amount);
            running = Some(bridge.opening);
        }
        let expected_balance = running.map(|r| r + e.amount);
        if let (Some(stated), Some(expected)) = (e.balance, expected_balance)
            && (stated - expected).abs() > Money::ZERO
        {
            p.finding(
                Code::BalanceBreak,
                Some(month),
                None,
                (Some(expected), Some(stated)),
                &[("date", date())],
            );
        }
        running = e.balance.or(expected_balance);
        let entry_args = || {
            [
                ("date", date()),
                ("amount", yuan(e.amount.abs())),
                ("kind", e.kind_text.to_string()),
            ]
        };
        match p.kinds[i] {
            EntryKind::Credit => bridge.credits += e.amount,
            EntryKind::Spending => bridge.spending -= e.amount,
            EntryKind::Family => {
                bridge.family_sharing -= e.amount;
                let who = e.beneficiary.as_deref().unwrap_or("").to_string();
                let unauthorised = !p.facts.family.is_empty()
                    && !who.is_empty()
                    && !p.facts.family.iter().any(|f| f == &who);
                let severity = if unauthorised {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                let who_text = if who.is_empty() { "-".to_string() } else { who };
                p.finding_with(
                    Code::FamilySharing,
                    severity,
                    Some(month),
                    None,
                    (None, Some(-e.amount)),
                    &[entry_args().as_slice(), &[("who", who_text)]].concat(),
                );
            }
            EntryKind::Clearing | EntryKind::TransferOut => {
                bridge.clearing_transfers -= e.amount;
                if e.amount < Money::ZERO {
                    p.finding(
                        Code::AccountCleared,
                        Some(month),
                        None,
                        (None, Some(-e.amount)),
                        &entry_args(),
                    );
                }
            }
            EntryKind::TransferIn => bridge.clearing_transfers -= e.amount,
            EntryKind::Interest | EntryKind::Adjustment => bridge.interest_adjustments += e.amount,
            EntryKind::CarryOver => carry += e.amount,
            EntryKind::Unclassified => {
                bridge.unclassified += e.amount;
                p.finding(
                    Code::EntryUnclassified,
                    Some(month),
                    None,
                    (None, Some(e.amount)),
                    &[
                        ("date", date()),
                        ("amount", yuan(e.amount)),
                        ("kind", e.kind_text.to_string()),
                    ],
                );
            }
        }
        match state {
            CreditState::Duplicate => p.finding(
                Code::DuplicateCredit,
                Some(month),
                None,
                (None, Some(e.amount)),
                &entry_args(),
            ),
            CreditState::Unexpected => p.finding(
                Code::CreditUnexpected,
                Some(month),
                None,
                (None, Some(e.amount)),
                &entry_args(),
            ),
            _ => {}
        }
    }
    // Carry-overs (206 out, 113 in) are internal when they net to zero.
    bridge.interest_adjustments += carry;
    bridge.closing = bridge.opening + bridge.credits
        - bridge.spending
        - bridge.family_sharing
        - bridge.clearing_transfers
        + bridge.interest_adjustments
        + bridge.unclassified;
    bridge.expected_credits = judged_expected;
    bridge.missing_credits = missing;

    p.findings.sort_by(|a, b| {
        (a.period, a.period_to, a.code, &a.message).cmp(&(
            b.period,
            b.period_to,
            b.code,
            &b.message,
        ))
    });
    for m in &mut months {
        m.codes.sort();
        m.codes.dedup();
    }
    let periods = sched.iter().map(|s| s.period);
    let (first_period, last_period) = (periods.clone().min(), periods.max());
    let fallback = |f: fn(Option<Period>, Option<Period>) -> Option<Period>| {
        f(
            p.entries.first().map(|e| month_of(e.at.date())),
            p.entries.last().map(|e| month_of(e.at.date())),
        )
    };
    let stated_differs = sched
        .iter()
        .filter(|s| s.stated_differs)
        .filter_map(|s| {
            Some(super::StatedDiffers {
                source: s.stated_source?,
                period: s.period,
            })
        })
        .collect();
    PersonReport {
        stated_differs,
        rank: 0,
        id: id.clone(),
        person_number: p.facts.person_number.clone(),
        name: p.facts.name.clone(),
        employer: p.facts.employer.clone(),
        first_period: first_period.or_else(|| fallback(|a, _| a)),
        last_period: last_period.or_else(|| fallback(|_, b| b)),
        month_rows: months.len(),
        months,
        findings: {
            // Kept to the end of the run: without the room they grew into.
            let mut findings = p.findings;
            crate::records::fit(&mut findings);
            findings
        },
        bridge,
        entries: if ctx.keep_entries {
            p.entries.iter().map(|e| (*e).clone()).collect()
        } else {
            Vec::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The window holds every period whose span (period to its latest month) holds the
        /// credit's month: spans of any length, back-paid ones far longer, even negative.
        #[test]
        fn reach_finds_every_period_whose_span_holds_the_month(
            gaps in proptest::collection::vec(1i64..4, 0..40),
            spans in proptest::collection::vec(-2i64..30, 40),
            month in 0i64..150,
        ) {
            let start = Period::new(2020, 1).unwrap();
            let mut at = 0;
            let mut sched = Vec::new();
            let mut latest = Vec::new();
            for (gap, span) in gaps.iter().zip(&spans) {
                at += gap;
                let p = start.plus(at).unwrap();
                sched.push(Scheduled::without_rows(p));
                latest.push(p.plus(*span).unwrap());
            }
            let m = start.plus(month).unwrap();
            let window = Reach::of(&sched, &latest).slots(&sched, m);
            for (i, (s, l)) in sched.iter().zip(&latest).enumerate() {
                if s.period <= m && m <= *l {
                    prop_assert!(window.contains(&i), "{i} outside {window:?}");
                }
            }
        }
    }
}
