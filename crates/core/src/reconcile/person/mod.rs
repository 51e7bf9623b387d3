//! One person, as SPEC judges them, in named phases:
//!
//! 1. **Gather** the person's facts, schedule and statement (statement order).
//! 2. **Pair** credits with scheduled periods ([`pairing`](super::pairing)).
//! 3. **Judge periods** — each period's status and its credit-side findings
//!    ([`periods`]).
//! 4. **Runs** — EXPECTATION_UNKNOWN, SOURCE_CONFLICT, ACCOUNT_INACTIVE, NO_ACCOUNT,
//!    NO_STATEMENT, one finding per run of periods ([`runs`]).
//! 5. **Contribution side** — unpaid months and gaps in the records, rates, back
//!    payments, changes between consecutive periods ([`contribution_side`]).
//! 6. **Statement entries** — the balance chain, each entry's kind, the credits left
//!    over, and the balance bridge ([`entries`]).
//! 7. **Finish** — findings in a fixed order, the persons.csv row.
//!
//! A person with statement rows and no contribution rows takes
//! [`statement_first`](super::statement_first) for phases 2–5 instead (SPEC 2.2).

mod contribution_side;
mod entries;
mod periods;
mod runs;

use super::findings::{Code, Finding, Severity, render};
use super::pairing::{self, PairingInputs};
use super::schedule::{PersonFacts, Scheduled, schedule};
use super::{Bridge, MonthRow, PersonInputs, PersonReport, RunContext, month_of, yuan};
use crate::money::Money;
use crate::records::{EntryKind, Period, StatementEntry, Text};

/// A person being reconciled: what every phase reads, and the findings they add.
pub(crate) struct Person<'a> {
    pub id: &'a Text,
    pub ctx: &'a RunContext<'a>,
    pub facts: PersonFacts,
    /// The statement in statement order: date-time, rows of one timestamp as they stand
    /// in the files.
    pub entries: Vec<&'a StatementEntry>,
    /// Each entry's kind as judged (a debit for someone else is family sharing).
    pub kinds: Vec<EntryKind>,
    pub findings: Vec<Finding>,
}

impl<'a> Person<'a> {
    /// Phase 1 (without the schedule): facts and statement.
    pub fn gather(id: &'a Text, inputs: PersonInputs<'_, 'a>, ctx: &'a RunContext<'a>) -> Self {
        let facts = PersonFacts::gather(id, inputs);
        let mut entries: Vec<&StatementEntry> = inputs.entries().collect();
        entries.sort_by_key(|e| e.at);
        let mut p = Person {
            id,
            ctx,
            facts,
            entries,
            kinds: Vec::new(),
            findings: Vec::new(),
        };
        p.kinds = p.entries.iter().map(|e| p.effective_kind(e)).collect();
        p
    }

    /// The month of the first statement entry.
    pub fn first_statement_month(&self) -> Option<Period> {
        self.entries.first().map(|e| month_of(e.at.date()))
    }

    /// The month of the last statement entry.
    pub fn last_statement_month(&self) -> Option<Period> {
        self.entries.last().map(|e| month_of(e.at.date()))
    }

    pub fn finding(
        &mut self,
        code: Code,
        period: Option<Period>,
        period_to: Option<Period>,
        amounts: (Option<Money>, Option<Money>),
        args: &[(&str, String)],
    ) {
        self.finding_with(code, code.info().severity, period, period_to, amounts, args);
    }

