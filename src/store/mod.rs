//! Where the token lives. The token is sealed with the key file's key; the sealed blob goes
//! to the OS keyring or into config.toml, never beside the key (docs/formats.md#the-sealed-token).

pub mod config;
pub mod error;
pub mod key;
pub mod keyring;
pub mod seal;
pub mod server_names;
pub mod state;

use std::path::PathBuf;

pub use config::{Account, AuthMethod, Backend, Config, SelectedServer};
pub use error::StoreError;

type Result<T, E = StoreError> = std::result::Result<T, E>;
use crate::secret::{KeyBytes, Secret};
use keyring::{Keyring, Unavailable};
use seal::OpenError;

/// What `--store` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorePref {
    Auto,
    Keyring,
    File,
}

#[derive(Debug)]
pub struct Vault {
    pub config_dir: PathBuf,
    pub key_path: PathBuf,
    pub pref: StorePref,
    /// What a seal records as config.toml's `key_file`, so later runs find a key that is
    /// not in the default place (`None` clears it).
    pub key_record: Option<PathBuf>,
    pub(crate) keyring: Keyring,
}

impl Vault {
    pub fn new(config_dir: PathBuf, key_path: PathBuf, pref: StorePref) -> Self {
        Vault {
            config_dir,
            key_path,
            pref,
            key_record: None,
            keyring: Keyring::new(),
        }
    }

    /// Record `key_record` as the key file's place whenever a token is sealed.
    pub fn recording_key(mut self, key_record: Option<PathBuf>) -> Self {
        self.key_record = key_record;
        self
    }

    /// Seal and store `token`, inside the caller's `config::update` closure (so `cfg` is
    /// locked). An explicit preference wins; `Auto` keeps the recorded backend, and on
    /// first use takes the keyring when it answers, else the file, telling `notice` why
    /// before the token is written. Records `cfg.store` and `cfg.key_id`; when the backend
    /// changes, the old copy is removed (best effort). Creates the key file if needed.
    pub fn save_token(
        &self,
        cfg: &mut Config,
        token: &Secret,
        notice: &mut dyn FnMut(&str),
    ) -> Result<Backend> {
        let client_id = match &cfg.client_identifier {
            Some(id) => id.clone(),
            None => {
                let id = config::new_client_identifier()?;
                cfg.client_identifier = Some(id.clone());
                id
            }
        };
        let previous = cfg.store;
        let first_auto = self.pref == StorePref::Auto && previous.is_none();
        let mut backend = self.choose_backend(previous, notice)?;

        let new_key = std::fs::symlink_metadata(&self.key_path).is_err();
        let key = key::load_or_create(&self.key_path)?;
        let blob = seal::seal(&key, &client_id, token)?;

        // A keyring can answer a read and still refuse a write (a locked collection with no
        // prompter). On first use that is the same case as no keyring at all.
        if backend == Backend::Keyring
            && let Err(why) = self.keyring.set(&client_id, &blob)
        {
            if !first_auto {
                return Err(self.keyring_error("cannot store the token in", &why));
            }
            notice(&self.fallback_notice(&why));
            backend = Backend::File;
        }

        if backend == Backend::Keyring && previous != Some(Backend::Keyring) {
            notice(&self.keyring_session_notice());
        }
        match backend {
            Backend::Keyring => cfg.sealed_token = None,
            Backend::File => {
                cfg.sealed_token = Some(blob);
                if previous == Some(Backend::Keyring)
                    && let Err(why) = self.keyring.delete(&client_id)
                {
                    notice(&format!(
                        "the old sealed token in the OS keyring could not be removed ({why}); \
                         remove the entry {} by hand",
                        self.entry_name(&client_id)
                    ));
                }
            }
        }
        cfg.store = Some(backend);
        // The key's age (status, validate --max-key-age): known when made here; for a key
        // made elsewhere, its file's time is used (`rotate::key_created_at`).
        let id = seal::key_id(&key);
        if new_key {
            cfg.key_created_at = Some(crate::time::now());
        } else if cfg.key_id.as_deref() != Some(id.as_str()) {
            cfg.key_created_at = None;
        }
        cfg.key_id = Some(id);
        cfg.key_file = self.key_record.clone();
        Ok(backend)
    }

