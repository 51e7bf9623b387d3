//! Job files for scheduled runs (`yibao-recon run JOB.toml`): what to read, under which
//! policy, where the dated reports go, and which previous run to compare with.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use thiserror::Error;

use crate::ingest::InputFile;
use crate::records::Kind;

#[derive(Debug, Error)]
pub enum JobError {
    #[error("{path}: cannot read the job file: {message}")]
    Io { path: String, message: String },
    #[error("{path}: not a valid job file: {message}")]
    Syntax { path: String, message: String },
    #[error("{path}: {key}: {reason}")]
    Invalid {
        path: String,
        key: String,
        reason: String,
    },
}

/// One path or several.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(untagged)]
enum Paths {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Paths {
    fn list(&self) -> Vec<String> {
        match self {
            Paths::None => Vec::new(),
            Paths::One(s) => vec![s.clone()],
            Paths::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    inputs: Paths,
    #[serde(default)]
    contributions: Paths,
    #[serde(default)]
    statements: Paths,
    #[serde(default)]
    roster: Paths,
    policy: Option<String>,
    output: Option<String>,
    formats: Option<Vec<String>>,
    fail_on: Option<String>,
    lang: Option<String>,
    as_of: Option<String>,
    show_ids: Option<bool>,
    previous: Option<String>,
    /// Layout rules files (SPEC 2.6), as `--layout` gives them.
    #[serde(default)]
    layouts: Paths,
    /// Follow symbolic links out of the folders (SPEC 2.7), as `--follow`.
    follow: Option<bool>,
    /// Files of the last complete run missing now, or much smaller, are accepted (SPEC
    /// 2.7): the run is not degraded by them.
    allow_missing: Option<bool>,
    /// Print and exit 1 only when something changed since the previous run.
    only_changes: Option<bool>,
}

/// A job, with its paths resolved against the job file's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub inputs: Vec<InputFile>,
    pub policy: String,
    pub output: PathBuf,
    pub formats: Vec<String>,
    pub fail_on: String,
    pub lang: String,
    pub as_of: Option<NaiveDate>,
    pub show_ids: bool,
    /// The previous run's folder to compare with, when there is one.
    pub previous: Option<PathBuf>,
    /// `allow_missing`: inputs that vanish or shrink do not degrade the run.
    pub allow_missing: bool,
    /// `only_changes`: print and exit 1 only when findings changed (like
    /// `git diff --exit-code`).
    pub only_changes: bool,
    /// Input patterns that matched no file (a glob, or a path that does not exist): the
    /// run is degraded by them unless `allow_missing`.
    pub unmatched: Vec<String>,
}

/// The commented example `yibao-recon init` writes.
pub const EXAMPLE: &str = include_str!("../../../examples/job.toml");

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Expands a path or a glob pattern, relative to `base`. A plain path is kept even when it
/// does not exist, so that the run reports it as missing rather than dropping it.
fn expand(base: &Path, pattern: &str, key: &str, origin: &str) -> Result<Vec<PathBuf>, JobError> {
    let joined = base.join(pattern);
    if !has_glob(pattern) {
        return Ok(vec![joined]);
    }
    let text = joined.to_string_lossy().into_owned();
    let paths = glob::glob(&text).map_err(|e| JobError::Invalid {
        path: origin.to_string(),
        key: key.to_string(),
        reason: format!("bad pattern '{pattern}': {e}"),
    })?;
    let mut out: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
    out.sort();
    Ok(out)
}

/// The newest earlier complete run beside `output` (dated folders sort by name), or
/// `output` itself when it already holds one. A run that was not complete (summary.json
/// `complete: false`, SPEC 2.3) is never compared with, nor a run's temporary, replaced
/// or failed folder.
fn auto_previous(output: &Path) -> Option<PathBuf> {
    if is_complete_run(output) {
        return Some(output.to_path_buf());
    }
    let parent = output.parent()?;
    let name = output.file_name()?.to_string_lossy().into_owned();
    let mut earlier: Vec<PathBuf> = std::fs::read_dir(parent)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.as_ref() < name.as_str() && !n.starts_with('.') && !n.contains(".failed-")
            })
        })
        .filter(|p| is_complete_run(p))
        .collect();
    earlier.sort();
    earlier.pop()
}

/// A folder holding a run's findings.csv whose run was complete.
fn is_complete_run(dir: &Path) -> bool {
    dir.join("findings.csv").is_file() && crate::ingest::earlier_outputs::run_was_complete(dir)
}

