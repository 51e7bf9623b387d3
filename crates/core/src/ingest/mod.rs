//! Ingest: find the input files, read every file and sheet, and hand on typed records with
//! an account of every row.
//!
//! Files are read in parallel (rayon) and their results put back in path order, so the
//! run's output does not depend on the order files were named in or on the thread count.

mod discover;
pub mod earlier_outputs;
pub mod layouts;
pub mod long_path;
pub mod overlap;
pub mod people;
pub mod table;
pub mod text;
pub mod workbook;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::InputError;
use crate::records::{
    Contribution, Kind, OfPerson, Origin, Records, RosterEntry, StatementEntry, Who, id_order,
};
use layouts::identity::Identity;
pub use layouts::rules::{LayoutRules, RulesError};
use table::unread::REPEATS_A_FIELD;
use table::{Detection, TableOptions, TableOutput};
pub use table::{IgnoredColumn, ListedAtMost, Reason, Rejection, RowCounts, SkipKind};

/// Extensions searched for inside folders.
pub const EXTENSIONS: [&str; 7] = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"];

/// One file to read, and the kind it is forced to (`--contributions` and friends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub forced: Option<Kind>,
    /// The person its rows are about where they do not say (`--person`, `--name`).
    pub person: Option<Arc<Identity>>,
    /// The layout rules that may say what its columns are (`--layout`, SPEC 2.6).
    pub layout: Option<Arc<LayoutRules>>,
    /// A folder's walk follows symbolic links out of it (`--follow`, SPEC 2.7); by default
    /// a link is followed only when it stays inside the folder.
    pub follow: bool,
}

impl InputFile {
    /// A file or folder read as its header says, about whoever its rows name.
    pub fn new(path: impl Into<PathBuf>) -> InputFile {
        InputFile {
            path: path.into(),
            forced: None,
            person: None,
            layout: None,
            follow: false,
        }
    }
}

/// See [`Batch::person_runs`].
pub struct PersonRuns<'a> {
    pub contributions: Vec<&'a [Contribution]>,
    pub entries: Vec<&'a [StatementEntry]>,
    pub roster: Vec<&'a [RosterEntry]>,
}

impl<'a> PersonRuns<'a> {
    /// Every run's kind, number among the runs of its kind, and person (its first row's
    /// `Who`, which the run's rows share): contributions, then entries, then roster.
    pub fn par_whos(&self) -> impl IndexedParallelIterator<Item = (Kind, u32, &'a Arc<Who>)> {
        fn of<'r, 'a: 'r, T: OfPerson + Sync>(
            runs: &'r [&'a [T]],
            kind: Kind,
        ) -> impl IndexedParallelIterator<Item = (Kind, u32, &'a Arc<Who>)> + 'r {
            // More than 4 billion runs could not be held in memory.
            runs.par_iter()
                .enumerate()
                .map(move |(i, run)| (kind, i as u32, run[0].who()))
        }
        of(&self.contributions, Kind::Contributions)
            .chain(of(&self.entries, Kind::Statement))
            .chain(of(&self.roster, Kind::Roster))
    }
}

/// A file or sheet that was read and classified. Serialized whole when a part of a run
/// travels between machines (`embed`); summary.json writes its own selection.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Source {
    pub path: String,
    pub sheet: Option<String>,
    pub kind: Kind,
    /// SHA-256 of the file, for summary.json; `None` when only counting (`check`).
    pub sha256: Option<String>,
    /// `UTF-8`, `GB18030`, … for text files; `xlsx`, `xls`, `ods` for workbooks.
    pub format: String,
    pub counts: RowCounts,
    /// Rows (1-based) whose 18-digit ID number fails its check digit.
    pub bad_check_digit_rows: Vec<u32>,
    /// Rows whose own ID differs from the person named above the header or by `--person`.
    pub other_person_rows: Vec<u32>,
    /// Rows of a contribution type kept as `other` (not scheduled).
    pub other_type_rows: Vec<u32>,
    /// Some row names a person number: the run joins numbers to IDs (SPEC 2.6).
    #[serde(default)]
    pub person_numbers: bool,
    /// The file ends in the middle of a row (cut off): the run is degraded (SPEC 2.7).
    #[serde(default)]
    pub truncated: bool,
    /// The file's size in bytes (summary.json `inputs[].size`: what a job remembers of
    /// the last complete run's inputs, SPEC 2.7).
    #[serde(default)]
    pub size: Option<u64>,
    /// Normal rows of one person and period, one under another: summed (SPEC 2.7).
    #[serde(default)]
    pub several_rows: Vec<u32>,
    /// Those of them whose bases differ: the largest base kept.
    #[serde(default)]
    pub several_bases_rows: Vec<u32>,
    /// Columns left unread, with the reason.
    pub ignored_columns: Vec<IgnoredColumn>,
    /// Columns no alias names, read by their header's words or their values (SPEC 2.6).
    #[serde(default)]
    pub inferred: Vec<table::Inferred>,
    /// Invalid byte sequences in a file read as UTF-8.
    pub damaged_spots: u64,
}

/// A file or sheet that was not read as input, and why (never silently).
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct SkippedInput {
    pub path: String,
    pub sheet: Option<String>,
    pub reason: String,
}

