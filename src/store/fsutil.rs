//! Small file-system helpers for plex-auth's private files: a private folder, atomic
//! private writes, an advisory lock, and mode checks for `status`.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Creates `dir` and any missing parents. Folders created here are 0700; an existing folder
/// keeps its mode (the admin may have chosen it; `mode_warnings` reports a loose one).
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// How a file written by [`replace_file`] is owned and who may read it.
#[derive(Debug, Clone, Copy)]
pub enum Mode<'a> {
    /// 0600, owned by the user running plex-auth: config.toml and the key.
    Private,
    /// The owner, group and permission bits of an existing file (Bazarr's config.yaml).
    /// Only root can give a file away; anyone else keeps ownership and the bits.
    Like(&'a fs::Metadata),
    /// The owner and group of an existing file, with its permission bits limited to the
    /// mask: a backup that holds a token stays with Bazarr's user but is never more readable
    /// than 0600.
    LikeMasked(&'a fs::Metadata, u32),
}

/// Replaces `path` with `bytes` so that a reader sees either the old file or the new one,
/// never a mix. The new file is written and fsynced under no name at all (`O_TMPFILE`),
/// given its owner and mode, linked under a random temporary name in the same folder only
/// immediately before the rename, and the folder is fsynced. A crash before the rename
/// leaves nothing behind; where `O_TMPFILE` is not supported a named temporary file
/// (created with `O_EXCL`, never through a symlink) is used and removed on every failure.
/// A symlink at `path` itself is replaced, never followed: callers that mean to edit a
/// symlink's target resolve it first.
pub fn replace_file(path: &Path, bytes: &[u8], mode: Mode<'_>) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    imp::replace_in(parent_dir(path), name, bytes, mode, None).map(|_| ())
}

/// Like [`replace_file`], for a file someone else also writes (Bazarr saves its config.yaml
/// whenever it likes, by renaming a new file over it): replaces `path` only if it still holds
/// `expected` at the moment of the replacement, and returns `false`, leaving the other
/// writer's file in place, when it does not. On Linux the new file is swapped in atomically
/// (`renameat2` with `RENAME_EXCHANGE`), what was swapped out is compared, and a save that
/// landed since the caller read the file is swapped back: no save is ever overwritten unread.
pub fn replace_file_if_unchanged(
    path: &Path,
    bytes: &[u8],
    mode: Mode<'_>,
    expected: &[u8],
) -> io::Result<bool> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    imp::replace_in(parent_dir(path), name, bytes, mode, Some(expected))
}

/// Removes the temporary files a plex-auth killed in the middle of replacing `path` left
/// beside it (`.<name>.<12 hex>.tmp`: regular files with one link, owned by this user or,
/// with `like`, by the owner of the file they were written to look like; nothing else, and
/// never through a symlink). A kill between naming the new file and renaming it over `path`
/// cannot be prevented (an unnamed file cannot be linked over an existing name), so the
/// next run tidies up. Call it only under the lock that every writer of `path` holds, so
/// that no running write loses its file. Returns how many were removed; a folder that
/// cannot be read is left as it is.
pub fn remove_stale_temps(path: &Path, like: Option<&fs::Metadata>) -> usize {
    let Some(name) = path.file_name() else {
        return 0;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        imp::remove_temps_in(parent_dir(path), name, like.map(|m| m.uid()))
    }
    #[cfg(not(unix))]
    {
        let _ = (name, like);
        0
    }
}

/// How long any plex-auth lock is waited for before giving up with a config error.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// For tests: `hook` runs once, just before the next [`replace_file_if_unchanged`] on this
/// thread swaps its file in (where another writer's save would be lost without the swap).
#[cfg(all(test, unix))]
pub(crate) fn before_next_swap(hook: impl FnOnce() + 'static) {
    imp::BEFORE_SWAP.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
}

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

/// Opens `path` with `options` as a private (0600 when created) regular file: never through
/// a symlink, never blocking on a FIFO, and refused when it is anything but a regular file.
/// For files plex-auth keeps beside its state (locks, the event log).
pub fn open_private(path: &Path, mut options: OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    Ok(file)
}

