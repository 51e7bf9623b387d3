//! `yibao-recon run JOB.toml` and `yibao-recon init`: scheduled runs from a job file.

use std::path::PathBuf;

use clap::Args;
use yibao_recon::exit;
use yibao_recon::job::{self, Job};
use yibao_recon::report;

use super::reconcile::{FailOn, Plan, finish, parse_formats};
use crate::cli::InputArgs;

/// Run a job file: read its inputs, reconcile under its policy, write the reports into a
/// dated folder, and changes.csv against the previous run.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  yibao-recon init                 # writes yibao-recon.toml to start from\n  yibao-recon run yibao-recon.toml\n  yibao-recon run /srv/hr/job.toml -q -j 2"
)]
pub struct RunJobArgs {
    /// The job file (see `yibao-recon init`).
    pub job: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// For cron's mail, like `git diff --exit-code`: print nothing and exit 0 when no
    /// finding is new or resolved since the previous run; print and exit 1 when some are
    /// (the job's `only_changes = true` does the same).
    #[arg(long = "only-changes")]
    pub only_changes: bool,
    /// Accept, this once, that inputs of the last complete run are gone or shrank (or a
    /// pattern matched nothing): a warning, not a degraded run (the job's
    /// `allow_missing = true` accepts it every time).
    #[arg(long = "accept-input-changes")]
    pub accept_input_changes: bool,
}

/// Write a commented example job file.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(default_value = "yibao-recon.toml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

pub fn init(args: &InitArgs) -> anyhow::Result<u8> {
    anyhow::ensure!(
        args.force || !args.path.exists(),
        "{} exists already (use --force to overwrite)",
        args.path.display()
    );
    report::write_atomic(&args.path, job::EXAMPLE.as_bytes())?;
    outln!("{}", args.path.display());
    Ok(exit::OK)
}

pub fn run(args: &RunJobArgs) -> anyhow::Result<u8> {
    let today = chrono::Local::now().date_naive();
    let job = Job::load(&args.job, today)?;
    let input = InputArgs {
        inputs: Vec::new(),
        contributions: Vec::new(),
        statements: Vec::new(),
        roster: Vec::new(),
        person: Vec::new(),
        name: Vec::new(),
        persons: Vec::new(),
        layout_files: Vec::new(),
        layout: None,
        follow: false,
        lang: job.lang.parse().map_err(|e: String| anyhow::anyhow!(e))?,
        show_ids: job.show_ids,
        jobs: args.jobs,
        quiet: args.quiet,
    };
    let formats = parse_formats(&job.formats)?;
    let outcome = super::reconcile::reconcile_into(
        &Plan {
            files: &job.inputs,
            policy: &job.policy,
            as_of: job.as_of,
            input: &input,
            shard: None,
            out: &job.output,
            formats: &formats,
            previous: job.previous.as_deref(),
            accept_input_changes: args.accept_input_changes || job.allow_missing,
            unmatched: &job.unmatched,
        },
        &mut super::progress::Timings::new(false),
    )?;
    let fail_on = match job.fail_on.as_str() {
        "warning" => FailOn::Warning,
        "never" => FailOn::Never,
        _ => FailOn::Error,
    };
    Ok(finish(
        &outcome,
        &input,
        fail_on,
        args.only_changes || job.only_changes,
    ))
}
