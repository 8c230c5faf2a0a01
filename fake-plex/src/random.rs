//! Random tokens, PIN codes and identifiers in the shapes plex.tv uses.

const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn fill(buf: &mut [u8]) {
    // A fake server without randomness could only hand out guessable tokens; better to stop.
    getrandom::fill(buf).expect("the operating system's random source failed");
}

fn string_from(alphabet: &[u8], len: usize) -> String {
    // Bytes at or above the largest multiple of the alphabet size are skipped, so that every
    // symbol is equally likely.
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        fill(&mut buf);
        for &byte in &buf {
            if out.len() == len {
                break;
            }
            if usize::from(byte) < limit {
                out.push(char::from(alphabet[usize::from(byte) % alphabet.len()]));
            }
        }
    }
    out
}

/// A classic plex.tv token: 20 characters of `[A-Za-z0-9_-]`.
pub(crate) fn token() -> String {
    string_from(TOKEN_ALPHABET, 20)
}

/// A strong PIN code: 25 characters of `[a-z0-9]`.
pub(crate) fn strong_code() -> String {
    string_from(LOWER_ALNUM, 25)
}

/// A short PIN code, the kind typed at plex.tv/link: 4 characters of `[A-Z0-9]`.
pub(crate) fn short_code() -> String {
    string_from(UPPER_ALNUM, 4)
}

pub(crate) fn hex(len: usize) -> String {
    string_from(HEX, len)
}

/// A PIN id of 9 or 10 digits that still fits an `i32`, since some clients decode it as one.
pub(crate) fn pin_id() -> u64 {
    let mut buf = [0u8; 8];
    fill(&mut buf);
    100_000_000 + u64::from_le_bytes(buf) % (i32::MAX as u64 - 100_000_000)
}

/// An account id of 8 digits.
pub(crate) fn user_id() -> u64 {
    let mut buf = [0u8; 8];
    fill(&mut buf);
    10_000_000 + u64::from_le_bytes(buf) % 90_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_plex_shape() {
        for _ in 0..200 {
            let t = token();
            assert_eq!(t.len(), 20);
            assert!(
                t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{t}"
            );
        }
        assert_ne!(token(), token());
    }

    #[test]
    fn codes_use_their_alphabets() {
        for _ in 0..200 {
            let s = strong_code();
            assert_eq!(s.len(), 25);
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            );
            let c = short_code();
            assert_eq!(c.len(), 4);
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
        }
    }

    #[test]
    fn every_symbol_turns_up() {
        // 36 symbols over 3600 draws: a missing one would mean a biased or broken mapping.
        let s = string_from(LOWER_ALNUM, 3600);
        for &symbol in LOWER_ALNUM {
            assert!(s.as_bytes().contains(&symbol), "{}", char::from(symbol));
        }
    }

    #[test]
    fn ids_have_the_right_number_of_digits() {
        for _ in 0..200 {
            let id = pin_id();
            assert!((100_000_000..=i32::MAX as u64).contains(&id), "{id}");
            let u = user_id();
            assert_eq!(u.to_string().len(), 8, "{u}");
        }
        assert_eq!(hex(40).len(), 40);
    }
}
