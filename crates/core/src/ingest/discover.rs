//! Finding the inputs (SPEC 2.3, 2.7): files as named, folders searched for the input
//! extensions — each real folder once, links out of the folder not followed unless
//! `--follow`, FIFOs and devices never opened, Excel's lock files and the tool's own
//! reports skipped, paths past the system's limit opened one folder at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::layouts::identity::Identity;
use super::{EXTENSIONS, InputFile, LayoutRules, SkippedInput, earlier_outputs, long_path};
use crate::error::InputError;
use crate::records::Kind;

fn has_input_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Excel's lock file (`~$book.xlsx`) beside an open workbook: never data.
fn is_lock_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("~$"))
}

/// Searches a named folder for input files (SPEC 2.3, 2.7). Each real folder is visited
/// once (`seen` holds their device and inode: a symlink loop, or a link to a folder
/// already searched, adds nothing — no path is resolved per folder, which made 3,000
/// nested folders take minutes); FIFOs, sockets and devices are skipped, never opened (a
/// FIFO with no writer would hang the run). A symbolic link is followed only when it
/// stays inside the named folder, unless `follow` (`--follow`): a link to `/` walked the
/// disk. An entry that cannot be looked at (a name past the system's path limit) is a
/// failure, never dropped.
struct Walk<'a> {
    /// The named folder, resolved: where links may point.
    root: PathBuf,
    follow: bool,
    seen: &'a mut std::collections::BTreeSet<FolderId>,
    out: &'a mut Vec<PathBuf>,
    skipped: &'a mut Vec<SkippedInput>,
    failures: &'a mut Vec<InputError>,
}

/// A folder's identity on its device (its canonical path where there are no inodes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum FolderId {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

