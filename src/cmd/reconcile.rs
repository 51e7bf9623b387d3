//! `yibao-recon reconcile`: read, reconcile, write the report files.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use yibao_recon::engine::{self, Months};
use yibao_recon::ingest::{self, Batch};
use yibao_recon::policy::Policy;
use yibao_recon::reconcile::{self, Options, PersonReport, Reconciliation, Severity};
use yibao_recon::report::{self, Format, MonthsSpool, ReportJob};
use yibao_recon::{exit, lang::Lang};

use super::progress::{Progress, Timings};
use crate::cli::RunArgs;

/// Reconcile contribution records against account statements and write findings.csv,
/// months.csv, persons.csv, rejected.csv and summary.json.
///
/// Exit status: 0 no finding at or above --fail-on; 1 such findings, or rejected rows;
/// 2 could not run.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  yibao-recon reconcile samples/\n  yibao-recon reconcile 缴费/ 明细/ --roster 花名册.xlsx --policy beijing -o out/\n  yibao-recon reconcile data/ --as-of 2024-07-31 --fail-on warning --lang en"
)]
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
    /// A file that run read, missing now or with less than half its rows, makes this run
    /// incomplete (its reports go to OUT.failed-…) unless --accept-input-changes.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Accept that inputs of the previous run are missing or much smaller (a file removed
    /// on purpose): the run counts as complete, and a warning names them.
    #[arg(long = "accept-input-changes")]
    pub accept_input_changes: bool,
    /// For cron's mail, like `git diff --exit-code`: print nothing and exit 0 when no
    /// finding is new or resolved since --previous; print and exit 1 when some are.
    #[arg(long = "only-changes")]
    pub only_changes: bool,
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
    let files = run.input.files();
    let policy = check_inputs(&files, &run.policy, &run.input)?;
    let batch = read_inputs(&files, &run.input, &mut timings)?;
    let options = Options {
        as_of: run.as_of,
        lang: run.input.lang,
        shard: None,
        keep_entries: true,
    };
    let (batch, result, _) = match_people(
        batch,
        &policy,
        options,
        Reports::Kept,
        &run.input,
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

/// What is refused before anything is read (SPEC 2.3): a bad policy, no input, a path
/// that does not exist (a share not mounted at 3 am must not replace the last good
/// reports). Returns the policy.
pub fn check_inputs(
    files: &[ingest::InputFile],
    policy: &str,
    input: &crate::cli::InputArgs,
) -> anyhow::Result<Policy> {
    let policy = Policy::load(policy)?;
    anyhow::ensure!(
        !files.is_empty(),
        "no input given: name files or folders to reconcile"
    );
    let ids = input.ids();
    let missing: Vec<String> = files
        .iter()
        .filter(|f| ingest::long_path::metadata(&f.path).is_err())
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
    Ok(policy)
}

/// Reads every file (decoding, parsing and checking rows is one pass), with a spinner on
/// a terminal; inputs of which nothing was recognised stop the run here.
pub fn read_inputs(
    files: &[ingest::InputFile],
    input: &crate::cli::InputArgs,
    timings: &mut Timings,
) -> anyhow::Result<Batch> {
    let progress = Progress::new(input.quiet);
    progress.phase(input.lang.pick("读取输入文件…", "reading inputs…"));
    let batch = input.in_pool(|| {
        let batch = timings.time("read", || {
            ingest::read_files(files, ingest::Retain::Records)
        });
        crate::give_back_memory();
        batch
    })?;
    progress.finish();
    nothing_recognised(&batch, input)?;
    Ok(batch)
}

/// The library's run ([`engine::run`]: the checks across files, matching, the sums that
/// overflowed) on the command line's pool, with its timings and spinner: shared by
/// `reconcile`, `explain` and `run`.
pub fn match_people(
    batch: Batch,
    policy: &Policy,
    options: Options,
    reports: Reports,
    input: &crate::cli::InputArgs,
    timings: &mut Timings,
) -> anyhow::Result<(Batch, Reconciliation, Option<MonthsSpool>)> {
    let progress = Progress::new(input.quiet);
    progress.phase(input.lang.pick("逐人核对…", "reconciling…"));
    let (batch, result, spool) = input.in_pool(|| -> anyhow::Result<_> {
        let (run, spool) = match reports {
            Reports::Kept => (engine::run(batch, policy, options, Months::Kept), None),
            Reports::Streamed(job) if job.formats.iter().any(|f| f.needs_months()) => {
                let mut spool = MonthsSpool::create(job.dir, job.ids)?;
                let sink = |block: &mut [PersonReport]| spool.write(block);
                let run = engine::run_streamed(batch, policy, options, sink)?;
                (run, Some(spool))
            }
            // No format shows the month rows (json, jsonl, html): dropped unwritten.
            Reports::Streamed(_) => (engine::run(batch, policy, options, Months::Dropped), None),
        };
        timings.record("normalise", run.stages.normalise);
        timings.record("match", run.stages.matching);
        let mut batch = run.batch;
        batch.release_records();
        crate::give_back_memory();
        Ok((batch, run.result, spool))
    })??;
    progress.finish();
    Ok((batch, result, spool))
}

/// A run that writes reports: `reconcile` and `run JOB.toml`.
pub struct Plan<'a> {
    pub files: &'a [ingest::InputFile],
    pub policy: &'a str,
    pub as_of: Option<chrono::NaiveDate>,
    pub input: &'a crate::cli::InputArgs,
    pub shard: Option<reconcile::Shard>,
    pub out: &'a Path,
    pub formats: &'a [Format],
    pub previous: Option<&'a Path>,
    /// Files of the last complete run that are missing or lost half their rows are
    /// accepted (`--accept-input-changes`, a job's `allow_missing`): not a degraded run.
    pub accept_input_changes: bool,
    /// A job's input patterns that matched no file.
    pub unmatched: &'a [String],
}

