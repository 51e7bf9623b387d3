//! The output set as one unit (SPEC 2.3). Each report file is atomic on its own, but a
//! run killed half-way, a full disk or two runs into one `-o` used to leave a mix of two
//! runs' files, and a run that could not read its inputs replaced the last good reports.
//!
//! A run goes through three stages:
//!
//! 1. **Claim** ([`Claim::take`], before anything is read): `DIR.lock` beside the folder is
//!    locked (the OS lock dies with the process, so a killed run leaves no lock held; a
//!    second run waits for it, then gives up naming the holder). Holding it, the leftovers
//!    of dead runs (`.DIR.tmp-*`, `.DIR.old-*`) are removed — only the holder makes them —
//!    and `DIR` must be absent, empty or a report folder: any other folder is refused
//!    before reading, so that a mistyped `-o ~/Documents` replaces nothing.
//! 2. **Stage** ([`Claim::stage`], after reading): every report is written into a fresh
//!    `.DIR.tmp-<random>`, created exclusively (a planted folder or symlink of that name
//!    makes the creation fail instead of redirecting the writes).
//! 3. **Commit** ([`Staged::commit`]): a complete run renames `DIR` to
//!    `.DIR.old-<random>`, the new folder to `DIR`, then deletes the old one; a degraded
//!    run — an input that exists but could not be read, a sum that overflowed — renames
//!    its folder to `DIR.failed-YYYYMMDDTHHMMSS`, and `DIR` is untouched. A staged folder
//!    that is dropped uncommitted (a write failed) is removed.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::OutputError;

/// How long a second run into the same folder waits for the first (SPEC 2.3: 60 s).
pub const LOCK_WAIT: Duration = Duration::from_secs(60);

/// How often a waiting run tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(200);

/// The random part of temporary names: 12 characters of [A-Za-z0-9], 71 bits.
const RANDOM_CHARS: usize = 12;

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The output folder, claimed by this run: locked, checked, cleaned of dead runs' folders.
pub struct Claim {
    target: PathBuf,
    parent: PathBuf,
    name: String,
    _lock: Lock,
}

/// Where a claimed run writes its reports, until [`Staged::commit`].
pub struct Staged {
    claim: Claim,
    path: PathBuf,
    committed: bool,
}

