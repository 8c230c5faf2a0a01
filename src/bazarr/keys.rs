//! Which Bazarr keys plex-auth writes for login, server selection, logout and the apikey
//! migration (docs/formats.md#what-each-command-changes). Pure: each function only looks at the file and
//! returns the changes; the caller applies and writes them.

use crate::bazarr::BazarrError;
use crate::bazarr::secrets::{self, Flavour};
type Result<T, E = BazarrError> = std::result::Result<T, E>;
use crate::secret::Secret;

use super::file::{BazarrFile, Change, Value};
use super::signer::{self, SignError};

const PLEX: &str = "plex";
const GENERAL: &str = "general";

fn change(section: &'static str, key: &'static str, value: Value) -> Change {
    Change {
        section,
        key,
        value,
    }
}

fn text(s: &str) -> Value {
    Value::Str(s.to_string())
}

/// Add `c`, replacing an earlier change of the same key.
fn put(changes: &mut Vec<Change>, c: Change) {
    changes.retain(|old| !(old.section == c.section && old.key == c.key));
    changes.push(c);
}

/// The file's signing key, when it has a usable one. Bazarr makes a new key when the stored
/// one is empty or blank, so such a key signs nothing.
fn existing_key(file: &BazarrFile) -> Option<String> {
    file.get_str(PLEX, "encryption_key")
        .filter(|k| !k.trim().is_empty())
}

/// The signed value already stored under `plex.<key>` when it opens to `token` under
/// `signing_key`. Re-signing would change the salt and timestamp and so the file, on every run.
fn reusable_signed(
    file: &BazarrFile,
    key: &str,
    signing_key: &str,
    token: &Secret,
) -> Option<String> {
    let stored = file.get_str(PLEX, key)?;
    (signer::verify(signing_key, &stored).ok().as_ref() == Some(token)).then_some(stored)
}

/// The changes that link Bazarr to this account the way Bazarr's own PIN flow does, and the
/// signing key they use (the file's own, or a new one that is then written too).
pub fn login_changes(
    file: &BazarrFile,
    token: &Secret,
    username: &str,
    email: &str,
    user_id: u64,
) -> Result<(Vec<Change>, String)> {
    let mut changes = vec![
        change(GENERAL, "use_plex", Value::Bool(true)),
        change(PLEX, "auth_method", text("oauth")),
    ];
    let key = match existing_key(file) {
        Some(key) => key,
        None => {
            let key = signer::new_key()?;
            changes.push(change(PLEX, "encryption_key", text(&key)));
            key
        }
    };
    // Bazarr+ reads the token itself, sealed in its secret store when it has a key, and
    // the name and email likewise; upstream reads the token signed with `encryption_key`.
    let plus = Flavour::of(file) == Flavour::BazarrPlus;
    let (token, username, email) = if plus {
        (
            secrets::stored_form(file, PLEX, "token", token.expose()),
            secrets::stored_form(file, PLEX, "username", username),
            secrets::stored_form(file, PLEX, "email", email),
        )
    } else {
        let signed = match reusable_signed(file, "token", &key, token) {
            Some(signed) => signed,
            None => signer::sign(&key, token)?,
        };
        (signed, username.to_string(), email.to_string())
    };
    changes.extend([
        change(PLEX, "token", Value::Str(token)),
        change(PLEX, "username", text(&username)),
        change(PLEX, "email", text(&email)),
        change(PLEX, "user_id", Value::Str(user_id.to_string())),
        change(PLEX, "apikey", text("")),
        change(PLEX, "apikey_encrypted", Value::Bool(false)),
    ]);
    Ok((changes, key))
}

/// The chosen server, as Bazarr's select-server stores it. With no connection list, the URL
/// alone is the list, as Bazarr does.
pub fn server_changes(
    machine_id: &str,
    name: &str,
    url: &str,
    local: bool,
    connections: &[String],
) -> Vec<Change> {
    let connections = if connections.is_empty() {
        vec![url.to_string()]
    } else {
        connections.to_vec()
    };
    vec![
        change(PLEX, "server_machine_id", text(machine_id)),
        change(PLEX, "server_name", text(name)),
        change(PLEX, "server_url", text(url)),
        change(PLEX, "server_local", Value::Bool(local)),
        change(PLEX, "server_connections", Value::List(connections)),
    ]
}

