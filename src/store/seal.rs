//! Sealing the token: XChaCha20-Poly1305 under the key file's key, bound to this install.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::secret::{KeyBytes, Secret};

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const AAD_PREFIX: &[u8] = b"plex-auth/v1/";
const KEY_ID_DOMAIN: &[u8] = b"plex-auth key id\0";

/// Why a blob did not open. Each says what is wrong with the stored data, never its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the sealed token is not valid base64")]
    NotBase64,
    /// Version 1 is the only format plex-auth has written: any other first byte is damage,
    /// not a newer format to upgrade for.
    #[error(
        "the sealed token starts with byte {0} where plex-auth writes format 1, so it was changed or cut"
    )]
    BadVersion(u8),
    #[error("the sealed token is too short to hold anything")]
    TooShort,
    #[error("the sealed token does not open with this key for this install")]
    Failed,
}

/// The associated data ties a blob to the format version and to this install's client
/// identifier, so a blob copied into another install's config does not open there even
/// with the same key.
fn aad(client_id: &str) -> Vec<u8> {
    [AAD_PREFIX, client_id.as_bytes()].concat()
}

fn cipher(key: &KeyBytes) -> XChaCha20Poly1305 {
    // A 32-byte slice is always a valid key for this cipher.
    XChaCha20Poly1305::new_from_slice(&key.0).expect("32-byte key")
}

/// Sealing failed: no nonce could be made, or the cipher refused (neither happens with a
/// working random source).
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the token could not be encrypted")]
    Encrypt,
    #[error(transparent)]
    Random(#[from] crate::secret::RandomError),
}

/// Encrypts `token` with a fresh random nonce; the result is safe to store in the keyring or
/// config.toml.
pub fn seal(key: &KeyBytes, client_id: &str, token: &Secret) -> Result<String, SealError> {
    let nonce: [u8; NONCE_LEN] = crate::secret::random_bytes()?;
    let aad = aad(client_id);
    let sealed = cipher(key)
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: token.expose().as_bytes(),
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Encrypt)?;
    let mut blob = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    blob.push(VERSION);
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&sealed);
    Ok(STANDARD.encode(blob))
}

/// Opens a blob made by [`seal`] with the same key and client identifier.
pub fn open(key: &KeyBytes, client_id: &str, blob: &str) -> Result<Secret, OpenError> {
    let raw = STANDARD
        .decode(blob.trim())
        .map_err(|_| OpenError::NotBase64)?;
    let (&version, rest) = raw.split_first().ok_or(OpenError::TooShort)?;
    if version != VERSION {
        return Err(OpenError::BadVersion(version));
    }
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(OpenError::TooShort);
    }
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let nonce = XNonce::try_from(nonce).map_err(|_| OpenError::TooShort)?;
    let aad = aad(client_id);
    let plain = Zeroizing::new(
        cipher(key)
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| OpenError::Failed)?,
    );
    // Only a seal with our key can produce these bytes, and seal takes a &str.
    let text = std::str::from_utf8(&plain).map_err(|_| OpenError::Failed)?;
    Ok(Secret::new(text))
}

