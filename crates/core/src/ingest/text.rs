//! Delimited text: CSV, TSV, TXT in UTF-8 (with or without BOM), UTF-16 (with a BOM, or
//! recognised by its zero bytes) and GB18030/GBK.
//!
//! GBK never uses a byte below 0x40 inside a character, so commas, tabs, semicolons,
//! quotes and line ends are the same bytes as in ASCII: the CSV parser runs on the raw
//! bytes and only cells that hold Chinese text are decoded. UTF-16 is transcoded to UTF-8
//! once, up front.

use std::borrow::Cow;

use csv::ByteRecord;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use rayon::prelude::*;

use super::table::{
    Detection, HEADER_SCAN_ROWS, Reason, Row, StackedTable, TableOptions, TableOutput, TableReader,
    next_table_options,
};

use crate::values::Cell;

/// The text encoding of a file, as detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// Guesses the encoding: a BOM decides; then zero bytes in every other place mean UTF-16;
/// then valid UTF-8 is UTF-8; anything else is read as GB18030, the superset of GBK that
/// Excel on Chinese Windows writes.
pub fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    detect(bytes).0
}

/// [`detect_encoding`], and for UTF-8 with damaged spots, how many bad spots it has.
fn detect(bytes: &[u8]) -> (TextEncoding, u64) {
    let encoding = |e| (e, 0);
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return encoding(TextEncoding::Utf8Bom);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return encoding(TextEncoding::Utf16Le);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return encoding(TextEncoding::Utf16Be);
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() >= 4 {
        let pairs = sample.len() / 2;
        let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_zero = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|b| **b == 0)
            .count();
        if odd_zero * 10 >= pairs * 3 && even_zero * 10 < pairs {
            return encoding(TextEncoding::Utf16Le);
        }
        if even_zero * 10 >= pairs * 3 && odd_zero * 10 < pairs {
            return encoding(TextEncoding::Utf16Be);
        }
    }
    // The SIMD validator answers for the common, valid case.
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return encoding(TextEncoding::Utf8);
    }
    // GBK text almost never forms valid UTF-8 sequences by chance (about one character
    // in twelve does): a file whose multi-byte characters are mostly valid UTF-8 is UTF-8
    // with a few damaged spots (their cells are read as GBK and counted), whichever comes
    // first. Decided on a sample of many characters, never on the first bad byte.
    let sample = utf8_spots(bytes, ENOUGH_SPOTS);
    if sample.valid > sample.invalid {
        // UTF-8 with damaged spots (rare): all of them counted, for the warning.
        (TextEncoding::Utf8, utf8_spots(bytes, u64::MAX).invalid)
    } else {
        encoding(TextEncoding::Gb18030)
    }
}

/// Multi-byte characters that are valid UTF-8, and bytes that are not, in a text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Utf8Spots {
    valid: u64,
    invalid: u64,
}

/// How many multi-byte characters and bad spots decide the encoding: a GBK file shows
/// hundreds of bad spots in its first lines of Chinese, so the decision costs next to
/// nothing (scanning 4 MiB of a GBK file made a 100k-person run's reading 4% slower).
const ENOUGH_SPOTS: u64 = 1024;

/// Counts [`Utf8Spots`] from the start until `enough` of them are seen, or the end.
fn utf8_spots(bytes: &[u8], enough: u64) -> Utf8Spots {
    let mut spots = Utf8Spots::default();
    let mut rest = bytes;
    while !rest.is_empty() && spots.valid + spots.invalid < enough {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s.len(), 0),
            Err(e) => (
                e.valid_up_to(),
                e.error_len().unwrap_or(rest.len() - e.valid_up_to()),
            ),
        };
        spots.valid += rest[..valid].iter().filter(|b| **b >= 0xC0).count() as u64;
        if bad > 0 {
            spots.invalid += 1;
        }
        rest = &rest[valid + bad..];
    }
    spots
}

