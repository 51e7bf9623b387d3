//! One reconciliation for the page, in memory (SPEC 2.5): the uploaded files are read,
//! reconciled and reported without touching the disk, and the answer is one JSON
//! document — the summary, the findings, each person's explain data and every report,
//! base64-encoded. Stages: `read` (files and paste into a batch), the engine ([`run`]),
//! `answer` (the document).

use std::sync::Arc;

use base64::Engine as _;
use serde_json::{Value, json};

use yibao_recon::engine::{self, Months, Options, Run};
use yibao_recon::ingest::{self, Batch, MemoryFile};
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::policy::Policy;
use yibao_recon::reconcile::Reconciliation;
use yibao_recon::report::{self, tables};

/// What a request brought.
pub struct Upload {
    pub files: Vec<MemoryFile>,
    /// A table pasted from a web page (tab-separated), read as a file of its own.
    pub paste: Option<String>,
    pub policy: Policy,
    pub as_of: Option<chrono::NaiveDate>,
    pub lang: Lang,
    /// The person an upload without identity belongs to (`--person`).
    pub person: Option<String>,
    pub show_ids: bool,
    /// Layout rules given on the page (SPEC 2.6), for the paste too.
    pub layout: Option<Arc<yibao_recon::ingest::LayoutRules>>,
    /// Set when the client went away: the run stops at its next stage (SPEC 2.7).
    pub cancelled: Arc<std::sync::atomic::AtomicBool>,
}

impl Upload {
    fn cancelled(&self) -> Result<(), Refusal> {
        if self.cancelled.load(std::sync::atomic::Ordering::Relaxed) {
            Err(Refusal {
                reasons: vec!["cancelled: the page that asked went away".into()],
            })
        } else {
            Ok(())
        }
    }
}

/// Why a request gives no answer: the reasons `check` would give (422).
#[derive(Debug)]
pub struct Refusal {
    pub reasons: Vec<String>,
}

/// Runs going on now, and the most at once since the server started (the slots' proof:
/// `serve -j 1` under aborted uploads must never run two).
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// (runs going on now, the most at once so far).
pub fn runs_at_once() -> (usize, usize) {
    use std::sync::atomic::Ordering::SeqCst;
    (RUNNING.load(SeqCst), PEAK.load(SeqCst))
}

/// Counts a run while it lasts.
struct Running;

impl Running {
    fn start() -> Running {
        use std::sync::atomic::Ordering::SeqCst;
        let now = RUNNING.fetch_add(1, SeqCst) + 1;
        PEAK.fetch_max(now, SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Where the answer document goes, piece by piece as it is made: `false` when the
/// client has gone, and the run stops there.
pub type Sink<'a> = &'a mut dyn FnMut(String) -> bool;

/// How a run that gave an answer ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// The whole document was handed on.
    Whole,
    /// The client went away part way.
    ClientGone,
}

/// Reads, reconciles and reports an upload, handing the answer document to `send` as it
/// is made — each report encoded and sent, then dropped, so a run holds what the
/// command line holds plus one piece, not the whole answer; or why there is none (before
/// the first piece).
pub fn run(mut upload: Upload, send: Sink) -> Result<Sent, Refusal> {
    let _running = Running::start();
    let ids = if upload.show_ids {
        IdDisplay::Full
    } else {
        IdDisplay::Masked
    };
    let lang = upload.lang;
    let batch = read(&mut upload)?;
    upload.cancelled()?;
    let options = Options {
        as_of: upload.as_of,
        lang,
        shard: None,
        keep_entries: true,
    };
    let Run { batch, result, .. } = engine::run(batch, &upload.policy, options, Months::Kept);
    upload.cancelled()?;
    refuse_if_incomplete(&batch, lang, ids)?;
    let mut out = Answer { send, sent: 0 };
    answer(&result, &batch, &upload.policy, lang, ids, &mut out)
        .map_err(|e| Refusal { reasons: vec![e] })
}

/// The files and the paste as one batch (moved out of the upload, not copied); an upload
/// of nothing is refused.
fn read(upload: &mut Upload) -> Result<Batch, Refusal> {
    let person = upload
        .person
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            yibao_recon::ingest::layouts::identity::Identity::given(p, None)
                .map(Arc::new)
                .ok_or_else(|| Refusal {
                    reasons: vec![format!(
                        "{}: {}",
                        upload
                            .lang
                            .pick("证件号码无效", "not an ID or person number"),
                        IdDisplay::Masked.text(p)
                    )],
                })
        })
        .transpose()?;
    let mut files = std::mem::take(&mut upload.files);
    for f in &mut files {
        f.person = f.person.take().or_else(|| person.clone());
    }
    if let Some(paste) = upload.paste.take().filter(|p| !p.trim().is_empty()) {
        files.push(MemoryFile {
            name: "paste.tsv".into(),
            bytes: paste.into_bytes(),
            person: person.clone(),
            layout: upload.layout.clone(),
        });
    }
    if files.is_empty() {
        return Err(Refusal {
            reasons: vec![
                upload
                    .lang
                    .pick(
                        "没有上传文件或粘贴表格",
                        "no file uploaded and nothing pasted",
                    )
                    .into(),
            ],
        });
    }
    let read_size = files
        .iter()
        .map(|f| ingest::workbook::unpacked_size(&f.bytes))
        .fold(0u64, u64::saturating_add);
    Ok(ingest::read_upload(files, listed_rejections(read_size)))
}

