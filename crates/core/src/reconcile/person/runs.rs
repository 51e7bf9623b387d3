//! Phase 4: findings about runs of periods, one finding per run — EXPECTATION_UNKNOWN,
//! SOURCE_CONFLICT, ACCOUNT_INACTIVE, NO_ACCOUNT — and NO_STATEMENT.

use super::{Person, runs};
use crate::money::Money;
use crate::reconcile::findings::Code;
use crate::reconcile::schedule::{MissingValues, Scheduled};
use crate::reconcile::{MonthRow, MonthStatus};

impl Person<'_> {
    /// EXPECTATION_UNKNOWN: one finding per run of periods whose credit could not be
    /// worked out, naming what was missing.
    pub(crate) fn expectation_unknown_runs(
        &mut self,
        sched: &[Scheduled],
        unknown: &[bool],
        months: &mut [MonthRow],
    ) {
        for (a, b) in runs(unknown, |f| *f) {
            let mut missing = MissingValues::default();
            for s in &sched[a..=b] {
                missing.employee_amount |= s.missing.employee_amount;
                missing.base |= s.missing.base;
            }
            let (from, to) = (sched[a].period, sched[b].period);
            self.finding(
                Code::ExpectationUnknown,
                Some(from),
                Some(to),
                (None, None),
                &[("missing", missing.describe(self.ctx.lang))],
            );
            for m in &mut months[a..=b] {
                m.codes.push(Code::ExpectationUnknown);
            }
        }
    }

    /// SOURCE_CONFLICT: a period two sources record differently (the first counted).
    pub(crate) fn source_conflicts(&mut self, months: &mut [MonthRow]) {
        for c in self.ctx.conflicts_of(self.id) {
            self.finding(
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
    }

    /// ACCOUNT_INACTIVE: one finding per run of inactive periods.
    pub(crate) fn inactive_runs(
        &mut self,
        sched: &[Scheduled],
        inactive: &[bool],
        months: &mut [MonthRow],
    ) {
        for (a, b) in runs(inactive, |f| *f) {
            let total: Money = sched[a..=b].iter().map(|s| s.expected).sum();
            let (from, to) = (sched[a].period, sched[b].period);
            self.finding(
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
    }

    /// NO_ACCOUNT: one finding per run of periods without an account.
    pub(crate) fn no_account_runs(&mut self, sched: &[Scheduled], months: &mut [MonthRow]) {
        // "A zero balance is expected" is said only to someone whose statement does not
        // show money in the account (someone with 2,014 yuan was told it).
        let balance = self
            .entries
            .iter()
            .rev()
            .find_map(|e| e.balance)
            .filter(|b| *b != Money::ZERO)
            .map(crate::reconcile::yuan);
        for (a, b) in runs(sched, |s| !s.has_account()) {
            let kind = sched[a].insurance_label();
            let (from, to) = (sched[a].period, sched[b].period);
            let mut args = vec![("kind", kind)];
            if let Some(balance) = &balance {
                args.push(("balance", balance.clone()));
            }
            self.finding(Code::NoAccount, Some(from), Some(to), (None, None), &args);
            for m in &mut months[a..=b] {
                m.codes.push(Code::NoAccount);
            }
        }
    }

    /// NO_STATEMENT: credits expected, and no statement at all.
    pub(crate) fn no_statement(&mut self, sched: &[Scheduled], months: &mut [MonthRow]) {
        let has_statement = !self.entries.is_empty();
        let expecting: Vec<&Scheduled> =
            sched.iter().filter(|s| s.expected > Money::ZERO).collect();
        if !has_statement && let (Some(first), Some(last)) = (expecting.first(), expecting.last()) {
            let total: Money = expecting.iter().map(|s| s.expected).sum();
            let (from, to) = (first.period, last.period);
            self.finding(
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
    }
}
