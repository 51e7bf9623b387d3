//! Report: what the run writes. Every file is written whole or not at all: to a temporary
//! name in the same folder, then renamed over the target.

pub mod changes;
pub mod columnar;
pub mod explain;
pub mod folder;
pub mod html;
pub mod labels;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod shard;
mod spool;
pub mod tables;
pub mod templates;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use crate::error::OutputError;
use crate::ingest::{Batch, Rejection};
use crate::lang::Lang;
use crate::mask::IdDisplay;
pub use spool::MonthsSpool;

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(path, |f| {
        f.write_all(bytes).map_err(|source| OutputError::Io {
            path: path.display().to_string(),
            source,
        })
    })
}

/// Writes `path` atomically through `write`: a temporary file in the same folder, renamed
/// over `path` only when `write` succeeded. No fsync: the rename already makes the file
/// whole or absent for any reader, and syncing the months table (hundreds of MB) cost
/// seconds per run.
pub(crate) fn write_atomic_with<E: From<OutputError>>(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<(), E>,
) -> Result<(), E> {
    let io = |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    };
    let (tmp, file) = temporary_beside(path)?;
    let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
    let result = write(&mut file).and_then(|()| {
        // Flushed and closed before the rename.
        let closed = file.into_inner().map_err(|e| e.into_error());
        closed
            .and_then(|f| {
                drop(f);
                std::fs::rename(&tmp, path)
            })
            .map_err(|e| E::from(io(e)))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The temporary file a report is written to before the rename (its folder made if
/// missing): hidden, beside it, with a random name, created exclusively — a symlink or
/// file planted under a temporary name makes another name be chosen, it never redirects
/// the write (`.person.html.tmp-<pid>` was predictable and followed).
pub(crate) fn temporary_beside(
    path: &Path,
) -> Result<(std::path::PathBuf, std::fs::File), OutputError> {
    let io = |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let prefix = format!(".{name}.tmp-");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).rand_bytes(10);
    #[cfg(unix)]
    {
        // As any file the user makes: the umask decides, not 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let file = builder.tempfile_in(dir).map_err(io)?;
    let (file, tmp) = file.keep().map_err(|e| io(e.error))?;
    Ok((tmp, file))
}

/// Escapes text for HTML (the one place outside the templates: a template's own error).
pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Whether a spreadsheet would run this CSV cell (SPEC 2.3, the OWASP rule, as SPEC 2.7
/// amends it): it starts with `=`, `+`, `@`, a tab, a carriage return, or `-` — unless the
/// whole cell is a number (`-12.50` stays a number; `-2+3+cmd|' /C calc'!A0` does not).
pub fn runs_in_a_spreadsheet(cell: &[u8]) -> bool {
    match cell.first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r') => true,
        Some(b'-') => !is_plain_number(&cell[1..]),
        _ => false,
    }
}

/// Digits with at most one decimal point, at least one digit: `12`, `12.50`, `.5`.
fn is_plain_number(s: &[u8]) -> bool {
    let digits = s.iter().filter(|b| b.is_ascii_digit()).count();
    let points = s.iter().filter(|b| **b == b'.').count();
    digits > 0 && points <= 1 && digits + points == s.len()
}

/// A CSV cell safe to open in Excel or WPS: one that would run gets a leading `'`
/// (shown as text, not run). Idempotent: a neutralised cell starts with `'`.
pub fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if runs_in_a_spreadsheet(cell.as_bytes()) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// SPEC's rejected.csv columns.
pub use crate::columns::REJECTED_COLUMNS;

/// rejected.csv: one line per rejected row, IDs in values masked unless shown.
pub fn rejected_csv(
    batch: &Batch,
    rejected: &[Rejection],
    ids: IdDisplay,
    lang: Lang,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(REJECTED_COLUMNS)?;
    for r in rejected {
        let s = batch.source(r.origin);
        let row = [
            ids.text(&s.path).into_owned(),
            ids.text(s.sheet.as_deref().unwrap_or("")).into_owned(),
            r.origin.row.to_string(),
            ids.text(&r.column).into_owned(),
            ids.text(&r.value).into_owned(),
            ids.text(&r.reason.message(lang)).into_owned(),
        ];
        w.write_record(row.iter().map(|cell| safe_cell(cell).into_owned()))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Writes rejected.csv to `path`.
pub fn write_rejected(
    path: &Path,
    batch: &Batch,
    ids: IdDisplay,
    lang: Lang,
) -> Result<(), OutputError> {
    let bytes =
        rejected_csv(batch, &batch.rejected, ids, lang).map_err(|source| OutputError::Csv {
            path: path.display().to_string(),
            source,
        })?;
    write_atomic(path, &bytes)
}

/// Report formats (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// findings.csv, months.csv, persons.csv, rejected.csv
    Csv,
    /// summary.json
    Json,
    /// findings.jsonl
    Jsonl,
    /// report.xlsx
    Xlsx,
    /// report.html
    Html,
    /// findings.parquet, months.parquet, persons.parquet (only in a build with the
    /// `parquet` feature; see [`Format::available`])
    Parquet,
}

impl Format {
    pub const DEFAULT: [Format; 3] = [Format::Csv, Format::Json, Format::Xlsx];

    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            "xlsx" => Some(Format::Xlsx),
            "html" => Some(Format::Html),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// Whether this build can write the format: Parquet needs the `parquet` feature.
    pub fn available(self) -> bool {
        self != Format::Parquet || cfg!(feature = "parquet")
    }

    /// Whether the format holds the months table (months.csv, the workbook's 明细 sheet,
    /// months.parquet); the others need only the per-period totals.
    pub fn needs_months(self) -> bool {
        matches!(self, Format::Csv | Format::Xlsx | Format::Parquet)
    }
}

/// What a run writes, and how.
pub struct ReportJob<'a> {
    pub dir: &'a Path,
    pub formats: &'a [Format],
    pub ids: IdDisplay,
    pub lang: Lang,
    /// A previous run's folder: changes.csv compares its findings.csv with this run's.
    pub previous: Option<&'a Path>,
    /// The shard this run is, if it is one: shard.json is written for `merge`.
    pub shard: Option<crate::reconcile::Shard>,
}

/// Counts of what changed since the previous run, when there was one.
pub type ChangeCounts = Option<(usize, usize)>;

/// Writes every report file of a run, each whole or not at all.
///
/// `months`: months.csv as streamed while reconciling ([`MonthsSpool`]), if it was; it
/// becomes months.csv with the csv format, and is read back for the workbook and Parquet.
pub fn write_reports(
    job: &ReportJob,
    run: &crate::reconcile::Reconciliation,
    batch: &Batch,
    policy: &crate::policy::Policy,
    months: Option<MonthsSpool>,
) -> Result<ChangeCounts, OutputError> {
    let path = |name: &str| job.dir.join(name);
    let csv_err = |name: &str| {
        let p = path(name).display().to_string();
        move |source| OutputError::Csv { path: p, source }
    };
    let wants = |f: Format| job.formats.contains(&f);
    // Without a spool the months were kept — or dropped because no format shows them.
    let streamed = months.is_some();
    let mut csvs = tables::CsvSet::build(run, batch, job.ids, job.lang, !streamed)
        .map_err(csv_err("findings.csv"))?;
    // The formats that read a table back whole; csv, json and jsonl write it as made.
    let whole = job.previous.is_some()
        || [Format::Xlsx, Format::Parquet, Format::Html]
            .into_iter()
            .any(wants);
    if whole {
        csvs.join();
    }
    let changes = match job.previous {
        None => None,
        Some(dir) => {
            let file = dir.join("findings.csv");
            let before = std::fs::read(&file).map_err(|e| OutputError::Previous {
                path: file.display().to_string(),
                message: e.to_string(),
            })?;
            let c = changes::compare(&before, &csvs.findings.bytes()).map_err(|e| {
                OutputError::Previous {
                    path: file.display().to_string(),
                    message: e.to_string(),
                }
            })?;
            write_atomic(&path("changes.csv"), &c.csv)?;
            Some((c.new, c.resolved))
        }
    };
    // After the checks that can refuse the run (a missing previous folder).
    if let Some(spool) = months {
        let read_back = wants(Format::Xlsx) || wants(Format::Parquet);
        if let Some(bytes) = spool.finish(wants(Format::Csv), read_back)? {
            csvs.months = bytes.into();
        }
    }
    if wants(Format::Csv) {
        // Written side by side: formatting is done, the writes overlap.
        use rayon::prelude::*;
        [
            ("findings.csv", &csvs.findings),
            ("months.csv", &csvs.months),
            ("persons.csv", &csvs.persons),
            ("rejected.csv", &csvs.rejected),
        ]
        .par_iter()
        .filter(|(name, _)| !(streamed && *name == "months.csv"))
        .try_for_each(|(name, table)| {
            let path = path(name);
            write_atomic_with(&path, |f| {
                table.write_to(f).map_err(|source| OutputError::Io {
                    path: path.display().to_string(),
                    source,
                })
            })
        })?;
    }
    // Always: summary.json is what marks the folder as a report set (SPEC 2.3), so that the
    // next run may replace it and no run reads it as input; `complete` records the run.
    {
        let summary = tables::summary_json(run, batch, policy, job.ids, changes);
        let mut json = serde_json::to_vec_pretty(&summary).unwrap_or_default();
        json.push(b'\n');
        write_atomic(&path("summary.json"), &json)?;
    }
    if wants(Format::Jsonl) {
        write_atomic(
            &path("findings.jsonl"),
            &tables::findings_jsonl(run, job.ids),
        )?;
    }
    if wants(Format::Xlsx) {
        let bytes = xlsx::workbook(run, &csvs, job.lang).map_err(|e| OutputError::Xlsx {
            path: path("report.xlsx").display().to_string(),
            message: e.to_string(),
        })?;
        write_atomic(&path("report.xlsx"), &bytes)?;
    }
    if wants(Format::Parquet) {
        write_parquet(job.dir, &csvs)?;
    }
    if let Some(shard) = job.shard {
        write_atomic(&path(shard::SIDECAR), &shard::sidecar(run, shard))?;
    }
    if wants(Format::Html) {
        let page = html::report(run, &csvs, &policy.name, job.lang);
        write_atomic(&path("report.html"), job.ids.text(&page).as_bytes())?;
    }
    Ok(changes)
}

#[cfg(feature = "parquet")]
pub(crate) fn write_parquet(dir: &Path, csvs: &tables::CsvSet) -> Result<(), OutputError> {
    for (name, table) in [
        ("findings.parquet", &csvs.findings),
        ("months.parquet", &csvs.months),
        ("persons.parquet", &csvs.persons),
    ] {
        let path = dir.join(name);
        let bytes = parquet::from_csv(&table.bytes()).map_err(|message| OutputError::Parquet {
            path: path.display().to_string(),
            message,
        })?;
        write_atomic(&path, &bytes)?;
    }
    Ok(())
}

#[cfg(not(feature = "parquet"))]
pub(crate) fn write_parquet(dir: &Path, _: &tables::CsvSet) -> Result<(), OutputError> {
    Err(OutputError::Parquet {
        path: dir.join("findings.parquet").display().to_string(),
        message: "this build has no Parquet support: install with `--features parquet`".into(),
    })
}

#[cfg(test)]
mod safe_cell_tests {
    use super::safe_cell;

    #[test]
    fn cells_a_spreadsheet_would_run_get_a_quote_once() {
        for live in [
            "=1+1",
            "+cmd",
            "@SUM(1)",
            "\tx",
            "\rx",
            "-x",
            "-",
            "=HYPERLINK(\"a\")",
            // SPEC 2.7: a minus and a digit do not make a number.
            "-2+3+cmd|' /C calc'!A0",
            "-1+HYPERLINK(\"http://x\")",
            "-1-1",
            "-1.2.3",
        ] {
            let safe = safe_cell(live);
            assert_eq!(safe, format!("'{live}"));
            assert_eq!(safe_cell(&safe), safe, "idempotent");
        }
        for inert in ["-12.50", "-0.05", "12", "", "王芳", "2024-03", "'=x", "a=b"] {
            assert_eq!(safe_cell(inert), inert);
        }
    }
}

#[cfg(test)]
mod atomic_tests {
    /// A symlink planted where the temporary file used to be made (`.NAME.tmp-<pid>`, the
    /// writer's own pid: predictable) is neither followed nor replaced: the victim keeps
    /// its bytes and the report is written.
    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_at_a_temporary_name_does_not_redirect_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let planted = dir
            .path()
            .join(format!(".person.html.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let target = dir.path().join("person.html");
        super::write_atomic(&target, b"<html>").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        assert_eq!(std::fs::read(&target).unwrap(), b"<html>");
        assert!(
            std::fs::symlink_metadata(&planted)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}
