//! The 32-byte key that seals the token. It lives in its own file, never beside the sealed
//! token, so a copy of config.toml or of the keyring alone opens nothing.

use std::io;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::fs::{self as fsutil, SmallFileError};
use crate::secret::KeyBytes;
use crate::secret::RandomError;

/// The file name systemd's `LoadCredential=plex-auth.key:…` gives the key.
pub const CREDENTIAL_NAME: &str = "plex-auth.key";

/// The systemd credential when one is provided, else `<key_home>/key` (the config folder, or
/// /etc/plex-auth for the whole machine). The caller passes
/// `$CREDENTIALS_DIRECTORY` in: this module reads no environment.
pub fn default_key_path(key_home: &Path, credentials_directory: Option<&Path>) -> PathBuf {
    if let Some(dir) = credentials_directory {
        let cred = dir.join(CREDENTIAL_NAME);
        if cred.is_file() {
            return cred;
        }
    }
    key_home.join("key")
}

/// A key file that cannot be read, cannot hold a key, or cannot be made. The message says
/// what happened; the caller says what to do.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the key file {}: {source}", .path.display())]
    Unreadable { path: PathBuf, source: io::Error },
    /// Not a regular file, or too large: `why` completes "the key file PATH …".
    #[error("the key file {} {why}", .path.display())]
    Refused { path: PathBuf, why: String },
    #[error("the key file {} is not a plex-auth key ({why})", .path.display())]
    NotAKey { path: PathBuf, why: String },
    #[error("cannot create the key file: cannot create {}: {source}", .dir.display())]
    CreateFolder { dir: PathBuf, source: io::Error },
    #[error("cannot create the key file: cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// Reads the key; `Ok(None)` when the file does not exist. Takes base64 text (what
/// [`load_or_create`] writes) or exactly 32 raw bytes (what a systemd credential often is).
pub fn load(path: &Path) -> Result<Option<KeyBytes>, KeyError> {
    let refused = |why: String| KeyError::Refused {
        path: path.to_path_buf(),
        why,
    };
    let bytes = match fsutil::read_small_file(path, MAX_KEY_FILE) {
        Ok(b) => b,
        // A missing folder on the way (or a file where one should be) also means no key.
        Err(SmallFileError::Io(e))
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(SmallFileError::Io(source)) => {
            return Err(KeyError::Unreadable {
                path: path.to_path_buf(),
                source,
            });
        }
        Err(SmallFileError::NotRegular(kind)) => {
            return Err(refused(format!("is not a regular file (it is {kind})")));
        }
        Err(SmallFileError::TooLarge(len)) => {
            return Err(refused(format!(
                "is too large to be a key ({len} bytes; a key file is 32 raw bytes or 44 base64 characters)"
            )));
        }
    };
    parse(&bytes).map(Some).map_err(|why| KeyError::NotAKey {
        path: path.to_path_buf(),
        why,
    })
}

/// The largest key file read: 44 base64 characters with some whitespace around them, or 32
/// raw bytes, fit easily.
const MAX_KEY_FILE: u64 = 4096;

fn parse(bytes: &[u8]) -> std::result::Result<KeyBytes, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the file is empty".to_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let text = text.trim();
        if let Ok(decoded) = STANDARD.decode(text) {
            let decoded = Zeroizing::new(decoded);
            if let Ok(key) = <[u8; 32]>::try_from(decoded.as_slice()) {
                return Ok(KeyBytes(key));
            }
            if bytes.len() != 32 {
                return Err(format!(
                    "its base64 text holds {} bytes, not 32",
                    decoded.len()
                ));
            }
        }
    }
    // 32 raw bytes cannot be mistaken for the 44-character text form, so this is unambiguous.
    match <[u8; 32]>::try_from(bytes) {
        Ok(key) => Ok(KeyBytes(key)),
        Err(_) => Err(format!(
            "it has {} bytes; expected 44 base64 characters or 32 raw bytes",
            bytes.len()
        )),
    }
}

/// Returns the key at `path`, creating a new random one (0600, in a 0700 folder) when there
/// is none. Callers hold the config lock, so two plex-auth runs never race to create it.
pub fn load_or_create(path: &Path) -> Result<KeyBytes, KeyError> {
    if let Some(key) = load(path)? {
        return Ok(key);
    }
    let key = KeyBytes(crate::secret::random_bytes()?);
    let text = Zeroizing::new(format!("{}\n", STANDARD.encode(key.0)));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fsutil::ensure_private_dir(dir).map_err(|source| KeyError::CreateFolder {
            dir: dir.to_path_buf(),
            source,
        })?;
    }
    // A run killed while writing a key here left it under a temporary name; the caller
    // holds the config lock, so no other write is under way.
    fsutil::remove_stale_temps(path, None);
    fsutil::replace_file(path, text.as_bytes(), fsutil::Mode::Private).map_err(|source| {
        KeyError::Write {
            path: path.to_path_buf(),
            source,
        }
    })?;
    Ok(key)
}

