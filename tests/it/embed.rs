//! The engine for Arrow hosts (`yibao_recon::embed`, issue 20), tested at its edges
//! without Python: the report columns are the CSVs' rows, and a run split by person —
//! read in parts, shipped, planned, reconciled in partitions — gives the single run's
//! rows and summary.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::common;

use yibao_recon::embed::{self, Plan, Received, Shipped};
use yibao_recon::ingest::{self, InputFile, MemoryFile, Retain};
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::policy::Policy;
use yibao_recon::reconcile::{self, Options};
use yibao_recon::report::columnar::{self, Column, ColumnTable};
use yibao_recon::report::{safe_cell, tables};

fn samples() -> (Vec<InputFile>, Policy) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let policy = Policy::load(root.join("samples/policy.toml").to_str().unwrap()).unwrap();
    (vec![InputFile::new(root.join("samples"))], policy)
}

/// A column table's rows as the CSV writes them.
fn as_csv_rows(t: &ColumnTable) -> Vec<Vec<String>> {
    (0..t.rows())
        .map(|i| {
            t.columns
                .iter()
                .map(|c| match c {
                    Column::Text(v) => safe_cell(v[i].as_deref().unwrap_or("")).into_owned(),
                    Column::Cents(v) => v[i]
                        .map(|c| rust_decimal::Decimal::new(c, 2).to_string())
                        .unwrap_or_default(),
                    Column::Date(v) => v[i].map(|d| d.to_string()).unwrap_or_default(),
                    Column::Count(v) => v[i].map(|n| n.to_string()).unwrap_or_default(),
                })
                .collect()
        })
        .collect()
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn report_columns_are_the_csvs_rows() {
    let (inputs, policy) = samples();
    let batch = ingest::ingest(&inputs);
    let options = Options {
        as_of: None,
        lang: Lang::Zh,
        shard: None,
        keep_entries: false,
    };
    let run = reconcile::reconcile(&batch, &policy, options);
    let ids = IdDisplay::Masked;
    let csvs = tables::CsvSet::build(&run, &batch, ids, Lang::Zh, true).unwrap();
    for (csv, columns) in [
        (&csvs.findings, columnar::findings_table(&run, ids)),
        (&csvs.months, columnar::months_table(&run, ids)),
        (&csvs.persons, columnar::persons_table(&run, ids)),
        (
            &csvs.rejected,
            columnar::rejected_table(&batch, ids, Lang::Zh),
        ),
    ] {
        let expected = csv_rows(&csv.bytes());
        assert!(!expected.is_empty());
        assert_eq!(as_csv_rows(&columns), expected);
    }
}

/// The person a shipped record goes to: its ID, or the one ID its person number stands
/// beside elsewhere (what the Spark job's join does).
fn keys(shipped: &[Vec<Shipped>]) -> Vec<Vec<String>> {
    let mut ids_of: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for s in shipped.iter().flatten() {
        if let Some(n) = s.person_number.as_deref()
            && n != &*s.person_id
        {
            ids_of.entry(n).or_default().insert(&s.person_id);
        }
    }
    shipped
        .iter()
        .map(|part| {
            part.iter()
                .map(|s| match ids_of.get(&*s.person_id) {
                    Some(ids) if ids.len() == 1 => ids.iter().next().unwrap().to_string(),
                    _ => s.person_id.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A run split as the Spark job splits it: every file read on its own (as a task reads
/// it), the parts planned (arriving in any order), the people spread over `n` partitions
/// by their key and reconciled there. Asserts that it gives the single run's rows (order
/// normalised), rejected rows (in order) and summary.json; returns the summary.
fn split_run_is_the_single_run(
    inputs: &[InputFile],
    policy: &Policy,
    n: usize,
) -> serde_json::Value {
    let (lang, ids) = (Lang::En, IdDisplay::Masked);
    let single = embed::run(
        ingest::read_files(inputs, Retain::Records),
        policy,
        None,
        lang,
        ids,
    )
    .unwrap();
    // Stage 1.
    let (files, skipped, _) = ingest::discover(inputs);
    let mut metas = Vec::new();
    let mut shipped = Vec::new();
    let mut rejected = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let upload = MemoryFile {
            name: f.path.display().to_string(),
            bytes: std::fs::read(&f.path).unwrap(),
            person: None,
            layout: None,
        };
        let batch = ingest::read_found_memory_files(vec![upload], Retain::Records);
        let part = embed::read_part(batch, i as u32, false, lang, ids).unwrap();
        rejected.extend(as_csv_rows(&part.rejected));
        metas.push(part.meta);
        shipped.push(part.records);
    }
    // Stage 2.
    metas.reverse();
    let mut plan = Plan::of(metas);
    plan.skipped_inputs.splice(0..0, skipped);
    let slim = plan.for_partitions();
    // Stage 3.
    let keys = keys(&shipped);
    let mut partitions: Vec<Vec<Received>> = (0..n).map(|_| Vec::new()).collect();
    for (file, (part, keys)) in shipped.iter().zip(&keys).enumerate() {
        for (s, key) in part.iter().zip(keys) {
            let p = key.bytes().map(usize::from).sum::<usize>() % n;
            partitions[p].push(Received {
                file: file as u32,
                source: s.source,
                record: &s.record,
            });
        }
    }
    let mut rows: [Vec<Vec<String>>; 3] = Default::default();
    let mut totals = Vec::new();
    for partition in partitions {
        assert!(!partition.is_empty(), "every partition holds people");
        let out =
            embed::reconcile_part(&slim, partition.into_iter(), policy, None, lang, ids).unwrap();
        rows[0].extend(as_csv_rows(&out.findings));
        rows[1].extend(as_csv_rows(&out.months));
        rows[2].extend(as_csv_rows(&out.persons));
        totals.push(out.totals);
    }
    for (mut got, expected) in
        rows.into_iter()
            .zip([&single.findings, &single.months, &single.persons])
    {
        let mut expected = as_csv_rows(expected);
        got.sort();
        expected.sort();
        assert!(!expected.is_empty());
        assert_eq!(got, expected);
    }
    assert_eq!(rejected, as_csv_rows(&single.rejected));
    let summary = embed::summary(&plan, totals, policy, None, ids);
    assert_eq!(summary, single.summary);
    summary
}

#[test]
fn a_run_split_by_person_is_the_single_run() {
    let (inputs, policy) = samples();
    split_run_is_the_single_run(&inputs, &policy, 3);
}

/// Rows repeated in a later file and IDs under two names, for people in every partition:
/// the notes of the split run sum to the single run's (one note per source, the whole
/// count, the first row as the example).
#[test]
fn notes_across_files_sum_over_partitions() {
    let dir = tempfile::tempdir().unwrap();
    let head = "身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n";
    let (mut first, mut second, mut statement) =
        (head.to_string(), head.to_string(), String::new());
    statement.push_str("身份证号,姓名,交易时间,交易类型,发生金额\n");
    for n in 0..12u32 {
        let id = common::id(&format!("11010119900101{:03}", n + 100));
        // A second name for every third person, in the statement.
        let other = if n % 3 == 0 {
            format!("别名{n}")
        } else {
            format!("员工{n}")
        };
        for month in 1..=4 {
            let row = format!("{id},员工{n},2024{month:02},6000,120.00,480.00\n");
            first.push_str(&row);
            if month >= 3 {
                second.push_str(&row.replace(&format!("员工{n}"), &other));
            }
            // Every other person's last credit is missing: findings to compare.
            if month < 4 || n % 2 == 1 {
                let credit = format!("{id},{other},2024-{:02}-05,101,120.00\n", month + 1);
                statement.push_str(&credit);
            }
        }
    }
    let data = dir.path();
    std::fs::write(data.join("a_contributions.csv"), first).unwrap();
    std::fs::write(data.join("b_contributions.csv"), second).unwrap();
    std::fs::write(data.join("statement.csv"), statement).unwrap();
    let policy = Policy::load("national").unwrap();
    let summary = split_run_is_the_single_run(&[InputFile::new(data)], &policy, 4);
    let warnings: Vec<&str> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("24 row(s) skipped")),
        "{warnings:#?}"
    );
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.contains("different names"))
            .count(),
        4
    );
}

#[test]
fn a_table_read_in_batches_counts_its_header_once() {
    let part = |first_row: u32, rows: &[&str]| {
        let header = ["身份证号", "费款所属期", "个人缴费", "单位缴费"].map(String::from);
        let mut all = vec![(first_row - 1, header.to_vec())];
        for (i, r) in rows.iter().enumerate() {
            all.push((
                first_row + i as u32,
                r.split(',').map(String::from).collect(),
            ));
        }
        let rows: Vec<(u32, TextRow)> = all.into_iter().map(|(n, r)| (n, TextRow(r))).collect();
        let table = ingest::read_given_table("c.csv", None, rows, std::iter::empty());
        let batch = ingest::read_files_and_tables(&[], vec![("c.csv".into(), table)]);
        embed::read_part(batch, 0, first_row > 2, Lang::En, IdDisplay::Masked).unwrap()
    };
    let a = part(
        2,
        &[
            "110101199003070079,202401,120,480",
            "110101199003070079,202402,x,480",
        ],
    );
    let b = part(4, &["110101199003070079,202403,120,480"]);
    let plan = Plan::of(vec![b.meta, a.meta]);
    assert_eq!(plan.sources.len(), 1);
    let counts = &plan.sources[0].counts;
    assert_eq!(
        (
            counts.read,
            counts.accepted,
            counts.rejected,
            counts.skipped
        ),
        (4, 2, 1, 1)
    );
    let rejected = as_csv_rows(&a.rejected);
    assert_eq!(
        rejected[0][2], "3",
        "the rejected row keeps its row in the whole table"
    );
}

/// A row of text cells.
struct TextRow(Vec<String>);

impl ingest::table::Row for TextRow {
    fn width(&self) -> usize {
        self.0.len()
    }

    fn cell(&self, i: usize) -> yibao_recon::values::Cell<'_> {
        self.0.get(i).map_or(yibao_recon::values::Cell::Empty, |t| {
            yibao_recon::values::Cell::Text(t.as_str().into())
        })
    }
}
