//! Reconcile: align each person's contributions and statement by month under a policy,
//! pair credits with periods, and name what is wrong.
//!
//! People are independent of each other, so they are reconciled in parallel (rayon) and
//! put back in ID order: the outcome does not depend on the thread count or input order.

pub mod findings;
mod pairing;
mod person;
mod schedule;
mod statement_first;

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

pub use findings::{Code, Finding, Severity};
pub use statement_first::{CreditMonth, MonthMark, StatementView};

use crate::ingest::{Batch, PersonRuns};
use crate::lang::Lang;
use crate::money::Money;
use crate::policy::Policy;
use crate::records::{Contribution, Kind, Period, RosterEntry, StatementEntry, Text, id_order};

/// What a period's month row says happened (months.csv `status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MonthStatus {
    Ok,
    Late,
    Short,
    Excess,
    Missing,
    Pending,
    NotDue,
    NotCovered,
    NoStatement,
    NoAccount,
    Unpaid,
    Inactive,
    /// The expected credit could not be worked out (SPEC 2.1).
    Unknown,
}

impl MonthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MonthStatus::Ok => "ok",
            MonthStatus::Late => "late",
            MonthStatus::Short => "short",
            MonthStatus::Excess => "excess",
            MonthStatus::Missing => "missing",
            MonthStatus::Pending => "pending",
            MonthStatus::NotDue => "not_due",
            MonthStatus::NotCovered => "not_covered",
            MonthStatus::NoStatement => "no_statement",
            MonthStatus::NoAccount => "no_account",
            MonthStatus::Unpaid => "unpaid",
            MonthStatus::Inactive => "inactive",
            MonthStatus::Unknown => "unknown",
        }
    }
}

/// Where a period's expected credit came from (months.csv `expected_from`, SPEC 2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpectedFrom {
    /// The file's 划入个人账户金额 or kin.
    Stated,
    /// Employee amount × share + base × employer rate.
    Amounts,
    /// The base alone, with `[rates] employee` (or a flexible worker's base).
    Base,
    /// The policy's retiree amount.
    Policy,
    /// None of them could be worked out: expected is empty, status `unknown`.
    Unknown,
}

impl ExpectedFrom {
    /// The value months.csv writes: empty for `Unknown`, as its expected credit is.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpectedFrom::Stated => "stated",
            ExpectedFrom::Amounts => "amounts",
            ExpectedFrom::Base => "base",
            ExpectedFrom::Policy => "policy",
            ExpectedFrom::Unknown => "",
        }
    }
}

/// Which part of a month a scheduled period is (months.csv `part`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Normal,
    /// A back payment (补差, 基数补差…) for a month that has a paid normal row: its own
    /// expected credit, due after its payment (SPEC 2.1 "Back payments").
    Difference,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Normal => "normal",
            Part::Difference => "difference",
        }
    }
}

/// One row of months.csv.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthRow {
    pub period: Period,
    /// The month the credit is due (not a months.csv column).
    pub due: Period,
    pub insurance: crate::records::Insurance,
    pub tier: Option<Text>,
    pub base: Option<Money>,
    pub employee_amount: Option<Money>,
    pub employer_amount: Option<Money>,
    /// Zero, and printed empty, when `expected_from` is `Unknown`.
    pub expected: Money,
    pub expected_from: Option<ExpectedFrom>,
    pub part: Part,
    pub credited: Option<Money>,
    pub credited_on: Option<NaiveDate>,
    pub difference: Option<Money>,
    pub status: MonthStatus,
    pub codes: Vec<Code>,
}

/// The balance bridge of persons.csv: opening + credits − spending − family − clearing and
/// transfers + interest and adjustments + unclassified = closing, always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bridge {
    pub opening: Money,
    pub credits: Money,
    pub spending: Money,
    pub family_sharing: Money,
    pub clearing_transfers: Money,
    pub interest_adjustments: Money,
    pub unclassified: Money,
    pub closing: Money,
    pub expected_credits: Money,
    pub missing_credits: Money,
}

