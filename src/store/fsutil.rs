//! Small file-system helpers for plex-auth's private files: a private folder, atomic
//! private writes, an advisory lock, and mode checks for `status`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Creates `dir` and any missing parents. Folders created here are 0700; an existing folder
/// keeps its mode (the admin may have chosen it; `mode_warnings` reports a loose one).
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::config(format!("cannot create the folder {}: {e}", dir.display())))
}

/// Replaces `path` with `bytes` so that a reader sees either the old file or the new one,
/// never a mix, and a crash leaves no half-written file. The new file is 0600 whatever the
/// old one was: these files hold the sealed token or the key.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: io::Error| Error::config(format!("cannot write {}: {e}", path.display()));
    let dir = parent_dir(path);
    let (tmp_path, mut file) = create_temp_beside(path, dir).map_err(fail)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&tmp_path, path)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp_path);
        return Err(fail(e));
    }
    // The rename is only durable once the folder entry itself reaches the disk.
    sync_dir(dir).map_err(fail)
}

/// Opens (creating, 0600) `path` and blocks until this process holds an exclusive lock on
/// it. The lock lasts as long as the returned `File` lives.
pub fn lock_exclusive(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(path)
        .map_err(|e| Error::config(format!("cannot open the lock file {}: {e}", path.display())))?;
    file.lock()
        .map_err(|e| Error::config(format!("cannot lock {}: {e}", path.display())))?;
    Ok(file)
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

/// A fresh file next to `path` (same folder, hence same file system, so rename is atomic).
/// `create_new` with a random suffix means a leftover or hostile file is never reused.
fn create_temp_beside(path: &Path, dir: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let mut last_err = None;
    for _ in 0..8 {
        let mut suffix = [0u8; 6];
        getrandom::fill(&mut suffix).map_err(io::Error::other)?;
        let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = dir.join(format!(".{name}.{hex}.tmp"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Quotes a path for the `chmod` line only when a shell would split or expand it.
fn shell_quote(path: &Path) -> String {
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
        write_private_atomic(&p, b"new contents").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new contents");
        assert_eq!(mode(&p), 0o600);
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temp file was left behind");
    }

    #[test]
    fn failed_atomic_write_leaves_no_temp_and_keeps_the_old_file() {
        let tmp = tempfile::tempdir().unwrap();
        // Renaming a file over a non-empty folder fails after the temp file was written.
        let target = tmp.path().join("target");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), "x").unwrap();
        let err = write_private_atomic(&target, b"data").unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains("target"), "{}", err.message);
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("target")]);
        assert!(target.join("inside").exists());
    }

    #[test]
    fn write_into_missing_folder_is_a_config_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = write_private_atomic(&tmp.path().join("nope/file"), b"x").unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains("nope/file"));
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
