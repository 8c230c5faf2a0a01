//! One Bazarr `config.yaml` on disk: read it, lock it, keep a backup and replace it, without
//! disturbing anything plex-auth does not own. The YAML itself is [`super::document`];
//! [`BazarrFile`] combines the two so callers see one type.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::bazarr::BazarrError;
use crate::fs as fsutil;

pub use super::document::{Change, Document, Value};

/// What [`BazarrFile::write`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file already held every value; nothing was written, not even a backup.
    Unchanged,
    /// The file was replaced; its previous bytes are in `backup`.
    Written { backup: PathBuf },
}

/// A loaded `config.yaml` and the changes applied to it in memory.
#[derive(Clone)]
pub struct BazarrFile {
    path: PathBuf,
    doc: Document,
}

impl fmt::Debug for BazarrFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BazarrFile")
            .field("path", &self.path)
            .field("changes", &self.doc.changes())
            .finish_non_exhaustive()
    }
}

impl BazarrFile {
    /// Read and parse `path`. A missing or unreadable file, invalid YAML, or a top level that
    /// is not a mapping of sections is a config error naming the file; nothing is written.
    pub fn load(path: &Path) -> Result<Self, BazarrError> {
        let bytes = read_bounded(path).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => BazarrError::Missing {
                path: path.to_path_buf(),
            },
            _ => BazarrError::Unreadable {
                path: path.to_path_buf(),
                source,
            },
        })?;
        let text = String::from_utf8(bytes).map_err(|_| BazarrError::NotText {
            path: path.to_path_buf(),
        })?;
        let doc = Document::parse(text, path)?;
        Ok(BazarrFile {
            path: path.to_path_buf(),
            doc,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The YAML document, for reads beyond the getters below.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// A scalar as text (`32400`, `true`, a string); `None` when missing, null or a collection.
    pub fn get_str(&self, section: &str, key: &str) -> Option<String> {
        self.doc.get_str(section, key)
    }

    pub fn get_bool(&self, section: &str, key: &str) -> Option<bool> {
        self.doc.get_bool(section, key)
    }

    pub fn get_i64(&self, section: &str, key: &str) -> Option<i64> {
        self.doc.get_i64(section, key)
    }

    /// A sequence of scalars, each as text.
    pub fn get_list(&self, section: &str, key: &str) -> Option<Vec<String>> {
        self.doc.get_list(section, key)
    }

    /// Whether the file already holds what `change` sets.
    pub fn holds(&self, change: &Change) -> bool {
        self.doc.holds(change)
    }

    /// Whether `section.key` is present, even with a null value.
    pub fn has_key(&self, section: &str, key: &str) -> bool {
        self.doc.has_key(section, key)
    }

    /// Set these keys and no others (see [`Document::apply`]); memory only.
    pub fn apply(&mut self, changes: &[Change]) {
        self.doc.apply(changes);
    }

    pub fn render(&self) -> String {
        self.doc.render()
    }

    pub fn is_changed(&self) -> bool {
        self.doc.is_changed()
    }

    /// A unified diff from the file as loaded to the file as it would be written, labelled with
    /// the path, with secret values masked.
    pub fn diff(&self) -> String {
        self.doc.diff(&self.path.display().to_string())
    }

    /// Replace the file with the rendered text, keeping its owner, group and mode, and keep
    /// the previous bytes in `<file>.bak`. Nothing is written when nothing changed. Refuses,
    /// leaving the file as it is, when someone else wrote it since [`BazarrFile::load`] or when
    /// the new text would not read back with exactly the intended values. A file that already
    /// holds the new text is left alone, so calling this twice is harmless.
    ///
    /// The lock is taken on config.yaml itself, so nothing but the backup is ever created in
    /// Bazarr's folder.
    pub fn write(&self) -> Result<WriteOutcome, BazarrError> {
        if !self.is_changed() {
            return self.check_unchanged();
        }
        // Write where the file really is: replacing a symlink with a file would cut Bazarr
        // (or a container volume) off from the edit.
        let target =
            fs::canonicalize(&self.path).map_err(|e| io_error(e, "cannot resolve", &self.path))?;
        let (locked, meta) = lock_in_place(&target)?;
        remove_stale_temps(&target, &meta);

        let mut on_disk = Vec::new();
        (&locked)
            .read_to_end(&mut on_disk)
            .map_err(|e| io_error(e, "cannot read", &target))?;
        if on_disk == self.doc.render().as_bytes() {
            // Already written, by this value or another run with the same changes.
            return Ok(WriteOutcome::Unchanged);
        }
        if on_disk != self.doc.original().as_bytes() {
            return Err(BazarrError::ChangedOnDisk {
                path: self.path.clone(),
            });
        }

        self.doc
            .check_rendered()
            .map_err(|why| BazarrError::WouldNotReadBack {
                path: self.path.clone(),
                why,
            })?;

        // The backup keeps Bazarr's owner and group but is never more readable than 0600:
        // it holds a token, and nobody reads it but an admin restoring it. A symlink planted
        // there is refused rather than replaced, so a hostile link is noticed.
        let backup = sibling(&target, ".bak");
        if fs::symlink_metadata(&backup).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(BazarrError::BackupIsLink { path: backup });
        }
        fsutil::replace_file(
            &backup,
            self.doc.original().as_bytes(),
            fsutil::Mode::LikeMasked(&meta, 0o600),
        )
        .map_err(|e| io_error(e, "cannot write the backup", &backup))?;
        // Bazarr does not take plex-auth's lock: it saves by renaming a new file over this
        // one whenever it likes. The replacement swaps atomically and gives back a save that
        // landed since the read above, so no save is ever overwritten unread.
        let replaced = fsutil::replace_file_if_unchanged(
            &target,
            self.doc.render().as_bytes(),
            fsutil::Mode::Like(&meta),
            &on_disk,
        )
        .map_err(|e| io_error(e, "cannot replace", &self.path))?;
        if !replaced {
            return Err(BazarrError::SavedMeanwhile {
                path: self.path.clone(),
            });
        }
        drop(locked);
        Ok(WriteOutcome::Written { backup })
    }
}

