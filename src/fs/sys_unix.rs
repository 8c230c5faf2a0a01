//! The Unix side of [`super::replace_file`] and [`super::remove_stale_temps`]: everything
//! happens relative to an open directory, never through a symlink.

use std::ffi::{CString, OsStr};
use std::fs::{self, File};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use rustix::fs::{AtFlags, CWD, OFlags};
use rustix::io::Errno;

use super::Mode;

/// 0600 for every file created here (the process umask is 077 anyway).
const PRIVATE: rustix::fs::Mode = rustix::fs::Mode::RUSR.union(rustix::fs::Mode::WUSR);

fn cstr(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))
}

/// The folder, opened once: every name below is one component inside it, so no temp
/// file can land anywhere else.
fn open_dir(dir: &Path) -> io::Result<File> {
    let c = cstr(dir.as_os_str().as_bytes())?;
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    Ok(rustix::fs::open(c.as_c_str(), flags, rustix::fs::Mode::empty())?.into())
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
            Err(e) if e != Errno::EXIST => {}
            Err(e) => return Err(e.into()),
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
    let me = rustix::process::geteuid().as_raw();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !is_temp_name_for(name.as_bytes(), target.as_bytes()) {
            continue;
        }
        let Ok(c) = cstr(name.as_bytes()) else {
            continue;
        };
        // As it is: a symlink is described, not followed.
        let Ok(meta) = rustix::fs::statat(&dir, c.as_c_str(), AtFlags::SYMLINK_NOFOLLOW) else {
            continue;
        };
        let ours = meta.st_uid == me || Some(meta.st_uid) == owner;
        // `st_mode` is narrower than a raw mode on some systems (u16 on macOS).
        let regular = rustix::fs::FileType::from_raw_mode(meta.st_mode as _).is_file();
        if regular
            && meta.st_nlink == 1
            && ours
            && rustix::fs::unlinkat(&dir, c.as_c_str(), AtFlags::empty()).is_ok()
        {
            removed += 1;
        }
    }
    if removed > 0 {
        let _ = dir.sync_all();
    }
    removed
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
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
        Err(e) => {
            unlink(dir, tmp);
            return Err(e.into());
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
fn exchange(dir: &File, a: &CString, b: &CString) -> rustix::io::Result<()> {
    rustix::fs::renameat_with(
        dir,
        a.as_c_str(),
        dir,
        b.as_c_str(),
        rustix::fs::RenameFlags::EXCHANGE,
    )
}

/// The bytes of the regular file `name` in `dir` (never through a link), up to a bound
/// just past what any caller expects.
fn read_named(dir: &File, name: &CString) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let file = File::from(rustix::fs::openat(
        dir,
        name.as_c_str(),
        flags,
        rustix::fs::Mode::empty(),
    )?);
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
    rustix::process::geteuid().is_root()
}

/// `.<name>.<12 hex>.tmp`: random, so a leftover or planted file is never reused.
fn temp_name(name: &OsStr) -> io::Result<CString> {
    let hex = super::temp_suffix()?;
    let mut bytes = b".".to_vec();
    bytes.extend_from_slice(name.as_bytes());
    bytes.extend_from_slice(format!(".{hex}.tmp").as_bytes());
    cstr(&bytes)
}

/// An unnamed file in `dir`; `None` when the file system or kernel has no `O_TMPFILE`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn open_anonymous(dir: &File) -> io::Result<Option<File>> {
    let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
    match rustix::fs::openat(dir, c".", flags, PRIVATE) {
        Ok(fd) => Ok(Some(fd.into())),
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Give the unnamed file the name `tmp` in `dir`. linkat never follows a symlink at the
/// new name; it fails if anything is there.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn link_anonymous(file: &File, dir: &File, tmp: &CString) -> rustix::io::Result<()> {
    if rustix::fs::linkat(file, c"", dir, tmp.as_c_str(), AtFlags::EMPTY_PATH).is_ok() {
        return Ok(());
    }
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH on older kernels; /proc does not.
    let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    rustix::fs::linkat(
        CWD,
        proc_path.as_str(),
        dir,
        tmp.as_c_str(),
        AtFlags::SYMLINK_FOLLOW,
    )
}

fn create_named(dir: &File, name: &OsStr) -> io::Result<(File, CString)> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut last = None;
    for _ in 0..8 {
        let tmp = temp_name(name)?;
        match rustix::fs::openat(dir, tmp.as_c_str(), flags, PRIVATE) {
            Ok(fd) => return Ok((fd.into(), tmp)),
            Err(Errno::EXIST) => last = Some(io::Error::from(Errno::EXIST)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

fn rename_into_place(dir: &File, tmp: &CString, target: &CString) -> io::Result<()> {
    if let Err(e) = rustix::fs::renameat(dir, tmp.as_c_str(), dir, target.as_c_str()) {
        unlink(dir, tmp);
        return Err(e.into());
    }
    Ok(())
}

fn unlink(dir: &File, tmp: &CString) {
    let _ = rustix::fs::unlinkat(dir, tmp.as_c_str(), AtFlags::empty());
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