impl Claim {
    /// Locks `target` (waiting up to `wait`; `on_wait` is told the holder once when the
    /// lock is busy), removes dead runs' temporaries and checks that `target` is absent,
    /// empty or a report folder. Its parent folders are made when missing.
    pub fn take(
        target: &Path,
        wait: Duration,
        on_wait: impl FnOnce(&str),
    ) -> Result<Claim, OutputError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n != "." && n != "..")
            .ok_or_else(|| OutputError::NotReportFolder {
                path: target.display().to_string(),
                reason: "name a folder for the reports, e.g. -o recon-out".into(),
            })?;
        // Empty for a name in the current folder, so that the names said are as given.
        let parent = target.parent().map(Path::to_path_buf).unwrap_or_default();
        let here = folder(&parent);
        std::fs::create_dir_all(here).map_err(io_error(here))?;
        let lock = Lock::acquire(&parent.join(format!("{name}.lock")), wait, on_wait)?;
        let claim = Claim {
            target: target.to_path_buf(),
            parent,
            name,
            _lock: lock,
        };
        claim.remove_dead_runs();
        check_target(&claim.target)?;
        Ok(claim)
    }

    /// The folder the reports end up in when the run is complete.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// `.DIR.tmp-*` and `.DIR.old-*` beside the target: only a holder of the lock makes
    /// them, so while this run holds it they are a killed run's. Best effort: one that
    /// cannot be removed is left for the next run. SPEC 2.7: a `.DIR.old-*` whose `DIR` is
    /// missing is the last good set (a run killed between its two renames): it is renamed
    /// back first, never deleted; and `DIR.failed-*` beyond the newest 5 are removed.
    fn remove_dead_runs(&self) {
        self.restore_last_good_set();
        self.rotate_failed_runs();
        let (tmp, old) = (
            format!(".{}.tmp-", self.name),
            format!(".{}.old-", self.name),
        );
        let Ok(entries) = std::fs::read_dir(folder(&self.parent)) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.starts_with(&tmp) || name.starts_with(&old)) {
                continue;
            }
            let path = self.parent.join(entry.file_name());
            // Not followed: a symlink of that name is removed itself, never its target.
            match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    let _ = std::fs::remove_dir_all(&path);
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(&path);
                }
                Err(_) => {}
            }
        }
    }

    /// The names beside the target that start with `prefix`.
    fn beside(&self, prefix: &str) -> Vec<(String, std::fs::DirEntry)> {
        let Ok(entries) = std::fs::read_dir(folder(&self.parent)) else {
            return Vec::new();
        };
        entries
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e))
            .filter(|(n, _)| n.starts_with(prefix))
            .collect()
    }

    /// A run killed between renaming `DIR` aside and the new set in leaves no `DIR` and
    /// the last good set in `.DIR.old-*`: it is put back (the newest, when several).
    fn restore_last_good_set(&self) {
        if std::fs::symlink_metadata(&self.target).is_ok() {
            return;
        }
        let newest = self
            .beside(&format!(".{}.old-", self.name))
            .into_iter()
            .filter(|(_, e)| e.file_type().is_ok_and(|t| t.is_dir()))
            .max_by_key(|(n, e)| {
                (
                    e.metadata()
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::SystemTime::UNIX_EPOCH),
                    n.clone(),
                )
            });
        if let Some((name, _)) = newest {
            let _ = std::fs::rename(self.parent.join(name), &self.target);
        }
    }

    /// Keeps the newest [`FAILED_KEPT`] `DIR.failed-*` folders (their names sort by time).
    fn rotate_failed_runs(&self) {
        let mut failed: Vec<String> = self
            .beside(&format!("{}.failed-", self.name))
            .into_iter()
            .filter(|(_, e)| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|(n, _)| n)
            .collect();
        failed.sort_by_key(|n| failed_order(n));
        let excess = failed.len().saturating_sub(FAILED_KEPT);
        for name in &failed[..excess] {
            let _ = std::fs::remove_dir_all(self.parent.join(name));
        }
    }

    /// Makes the folder this run writes into: a fresh temporary one, whatever the run turns
    /// out to be (an input unreadable, or a sum that overflows, is known only later).
    pub fn stage(self) -> Result<Staged, OutputError> {
        let path = self.fresh_temporary()?;
        Ok(Staged {
            claim: self,
            path,
            committed: false,
        })
    }

    fn fresh_temporary(&self) -> Result<PathBuf, OutputError> {
        let prefix = format!(".{}.tmp-", self.name);
        let mut builder = tempfile::Builder::new();
        builder
            .prefix(&prefix)
            .suffix("")
            .rand_bytes(RANDOM_CHARS)
            .disable_cleanup(true);
        #[cfg(unix)]
        {
            // As any folder the user makes: the umask decides, not 0700.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o777));
        }
        let dir = builder
            .tempdir_in(folder(&self.parent))
            .map_err(io_error(folder(&self.parent)))?;
        let made = dir.keep();
        Ok(self.parent.join(made.file_name().unwrap_or_default()))
    }

    /// Moves `staged` to `DIR.failed-<local time>` (`-2`, `-3`… when taken); the name is
    /// checked free, then taken by a rename that replaces nothing but an empty folder.
    fn fail(&self, staged: &Path) -> Result<PathBuf, OutputError> {
        let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S").to_string();
        let base = format!("{}.failed-{stamp}", self.name);
        for n in 1.. {
            let name = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            let path = self.parent.join(name);
            if std::fs::symlink_metadata(&path).is_ok() {
                continue;
            }
            match std::fs::rename(staged, &path) {
                Ok(()) => return Ok(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) if e.kind() == std::io::ErrorKind::DirectoryNotEmpty => continue,
                Err(e) => return Err(io_error(&path)(e)),
            }
        }
        unreachable!("an unbounded range ends only by returning")
    }
}