/// What [`BazarrFile::put_back`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutBack {
    /// The file holds again what it held when it was loaded.
    Restored,
    /// Someone saved the file after plex-auth wrote it; that save was kept.
    SavedSince,
}

impl BazarrFile {
    /// Undo [`BazarrFile::write`] when what had to change with it could not be saved: the
    /// file gets back the bytes it had when it was loaded, unless another program saved it
    /// since (that save is kept, as in `write`). The backup stays: it holds those same bytes.
    pub fn put_back(&self) -> Result<PutBack, BazarrError> {
        let target =
            fs::canonicalize(&self.path).map_err(|e| io_error(e, "cannot resolve", &self.path))?;
        let (locked, meta) = lock_in_place(&target)?;
        let mut on_disk = Vec::new();
        (&locked)
            .read_to_end(&mut on_disk)
            .map_err(|e| io_error(e, "cannot read", &target))?;
        let original = self.doc.original().as_bytes();
        if on_disk == original {
            return Ok(PutBack::Restored);
        }
        if on_disk != self.doc.render().as_bytes() {
            return Ok(PutBack::SavedSince);
        }
        let replaced = fsutil::replace_file_if_unchanged(
            &target,
            original,
            fsutil::Mode::Like(&meta),
            &on_disk,
        )
        .map_err(|e| io_error(e, "cannot put back", &self.path))?;
        Ok(if replaced {
            PutBack::Restored
        } else {
            PutBack::SavedSince
        })
    }

    /// Nothing to write, as long as the file still holds what was loaded: a save since
    /// (Bazarr's) may have dropped the very values this file already had, so it is refused
    /// like any change on disk and the caller reads the file again. What a plex-auth killed
    /// in the middle of a write left beside the file (it may hold a signed token) is
    /// removed on the way. A file that cannot be opened or locked now is left to the next
    /// write to report.
    fn check_unchanged(&self) -> Result<WriteOutcome, BazarrError> {
        let Ok(target) = fs::canonicalize(&self.path) else {
            return Ok(WriteOutcome::Unchanged);
        };
        let Ok((locked, meta)) = lock_in_place(&target) else {
            return Ok(WriteOutcome::Unchanged);
        };
        remove_stale_temps(&target, &meta);
        let mut on_disk = Vec::new();
        (&locked)
            .read_to_end(&mut on_disk)
            .map_err(|e| io_error(e, "cannot read", &target))?;
        if on_disk != self.doc.original().as_bytes() {
            return Err(BazarrError::ChangedOnDisk {
                path: self.path.clone(),
            });
        }
        Ok(WriteOutcome::Unchanged)
    }
}

