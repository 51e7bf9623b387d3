//! The expected-credit schedule of one person: which periods, under which formula, how
//! much, and when it is due.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{ExpectedFrom, Part};
use super::{PersonInputs, RunContext};
use crate::money::Money;
use crate::records::{
    AccountStatus, Category, Contribution, ContributionType, Insurance, PaymentStatus, Period, Text,
};
use crate::values::birth_date_from_id;

/// What a person is, beyond single rows: from the roster, the contributions and the ID.
pub(crate) struct PersonFacts {
    pub birth_date: Option<NaiveDate>,
    pub retired_from: Option<Period>,
    /// 退休 without a retirement month: retired for every period of the run.
    pub retired_always: bool,
    /// Inactive spans (冻结, 未激活, 暂停), inclusive; open ends are `None`.
    pub inactive: Vec<(Option<Period>, Option<Period>)>,
    /// Authorised relatives (IDs or names).
    pub family: Vec<String>,
    pub name: Option<Text>,
    pub person_number: Option<Text>,
    /// The employer of the latest contribution period that names one.
    pub employer: Option<Text>,
}

/// SPEC 2.7: the inactive spans (冻结, 未激活, 暂停) of a person's roster rows, each covering
/// the periods from its status_from to its status_to. A span left open ends where the
/// person's next span (of any status) begins: a 暂停 span followed by a 正常 one is
/// closed by it.
fn inactive_spans<'a>(
    rows: impl Iterator<Item = &'a crate::records::RosterEntry>,
) -> Vec<(Option<Period>, Option<Period>)> {
    let mut spans: Vec<(Option<Period>, Option<Period>, bool)> = rows
        .filter(|r| r.account_status.is_some())
        .map(|r| {
            let inactive = r.account_status == Some(AccountStatus::Inactive);
            (r.status_from, r.status_to, inactive)
        })
        .collect();
    spans.sort_by_key(|s| s.0);
    let starts: Vec<Option<Period>> = spans.iter().map(|s| s.0).collect();
    spans
        .iter()
        .filter(|s| s.2)
        .map(|&(from, to, _)| {
            let to = to.or_else(|| {
                starts
                    .iter()
                    .flatten()
                    .filter(|next| from.is_none_or(|f| **next > f))
                    .min()
                    .and_then(|next| next.plus(-1))
            });
            (from, to)
        })
        .collect()
}

impl PersonFacts {
    pub fn gather(id: &str, inputs: PersonInputs) -> PersonFacts {
        let roster = || inputs.roster();
        let birth_date = roster()
            .find_map(|r| r.birth_date)
            .or_else(|| inputs.contributions().find_map(|c| c.birth_date))
            .or_else(|| birth_date_from_id(id));
        let retired_from = roster().filter_map(|r| r.retired_from).min();
        let retired_always = retired_from.is_none()
            && (roster().any(|r| r.category == Some(Category::Retired))
                || inputs
                    .contributions()
                    .any(|c| c.category == Some(Category::Retired)));
        let inactive = inactive_spans(roster());
        let mut family: Vec<String> = roster().flat_map(|r| r.family.iter().cloned()).collect();
        family.sort();
        family.dedup();
        let name = roster()
            .find_map(|r| r.who.name.clone())
            .or_else(|| inputs.contributions().find_map(|c| c.who.name.clone()))
            .or_else(|| inputs.entries().find_map(|e| e.who.name.clone()));
        let person_number = roster()
            .find_map(|r| r.who.person_number.clone())
            .or_else(|| {
                inputs
                    .contributions()
                    .find_map(|c| c.who.person_number.clone())
            })
            .or_else(|| inputs.entries().find_map(|e| e.who.person_number.clone()));
        let employer = inputs
            .contributions()
            .filter(|c| c.employer.is_some())
            .max_by_key(|c| c.period)
            .and_then(|c| c.employer.clone());
        PersonFacts {
            employer,
            birth_date,
            retired_from,
            retired_always,
            inactive,
            family,
            name,
            person_number,
        }
    }

    pub fn retired_at(&self, p: Period) -> bool {
        self.retired_always || self.retired_from.is_some_and(|r| r <= p)
    }

