//! The engine for hosts that hold the data themselves — the Python package and its Spark
//! job (`python/`). One run in memory ([`run`]), and a run split over machines in three
//! named stages, each of which the single run also goes through:
//!
//! 1. **read** ([`read_part`]): a part of the inputs (a file, or a record batch of a
//!    table) is read by the usual rules into records, rejections and counts. The records
//!    leave as [`Shipped`] rows — the person's ID and person number beside the record,
//!    encoded — so that the host can send each person's rows to one place; the rest leaves
//!    as a [`PartMeta`] (sources, counts, notes, the part's [`RunFacts`]).
//! 2. **plan** ([`Plan::of`]): the parts' metadata put together as the single run would
//!    have it — sources numbered in file order (a table read in batches is one source,
//!    its counts summed), and the run's facts (default as-of date, first month, whether
//!    there are contributions) merged, so that every person is judged by the whole run's
//!    facts, not by their partition's.
//! 3. **reconcile** ([`reconcile_part`]): the records of a group of people (all of each
//!    person's rows, in any order) are put back in the single run's order (by source and
//!    row), checked across files (a row repeated in another file, a month another file
//!    records differently, one ID under two names — all within a person) and reconciled
//!    under the plan's facts. Per-person results are the single run's because a person's
//!    judgement depends only on their own rows and the run's facts; the run's totals
//!    ([`RunTotals`]), notes and the rows skipped across files come back to be summed
//!    into the summary ([`summary`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::{self, Months, Options, Run};
use crate::ingest::overlap::{Repeated, RepeatedRows};
use crate::ingest::{self, Batch, PersonNote, SkipKind, SkippedInput, Source, UnreadableInput};
use crate::lang::Lang;
use crate::mask::IdDisplay;
use crate::policy::Policy;
use crate::reconcile::RunFacts;
use crate::records::{Contribution, Records, RosterEntry, StatementEntry, Text, id_order};
use crate::report::columnar::{self, ColumnTable};
use crate::report::tables::{self, RunTotals};

/// Why a run gives no answer: the reasons `check` would give.
#[derive(Debug, thiserror::Error)]
#[error("{}", reasons.join("; "))]
pub struct Stop {
    pub reasons: Vec<String>,
}

/// The reports of a run, as columns, and summary.json.
pub struct Outcome {
    pub findings: ColumnTable,
    pub months: ColumnTable,
    pub persons: ColumnTable,
    pub rejected: ColumnTable,
    pub summary: Value,
}

/// Reconciles what `batch` read (its files and tables; not yet checked across files),
/// as `reconcile` does. Stops when nothing was recognised; an input that could not be
/// read leaves the outcome incomplete (`summary["complete"]` false, the input named).
pub fn run(
    batch: Batch,
    policy: &Policy,
    as_of: Option<NaiveDate>,
    lang: Lang,
    ids: IdDisplay,
) -> Result<Outcome, Stop> {
    if batch.sources.is_empty() {
        let reasons = crate::report::labels::nothing_recognised_lines(&batch, lang, ids);
        return Err(Stop { reasons });
    }
    let options = Options {
        as_of,
        lang,
        shard: None,
        keep_entries: false,
    };
    let Run { batch, result, .. } = engine::run(batch, policy, options, Months::Kept);
    Ok(Outcome {
        findings: columnar::findings_table(&result, ids),
        months: columnar::months_table(&result, ids),
        persons: columnar::persons_table(&result, ids),
        rejected: columnar::rejected_table(&batch, ids, lang),
        summary: tables::summary_json(&result, &batch, policy, ids, None),
    })
}

/// A record of any kind, as it travels between stages.
#[derive(Serialize, Deserialize)]
enum AnyRecord {
    Contribution(Contribution),
    Entry(StatementEntry),
    Roster(RosterEntry),
}

/// A record on its way to its person's partition: whom it is about (the ID, and the
/// person number written beside it, for the run's number-to-ID map), where it came from
/// (the part's own source number and the row), and the record itself, encoded.
pub struct Shipped {
    pub person_id: Text,
    pub person_number: Option<Text>,
    pub source: u32,
    pub row: u32,
    pub record: Vec<u8>,
}

