//! months.csv written while people are reconciled: its rows are most of a run's results
//! (36 per person over three years), so they go to the file block by block instead of
//! being held until the end.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::tables::{MONTHS_COLUMNS, months_rows};
use crate::error::OutputError;
use crate::mask::IdDisplay;
use crate::reconcile::PersonReport;

/// A months.csv being written under a temporary name in the output folder; it becomes
/// months.csv (or is removed) in [`MonthsSpool::finish`], and is removed if dropped before.
pub struct MonthsSpool {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
    ids: IdDisplay,
}

impl MonthsSpool {
    /// Starts `dir/months.csv` (the folder is made if missing), header first.
    pub fn create(dir: &Path, ids: IdDisplay) -> Result<MonthsSpool, OutputError> {
        let path = dir.join("months.csv");
        let io = |source| OutputError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp = dir.join(format!(".months.csv.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(io)?;
        let mut spool = MonthsSpool {
            path,
            tmp,
            file: Some(BufWriter::with_capacity(1 << 20, file)),
            ids,
        };
        let header = months_rows(&[], Some(&MONTHS_COLUMNS), ids).map_err(|e| spool.csv(e))?;
        spool.put(&header)?;
        Ok(spool)
    }

    /// Writes the month rows of `persons` (the next ones in output order) and drops them
    /// from the reports.
    pub fn write(&mut self, persons: &mut [PersonReport]) -> Result<(), OutputError> {
        let rows = months_rows(persons, None, self.ids).map_err(|e| self.csv(e))?;
        self.put(&rows)?;
        for p in persons {
            p.months = Vec::new();
        }
        Ok(())
    }

    /// Closes the file: it becomes months.csv when `keep`, else it is removed. With
    /// `read_back`, returns its bytes for the formats built from the table (workbook,
    /// Parquet).
    pub fn finish(mut self, keep: bool, read_back: bool) -> Result<Option<Vec<u8>>, OutputError> {
        let io = |source| OutputError::Io {
            path: self.path.display().to_string(),
            source,
        };
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(|e| io(e.into_error()))?;
            drop(file);
        }
        let bytes = if read_back {
            Some(std::fs::read(&self.tmp).map_err(io)?)
        } else {
            None
        };
        if keep {
            std::fs::rename(&self.tmp, &self.path).map_err(io)?;
        }
        Ok(bytes)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), OutputError> {
        let result = match &mut self.file {
            Some(f) => f.write_all(bytes),
            None => Ok(()),
        };
        result.map_err(|source| OutputError::Io {
            path: self.path.display().to_string(),
            source,
        })
    }

    fn csv(&self, source: csv::Error) -> OutputError {
        OutputError::Csv {
            path: self.path.display().to_string(),
            source,
        }
    }
}

impl Drop for MonthsSpool {
    /// A run that stopped before [`MonthsSpool::finish`] leaves no half-written table
    /// (and after it, the temporary name is gone already).
    fn drop(&mut self) {
        self.file = None;
        let _ = std::fs::remove_file(&self.tmp);
    }
}