/// The inputs whose amounts made a person's sums overflow (SPEC's "nothing silently
/// wrong"; issue 18): one per file and person, an error that degrades the run — never a
/// saturated number passed off as a balance.
pub fn overflowed_inputs(
    run: &Reconciliation,
    batch: &Batch,
) -> Vec<crate::ingest::UnreadableInput> {
    let mut out = Vec::new();
    for p in run
        .persons
        .iter()
        .filter(|p| !p.overflow_sources.is_empty())
    {
        for &source in &p.overflow_sources {
            let Some(s) = batch.sources.get(source as usize) else {
                continue;
            };
            out.push(crate::ingest::UnreadableInput {
                path: crate::ingest::source_label(&s.path, s.sheet.as_deref()),
                reason: format!(
                    "the amounts of person {} sum beyond ±10^16 yuan, which no account holds (damaged or hostile amounts): their sums are not reported as numbers",
                    p.id
                ),
            });
        }
    }
    out
}

impl Bridge {
    /// Whether any of its sums overflowed ([`Money::overflowed`]).
    pub fn overflowed(&self) -> bool {
        [
            self.opening,
            self.credits,
            self.spending,
            self.family_sharing,
            self.clearing_transfers,
            self.interest_adjustments,
            self.unclassified,
            self.closing,
            self.expected_credits,
            self.missing_credits,
        ]
        .iter()
        .any(|m| m.overflowed())
    }
}

/// Everything found for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonReport {
    /// The person's place among all people of the inputs (shards keep the global rank).
    pub rank: usize,
    pub id: Text,
    pub person_number: Option<Text>,
    pub name: Option<Text>,
    pub employer: Option<Text>,
    pub first_period: Option<Period>,
    pub last_period: Option<Period>,
    /// The person's months.csv rows; emptied once written when a run streams them
    /// ([`People::reconcile_in_blocks`]), `month_rows` still counting them.
    pub months: Vec<MonthRow>,
    pub month_rows: usize,
    pub findings: Vec<Finding>,
    pub bridge: Bridge,
    /// The person's statement entries in statement order, with `Options::keep_entries`
    /// (for explain's chart); empty otherwise.
    pub entries: Vec<StatementEntry>,
    /// Months whose stated credit differs from the policy's formula (for the warnings).
    pub stated_differs: Vec<StatedDiffers>,
    /// Statement rows and no contribution rows (SPEC 2.2): judged from the statement.
    pub statement_first: bool,
    /// The last balance the statement prints (persons.csv `statement_balance`).
    pub statement_balance: Option<Money>,
    /// A statement-first person's months, with `Options::keep_entries` (for explain).
    pub statement_view: Option<StatementView>,
    /// Credits of a person with contributions outside their span (SPEC 2.2).
    pub outside_span: OutsideSpan,
    /// When a sum of the person's amounts overflowed (hostile or damaged files): the
    /// sources of their rows, to be named in the error. Empty otherwise.
    pub overflow_sources: Vec<u32>,
}

/// Unpaired credits dated before the due month of a person's first scheduled period or
/// after the grace end of the last: counted, not CREDIT_UNEXPECTED (SPEC 2.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutsideSpan {
    pub credits: u32,
    pub amount: Money,
}

/// A month whose stated credit (划入个人账户金额…) differs from what the policy's formula
/// gives on its amounts: not a finding (SPEC 2.1), counted once per source in warnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatedDiffers {
    pub source: u32,
    pub period: Period,
}

impl PersonReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// The whole run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciliation {
    pub as_of: NaiveDate,
    pub persons: Vec<PersonReport>,
    /// Expected and credited totals of every period over all persons, kept as the months
    /// go by (the month rows themselves may have been written and dropped).
    pub period_totals: Vec<PeriodTotal>,
}

/// One period's totals over all persons: months the statements cannot show
/// (`not_covered`) are left out, as they would count as expected and never credited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodTotal {
    pub period: Period,
    pub expected: Decimal,
    pub credited: Decimal,
}