    /// Before a login asks anyone to approve anything: the store that `save_token` would
    /// use answers (an explicit `--store keyring` needs a keyring; `auto` never fails here,
    /// it falls back later and says so), and a key file already in place reads as a key.
    pub fn precheck(&self, cfg: &Config) -> Result<()> {
        let wants_keyring = match (self.pref, cfg.store) {
            (StorePref::Keyring, _) => true,
            (StorePref::Auto, Some(recorded)) => recorded == Backend::Keyring,
            _ => false,
        };
        if wants_keyring {
            self.keyring
                .probe()
                .map_err(|why| self.keyring_error("cannot use", &why))?;
        }
        key::load(&self.key_path)?;
        Ok(())
    }

    fn choose_backend(
        &self,
        recorded: Option<Backend>,
        notice: &mut dyn FnMut(&str),
    ) -> Result<Backend> {
        match (self.pref, recorded) {
            (StorePref::File, _) => Ok(Backend::File),
            (StorePref::Keyring, _) => {
                self.keyring
                    .probe()
                    .map_err(|why| self.keyring_error("cannot use", &why))?;
                Ok(Backend::Keyring)
            }
            // Later runs (cron) never switch on their own: a keyring that is down now is
            // reported by the write, not silently replaced by the file.
            (StorePref::Auto, Some(recorded)) => Ok(recorded),
            (StorePref::Auto, None) => match self.keyring.probe() {
                Ok(()) => Ok(Backend::Keyring),
                Err(why) => {
                    notice(&self.fallback_notice(&why));
                    Ok(Backend::File)
                }
            },
        }
    }

    fn fallback_notice(&self, why: &Unavailable) -> String {
        format!(
            "no usable OS keyring ({why}); storing the sealed token in {} instead",
            config::path(&self.config_dir).display()
        )
    }

    /// A keyring belongs to a login session: cron, systemd services and SSH sessions without
    /// that session's bus cannot open it, and `validate` there would fail (exit 8).
    fn keyring_session_notice(&self) -> String {
        format!(
            "the sealed token goes to the OS keyring of this login session; cron jobs, \
             services and other sessions cannot read it. For those, link with \
             `plex-auth login --force --store file` (the sealed token then lives in {})",
            config::path(&self.config_dir).display()
        )
    }

    fn keyring_error(&self, what: &'static str, why: &Unavailable) -> StoreError {
        StoreError::KeyringUnusable {
            what,
            why: why.clone(),
            config_path: config::path(&self.config_dir),
        }
    }

    fn entry_name(&self, client_id: &str) -> String {
        format!("{}/{client_id}", keyring::SERVICE)
    }

    /// The stored token, or `Ok(None)` when nothing is stored. Reads the recorded backend
    /// only and never creates a key.
    ///
    /// Readers take no lock, so a `rotate-key` may replace the blob and the key between the
    /// moment `cfg` was read and the moment the key is: a token that does not open is read
    /// again (config.toml, blob and key) while config.toml or the key file keep changing
    /// under it, a few times at most.
    pub fn load_token(&self, cfg: &Config) -> Result<Option<Secret>> {
        let fingerprint = || {
            key::load(&self.key_path)
                .ok()
                .flatten()
                .map(|k| seal::key_id(&k))
        };
        let mut seen = fingerprint();
        let mut current = std::borrow::Cow::Borrowed(cfg);
        let mut attempts = 0;
        loop {
            match self.load_token_once(&current) {
                Err(e) if e.is_decrypt_failure() && attempts < 3 => {
                    attempts += 1;
                    let Ok(fresh) = config::load(&self.config_dir) else {
                        return Err(e);
                    };
                    let now = fingerprint();
                    if fresh.key_id == current.key_id && now == seen {
                        return Err(e);
                    }
                    seen = now;
                    current = std::borrow::Cow::Owned(fresh);
                }
                other => return other,
            }
        }
    }

