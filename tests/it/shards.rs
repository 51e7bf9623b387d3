//! Sharded runs merged back together equal a single run byte for byte.

use crate::common;

use common::bin;

const FILES: &[&str] = &[
    "findings.csv",
    "months.csv",
    "persons.csv",
    "rejected.csv",
    "summary.json",
    "findings.jsonl",
    #[cfg(feature = "parquet")]
    "findings.parquet",
    #[cfg(feature = "parquet")]
    "months.parquet",
    #[cfg(feature = "parquet")]
    "persons.parquet",
];

const FORMATS: &str = if cfg!(feature = "parquet") {
    "csv,json,jsonl,parquet"
} else {
    "csv,json,jsonl"
};

#[test]
fn shards_merged_equal_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let reconcile = |out: &std::path::Path, shard: Option<&str>| {
        let mut args = vec!["--format", FORMATS];
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        common::reconcile_samples(out, &args).assert().code(1);
    };
    let single = dir.path().join("single");
    reconcile(&single, None);
    for n in [1, 3] {
        let mut shards = Vec::new();
        for i in 0..n {
            let out = dir.path().join(format!("shard-{n}-{i}"));
            reconcile(&out, Some(&format!("{i}/{n}")));
            shards.push(out);
        }
        // Shards are merged whatever order they are named in.
        shards.reverse();
        let merged = dir.path().join(format!("merged-{n}"));
        bin()
            .arg("merge")
            .args(&shards)
            .arg("-o")
            .arg(&merged)
            .assert()
            // The single run's status: the samples have errors and a rejected row
            // (merge used to exit 0 here).
            .code(1);
        for f in FILES {
            let a = std::fs::read(single.join(f)).unwrap();
            let b = std::fs::read(merged.join(f)).unwrap();
            assert!(a == b, "{f} differs after merging {n} shard(s)");
        }
    }
    let persons = std::fs::read_to_string(single.join("persons.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert!(persons > 20);
}

#[test]
fn merge_refuses_an_incomplete_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s0");
    bin()
        .args([
            "reconcile",
            "samples/scenarios/06_late_credit",
            "-q",
            "--format",
            "csv,json",
            "--shard",
            "0/2",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0);
    bin()
        .arg("merge")
        .arg(&out)
        .arg("-o")
        .arg(dir.path().join("m"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("need shards 0 to 1"));
    bin()
        .args(["reconcile", "samples/", "--shard", "2/2"])
        .assert()
        .code(2);
}