/// plex-auth's own temporary files for `target` and its backup, left by a run killed
/// between naming one and renaming it. Called with `target` locked in place: every plex-auth
/// writing it holds that lock from before its temporary files exist until they are gone.
fn remove_stale_temps(target: &Path, meta: &fs::Metadata) {
    fsutil::remove_stale_temps(target, Some(meta));
    fsutil::remove_stale_temps(&sibling(target, ".bak"), Some(meta));
}

/// [`fsutil::lock_in_place`], with its failures as Bazarr's.
fn lock_in_place(target: &Path) -> Result<(fs::File, fs::Metadata), BazarrError> {
    fsutil::lock_in_place(target).map_err(|e| match e {
        fsutil::InPlaceError::Open { path, source } => io_error(source, "cannot open", &path),
        fsutil::InPlaceError::NotRegular { path } => BazarrError::NotRegular { path },
        fsutil::InPlaceError::KeptReplaced { path } => BazarrError::KeptReplaced { path },
        fsutil::InPlaceError::Lock(e) => e.into(),
    })
}

/// The file's bytes, never blocking on a FIFO and never reading more than
/// [`super::document::MAX_SIZE`] and one byte (the document then says it is too large).
fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(fsutil::open_flags(OFlags::NONBLOCK | OFlags::CLOEXEC));
    }
    let file = opts.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("it is not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(super::document::MAX_SIZE as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `<file><suffix>` in the same folder.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn io_error(source: io::Error, what: &'static str, path: &Path) -> BazarrError {
    BazarrError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::super::document::set_in;
    use super::*;
    use crate::secret::Secret;
    use yaml_serde::Value as Yaml;

    const FIXTURES: &[(&str, &str)] = &[
        (
            "bazarr-1.5.2-legacy-apikey.config.yaml",
            include_str!("../../tests/fixtures/bazarr/bazarr-1.5.2-legacy-apikey.config.yaml"),
        ),
        (
            "bazarr-1.5.6-fresh-install.config.yaml",
            include_str!("../../tests/fixtures/bazarr/bazarr-1.5.6-fresh-install.config.yaml"),
        ),
        (
            "bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml",
            include_str!(
                "../../tests/fixtures/bazarr/bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml"
            ),
        ),
        (
            "bazarr-1.5.6-oauth-after-restart.config.yaml",
            include_str!(
                "../../tests/fixtures/bazarr/bazarr-1.5.6-oauth-after-restart.config.yaml"
            ),
        ),
        (
            "bazarr-1.5.6-oauth-server-selected.config.yaml",
            include_str!(
                "../../tests/fixtures/bazarr/bazarr-1.5.6-oauth-server-selected.config.yaml"
            ),
        ),
    ];

    fn write_copy(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    fn sample_changes() -> Vec<Change> {
        let c = |section, key, value| Change {
            section,
            key,
            value,
        };
        vec![
            c("general", "use_plex", Value::Bool(true)),
            c("plex", "auth_method", Value::Str("oauth".into())),
            c(
                "plex",
                "token",
                Value::Str("eyJ0b2tlbiI6IngifQ.c2ln".into()),
            ),
            c("plex", "user_id", Value::Str("12345678".into())),
            c("plex", "port", Value::Int(32400)),
            c("plex", "server_local", Value::Bool(true)),
            c(
                "plex",
                "server_name",
                Value::Str("Bob's Plex: Home #1".into()),
            ),
            c(
                "plex",
                "server_connections",
                Value::List(vec![
                    "https://a.plex.direct:32400".into(),
                    "http://192.168.1.10:32400".into(),
                ]),
            ),
        ]
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Everything outside the changed keys, parsed, is what it was.
    fn assert_only_changes(before: &str, after: &str, changes: &[Change]) {
        let mut expected: Yaml = yaml_serde::from_str(before).unwrap();
        for c in changes {
            set_in(&mut expected, c);
        }
        let got: Yaml = yaml_serde::from_str(after).unwrap();
        assert_eq!(got, expected);
    }

    #[test]
    fn every_fixture_changes_only_the_given_keys() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in FIXTURES {
            let path = write_copy(dir.path(), name, text);
            let mut file = BazarrFile::load(&path).unwrap();
            let changes = sample_changes();
            file.apply(&changes);
            assert!(file.is_changed(), "{name}");
            let outcome = file.write().unwrap();
            let backup = sibling(&path, ".bak");
            assert_eq!(
                outcome,
                WriteOutcome::Written {
                    backup: fs::canonicalize(&backup).unwrap()
                }
            );
            let after = fs::read_to_string(&path).unwrap();
            assert_only_changes(text, &after, &changes);
            assert_eq!(fs::read_to_string(&backup).unwrap(), *text);
            assert!(after.starts_with("---\n"), "{name}");
            // Native types, not quoted strings.
            assert!(after.contains("\n  port: 32400\n"), "{name}");
            assert!(after.contains("\n  server_local: true\n"), "{name}");
            assert!(after.contains("\n  use_plex: true\n"), "{name}");
            assert!(after.contains("\n  user_id: '12345678'\n"), "{name}");

            // Reloaded, the getters see the new values.
            let again = BazarrFile::load(&path).unwrap();
            assert_eq!(again.get_i64("plex", "port"), Some(32400));
            assert_eq!(again.get_bool("plex", "server_local"), Some(true));
            assert_eq!(
                again.get_str("plex", "user_id").as_deref(),
                Some("12345678")
            );
            assert_eq!(
                again.get_str("plex", "server_name").as_deref(),
                Some("Bob's Plex: Home #1")
            );
            assert_eq!(
                again.get_list("plex", "server_connections").unwrap(),
                vec!["https://a.plex.direct:32400", "http://192.168.1.10:32400"]
            );
            fs::remove_file(&path).unwrap();
            fs::remove_file(&backup).unwrap();
        }
        assert!(files_in(dir.path()).is_empty(), "no temp files left");
    }

    #[test]
    fn the_diff_of_a_fixture_is_only_the_changed_lines() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[1];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        file.apply(&[
            Change {
                section: "plex",
                key: "auth_method",
                value: Value::Str("oauth".into()),
            },
            Change {
                section: "general",
                key: "use_plex",
                value: Value::Bool(true),
            },
        ]);
        let diff = file.diff();
        let changed: Vec<&str> = diff
            .lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .collect();
        assert_eq!(
            changed,
            vec![
                "-  use_plex: false",
                "+  use_plex: true",
                "-  auth_method: apikey",
                "+  auth_method: oauth"
            ]
        );
        assert!(diff.contains(&format!("--- {}", path.display())));
        assert!(diff.contains(&format!("+++ {} (new)", path.display())));
    }

    #[test]
    fn diff_masks_tokens_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[3];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        let old_token = file.get_str("plex", "token").unwrap();
        let key = file.get_str("plex", "encryption_key").unwrap();
        let new_token = "eyJuZXdfdG9rZW4iOiJzZWNyZXQifQ.bmV3c2ln";
        file.apply(&[
            Change {
                section: "plex",
                key: "token",
                value: Value::Str(new_token.into()),
            },
            Change {
                section: "plex",
                key: "encryption_key",
                value: Value::Str("AnotherKeyAnotherKeyAnotherKeyAnotherKey123".into()),
            },
        ]);
        let diff = file.diff();
        assert!(!diff.contains(&old_token));
        assert!(!diff.contains(new_token));
        assert!(!diff.contains(&key));
        let masked = Secret::new(new_token).masked();
        assert!(diff.contains(&format!("+  token: {masked}")), "{diff}");
        assert!(file.render().contains(new_token));
    }

    #[test]
    fn change_debug_masks_secrets() {
        let c = Change {
            section: "plex",
            key: "token",
            value: Value::Str("SuperSecretTokenValue".into()),
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("SuperSecretTokenValue"));
        assert!(shown.contains("Supe…(21 chars)"));
        let plain = Change {
            section: "plex",
            key: "username",
            value: Value::Str("jdoe".into()),
        };
        assert!(format!("{plain:?}").contains("jdoe"));
    }

    const HAND_EDITED: &str = "\
# Bazarr settings, kept by hand
---
general:
  # turn Plex on here
  use_plex: false   # off for now
  port: 6767