/// Why [`read_small_file`] gave no bytes.
#[derive(Debug)]
pub enum SmallFileError {
    Io(io::Error),
    /// Not a regular file; the text says what it is ("a FIFO", "a character device", …).
    NotRegular(&'static str),
    /// Larger than the caller's bound, by `len` bytes (as stat said, or as far as it was read).
    TooLarge(u64),
}

/// Reads a small file plex-auth keeps (a key, counters) without ever blocking or reading
/// without end: opened non-blocking (a FIFO does not wait for a writer), accepted only when
/// it is a regular file (a symlink to one is fine) no larger than `max` bytes, and read at
/// most that far, so a file that grows while it is read is refused too. The bytes are wiped
/// when dropped: some callers read secrets.
pub fn read_small_file(
    path: &Path,
    max: u64,
) -> std::result::Result<zeroize::Zeroizing<Vec<u8>>, SmallFileError> {
    use std::io::Read;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_CLOEXEC,
    );
    let file = options.open(path).map_err(SmallFileError::Io)?;
    let meta = file.metadata().map_err(SmallFileError::Io)?;
    if !meta.is_file() {
        return Err(SmallFileError::NotRegular(file_kind(&meta)));
    }
    if meta.len() > max {
        return Err(SmallFileError::TooLarge(meta.len()));
    }
    // Room for the whole file up front: a reallocation would leave an unwiped copy behind.
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(meta.len() as usize + 1));
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(SmallFileError::Io)?;
    if bytes.len() as u64 > max {
        return Err(SmallFileError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, for messages.
fn file_kind(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() { "a folder" } else { "not a file" }
}

/// One line per existing path that its group or other users can use, with the command that
/// fixes it. Missing paths are skipped: they are reported elsewhere, if at all.
pub fn mode_warnings(paths: &[&Path]) -> Vec<String> {
    paths.iter().filter_map(|p| mode_warning(p)).collect()
}

#[cfg(unix)]
fn mode_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).ok()?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return None;
    }
    let who = match (mode & 0o070 != 0, mode & 0o007 != 0) {
        (true, true) => "its group and others",
        (true, false) => "its group",
        _ => "others",
    };
    let how = if mode & 0o044 != 0 {
        "readable"
    } else if mode & 0o022 != 0 {
        "writable"
    } else {
        "accessible"
    };
    let fix = if meta.is_dir() { "700" } else { "600" };
    Some(format!(
        "{} is {how} by {who} (mode {mode:04o}); run chmod {fix} {}",
        path.display(),
        shell_quote(path)
    ))
}

#[cfg(not(unix))]
fn mode_warning(_path: &Path) -> Option<String> {
    None
}

/// Why root cannot trust `path` with the key, as ssh will not for `~/.ssh`: another user
/// owns it, or its group or others can write it, so someone else could replace what root
/// reads (a key of theirs, a config pointing elsewhere). `None` when it is fine or missing.
#[cfg(unix)]
pub fn untrusted_by_root(path: &Path) -> Option<(String, String)> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = fs::metadata(path).ok()?;
    // Anything but a file or a folder (a FIFO, a device) is refused where it is read.
    if !meta.is_file() && !meta.is_dir() {
        return None;
    }
    let mode = meta.permissions().mode() & 0o7777;
    let shown = shell_quote(path);
    if meta.uid() != 0 {
        return Some((
            format!(
                "{} is owned by uid {}, not by root",
                path.display(),
                meta.uid()
            ),
            format!(
                "`chown root {shown}` (or run plex-auth as uid {} instead of root)",
                meta.uid()
            ),
        ));
    }
    if mode & 0o022 != 0 {
        let fix = if meta.is_dir() { "700" } else { "600" };
        return Some((
            format!(
                "{} can be written by its group or other users (mode {:04o})",
                path.display(),
                mode & 0o777
            ),
            format!("`chmod {fix} {shown}`"),
        ));
    }
    None
}

#[cfg(not(unix))]
pub fn untrusted_by_root(_path: &Path) -> Option<(String, String)> {
    None
}

