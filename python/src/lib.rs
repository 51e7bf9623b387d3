//! `yibao_recon._native`: the engine for Python, over Arrow. The Python package
//! (`python/yibao_recon/`) wraps it; the Spark job calls its three stages.
//!
//! Tables come in through the Arrow C stream interface (pyarrow, pandas, polars) and are
//! read cell by cell by the engine's own rules — a table is a file whose header is its
//! column names — and the reports go out as Arrow record batches, typed as the Parquet
//! reports are. The GIL is released while the engine runs.

mod arrow_in;
mod arrow_out;
mod error;

use std::path::PathBuf;

use pyo3::exceptions::{PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3_arrow::{PyRecordBatch, PyTable};

use yibao_recon::embed::{self, PartMeta, PartTotals, Plan};
use yibao_recon::ingest::{self, InputFile, MemoryFile, Retain};
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::policy::Policy;
use yibao_recon::records::Kind;

/// The options of a run, checked once (policy parsed, date and language read) and handed
/// to each of its calls; pickled to Spark's workers as what they were made from.
#[pyclass(frozen, module = "yibao_recon._native")]
struct Options {
    policy: Policy,
    as_of: Option<chrono::NaiveDate>,
    lang: Lang,
    ids: IdDisplay,
    given: Given,
}

/// What [`Options`] were made from: policy name, policy text, its origin, as-of, lang,
/// show_ids.
type Given = (
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    bool,
);

#[pymethods]
impl Options {
    /// `policy_name`: a preset; `policy_text`: a policy file's text, read where the run
    /// started (an executor need not see the driver's files), `policy_origin` its path.
    #[new]
    #[pyo3(signature = (policy_name=None, policy_text=None, policy_origin="policy".to_string(), as_of=None, lang="zh".to_string(), show_ids=false))]
    fn new(
        policy_name: Option<String>,
        policy_text: Option<String>,
        policy_origin: String,
        as_of: Option<String>,
        lang: String,
        show_ids: bool,
    ) -> PyResult<Options> {
        let policy = match (&policy_name, &policy_text) {
            (_, Some(text)) => Policy::from_toml(text, &policy_origin),
            (Some(name), None) => Policy::load(name),
            (None, None) => Policy::load("national"),
        }
        .map_err(error::policy)?;
        let date = as_of
            .as_deref()
            .map(|d| {
                chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                    .map_err(|_| PyValueError::new_err(format!("as_of {d:?}: use YYYY-MM-DD")))
            })
            .transpose()?;
        Ok(Options {
            policy,
            as_of: date,
            lang: lang.parse().map_err(PyValueError::new_err)?,
            ids: if show_ids {
                IdDisplay::Full
            } else {
                IdDisplay::Masked
            },
            given: (
                policy_name,
                policy_text,
                policy_origin,
                as_of,
                lang,
                show_ids,
            ),
        })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> (Bound<'py, pyo3::types::PyType>, Given) {
        (py.get_type::<Options>(), self.given.clone())
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
fn reconcile<'py>(
    py: Python<'py>,
    paths: Vec<(String, Option<String>)>,
    tables: Vec<(String, Option<String>, PyTable)>,
    options: &Options,
) -> PyResult<Reports<'py>> {
    let ids = options.ids;
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
            layout: None,
            follow: false,
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
        embed::run(batch, &options.policy, options.as_of, options.lang, ids)
    });
    let outcome = outcome.map_err(error::nothing_recognised)?;
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
    error::internal(e)
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
fn read_batch<'py>(
    py: Python<'py>,
    batch: PyRecordBatch,
    name: String,
    kind: Option<&str>,
    file: u32,
    first_row: u32,
    options: &Options,
) -> PyResult<Part<'py>> {
    let (kind, lang, ids) = (kind_of(kind)?, options.lang, options.ids);
    let batch = batch.into_inner();
    let part = py.detach(move || {
        let schema = batch.schema();
        let read = arrow_in::read_table(&name, kind, &schema, &[batch], first_row.max(2));
        let batch = ingest::read_files_and_tables(&[], vec![(name, read)]);
        embed::read_part(batch, file, first_row > 2, lang, ids)
    });
    part_out(py, part.map_err(error::part)?)
}

/// Stage 1 over a whole file held in memory (any file the CLI reads: GBK CSV, XLSX…).
/// `named`: the file was named by itself, not found in a folder — one that gives nothing
/// then degrades the run, as in the CLI.
#[pyfunction]
fn read_file<'py>(
    py: Python<'py>,
    name: String,
    content: Vec<u8>,
    file: u32,
    named: bool,
    options: &Options,
) -> PyResult<Part<'py>> {
    let (lang, ids) = (options.lang, options.ids);
    let part = py.detach(move || {
        let upload = MemoryFile {
            name,
            bytes: content,
            person: None,
            layout: None,
        };
        let batch = if named {
            ingest::read_memory_files(vec![upload], Retain::Records)
        } else {
            ingest::read_found_memory_files(vec![upload], Retain::Records)
        };
        embed::read_part(batch, file, false, lang, ids)
    });
    part_out(py, part.map_err(error::part)?)
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
        return Err(error::input(f));
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
        .map_err(error::part)?;
    let mut plan = Plan::of(parts);
    let skipped: Vec<ingest::SkippedInput> =
        serde_json::from_str(&skipped_inputs).map_err(error::part)?;
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
fn reconcile_part<'py>(
    py: Python<'py>,
    plan: &str,
    records: PyTable,
    options: &Options,
) -> PyResult<PartReports<'py>> {
    let plan: Plan = serde_json::from_str(plan).map_err(error::part)?;
    let (batches, _) = records.into_inner();
    let outcome = py.detach(move || -> Result<_, String> {
        let mut received = Vec::new();
        for b in &batches {
            arrow_in::received(b, &mut received)?;
        }
        let o = options;
        embed::reconcile_part(
            &plan,
            received.into_iter(),
            &o.policy,
            o.as_of,
            o.lang,
            o.ids,
        )
        .map_err(|e| e.to_string())
    });
    let outcome = outcome.map_err(error::part)?;
    Ok((
        arrow_out::table(py, &outcome.findings)?,
        arrow_out::table(py, &outcome.months)?,
        arrow_out::table(py, &outcome.persons)?,
        serde_json::to_string(&outcome.totals).map_err(to_py)?,
    ))
}

/// summary.json (text) of a run split over machines: the plan and the parts' totals.
#[pyfunction]
fn summary(plan: &str, totals: Vec<String>, options: &Options) -> PyResult<String> {
    let plan: Plan = serde_json::from_str(plan).map_err(error::part)?;
    let parts = totals
        .iter()
        .map(|t| serde_json::from_str::<PartTotals>(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(error::part)?;
    let o = options;
    let value = embed::summary(&plan, parts, &o.policy, o.as_of, o.ids);
    serde_json::to_string(&value).map_err(to_py)
}

/// `text` with every ID number in it masked, as every output masks them.
#[pyfunction]
fn mask(text: &str) -> String {
    IdDisplay::Masked.text(text).into_owned()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    error::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Options>()?;
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