/// Another part of the same table (a later record batch) added to a source: its counts,
/// rows and unread columns.
fn absorb(source: &mut Source, other: Source) {
    source.counts.add(&other.counts);
    source
        .bad_check_digit_rows
        .extend(other.bad_check_digit_rows);
    source.other_person_rows.extend(other.other_person_rows);
    source.other_type_rows.extend(other.other_type_rows);
    source.several_rows.extend(other.several_rows);
    source.several_bases_rows.extend(other.several_bases_rows);
    source.damaged_spots += other.damaged_spots;
    source.person_numbers |= other.person_numbers;
    source.truncated |= other.truncated;
    for i in other.inferred {
        if !source.inferred.contains(&i) {
            source.inferred.push(i);
        }
    }
    for c in other.ignored_columns {
        if !source.ignored_columns.contains(&c) {
            source.ignored_columns.push(c);
        }
    }
}

/// What a part of the inputs read, besides its records.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PartMeta {
    /// The part's place among the run's files (the host numbers them in path order); the
    /// parts of one table read in batches share it.
    pub file: u32,
    pub sources: Vec<Source>,
    pub skipped_inputs: Vec<SkippedInput>,
    pub unreadable: Vec<UnreadableInput>,
    pub notes: Vec<String>,
    pub facts: RunFacts,
}

/// A part read: its records, its rejected rows (final: no later stage rejects a row), and
/// the rest.
pub struct ReadPart {
    pub records: Vec<Shipped>,
    pub rejected: ColumnTable,
    pub meta: PartMeta,
}

/// Stage 1: a part read into shipped records. `header_repeated`: the part is a later
/// batch of a table whose header was given again to read it — the header row is counted
/// once, in the first batch, as the whole table counts it.
pub fn read_part(
    mut batch: Batch,
    file: u32,
    header_repeated: bool,
    lang: Lang,
    ids: IdDisplay,
) -> Result<ReadPart, postcard::Error> {
    if header_repeated {
        for s in &mut batch.sources {
            s.counts.unskip(SkipKind::Header);
        }
    }
    let facts = RunFacts::of(&batch);
    let mut records =
        Vec::with_capacity(batch.contributions.len() + batch.entries.len() + batch.roster.len());
    let mut ship = |who: &crate::records::Who, origin: crate::records::Origin, r: AnyRecordRef| {
        records.push(Shipped {
            person_id: who.person_id.clone(),
            person_number: who.person_number.clone(),
            source: origin.source,
            row: origin.row,
            record: postcard::to_allocvec(&r)?,
        });
        Ok::<(), postcard::Error>(())
    };
    for c in &batch.contributions {
        ship(&c.who, c.origin, AnyRecordRef::Contribution(c))?;
    }
    for e in &batch.entries {
        ship(&e.who, e.origin, AnyRecordRef::Entry(e))?;
    }
    for r in &batch.roster {
        ship(&r.who, r.origin, AnyRecordRef::Roster(r))?;
    }
    let rejected = columnar::rejected_table(&batch, ids, lang);
    let meta = PartMeta {
        file,
        sources: std::mem::take(&mut batch.sources),
        skipped_inputs: std::mem::take(&mut batch.skipped_inputs),
        unreadable: std::mem::take(&mut batch.unreadable),
        notes: std::mem::take(&mut batch.notes),
        facts,
    };
    Ok(ReadPart {
        records,
        rejected,
        meta,
    })
}

