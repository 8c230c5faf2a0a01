//! plex-auth's own `config.toml`: the client identifier, where the token is stored, the
//! linked account, the chosen server and the Bazarr file. It holds nothing that opens the
//! token.

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fs as fsutil;
use crate::secret::RandomError;

pub const FILE_NAME: &str = "config.toml";
/// The lock lives in a sidecar file: config.toml itself is replaced by rename on every
/// write, and a lock on a replaced inode would protect nothing.
pub const LOCK_FILE_NAME: &str = "config.lock";

const HEADER: &str = "# plex-auth state. The sealed token here opens only with the key file.\n\n";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Config {
    pub client_identifier: Option<String>,
    pub store: Option<Backend>,
    pub key_id: Option<String>,
    /// When plex-auth made the key in use (created or rotated), seconds since the epoch.
    pub key_created_at: Option<u64>,
    /// Where the key file is, when the token was sealed with one outside the default place
    /// (`--key-file`); later runs without the flag use it.
    pub key_file: Option<PathBuf>,
    /// Where the key was before `rotate-key --to` moved it, until the old file is removed
    /// (a move cut short is finished by the next rotation).
    pub key_moved_from: Option<PathBuf>,
    pub sealed_token: Option<String>,
    pub account: Option<Account>,
    pub server: Option<SelectedServer>,
    pub bazarr_config: Option<PathBuf>,
    /// `--bazarr-url` as last given with that Bazarr file (a port mapping, a proxy): later
    /// commands on the same file use it without the flag.
    pub bazarr_url: Option<String>,
    /// The other apps kept in step with the link (`plex-auth apps add`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<AppEntry>,
}

/// An app registered with `plex-auth apps add`. It holds nothing that opens a token: the
/// app's own file holds the app's token (in clear, as the app reads it), and plex-auth keeps
/// a fingerprint of what it wrote there to tell, offline, whether the app still holds it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AppEntry {
    pub name: String,
    pub kind: crate::apps::Kind,
    /// The app's file (resolved when added); for an app kept through its API (Sonarr,
    /// Radarr), the file its API key is read from each time (its config.xml, or a file
    /// holding only the key: `key_file`).
    pub path: PathBuf,
    /// The app's address, for an app kept through its API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `path` holds only the API key (`--api-key-file`), not the app's config.xml.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub key_file: bool,
    /// The app's own client identifier: the device plex.tv lists for it ("Kometa
    /// (plex-auth)"), which its token was issued to.
    pub client_identifier: String,
    /// The fingerprint of the token plex-auth last wrote into the app (see
    /// `apps::fingerprint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_fingerprint: Option<String>,
    /// The app holds a token of its own (`false`: the account's, where minting failed).
    #[serde(default)]
    pub own_token: bool,
    pub added_at: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Account {
    pub username: String,
    pub email: String,
    pub id: u64,
    pub uuid: String,
    pub auth_method: AuthMethod,
    pub linked_at: u64,
    /// The last validation, where earlier versions kept it: read so that `status` still shows
    /// it, never written again (it lives in the state folder now, see `state.rs`), so the
    /// next write of config.toml drops it.
    #[serde(default, skip_serializing)]
    pub validated_at: Option<u64>,
    #[serde(default, skip_serializing)]
    pub last_result: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SelectedServer {
    pub machine_id: String,
    pub name: String,
    pub url: String,
    pub local: bool,
    pub owned: bool,
    pub connections: Vec<String>,
    pub selected_at: u64,
    #[serde(default)]
    pub insecure: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Keyring,
    File,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    #[default]
    Pin,
    Token,
    /// Adopted from the link made in Bazarr's web UI (`login --from-bazarr`).
    Bazarr,
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// What can go wrong with config.toml, before it becomes an exit code (`error.rs`).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot parse {}: {why}", .path.display())]
    Parse { path: PathBuf, why: String },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot encode {FILE_NAME}: {0}")]
    Encode(String),
    #[error("cannot create the folder {}: {source}", .path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is already locked by this thread (nested config update)", .path.display())]
    Nested { path: PathBuf },
    #[error(transparent)]
    Lock(#[from] fsutil::LockError),
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// Reads `dir/config.toml`; a missing file is an empty config (first run).
pub fn load(dir: &Path) -> Result<Config, ConfigError> {
    let path = path(dir);
    let text = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    parse(&text).map_err(|why| ConfigError::Parse { path, why })
}

fn parse(bytes: &[u8]) -> std::result::Result<Config, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())?;
    toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_owned();
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {message}")
            }
            None => message,
        }
    })
}

