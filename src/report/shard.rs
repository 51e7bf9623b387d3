//! Sharded runs: each shard writes `shard.json` beside its reports (its people's global
//! ranks and how many rows each has), and `merge` puts the shards' CSV, JSONL and JSON
//! reports back together, identical to a single run's.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use thiserror::Error;

use super::write_atomic;
use crate::error::OutputError;
use crate::reconcile::{Reconciliation, Shard};

/// The sidecar each shard writes.
pub const SIDECAR: &str = "shard.json";

#[derive(Debug, Error)]
pub enum MergeError {
    #[error("{path}: cannot read: {message}")]
    Read { path: String, message: String },
    #[error("{0}")]
    Mismatch(String),
    #[error(transparent)]
    Write(#[from] OutputError),
}

/// shard.json: which shard, and per person (in output order) its rank among all people
/// and its rows in findings.csv and months.csv. Ranks are counts, nothing personal.
pub fn sidecar(run: &Reconciliation, shard: Shard) -> Vec<u8> {
    let persons: Vec<Value> = run
        .persons
        .iter()
        .map(|p| json!([p.rank, p.findings.len(), p.months.len()]))
        .collect();
    let mut out =
        serde_json::to_vec(&json!({"shard": shard.index, "of": shard.of, "persons": persons}))
            .unwrap_or_default();
    out.push(b'\n');
    out
}

fn read(path: &Path) -> Result<Vec<u8>, MergeError> {
    std::fs::read(path).map_err(|e| MergeError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

fn bad(path: &Path, what: &str) -> MergeError {
    MergeError::Read {
        path: path.display().to_string(),
        message: what.to_string(),
    }
}

/// One shard's reports, split into per-person blocks of rows.
struct ShardReports {
    dir: PathBuf,
    index: u64,
    of: u64,
    /// (rank, findings rows, months rows) per person, in output order.
    persons: Vec<(u64, usize, usize)>,
}

fn load(dir: &Path) -> Result<ShardReports, MergeError> {
    let path = dir.join(SIDECAR);
    let v: Value = serde_json::from_slice(&read(&path)?).map_err(|e| bad(&path, &e.to_string()))?;
    let num = |k: &str| {
        v[k].as_u64()
            .ok_or_else(|| bad(&path, &format!("no '{k}'")))
    };
    let persons = v["persons"]
        .as_array()
        .ok_or_else(|| bad(&path, "no 'persons'"))?
        .iter()
        .map(|p| {
            let n = |i: usize| {
                p[i].as_u64()
                    .ok_or_else(|| bad(&path, "a malformed person entry"))
            };
            Ok((n(0)?, n(1)? as usize, n(2)? as usize))
        })
        .collect::<Result<Vec<_>, MergeError>>()?;
    Ok(ShardReports {
        dir: dir.to_path_buf(),
        index: num("shard")?,
        of: num("of")?,
        persons,
    })
}

/// Splits lines (after a header, when `header`) into per-person blocks of `sizes`.
fn blocks(
    bytes: &[u8],
    header: bool,
    sizes: &[usize],
    path: &Path,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), MergeError> {
    // CSV records may span lines (quoted line breaks in messages): read them as records and
    // write them back with the same writer settings that wrote them.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let mut head = Vec::new();
    if header {
        let rec = records
            .next()
            .ok_or_else(|| bad(path, "empty file"))?
            .map_err(|e| bad(path, &e.to_string()))?;
        head = write_records(std::slice::from_ref(&rec));
    }
    let mut out = Vec::with_capacity(sizes.len());
    for &n in sizes {
        let mut block = Vec::with_capacity(n);
        for _ in 0..n {
            let rec = records
                .next()
                .ok_or_else(|| bad(path, "fewer rows than shard.json says"))?
                .map_err(|e| bad(path, &e.to_string()))?;
            block.push(rec);
        }
        out.push(write_records(&block));
    }
    if records.next().is_some() {
        return Err(bad(path, "more rows than shard.json says"));
    }
    Ok((head, out))
}

fn write_records(records: &[csv::ByteRecord]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        let _ = w.write_byte_record(r);
    }
    w.into_inner().unwrap_or_default()
}

/// Splits findings.jsonl into per-person blocks of lines.
fn jsonl_blocks(bytes: &[u8], sizes: &[usize], path: &Path) -> Result<Vec<Vec<u8>>, MergeError> {
    let mut lines = bytes.split_inclusive(|b| *b == b'\n');
    let mut out = Vec::with_capacity(sizes.len());
    for &n in sizes {
        let mut block = Vec::new();
        for _ in 0..n {
            block.extend_from_slice(
                lines
                    .next()
                    .ok_or_else(|| bad(path, "fewer lines than shard.json says"))?,
            );
        }
        out.push(block);
    }
    Ok(out)
}

fn add_counts(total: &mut Value, part: &Value) {
    if let (Some(t), Some(p)) = (total.as_object_mut(), part.as_object()) {
        for (k, v) in p {
            let sum = t.get(k).and_then(Value::as_u64).unwrap_or(0) + v.as_u64().unwrap_or(0);
            t.insert(k.clone(), json!(sum));
        }
    }
}

/// Merges shard folders into `out`: findings.csv, months.csv, persons.csv, rejected.csv,
/// summary.json and (when every shard has them) findings.jsonl and the Parquet files. Returns the people merged.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<usize, MergeError> {
    let mut shards = dirs
        .iter()
        .map(|d| load(d))
        .collect::<Result<Vec<_>, _>>()?;
    shards.sort_by_key(|s| s.index);
    let of = shards.first().map(|s| s.of).unwrap_or(0);
    let indices: Vec<u64> = shards.iter().map(|s| s.index).collect();
    if of == 0 || shards.iter().any(|s| s.of != of) || indices != (0..of).collect::<Vec<_>>() {
        return Err(MergeError::Mismatch(format!(
            "need shards 0 to {} of one run, got {:?} of {:?}",
            of.saturating_sub(1),
            indices,
            shards.iter().map(|s| s.of).collect::<Vec<_>>()
        )));
    }
    // (rank, shard, person) → the person's blocks.
    let mut order: Vec<(u64, usize, usize)> = Vec::new();
    let mut parts: Vec<[Vec<Vec<u8>>; 4]> = Vec::new();
    let mut heads = [Vec::new(), Vec::new(), Vec::new()];
    let with_jsonl = shards.iter().all(|s| s.dir.join("findings.jsonl").exists());
    for (si, s) in shards.iter().enumerate() {
        let findings_sizes: Vec<usize> = s.persons.iter().map(|p| p.1).collect();
        let months_sizes: Vec<usize> = s.persons.iter().map(|p| p.2).collect();
        let ones = vec![1; s.persons.len()];
        let split = |name: &str, sizes: &[usize]| {
            let path = s.dir.join(name);
            blocks(&read(&path)?, true, sizes, &path)
        };
        let (fh, f) = split("findings.csv", &findings_sizes)?;
        let (mh, m) = split("months.csv", &months_sizes)?;
        let (ph, p) = split("persons.csv", &ones)?;
        heads = [fh, mh, ph];
        let j = if with_jsonl {
            let path = s.dir.join("findings.jsonl");
            jsonl_blocks(&read(&path)?, &findings_sizes, &path)?
        } else {
            Vec::new()
        };
        for (pi, person) in s.persons.iter().enumerate() {
            order.push((person.0, si, pi));
        }
        parts.push([f, m, p, j]);
    }
    order.sort();
    if order.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(MergeError::Mismatch(
            "a person appears in two shards".into(),
        ));
    }
    let names = [
        "findings.csv",
        "months.csv",
        "persons.csv",
        "findings.jsonl",
    ];
    let mut merged: [Vec<u8>; 3] = Default::default();
    for (k, name) in names.iter().enumerate() {
        if k == 3 && !with_jsonl {
            continue;
        }
        let mut bytes = if k < 3 { heads[k].clone() } else { Vec::new() };
        for &(_, si, pi) in &order {
            bytes.extend_from_slice(&parts[si][k][pi]);
        }
        write_atomic(&out.join(name), &bytes)?;
        if k < 3 {
            merged[k] = bytes;
        }
    }
    // Every shard read every input: their rejected rows and input counts are the same.
    let first = &shards[0].dir;
    let rejected = read(&first.join("rejected.csv"))?;
    for s in &shards[1..] {
        if read(&s.dir.join("rejected.csv"))? != rejected {
            return Err(MergeError::Mismatch(format!(
                "{} and {} read different inputs (rejected.csv differs)",
                first.display(),
                s.dir.display()
            )));
        }
    }
    write_atomic(&out.join("rejected.csv"), &rejected)?;
    // Parquet is built from the CSV bytes, so the merged CSVs give the single run's files.
    if shards
        .iter()
        .all(|s| s.dir.join("findings.parquet").is_file())
    {
        let [findings, months, persons] = merged;
        let csvs = super::tables::CsvSet {
            findings,
            months,
            persons,
            rejected,
        };
        super::write_parquet(out, &csvs)?;
    }
    let path = first.join("summary.json");
    let mut summary: Value =
        serde_json::from_slice(&read(&path)?).map_err(|e| bad(&path, &e.to_string()))?;
    summary["persons"] = json!(0);
    summary["findings"]["by_severity"] = json!({});
    summary["findings"]["by_code"] = json!({});
    if let Some(map) = summary.as_object_mut() {
        map.remove("changes");
    }
    for s in &shards {
        let path = s.dir.join("summary.json");
        let part: Value =
            serde_json::from_slice(&read(&path)?).map_err(|e| bad(&path, &e.to_string()))?;
        summary["persons"] =
            json!(summary["persons"].as_u64().unwrap_or(0) + part["persons"].as_u64().unwrap_or(0));
        add_counts(
            &mut summary["findings"]["by_severity"],
            &part["findings"]["by_severity"],
        );
        add_counts(
            &mut summary["findings"]["by_code"],
            &part["findings"]["by_code"],
        );
    }
    let mut json = serde_json::to_vec_pretty(&summary).unwrap_or_default();
    json.push(b'\n');
    write_atomic(&out.join("summary.json"), &json)?;
    Ok(order.len())
}
