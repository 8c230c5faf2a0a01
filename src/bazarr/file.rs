//! One Bazarr `config.yaml`, edited without disturbing anything plex-auth does not own.
//!
//! Edits go through yaml-edit's lossless tree, so comments, quoting, indentation, line endings,
//! flow mappings and document markers survive. Reads go through a yaml_serde view of the same
//! text, which is also how every write is checked before it replaces the file.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use yaml_serde::Value as Yaml;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// A value plex-auth writes, always as a native YAML type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Bool(bool),
    Int(i64),
    List(Vec<String>),
}

/// Set `section.key` to `value`.
#[derive(Clone, PartialEq, Eq)]
pub struct Change {
    pub section: &'static str,
    pub key: &'static str,
    pub value: Value,
}

/// Keys whose values open a Plex account or Bazarr's signatures: never shown in full.
const SECRET_KEYS: &[&str] = &["token", "apikey", "legacy_token", "encryption_key"];

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Change");
        s.field("section", &self.section).field("key", &self.key);
        match &self.value {
            Value::Str(v) if SECRET_KEYS.contains(&self.key) && !v.is_empty() => s.field(
                "value",
                &format_args!("Str({})", Secret::new(v.as_str()).masked()),
            ),
            v => s.field("value", v),
        };
        s.finish()
    }
}

/// What [`BazarrFile::write`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file already held every value; nothing was written, not even a backup.
    Unchanged,
    /// The file was replaced; its previous bytes are in `backup`.
    Written { backup: PathBuf },
}

/// A loaded `config.yaml` and the changes applied to it in memory.
pub struct BazarrFile {
    path: PathBuf,
    original: String,
    /// The original parsed; what every key not being changed must still equal after a write.
    original_value: Yaml,
    /// The text with the changes applied, as yaml-edit renders it. Kept as text rather than as
    /// the yaml-edit tree because that tree is neither `Send` nor `Sync`.
    rendered: String,
    /// The parsed view the getters read: the original with the changes applied.
    current: Yaml,
    changes: Vec<Change>,
}

impl fmt::Debug for BazarrFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BazarrFile")
            .field("path", &self.path)
            .field("changes", &self.changes)
            .finish_non_exhaustive()
    }
}