    pub fn inactive_at(&self, p: Period) -> bool {
        self.inactive
            .iter()
            .any(|(from, to)| from.is_none_or(|f| f <= p) && to.is_none_or(|t| p <= t))
    }

    /// Completed years on the last day of month `p − 1`: a band changes the month after
    /// the birthday month.
    pub fn age_at(&self, p: Period) -> u32 {
        let Some(b) = self.birth_date else {
            return 0;
        };
        let Some(day) = NaiveDate::from_ymd_opt(p.year(), p.month(), 1).and_then(|d| d.pred_opt())
        else {
            return 0;
        };
        let mut years = day.year() - b.year();
        if (day.month(), day.day()) < (b.month(), b.day()) {
            years -= 1;
        }
        years.max(0) as u32
    }
}

/// The crediting formula in force for a person in a period, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Formula {
    Employee {
        share: Decimal,
        employer_rate: Decimal,
    },
    Flexible {
        rate: Decimal,
    },
    Retiree {
        amount: Decimal,
    },
}

impl Formula {
    pub fn describe(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang::{En, Zh};
        let percent = |r: &Decimal| (r * Decimal::ONE_HUNDRED).normalize();
        match (self, lang) {
            (
                Formula::Employee {
                    share,
                    employer_rate,
                },
                Zh,
            ) => format!(
                "个人缴费计入比例 {},单位按基数 {}%",
                share.normalize(),
                percent(employer_rate)
            ),
            (
                Formula::Employee {
                    share,
                    employer_rate,
                },
                En,
            ) => format!(
                "employee share {}, employer {}% of base",
                share.normalize(),
                percent(employer_rate)
            ),
            (Formula::Flexible { rate }, Zh) => format!("灵活就业按基数 {}%", percent(rate)),
            (Formula::Flexible { rate }, En) => format!("flexible {}% of base", percent(rate)),
            (Formula::Retiree { amount }, Zh) => format!("退休人员定额 {} 元", amount.round_dp(2)),
            (Formula::Retiree { amount }, En) => format!("retiree {} yuan", amount.round_dp(2)),
        }
    }
}

/// One scheduled period.
#[derive(Clone, Debug)]
pub(crate) struct Scheduled {
    pub period: Period,
    /// Whether contribution rows exist for it (retiree months may have none).
    pub has_row: bool,
    pub insurance: Insurance,
    pub tier: Option<Text>,
    /// The base months.csv shows: a month's base plus the difference back-paid for it.
    pub base: Option<Money>,
    /// The base of this part's own rows, which its expected credit is worked out on.
    pub own_base: Option<Money>,
    /// The month's normal contribution, or a difference back-paid for it later.
    pub part: Part,
    pub employee_amount: Option<Money>,
    pub employer_amount: Option<Money>,
    /// What the rows state goes into the account (划入个人账户金额…), summed.
    pub stated: Option<Money>,
    /// The source of the period's first row (a period without a row has none): named when
    /// a sum of the person's amounts overflows.
    pub source: Option<u32>,
    /// The source of the first row stating it, and whether it differs from the formula.
    pub stated_source: Option<u32>,
    pub stated_differs: bool,
    /// Credits the bureau owes for the period without a contribution (types 36, 40, 41).
    pub owed: Option<Money>,
    pub paid: bool,
    pub backpay: bool,
    pub paid_month: Option<Period>,
    /// `None` when the insurance or tier has no account.
    pub formula: Option<Formula>,
    /// Zero for an `Unknown` expectation, which adds to no total.
    pub expected: Money,
    /// `None` where the expected credit is 0 by rule (no account, unpaid, a back payment
    /// not credited).
    pub expected_from: Option<ExpectedFrom>,
    /// For an `Unknown` expectation, the values that were missing.
    pub missing: MissingValues,
    pub due: Period,
    pub grace_end: Period,
}

/// The values an expected credit needed and the rows did not give.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct MissingValues {
    pub employee_amount: bool,
    pub base: bool,
}

