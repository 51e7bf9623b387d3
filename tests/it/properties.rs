//! Property tests: shuffling rows, shuffling and splitting files, and changing the thread
//! count leave the outputs byte-identical; the bridge identity holds; every accepted
//! contribution period appears exactly once in months.csv.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{Rng, id};
use proptest::prelude::*;
use rust_decimal::Decimal;
use yibao_recon::ingest::{InputFile, ingest};
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::policy::Policy;
use yibao_recon::reconcile::{Options, reconcile};
use yibao_recon::report::tables;

const C_HEADER: &str = "身份证号,姓名,费款所属期,缴费基数,个人缴费,缴费状态,缴费类型,缴费时间";
const S_HEADER: &str = "身份证号,交易时间,交易类型,发生金额,余额";

/// Contribution and statement lines for a few people, with noise: unpaid months, gaps,
/// short, late, missing and duplicate credits, spending. Timestamps are distinct within a
/// person, so the statement order does not depend on the row order.
fn dataset(seed: u64) -> (Vec<String>, Vec<String>) {
    let mut rng = Rng(seed);
    let (mut contributions, mut statements) = (Vec::new(), Vec::new());
    for person in 0..(2 + rng.next(3)) {
        let pid = id(&format!(
            "3201021990{:02}{:02}{:03}",
            1 + person % 12,
            10 + person,
            100 + person
        ));
        let base = 5000 + 500 * rng.next(6);
        let mut balance = Decimal::from(rng.next(500));
        let mut minute = 0;
        for m in 1..=8u64 {
            if rng.next(10) == 0 {
                continue; // a gap
            }
            let unpaid = rng.next(8) == 0;
            let back = !unpaid && rng.next(10) == 0;
            contributions.push(format!(
                "{pid},P{person},2024{m:02},{base},{}.00,{},{},{}",
                base * 2 / 100,
                if unpaid { "欠缴" } else { "已缴" },
                if back { "补缴" } else { "正常" },
                if back { "2024-10-10" } else { "" },
            ));
            if unpaid || rng.next(7) == 0 {
                continue; // no credit
            }
            let mut amount = Decimal::from(base * 2 / 100);
            if rng.next(6) == 0 {
                amount -= Decimal::from(10);
            }
            let month = m + 1 + u64::from(rng.next(5) == 0);
            let copies = if rng.next(9) == 0 { 2 } else { 1 };
            for _ in 0..copies {
                minute += 1;
                balance += amount;
                statements.push(format!(
                    "{pid},2024-{month:02}-05 09:{minute:02}:00,101,{amount},{balance}"
                ));
            }
            if rng.next(3) == 0 {
                minute += 1;
                let spend = Decimal::from(1 + rng.next(80));
                balance -= spend;
                statements.push(format!(
                    "{pid},2024-{month:02}-20 10:{minute:02}:00,门诊消费,-{spend},{balance}"
                ));
            }
        }
    }
    (contributions, statements)
}

/// Writes the lines into `parts` files per kind, rows shuffled; returns the paths in a
/// shuffled order.
fn write_files(
    dir: &Path,
    lines: (&[String], &[String]),
    parts: usize,
    rng: &mut Rng,
) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for (kind, header, rows) in [("c", C_HEADER, lines.0), ("s", S_HEADER, lines.1)] {
        let mut rows = rows.to_vec();
        rng.shuffle(&mut rows);
        let per = rows.len().div_ceil(parts).max(1);
        for (i, chunk) in rows.chunks(per).enumerate() {
            let path = dir.join(format!("{kind}{i}.csv"));
            std::fs::write(&path, format!("{header}\n{}\n", chunk.join("\n"))).unwrap();
            paths.push(path);
        }
    }
    rng.shuffle(&mut paths);
    paths
}

