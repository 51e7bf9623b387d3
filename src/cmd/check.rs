//! `yibao-recon check`: read and validate inputs only; report what every file and sheet
//! holds and which rows were rejected.

use std::path::PathBuf;

use clap::Args;
use yibao_recon::exit;
use yibao_recon::ingest::{self, source_label};
use yibao_recon::lang::Lang;
use yibao_recon::report::{self, labels};

use crate::cli::InputArgs;

/// Read and validate inputs; report each file's and sheet's kind and row counts, and the
/// rejected rows.
///
/// Exit status: 0 all rows read; 1 some rows rejected; 2 a file could not be read at all.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  yibao-recon check samples/\n  yibao-recon check 缴费明细.xlsx 账户明细.csv --rejected rejected.csv\n  yibao-recon check --statements export.txt --lang en\n  yibao-recon check portal.xlsx --suggest-layout rules.toml   # then: reconcile … --layout rules.toml"
)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write every rejected row to this CSV (file,sheet,row,column,value,reason).
    #[arg(long, value_name = "FILE")]
    pub rejected: Option<PathBuf>,
    /// Write a starting layout rules file (TOML) for every input that was skipped or has
    /// unread columns, with the tool's best reading of each column (SPEC 2.6).
    #[arg(long = "suggest-layout", value_name = "FILE")]
    pub suggest_layout: Option<PathBuf>,
}

/// How many rejected rows the terminal shows; `--rejected` writes them all.
const SHOWN_REJECTED: usize = 20;

pub fn run(args: &CheckArgs) -> anyhow::Result<u8> {
    let input = &args.input;
    let files = input.files();
    anyhow::ensure!(
        !files.is_empty(),
        "no input given: name files or folders to check"
    );
    let retain = match args.suggest_layout {
        Some(_) => ingest::Retain::Suggestions,
        None => ingest::Retain::CountsOnly,
    };
    let batch = input.in_pool(|| ingest::ingest_with(&files, retain))?;
    let lang = input.lang;
    let ids = input.ids();
    if let Some(path) = &args.suggest_layout {
        write_suggestions(path, &batch, lang, ids)?;
    }

    if let Some(path) = &args.rejected {
        report::write_rejected(path, &batch, ids, lang)?;
    }
    super::print_failures(&batch, input);
    if !input.quiet {
        print_report(&batch, lang, ids);
    }
    if batch.sources.is_empty() {
        errln!(
            "{}",
            lang.pick(
                "没有可识别的缴费记录、账户明细或花名册(跳过原因见上)",
                "nothing was recognised as contributions, a statement or a roster (reasons above)"
            )
        );
    }
    // Nothing recognised, or a file named by itself that was skipped, is no check.
    Ok(
        if !batch.failures.is_empty() || !batch.unreadable.is_empty() || batch.sources.is_empty() {
            exit::CANNOT_RUN
        } else if !batch.rejected.is_empty() {
            exit::FINDINGS
        } else {
            exit::OK
        },
    )
}

/// `--suggest-layout FILE`: the starting rules, IDs masked as everywhere (a masked name is
/// still a glob that matches the file: each `*` stands for a digit).
fn write_suggestions(
    path: &std::path::Path,
    batch: &ingest::Batch,
    lang: Lang,
    ids: yibao_recon::mask::IdDisplay,
) -> anyhow::Result<()> {
    if batch.suggestions.is_empty() {
        errln!(
            "{}",
            lang.pick(
                "无需版式规则:每个输入都已读取,每一列都已识别;未写入规则文件",
                "no layout rules needed: every input was read and every column understood; no rules file written"
            )
        );
        return Ok(());
    }
    let text = ingest::table::suggest::rules_file(&batch.suggestions);
    let text = ids.text(&text).into_owned();
    report::write_atomic(path, text.as_bytes())?;
    errln!(
        "{} {} ({})",
        lang.pick("版式规则草稿已写入", "starting layout rules written to"),
        ids.text(&path.display().to_string()),
        match lang {
            Lang::Zh => format!(
                "{} 个表格;请逐行核对后用 --layout 使用",
                batch.suggestions.len()
            ),
            Lang::En => format!(
                "{} table(s); check each line, then use it with --layout",
                batch.suggestions.len()
            ),
        }
    );
    Ok(())
}

/// Per source: the columns left unread and the rows skipped, each with its reason.
fn print_unread(
    batch: &ingest::Batch,
    labels: &[String],
    lang: Lang,
    ids: yibao_recon::mask::IdDisplay,
) {
    let mut heading = false;
    for (s, label) in batch.sources.iter().zip(labels) {
        let mut skipped = s.counts.skipped_by_reason();
        skipped.retain(|r, _| !["title", "header", "blank"].contains(r));
        if s.ignored_columns.is_empty() && skipped.is_empty() {
            continue;
        }
        if !heading {
            outln!(
                "\n{}",
                lang.pick(
                    "未读取的列与跳过的行:",
                    "columns left unread and rows skipped:"
                )
            );
            heading = true;
        }
        outln!("  {label}");
        for c in &s.ignored_columns {
            // A header cell with a line break in it, on one line.
            let column = c.column.split_whitespace().collect::<Vec<_>>().join(" ");
            outln!(
                "    {} 「{}」: {}",
                lang.pick("列", "column"),
                ids.text(&column),
                labels::ignored_reason(c.reason, lang)
            );
        }
        if !skipped.is_empty() {
            let parts: Vec<String> = skipped
                .iter()
                .map(|(r, n)| format!("{} {n}", labels::skip_reason(r, lang)))
                .collect();
            outln!(
                "    {}: {}",
                lang.pick("跳过的行", "rows skipped"),
                parts.join(", ")
            );
        }
    }
}