impl MissingValues {
    /// The missing columns, for EXPECTATION_UNKNOWN's message.
    pub fn describe(self, lang: crate::lang::Lang) -> String {
        let mut names = Vec::new();
        if self.employee_amount {
            names.push(lang.pick("个人缴费金额", "employee amount"));
        }
        if self.base {
            names.push(lang.pick("缴费基数", "contribution base"));
        }
        names.join(lang.pick("、", ", "))
    }
}

/// How SPEC 2.1 works out an account-bearing period's expected credit, first available:
/// the stated credit; the formula on the amounts (a term whose rate is 0 needs no value);
/// the base alone with `[rates] employee`; the policy's retiree amount. With none of them
/// the expectation is unknown — never a silent 0.
fn estimate(
    s: &Scheduled,
    formula: &Formula,
    employee_rate: Option<Decimal>,
) -> Result<(Money, ExpectedFrom), MissingValues> {
    if let Some(stated) = s.stated {
        return Ok((stated, ExpectedFrom::Stated));
    }
    from_formula(s, formula, employee_rate)
}

/// [`estimate`] without the stated credit: the amounts, the base, or the policy.
fn from_formula(
    s: &Scheduled,
    formula: &Formula,
    employee_rate: Option<Decimal>,
) -> Result<(Money, ExpectedFrom), MissingValues> {
    match formula {
        Formula::Employee {
            share,
            employer_rate,
        } => {
            let missing = MissingValues {
                employee_amount: !share.is_zero() && s.employee_amount.is_none(),
                base: !employer_rate.is_zero() && s.own_base.is_none(),
            };
            if missing == MissingValues::default() {
                let amount = Money::mul_add(
                    s.employee_amount.unwrap_or_default(),
                    *share,
                    s.own_base.unwrap_or_default(),
                    *employer_rate,
                );
                return Ok((amount, ExpectedFrom::Amounts));
            }
            match (s.own_base, employee_rate) {
                (Some(base), Some(rate)) => {
                    Ok((base.times(rate * share + employer_rate), ExpectedFrom::Base))
                }
                _ => Err(missing),
            }
        }
        Formula::Flexible { rate } if rate.is_zero() => Ok((Money::ZERO, ExpectedFrom::Base)),
        Formula::Flexible { rate } => match s.own_base {
            Some(base) => Ok((base.times(*rate), ExpectedFrom::Base)),
            None => Err(MissingValues {
                base: true,
                ..MissingValues::default()
            }),
        },
        Formula::Retiree { amount } => Ok((Money::saturating(*amount), ExpectedFrom::Policy)),
    }
}

impl Scheduled {
    /// A period with no contribution row (a retiree's month), its credit still to be
    /// worked out.
    pub fn without_rows(period: Period) -> Scheduled {
        Scheduled {
            period,
            has_row: false,
            insurance: Insurance::Employee,
            tier: None,
            base: None,
            own_base: None,
            part: Part::Normal,
            employee_amount: None,
            employer_amount: None,
            stated: None,
            source: None,
            stated_source: None,
            stated_differs: false,
            owed: None,
            paid: true,
            backpay: false,
            paid_month: None,
            formula: None,
            expected: Money::ZERO,
            expected_from: None,
            missing: MissingValues::default(),
            due: period,
            grace_end: period,
        }
    }

    pub fn has_account(&self) -> bool {
        self.formula.is_some()
    }

    /// Whether a credit may pair with the period: one is expected, of a known amount or
    /// of an amount that could not be worked out.
    pub fn awaits_credit(&self) -> bool {
        self.expected > Money::ZERO || self.expected_from == Some(ExpectedFrom::Unknown)
    }

    pub fn insurance_label(&self) -> String {
        match &self.tier {
            Some(t) => format!("{} {}", self.insurance.as_str(), t),
            None => self.insurance.as_str().to_string(),
        }
    }
}

