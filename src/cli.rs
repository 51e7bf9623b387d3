//! Command-line definitions (clap derive). Parsed once into these structs; each subcommand
//! module turns them into library calls.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{ArgMatches, Args, Parser, Subcommand};
use yibao_recon::ingest::InputFile;
use yibao_recon::ingest::layouts::identity::Identity;
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::records::Kind;

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
    /// [`InputArgs::place_persons`]); clap's derive keeps values, not where they stood.
    pub fn place_persons(&mut self, matches: &ArgMatches) -> Result<(), String> {
        let Some((_, sub)) = matches.subcommand() else {
            return Ok(());
        };
        match &mut self.command {
            Command::Reconcile(a) => a.run.input.place_persons(sub),
            Command::Explain(a) => a.run.input.place_persons(sub),
            Command::Check(a) => a.input.place_persons(sub),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Reconcile(crate::cmd::reconcile::ReconcileArgs),
    Explain(crate::cmd::explain::ExplainArgs),
    Check(crate::cmd::check::CheckArgs),
    #[command(subcommand)]
    Policy(crate::cmd::policy::PolicyCommand),
    Schema(crate::cmd::schema::SchemaArgs),
    Merge(crate::cmd::merge::MergeArgs),
    Run(crate::cmd::run::RunJobArgs),
    Init(crate::cmd::run::InitArgs),
    Completions(crate::cmd::completions::CompletionsArgs),
    /// Print the manual page (roff).
    Man,
}

/// Inputs and the options every reading command shares.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or folders (searched recursively for .csv .tsv .txt .xlsx .xlsm .xls .ods).
    /// Each file and sheet is classified from its header.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Read this file as contribution records, whatever its header suggests.
    #[arg(long = "contributions", value_name = "F")]
    pub contributions: Vec<PathBuf>,
    /// Read this file as an account statement.
    #[arg(long = "statements", value_name = "F")]
    pub statements: Vec<PathBuf>,
    /// Read this file as the roster.
    #[arg(long = "roster", value_name = "F")]
    pub roster: Vec<PathBuf>,
    /// The person a file with no ID column is about: applies to the --contributions or
    /// --statements file just before it, or to every INPUT when given before those.
    #[arg(long = "person", id = "given_person", value_name = "ID")]
    pub person: Vec<String>,
    /// That person's name (only with --person).
    #[arg(
        long = "name",
        id = "given_name",
        value_name = "NAME",
        requires = "given_person"
    )]
    pub name: Vec<String>,
    /// Where each --person goes, from the order of the command line (see [`Cli::place_persons`]).
    #[arg(skip)]
    pub persons: Vec<PersonFor>,
    /// Language of human messages: zh or en. Codes and column names never change.
    #[arg(long, default_value = "zh", value_parser = parse_lang)]
    pub lang: Lang,
    /// Print full ID numbers. By default 18/15-digit IDs are masked (320102********123X).
    #[arg(long)]
    pub show_ids: bool,
    /// Worker threads (default: all cores). Outputs are the same for every value.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Which files a `--person` is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonTarget {
    /// Every INPUT (the --person came before any --contributions/--statements).
    Inputs,
    /// The n-th file of that kind's option.
    Forced(Kind, usize),
}

/// A `--person` (with its `--name`) and the files it is for.
#[derive(Clone, Debug)]
pub struct PersonFor {
    pub target: PersonTarget,
    pub identity: Arc<Identity>,
}

/// Inputs, policy and date: what reconciling needs.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// An embedded preset (see `policy list`) or a policy TOML file.
    #[arg(long, value_name = "NAME|FILE", default_value = yibao_recon::policy::presets::DEFAULT)]
    pub policy: String,
    /// The date up to which credits could have arrived (default: the latest statement date).
    #[arg(long = "as-of", value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date as YYYY-MM-DD"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

impl InputArgs {
    pub fn files(&self) -> Vec<InputFile> {
        let person = |target: &PersonTarget| {
            self.persons
                .iter()
                .find(|p| p.target == *target)
                .map(|p| Arc::clone(&p.identity))
        };
        let forced = |paths: &[PathBuf], kind| {
            paths
                .iter()
                .enumerate()
                .map(|(n, p)| InputFile {
                    path: p.clone(),
                    forced: Some(kind),
                    person: person(&PersonTarget::Forced(kind, n)),
                })
                .collect::<Vec<_>>()
        };
        let mut files: Vec<InputFile> = self
            .inputs
            .iter()
            .map(|p| InputFile {
                path: p.clone(),
                forced: None,
                person: person(&PersonTarget::Inputs),
            })
            .collect();
        files.extend(forced(&self.contributions, Kind::Contributions));
        files.extend(forced(&self.statements, Kind::Statement));
        files.extend(forced(&self.roster, Kind::Roster));
        files
    }

