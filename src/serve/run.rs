//! One reconciliation for the page, in memory (SPEC 2.5): the uploaded files are read,
//! reconciled and reported without touching the disk, and the answer is one JSON
//! document — the summary, the findings, each person's explain data and every report,
//! base64-encoded. Stages: `read` (files and paste into a batch), the engine ([`run`]),
//! `answer` (the document).

use std::sync::Arc;

use base64::Engine as _;
use serde_json::{Value, json};

use crate::ingest::{self, Batch, MemoryFile, Retain};
use crate::lang::Lang;
use crate::mask::IdDisplay;
use crate::policy::Policy;
use crate::reconcile::{self, Options, Reconciliation};
use crate::report::{self, tables};

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
    pub layout: Option<Arc<crate::ingest::LayoutRules>>,
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

/// Reads, reconciles and reports an upload; the answer document, or why there is none.
pub fn run(mut upload: Upload) -> Result<Value, Refusal> {
    let _running = Running::start();
    let ids = if upload.show_ids {
        IdDisplay::Full
    } else {
        IdDisplay::Masked
    };
    let lang = upload.lang;
    let mut batch = read(&mut upload)?;
    upload.cancelled()?;
    ingest::check_across_files(&mut batch);
    let options = Options {
        as_of: upload.as_of,
        lang,
        shard: None,
        keep_entries: true,
    };
    let result = reconcile::reconcile(&batch, &upload.policy, options);
    upload.cancelled()?;
    batch
        .unreadable
        .extend(reconcile::overflowed_inputs(&result, &batch));
    refuse_if_incomplete(&batch, lang, ids)?;
    answer(&result, &batch, &upload.policy, lang, ids).map_err(|e| Refusal { reasons: vec![e] })
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
            crate::ingest::layouts::identity::Identity::given(p, None)
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
    Ok(ingest::read_memory_files(files, Retain::Records))
}

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

/// The answer document: `summary` (summary.json), `findings` (findings.csv's rows as
/// objects, values as the CSV has them), `persons` (persons.csv's rows, each with its
/// explain text), and `reports` (file name → base64).
fn answer(
    result: &Reconciliation,
    batch: &Batch,
    policy: &Policy,
    lang: Lang,
    ids: IdDisplay,
) -> Result<Value, String> {
    let mut csvs =
        tables::CsvSet::build(result, batch, ids, lang, true).map_err(|e| e.to_string())?;
    csvs.join();
    let summary = tables::summary_json(result, batch, policy, ids, None);
    let xlsx = report::xlsx::workbook_within(result, &csvs, lang, report::xlsx::Limits::IN_MEMORY)
        .map_err(|e| e.to_string())?;
    let page = ids
        .text(&report::html::report(result, &csvs, &policy.name, lang))
        .into_owned();
    let mut summary_bytes = serde_json::to_vec_pretty(&summary).map_err(|e| e.to_string())?;
    summary_bytes.push(b'\n');
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let reports = json!({
        "findings.csv": b64(&csvs.findings.bytes()),
        "months.csv": b64(&csvs.months.bytes()),
        "persons.csv": b64(&csvs.persons.bytes()),
        "rejected.csv": b64(&csvs.rejected.bytes()),
        "summary.json": b64(&summary_bytes),
        "findings.jsonl": b64(&tables::findings_jsonl(result, ids)),
        "report.xlsx": b64(&xlsx),
        "report.html": b64(page.as_bytes()),
    });
    let findings = rows(&csvs.findings.bytes())?;
    let mut persons = rows(&csvs.persons.bytes())?;
    for (row, p) in persons.iter_mut().zip(&result.persons) {
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
    Ok(json!({
        "summary": summary,
        "labels": labels(lang),
        "reading": reading(batch, &csvs, lang, ids)?,
        "findings": findings,
        "persons": persons,
        "reports": reports,
    }))
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
    let mut rejected = rows(&csvs.rejected.bytes())?;
    let rejected_count = rejected.len();
    rejected.truncate(ANSWER_REJECTED_ROWS);
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
        "rejected": rejected,
        "skipped": report::labels::skipped_lines(batch, lang, ids),
        "warnings": warnings,
        "inferred": report::labels::inferred_lines(batch, lang, ids),
    }))
}

/// A CSV table as objects keyed by its header's column names, values as written.
fn rows(csv_bytes: &[u8]) -> Result<Vec<Value>, String> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    reader
        .records()
        .map(|r| {
            let r = r.map_err(|e| e.to_string())?;
            let object: serde_json::Map<String, Value> = header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), json!(v)))
                .collect();
            Ok(Value::Object(object))
        })
        .collect()
}

/// Each code's label and severity's word in `lang`, for the page's filters and table.
fn labels(lang: Lang) -> Value {
    let codes: serde_json::Map<String, Value> = crate::reconcile::findings::CODES
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
