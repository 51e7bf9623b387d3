//! One module per subcommand, each with its usage and examples.

pub mod check;
pub mod completions;
pub mod explain;
pub mod merge;
pub mod policy;
pub mod reconcile;
pub mod run;
pub mod schema;

use crate::cli::{Cli, Command};

/// Names on stderr every input that could not be read (IDs masked unless shown).
pub fn print_failures(batch: &yibao_recon::ingest::Batch, input: &crate::cli::InputArgs) {
    for failure in &batch.failures {
        eprintln!(
            "{}: {}",
            input.lang.pick("无法读取", "cannot read"),
            input.ids().text(&failure.message(input.lang))
        );
    }
}

/// Runs the parsed command; returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Reconcile(args) => reconcile::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Policy(cmd) => policy::run(&cmd),
        Command::Schema(args) => schema::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Init(args) => run::init(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
    }
}