/// An input that exists but gave nothing: it could not be opened or parsed, or it was
/// named by itself and skipped. A run with one is degraded (SPEC 2.3): its reports do not
/// replace the last good ones.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct UnreadableInput {
    pub path: String,
    pub reason: String,
}

/// Everything a run read.
#[derive(Debug, Default)]
pub struct Batch {
    /// Warnings about the run as a whole (one person under two names…).
    pub notes: Vec<String>,
    pub sources: Vec<Source>,
    pub skipped_inputs: Vec<SkippedInput>,
    /// Files or sheets that could not be read at all.
    pub failures: Vec<InputError>,
    /// The inputs that degrade the run: the failures, and files named by themselves that
    /// were skipped whole.
    pub unreadable: Vec<UnreadableInput>,
    pub contributions: Records<Contribution>,
    pub entries: Records<StatementEntry>,
    pub roster: Records<RosterEntry>,
    pub rejected: Vec<Rejection>,
    /// Rejections counted but not in `rejected`: past the page's listing limit
    /// ([`read_upload`]); 0 elsewhere.
    pub rejected_unlisted: u64,
    /// Periods two sources record differently (SOURCE_CONFLICT), the first source counted.
    pub conflicts: Vec<overlap::SourceConflict>,
    /// Rows skipped as repeating an earlier file, per source (each also a note).
    pub repeated: Vec<overlap::RepeatedRows>,
    /// Starting layout rules, when asked for (`Retain::Suggestions`): file, sheet, rule.
    pub suggestions: Vec<(String, Option<String>, table::suggest::Suggestion)>,
}

impl Batch {
    pub fn source(&self, origin: Origin) -> &Source {
        &self.sources[origin.source as usize]
    }

    /// Gives up the records once reconciled: the reports need only the sources, rejected
    /// rows and notes, and the records are the larger part of a run's memory. Dropped
    /// here, the kinds side by side, so that the memory is free before the reports are
    /// made (a thread of its own overlapped the writing, but held the memory through it).
    pub fn release_records(&mut self) {
        let (contributions, entries, roster) = (
            std::mem::take(&mut self.contributions),
            std::mem::take(&mut self.entries),
            std::mem::take(&mut self.roster),
        );
        rayon::join(
            || drop(contributions),
            || rayon::join(|| drop(entries), || drop(roster)),
        );
    }

    /// The runs of one person's rows (one shared `Who`) of each kind of record, in order:
    /// the checks and the grouping that look at people need not look at every row.
    pub fn person_runs(&self) -> PersonRuns<'_> {
        let (contributions, (entries, roster)) = rayon::join(
            || self.contributions.par_person_runs(),
            || {
                rayon::join(
                    || self.entries.par_person_runs(),
                    || self.roster.par_person_runs(),
                )
            },
        );
        PersonRuns {
            contributions,
            entries,
            roster,
        }
    }

    /// Totals over every source.
    pub fn totals(&self) -> RowCounts {
        let mut t = RowCounts::default();
        for s in &self.sources {
            t.add(&s.counts);
        }
        t
    }

    /// Warnings for summary.json and the terminal: one line per source and kind of issue,
    /// with row numbers rather than values, so nothing personal is repeated.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings_in(crate::lang::Lang::En)
    }

    /// [`Batch::warnings`] as people read them in `lang` (`check`'s console): the
    /// warnings about a source are said in Chinese in zh; the run's own notes keep their
    /// words. summary.json keeps the English ones.
    pub fn warnings_in(&self, lang: crate::lang::Lang) -> Vec<String> {
        use crate::lang::Lang;
        let zh = lang == Lang::Zh;
        let mut out = self.notes.clone();
        for s in &self.sources {
            let label = source_label(&s.path, s.sheet.as_deref());
            let rows = |rows: &[u32]| {
                let shown: Vec<String> = rows.iter().take(10).map(u32::to_string).collect();
                let more = if rows.len() > 10 { ", …" } else { "" };
                if zh {
                    format!("第 {}{more} 行", shown.join(", "))
                } else {
                    format!("rows {}{more}", shown.join(", "))
                }
            };
            if !s.bad_check_digit_rows.is_empty() {
                let (n, at) = (s.bad_check_digit_rows.len(), rows(&s.bad_check_digit_rows));
                out.push(if zh {
                    format!("{label}: {n} 个证件号码校验位不对,仍按此号码读取({at})")
                } else {
                    format!("{label}: {n} ID number(s) with a wrong check digit, accepted ({at})")
                });
            }
            if !s.other_person_rows.is_empty() {
                let (n, at) = (s.other_person_rows.len(), rows(&s.other_person_rows));
                out.push(if zh {
                    format!("{label}: {n} 行的证件号码与表头上方或 --person 指定的人不同,按各行自己的号码读取({at})")
                } else {
                    format!("{label}: {n} row(s) name another ID than the person above the header or given by --person; each row's own ID was used ({at})")
                });
            }
            if s.damaged_spots > 0 {
                let n = s.damaged_spots;
                out.push(if zh {
                    format!("{label}: 按 UTF-8 读取时有 {n} 处无效字节,这些单元格按 GBK 读取:请核对")
                } else {
                    format!("{label}: read as UTF-8 with {n} invalid byte sequence(s); the cells holding them were read as GBK: check them")
                });
            }
            let repeated: Vec<&str> = s
                .ignored_columns
                .iter()
                .filter(|c| c.reason == REPEATS_A_FIELD)
                .map(|c| c.column.as_str())
                .collect();
            if !repeated.is_empty() {
                let columns = repeated.join(", ");
                out.push(if zh {
                    format!("{label}: 列 {columns} 与另一列含义相同,未读取")
                } else {
                    format!(
                        "{label}: column(s) {columns} repeat a field another column holds; ignored"
                    )
                });
            }
            let looks: Vec<&str> = s
                .ignored_columns
                .iter()
                .filter(|c| c.reason.starts_with("looks like "))
                .map(|c| c.column.as_str())
                .collect();
            if !looks.is_empty() {
                let columns = looks.join(", ");
                out.push(if zh {
                    format!("{label}: 列 {columns} 看起来是月份、金额、档次或险种,但未读取;如需读取,请用版式规则(--layout)指明")
                } else {
                    format!("{label}: column(s) {columns} look like a month, an amount, a tier or an insurance but were not read; name them in a layout rule (--layout) to read them")
                });
            }
            if !s.several_rows.is_empty() {
                let (n, at) = (s.several_rows.len(), rows(&s.several_rows));
                out.push(if zh {
                    format!("{label}: {n} 行是同一人同一所属期的多行正常缴费,金额已相加({at})")
                } else {
                    format!("{label}: {n} row(s) are several normal rows of one person and period; their amounts are summed ({at})")
                });
            }
            if !s.several_bases_rows.is_empty() {
                let at = rows(&s.several_bases_rows);
                out.push(if zh {
                    format!("{label}: 同一所属期的多行缴费基数不同,取最大的基数,不相加({at})")
                } else {
                    format!("{label}: several rows of one period have different bases; the largest is kept, not their sum ({at})")
                });
            }
            if !s.other_type_rows.is_empty() {
                let (n, at) = (s.other_type_rows.len(), rows(&s.other_type_rows));
                out.push(if zh {
                    format!("{label}: {n} 行的缴费类型不在计划内(记为其他类型,不计入缴费)({at})")
                } else {
                    format!("{label}: {n} row(s) of a contribution type that is not scheduled (kept as type other; not counted as contributions) ({at})")
                });
            }
        }
        out
    }
}