fn save(dir: &Path, cfg: &Config) -> Result<(), ConfigError> {
    let body = toml::to_string_pretty(cfg).map_err(|e| ConfigError::Encode(e.to_string()))?;
    let path = path(dir);
    fsutil::replace_file(
        &path,
        format!("{HEADER}{body}").as_bytes(),
        fsutil::Mode::Private,
    )
    .map_err(|source| ConfigError::Write { path, source })
}

thread_local! {
    /// Lock files this thread holds. flock is per open file, so taking the same lock again
    /// from inside an `update` closure would wait for ourselves forever; this turns that
    /// mistake into an error.
    static HELD: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
}

struct HeldLock {
    path: PathBuf,
    _file: std::fs::File,
}

impl HeldLock {
    fn acquire(path: PathBuf) -> Result<Self, ConfigError> {
        if HELD.with(|h| h.borrow().contains(&path)) {
            return Err(ConfigError::Nested { path });
        }
        let file = fsutil::lock_exclusive(&path)?;
        HELD.with(|h| h.borrow_mut().push(path.clone()));
        Ok(HeldLock { path, _file: file })
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        HELD.with(|h| h.borrow_mut().retain(|p| p != &self.path));
    }
}

/// One command's change to config.toml: the lock is taken and the file read once; the
/// command changes `cfg` in memory and [`Transaction::commit`] writes it once, only if
/// something changed. The lock is held until the transaction is dropped, so a command can
/// keep Bazarr's file in step inside the same critical section.
pub struct Transaction {
    dir: PathBuf,
    _lock: HeldLock,
    before: Config,
    pub cfg: Config,
    /// A transaction is never cut short by Ctrl-C or SIGTERM: the signal ends the process
    /// once the transaction is over (exit 130), with every file whole.
    _signals: crate::signals::Critical,
}

