//! `yibao_recon._native`: the engine for Python, over Arrow. The Python package
//! (`python/yibao_recon/`) wraps it; the Spark job calls its three stages.
//!
//! Tables come in through the Arrow C stream interface (pyarrow, pandas, polars) and are
//! read cell by cell by the engine's own rules — a table is a file whose header is its
//! column names — and the reports go out as Arrow record batches, typed as the Parquet
//! reports are. The GIL is released while the engine runs.

mod arrow_in;
mod arrow_out;

use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::{PyRecordBatch, PyTable};

use yibao_recon::embed::{self, PartMeta, PartTotals, Plan};
use yibao_recon::ingest::{self, InputFile, MemoryFile, Retain};
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::policy::Policy;
use yibao_recon::records::Kind;

create_exception!(
    _native,
    YibaoReconError,
    PyException,
    "A run that cannot give an answer; the message says why, as `check` would."
);

fn lang_of(lang: &str) -> PyResult<Lang> {
    lang.parse().map_err(PyValueError::new_err)
}

fn ids_of(show_ids: bool) -> IdDisplay {
    if show_ids {
        IdDisplay::Full
    } else {
        IdDisplay::Masked
    }
}

fn kind_of(kind: Option<&str>) -> PyResult<Option<Kind>> {
    kind.map(|k| match k {
        "contributions" => Ok(Kind::Contributions),
        "statement" | "statements" => Ok(Kind::Statement),
        "roster" => Ok(Kind::Roster),
        other => Err(PyValueError::new_err(format!(
            "unknown kind {other:?}: use contributions, statements or roster"
        ))),
    })
    .transpose()
}

fn as_of_of(as_of: Option<&str>) -> PyResult<Option<chrono::NaiveDate>> {
    as_of
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| PyValueError::new_err(format!("as_of {d:?}: use YYYY-MM-DD")))
        })
        .transpose()
}

/// A preset by name, or a policy file's text (read where the call started: a Spark
/// executor need not see the driver's files).
fn policy_of(name: Option<&str>, text: Option<&str>, origin: &str) -> PyResult<Policy> {
    let policy = match (name, text) {
        (_, Some(text)) => Policy::from_toml(text, origin),
        (Some(name), None) => Policy::load(name),
        (None, None) => Policy::load("national"),
    };
    policy.map_err(|e| YibaoReconError::new_err(e.to_string()))
}

type Reports<'py> = (
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    String,
);

/// One run over files (`paths`, each with its forced kind or none) and tables (name,
/// forced kind, table): findings, months, persons and rejected as pyarrow Tables, and
/// summary.json's text.
#[pyfunction]
#[pyo3(signature = (paths, tables, policy_name=None, policy_text=None, policy_origin="policy", as_of=None, lang="zh", show_ids=false))]
#[allow(clippy::too_many_arguments)]
fn reconcile<'py>(
    py: Python<'py>,
    paths: Vec<(String, Option<String>)>,
    tables: Vec<(String, Option<String>, PyTable)>,
    policy_name: Option<&str>,
    policy_text: Option<&str>,
    policy_origin: &str,
    as_of: Option<&str>,
    lang: &str,
    show_ids: bool,
) -> PyResult<Reports<'py>> {
    let (lang, ids, as_of) = (lang_of(lang)?, ids_of(show_ids), as_of_of(as_of)?);
    let policy = policy_of(policy_name, policy_text, policy_origin)?;
    let mut inputs = Vec::new();
    for (path, kind) in &paths {
        let path = PathBuf::from(path);
        if !path.exists() {
            let shown = ids.text(&path.display().to_string()).into_owned();
            return Err(PyFileNotFoundError::new_err(format!(
                "{shown}: no such file or folder"
            )));
        }
        inputs.push(InputFile {
            path,
            forced: kind_of(kind.as_deref())?,
            person: None,
        });
    }
    let mut given = Vec::new();
    for (name, kind, table) in tables {
        let kind = kind_of(kind.as_deref())?;
        given.push((name, kind, table.into_inner()));
    }
    let outcome = py.detach(move || {
        let tables = given
            .into_iter()
            .map(|(name, kind, (batches, schema))| {
                let read = arrow_in::read_table(&name, kind, &schema, &batches, 2);
                (name, read)
            })
            .collect();
        let batch = ingest::read_files_and_tables(&inputs, tables);
        embed::run(batch, &policy, as_of, lang, ids)
    });
    let outcome = outcome.map_err(|stop| YibaoReconError::new_err(stop.to_string()))?;
    let summary = serde_json::to_string(&outcome.summary).map_err(to_py)?;
    Ok((
        arrow_out::table(py, &outcome.findings)?,
        arrow_out::table(py, &outcome.months)?,
        arrow_out::table(py, &outcome.persons)?,
        arrow_out::table(py, &outcome.rejected)?,
        summary,
    ))
}