/// `path` or `path [sheet]`.
pub fn source_label(path: &str, sheet: Option<&str>) -> String {
    match sheet {
        Some(s) => format!("{path} [{s}]"),
        None => path.to_string(),
    }
}

/// Why an input is skipped: nothing but white space.
pub const EMPTY_FILE: &str = "empty file";
/// Why a file that ends in the middle of a row degrades the run (SPEC 2.7).
pub const TRUNCATED: &str =
    "ends in the middle of a row: the file looks cut off (copied while it was being written?)";
/// Why an input is skipped: control bytes, not text.
pub const BINARY_DATA: &str = "binary data, not text or a workbook";
pub use discover::{LINK_OUT, LOCK_FILE, NOT_A_FILE, discover};
pub use table::TWO_IDENTITIES;

/// What one file gave: its sources (sheets) with their records, skips and failures.
#[derive(Default)]
struct FileResult {
    tables: Vec<(Source, TableOutput)>,
    /// Starting layout rules of its tables (`check --suggest-layout`).
    suggestions: Vec<(String, Option<String>, table::suggest::Suggestion)>,
    /// Warnings about how the file was read.
    notes: Vec<String>,
    skipped: Vec<SkippedInput>,
    failures: Vec<InputError>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn no_kind_reason(recognised: &[String]) -> String {
    if recognised.is_empty() {
        format!(
            "no header row of contributions, statement or roster in the first {} rows",
            table::HEADER_SCAN_ROWS
        )
    } else {
        format!(
            "columns {} found, but not those of contributions (person ID, period, amounts), a statement (person ID, date, amount) or a roster",
            recognised.join(", ")
        )
    }
}

/// Why a contributions table is skipped when it evidently holds several insurances and no
/// column says which row is which (SPEC 2.6): never summed as medical.
pub const MIXED_INSURANCES: &str = "rows repeat person and month with other amounts: several insurances (养老, 医疗, 失业…) in one table, and no column says which row is which; name the insurance column in a layout rule (--layout)";

/// Turns one table's detection into a source, a skip or a failure.
fn place_table(
    result: &mut FileResult,
    path: &str,
    sheet: Option<String>,
    sha: &Option<String>,
    format: &str,
    detection: Detection,
    mut output: TableOutput,
) {
    if let Some(s) = output.suggestion.take() {
        result
            .suggestions
            .push((path.to_string(), sheet.clone(), s));
    }
    match detection {
        Detection::Found(_) if output.mixes_insurances => result.skipped.push(SkippedInput {
            path: path.to_string(),
            sheet,
            reason: MIXED_INSURANCES.to_string(),
        }),
        Detection::Found(layout) => {
            // Right away, while the other files are still being read.
            crate::records::fit(&mut output.contributions);
            crate::records::fit(&mut output.entries);
            crate::records::fit(&mut output.roster);
            let source = Source {
                path: path.to_string(),
                sheet,
                kind: layout.kind,
                sha256: sha.clone(),
                format: format.to_string(),
                counts: output.counts.clone(),
                bad_check_digit_rows: output.bad_check_digit_rows.clone(),
                other_person_rows: output.other_person_rows.clone(),
                other_type_rows: output.other_type_rows.clone(),
                person_numbers: output.person_numbers,
                truncated: false,
                size: None,
                several_rows: output.several_rows.clone(),
                several_bases_rows: output.several_bases_rows.clone(),
                ignored_columns: layout.map.ignored(layout.kind),
                inferred: layout.map.inferred(layout.kind),
                damaged_spots: output.damaged_spots,
            };
            result.notes.extend(layout.notes.iter().map(|n| {
                format!(
                    "{}: {n}",
                    source_label(&source.path, source.sheet.as_deref())
                )
            }));
            result.tables.push((source, output));
        }
        Detection::Refused { reason } => result.skipped.push(SkippedInput {
            path: path.to_string(),
            sheet,
            reason,
        }),
        Detection::NoKind { recognised } => result.skipped.push(SkippedInput {
            path: path.to_string(),
            sheet,
            reason: no_kind_reason(&recognised),
        }),
        Detection::Missing { kind, missing } => result.failures.push(InputError::MissingColumns {
            path: path.to_string(),
            sheet,
            kind,
            missing,
            rows: table::HEADER_SCAN_ROWS,
        }),
    }
}

/// One input file may have at most this many bytes: it is read whole into memory.
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// The longest line a text input may have. Real exports' rows are well under 4 KiB; a
/// cell is at most [`table::MAX_CELL_BYTES`]. Past it a line is cut before it is split
/// into cells (a 200 MB one-line CSV became 100 million cells and 13 GB): its row is
/// read from its first MiB — rejected, as no real row is that long — and a warning names
/// the line.
pub const MAX_ROW_BYTES: usize = text::MAX_LINE_BYTES;

/// Reads a file whole, but never more than one byte past [`MAX_FILE_BYTES`]. A pipe or a
/// device has no size to check first: it is read in steps, and reading stops as soon as
/// its last line passes [`MAX_ROW_BYTES`] (`/dev/zero` stops after a MiB, not at the
/// file limit).
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = long_path::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES) as usize);
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    const STEP: u64 = 1 << 20;
    let mut bytes = Vec::new();
    let mut line_start = 0;
    let mut stream = file.take(MAX_FILE_BYTES + 1);
    loop {
        let before = bytes.len();
        let n = (&mut stream).take(STEP).read_to_end(&mut bytes)?;
        if n == 0 {
            return Ok(bytes);
        }
        if let Some(last) = memchr::memrchr(b'\n', &bytes[before..]) {
            line_start = before + last + 1;
        }
        if bytes.len() - line_start > MAX_ROW_BYTES {
            return Ok(bytes);
        }
    }
}

