//! Phase 5: the contribution side, judged on every period (SPEC "Coverage") —
//! EMPLOYER_PAYMENT_MISSING, RATE_MISMATCH, BACKPAY, and between consecutive periods
//! BASE_CHANGE, TIER_CHANGE, POLICY_CHANGE.

use super::Person;
use crate::reconcile::findings::Code;
use crate::reconcile::schedule::Scheduled;
use crate::reconcile::{MonthRow, Part, yuan};
use crate::records::{Insurance, Period};

impl Person<'_> {
    pub(crate) fn contribution_side(&mut self, sched: &[Scheduled], months: &mut [MonthRow]) {
        let policy = self.ctx.policy;
        let tolerance = self.ctx.tolerance;
        let mut side: Vec<(usize, Code)> = Vec::new();
        // The month before, for the changes: its normal part (a difference back-paid for it
        // is judged with the month, not as a month of its own).
        let mut prev_normal: Option<usize> = None;
        for si in 0..sched.len() {
            let s = &sched[si];
            if s.part == Part::Difference {
                if s.backpay {
                    self.backpay(s);
                    side.push((si, Code::Backpay));
                }
                continue;
            }
            let prev = prev_normal.replace(si).map(|i| &sched[i]);
            if s.has_row && !s.paid {
                let employer = s
                    .employer_amount
                    .map(|a| match self.ctx.lang {
                        crate::lang::Lang::Zh => format!("(单位应缴 {} 元)", yuan(a)),
                        crate::lang::Lang::En => format!(" (employer due {} yuan)", yuan(a)),
                    })
                    .unwrap_or_default();
                self.finding(
                    Code::EmployerPaymentMissing,
                    Some(s.period),
                    None,
                    (None, None),
                    &[("employer", employer)],
                );
                side.push((si, Code::EmployerPaymentMissing));
            }
            if let (Some(rate), Insurance::Employee, Some(base), Some(paid)) = (
                policy.rate_to_check(&s.insurance, s.tier.as_deref()),
                &s.insurance,
                s.own_base,
                s.employee_amount,
            ) {
                let should = base.times(rate);
                if (paid - should).abs() > tolerance {
                    self.finding(
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
                self.backpay(s);
                side.push((si, Code::Backpay));
            }
            if let Some(prev) = prev {
                if let (Some(old), Some(new)) = (prev.base, s.base)
                    && old != new
                {
                    self.finding(
                        Code::BaseChange,
                        Some(s.period),
                        None,
                        (Some(old), Some(new)),
                        &[("old", yuan(old)), ("new", yuan(new))],
                    );
                    side.push((si, Code::BaseChange));
                }
                if prev.has_account() != s.has_account() {
                    let what = match (self.ctx.lang, s.has_account()) {
                        (crate::lang::Lang::Zh, true) => "开始划入",
                        (crate::lang::Lang::Zh, false) => "停止划入",
                        (crate::lang::Lang::En, true) => "starts being credited",
                        (crate::lang::Lang::En, false) => "stops being credited",
                    };
                    self.finding(
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
                    self.finding(
                        Code::PolicyChange,
                        Some(s.period),
                        None,
                        (None, None),
                        &[
                            ("old", old.describe(self.ctx.lang)),
                            ("new", new.describe(self.ctx.lang)),
                        ],
                    );
                    side.push((si, Code::PolicyChange));
                }
            }
        }
        for (si, code) in side {
            months[si].codes.push(code);
        }
    }

    /// BACKPAY for a back-paid period (a whole month, or a difference beside its normal part).
    fn backpay(&mut self, s: &Scheduled) {
        let paid = s.paid_month.map(|m| m.to_string()).unwrap_or_default();
        self.finding(
            Code::Backpay,
            Some(s.period),
            None,
            (None, None),
            &[("paid", paid), ("due", s.due.to_string())],
        );
    }

    /// EMPLOYER_PAYMENT_MISSING for a month with no record between two employee-insurance
    /// records.
    pub(crate) fn record_gaps(&mut self, sched: &[Scheduled]) {
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
                    self.finding(
                        Code::EmployerPaymentMissing,
                        Some(gap),
                        None,
                        (None, None),
                        &[(
                            "employer",
                            self.ctx.lang.pick("(无缴费记录)", " (no record)").into(),
                        )],
                    );
                }
                m = gap.plus(1);
            }
        }
    }
}
