//! Pairing credits with scheduled periods (SPEC "Matching").
//!
//! The stages, in order:
//! 1. **Named periods.** A credit whose statement row names its period takes that
//!    period's first open slot; a period already taken makes it a duplicate, a period
//!    with nothing awaited makes it unexpected.
//! 2. **Whole back payments.** The expected credits of one back payment may arrive as
//!    one entry equal to their sum (SPEC 2.1); such an entry stands for all its periods.
//! 3. **Ranks.** Every (credit, period) pair a credit's month allows — from the period to
//!    its due month plus `pair_within_months` — becomes a [`Candidate`]; candidates are
//!    taken best first (on time and in full, then in full nearest in time, then nearest
//!    in time, then periods of unknown expectation), each credit and period once.
//! 4. **Left over.** A credit still unpaired is a duplicate when a paired credit of its
//!    month has its amount within tolerance, otherwise unexpected.
//!
//! Every step is in a fixed order of its own (dates, amounts, positions), so the result
//! does not depend on file order or threads.

use super::schedule::Scheduled;
use super::{ExpectedFrom, month_of};
use crate::money::Money;
use crate::records::{EntryKind, Period, StatementEntry};

/// What became of a statement entry in pairing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CreditState {
    /// Not a credit (or a credit still open while pairing).
    NotCredit,
    /// Paired with the scheduled period at this index (the first, for a whole payment).
    Paired(usize),
    Duplicate,
    Unexpected,
    /// Unpaired, and dated outside the person's span of periods (SPEC 2.2): counted, not
    /// CREDIT_UNEXPECTED. Set after pairing ([`outside_span`]).
    OutsideSpan,
}

/// SPEC 2.2: an unexpected credit dated before the due month of the person's first
/// scheduled period, or after the grace end of the last, is outside the span. Duplicates
/// were told apart before. Returns how many and their sum.
pub(crate) fn outside_span(
    inputs: &PairingInputs,
    state: &mut [CreditState],
) -> super::OutsideSpan {
    let mut out = super::OutsideSpan::default();
    let first_due = inputs.sched.iter().map(|s| s.due).min();
    let last_grace = inputs.sched.iter().map(|s| s.grace_end).max();
    let (Some(first_due), Some(last_grace)) = (first_due, last_grace) else {
        return out;
    };
    for (ci, st) in state.iter_mut().enumerate() {
        let m = month_of(inputs.entries[ci].at.date());
        if *st == CreditState::Unexpected && (m < first_due || m > last_grace) {
            *st = CreditState::OutsideSpan;
            out.credits += 1;
            out.amount += inputs.entries[ci].amount;
        }
    }
    out
}

/// The outcome: for each scheduled period the entry paired with it, and for each entry
/// what became of it.
pub(crate) struct Pairing {
    pub by_period: Vec<Option<usize>>,
    pub state: Vec<CreditState>,
}

/// What pairing reads: the schedule (in period order, each period's normal part before its
/// difference) and the statement in statement order with each entry's effective kind.
pub(crate) struct PairingInputs<'s, 'e> {
    pub sched: &'s [Scheduled],
    pub entries: &'s [&'e StatementEntry],
    pub kinds: &'s [EntryKind],
    pub pair_within_months: i64,
    pub tolerance: Money,
}

/// How good a (credit, period) pair is, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// In or before the due month, amount within tolerance.
    OnTimeInFull,
    /// Amount within tolerance, after the due month.
    InFull,
    /// Any amount.
    Nearest,
    /// A period whose expected credit could not be worked out: by time, after all others.
    Unknown,
}

/// One possible pair, ordered as pairing takes them (SPEC 2.7's tie-break): rank; within a
/// rank the pair whose due month is nearest the credit's month, then the earlier period,
/// then the credit first in statement order (its place among the open credits), then the
/// period's slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    rank: Rank,
    distance: u32,
    period: Period,
    credit: u32,
    slot: u32,
}

impl Candidate {
    /// A credit in its due month, in full: most credits are, and those pairs are settled
    /// before the rest are sorted.
    fn is_exact(&self) -> bool {
        self.rank == Rank::OnTimeInFull && self.distance == 0
    }
}

