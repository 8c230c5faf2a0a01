//! Mode and ownership checks on the files plex-auth keeps.

use std::fs;
use std::path::Path;

use super::shell_quote;

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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

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
}