/// Why a text file is not worth reading as a table, if it is not.
fn not_a_table(bytes: &[u8]) -> Option<&'static str> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Some(EMPTY_FILE);
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let utf16 = text::detect_encoding(sample);
    if matches!(
        utf16,
        text::TextEncoding::Utf16Le | text::TextEncoding::Utf16Be
    ) {
        return None;
    }
    let control = sample
        .iter()
        .filter(|b| b.is_ascii_control() && !b"\t\r\n\x0c".contains(b))
        .count();
    (control * 10 > sample.len()).then_some(BINARY_DATA)
}

/// Whether the file's name says workbook (its bytes may say so too: [`workbook::sniff`]).
fn is_workbook_name(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    ["xlsx", "xlsm", "xls", "ods"]
        .iter()
        .any(|w| ext.eq_ignore_ascii_case(w))
}

fn read_file(input: &InputFile, retain: Retain) -> FileResult {
    let keep_records = retain == Retain::Records;
    let opts = TableOptions {
        forced: input.forced,
        keep_records,
        suggest: retain == Retain::Suggestions,
        person: input.person.clone(),
        sheet_name: None,
        file_name: input
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        layout: input.layout.clone(),
        listed_rejections: ListedAtMost::default(),
    };
    let path = input.path.display().to_string();
    let mut result = FileResult::default();
    if let Ok(meta) = long_path::metadata(&input.path)
        && meta.len() > MAX_FILE_BYTES
    {
        result.failures.push(InputError::TooLarge {
            path,
            size: meta.len() >> 20,
            limit: MAX_FILE_BYTES >> 20,
        });
        return result;
    }
    let bytes = match read_bounded(&input.path) {
        Ok(b) => b,
        Err(source) => {
            result.failures.push(InputError::Io { path, source });
            return result;
        }
    };
    // A pipe or device has no size to check beforehand: what passes the limit is refused
    // once the limit is read (`/dev/zero` named as an input stops there).
    if bytes.len() as u64 > MAX_FILE_BYTES {
        result.failures.push(InputError::TooLarge {
            path,
            size: bytes.len() as u64 >> 20,
            limit: MAX_FILE_BYTES >> 20,
        });
        return result;
    }
    let size = bytes.len() as u64;
    sized(parse_file(input, bytes, opts, result), size)
}