/// The bytes the CSV parser reads: UTF-8 or GB18030, without a BOM.
fn body(bytes: &[u8], enc: TextEncoding) -> Cow<'_, [u8]> {
    match enc {
        TextEncoding::Utf8 | TextEncoding::Gb18030 => Cow::Borrowed(bytes),
        TextEncoding::Utf8Bom => Cow::Borrowed(&bytes[3..]),
        TextEncoding::Utf16Le => {
            let text = UTF_16LE.decode_with_bom_removal(bytes).0;
            Cow::Owned(text.into_owned().into_bytes())
        }
        TextEncoding::Utf16Be => {
            let text = UTF_16BE.decode_with_bom_removal(bytes).0;
            Cow::Owned(text.into_owned().into_bytes())
        }
    }
}

/// Picks the delimiter whose field count is the same on the most lines of the first 50
/// (comma, tab or semicolon); on a tie tab, then comma, then semicolon. Counting ignores
/// delimiters inside quotes, so `"1,234.50"` does not count.
pub fn detect_delimiter(body: &[u8]) -> u8 {
    const CANDIDATES: [u8; 3] = [b'\t', b',', b';'];
    let mut counts: Vec<[usize; 3]> = Vec::new();
    let mut current = [0usize; 3];
    let mut in_quotes = false;
    let mut nonempty = false;
    for &b in body {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if nonempty {
                    counts.push(current);
                    if counts.len() == 50 {
                        break;
                    }
                }
                current = [0; 3];
                nonempty = false;
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    current[i] += 1;
                }
                if !b.is_ascii_whitespace() {
                    nonempty = true;
                }
            }
            _ => {}
        }
    }
    if nonempty {
        counts.push(current);
    }
    let mut best = (0usize, 0usize, b',');
    for (i, &d) in CANDIDATES.iter().enumerate() {
        let mut freq: std::collections::BTreeMap<usize, usize> = Default::default();
        for line in &counts {
            if line[i] > 0 {
                *freq.entry(line[i]).or_default() += 1;
            }
        }
        // The most common non-zero count, and the largest count on a tie of frequency.
        let Some((&fields, &lines)) = freq.iter().max_by_key(|(k, v)| (**v, **k)) else {
            continue;
        };
        if (lines, fields) > (best.0, best.1) {
            best = (lines, fields, d);
        }
    }
    best.2
}

/// A CSV record with the encoding its non-ASCII cells need.
pub struct CsvRow<'r> {
    record: &'r ByteRecord,
    gbk: bool,
}

impl Row for CsvRow<'_> {
    fn width(&self) -> usize {
        self.record.len()
    }

    fn cell(&self, i: usize) -> Cell<'_> {
        let Some(bytes) = self.record.get(i) else {
            return Cell::Empty;
        };
        if bytes.is_empty() {
            return Cell::Empty;
        }
        if self.gbk && !bytes.is_ascii() {
            return Cell::Text(GB18030.decode_without_bom_handling(bytes).0);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Cell::Text(Cow::Borrowed(s)),
            // A GBK cell in a UTF-8 file (exports pasted together): read it as GBK.
            Err(_) => Cell::Text(GB18030.decode_without_bom_handling(bytes).0),
        }
    }

    fn raw(&self, i: usize) -> Option<&[u8]> {
        self.record.get(i)
    }

    fn bytes_len(&self) -> Option<usize> {
        Some(self.record.as_slice().len())
    }
}

/// Row numbers as a spreadsheet program shows them. The csv crate passes over blank lines
/// without a record; they are rows all the same (skipped as blank), and a quoted cell with
/// a line break in it does not start a new row.
struct RowCounter<'b> {
    body: &'b [u8],
    /// Where the previous record ended.
    end: usize,
    /// Whether the previous span ended with `\r`.
    after_cr: bool,
    row: u32,
    /// Whether `body` holds a `"` at all: without one no record can hold a quoted cell,
    /// and the fast path below need not look for one in each.
    quotes: bool,
}