/// Exactly what Bazarr's `POST /api/plex/oauth/logout` sets. Like Bazarr, it leaves
/// `server_connections`, the libraries and `client_identifier` alone.
pub fn logout_changes() -> Vec<Change> {
    vec![
        change(PLEX, "token", text("")),
        change(PLEX, "apikey", text("")),
        change(PLEX, "apikey_encrypted", Value::Bool(false)),
        change(PLEX, "ip", text("127.0.0.1")),
        change(PLEX, "port", Value::Int(32400)),
        change(PLEX, "ssl", Value::Bool(false)),
        change(PLEX, "username", text("")),
        change(PLEX, "email", text("")),
        change(PLEX, "user_id", text("")),
        change(PLEX, "auth_method", text("apikey")),
        change(PLEX, "server_machine_id", text("")),
        change(PLEX, "server_name", text("")),
        change(PLEX, "server_url", text("")),
        change(PLEX, "server_local", Value::Bool(false)),
        change(PLEX, "encryption_key", text("")),
        change(GENERAL, "use_plex", Value::Bool(false)),
    ]
}

/// A legacy `plex.apikey`, opened.
#[derive(Debug, Clone)]
pub struct ApikeyInfo {
    pub token: Secret,
    /// It was stored signed (`apikey_encrypted: true`), as Bazarr 1.5.3+ does on first use.
    pub was_signed: bool,
}

/// The legacy token in `plex.apikey`, if there is one. A signed one that does not open with
/// `plex.encryption_key` is a config error: Bazarr could not use it either.
pub fn read_apikey(file: &BazarrFile) -> std::result::Result<Option<ApikeyInfo>, BazarrError> {
    // Bazarr+ keeps it sealed in its secret store; opened, it is what upstream keeps.
    let apikey = secrets::read(file, PLEX, "apikey").map_err(|why| BazarrError::Sealed {
        path: file.path().to_path_buf(),
        why,
    })?;
    let Some(apikey) = apikey.map(|a| a.to_string()).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    if file.get_bool(PLEX, "apikey_encrypted") != Some(true) {
        return Ok(Some(ApikeyInfo {
            token: Secret::new(apikey),
            was_signed: false,
        }));
    }
    let path = file.path().to_path_buf();
    let Some(key) = existing_key(file) else {
        return Err(BazarrError::ApikeyWithoutKey { path });
    };
    match signer::verify(&key, &apikey) {
        Ok(token) => Ok(Some(ApikeyInfo {
            token,
            was_signed: true,
        })),
        Err(SignError::BadSignature) => Err(BazarrError::ApikeyBadSignature { path }),
        Err(SignError::BadPayload(why)) => Err(BazarrError::ApikeyUnreadable { path, why }),
    }
}

/// Bazarr's own OAuth token: `plex.token`, opened with `plex.encryption_key`. The error says
/// why it cannot be used, for a person to read.
pub fn read_token(file: &BazarrFile) -> std::result::Result<Secret, String> {
    if Flavour::of(file) == Flavour::BazarrPlus {
        return read_plus_token(file);
    }
    let Some(signed) = file.get_str(PLEX, "token").filter(|t| !t.is_empty()) else {
        return Err("plex.token is empty: Bazarr is not linked to Plex".into());
    };
    let Some(key) = existing_key(file) else {
        return Err("plex.encryption_key is empty, so plex.token cannot be opened".into());
    };
    signer::verify(&key, &signed).map_err(|e| match e {
        SignError::BadSignature => {
            "plex.token does not open with plex.encryption_key (the signature does not match)"
                .to_string()
        }
        SignError::BadPayload(why) => format!("plex.token is not a token Bazarr signed ({why})"),
    })
}

/// Bazarr+ 2.2 and later keep the token itself, sealed when the file has a secret key. Those
/// up to 2.5 could not convert an upstream-signed token when they started and sealed the
/// signed text as it was: such a value is opened with `plex.encryption_key` as upstream's.
fn read_plus_token(file: &BazarrFile) -> std::result::Result<Secret, String> {
    let value = secrets::read(file, PLEX, "token").map_err(|e| e.to_string())?;
    let Some(value) = value.filter(|t| !t.is_empty()) else {
        return Err("plex.token is empty: Bazarr is not linked to Plex".into());
    };
    if let Some(key) = existing_key(file)
        && let Ok(token) = signer::verify(&key, &value)
    {
        return Ok(token);
    }
    Ok(Secret::new(value.as_str()))
}