/// Builds the schedule: every contribution period (rows of one period summed), and for
/// retirees every month from retirement (or the run's first month) to the as-of month.
pub(crate) fn schedule(
    inputs: PersonInputs,
    facts: &PersonFacts,
    ctx: &RunContext,
) -> Vec<Scheduled> {
    let policy = ctx.policy;
    // The rows of each period together, in the order they were read (a stable sort).
    // Rows of a type the national list does not schedule (60, 99…) are left out.
    let mut rows_in_order: Vec<_> = inputs
        .contributions()
        .filter(|c| c.contribution_type != ContributionType::Other)
        .collect();
    rows_in_order.sort_by_key(|c| c.period);
    let mut out: Vec<Scheduled> = Vec::new();
    for rows in rows_in_order.chunk_by(|a, b| a.period == b.period) {
        scheduled_parts(rows, &mut out);
    }
    if facts.retired_always || facts.retired_from.is_some() {
        let recorded: std::collections::BTreeSet<Period> = out.iter().map(|s| s.period).collect();
        // From retirement, but not before the first period whose credit the person's
        // statement could show (its first month less the lag), or, without a statement,
        // before the run's first month.
        let visible = inputs
            .entries()
            .map(|e| super::month_of(e.at.date()))
            .min()
            .and_then(|m| m.plus(-policy.credit_lag_months));
        let run_start = visible.unwrap_or(ctx.first_month);
        let start = facts.retired_from.map_or(run_start, |r| r.max(run_start));
        // SPEC 2.7: to the period due in the as-of month (A − lag).
        let last = ctx
            .as_of
            .plus(-policy.credit_lag_months)
            .unwrap_or(ctx.as_of);
        let mut p = start;
        while p <= last {
            if !recorded.contains(&p) {
                out.push(Scheduled::without_rows(p));
            }
            let Some(next) = p.plus(1) else { break };
            p = next;
        }
        // In period order, a month's normal part before its difference (a stable sort).
        out.sort_by_key(|s| (s.period, s.part == Part::Difference));
    }
    let lag = policy.credit_lag_months;
    // Periods mostly share one insurance and tier: whether they have an account is
    // worked out once per change (the tier names are normalised to compare).
    let mut account: Option<(Insurance, Option<crate::records::Text>, bool)> = None;
    for s in &mut out {
        let p = s.period;
        let rule = policy.rule_at(p);
        let age = facts.age_at(p);
        let has_account = match &account {
            Some((insurance, tier, has)) if *insurance == s.insurance && *tier == s.tier => *has,
            _ => {
                let has = policy.has_account(&s.insurance, s.tier.as_deref());
                account = Some((s.insurance.clone(), s.tier.clone(), has));
                has
            }
        };
        s.formula = has_account.then(|| {
            if facts.retired_at(p) {
                Formula::Retiree {
                    amount: rule.retiree.at(age),
                }
            } else if s.insurance == Insurance::Flexible {
                Formula::Flexible {
                    rate: rule.flexible_to_account,
                }
            } else {
                Formula::Employee {
                    share: rule.employee_share,
                    employer_rate: rule.employer_to_account.at(age),
                }
            }
        });
        let credited_at_all = s.paid && (!s.backpay || policy.backpay_credited);
        (s.expected, s.expected_from) = match (&s.formula, credited_at_all) {
            (Some(f), true) => match estimate(s, f, policy.employee_rate_for(s.tier.as_deref())) {
                Ok((amount, from)) => {
                    // A stated credit other than the formula gives is no finding; the
                    // run's warnings count it per source.
                    s.stated_differs = from == ExpectedFrom::Stated
                        && from_formula(s, f, policy.employee_rate_for(s.tier.as_deref()))
                            .is_ok_and(|(formula, _)| (formula - amount).abs() > ctx.tolerance);
                    (amount + s.owed.unwrap_or_default(), Some(from))
                }
                Err(missing) => {
                    s.missing = missing;
                    (Money::ZERO, Some(ExpectedFrom::Unknown))
                }
            },
            _ => (Money::ZERO, None),
        };
        let from = if s.backpay {
            s.paid_month.map_or(p, |m| m.max(p))
        } else {
            p
        };
        s.due = from.plus(lag).unwrap_or(from);
        s.grace_end = s.due.plus(policy.grace_months).unwrap_or(s.due);
    }
    out
}

