//! `yibao-recon reconcile`: read, reconcile, write the report files.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use yibao_recon::ingest::{self, Batch};
use yibao_recon::policy::Policy;
use yibao_recon::reconcile::{self, Options, Reconciliation, Severity};
use yibao_recon::report::{self, Format, MonthsSpool, ReportJob, tables};
use yibao_recon::{exit, lang::Lang};

use crate::cli::{RunArgs, Timings};

/// Reconcile contribution records against account statements and write findings.csv,
/// months.csv, persons.csv, rejected.csv and summary.json.
///
/// Exit status: 0 no finding at or above --fail-on; 1 such findings, or rejected rows;
/// 2 could not run.
///
/// Examples:
///   yibao-recon reconcile samples/
///   yibao-recon reconcile 缴费/ 明细/ --roster 花名册.xlsx --policy beijing -o out/
///   yibao-recon reconcile data/ --as-of 2024-07-31 --fail-on warning --lang en
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Where the report files go.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "DIR",
        default_value = "recon-out"
    )]
    pub out: PathBuf,
    /// Exit 1 when findings of this severity or worse exist.
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Report formats: csv, json, jsonl, xlsx, html, parquet (parquet needs a build with
    /// `--features parquet`).
    #[arg(
        long = "format",
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "csv,json,xlsx"
    )]
    pub format: Vec<String>,
    /// A previous run's output folder: write changes.csv (findings new and resolved since).
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Reconcile only shard I of N (people chosen by a stable hash of their ID); run the N
    /// shards anywhere, then `yibao-recon merge` their folders.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<reconcile::Shard>,
    /// Print the wall time of each phase (read, normalise, match, write) to stderr.
    #[arg(long)]
    pub timings: bool,
}

fn parse_shard(s: &str) -> Result<reconcile::Shard, String> {
    let (i, n) = s.split_once('/').ok_or("use I/N, e.g. 0/4")?;
    let index: u32 = i.trim().parse().map_err(|_| "I must be a number")?;
    let of: u32 = n.trim().parse().map_err(|_| "N must be a number")?;
    if of == 0 || index >= of {
        return Err(format!("shard {index}/{of}: need 0 <= I < N"));
    }
    Ok(reconcile::Shard { index, of })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

/// Reads the inputs and reconciles them, keeping each person's entries: for `explain`.
pub fn prepare(run: &RunArgs) -> anyhow::Result<(Batch, Policy, Reconciliation)> {
    let mut timings = Timings::new(false);
    let (batch, policy, result, _) = execute(
        &run.input.files(),
        &run.policy,
        run.as_of,
        &run.input,
        None,
        Reports::Kept,
        &mut timings,
    )?;
    Ok((batch, policy, result))
}

/// What a run does with the results as they come.
pub enum Reports<'a> {
    /// Everything kept, each person's statement entries too (`explain` charts them).
    Kept,
    /// months.csv streamed into the job's folder while reconciling, the rest kept for
    /// [`report::write_reports`].
    Streamed(&'a ReportJob<'a>),
}

/// Reads `files` and reconciles them under `policy` (a preset or a file), with a spinner
/// on a terminal: shared by `reconcile`, `explain` and `run`.
pub fn execute(
    files: &[ingest::InputFile],
    policy: &str,
    as_of: Option<chrono::NaiveDate>,
    input: &crate::cli::InputArgs,
    shard: Option<reconcile::Shard>,
    reports: Reports,
    timings: &mut Timings,
) -> anyhow::Result<(Batch, Policy, Reconciliation, Option<MonthsSpool>)> {
    let policy = Policy::load(policy)?;
    anyhow::ensure!(
        !files.is_empty(),
        "no input given: name files or folders to reconcile"
    );
    // SPEC 2.3: a path that does not exist is refused before anything is read or written
    // (a share not mounted at 3 am must not replace the last good reports).
    let ids = input.ids();
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !f.path.exists())
        .map(|f| ids.text(&f.path.display().to_string()).into_owned())
        .collect();
    anyhow::ensure!(
        missing.is_empty(),
        "{}: {}{}",
        input.lang.pick("找不到输入", "no such file or folder"),
        missing.join(", "),
        input
            .lang
            .pick(";没有读取或写出任何文件", "; nothing was read or written")
    );
    let options = Options {
        as_of,
        lang: input.lang,
        shard,
        keep_entries: matches!(reports, Reports::Kept),
    };
    let progress = crate::cli::Progress::new(input.quiet);
    let (batch, result, spool) = input.in_pool(|| -> anyhow::Result<_> {
        progress.phase(input.lang.pick("读取输入文件…", "reading inputs…"));
        // read: files to typed records (decoding, parsing and checking rows is one pass);
        // normalise: checks across files and grouping by person; match: each person.
        let mut batch = timings.time("read", || {
            ingest::read_files(files, ingest::Retain::Records)
        });
        crate::give_back_memory();
        nothing_recognised(&batch, input)?;
        progress.phase(input.lang.pick("逐人核对…", "reconciling…"));
        let people = timings.time("normalise", || {
            ingest::check_across_files(&mut batch);
            reconcile::gather(&batch, &policy, options)
        });
        let (result, spool) = timings.time("match", || -> anyhow::Result<_> {
            Ok(match reports {
                Reports::Kept => (people.reconcile(), None),
                Reports::Streamed(job) if job.formats.iter().any(|f| f.needs_months()) => {
                    let mut spool = MonthsSpool::create(job.dir, job.ids)?;
                    let result = people.reconcile_in_blocks(|block| spool.write(block))?;
                    (result, Some(spool))
                }
                // No format shows the month rows (json, jsonl, html): dropped unwritten.
                Reports::Streamed(_) => {
                    let result = people.reconcile_in_blocks(|block| {
                        block.iter_mut().for_each(|p| p.months = Vec::new());
                        Ok::<(), anyhow::Error>(())
                    })?;
                    (result, None)
                }
            })
        })?;
        batch.release_records();
        crate::give_back_memory();
        Ok((batch, result, spool))
    })??;
    progress.finish();
    Ok((batch, policy, result, spool))
}