    pub(crate) fn load_token_once(&self, cfg: &Config) -> Result<Option<Secret>> {
        let Some(client_id) = cfg.client_identifier.as_deref() else {
            return Ok(None);
        };
        let (blob, place) = match cfg.store {
            Some(Backend::Keyring) => match self.keyring.get(client_id) {
                Ok(Some(blob)) => (blob, "the OS keyring".to_owned()),
                Ok(None) => return Ok(None),
                Err(why) => return Err(StoreError::KeyringRead { why }),
            },
            Some(Backend::File) | None => match &cfg.sealed_token {
                Some(blob) => (
                    blob.clone(),
                    config::path(&self.config_dir).display().to_string(),
                ),
                None => return Ok(None),
            },
        };
        let Some(key) = key::load(&self.key_path)? else {
            return Err(StoreError::KeyMissing {
                key_path: self.key_path.clone(),
            });
        };
        seal::open(&key, client_id, &blob).map(Some).or_else(|e| {
            // A key rotation cut short after the token was resealed (see `rotate`).
            self.open_with_next(client_id, &blob)
                .map(Some)
                .ok_or_else(|| self.open_failure(cfg, &key, &place, e))
        })
    }

    fn open_failure(
        &self,
        cfg: &Config,
        key: &KeyBytes,
        place: &str,
        err: OpenError,
    ) -> StoreError {
        let key_path = self.key_path.clone();
        let current = seal::key_id(key);
        let place = place.to_owned();
        match (&cfg.key_id, err) {
            (Some(sealed_with), OpenError::Failed) if *sealed_with != current => {
                StoreError::KeyChanged {
                    key_path,
                    then: sealed_with.clone(),
                    now: current,
                }
            }
            (_, OpenError::Failed) => StoreError::DoesNotOpen { place, key_path },
            (_, why) => StoreError::Damaged { place, why },
        }
    }

    /// Forgets the sealed token (logout). Keeps `cfg.store`, so the next login uses the same
    /// backend. Nothing stored is fine.
    pub fn delete_token(&self, cfg: &mut Config) -> Result<()> {
        // Without a recorded key id nothing was sealed here, so a keyring that is down cannot
        // be holding our token and logging out may go on.
        if cfg.store == Some(Backend::Keyring)
            && let Some(client_id) = cfg.client_identifier.as_deref()
            && let Err(why) = self.keyring.delete(client_id)
            && cfg.key_id.is_some()
        {
            return Err(StoreError::KeyringDelete { why });
        }
        cfg.sealed_token = None;
        cfg.key_id = None;
        Ok(())
    }

    /// Where the sealed token lives, for `status`.
    pub fn describe(&self, cfg: &Config) -> String {
        match cfg.store {
            Some(Backend::Keyring) => format!(
                "OS keyring ({}), entry {}",
                keyring::platform_name(),
                self.entry_name(cfg.client_identifier.as_deref().unwrap_or("?"))
            ),
            Some(Backend::File) => config::path(&self.config_dir).display().to_string(),
            None if cfg.sealed_token.is_some() => {
                config::path(&self.config_dir).display().to_string()
            }
            None => "nothing stored yet".to_owned(),
        }
    }
}

impl Vault {
    /// The token, opened with `<key>.next` when it does not open with the key file: a
    /// rotation was cut short after the token was sealed under the new key (see the module
    /// docs). Read-only: the rotation is finished by the next `rotate-key` or `validate`.
    fn open_with_next(&self, client_id: &str, blob: &str) -> Option<Secret> {
        let next = key::load(&key::next_path(&self.key_path)).ok()??;
        seal::open(&next, client_id, blob).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // What these failures become for the user (kind and hint) is checked with them.
    use crate::error::{Error, ErrorKind};
    use keyring_core::{CredentialStore, Entry, Error as KeyringError, mock};
    use std::cell::RefCell;
    use std::fs;
    use std::path::Path;
    use std::sync::Arc;
    use std::time::Duration;

    const TOKEN: &str = "CxoUzBTSV5hsxjTpFKaf";

    struct Setup {
        _tmp: tempfile::TempDir,
        dir: PathBuf,
        key: PathBuf,
    }

    fn setup() -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("config");
        // The key on purpose in another folder, as an admin might place it.
        let key = tmp.path().join("keys").join("key");
        Setup {
            _tmp: tmp,
            dir,
            key,
        }
    }