/// Per period, the expected and credited cents of `persons`' month rows (months the
/// statements cannot show left out): exact integer sums, taken in parallel per block.
fn period_cents(persons: &[PersonReport]) -> BTreeMap<Period, (i128, i128)> {
    let mut totals = BTreeMap::new();
    let months = persons.iter().flat_map(|p| &p.months);
    for m in months.filter(|m| m.status != MonthStatus::NotCovered) {
        let t: &mut (i128, i128) = totals.entry(m.period).or_default();
        t.0 += i128::from(m.expected.cents());
        t.1 += i128::from(m.credited.unwrap_or_default().cents());
    }
    totals
}

fn yuan_of_cents(cents: i128) -> Decimal {
    Decimal::try_from_i128_with_scale(cents, 2).unwrap_or(Decimal::MAX)
}

fn add_cents(
    mut into: BTreeMap<Period, (i128, i128)>,
    more: BTreeMap<Period, (i128, i128)>,
) -> BTreeMap<Period, (i128, i128)> {
    for (period, (expected, credited)) in more {
        let t = into.entry(period).or_default();
        t.0 += expected;
        t.1 += credited;
    }
    into
}

/// Options of a run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The date up to which credits could have arrived; default the latest statement date.
    pub as_of: Option<NaiveDate>,
    pub lang: Lang,
    /// `Some((i, n))`: reconcile only the people of shard `i` of `n`.
    pub shard: Option<Shard>,
    /// Keep each person's statement entries in the report (`explain` charts them); a batch
    /// run leaves them out — a copy of every entry is a third of its memory.
    pub keep_entries: bool,
}

/// One of `of` independent parts of a run: the people whose ID hashes to `index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub of: u32,
}

impl Shard {
    /// Whether the person with this key belongs to the shard. FNV-1a: stable across runs,
    /// machines and versions, which std's hasher does not promise.
    pub fn holds(self, key: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.of > 0 && h % u64::from(self.of) == u64::from(self.index)
    }
}

/// One person's inputs: the person's runs of rows of each kind, in the order read — their
/// grouping keys, looked up in the run's runs. A view, not lists of the rows: those were
/// 8 bytes a row, 0.6 GB at 1M people, made while grouping and freed while matching.
#[derive(Clone, Copy)]
pub(crate) struct PersonInputs<'p, 'a> {
    runs: &'p PersonRuns<'a>,
    keys: &'p [GroupKey<'a>],
}

impl<'p, 'a> PersonInputs<'p, 'a> {
    pub fn contributions(self) -> impl Iterator<Item = &'a Contribution> + Clone + 'p {
        self.of(Kind::Contributions, &self.runs.contributions)
    }

    pub fn entries(self) -> impl Iterator<Item = &'a StatementEntry> + Clone + 'p {
        self.of(Kind::Statement, &self.runs.entries)
    }

    pub fn roster(self) -> impl Iterator<Item = &'a RosterEntry> + Clone + 'p {
        self.of(Kind::Roster, &self.runs.roster)
    }

    fn of<T>(self, kind: Kind, runs: &'p [&'a [T]]) -> impl Iterator<Item = &'a T> + Clone + 'p {
        self.keys
            .iter()
            .filter(move |key| key.kind == kind)
            .flat_map(move |key| runs[key.run as usize])
    }
}

/// The run's facts every person needs.
pub(crate) struct RunContext<'p> {
    pub policy: &'p Policy,
    pub as_of: Period,
    /// The as-of date itself, and whether it was given (`--as-of`) rather than taken
    /// from the latest statement row.
    pub as_of_date: NaiveDate,
    pub as_of_given: bool,
    /// Whether the run holds any contribution rows (NO_CONTRIBUTIONS, SPEC 2.2).
    pub has_contributions: bool,
    /// The first month of the run: retirees without a retirement month are scheduled from here.
    pub first_month: Period,
    pub lang: Lang,
    pub keep_entries: bool,
    /// The policy's amount tolerance in whole cents ([`Money::tolerance`]), taken once.
    pub tolerance: Money,
    /// Periods two sources record differently, in person ID order.
    pub conflicts: &'p [crate::ingest::overlap::SourceConflict],
}

