//! Key rotation: a new random key, the token sealed again under it, and the old key gone, in
//! a way that a crash (or `kill -9`) at any moment leaves a token that opens.
//!
//! The key file and the sealed token live in different places (the keyring or
//! config.toml, never beside the key), so no single rename can swap both. The steps, under
//! config.toml's lock:
//!
//! 1. the new key is written beside the old one as `<key>.next` (atomic, fsynced);
//! 2. the token is sealed under the new key and stored where the old blob was (the keyring
//!    entry, or config.toml with the new key's id, in one atomic write);
//! 3. `<key>.next` is renamed over the key file (atomic), and the folder fsynced;
//! 4. config.toml records the new key's id and when it was made.
//!
//! Before step 2 the blob opens with the key file; from step 2 until step 3 it opens with
//! `<key>.next`; after step 3, with the key file again. [`Vault::load_token`] tries the key
//! file first and `<key>.next` second, so every state opens, and `rotate-key` (or the next
//! `validate`) finishes a rotation that was cut short at step 2 by doing step 3 and 4. A
//! `<key>.next` that the blob does not need is a leftover of a rotation cut short before
//! step 2; it is harmless and the next rotation replaces it.

use std::io;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::fs as fsutil;
use crate::secret::KeyBytes;
use crate::store::config::Transaction;
pub use crate::store::key::{key_created_at, key_target, next_path, pending};
use crate::store::{Backend, Config, StoreError, Vault, key, seal};

/// What the last step of a rotation did: when the key was made, the old key file a move
/// removed, and one it could not remove with why.
type Recorded = (u64, Option<PathBuf>, Option<(PathBuf, String)>);

/// What a rotation did.
#[derive(Debug)]
pub struct Rotated {
    pub backend: Backend,
    pub key_path: PathBuf,
    pub created_at: u64,
    /// A rotation cut short earlier was finished first.
    pub finished_interrupted: bool,
    /// The key file a move (`rotate-key --to`) took the key from, now removed.
    pub moved_from: Option<PathBuf>,
    /// The old key file of a move that could not be removed, and why (it no longer opens
    /// the token; the next rotation tries again).
    pub old_key_left: Option<(PathBuf, String)>,
}

impl Vault {
    /// The sealed blob where the recorded backend keeps it, or `None` when nothing is stored.
    fn stored_blob(&self, cfg: &Config, client_id: &str) -> Result<Option<String>> {
        match cfg.store {
            Some(Backend::Keyring) => self.keyring.get(client_id).map_err(|why| {
                Error::store(format!("cannot read the token from the OS keyring: {why}"))
                    .with_hint("start or unlock the keyring and run the command again")
            }),
            Some(Backend::File) | None => Ok(cfg.sealed_token.clone()),
        }
    }

    /// Finish a rotation that was cut short after the token was sealed under `<key>.next`:
    /// the blob does not open with the key file and does with `<key>.next`. Takes the lock
    /// itself; returns whether there was one to finish. Nothing to finish (or nothing
    /// stored) is `Ok(false)`.
    pub fn finish_rotation(&self) -> Result<bool> {
        if !pending(&self.key_path) {
            return Ok(false);
        }
        let mut txn = Transaction::begin(&self.config_dir)?;
        self.finish_in(&mut txn)
    }

    fn finish_in(&self, txn: &mut Transaction) -> Result<bool> {
        let next_path = next_path(&self.key_path);
        let Some(client_id) = txn.cfg.client_identifier.clone() else {
            return Ok(false);
        };
        let Some(blob) = self.stored_blob(&txn.cfg, &client_id)? else {
            return Ok(false);
        };
        let Some(next) = key::load(&next_path)? else {
            return Ok(false);
        };
        let opens_with_key =
            key::load(&self.key_path)?.is_some_and(|k| seal::open(&k, &client_id, &blob).is_ok());
        if opens_with_key || seal::open(&next, &client_id, &blob).is_err() {
            // A leftover from before the blob was resealed: not needed by anything.
            return Ok(false);
        }
        rename_durably(&next_path, &key_target(&self.key_path)).map_err(|e| {
            Error::store(format!(
                "cannot finish the interrupted key rotation (rename {} to {}): {e}",
                next_path.display(),
                self.key_path.display()
            ))
            .with_hint("the token still opens; make the key's folder writable and run `plex-auth rotate-key`")
        })?;
        txn.cfg.key_id = Some(seal::key_id(&next));
        txn.cfg.key_created_at = Some(crate::time::now());
        txn.commit()?;
        Ok(true)
    }

