//! Overlapping sources (SPEC 2.1): the same person's month exported twice — a payroll
//! sheet and the bureau's export, last month's file and this month's — must be counted
//! once, never summed across files.
//!
//! The stages:
//! 1. **People in several sources.** Only a person with contribution rows in two sources
//!    (file and sheet) or more can overlap; usually there is none, and the stage ends.
//! 2. **Months by source.** Their rows (after ranges are split and long rows combined) are
//!    grouped by person, period and type class — normal and back payment as SPEC names
//!    them, and apart from those the bureau's owed credits, other types and other
//!    schemes — and each source's rows of a group summed: status (paid when any row is),
//!    base (the largest), employee and employer amounts and stated credit (the sums). A row
//!    repeated whole in a later file is the simplest such overlap.
//! 3. **The first source counts.** In a group held by two sources or more, the first
//!    source (path byte order, then sheet order: the sources' numbering) counts whole; the
//!    later sources' rows are skipped, reason `same period in FILE row N`. A row is counted
//!    as skipped when none of its records (a range's months) is left.
//! 4. **Conflicts.** Where a later source's medical sums (normal or back payment) differ
//!    from the first's on a value both have, one [`SourceConflict`] per person and period
//!    names the first differing field.
//!
//! Statement entries (`skip_overlapping_entries`): a later source's entry of the same
//! person, date-time, signed amount and kind class (in, out, other) as one of the first
//! source's is skipped, matched one to one — a statement exported twice, or an app's flow
//! beside the bureau's statement, counts once.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Batch, SkipKind, source_label};
use crate::money::Money;
use crate::records::{
    Contribution, ContributionType, EntryKind, Insurance, OfPerson, Origin, PaymentStatus, Period,
    Records, StatementEntry, Text,
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

/// Which rows of a person's month are compared with which: SPEC's two classes (normal,
/// back payment), and apart from them the rest, so that those too count once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TypeClass {
    Normal,
    BackPayment,
    /// Types 36, 40, 41: credits the bureau owes.
    Owed,
    /// A type kept as `other`.
    OtherType,
    /// Another scheme's rows (大额医疗, 养老…).
    OtherScheme,
}

impl TypeClass {
    fn of(c: &Contribution) -> TypeClass {
        if matches!(c.insurance, Insurance::Other(_)) {
            return TypeClass::OtherScheme;
        }
        match c.contribution_type {
            ContributionType::Normal | ContributionType::Refund => TypeClass::Normal,
            ContributionType::BackPayment => TypeClass::BackPayment,
            ContributionType::AccountCredit => TypeClass::Owed,
            ContributionType::Other => TypeClass::OtherType,
        }
    }

