//! Bazarr's token format: itsdangerous 2.2 `URLSafeSerializer` with its default settings
//! (serializer salt `itsdangerous`, `django-concat` key derivation, HMAC-SHA1, `.` separator).
//! Bazarr 1.5.3+ stores `plex.token` (and a signed `plex.apikey`) this way, keyed by the string
//! in `plex.encryption_key`. It is a signature, not encryption: the token inside is only base64.

use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::secret::RandomError;
use crate::secret::{Secret, random_bytes};

type HmacSha1 = Hmac<Sha1>;

/// A decompressed payload larger than this is refused. Real payloads are about 100 bytes; the
/// cap only keeps a hostile (but validly signed) zlib stream from filling memory.
const MAX_PAYLOAD: u64 = 64 * 1024;

/// Why a signed value did not open. Neither variant carries any part of the value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignError {
    #[error("the signature does not match the key")]
    BadSignature,
    #[error("the signed payload is malformed: {0}")]
    BadPayload(String),
}

/// Sign `token` the way Bazarr's `TokenManager.encrypt` does, with a fresh random salt and the
/// current time.
pub fn sign(key: &str, token: &Secret) -> Result<String, RandomError> {
    let salt: [u8; 16] = random_bytes()?;
    let salt = hex::encode(salt);
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok(sign_with(key, token, &salt, timestamp))
}

/// [`sign`] with a given salt and timestamp, so the output is reproducible.
pub fn sign_with(key: &str, token: &Secret, salt: &str, timestamp: u64) -> String {
    // Built by hand because the key order must be token, salt, timestamp exactly as Python's
    // dict keeps it; serde_json's string escaping matches `json.dumps(ensure_ascii=False)`.
    let json = Zeroizing::new(format!(
        "{{\"token\":{},\"salt\":{},\"timestamp\":{timestamp}}}",
        json_string(token.expose()),
        json_string(salt),
    ));
    // itsdangerous would zlib-compress when that saves more than one byte; with a random
    // 32-hex salt it never does, and the uncompressed form is what Bazarr writes in practice.
    let payload = Zeroizing::new(URL_SAFE_NO_PAD.encode(json.as_bytes()));
    let sig = URL_SAFE_NO_PAD.encode(mac(key, payload.as_bytes()).finalize().into_bytes());
    format!("{}.{sig}", payload.as_str())
}

/// Open a value signed with `key` and return the `token` inside. Salt and timestamp are not
/// checked, as Bazarr does not check them either.
pub fn verify(key: &str, signed: &str) -> Result<Secret, SignError> {
    let (payload, sig) = signed.rsplit_once('.').ok_or(SignError::BadSignature)?;
    let sig = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|_| SignError::BadSignature)?;
    mac(key, payload.as_bytes())
        .verify_slice(&sig)
        .map_err(|_| SignError::BadSignature)?;

    let (compressed, body) = match payload.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let raw = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|e| SignError::BadPayload(format!("not base64: {e}")))?,
    );
    let json = if compressed {
        let mut out = Zeroizing::new(Vec::new());
        flate2::read::ZlibDecoder::new(raw.as_slice())
            .take(MAX_PAYLOAD + 1)
            .read_to_end(&mut out)
            .map_err(|e| SignError::BadPayload(format!("zlib: {e}")))?;
        if out.len() as u64 > MAX_PAYLOAD {
            return Err(SignError::BadPayload("payload too large".into()));
        }
        out
    } else {
        raw
    };
    let value: serde_json::Value = serde_json::from_slice(&json)
        .map_err(|e| SignError::BadPayload(format!("not JSON: {e}")))?;
    match value.get("token") {
        Some(serde_json::Value::String(token)) => Ok(Secret::new(token.as_str())),
        Some(_) => Err(SignError::BadPayload("`token` is not a string".into())),
        None => Err(SignError::BadPayload("no `token` field".into())),
    }
}

/// A new signing key like Bazarr's `secrets.token_urlsafe(32)`: 32 random bytes as 43
/// URL-safe base64 characters. Bazarr signs with this string itself, not the decoded bytes.
pub fn new_key() -> Result<String, RandomError> {
    let bytes = Zeroizing::new(random_bytes::<32>()?);
    Ok(URL_SAFE_NO_PAD.encode(bytes.as_ref()))
}

