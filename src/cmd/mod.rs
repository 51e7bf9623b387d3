//! One module per subcommand, each with its usage and examples.

pub mod check;
pub mod explain;
pub mod policy;
pub mod reconcile;
pub mod schema;

use crate::cli::{Cli, Command};

/// Runs the parsed command; returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Reconcile(args) => reconcile::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Policy(cmd) => policy::run(&cmd),
        Command::Schema(args) => schema::run(&args),
    }
}
