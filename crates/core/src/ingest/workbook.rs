//! Workbooks through calamine: XLSX, XLSM, XLS and ODS, every sheet.

use std::borrow::Cow;
use std::io::{Cursor, Read as _};

use calamine::{Data, DataRef, Ods, Reader, Sheets, Xls, Xlsx, open_workbook_from_rs};

use super::table::{self, HEADER_SCAN_ROWS, Row, TableOptions};

use crate::values::Cell;

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// A zip: XLSX/XLSM or ODS.
    Zip,
    /// An OLE compound file: XLS.
    Ole,
    Other,
}

pub fn sniff(bytes: &[u8]) -> Container {
    if bytes.starts_with(b"PK\x03\x04") {
        Container::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Container::Ole
    } else {
        Container::Other
    }
}

/// What reading a file costs, in bytes: a zip workbook (XLSX, ODS) at the size its parts
/// unpack to, as its central directory declares them (nothing is inflated; an entry that
/// understates its size is stopped there when read, see `check_expansion`); any other
/// file at its own size.
pub fn unpacked_size(bytes: &[u8]) -> u64 {
    let own = bytes.len() as u64;
    if sniff(bytes) != Container::Zip {
        return own;
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return own;
    };
    let unpacked = (0..archive.len())
        .filter_map(|i| archive.by_index_raw(i).ok().map(|e| e.size()))
        .fold(0u64, u64::saturating_add);
    own.max(unpacked)
}

struct SheetRow<'a>(&'a [Data]);

impl Row for SheetRow<'_> {
    fn width(&self) -> usize {
        self.0.len()
    }

    fn cell(&self, i: usize) -> Cell<'_> {
        match self.0.get(i) {
            None | Some(Data::Empty) => Cell::Empty,
            Some(Data::String(s)) => Cell::Text(Cow::Borrowed(s)),
            Some(Data::Int(v)) => Cell::Int(*v),
            Some(Data::Float(v)) => Cell::Float(*v),
            Some(Data::Bool(b)) => Cell::Bool(*b),
            Some(Data::DateTime(d)) => date_cell(d),
            Some(Data::DateTimeIso(s)) | Some(Data::DurationIso(s)) => Cell::Text(Cow::Borrowed(s)),
            Some(Data::Error(e)) => Cell::Error(format!("{e}")),
        }
    }
}

/// A row of an XLSX sheet as its cells stream in, indexed by column (A = 0), and the
/// columns whose formula has no saved result.
struct StreamRow<'r, 'a> {
    cells: &'r [DataRef<'a>],
    unsaved: &'r [usize],
}

impl Row for StreamRow<'_, '_> {
    fn width(&self) -> usize {
        self.cells.len()
    }

    fn cell(&self, i: usize) -> Cell<'_> {
        if self.unsaved.contains(&i) {
            return Cell::UnsavedFormula;
        }
        match self.cells.get(i) {
            None | Some(DataRef::Empty) => Cell::Empty,
            Some(DataRef::String(s)) => Cell::Text(Cow::Borrowed(s)),
            Some(DataRef::SharedString(s)) => Cell::Text(Cow::Borrowed(s)),
            Some(DataRef::Int(v)) => Cell::Int(*v),
            Some(DataRef::Float(v)) => Cell::Float(*v),
            Some(DataRef::Bool(b)) => Cell::Bool(*b),
            Some(DataRef::DateTime(d)) => date_cell(d),
            Some(DataRef::DateTimeIso(s)) | Some(DataRef::DurationIso(s)) => {
                Cell::Text(Cow::Borrowed(s))
            }
            Some(DataRef::Error(e)) => Cell::Error(format!("{e}")),
        }
    }
}

fn date_cell(d: &calamine::ExcelDateTime) -> Cell<'static> {
    // chrono panics on a serial far outside Excel's calendar (a damaged file can hold
    // one): only serials Excel itself can show are converted.
    if !(0.0..2_958_466.0).contains(&d.as_f64()) {
        return Cell::Float(d.as_f64());
    }
    match d.as_datetime() {
        Some(dt) if d.is_datetime() => Cell::DateTime(dt),
        _ => Cell::Float(d.as_f64()),
    }
}