impl RunContext<'_> {
    /// The conflicts of one person (SOURCE_CONFLICT).
    pub fn conflicts_of(&self, id: &str) -> &[crate::ingest::overlap::SourceConflict] {
        let from = self.conflicts.partition_point(|c| &*c.person_id < id);
        let to = self.conflicts.partition_point(|c| &*c.person_id <= id);
        &self.conflicts[from..to]
    }
}

/// The run's facts that every person's judgement depends on, taken over all records: the
/// default as-of date (the latest statement date, else the last day of the latest period),
/// the first month (retirees without a retirement month are scheduled from it) and whether
/// the run holds contributions at all (NO_CONTRIBUTIONS). A run split over machines (the
/// Spark job) takes them from each part and [`RunFacts::merge`]s them, so that every
/// person is judged as in the single run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunFacts {
    pub latest_entry: Option<NaiveDate>,
    pub latest_period: Option<Period>,
    pub first_month: Option<Period>,
    pub has_contributions: bool,
}

impl RunFacts {
    /// The facts of everything `batch` holds.
    pub fn of(batch: &Batch) -> RunFacts {
        RunFacts::of_runs(&batch.person_runs())
    }

    /// A pass over every record, a task per run.
    fn of_runs(runs: &PersonRuns) -> RunFacts {
        let dates = |run: &&[StatementEntry]| {
            let months = run.iter().filter_map(|e| Period::of_date(e.at.date()));
            (run.iter().map(|e| e.at.date()).max(), months.min())
        };
        let (latest_entry, entered) = runs
            .entries
            .par_iter()
            .map(dates)
            .reduce(|| (None, None), |a, b| (a.0.max(b.0), min_some(a.1, b.1)));
        let periods = |run: &&[Contribution]| {
            let periods = run.iter().map(|c| c.period);
            (periods.clone().max(), periods.min())
        };
        let (latest_period, paid) = runs
            .contributions
            .par_iter()
            .map(periods)
            .reduce(|| (None, None), |a, b| (a.0.max(b.0), min_some(a.1, b.1)));
        RunFacts {
            latest_entry,
            latest_period,
            first_month: min_some(paid, entered),
            has_contributions: runs.contributions.iter().any(|run| !run.is_empty()),
        }
    }

    /// The facts of two parts of a run together.
    pub fn merge(self, other: RunFacts) -> RunFacts {
        RunFacts {
            latest_entry: self.latest_entry.max(other.latest_entry),
            latest_period: self.latest_period.max(other.latest_period),
            first_month: min_some(self.first_month, other.first_month),
            has_contributions: self.has_contributions || other.has_contributions,
        }
    }

    /// The as-of date when none is given: the latest statement date, else the last day of
    /// the latest period.
    pub fn default_as_of(&self) -> Option<NaiveDate> {
        if let Some(d) = self.latest_entry {
            return Some(d);
        }
        let next = self.latest_period?.plus(1)?;
        NaiveDate::from_ymd_opt(next.year(), next.month(), 1)?.pred_opt()
    }
}

/// The smaller of two, either of which may be missing.
fn min_some<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Reconciles one person: from the statement alone (SPEC 2.2) when they have no medical
/// contributions, otherwise against their contributions (SPEC "Semantics").
fn reconcile_one(id: &Text, inputs: PersonInputs, ctx: &RunContext) -> PersonReport {
    let p = person::Person::gather(id, inputs, ctx);
    if p.is_statement_first(inputs) {
        statement_first::reconcile(p)
    } else {
        person::reconcile_person(p, inputs, ctx)
    }
}

/// Reconciles everything read. Runs on the current rayon pool.
pub fn reconcile(batch: &Batch, policy: &Policy, options: Options) -> Reconciliation {
    gather(batch, policy, options).reconcile()
}

