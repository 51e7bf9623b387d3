//! Phase 3: each scheduled period's status (months.csv) and its credit-side findings —
//! CREDIT_LATE, CREDIT_SHORT, CREDIT_EXCESS, CREDIT_PENDING, CREDIT_MISSING — judged only
//! where the statement can show the credit (SPEC "Coverage").

use super::Person;
use crate::money::Money;
use crate::reconcile::findings::{Code, Severity};
use crate::reconcile::schedule::Scheduled;
use crate::reconcile::{ExpectedFrom, MonthRow, MonthStatus, month_of};
use crate::records::StatementEntry;

/// What judging the periods gives the later phases.
pub(crate) struct JudgedPeriods {
    pub months: Vec<MonthRow>,
    /// Periods with nothing paired in a span the roster marks inactive.
    pub inactive: Vec<bool>,
    /// Periods whose expected credit could not be worked out.
    pub unknown: Vec<bool>,
    /// The expected credits of the periods judged (persons.csv `expected_credits`).
    pub expected: Money,
    /// What is missing or short of them (persons.csv `missing_credits`).
    pub missing: Money,
}

impl Person<'_> {
    pub(crate) fn judge_periods(
        &mut self,
        sched: &[Scheduled],
        by_period: &[Option<usize>],
    ) -> JudgedPeriods {
        let has_statement = !self.entries.is_empty();
        let first_statement = self.first_statement_month();
        let mut months: Vec<MonthRow> = Vec::with_capacity(sched.len());
        let mut inactive_flags = vec![false; sched.len()];
        let mut unknown_flags = vec![false; sched.len()];
        let mut shares = vec![0usize; self.entries.len()];
        for ci in by_period.iter().flatten() {
            shares[*ci] += 1;
        }
        let mut totals = Totals::default();
        for (si, s) in sched.iter().enumerate() {
            let paired = by_period[si].map(|ci| self.entries[ci]);
            // An entry that stands for a whole back payment credits each month its share.
            let credited = by_period[si].map(|ci| {
                if shares[ci] > 1 {
                    s.expected
                } else {
                    self.entries[ci].amount
                }
            });
            let covered = has_statement && first_statement.is_some_and(|f| s.due >= f);
            let before = self.findings.len();
            let status = if !s.has_account() {
                MonthStatus::NoAccount
            } else if !s.paid {
                MonthStatus::Unpaid
            } else if s.expected_from == Some(ExpectedFrom::Unknown) {
                unknown_flags[si] = true;
                self.judge_unknown(s, paired.is_some() || !covered)
            } else if s.expected <= Money::ZERO {
                MonthStatus::Ok
            } else if !has_statement {
                MonthStatus::NoStatement
            } else if !covered {
                MonthStatus::NotCovered
            } else if let (Some(e), Some(amount)) = (paired, credited) {
                self.judge_credited(s, e, amount, &mut totals)
            } else if self.ctx.as_of < s.due {
                MonthStatus::NotDue
            } else {
                self.judge_uncredited(s, &mut totals)
            };
            inactive_flags[si] = status == MonthStatus::Inactive;
            let codes = self.findings[before..].iter().map(|f| f.code).collect();
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
        JudgedPeriods {
            months,
            inactive: inactive_flags,
            unknown: unknown_flags,
            expected: totals.expected,
            missing: totals.missing,
        }
    }

    /// A period whose expected credit could not be worked out: CREDIT_MISSING (with no
    /// amount) once grace is over and nothing came, else `unknown`.
    fn judge_unknown(&mut self, s: &Scheduled, credited_or_not_covered: bool) -> MonthStatus {
        if credited_or_not_covered || self.ctx.as_of <= s.grace_end {
            return MonthStatus::Unknown;
        }
        // Without an expected amount the code's table gives the message that names none
        // (findings::render).
        self.finding(
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
    }

    /// A period with a credit paired: CREDIT_LATE after the due month, CREDIT_SHORT or
    /// CREDIT_EXCESS beyond tolerance.
    fn judge_credited(
        &mut self,
        s: &Scheduled,
        e: &StatementEntry,
        amount: Money,
        totals: &mut Totals,
    ) -> MonthStatus {
        let tolerance = self.ctx.tolerance;
        totals.expected += s.expected;
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
            self.finding_with(
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
            totals.missing += -diff;
            Some((Code::CreditShort, MonthStatus::Short))
        } else if diff > tolerance {
            Some((Code::CreditExcess, MonthStatus::Excess))
        } else {
            None
        };
        if let Some((code, off_status)) = off {
            let amounts = (Some(s.expected), Some(amount));
            self.finding(code, Some(s.period), None, amounts, &[("date", date())]);
            status = off_status;
        }
        status
    }

    /// A due period with nothing paired: ACCOUNT_INACTIVE (as a run, later) in a span the
    /// roster marks inactive, CREDIT_PENDING within grace, else CREDIT_MISSING.
    fn judge_uncredited(&mut self, s: &Scheduled, totals: &mut Totals) -> MonthStatus {
        totals.expected += s.expected;
        let dates = [
            ("due", s.due.to_string()),
            ("grace", s.grace_end.to_string()),
        ];
        // SPEC 2.7: the span covers the period (not its due month).
        let (status, code) = if self.facts.inactive_at(s.period) {
            (MonthStatus::Inactive, None)
        } else if self.ctx.as_of <= s.grace_end {
            (MonthStatus::Pending, Some(Code::CreditPending))
        } else {
            (MonthStatus::Missing, Some(Code::CreditMissing))
        };
        if status != MonthStatus::Pending {
            totals.missing += s.expected;
        }
        if let Some(code) = code {
            let amounts = (Some(s.expected), Some(Money::ZERO));
            self.finding(code, Some(s.period), None, amounts, &dates);
        }
        status
    }
}

/// The sums of the periods judged (persons.csv `expected_credits`, `missing_credits`).
#[derive(Default)]
struct Totals {
    expected: Money,
    missing: Money,
}