/// The file comes from Bazarr 1.5.3 or later, which reads the OAuth keys. Older versions would
/// ignore them, so plex-auth leaves such a file alone.
pub fn is_oauth_capable(file: &BazarrFile) -> bool {
    ["auth_method", "token", "encryption_key"]
        .iter()
        .any(|key| file.has_key(PLEX, key))
}

/// The changes that turn a legacy apikey setup into a managed OAuth one (docs/formats.md#what-each-command-changes): the login
/// and server keys, the old value kept signed as `plex.legacy_token` so that no plain token
/// remains, and Bazarr's own migration markers so that Bazarr does not redo it. `timestamp` is
/// Bazarr's format, `<isoformat>_<8 hex>`, made by the caller.
pub fn migration_changes(
    file: &BazarrFile,
    apikey: &ApikeyInfo,
    username: &str,
    email: &str,
    user_id: u64,
    server: Option<(&str, &str, &str, bool, &[String])>,
    timestamp: &str,
) -> Result<Vec<Change>> {
    let (mut changes, key) =
        migrated_account(file, apikey, username, email, user_id, server, timestamp)?;
    let reused = reusable_signed(file, "legacy_token", &key, &apikey.token).or_else(|| {
        // Already signed with this very key: keep Bazarr's own signed form.
        apikey
            .was_signed
            .then(|| reusable_signed(file, "apikey", &key, &apikey.token))
            .flatten()
    });
    let legacy = match reused {
        Some(signed) => signed,
        None => signer::sign(&key, &apikey.token)?,
    };
    for c in [
        change(PLEX, "legacy_token", Value::Str(legacy)),
        change(PLEX, "apikey", text("")),
        change(PLEX, "apikey_encrypted", Value::Bool(false)),
        change(PLEX, "ip", text("")),
        change(PLEX, "port", Value::Int(32400)),
        change(PLEX, "ssl", Value::Bool(false)),
    ] {
        put(&mut changes, c);
    }
    Ok(changes)
}

/// The changes that migrate a pre-OAuth file (Bazarr 1.5.2 or older) without breaking it:
/// the OAuth, server and migration keys are added, while `apikey`, `apikey_encrypted`, `ip`,
/// `port`, `ssl` and `general.use_plex` stay exactly as they are. Bazarr 1.5.2 keeps keys it
/// does not know and goes on using its apikey; 1.5.3+ starts on OAuth, and
/// `disable_auto_migration` stops it from running its own migration over this one.
pub fn migration_beside_apikey_changes(
    file: &BazarrFile,
    apikey: &ApikeyInfo,
    username: &str,
    email: &str,
    user_id: u64,
    server: Option<(&str, &str, &str, bool, &[String])>,
    timestamp: &str,
) -> Result<Vec<Change>> {
    let (mut changes, _) =
        migrated_account(file, apikey, username, email, user_id, server, timestamp)?;
    changes.retain(|c| c.section == PLEX && !matches!(c.key, "apikey" | "apikey_encrypted"));
    Ok(changes)
}

/// What every migration writes: the account's sign-in (as `login_changes`), the server when
/// one was found, and Bazarr's own migration markers so that Bazarr does not redo it. Returns
/// the signing key too.
fn migrated_account(
    file: &BazarrFile,
    apikey: &ApikeyInfo,
    username: &str,
    email: &str,
    user_id: u64,
    server: Option<(&str, &str, &str, bool, &[String])>,
    timestamp: &str,
) -> Result<(Vec<Change>, String)> {
    let (mut changes, key) = login_changes(file, &apikey.token, username, email, user_id)?;
    if let Some((machine_id, name, url, local, connections)) = server {
        for c in server_changes(machine_id, name, url, local, connections) {
            put(&mut changes, c);
        }
    }
    for c in [
        change(PLEX, "migration_attempted", Value::Bool(true)),
        change(PLEX, "migration_successful", Value::Bool(true)),
        change(PLEX, "migration_timestamp", text(timestamp)),
        change(PLEX, "disable_auto_migration", Value::Bool(true)),
    ] {
        put(&mut changes, c);
    }
    Ok((changes, key))
}

/// A file `migration_beside_apikey_changes` already migrated: OAuth on the apikey's own token,
/// with the plain apikey still there for an old Bazarr. Once Bazarr 1.5.3+ has signed the
/// apikey (`apikey_encrypted`), the file is no longer in this state and a normal migration
/// clears it.
pub fn is_migrated_beside_apikey(file: &BazarrFile, apikey: &ApikeyInfo) -> bool {
    !apikey.was_signed
        && file.get_str(PLEX, "auth_method").as_deref() == Some("oauth")
        && existing_key(file)
            .is_some_and(|key| reusable_signed(file, "token", &key, &apikey.token).is_some())
}