impl Staged {
    /// Where the reports are written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Puts the written reports in place; returns the folder they are in. A complete run
    /// replaces the target in two renames; a degraded one goes to `DIR.failed-…`, and the
    /// target is left as it was.
    pub fn commit(mut self, complete: bool) -> Result<PathBuf, OutputError> {
        if !complete {
            let failed = self.claim.fail(&self.path)?;
            self.committed = true;
            return Ok(failed);
        }
        self.committed = true;
        let target = self.claim.target.clone();
        let exists = std::fs::symlink_metadata(&target).is_ok();
        let old = exists.then(|| {
            self.claim.parent.join(format!(
                ".{}.old-{}",
                self.claim.name,
                random_chars(RANDOM_CHARS)
            ))
        });
        if let Some(old) = &old {
            std::fs::rename(&target, old).map_err(io_error(&target))?;
        }
        if let Err(e) = std::fs::rename(&self.path, &target) {
            // Put the last good set back rather than leave no reports at all.
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &target);
            }
            self.committed = false;
            return Err(io_error(&target)(e));
        }
        if let Some(old) = &old {
            // A set that cannot be removed now is a dead run's leftover for the next one.
            let _ = std::fs::remove_dir_all(old);
        }
        Ok(target)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// `parent` as a folder to open: the current one when it is empty.
fn folder(parent: &Path) -> &Path {
    if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    }
}

/// A random name part from the OS's randomness (std's hasher keys are drawn from it).
fn random_chars(n: usize) -> String {
    use std::hash::{BuildHasher, RandomState};
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(n);
    let mut i = 0u64;
    while out.len() < n {
        let mut bits = RandomState::new().hash_one(i);
        for _ in 0..8 {
            if out.len() == n {
                break;
            }
            out.push(ALPHABET[(bits % ALPHABET.len() as u64) as usize] as char);
            bits /= ALPHABET.len() as u64;
        }
        i += 1;
    }
    out
}

/// How many failed runs' folders are kept beside the target (SPEC 2.7).
pub const FAILED_KEPT: usize = 5;

/// A failed folder's place in time: its stamp, then its collision number (`-2`, `-3`…).
fn failed_order(name: &str) -> (String, u32) {
    let stamp = name.rsplit(".failed-").next().unwrap_or(name);
    match stamp.split_once('-') {
        Some((at, n)) => (at.to_string(), n.parse().unwrap_or(0)),
        None => (stamp.to_string(), 1),
    }
}

/// `-o DIR` must be absent, empty or a report folder (SPEC 2.3).
fn check_target(target: &Path) -> Result<(), OutputError> {
    let refuse = |reason: &str| OutputError::NotReportFolder {
        path: target.display().to_string(),
        reason: reason.into(),
    };
    let meta = match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(target)(e)),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(
            "is a symbolic link; name the folder itself (the reports replace it whole)",
        ));
    }
    if !meta.is_dir() {
        return Err(refuse("is a file, not a folder"));
    }
    let empty = std::fs::read_dir(target)
        .map_err(io_error(target))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    if !crate::ingest::earlier_outputs::is_report_folder(target) {
        return Err(refuse(
            "holds files that are not a yibao-recon report set (no summary.json written by yibao-recon); \
             the reports replace the folder whole, so name a new or empty folder",
        ));
    }
    // SPEC 2.7: a report folder that also holds the user's own files (notes, an annotated
    // workbook, a folder) is refused, never replaced: those files would be deleted.
    let foreign = foreign_entries(target)?;
    if foreign.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = foreign.iter().take(10).cloned().collect();
    let more = if foreign.len() > 10 { ", …" } else { "" };
    Err(OutputError::ForeignFiles {
        path: target.display().to_string(),
        files: format!("{}{more}", shown.join(", ")),
    })
}

/// The files a report set holds: the reports, summary.json, the shard sidecar, and the
/// writer's own temporaries (`.NAME.tmp-*`).
pub const REPORT_FILES: [&str; 13] = [
    "findings.csv",
    "months.csv",
    "persons.csv",
    "rejected.csv",
    "changes.csv",
    "summary.json",
    "findings.jsonl",
    "report.xlsx",
    "report.html",
    "findings.parquet",
    "months.parquet",
    "persons.parquet",
    crate::report::shard::SIDECAR,
];

