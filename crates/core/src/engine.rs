//! The run every front end calls — the command line, `serve`, the Python package and its
//! Spark job (through [`crate::embed`]) — as beancount's `loader._load` is: the checks
//! across files, the matching, and the sums that overflowed named as unread inputs, in one
//! place. A front end that sequenced these itself could miss a step and give another
//! answer without an error.
//!
//! Reading comes before (each front end reads its own way: paths, an upload, Arrow
//! tables); reports after (files, the page's answer, typed columns).

use std::convert::Infallible;
use std::time::{Duration, Instant};

use crate::ingest::{self, Batch};
use crate::policy::Policy;
use crate::reconcile::{self, PersonReport, Reconciliation, RunFacts};

pub use crate::reconcile::Options;

/// What becomes of each person's month rows as people are reconciled by [`run`] (a sink
/// that writes them as they come: [`run_streamed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Months {
    /// Kept in the result (the page, Python, `explain`).
    Kept,
    /// Dropped as each block of people is done: no report asked for shows them.
    Dropped,
}

/// A run's batch (with the run's own unread inputs added) and its reconciliation.
pub struct Run {
    pub batch: Batch,
    pub result: Reconciliation,
    pub stages: Stages,
}

/// How long each stage of [`run`] took (`--timings`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stages {
    /// The checks across files and grouping everyone's records by person.
    pub normalise: Duration,
    /// Reconciling each person.
    pub matching: Duration,
}

/// Reconciles what a front end read: the checks across files (one person under two
/// identities joined, rows read twice skipped, sources compared), everyone's records
/// grouped and matched under `policy`, and each sum that overflowed added to the batch's
/// unread inputs (the run is then not complete). Runs on the caller's rayon pool.
pub fn run(batch: Batch, policy: &Policy, options: Options, months: Months) -> Run {
    let done = match months {
        Months::Kept => run_streamed(batch, policy, options, |_| Ok::<(), Infallible>(())),
        Months::Dropped => run_streamed(batch, policy, options, |block| {
            block.iter_mut().for_each(|p| p.months = Vec::new());
            Ok::<(), Infallible>(())
        }),
    };
    match done {
        Ok(run) => run,
        Err(never) => match never {},
    }
}

/// [`run`], handing each block of people (in output order) to `sink` as soon as it is
/// reconciled: a sink that writes the month rows and empties them (the command line's
/// months.csv) keeps them out of memory — they are most of a run's results.
pub fn run_streamed<E: Send>(
    mut batch: Batch,
    policy: &Policy,
    options: Options,
    sink: impl FnMut(&mut [PersonReport]) -> Result<(), E> + Send,
) -> Result<Run, E> {
    let start = Instant::now();
    ingest::check_across_files(&mut batch);
    let people = reconcile::gather(&batch, policy, options);
    let normalise = start.elapsed();
    let start = Instant::now();
    let result = people.reconcile_in_blocks(sink)?;
    let stages = Stages {
        normalise,
        matching: start.elapsed(),
    };
    Ok(finish(batch, result, stages))
}

/// One part of a run split by person over machines (`embed::reconcile_part`): its rows
/// read twice are skipped (the other checks across files ran on the parts and are put
/// together in the split run's summary), and its people are judged by the whole run's
/// `facts`, not by its own records'. Month rows are kept.
pub fn run_part(mut batch: Batch, policy: &Policy, options: Options, facts: RunFacts) -> Run {
    let start = Instant::now();
    ingest::skip_repeated_rows(&mut batch);
    let people = reconcile::gather_with(&batch, policy, options, Some(facts));
    let normalise = start.elapsed();
    let start = Instant::now();
    let result = people.reconcile();
    let matching = start.elapsed();
    let stages = Stages {
        normalise,
        matching,
    };
    finish(batch, result, stages)
}

/// The run's last step: a sum that overflowed is an error naming the person and each of
/// their files, never a saturated number shown as a balance.
fn finish(mut batch: Batch, result: Reconciliation, stages: Stages) -> Run {
    let overflowed = reconcile::overflowed_inputs(&result, &batch);
    batch.unreadable.extend(overflowed);
    Run {
        batch,
        result,
        stages,
    }
}