/// The widest file label the table's first column is padded to.
const WIDEST_LABEL: usize = 72;

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn print_report(batch: &ingest::Batch, lang: Lang, ids: yibao_recon::mask::IdDisplay) {
    let labels: Vec<String> = batch
        .sources
        .iter()
        .map(|s| {
            ids.text(&source_label(&s.path, s.sheet.as_deref()))
                .into_owned()
        })
        .collect();
    // A label wider than the table's column (a file deep in a share) stands on a line of
    // its own, its counts on the next: the column is not padded to thousands of spaces.
    let width = labels
        .iter()
        .map(|l| display_width(l))
        .filter(|w| *w <= WIDEST_LABEL)
        .max()
        .unwrap_or(0);
    let [read, accepted, rejected, skipped] = match lang {
        Lang::Zh => ["读取", "接受", "拒绝", "跳过"],
        Lang::En => ["read", "accepted", "rejected", "skipped"],
    };
    for (s, label) in batch.sources.iter().zip(&labels) {
        let c = &s.counts;
        let label = if display_width(label) > width {
            outln!("{label}");
            ""
        } else {
            label.as_str()
        };
        let pad = width - display_width(label);
        outln!(
            "{label}{:pad$}  {:<13} {:<11} {read} {:>7}  {accepted} {:>7}  {rejected} {:>5}  {skipped} {:>5}",
            "",
            s.kind.as_str(),
            s.format,
            c.read,
            c.accepted,
            c.rejected,
            c.skipped,
        );
    }
    print_unread(batch, &labels, lang, ids);
    let inferred = labels::inferred_lines(batch, lang, ids);
    if !inferred.is_empty() {
        outln!(
            "\n{}",
            lang.pick(
                "推断读取的列(表头不在别名表中,按用词或数值判断;如有误,请用 --layout 指明):",
                "columns read by inference (no alias names them; if one is wrong, say so with --layout):"
            )
        );
        for line in &inferred {
            outln!("  {line}");
        }
    }
    if !batch.skipped_inputs.is_empty() {
        outln!("\n{}", lang.pick("跳过的文件或工作表:", "skipped inputs:"));
        for line in labels::skipped_lines(batch, lang, ids) {
            outln!("  {line}");
        }
    }
    if !batch.rejected.is_empty() {
        let n = batch.rejected.len();
        let shown = n.min(SHOWN_REJECTED);
        match lang {
            Lang::Zh => outln!("\n被拒行(显示 {shown} / 共 {n} 行):"),
            Lang::En => outln!("\nrejected rows (first {shown} of {n}):"),
        }
        for r in batch.rejected.iter().take(SHOWN_REJECTED) {
            let source = batch.source(r.origin);
            let label = ids
                .text(&source_label(&source.path, source.sheet.as_deref()))
                .into_owned();
            let value = ids.text(&r.value);
            let reason = ids.text(&r.reason.message(lang)).into_owned();
            match lang {
                Lang::Zh => outln!(
                    "  {label} 第 {} 行, 列「{}」, 值「{value}」: {reason}",
                    r.origin.row,
                    r.column
                ),
                Lang::En => outln!(
                    "  {label} row {}, column \"{}\", value \"{value}\": {reason}",
                    r.origin.row,
                    r.column
                ),
            }
        }
    }
    let warnings = batch.warnings_in(lang);
    if !warnings.is_empty() {
        outln!("\n{}", lang.pick("提示:", "warnings:"));
        for w in &warnings {
            outln!("  {}", ids.text(w));
        }
    }
    let t = batch.totals();
    let n = batch.sources.len();
    let [total, tables, read, rows] = match lang {
        Lang::Zh => ["合计", "个文件/工作表", "读取", " 行"],
        Lang::En => ["total", "files/sheets", "read", ""],
    };
    // Every reason a row was skipped, the usual ones always shown: the parts add up.
    let mut reasons = t.skipped_by_reason();
    for usual in ["title", "header", "blank", "total", "note"] {
        reasons.entry(usual).or_insert(0);
    }
    let order = ["title", "header", "blank", "total", "note"];
    let mut parts: Vec<(&str, u64)> = order.iter().map(|r| (*r, reasons[r])).collect();
    parts.extend(
        reasons
            .iter()
            .filter(|(r, _)| !order.contains(r))
            .map(|(r, n)| (*r, *n)),
    );
    let parts: Vec<String> = parts
        .iter()
        .map(|(r, n)| format!("{} {n}", labels::skip_reason(r, lang)))
        .collect();
    outln!(
        "\n{total}: {n} {tables}, {read} {}{rows} = {accepted} {} + {rejected} {} + {skipped} {} ({})",
        t.read,
        t.accepted,
        t.rejected,
        t.skipped,
        parts.join(", "),
    );
}
