//! Report: what the run writes. Every file is written whole or not at all: to a temporary
//! name in the same folder, then renamed over the target.

pub mod tables;

use std::io::Write;
use std::path::Path;

use crate::error::OutputError;
use crate::ingest::{Batch, Rejection};
use crate::lang::Lang;
use crate::mask::IdDisplay;

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
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
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// SPEC's rejected.csv columns.
pub const REJECTED_COLUMNS: [&str; 6] = ["file", "sheet", "row", "column", "value", "reason"];

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
        w.write_record([
            s.path.as_str(),
            s.sheet.as_deref().unwrap_or(""),
            &r.origin.row.to_string(),
            &r.column,
            &ids.text(&r.value),
            &r.reason.message(lang),
        ])?;
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