/// Everyone's records, grouped by person and ready to reconcile.
pub struct People<'a> {
    as_of: NaiveDate,
    ctx: RunContext<'a>,
    runs: PersonRuns<'a>,
    /// Every run's key, sorted: a person's keys come together.
    keys: Vec<GroupKey<'a>>,
    /// The people this run reconciles (a shard's, or everyone), in ID order.
    people: Vec<PersonKeys>,
}

/// One person among all people: where their runs' keys are.
struct PersonKeys {
    /// Their place among all people (every shard counts everyone): the merge puts shards'
    /// people back in the single run's order by it.
    rank: usize,
    id: Text,
    /// Their runs' keys in [`People::keys`].
    keys: Range<usize>,
}

/// Records grouped by person, people in ID order (as every output lists them): every run
/// of a person's rows keyed by (ID, kind, run number) and the keys sorted, in parallel —
/// a hash map filled run by run was the longest serial step at 1M people. The keys are
/// unique, so the order is the same on any number of threads; a person's runs of each
/// kind stay in the order read. Returns the keys and each person's ID and keys.
fn group_people<'a>(runs: &PersonRuns<'a>) -> (Vec<GroupKey<'a>>, Vec<PersonKeys>) {
    // A person number that stands for one ID was keyed by it when the run was read
    // (`ingest::people`, SPEC 2.6).
    let mut keys: Vec<GroupKey<'a>> = runs
        .par_whos()
        .map(|(kind, run, who)| GroupKey {
            order: id_order(&who.person_id),
            id: &who.person_id,
            kind,
            run,
        })
        .collect();
    keys.par_sort_unstable();
    let same_person = |a: &GroupKey, b: &GroupKey| a.order == b.order && a.id == b.id;
    let starts: Vec<usize> = (0..keys.len())
        .into_par_iter()
        .filter(|&i| i == 0 || !same_person(&keys[i - 1], &keys[i]))
        .collect();
    let people = (0..starts.len())
        .into_par_iter()
        .map(|rank| {
            let end = starts.get(rank + 1).copied().unwrap_or(keys.len());
            PersonKeys {
                rank,
                id: Text::clone(keys[starts[rank]].id),
                keys: starts[rank]..end,
            }
        })
        .collect();
    (keys, people)
}

/// A run's place among all runs, sorted by its fields in this order: a person's runs come
/// together, people in ID order, each person's runs by kind and then as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey<'a> {
    /// The ID's first 16 bytes as two words ([`id_order`]): most comparisons end here.
    order: (u64, u64),
    /// The whole ID (IDs longer than 16 bytes, or alike in their first 16).
    id: &'a Text,
    kind: Kind,
    /// The run's number among the person runs of its kind.
    run: u32,
}

/// The first half of [`reconcile`]: the run's dates, and the records grouped by person
/// (one person under a 15- and an 18-digit number is one).
pub fn gather<'a>(batch: &'a Batch, policy: &'a Policy, options: Options) -> People<'a> {
    gather_with(batch, policy, options, None)
}

/// [`gather`] with the run's facts taken from elsewhere (`Some`): the part of a run split
/// over machines judges its people by the whole run's facts, not by its own records'.
pub fn gather_with<'a>(
    batch: &'a Batch,
    policy: &'a Policy,
    options: Options,
    facts: Option<RunFacts>,
) -> People<'a> {
    let runs = batch.person_runs();
    // The facts: a pass over every record, a task per run.
    let facts = facts.unwrap_or_else(|| RunFacts::of_runs(&runs));
    let as_of = options
        .as_of
        .or_else(|| facts.default_as_of())
        .unwrap_or_default();
    let as_of_month = month_of(as_of);
    let first_month = facts.first_month.unwrap_or(as_of_month);
    // A person's rows in a file come together and share one Who: taken a run at a time.
    let (keys, people) = group_people(&runs);
    let ctx = RunContext {
        policy,
        as_of: as_of_month,
        as_of_date: as_of,
        as_of_given: options.as_of.is_some(),
        has_contributions: facts.has_contributions,
        first_month,
        lang: options.lang,
        keep_entries: options.keep_entries,
        tolerance: Money::tolerance(policy.tolerance),
        conflicts: &batch.conflicts,
    };
    // Every shard reads everything, so each knows a person's rank among all people: the
    // merge puts shards' people back in the single run's order by it.
    let people = people
        .into_par_iter()
        .filter(|p| options.shard.is_none_or(|s| s.holds(&p.id)))
        .collect();
    People {
        as_of,
        ctx,
        runs,
        keys,
        people,
    }
}

