//! Outputs are never inputs (SPEC 2.3): a folder people re-use holds the reports of the
//! last run beside the data (`cd data && yibao-recon reconcile .` writes `recon-out/` into
//! the folder it reads). A report folder — one holding a summary.json written by this
//! tool, or a run's temporary, replaced or failed folder — is not searched, and a CSV
//! whose first line is a report's header is not read, unless its kind is forced.

use std::io::Read;
use std::path::Path;

/// The reason such inputs are skipped with.
pub const REASON: &str = "output of an earlier run";

/// How much of a file's start is read to compare its first line with the reports'
/// headers: the longest header is under 300 bytes.
const FIRST_LINE_BYTES: usize = 4096;

/// Whether `dir` is a report folder: it holds a summary.json whose `tool.name` is this
/// tool's, or it is named as a run's temporary (`.DIR.tmp-*`), replaced (`.DIR.old-*`) or
/// failed (`DIR.failed-*`) folder.
pub fn is_report_folder(dir: &Path) -> bool {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let run_folder = (name.starts_with('.') && (name.contains(".tmp-") || name.contains(".old-")))
        || name.contains(".failed-");
    run_folder || written_by_this_tool(&dir.join("summary.json"))
}

fn written_by_this_tool(summary: &Path) -> bool {
    read_summary(summary).is_some_and(|v| v["tool"]["name"] == crate::TOOL_NAME)
}

/// A summary.json as JSON. A summary is small; a planted huge one is not read past 1 MB.
fn read_summary(summary: &Path) -> Option<serde_json::Value> {
    let file = super::long_path::open(summary).ok()?;
    let mut text = Vec::new();
    file.take(1 << 20).read_to_end(&mut text).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Whether the run whose reports are in `dir` read every input: its summary.json does not
/// say `complete: false` (SPEC 2.3; runs before it wrote no `complete`). Jobs compare only
/// with complete runs, and a merge of shards is complete only when each shard was.
pub fn run_was_complete(dir: &Path) -> bool {
    read_summary(&dir.join("summary.json")).is_none_or(|v| v["complete"] != false)
}

/// An input of an earlier complete run, as its summary.json names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EarlierInput {
    pub path: String,
    pub sheet: Option<String>,
    pub rows_accepted: u64,
}

/// The inputs the run in `dir` read, when it was complete (SPEC 2.7: a job remembers the
/// inputs of the last complete run); `None` without such a run.
pub fn complete_run_inputs(dir: &Path) -> Option<Vec<EarlierInput>> {
    let summary = read_summary(&dir.join("summary.json"))?;
    if summary["tool"]["name"] != crate::TOOL_NAME || summary["complete"] == false {
        return None;
    }
    let inputs = summary["inputs"].as_array()?;
    Some(
        inputs
            .iter()
            .filter_map(|i| {
                Some(EarlierInput {
                    path: i["path"].as_str()?.to_string(),
                    sheet: i["sheet"].as_str().map(str::to_string),
                    rows_accepted: i["rows_accepted"].as_u64()?,
                })
            })
            .collect(),
    )
}

/// Why an input of the last complete run makes this run degraded (SPEC 2.7).
pub const VANISHED: &str = "read in the last complete run, missing now";
pub const SHRUNK: &str = "lost more than half of its rows since the last complete run";
/// Why a job's input pattern that matched no file degrades its run (SPEC 2.7).
pub const MATCHED_NOTHING: &str = "the job's input pattern matched no file";

/// Whether an unreadable input's reason is a change since the last complete run (a file
/// gone or shrunk, a pattern that matched nothing): one `--accept-input-changes` accepts.
pub fn is_input_change(reason: &str) -> bool {
    reason == MATCHED_NOTHING || reason.starts_with(VANISHED) || reason.starts_with(SHRUNK)
}