plex:
  # the old token goes here
  apikey: AbCdEfGhIjKlMnOpQrSt  # legacy
  ip: \"192.168.1.10\"
  movie_library: [Movies, 'Kids Movies']
  port: 32400
sonarr:
  ip: 127.0.0.1 # local
";

    #[test]
    fn comments_quoting_and_blank_lines_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_copy(dir.path(), "config.yaml", HAND_EDITED);
        let mut file = BazarrFile::load(&path).unwrap();
        let changes = vec![
            Change {
                section: "general",
                key: "use_plex",
                value: Value::Bool(true),
            },
            Change {
                section: "plex",
                key: "apikey",
                value: Value::Str(String::new()),
            },
            Change {
                section: "plex",
                key: "auth_method",
                value: Value::Str("oauth".into()),
            },
        ];
        file.apply(&changes);
        file.write().unwrap();
        let after = fs::read_to_string(&path).unwrap();
        assert_only_changes(HAND_EDITED, &after, &changes);
        for line in [
            "# Bazarr settings, kept by hand",
            "  # turn Plex on here",
            "  use_plex: true   # off for now",
            "  # the old token goes here",
            "  apikey: ''  # legacy",
            "  ip: \"192.168.1.10\"",
            "  movie_library: [Movies, 'Kids Movies']",
            "  ip: 127.0.0.1 # local",
        ] {
            assert!(
                after.lines().any(|l| l == line),
                "lost {line:?} in\n{after}"
            );
        }
        assert!(after.contains("port: 6767\n\nplex:\n"));
        let removed: Vec<&str> = HAND_EDITED
            .lines()
            .filter(|l| !after.lines().any(|a| a == *l))
            .collect();
        assert_eq!(
            removed,
            vec![
                "  use_plex: false   # off for now",
                "  apikey: AbCdEfGhIjKlMnOpQrSt  # legacy"
            ]
        );
    }

    fn edit_and_check(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = write_copy(dir.path(), "config.yaml", text);
        let mut file = BazarrFile::load(&path).unwrap();
        let changes = sample_changes();
        file.apply(&changes);
        file.write().unwrap();
        let after = fs::read_to_string(&path).unwrap();
        assert_only_changes(text, &after, &changes);
        assert_eq!(file.write().unwrap(), WriteOutcome::Unchanged);
        // A second round with the same changes leaves the file alone.
        let mut second = BazarrFile::load(&path).unwrap();
        second.apply(&changes);
        assert!(!second.is_changed());
        assert_eq!(second.write().unwrap(), WriteOutcome::Unchanged);
        assert_eq!(fs::read_to_string(&path).unwrap(), after);
        after
    }

    #[test]
    fn crlf_stays_crlf() {
        let text = "---\r\ngeneral:\r\n  use_plex: false\r\nplex:\r\n  apikey: x\r\n  ip: 10.0.0.1\r\nz:\r\n  a: 1\r\n";
        let after = edit_and_check(text);
        assert!(after.contains('\r'));
        assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
    }

    #[test]
    fn four_space_indent_is_kept() {
        let text = "general:\n    use_plex: false\n    port: 6767\nplex:\n    ip: 10.0.0.1\n";
        let after = edit_and_check(text);
        assert!(after.contains("\n    use_plex: true\n"));
        assert!(after.contains("\n    port: 32400\n"));
        assert!(after.contains("\n    ip: 10.0.0.1\n"));
        assert!(
            !after
                .lines()
                .any(|l| l.starts_with("  ") && !l.starts_with("    "))
        );
    }

    #[test]
    fn flow_mapping_stays_flow() {
        let text = "general: {use_plex: false, port: 6767}\nplex: {ip: 10.0.0.1, apikey: ''}\n";
        let after = edit_and_check(text);
        assert!(
            after.starts_with(
                "general: {use_plex: true, port: 6767}\nplex: {ip: 10.0.0.1, apikey: ''"
            )
        );
        assert_eq!(after.lines().count(), 2);
    }

    #[test]
    fn missing_null_and_empty_plex_sections() {
        for text in [
            "general:\n  use_plex: false\n",
            "general:\n  use_plex: false\nplex:\n",
            "general:\n  use_plex: false\nplex: null\n",
            "general:\n  use_plex: false\nplex: ~\nsonarr:\n  ip: x\n",
            "general:\n  use_plex: false\nplex: {}\n",
            "general:\n  use_plex: false\nplex:\n  ip: x",
        ] {
            edit_and_check(text);
        }
        // A missing general section is created too.
        let after = edit_and_check("plex:\n  ip: x\n");
        assert!(after.contains("general:\n"));
    }

    #[test]
    fn document_markers_are_kept() {
        let text = "---\ngeneral:\n  use_plex: false\nplex:\n  ip: x\n...\n";
        let after = edit_and_check(text);
        assert!(after.starts_with("---\n"));
        assert!(after.ends_with("...\n"));
    }

    #[test]
    fn bad_files_are_config_errors_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("invalid.yaml", "general:\n  a: [1, 2\nplex:\n  ip: x\n"),
            ("list.yaml", "- general\n- plex\n"),
            ("scalar.yaml", "just text\n"),
            ("empty.yaml", ""),
            ("plexlist.yaml", "general:\n  a: 1\nplex:\n  - ip\n"),
            ("twodocs.yaml", "---\na: 1\n---\nb: 2\n"),
        ];
        for (name, text) in cases {
            let path = write_copy(dir.path(), name, text);
            let err = crate::error::Error::from(BazarrFile::load(&path).unwrap_err());
            assert_eq!(err.kind, crate::error::ErrorKind::Config, "{name}");
            assert!(err.message.contains(name), "{name}: {}", err.message);
            assert!(err.hint.is_some());
            assert_eq!(fs::read_to_string(&path).unwrap(), text);
        }
        let missing = dir.path().join("nope.yaml");
        let err = crate::error::Error::from(BazarrFile::load(&missing).unwrap_err());
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains("nope.yaml"));
        assert!(err.message.contains("does not exist"));
        assert!(!missing.exists());
        let mut names = files_in(dir.path());
        names.sort();
        let mut expected: Vec<String> = cases.iter().map(|c| c.0.to_string()).collect();
        expected.sort();
        assert_eq!(names, expected, "nothing else created");
    }

    #[test]
    fn unchanged_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[3];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        // The values it already has, including one written as a quoted string.
        file.apply(&[
            Change {
                section: "plex",
                key: "user_id",
                value: Value::Str("12345678".into()),
            },
            Change {
                section: "plex",
                key: "apikey",
                value: Value::Str(String::new()),
            },
            Change {
                section: "general",
                key: "use_plex",
                value: Value::Bool(true),
            },
        ]);
        assert!(!file.is_changed());
        assert_eq!(file.diff(), "");
        assert_eq!(file.write().unwrap(), WriteOutcome::Unchanged);
        assert_eq!(files_in(dir.path()), vec![name.to_string()]);
    }

    #[test]
    fn getters_read_types_and_see_applied_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[0];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        assert_eq!(file.path(), path);
        assert_eq!(
            file.get_str("plex", "apikey").as_deref(),
            Some("AbCdEfGhIjKlMnOpQrSt")
        );
        assert_eq!(file.get_str("plex", "port").as_deref(), Some("32400"));
        assert_eq!(file.get_str("plex", "ssl").as_deref(), Some("false"));
        assert_eq!(file.get_i64("plex", "port"), Some(32400));
        assert_eq!(file.get_bool("plex", "set_movie_added"), Some(true));
        assert_eq!(file.get_bool("plex", "ip"), None);
        assert_eq!(
            file.get_str("plex", "movie_library").as_deref(),
            Some("Movies")
        );
        assert_eq!(file.get_list("plex", "movie_library"), None);
        assert!(file.has_key("plex", "ip"));
        assert!(!file.has_key("plex", "token"));
        assert!(!file.has_key("nosuch", "token"));
        assert_eq!(file.get_str("general", "ip").as_deref(), Some("*"));
        file.apply(&[Change {
            section: "plex",
            key: "token",
            value: Value::Str("t".into()),
        }]);
        assert!(file.has_key("plex", "token"));
        assert_eq!(file.get_str("plex", "token").as_deref(), Some("t"));
        // Applying changes touches memory only.
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    /// Bazarr saves (by renaming its own temp file over config.yaml) after plex-auth's check
    /// and before its replacement: that save is kept, and the error says so.
    #[test]
    fn a_bazarr_save_during_the_write_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[1];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        file.apply(&sample_changes());
        let theirs = text.replace("use_plex: false", "use_plex: true");
        let (p, t) = (path.clone(), theirs.clone());
        crate::fs::before_next_swap(move || {
            let tmp = p.with_extension("yaml.tmp");
            fs::write(&tmp, &t).unwrap();
            fs::rename(&tmp, &p).unwrap();
        });
        let err = crate::error::Error::from(file.write().unwrap_err());
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(
            err.message.contains("that save was kept"),
            "{}",
            err.message
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [name.to_string(), format!("{name}.bak")],
            "no temp left"
        );
    }

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[1];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        file.apply(&sample_changes());
        let theirs = text.replace("use_plex: false", "use_plex: true");
        fs::write(&path, &theirs).unwrap();
        let err = crate::error::Error::from(file.write().unwrap_err());
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains("changed on disk"));
        assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
        assert!(!sibling(&path, ".bak").exists());
    }

    #[test]
    fn a_failed_write_leaves_the_file_and_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[1];
        let path = write_copy(dir.path(), name, text);
        // A directory where the backup should go makes the backup step fail.
        fs::create_dir(sibling(&path, ".bak")).unwrap();
        fs::write(sibling(&path, ".bak").join("keep"), "x").unwrap();
        let mut file = BazarrFile::load(&path).unwrap();
        file.apply(&sample_changes());
        let err = crate::error::Error::from(file.write().unwrap_err());
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains("backup"), "{}", err.message);
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        let mut expected = vec![name.to_string(), format!("{name}.bak")];
        expected.sort();
        assert_eq!(files_in(dir.path()), expected);
    }

    #[test]
    fn the_read_back_check_refuses_a_bad_render() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[1];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        file.apply(&sample_changes());
        assert!(file.doc.check_rendered().is_ok());

        let mut lost = BazarrFile::load(&path).unwrap();
        lost.apply(&sample_changes());
        lost.doc.rendered = lost.doc.rendered.replace("  ip: 127.0.0.1\n", "");
        assert!(lost.doc.check_rendered().unwrap_err().contains("plex.ip"));

        let mut other = BazarrFile::load(&path).unwrap();
        other.apply(&sample_changes());
        other.doc.rendered = other
            .doc
            .rendered
            .replace("hostname: mediaserver", "hostname: other");
        assert!(
            other
                .doc
                .check_rendered()
                .unwrap_err()
                .contains("general.hostname")
        );

        let mut section = BazarrFile::load(&path).unwrap();
        section.apply(&sample_changes());
        section.doc.rendered = section.doc.rendered.replace("  port: 8989", "  port: 8990");
        assert!(section.doc.check_rendered().unwrap_err().contains("sonarr"));

        let mut wrong = BazarrFile::load(&path).unwrap();
        wrong.apply(&sample_changes());
        wrong.doc.rendered = wrong
            .doc
            .rendered
            .replace("server_local: true", "server_local: 'true'");
        assert!(
            wrong
                .doc
                .check_rendered()
                .unwrap_err()
                .contains("plex.server_local")
        );
        let err = crate::error::Error::from(wrong.write().unwrap_err());
        assert!(err.message.contains("refusing"));
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        assert!(!sibling(&path, ".bak").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_config_is_edited_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[1];
        let real = write_copy(dir.path(), name, text);
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut file = BazarrFile::load(&link).unwrap();
        file.apply(&sample_changes());
        file.write().unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_ne!(fs::read_to_string(&real).unwrap(), text);
        assert!(sibling(&real, ".bak").exists());
    }

    #[cfg(unix)]
    #[test]
    fn owner_group_and_mode_are_kept_for_the_file_and_the_backup() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[4];
        let path = write_copy(dir.path(), name, text);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let root = rustix::process::geteuid().is_root();
        let (uid, gid) = if root {
            std::os::unix::fs::chown(&path, Some(65534), Some(65534)).unwrap();
            (65534, 65534)
        } else {
            let m = fs::metadata(&path).unwrap();
            (m.uid(), m.gid())
        };
        let mut file = BazarrFile::load(&path).unwrap();
        file.apply(&sample_changes());
        let WriteOutcome::Written { backup } = file.write().unwrap() else {
            panic!("expected a write");
        };
        for (p, mode) in [(&path, 0o640), (&backup, 0o600)] {
            let m = fs::metadata(p).unwrap();
            assert_eq!(m.mode() & 0o7777, mode, "{}", p.display());
            assert_eq!((m.uid(), m.gid()), (uid, gid), "{}", p.display());
        }
        // The lock is taken on the file itself: no lock file in Bazarr's folder.
        assert!(!sibling(&path, ".plex-auth.lock").exists());
        assert_eq!(fs::read_to_string(&backup).unwrap(), text);
    }
}
