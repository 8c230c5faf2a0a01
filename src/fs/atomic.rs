//! Replacing a file atomically, with or without a compare-and-swap against another writer,
//! and tidying up the temporary files a killed write left.

use std::fs;
use std::io;
use std::path::Path;

use super::{parent_dir, sys};

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
    sys::replace_in(parent_dir(path), name, bytes, mode, None).map(|_| ())
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
    sys::replace_in(parent_dir(path), name, bytes, mode, Some(expected))
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
        sys::remove_temps_in(parent_dir(path), name, like.map(|m| m.uid()))
    }
    #[cfg(not(unix))]
    {
        let _ = (name, like);
        0
    }
}

/// For tests: `hook` runs once, just before the next [`replace_file_if_unchanged`] on this
/// thread swaps its file in (where another writer's save would be lost without the swap).
#[cfg(all(test, unix))]
pub(crate) fn before_next_swap(hook: impl FnOnce() + 'static) {
    sys::BEFORE_SWAP.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::fs::test_util::{mode, names};
    use std::os::unix::fs::PermissionsExt;

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
            sys::tests::NAMED_ONLY.store(named_only, Ordering::SeqCst);
            let result = replace_file(&target, b"data", Mode::Private);
            sys::tests::NAMED_ONLY.store(false, Ordering::SeqCst);
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
            sys::tests::NAMED_ONLY.store(named_only, Ordering::SeqCst);
            sys::tests::STOP_AFTER_LINK.with(|s| s.set(true));
            let result = replace_file(&p, b"new", Mode::Private);
            sys::tests::NAMED_ONLY.store(false, Ordering::SeqCst);
            result.unwrap_err();
            let left: Vec<String> = names(tmp.path())
                .into_iter()
                .filter(|n| n != "config.toml")
                .collect();
            assert_eq!(left.len(), 1, "{left:?}");
            assert!(sys::is_temp_name_for(left[0].as_bytes(), b"config.toml"));
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

    fn owner(p: &Path) -> (u32, u32) {
        use std::os::unix::fs::MetadataExt;
        let m = fs::symlink_metadata(p).unwrap();
        (m.uid(), m.gid())
    }

    fn is_root() -> bool {
        sys::is_root()
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
        sys::tests::NAMED_ONLY.store(named_only, Ordering::SeqCst);
        let result = replace_file(&p, b"new", Mode::Like(&meta));
        sys::tests::NAMED_ONLY.store(false, Ordering::SeqCst);
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
}