fn to_py(e: impl std::fmt::Display) -> PyErr {
    YibaoReconError::new_err(e.to_string())
}

type Part<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>, String);

fn part_out<'py>(py: Python<'py>, part: embed::ReadPart) -> PyResult<Part<'py>> {
    let meta = serde_json::to_string(&part.meta).map_err(to_py)?;
    Ok((
        arrow_out::shipped(py, &part.records)?,
        arrow_out::table(py, &part.rejected)?,
        meta,
    ))
}

/// Stage 1 over a record batch of a table: its rows numbered from `first_row` (the header
/// is the row before). Shipped records, rejected rows, and the part's metadata (JSON).
#[pyfunction]
#[pyo3(signature = (batch, name, kind, file, first_row, lang="zh", show_ids=false))]
#[allow(clippy::too_many_arguments)]
fn read_batch<'py>(
    py: Python<'py>,
    batch: PyRecordBatch,
    name: String,
    kind: Option<&str>,
    file: u32,
    first_row: u32,
    lang: &str,
    show_ids: bool,
) -> PyResult<Part<'py>> {
    let (kind, lang, ids) = (kind_of(kind)?, lang_of(lang)?, ids_of(show_ids));
    let batch = batch.into_inner();
    let part = py.detach(move || {
        let schema = batch.schema();
        let read = arrow_in::read_table(&name, kind, &schema, &[batch], first_row.max(2));
        let batch = ingest::read_files_and_tables(&[], vec![(name, read)]);
        embed::read_part(batch, file, first_row > 2, lang, ids)
    });
    part_out(py, part.map_err(to_py)?)
}

/// Stage 1 over a whole file held in memory (any file the CLI reads: GBK CSV, XLSX…).
/// `named`: the file was named by itself, not found in a folder — one that gives nothing
/// then degrades the run, as in the CLI.
#[pyfunction]
#[pyo3(signature = (name, content, file, named, lang="zh", show_ids=false))]
#[allow(clippy::too_many_arguments)]
fn read_file<'py>(
    py: Python<'py>,
    name: String,
    content: Vec<u8>,
    file: u32,
    named: bool,
    lang: &str,
    show_ids: bool,
) -> PyResult<Part<'py>> {
    let (lang, ids) = (lang_of(lang)?, ids_of(show_ids));
    let part = py.detach(move || {
        let upload = MemoryFile {
            name,
            bytes: content,
            person: None,
        };
        let mut batch = ingest::read_memory_files(vec![upload], Retain::Records);
        if !named {
            let failed: Vec<String> = batch
                .failures
                .iter()
                .map(|f| f.path().to_string())
                .collect();
            batch.unreadable.retain(|u| failed.contains(&u.path));
        }
        embed::read_part(batch, file, false, lang, ids)
    });
    part_out(py, part.map_err(to_py)?)
}

/// The files the CLI would read for these paths, in its order, and the inputs it would
/// skip (JSON), as `reconcile PATHS` finds them.
#[pyfunction]
fn discover(paths: Vec<String>) -> PyResult<(Vec<String>, String)> {
    let inputs: Vec<InputFile> = paths.iter().map(InputFile::new).collect();
    for input in &inputs {
        if !input.path.exists() {
            let shown = IdDisplay::Masked
                .text(&input.path.display().to_string())
                .into_owned();
            return Err(PyFileNotFoundError::new_err(format!(
                "{shown}: no such file or folder"
            )));
        }
    }
    let (files, skipped, failures) = ingest::discover(&inputs);
    if let Some(f) = failures.first() {
        return Err(to_py(f));
    }
    let files = files.iter().map(|f| f.path.display().to_string()).collect();
    Ok((files, serde_json::to_string(&skipped).map_err(to_py)?))
}

