//! Overlapping sources (SPEC 2.1): the same person's month exported twice — a payroll
//! sheet and the bureau's export, last month's file and this month's — must be counted
//! once, never summed across files.
//!
//! The stages:
//! 1. **People in several sources.** Only a person with contribution rows in two sources
//!    (file and sheet) or more can overlap; usually there is none, and the stage ends.
//! 2. **Months by source.** Their medical rows (after ranges are split and long rows
//!    combined) are grouped by person, period and type class (normal / back payment), and
//!    each source's rows of a group summed: status (paid when any row is), base (the
//!    largest), employee and employer amounts and stated credit (the sums).
//! 3. **The first source counts.** In a group held by two sources or more, the first
//!    source (path byte order, then sheet order: the sources' numbering) counts whole; the
//!    later sources' rows are skipped, reason `same period in FILE row N`. A row is counted
//!    as skipped when none of its records (a range's months) is left.
//! 4. **Conflicts.** Where a later source's sums differ from the first's on a value both
//!    have, one [`SourceConflict`] per person and period names the first differing field.
//!
//! Statement entries ([`skip_overlapping_entries`]): a later source's entry of the same
//! person, date-time, signed amount and kind class (in, out, other) as one of the first
//! source's is skipped, matched one to one — a statement exported twice, or an app's flow
//! beside the bureau's statement, counts once.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::{Batch, source_label};
use crate::money::Money;
use crate::records::{
    Contribution, ContributionType, EntryKind, Insurance, Origin, PaymentStatus, Period,
    StatementEntry, Text,
};

/// A person's period recorded differently by two sources (SOURCE_CONFLICT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceConflict {
    pub person_id: Text,
    pub period: Period,
    /// The first differing field's column name (status, base, employee_amount…).
    pub field: &'static str,
    /// The first source's label and value, the later source's label and value.
    pub first: (String, String),
    pub later: (String, String),
    /// The two values when the field is an amount.
    pub amounts: (Option<Money>, Option<Money>),
}

/// Normal months and back payments are compared apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TypeClass {
    Normal,
    BackPayment,
}

/// The rows of one person, period and type class, by source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct MonthKey<'a> {
    person_id: &'a str,
    period: Period,
    class: TypeClass,
}

/// One source's rows of a month, summed.
#[derive(Clone, Debug, Default)]
struct SourceMonth {
    first_origin: Option<Origin>,
    indices: Vec<usize>,
    paid: Option<bool>,
    base: Option<Money>,
    employee_amount: Option<Money>,
    employer_amount: Option<Money>,
    stated_credit: Option<Money>,
}

fn add(a: Option<Money>, b: Option<Money>) -> Option<Money> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
    }
}

impl SourceMonth {
    fn take(&mut self, index: usize, c: &Contribution) {
        self.first_origin.get_or_insert(c.origin);
        self.indices.push(index);
        let paid = c.status == PaymentStatus::Paid;
        self.paid = Some(self.paid.unwrap_or(false) || paid);
        self.base = self.base.max(c.base);
        self.employee_amount = add(self.employee_amount, c.employee_amount);
        self.employer_amount = add(self.employer_amount, c.employer_amount);
        self.stated_credit = add(self.stated_credit, c.stated_credit);
    }

    /// The first field on which `later` differs from `self`, where both have it.
    fn first_difference(&self, later: &SourceMonth) -> Option<Difference> {
        if let (Some(a), Some(b)) = (self.paid, later.paid)
            && a != b
        {
            let status = |p: bool| if p { "paid" } else { "unpaid" }.to_string();
            return Some(Difference {
                field: "status",
                values: (status(a), status(b)),
                amounts: (None, None),
            });
        }
        let amounts = [
            ("base", self.base, later.base),
            (
                "employee_amount",
                self.employee_amount,
                later.employee_amount,
            ),
            (
                "employer_amount",
                self.employer_amount,
                later.employer_amount,
            ),
            ("stated_credit", self.stated_credit, later.stated_credit),
        ];
        amounts.into_iter().find_map(|(field, a, b)| match (a, b) {
            (Some(a), Some(b)) if a != b => Some(Difference {
                field,
                values: (a.to_string(), b.to_string()),
                amounts: (Some(a), Some(b)),
            }),
            _ => None,
        })
    }
}

/// A field two sources disagree on.
struct Difference {
    field: &'static str,
    values: (String, String),
    amounts: (Option<Money>, Option<Money>),
}