    /// SPEC 2.1 raises SOURCE_CONFLICT for medical normal months and back payments.
    fn compared(self) -> bool {
        matches!(self, TypeClass::Normal | TypeClass::BackPayment)
    }
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

impl SourceMonth {
    fn take(&mut self, index: usize, c: &Contribution) {
        self.first_origin.get_or_insert(c.origin);
        self.indices.push(index);
        let paid = c.status == PaymentStatus::Paid;
        self.paid = Some(self.paid.unwrap_or(false) || paid);
        self.base = self.base.max(c.base);
        self.employee_amount = Money::add_known(self.employee_amount, c.employee_amount);
        self.employer_amount = Money::add_known(self.employer_amount, c.employer_amount);
        self.stated_credit = Money::add_known(self.stated_credit, c.stated_credit);
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

/// A record skipped as the same as one of an earlier source: its index, and the origin of
/// the first source's record it repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Repeat {
    index: usize,
    first: Origin,
}

/// Stage 1, for either kind: the people with records in two sources or more. A person's
/// rows in a file come in runs sharing one `Who`, so the runs are looked at, not the rows.
fn in_several_sources<T: OfPerson + Sync>(
    records: &Records<T>,
    origin: fn(&T) -> Origin,
) -> FxHashSet<&str> {
    let mut first_source: FxHashMap<&str, u32> = FxHashMap::default();
    let mut several = FxHashSet::default();
    for run in records.par_person_runs() {
        let id: &str = &run[0].who().person_id;
        let source = origin(&run[0]).source;
        if *first_source.entry(id).or_insert(source) != source {
            several.insert(id);
        }
    }
    several
}

/// Skips the later sources' rows of every month two sources hold, and records the
/// conflicts (see the module's stages).
pub(super) fn skip_overlaps(batch: &mut Batch) {
    let several = in_several_sources(&batch.contributions, |c| c.origin);
    if several.is_empty() {
        return;
    }
    // 2. Months by source.
    let mut months: BTreeMap<MonthKey, BTreeMap<u32, SourceMonth>> = BTreeMap::new();
    for (index, c) in batch.contributions.iter().enumerate() {
        if !several.contains(&*c.who.person_id) {
            continue;
        }
        let key = MonthKey {
            person_id: &c.who.person_id,
            period: c.period,
            class: TypeClass::of(c),
        };
        months
            .entry(key)
            .or_default()
            .entry(c.origin.source)
            .or_default()
            .take(index, c);
    }
    // 3 and 4. The first source counts; conflicts once per person and period (the months
    // come in person and period order, so a second conflict of one would follow the first).
    let mut repeats: Vec<Repeat> = Vec::new();
    let mut conflicts: Vec<SourceConflict> = Vec::new();
    for (key, by_source) in &months {
        let mut sources = by_source.values();
        let Some(first) = sources.next() else {
            continue;
        };
        let Some(first_origin) = first.first_origin else {
            continue;
        };
        for later in sources {
            repeats.extend(later.indices.iter().map(|&index| Repeat {
                index,
                first: first_origin,
            }));
            let Some(difference) = first
                .first_difference(later)
                .filter(|_| key.class.compared())
            else {
                continue;
            };
            let already = conflicts
                .last()
                .is_some_and(|c| *c.person_id == *key.person_id && c.period == key.period);
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
    drop(months);
    drop(several);
    repeats.sort_unstable();
    let skipped: Vec<(Origin, Origin)> = repeats
        .iter()
        .map(|r| (batch.contributions[r.index].origin, r.first))
        .collect();
    drop_indices(&mut batch.contributions, &repeats);
    // A row split over months is skipped only when none of its months is left.
    let left: FxHashSet<Origin> = batch.contributions.iter().map(|c| c.origin).collect();
    let skipped = skipped.into_iter().filter(|(o, _)| !left.contains(o));
    count_skipped(batch, skipped, Repeated::Rows);
    batch.conflicts = conflicts;
}

fn source_of(batch: &Batch, o: Origin) -> String {
    let s = batch.source(o);
    source_label(&s.path, s.sheet.as_deref())
}

/// Removes the records at `repeats` (sorted by index), keeping the others in order.
fn drop_indices<T>(rows: &mut Records<T>, repeats: &[Repeat]) {
    if repeats.is_empty() {
        return;
    }
    let mut next = repeats.iter().map(|r| r.index).peekable();
    rows.retain(|index, _| {
        let gone = next.peek() == Some(&index);
        if gone {
            next.next();
        }
        !gone
    });
}

/// Counts each skipped row (its origin, and the first source's row it repeats) once as
/// skipped instead of accepted, and notes per source how many and one example.
fn count_skipped(
    batch: &mut Batch,
    skipped: impl Iterator<Item = (Origin, Origin)>,
    what: Repeated,
) {
    let rows_skipped: BTreeMap<Origin, Origin> = skipped.collect();
    let mut per_source: BTreeMap<u32, RepeatedRows> = BTreeMap::new();
    for (origin, first) in rows_skipped {
        per_source
            .entry(origin.source)
            .or_insert_with(|| RepeatedRows {
                what,
                source: origin.source,
                rows: 0,
                first: origin,
                example: format!(
                    "row {} is {} as {}",
                    origin.row,
                    what.same(),
                    row_label(batch, first)
                ),
            })
            .rows += 1;
        batch.sources[origin.source as usize]
            .counts
            .skip_accepted(SkipKind::SamePeriod);
    }
    for repeated in per_source.into_values() {
        batch.notes.push(repeated.note(batch));
        batch.repeated.push(repeated);
    }
}

/// What rows a later file repeats: contribution rows of the same period, or statement
/// entries.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Repeated {
    Rows,
    Entries,
}

impl Repeated {
    fn rows(self) -> &'static str {
        match self {
            Repeated::Rows => "row(s)",
            Repeated::Entries => "statement row(s)",
        }
    }

    fn same(self) -> &'static str {
        match self {
            Repeated::Rows => "the same period",
            Repeated::Entries => "the same entry",
        }
    }
}

/// The rows of one source skipped as repeating an earlier file: how many, and the first of
/// them with the row it repeats — kept beside their note, so that the parts of a run split
/// by person ([`crate::embed`]) can be summed into the single run's note.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RepeatedRows {
    pub what: Repeated,
    pub source: u32,
    pub rows: u64,
    /// The first skipped row, and the example the note gives of it.
    pub first: Origin,
    pub example: String,
}

impl RepeatedRows {
    /// The note summary.json and the console give.
    pub fn note(&self, batch: &Batch) -> String {
        let s = &batch.sources[self.source as usize];
        format!(
            "{}: {} {} skipped: {} in an earlier file ({}); counted once, never summed",
            source_label(&s.path, s.sheet.as_deref()),
            self.rows,
            self.what.rows(),
            self.what.same(),
            self.example
        )
    }

    /// The same source's count in another part of the run added: the first row of both
    /// gives the example.
    pub fn absorb(&mut self, other: RepeatedRows) {
        self.rows += other.rows;
        if other.first < self.first {
            self.first = other.first;
            self.example = other.example;
        }
    }
}

fn row_label(batch: &Batch, o: Origin) -> String {
    format!("{} row {}", source_of(batch, o), o.row)
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
    let several = in_several_sources(&batch.entries, |e| e.origin);
    if several.is_empty() {
        return;
    }
    // Per key, per source (in source order), the entries' indices in row order.
    let mut held: BTreeMap<EntryKey, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
    for (index, e) in batch.entries.iter().enumerate() {
        if !several.contains(&*e.who.person_id) {
            continue;
        }
        held.entry(entry_key(e))
            .or_default()
            .entry(e.origin.source)
            .or_default()
            .push(index);
    }
    let mut repeats: Vec<Repeat> = Vec::new();
    for by_source in held.values() {
        let mut sources = by_source.values();
        let Some(first) = sources.next() else {
            continue;
        };
        for later in sources {
            repeats.extend(later.iter().zip(first).map(|(&index, &matched)| Repeat {
                index,
                first: batch.entries[matched].origin,
            }));
        }
    }
    drop(held);
    drop(several);
    repeats.sort_unstable();
    let skipped: Vec<(Origin, Origin)> = repeats
        .iter()
        .map(|r| (batch.entries[r.index].origin, r.first))
        .collect();
    drop_indices(&mut batch.entries, &repeats);
    count_skipped(batch, skipped.into_iter(), Repeated::Entries);
}

fn entry_key(e: &StatementEntry) -> EntryKey<'_> {
    EntryKey {
        person_id: &e.who.person_id,
        at: e.at,
        amount: e.amount,
        class: kind_class(e.kind),
    }
}
