//! Opening and reading plex-auth's small files without following links or blocking.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

#[cfg(unix)]
use rustix::fs::OFlags;

/// `flags` as `OpenOptionsExt::custom_flags` takes them.
#[cfg(unix)]
pub fn open_flags(flags: OFlags) -> i32 {
    // The open flags are small bit values; they fit a C int on every platform.
    flags.bits() as i32
}

/// Opens `path` with `options` as a private (0600 when created) regular file: never through
/// a symlink, never blocking on a FIFO, and refused when it is anything but a regular file.
/// For files plex-auth keeps beside its state (locks, the event log).
pub fn open_private(path: &Path, mut options: OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(open_flags(
            OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        ));
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
        open_flags(OFlags::NONBLOCK | OFlags::CLOEXEC),
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