/// What `dir` holds that the tool did not write, by name, sorted.
fn foreign_entries(dir: &Path) -> Result<Vec<String>, OutputError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours_file = REPORT_FILES.contains(&name.as_str())
            || REPORT_FILES
                .iter()
                .any(|r| name.starts_with(&format!(".{r}.tmp-")));
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !(ours_file && is_file) {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// `DIR.lock`, locked by the OS for as long as the run lasts; it holds who holds it.
struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    fn acquire(
        path: &Path,
        wait: Duration,
        on_wait: impl FnOnce(&str),
    ) -> Result<Lock, OutputError> {
        let deadline = Instant::now() + wait;
        let mut on_wait = Some(on_wait);
        loop {
            let file = open_lock_file(path)?;
            match file.try_lock() {
                Ok(()) => {
                    // The file may have been removed by the holder as it finished, after
                    // this run opened it: a lock on a removed file locks nothing.
                    if still_at(&file, path) {
                        let lock = Lock {
                            file,
                            path: path.to_path_buf(),
                        };
                        lock.write_holder();
                        return Ok(lock);
                    }
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(path).unwrap_or_default();
                    let holder = holder.trim().to_string();
                    if Instant::now() >= deadline {
                        return Err(OutputError::Locked {
                            path: path.display().to_string(),
                            holder,
                            waited: wait.as_secs(),
                        });
                    }
                    if let Some(tell) = on_wait.take() {
                        tell(&holder);
                    }
                    std::thread::sleep(LOCK_POLL);
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io_error(path)(e)),
            }
        }
    }

    fn write_holder(&self) {
        use std::io::Write;
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let text = format!(
            "yibao-recon pid {}{} since {}\n",
            std::process::id(),
            if host.is_empty() {
                String::new()
            } else {
                format!(" on {host}")
            },
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        );
        let mut file = &self.file;
        let _ = file.set_len(0);
        let _ = file.write_all(text.as_bytes());
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held; the lock itself ends when the file is closed.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Opens (making it if needed) the lock file without following a symlink planted there.
fn open_lock_file(path: &Path) -> Result<File, OutputError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(io_error(path))
}

#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_at(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_complete_run_replaces_the_folder_and_leaves_nothing_beside_it() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(
            out.join("summary.json"),
            r#"{"tool":{"name":"yibao-recon"}}"#,
        )
        .unwrap();
        std::fs::write(out.join("findings.csv"), "x").unwrap();
        let staged = Claim::take(&out, LOCK_WAIT, |_| {})
            .unwrap()
            .stage()
            .unwrap();
        std::fs::write(staged.path().join("months.csv"), "y").unwrap();
        assert_eq!(staged.commit(true).unwrap(), out);
        assert_eq!(names(&out), ["months.csv"]);
        assert_eq!(names(root.path()), ["out"]);
    }

    #[test]
    fn a_degraded_run_leaves_the_folder_alone() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let staged = Claim::take(&out, LOCK_WAIT, |_| {})
            .unwrap()
            .stage()
            .unwrap();
        let failed = staged.commit(false).unwrap();
        assert!(!out.exists());
        let name = failed.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("out.failed-20"), "{name}");
    }

    #[test]
    fn a_folder_of_other_files_is_refused() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("notes.txt"), "mine").unwrap();
        let err = Claim::take(root.path(), LOCK_WAIT, |_| {}).err().unwrap();
        assert!(matches!(err, OutputError::NotReportFolder { .. }), "{err}");
        assert_eq!(names(root.path()), ["notes.txt"]);
    }

    #[test]
    fn dead_runs_temporaries_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::create_dir(root.path().join(".out.tmp-dead")).unwrap();
        std::fs::write(root.path().join(".out.tmp-dead/months.csv"), "x").unwrap();
        // With `out` in place, a `.out.old-*` is a dead run's leftover.
        std::fs::create_dir(root.path().join(".out.old-dead")).unwrap();
        std::fs::create_dir(root.path().join(".other.tmp-keep")).unwrap();
        let claim = Claim::take(&out, LOCK_WAIT, |_| {}).unwrap();
        assert_eq!(names(root.path()), [".other.tmp-keep", "out", "out.lock"]);
        drop(claim);
        assert_eq!(names(root.path()), [".other.tmp-keep", "out"]);
    }

    #[test]
    fn a_second_claim_waits_then_names_the_holder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let _first = Claim::take(&out, LOCK_WAIT, |_| {}).unwrap();
        let mut told = String::new();
        let err = Claim::take(&out, Duration::from_millis(300), |h| told = h.to_string())
            .err()
            .unwrap();
        let pid = format!("pid {}", std::process::id());
        assert!(told.contains(&pid), "{told}");
        assert!(err.to_string().contains(&pid), "{err}");
    }

    #[test]
    fn random_names_differ() {
        let a = random_chars(RANDOM_CHARS);
        assert_eq!(a.len(), RANDOM_CHARS);
        assert_ne!(a, random_chars(RANDOM_CHARS));
    }
}