/// The token of a migration plex-auth wrote into this file (its markers are there, OAuth is
/// on and `plex.token` opens), so that a run stopped after writing Bazarr's file and before
/// storing the token can be finished by the next one.
pub fn migrated_token(file: &BazarrFile) -> Option<Secret> {
    let marked = file.get_bool(PLEX, "migration_successful") == Some(true)
        && file.get_bool(PLEX, "disable_auto_migration") == Some(true)
        && file.get_str(PLEX, "auth_method").as_deref() == Some("oauth");
    marked.then(|| read_token(file).ok()).flatten()
}

/// The server keys a migration wrote into the file, as plex-auth's selection: Bazarr's file
/// only ever gets an owned server. `None` when no server is there.
pub fn migrated_server(file: &BazarrFile, now: u64) -> Option<crate::store::SelectedServer> {
    let get = |key: &str| file.get_str(PLEX, key).unwrap_or_default();
    let machine_id = get("server_machine_id");
    let url = get("server_url");
    if machine_id.is_empty() || url.is_empty() {
        return None;
    }
    Some(crate::store::SelectedServer {
        machine_id,
        name: get("server_name"),
        url,
        local: file.get_bool(PLEX, "server_local").unwrap_or(false),
        owned: true,
        connections: file
            .get_list(PLEX, "server_connections")
            .unwrap_or_default(),
        selected_at: now,
        insecure: false,
    })
}

/// The server URL Bazarr's legacy mode builds from `plex.ip`, `plex.port` and `plex.ssl`
/// (defaults 32400 and false, as Bazarr's); `None` when no ip is set.
pub fn legacy_server_uri(file: &BazarrFile) -> Option<String> {
    let ip = file.get_str(PLEX, "ip").filter(|ip| !ip.is_empty())?;
    let port = file.get_i64(PLEX, "port").unwrap_or(32400);
    let scheme = if file.get_bool(PLEX, "ssl") == Some(true) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{ip}:{port}"))
}