    fn file_vault(s: &Setup) -> Vault {
        Vault::new(s.dir.clone(), s.key.clone(), StorePref::File)
    }

    fn mock_vault(s: &Setup, pref: StorePref) -> (Arc<mock::Store>, Vault) {
        let store = mock::Store::new().unwrap();
        let vault = vault_on(s, pref, &store);
        (store, vault)
    }

    /// A vault whose keyring is the given in-memory store, so several vaults share it.
    fn vault_on(s: &Setup, pref: StorePref, store: &Arc<mock::Store>) -> Vault {
        Vault {
            config_dir: s.dir.clone(),
            key_path: s.key.clone(),
            pref,
            key_record: None,
            keyring: Keyring::with_store(store.clone(), Duration::from_secs(2)),
        }
    }

    /// The next call on this mock entry fails as a keyring with no storage access would.
    fn break_entry(store: &Arc<mock::Store>, user: &str) {
        let store: Arc<CredentialStore> = store.clone();
        let entry = Entry::new_in_store(&store, keyring::SERVICE, user).unwrap();
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(KeyringError::NoStorageAccess(Box::new(
            std::io::Error::other("SS error: prompt dismissed"),
        )));
    }

    fn mock_get(store: &Arc<mock::Store>, user: &str) -> Option<String> {
        let store: Arc<CredentialStore> = store.clone();
        Entry::new_in_store(&store, keyring::SERVICE, user)
            .unwrap()
            .get_password()
            .ok()
    }

    fn save(vault: &Vault, token: &str) -> (Result<Backend>, Vec<String>) {
        let notices = RefCell::new(Vec::new());
        let result = config::update(&vault.config_dir, |cfg| {
            vault.save_token(cfg, &Secret::new(token), &mut |line: &str| {
                notices.borrow_mut().push(line.to_owned())
            })
        });
        (result, notices.into_inner())
    }

    fn load(vault: &Vault) -> Result<Option<Secret>> {
        vault.load_token(&config::load(&vault.config_dir).unwrap())
    }

    fn client_id(dir: &Path) -> String {
        config::load(dir).unwrap().client_identifier.unwrap()
    }

    #[test]
    fn file_backend_end_to_end() {
        let s = setup();
        let vault = file_vault(&s);
        assert!(load(&vault).unwrap().is_none());

        let (backend, notices) = save(&vault, TOKEN);
        assert_eq!(backend.unwrap(), Backend::File);
        assert!(notices.is_empty());

        let text = fs::read_to_string(config::path(&s.dir)).unwrap();
        assert!(!text.contains(TOKEN), "plaintext token in config.toml");
        assert!(text.contains("sealed_token = "));
        let key_text = fs::read_to_string(&s.key).unwrap();
        assert!(
            !text.contains(key_text.trim()),
            "the key sits beside the token"
        );

        let cfg = config::load(&s.dir).unwrap();
        assert_eq!(cfg.store, Some(Backend::File));
        assert_eq!(
            cfg.key_id.as_deref(),
            Some(seal::key_id(&key::load(&s.key).unwrap().unwrap()).as_str())
        );
        assert_eq!(load(&vault).unwrap().unwrap().expose(), TOKEN);
        assert_eq!(
            vault.describe(&cfg),
            config::path(&s.dir).display().to_string()
        );

        // A new login replaces the token and keeps the key.
        let key_before = fs::read(&s.key).unwrap();
        save(&vault, "another-token").0.unwrap();
        assert_eq!(fs::read(&s.key).unwrap(), key_before);
        assert_eq!(load(&vault).unwrap().unwrap().expose(), "another-token");

        config::update(&s.dir, |cfg| vault.delete_token(cfg)).unwrap();
        let cfg = config::load(&s.dir).unwrap();
        assert_eq!(cfg.sealed_token, None);
        assert_eq!(cfg.key_id, None);
        assert_eq!(cfg.store, Some(Backend::File));
        assert!(load(&vault).unwrap().is_none());
        // Deleting again is fine.
        config::update(&s.dir, |cfg| vault.delete_token(cfg)).unwrap();
    }