    /// Rotate the key (see the module docs). Bazarr's own `encryption_key` is Bazarr's and
    /// is not touched.
    pub fn rotate_key(&self) -> Result<Rotated> {
        let mut txn = Transaction::begin(&self.config_dir)?;
        // First the stored token, opened the ordinary way (so every usual error applies).
        let token = self
            .load_token_once(&txn.cfg)?
            .ok_or_else(Error::not_logged_in)?;
        let finished_interrupted = self.finish_in(&mut txn)?;
        let client_id = txn
            .cfg
            .client_identifier
            .clone()
            .ok_or_else(Error::not_logged_in)?;
        let backend = txn.cfg.store.unwrap_or(Backend::File);
        let key_path = key_target(&self.key_path);
        let next_path = next_path(&self.key_path);

        // 1. The new key beside the old one.
        let new_key = KeyBytes(crate::secret::random_bytes()?);
        let text = Zeroizing::new(format!("{}\n", STANDARD.encode(new_key.0)));
        // What a rotation killed right here left (a key under a temporary name): this
        // transaction holds the lock every key write takes.
        fsutil::remove_stale_temps(&next_path, None);
        fsutil::replace_file(&next_path, text.as_bytes(), fsutil::Mode::Private)
            .map_err(|e| unwritable(&key_path, &next_path, &e))?;

        // 2. The token sealed under it, where the old blob was. From here until step 3 the
        // blob opens only with `<key>.next`; that file is never removed on a failure.
        let blob = seal::seal(&new_key, &client_id, &token).map_err(StoreError::from)?;
        let new_id = seal::key_id(&new_key);
        match backend {
            Backend::Keyring => self.keyring.set(&client_id, &blob).map_err(|why| {
                Error::store(format!("cannot store the resealed token in the OS keyring: {why}"))
                    .with_hint(
                        "nothing changed: the old key still opens the token; unlock the keyring and run `plex-auth rotate-key` again",
                    )
            })?,
            Backend::File => {
                txn.cfg.sealed_token = Some(blob);
                txn.cfg.key_id = Some(new_id.clone());
                txn.commit()?;
            }
        }

        // 3. The new key in the old one's place: the old key is gone.
        rename_durably(&next_path, &key_path).map_err(|e| {
            Error::store(format!(
                "the token is sealed under the new key in {}, but it could not be moved over {}: {e}",
                next_path.display(),
                key_path.display()
            ))
            .with_hint("the token still opens (plex-auth reads the new key from there); run `plex-auth rotate-key` again to finish")
        })?;

        // 4. Record it, and remove the file a move took the key from.
        let (created_at, moved_from, old_key_left) = self.record(&mut txn, new_id, &key_path)?;
        Ok(Rotated {
            backend,
            key_path,
            created_at,
            finished_interrupted,
            moved_from,
            old_key_left,
        })
    }

    /// The last step of a rotation: record the new key, and remove the file a move took the
    /// key from (the token no longer opens with it). Returns when the key was made, the old
    /// file removed, and one that could not be removed with why.
    fn record(&self, txn: &mut Transaction, new_id: String, key_path: &Path) -> Result<Recorded> {
        let created_at = crate::time::now();
        txn.cfg.key_id = Some(new_id);
        txn.cfg.key_created_at = Some(created_at);
        txn.cfg.key_file = self.key_record.clone();
        let (moved_from, old_key_left) = match txn.cfg.key_moved_from.take() {
            Some(old) if old != key_path => match remove_durably(&old) {
                Ok(()) => (Some(old), None),
                Err(e) => {
                    txn.cfg.key_moved_from = Some(old.clone());
                    (None, Some((old, e.to_string())))
                }
            },
            _ => (None, None),
        };
        txn.commit().map_err(|e| {
            Error::from(e).context("the key was rotated, but config.toml could not record it")
        })?;
        Ok((created_at, moved_from, old_key_left))
    }

