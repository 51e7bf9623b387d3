//! months.csv written while people are reconciled: its rows are most of a run's results
//! (36 per person over three years), so they go to the file block by block instead of
//! being held until the end. A thread of its own writes them (unless the run has one
//! thread), so the next block is reconciled meanwhile.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use super::tables::{CsvTable, MONTHS_COLUMNS, months_rows};
use crate::error::OutputError;
use crate::mask::IdDisplay;
use crate::reconcile::PersonReport;

/// A months.csv being written under a temporary name in the output folder; it becomes
/// months.csv (or is removed) in [`MonthsSpool::finish`], and is removed if dropped before.
pub struct MonthsSpool {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<Writer>,
    ids: IdDisplay,
}

/// Where the blocks go: a writing thread, its blocks waiting in a short queue (a slow disk
/// holds back reconciling rather than filling memory) — or, on a one-thread run
/// (`-j 1`), the file itself, written in turn: one thread means one.
enum Writer {
    Thread {
        blocks: SyncSender<CsvTable>,
        thread: JoinHandle<std::io::Result<()>>,
    },
    Inline(File),
}

impl Writer {
    fn start(mut file: File) -> Writer {
        if rayon::current_num_threads() <= 1 {
            return Writer::Inline(file);
        }
        let (blocks, queue) = sync_channel::<CsvTable>(2);
        let thread = std::thread::spawn(move || {
            for block in queue {
                block.write_to(&mut file)?;
            }
            Ok(())
        });
        Writer::Thread { blocks, thread }
    }

    /// Hands `block` over; `false` when the writing thread has stopped (on an error).
    fn send(&mut self, block: CsvTable) -> std::io::Result<bool> {
        match self {
            Writer::Thread { blocks, .. } => Ok(blocks.send(block).is_ok()),
            Writer::Inline(file) => block.write_to(file).map(|()| true),
        }
    }

    /// Waits for every block to be written.
    fn close(self) -> std::io::Result<()> {
        match self {
            Writer::Thread { blocks, thread } => {
                drop(blocks);
                thread
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("the months.csv writer stopped")))
            }
            Writer::Inline(_) => Ok(()),
        }
    }
}

impl MonthsSpool {
    /// Starts `dir/months.csv` (the folder is made if missing), header first.
    pub fn create(dir: &Path, ids: IdDisplay) -> Result<MonthsSpool, OutputError> {
        let path = dir.join("months.csv");
        let io = |source| OutputError::Io {
            path: path.display().to_string(),
            source,
        };
        let tmp = super::temporary_beside(&path)?;
        let file = File::create(&tmp).map_err(io)?;
        let mut spool = MonthsSpool {
            path,
            tmp,
            writer: Some(Writer::start(file)),
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
        if let Some(writer) = self.writer.take() {
            writer.close().map_err(io)?;
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

    fn put(&mut self, bytes: CsvTable) -> Result<(), OutputError> {
        let Some(writer) = &mut self.writer else {
            return Ok(());
        };
        let error = match writer.send(bytes) {
            Ok(true) => return Ok(()),
            Err(e) => e,
            // The writing thread has stopped: its error says why.
            Ok(false) => match self.writer.take().map(Writer::close) {
                Some(Err(e)) => e,
                _ => std::io::Error::other("the months.csv writer stopped"),
            },
        };
        Err(OutputError::Io {
            path: self.path.display().to_string(),
            source: error,
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
        if let Some(writer) = self.writer.take() {
            let _ = writer.close();
        }
        let _ = std::fs::remove_file(&self.tmp);
    }
}