impl BazarrFile {
    /// Read and parse `path`. A missing or unreadable file, invalid YAML, or a top level that
    /// is not a mapping of sections is a config error naming the file; nothing is written.
    pub fn load(path: &Path) -> Result<Self> {
        let shown = path.display();
        let bytes = fs::read(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => {
                Error::config(format!("Bazarr's config file {shown} does not exist"))
                    .with_hint("check the path, or pass --bazarr-config PATH")
            }
            io::ErrorKind::PermissionDenied => Error::config(format!(
                "cannot read Bazarr's config file {shown}: permission denied"
            ))
            .with_hint("run plex-auth as the user Bazarr runs as, or as root"),
            _ => Error::config(format!("cannot read Bazarr's config file {shown}: {e}")),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::config(format!(
                "{shown} is not UTF-8 text, so it is not a Bazarr config file"
            ))
            .with_hint("check the path, or pass --bazarr-config PATH")
        })?;
        let original_value = parse(&text).map_err(|e| {
            Error::config(format!("{shown} is not valid YAML: {e}")).with_hint(
                "fix the file (Bazarr rewrites a valid one when it saves its settings); plex-auth left it as it was",
            )
        })?;
        let Yaml::Mapping(root) = &original_value else {
            return Err(Error::config(format!(
                "{shown} is empty or its top level is not a mapping of sections, so it is not a Bazarr config file"
            ))
            .with_hint("check the path, or pass --bazarr-config PATH"));
        };
        for section in ["general", "plex"] {
            match root.get(section) {
                None | Some(Yaml::Null) | Some(Yaml::Mapping(_)) => {}
                Some(_) => {
                    return Err(Error::config(format!(
                        "the `{section}` section of {shown} is not a mapping of settings"
                    ))
                    .with_hint(format!(
                        "fix or remove the `{section}:` entry (Bazarr recreates it); plex-auth left the file as it was"
                    )));
                }
            }
        }
        // The edit tree must reproduce the file byte for byte, or an edit could change more
        // than the keys asked for.
        match yaml_edit::YamlFile::from_str(&text) {
            Ok(tree) if tree.to_string() == text && root_mapping(&tree).is_some() => {}
            _ => {
                return Err(Error::config(format!(
                    "{shown} uses YAML that plex-auth cannot edit without changing other lines"
                ))
                .with_hint(
                    "stop Bazarr and let it rewrite the file, or edit the plex section by hand",
                ));
            }
        }
        Ok(BazarrFile {
            path: path.to_path_buf(),
            current: original_value.clone(),
            original_value,
            rendered: text.clone(),
            original: text,
            changes: Vec::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A scalar as text (`32400`, `true`, a string); `None` when missing, null or a collection.
    pub fn get_str(&self, section: &str, key: &str) -> Option<String> {
        match self.get(section, key)? {
            Yaml::String(s) => Some(s.clone()),
            Yaml::Bool(b) => Some(b.to_string()),
            Yaml::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn get_bool(&self, section: &str, key: &str) -> Option<bool> {
        self.get(section, key)?.as_bool()
    }

    pub fn get_i64(&self, section: &str, key: &str) -> Option<i64> {
        self.get(section, key)?.as_i64()
    }

    /// A sequence of scalars, each as text.
    pub fn get_list(&self, section: &str, key: &str) -> Option<Vec<String>> {
        let Yaml::Sequence(items) = self.get(section, key)? else {
            return None;
        };
        items
            .iter()
            .map(|item| match item {
                Yaml::String(s) => Some(s.clone()),
                Yaml::Bool(b) => Some(b.to_string()),
                Yaml::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    }

    /// Whether `section.key` is present, even with a null value.
    pub fn has_key(&self, section: &str, key: &str) -> bool {
        self.get(section, key).is_some()
    }

    /// Set these keys and no others. A missing (or null) section is created; a value that is
    /// already equal is left as written, so applying the same changes twice is a no-op.
    pub fn apply(&mut self, changes: &[Change]) {
        let Ok(tree) = yaml_edit::YamlFile::from_str(&self.rendered) else {
            // `load` checked the text parses and every edit keeps it parsing; if it ever did
            // not, `write` refuses because the recorded changes are not in the rendered text.
            self.record(changes);
            return;
        };
        let Some(root) = root_mapping(&tree) else {
            self.record(changes);
            return;
        };
        for change in changes {
            if self.get(change.section, change.key) == Some(&to_yaml(&change.value)) {
                continue;
            }
            let section = match root.get_mapping(change.section) {
                Some(m) => m,
                None => {
                    root.set(change.section, yaml_edit::Mapping::new());
                    match root.get_mapping(change.section) {
                        Some(m) => m,
                        None => continue,
                    }
                }
            };
            match &change.value {
                Value::Str(s) => section.set(change.key, s.as_str()),
                Value::Bool(b) => section.set(change.key, *b),
                Value::Int(i) => section.set(change.key, *i),
                Value::List(items) => {
                    let items: Vec<yaml_edit::YamlValue> = items
                        .iter()
                        .map(|s| yaml_edit::YamlValue::scalar(s.as_str()))
                        .collect();
                    section.set(change.key, items);
                }
            }
            set_in(&mut self.current, change);
        }
        self.rendered = tree.to_string();
        self.record(changes);
    }

    fn record(&mut self, changes: &[Change]) {
        for change in changes {
            self.changes
                .retain(|c| !(c.section == change.section && c.key == change.key));
            self.changes.push(change.clone());
            set_in(&mut self.current, change);
        }
    }

    pub fn render(&self) -> String {
        self.rendered.clone()
    }

    pub fn is_changed(&self) -> bool {
        self.rendered != self.original
    }

    /// A unified diff from the file as loaded to the file as it would be written, labelled with
    /// the path. Values of secret keys (tokens, API keys, the signing key) are masked, so the
    /// diff can be shown on a terminal or in a log.
    pub fn diff(&self) -> String {
        let shown = self.path.display().to_string();
        let diff = similar::TextDiff::from_lines(&self.original, &self.rendered)
            .unified_diff()
            .context_radius(3)
            .header(&shown, &format!("{shown} (new)"))
            .to_string();
        let mut secrets: Vec<String> = [&self.original_value, &self.current]
            .into_iter()
            .flat_map(|doc| {
                SECRET_KEYS
                    .iter()
                    .filter_map(|key| match doc.get("plex")?.get(key)? {
                        Yaml::String(s) if s.len() >= 4 => Some(s.clone()),
                        _ => None,
                    })
            })
            .collect();
        // Longest first, so a value that contains another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        secrets.iter().fold(diff, |text, secret| {
            text.replace(secret.as_str(), &Secret::new(secret.as_str()).masked())
        })
    }

    /// Replace the file with the rendered text, keeping its owner, group and mode, and keep
    /// the previous bytes in `<file>.bak`. Nothing is written when nothing changed. Refuses,
    /// leaving the file as it is, when someone else wrote it since [`BazarrFile::load`] or when
    /// the new text would not read back with exactly the intended values. A file that already
    /// holds the new text is left alone, so calling this twice is harmless.
    pub fn write(&self) -> Result<WriteOutcome> {
        if !self.is_changed() {
            return Ok(WriteOutcome::Unchanged);
        }
        let shown = self.path.display();
        // Write where the file really is: replacing a symlink with a file would cut Bazarr
        // (or a container volume) off from the edit.
        let target = fs::canonicalize(&self.path)
            .map_err(|e| io_error(e, &format!("cannot resolve {shown}")))?;
        let meta = fs::metadata(&target)
            .map_err(|e| io_error(e, &format!("cannot read {}", target.display())))?;

        let lock = open_lock_file(&sibling(&target, ".plex-auth.lock"), &meta)?;
        lock.lock()
            .map_err(|e| io_error(e, &format!("cannot lock {shown}")))?;

        let on_disk = fs::read(&target)
            .map_err(|e| io_error(e, &format!("cannot read {}", target.display())))?;
        if on_disk == self.rendered.as_bytes() {
            // Already written, by this value or another run with the same changes.
            return Ok(WriteOutcome::Unchanged);
        }
        if on_disk != self.original.as_bytes() {
            return Err(Error::config(format!(
                "{shown} changed on disk after plex-auth read it (Bazarr or another tool saved it); nothing was written"
            ))
            .with_hint("run the command again; stop Bazarr first so it cannot overwrite the file while plex-auth edits it"));
        }

        self.check_rendered().map_err(|why| {
            Error::config(format!(
                "refusing to write {shown}: the edited file would not read back as intended ({why}); nothing was written"
            ))
            .with_hint("edit the plex section by hand, or report this with a copy of the file (tokens removed)")
        })?;

        let backup = sibling(&target, ".bak");
        write_backup(&backup, &self.original, &meta)?;

        // The defaults keep the file's mode, and its owner and group where allowed.
        replace(
            &target,
            &atomic_write_file::OpenOptions::new(),
            self.rendered.as_bytes(),
            |_| Ok(()),
        )
        .map_err(|e| io_error(e, &format!("cannot replace {shown}")))?;
        drop(lock);
        Ok(WriteOutcome::Written { backup })
    }

    /// Parse the rendered text on its own and compare it with the original: each changed key
    /// must hold its new value and everything else must be equal.
    fn check_rendered(&self) -> std::result::Result<(), String> {
        let new = parse(&self.rendered).map_err(|e| format!("it is not valid YAML: {e}"))?;
        let (Yaml::Mapping(old_root), Yaml::Mapping(new_root)) = (&self.original_value, &new)
        else {
            return Err("its top level is not a mapping".into());
        };
        for change in &self.changes {
            let got = new.get(change.section).and_then(|s| s.get(change.key));
            if got != Some(&to_yaml(&change.value)) {
                return Err(format!(
                    "{}.{} does not hold the new value",
                    change.section, change.key
                ));
            }
        }
        let touched = |section: &str| self.changes.iter().any(|c| c.section == section);
        for (name, old) in old_root {
            let label = yaml_label(name);
            let Some(new_section) = new_root.get(name) else {
                return Err(format!("section {label} is missing"));
            };
            if !name.as_str().is_some_and(touched) {
                if new_section != old {
                    return Err(format!("section {label} changed"));
                }
                continue;
            }
            let empty = yaml_serde::Mapping::new();
            let old_keys = match old {
                Yaml::Mapping(m) => m,
                _ => &empty,
            };
            let Yaml::Mapping(new_keys) = new_section else {
                return Err(format!("section {label} is not a mapping"));
            };
            let changed = |key: &Yaml| {
                self.changes
                    .iter()
                    .any(|c| name.as_str() == Some(c.section) && key.as_str() == Some(c.key))
            };
            for (key, value) in old_keys {
                if !changed(key) && new_keys.get(key) != Some(value) {
                    return Err(format!("{label}.{} changed", yaml_label(key)));
                }
            }
            for key in new_keys.keys() {
                if !changed(key) && !old_keys.contains_key(key) {
                    return Err(format!("{label}.{} appeared", yaml_label(key)));
                }
            }
        }
        for name in new_root.keys() {
            if !old_root.contains_key(name) && !name.as_str().is_some_and(touched) {
                return Err(format!("section {} appeared", yaml_label(name)));
            }
        }
        Ok(())
    }

    fn get(&self, section: &str, key: &str) -> Option<&Yaml> {
        self.current.get(section)?.get(key)
    }
}

fn parse(text: &str) -> std::result::Result<Yaml, yaml_serde::Error> {
    yaml_serde::from_str(text)
}

fn root_mapping(tree: &yaml_edit::YamlFile) -> Option<yaml_edit::Mapping> {
    tree.documents().next()?.as_mapping()
}

fn to_yaml(value: &Value) -> Yaml {
    match value {
        Value::Str(s) => Yaml::String(s.clone()),
        Value::Bool(b) => Yaml::Bool(*b),
        Value::Int(i) => Yaml::Number((*i).into()),
        Value::List(items) => Yaml::Sequence(items.iter().cloned().map(Yaml::String).collect()),
    }
}

/// Apply one change to a parsed document, creating the section when missing or null.
fn set_in(doc: &mut Yaml, change: &Change) {
    let Yaml::Mapping(root) = doc else { return };
    let section = root
        .entry(Yaml::String(change.section.into()))
        .or_insert(Yaml::Null);
    if !matches!(section, Yaml::Mapping(_)) {
        *section = Yaml::Mapping(yaml_serde::Mapping::new());
    }
    if let Yaml::Mapping(m) = section {
        m.insert(Yaml::String(change.key.into()), to_yaml(&change.value));
    }
}

fn yaml_label(key: &Yaml) -> String {
    match key {
        Yaml::String(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// `<file><suffix>` in the same folder.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn io_error(err: io::Error, what: &str) -> Error {
    let e = Error::config(format!("{what}: {err}"));
    if err.kind() == io::ErrorKind::PermissionDenied {
        e.with_hint("run plex-auth as the user that owns Bazarr's config folder, or as root")
    } else {
        e
    }
}

/// Open (creating if needed) the lock file beside config.yaml. A new one gets config.yaml's
/// owner and mode, so that Bazarr's own user can take the lock later.
fn open_lock_file(path: &Path, like: &fs::Metadata) -> Result<fs::File> {
    let mut opts = fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(permission_bits(like) & 0o666);
    }
    let existed = path.exists();
    let file = match opts.open(path) {
        Ok(f) => f,
        // A lock file made by another user may not be writable here; a read-only handle
        // takes the same lock.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && existed => fs::File::open(path)
            .map_err(|e| io_error(e, &format!("cannot open {}", path.display())))?,
        Err(e) => return Err(io_error(e, &format!("cannot create {}", path.display()))),
    };
    if !existed {
        copy_owner_and_mode(&file, like, 0o666)
            .map_err(|e| io_error(e, &format!("cannot set the owner of {}", path.display())))?;
    }
    Ok(file)
}

/// Write the backup atomically, then give it the original's owner, group and mode before it
/// appears under its name, so no other user can read it in between.
fn write_backup(path: &Path, contents: &str, like: &fs::Metadata) -> Result<()> {
    let shown = path.display();
    let mut opts = atomic_write_file::OpenOptions::new();
    #[cfg(unix)]
    {
        use atomic_write_file::unix::OpenOptionsExt as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.preserve_mode(false).preserve_owner(false).mode(0o600);
    }
    replace(path, &opts, contents.as_bytes(), |file| {
        copy_owner_and_mode(file, like, 0o7777)
    })
    .map_err(|e| io_error(e, &format!("cannot write the backup {shown}")))
}

/// Write `contents` to a temporary file beside `path`, let `prepare` adjust it, fsync it and
/// rename it over `path`. atomic-write-file removes its temporary file on every failure but a
/// failed final rename, so that case is cleaned up here.
fn replace(
    path: &Path,
    opts: &atomic_write_file::OpenOptions,
    contents: &[u8],
    prepare: impl FnOnce(&fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let before = temp_files_for(path);
    let mut out = opts.open(path)?;
    out.write_all(contents)?;
    prepare(out.as_file())?;
    let result = out.commit();
    if result.is_err() {
        for left in temp_files_for(path) {
            if !before.contains(&left) {
                let _ = fs::remove_file(&left);
            }
        }
    }
    result
}

/// The files atomic-write-file names `.<name>.XXXXXX` beside `path`.
fn temp_files_for(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.len() == prefix.len() + 6
                && n.starts_with(&prefix)
                && n[prefix.len()..].bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .map(|e| e.path())
        .collect()
}

#[cfg(unix)]
fn permission_bits(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.mode() & 0o7777
}

/// Give `file` the owner, group and (masked) mode of `like`. Only root may give a file away;
/// anyone else keeps ownership, as when Bazarr's own user runs plex-auth.
#[cfg(unix)]
fn copy_owner_and_mode(file: &fs::File, like: &fs::Metadata, mask: u32) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    match std::os::unix::fs::fchown(file, Some(like.uid()), Some(like.gid())) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && !is_root() => {}
        Err(e) => return Err(e),
    }
    file.set_permissions(fs::Permissions::from_mode(permission_bits(like) & mask))
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn copy_owner_and_mode(_file: &fs::File, _like: &fs::Metadata, _mask: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            fs::remove_file(sibling(&path, ".plex-auth.lock")).unwrap();
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
            let err = BazarrFile::load(&path).unwrap_err();
            assert_eq!(err.kind, crate::error::ErrorKind::Config, "{name}");
            assert!(err.message.contains(name), "{name}: {}", err.message);
            assert!(err.hint.is_some());
            assert_eq!(fs::read_to_string(&path).unwrap(), text);
        }
        let missing = dir.path().join("nope.yaml");
        let err = BazarrFile::load(&missing).unwrap_err();
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

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let (name, text) = FIXTURES[1];
        let path = write_copy(dir.path(), name, text);
        let mut file = BazarrFile::load(&path).unwrap();
        file.apply(&sample_changes());
        let theirs = text.replace("use_plex: false", "use_plex: true");
        fs::write(&path, &theirs).unwrap();
        let err = file.write().unwrap_err();
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
        let err = file.write().unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Config);
        assert!(err.message.contains("backup"), "{}", err.message);
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        let mut expected = vec![
            name.to_string(),
            format!("{name}.bak"),
            format!("{name}.plex-auth.lock"),
        ];
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
        assert!(file.check_rendered().is_ok());

        let mut lost = BazarrFile::load(&path).unwrap();
        lost.apply(&sample_changes());
        lost.rendered = lost.rendered.replace("  ip: 127.0.0.1\n", "");
        assert!(lost.check_rendered().unwrap_err().contains("plex.ip"));

        let mut other = BazarrFile::load(&path).unwrap();
        other.apply(&sample_changes());
        other.rendered = other
            .rendered
            .replace("hostname: mediaserver", "hostname: other");
        assert!(
            other
                .check_rendered()
                .unwrap_err()
                .contains("general.hostname")
        );

        let mut section = BazarrFile::load(&path).unwrap();
        section.apply(&sample_changes());
        section.rendered = section.rendered.replace("  port: 8989", "  port: 8990");
        assert!(section.check_rendered().unwrap_err().contains("sonarr"));

        let mut wrong = BazarrFile::load(&path).unwrap();
        wrong.apply(&sample_changes());
        wrong.rendered = wrong
            .rendered
            .replace("server_local: true", "server_local: 'true'");
        assert!(
            wrong
                .check_rendered()
                .unwrap_err()
                .contains("plex.server_local")
        );
        let err = wrong.write().unwrap_err();
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
        let root = is_root();
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
        for p in [&path, &backup] {
            let m = fs::metadata(p).unwrap();
            assert_eq!(m.mode() & 0o7777, 0o640, "{}", p.display());
            assert_eq!((m.uid(), m.gid()), (uid, gid), "{}", p.display());
        }
        let lock = fs::metadata(sibling(&path, ".plex-auth.lock")).unwrap();
        assert_eq!((lock.uid(), lock.gid()), (uid, gid));
        assert_eq!(lock.mode() & 0o777, 0o640);
        assert_eq!(fs::read_to_string(&backup).unwrap(), text);
    }
}
