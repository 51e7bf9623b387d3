//! Paths longer than the system takes in one call (PATH_MAX: 4,096 bytes on Linux, where
//! a share of long Chinese folder names reaches it at 20 levels): opened one folder at a
//! time, each name relative to the folder before it (`openat`), so that a file deep in a
//! share is read like any other instead of being neither read nor listed (SPEC 2.7). A path
//! the system takes whole is opened as usual; the detour costs nothing on the common path.

use std::fs::{File, Metadata};
use std::io;
use std::path::{Path, PathBuf};

/// Whether an error says the path is too long for one call (ENAMETOOLONG).
fn too_long(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidFilename
}

/// Opens a file (or a folder) for reading.
pub fn open(path: &Path) -> io::Result<File> {
    match File::open(path) {
        Err(e) if too_long(&e) => imp::open(path, imp::Open::Read),
        done => done,
    }
}

/// What `path` is, following links.
pub fn metadata(path: &Path) -> io::Result<Metadata> {
    match std::fs::metadata(path) {
        Err(e) if too_long(&e) => imp::open(path, imp::Open::Look)?.metadata(),
        done => done,
    }
}

/// Whether `path` is a symbolic link itself (not followed).
pub fn is_symlink(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => Ok(meta.file_type().is_symlink()),
        Err(e) if too_long(&e) => imp::is_symlink(path),
        Err(e) => Err(e),
    }
}

/// The paths of a folder's entries, in no order.
pub fn read_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => Ok(entries.filter_map(|e| e.ok().map(|e| e.path())).collect()),
        Err(e) if too_long(&e) => imp::read_dir(dir),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
mod imp {
    use std::ffi::OsStr;
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Component, Path, PathBuf};

    use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags, openat, statat};

    /// How the last name of a path is opened.
    #[derive(Clone, Copy)]
    pub enum Open {
        /// To read its bytes.
        Read,
        /// Only to ask what it is.
        Look,
    }

    /// The folder a path's last name is in, opened, and that name.
    fn parent(path: &Path) -> io::Result<(Option<OwnedFd>, &OsStr)> {
        let mut components: Vec<Component> = path.components().collect();
        let Some(Component::Normal(last)) = components.pop() else {
            return Err(io::Error::from(io::ErrorKind::InvalidFilename));
        };
        let mut dir: Option<OwnedFd> = None;
        for component in components {
            let name: &OsStr = match component {
                Component::RootDir => OsStr::new("/"),
                Component::CurDir => continue,
                Component::ParentDir => OsStr::new(".."),
                Component::Normal(name) => name,
                Component::Prefix(_) => {
                    return Err(io::Error::from(io::ErrorKind::InvalidFilename));
                }
            };
            let at = dir.as_ref().map_or(CWD, AsFd::as_fd);
            dir = Some(open_dir(at, name)?);
        }
        Ok((dir, last))
    }

    fn open_dir(at: BorrowedFd<'_>, name: &OsStr) -> io::Result<OwnedFd> {
        Ok(openat(
            at,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?)
    }

    pub fn open(path: &Path, how: Open) -> io::Result<File> {
        let (dir, name) = parent(path)?;
        let at = dir.as_ref().map_or(CWD, AsFd::as_fd);
        let flags = match how {
            Open::Read => OFlags::RDONLY | OFlags::CLOEXEC,
            // A FIFO opened to be looked at must not wait for a writer.
            Open::Look => OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        };
        Ok(File::from(openat(at, name, flags, Mode::empty())?))
    }

    pub fn is_symlink(path: &Path) -> io::Result<bool> {
        let (dir, name) = parent(path)?;
        let at = dir.as_ref().map_or(CWD, AsFd::as_fd);
        let stat = statat(at, name, AtFlags::SYMLINK_NOFOLLOW)?;
        Ok(FileType::from_raw_mode(stat.st_mode) == FileType::Symlink)
    }

    pub fn read_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
        let (parent, name) = parent(dir)?;
        let at = parent.as_ref().map_or(CWD, AsFd::as_fd);
        let fd = open_dir(at, name)?;
        let mut paths = Vec::new();
        for entry in Dir::read_from(&fd)? {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name != b"." && name != b".." {
                paths.push(dir.join(OsStr::from_bytes(name)));
            }
        }
        Ok(paths)
    }
}

#[cfg(not(unix))]
mod imp {
    //! Elsewhere the standard library's own long-path handling is all there is.
    use std::fs::File;
    use std::io;
    use std::path::{Path, PathBuf};

    #[derive(Clone, Copy)]
    pub enum Open {
        Read,
        Look,
    }

    pub fn open(path: &Path, _: Open) -> io::Result<File> {
        File::open(path)
    }

    pub fn is_symlink(path: &Path) -> io::Result<bool> {
        Ok(std::fs::symlink_metadata(path)?.file_type().is_symlink())
    }

    pub fn read_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
        Ok(std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect())
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use rustix::fs::{CWD, Mode, OFlags, mkdirat, openat};
    use std::io::{Read, Write};
    use std::os::fd::{AsFd, OwnedFd};

    /// Makes a folder 20 levels of 240-byte names deep under `root` (past PATH_MAX as one
    /// path), each level relative to the one before; returns its path and the open folder.
    fn deep(root: &Path) -> (PathBuf, OwnedFd) {
        let name = "很长的文件夹名字".repeat(10);
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let mut at = openat(CWD, root, flags, Mode::empty()).unwrap();
        let mut path = root.to_path_buf();
        for _ in 0..20 {
            mkdirat(&at, name.as_str(), Mode::from_raw_mode(0o755)).unwrap();
            at = openat(&at, name.as_str(), flags, Mode::empty()).unwrap();
            path.push(&name);
        }
        (path, at)
    }

    #[test]
    fn a_file_past_path_max_is_opened_listed_and_looked_at() {
        let root = tempfile::tempdir().unwrap();
        let (dir, at) = deep(root.path());
        assert!(dir.as_os_str().len() > 4096);
        let write = OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC;
        let fd = openat(
            at.as_fd(),
            "statement.csv",
            write,
            Mode::from_raw_mode(0o644),
        )
        .unwrap();
        File::from(fd).write_all(b"a,b\n1,2\n").unwrap();
        let file = dir.join("statement.csv");
        assert!(std::fs::metadata(&dir).is_err(), "the system took it whole");

        assert!(metadata(&dir).unwrap().is_dir());
        assert!(metadata(&file).unwrap().is_file());
        assert!(!is_symlink(&file).unwrap());
        assert_eq!(read_dir(&dir).unwrap(), vec![file.clone()]);
        let mut text = String::new();
        open(&file).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "a,b\n1,2\n");
    }
}
