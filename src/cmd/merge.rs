//! `yibao-recon merge DIR... -o OUT`: put sharded runs back together.

use std::path::PathBuf;

use clap::Args;
use yibao_recon::exit;
use yibao_recon::report::shard;

/// Merge the output folders of `reconcile --shard I/N` runs (all N of them) into one report
/// set identical to a single run's: findings.csv, months.csv, persons.csv, rejected.csv,
/// summary.json, findings.jsonl and (when the shards wrote them) the Parquet files.
///
/// Example (a Slurm array or Kubernetes indexed job runs the shards):
///   yibao-recon reconcile data/ --shard 0/4 -o out/0 --format csv,json
///   …
///   yibao-recon merge out/0 out/1 out/2 out/3 -o out/all
#[derive(Debug, Args)]
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
}

pub fn run(args: &MergeArgs) -> anyhow::Result<u8> {
    let persons = shard::merge(&args.dirs, &args.out)?;
    outln!("{persons} person(s) merged into {}", args.out.display());
    Ok(exit::OK)
}
