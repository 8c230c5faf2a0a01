//! A token or key in memory: never shown by `Debug` or `Display`, wiped on drop.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

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
}
