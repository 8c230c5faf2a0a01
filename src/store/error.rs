//! What can go wrong with the stored token (the Vault's boundary: the keyring, the key file,
//! the seal), before it becomes an exit code. The message says what happened; `error.rs`
//! adds the kind (8: STORE_ERROR or DECRYPT_FAILED) and the hint.

use std::path::PathBuf;

use super::key::KeyError;
use super::keyring::Unavailable;
use super::seal::{OpenError, SealError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The keyring was asked for (or recorded) and cannot be used. `what` says for what.
    #[error("{what} the OS keyring: {why}")]
    KeyringUnusable {
        what: &'static str,
        why: Unavailable,
        /// Where `--store file` would keep the sealed token instead.
        config_path: PathBuf,
    },
    #[error("cannot read the token from the OS keyring: {why}")]
    KeyringRead { why: Unavailable },
    #[error("cannot remove the token from the OS keyring: {why}")]
    KeyringDelete { why: Unavailable },
    #[error("the key file {} is missing, so the stored token cannot be opened", .key_path.display())]
    KeyMissing { key_path: PathBuf },
    #[error("the key in {} has changed since the token was sealed (key id {then} then, {now} now)", .key_path.display())]
    KeyChanged {
        key_path: PathBuf,
        then: String,
        now: String,
    },
    #[error("the sealed token in {place} does not open with the key in {}: it is damaged, or it was sealed by another install", .key_path.display())]
    DoesNotOpen { place: String, key_path: PathBuf },
    #[error("the sealed token in {place} is damaged: {why}")]
    Damaged { place: String, why: OpenError },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Random(#[from] crate::secret::RandomError),
    #[error(transparent)]
    Config(#[from] super::config::ConfigError),
}

impl StoreError {
    /// The token is there but does not open (exit 8, DECRYPT_FAILED): worth one more read
    /// when a rotation may have changed the key meanwhile.
    pub fn is_decrypt_failure(&self) -> bool {
        matches!(
            self,
            StoreError::KeyMissing { .. }
                | StoreError::KeyChanged { .. }
                | StoreError::DoesNotOpen { .. }
                | StoreError::Damaged { .. }
                | StoreError::Key(KeyError::NotAKey { .. })
        )
    }
}

/// The keyring's name in hints: what a person would start or unlock.
pub(crate) fn keyring_service_name() -> &'static str {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        "OS keyring"
    } else {
        "Secret Service (such as gnome-keyring)"
    }
}
