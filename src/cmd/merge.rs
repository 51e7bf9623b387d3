//! `yibao-recon merge DIR... -o OUT`: put sharded runs back together.

use std::path::PathBuf;

use clap::Args;
use yibao_recon::exit;
use yibao_recon::report::{self, shard};

use super::reconcile::FailOn;

/// Merge the output folders of `reconcile --shard I/N` runs (all N of them) into one report
/// set identical to a single run's: findings.csv, months.csv, persons.csv, rejected.csv,
/// summary.json, findings.jsonl and (when the shards wrote them) the Parquet files.
#[derive(Debug, Args)]
#[command(
    after_help = "Example (a Slurm array or Kubernetes indexed job runs the shards):\n  yibao-recon reconcile data/ --shard 0/4 -o out/0 --format csv,json\n  …\n  yibao-recon merge out/0 out/1 out/2 out/3 -o out/all"
)]
pub struct MergeArgs {
    /// The shards' output folders.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where the merged reports go.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "DIR",
        default_value = "recon-out"
    )]
    pub out: PathBuf,
    /// Exit 1 when findings of this severity or worse exist (as the shards' runs).
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

/// Written as a run is (SPEC 2.3): into a fresh folder that replaces `-o` whole.
pub fn run(args: &MergeArgs) -> anyhow::Result<u8> {
    let claim = report::folder::Claim::take(&args.out, report::folder::LOCK_WAIT, |holder| {
        errln!(
            "waiting for another run into {} ({holder})…",
            args.out.display()
        )
    })?;
    let staged = claim.stage()?;
    let merged = shard::merge(&args.dirs, staged.path())?;
    let out = staged.commit(shard::shards_complete(&args.dirs))?;
    outln!("{} person(s) merged into {}", merged.persons, out.display());
    // The single run's exit status (SPEC): 2 when a shard could not read an input, 1 for
    // findings at or above --fail-on or rejected rows.
    let failing = match args.fail_on {
        FailOn::Error => merged.errors > 0,
        FailOn::Warning => merged.errors + merged.warnings > 0,
        FailOn::Never => false,
    };
    Ok(if !merged.complete {
        exit::CANNOT_RUN
    } else if failing || merged.rejected_rows > 0 {
        exit::FINDINGS
    } else {
        exit::OK
    })
}
