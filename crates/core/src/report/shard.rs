//! Sharded runs: each shard writes `shard.json` beside its reports (its people's global
//! ranks and how many rows each has), and `merge` puts the shards' CSV, JSONL and JSON
//! reports back together, identical to a single run's.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
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
        .map(|p| json!([p.rank, p.findings.len(), p.month_rows]))
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

/// One shard's table, read as a stream: each person's rows are copied out in turn.
enum Rows {
    /// CSV records may span lines (quoted line breaks in messages): read as records and
    /// written back with the writer settings that wrote them.
    Csv(csv::Reader<BufReader<File>>, csv::ByteRecord),
    /// findings.jsonl: one line per finding.
    Lines(BufReader<File>, Vec<u8>),
}

/// Where merged rows go: the temporary file of an atomic write.
enum Output<'a> {
    Csv(Box<csv::Writer<&'a mut BufWriter<File>>>),
    Lines(&'a mut BufWriter<File>),
}

impl Rows {
    fn open(path: &Path, csv: bool) -> Result<Rows, MergeError> {
        let file = File::open(path).map_err(|e| bad(path, &e.to_string()))?;
        let file = BufReader::with_capacity(1 << 16, file);
        Ok(if csv {
            let reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(file);
            Rows::Csv(reader, csv::ByteRecord::new())
        } else {
            Rows::Lines(file, Vec::new())
        })
    }

    /// Reads the next row; false at the end.
    fn advance(&mut self, path: &Path) -> Result<bool, MergeError> {
        match self {
            Rows::Csv(reader, record) => reader
                .read_byte_record(record)
                .map_err(|e| bad(path, &e.to_string())),
            Rows::Lines(reader, line) => {
                line.clear();
                let n = reader
                    .read_until(b'\n', line)
                    .map_err(|e| bad(path, &e.to_string()))?;
                Ok(n > 0)
            }
        }
    }

    /// Writes the row last read.
    fn put(&self, out: &mut Output, path: &Path) -> Result<(), MergeError> {
        let written = match (self, out) {
            (Rows::Csv(_, record), Output::Csv(w)) => {
                w.write_byte_record(record).map_err(|e| e.to_string())
            }
            (Rows::Lines(_, line), Output::Lines(w)) => {
                w.write_all(line).map_err(|e| e.to_string())
            }
            _ => Err("a table read as the wrong kind".to_string()),
        };
        written.map_err(|e| bad(path, &e))
    }

    /// Copies the next `n` rows to `out`.
    fn copy(&mut self, n: usize, out: &mut Output, path: &Path) -> Result<(), MergeError> {
        for _ in 0..n {
            if !self.advance(path)? {
                return Err(bad(path, "fewer rows than shard.json says"));
            }
            self.put(out, path)?;
        }
        Ok(())
    }
}

/// Writes table `name` of the merged run: the first shard's header, then every person's
/// rows in rank order, taken from the shard that holds the person. Each shard's file is
/// read once, front to back, so memory stays flat however large the run.
fn merge_table(
    shards: &[ShardReports],
    order: &[(u64, usize)],
    name: &str,
    rows_of: fn(&(u64, usize, usize)) -> usize,
    out: &Path,
) -> Result<(), MergeError> {
    let csv = name.ends_with(".csv");
    let paths: Vec<PathBuf> = shards.iter().map(|s| s.dir.join(name)).collect();
    let mut inputs = paths
        .iter()
        .map(|p| Rows::open(p, csv))
        .collect::<Result<Vec<_>, _>>()?;
    let target = out.join(name);
    super::write_atomic_with(&target, |file| {
        let mut output = if csv {
            Output::Csv(Box::new(csv::Writer::from_writer(file)))
        } else {
            Output::Lines(file)
        };
        if csv {
            for (i, (input, path)) in inputs.iter_mut().zip(&paths).enumerate() {
                if !input.advance(path)? {
                    return Err(bad(path, "empty file"));
                }
                if i == 0 {
                    input.put(&mut output, path)?;
                }
            }
        }
        let mut next_person = vec![0usize; shards.len()];
        for &(_, si) in order {
            let person = &shards[si].persons[next_person[si]];
            next_person[si] += 1;
            inputs[si].copy(rows_of(person), &mut output, &paths[si])?;
        }
        for (input, path) in inputs.iter_mut().zip(&paths) {
            if input.advance(path)? {
                return Err(bad(path, "more rows than shard.json says"));
            }
        }
        if let Output::Csv(w) = output {
            w.into_inner().map_err(|e| bad(&target, &e.to_string()))?;
        }
        Ok(())
    })
}

fn add_counts(total: &mut Value, part: &Value) {
    if let (Some(t), Some(p)) = (total.as_object_mut(), part.as_object()) {
        for (k, v) in p {
            let sum = t.get(k).and_then(Value::as_u64).unwrap_or(0) + v.as_u64().unwrap_or(0);
            t.insert(k.clone(), json!(sum));
        }
    }
}

/// Adds a shard's `credits_outside_span` (counts, and an amount written as exact text).
fn add_outside_span(total: &mut Value, part: &Value) {
    for key in ["persons", "credits"] {
        let sum = total[key].as_u64().unwrap_or(0) + part[key].as_u64().unwrap_or(0);
        total[key] = json!(sum);
    }
    let amount = |v: &Value| {
        v["amount"]
            .as_str()
            .and_then(|a| a.parse::<rust_decimal::Decimal>().ok())
            .unwrap_or_default()
    };
    let sum = (amount(total) + amount(part)).round_dp(2);
    total["amount"] = json!(format!("{sum:.2}"));
}

/// Merges shard folders into `out`: findings.csv, months.csv, persons.csv, rejected.csv,
/// summary.json and (when every shard has them) findings.jsonl and the Parquet files.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Merged, MergeError> {
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
    // Every person once, in rank order, with the shard that holds them. A shard lists its
    // people in its output order, which is rank order.
    let mut order: Vec<(u64, usize)> = Vec::new();
    for (si, s) in shards.iter().enumerate() {
        if s.persons.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(bad(&s.dir.join(SIDECAR), "people out of rank order"));
        }
        order.extend(s.persons.iter().map(|p| (p.0, si)));
    }
    order.sort_unstable();
    if order.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(MergeError::Mismatch(
            "a person appears in two shards".into(),
        ));
    }
    merge_table(&shards, &order, "findings.csv", |p| p.1, out)?;
    merge_table(&shards, &order, "months.csv", |p| p.2, out)?;
    merge_table(&shards, &order, "persons.csv", |_| 1, out)?;
    if shards.iter().all(|s| s.dir.join("findings.jsonl").exists()) {
        merge_table(&shards, &order, "findings.jsonl", |p| p.1, out)?;
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
    let rejected_lines = csv::Reader::from_reader(rejected.as_slice())
        .records()
        .count();
    // Parquet is built from the CSV bytes, so the merged CSVs give the single run's files.
    if shards
        .iter()
        .all(|s| s.dir.join("findings.parquet").is_file())
    {
        let csvs = super::tables::CsvSet {
            findings: read(&out.join("findings.csv"))?.into(),
            months: read(&out.join("months.csv"))?.into(),
            persons: read(&out.join("persons.csv"))?.into(),
            rejected: rejected.into(),
        };
        super::write_parquet(out, &csvs)?;
    }
    let path = first.join("summary.json");
    let mut summary: Value =
        serde_json::from_slice(&read(&path)?).map_err(|e| bad(&path, &e.to_string()))?;
    summary["persons"] = json!(0);
    summary["findings"]["by_severity"] = json!({});
    summary["findings"]["by_code"] = json!({});
    summary["credits_outside_span"] = json!({"persons": 0, "credits": 0, "amount": "0.00"});
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
        add_outside_span(
            &mut summary["credits_outside_span"],
            &part["credits_outside_span"],
        );
        // Every shard read every input; one that could not is not a complete run.
        if part["complete"] == json!(false) {
            summary["complete"] = json!(false);
        }
    }
    let mut json = serde_json::to_vec_pretty(&summary).unwrap_or_default();
    json.push(b'\n');
    write_atomic(&out.join("summary.json"), &json)?;
    let severity = |s: &str| summary["findings"]["by_severity"][s].as_u64().unwrap_or(0);
    Ok(Merged {
        persons: order.len(),
        errors: severity("error"),
        warnings: severity("warning"),
        rejected_rows: rejected_lines,
        complete: summary["complete"] != json!(false),
    })
}

/// Whether every shard's run read every input (summary.json's `complete` is not false):
/// the merged set replaces the last one only then.
pub fn shards_complete(dirs: &[PathBuf]) -> bool {
    dirs.iter()
        .all(|d| crate::ingest::earlier_outputs::run_was_complete(d))
}

/// What a merge put together: enough for the single run's exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merged {
    pub persons: usize,
    pub errors: u64,
    pub warnings: u64,
    /// Rows in rejected.csv (every shard read every input: the same in each).
    pub rejected_rows: usize,
    /// Whether every shard's run read every input.
    pub complete: bool,
}