/// A short, stable name for a key, kept beside the blob so that a failure can say "the key
/// changed" rather than "the data is damaged". 64 bits of a domain-separated hash: enough to
/// tell keys apart, useless for opening anything.
pub fn key_id(key: &KeyBytes) -> String {
    let mut h = Sha1::new();
    h.update(KEY_ID_DOMAIN);
    h.update(key.0);
    hex::encode(&h.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "CxoUzBTSV5hsxjTpFKaf";
    const CID: &str = "3f8a1c2e-5b7d-4e9f-a1b2-c3d4e5f60718";

    fn key(b: u8) -> KeyBytes {
        KeyBytes([b; 32])
    }

    #[test]
    fn round_trip() {
        let blob = seal(&key(7), CID, &Secret::new(TOKEN)).unwrap();
        assert_eq!(open(&key(7), CID, &blob).unwrap().expose(), TOKEN);
        // Surrounding whitespace (a hand-edited config) does not matter.
        assert_eq!(
            open(&key(7), CID, &format!(" {blob}\n")).unwrap().expose(),
            TOKEN
        );
    }

    #[test]
    fn blob_layout_and_no_plaintext() {
        let blob = seal(&key(7), CID, &Secret::new(TOKEN)).unwrap();
        assert!(!blob.contains(TOKEN));
        let raw = STANDARD.decode(&blob).unwrap();
        assert_eq!(raw[0], 1);
        assert_eq!(raw.len(), 1 + 24 + TOKEN.len() + 16);
        assert!(!raw.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()));
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let t = Secret::new(TOKEN);
        let a = seal(&key(7), CID, &t).unwrap();
        let b = seal(&key(7), CID, &t).unwrap();
        assert_ne!(a, b);
        let (ra, rb) = (STANDARD.decode(&a).unwrap(), STANDARD.decode(&b).unwrap());
        assert_ne!(ra[1..25], rb[1..25]);
    }

    #[test]
    fn wrong_key_or_other_install_fails() {
        let blob = seal(&key(7), CID, &Secret::new(TOKEN)).unwrap();
        assert_eq!(open(&key(8), CID, &blob).unwrap_err(), OpenError::Failed);
        let other = "00000000-0000-4000-8000-000000000000";
        assert_eq!(open(&key(7), other, &blob).unwrap_err(), OpenError::Failed);
    }

    #[test]
    fn any_flipped_byte_fails() {
        let blob = seal(&key(7), CID, &Secret::new(TOKEN)).unwrap();
        let raw = STANDARD.decode(&blob).unwrap();
        for i in 1..raw.len() {
            let mut bad = raw.clone();
            bad[i] ^= 0x01;
            let err = open(&key(7), CID, &STANDARD.encode(&bad)).unwrap_err();
            assert_eq!(err, OpenError::Failed, "byte {i}");
        }
        let mut bad = raw.clone();
        bad[0] = 2;
        assert_eq!(
            open(&key(7), CID, &STANDARD.encode(&bad)).unwrap_err(),
            OpenError::BadVersion(2)
        );
    }

    #[test]
    fn truncated_and_garbage_fail_with_their_own_reason() {
        let blob = seal(&key(7), CID, &Secret::new(TOKEN)).unwrap();
        let raw = STANDARD.decode(&blob).unwrap();
        assert_eq!(open(&key(7), CID, "").unwrap_err(), OpenError::TooShort);
        let short = STANDARD.encode(&raw[..1 + 24 + 15]);
        assert_eq!(open(&key(7), CID, &short).unwrap_err(), OpenError::TooShort);
        // Cut inside the ciphertext: long enough to try, but the tag no longer matches.
        let cut = STANDARD.encode(&raw[..raw.len() - 1]);
        assert_eq!(open(&key(7), CID, &cut).unwrap_err(), OpenError::Failed);
        assert_eq!(
            open(&key(7), CID, "not base64!").unwrap_err(),
            OpenError::NotBase64
        );
        assert_eq!(
            open(&key(7), CID, &blob[..blob.len() - 1]).unwrap_err(),
            OpenError::NotBase64
        );
    }

    #[test]
    fn empty_token_round_trips() {
        let blob = seal(&key(1), CID, &Secret::new("")).unwrap();
        assert_eq!(open(&key(1), CID, &blob).unwrap().expose(), "");
    }

    #[test]
    fn key_id_is_16_hex_and_depends_on_the_key() {
        let a = key_id(&key(7));
        assert_eq!(a.len(), 16);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(a, key_id(&key(7)));
        assert_ne!(a, key_id(&key(8)));
        // Domain-separated: not simply the hash of the key bytes.
        let plain = hex::encode(&Sha1::digest([7u8; 32])[..8]);
        assert_ne!(a, plain);
    }
}
