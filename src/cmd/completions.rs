//! `yibao-recon completions SHELL` and `yibao-recon man`, generated from the clap
//! definitions so they never drift from the real options.

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use yibao_recon::exit;

use super::Cli;

/// Print a shell completion script.
///
/// Example: yibao-recon completions bash > /etc/bash_completion.d/yibao-recon
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish
    pub shell: Shell,
}

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "yibao-recon", &mut script);
    crate::console_bytes(&script);
    Ok(exit::OK)
}

/// Print the manual page (roff).
///
/// Example: yibao-recon man > /usr/local/share/man/man1/yibao-recon.1
pub fn man() -> anyhow::Result<u8> {
    let man = clap_mangen::Man::new(Cli::command());
    let mut page = Vec::new();
    man.render(&mut page)?;
    crate::console_bytes(&page);
    Ok(exit::OK)
}