fn class_of(c: &Contribution) -> Option<TypeClass> {
    if matches!(c.insurance, Insurance::Other(_)) {
        return None;
    }
    match c.contribution_type {
        ContributionType::Normal | ContributionType::Refund => Some(TypeClass::Normal),
        ContributionType::BackPayment => Some(TypeClass::BackPayment),
        ContributionType::AccountCredit | ContributionType::Other => None,
    }
}

/// Skips the later sources' rows of every month two sources hold, and records the
/// conflicts (see the module's stages).
pub(super) fn skip_overlaps(batch: &mut Batch) {
    // 1. People in several sources: a person's rows in a file come in runs sharing one
    // `Who`, so the runs are looked at, not the rows.
    let mut sources: FxHashMap<&str, (u32, bool)> = FxHashMap::default();
    for run in batch.contributions.par_person_runs() {
        let c = &run[0];
        let seen = sources
            .entry(&c.who.person_id)
            .or_insert((c.origin.source, false));
        seen.1 |= seen.0 != c.origin.source;
    }
    if !sources.values().any(|(_, several)| *several) {
        return;
    }
    // 2. Months by source.
    let mut months: BTreeMap<MonthKey, BTreeMap<u32, SourceMonth>> = BTreeMap::new();
    for (index, c) in batch.contributions.iter().enumerate() {
        if !sources.get(&*c.who.person_id).is_some_and(|s| s.1) {
            continue;
        }
        let Some(class) = class_of(c) else { continue };
        let key = MonthKey {
            person_id: &c.who.person_id,
            period: c.period,
            class,
        };
        months
            .entry(key)
            .or_default()
            .entry(c.origin.source)
            .or_default()
            .take(index, c);
    }
    // 3 and 4. The first source counts; conflicts once per person and period.
    let label = |batch: &Batch, o: Origin| {
        let s = batch.source(o);
        format!(
            "{} row {}",
            source_label(&s.path, s.sheet.as_deref()),
            o.row
        )
    };
    let mut dropped: Vec<usize> = Vec::new();
    let mut skipped_as: Vec<(Origin, String)> = Vec::new();
    let mut conflicts: Vec<SourceConflict> = Vec::new();
    for (key, by_source) in &months {
        let mut sources = by_source.iter();
        let Some((_, first)) = sources.next() else {
            continue;
        };
        let Some(first_origin) = first.first_origin else {
            continue;
        };
        for (_, later) in sources {
            dropped.extend(&later.indices);
            let first_row = label(batch, first_origin);
            for &i in &later.indices {
                skipped_as.push((batch.contributions[i].origin, first_row.clone()));
            }
            let Some(difference) = first.first_difference(later) else {
                continue;
            };
            let already = conflicts
                .iter()
                .any(|c| *c.person_id == *key.person_id && c.period == key.period);
            if already {
                continue;
            }
            let later_origin = later.first_origin.unwrap_or(first_origin);
            conflicts.push(SourceConflict {
                person_id: Text::from(key.person_id),
                period: key.period,
                field: difference.field,
                first: (source_of(batch, first_origin), difference.values.0),
                later: (source_of(batch, later_origin), difference.values.1),
                amounts: difference.amounts,
            });
        }
    }
    if dropped.is_empty() {
        return;
    }
    dropped.sort_unstable();
    dropped.dedup();
    let mut next = dropped.iter().peekable();
    batch.contributions.retain(|index, _| {
        let gone = next.peek() == Some(&&index);
        if gone {
            next.next();
        }
        !gone
    });
    count_skipped_rows(batch, skipped_as);
    batch.conflicts = conflicts;
}

fn source_of(batch: &Batch, o: Origin) -> String {
    let s = batch.source(o);
    source_label(&s.path, s.sheet.as_deref())
}