/// SPEC 2.7, inputs that vanish or shrink: each file (and sheet) of the last complete run
/// that this run did not read, or that lost more than half its rows accepted. Paths are
/// compared as the reports print them, IDs masked (summary.json masks them).
pub fn vanished_or_shrunk(
    batch: &super::Batch,
    earlier: &[EarlierInput],
) -> Vec<super::UnreadableInput> {
    use crate::mask::IdDisplay::Masked;
    let key = |path: &str, sheet: Option<&str>| {
        (
            Masked.text(path).into_owned(),
            sheet.map(|s| Masked.text(s).into_owned()),
        )
    };
    let now: std::collections::BTreeMap<(String, Option<String>), u64> = batch
        .sources
        .iter()
        .map(|s| (key(&s.path, s.sheet.as_deref()), s.counts.accepted))
        .collect();
    let mut out = Vec::new();
    for e in earlier {
        let label = super::source_label(&e.path, e.sheet.as_deref());
        match now.get(&key(&e.path, e.sheet.as_deref())) {
            None => out.push(super::UnreadableInput {
                path: label,
                reason: format!("{VANISHED} ({} rows accepted then)", e.rows_accepted),
            }),
            Some(&rows) if rows * 2 < e.rows_accepted => out.push(super::UnreadableInput {
                path: label,
                reason: format!(
                    "{SHRUNK} ({} rows accepted then, {rows} now)",
                    e.rows_accepted
                ),
            }),
            Some(_) => {}
        }
    }
    out
}

/// Whether the file at `path` is a report: in a report folder, or a text file whose first
/// line is the header of findings.csv, months.csv, persons.csv, rejected.csv or
/// changes.csv.
pub fn is_report_file(path: &Path) -> bool {
    if path.parent().is_some_and(is_report_folder) {
        return true;
    }
    let Ok(file) = super::long_path::open(path) else {
        return false;
    };
    let mut start = Vec::with_capacity(FIRST_LINE_BYTES);
    if file
        .take(FIRST_LINE_BYTES as u64)
        .read_to_end(&mut start)
        .is_err()
    {
        return false;
    }
    let start = start.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&start);
    let line = start.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    crate::columns::report_headers()
        .iter()
        .any(|header| header.as_bytes() == line)
        || (start.starts_with(b"PK\x03\x04") && is_report_workbook(path))
}

/// The creator the tool writes into its workbook's document properties (SPEC 2.7: the
/// tool's own report.xlsx, copied into a data folder, is an output of an earlier run).
pub const WORKBOOK_CREATOR: &str = "yibao-recon";

/// Whether a workbook's document properties (docProps/core.xml) name this tool as its
/// creator. A spreadsheet program that saves it again keeps the creator.
fn is_report_workbook(path: &Path) -> bool {
    let Ok(file) = super::long_path::open(path) else {
        return false;
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return false;
    };
    let Ok(core) = archive.by_name("docProps/core.xml") else {
        return false;
    };
    let mut text = Vec::new();
    if core.take(64 << 10).read_to_end(&mut text).is_err() {
        return false;
    }
    let needle = format!(">{WORKBOOK_CREATOR}</dc:creator>");
    text.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_with_this_tools_summary_is_a_report_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("recon-out");
        std::fs::create_dir(&out).unwrap();
        assert!(!is_report_folder(&out));
        std::fs::write(out.join("summary.json"), r#"{"tool":{"name":"other"}}"#).unwrap();
        assert!(!is_report_folder(&out));
        std::fs::write(
            out.join("summary.json"),
            r#"{"tool":{"name":"yibao-recon"}}"#,
        )
        .unwrap();
        assert!(is_report_folder(&out));
        assert!(is_report_file(&out.join("anything.csv")));
        for name in [".out.tmp-x1", ".out.old-x2", "out.failed-20261130T030000"] {
            assert!(is_report_folder(&dir.path().join(name)), "{name}");
        }
    }

    #[test]
    fn a_csv_starting_with_a_report_header_is_a_report() {
        let dir = tempfile::tempdir().unwrap();
        let copied = dir.path().join("copy.csv");
        let header = crate::columns::FINDINGS_COLUMNS.join(",");
        std::fs::write(&copied, format!("\u{feff}{header}\r\nA,甲\r\n")).unwrap();
        assert!(is_report_file(&copied));
        let data = dir.path().join("data.csv");
        std::fs::write(&data, "身份证号,姓名,费款所属期\n").unwrap();
        assert!(!is_report_file(&data));
    }
}