/// Bazarr already runs on `token` through OAuth with no legacy apikey left, so a migration
/// has nothing to do.
pub fn is_migrated(file: &BazarrFile, token: &Secret) -> bool {
    file.get_str(PLEX, "auth_method").as_deref() == Some("oauth")
        && file
            .get_str(PLEX, "apikey")
            .is_none_or(|apikey| apikey.is_empty())
        && existing_key(file)
            .is_some_and(|key| reusable_signed(file, "token", &key, token).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::fs;
    use std::path::{Path, PathBuf};

    const LEGACY_152: &str =
        include_str!("../../tests/fixtures/bazarr/bazarr-1.5.2-legacy-apikey.config.yaml");
    const FRESH: &str =
        include_str!("../../tests/fixtures/bazarr/bazarr-1.5.6-fresh-install.config.yaml");
    const AUTO_ENCRYPTED: &str = include_str!(
        "../../tests/fixtures/bazarr/bazarr-1.5.6-legacy-apikey-auto-encrypted.config.yaml"
    );
    const AFTER_RESTART: &str =
        include_str!("../../tests/fixtures/bazarr/bazarr-1.5.6-oauth-after-restart.config.yaml");
    const SERVER_SELECTED: &str =
        include_str!("../../tests/fixtures/bazarr/bazarr-1.5.6-oauth-server-selected.config.yaml");

    /// The key of the itsdangerous test vectors, which every 1.5.6 fixture uses.
    const VECTOR_KEY: &str = "q3Vx8bN1sYpT0wLrKc5dHfZ2mJ7aGeU9iOvRtW4yXk6";
    const VECTOR_TOKEN: &str = "AbCdEfGhIjKlMnOpQrSt";

    fn copy(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("config.yaml");
        fs::write(&path, text).unwrap();
        path
    }

    fn parsed(path: &Path) -> yaml_serde::Value {
        yaml_serde::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    }

    fn apply_and_write(path: &Path, changes: &[Change]) -> BazarrFile {
        let mut file = BazarrFile::load(path).unwrap();
        file.apply(changes);
        file.write().unwrap();
        BazarrFile::load(path).unwrap()
    }

    /// Every key of `before` outside `changed` is the same in `after`.
    fn assert_rest_equal(before: &str, after: &Path, changed: &[Change]) {
        let before: yaml_serde::Value = yaml_serde::from_str(before).unwrap();
        let after = parsed(after);
        let before = before.as_mapping().unwrap();
        let after = after.as_mapping().unwrap();
        for (section, old) in before {
            let section = section.as_str().unwrap();
            let new = &after[section];
            match old.as_mapping() {
                Some(old) => {
                    for (key, value) in old {
                        let key = key.as_str().unwrap();
                        if !changed.iter().any(|c| c.section == section && c.key == key) {
                            assert_eq!(&new[key], value, "{section}.{key}");
                        }
                    }
                }
                None => assert_eq!(new, old, "{section}"),
            }
        }
    }

    #[test]
    fn login_on_a_fresh_install_signs_with_the_files_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy(dir.path(), FRESH);
        let file = BazarrFile::load(&path).unwrap();
        let token = Secret::new("NewPlexToken1234");
        let (changes, key) =
            login_changes(&file, &token, "jdoe", "jdoe@example.com", 12345678).unwrap();
        assert_eq!(key, VECTOR_KEY);
        assert!(!changes.iter().any(|c| c.key == "encryption_key"));
        let after = apply_and_write(&path, &changes);
        assert_rest_equal(FRESH, &path, &changes);
        let stored = after.get_str("plex", "token").unwrap();
        assert_eq!(signer::verify(VECTOR_KEY, &stored).unwrap(), token);
        assert_eq!(after.get_bool("general", "use_plex"), Some(true));
        assert_eq!(
            after.get_str("plex", "auth_method").as_deref(),
            Some("oauth")
        );
        assert_eq!(after.get_str("plex", "username").as_deref(), Some("jdoe"));
        assert_eq!(
            after.get_str("plex", "email").as_deref(),
            Some("jdoe@example.com")
        );
        let doc = parsed(&path);
        assert_eq!(
            doc["plex"]["user_id"],
            yaml_serde::Value::String("12345678".into())
        );
        assert_eq!(after.get_str("plex", "apikey").as_deref(), Some(""));
        assert_eq!(after.get_bool("plex", "apikey_encrypted"), Some(false));
        assert_eq!(
            after.get_str("plex", "client_identifier").as_deref(),
            Some("")
        );
        assert!(is_migrated(&after, &token));
    }

    #[test]
    fn login_twice_leaves_the_file_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy(dir.path(), FRESH);
        let token = Secret::new("NewPlexToken1234");
        let file = BazarrFile::load(&path).unwrap();
        let (changes, _) = login_changes(&file, &token, "jdoe", "j@x", 1).unwrap();
        apply_and_write(&path, &changes);
        let written = fs::read(&path).unwrap();

        let mut again = BazarrFile::load(&path).unwrap();
        let (changes, _) = login_changes(&again, &token, "jdoe", "j@x", 1).unwrap();
        again.apply(&changes);
        assert!(!again.is_changed());
        assert_eq!(
            again.write().unwrap(),
            super::super::file::WriteOutcome::Unchanged
        );
        assert_eq!(fs::read(&path).unwrap(), written);

        // A different token is signed anew.
        let other = Secret::new("OtherToken");
        let (changes, _) = login_changes(&again, &other, "jdoe", "j@x", 1).unwrap();
        let after = apply_and_write(&path, &changes);
        let stored = after.get_str("plex", "token").unwrap();
        assert_eq!(signer::verify(VECTOR_KEY, &stored).unwrap(), other);
    }

    #[test]
    fn login_on_an_already_linked_file_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy(dir.path(), AFTER_RESTART);
        let mut file = BazarrFile::load(&path).unwrap();
        let (changes, _) = login_changes(
            &file,
            &Secret::new(VECTOR_TOKEN),
            "jdoe",
            "jdoe@example.com",
            12345678,
        )
        .unwrap();
        // Only apikey_encrypted, which this Bazarr never wrote, is new.
        file.apply(&changes);
        let diff = file.diff();
        let added: Vec<&str> = diff
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .collect();
        assert_eq!(added, vec!["+  apikey_encrypted: false"]);
        assert!(
            !diff
                .lines()
                .any(|l| l.starts_with('-') && !l.starts_with("---"))
        );
    }

    #[test]
    fn login_without_a_key_creates_one_and_writes_both() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy(dir.path(), LEGACY_152);
        let file = BazarrFile::load(&path).unwrap();
        let token = Secret::new("PinToken");
        let (changes, key) = login_changes(&file, &token, "u", "e", 7).unwrap();
        assert_eq!(key.len(), 43);
        let after = apply_and_write(&path, &changes);
        assert_eq!(after.get_str("plex", "encryption_key"), Some(key.clone()));
        let stored = after.get_str("plex", "token").unwrap();
        assert_eq!(signer::verify(&key, &stored).unwrap(), token);
        assert_rest_equal(LEGACY_152, &path, &changes);

        // A blank key counts as none, as in Bazarr.
        let path = copy(dir.path(), &FRESH.replace(VECTOR_KEY, "'  '"));
        let file = BazarrFile::load(&path).unwrap();
        let (changes, key) = login_changes(&file, &token, "u", "e", 7).unwrap();
        assert_ne!(key.trim(), "");
        assert!(changes.iter().any(|c| c.key == "encryption_key"));
    }

    #[test]
    fn server_changes_match_bazarrs_select_server() {
        let conns = vec!["https://a:32400".to_string(), "http://b:32400".to_string()];
        let changes = server_changes("mid", "My Plex", "https://a:32400", true, &conns);
        let dir = tempfile::tempdir().unwrap();
        let path = copy(dir.path(), FRESH);
        let after = apply_and_write(&path, &changes);
        assert_eq!(
            after.get_str("plex", "server_machine_id").as_deref(),
            Some("mid")
        );
        assert_eq!(
            after.get_str("plex", "server_name").as_deref(),
            Some("My Plex")
        );
        assert_eq!(
            after.get_str("plex", "server_url").as_deref(),
            Some("https://a:32400")
        );
        assert_eq!(after.get_bool("plex", "server_local"), Some(true));
        assert_eq!(after.get_list("plex", "server_connections"), Some(conns));
        assert_rest_equal(FRESH, &path, &changes);

        let alone = server_changes("m", "n", "http://u:1", false, &[]);
        assert_eq!(
            alone.last().unwrap().value,
            Value::List(vec!["http://u:1".into()])
        );
    }

    #[test]
    fn logout_clears_what_bazarr_clears() {
        let dir = tempfile::tempdir().unwrap();
        let path = copy(dir.path(), SERVER_SELECTED);
        let changes = logout_changes();
        let after = apply_and_write(&path, &changes);
        assert_rest_equal(SERVER_SELECTED, &path, &changes);
        for key in [
            "token",
            "apikey",
            "username",
            "email",
            "user_id",
            "server_machine_id",
            "server_name",
            "server_url",
            "encryption_key",
        ] {
            assert_eq!(after.get_str("plex", key).as_deref(), Some(""), "{key}");
        }
        assert_eq!(
            after.get_str("plex", "auth_method").as_deref(),
            Some("apikey")
        );
        assert_eq!(after.get_str("plex", "ip").as_deref(), Some("127.0.0.1"));
        assert_eq!(after.get_i64("plex", "port"), Some(32400));
        assert_eq!(after.get_bool("plex", "ssl"), Some(false));
        assert_eq!(after.get_bool("plex", "server_local"), Some(false));
        assert_eq!(after.get_bool("plex", "apikey_encrypted"), Some(false));
        assert_eq!(after.get_bool("general", "use_plex"), Some(false));
        // Kept, as Bazarr keeps them.
        assert_eq!(
            after.get_str("plex", "client_identifier").as_deref(),
            Some("3f1c2b7e-9a4d-4c1e-8b2a-5d6e7f809a1b")
        );
        assert_eq!(
            after.get_list("plex", "server_connections").unwrap().len(),
            2
        );
    }

    #[test]
    fn read_apikey_plain_signed_and_absent() {
        let dir = tempfile::tempdir().unwrap();
        let plain = BazarrFile::load(&copy(dir.path(), LEGACY_152)).unwrap();
        let info = read_apikey(&plain).unwrap().unwrap();
        assert_eq!(info.token.expose(), VECTOR_TOKEN);
        assert!(!info.was_signed);

        let signed = BazarrFile::load(&copy(dir.path(), AUTO_ENCRYPTED)).unwrap();
        let info = read_apikey(&signed).unwrap().unwrap();
        assert_eq!(info.token.expose(), VECTOR_TOKEN);
        assert!(info.was_signed);

        for text in [FRESH, AFTER_RESTART, "general: {}\n", "plex:\n  ip: x\n"] {
            let file = BazarrFile::load(&copy(dir.path(), text)).unwrap();
            assert!(read_apikey(&file).unwrap().is_none());
        }
    }

    #[test]
    fn read_apikey_with_the_wrong_key_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        let wrong =
            AUTO_ENCRYPTED.replace(VECTOR_KEY, "SomeOtherKeySomeOtherKeySomeOtherKeySomeOth");
        let file = BazarrFile::load(&copy(dir.path(), &wrong)).unwrap();
        let err = crate::error::Error::from(read_apikey(&file).unwrap_err());
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("does not match"));
        assert!(!err.message.contains("eyJ0"));

        let no_key = AUTO_ENCRYPTED.replace(VECTOR_KEY, "''");
        let file = BazarrFile::load(&copy(dir.path(), &no_key)).unwrap();
        let err = crate::error::Error::from(read_apikey(&file).unwrap_err());
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("encryption_key is empty"));
    }

    #[test]
    fn oauth_capable_means_bazarr_153_or_later() {
        let dir = tempfile::tempdir().unwrap();
        for (text, capable) in [
            (LEGACY_152, false),
            (FRESH, true),
            (AUTO_ENCRYPTED, true),
            (AFTER_RESTART, true),
            ("plex:\n  encryption_key: ''\n", true),
            ("plex:\n  token: ''\n", true),
            ("plex:\n  ip: x\n", false),
        ] {
            let file = BazarrFile::load(&copy(dir.path(), text)).unwrap();
            assert_eq!(is_oauth_capable(&file), capable, "{text:.40}");
        }
    }

    fn migrate(text: &str, server: bool) -> (tempfile::TempDir, PathBuf, Vec<Change>) {
        let dir = tempfile::tempdir().unwrap();
        let path = copy(dir.path(), text);
        let file = BazarrFile::load(&path).unwrap();
        let apikey = read_apikey(&file).unwrap().unwrap();
        let conns = vec![
            "https://192-168-1-10.abc.plex.direct:32400".to_string(),
            "http://192.168.1.10:32400".to_string(),
        ];
        let server = server.then_some((
            "0123456789abcdef",
            "My Plex",
            "http://192.168.1.10:32400",
            true,
            conns.as_slice(),
        ));
        let changes = migration_changes(
            &file,
            &apikey,
            "jdoe",
            "jdoe@example.com",
            12345678,
            server,
            "2026-01-01T00:00:00.123456_1a2b3c4d",
        )
        .unwrap();
        apply_and_write(&path, &changes);
        (dir, path, changes)
    }

    #[test]
    fn migration_of_an_auto_encrypted_file() {
        let (_dir, path, changes) = migrate(AUTO_ENCRYPTED, true);
        let after = BazarrFile::load(&path).unwrap();
        assert_rest_equal(AUTO_ENCRYPTED, &path, &changes);
        let token = Secret::new(VECTOR_TOKEN);
        let text = fs::read_to_string(&path).unwrap();
        assert!(!text.contains(VECTOR_TOKEN), "no plain token remains");
        assert_eq!(
            signer::verify(VECTOR_KEY, &after.get_str("plex", "token").unwrap()).unwrap(),
            token
        );
        assert_eq!(
            signer::verify(VECTOR_KEY, &after.get_str("plex", "legacy_token").unwrap()).unwrap(),
            token
        );
        // Bazarr's signed apikey is kept as it was, as the legacy token.
        assert_eq!(
            after.get_str("plex", "legacy_token"),
            AUTO_ENCRYPTED
                .lines()
                .find(|l| l.starts_with("  apikey: eyJ"))
                .map(|l| l["  apikey: ".len()..].to_string())
        );
        let expect_bool = [
            ("apikey_encrypted", false),
            ("migration_attempted", true),
            ("migration_successful", true),
            ("disable_auto_migration", true),
            ("ssl", false),
            ("server_local", true),
        ];
        let after = BazarrFile::load(&path).unwrap();
        for (key, value) in expect_bool {
            assert_eq!(after.get_bool("plex", key), Some(value), "{key}");
        }
        assert_eq!(after.get_str("plex", "apikey").as_deref(), Some(""));
        assert_eq!(after.get_str("plex", "ip").as_deref(), Some(""));
        assert_eq!(after.get_i64("plex", "port"), Some(32400));
        assert_eq!(
            after.get_str("plex", "auth_method").as_deref(),
            Some("oauth")
        );
        assert_eq!(
            after.get_str("plex", "migration_timestamp").as_deref(),
            Some("2026-01-01T00:00:00.123456_1a2b3c4d")
        );
        assert_eq!(
            after.get_str("plex", "server_url").as_deref(),
            Some("http://192.168.1.10:32400")
        );
        assert_eq!(after.get_bool("general", "use_plex"), Some(true));
        // Libraries stay as the user had them.
        assert_eq!(
            after.get_list("plex", "movie_library"),
            Some(vec!["Movies".to_string()])
        );
        assert!(is_migrated(&after, &token));
        assert!(read_apikey(&after).unwrap().is_none());
        let keys: Vec<&str> = changes.iter().map(|c| c.key).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "each key once");
    }

    #[test]
    fn migration_of_a_plain_apikey_with_no_key_yet() {
        // A 1.5.2 file is not OAuth-capable; the caller would stop. The changes still have to
        // be consistent when made: a new key, and the token and legacy token signed with it.
        let (_dir, path, changes) = migrate(LEGACY_152, false);
        let after = BazarrFile::load(&path).unwrap();
        let key = after.get_str("plex", "encryption_key").unwrap();
        assert_eq!(key.len(), 43);
        let token = Secret::new(VECTOR_TOKEN);
        assert_eq!(
            signer::verify(&key, &after.get_str("plex", "legacy_token").unwrap()).unwrap(),
            token
        );
        assert!(!fs::read_to_string(&path).unwrap().contains(VECTOR_TOKEN));
        assert!(!after.has_key("plex", "server_url"));
        assert_rest_equal(LEGACY_152, &path, &changes);
        assert!(is_migrated(&after, &token));
    }

    #[test]
    fn migration_of_a_plain_apikey_in_a_153_file() {
        let text = AUTO_ENCRYPTED
            .replace(
                &AUTO_ENCRYPTED
                    .lines()
                    .find(|l| l.starts_with("  apikey: eyJ"))
                    .unwrap()
                    .to_string(),
                &format!("  apikey: {VECTOR_TOKEN}"),
            )
            .replace("apikey_encrypted: true", "apikey_encrypted: false");
        let (_dir, path, _) = migrate(&text, true);
        let after = BazarrFile::load(&path).unwrap();
        assert!(!fs::read_to_string(&path).unwrap().contains(VECTOR_TOKEN));
        assert_eq!(
            signer::verify(VECTOR_KEY, &after.get_str("plex", "legacy_token").unwrap())
                .unwrap()
                .expose(),
            VECTOR_TOKEN
        );
        assert!(is_migrated(&after, &Secret::new(VECTOR_TOKEN)));
    }

    #[test]
    fn legacy_server_uri_follows_ip_port_ssl() {
        let dir = tempfile::tempdir().unwrap();
        for (text, want) in [
            (LEGACY_152, Some("http://192.168.1.10:32400")),
            (
                "plex:\n  ip: 10.0.0.2\n  port: 32401\n  ssl: true\n",
                Some("https://10.0.0.2:32401"),
            ),
            ("plex:\n  ip: 10.0.0.2\n", Some("http://10.0.0.2:32400")),
            (AFTER_RESTART, None),
            ("plex: {}\n", None),
        ] {
            let file = BazarrFile::load(&copy(dir.path(), text)).unwrap();
            assert_eq!(legacy_server_uri(&file).as_deref(), want);
        }
    }

    #[test]
    fn is_migrated_needs_oauth_no_apikey_and_the_same_token() {
        let dir = tempfile::tempdir().unwrap();
        let token = Secret::new(VECTOR_TOKEN);
        let file = BazarrFile::load(&copy(dir.path(), AFTER_RESTART)).unwrap();
        assert!(is_migrated(&file, &token));
        assert!(!is_migrated(&file, &Secret::new("another")));
        for text in [
            AFTER_RESTART.replace("auth_method: oauth", "auth_method: apikey"),
            AFTER_RESTART.replace("apikey: ''", "apikey: leftover"),
            AFTER_RESTART.replace(VECTOR_KEY, "OtherKey"),
            LEGACY_152.to_string(),
            AUTO_ENCRYPTED.to_string(),
        ] {
            let file = BazarrFile::load(&copy(dir.path(), &text)).unwrap();
            assert!(!is_migrated(&file, &token));
        }
    }
}
