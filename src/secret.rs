//! A token or key in memory: never shown by `Debug` or `Display`, wiped on drop.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The operating system's random source failed: nothing secret can be made.
#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed: {0}")]
pub struct RandomError(getrandom::Error);

/// `N` bytes from the operating system's random source. Keys, nonces, salts, identifiers and
/// temporary names all come from here; without a working source there is no safe fallback, so
/// a failure is an error for the caller to report, never a panic or a silent zero.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(RandomError)?;
    Ok(buf)
}

/// A secret string (a Plex token). Reading it is explicit: [`Secret::expose`] marks the
/// boundary where the value leaves this type.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `AbCd…(20 chars)`: enough to tell two tokens apart, not enough to use one.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        if n <= 8 {
            return format!("…({n} chars)");
        }
        let head: String = self.0.chars().take(4).collect();
        format!("{head}…({n} chars)")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(REDACTED)")
    }
}

/// Tokens arrive from plex.tv as JSON strings and go straight into a `Secret`, so no plain
/// `String` copy of them is ever printed by a derived `Debug`.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// 32 key bytes, wiped on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct KeyBytes(pub [u8; 32]);

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyBytes(REDACTED)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_mask_hide_the_value() {
        let s = Secret::new("CxoUzBTSV5hsxjTpFKaf");
        assert_eq!(format!("{s:?}"), "Secret(REDACTED)");
        assert_eq!(s.masked(), "CxoU…(20 chars)");
        assert!(!format!("{s:?}").contains("CxoUzB"));
    }

    #[test]
    fn deserializes_from_a_json_string() {
        let s: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose(), "abc");
        let none: Option<Secret> = serde_json::from_str("null").unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn random_bytes_differ() {
        let a: [u8; 16] = random_bytes().unwrap();
        let b: [u8; 16] = random_bytes().unwrap();
        assert_ne!(a, b);
    }
}
