//! `yibao-recon check`: read and validate inputs only; report what every file and sheet
//! holds and which rows were rejected.

use std::path::PathBuf;

use clap::Args;
use yibao_recon::exit;
use yibao_recon::ingest::{self, source_label};
use yibao_recon::lang::Lang;
use yibao_recon::report;

use crate::cli::InputArgs;

/// Read and validate inputs; report each file's and sheet's kind and row counts, and the
/// rejected rows.
///
/// Exit status: 0 all rows read; 1 some rows rejected; 2 a file could not be read at all.
///
/// Examples:
///   yibao-recon check samples/
///   yibao-recon check 缴费明细.xlsx 账户明细.csv --rejected rejected.csv
///   yibao-recon check --statements export.txt --lang en
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write every rejected row to this CSV (file,sheet,row,column,value,reason).
    #[arg(long, value_name = "FILE")]
    pub rejected: Option<PathBuf>,
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
    let batch = input.in_pool(|| ingest::ingest(&files))?;
    let lang = input.lang;
    let ids = input.ids();

    if let Some(path) = &args.rejected {
        report::write_rejected(path, &batch, ids, lang)?;
    }
    for failure in &batch.failures {
        eprintln!(
            "{}: {}",
            lang.pick("无法读取", "cannot read"),
            ids.text(&failure.to_string())
        );
    }
    if !input.quiet {
        print_report(&batch, lang, ids);
    }
    Ok(if !batch.failures.is_empty() {
        exit::CANNOT_RUN
    } else if !batch.rejected.is_empty() {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn print_report(batch: &ingest::Batch, lang: Lang, ids: yibao_recon::mask::IdDisplay) {
    let width = batch
        .sources
        .iter()
        .map(|s| source_label(&s.path, s.sheet.as_deref()).chars().count())
        .max()
        .unwrap_or(0);
    for s in &batch.sources {
        let c = &s.counts;
        let label = source_label(&s.path, s.sheet.as_deref());
        let pad = width.saturating_sub(label.chars().count());
        println!(
            "{label}{:pad$}  {:<13} {:<11} read {:>7}  accepted {:>7}  rejected {:>5}  skipped {:>5}",
            "",
            s.kind.as_str(),
            s.format,
            c.read,
            c.accepted,
            c.rejected,
            c.skipped,
        );
    }
    if !batch.skipped_inputs.is_empty() {
        println!("\n{}", lang.pick("跳过的文件或工作表:", "skipped inputs:"));
        for s in &batch.skipped_inputs {
            println!(
                "  {}: {}",
                source_label(&s.path, s.sheet.as_deref()),
                s.reason
            );
        }
    }
    if !batch.rejected.is_empty() {
        let n = batch.rejected.len();
        println!(
            "\n{} ({} {} / {n}):",
            lang.pick("被拒行", "rejected rows"),
            lang.pick("前", "first"),
            n.min(SHOWN_REJECTED)
        );
        for r in batch.rejected.iter().take(SHOWN_REJECTED) {
            let s = batch.source(r.origin);
            println!(
                "  {} {} {}, {} {}, {} \"{}\": {}",
                source_label(&s.path, s.sheet.as_deref()),
                lang.pick("第", "row"),
                r.origin.row,
                lang.pick("列", "column"),
                r.column,
                lang.pick("值", "value"),
                ids.text(&r.value),
                r.reason.message(lang),
            );
        }
    }
    let warnings = batch.warnings();
    if !warnings.is_empty() {
        println!("\n{}", lang.pick("提示:", "warnings:"));
        for w in &warnings {
            println!("  {w}");
        }
    }
    let t = batch.totals();
    println!(
        "\n{}: {} {}, read {} = accepted {} + rejected {} + skipped {} (title {}, header {}, blank {}, total {}, note {})",
        lang.pick("合计", "total"),
        batch.sources.len(),
        lang.pick("个文件/工作表", "files/sheets"),
        t.read,
        t.accepted,
        t.rejected,
        t.skipped,
        t.skipped_title,
        t.skipped_header,
        t.skipped_blank,
        t.skipped_total,
        t.skipped_note,
    );
}