    /// Move the key to `dest` and rotate it there (`rotate-key --to`), in steps that each
    /// leave a token that opens:
    ///
    /// 1. the key in use is copied to `dest`, and config.toml records `dest` as the key
    ///    file and the old file as `key_moved_from`, in one write;
    /// 2. the rotation above runs at `dest`: a new key there, the token sealed under it;
    /// 3. with the rotation recorded, the old key file is removed.
    ///
    /// Cut short after step 1, the token opens with `dest` (the same key there), and any
    /// later rotation does steps 2 and 3. A file already at `dest` is never overwritten.
    pub fn move_key(&self, dest: &Path) -> Result<Rotated> {
        let old = key_target(&self.key_path);
        if !same_file(&old, dest) {
            if std::fs::symlink_metadata(dest).is_ok() {
                return Err(Error::store(format!(
                    "{} already exists; nothing was changed",
                    dest.display()
                ))
                .with_hint("give --to a path where no file is yet: plex-auth never overwrites a file it did not make"));
            }
            let mut txn = Transaction::begin(&self.config_dir)?;
            // The token must open with the key in use before it is moved (every usual error
            // applies), and the key is copied as it is.
            self.load_token_once(&txn.cfg)?
                .ok_or_else(Error::not_logged_in)?;
            let key = key::load(&old)?.ok_or_else(Error::not_logged_in)?;
            let text = Zeroizing::new(format!("{}\n", STANDARD.encode(key.0)));
            if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
                fsutil::ensure_private_dir(dir).map_err(|e| cannot_move(dest, &e))?;
            }
            fsutil::replace_file(dest, text.as_bytes(), fsutil::Mode::Private)
                .map_err(|e| cannot_move(dest, &e))?;
            txn.cfg.key_file = Some(dest.to_path_buf());
            txn.cfg.key_moved_from = Some(old);
            txn.commit()?;
        }
        Vault::new(self.config_dir.clone(), dest.to_path_buf(), self.pref)
            .recording_key(Some(dest.to_path_buf()))
            .rotate_key()
    }
}

fn cannot_move(dest: &Path, e: &io::Error) -> Error {
    Error::store(format!(
        "cannot write the key to {} ({e}); nothing was changed",
        dest.display()
    ))
    .with_hint("give --to a path in a folder plex-auth can create files in")
}