/// The file's size on each of its sources.
fn sized(mut result: FileResult, size: u64) -> FileResult {
    for (source, _) in &mut result.tables {
        source.size = Some(size);
    }
    result
}

/// One file's bytes into its tables, skips and failures: workbooks sheet by sheet, text
/// as one or more stacked tables. `input.path` names it (its extension counts).
fn parse_file(
    input: &InputFile,
    bytes: Vec<u8>,
    opts: TableOptions,
    mut result: FileResult,
) -> FileResult {
    let keep_records = opts.keep_records;
    let path = input.path.display().to_string();
    let ext = input
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let container = workbook::sniff(&bytes);
    let is_workbook = is_workbook_name(&input.path) || container != workbook::Container::Other;
    if is_workbook {
        let sha = keep_records.then(|| sha256_hex(&bytes));
        let format = match container {
            workbook::Container::Ole => "xls",
            _ if ext == "ods" => "ods",
            _ => "xlsx",
        };
        match workbook::read(bytes, ext == "ods", opts) {
            Err(message) => result.failures.push(InputError::Workbook { path, message }),
            Ok(sheets) => {
                for sheet in sheets {
                    match sheet.result {
                        Ok(tables) => {
                            for (k, t) in tables.into_iter().enumerate() {
                                let name = match k {
                                    0 => sheet.name.clone(),
                                    _ => format!(
                                        "{}, table {} from row {}",
                                        sheet.name,
                                        k + 1,
                                        t.first_row
                                    ),
                                };
                                place_table(
                                    &mut result,
                                    &path,
                                    Some(name),
                                    &sha,
                                    format,
                                    t.detection,
                                    t.output,
                                );
                            }
                        }
                        Err(message) => result.failures.push(InputError::Sheet {
                            path: path.clone(),
                            sheet: sheet.name,
                            message,
                        }),
                    }
                }
            }
        }
        return result;
    }
    if let Some(reason) = not_a_table(&bytes) {
        result.skipped.push(SkippedInput {
            path,
            sheet: None,
            reason: reason.to_string(),
        });
        return result;
    }
    // Hashing a large file takes as long as a good part of parsing it: do both at once.
    let (sha, parsed) = rayon::join(
        || keep_records.then(|| sha256_hex(&bytes)),
        || text::read(&bytes, opts),
    );
    match parsed {
        Ok(t) => {
            if let Some(first) = t.cut_lines.first() {
                result.notes.push(format!(
                    "{path}: line {first}{} longer than {} KiB: only the first {} KiB of each read",
                    match t.cut_lines.len() - 1 {
                        0 => String::new(),
                        n => format!(" and {n} more"),
                    },
                    MAX_ROW_BYTES >> 10,
                    MAX_ROW_BYTES >> 10,
                ));
            }
            place_table(
                &mut result,
                &path,
                None,
                &sha,
                t.encoding.label(),
                t.detection,
                t.output,
            );
            for (k, more) in t.more.into_iter().enumerate() {
                place_table(
                    &mut result,
                    &path,
                    Some(format!("table {} from row {}", k + 2, more.first_row)),
                    &sha,
                    t.encoding.label(),
                    more.detection,
                    more.output,
                );
            }
            if t.truncated
                && let Some((source, _)) = result.tables.last_mut()
            {
                source.truncated = true;
            }
        }
        Err(e) => result.failures.push(InputError::Text {
            path,
            sheet: None,
            message: e.to_string(),
        }),
    }
    result
}

/// Moves `items` to the end of `all`; the first table's vector is taken whole rather than
/// copied, which matters when one file holds a million rows.
fn take_all<T>(all: &mut Vec<T>, mut items: Vec<T>) {
    if all.is_empty() && all.capacity() < items.len() {
        *all = items;
    } else {
        all.append(&mut items);
    }
}

/// What to keep of what is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retain {
    /// Records, rejections and counts: what reconciling needs.
    Records,
    /// Rejections and counts only: what `check` needs, in a fraction of the memory.
    CountsOnly,
    /// As `CountsOnly`, and a starting layout rule for every table skipped or with unread
    /// columns (`check --suggest-layout`).
    Suggestions,
}

/// One ID under different names is worth a look: a typo, or two people mixed up. An ID
/// ending in 000 under several names is most likely one that Excel cut to 15 significant
/// digits: the note says so and names the rows.
fn note_conflicting_names(batch: &mut Batch) {
    let notes = conflicting_names(batch);
    batch.notes.extend(notes.into_iter().map(|n| n.note));
}

/// A note about one ID, with the ID: a run split by person puts its parts' notes in the
/// single run's order (by ID) with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PersonNote {
    pub id: String,
    pub note: String,
}