/// One sheet's outcome.
pub struct SheetTable {
    pub name: String,
    /// The sheet's tables, one under another (usually one).
    pub result: Result<Vec<table::StackedTable>, String>,
}

type Book = Sheets<Cursor<Vec<u8>>>;

/// Checks an .xls container with the strict `cfb` reader before calamine's own: a
/// malformed sector chain has made calamine allocate without bound. Every stream must
/// also fit in the file.
fn check_compound_file(bytes: &[u8]) -> Result<(), String> {
    let file = cfb::CompoundFile::open_strict(Cursor::new(bytes))
        .map_err(|e| format!("damaged .xls container: {e}"))?;
    let limit = bytes.len() as u64;
    for entry in file.walk() {
        if entry.is_stream() && entry.len() > limit {
            return Err(format!(
                "damaged .xls container: a stream claims {} bytes",
                entry.len()
            ));
        }
    }
    let mut file = file;
    let stream = ["/Workbook", "/Book"].iter().find_map(|name| {
        use std::io::Read;
        let mut s = file.open_stream(name).ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).ok()?;
        Some(buf)
    });
    match stream {
        Some(biff) => check_dimensions(&biff),
        None => Ok(()), // calamine says what is missing
    }
}

/// The most cells a sheet may declare: calamine reserves room for all of them up front,
/// so a forged DIMENSIONS record could ask for a terabyte.
const MAX_DECLARED_CELLS: i64 = 20_000_000;

/// Walks the BIFF records of an .xls workbook stream and refuses a DIMENSIONS record that
/// declares an impossible sheet, computed as calamine will compute it.
fn check_dimensions(biff: &[u8]) -> Result<(), String> {
    let u16_at = |d: &[u8], i: usize| i64::from(u16::from_le_bytes([d[i], d[i + 1]]));
    let u32_at =
        |d: &[u8], i: usize| i64::from(u32::from_le_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]]));
    // calamine also turns each sheet's cells into a dense grid over their bounding box:
    // two cells far apart ask for billions of slots. Track the box per sheet substream.
    const CELL_RECORDS: [i64; 10] = [
        0x0006, 0x00BD, 0x00BE, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E,
    ];
    let mut bbox: Option<(i64, i64, i64, i64)> = None;
    let mut pos = 0usize;
    while pos + 4 <= biff.len() {
        let typ = u16_at(biff, pos);
        let len = u16_at(biff, pos + 2) as usize;
        let Some(data) = biff.get(pos + 4..pos + 4 + len) else {
            break;
        };
        pos += 4 + len;
        if CELL_RECORDS.contains(&typ) && len >= 4 {
            let (row, col) = (u16_at(data, 0), u16_at(data, 2));
            let last_col = if matches!(typ, 0x00BD | 0x00BE) && len >= 6 {
                u16_at(data, len - 2).max(col)
            } else {
                col
            };
            let b = match bbox {
                None => (row, row, col, last_col),
                Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(last_col)),
            };
            bbox = Some(b);
            if (b.1 - b.0 + 1).saturating_mul(b.3 - b.2 + 1) > MAX_DECLARED_CELLS {
                return Err("damaged .xls: a sheet's cells span more than 20 million slots".into());
            }
            continue;
        }
        if matches!(typ, 0x0809 | 0x000A) {
            bbox = None; // a sheet's substream begins or ends
        }
        if typ != 0x0200 {
            continue;
        }
        let (rf, rl, cf, cl) = match len {
            10 => (
                u16_at(data, 0),
                u16_at(data, 2),
                u16_at(data, 4),
                u16_at(data, 6),
            ),
            14 | 16 => (
                u32_at(data, 0),
                u32_at(data, 4),
                u16_at(data, 8),
                u16_at(data, 10),
            ),
            _ => continue,
        };
        let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
        if rl < 1 || cl < 1 {
            continue;
        }
        let (rows, cols) = (rl - rf, cl - cf);
        if rows < 1 || cols < 1 || rows.saturating_mul(cols) > MAX_DECLARED_CELLS {
            return Err(format!(
                "damaged .xls: a sheet declares rows {rf}..{rl} and columns {cf}..{cl}"
            ));
        }
    }
    Ok(())
}