/// Pairs the credits of a statement with the scheduled periods.
pub(crate) fn pair(inputs: &PairingInputs) -> Pairing {
    let credits: Vec<usize> = (0..inputs.entries.len())
        .filter(|&i| inputs.kinds[i] == EntryKind::Credit && inputs.entries[i].amount > Money::ZERO)
        .collect();
    let mut out = Pairing {
        by_period: vec![None; inputs.sched.len()],
        state: vec![CreditState::NotCredit; inputs.entries.len()],
    };
    pair_named_periods(inputs, &credits, &mut out);
    pair_whole_payments(inputs, &credits, &mut out);
    pair_by_rank(inputs, &credits, &mut out);
    settle_left_over(inputs, &credits, &mut out);
    out
}

/// Stage 1: credits whose row names their period.
fn pair_named_periods(inputs: &PairingInputs, credits: &[usize], out: &mut Pairing) {
    let sched = inputs.sched;
    // The slots of period `p` that await a credit (a month's normal part, then a
    // difference back-paid for it).
    let slots = |p: Period| {
        let from = sched.partition_point(|s| s.period < p);
        let to = sched.partition_point(|s| s.period <= p);
        (from..to).filter(|&si| sched[si].awaits_credit())
    };
    for &ci in credits {
        let Some(p) = inputs.entries[ci].period else {
            continue;
        };
        let mut named = slots(p).peekable();
        out.state[ci] = match named.peek() {
            None => CreditState::Unexpected,
            Some(_) => match named.find(|&si| out.by_period[si].is_none()) {
                Some(si) => {
                    out.by_period[si] = Some(ci);
                    CreditState::Paired(si)
                }
                None => CreditState::Duplicate,
            },
        };
    }
}

/// Stage 2 (SPEC 2.1): the expected credits of one back payment (one payment month, all
/// the months it covers) may arrive as one entry equal to their sum within tolerance.
fn pair_whole_payments(inputs: &PairingInputs, credits: &[usize], out: &mut Pairing) {
    let sched = inputs.sched;
    let latest_of = |s: &Scheduled| s.due.plus(inputs.pair_within_months);
    let mut payments: Vec<(Period, Vec<usize>)> = Vec::new();
    for (si, s) in sched.iter().enumerate() {
        let Some(paid) = s
            .paid_month
            .filter(|_| s.backpay && s.expected > Money::ZERO)
        else {
            continue;
        };
        if out.by_period[si].is_some() {
            continue;
        }
        match payments.iter_mut().find(|(m, _)| *m == paid) {
            Some((_, slots)) => slots.push(si),
            None => payments.push((paid, vec![si])),
        }
    }
    for (_, slots) in payments.iter().filter(|(_, slots)| slots.len() > 1) {
        let total: Money = slots.iter().map(|&si| sched[si].expected).sum();
        let first = slots.iter().map(|&si| sched[si].period).min();
        let latest = slots.iter().filter_map(|&si| latest_of(&sched[si])).max();
        let (Some(first), Some(latest)) = (first, latest) else {
            continue;
        };
        let whole = credits.iter().copied().find(|&ci| {
            let e = inputs.entries[ci];
            let m = month_of(e.at.date());
            out.state[ci] == CreditState::NotCredit
                && m >= first
                && m <= latest
                && (e.amount - total).abs() <= inputs.tolerance
        });
        if let Some(ci) = whole {
            out.state[ci] = CreditState::Paired(slots[0]);
            for &si in slots {
                out.by_period[si] = Some(ci);
            }
        }
    }
}

