//! Advisory locks with a bounded wait.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::open_private;

/// How long any plex-auth lock is waited for before giving up with a config error.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{} is locked by another process; gave up after {secs} s", .path.display())]
    Busy { path: PathBuf, secs: u64 },
    #[error("cannot lock {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot open the lock file {}: {source}", .path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the lock file {} is a symbolic link; plex-auth does not follow links it did not make", .path.display())]
    Link { path: PathBuf },
}

/// Why [`lock_in_place`] could not lock a file.
#[derive(Debug, thiserror::Error)]
pub enum InPlaceError {
    #[error("cannot open {}: {source}", .path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not a regular file", .path.display())]
    NotRegular { path: PathBuf },
    #[error("{} kept being replaced while plex-auth waited to lock it", .path.display())]
    KeptReplaced { path: PathBuf },
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// Opens `target` read-only (never through a symlink, never blocking on a FIFO) and locks
/// it, for a file another program owns and replaces by rename (an app's config): the lock is
/// on the file itself, so nothing is created beside it. Another plex-auth may have replaced
/// the file while this one waited, leaving the lock on an inode that no longer has the name;
/// then the new file is opened and locked instead.
pub fn lock_in_place(target: &Path) -> std::result::Result<(File, fs::Metadata), InPlaceError> {
    for _ in 0..16 {
        let mut opts = OpenOptions::new();
        opts.read(true);
        #[cfg(unix)]
        {
            use rustix::fs::OFlags;
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(super::open_flags(
                OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            ));
        }
        let open = |source| InPlaceError::Open {
            path: target.to_path_buf(),
            source,
        };
        let file = opts.open(target).map_err(open)?;
        let meta = file.metadata().map_err(open)?;
        if !meta.is_file() {
            return Err(InPlaceError::NotRegular {
                path: target.to_path_buf(),
            });
        }
        lock(&file, target)?;
        if same_file(&meta, target) {
            return Ok((file, meta));
        }
    }
    Err(InPlaceError::KeptReplaced {
        path: target.to_path_buf(),
    })
}

#[cfg(unix)]
fn same_file(meta: &fs::Metadata, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).is_ok_and(|now| now.dev() == meta.dev() && now.ino() == meta.ino())
}

#[cfg(not(unix))]
fn same_file(_meta: &fs::Metadata, _path: &Path) -> bool {
    true
}

/// Takes an exclusive advisory lock on `file` (which is `path`), waiting at most
/// [`LOCK_WAIT`]: a cron job must never hang behind a stuck process. The lock lasts as long as
/// the open file does.
pub fn lock(file: &File, path: &Path) -> std::result::Result<(), LockError> {
    lock_within(file, path, LOCK_WAIT)
}

fn lock_within(
    file: &File,
    path: &Path,
    wait: std::time::Duration,
) -> std::result::Result<(), LockError> {
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(LockError::Busy {
                    path: path.to_path_buf(),
                    secs: wait.as_secs(),
                });
            }
            Err(fs::TryLockError::Error(source)) => {
                return Err(LockError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
}

/// Opens (creating, 0600) the lock file `path` and takes an exclusive lock on it (see
/// [`lock`]). The lock file is opened with `O_NOFOLLOW`: a symlink planted there is refused,
/// never followed.
pub fn lock_exclusive(path: &Path) -> std::result::Result<File, LockError> {
    let file = open_sidecar(path).map_err(|source| {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            LockError::Link {
                path: path.to_path_buf(),
            }
        } else {
            LockError::Open {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    lock(&file, path)?;
    Ok(file)
}

/// Opens or creates a regular file (0600) at `path` for reading and writing, never through a
/// symlink and never blocking on a FIFO.
fn open_sidecar(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    open_private(path, options)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::fs::test_util::mode;

    #[test]
    fn a_symlinked_lock_file_is_refused_and_its_target_not_created() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        let p = tmp.path().join("config.lock");
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        let err = lock_exclusive(&p).unwrap_err();
        assert!(
            matches!(&err, LockError::Link { path } if path == &p),
            "{err:?}"
        );
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(!victim.exists());
        // A FIFO there is refused too, without blocking.
        let fifo = tmp.path().join("fifo.lock");
        let private = rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR;
        rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, private).unwrap();
        assert!(lock_exclusive(&fifo).is_err());
    }

    #[test]
    fn lock_is_exclusive_until_the_file_is_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("config.lock");
        let held = lock_exclusive(&p).unwrap();
        assert_eq!(mode(&p), 0o600);
        // flock locks belong to the open file, so a second open in this process conflicts.
        let other = File::open(&p).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(held);
        other.try_lock().unwrap();
    }

    #[test]
    fn a_held_lock_is_waited_for_a_bounded_time() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("config.lock");
        let held = lock_exclusive(&p).unwrap();
        let other = File::open(&p).unwrap();
        let start = std::time::Instant::now();
        let err = lock_within(&other, &p, std::time::Duration::from_millis(200)).unwrap_err();
        assert!(start.elapsed() >= std::time::Duration::from_millis(200));
        assert!(
            matches!(&err, LockError::Busy { path, .. } if path == &p),
            "{err:?}"
        );
        assert!(err.to_string().contains("config.lock is locked"), "{err}");
        drop(held);
        lock_within(&other, &p, std::time::Duration::from_millis(200)).unwrap();
    }
}