/// The page lists at most one rejected row per [`READ_BYTES_PER_LISTED_REJECTION`] bytes
/// read (never fewer than [`ANSWER_REJECTED_ROWS`]); the rest are counted. A listed row
/// takes at most ~1 KB in rejected.csv (its value and column cut to 80 characters), so
/// the answer stays within a multiple of the upload however short its rows are.
pub fn listed_rejections(read_size: u64) -> ingest::ListedAtMost {
    let by_size =
        usize::try_from(read_size / READ_BYTES_PER_LISTED_REJECTION).unwrap_or(usize::MAX);
    ingest::ListedAtMost(by_size.max(ANSWER_REJECTED_ROWS))
}

/// See [`listed_rejections`]: a 5 MB CSV whose 80,000 rows are all rejected lists them all.
pub const READ_BYTES_PER_LISTED_REJECTION: u64 = 64;

/// SPEC 2.5: 422 with `check`'s reasons when the run would exit 2 — nothing recognised,
/// a file that cannot be read or gives nothing, a sum that overflows.
fn refuse_if_incomplete(batch: &Batch, lang: Lang, ids: IdDisplay) -> Result<(), Refusal> {
    let reasons = if batch.sources.is_empty() {
        report::labels::nothing_recognised_lines(batch, lang, ids)
    } else {
        report::labels::unreadable_lines(batch, lang, ids)
    };
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Refusal { reasons })
    }
}

/// The answer document, as JSON text: `summary` (summary.json), `findings` (findings.csv's
/// rows as objects, values as the CSV has them: at most [`ANSWER_FINDINGS`], errors
/// first, `findings_count` says how many there are), `persons` (persons.csv's rows, each
/// with its explain text: at most [`ANSWER_PERSONS`], people with errors first,
/// `persons_count`), `reading`, and `reports` (file name → base64, every report whole,
/// sent in pieces as each is made).
fn answer(
    result: &Reconciliation,
    batch: &Batch,
    policy: &Policy,
    lang: Lang,
    ids: IdDisplay,
    out: &mut Answer,
) -> Result<Sent, String> {
    match send_answer(result, batch, policy, lang, ids, out) {
        Ok(()) => Ok(Sent::Whole),
        Err(Stop::Gone) => Ok(Sent::ClientGone),
        Err(Stop::Failed(e)) => Err(e),
    }
}

fn send_answer(
    result: &Reconciliation,
    batch: &Batch,
    policy: &Policy,
    lang: Lang,
    ids: IdDisplay,
    out: &mut Answer,
) -> Result<(), Stop> {
    let mut csvs =
        tables::CsvSet::build(result, batch, ids, lang, true).map_err(|e| e.to_string())?;
    csvs.join();
    let summary = tables::summary_json(result, batch, policy, ids, None);
    let (findings, findings_count) = findings_listed(&csvs.findings.bytes())?;
    let (persons, persons_count) = persons_listed(result, batch, &csvs, policy, lang, ids)?;
    let head = json!({
        "summary": summary,
        "labels": labels(lang),
        "reading": reading(batch, &csvs, lang, ids)?,
        "findings": findings,
        "findings_count": findings_count,
        "persons": persons,
        "persons_count": persons_count,
    });
    let mut text = serde_json::to_string(&head).map_err(|e| e.to_string())?;
    drop(head);
    text.pop(); // the closing brace: the reports follow
    text.push_str(",\"reports\":{");
    out.piece(text)?;
    let xlsx = report::xlsx::workbook_within(result, &csvs, lang, report::xlsx::Limits::IN_MEMORY)
        .map_err(|e| e.to_string())?;
    out.report("report.xlsx", &xlsx)?;
    drop(xlsx);
    let page = ids
        .text(&report::html::report(result, &csvs, &policy.name, lang))
        .into_owned();
    out.report("report.html", page.as_bytes())?;
    drop(page);
    out.report("findings.jsonl", &tables::findings_jsonl(result, ids))?;
    for (name, table) in [
        ("findings.csv", &mut csvs.findings),
        ("months.csv", &mut csvs.months),
        ("persons.csv", &mut csvs.persons),
        ("rejected.csv", &mut csvs.rejected),
    ] {
        out.report(name, &table.bytes())?;
        *table = tables::CsvTable::default();
    }
    let mut summary_bytes = serde_json::to_vec_pretty(&summary).map_err(|e| e.to_string())?;
    summary_bytes.push(b'\n');
    out.report("summary.json", &summary_bytes)?;
    out.piece("}}".into())
}