impl Job {
    /// Reads a job file; `today` fills `{date}` in the output path.
    pub fn load(path: &Path, today: NaiveDate) -> Result<Job, JobError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| JobError::Io {
            path: origin.clone(),
            message: e.to_string(),
        })?;
        Job::parse(
            &text,
            path.parent().unwrap_or(Path::new(".")),
            &origin,
            today,
        )
    }

    pub fn parse(text: &str, base: &Path, origin: &str, today: NaiveDate) -> Result<Job, JobError> {
        let f: File = toml::from_str(text).map_err(|e| JobError::Syntax {
            path: origin.to_string(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        let invalid = |key: &str, reason: &str| JobError::Invalid {
            path: origin.to_string(),
            key: key.to_string(),
            reason: reason.to_string(),
        };
        let mut rules = crate::ingest::LayoutRules::default();
        for pattern in f.layouts.list() {
            for path in expand(base, &pattern, "layouts", origin)? {
                let more = crate::ingest::LayoutRules::load(&path)
                    .map_err(|e| invalid("layouts", &e.to_string()))?;
                rules.extend(more);
            }
        }
        let layout = (!rules.rules.is_empty()).then(|| std::sync::Arc::new(rules));
        let mut inputs = Vec::new();
        let mut unmatched = Vec::new();
        for (key, paths, forced) in [
            ("inputs", &f.inputs, None),
            ("contributions", &f.contributions, Some(Kind::Contributions)),
            ("statements", &f.statements, Some(Kind::Statement)),
            ("roster", &f.roster, Some(Kind::Roster)),
        ] {
            for pattern in paths.list() {
                let found = expand(base, &pattern, key, origin)?;
                if found.is_empty() {
                    unmatched.push(pattern.clone());
                }
                for path in found {
                    inputs.push(InputFile {
                        path,
                        forced,
                        person: None,
                        layout: layout.clone(),
                        follow: f.follow.unwrap_or(false),
                    });
                }
            }
        }
        if inputs.is_empty() && unmatched.is_empty() {
            return Err(invalid(
                "inputs",
                "no input: give files, folders or patterns",
            ));
        }
        let output = base.join(
            f.output
                .as_deref()
                .unwrap_or("recon-out/{date}")
                .replace("{date}", &today.to_string()),
        );
        let as_of = match &f.as_of {
            None => None,
            Some(s) => Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| invalid("as_of", "must be a date as YYYY-MM-DD"))?,
            ),
        };
        let fail_on = f.fail_on.unwrap_or_else(|| "error".into());
        if !matches!(fail_on.as_str(), "error" | "warning" | "never") {
            return Err(invalid("fail_on", "must be error, warning or never"));
        }
        let lang = f.lang.unwrap_or_else(|| "zh".into());
        if !matches!(lang.as_str(), "zh" | "en") {
            return Err(invalid("lang", "must be zh or en"));
        }
        let previous = match f.previous.as_deref() {
            None | Some("auto") => auto_previous(&output),
            Some("") | Some("none") => None,
            Some(p) => Some(base.join(p)),
        };
        Ok(Job {
            inputs,
            policy: match f.policy {
                None => crate::policy::presets::DEFAULT.into(),
                // A policy file, like every path here, is relative to the job file; a
                // preset is a name.
                Some(p) if p.ends_with(".toml") || p.contains(['/', '\\']) => {
                    base.join(p).to_string_lossy().into_owned()
                }
                Some(p) => p,
            },
            output,
            formats: f
                .formats
                .unwrap_or_else(|| vec!["csv".into(), "json".into(), "xlsx".into()]),
            fail_on,
            lang,
            as_of,
            show_ids: f.show_ids.unwrap_or(false),
            previous,
            allow_missing: f.allow_missing.unwrap_or(false),
            only_changes: f.only_changes.unwrap_or(false),
            unmatched,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 8, 1).unwrap()
    }

    #[test]
    fn the_example_is_a_valid_job() {
        let dir = tempfile_dir();
        let job = Job::parse(EXAMPLE, &dir, "job.toml", day()).unwrap();
        assert_eq!(job.output, dir.join("reports/2024-08-01"));
        assert_eq!(job.policy, "national");
        assert!(job.inputs.iter().any(|i| i.forced == Some(Kind::Roster)));
    }

    #[test]
    fn a_policy_file_is_relative_to_the_job_file() {
        let base = Path::new("/srv/hr");
        let job = |t: &str| Job::parse(t, base, "j.toml", day()).unwrap().policy;
        assert_eq!(
            job("inputs = \"a\"\npolicy = \"ours.toml\""),
            "/srv/hr/ours.toml"
        );
        assert_eq!(job("inputs = \"a\"\npolicy = \"beijing\""), "beijing");
    }

    #[test]
    fn errors_name_the_key() {
        let base = Path::new(".");
        let err = |t: &str| {
            Job::parse(t, base, "j.toml", day())
                .unwrap_err()
                .to_string()
        };
        assert!(err("inputs = []").contains("inputs: no input"));
        assert!(err("inputs = \"a\"\nfail_on = \"sometimes\"").contains("fail_on"));
        assert!(err("inputs = \"a\"\nsurprise = 1").contains("surprise"));
        assert!(err("inputs = \"a\"\nas_of = \"31/07/2024\"").contains("as_of"));
    }

    fn tempfile_dir() -> PathBuf {
        std::env::temp_dir()
    }
}