/// A workbook may expand to at most this many bytes of XML: a zip bomb is refused before
/// calamine reads it, and memory stays bounded. `YIBAO_MAX_WORKBOOK_MB` changes it.
pub const MAX_EXPANDED: u64 = 1 << 30;

fn expansion_limit() -> u64 {
    std::env::var("YIBAO_MAX_WORKBOOK_MB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(MAX_EXPANDED, |mb| mb << 20)
}

/// The most bytes the shared-strings part (`xl/sharedStrings.xml`) may expand to. calamine
/// keeps every shared string for as long as the workbook is open; 192 MiB holds a full
/// Excel sheet (1,048,576 rows) with three text columns of 60-byte unique values, and at
/// the smallest string (17 bytes of XML each) about 11 million of them, ~0.6 GB in memory.
pub const MAX_SHARED_STRINGS_XML: u64 = 192 << 20;

/// The most shared strings a workbook may declare (`<sst uniqueCount=…>`): calamine
/// reserves room for every declared string before reading one (58 million declared took
/// 1.4 GB at once). Four million is a full sheet with four text columns all unique.
pub const MAX_SHARED_STRINGS: u64 = 4_000_000;

/// The most bytes the styles part may expand to: Excel's limit of 64,000 cell formats
/// takes about 13 MB; real exports hold tens of KB.
pub const MAX_STYLES_XML: u64 = 16 << 20;

/// Refuses a zip that could fill memory, before calamine reads it, by the uncompressed
/// sizes its central directory declares: the whole beyond [`MAX_EXPANDED`] (a sheet's XML
/// is bounded by it too: calamine streams sheets, so a sheet costs time, not memory), the
/// shared strings beyond [`MAX_SHARED_STRINGS_XML`] or declaring more than
/// [`MAX_SHARED_STRINGS`], the styles beyond [`MAX_STYLES_XML`]. Nothing is inflated but
/// the first 4 KiB of the shared strings: the zip crate (calamine reads through the same
/// one) stops any entry at its declared size with an error, so a directory that
/// understates an entry cannot make it expand further
/// (`an_understated_entry_stops_at_its_declared_size` holds it to that).
fn check_expansion(bytes: &[u8], limit: u64) -> Result<(), String> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // not a zip calamine can read either: its own error says so
    };
    let mut total: u64 = 0;
    let mut shared_strings = None;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let shown = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let (name, size) = (shown.to_ascii_lowercase(), entry.size());
        total = total.saturating_add(size);
        if total > limit {
            return Err(format!(
                "expands to more than {} MiB (a zip bomb, or a workbook too large to read safely)",
                limit >> 20
            ));
        }
        let part_limit = if name.ends_with("sharedstrings.xml") {
            shared_strings = Some(i);
            MAX_SHARED_STRINGS_XML
        } else if name.ends_with("styles.xml") {
            MAX_STYLES_XML
        } else {
            continue;
        };
        if size > part_limit {
            return Err(format!(
                "its part {} expands to {} MiB, more than the {} MiB this tool reads (a zip bomb, or a damaged workbook)",
                shown,
                size >> 20,
                part_limit >> 20
            ));
        }
    }
    if let Some(i) = shared_strings {
        // The `<sst>` tag opens the part, after an XML declaration of a hundred bytes:
        // one pushed past 64 KiB (by padding) would hide its count, and is refused.
        const HEAD: u64 = 64 << 10;
        let head = archive.by_index(i).ok().and_then(|entry| {
            let mut head = Vec::with_capacity(4096);
            std::io::Read::take(entry, HEAD)
                .read_to_end(&mut head)
                .ok()?;
            Some(head)
        });
        let declared = match head.as_deref().map(sst_tag) {
            None => None, // unreadable: calamine's own error says so
            Some(SstTag::Missing) if head.as_ref().is_some_and(|h| h.len() as u64 >= HEAD) => {
                return Err(
                    "its shared strings do not begin with their <sst> tag (a padded shared-strings bomb, or a damaged workbook)"
                        .into(),
                );
            }
            Some(SstTag::Missing) => None,
            Some(SstTag::Count(n)) => n,
        };
        if let Some(n) = declared.filter(|n| *n > MAX_SHARED_STRINGS) {
            return Err(format!(
                "it declares {n} shared strings, more than the {MAX_SHARED_STRINGS} this tool reads (a shared-strings bomb, or a damaged workbook)"
            ));
        }
    }
    Ok(())
}