/// What a run that wrote reports leaves for the console and the exit status.
pub struct Outcome {
    pub batch: Batch,
    pub result: Reconciliation,
    pub changes: report::ChangeCounts,
    /// Where the reports are: `-o`, or `DIR.failed-…` for a degraded run.
    pub written: PathBuf,
    /// `-o`: where a complete run's reports go.
    pub target: PathBuf,
}

/// SPEC 2.3's run as one unit: refuse what can be refused before reading; claim the output
/// folder (lock, leftovers of dead runs, absent/empty/report folder); read; write every
/// report into a fresh folder — `DIR.failed-…` when an input could not be read — and put
/// it in place of the last set only when the run is complete.
pub fn reconcile_into(plan: &Plan, timings: &mut Timings) -> anyhow::Result<Outcome> {
    let input = plan.input;
    let policy = check_inputs(plan.files, plan.policy, input)?;
    let ids = input.ids();
    let claim = report::folder::Claim::take(plan.out, lock_wait(), |holder| {
        if !input.quiet {
            errln!(
                "{} {} ({})…",
                input
                    .lang
                    .pick("等待另一次运行写完", "waiting for another run into"),
                ids.text(&plan.out.display().to_string()),
                holder
            );
        }
    })
    .map_err(|e| anyhow::anyhow!(ids.text(&e.to_string()).into_owned()))?;
    let mut batch = read_inputs(plan.files, input, timings)?;
    note_vanished_inputs(&mut batch, plan);
    let staged = claim.stage()?;
    let job = ReportJob {
        dir: staged.path(),
        formats: plan.formats,
        ids,
        lang: input.lang,
        previous: plan.previous,
        shard: plan.shard,
    };
    let options = Options {
        as_of: plan.as_of,
        lang: input.lang,
        shard: plan.shard,
        keep_entries: false,
    };
    let (batch, result, months) = match_people(
        batch,
        &policy,
        options,
        Reports::Streamed(&job),
        input,
        timings,
    )?;
    let changes = input.in_pool(|| {
        timings.time("write", || {
            report::write_reports(&job, &result, &batch, &policy, months)
        })
    })??;
    let written = staged.commit(batch.unreadable.is_empty())?;
    Ok(Outcome {
        batch,
        result,
        changes,
        written,
        target: plan.out.to_path_buf(),
    })
}