impl Transaction {
    pub fn begin(dir: &Path) -> Result<Transaction, ConfigError> {
        fsutil::ensure_private_dir(dir).map_err(|source| ConfigError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let lock = HeldLock::acquire(dir.join(LOCK_FILE_NAME))?;
        // Waiting for the lock may be interrupted at will; from here on, nothing is.
        let signals = crate::signals::Critical::enter();
        // A run killed in the middle of a write left its temporary file; no writer of these
        // files is running now (they all hold this lock). The key is named here when it is
        // in its default place.
        for name in [FILE_NAME, "key", "key.next"] {
            fsutil::remove_stale_temps(&dir.join(name), None);
        }
        let before = load(dir)?;
        Ok(Transaction {
            dir: dir.to_path_buf(),
            _lock: lock,
            cfg: before.clone(),
            before,
            _signals: signals,
        })
    }

    /// Write the changed config (atomically). The lock stays held until `self` is dropped.
    pub fn commit(&mut self) -> Result<(), ConfigError> {
        if self.cfg != self.before {
            save(&self.dir, &self.cfg)?;
            self.before = self.cfg.clone();
        }
        Ok(())
    }
}

/// Read-modify-write under an exclusive lock, so that cron and an admin running at the same
/// moment never lose each other's change. `f` sees the current file; its changes are
/// written atomically only if it returns `Ok` and something changed. Do not call `update`
/// or [`ensure_client_identifier`] from inside `f`: that is reported as an error.
pub fn update<T, E: From<ConfigError>>(
    dir: &Path,
    f: impl FnOnce(&mut Config) -> Result<T, E>,
) -> Result<T, E> {
    let mut txn = Transaction::begin(dir)?;
    let out = f(&mut txn.cfg)?;
    txn.commit()?;
    Ok(out)
}

/// The install's `X-Plex-Client-Identifier`: read once created, so plex.tv sees one device.
pub fn ensure_client_identifier(dir: &Path) -> Result<String, ConfigError> {
    client_identifier(dir, &load(dir)?)
}

/// The identifier recorded in `cfg` (a snapshot the caller already read), created and
/// recorded on first use.
pub fn client_identifier(dir: &Path, cfg: &Config) -> Result<String, ConfigError> {
    if let Some(id) = &cfg.client_identifier {
        return Ok(id.clone());
    }
    update(dir, |cfg| {
        // Another process may have created it between the read above and the lock.
        if let Some(id) = &cfg.client_identifier {
            return Ok(id.clone());
        }
        let id = new_client_identifier()?;
        cfg.client_identifier = Some(id.clone());
        Ok(id)
    })
}

/// A random UUID v4 in its usual lowercase 8-4-4-4-12 form. For use inside an `update`
/// closure that finds no identifier; everyone else calls [`ensure_client_identifier`].
pub fn new_client_identifier() -> Result<String, RandomError> {
    // From our own random bytes rather than `Uuid::new_v4`, which panics when the system
    // random number generator fails: here that is an error the caller reports.
    let bytes: [u8; 16] = crate::secret::random_bytes()?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::fs;

    fn sample() -> Config {
        Config {
            client_identifier: Some("3f8a1c2e-5b7d-4e9f-a1b2-c3d4e5f60718".into()),
            store: Some(Backend::File),
            key_id: Some("0123456789abcdef".into()),
            key_created_at: Some(1_700_000_000),
            key_file: Some("/mnt/usb/plex-auth.key".into()),
            key_moved_from: None,
            sealed_token: Some("AQID".into()),
            account: Some(Account {
                username: "alice".into(),
                email: "alice@example.com".into(),
                id: 1234567,
                uuid: "abc123".into(),
                auth_method: AuthMethod::Token,
                linked_at: 1_700_000_000,
                validated_at: None,
                last_result: None,
            }),
            server: Some(SelectedServer {
                machine_id: "m1".into(),
                name: "Living Room".into(),
                url: "https://10.0.0.2:32400".into(),
                local: true,
                owned: true,
                connections: vec!["https://10.0.0.2:32400".into(), "http://relay:1".into()],
                selected_at: 1_700_000_200,
                insecure: false,
            }),
            bazarr_config: Some(PathBuf::from("/opt/bazarr/data/config/config.yaml")),
            bazarr_url: Some("http://127.0.0.1:16767/".into()),
            apps: Vec::new(),
        }
    }

    #[test]
    fn round_trip_and_wire_names() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = sample();
        update(tmp.path(), |c| {
            *c = cfg.clone();
            Ok::<_, ConfigError>(())
        })
        .unwrap();
        assert_eq!(load(tmp.path()).unwrap(), cfg);
        let text = fs::read_to_string(path(tmp.path())).unwrap();
        assert!(text.contains("store = \"file\""), "{text}");
        assert!(text.contains("auth_method = \"token\""), "{text}");
        assert!(text.contains("[server]"), "{text}");
    }

    #[test]
    fn an_old_validation_stamp_is_read_and_not_written_back() {
        let tmp = tempfile::tempdir().unwrap();
        let mut cfg = sample();
        let account = cfg.account.as_mut().unwrap();
        account.validated_at = Some(1_700_000_100);
        account.last_result = Some("ok".into());
        let text = toml::to_string_pretty(&cfg).unwrap();
        assert!(!text.contains("validated_at"), "{text}");
        assert!(!text.contains("last_result"), "{text}");

        let old = text.replace(
            "[account]\n",
            "[account]\nvalidated_at = 1700000100\nlast_result = \"rejected\"\n",
        );
        fs::write(path(tmp.path()), old).unwrap();
        let account = load(tmp.path()).unwrap().account.unwrap();
        assert_eq!(account.validated_at, Some(1_700_000_100));
        assert_eq!(account.last_result.as_deref(), Some("rejected"));
        // A write for another reason leaves them out.
        update(tmp.path(), |c| {
            c.bazarr_url = None;
            Ok::<_, ConfigError>(())
        })
        .unwrap();
        let text = fs::read_to_string(path(tmp.path())).unwrap();
        assert!(!text.contains("validated_at"), "{text}");
    }

