//! What a value must look like before it goes into Bazarr's config.yaml. Bazarr loads the
//! file with dynaconf, which treats a string starting with `@` as a directive (`@format`
//! reads the environment, `@jinja` runs Python, `@int` changes the type), on every load,
//! including after Bazarr has saved the file again. Strings plex-auth writes come partly from
//! strangers (a shared server's name), so each key gets a rule:
//!
//! - display text (account name, email, server name): a leading `@` becomes `＠` (U+FF20),
//!   which reads the same and means nothing to dynaconf; the change is reported;
//! - addresses (`server_url`, `server_connections`): http or https URLs, nothing else;
//! - machine ids: letters, digits, `-` and `_`;
//! - any of these may be empty, which is how Bazarr's own logout clears them;
//! - everything else plex-auth writes (tokens, keys, timestamps, fixed words) is made by
//!   plex-auth or Bazarr and must simply not start with `@`.

use crate::bazarr::BazarrError;
use crate::bazarr::file::{Change, Value};

const DISPLAY_KEYS: &[&str] = &["username", "email", "server_name"];
const URL_KEYS: &[&str] = &["server_url", "server_connections"];
const ID_KEYS: &[&str] = &["server_machine_id"];

/// Check and, for display text, rewrite every string in `changes`. Returns one sentence per
/// value that was rewritten; refuses (exit 9, nothing written) a value that cannot be made
/// safe.
pub fn make_safe(changes: &mut [Change]) -> Result<Vec<String>, BazarrError> {
    let mut notes = Vec::new();
    for change in changes.iter_mut() {
        let key = change.key;
        match &mut change.value {
            Value::Str(s) => {
                if let Some(note) = check(key, s)? {
                    notes.push(note);
                }
            }
            Value::List(items) => {
                for s in items.iter_mut() {
                    if let Some(note) = check(key, s)? {
                        notes.push(note);
                    }
                }
            }
            Value::Bool(_) | Value::Int(_) => {}
        }
    }
    Ok(notes)
}

fn check(key: &'static str, value: &mut String) -> Result<Option<String>, BazarrError> {
    if DISPLAY_KEYS.contains(&key) {
        return Ok(display_text(value).map(|before| {
            format!(
                "plex.{key} {} starts with @, which Bazarr's settings loader would evaluate; it was written as {}",
                crate::text::safe(&format!("{before:?}")),
                crate::text::safe(&format!("{value:?}")),
            )
        }));
    }
    // Empty is how Bazarr's own logout clears a key.
    let ok = if value.is_empty() {
        true
    } else if URL_KEYS.contains(&key) {
        is_web_url(value)
    } else if ID_KEYS.contains(&key) {
        value.len() <= 128
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    } else {
        !value.starts_with('@')
    };
    if ok {
        Ok(None)
    } else {
        Err(BazarrError::UnsafeValue {
            key,
            value: crate::text::safe(&format!("{value:?}")).into_owned(),
        })
    }
}

/// Rewrites a leading `@`; returns the value as it was when it changed.
fn display_text(value: &mut String) -> Option<String> {
    if !value.starts_with('@') {
        return None;
    }
    let before = value.clone();
    value.replace_range(..1, "\u{ff20}");
    Some(before)
}

fn is_web_url(value: &str) -> bool {
    url::Url::parse(value)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        && !value.starts_with('@')
        && !value.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(key: &'static str, value: &str) -> Result<(String, Vec<String>), BazarrError> {
        let mut changes = vec![Change {
            section: "plex",
            key,
            value: Value::Str(value.into()),
        }];
        let notes = make_safe(&mut changes)?;
        match &changes[0].value {
            Value::Str(s) => Ok((s.clone(), notes)),
            _ => unreachable!(),
        }
    }

    #[test]
    fn display_text_never_starts_with_at() {
        let (v, notes) = one("server_name", "@jinja {{ cycler }}").unwrap();
        assert_eq!(v, "\u{ff20}jinja {{ cycler }}");
        assert_eq!(notes.len(), 1);
        let (v, notes) = one("username", "alice@example").unwrap();
        assert_eq!(v, "alice@example");
        assert!(notes.is_empty());
    }

    #[test]
    fn addresses_and_ids_are_checked() {
        assert!(one("server_url", "http://10.0.0.2:32400").is_ok());
        assert!(one("server_url", "https://a-b.plex.direct:8443").is_ok());
        assert!(one("server_url", "@format {env[HOME]}").is_err());
        assert!(one("server_url", "file:///etc/passwd").is_err());
        assert!(one("server_machine_id", "0123abcdef").is_ok());
        assert!(one("server_machine_id", "@int 5").is_err());
        assert!(one("server_machine_id", "").is_ok());
        assert!(one("server_url", "").is_ok());
        assert!(one("migration_timestamp", "@none").is_err());
        let mut list = vec![Change {
            section: "plex",
            key: "server_connections",
            value: Value::List(vec!["http://127.0.0.1:1".into(), "@json {}".into()]),
        }];
        assert!(make_safe(&mut list).is_err());
    }
}
