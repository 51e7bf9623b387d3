//! One module per subcommand, each with its usage and examples.

pub mod check;
pub mod schema;

use crate::cli::{Cli, Command};

/// Runs the parsed command; returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Schema(args) => schema::run(&args),
    }
}
