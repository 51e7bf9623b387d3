//! Typed errors of the library. The binary turns them into messages and exit statuses.

use thiserror::Error;

/// A file or sheet that cannot be read at all (exit status 2). The run goes on with the
/// other inputs; the failure is reported with the path and, where there is one, the sheet.
#[derive(Debug, Error)]
pub enum InputError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: {size} MiB, more than the {limit} MiB one input may have")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a readable workbook: {message}")]
    Workbook { path: String, message: String },
    #[error("{path} [{sheet}]: cannot read the sheet: {message}")]
    Sheet {
        path: String,
        sheet: String,
        message: String,
    },
    #[error("{path}{}: read as {kind}, but no header row names {missing} (looked at the first {rows} rows)", sheet_label(.sheet))]
    MissingColumns {
        path: String,
        sheet: Option<String>,
        kind: crate::records::Kind,
        missing: String,
        rows: usize,
    },
    #[error("{path}{}: cannot read as delimited text: {message}", sheet_label(.sheet))]
    Text {
        path: String,
        sheet: Option<String>,
        message: String,
    },
}

impl InputError {
    /// The message in `lang`: in zh the sentence is Chinese, what came from the file or
    /// the system (a sheet name, an OS or workbook error) kept as it is.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            InputError::NotFound { path } => format!("{path}: 找不到该文件或文件夹"),
            InputError::TooLarge { path, size, limit } => {
                format!("{path}: {size} MiB,超过单个输入 {limit} MiB 的上限")
            }
            InputError::Io { path, source } => format!("{path}: 无法读取: {source}"),
            InputError::Workbook { path, message } => {
                format!("{path}: 不是可读取的工作簿: {message}")
            }
            InputError::Sheet {
                path,
                sheet,
                message,
            } => format!("{path} [{sheet}]: 无法读取该工作表: {message}"),
            InputError::MissingColumns {
                path,
                sheet,
                kind,
                missing,
                rows,
            } => format!(
                "{path}{}: 指定按{}读取,但前 {rows} 行中没有表头包含 {missing}",
                sheet_label(sheet),
                match kind {
                    crate::records::Kind::Contributions => "缴费记录",
                    crate::records::Kind::Statement => "账户明细",
                    crate::records::Kind::Roster => "花名册",
                }
            ),
            InputError::Text {
                path,
                sheet,
                message,
            } => format!(
                "{path}{}: 无法按分隔文本读取: {message}",
                sheet_label(sheet)
            ),
        }
    }

    /// The file (or folder) the error is about.
    pub fn path(&self) -> &str {
        match self {
            InputError::NotFound { path }
            | InputError::TooLarge { path, .. }
            | InputError::Io { path, .. }
            | InputError::Workbook { path, .. }
            | InputError::Sheet { path, .. }
            | InputError::MissingColumns { path, .. }
            | InputError::Text { path, .. } => path,
        }
    }
}

fn sheet_label(sheet: &Option<String>) -> String {
    sheet
        .as_ref()
        .map(|s| format!(" [{s}]"))
        .unwrap_or_default()
}

/// Writing an output failed.
#[derive(Debug, Error)]
pub enum OutputError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot write CSV: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
    #[error("{path}: cannot write the workbook: {message}")]
    Xlsx { path: String, message: String },
    #[error("{path}: cannot write Parquet: {message}")]
    Parquet { path: String, message: String },
    #[error("{path}: cannot read the previous run's findings: {message}")]
    Previous { path: String, message: String },
    #[error("-o {path}: {reason}; nothing was read or written")]
    NotReportFolder { path: String, reason: String },
    #[error(
        "-o {path}: a report folder that also holds files the tool did not write ({files}); the reports replace the folder whole, which would delete them: move them out, or name another folder; nothing was read or written"
    )]
    ForeignFiles { path: String, files: String },
    #[error(
        "{path}: another run writes into this folder ({holder}); waited {waited} s, nothing was read or written"
    )]
    Locked {
        path: String,
        holder: String,
        waited: u64,
    },
}