    #[test]
    fn changed_key_is_reported_as_changed() {
        let s = setup();
        let vault = file_vault(&s);
        save(&vault, TOKEN).0.unwrap();
        fs::remove_file(&s.key).unwrap();
        key::load_or_create(&s.key).unwrap();
        let err = Error::from(load(&vault).unwrap_err());
        assert_eq!(err.kind, ErrorKind::DecryptFailed);
        assert!(err.message.contains("changed"), "{}", err.message);
        assert!(err.message.contains(&s.key.display().to_string()));
        assert!(err.hint.unwrap().contains("plex-auth login --force"));
        assert!(!err.message.contains(TOKEN));
    }

    #[test]
    fn missing_key_is_named_and_not_recreated() {
        let s = setup();
        let vault = file_vault(&s);
        save(&vault, TOKEN).0.unwrap();
        fs::remove_file(&s.key).unwrap();
        let err = Error::from(load(&vault).unwrap_err());
        assert_eq!(err.kind, ErrorKind::DecryptFailed);
        assert!(
            err.message.contains(&s.key.display().to_string()),
            "{}",
            err.message
        );
        assert!(err.message.contains("missing"));
        assert!(err.hint.unwrap().contains("backup"));
        assert!(!s.key.exists(), "load_token created a key");
    }

    #[test]
    fn damaged_blob_or_other_install_is_reported_as_damage() {
        let s = setup();
        let vault = file_vault(&s);
        save(&vault, TOKEN).0.unwrap();
        let mut cfg = config::load(&s.dir).unwrap();

        let mut tampered = cfg.clone();
        let blob = tampered.sealed_token.take().unwrap();
        let flipped = if blob.starts_with('A') { 'B' } else { 'A' };
        tampered.sealed_token = Some(format!("{flipped}{}", &blob[1..]));
        let err = Error::from(vault.load_token(&tampered).unwrap_err());
        assert_eq!(err.kind, ErrorKind::DecryptFailed);
        assert!(err.message.contains("damaged"), "{}", err.message);

        tampered.sealed_token = Some("%%%".into());
        let err = Error::from(vault.load_token(&tampered).unwrap_err());
        assert!(err.message.contains("not valid base64"), "{}", err.message);

        // The same blob under another install's identifier does not open.
        cfg.client_identifier = Some(config::new_client_identifier().unwrap());
        let err = Error::from(vault.load_token(&cfg).unwrap_err());
        assert_eq!(err.kind, ErrorKind::DecryptFailed);
        assert!(err.message.contains("another install"), "{}", err.message);
    }

    #[test]
    fn unusable_key_file_is_decrypt_failed() {
        let s = setup();
        let vault = file_vault(&s);
        save(&vault, TOKEN).0.unwrap();
        fs::write(&s.key, "short\n").unwrap();
        let err = Error::from(load(&vault).unwrap_err());
        assert_eq!(err.kind, ErrorKind::DecryptFailed);
        assert!(err.message.contains("not a plex-auth key"));
        // Saving refuses too, rather than replacing the admin's file.
        assert_eq!(
            Error::from(save(&vault, TOKEN).0.unwrap_err()).kind,
            ErrorKind::DecryptFailed
        );
    }