/// The notes of one ID under several names (see `note_conflicting_names`), in ID order.
pub fn conflicting_names(batch: &Batch) -> Vec<PersonNote> {
    use std::collections::BTreeSet;
    // Each run's (ID, name), sorted in parallel so that an ID's names come together, in
    // order; a hash map filled run by run was a serial second at 1M people.
    let runs = batch.person_runs();
    let mut named: Vec<NamedRun> = runs
        .par_whos()
        .filter_map(|(kind, run, who)| {
            Some(NamedRun {
                order: id_order(&who.person_id),
                id: &who.person_id,
                name: who.name.as_deref()?,
                kind,
                run,
            })
        })
        .collect();
    named.par_sort_unstable();
    let first_row = |n: &NamedRun| -> Origin {
        let run = n.run as usize;
        match n.kind {
            Kind::Contributions => runs.contributions[run][0].origin,
            Kind::Statement => runs.entries[run][0].origin,
            Kind::Roster => runs.roster[run][0].origin,
        }
    };
    named
        .par_chunk_by(|a, b| a.order == b.order && a.id == b.id)
        // Sorted by name within the ID: two names or more when the first is not the last.
        .filter(|same_id| same_id[0].name != same_id[same_id.len() - 1].name)
        .map(|same_id| {
            let id = same_id[0].id;
            let names: BTreeSet<&str> = same_id.iter().map(|n| n.name).collect();
            let count = names.len();
            let names = names.into_iter().collect::<Vec<_>>().join(", ");
            if !excel_truncated(id) {
                return PersonNote {
                    id: id.to_string(),
                    note: format!(
                        "ID {id} has {count} different names in the inputs ({names}): check that one person is not mistaken for another"
                    ),
                };
            }
            let mut rows: Vec<Origin> = same_id.iter().map(first_row).collect();
            rows.sort_unstable();
            let shown: Vec<String> = rows
                .iter()
                .take(10)
                .map(|o| {
                    let s = batch.source(*o);
                    format!("{} row {}", source_label(&s.path, s.sheet.as_deref()), o.row)
                })
                .collect();
            let more = if rows.len() > 10 { ", …" } else { "" };
            PersonNote {
                id: id.to_string(),
                note: format!(
                    "ID {id} is shared by different names ({names}; {}{more}): it ends in 000 and was most likely cut off by Excel (only 15 digits kept); format the ID column as text and export again",
                    shown.join("; ")
                ),
            }
        })
        .collect()
}

/// A run of one person's rows, by ID and name, for the name check: sorted by ID (its
/// prefix first, as `id_order` gives it), then name, then where the run is.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct NamedRun<'a> {
    order: (u64, u64),
    id: &'a str,
    name: &'a str,
    kind: Kind,
    run: u32,
}

/// An 18-digit ID whose last three digits are 000: what Excel leaves of an ID number it
/// stored as a number (15 significant digits).
fn excel_truncated(id: &str) -> bool {
    id.len() == 18 && id.bytes().all(|b| b.is_ascii_digit()) && id.ends_with("000")
}

/// Reads every input, keeping the records. Runs on the current rayon pool.
pub fn ingest(inputs: &[InputFile]) -> Batch {
    ingest_with(inputs, Retain::Records)
}

/// Reads every input. Runs on the current rayon pool.
pub fn ingest_with(inputs: &[InputFile], retain: Retain) -> Batch {
    let mut batch = read_files(inputs, retain);
    if retain == Retain::Records {
        check_across_files(&mut batch);
    }
    batch
}

/// The first half of [`ingest_with`]: every file read and its rows parsed into records, in
/// parallel, each file on its own.
pub fn read_files(inputs: &[InputFile], retain: Retain) -> Batch {
    let (files, skipped, failures) = discover(inputs);
    // The costliest files first, each a task of its own, so no thread is left reading a
    // big file alone at the end while the other waits: workbooks (zipped XML, several
    // times the work of a CSV of their size), then by size. Results go back in path order.
    let mut order: Vec<(bool, u64, usize)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let size = long_path::metadata(&f.path).map_or(0, |m| m.len());
            (is_workbook_name(&f.path), size, i)
        })
        .collect();
    order.sort_unstable_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)).then(a.2.cmp(&b.2)));
    let mut read: Vec<(usize, FileResult)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&(_, _, i)| (i, read_file(&files[i], retain)))
        .collect();
    read.sort_unstable_by_key(|(i, _)| *i);
    let results = read.into_iter().map(|(_, r)| r).collect();
    let mut batch = assemble(results, skipped, failures);
    batch.unreadable = unreadable_inputs(&batch, inputs);
    batch
}

/// SPEC 2.3's degraded run: an input file (named, or found in a named folder) that exists
/// but cannot be opened or parsed, or a file named by itself that is skipped. Sheets a
/// scan skips and rejected rows do not count: a workbook named by itself that gave one
/// table is read.
fn unreadable_inputs(batch: &Batch, inputs: &[InputFile]) -> Vec<UnreadableInput> {
    unreadable_of(batch, inputs.iter().filter(|i| !i.path.is_dir()))
}