/// [`AnyRecord`] borrowed, to encode without a copy (the same encoding).
#[derive(Serialize)]
enum AnyRecordRef<'a> {
    Contribution(&'a Contribution),
    Entry(&'a StatementEntry),
    Roster(&'a RosterEntry),
}

/// Stage 2: the run as the single run numbers it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Every source, in the single run's order.
    pub sources: Vec<Source>,
    /// Each file's first source: a shipped record's source is `offsets[file] + source`.
    pub offsets: Vec<u32>,
    pub skipped_inputs: Vec<SkippedInput>,
    pub unreadable: Vec<UnreadableInput>,
    /// The notes of reading, in file order.
    pub notes: Vec<String>,
    pub facts: RunFacts,
}

impl Plan {
    /// Puts the parts' metadata together, in any order given: files in their numbers'
    /// order; the batches of one table summed into one source.
    pub fn of(mut parts: Vec<PartMeta>) -> Plan {
        parts.sort_by_key(|p| p.file);
        let files = parts.last().map_or(0, |p| p.file as usize + 1);
        let mut per_file: Vec<Vec<Source>> = vec![Vec::new(); files];
        let mut plan = Plan::default();
        for part in parts {
            let slot = &mut per_file[part.file as usize];
            for (i, s) in part.sources.into_iter().enumerate() {
                match slot.get_mut(i) {
                    Some(known) => absorb(known, s),
                    None => slot.push(s),
                }
            }
            plan.skipped_inputs.extend(part.skipped_inputs);
            plan.unreadable.extend(part.unreadable);
            plan.notes.extend(part.notes);
            plan.facts = plan.facts.merge(part.facts);
        }
        // A table read in batches names itself once, however many batches were skipped.
        plan.skipped_inputs.dedup();
        plan.unreadable.dedup();
        for sources in per_file {
            plan.offsets.push(plan.sources.len() as u32);
            for mut s in sources {
                for rows in [
                    &mut s.bad_check_digit_rows,
                    &mut s.other_person_rows,
                    &mut s.other_type_rows,
                    &mut s.several_rows,
                    &mut s.several_bases_rows,
                ] {
                    rows.sort_unstable();
                }
                plan.sources.push(s);
            }
        }
        plan
    }

    /// What a partition needs of the plan: the sources' names and kinds, offsets, facts —
    /// not the rows the warnings list.
    pub fn for_partitions(&self) -> Plan {
        let mut slim = self.clone();
        for s in &mut slim.sources {
            s.bad_check_digit_rows = Vec::new();
            s.other_person_rows = Vec::new();
            s.other_type_rows = Vec::new();
            s.several_rows = Vec::new();
            s.several_bases_rows = Vec::new();
        }
        slim.skipped_inputs = Vec::new();
        slim.notes = Vec::new();
        slim
    }
}

/// What a partition reports besides its people's rows: for the summary.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PartTotals {
    pub totals: RunTotals,
    /// Notes of one ID under several names, with the ID (to put them in ID order).
    pub names: Vec<PersonNote>,
    /// Per source, the rows skipped as repeating an earlier file (summed into its counts
    /// and its note).
    pub repeated: Vec<RepeatedRows>,
    /// Sums that overflowed (the run is then incomplete).
    pub overflowed: Vec<UnreadableInput>,
}

/// A partition's reports.
pub struct PartOutcome {
    pub findings: ColumnTable,
    pub months: ColumnTable,
    pub persons: ColumnTable,
    pub totals: PartTotals,
}

/// A record shipped to its partition, as the host hands it back.
pub struct Received<'a> {
    pub file: u32,
    pub source: u32,
    pub record: &'a [u8],
}

/// Stage 3: reconciles the people whose every record is in `records`.
pub fn reconcile_part<'a>(
    plan: &Plan,
    records: impl Iterator<Item = Received<'a>>,
    policy: &Policy,
    as_of: Option<NaiveDate>,
    lang: Lang,
    ids: IdDisplay,
) -> Result<PartOutcome, postcard::Error> {
    let batch = batch_of(plan, records)?;
    let options = Options {
        as_of,
        lang,
        shard: None,
        keep_entries: false,
    };
    let Run {
        mut batch, result, ..
    } = engine::run_part(batch, policy, options, plan.facts);
    let names = ingest::conflicting_names(&batch);
    Ok(PartOutcome {
        findings: columnar::findings_table(&result, ids),
        months: columnar::months_table(&result, ids),
        persons: columnar::persons_table(&result, ids),
        totals: PartTotals {
            totals: RunTotals::of(&result),
            names,
            repeated: std::mem::take(&mut batch.repeated),
            overflowed: std::mem::take(&mut batch.unreadable),
        },
    })
}