/// True when both paths exist on the same device, so that losing or copying one disk takes
/// both. False when either is missing or the platform cannot tell.
pub fn same_filesystem(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
mod imp {
    use std::ffi::{CString, OsStr};
    use std::fs::{self, File};
    use std::io::{self, Write};
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::Path;

    use super::Mode;

    fn cstr(bytes: &[u8]) -> io::Result<CString> {
        CString::new(bytes).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))
    }

    fn check(ret: libc::c_int) -> io::Result<()> {
        if ret < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }

    /// The folder, opened once: every name below is one component inside it, so no temp
    /// file can land anywhere else.
    fn open_dir(dir: &Path) -> io::Result<File> {
        let c = cstr(dir.as_os_str().as_bytes())?;
        // SAFETY: `c` is a valid C string; the flags open a directory read-only.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        Ok(unsafe { File::from_raw_fd(fd) })
    }

    pub(super) fn replace_in(
        dir_path: &Path,
        name: &OsStr,
        bytes: &[u8],
        mode: Mode<'_>,
        expected: Option<&[u8]>,
    ) -> io::Result<bool> {
        let dir = open_dir(dir_path)?;
        let target = cstr(name.as_bytes())?;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(file) = open_anonymous(&dir)?.filter(|_| !tests::named_only()) {
            prepare(&file, bytes, mode)?;
            let tmp = temp_name(name)?;
            match link_anonymous(&file, &dir, &tmp) {
                Ok(()) => {
                    tests::stop_after_link()?;
                    let replaced = swap_in(&dir, &file, &tmp, &target, expected)?;
                    dir.sync_all()?;
                    return Ok(replaced);
                }
                // No way to give the file a name (no /proc, no permission): fall back.
                Err(e) if e.raw_os_error() != Some(libc::EEXIST) => {}
                Err(e) => return Err(e),
            }
        }
        let (file, tmp) = create_named(&dir, name)?;
        if let Err(e) = prepare(&file, bytes, mode) {
            unlink(&dir, &tmp);
            return Err(e);
        }
        tests::stop_after_link()?;
        let replaced = swap_in(&dir, &file, &tmp, &target, expected)?;
        dir.sync_all()?;
        Ok(replaced)
    }

    /// [`put_in_place`] with the new file `file` locked while it is swapped in. A file
    /// someone else also writes is locked in place by each plex-auth (the lock is on the
    /// file, not on a lock file): once swapped in, the new file must already be locked, or
    /// another plex-auth could lock it and clear this one's temporary name (see
    /// [`super::remove_stale_temps`]) before this one is done with it.
    fn swap_in(
        dir: &File,
        file: &File,
        tmp: &CString,
        target: &CString,
        expected: Option<&[u8]>,
    ) -> io::Result<bool> {
        // Nobody else knows this file yet, so the lock is free; if the platform has no
        // locks, the other plex-auth has none either.
        let locked = expected.is_some() && file.try_lock().is_ok();
        let replaced = put_in_place(dir, tmp, target, expected);
        if locked {
            let _ = file.unlock();
        }
        replaced
    }

    /// Whether `name` is one of plex-auth's temporary names for `target`
    /// (`.<target>.<12 lowercase hex>.tmp`, see [`temp_name`]).
    pub(super) fn is_temp_name_for(name: &[u8], target: &[u8]) -> bool {
        let Some(rest) = name
            .strip_prefix(b".")
            .and_then(|r| r.strip_prefix(target))
            .and_then(|r| r.strip_prefix(b"."))
            .and_then(|r| r.strip_suffix(b".tmp"))
        else {
            return false;
        };
        rest.len() == 12 && rest.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }

    /// Removes the temporary files of `target` in `dir_path` that a killed plex-auth left:
    /// only names [`is_temp_name_for`] accepts, only regular files (a symlink is looked at,
    /// never followed) with one link, owned by this user or by `owner` (a file written for
    /// someone else is given to them before it is named). Returns how many were removed.
    pub(super) fn remove_temps_in(dir_path: &Path, target: &OsStr, owner: Option<u32>) -> usize {
        let (Ok(dir), Ok(entries)) = (open_dir(dir_path), fs::read_dir(dir_path)) else {
            return 0;
        };
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !is_temp_name_for(name.as_bytes(), target.as_bytes()) {
                continue;
            }
            let Ok(c) = cstr(name.as_bytes()) else {
                continue;
            };
            let Ok(meta) = stat_here(&dir, &c) else {
                continue;
            };
            let ours = meta.st_uid == me || Some(meta.st_uid) == owner;
            if (meta.st_mode & libc::S_IFMT) == libc::S_IFREG && meta.st_nlink == 1 && ours {
                // SAFETY: a valid C string relative to a directory fd we own.
                if unsafe { libc::unlinkat(dir.as_raw_fd(), c.as_ptr(), 0) } == 0 {
                    removed += 1;
                }
            }
        }
        if removed > 0 {
            let _ = dir.sync_all();
        }
        removed
    }

    /// `name` in `dir` as it is: a symlink is described, not followed.
    fn stat_here(dir: &File, name: &CString) -> io::Result<libc::stat> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: a valid C string relative to a directory fd we own; `st` is written by
        // the call before it is read.
        check(unsafe {
            libc::fstatat(
                dir.as_raw_fd(),
                name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        })?;
        // SAFETY: fstatat succeeded, so it filled `st`.
        Ok(unsafe { st.assume_init() })
    }

    #[cfg(test)]
    thread_local! {
        /// Runs just before a file someone else also writes is swapped in: tests use it to
        /// play a writer that saves at the worst moment.
        pub(super) static BEFORE_SWAP: std::cell::RefCell<Option<Box<dyn FnOnce()>>> =
            const { std::cell::RefCell::new(None) };
    }

    /// Put the prepared file `tmp` at `target`: a plain rename, or, with `expected`, only if
    /// `target` holds exactly that at the moment of the swap. Returns whether it was put.
    fn put_in_place(
        dir: &File,
        tmp: &CString,
        target: &CString,
        expected: Option<&[u8]>,
    ) -> io::Result<bool> {
        #[cfg(test)]
        if expected.is_some()
            && let Some(hook) = BEFORE_SWAP.with(|h| h.borrow_mut().take())
        {
            hook();
        }
        let Some(expected) = expected else {
            rename_into_place(dir, tmp, target)?;
            return Ok(true);
        };
        #[cfg(any(target_os = "linux", target_os = "android"))]
        match exchange(dir, tmp, target) {
            Ok(()) => {
                // `tmp` now names what was at `target` an instant ago.
                let swapped_out = read_named(dir, tmp);
                if swapped_out.as_deref().ok() == Some(expected) {
                    unlink(dir, tmp);
                    return Ok(true);
                }
                // Someone saved since the caller read the file: give their save back.
                let back = exchange(dir, tmp, target);
                unlink(dir, tmp);
                back?;
                return Ok(false);
            }
            // No RENAME_EXCHANGE on this file system: compare, then rename (a small window).
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
                ) => {}
            Err(e) => {
                unlink(dir, tmp);
                return Err(e);
            }
        }
        if read_named(dir, target).as_deref().ok() != Some(expected) {
            unlink(dir, tmp);
            return Ok(false);
        }
        rename_into_place(dir, tmp, target)?;
        Ok(true)
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn exchange(dir: &File, a: &CString, b: &CString) -> io::Result<()> {
        // SAFETY: valid C strings relative to a directory fd we own.
        let ret = unsafe {
            libc::renameat2(
                dir.as_raw_fd(),
                a.as_ptr(),
                dir.as_raw_fd(),
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        check(ret)
    }

    /// The bytes of the regular file `name` in `dir` (never through a link), up to a bound
    /// just past what any caller expects.
    fn read_named(dir: &File, name: &CString) -> io::Result<Vec<u8>> {
        use std::io::Read;
        // SAFETY: a valid C string relative to a directory fd we own.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                name.as_ptr(),
                libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        let file = unsafe { File::from_raw_fd(fd) };
        let mut out = Vec::new();
        file.take(64 * 1024 * 1024).read_to_end(&mut out)?;
        Ok(out)
    }

    /// Content, owner and mode, then fsync: all before the file has a name.
    fn prepare(file: &File, bytes: &[u8], mode: Mode<'_>) -> io::Result<()> {
        let mut out = file;
        out.write_all(bytes)?;
        let bits = match mode {
            Mode::Private => 0o600,
            Mode::Like(meta) => {
                give_to(file, meta)?;
                meta.mode() & 0o7777
            }
            Mode::LikeMasked(meta, mask) => {
                give_to(file, meta)?;
                meta.mode() & 0o7777 & mask
            }
        };
        // After chown, which clears set-id bits.
        file.set_permissions(fs::Permissions::from_mode(bits))?;
        file.sync_all()
    }

    fn give_to(file: &File, meta: &fs::Metadata) -> io::Result<()> {
        match std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())) {
            Ok(()) => Ok(()),
            // Only root may give a file away; Bazarr's own user keeps it anyway.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied && !is_root() => Ok(()),
            Err(e) => Err(e),
        }
    }

    pub(super) fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() == 0 }
    }

    /// `.<name>.<12 hex>.tmp`: random, so a leftover or planted file is never reused.
    fn temp_name(name: &OsStr) -> io::Result<CString> {
        let suffix: [u8; 6] = crate::secret::random_bytes().map_err(io::Error::other)?;
        let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let mut bytes = b".".to_vec();
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(format!(".{hex}.tmp").as_bytes());
        cstr(&bytes)
    }

    /// An unnamed file in `dir`; `None` when the file system or kernel has no `O_TMPFILE`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn open_anonymous(dir: &File) -> io::Result<Option<File>> {
        // SAFETY: "." is a valid C string, relative to a directory fd we own.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                c".".as_ptr(),
                libc::O_TMPFILE | libc::O_WRONLY | libc::O_CLOEXEC,
                0o600 as libc::c_uint,
            )
        };
        if fd < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOENT) => Ok(None),
                _ => Err(e),
            };
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        Ok(Some(unsafe { File::from_raw_fd(fd) }))
    }

    /// Give the unnamed file the name `tmp` in `dir`. linkat never follows a symlink at the
    /// new name; it fails if anything is there.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn link_anonymous(file: &File, dir: &File, tmp: &CString) -> io::Result<()> {
        // SAFETY: all pointers are valid C strings; the fds are open.
        let ret = unsafe {
            libc::linkat(
                file.as_raw_fd(),
                c"".as_ptr(),
                dir.as_raw_fd(),
                tmp.as_ptr(),
                libc::AT_EMPTY_PATH,
            )
        };
        if ret == 0 {
            return Ok(());
        }
        // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH on older kernels; /proc does not.
        let proc_path = cstr(format!("/proc/self/fd/{}", file.as_raw_fd()).as_bytes())?;
        // SAFETY: as above.
        check(unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                proc_path.as_ptr(),
                dir.as_raw_fd(),
                tmp.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        })
    }

    fn create_named(dir: &File, name: &OsStr) -> io::Result<(File, CString)> {
        let mut last = None;
        for _ in 0..8 {
            let tmp = temp_name(name)?;
            // SAFETY: `tmp` is a valid C string relative to a directory fd we own.
            let fd = unsafe {
                libc::openat(
                    dir.as_raw_fd(),
                    tmp.as_ptr(),
                    libc::O_WRONLY
                        | libc::O_CREAT
                        | libc::O_EXCL
                        | libc::O_NOFOLLOW
                        | libc::O_CLOEXEC,
                    0o600 as libc::c_uint,
                )
            };
            if fd >= 0 {
                // SAFETY: `fd` was just opened and is owned by nothing else.
                return Ok((unsafe { File::from_raw_fd(fd) }, tmp));
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::AlreadyExists {
                return Err(e);
            }
            last = Some(e);
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
    }

    fn rename_into_place(dir: &File, tmp: &CString, target: &CString) -> io::Result<()> {
        // SAFETY: valid C strings relative to a directory fd we own.
        let ret = unsafe {
            libc::renameat(
                dir.as_raw_fd(),
                tmp.as_ptr(),
                dir.as_raw_fd(),
                target.as_ptr(),
            )
        };
        if ret < 0 {
            let e = io::Error::last_os_error();
            unlink(dir, tmp);
            return Err(e);
        }
        Ok(())
    }

    fn unlink(dir: &File, tmp: &CString) {
        // SAFETY: a valid C string relative to a directory fd we own.
        unsafe {
            libc::unlinkat(dir.as_raw_fd(), tmp.as_ptr(), 0);
        }
    }

    #[cfg(test)]
    pub(super) mod tests {
        use std::cell::Cell;
        use std::sync::atomic::{AtomicBool, Ordering};
        /// Set by a test to exercise the named-temp-file fallback.
        pub(crate) static NAMED_ONLY: AtomicBool = AtomicBool::new(false);
        pub(crate) fn named_only() -> bool {
            NAMED_ONLY.load(Ordering::SeqCst)
        }
        thread_local! {
            /// Set by a test to stop the next write on this thread right after its file got
            /// its temporary name, leaving everything as a kill at that moment would.
            pub(crate) static STOP_AFTER_LINK: Cell<bool> = const { Cell::new(false) };
        }
        pub(crate) fn stop_after_link() -> std::io::Result<()> {
            if STOP_AFTER_LINK.with(|s| s.replace(false)) {
                return Err(std::io::Error::other("stopped after the link (test)"));
            }
            Ok(())
        }
    }
    #[cfg(not(test))]
    mod tests {
        pub(super) fn named_only() -> bool {
            false
        }
        pub(super) fn stop_after_link() -> std::io::Result<()> {
            Ok(())
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use std::ffi::OsStr;
    use std::io::{self, Write};
    use std::path::Path;

    use super::Mode;

    pub(super) fn replace_in(
        dir: &Path,
        name: &OsStr,
        bytes: &[u8],
        _mode: Mode<'_>,
        expected: Option<&[u8]>,
    ) -> io::Result<bool> {
        if let Some(expected) = expected
            && std::fs::read(dir.join(name)).ok().as_deref() != Some(expected)
        {
            return Ok(false);
        }
        let suffix: [u8; 6] = crate::secret::random_bytes().map_err(io::Error::other)?;
        let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = dir.join(format!(".{}.{hex}.tmp", name.to_string_lossy()));
        let result = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
            .and_then(|()| std::fs::rename(&tmp, dir.join(name)));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map(|()| true)
    }
}

/// Quotes a path for the `chmod` line only when a shell would split or expand it.
pub(crate) fn shell_quote(path: &Path) -> String {
    let s = path.display().to_string();
    let plain = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+,@:%".contains(c));
    if plain && !s.is_empty() {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_dirs_are_private_and_existing_ones_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        ensure_private_dir(&deep).unwrap();
        assert_eq!(mode(&deep), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);

        let open = tmp.path().join("open");
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o755);
    }

    #[test]
    fn atomic_write_replaces_content_and_mode_and_leaves_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("config.toml");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        replace_file(&p, b"new contents", Mode::Private).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new contents");
        assert_eq!(mode(&p), 0o600);
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temp file was left behind");
    }

    #[test]
    fn failed_write_leaves_no_temp_and_keeps_the_old_file() {
        use std::sync::atomic::Ordering;
        for named_only in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            // Renaming a file over a non-empty folder fails after the temp file was written.
            let target = tmp.path().join("target");
            fs::create_dir(&target).unwrap();
            fs::write(target.join("inside"), "x").unwrap();
            imp::tests::NAMED_ONLY.store(named_only, Ordering::SeqCst);
            let result = replace_file(&target, b"data", Mode::Private);
            imp::tests::NAMED_ONLY.store(false, Ordering::SeqCst);
            result.unwrap_err();
            assert_eq!(names(tmp.path()), ["target"], "named only: {named_only}");
            assert!(target.join("inside").exists());
        }
    }

    #[test]
    fn write_into_missing_folder_fails_and_creates_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let err = replace_file(&tmp.path().join("nope/file"), b"x", Mode::Private).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(names(tmp.path()), Vec::<String>::new());
    }

    /// A writer that saves (by renaming, as Bazarr does) between the caller's read and the
    /// replacement: the save is kept, nothing is written, and no temp file is left.
    #[test]
    fn a_save_that_lands_just_before_the_swap_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("config.yaml");
        fs::write(&path, "read by us\n").unwrap();
        let (p, dir) = (path.clone(), tmp.path().to_path_buf());
        before_next_swap(move || {
            let other = dir.join("config.yaml.tmp");
            fs::write(&other, "saved by Bazarr\n").unwrap();
            fs::rename(&other, &p).unwrap();
        });
        let meta = fs::metadata(&path).unwrap();
        let replaced =
            replace_file_if_unchanged(&path, b"ours\n", Mode::Like(&meta), b"read by us\n")
                .unwrap();
        assert!(!replaced);
        assert_eq!(fs::read_to_string(&path).unwrap(), "saved by Bazarr\n");
        assert_eq!(names(tmp.path()), ["config.yaml"]);

        // Unchanged: replaced.
        let replaced =
            replace_file_if_unchanged(&path, b"ours\n", Mode::Like(&meta), b"saved by Bazarr\n")
                .unwrap();
        assert!(replaced);
        assert_eq!(fs::read_to_string(&path).unwrap(), "ours\n");
        assert_eq!(names(tmp.path()), ["config.yaml"]);
    }

    /// A write stopped right after its file got its temporary name (as a kill there would)
    /// leaves that file; the next run, under the lock, removes it and nothing else that
    /// merely looks like it.
    #[test]
    fn a_temp_file_left_by_a_stopped_write_is_removed_and_nothing_else() {
        use std::os::unix::fs::symlink;
        use std::sync::atomic::Ordering;
        for named_only in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let p = tmp.path().join("config.toml");
            fs::write(&p, "old").unwrap();
            imp::tests::NAMED_ONLY.store(named_only, Ordering::SeqCst);
            imp::tests::STOP_AFTER_LINK.with(|s| s.set(true));
            let result = replace_file(&p, b"new", Mode::Private);
            imp::tests::NAMED_ONLY.store(false, Ordering::SeqCst);
            result.unwrap_err();
            let left: Vec<String> = names(tmp.path())
                .into_iter()
                .filter(|n| n != "config.toml")
                .collect();
            assert_eq!(left.len(), 1, "{left:?}");
            assert!(imp::is_temp_name_for(left[0].as_bytes(), b"config.toml"));
            assert_eq!(fs::read(tmp.path().join(&left[0])).unwrap(), b"new");

            // Look-alikes that are not plex-auth's leftovers.
            let victim = tmp.path().join("victim");
            fs::write(&victim, "keep").unwrap();
            let decoys = [
                ".config.toml.ABCDEF012345.tmp",
                ".config.toml.0123456789ab.tmp.x",
                ".config.toml.0123456789a.tmp",
                ".config.toml.tmp",
                "config.toml.0123456789ab.tmp",
                ".other.toml.0123456789ab.tmp",
            ];
            for name in decoys {
                fs::write(tmp.path().join(name), "x").unwrap();
            }
            symlink(&victim, tmp.path().join(".config.toml.aaaaaaaaaaaa.tmp")).unwrap();
            fs::create_dir(tmp.path().join(".config.toml.bbbbbbbbbbbb.tmp")).unwrap();
            fs::hard_link(&victim, tmp.path().join(".config.toml.cccccccccccc.tmp")).unwrap();
            let foreign = tmp.path().join(".config.toml.dddddddddddd.tmp");
            fs::write(&foreign, "x").unwrap();
            if is_root() {
                std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).unwrap();
            }
            let before = names(tmp.path());

            assert_eq!(remove_stale_temps(&p, None), 1 + usize::from(!is_root()));
            let mut expected = before.clone();
            expected.retain(|n| n != &left[0]);
            if !is_root() {
                expected.retain(|n| !n.contains("dddddddddddd"));
            }
            assert_eq!(names(tmp.path()), expected);
            assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
            assert_eq!(fs::read_to_string(&p).unwrap(), "old");

            // A file given to the owner of the file it replaces counts as plex-auth's.
            if is_root() {
                let like = fs::metadata(&foreign).unwrap();
                assert_eq!(remove_stale_temps(&p, Some(&like)), 1);
                assert!(!foreign.exists());
            }
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    fn owner(p: &Path) -> (u32, u32) {
        use std::os::unix::fs::MetadataExt;
        let m = fs::symlink_metadata(p).unwrap();
        (m.uid(), m.gid())
    }

    fn is_root() -> bool {
        imp::is_root()
    }

    /// Owner, group and mode of the old file are kept; as root the file may belong to
    /// someone else (Bazarr's user), as anyone else it is one's own file anyway.
    fn like_keeps_owner_and_mode(named_only: bool) {
        use std::sync::atomic::Ordering;
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("config.yaml");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        if is_root() {
            std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
        }
        let before = owner(&p);
        let meta = fs::metadata(&p).unwrap();
        imp::tests::NAMED_ONLY.store(named_only, Ordering::SeqCst);
        let result = replace_file(&p, b"new", Mode::Like(&meta));
        imp::tests::NAMED_ONLY.store(false, Ordering::SeqCst);
        result.unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(mode(&p), 0o640);
        assert_eq!(owner(&p), before);
        assert_eq!(names(tmp.path()), ["config.yaml"]);

        let bak = tmp.path().join("config.yaml.bak");
        replace_file(&bak, b"old", Mode::LikeMasked(&meta, 0o600)).unwrap();
        assert_eq!(mode(&bak), 0o600);
        assert_eq!(owner(&bak), before);
    }

    #[test]
    fn like_keeps_owner_and_mode_with_an_unnamed_temp_file() {
        like_keeps_owner_and_mode(false);
    }

    #[test]
    fn like_keeps_owner_and_mode_with_a_named_temp_file() {
        like_keeps_owner_and_mode(true);
    }

    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let p = tmp.path().join("config.yaml.bak");
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        replace_file(&p, b"new", Mode::Private).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
        assert!(!fs::symlink_metadata(&p).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
    }

    #[test]
    fn a_symlinked_lock_file_is_refused_and_its_target_not_created() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        let p = tmp.path().join("config.lock");
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        let err = crate::error::Error::from(lock_exclusive(&p).unwrap_err());
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains("symbolic link"), "{}", err.message);
        assert!(!victim.exists());
        // A FIFO there is refused too, without blocking.
        let fifo = tmp.path().join("fifo.lock");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
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
        let err = crate::error::Error::from(
            lock_within(&other, &p, std::time::Duration::from_millis(200)).unwrap_err(),
        );
        assert!(start.elapsed() >= std::time::Duration::from_millis(200));
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(
            err.message.contains("config.lock is locked"),
            "{}",
            err.message
        );
        drop(held);
        lock_within(&other, &p, std::time::Duration::from_millis(200)).unwrap();
    }

    #[test]
    fn mode_warnings_name_loose_files_and_skip_private_or_missing_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let key = tmp.path().join("key");
        let cfg = tmp.path().join("config.toml");
        let grp = tmp.path().join("grp");
        let dir = tmp.path().join("dir with space");
        fs::write(&key, "k").unwrap();
        fs::write(&cfg, "c").unwrap();
        fs::write(&grp, "g").unwrap();
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(&cfg, fs::Permissions::from_mode(0o600)).unwrap();
        fs::set_permissions(&grp, fs::Permissions::from_mode(0o620)).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let missing = tmp.path().join("missing");

        let w = mode_warnings(&[&key, &cfg, &missing, &grp, &dir]);
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("key is readable by its group and others (mode 0644)"));
        assert!(w[0].ends_with(&format!("run chmod 600 {}", key.display())));
        assert!(
            w[1].contains("writable by its group (mode 0620)"),
            "{}",
            w[1]
        );
        assert!(w[2].contains("(mode 0755); run chmod 700 '"), "{}", w[2]);
    }

    #[test]
    fn same_filesystem_compares_devices() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        fs::write(&a, "").unwrap();
        fs::write(&b, "").unwrap();
        assert!(same_filesystem(&a, &b));
        assert!(!same_filesystem(&a, &tmp.path().join("missing")));
        // /proc is its own file system on every Linux.
        if Path::new("/proc/self").exists() {
            assert!(!same_filesystem(&a, Path::new("/proc/self")));
        }
    }
}