    pub fn finding_with(
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

    /// SPEC 2.2: statement rows and no medical contribution rows, and not a retiree by
    /// roster.
    pub(crate) fn is_statement_first(&self, inputs: PersonInputs) -> bool {
        !self.entries.is_empty()
            && self.facts.retired_from.is_none()
            && !inputs
                .roster()
                .any(|r| r.category == Some(crate::records::Category::Retired))
            && inputs
                .contributions()
                .all(|c| matches!(c.insurance, crate::records::Insurance::Other(_)))
    }

    /// Phase 7: the findings in their fixed order (period, period to, code, message),
    /// each month's codes once, and the persons.csv row.
    pub fn finish(
        self,
        months: Vec<MonthRow>,
        bridge: Bridge,
        sched: &[Scheduled],
        span: Option<(Period, Period)>,
    ) -> PersonReport {
        let Person {
            id,
            ctx,
            facts,
            entries,
            mut findings,
            ..
        } = self;
        findings.sort_by(|a, b| {
            (a.period, a.period_to, a.code, &a.message).cmp(&(
                b.period,
                b.period_to,
                b.code,
                &b.message,
            ))
        });
        let mut months = months;
        for m in &mut months {
            m.codes.sort();
            m.codes.dedup();
        }
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
        // Kept to the end of the run: without the room they grew into.
        crate::records::fit(&mut findings);
        let overflow_sources = if bridge.overflowed()
            || sched.iter().any(|s| {
                s.expected.overflowed() || s.employee_amount.is_some_and(|m| m.overflowed())
            }) {
            let mut sources: Vec<u32> = entries
                .iter()
                .map(|e| e.origin.source)
                .chain(sched.iter().filter_map(|s| s.source))
                .collect();
            sources.sort_unstable();
            sources.dedup();
            sources
        } else {
            Vec::new()
        };
        PersonReport {
            overflow_sources,
            stated_differs,
            rank: 0,
            id: id.clone(),
            person_number: facts.person_number,
            name: facts.name,
            employer: facts.employer,
            first_period: span.map(|(first, _)| first),
            last_period: span.map(|(_, last)| last),
            month_rows: months.len(),
            months,
            findings,
            statement_first: false,
            statement_balance: entries.iter().rev().find_map(|e| e.balance),
            statement_view: None,
            outside_span: super::OutsideSpan::default(),
            bridge,
            entries: if ctx.keep_entries {
                entries.iter().map(|e| (*e).clone()).collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// Reconciles one person who has contributions (SPEC "Semantics"; a statement-first
/// person goes to [`super::statement_first`] instead, see [`super::reconcile_one`]).
pub(crate) fn reconcile_person(
    mut p: Person,
    inputs: PersonInputs,
    ctx: &RunContext,
) -> PersonReport {
    let sched = schedule(inputs, &p.facts, ctx);
    let pairing_inputs = PairingInputs {
        sched: &sched,
        entries: &p.entries,
        kinds: &p.kinds,
        pair_within_months: ctx.policy.pair_within_months,
        tolerance: ctx.tolerance,
    };
    let mut pairs = pairing::pair(&pairing_inputs);
    let outside = pairing::outside_span(&pairing_inputs, &mut pairs.state);
    let judged = p.judge_periods(&sched, &pairs.by_period);
    let mut months = judged.months;
    p.expectation_unknown_runs(&sched, &judged.unknown, &mut months);
    p.source_conflicts(&mut months);
    p.inactive_runs(&sched, &judged.inactive, &mut months);
    p.contribution_side(&sched, &mut months);
    p.record_gaps(&sched);
    p.no_account_runs(&sched, &mut months);
    p.no_statement(&sched, &mut months);
    let mut bridge = p.statement_entries(&pairs.state);
    bridge.expected_credits = judged.expected;
    bridge.missing_credits = judged.missing;
    let periods = sched.iter().map(|s| s.period);
    let span = match (periods.clone().min(), periods.max()) {
        (Some(first), Some(last)) => Some((first, last)),
        _ => p.first_statement_month().zip(p.last_statement_month()),
    };
    let mut report = p.finish(months, bridge, &sched, span);
    report.outside_span = outside;
    report
}

/// Groups consecutive items of `items` (by index in a list) that satisfy `pred` into runs.
pub(crate) fn runs<T>(items: &[T], pred: impl Fn(&T) -> bool) -> Vec<(usize, usize)> {
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