impl<'b> RowCounter<'b> {
    fn new(body: &'b [u8], after_cr: bool) -> RowCounter<'b> {
        RowCounter {
            body,
            end: 0,
            after_cr,
            row: 0,
            quotes: memchr::memchr(b'"', body).is_some(),
        }
    }

    fn newlines(bytes: &[u8]) -> usize {
        memchr::memchr_iter(b'\n', bytes).count()
    }

    /// For a record that ends at `end`: how many blank lines came before it, and its row.
    fn next(&mut self, record: &ByteRecord, end: usize) -> (u64, u32) {
        let span = &self.body[self.end.min(end)..end];
        // Fast path: a span exactly as long as the fields, their delimiters and one line
        // end holds one line, no blank line and no line break in a cell.
        let plain = if self.after_cr {
            span.strip_prefix(b"\n")
        } else {
            Some(span)
        };
        if let Some(plain) = plain
            && plain.len() == record.as_slice().len() + record.len()
            && matches!(plain.last(), Some(b'\n' | b'\r'))
            && !(self.quotes && record.as_slice().contains(&b'"'))
        {
            self.after_cr = plain.last() == Some(&b'\r');
            self.end = end;
            self.row = self.row.saturating_add(1);
            return (0, self.row);
        }
        let mut lines = self.terminators(span);
        if !matches!(span.last(), Some(b'\n' | b'\r')) {
            lines += 1;
        }
        let inside = if lines > 1 {
            Self::newlines(record.as_slice())
        } else {
            0
        };
        let blanks = lines.saturating_sub(1 + inside) as u64;
        self.end = end;
        self.row = self.row.saturating_add(blanks as u32 + 1);
        (blanks, self.row)
    }

    /// Line ends in `span`. The csv reader stops after the `\r` of a `\r\n`, so the `\n`
    /// opens the next span: it is counted with the `\r`, once.
    fn terminators(&mut self, span: &[u8]) -> usize {
        let mut n = Self::newlines(span);
        if self.after_cr && span.first() == Some(&b'\n') {
            n -= 1;
        }
        self.after_cr = span.last() == Some(&b'\r');
        if self.after_cr {
            n += 1;
        }
        n
    }

    /// Blank lines after the last record.
    fn trailing(&mut self) -> u64 {
        let rest = &self.body[self.end.min(self.body.len())..];
        self.terminators(rest) as u64
    }
}

/// What reading one text file gave.
pub struct TextTable {
    pub encoding: TextEncoding,
    pub detection: Detection,
    pub output: TableOutput,
    /// Tables further down, each under a header of its own (SPEC 2.1 stacked tables).
    pub more: Vec<StackedTable>,
    /// Lines (from 1) longer than [`MAX_LINE_BYTES`], read only up to it.
    pub cut_lines: Vec<usize>,
    /// The file ends in the middle of a row (SPEC 2.7: a file cut off — copied while it
    /// was being written): its last line has no line end and either an open quote or more
    /// than one cell but fewer than the header.
    pub truncated: bool,
}

/// Whether `body` ends in the middle of a row of a table `width` cells wide.
fn ends_mid_row(body: &[u8], delimiter: u8, width: usize) -> bool {
    if body.is_empty() || body.ends_with(b"\n") || body.ends_with(b"\r") {
        return false;
    }
    let last = match memchr::memrchr(b'\n', body) {
        Some(i) => &body[i + 1..],
        None => body,
    };
    if last.iter().all(|b| b.is_ascii_whitespace()) {
        return false;
    }
    let quotes = last.iter().filter(|&&b| b == b'"').count();
    let cells = last.iter().filter(|&&b| b == delimiter).count() + 1;
    // A remark in one cell (制表人：…) at the end is no cut row; a row of data cut short
    // has some of its cells.
    quotes % 2 == 1 || (width > 1 && cells >= 2 && cells < width)
}

/// The longest line read whole; see `ingest::MAX_ROW_BYTES`.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// `body` with every line longer than [`MAX_LINE_BYTES`] cut to that length, and the
/// numbers of the lines cut; borrowed as it is when no line is that long (one memchr
/// pass).
fn cut_long_lines(body: Cow<'_, [u8]>) -> (Cow<'_, [u8]>, Vec<usize>) {
    let ends = || memchr::memchr_iter(b'\n', &body).chain(std::iter::once(body.len()));
    let mut start = 0;
    let mut long = Vec::new();
    for (i, end) in ends().enumerate() {
        if end - start > MAX_LINE_BYTES {
            long.push(i + 1);
        }
        start = end + 1;
    }
    if long.is_empty() {
        return (body, long);
    }
    let mut cut = Vec::with_capacity(body.len().min(64 << 20));
    let mut start = 0;
    for end in ends() {
        let line = &body[start.min(body.len())..end];
        cut.extend_from_slice(&line[..line.len().min(MAX_LINE_BYTES)]);
        if end < body.len() {
            cut.push(b'\n');
        }
        start = end + 1;
    }
    (Cow::Owned(cut), long)
}

/// Where a table stacked under another starts in the data: the byte offset of the span
/// before its header row (blank lines included) and the rows before that span.
#[derive(Clone, Copy, Debug)]
struct Restart {
    offset: usize,
    rows_before: u32,
}

/// Large files are read in parts on several threads; a part is at least this long.
const MIN_PART: usize = 1 << 20;

/// Cuts `data` into up to `parts` pieces of about equal length, each ending after a line
/// end. Only for data without any `"`: then no line end can be inside a cell, and every
/// piece starts at the start of a row.
fn split_parts(data: &[u8], parts: usize) -> Vec<&[u8]> {
    let parts = parts.min(data.len() / MIN_PART).max(1);
    let mut out = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 1..parts {
        let target = (data.len() * k / parts).max(start);
        let Some(nl) = memchr::memchr(b'\n', &data[target..]) else {
            break;
        };
        out.push(&data[start..target + nl + 1]);
        start = target + nl + 1;
    }
    out.push(&data[start..]);
    out
}

fn csv_reader(data: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data)
}