fn folder_id(path: &Path, meta: &std::fs::Metadata) -> Option<FolderId> {
    #[cfg(unix)]
    {
        let _ = path;
        use std::os::unix::fs::MetadataExt;
        Some(FolderId::Inode(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        std::fs::canonicalize(path).ok().map(FolderId::Path)
    }
}

/// Why a symbolic link out of a named folder is not followed.
pub const LINK_OUT: &str =
    "a symbolic link out of the folder: not followed (--follow to read what it points to)";

impl Walk<'_> {
    fn skip(&mut self, p: &Path, reason: &str) {
        self.skipped.push(SkippedInput {
            path: p.display().to_string(),
            sheet: None,
            reason: reason.into(),
        });
    }

    /// Walks `dir` and the folders under it, depth first, each folder's entries in name
    /// order — with a stack of its own, not the call stack (3,000 nested folders
    /// overflowed it).
    fn folder(&mut self, dir: &Path, meta: &std::fs::Metadata) -> Result<(), InputError> {
        let mut stack: Vec<std::vec::IntoIter<PathBuf>> = Vec::new();
        if let Some(entries) = self.open(dir, meta)? {
            stack.push(entries);
        }
        while let Some(top) = stack.last_mut() {
            let Some(p) = top.next() else {
                stack.pop();
                continue;
            };
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if let Some((sub, meta)) = self.entry(&p) {
                match self.open(&sub, &meta) {
                    Ok(Some(entries)) => stack.push(entries),
                    Ok(None) => {}
                    Err(e) => self.failures.push(e),
                }
            }
        }
        Ok(())
    }

    /// A folder's entries, sorted; `None` when it was searched already.
    fn open(
        &mut self,
        dir: &Path,
        meta: &std::fs::Metadata,
    ) -> Result<Option<std::vec::IntoIter<PathBuf>>, InputError> {
        if let Some(id) = folder_id(dir, meta)
            && !self.seen.insert(id)
        {
            return Ok(None);
        }
        let mut paths = long_path::read_dir(dir).map_err(|source| InputError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        paths.sort();
        Ok(Some(paths.into_iter()))
    }

    /// One entry of a folder: a file taken or skipped; a folder to search, returned.
    fn entry(&mut self, p: &Path) -> Option<(PathBuf, std::fs::Metadata)> {
        let link = match long_path::is_symlink(p) {
            Ok(link) => link,
            Err(source) => {
                self.failures.push(InputError::Io {
                    path: p.display().to_string(),
                    source,
                });
                return None;
            }
        };
        if link && !self.follow {
            // Followed only when it stays inside the named folder.
            let inside = std::fs::canonicalize(p).is_ok_and(|real| real.starts_with(&self.root));
            if !inside {
                if has_input_extension(p) || long_path::metadata(p).is_ok_and(|m| m.is_dir()) {
                    self.skip(p, LINK_OUT);
                }
                return None;
            }
        }
        // A dangling link is no input.
        let meta = long_path::metadata(p).ok()?;
        if meta.is_dir() && earlier_outputs::is_report_folder(p) {
            self.skip(p, earlier_outputs::REASON);
        } else if meta.is_dir() {
            return Some((p.to_path_buf(), meta));
        } else if !has_input_extension(p) {
        } else if !meta.is_file() {
            self.skip(p, NOT_A_FILE);
        } else if is_lock_file(p) {
            self.skip(p, LOCK_FILE);
        } else if earlier_outputs::is_report_file(p) {
            self.skip(p, earlier_outputs::REASON);
        } else {
            self.out.push(p.to_path_buf());
        }
        None
    }
}

/// Why an input is skipped: Excel's lock file beside an open workbook.
pub const LOCK_FILE: &str = "Excel lock file (~$…), not data";
/// Why a FIFO, socket or device found in a folder is not read.
pub const NOT_A_FILE: &str = "not a regular file (a FIFO, socket or device): not searched";

/// What was said of a file: its kind, its person, the layout rules.
#[derive(Default)]
struct Given {
    forced: Option<Kind>,
    person: Option<Arc<Identity>>,
    layout: Option<Arc<LayoutRules>>,
}

/// Expands the inputs: files as given, folders searched recursively for the input
/// extensions. Sorted and de-duplicated; a path that does not exist is a failure.
pub fn discover(inputs: &[InputFile]) -> (Vec<InputFile>, Vec<SkippedInput>, Vec<InputError>) {
    let mut files: BTreeMap<PathBuf, Given> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // A file named again (in a folder, then by itself) keeps what was said of it.
    let mut take = |path: PathBuf, input: &InputFile| {
        let slot = files.entry(path).or_default();
        if input.forced.is_some() {
            slot.forced = input.forced;
        }
        if input.person.is_some() {
            slot.person = input.person.clone();
        }
        if input.layout.is_some() {
            slot.layout = input.layout.clone();
        }
    };
    for input in inputs {
        let path = &input.path;
        // One look at what the path is (past the path limit too).
        let meta = long_path::metadata(path);
        let is_dir = meta.as_ref().is_ok_and(|m| m.is_dir());
        // Named, an earlier run's output is still not read, unless its kind is forced.
        let earlier_output = input.forced.is_none()
            && if is_dir {
                earlier_outputs::is_report_folder(path)
            } else {
                earlier_outputs::is_report_file(path)
            };
        if earlier_output {
            skipped.push(SkippedInput {
                path: path.display().to_string(),
                sheet: None,
                reason: earlier_outputs::REASON.into(),
            });
        } else if let Ok(meta) = meta.as_ref()
            && is_dir
        {
            let mut found = Vec::new();
            let mut walk = Walk {
                root: std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
                follow: input.follow,
                seen: &mut seen,
                out: &mut found,
                skipped: &mut skipped,
                failures: &mut failures,
            };
            if let Err(e) = walk.folder(path, meta) {
                failures.push(e);
            }
            for f in found {
                take(f, input);
            }
        } else if meta.is_ok() {
            take(path.clone(), input);
        } else {
            failures.push(InputError::NotFound {
                path: path.display().to_string(),
            });
        }
    }
    // A file named and also found in a named folder is skipped once.
    let mut seen = std::collections::BTreeSet::new();
    skipped.retain(|s| seen.insert((s.path.clone(), s.sheet.clone())));
    let files = files
        .into_iter()
        .map(|(path, given)| InputFile {
            path,
            forced: given.forced,
            person: given.person,
            layout: given.layout,
            follow: false,
        })
        .collect();
    (files, skipped, failures)
}