fn mac(key: &str, payload: &[u8]) -> HmacSha1 {
    let mut derive = Sha1::new();
    derive.update(b"itsdangerous");
    derive.update(b"signer");
    derive.update(key.as_bytes());
    let mut derived = Zeroizing::new([0u8; 20]);
    derived.copy_from_slice(&derive.finalize());
    let mut mac = HmacSha1::new_from_slice(derived.as_ref()).expect("HMAC takes any key length");
    mac.update(payload);
    mac
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a str always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: &str =
        include_str!("../../tests/fixtures/bazarr/itsdangerous-test-vectors.json");

    struct Vector {
        key: String,
        token: String,
        salt: String,
        timestamp: u64,
        signed: String,
        compressed: bool,
    }

    fn vectors() -> Vec<Vector> {
        let all: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .map(|v| Vector {
                key: v["encryption_key"].as_str().unwrap().to_string(),
                token: v["payload"]["token"].as_str().unwrap().to_string(),
                salt: v["payload"]["salt"].as_str().unwrap().to_string(),
                timestamp: v["payload"]["timestamp"].as_u64().unwrap(),
                signed: v["signed"].as_str().unwrap().to_string(),
                compressed: v["compressed"].as_bool().unwrap(),
            })
            .collect()
    }

    #[test]
    fn every_vector_verifies() {
        let vs = vectors();
        assert_eq!(vs.len(), 3);
        assert!(vs.iter().any(|v| v.compressed));
        for v in &vs {
            let token = verify(&v.key, &v.signed).unwrap();
            assert_eq!(token.expose(), v.token);
        }
    }

    #[test]
    fn uncompressed_vector_signs_to_the_exact_bytes() {
        let mut n = 0;
        for v in vectors().iter().filter(|v| !v.compressed) {
            let out = sign_with(&v.key, &Secret::new(&v.token), &v.salt, v.timestamp);
            assert_eq!(out, v.signed);
            n += 1;
        }
        assert_eq!(n, 1);
    }

    #[test]
    fn flipped_character_fails() {
        for v in vectors() {
            let bytes = v.signed.as_bytes();
            // One position in the payload, one in the signature.
            for pos in [3, bytes.len() - 5] {
                let mut changed = bytes.to_vec();
                changed[pos] = if changed[pos] == b'A' { b'B' } else { b'A' };
                let changed = String::from_utf8(changed).unwrap();
                assert_eq!(
                    verify(&v.key, &changed).unwrap_err(),
                    SignError::BadSignature
                );
            }
        }
    }

    #[test]
    fn wrong_key_fails() {
        for v in vectors() {
            let wrong = format!("{}x", v.key);
            assert_eq!(
                verify(&wrong, &v.signed).unwrap_err(),
                SignError::BadSignature
            );
        }
    }

    #[test]
    fn missing_separator_or_garbage_fails() {
        assert_eq!(verify("k", "nodot").unwrap_err(), SignError::BadSignature);
        assert_eq!(verify("k", "").unwrap_err(), SignError::BadSignature);
        assert_eq!(verify("k", "a.!!!").unwrap_err(), SignError::BadSignature);
    }

    #[test]
    fn validly_signed_bad_payloads_are_bad_payload() {
        let key = "k";
        let sign_raw = |payload: &str| {
            let sig = URL_SAFE_NO_PAD.encode(mac(key, payload.as_bytes()).finalize().into_bytes());
            format!("{payload}.{sig}")
        };
        let not_json = URL_SAFE_NO_PAD.encode(b"not json");
        assert!(matches!(
            verify(key, &sign_raw(&not_json)),
            Err(SignError::BadPayload(_))
        ));
        let no_token = URL_SAFE_NO_PAD.encode(br#"{"salt":"x"}"#);
        assert!(matches!(
            verify(key, &sign_raw(&no_token)),
            Err(SignError::BadPayload(_))
        ));
        let number = URL_SAFE_NO_PAD.encode(br#"{"token":5}"#);
        assert!(matches!(
            verify(key, &sign_raw(&number)),
            Err(SignError::BadPayload(_))
        ));
        assert!(matches!(
            verify(key, &sign_raw(".notzlib")),
            Err(SignError::BadPayload(_))
        ));
    }

    #[test]
    fn sign_round_trips_and_has_bazarr_shape() {
        let key = new_key().unwrap();
        let token = Secret::new("AbCd\"Ef\\Gh\u{e9}\n");
        let a = sign(&key, &token).unwrap();
        let b = sign(&key, &token).unwrap();
        assert_ne!(a, b, "a fresh salt each time");
        assert_eq!(verify(&key, &a).unwrap(), token);
        assert!(!a.starts_with('.'));
        let payload = a.rsplit_once('.').unwrap().0;
        let json: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        let obj = json.as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys.len(), 3);
        let salt = obj["salt"].as_str().unwrap();
        assert_eq!(salt.len(), 32);
        assert!(
            salt.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(obj["timestamp"].as_u64().unwrap().abs_diff(now) < 60);
    }

    #[test]
    fn payload_json_is_compact_in_python_key_order() {
        let out = sign_with("k", &Secret::new("t\"1"), "s", 7);
        let payload = out.rsplit_once('.').unwrap().0;
        let json = URL_SAFE_NO_PAD.decode(payload).unwrap();
        assert_eq!(json, br#"{"token":"t\"1","salt":"s","timestamp":7}"#);
    }

    #[test]
    fn new_key_looks_like_token_urlsafe_32() {
        let a = new_key().unwrap();
        let b = new_key().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
    }
}