/// Reads the rows of `data` after the header into `table`; returns the rows it counted.
///
/// A record whose quoted cell runs over too many line ends, or over a line that looks like
/// a whole row, is an unbalanced quote (a stray `"`): its first line is rejected, and the
/// reading starts again on the line after it, so the rows the cell swallowed are read.
fn read_rows(
    table: &mut TableReader,
    data: &[u8],
    delimiter: u8,
    rows: &mut RowCounter,
    gbk: bool,
) -> Result<(u32, Option<Restart>), csv::Error> {
    let mut record = ByteRecord::new();
    let mut base = 0;
    let mut reader = csv_reader(data, delimiter);
    let width = table.header_width();
    while reader.read_byte_record(&mut record)? {
        let end = base + reader.position().byte() as usize;
        if rows.quotes
            && let Some(col) = swallowing_cell(&record, delimiter, width)
        {
            base = reject_unbalanced(table, data, rows, &record, end, col);
            reader = csv_reader(&data[base..], delimiter);
            continue;
        }
        let restart = Restart {
            offset: rows.end,
            rows_before: rows.row,
        };
        let (b, row) = rows.next(&record, end);
        table.blank_rows(b);
        let row_view = CsvRow {
            record: &record,
            gbk,
        };
        table.row(row, &row_view);
        if table.new_table_at().is_some() {
            return Ok((rows.row, Some(restart)));
        }
    }
    let trailing = rows.trailing();
    table.blank_rows(trailing);
    Ok((rows.row.saturating_add(trailing as u32), None))
}

/// Rejects a record whose cell `col` swallowed rows (`end`: where the record ended in
/// `data`) on its own first row, naming the rows it spans, and moves the row counter to
/// the line after that first row; returns where reading starts again.
fn reject_unbalanced(
    table: &mut TableReader,
    data: &[u8],
    rows: &mut RowCounter,
    record: &ByteRecord,
    end: usize,
    col: usize,
) -> usize {
    let start = rows.end;
    let (b, row) = rows.next(record, end);
    table.blank_rows(b);
    // The record's own first line, from its start (past blank lines) to a line end.
    let skip = data[start..end]
        .iter()
        .position(|c| !matches!(c, b'\r' | b'\n'))
        .unwrap_or(0);
    let first_line = start + skip;
    let line_end =
        memchr::memchr(b'\n', &data[first_line..end]).map_or(end, |n| first_line + n + 1);
    let spans = RowCounter::newlines(record.as_slice()) as u32;
    let value = String::from_utf8_lossy(record.get(col).unwrap_or_default())
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(40)
        .collect();
    table.reject_row(
        row,
        col,
        value,
        Reason::UnbalancedQuote {
            from: row,
            to: row.saturating_add(spans),
        },
    );
    rows.end = line_end;
    rows.after_cr = false;
    line_end
}