/// One period's rows as scheduled parts: a month with a paid normal row and paid back
/// payments is its normal part, judged on its own rows, and a difference after it (the
/// normal part showing base plus difference as its base); any other month is one part.
fn scheduled_parts(rows: &[&Contribution], out: &mut Vec<Scheduled>) {
    if rows.len() == 1 {
        out.extend(scheduled_period(rows));
        return;
    }
    let back = |c: &&Contribution| c.contribution_type == ContributionType::BackPayment;
    let paid_medical = |c: &&&Contribution| {
        c.status == PaymentStatus::Paid && !matches!(c.insurance, Insurance::Other(_))
    };
    let paid_normal = rows
        .iter()
        .filter(paid_medical)
        .any(|c| c.contribution_type == ContributionType::Normal);
    let paid_back = rows.iter().filter(paid_medical).any(back);
    if !(paid_normal && paid_back) {
        out.extend(scheduled_period(rows));
        return;
    }
    let (back_rows, normal_rows): (Vec<&Contribution>, Vec<&Contribution>) =
        rows.iter().copied().partition(back);
    let (Some(mut normal), Some(mut difference)) =
        (scheduled_period(&normal_rows), scheduled_period(&back_rows))
    else {
        out.extend(scheduled_period(rows));
        return;
    };
    difference.part = Part::Difference;
    normal.base = Money::add_known(normal.own_base, difference.own_base);
    out.push(normal);
    out.push(difference);
}

/// One period's rows as one scheduled period: the medical rows summed (rows of another
/// scheme beside them do not add in), paid rows only when any is paid; credits the bureau
/// owes (types 36, 40, 41) kept apart as `owed`, their stated credit else their amounts.
fn scheduled_period(rows: &[&Contribution]) -> Option<Scheduled> {
    match rows {
        [row] => Some(single_row_period(row)),
        _ => rows_period(rows),
    }
}

/// [`scheduled_period`] of any number of rows.
fn rows_period(rows: &[&Contribution]) -> Option<Scheduled> {
    let period = rows.first()?.period;
    let medical = |c: &Contribution| !matches!(c.insurance, Insurance::Other(_));
    let any_medical = rows.iter().any(|c| medical(c));
    let in_rows = |c: &Contribution| !any_medical || medical(c);
    let owed_row = |c: &Contribution| c.contribution_type == ContributionType::AccountCredit;
    let contribution_rows = rows.iter().any(|c| in_rows(c) && !owed_row(c));
    // A period of owed credits only is read from those rows.
    let in_rows = |c: &Contribution| in_rows(c) && (owed_row(c) != contribution_rows);
    let paid_row = |c: &Contribution| in_rows(c) && c.status == PaymentStatus::Paid;
    let paid = rows.iter().any(|c| paid_row(c));
    let counted = |c: &Contribution| if paid { paid_row(c) } else { in_rows(c) };
    // A period with a paid back-payment row (补缴, 补收, 基数补差…) is back-paid; its
    // credit is due lag months after the latest such payment.
    let backpay = rows
        .iter()
        .filter(|c| paid_row(c))
        .any(|c| c.contribution_type == ContributionType::BackPayment);
    let paid_month = rows
        .iter()
        .filter(|c| paid_row(c))
        .filter(|c| !backpay || c.contribution_type == ContributionType::BackPayment)
        .filter_map(|c| c.paid_month)
        .max();
    let first = rows.iter().find(|c| in_rows(c))?;
    let sum = |value: fn(&Contribution) -> Option<Money>, keep: &dyn Fn(&Contribution) -> bool| {
        rows.iter()
            .filter(|c| keep(c))
            .fold(None, |a, c| Money::add_known(a, value(c)))
    };
    let owed_paid = |c: &Contribution| {
        medical(c) && owed_row(c) && c.status == PaymentStatus::Paid && contribution_rows
    };
    let owed = sum(owed_credit, &owed_paid);
    let (stated, owed) = if contribution_rows {
        (sum(|c| c.stated_credit, &counted), owed)
    } else {
        // Only owed credits: they are the period's stated credit.
        (sum(owed_credit, &counted), None)
    };
    let base = rows
        .iter()
        .filter(|c| in_rows(c))
        .filter_map(|c| c.base)
        .max();
    Some(Scheduled {
        period,
        has_row: true,
        insurance: first.insurance.clone(),
        tier: rows
            .iter()
            .filter(|c| in_rows(c))
            .find_map(|c| c.tier.clone()),
        base,
        own_base: base,
        part: Part::Normal,
        employee_amount: if contribution_rows {
            sum(|c| c.employee_amount, &counted)
        } else {
            None
        },
        employer_amount: if contribution_rows {
            sum(|c| c.employer_amount, &counted)
        } else {
            None
        },
        stated,
        source: Some(first.origin.source),
        stated_source: rows
            .iter()
            .filter(|c| counted(c))
            .find(|c| c.stated_credit.is_some())
            .map(|c| c.origin.source),
        stated_differs: false,
        owed,
        paid,
        backpay,
        paid_month,
        formula: None,
        expected: Money::ZERO,
        expected_from: None,
        missing: MissingValues::default(),
        due: period,
        grace_end: period,
    })
}