/// The failures, and the `named` files that gave no table but were skipped.
fn unreadable_of<'a>(
    batch: &Batch,
    named: impl Iterator<Item = &'a InputFile>,
) -> Vec<UnreadableInput> {
    let mut out: Vec<UnreadableInput> = batch
        .failures
        .iter()
        .map(|f| {
            let path = f.path().to_string();
            let message = f.to_string();
            let reason = message
                .strip_prefix(path.as_str())
                .map(|r| r.trim_start_matches(':').trim_start())
                .unwrap_or(&message)
                .to_string();
            UnreadableInput { path, reason }
        })
        .collect();
    // Each path below is listed once, beside its failures (a set, not a scan of `out`
    // per input: a folder of thousands of files).
    let mut listed: std::collections::BTreeSet<String> =
        out.iter().map(|u| u.path.clone()).collect();
    let mut add = |out: &mut Vec<UnreadableInput>, path: &str, reason: String| {
        if listed.insert(path.to_string()) {
            out.push(UnreadableInput {
                path: path.to_string(),
                reason,
            });
        }
    };
    // SPEC 2.7: an empty file, or one cut off in the middle of a row, found in a folder
    // degrades the run as it does when named.
    for s in batch
        .skipped_inputs
        .iter()
        .filter(|s| s.reason == EMPTY_FILE)
    {
        add(&mut out, &s.path, EMPTY_FILE.to_string());
    }
    for s in batch.sources.iter().filter(|s| s.truncated) {
        add(&mut out, &s.path, TRUNCATED.to_string());
    }
    let read: std::collections::BTreeSet<&str> =
        batch.sources.iter().map(|s| s.path.as_str()).collect();
    for input in named {
        let path = input.path.display().to_string();
        if read.contains(path.as_str()) {
            continue;
        }
        let reasons: Vec<String> = batch
            .skipped_inputs
            .iter()
            .filter(|s| s.path == path)
            .map(|s| match &s.sheet {
                Some(sheet) => format!("[{sheet}] {}", s.reason),
                None => s.reason.clone(),
            })
            .collect();
        if !reasons.is_empty() {
            add(
                &mut out,
                &path,
                format!("named, but skipped: {}", reasons.join("; ")),
            );
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.reason.cmp(&b.reason)));
    out
}

/// A file held in memory (an upload): its name as given, its bytes, and the person it
/// belongs to when it does not say.
pub struct MemoryFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub person: Option<Arc<Identity>>,
    /// The layout rules that may say what its columns are (SPEC 2.6).
    pub layout: Option<Arc<LayoutRules>>,
}

/// Reads files held in memory as [`read_files`] reads files on disk — nothing touches
/// the disk (`serve`). Each is named by itself: one that gives nothing degrades the run.
pub fn read_memory_files(files: Vec<MemoryFile>, retain: Retain) -> Batch {
    read_memory(files, retain, true, ListedAtMost::default())
}

/// [`read_memory_files`] for the page: every row counted, at most `listed` rejections
/// listed (the first, in file and row order); `Batch::rejected_unlisted` counts the rest.
pub fn read_upload(files: Vec<MemoryFile>, listed: ListedAtMost) -> Batch {
    read_memory(files, Retain::Records, true, listed)
}

/// [`read_memory_files`] of files found in a folder rather than named (a Spark task's
/// file of `--inputs FOLDER`): one that gives no table is skipped, as a file found by a
/// folder walk is; one that cannot be opened or parsed is still unreadable.
pub fn read_found_memory_files(files: Vec<MemoryFile>, retain: Retain) -> Batch {
    read_memory(files, retain, false, ListedAtMost::default())
}

fn read_memory(files: Vec<MemoryFile>, retain: Retain, named: bool, listed: ListedAtMost) -> Batch {
    let keep = retain == Retain::Records;
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|f| InputFile {
            path: PathBuf::from(&f.name),
            forced: None,
            person: f.person.clone(),
            layout: f.layout.clone(),
            follow: false,
        })
        .collect();
    let results: Vec<FileResult> = files
        .into_par_iter()
        .zip(inputs.par_iter())
        .with_max_len(1)
        .map(|(file, input)| {
            let mut result = FileResult::default();
            if file.bytes.len() as u64 > MAX_FILE_BYTES {
                result.failures.push(InputError::TooLarge {
                    path: file.name.clone(),
                    size: file.bytes.len() as u64 >> 20,
                    limit: MAX_FILE_BYTES >> 20,
                });
                return result;
            }
            let opts = TableOptions {
                forced: None,
                keep_records: keep,
                person: file.person.clone(),
                sheet_name: None,
                file_name: Some(file.name.clone()),
                layout: file.layout.clone(),
                suggest: retain == Retain::Suggestions,
                listed_rejections: listed,
            };
            let size = file.bytes.len() as u64;
            sized(parse_file(input, file.bytes, opts, result), size)
        })
        .collect();
    let mut batch = assemble(results, Vec::new(), Vec::new());
    if batch.rejected.len() > listed.0 {
        batch.rejected_unlisted += (batch.rejected.len() - listed.0) as u64;
        batch.rejected.truncate(listed.0);
        batch.rejected.shrink_to_fit();
    }
    // An upload is named by itself (and `is_dir` would ask the disk about its name).
    batch.unreadable = unreadable_of(&batch, inputs.iter().filter(|_| named));
    batch
}

/// The second half: what only shows across files — a row repeated in another file, or a
/// month another file holds, is skipped, one person under two names is noted.
pub fn check_across_files(batch: &mut Batch) {
    skip_repeated_rows(batch);
    note_conflicting_names(batch);
}

/// The first part of [`check_across_files`]: rows a later file repeats are skipped
/// (counted, noted and kept in `batch.repeated`), periods two files record differently
/// kept as conflicts.
pub fn skip_repeated_rows(batch: &mut Batch) {
    // SPEC 2.6: one person across files, before overlapping sources are compared.
    people::join_person_numbers(batch);
    overlap::skip_overlaps(batch);
    overlap::skip_overlapping_entries(batch);
}