/// The most line ends a quoted cell may hold (an address, a remark over a few lines).
const MAX_CELL_LINES: usize = 5;

/// The cell of `record` that swallowed rows, if one did: it holds more than
/// [`MAX_CELL_LINES`] line ends, or a line end followed by a line that splits into as many
/// cells as the header has.
fn swallowing_cell(record: &ByteRecord, delimiter: u8, width: usize) -> Option<usize> {
    record.iter().position(|cell| {
        let lines = RowCounter::newlines(cell);
        if lines == 0 {
            return false;
        }
        lines > MAX_CELL_LINES
            || (width > 1
                && cell
                    .split(|b| *b == b'\n')
                    .skip(1)
                    .any(|line| memchr::memchr_iter(delimiter, line).count() + 1 >= width))
    })
}

/// Reads a delimited text file already in memory: every table in it, one under another
/// (usually one).
pub fn read(bytes: &[u8], opts: TableOptions) -> Result<TextTable, csv::Error> {
    let (encoding, damaged_spots) = detect(bytes);
    let (body, cut_lines) = cut_long_lines(body(bytes, encoding));
    let delimiter = detect_delimiter(&body);
    let gbk = encoding == TextEncoding::Gb18030;
    let (reader, mut restart) = read_table(&body, delimiter, gbk, opts.clone())?;
    let mut next_header = reader.new_table_at();
    let (detection, mut output) = reader.finish();
    output.damaged_spots = damaged_spots;
    let mut more: Vec<StackedTable> = Vec::new();
    let (mut from, mut rows_before) = (0usize, 0u32);
    let mut opts = next_table_options(&opts);
    while let (Some(r), Some(header)) = (restart, next_header) {
        let first_row = rows_before + header;
        from += r.offset;
        rows_before += r.rows_before;
        let (reader, again) = read_table(&body[from..], delimiter, gbk, opts.clone())?;
        (restart, next_header) = (again, reader.new_table_at());
        let (detection, output) = reader.finish();
        more.push(StackedTable {
            first_row,
            detection,
            output: output.shifted(rows_before),
        });
        opts = next_table_options(&opts);
    }
    let width = more.last().map(|t| &t.detection).unwrap_or(&detection);
    let width = match width {
        Detection::Found(layout) => layout.map.width(),
        _ => 0,
    };
    let truncated = width > 0 && ends_mid_row(&body, delimiter, width);
    Ok(TextTable {
        encoding,
        detection,
        output,
        more,
        cut_lines,
        truncated,
    })
}