/// The records decoded, numbered by the plan and put in the single run's order (by
/// source, then row), in a batch holding every source: consecutive rows of one person
/// share one `Who`, as rows read from a file do.
fn batch_of<'a>(
    plan: &Plan,
    records: impl Iterator<Item = Received<'a>>,
) -> Result<Batch, postcard::Error> {
    let mut contributions = Vec::new();
    let mut entries = Vec::new();
    let mut roster = Vec::new();
    for r in records {
        let offset = plan.offsets.get(r.file as usize).copied().unwrap_or(0);
        match postcard::from_bytes::<AnyRecord>(r.record)? {
            AnyRecord::Contribution(mut c) => {
                c.origin.source = offset + r.source;
                contributions.push(c);
            }
            AnyRecord::Entry(mut e) => {
                e.origin.source = offset + r.source;
                entries.push(e);
            }
            AnyRecord::Roster(mut e) => {
                e.origin.source = offset + r.source;
                roster.push(e);
            }
        }
    }
    let mut batch = Batch {
        sources: plan.sources.clone(),
        ..Batch::default()
    };
    batch.contributions = in_order(contributions, |c| c.origin, |c| &mut c.who);
    batch.entries = in_order(entries, |e| e.origin, |e| &mut e.who);
    batch.roster = in_order(roster, |r| r.origin, |r| &mut r.who);
    Ok(batch)
}

/// Records sorted by origin, one source's records a part (as files give them), with one
/// `Who` shared by a run of rows naming the same person.
fn in_order<T>(
    mut records: Vec<T>,
    origin: impl Fn(&T) -> crate::records::Origin,
    who: impl Fn(&mut T) -> &mut Arc<crate::records::Who>,
) -> Records<T> {
    records.sort_by_key(&origin);
    let mut out = Records::default();
    let mut part: Vec<T> = Vec::new();
    let mut last: Option<(u32, Arc<crate::records::Who>)> = None;
    for mut r in records {
        let origin = origin(&r);
        let who = who(&mut r);
        match &last {
            Some((source, _)) if *source != origin.source => {
                out.append(std::mem::take(&mut part));
                last = None;
            }
            _ => {}
        }
        match &last {
            Some((_, shared)) if **shared == **who => *who = Arc::clone(shared),
            _ => last = Some((origin.source, Arc::clone(who))),
        }
        part.push(r);
    }
    out.append(part);
    out
}

/// summary.json of a run split over machines: the plan's sources with the rows skipped
/// across files, the notes as the single run has them — of reading (file order), of
/// repeated rows (contribution rows, then entries, by source), of names (by ID) — and
/// the partitions' totals.
pub fn summary(
    plan: &Plan,
    parts: Vec<PartTotals>,
    policy: &Policy,
    as_of: Option<NaiveDate>,
    ids: IdDisplay,
) -> Value {
    let mut batch = Batch {
        sources: plan.sources.clone(),
        skipped_inputs: plan.skipped_inputs.clone(),
        unreadable: plan.unreadable.clone(),
        notes: plan.notes.clone(),
        ..Batch::default()
    };
    let mut totals = RunTotals::default();
    let mut names = Vec::new();
    let mut repeated: BTreeMap<(Repeated, u32), RepeatedRows> = BTreeMap::new();
    for part in parts {
        totals = totals.merge(part.totals);
        names.extend(part.names);
        batch.unreadable.extend(part.overflowed);
        for r in part.repeated {
            match repeated.entry((r.what, r.source)) {
                std::collections::btree_map::Entry::Occupied(mut known) => {
                    known.get_mut().absorb(r)
                }
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(r);
                }
            }
        }
    }
    for r in repeated.values() {
        if let Some(s) = batch.sources.get_mut(r.source as usize) {
            for _ in 0..r.rows {
                s.counts.skip_accepted(SkipKind::SamePeriod);
            }
        }
        let note = r.note(&batch);
        batch.notes.push(note);
    }
    names.sort_by(|a, b| (id_order(&a.id), &a.id).cmp(&(id_order(&b.id), &b.id)));
    batch.notes.extend(names.into_iter().map(|n| n.note));
    let as_of = as_of
        .or_else(|| plan.facts.default_as_of())
        .unwrap_or_default();
    // summary_of masks the warnings it writes.
    tables::summary_of(&totals, as_of, &batch, policy, ids, None)
}