/// What a row of a credit the bureau owes (types 36, 40, 41) adds to the expected credit:
/// its stated credit, else its amounts.
fn owed_credit(c: &Contribution) -> Option<Money> {
    c.stated_credit
        .or_else(|| Money::add_known(c.employee_amount, c.employer_amount))
}

/// [`scheduled_period`] of a month with one row, as most are: the same values, worked out
/// without going over the rows for each.
fn single_row_period(c: &Contribution) -> Scheduled {
    let paid = c.status == PaymentStatus::Paid;
    let (employee_amount, employer_amount, stated) =
        if c.contribution_type == ContributionType::AccountCredit {
            // Only owed credits: they are the period's stated credit.
            (None, None, owed_credit(c))
        } else {
            (c.employee_amount, c.employer_amount, c.stated_credit)
        };
    Scheduled {
        period: c.period,
        has_row: true,
        insurance: c.insurance.clone(),
        tier: c.tier.clone(),
        base: c.base,
        own_base: c.base,
        part: Part::Normal,
        employee_amount,
        employer_amount,
        stated,
        source: Some(c.origin.source),
        stated_source: c.stated_credit.map(|_| c.origin.source),
        stated_differs: false,
        owed: None,
        paid,
        backpay: paid && c.contribution_type == ContributionType::BackPayment,
        paid_month: c.paid_month.filter(|_| paid),
        formula: None,
        expected: Money::ZERO,
        expected_from: None,
        missing: MissingValues::default(),
        due: c.period,
        grace_end: c.period,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Origin, Who};
    use std::sync::Arc;

    /// The one-row fast path gives what the general path gives for that row.
    #[test]
    fn one_row_fast_path_agrees_with_the_rows_path() {
        let m = |c: i64| Some(Money::from_cents(c));
        let base = Contribution {
            origin: Origin { source: 2, row: 7 },
            who: Arc::new(Who::default()),
            period: Period::new(2024, 3).unwrap(),
            base: m(500_000),
            employee_amount: m(10_000),
            employer_amount: m(40_000),
            stated_credit: None,
            status: PaymentStatus::Paid,
            contribution_type: ContributionType::Normal,
            paid_month: Period::new(2024, 5),
            insurance: Insurance::Employee,
            tier: Some("一档".into()),
            category: None,
            birth_date: None,
            employer: None,
        };
        let variants = [
            base.clone(),
            Contribution {
                status: PaymentStatus::Unpaid,
                ..base.clone()
            },
            Contribution {
                contribution_type: ContributionType::BackPayment,
                ..base.clone()
            },
            Contribution {
                contribution_type: ContributionType::AccountCredit,
                stated_credit: m(3_000),
                ..base.clone()
            },
            Contribution {
                contribution_type: ContributionType::AccountCredit,
                ..base.clone()
            },
            Contribution {
                stated_credit: m(12_345),
                ..base.clone()
            },
            Contribution {
                insurance: Insurance::Other("大额医疗".into()),
                employee_amount: None,
                ..base.clone()
            },
        ];
        for c in &variants {
            let fast = format!("{:?}", single_row_period(c));
            let general = format!("{:?}", rows_period(&[c]));
            assert_eq!(format!("Some({fast})"), general, "{c:?}");
        }
    }
}