/// The answer document on its way out.
struct Answer<'a> {
    send: Sink<'a>,
    /// Pieces handed on so far.
    sent: usize,
}

/// Why an answer stops part way.
enum Stop {
    /// The client went away.
    Gone,
    /// A report could not be made.
    Failed(String),
}

impl From<String> for Stop {
    fn from(e: String) -> Self {
        Stop::Failed(e)
    }
}

/// The raw bytes of a report in one piece: base64 of 3 × 2^18 bytes is 1 MiB, and a piece
/// ends on a whole group of three, so the pieces join into one base64 text.
const PIECE_BYTES: usize = 3 << 18;

impl Answer<'_> {
    fn piece(&mut self, text: String) -> Result<(), Stop> {
        self.sent += 1;
        if (self.send)(text) {
            Ok(())
        } else {
            Err(Stop::Gone)
        }
    }

    /// One report, base64-encoded, after the ones before it.
    fn report(&mut self, name: &str, bytes: &[u8]) -> Result<(), Stop> {
        let comma = if self.sent > 1 { "," } else { "" };
        let mut piece = format!("{comma}\"{name}\":\"");
        let mut chunks = bytes.chunks(PIECE_BYTES).peekable();
        while let Some(chunk) = chunks.next() {
            base64::engine::general_purpose::STANDARD.encode_string(chunk, &mut piece);
            if chunks.peek().is_some() {
                self.piece(std::mem::take(&mut piece))?;
            }
        }
        piece.push('"');
        self.piece(piece)
    }
}

/// The most findings the answer document lists as objects (the page's table); every
/// one is in findings.csv and report.xlsx.
pub const ANSWER_FINDINGS: usize = 5000;

/// The most people the answer document lists with their explanations; every one is in
/// persons.csv and report.xlsx, and `yibao-recon explain` tells any of them.
pub const ANSWER_PERSONS: usize = 1000;

/// The findings for the page: errors first, then warnings, then notes, up to
/// [`ANSWER_FINDINGS`], in findings.csv's order; and how many there are.
fn findings_listed(csv_bytes: &[u8]) -> Result<(Vec<Value>, usize), String> {
    let rank = |severity: &str| match severity {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    let (kept, count) = first_by_rank(csv_bytes, "severity", ANSWER_FINDINGS, rank)?;
    Ok((rows_at(csv_bytes, &kept)?, count))
}

/// The places of the `at_most` rows whose `column` ranks lowest (ties in order), in
/// order; and how many rows there are. Nothing but the one column is kept meanwhile.
fn first_by_rank(
    csv_bytes: &[u8],
    column: &str,
    at_most: usize,
    rank: impl Fn(&str) -> u8,
) -> Result<(Vec<usize>, usize), String> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let header = reader.headers().map_err(|e| e.to_string())?;
    let at = header
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| format!("no column {column}"))?;
    let mut order = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| e.to_string())? {
        order.push((rank(record.get(at).unwrap_or("")), order.len()));
    }
    let count = order.len();
    if count > at_most {
        order.sort_unstable();
        order.truncate(at_most);
    }
    let mut kept: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    kept.sort_unstable();
    Ok((kept, count))
}