/// Whether two paths name the same file (both exist, same device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Remove a file and fsync its folder, so the removal survives a power cut. A file that
/// is already gone is fine.
fn remove_durably(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn unwritable(key_path: &Path, next_path: &Path, e: &io::Error) -> Error {
    let folder = next_path.parent().unwrap_or(Path::new("."));
    Error::store(format!(
        "cannot write the new key beside {} ({e}); nothing was changed",
        key_path.display()
    ))
    .with_hint(format!(
        "plex-auth must be able to create files in {}; or rotate the key where it is kept, \
         with --key-file pointing at that file",
        folder.display()
    ))
}

/// `rename(2)`, then fsync of the folder, so the new name survives a power cut too.
fn rename_durably(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)?;
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::secret::Secret;
    use crate::store::{StorePref, config};

    fn setup() -> (tempfile::TempDir, Vault) {
        let tmp = tempfile::tempdir().unwrap();
        let vault = Vault::new(
            tmp.path().join("config"),
            tmp.path().join("keys").join("key"),
            StorePref::File,
        );
        config::update(&vault.config_dir, |cfg| {
            vault.save_token(cfg, &Secret::new("tok-123"), &mut |_: &str| {})
        })
        .unwrap();
        (tmp, vault)
    }

    fn load(vault: &Vault) -> Option<String> {
        let cfg = config::load(&vault.config_dir).unwrap();
        vault
            .load_token(&cfg)
            .unwrap()
            .map(|t| t.expose().to_owned())
    }

    #[test]
    fn rotation_replaces_the_key_and_keeps_the_token() {
        let (_tmp, vault) = setup();
        let before = std::fs::read(&vault.key_path).unwrap();
        let cfg = config::load(&vault.config_dir).unwrap();
        assert!(cfg.key_created_at.is_some(), "a new key records its birth");
        let r = vault.rotate_key().unwrap();
        assert!(!r.finished_interrupted);
        assert_ne!(std::fs::read(&vault.key_path).unwrap(), before);
        assert!(!pending(&vault.key_path));
        assert_eq!(load(&vault).as_deref(), Some("tok-123"));
        let cfg = config::load(&vault.config_dir).unwrap();
        let key = key::load(&vault.key_path).unwrap().unwrap();
        assert_eq!(cfg.key_id, Some(seal::key_id(&key)));
    }

    /// Each state a crash can leave opens, and the next rotation finishes it.
    #[test]
    fn every_intermediate_state_opens() {
        let (_tmp, vault) = setup();
        let client_id = config::load(&vault.config_dir)
            .unwrap()
            .client_identifier
            .unwrap();
        // Cut short after step 1: a stray `<key>.next`.
        let stray = KeyBytes([7; 32]);
        std::fs::write(next_path(&vault.key_path), STANDARD.encode(stray.0) + "\n").unwrap();
        assert_eq!(load(&vault).as_deref(), Some("tok-123"));
        assert!(!vault.finish_rotation().unwrap(), "nothing to finish");

        // Cut short after step 2: the blob is sealed under `<key>.next`.
        config::update(&vault.config_dir, |cfg| {
            cfg.sealed_token = Some(seal::seal(&stray, &client_id, &Secret::new("tok-123"))?);
            Ok::<_, crate::error::Error>(())
        })
        .unwrap();
        assert_eq!(load(&vault).as_deref(), Some("tok-123"));
        assert!(vault.finish_rotation().unwrap());
        assert!(!pending(&vault.key_path));
        assert_eq!(key::load(&vault.key_path).unwrap().unwrap().0, stray.0);
        assert_eq!(load(&vault).as_deref(), Some("tok-123"));

        // And a rotation that finds one cut short finishes it first.
        std::fs::write(next_path(&vault.key_path), STANDARD.encode([9u8; 32])).unwrap();
        config::update(&vault.config_dir, |cfg| {
            cfg.sealed_token = Some(seal::seal(
                &KeyBytes([9; 32]),
                &client_id,
                &Secret::new("tok-123"),
            )?);
            Ok::<_, crate::error::Error>(())
        })
        .unwrap();
        assert!(vault.rotate_key().unwrap().finished_interrupted);
        assert_eq!(load(&vault).as_deref(), Some("tok-123"));
        assert_ne!(key::load(&vault.key_path).unwrap().unwrap().0, [9u8; 32]);
    }

    /// The keyring store: the entry holds the resealed blob; config.toml never holds one.
    #[test]
    fn rotation_with_the_keyring_store() {
        let tmp = tempfile::tempdir().unwrap();
        let store = keyring_core::mock::Store::new().unwrap();
        let vault = Vault {
            config_dir: tmp.path().join("config"),
            key_path: tmp.path().join("key"),
            pref: StorePref::Keyring,
            key_record: None,
            keyring: crate::store::keyring::Keyring::with_store(
                store.clone(),
                std::time::Duration::from_secs(2),
            ),
        };
        config::update(&vault.config_dir, |cfg| {
            vault.save_token(cfg, &Secret::new("tok-k"), &mut |_: &str| {})
        })
        .unwrap();
        let cfg = config::load(&vault.config_dir).unwrap();
        let client_id = cfg.client_identifier.clone().unwrap();
        let blob_before = vault.keyring.get(&client_id).unwrap().unwrap();
        let r = vault.rotate_key().unwrap();
        assert_eq!(r.backend, Backend::Keyring);
        let blob_after = vault.keyring.get(&client_id).unwrap().unwrap();
        assert_ne!(blob_before, blob_after);
        let cfg = config::load(&vault.config_dir).unwrap();
        assert_eq!(cfg.sealed_token, None);
        assert_eq!(load(&vault).as_deref(), Some("tok-k"));

        // Cut short after the keyring took the new blob: it opens with `<key>.next`.
        let next = KeyBytes([3; 32]);
        std::fs::write(next_path(&vault.key_path), STANDARD.encode(next.0)).unwrap();
        vault
            .keyring
            .set(
                &client_id,
                &seal::seal(&next, &client_id, &Secret::new("tok-k")).unwrap(),
            )
            .unwrap();
        assert_eq!(load(&vault).as_deref(), Some("tok-k"));
        assert!(vault.finish_rotation().unwrap());
        assert_eq!(load(&vault).as_deref(), Some("tok-k"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_key_is_rotated_where_it_lives() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("vol").join("key");
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        let link = tmp.path().join("link");
        let vault = Vault::new(tmp.path().join("config"), link.clone(), StorePref::File);
        key::load_or_create(&real).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        config::update(&vault.config_dir, |cfg| {
            vault.save_token(cfg, &Secret::new("t"), &mut |_: &str| {})
        })
        .unwrap();
        let before = std::fs::read(&real).unwrap();
        vault.rotate_key().unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_ne!(std::fs::read(&real).unwrap(), before);
        assert_eq!(load(&vault).as_deref(), Some("t"));
    }

    #[test]
    fn key_age_falls_back_to_the_file_time() {
        let (_tmp, vault) = setup();
        let mut cfg = config::load(&vault.config_dir).unwrap();
        cfg.key_created_at = None;
        let at = key_created_at(&cfg, &vault.key_path).unwrap();
        assert!(crate::time::now().abs_diff(at) < 60);
        cfg.key_created_at = Some(5);
        assert_eq!(key_created_at(&cfg, &vault.key_path), Some(5));
    }

    #[test]
    fn not_logged_in_rotates_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let vault = Vault::new(
            tmp.path().join("config"),
            tmp.path().join("key"),
            StorePref::File,
        );
        assert_eq!(vault.rotate_key().unwrap_err().kind, ErrorKind::NotLoggedIn);
        assert!(!vault.key_path.exists());
    }

    /// A move cut short after its first step (the key copied to the new place and recorded
    /// there, the old file still present): the token opens from the new place, and the next
    /// rotation there removes the old file.
    #[test]
    fn a_move_cut_short_after_the_copy_opens_and_is_finished_by_the_next_rotation() {
        let (tmp, vault) = setup();
        let dest = tmp.path().join("usb").join("plex-auth.key");
        std::fs::create_dir(dest.parent().unwrap()).unwrap();
        std::fs::copy(&vault.key_path, &dest).unwrap();
        config::update(&vault.config_dir, |cfg| {
            cfg.key_file = Some(dest.clone());
            cfg.key_moved_from = Some(vault.key_path.clone());
            Ok::<_, crate::error::Error>(())
        })
        .unwrap();
        let moved = Vault::new(vault.config_dir.clone(), dest.clone(), StorePref::File)
            .recording_key(Some(dest.clone()));
        assert_eq!(load(&moved).as_deref(), Some("tok-123"));

        let done = moved.rotate_key().unwrap();
        assert_eq!(done.moved_from.as_deref(), Some(vault.key_path.as_path()));
        assert!(!vault.key_path.exists(), "the old key file is removed");
        assert_eq!(load(&moved).as_deref(), Some("tok-123"));
        let cfg = config::load(&vault.config_dir).unwrap();
        assert_eq!(cfg.key_moved_from, None);
        assert_eq!(cfg.key_file.as_deref(), Some(dest.as_path()));
    }
}
