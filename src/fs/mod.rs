//! Small file-system helpers for plex-auth's private files: a private folder, atomic
//! private writes, an advisory lock, and mode checks for `status`.
//!
//! This layer knows nothing about plex-auth's errors or output: it returns `io::Error` or
//! its own error types, and callers decide what a failure means to the user.

mod atomic;
mod lock;
mod perms;
mod read;
#[cfg(unix)]
#[path = "sys_unix.rs"]
mod sys;
#[cfg(not(unix))]
#[path = "sys_other.rs"]
mod sys;

use std::fs;
use std::io;
use std::path::Path;

#[cfg(all(test, unix))]
pub(crate) use atomic::before_next_swap;
pub use atomic::{Mode, remove_stale_temps, replace_file, replace_file_if_unchanged};
pub use lock::{InPlaceError, LOCK_WAIT, LockError, lock, lock_exclusive, lock_in_place};
pub use perms::{mode_warnings, untrusted_by_root};
#[cfg(unix)]
pub use read::open_flags;
pub use read::{SmallFileError, open_private, read_small_file};

/// Creates `dir` and any missing parents. Folders created here are 0700; an existing folder
/// keeps its mode (the admin may have chosen it; `mode_warnings` reports a loose one).
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
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

/// The random part of a temporary name: 12 lowercase hex digits.
fn temp_suffix() -> io::Result<String> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes)
        .map_err(|e| io::Error::other(format!("the system random number generator failed: {e}")))?;
    Ok(hex::encode(bytes))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
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
pub(crate) mod test_util {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    pub(crate) fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    pub(crate) fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::test_util::mode;
    use super::*;
    use std::os::unix::fs::PermissionsExt;

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