/// The `<sst …>` tag at the start of the shared-strings part, as far as it was read.
enum SstTag {
    /// Not in what was read.
    Missing,
    /// Found, with its `uniqueCount` when it has one.
    Count(Option<u64>),
}

fn sst_tag(head: &[u8]) -> SstTag {
    let text = String::from_utf8_lossy(head);
    let Some(sst) = text.find("<sst") else {
        return SstTag::Missing;
    };
    let rest = &text[sst..];
    let Some(end) = rest.find('>') else {
        return SstTag::Missing;
    };
    let tag = &rest[..end];
    let count = tag.find("uniqueCount=").and_then(|at| {
        let value = tag[at + "uniqueCount=".len()..].trim_start_matches(['"', '\'']);
        let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    });
    SstTag::Count(count)
}

fn open(bytes: Vec<u8>, ods: bool) -> Result<Book, String> {
    let ole = sniff(&bytes) == Container::Ole;
    if sniff(&bytes) == Container::Zip {
        check_expansion(&bytes, expansion_limit())?;
    }
    let cursor = Cursor::new(bytes);
    if ole {
        check_compound_file(cursor.get_ref())?;
        return open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|e| e.to_string());
    }
    if ods {
        return open_workbook_from_rs::<Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|e| e.to_string());
    }
    match open_workbook_from_rs::<Xlsx<_>, _>(cursor.clone()) {
        Ok(b) => Ok(Sheets::Xlsx(b)),
        Err(xlsx_err) => open_workbook_from_rs::<Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|_| xlsx_err.to_string()),
    }
}

/// Runs a calamine call, turning a panic inside the parser (malformed files have made it
/// assert) into an error for that file, so one bad file cannot stop the run.
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("");
            let detail = detail.split_whitespace().collect::<Vec<_>>().join(" ");
            Err(format!("the {what} parser failed on this file ({detail})"))
        }
    }
}

/// The bounding box of a sheet's cells so far. calamine's own readers make a dense grid
/// over it, so a value at A1 and another at XFD1048576 would ask for 17 billion slots;
/// the rows here are assembled one at a time, but a sheet that spans more than
/// [`MAX_DECLARED_CELLS`] is refused all the same, whichever reader read it.
#[derive(Default)]
struct Bounds(Option<(i64, i64, i64, i64)>);

impl Bounds {
    fn add(&mut self, (row, col): (u32, u32)) -> Result<(), String> {
        let (r, c) = (i64::from(row), i64::from(col));
        let (r0, r1, c0, c1) = match self.0 {
            None => (r, r, c, c),
            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
        };
        self.0 = Some((r0, r1, c0, c1));
        if (r1 - r0 + 1).saturating_mul(c1 - c0 + 1) > MAX_DECLARED_CELLS {
            return Err(format!(
                "its cells span rows {}..{} and columns {}..{}: more than {MAX_DECLARED_CELLS} cells to hold",
                r0 + 1,
                r1 + 1,
                c0 + 1,
                c1 + 1
            ));
        }
        Ok(())
    }
}