    #[test]
    fn auto_uses_an_answering_keyring() {
        let s = setup();
        let (store, vault) = mock_vault(&s, StorePref::Auto);
        let (backend, notices) = save(&vault, TOKEN);
        assert_eq!(backend.unwrap(), Backend::Keyring);
        // Cron cannot read a session's keyring: said once, when the keyring is chosen.
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].contains("cron jobs"), "{notices:?}");
        assert!(notices[0].contains("--store file"), "{notices:?}");
        assert!(save(&vault, TOKEN).1.is_empty(), "said again");

        let cfg = config::load(&s.dir).unwrap();
        assert_eq!(cfg.store, Some(Backend::Keyring));
        assert_eq!(cfg.sealed_token, None);
        assert!(cfg.key_id.is_some());
        let id = client_id(&s.dir);
        let blob = mock_get(&store, &id).unwrap();
        assert!(!blob.contains(TOKEN));
        assert_eq!(load(&vault).unwrap().unwrap().expose(), TOKEN);
        assert_eq!(
            vault.describe(&cfg),
            format!("OS keyring (Secret Service), entry plex-auth/{id}")
        );
        let text = fs::read_to_string(config::path(&s.dir)).unwrap();
        assert!(!text.contains(&blob));

        config::update(&s.dir, |cfg| vault.delete_token(cfg)).unwrap();
        assert_eq!(mock_get(&store, &id), None);
        assert!(load(&vault).unwrap().is_none());
        assert_eq!(config::load(&s.dir).unwrap().store, Some(Backend::Keyring));
    }

    #[test]
    fn auto_without_keyring_falls_back_to_the_file_and_says_so_first() {
        let s = setup();
        let (store, vault) = mock_vault(&s, StorePref::Auto);
        break_entry(&store, "probe");
        let notices = RefCell::new(Vec::new());
        let backend = config::update(&s.dir, |cfg| {
            let backend = vault.save_token(cfg, &Secret::new(TOKEN), &mut |line: &str| {
                // Said before the sealed token reaches any file.
                assert!(!config::path(&s.dir).exists());
                notices.borrow_mut().push(line.to_owned());
            });
            assert_eq!(cfg.sealed_token.is_some(), backend.is_ok());
            backend
        })
        .unwrap();
        assert_eq!(backend, Backend::File);
        let notices = notices.into_inner();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            notices[0].contains("locked and cannot prompt"),
            "{}",
            notices[0]
        );
        assert!(notices[0].contains("config.toml"));
        assert_eq!(config::load(&s.dir).unwrap().store, Some(Backend::File));
        assert_eq!(load(&vault).unwrap().unwrap().expose(), TOKEN);
    }

    #[test]
    fn auto_falls_back_when_the_keyring_reads_but_refuses_the_write() {
        let s = setup();
        let (store, vault) = mock_vault(&s, StorePref::Auto);
        let id = config::ensure_client_identifier(&s.dir).unwrap();
        break_entry(&store, &id);
        let (backend, notices) = save(&vault, TOKEN);
        assert_eq!(backend.unwrap(), Backend::File);
        assert_eq!(notices.len(), 1);
        assert_eq!(mock_get(&store, &id), None);
        assert_eq!(load(&vault).unwrap().unwrap().expose(), TOKEN);
    }

    #[test]
    fn recorded_keyring_that_fails_is_an_error_not_a_switch() {
        let s = setup();
        let (store, vault) = mock_vault(&s, StorePref::Auto);
        save(&vault, TOKEN).0.unwrap();
        let id = client_id(&s.dir);
        let before = fs::read(config::path(&s.dir)).unwrap();

        break_entry(&store, &id);
        let (result, notices) = save(&vault, "new-token");
        let err = Error::from(result.unwrap_err());
        assert_eq!(err.kind, ErrorKind::Store);
        assert!(notices.is_empty());
        assert_eq!(fs::read(config::path(&s.dir)).unwrap(), before);
        assert_eq!(load(&vault).unwrap().unwrap().expose(), TOKEN);

        break_entry(&store, &id);
        let err = Error::from(load(&vault).unwrap_err());
        assert_eq!(err.kind, ErrorKind::Store);
        assert!(
            err.message
                .contains("cannot read the token from the OS keyring")
        );
        assert!(err.hint.unwrap().contains("--store file"));

        break_entry(&store, &id);
        let err = Error::from(config::update(&s.dir, |cfg| vault.delete_token(cfg)).unwrap_err());
        assert_eq!(err.kind, ErrorKind::Store);
        assert_eq!(load(&vault).unwrap().unwrap().expose(), TOKEN);
    }

    #[test]
    fn logout_with_nothing_sealed_does_not_need_the_keyring() {
        let s = setup();
        let (store, vault) = mock_vault(&s, StorePref::Auto);
        let mut cfg = Config {
            client_identifier: Some(config::new_client_identifier().unwrap()),
            store: Some(Backend::Keyring),
            ..Config::default()
        };
        break_entry(&store, cfg.client_identifier.as_deref().unwrap());
        vault.delete_token(&mut cfg).unwrap();
        assert_eq!(cfg.store, Some(Backend::Keyring));
    }

    #[test]
    fn explicit_keyring_without_one_is_a_store_error() {
        let s = setup();
        let (store, vault) = mock_vault(&s, StorePref::Keyring);
        break_entry(&store, "probe");
        let (result, notices) = save(&vault, TOKEN);
        let err = Error::from(result.unwrap_err());
        assert_eq!(err.kind, ErrorKind::Store);
        assert!(
            err.message.contains("locked and cannot prompt"),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().contains("--store file"));
        assert!(notices.is_empty());
        assert!(!config::path(&s.dir).exists());
        assert!(
            !s.key.exists(),
            "a key was made for a token that was not stored"
        );
    }

    #[test]
    fn switching_backends_moves_the_token() {
        let s = setup();
        let (store, keyring_vault) = mock_vault(&s, StorePref::Keyring);
        assert_eq!(save(&keyring_vault, TOKEN).0.unwrap(), Backend::Keyring);
        let id = client_id(&s.dir);
        assert!(mock_get(&store, &id).is_some());

        // To the file: the keyring copy goes.
        let file_vault = vault_on(&s, StorePref::File, &store);
        assert_eq!(save(&file_vault, TOKEN).0.unwrap(), Backend::File);
        assert_eq!(mock_get(&store, &id), None);
        let cfg = config::load(&s.dir).unwrap();
        assert!(cfg.sealed_token.is_some());
        assert_eq!(load(&file_vault).unwrap().unwrap().expose(), TOKEN);

        // A later auto run keeps the file.
        let auto_vault = vault_on(&s, StorePref::Auto, &store);
        assert_eq!(save(&auto_vault, TOKEN).0.unwrap(), Backend::File);

        // Back to the keyring: the file copy goes.
        assert_eq!(save(&keyring_vault, "t2").0.unwrap(), Backend::Keyring);
        let cfg = config::load(&s.dir).unwrap();
        assert_eq!(cfg.sealed_token, None);
        assert_eq!(cfg.store, Some(Backend::Keyring));
        assert_eq!(load(&keyring_vault).unwrap().unwrap().expose(), "t2");
    }

    #[test]
    fn nothing_stored_yet() {
        let s = setup();
        let vault = file_vault(&s);
        let cfg = Config::default();
        assert!(vault.load_token(&cfg).unwrap().is_none());
        assert_eq!(vault.describe(&cfg), "nothing stored yet");
        let mut cfg = cfg;
        vault.delete_token(&mut cfg).unwrap();
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn save_creates_a_client_identifier_when_missing() {
        let s = setup();
        let vault = file_vault(&s);
        let mut cfg = Config::default();
        vault
            .save_token(&mut cfg, &Secret::new(TOKEN), &mut |_: &str| {})
            .unwrap();
        let id = cfg.client_identifier.clone().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(vault.load_token(&cfg).unwrap().unwrap().expose(), TOKEN);
    }
}