/// Stage 3: the open credits and open periods by rank.
fn pair_by_rank(inputs: &PairingInputs, credits: &[usize], out: &mut Pairing) {
    let (sched, entries) = (inputs.sched, inputs.entries);
    // The open credits in statement order (date-time, then place in the statement, which
    // keeps a file's order for one timestamp): a candidate's `credit` is its place here.
    let mut open: Vec<usize> = credits
        .iter()
        .copied()
        .filter(|&ci| out.state[ci] == CreditState::NotCredit)
        .collect();
    open.sort_unstable_by_key(|&ci| (entries[ci].at, ci));
    // The last month a credit may come for each period; each credit looks only at the
    // periods whose window can hold its month (see `Reach`).
    let latest: Vec<Period> = sched
        .iter()
        .map(|s| s.due.plus(inputs.pair_within_months).unwrap_or(s.due))
        .collect();
    let reach = Reach::of(sched, &latest);
    let (mut exact, mut others): (Vec<Candidate>, Vec<Candidate>) = (Vec::new(), Vec::new());
    for (place, &ci) in open.iter().enumerate() {
        let e = entries[ci];
        let m = month_of(e.at.date());
        for si in reach.slots(sched, m) {
            let s = &sched[si];
            if !s.awaits_credit() || out.by_period[si].is_some() {
                continue;
            }
            if m < s.period || m > latest[si] {
                continue;
            }
            let unknown = s.expected_from == Some(ExpectedFrom::Unknown);
            let in_full = !unknown && (e.amount - s.expected).abs() <= inputs.tolerance;
            let rank = match (m <= s.due, in_full) {
                _ if unknown => Rank::Unknown,
                (true, true) => Rank::OnTimeInFull,
                (false, true) => Rank::InFull,
                _ => Rank::Nearest,
            };
            let candidate = Candidate {
                rank,
                distance: (m.index() - s.due.index()).unsigned_abs() as u32,
                period: s.period,
                credit: place as u32,
                slot: si as u32,
            };
            if candidate.is_exact() {
                exact.push(candidate);
            } else {
                others.push(candidate);
            }
        }
    }
    // The exact pairs rank before all others: settled first, only the candidates left
    // open after them are sorted — the same choices as sorting them all.
    for candidates in [&mut exact, &mut others] {
        let open_pair = |c: &Candidate, out: &Pairing| {
            out.state[open[c.credit as usize]] == CreditState::NotCredit
                && out.by_period[c.slot as usize].is_none()
        };
        candidates.retain(|c| open_pair(c, out));
        candidates.sort_unstable();
        for c in candidates.iter() {
            if open_pair(c, out) {
                let (ci, si) = (open[c.credit as usize], c.slot as usize);
                out.state[ci] = CreditState::Paired(si);
                out.by_period[si] = Some(ci);
            }
        }
    }
}

