//! Bazarr+'s secret store (docs/formats.md#bazarr-its-secret-store). From version 2.2 on,
//! LavX's fork keeps each secret in config.yaml as `enc:v1:` followed by a Fernet token,
//! under a key made from `general.secrets_encryption_key`; a value without the prefix is
//! plaintext, which Bazarr+ encrypts when it next writes the file. Upstream Bazarr (and
//! Bazarr+ 2.0 and 2.1) have no such store: there every value is as it reads.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::file::BazarrFile;

/// What marks an encrypted value.
pub const PREFIX: &str = "enc:v1:";

/// Which Bazarr a file belongs to, from the file alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flavour {
    /// Upstream 1.5.2 or older: `plex.apikey` only, no OAuth settings.
    BazarrLegacy,
    /// Upstream 1.5.3 or later (and Bazarr+ 2.0 and 2.1, which store Plex the same way):
    /// `plex.token` signed with `plex.encryption_key`.
    Bazarr,
    /// Bazarr+ 2.2 or later: a secret store, `plex.token` the token itself.
    BazarrPlus,
}

impl Flavour {
    pub fn of(file: &BazarrFile) -> Flavour {
        let encrypted = SECRETS.iter().any(|(section, key)| {
            file.get_str(section, key)
                .is_some_and(|v| v.starts_with(PREFIX))
        });
        if encrypted || file.has_key("general", "secrets_encryption_key") {
            Flavour::BazarrPlus
        } else if super::keys::is_oauth_capable(file) {
            Flavour::Bazarr
        } else {
            Flavour::BazarrLegacy
        }
    }

    /// How people read it in `status`.
    pub fn label(self) -> &'static str {
        match self {
            Flavour::BazarrLegacy => "Bazarr 1.5.2 or older",
            Flavour::Bazarr => "Bazarr 1.5.3 or later",
            Flavour::BazarrPlus => "Bazarr+ 2.2 or later",
        }
    }
}

/// The secrets plex-auth reads or writes in a Bazarr+ file.
pub const SECRETS: &[(&str, &str)] = &[
    ("plex", "token"),
    ("plex", "apikey"),
    ("plex", "username"),
    ("plex", "email"),
    ("auth", "apikey"),
];

/// An encrypted value that cannot be read; the message names the key and says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(
        "{section}.{key} is encrypted (enc:v1:), but general.secrets_encryption_key is empty, so it cannot be opened"
    )]
    NoKey {
        section: &'static str,
        key: &'static str,
    },
    #[error(
        "{section}.{key} does not open with general.secrets_encryption_key (another key sealed it, or it is damaged)"
    )]
    DoesNotOpen {
        section: &'static str,
        key: &'static str,
    },
}

/// The key Bazarr+ seals secrets with: the URL-safe base64 of SHA-256 of
/// `general.secrets_encryption_key` as text.
pub struct SecretKey(fernet::Fernet);

impl SecretKey {
    /// `None` for an empty key: Bazarr+ would make a new one at its next start, and could not
    /// open a value sealed under anything else, so such a file gets plaintext.
    pub fn from_master(master: &str) -> Option<SecretKey> {
        if master.trim().is_empty() {
            return None;
        }
        let digest: Zeroizing<[u8; 32]> = Zeroizing::new(Sha256::digest(master.as_bytes()).into());
        let key = Zeroizing::new(URL_SAFE.encode(digest.as_slice()));
        fernet::Fernet::new(&key).map(SecretKey)
    }

    /// The key of `file`, when it has one.
    pub fn of(file: &BazarrFile) -> Option<SecretKey> {
        SecretKey::from_master(&file.get_str("general", "secrets_encryption_key")?)
    }

    pub fn seal(&self, plain: &str) -> String {
        format!("{PREFIX}{}", self.0.encrypt(plain.as_bytes()))
    }

    /// The text inside an `enc:v1:` value; `None` when it does not open.
    pub fn open(&self, stored: &str) -> Option<Zeroizing<String>> {
        let token = stored.strip_prefix(PREFIX)?;
        let plain = Zeroizing::new(self.0.decrypt(token).ok()?);
        String::from_utf8(plain.to_vec()).ok().map(Zeroizing::new)
    }
}

/// `section.key` as Bazarr reads it: an `enc:v1:` value opened with the file's key, any other
/// value as it is. `None` when the key is missing.
pub fn read(
    file: &BazarrFile,
    section: &'static str,
    key: &'static str,
) -> Result<Option<Zeroizing<String>>, SecretError> {
    let Some(stored) = file.get_str(section, key) else {
        return Ok(None);
    };
    if !stored.starts_with(PREFIX) {
        return Ok(Some(Zeroizing::new(stored)));
    }
    let sealer = SecretKey::of(file).ok_or(SecretError::NoKey { section, key })?;
    sealer
        .open(&stored)
        .map(Some)
        .ok_or(SecretError::DoesNotOpen { section, key })
}

/// The form to write `plain` in for `section.key` of `file`: sealed for Bazarr+ with a key;
/// the stored value itself when it already opens to `plain` (sealing anew would change the
/// file on every run); else plaintext.
pub fn stored_form(file: &BazarrFile, section: &str, key: &str, plain: &str) -> String {
    let Some(sealer) = SecretKey::of(file) else {
        return plain.to_string();
    };
    if let Some(stored) = file.get_str(section, key)
        && sealer.open(&stored).is_some_and(|p| p.as_str() == plain)
    {
        return stored;
    }
    sealer.seal(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by Bazarr+ 2.5.0's own `secret_store/crypto.py` (Python's `cryptography`), with
    /// `general.secrets_encryption_key: test-key`, for the plaintext `abc`.
    const FROM_PYTHON: &str = "enc:v1:gAAAAABpVbkAAAECAwQFBgcICQoLDA0ODwwK45Z9Irv6H8J_A6bSXdVdDj0OG9UZlCKMPpwkEg5-kcDwCJCW_dl4nrk3Gg-_iw==";

    #[test]
    fn a_value_bazarr_plus_sealed_opens_here() {
        let key = SecretKey::from_master("test-key").unwrap();
        assert_eq!(key.open(FROM_PYTHON).unwrap().as_str(), "abc");
        let other = SecretKey::from_master("another-key").unwrap();
        assert!(other.open(FROM_PYTHON).is_none());
    }

    #[test]
    fn what_is_sealed_here_opens_and_differs_each_time() {
        let key = SecretKey::from_master("test-key").unwrap();
        let a = key.seal("tok-123");
        let b = key.seal("tok-123");
        assert!(a.starts_with(PREFIX));
        assert_ne!(a, b);
        assert_eq!(key.open(&a).unwrap().as_str(), "tok-123");
    }

    #[test]
    fn an_empty_key_seals_nothing() {
        assert!(SecretKey::from_master("").is_none());
        assert!(SecretKey::from_master("  ").is_none());
    }

    #[test]
    fn the_key_is_sha256_of_the_text_in_url_safe_base64() {
        let digest = Sha256::digest(b"test-key");
        assert_eq!(
            URL_SAFE.encode(digest),
            "Yq-HBHZPr46oL8Yc6cTDkItsuX1GOmNOnlh9fIhdsO8="
        );
    }
}