/// Stage 2: the parts' metadata (JSON each) into the run's plan (JSON): the whole plan,
/// and the slim copy every partition is sent.
#[pyfunction]
fn plan(parts: Vec<String>, skipped_inputs: String) -> PyResult<(String, String)> {
    let parts = parts
        .iter()
        .map(|p| serde_json::from_str::<PartMeta>(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(to_py)?;
    let mut plan = Plan::of(parts);
    let skipped: Vec<ingest::SkippedInput> =
        serde_json::from_str(&skipped_inputs).map_err(to_py)?;
    plan.skipped_inputs.splice(0..0, skipped);
    let whole = serde_json::to_string(&plan).map_err(to_py)?;
    let slim = serde_json::to_string(&plan.for_partitions()).map_err(to_py)?;
    Ok((whole, slim))
}

type PartReports<'py> = (
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    String,
);

/// Stage 3: reconciles the people whose every shipped record is in `records` (columns
/// `file`, `source`, `record`). findings, months, persons, and the part's totals (JSON).
#[pyfunction]
#[pyo3(signature = (plan, records, policy_name=None, policy_text=None, policy_origin="policy", as_of=None, lang="zh", show_ids=false))]
#[allow(clippy::too_many_arguments)]
fn reconcile_part<'py>(
    py: Python<'py>,
    plan: &str,
    records: PyTable,
    policy_name: Option<&str>,
    policy_text: Option<&str>,
    policy_origin: &str,
    as_of: Option<&str>,
    lang: &str,
    show_ids: bool,
) -> PyResult<PartReports<'py>> {
    let (lang, ids, as_of) = (lang_of(lang)?, ids_of(show_ids), as_of_of(as_of)?);
    let policy = policy_of(policy_name, policy_text, policy_origin)?;
    let plan: Plan = serde_json::from_str(plan).map_err(to_py)?;
    let (batches, _) = records.into_inner();
    let outcome = py.detach(move || -> Result<_, String> {
        let mut received = Vec::new();
        for b in &batches {
            arrow_in::received(b, &mut received)?;
        }
        embed::reconcile_part(&plan, received.into_iter(), &policy, as_of, lang, ids)
            .map_err(|e| e.to_string())
    });
    let outcome = outcome.map_err(to_py)?;
    Ok((
        arrow_out::table(py, &outcome.findings)?,
        arrow_out::table(py, &outcome.months)?,
        arrow_out::table(py, &outcome.persons)?,
        serde_json::to_string(&outcome.totals).map_err(to_py)?,
    ))
}

/// summary.json (text) of a run split over machines: the plan and the parts' totals.
#[pyfunction]
#[pyo3(signature = (plan, totals, policy_name=None, policy_text=None, policy_origin="policy", as_of=None, show_ids=false))]
fn summary(
    plan: &str,
    totals: Vec<String>,
    policy_name: Option<&str>,
    policy_text: Option<&str>,
    policy_origin: &str,
    as_of: Option<&str>,
    show_ids: bool,
) -> PyResult<String> {
    let policy = policy_of(policy_name, policy_text, policy_origin)?;
    let plan: Plan = serde_json::from_str(plan).map_err(to_py)?;
    let parts = totals
        .iter()
        .map(|t| serde_json::from_str::<PartTotals>(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(to_py)?;
    let value = embed::summary(&plan, parts, &policy, as_of_of(as_of)?, ids_of(show_ids));
    serde_json::to_string(&value).map_err(to_py)
}

/// `text` with every ID number in it masked, as every output masks them.
#[pyfunction]
fn mask(text: &str) -> String {
    IdDisplay::Masked.text(text).into_owned()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("YibaoReconError", m.py().get_type::<YibaoReconError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(reconcile, m)?)?;
    m.add_function(wrap_pyfunction!(read_batch, m)?)?;
    m.add_function(wrap_pyfunction!(read_file, m)?)?;
    m.add_function(wrap_pyfunction!(discover, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(reconcile_part, m)?)?;
    m.add_function(wrap_pyfunction!(summary, m)?)?;
    m.add_function(wrap_pyfunction!(mask, m)?)?;
    Ok(())
}