/// A table handed over in memory (a record batch of an Arrow host: the Python package,
/// the Spark job), read as a table of a file is, with the same rules.
pub struct GivenTable {
    result: FileResult,
}

/// Reads a table handed over as rows of cells: `first` holds the header row (the column
/// names) and some rows after it, `rest` the rest; rows are numbered as given (a part of
/// a larger table numbers its rows as the whole would). `name` names it where a file's
/// path would; `kind` forces its kind (else the header decides). The table is named by
/// itself: one that gives nothing degrades the run.
pub fn read_given_table<R: table::Row>(
    name: &str,
    kind: Option<Kind>,
    first: Vec<(u32, R)>,
    rest: impl Iterator<Item = (u32, R)>,
) -> GivenTable {
    let opts = TableOptions {
        forced: kind,
        keep_records: true,
        person: None,
        sheet_name: None,
        file_name: Some(name.to_string()),
        layout: None,
        suggest: false,
        listed_rejections: ListedAtMost::default(),
    };
    let mut result = FileResult::default();
    let tables = table::read_tables(first, rest, opts);
    for (k, t) in tables.into_iter().enumerate() {
        let sheet = (k > 0).then(|| format!("table {} from row {}", k + 1, t.first_row));
        place_table(
            &mut result,
            name,
            sheet,
            &None,
            "arrow",
            t.detection,
            t.output,
        );
    }
    GivenTable { result }
}

/// Files (found as [`read_files`] finds them) and tables handed over in memory, read into
/// one batch: the files' sources first, in path order, then the tables' in the order
/// given. A given table that gives nothing is an unreadable input, as a named file is.
pub fn read_files_and_tables(inputs: &[InputFile], given: Vec<(String, GivenTable)>) -> Batch {
    let mut batch = read_files(inputs, Retain::Records);
    if given.is_empty() {
        return batch;
    }
    let files = std::mem::take(&mut batch);
    let first_source = files.sources.len() as u32;
    let names: Vec<InputFile> = given.iter().map(|(n, _)| InputFile::new(n)).collect();
    let mut tables = assemble(
        given.into_iter().map(|(_, t)| t.result).collect(),
        Vec::new(),
        Vec::new(),
    );
    let mut unreadable = unreadable_of(&tables, names.iter());
    renumber_sources(&mut tables, first_source);
    batch = files;
    batch.notes.append(&mut tables.notes);
    batch.sources.append(&mut tables.sources);
    batch.skipped_inputs.append(&mut tables.skipped_inputs);
    batch.failures.append(&mut tables.failures);
    batch.unreadable.append(&mut unreadable);
    for part in tables.contributions.into_parts() {
        batch.contributions.append(part);
    }
    for part in tables.entries.into_parts() {
        batch.entries.append(part);
    }
    for part in tables.roster.into_parts() {
        batch.roster.append(part);
    }
    batch.rejected.append(&mut tables.rejected);
    batch
}

/// Moves every record and rejection of `batch` `by` sources on.
fn renumber_sources(batch: &mut Batch, by: u32) {
    let shift = |o: &mut Origin| o.source += by;
    batch.contributions.for_each_mut(|r| shift(&mut r.origin));
    batch.entries.for_each_mut(|r| shift(&mut r.origin));
    batch.roster.for_each_mut(|r| shift(&mut r.origin));
    batch.rejected.iter_mut().for_each(|r| shift(&mut r.origin));
}

/// Puts the files' results together in path order, numbering the sources.
fn assemble(
    mut results: Vec<FileResult>,
    skipped: Vec<SkippedInput>,
    failures: Vec<InputError>,
) -> Batch {
    let mut batch = Batch {
        skipped_inputs: skipped,
        failures,
        ..Batch::default()
    };
    // Each table's records learn their source's number, in parallel: it touches every
    // record, and a single thread doing so held the other cores idle.
    let mut first_source = Vec::with_capacity(results.len());
    let mut sources = 0u32;
    for file in &results {
        first_source.push(sources);
        sources += file.tables.len() as u32;
    }
    results
        .par_iter_mut()
        .zip(first_source)
        .for_each(|(file, first)| {
            for (i, (_, output)) in file.tables.iter_mut().enumerate() {
                let index = first + i as u32;
                let set = |o: &mut Origin| o.source = index;
                output
                    .contributions
                    .iter_mut()
                    .for_each(|r| set(&mut r.origin));
                output.entries.iter_mut().for_each(|r| set(&mut r.origin));
                output.roster.iter_mut().for_each(|r| set(&mut r.origin));
                output.rejected.iter_mut().for_each(|r| set(&mut r.origin));
            }
        });
    for mut file in results {
        batch.suggestions.append(&mut file.suggestions);
        batch.skipped_inputs.extend(file.skipped);
        batch.notes.extend(file.notes);
        batch.failures.extend(file.failures);
        for (source, output) in file.tables {
            batch.sources.push(source);
            batch.contributions.append(output.contributions);
            batch.entries.append(output.entries);
            batch.roster.append(output.roster);
            take_all(&mut batch.rejected, output.rejected);
            batch.rejected_unlisted += output.unlisted;
        }
    }
    batch
}