/// Hands rows to the table reader as cells arrive in row order: the first rows are kept
/// for header detection, then each row is read from one reused buffer. Rows with no cell
/// between two that have one are blank rows, as in the sheet.
struct RowFeed<'a> {
    opts: TableOptions,
    first: Vec<(u32, Vec<DataRef<'a>>, Vec<usize>)>,
    reader: Option<table::TableReader>,
    /// Tables above the one being read, finished (a sheet with stacked tables).
    done: Vec<table::StackedTable>,
    /// The first row of the table being read.
    start_row: u32,
    /// The row being filled (0-based), its cells, and its columns whose formula has no
    /// saved result.
    row: Option<u32>,
    cells: Vec<DataRef<'a>>,
    unsaved: Vec<usize>,
}

impl<'a> RowFeed<'a> {
    fn new(opts: TableOptions) -> Self {
        RowFeed {
            opts,
            first: Vec::new(),
            reader: None,
            done: Vec::new(),
            start_row: 1,
            row: None,
            cells: Vec::new(),
            unsaved: Vec::new(),
        }
    }

    /// Takes one non-empty cell; false if it lies above the row being filled (a sheet
    /// written out of order), which this feed cannot take.
    fn cell(&mut self, (row, col): (u32, u32), value: DataRef<'a>, unsaved: bool) -> bool {
        match self.row {
            Some(current) if row < current => return false,
            Some(current) if row > current => {
                self.emit(current);
                for blank in current + 1..row {
                    self.emit(blank);
                }
            }
            _ => {}
        }
        self.row = Some(row);
        let col = col as usize;
        if self.cells.len() <= col {
            self.cells.resize_with(col + 1, || DataRef::Empty);
        }
        self.cells[col] = value;
        if unsaved {
            self.unsaved.push(col);
        }
        true
    }

    /// Reads the row in `cells` (0-based row `row`) and empties the buffer.
    fn emit(&mut self, row: u32) {
        let row_no = row.saturating_add(1);
        match &mut self.reader {
            Some(reader) => {
                reader.row(
                    row_no,
                    &StreamRow {
                        cells: &self.cells,
                        unsaved: &self.unsaved,
                    },
                );
                if reader.new_table_at().is_some() {
                    // A header of another table: it and the rows after it start anew.
                    self.end_table();
                    self.first.push((
                        row_no,
                        std::mem::take(&mut self.cells),
                        std::mem::take(&mut self.unsaved),
                    ));
                }
            }
            None => {
                self.first.push((
                    row_no,
                    std::mem::take(&mut self.cells),
                    std::mem::take(&mut self.unsaved),
                ));
                if self.first.len() == HEADER_SCAN_ROWS {
                    self.start();
                }
            }
        }
        self.cells.clear();
        self.unsaved.clear();
    }

    /// Finishes the table being read, the next one to be classified on its own.
    fn end_table(&mut self) {
        if let Some(reader) = self.reader.take() {
            self.finish_reader(reader);
        }
        self.opts = table::next_table_options(&self.opts);
    }

    fn finish_reader(&mut self, reader: table::TableReader) {
        let (detection, output) = reader.finish();
        self.done.push(table::StackedTable {
            first_row: self.start_row,
            detection,
            output,
        });
    }

    /// Starts a table on the rows in `first`; a table met among them ends it at once and
    /// their rows from its header on start the next.
    fn start(&mut self) {
        // As wide as each other, as in a grid: a group label merged across columns is
        // spread over the columns to its right up to the row's end (`table::group_labels`).
        let width = self
            .first
            .iter()
            .map(|(_, c, _)| c.len())
            .max()
            .unwrap_or(0);
        for (_, cells, _) in &mut self.first {
            cells.resize_with(width, || DataRef::Empty);
        }
        let first_row = self.first.first().map_or(1, |(n, _, _)| *n);
        let rows: Vec<(u32, StreamRow)> = self
            .first
            .iter()
            .map(|(n, cells, unsaved)| (*n, StreamRow { cells, unsaved }))
            .collect();
        let reader = table::TableReader::start(&rows, self.opts.clone());
        self.start_row = first_row;
        match reader.new_table_at().filter(|&n| n > first_row) {
            Some(n) => {
                self.finish_reader(reader);
                self.opts = table::next_table_options(&self.opts);
                self.first.retain(|(r, _, _)| *r >= n);
            }
            None => {
                self.first.clear();
                self.reader = Some(reader);
            }
        }
    }