/// Reads one table from `body`: the header is found on the first rows; a large remainder
/// without quotes is read in parts on the current rayon pool, and the parts put back in
/// order, so the outcome is the same whatever the thread count. When a header that
/// differs from the table's is met, the table ends there and the restart says where the
/// next one begins.
fn read_table(
    body: &[u8],
    delimiter: u8,
    gbk: bool,
    opts: TableOptions,
) -> Result<(TableReader, Option<Restart>), csv::Error> {
    let mut reader = csv_reader(body, delimiter);
    let mut rows = RowCounter::new(body, false);
    let mut first: Vec<(u32, ByteRecord)> = Vec::with_capacity(HEADER_SCAN_ROWS);
    let mut starts: Vec<Restart> = Vec::with_capacity(HEADER_SCAN_ROWS);
    let mut blanks = 0;
    while first.len() < HEADER_SCAN_ROWS {
        let mut record = ByteRecord::new();
        if !reader.read_byte_record(&mut record)? {
            break;
        }
        // A cell that looks as if it swallowed rows (a stray quote) is read, and judged,
        // with the rows after the header, where the header's width is known.
        if rows.quotes
            && !first.is_empty()
            && swallowing_cell(&record, delimiter, record.len()).is_some()
        {
            break;
        }
        starts.push(Restart {
            offset: rows.end,
            rows_before: rows.row,
        });
        let (b, row) = rows.next(&record, reader.position().byte() as usize);
        blanks += b;
        first.push((row, record));
    }
    let first_rows: Vec<(u32, CsvRow)> = first
        .iter()
        .map(|(n, record)| (*n, CsvRow { record, gbk }))
        .collect();
    let start = || {
        let mut table = TableReader::start(&first_rows, opts.clone());
        table.blank_rows(blanks);
        table
    };
    let mut table = start();
    // A table stacked under this one within the first rows.
    if let Some(n) = table.new_table_at() {
        let restart = first
            .iter()
            .zip(&starts)
            .find(|((row, _), _)| *row == n)
            .map(|(_, r)| *r);
        return Ok((table, restart));
    }

    let rest = &body[rows.end.min(body.len())..];
    // Room for the rows still to come, estimated from the bytes per row so far, so the
    // record vectors do not copy themselves over and over while they grow.
    let per_row = (rows.end / first.len().max(1)).max(1);
    let parts = if table.is_found() && memchr::memchr(b'"', rest).is_none() {
        split_parts(rest, rayon::current_num_threads())
    } else {
        vec![rest]
    };
    if parts.len() > 1 {
        let after_cr = rows.after_cr;
        let read: Vec<Result<(TableReader, u32), csv::Error>> = parts
            .par_iter()
            .enumerate()
            .map(|(i, part)| {
                let mut piece = table.fork();
                piece.reserve(part.len() / per_row);
                let mut counter = RowCounter::new(part, i == 0 && after_cr);
                let (n, _) = read_rows(&mut piece, part, delimiter, &mut counter, gbk)?;
                Ok((piece, n))
            })
            .collect();
        let mut offset = rows.row;
        for piece in read {
            let (piece, n) = piece?;
            table.absorb(piece, offset);
            offset = offset.saturating_add(n);
        }
        if table.new_table_at().is_none() {
            return Ok((table, None));
        }
        // Another table further down: read again in one piece, to find where it starts.
        table = start();
    }
    table.reserve(rest.len() / per_row);
    let mut counter = RowCounter::new(rest, rows.after_cr);
    counter.row = rows.row;
    let (_, restart) = read_rows(&mut table, rest, delimiter, &mut counter, gbk)?;
    let restart = restart.map(|r| Restart {
        offset: rows.end + r.offset,
        rows_before: r.rows_before,
    });
    Ok((table, restart))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        assert_eq!(
            detect_encoding("身份证号,姓名\n".as_bytes()),
            TextEncoding::Utf8
        );
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFa,b\n"), TextEncoding::Utf8Bom);
        let gbk = GB18030.encode("身份证号,姓名\n").0.into_owned();
        assert_eq!(detect_encoding(&gbk), TextEncoding::Gb18030);
        let mut le = vec![0xFF, 0xFE];
        le.extend(
            "身份证号\t姓名\n"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert_eq!(detect_encoding(&le), TextEncoding::Utf16Le);
        let no_bom: Vec<u8> = "person_id\tname\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(detect_encoding(&no_bom), TextEncoding::Utf16Le);
        let mut damaged = "身份证号,姓名,所属期,个人缴费\n".as_bytes().to_vec();
        damaged.extend_from_slice(b"1,\xff\xfe,202401,1\n");
        assert_eq!(detect_encoding(&damaged), TextEncoding::Utf8);
        let cut = "身份证号,姓名".as_bytes();
        assert_eq!(detect_encoding(&cut[..cut.len() - 1]), TextEncoding::Utf8);
        let be: Vec<u8> = "person_id\tname\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(detect_encoding(&be), TextEncoding::Utf16Be);
    }

    #[test]
    fn detects_delimiters() {
        assert_eq!(detect_delimiter(b"title\na,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc\n1\t\"1,234.50\"\t3\n"), b'\t');
        assert_eq!(
            detect_delimiter(b"a\tb\tc\n1\t1,234.50\t3\n4\t5\t6\n"),
            b'\t'
        );
        assert_eq!(detect_delimiter(b"a;b;c\n1;2,5;3\n4;5;6\n"), b';');
        assert_eq!(detect_delimiter(b"a,b,c\r\n1,\"x;y\",3\r\n"), b',');
    }

    #[test]
    fn reads_gbk_cells_decoded() {
        let text = "身份证号,姓名,费款所属期,个人缴费\n11010519491231002X,张三,202401,100\n";
        let gbk = GB18030.encode(text).0.into_owned();
        let t = read(&gbk, TableOptions::default()).unwrap();
        assert_eq!(t.encoding, TextEncoding::Gb18030);
        assert_eq!(t.output.contributions.len(), 1);
        assert_eq!(t.output.contributions[0].who.name.as_deref(), Some("张三"));
    }

    #[test]
    fn parts_end_after_line_ends() {
        let line = b"11010519491231002X,202401,100\n";
        let data: Vec<u8> = line
            .iter()
            .copied()
            .cycle()
            .take(line.len() * 200_000)
            .collect();
        let parts = split_parts(&data, 4);
        assert_eq!(parts.len(), 4);
        assert_eq!(parts.iter().map(|p| p.len()).sum::<usize>(), data.len());
        assert!(
            parts
                .iter()
                .all(|p| p.ends_with(b"\n") && p.starts_with(b"1101"))
        );
        assert_eq!(split_parts(&data[..1000], 4).len(), 1);
    }

    /// The same file read on one thread and in parts on four gives the same rows, row
    /// numbers, rejections and counts.
    #[test]
    fn reading_in_parts_changes_nothing() {
        let mut text = String::from("标题\r\n\r\n身份证号,姓名,所属期,个人缴费\r\n");
        for i in 0..120_000u32 {
            match i % 1000 {
                7 => text.push_str("\r\n"),
                9 => text.push_str(&format!("11010519491231002X,李{i},2024-13,1\r\n")),
                _ => text.push_str(&format!(
                    "11010519491231002X,张{i},2024{:02},{i}.5\r\n",
                    i % 12 + 1
                )),
            }
        }
        text.push_str("合计,,,1\r\n\r\n");
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| read(text.as_bytes(), TableOptions::default()).unwrap())
        };
        let (one, four) = (run(1), run(4));
        assert_eq!(one.output.counts, four.output.counts);
        assert_eq!(one.output.contributions, four.output.contributions);
        assert_eq!(one.output.rejected, four.output.rejected);
        let c = &one.output.counts;
        assert_eq!(c.read, 3 + 120_000 + 2);
        assert_eq!(c.read, c.accepted + c.rejected + c.skipped);
        assert_eq!(one.output.rejected[0].origin.row, 3 + 10);
        assert_eq!(
            one.output.contributions.last().unwrap().origin.row,
            3 + 120_000
        );
    }

    #[test]
    fn blank_lines_and_line_breaks_in_cells_keep_row_numbers() {
        let text = "标题\n\n身份证号,姓名,所属期,个人缴费\r\n11010519491231002X,\"张\n三\",202401,1\n\n\n11010519491231002X,李四,202413,1\n11010519491231002X,王五,202402,1\n\n";
        let t = read(text.as_bytes(), TableOptions::default()).unwrap();
        let c = &t.output.counts;
        // Rows as Excel shows the file: 1 title, 2 blank, 3 header, 4 张三 (one row though
        // two lines), 5-6 blank, 7 bad, 8 ok, 9 blank.
        assert_eq!(
            (c.read, c.accepted, c.rejected, c.skipped),
            (9, 2, 1, 6),
            "{c:?} {:?}",
            t.output.rejected
        );
        assert_eq!(c.skipped_blank, 4);
        assert_eq!(t.output.rejected[0].origin.row, 7);
        let rows: Vec<u32> = t
            .output
            .contributions
            .iter()
            .map(|c| c.origin.row)
            .collect();
        assert_eq!(rows, [4, 8]);
        assert_eq!(
            t.output.contributions[0].who.name.as_deref(),
            Some("张\n三")
        );
    }
}