/// Stage 4: an unpaired credit is a duplicate of a paired credit of its month with its
/// amount, otherwise unexpected.
fn settle_left_over(inputs: &PairingInputs, credits: &[usize], out: &mut Pairing) {
    for &ci in credits {
        if out.state[ci] != CreditState::NotCredit {
            continue;
        }
        let e = inputs.entries[ci];
        let m = month_of(e.at.date());
        let twin = out.by_period.iter().flatten().any(|&pj| {
            let other = inputs.entries[pj];
            month_of(other.at.date()) == m && (other.amount - e.amount).abs() <= inputs.tolerance
        });
        out.state[ci] = if twin {
            CreditState::Duplicate
        } else {
            CreditState::Unexpected
        };
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

#[cfg(test)]
mod tests {
    //! The matching edges, each on a small hand-made schedule and statement.
    use super::*;
    use crate::records::{Origin, Who};
    use proptest::prelude::*;
    use std::sync::Arc;

    fn month(s: &str) -> Period {
        Period::parse_canonical(s).unwrap()
    }

    /// A period expecting `yuan`, due the month after.
    fn period(p: &str, yuan: i64) -> Scheduled {
        let mut s = Scheduled::without_rows(month(p));
        s.expected = Money::from_cents(yuan * 100);
        s.expected_from = Some(ExpectedFrom::Amounts);
        s.due = s.period.plus(1).unwrap();
        s.grace_end = s.due.plus(2).unwrap();
        s
    }

    fn credit(date: &str, yuan: i64) -> StatementEntry {
        StatementEntry {
            origin: Origin { source: 0, row: 0 },
            who: Arc::new(Who::default()),
            at: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            kind: EntryKind::Credit,
            kind_text: "101".into(),
            amount: Money::from_cents(yuan * 100),
            balance: None,
            period: None,
            beneficiary: None,
            institution: None,
        }
    }

    fn run(sched: &[Scheduled], statement: &[StatementEntry]) -> Pairing {
        let entries: Vec<&StatementEntry> = statement.iter().collect();
        let kinds = vec![EntryKind::Credit; entries.len()];
        pair(&PairingInputs {
            sched,
            entries: &entries,
            kinds: &kinds,
            pair_within_months: 12,
            tolerance: Money::from_cents(1),
        })
    }

    #[test]
    fn on_time_in_full_beats_a_nearer_credit_of_another_amount() {
        // 2024-03 is due in 2024-04. The 2024-04 credit is short; the 2024-03-28 credit
        // (before the due month, in full) wins although 2024-04 is the due month itself.
        let sched = [period("2024-03", 100)];
        let statement = [credit("2024-03-28", 100), credit("2024-04-20", 90)];
        let out = run(&sched, &statement);
        assert_eq!(out.by_period, [Some(0)]);
        assert_eq!(out.state[0], CreditState::Paired(0));
        assert_eq!(out.state[1], CreditState::Unexpected);
    }

    #[test]
    fn a_second_credit_of_the_same_amount_in_the_month_is_a_duplicate() {
        let sched = [period("2024-03", 100)];
        let statement = [credit("2024-04-20", 100), credit("2024-04-21", 100)];
        let out = run(&sched, &statement);
        assert_eq!(out.state, [CreditState::Paired(0), CreditState::Duplicate]);
    }

    #[test]
    fn within_a_rank_the_nearest_due_month_then_the_earlier_period_then_statement_order() {
        // SPEC 2.7. One credit, two periods of one rank (neither in full): the one due in
        // the credit's month wins over the earlier one.
        let sched = [period("2024-02", 100), period("2024-03", 100)];
        let out = run(&sched, &[credit("2024-04-10", 90)]);
        assert_eq!(out.by_period, [None, Some(0)]);
        // Equally near (due a month before and a month after): the earlier period.
        let sched = [period("2024-02", 100), period("2024-04", 100)];
        let out = run(&sched, &[credit("2024-04-10", 90)]);
        assert_eq!(out.by_period, [Some(0), None]);
        // Two credits of one timestamp for one period, neither in full: the first in the
        // statement takes it, whatever the amounts (it was the smaller before).
        let sched = [period("2024-03", 100)];
        let statement = [credit("2024-04-10", 90), credit("2024-04-10", 80)];
        let out = run(&sched, &statement);
        assert_eq!(out.by_period, [Some(0)]);
        assert_eq!(out.state[1], CreditState::Unexpected);
    }

    #[test]
    fn a_late_credit_pairs_with_the_period_it_is_late_for() {
        // Two periods, one credit each; the second arrives three months after its due month.
        let sched = [period("2024-03", 100), period("2024-04", 100)];
        let statement = [credit("2024-04-20", 100), credit("2024-08-20", 100)];
        let out = run(&sched, &statement);
        assert_eq!(out.by_period, [Some(0), Some(1)]);
    }

    #[test]
    fn a_short_credit_pairs_after_the_credits_in_full() {
        // The in-full credit takes 2024-03 (on time); the short one takes 2024-04.
        let sched = [period("2024-03", 100), period("2024-04", 100)];
        let statement = [credit("2024-04-20", 60), credit("2024-04-25", 100)];
        let out = run(&sched, &statement);
        assert_eq!(out.by_period, [Some(1), Some(0)]);
    }

    #[test]
    fn a_credit_before_its_period_or_after_the_window_is_unexpected() {
        let sched = [period("2024-03", 100)];
        let statement = [credit("2024-02-20", 100), credit("2025-05-20", 100)];
        let out = run(&sched, &statement);
        assert_eq!(out.by_period, [None]);
        assert_eq!(
            out.state,
            [CreditState::Unexpected, CreditState::Unexpected]
        );
    }

    #[test]
    fn a_named_period_wins_over_time() {
        let sched = [period("2024-03", 100), period("2024-04", 100)];
        let mut named = credit("2024-05-20", 100);
        named.period = Some(month("2024-03"));
        let statement = [named, credit("2024-05-21", 100)];
        let out = run(&sched, &statement);
        assert_eq!(out.by_period, [Some(0), Some(1)]);
    }

    #[test]
    fn one_entry_for_a_whole_back_payment_stands_for_all_its_months() {
        let mut sched = [period("2024-01", 100), period("2024-02", 100)];
        for s in &mut sched {
            s.backpay = true;
            s.paid_month = Some(month("2024-05"));
            s.due = month("2024-06");
        }
        let statement = [credit("2024-06-20", 200)];
        let out = run(&sched, &statement);
        assert_eq!(out.by_period, [Some(0), Some(0)]);
    }

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