    fn finish(mut self) -> Vec<table::StackedTable> {
        if let Some(row) = self.row {
            self.emit(row);
        }
        // The rows still in hand: a table (or the first, even with no rows at all).
        while self.reader.is_none() && (!self.first.is_empty() || self.done.is_empty()) {
            let before = self.first.len();
            self.start();
            if self.reader.is_none() && self.first.len() == before {
                break; // not reached: a table ending among its rows leaves fewer
            }
        }
        if let Some(reader) = self.reader.take() {
            self.finish_reader(reader);
        }
        self.done
    }
}

/// Whether a cell is worth handing on, and whether it is a formula with no saved result
/// (a workbook written by a script): `None` for an empty cell without a formula. A
/// formula's saved value counts only in a workbook a spreadsheet program calculated
/// (`calculated`, SPEC 2.7); elsewhere (a library writes 0 for every formula) a formula
/// cell is unsaved, whatever value it holds.
fn kept(cell: &calamine::XlsxCellFormulaMetadataRecord, calculated: bool) -> Option<bool> {
    let empty = matches!(cell.value, DataRef::Empty);
    match (empty, cell.formula.is_some()) {
        (true, false) => None,
        (true, true) => Some(true),
        (false, formula) => Some(formula && !calculated),
    }
}

/// SPEC 2.7: whether a workbook's formula values were saved by a spreadsheet program —
/// its docProps/app.xml names Excel, WPS, LibreOffice or Numbers — and not by a library
/// that writes 0 for every formula: such libraries claim to be Excel, but ask Excel to
/// recalculate on opening (`fullCalcOnLoad` in workbook.xml), which a workbook Excel saved
/// does not.
pub fn formulas_calculated(bytes: &[u8]) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let mut part = |name: &str, limit: u64| -> Option<String> {
        let entry = archive.by_name(name).ok()?;
        let mut text = Vec::new();
        std::io::Read::take(entry, limit)
            .read_to_end(&mut text)
            .ok()?;
        Some(String::from_utf8_lossy(&text).into_owned())
    };
    let Some(app) = part("docProps/app.xml", 64 << 10) else {
        return false;
    };
    let application = app
        .split_once("<Application>")
        .and_then(|(_, rest)| rest.split_once("</Application>"))
        .map(|(name, _)| name.to_ascii_lowercase())
        .unwrap_or_default();
    let spreadsheet = [
        "excel",
        "wps",
        "kingsoft",
        "libreoffice",
        "openoffice",
        "numbers",
    ]
    .iter()
    .any(|a| application.contains(a))
        || application.contains("表格");
    let recalc_on_load = part("xl/workbook.xml", 1 << 20).is_some_and(|w| {
        w.contains("fullCalcOnLoad=\"1\"") || w.contains("fullCalcOnLoad=\"true\"")
    });
    spreadsheet && !recalc_on_load
}

/// An XLSX sheet read as its cells stream in, without a grid of all its cells: strings
/// from the shared table stay borrowed, and each row is read as soon as the next begins.
/// A sheet whose rows are not in order (Excel writes them in order; other writers may
/// not) is read again, its cells sorted first.
fn xlsx_table(
    xlsx: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    opts: TableOptions,
    calculated: bool,
) -> Result<Vec<table::StackedTable>, String> {
    if let Some(table) = xlsx_stream(xlsx, name, opts.clone(), calculated)? {
        return Ok(table);
    }
    let mut reader = match xlsx.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        Err(e) => return Err(e.to_string()),
    };
    let mut bounds = Bounds::default();
    let mut cells = Vec::new();
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| e.to_string())?
    {
        if let Some(unsaved) = kept(&cell, calculated) {
            bounds.add(cell.pos)?;
            cells.push((cell.pos, cell.value, unsaved));
        }
    }
    // Stable: of two values in one position the later wins, as in calamine's grid.
    cells.sort_by_key(|c| c.0);
    let mut feed = RowFeed::new(opts);
    for (pos, value, unsaved) in cells {
        feed.cell(pos, value, unsaved);
    }
    Ok(feed.finish())
}