    #[test]
    fn missing_file_is_default_and_nothing_is_written_for_no_change() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cfg");
        assert_eq!(load(&dir).unwrap(), Config::default());
        update(&dir, |_| Ok::<_, ConfigError>(())).unwrap();
        assert!(!path(&dir).exists());
    }

    #[test]
    fn unknown_keys_and_missing_optional_fields_load() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(
            path(tmp.path()),
            r#"
client_identifier = "x"
future_setting = 3
[account]
username = "bob"
email = "b@example.com"
id = 7
uuid = "u"
auth_method = "pin"
linked_at = 5
shoe_size = 44
[server]
machine_id = "m"
name = "n"
url = "http://127.0.0.1:32400"
local = true
owned = false
connections = []
selected_at = 9
[some_new_table]
a = 1
"#,
        )
        .unwrap();
        let cfg = load(tmp.path()).unwrap();
        assert_eq!(cfg.client_identifier.as_deref(), Some("x"));
        let acct = cfg.account.unwrap();
        assert_eq!(acct.auth_method, AuthMethod::Pin);
        assert_eq!(acct.validated_at, None);
        assert!(!cfg.server.unwrap().insecure);
        assert_eq!(cfg.store, None);
    }

    #[test]
    fn broken_file_is_a_config_error_naming_file_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(
            path(tmp.path()),
            "client_identifier = \"x\"\nstore = [oops\n",
        )
        .unwrap();
        let err = crate::error::Error::from(load(tmp.path()).unwrap_err());
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("config.toml"), "{}", err.message);
        assert!(err.message.contains("line 2"), "{}", err.message);
        assert!(err.hint.unwrap().contains(".bad"));

        fs::write(path(tmp.path()), "store = \"floppy\"\n").unwrap();
        let err = crate::error::Error::from(load(tmp.path()).unwrap_err());
        assert!(err.message.contains("floppy") || err.message.contains("variant"));

        fs::write(path(tmp.path()), b"\xff\xfe").unwrap();
        assert!(
            load(tmp.path())
                .unwrap_err()
                .to_string()
                .contains("not UTF-8")
        );
    }

    #[test]
    fn failing_closure_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        update(tmp.path(), |c| {
            c.client_identifier = Some("keep".into());
            Ok::<_, ConfigError>(())
        })
        .unwrap();
        let before = fs::read(path(tmp.path())).unwrap();
        let err = update(tmp.path(), |c| -> Result<(), ConfigError> {
            c.client_identifier = Some("changed".into());
            c.sealed_token = Some("blob".into());
            Err(ConfigError::Encode("no".into()))
        })
        .unwrap_err();
        assert!(matches!(err, ConfigError::Encode(_)));
        assert_eq!(fs::read(path(tmp.path())).unwrap(), before);
        // And a failing closure on a fresh dir creates no config file.
        let fresh = tmp.path().join("fresh");
        let _ = update(&fresh, |c| -> Result<(), ConfigError> {
            c.store = Some(Backend::Keyring);
            Err(ConfigError::Encode("no".into()))
        });
        assert!(!path(&fresh).exists());
    }

    #[test]
    fn update_from_threads_loses_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    for _ in 0..10 {
                        update(&dir, |c| {
                            let acct = c.account.get_or_insert_with(Account::default);
                            acct.id += 1;
                            Ok::<_, ConfigError>(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(load(&dir).unwrap().account.unwrap().id, 80);
    }

    #[test]
    fn nested_update_is_an_error_not_a_deadlock() {
        let tmp = tempfile::tempdir().unwrap();
        let err = update(tmp.path(), |_| ensure_client_identifier(tmp.path())).unwrap_err();
        assert!(matches!(err, ConfigError::Nested { .. }), "{err:?}");
        assert!(err.to_string().contains("nested"));
        // The lock is released afterwards.
        ensure_client_identifier(tmp.path()).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn created_dir_and_file_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("plex-auth");
        ensure_client_identifier(&dir).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&path(&dir)), 0o600);
        assert_eq!(mode(&dir.join(LOCK_FILE_NAME)), 0o600);
    }

    #[test]
    fn client_identifier_is_a_uuid_v4_created_once() {
        let tmp = tempfile::tempdir().unwrap();
        let id = ensure_client_identifier(tmp.path()).unwrap();
        assert_eq!(ensure_client_identifier(tmp.path()).unwrap(), id);
        assert_eq!(
            load(tmp.path()).unwrap().client_identifier,
            Some(id.clone())
        );

        let parts: Vec<&str> = id.split('-').collect();
        let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        assert_eq!(lens, [8, 4, 4, 4, 12]);
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert!(parts[2].starts_with('4'));
        assert!("89ab".contains(&parts[3][..1]));
        assert_ne!(new_client_identifier().unwrap(), id);
    }
}