/// People reconciled at a time by [`People::reconcile_in_blocks`]: enough to keep every
/// thread busy, few enough that their month rows are a small part of a run's memory.
const PERSONS_PER_BLOCK: usize = 512;

impl People<'_> {
    /// The second half: each person reconciled, in parallel.
    pub fn reconcile(self) -> Reconciliation {
        match self.reconcile_in_blocks(|_| Ok::<(), std::convert::Infallible>(())) {
            Ok(run) => run,
            Err(never) => match never {},
        }
    }

    /// Like [`People::reconcile`], handing each block of persons (in output order) to
    /// `sink` as soon as it is reconciled: a sink that writes the month rows and empties
    /// `months` keeps them out of memory — they are most of a run's results. The sink
    /// runs on the pool beside the next block's reconciling (a task of its own, not a
    /// thread more than the pool has: on two cores a third thread stalled the block it
    /// preempted, and the other core waited for it).
    pub fn reconcile_in_blocks<E: Send>(
        self,
        mut sink: impl FnMut(&mut [PersonReport]) -> Result<(), E> + Send,
    ) -> Result<Reconciliation, E> {
        let People {
            as_of,
            ctx,
            runs,
            keys,
            people,
        } = self;
        let mut persons = Vec::with_capacity(people.len());
        let mut totals = BTreeMap::new();
        let reconcile_block = |block: &[PersonKeys]| {
            // Small tasks: a thread that runs out of people steals more instead of waiting
            // for the other to finish a long run of them.
            let reports: Vec<PersonReport> = block
                .par_iter()
                .with_max_len(16)
                .map(|person| {
                    let inputs = PersonInputs {
                        runs: &runs,
                        keys: &keys[person.keys.clone()],
                    };
                    let mut report = reconcile_one(&person.id, inputs, &ctx);
                    report.rank = person.rank;
                    report
                })
                .collect();
            let sums = reports
                .par_chunks(256)
                .map(period_cents)
                .reduce(BTreeMap::new, add_cents);
            (reports, sums)
        };
        // The block reconciled last, waiting for the sink.
        let mut done: Option<Vec<PersonReport>> = None;
        let mut blocks = people.chunks(PERSONS_PER_BLOCK);
        loop {
            let next = blocks.next();
            let (reconciled, sunk) = rayon::join(
                || next.map(reconcile_block),
                || match done.take() {
                    Some(mut reports) => sink(&mut reports).map(|()| Some(reports)),
                    None => Ok(None),
                },
            );
            if let Some(mut reports) = sunk? {
                persons.append(&mut reports);
            }
            match reconciled {
                Some((reports, sums)) => {
                    totals = add_cents(totals, sums);
                    done = Some(reports);
                }
                None => break,
            }
        }
        Ok(Reconciliation {
            as_of,
            persons,
            period_totals: totals
                .into_iter()
                .map(|(period, (expected, credited))| PeriodTotal {
                    period,
                    // 96 bits of cents: more than any run could sum.
                    expected: yuan_of_cents(expected),
                    credited: yuan_of_cents(credited),
                })
                .collect(),
        })
    }
}

/// Amounts as reports print them: 2 decimals.
pub fn yuan(m: Money) -> String {
    let mut s = String::with_capacity(16);
    m.push_to(&mut s);
    s
}

/// The month of a date.
pub(crate) fn month_of(d: NaiveDate) -> Period {
    Period::of_date_clamped(d)
}