/// The streaming pass of [`xlsx_table`]; `None` when the rows are out of order.
fn xlsx_stream(
    xlsx: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    opts: TableOptions,
    calculated: bool,
) -> Result<Option<Vec<table::StackedTable>>, String> {
    let mut reader = match xlsx.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet: nothing to read, as calamine itself treats it.
        Err(calamine::XlsxError::NotAWorksheet(_)) => {
            return Ok(Some(RowFeed::new(opts).finish()));
        }
        Err(e) => return Err(e.to_string()),
    };
    let mut bounds = Bounds::default();
    let mut feed = RowFeed::new(opts);
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| e.to_string())?
    {
        let Some(unsaved) = kept(&cell, calculated) else {
            continue;
        };
        bounds.add(cell.pos)?;
        if !feed.cell(cell.pos, cell.value, unsaved) {
            return Ok(None);
        }
    }
    Ok(Some(feed.finish()))
}

/// Reads every sheet of a workbook. `ods` says the file is named .ods (both are zips).
pub fn read(bytes: Vec<u8>, ods: bool, opts: TableOptions) -> Result<Vec<SheetTable>, String> {
    let calculated = sniff(&bytes) == Container::Zip && formulas_calculated(&bytes);
    let mut book = guarded("workbook", || open(bytes, ods))?;
    let names = book.sheet_names();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let opts = TableOptions {
            sheet_name: Some(name.clone()),
            ..opts.clone()
        };
        let result = guarded("sheet", || match &mut book {
            Sheets::Xlsx(xlsx) => xlsx_table(xlsx, &name, opts.clone(), calculated),
            other => {
                let range = other.worksheet_range(&name).map_err(|e| e.to_string())?;
                // Row numbers as Excel shows them: the range may start below row 1.
                let top = range.start().map(|(r, _)| r).unwrap_or(0);
                let mut rows = range
                    .rows()
                    .enumerate()
                    .map(|(i, r)| (top + i as u32 + 1, SheetRow(r)));
                let first: Vec<_> = rows.by_ref().take(HEADER_SCAN_ROWS).collect();
                Ok(table::read_tables(first, rows, opts.clone()))
            }
        });
        out.push(SheetTable { name, result });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(size: usize) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        w.write_all(&vec![b'0'; size]).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn expansion_is_the_declared_size() {
        let bytes = zip_of(3 << 20);
        assert!(bytes.len() < 100_000, "compresses well");
        assert!(check_expansion(&bytes, 4 << 20).is_ok());
        let err = check_expansion(&bytes, 2 << 20).unwrap_err();
        assert!(err.contains("zip bomb"), "{err}");
    }

    #[test]
    fn an_understated_entry_stops_at_its_declared_size() {
        use std::io::Read;
        let mut bytes = zip_of(3 << 20);
        // Declare 1000 bytes in the local header (offset 22) and the central directory
        // entry (offset 24): what a forged bomb would do to pass the check above.
        let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        for at in [22, central + 24] {
            bytes[at..at + 4].copy_from_slice(&1000u32.to_le_bytes());
        }
        assert!(check_expansion(&bytes, 2 << 20).is_ok());
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut entry = archive.by_index(0).unwrap();
        let mut out = Vec::new();
        assert!(entry.read_to_end(&mut out).is_err());
        assert!(out.len() <= 1000 + (64 << 10), "read {} bytes", out.len());
    }
}