/// findings.csv, months.csv and persons.csv of a run on `paths` with `threads` threads.
fn outputs(paths: &[PathBuf], threads: usize) -> [Vec<u8>; 3] {
    let policy = Policy::load("samples/policy.toml").unwrap();
    let inputs: Vec<InputFile> = paths
        .iter()
        .map(|p| InputFile {
            path: p.clone(),
            forced: None,
            person: None,
            layout: None,
            follow: false,
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let batch = ingest(&inputs);
        assert!(batch.rejected.is_empty() && batch.failures.is_empty());
        let run = reconcile(
            &batch,
            &policy,
            Options {
                as_of: None,
                lang: Lang::En,
                shard: None,
                keep_entries: false,
            },
        );
        let ids = IdDisplay::Full;
        [
            tables::findings_csv(&run, ids)
                .unwrap()
                .bytes()
                .into_owned(),
            tables::months_csv(&run, ids).unwrap().bytes().into_owned(),
            tables::persons_csv(&run, ids).unwrap().bytes().into_owned(),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn outputs_do_not_depend_on_row_order_file_split_or_threads(
        seed in any::<u64>(), parts in 1usize..4, threads in 1usize..4,
    ) {
        let (c, s) = dataset(seed);
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let mut rng = Rng(seed ^ 0x5eed);
        let plain = write_files(one.path(), (&c, &s), 1, &mut Rng(1));
        let shuffled = write_files(two.path(), (&c, &s), parts, &mut rng);
        let a = outputs(&plain, 1);
        let b = outputs(&shuffled, threads);
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!(String::from_utf8_lossy(x), String::from_utf8_lossy(y));
        }

                // The bridge identity, for every person.
        common::assert_bridges(&a[2]);
        // Every contribution period exactly once in months.csv.
        let periods: BTreeSet<(String, String)> = c
            .iter()
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), format!("{}-{}", &f[2][..4], &f[2][4..]))
            })
            .collect();
        let rows: Vec<(String, String)> = common::csv_rows(&a[1])
            .into_iter()
            .map(|r| (r["person_id"].clone(), r["period"].clone()))
            .collect();
        let unique: BTreeSet<_> = rows.iter().cloned().collect();
        prop_assert_eq!(unique.len(), rows.len());
        prop_assert!(periods.is_subset(&unique));
    }
}

/// Statement lines only (SPEC 2.2's statement-first people): monthly credits with gaps,
/// credits made up late or twice, amount changes, spending, a transfer out, credits that
/// stop. Timestamps are distinct within a person.
fn statement_only_dataset(seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    let mut statements = Vec::new();
    for person in 0..(2 + rng.next(3)) {
        let pid = id(&format!(
            "3301061985{:02}{:02}{:03}",
            1 + person % 12,
            10 + person,
            200 + person
        ));
        let mut amount = Decimal::from(80 + 10 * rng.next(5));
        let mut balance = Decimal::from(rng.next(300));
        let stop = 6 + rng.next(9);
        let mut minute = 0;
        for m in 1..=stop {
            if rng.next(8) == 0 {
                amount += Decimal::from(5 * (1 + rng.next(4)));
            }
            let copies = match rng.next(10) {
                0 => 0,
                1 => 2,
                _ => 1,
            };
            for _ in 0..copies {
                minute += 1;
                balance += amount;
                let (year, month) = (2023 + (m - 1) / 12, 1 + (m - 1) % 12);
                statements.push(format!(
                    "{pid},{year}-{month:02}-05 09:{minute:02}:00,101,{amount},{balance}"
                ));
            }
            if rng.next(4) == 0 {
                minute += 1;
                let spend = Decimal::from(1 + rng.next(40));
                balance -= spend;
                let (year, month) = (2023 + (m - 1) / 12, 1 + (m - 1) % 12);
                statements.push(format!(
                    "{pid},{year}-{month:02}-20 10:{minute:02}:00,门诊消费,-{spend},{balance}"
                ));
            }
        }
        if rng.next(3) == 0 {
            statements.push(format!(
                "{pid},2024-12-30 10:00:00,个人账户转出,-{balance},0.00"
            ));
        }
    }
    statements
}

/// Writes statement lines into `parts` shuffled files; returns the paths shuffled.
fn write_statements(dir: &Path, rows: &[String], parts: usize, rng: &mut Rng) -> Vec<PathBuf> {
    let mut rows = rows.to_vec();
    rng.shuffle(&mut rows);
    let per = rows.len().div_ceil(parts).max(1);
    let mut paths: Vec<PathBuf> = rows
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            let path = dir.join(format!("s{i}.csv"));
            std::fs::write(&path, format!("{S_HEADER}\n{}\n", chunk.join("\n"))).unwrap();
            path
        })
        .collect();
    rng.shuffle(&mut paths);
    paths
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// SPEC 2.2: a statement-first person's findings do not depend on row order or file
    /// split, and none of their credits is CREDIT_UNEXPECTED.
    #[test]
    fn statement_first_findings_do_not_depend_on_row_order_or_file_split(
        seed in any::<u64>(), parts in 1usize..4, threads in 1usize..4,
    ) {
        let s = statement_only_dataset(seed);
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let plain = write_statements(one.path(), &s, 1, &mut Rng(1));
        let shuffled = write_statements(two.path(), &s, parts, &mut Rng(seed ^ 0x5eed));
        let a = outputs(&plain, 1);
        let b = outputs(&shuffled, threads);
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!(String::from_utf8_lossy(x), String::from_utf8_lossy(y));
        }
        let findings = String::from_utf8_lossy(&a[0]);
        prop_assert!(!findings.contains("CREDIT_UNEXPECTED"), "{findings}");
        common::assert_bridges(&a[2]);
    }
}