/// The rows at `places` (in order) as objects keyed by the header's column names.
fn rows_at(csv_bytes: &[u8], places: &[usize]) -> Result<Vec<Value>, String> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let mut out = Vec::with_capacity(places.len());
    let mut wanted = places.iter().peekable();
    for (i, record) in reader.records().enumerate() {
        let Some(&&next) = wanted.peek() else {
            break;
        };
        let record = record.map_err(|e| e.to_string())?;
        if i == next {
            wanted.next();
            out.push(object(&header, &record));
        }
    }
    Ok(out)
}

/// persons.csv's rows with each person's explanation and balances, people with errors
/// first, up to [`ANSWER_PERSONS`]; and how many there are.
fn persons_listed(
    result: &Reconciliation,
    batch: &Batch,
    csvs: &tables::CsvSet,
    policy: &Policy,
    lang: Lang,
    ids: IdDisplay,
) -> Result<(Vec<Value>, usize), String> {
    let bytes = csvs.persons.bytes();
    let with_errors = |errors: &str| u8::from(errors == "0" || errors.is_empty());
    let (kept, count) = first_by_rank(&bytes, "errors", ANSWER_PERSONS, with_errors)?;
    // A row's place in persons.csv is the person's place in the run.
    let mut listed = rows_at(&bytes, &kept)?;
    for (row, &at) in listed.iter_mut().zip(&kept) {
        let Some(p) = result.persons.get(at) else {
            continue;
        };
        let text = report::explain::page(
            p,
            result,
            &policy.name,
            lang,
            ids,
            report::explain::Unread::of(batch),
        );
        row["explain"] = json!(text);
        row["statement_first"] = json!(p.statement_first);
        row["balances"] = json!(
            p.entries
                .iter()
                .filter_map(|e| Some((e.at.date().to_string(), e.balance?.to_string())))
                .collect::<Vec<_>>()
        );
    }
    Ok((listed, count))
}

/// The most rejected rows the answer document holds (SPEC 2.7); rejected.csv and the
/// count carry the rest.
pub const ANSWER_REJECTED_ROWS: usize = 1000;

/// SPEC 2.7: what the console says of the reading, for the page to show above the
/// findings — the rejected rows (the first [`ANSWER_REJECTED_ROWS`], with the count),
/// the inputs skipped and why, the warnings, the columns read by inference.
fn reading(
    batch: &Batch,
    csvs: &tables::CsvSet,
    lang: Lang,
    ids: IdDisplay,
) -> Result<Value, String> {
    let rejected = rows(&csvs.rejected.bytes(), ANSWER_REJECTED_ROWS)?;
    let rejected_count = batch.rejected.len() as u64 + batch.rejected_unlisted;
    let rows_rejected: u64 = batch.sources.iter().map(|s| s.counts.rejected).sum();
    let mut warnings: Vec<String> = batch
        .warnings_in(lang)
        .iter()
        .map(|w| ids.text(w).into_owned())
        .collect();
    warnings.extend(report::labels::looks_like_lines(batch, lang, ids));
    warnings.sort();
    warnings.dedup();
    Ok(json!({
        "rows_rejected": rows_rejected,
        "rejected_count": rejected_count,
        // rejected.csv's lines; the rest are counted only (the page's bound).
        "rejected_listed": batch.rejected.len(),
        "rejected": rejected,
        "skipped": report::labels::skipped_lines(batch, lang, ids),
        "warnings": warnings,
        "inferred": report::labels::inferred_lines(batch, lang, ids),
    }))
}

/// A CSV table's first `at_most` rows as objects keyed by its header's column names,
/// values as written.
fn rows(csv_bytes: &[u8], at_most: usize) -> Result<Vec<Value>, String> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    reader
        .records()
        .take(at_most)
        .map(|r| Ok(object(&header, &r.map_err(|e| e.to_string())?)))
        .collect()
}

/// A CSV row as an object keyed by the header's column names.
fn object(header: &csv::StringRecord, record: &csv::StringRecord) -> Value {
    Value::Object(
        header
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), json!(v)))
            .collect(),
    )
}

/// Each code's label and severity's word in `lang`, for the page's filters and table.
fn labels(lang: Lang) -> Value {
    let codes: serde_json::Map<String, Value> = yibao_recon::reconcile::findings::CODES
        .iter()
        .map(|c| (c.name.to_string(), json!(c.code.label(lang))))
        .collect();
    let severities: serde_json::Map<String, Value> = ["error", "warning", "info"]
        .iter()
        .map(|s| {
            (
                s.to_string(),
                json!(report::labels::cell("severity", s, lang)),
            )
        })
        .collect();
    json!({"codes": codes, "severities": severities})
}