    /// Places each `--person` (and `--name`) by where it stands among the arguments
    /// (`matches` are the subcommand's): for the --contributions/--statements file just
    /// before it, or for every INPUT when none comes before it. A --name goes with the
    /// --person before it (or the first one, when it comes first).
    fn place_persons(&mut self, matches: &ArgMatches) -> Result<(), String> {
        let at = |id: &str| -> Vec<usize> {
            matches
                .indices_of(id)
                .map(|i| i.collect())
                .unwrap_or_default()
        };
        let (persons, names) = (at("given_person"), at("given_name"));
        let forced: Vec<(usize, Kind, usize)> = [
            ("contributions", Kind::Contributions),
            ("statements", Kind::Statement),
        ]
        .iter()
        .flat_map(|&(id, kind)| {
            at(id)
                .into_iter()
                .enumerate()
                .map(move |(n, index)| (index, kind, n))
        })
        .collect();
        let mut placed = Vec::new();
        for (k, (&index, value)) in persons.iter().zip(&self.person).enumerate() {
            let next = persons.get(k + 1).copied().unwrap_or(usize::MAX);
            let name = names
                .iter()
                .zip(&self.name)
                .find(|&(&n, _)| (n > index && n < next) || (k == 0 && n < index))
                .map(|(_, name)| name.as_str());
            let target = forced
                .iter()
                .filter(|f| f.0 < index)
                .max_by_key(|f| f.0)
                .map_or(PersonTarget::Inputs, |&(_, kind, n)| {
                    PersonTarget::Forced(kind, n)
                });
            let identity = Identity::given(value, name)
                .ok_or_else(|| format!("--person {value}: not an ID number or person number"))?;
            placed.push(PersonFor {
                target,
                identity: Arc::new(identity),
            });
        }
        self.persons = placed;
        Ok(())
    }

    pub fn ids(&self) -> IdDisplay {
        if self.show_ids {
            IdDisplay::Full
        } else {
            IdDisplay::Masked
        }
    }

    /// Runs `f` on a thread pool of the requested size.
    /// SPEC 2.3: `-j` is clamped to the cores (`-j 0` means that number) — `-j 100000`
    /// spawned a hundred thousand threads. A clamp is noted once on stderr unless `-q`.
    fn clamped_jobs(&self, asked: usize) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if asked == 0 {
            return cores;
        }
        if asked > cores && !self.quiet {
            static NOTED: std::sync::Once = std::sync::Once::new();
            NOTED.call_once(|| {
                eprintln!(
                    "{}",
                    match self.lang {
                        Lang::Zh => format!("-j {asked} 超过本机核数,按 {cores} 个线程运行"),
                        Lang::En => format!("-j {asked} is more than this machine's {cores} cores: using {cores} threads"),
                    }
                );
            });
        }
        asked.min(cores)
    }

    pub fn in_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.jobs {
            builder = builder.num_threads(self.clamped_jobs(n));
        }
        Ok(builder.build()?.install(f))
    }
}

/// A spinner on stderr for runs that take more than a moment; nothing when stderr is not
/// a terminal (cron, pipes) or with `-q`.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(Some(bar))
    }

    pub fn phase(&self, message: &'static str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Wall time per phase of a run, printed to stderr with `--timings` (bench/ reads it).
#[derive(Debug, Default)]
pub struct Timings {
    on: bool,
    phases: Vec<(&'static str, std::time::Duration)>,
    /// Peak resident memory after each phase (Linux), to see which phase sets the peak.
    peaks: Vec<(&'static str, u64)>,
}

impl Timings {
    pub fn new(on: bool) -> Timings {
        Timings {
            on,
            phases: Vec::new(),
            peaks: Vec::new(),
        }
    }

    /// Runs `f`, adding its wall time to `phase`.
    pub fn time<T>(&mut self, phase: &'static str, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let out = f();
        let took = start.elapsed();
        match self.phases.iter_mut().find(|(p, _)| *p == phase) {
            Some((_, d)) => *d += took,
            None => self.phases.push((phase, took)),
        }
        if self.on
            && let Some(kb) = peak_rss_kb()
        {
            self.peaks.retain(|(p, _)| *p != phase);
            self.peaks.push((phase, kb));
        }
        out
    }

    /// One line: `timings: read=1.234s normalise=0.050s …`.
    pub fn print(&self) {
        if !self.on {
            return;
        }
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|(p, d)| format!("{p}={:.3}s", d.as_secs_f64()))
            .collect();
        eprintln!("timings: {}", parts.join(" "));
        if !self.peaks.is_empty() {
            let parts: Vec<String> = self
                .peaks
                .iter()
                .map(|(p, kb)| format!("{p}={}MB", kb / 1024))
                .collect();
            eprintln!("peak memory after: {}", parts.join(" "));
        }
    }
}

/// VmHWM from /proc/self/status: the process's peak resident set so far.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
