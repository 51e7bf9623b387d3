//! One person across files (SPEC 2.6): a file that knows a person only by 个人编号 (an
//! app's statement with the number in its title, a roster keyed by number, `--person` with
//! a number) keys its rows by that number. Wherever a file gives both the number and an ID
//! (个人编号 beside 身份证号, or the number above a header and the ID in the rows), the
//! number stands for that ID across the whole run — when exactly one ID carries it (SPEC
//! 2.1) — and its rows are keyed by the ID. The join happens before overlapping sources
//! are compared, so the same statement exported twice, once with an ID column and once
//! without, is one source's entries and a skip, never summed.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::Batch;
use crate::records::{OfPerson, Text, Who};

/// Each person number that stands for exactly one ID in the run, and that ID.
fn numbers_to_ids(batch: &Batch) -> HashMap<Text, Text> {
    let runs = batch.person_runs();
    let pairs: Vec<(Text, Text)> = runs
        .par_whos()
        .filter_map(|(_, _, who)| {
            let number = who.person_number.as_ref()?;
            (*number != who.person_id).then(|| (number.clone(), who.person_id.clone()))
        })
        .collect();
    let mut found: HashMap<Text, Option<Text>> = HashMap::default();
    for (number, id) in pairs {
        found
            .entry(number)
            .and_modify(|one| {
                if one.as_ref().is_some_and(|known| *known != id) {
                    *one = None;
                }
            })
            .or_insert(Some(id));
    }
    found
        .into_iter()
        .filter_map(|(number, id)| Some((number, id?)))
        .collect()
}

/// Rows keyed by a person number that stands for one ID are keyed by the ID, the number
/// kept as their person number. Rows of one person in one file keep sharing one `Who`.
pub fn join_person_numbers(batch: &mut Batch) {
    // Most runs have IDs only: nothing to join, nothing to look at.
    if !batch.sources.iter().any(|s| s.person_numbers) {
        return;
    }
    let ids = numbers_to_ids(batch);
    if ids.is_empty() {
        return;
    }
    // Most runs have no row keyed by a number: found a run at a time (a run's rows share
    // one `Who`), so the rows are touched only when some are.
    let keyed_by_number = batch
        .person_runs()
        .par_whos()
        .any(|(_, _, who)| ids.contains_key(&who.person_id));
    if !keyed_by_number {
        return;
    }
    // Keyed by the old `Who`'s address, which the map keeps alive (so that no address is
    // reused while the rows are rekeyed).
    let mut joined: HashMap<*const Who, (Arc<Who>, Arc<Who>)> = HashMap::default();
    rekey(&mut batch.contributions, &ids, &mut joined);
    rekey(&mut batch.entries, &ids, &mut joined);
    rekey(&mut batch.roster, &ids, &mut joined);
}

fn rekey<T: OfPerson>(
    records: &mut crate::records::Records<T>,
    ids: &HashMap<Text, Text>,
    joined: &mut HashMap<*const Who, (Arc<Who>, Arc<Who>)>,
) {
    records.for_each_mut(|r| {
        let who = r.who_mut();
        let Some(id) = ids.get(&who.person_id) else {
            return;
        };
        let (_, new) = joined.entry(Arc::as_ptr(who)).or_insert_with(|| {
            let new = Arc::new(Who {
                person_id: id.clone(),
                person_number: who
                    .person_number
                    .clone()
                    .or_else(|| Some(who.person_id.clone())),
                name: who.name.clone(),
            });
            (Arc::clone(who), new)
        });
        *who = Arc::clone(new);
    });
}
