//! The `yibao-recon` binary: parses arguments once and calls the library.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("yibao-recon: {err:#}");
            ExitCode::from(yibao_recon::exit::CANNOT_RUN)
        }
    }
}
