//! One module per subcommand, each with its usage and examples.

pub mod check;
pub mod completions;
pub mod explain;
pub mod merge;
pub mod policy;
pub mod progress;
pub mod reconcile;
pub mod run;
pub mod schema;
pub mod serve;

use clap::{ArgMatches, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "yibao-recon",
    version,
    about = "Reconcile employee medical-insurance personal accounts (职工医保个人账户): contribution records against account statements.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Places every `--person` of the subcommand by its position (see
    /// [`crate::cli::InputArgs::place_persons`]; clap's derive keeps values, not where they stood) and
    /// reads the `--layout` files.
    pub fn prepare(&mut self, matches: &ArgMatches) -> Result<(), String> {
        let Some((_, sub)) = matches.subcommand() else {
            return Ok(());
        };
        let input = match &mut self.command {
            Command::Reconcile(a) => &mut a.run.input,
            Command::Explain(a) => &mut a.run.input,
            Command::Check(a) => &mut a.input,
            _ => return Ok(()),
        };
        input.place_persons(sub)?;
        input.load_layouts()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Reconcile(reconcile::ReconcileArgs),
    Explain(explain::ExplainArgs),
    Check(check::CheckArgs),
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    Schema(schema::SchemaArgs),
    Merge(merge::MergeArgs),
    Run(run::RunJobArgs),
    Init(run::InitArgs),
    Serve(serve::ServeArgs),
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff).
    Man,
}

/// Names on stderr every input that could not be read (IDs masked unless shown).
pub fn print_failures(batch: &yibao_recon::ingest::Batch, input: &crate::cli::InputArgs) {
    let lines = yibao_recon::report::labels::unreadable_lines(batch, input.lang, input.ids());
    for line in lines {
        errln!("{}: {line}", input.lang.pick("无法读取", "cannot read"));
    }
}

/// Runs the parsed command; returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Reconcile(args) => reconcile::run(&args),
        Command::Explain(args) => explain::run(args),
        Command::Check(args) => check::run(&args),
        Command::Policy(cmd) => policy::run(&cmd),
        Command::Schema(args) => schema::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Init(args) => run::init(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
    }
}