// A rotation (`rotate-key`) puts the next key beside the key file before it is swapped in.

/// The key file itself: a symlink is followed, so that rotating a key the admin keeps on
/// another volume (and links to) replaces the key there, not the link.
pub fn key_target(key_path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(key_path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(key_path).unwrap_or_else(|_| key_path.to_path_buf())
        }
        _ => key_path.to_path_buf(),
    }
}

/// Where the next key waits during a rotation: `<key>.next`, beside the key file.
pub fn next_path(key_path: &Path) -> PathBuf {
    let target = key_target(key_path);
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".next");
    target.with_file_name(name)
}

/// True when a `<key>.next` is lying beside the key: a rotation was cut short.
pub fn pending(key_path: &Path) -> bool {
    std::fs::symlink_metadata(next_path(key_path)).is_ok()
}

/// When the key in use was made, as seconds since the epoch: recorded when plex-auth created
/// or rotated it, else the key file's modification time (plex-auth never edits a key in
/// place, so that is when it was written).
pub fn key_created_at(cfg: &super::Config, key_path: &Path) -> Option<u64> {
    if let Some(at) = cfg.key_created_at {
        return Some(at);
    }
    let modified = std::fs::metadata(key_path).ok()?.modified().ok()?;
    modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn default_path_prefers_an_existing_credential() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = tmp.path().join("cfg");
        let creds = tmp.path().join("creds");
        fs::create_dir(&creds).unwrap();
        assert_eq!(default_key_path(&cfg, None), cfg.join("key"));
        assert_eq!(default_key_path(&cfg, Some(&creds)), cfg.join("key"));
        fs::write(creds.join("plex-auth.key"), [1u8; 32]).unwrap();
        assert_eq!(
            default_key_path(&cfg, Some(&creds)),
            creds.join("plex-auth.key")
        );
    }

    #[test]
    fn missing_key_is_none() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(load(&tmp.path().join("key")).unwrap().is_none());
    }

    #[test]
    fn created_key_is_private_base64_and_stable() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("new-dir");
        let path = dir.join("key");
        let key = load_or_create(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.len(), 45);
        assert!(text.ends_with('\n'));
        assert_eq!(STANDARD.decode(text.trim()).unwrap(), key.0);
        // A second call reads the same key instead of making another.
        assert_eq!(load_or_create(&path).unwrap().0, key.0);
        assert_eq!(load(&path).unwrap().unwrap().0, key.0);
        assert_ne!(key.0, [0u8; 32]);
    }

    #[test]
    fn raw_and_text_forms_are_accepted() {
        let tmp = tempfile::tempdir().unwrap();
        let raw: [u8; 32] = std::array::from_fn(|i| (i * 7 + 200) as u8);
        let p = tmp.path().join("raw");
        fs::write(&p, raw).unwrap();
        assert_eq!(load(&p).unwrap().unwrap().0, raw);

        let p = tmp.path().join("text");
        fs::write(&p, format!("  {}\r\n\n", STANDARD.encode(raw))).unwrap();
        assert_eq!(load(&p).unwrap().unwrap().0, raw);
    }

    #[test]
    fn anything_else_is_not_a_key() {
        let tmp = tempfile::tempdir().unwrap();
        let cases: [(&str, Vec<u8>, &str); 3] = [
            ("short", b"hello\n".to_vec(), "6 bytes"),
            (
                "b64-16",
                STANDARD.encode([3u8; 16]).into_bytes(),
                "holds 16 bytes",
            ),
            ("empty", b" \n".to_vec(), "the file is empty"),
        ];
        for (name, content, why) in cases {
            let p = tmp.path().join(name);
            fs::write(&p, content).unwrap();
            let err = load(&p).unwrap_err();
            assert!(matches!(err, KeyError::NotAKey { .. }), "{err:?}");
            let message = err.to_string();
            assert!(message.contains("is not a plex-auth key"), "{message}");
            assert!(message.contains(&p.display().to_string()));
            assert!(message.contains(why), "{name}: {message}");
        }
        // An unusable key is never replaced behind the admin's back.
        let p = tmp.path().join("short");
        assert!(matches!(
            load_or_create(&p).unwrap_err(),
            KeyError::NotAKey { .. }
        ));
        assert_eq!(fs::read(&p).unwrap(), b"hello\n");
    }

    #[test]
    fn unwritable_place_is_a_store_error() {
        let tmp = tempfile::tempdir().unwrap();
        // A path under a regular file cannot be created, even by root (unlike a 0500 folder).
        let blocker = tmp.path().join("creds");
        fs::write(&blocker, "").unwrap();
        let err = load_or_create(&blocker.join("plex-auth.key")).unwrap_err();
        assert!(matches!(err, KeyError::CreateFolder { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("cannot create the key file"), "{message}");
        assert!(message.contains("creds"), "{message}");
    }
}