/// Counts a row as skipped (accepted no more) when none of its records is left, and notes
/// per source which first row its skipped rows repeat.
fn count_skipped_rows(batch: &mut Batch, skipped_as: Vec<(Origin, String)>) {
    let left: std::collections::HashSet<Origin> =
        batch.contributions.iter().map(|c| c.origin).collect();
    let mut rows: BTreeMap<Origin, String> = BTreeMap::new();
    for (origin, first) in skipped_as {
        if !left.contains(&origin) {
            rows.entry(origin).or_insert(first);
        }
    }
    let mut per_source: BTreeMap<u32, (u64, String)> = BTreeMap::new();
    for (origin, first) in rows {
        let counts = &mut batch.sources[origin.source as usize].counts;
        counts.accepted -= 1;
        counts.skipped += 1;
        counts.skipped_same_period += 1;
        let entry = per_source.entry(origin.source).or_insert((
            0,
            format!("row {} is the same period as {first}", origin.row),
        ));
        entry.0 += 1;
    }
    for (source, (n, example)) in per_source {
        let s = &batch.sources[source as usize];
        batch.notes.push(format!(
            "{}: {n} row(s) skipped: same period in an earlier file ({example}); counted once, never summed across files",
            source_label(&s.path, s.sheet.as_deref())
        ));
    }
}

/// Which way an entry's kind moves money, for matching entries across sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum KindClass {
    In,
    Out,
    Other,
}

fn kind_class(kind: EntryKind) -> KindClass {
    match kind {
        EntryKind::Credit | EntryKind::Interest | EntryKind::CarryOver | EntryKind::TransferIn => {
            KindClass::In
        }
        EntryKind::Spending | EntryKind::Family | EntryKind::Clearing | EntryKind::TransferOut => {
            KindClass::Out
        }
        EntryKind::Adjustment | EntryKind::Unclassified => KindClass::Other,
    }
}

/// The entries of one person that two sources may both hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct EntryKey<'a> {
    person_id: &'a str,
    at: chrono::NaiveDateTime,
    amount: Money,
    class: KindClass,
}

/// Skips a later source's statement entries that match, one to one, entries of the first
/// source holding the same person, date-time, signed amount and kind class.
pub(super) fn skip_overlapping_entries(batch: &mut Batch) {
    let mut sources: FxHashMap<&str, (u32, bool)> = FxHashMap::default();
    for run in batch.entries.par_person_runs() {
        let e = &run[0];
        let seen = sources
            .entry(&e.who.person_id)
            .or_insert((e.origin.source, false));
        seen.1 |= seen.0 != e.origin.source;
    }
    if !sources.values().any(|(_, several)| *several) {
        return;
    }
    // Per key, per source (in source order), the entries' indices in row order.
    let mut held: BTreeMap<EntryKey, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
    for (index, e) in batch.entries.iter().enumerate() {
        if !sources.get(&*e.who.person_id).is_some_and(|s| s.1) {
            continue;
        }
        let key = entry_key(e);
        held.entry(key)
            .or_default()
            .entry(e.origin.source)
            .or_default()
            .push(index);
    }
    let mut dropped: Vec<(usize, Origin)> = Vec::new();
    for by_source in held.values() {
        let mut sources = by_source.values();
        let Some(first) = sources.next() else {
            continue;
        };
        for later in sources {
            for (&i, &matched) in later.iter().zip(first.iter()) {
                dropped.push((i, batch.entries[matched].origin));
            }
        }
    }
    if dropped.is_empty() {
        return;
    }
    dropped.sort_unstable();
    let skipped_as: Vec<(Origin, String)> = dropped
        .iter()
        .map(|&(i, first)| {
            let s = batch.source(first);
            (
                batch.entries[i].origin,
                format!(
                    "{} row {}",
                    source_label(&s.path, s.sheet.as_deref()),
                    first.row
                ),
            )
        })
        .collect();
    let mut next = dropped.iter().map(|(i, _)| *i).peekable();
    batch.entries.retain(|index, _| {
        let gone = next.peek() == Some(&index);
        if gone {
            next.next();
        }
        !gone
    });
    let mut per_source: BTreeMap<u32, (u64, String)> = BTreeMap::new();
    for (origin, first) in skipped_as {
        let counts = &mut batch.sources[origin.source as usize].counts;
        counts.accepted -= 1;
        counts.skipped += 1;
        counts.skipped_same_period += 1;
        per_source
            .entry(origin.source)
            .or_insert((0, format!("row {} is the entry of {first}", origin.row)))
            .0 += 1;
    }
    for (source, (n, example)) in per_source {
        let s = &batch.sources[source as usize];
        batch.notes.push(format!(
            "{}: {n} statement row(s) skipped: the same entry in an earlier file ({example}); counted once",
            source_label(&s.path, s.sheet.as_deref())
        ));
    }
}

fn entry_key(e: &StatementEntry) -> EntryKey<'_> {
    EntryKey {
        person_id: &e.who.person_id,
        at: e.at,
        amount: e.amount,
        class: kind_class(e.kind),
    }
}
