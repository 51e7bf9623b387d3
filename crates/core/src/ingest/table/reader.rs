//! The reader: the header looked for among the first rows, then every further row read
//! as it comes, in parts that can be read apart and put back together.

use super::header::{Detection, detect_table};
use super::memo::Memos;
use super::{HEADER_SCAN_ROWS, Reason, Row, SkipKind, TableOptions, TableOutput};
use crate::records::Kind;

/// Reads a table row by row: the header is looked for among the first rows, then each
/// further row is handed in as it is read, so a reader can reuse its row buffer.
pub struct TableReader {
    detection: Detection,
    out: TableOutput,
    memos: Memos,
    keep: bool,
}

impl TableReader {
    /// Detects the header among `first` (1-based row number, row) and reads those rows.
    pub fn start<R: Row>(first: &[(u32, R)], opts: TableOptions) -> TableReader {
        let texts: Vec<Vec<String>> = first
            .iter()
            .map(|(_, r)| {
                (0..r.width())
                    .map(|i| r.cell(i).to_text().into_owned())
                    .collect()
            })
            .collect();
        // A layout rule's header row (1-based, as a spreadsheet numbers rows) among the rows.
        let header_at = opts
            .rule()
            .and_then(|r| r.header_row)
            .and_then(|n| first.iter().position(|(row_no, _)| *row_no == n));
        let mut reader = TableReader {
            detection: detect_table(&texts, &opts, header_at),
            out: TableOutput {
                listed_at_most: opts.listed_rejections,
                ..TableOutput::default()
            },
            memos: Memos::default(),
            keep: opts.keep_records,
        };
        if opts.suggest {
            let numbers: Vec<u32> = first.iter().map(|(n, _)| *n).collect();
            reader.out.suggestion =
                super::suggest::suggest(&texts, &numbers, &reader.detection, opts.rule());
        }
        if let Detection::Found(layout) = &reader.detection {
            for (i, (row_no, row)) in first.iter().enumerate() {
                let header_top = layout.header_row - usize::from(layout.map.two_rows);
                match i.cmp(&layout.header_row) {
                    std::cmp::Ordering::Less if i >= header_top => {
                        reader.out.skip(SkipKind::Header)
                    }
                    std::cmp::Ordering::Less => reader.out.skip(if row.is_blank() {
                        SkipKind::Blank
                    } else {
                        SkipKind::Title
                    }),
                    std::cmp::Ordering::Equal => reader.out.skip(SkipKind::Header),
                    std::cmp::Ordering::Greater => {
                        let keep = reader.keep;
                        reader
                            .out
                            .data_row(layout, &mut reader.memos, keep, *row_no, row)
                    }
                }
            }
        }
        reader
    }

    /// Reads one row after the first ones.
    pub fn row<R: Row + ?Sized>(&mut self, row_no: u32, row: &R) {
        if let Detection::Found(layout) = &self.detection {
            self.out
                .data_row(layout, &mut self.memos, self.keep, row_no, row);
        }
    }

    /// Makes room for about `rows` more records.
    pub fn reserve(&mut self, rows: usize) {
        if let Detection::Found(layout) = &self.detection
            && self.keep
        {
            match layout.kind {
                Kind::Contributions => self.out.contributions.reserve(rows),
                Kind::Statement => self.out.entries.reserve(rows),
                Kind::Roster => self.out.roster.reserve(rows),
            }
        }
    }

    pub fn is_found(&self) -> bool {
        matches!(self.detection, Detection::Found(_))
    }

    /// A reader for a later part of the same table: the same layout, nothing read yet.
    pub fn fork(&self) -> TableReader {
        TableReader {
            detection: self.detection.clone(),
            out: TableOutput {
                listed_at_most: self.out.listed_at_most,
                ..TableOutput::default()
            },
            memos: Memos::default(),
            keep: self.keep,
        }
    }

    /// Appends what `part` read, its row numbers shifted by `offset` rows.
    pub fn absorb(&mut self, part: TableReader, offset: u32) {
        self.out.absorb(part.out, offset);
    }

    /// How many columns the header has (up to its last named one); 0 before one is found.
    pub fn header_width(&self) -> usize {
        match &self.detection {
            Detection::Found(layout) => layout.map.width(),
            _ => 0,
        }
    }

    /// Rejects a row the reader could not split into cells (an unbalanced quote); `col` is
    /// the cell where it went wrong.
    pub fn reject_row(&mut self, row_no: u32, col: usize, value: String, reason: Reason) {
        if let Detection::Found(layout) = &self.detection {
            self.out.reject(&layout.map, row_no, (col, value, reason));
        }
    }

    /// Counts blank lines a reader passed over without handing them in.
    pub fn blank_rows(&mut self, n: u64) {
        if matches!(self.detection, Detection::Found(_)) {
            for _ in 0..n {
                self.out.skip(SkipKind::Blank);
            }
        }
    }

    pub fn finish(self) -> (Detection, TableOutput) {
        (self.detection, self.out.finish())
    }

    /// The row where a header that differs from this table's starts another table (SPEC
    /// 2.1 "stacked tables"): rows from it on were not read into this one.
    pub fn new_table_at(&self) -> Option<u32> {
        self.out.new_table_at
    }
}

/// One table of a file or sheet that holds several, one under another.
#[derive(Debug)]
pub struct StackedTable {
    /// The row (1-based) it starts at: the first row of the file or sheet for the first.
    pub first_row: u32,
    pub detection: Detection,
    pub output: TableOutput,
}

/// The options for a table found under another: classified on its own, never forced.
pub fn next_table_options(opts: &TableOptions) -> TableOptions {
    TableOptions {
        forced: None,
        ..opts.clone()
    }
}

/// Reads every table from rows in hand, a table further down starting where a header
/// that differs from the one above it is met.
pub fn read_tables<R: Row>(
    first: Vec<(u32, R)>,
    rest: impl Iterator<Item = (u32, R)>,
    opts: TableOptions,
) -> Vec<StackedTable> {
    let mut rest = rest;
    let mut first = first;
    let mut opts = opts;
    let mut tables = Vec::new();
    loop {
        let first_row = first.first().map_or(1, |(n, _)| *n);
        let mut reader = TableReader::start(&first, opts.clone());
        let mut next: Vec<(u32, R)> = Vec::new();
        match reader.new_table_at().filter(|&n| n > first_row) {
            Some(n) => next = first.into_iter().skip_while(|(r, _)| *r < n).collect(),
            None => {
                for (row_no, row) in rest.by_ref() {
                    reader.row(row_no, &row);
                    if reader.new_table_at().is_some() {
                        next.push((row_no, row));
                        break;
                    }
                }
            }
        }
        let (detection, output) = reader.finish();
        tables.push(StackedTable {
            first_row,
            detection,
            output,
        });
        if next.is_empty() {
            return tables;
        }
        next.extend(
            rest.by_ref()
                .take(HEADER_SCAN_ROWS.saturating_sub(next.len())),
        );
        first = next;
        opts = next_table_options(&opts);
    }
}

/// Reads the first table from rows already in hand: (1-based row number, row); a table
/// stacked under it is not read (see [`read_tables`]).
pub fn read_table<R: Row>(
    first: Vec<(u32, R)>,
    rest: impl Iterator<Item = (u32, R)>,
    opts: TableOptions,
) -> (Detection, TableOutput) {
    let mut reader = TableReader::start(&first, opts);
    for (row_no, row) in rest {
        reader.row(row_no, &row);
    }
    reader.finish()
}
