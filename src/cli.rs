//! The flags commands share (clap derive): inputs, policy, language, IDs, threads. It
//! imports no command code: `cmd/` owns the command tree and uses these.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{ArgMatches, Args};
use yibao_recon::ingest::layouts::identity::Identity;
use yibao_recon::ingest::{InputFile, LayoutRules};
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::records::Kind;

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
    /// Where each --person goes, from the order of the command line (see [`crate::cmd::Cli::prepare`]).
    #[arg(skip)]
    pub persons: Vec<PersonFor>,
    /// Layout rules (a TOML file of [[layout]] tables): say which column is which where the
    /// tool cannot tell (`check --suggest-layout` writes a first one). Repeatable.
    #[arg(long = "layout", value_name = "FILE")]
    pub layout_files: Vec<PathBuf>,
    /// The rules of every --layout file, read once (see [`InputArgs::load_layouts`]).
    #[arg(skip)]
    pub layout: Option<Arc<LayoutRules>>,
    /// Follow symbolic links out of the folders named (by default a link is followed only
    /// when it stays inside them).
    #[arg(long = "follow", short = 'L')]
    pub follow: bool,
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
                    layout: self.layout.clone(),
                    follow: self.follow,
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
                layout: self.layout.clone(),
                follow: self.follow,
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
    pub fn place_persons(&mut self, matches: &ArgMatches) -> Result<(), String> {
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

    /// Reads every `--layout` file; a file that cannot be read or holds a mistake stops the
    /// run (exit 2) with the file and the rule named.
    pub fn load_layouts(&mut self) -> Result<(), String> {
        if self.layout_files.is_empty() {
            return Ok(());
        }
        let mut all = LayoutRules::default();
        for path in &self.layout_files {
            let rules = LayoutRules::load(path).map_err(|e| {
                let text = e.to_string();
                match self.lang {
                    Lang::Zh => format!("版式规则文件无法使用: {text}"),
                    Lang::En => format!("layout rules cannot be used: {text}"),
                }
            })?;
            all.extend(rules);
        }
        self.layout = Some(Arc::new(all));
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
                errln!(
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
