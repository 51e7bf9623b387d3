//! months.csv written while people are reconciled: its rows are most of a run's results
//! (36 per person over three years), so they go to the file block by block instead of
//! being held until the end. Each block is written as a task on the pool while the next
//! is reconciled ([`crate::reconcile::People::reconcile_in_blocks`]).

use rayon::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::tables::{CsvTable, MONTHS_COLUMNS, months_rows};
use crate::error::OutputError;
use crate::mask::IdDisplay;
use crate::reconcile::PersonReport;

/// A months.csv being written under a temporary name in the output folder; it becomes
/// months.csv (or is removed) in [`MonthsSpool::finish`], and is removed if dropped before.
pub struct MonthsSpool {
    path: PathBuf,
    tmp: PathBuf,
    /// Closed (taken) before the rename: Windows renames no open file.
    file: Option<File>,
    ids: IdDisplay,
}

impl MonthsSpool {
    /// Starts `dir/months.csv` (the folder is made if missing), header first.
    pub fn create(dir: &Path, ids: IdDisplay) -> Result<MonthsSpool, OutputError> {
        let path = dir.join("months.csv");
        let (tmp, file) = super::temporary_beside(&path)?;
        let mut spool = MonthsSpool {
            path,
            tmp,
            file: Some(file),
            ids,
        };
        let header = months_rows(&[], Some(&MONTHS_COLUMNS), ids).map_err(|e| spool.csv(e))?;
        spool.put(header)?;
        Ok(spool)
    }

    /// Writes the month rows of `persons` (the next ones in output order) and drops them
    /// from the reports.
    pub fn write(&mut self, persons: &mut [PersonReport]) -> Result<(), OutputError> {
        let rows = months_rows(persons, None, self.ids).map_err(|e| self.csv(e))?;
        self.put(rows)?;
        // Freed on both threads: 18k rows one by one were a serial tail of each block.
        persons
            .par_iter_mut()
            .with_max_len(64)
            .for_each(|p| p.months = Vec::new());
        Ok(())
    }

    /// Closes the file: it becomes months.csv when `keep`, else it is removed. With
    /// `read_back`, returns its bytes for the formats built from the table (workbook,
    /// Parquet).
    pub fn finish(mut self, keep: bool, read_back: bool) -> Result<Option<Vec<u8>>, OutputError> {
        drop(self.file.take());
        let io = |source| OutputError::Io {
            path: self.path.display().to_string(),
            source,
        };
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

    fn put(&mut self, bytes: CsvTable) -> Result<(), OutputError> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        bytes.write_to(file).map_err(|source| OutputError::Io {
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
        let _ = std::fs::remove_file(&self.tmp);
    }
}