/// SPEC 2.3: inputs of which no file or sheet was recognised (an empty folder, only
/// skipped files) stop the run before any report is written: a run of nobody is no
/// result. Each skipped input is named with its reason.
fn nothing_recognised(batch: &Batch, input: &crate::cli::InputArgs) -> anyhow::Result<()> {
    if !batch.sources.is_empty() || !batch.failures.is_empty() {
        return Ok(());
    }
    let ids = input.ids();
    let mut text = input
        .lang
        .pick(
            "输入中没有可识别的缴费记录、账户明细或花名册;没有写出任何报告",
            "nothing in the inputs was recognised as contributions, a statement or a roster; no report was written",
        )
        .to_string();
    for s in &batch.skipped_inputs {
        let place = ingest::source_label(&s.path, s.sheet.as_deref());
        text.push_str(&format!(
            "\n  {}: {}",
            ids.text(&place),
            ids.text(&s.reason)
        ));
    }
    anyhow::bail!(text)
}

pub fn run(args: &ReconcileArgs) -> anyhow::Result<u8> {
    let run = &args.run;
    let files = run.input.files();
    // Refused before anything is read: a format this build cannot write.
    let formats = parse_formats(&args.format)?;
    let mut timings = Timings::new(args.timings);
    let input = &args.run.input;
    let job = ReportJob {
        dir: &args.out,
        formats: &formats,
        ids: input.ids(),
        lang: input.lang,
        previous: args.previous.as_deref(),
        shard: args.shard,
    };
    let (batch, policy, result, months) = execute(
        &files,
        &run.policy,
        run.as_of,
        &run.input,
        args.shard,
        Reports::Streamed(&job),
        &mut timings,
    )?;
    let changes = input.in_pool(|| {
        timings.time("write", || {
            report::write_reports(&job, &result, &batch, &policy, months)
        })
    })??;
    timings.print();
    super::print_failures(&batch, input);
    if !input.quiet {
        print_summary(&result, &batch, &args.out, input.lang, changes);
    }
    let status = exit_status(&result, &batch, args.fail_on);
    // The process ends next: freeing every finding and month row one by one, on one
    // thread, would only delay the exit (the system takes the memory back whole).
    std::mem::forget((batch, result));
    Ok(status)
}

/// `--format csv,json,xlsx` into formats, refusing unknown names.
pub fn parse_formats(list: &[String]) -> anyhow::Result<Vec<Format>> {
    let mut out = Vec::new();
    for name in list {
        let f = Format::parse(name).ok_or_else(|| {
            anyhow::anyhow!("unknown format '{name}': use csv, json, jsonl, xlsx, html or parquet")
        })?;
        if !f.available() {
            anyhow::bail!(
                "--format {name}: this build has no Parquet support; \
                 install with `cargo install --path . --features parquet`"
            );
        }
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

/// SPEC's exit status for a finished run.
pub fn exit_status(result: &Reconciliation, batch: &Batch, fail_on: FailOn) -> u8 {
    let worst = |s: Severity| result.persons.iter().any(|p| p.count(s) > 0);
    let failing = match fail_on {
        FailOn::Error => worst(Severity::Error),
        FailOn::Warning => worst(Severity::Error) || worst(Severity::Warning),
        FailOn::Never => false,
    };
    if !batch.failures.is_empty() {
        exit::CANNOT_RUN
    } else if failing || !batch.rejected.is_empty() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

pub fn print_summary(
    result: &Reconciliation,
    batch: &Batch,
    dir: &Path,
    lang: Lang,
    changes: report::ChangeCounts,
) {
    let (by_severity, by_code) = tables::counts(result);
    let t = batch.totals();
    let (persons, as_of) = (result.persons.len(), result.as_of);
    let (read, accepted, rejected, skipped) = (t.read, t.accepted, t.rejected, t.skipped);
    let sev = |k: &str| by_severity.get(k).copied().unwrap_or(0);
    let (errors, warnings, infos) = (sev("error"), sev("warning"), sev("info"));
    match lang {
        Lang::Zh => outln!(
            "核对 {persons} 人,截至 {as_of}。读取 {read} 行:接受 {accepted},拒绝 {rejected},跳过 {skipped}。\n问题:错误 {errors},警告 {warnings},提示 {infos}"
        ),
        Lang::En => outln!(
            "{persons} person(s) reconciled as of {as_of}. Rows read {read}: accepted {accepted}, rejected {rejected}, skipped {skipped}.\nfindings: {errors} error, {warnings} warning, {infos} info"
        ),
    }
    let mut top: Vec<(&str, usize)> = by_code
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| (*c, *n))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (code, n) in top.iter().take(5) {
        outln!("  {code:<26} {n}");
    }
    if let Some((new, resolved)) = changes {
        match lang {
            Lang::Zh => outln!("与上次相比:新增 {new},已解决 {resolved}(见 changes.csv)"),
            Lang::En => {
                outln!("since the previous run: {new} new, {resolved} resolved (changes.csv)")
            }
        }
    }
    outln!(
        "{} {}",
        lang.pick("报告已写入", "reports written to"),
        dir.display()
    );
}