/// SPEC 2.7, inputs that vanish or shrink: a file of the last complete run (the previous
/// folder's summary.json) missing now, or one that lost more than half its rows, makes the
/// run degraded — its reports go to DIR.failed-…, and no "resolved" is claimed for what
/// was simply not read — unless the change is accepted, when it is a warning.
fn note_vanished_inputs(batch: &mut Batch, plan: &Plan) {
    let mut changed: Vec<ingest::UnreadableInput> = plan
        .unmatched
        .iter()
        .map(|pattern| ingest::UnreadableInput {
            path: pattern.clone(),
            reason: ingest::earlier_outputs::MATCHED_NOTHING.to_string(),
        })
        .collect();
    if let Some(earlier) = plan
        .previous
        .and_then(ingest::earlier_outputs::complete_run_inputs)
    {
        changed.extend(ingest::earlier_outputs::vanished_or_shrunk(batch, &earlier));
    }
    if plan.accept_input_changes {
        batch.notes.extend(
            changed
                .into_iter()
                .map(|u| format!("{}: {} (accepted)", u.path, u.reason)),
        );
    } else {
        batch.unreadable.extend(changed);
    }
}

/// How long a run waits for another into the same folder: SPEC's 60 s, or
/// `YIBAO_RECON_LOCK_WAIT` seconds (for tests and for jobs that would rather fail fast).
fn lock_wait() -> std::time::Duration {
    std::env::var("YIBAO_RECON_LOCK_WAIT")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(std::time::Duration::from_secs)
        .unwrap_or(report::folder::LOCK_WAIT)
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
    for line in report::labels::skipped_lines(batch, input.lang, ids) {
        text.push_str(&format!("\n  {line}"));
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
    let outcome = reconcile_into(
        &Plan {
            files: &files,
            policy: &run.policy,
            as_of: run.as_of,
            input,
            shard: args.shard,
            out: &args.out,
            formats: &formats,
            previous: args.previous.as_deref(),
            accept_input_changes: args.accept_input_changes,
            unmatched: &[],
        },
        &mut timings,
    )?;
    timings.print();
    let status = finish(&outcome, input, args.fail_on, args.only_changes);
    // The process ends next: freeing every finding and month row one by one, on one
    // thread, would only delay the exit (the system takes the memory back whole).
    std::mem::forget(outcome);
    Ok(status)
}

/// Tells what the run found and where its reports went; returns SPEC's exit status.
/// `only_changes` (for cron's mail): as `git diff --exit-code`, nothing is printed and the
/// status is 0 when no finding is new or resolved since the previous run; the summary is
/// printed and the status is 1 when some are (or there is no previous run); a degraded
/// run prints and exits 2 as ever.
pub fn finish(
    outcome: &Outcome,
    input: &crate::cli::InputArgs,
    fail_on: FailOn,
    only_changes: bool,
) -> u8 {
    super::print_failures(&outcome.batch, input);
    let complete = outcome.batch.unreadable.is_empty() && outcome.batch.failures.is_empty();
    let changed = outcome
        .changes
        .is_none_or(|(new, resolved)| new + resolved > 0);
    if only_changes && complete && !changed {
        return exit::OK;
    }
    if !input.quiet {
        print_summary(outcome, &outcome.target, input);
    }
    if only_changes && complete {
        return exit::FINDINGS;
    }
    exit_status(&outcome.result, &outcome.batch, fail_on)
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
    if !batch.failures.is_empty() || !batch.unreadable.is_empty() {
        exit::CANNOT_RUN
    } else if failing || !batch.rejected.is_empty() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// At most this many skipped inputs or unread columns are listed on the console; the rest
/// are counted (summary.json lists them all).
const CONSOLE_LIST: usize = 12;

/// The console after a run (SPEC 2.3): what was read; the severity counts; each code with
/// its label, errors first; the skipped inputs with reasons; unread columns; rejected rows
/// and where rejected.csv is; changes since the previous run; where the reports went.
pub fn print_summary(outcome: &Outcome, target: &Path, input: &crate::cli::InputArgs) {
    let (result, batch, lang, ids) = (&outcome.result, &outcome.batch, input.lang, input.ids());
    let t = batch.totals();
    let (persons, as_of) = (result.persons.len(), result.as_of);
    let (read, accepted, rejected, skipped) = (t.read, t.accepted, t.rejected, t.skipped);
    match lang {
        Lang::Zh => outln!(
            "核对 {persons} 人,截至 {as_of}。读取 {read} 行:接受 {accepted},拒绝 {rejected},跳过 {skipped}。"
        ),
        Lang::En => outln!(
            "{persons} person(s) reconciled as of {as_of}. Rows read {read}: accepted {accepted}, rejected {rejected}, skipped {skipped}."
        ),
    }
    print_codes(result, lang);
    print_skipped_inputs(batch, input);
    print_inferred(batch, input);
    print_unread_columns(batch, input);
    let dir = ids
        .text(&outcome.written.display().to_string())
        .into_owned();
    if rejected > 0 {
        let file = outcome.written.join("rejected.csv");
        let place = if file.is_file() {
            ids.text(&file.display().to_string()).into_owned()
        } else {
            lang.pick("report.xlsx 的“拒绝”表", "report.xlsx, sheet rejected")
                .to_string()
        };
        match lang {
            Lang::Zh => outln!("拒绝 {rejected} 行(文件、行、列、原因见 {place})"),
            Lang::En => outln!("{rejected} row(s) rejected (file, row, column, reason: {place})"),
        }
    }
    // A degraded run claims nothing resolved: what it did not read is not fixed.
    if let Some((new, resolved)) = outcome.changes.filter(|_| batch.unreadable.is_empty()) {
        match lang {
            Lang::Zh => outln!("与上次相比:新增 {new},已解决 {resolved}(见 changes.csv)"),
            Lang::En => {
                outln!("since the previous run: {new} new, {resolved} resolved (changes.csv)")
            }
        }
    }
    if batch.unreadable.is_empty() {
        outln!("{} {dir}", lang.pick("报告已写入", "reports written to"));
    } else {
        let kept = target.is_dir();
        let (n, target) = (
            batch.unreadable.len(),
            ids.text(&target.display().to_string()).into_owned(),
        );
        match (lang, kept) {
            (Lang::Zh, true) => outln!(
                "本次运行不完整:{n} 个输入无法读取或与上次相比缺失(见上)。报告写入 {dir};{target} 中上次的报告保持不变。"
            ),
            (Lang::Zh, false) => outln!(
                "本次运行不完整:{n} 个输入无法读取或与上次相比缺失(见上)。报告写入 {dir}({target} 尚无报告)。"
            ),
            (Lang::En, true) => outln!(
                "This run is incomplete: {n} input(s) could not be read or are missing since the last run (above). Reports written to {dir}; the last reports in {target} are left as they were."
            ),
            (Lang::En, false) => outln!(
                "This run is incomplete: {n} input(s) could not be read or are missing since the last run (above). Reports written to {dir} ({target} holds no reports yet)."
            ),
        }
        let changed = batch
            .unreadable
            .iter()
            .any(|u| ingest::earlier_outputs::is_input_change(&u.reason));
        if changed {
            outln!(
                "{}",
                lang.pick(
                    "如果文件是有意移走或换小的,用 --accept-input-changes 再运行一次(作业文件中写 allow_missing = true 则每次都接受)。",
                    "If the files were removed or shortened on purpose, run again with --accept-input-changes (allow_missing = true in a job file accepts it every time)."
                )
            );
        }
    }
}

/// The severity counts, then each code with its label and count: errors, then warnings,
/// then info, each by count.
fn print_codes(result: &Reconciliation, lang: Lang) {
    use std::collections::BTreeMap;
    let mut by: BTreeMap<(Severity, reconcile::Code), usize> = BTreeMap::new();
    for f in result.persons.iter().flat_map(|p| &p.findings) {
        *by.entry((f.severity, f.code)).or_default() += 1;
    }
    let count = |s: Severity| -> usize {
        by.iter()
            .filter(|((sv, _), _)| *sv == s)
            .map(|(_, n)| n)
            .sum()
    };
    let (errors, warnings, infos) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    match lang {
        Lang::Zh => outln!("问题:错误 {errors},警告 {warnings},提示 {infos}"),
        Lang::En => outln!("findings: {errors} error, {warnings} warning, {infos} info"),
    }
    let mut rows: Vec<((Severity, reconcile::Code), usize)> = by.into_iter().collect();
    rows.sort_by(|a, b| {
        a.0.0
            .cmp(&b.0.0)
            .then(b.1.cmp(&a.1))
            .then(a.0.1.cmp(&b.0.1))
    });
    let width = rows
        .iter()
        .map(|((_, c), _)| unicode_width::UnicodeWidthStr::width(c.label(lang)))
        .max()
        .unwrap_or(0);
    for ((severity, code), n) in rows {
        let label = code.label(lang);
        let pad = width - unicode_width::UnicodeWidthStr::width(label);
        outln!(
            "  {} {label}{:pad$}  {:<26} {n:>7}",
            report::labels::severity(severity, lang),
            "",
            code.name(),
        );
    }
}

fn print_skipped_inputs(batch: &Batch, input: &crate::cli::InputArgs) {
    let (lang, ids) = (input.lang, input.ids());
    let list = &batch.skipped_inputs;
    if list.is_empty() {
        return;
    }
    outln!(
        "{} {}:",
        lang.pick("跳过的输入", "inputs skipped"),
        list.len()
    );
    for line in report::labels::skipped_lines(batch, lang, ids)
        .iter()
        .take(CONSOLE_LIST)
    {
        outln!("  {line}");
    }
    print_more(list.len(), lang);
}

/// SPEC 2.6: which columns were read by inference, and the columns left unread that a
/// person would expect read (a warning).
fn print_inferred(batch: &Batch, input: &crate::cli::InputArgs) {
    let (lang, ids) = (input.lang, input.ids());
    let inferred = report::labels::inferred_lines(batch, lang, ids);
    if !inferred.is_empty() {
        outln!(
            "{} {}:",
            lang.pick(
                "推断读取的列(表头不在别名表中,按用词或数值判断;如有误,请用 --layout 指明)",
                "columns read by inference (no alias names them; if one is wrong, say so with --layout)"
            ),
            inferred.len()
        );
        for line in inferred.iter().take(CONSOLE_LIST) {
            outln!("  {line}");
        }
        print_more(inferred.len(), lang);
    }
    for line in report::labels::looks_like_lines(batch, lang, ids) {
        outln!("{} {line}", lang.pick("警告:", "warning:"));
    }
}

/// Columns left unread, each with its reason and how many tables had it.
fn print_unread_columns(batch: &Batch, input: &crate::cli::InputArgs) {
    use std::collections::BTreeMap;
    let (lang, ids) = (input.lang, input.ids());
    let mut by: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for c in batch.sources.iter().flat_map(|s| &s.ignored_columns) {
        *by.entry((c.column.as_str(), c.reason)).or_default() += 1;
    }
    if by.is_empty() {
        return;
    }
    outln!(
        "{} {}:",
        lang.pick("未读取的列", "columns not read"),
        by.len()
    );
    for ((column, reason), n) in by.iter().take(CONSOLE_LIST) {
        let reason = report::labels::ignored_reason(reason, lang);
        match lang {
            Lang::Zh => outln!("  {}: {reason}({n} 个表)", ids.text(&one_line(column))),
            Lang::En => outln!("  {}: {reason} ({n} table(s))", ids.text(&one_line(column))),
        }
    }
    print_more(by.len(), lang);
}

/// A header cell printed on one line (a cell may break its text over lines).
fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

fn print_more(total: usize, lang: Lang) {
    if total > CONSOLE_LIST {
        let more = total - CONSOLE_LIST;
        match lang {
            Lang::Zh => outln!("  …… 另有 {more} 项,见 summary.json"),
            Lang::En => outln!("  … {more} more in summary.json"),
        }
    }
}
