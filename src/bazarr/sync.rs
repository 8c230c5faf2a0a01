//! Keeping Bazarr's config.yaml in step with what plex-auth stores (docs/architecture.md#targets): which file,
//! which keys for each change, writing them, and what `status` says about Bazarr's copy.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bazarr::file::{BazarrFile, Change, WriteOutcome};
use crate::bazarr::{BazarrError, keys, signer};
use crate::plex::types::User;
use crate::secret::Secret;
use crate::store::{Config, SelectedServer};

type Result<T, E = BazarrError> = std::result::Result<T, E>;

/// The Bazarr file to keep in sync: `--bazarr-config`, else the remembered one, else none.
pub fn target(flag: Option<&Path>, cfg: &Config) -> Option<PathBuf> {
    flag.map(Path::to_path_buf)
        .or_else(|| cfg.bazarr_config.clone())
}

/// What happened to Bazarr's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Synced {
    /// The keys were written (or already held these values); `notes` says which values were
    /// changed to be safe for Bazarr to read.
    Updated { path: PathBuf, notes: Vec<String> },
    /// A Bazarr older than 1.5.3 (no OAuth settings): left as it is.
    PreOauth(PathBuf),
    /// A server the account does not own (shared with it): Bazarr lists and uses only owned
    /// servers, and a shared one answers its account token with 401, so its server keys
    /// were left as they are.
    NotOwned(PathBuf),
}

impl Synced {
    pub fn path(&self) -> &Path {
        match self {
            Synced::Updated { path, .. } | Synced::PreOauth(path) | Synced::NotOwned(path) => path,
        }
    }

    /// The path, when the file now holds plex-auth's values.
    pub fn updated(&self) -> Option<&Path> {
        match self {
            Synced::Updated { path, .. } => Some(path),
            Synced::PreOauth(_) | Synced::NotOwned(_) => None,
        }
    }

    /// The warnings a person should read.
    pub fn warnings(&self) -> Vec<String> {
        match self {
            Synced::Updated { notes, .. } => notes.clone(),
            Synced::PreOauth(p) => vec![format!(
                "{} has no OAuth settings (Bazarr 1.5.2 or older), so it was left as it is; upgrade Bazarr to use plex-auth's token there",
                p.display()
            )],
            Synced::NotOwned(p) => vec![not_owned(p)],
        }
    }
}

/// Why a shared server is selected for plex-auth only, with Bazarr's file left as it is.
pub fn not_owned(path: &Path) -> String {
    format!(
        "this server is shared with the account, not owned by it: Bazarr only uses servers the account owns (a shared one refuses Bazarr's account token), so plex-auth keeps the selection for itself and leaves the server keys in {} as they are",
        path.display()
    )
}

pub fn login_changes(file: &BazarrFile, token: &Secret, user: &User) -> Result<Vec<Change>> {
    let mut changes =
        keys::login_changes(file, token, &user.username, &user.email, user.id).map(|(c, _)| c)?;
    // A file migrated beside its apikey (Bazarr 1.5.2 still reading it) keeps an apikey that
    // is this very token: clearing it, as Bazarr's own OAuth login does, would cut 1.5.2 off.
    let plain_apikey = file.get_bool("plex", "apikey_encrypted") != Some(true);
    if plain_apikey && file.get_str("plex", "apikey").as_deref() == Some(token.expose()) {
        changes
            .retain(|c| !(c.section == "plex" && matches!(c.key, "apikey" | "apikey_encrypted")));
    }
    Ok(changes)
}

/// `login --from-bazarr`: the link is Bazarr's own and its file already holds it, so only
/// the account details plex.tv returns are written, and only those that differ.
pub fn adopt_changes(file: &BazarrFile, user: &User) -> Vec<Change> {
    let id = user.id.to_string();
    let details = [
        ("username", user.username.as_str()),
        ("email", user.email.as_str()),
        ("user_id", id.as_str()),
    ];
    // Bazarr+ keeps the name and email sealed: compared opened, and written in the form
    // the file keeps them in.
    details
        .into_iter()
        .filter(|(key, value)| {
            let held = crate::bazarr::secrets::read(file, "plex", key)
                .ok()
                .flatten();
            held.as_deref().map(String::as_str) != Some(*value)
        })
        .map(|(key, value)| Change {
            section: "plex",
            key,
            value: crate::bazarr::file::Value::Str(match key {
                "user_id" => value.to_string(),
                _ => crate::bazarr::secrets::stored_form(file, "plex", key, value),
            }),
        })
        .collect()
}

/// What Bazarr's own logout clears, and plex-auth's signed copy of a migrated apikey
/// (`legacy_token`) when the file has one: after logout no key in the file opens to a token.
pub fn logout_changes(file: &BazarrFile, clear_apikey: bool) -> Vec<Change> {
    let mut changes = keys::logout_changes();
    // An apikey beside plex-auth's OAuth keys is what a pre-OAuth Bazarr (1.5.2) still runs
    // on: clearing it stops that Bazarr, so it is only cleared when asked (see
    // `apikey_in_use`).
    if !clear_apikey && apikey_in_use(file) {
        changes
            .retain(|c| !(c.section == "plex" && matches!(c.key, "apikey" | "apikey_encrypted")));
    }
    if file.has_key("plex", "legacy_token") {
        changes.push(Change {
            section: "plex",
            key: "legacy_token",
            value: crate::bazarr::file::Value::Str(String::new()),
        });
    }
    changes
}

/// Whether the file holds a plain `plex.apikey` that a pre-OAuth Bazarr reads: OAuth keys
/// added beside it by `migrate-apikey` (a Bazarr 1.5.3 or later would have signed it at its
/// first start).
pub fn apikey_in_use(file: &BazarrFile) -> bool {
    matches!(keys::read_apikey(file), Ok(Some(apikey)) if keys::is_migrated_beside_apikey(file, &apikey))
}

/// The keys `changes` would change in `file`, as `section.key` (never their values).
pub fn changed_keys(file: &BazarrFile, changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| !file.holds(c))
        .map(|c| format!("{}.{}", c.section, c.key))
        .collect()
}

/// After logout, the backup beside Bazarr's file (made by plex-auth) still holds the token
/// it had before; remove it. Only a regular file is removed: a link or anything else there
/// is not plex-auth's. Returns the path removed.
pub fn remove_token_backup(path: &Path) -> Result<Option<PathBuf>> {
    let Ok(target) = std::fs::canonicalize(path) else {
        return Ok(None);
    };
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    let backup = target.with_file_name(name);
    match std::fs::symlink_metadata(&backup) {
        Ok(meta) if meta.file_type().is_file() => {
            std::fs::remove_file(&backup).map_err(|source| BazarrError::BackupNotRemoved {
                path: backup.clone(),
                source,
            })?;
            Ok(Some(backup))
        }
        _ => Ok(None),
    }
}

pub fn server_changes(server: &SelectedServer) -> Vec<Change> {
    keys::server_changes(
        &server.machine_id,
        &server.name,
        &server.url,
        server.local,
        &server.connections,
    )
}

/// How many times plex-auth writes Bazarr's file when Bazarr keeps saving it meanwhile.
pub const SAVE_TRIES: u32 = 3;

/// Apply plex-auth's keys and write the file. A Bazarr older than 1.5.3 has no OAuth
/// settings and still runs on `plex.apikey`: writing OAuth keys (or Bazarr's logout, which
/// empties `apikey`) would break it, so its file is left alone.
///
/// Bazarr saves its file whenever it likes, without plex-auth's lock. A save that lands
/// after the file was read is never overwritten (see [`BazarrFile::write`]): the file is read
/// again and the changes, made anew from what it now holds, are applied on top of that save,
/// up to [`SAVE_TRIES`] times in all.
pub fn write(
    file: BazarrFile,
    changes: impl Fn(&BazarrFile) -> Result<Vec<Change>>,
) -> Result<Synced> {
    write_undoable(file, changes).map(|(synced, _, _)| synced)
}

/// [`write`], also returning the file as it now is and whether it was replaced (so that the
/// caller can [put it back](BazarrFile::put_back) if what must change with it cannot be
/// saved).
pub fn write_undoable(
    mut file: BazarrFile,
    changes: impl Fn(&BazarrFile) -> Result<Vec<Change>>,
) -> Result<(Synced, BazarrFile, bool)> {
    let path = file.path().to_path_buf();
    let mut tried = 0;
    loop {
        tried += 1;
        if !keys::is_oauth_capable(&file) {
            return Ok((Synced::PreOauth(path), file, false));
        }
        let wanted = changes(&file)?;
        let notes = apply(&mut file, wanted)?;
        match file.write() {
            Ok(WriteOutcome::Written { .. }) => {
                return Ok((Synced::Updated { path, notes }, file, true));
            }
            Ok(WriteOutcome::Unchanged) => {
                return Ok((Synced::Updated { path, notes }, file, false));
            }
            Err(BazarrError::ChangedOnDisk { .. } | BazarrError::SavedMeanwhile { .. })
                if tried < SAVE_TRIES =>
            {
                file = BazarrFile::load(&path)?;
            }
            Err(BazarrError::ChangedOnDisk { .. } | BazarrError::SavedMeanwhile { .. }) => {
                return Err(BazarrError::KeptSaving { path, tries: tried });
            }
            Err(e) => return Err(e),
        }
    }
}

/// Apply `changes` in memory once every value is safe for Bazarr's loader (see `values`);
/// returns what was changed to make it so.
pub fn apply(file: &mut BazarrFile, mut changes: Vec<Change>) -> Result<Vec<String>> {
    let notes = crate::bazarr::values::make_safe(&mut changes)?;
    file.apply(&changes);
    Ok(notes)
}

/// What `status` says about Bazarr's copy: does its token open and equal ours, does its
/// server match the selection. Read-only, and it never fails the status command.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BazarrStatus {
    pub path: PathBuf,
    pub readable: bool,
    /// Which Bazarr the file belongs to (upstream before or after 1.5.3, or Bazarr+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flavour: Option<crate::bazarr::secrets::Flavour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_not_encrypted: Option<bool>,
    /// Whether Bazarr answers at its address, asked without its API key (`None`: not
    /// asked, e.g. the file has no API key or what listens there is not Bazarr's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<bool>,
    /// Bazarr's own Plex link, when plex-auth holds no token (`status` before
    /// `login --from-bazarr`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<BazarrLink>,
    /// Sentences for people, in the order `status` shows them.
    #[serde(skip)]
    pub lines: Vec<String>,
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Bazarr's token beside the stored one; `status --json` says it as `matches`, `differs`,
/// `missing` or `does-not-open`, words scripts read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenMatch {
    Matches,
    Differs,
    Missing,
    DoesNotOpen,
}

/// Bazarr's server keys beside the selection: `matches`, `differs` or `none-selected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerMatch {
    Matches,
    Differs,
    NoneSelected,
}

/// Whether the token of Bazarr's own link opens with its key: `opens`, `does-not-open` or
/// `missing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkToken {
    Opens,
    DoesNotOpen,
    Missing,
}

/// A Bazarr file `status` could not read.
pub fn unreadable(path: &Path, e: &BazarrError) -> BazarrStatus {
    BazarrStatus {
        path: path.to_path_buf(),
        lines: vec![e.to_string()],
        error: Some(e.to_string()),
        ..BazarrStatus::default()
    }
}

pub fn status(file: &BazarrFile, cfg: &Config, token: &Secret) -> BazarrStatus {
    let path = file.path();
    // Each check gives a stable word for scripts and a sentence for people.
    let (token_state, token_line) = token_check(file, token);
    let server_url = file.get_str("plex", "server_url").unwrap_or_default();
    let (server_state, server_line) = server_check(file, cfg, &server_url);
    let flavour = crate::bazarr::secrets::Flavour::of(file);
    let (signed_only, protection) = protection(file, flavour);
    BazarrStatus {
        path: path.to_path_buf(),
        readable: true,
        flavour: Some(flavour),
        error: None,
        token: Some(token_state),
        server: Some(server_state),
        server_url: Some(server_url),
        signed_not_encrypted: Some(signed_only),
        running: None,
        link: None,
        lines: vec![
            format!("{} ({})", path.display(), flavour.label()),
            token_line,
            server_line,
            protection.into(),
        ],
        warnings: mode_warnings(path),
    }
}

/// How Bazarr's copy of the token is kept: only signed (upstream), or sealed by Bazarr+'s
/// secret store, whose key is in the same file; either way the file's readers can use it.
fn protection(file: &BazarrFile, flavour: crate::bazarr::secrets::Flavour) -> (bool, &'static str) {
    use crate::bazarr::secrets::{Flavour, SecretKey};
    match flavour {
        Flavour::BazarrPlus if SecretKey::of(file).is_some() => (
            false,
            "Bazarr+'s copy is encrypted with the secrets_encryption_key kept in the same file: anyone who can read that file can open the token",
        ),
        Flavour::BazarrPlus => (
            false,
            "Bazarr+'s copy is plaintext until Bazarr+ next starts and encrypts it: anyone who can read that file can read the token",
        ),
        _ => (
            true,
            "Bazarr's copy is signed, not encrypted: anyone who can read that file can read the token",
        ),
    }
}

/// Bazarr's token beside the stored one: the word for scripts and the sentence for people.
fn token_check(file: &BazarrFile, token: &Secret) -> (TokenMatch, String) {
    let key = file.get_str("plex", "encryption_key").unwrap_or_default();
    let signed = file.get_str("plex", "token").unwrap_or_default();
    if signed.is_empty() {
        (
            TokenMatch::Missing,
            "holds no token (run `plex-auth login` to write it)".to_string(),
        )
    } else {
        // Bazarr+ keeps the token itself (sealed): opened the way Bazarr reads it.
        let opened = match crate::bazarr::secrets::Flavour::of(file) {
            crate::bazarr::secrets::Flavour::BazarrPlus => keys::read_token(file).map_err(drop),
            _ => signer::verify(&key, &signed).map_err(drop),
        };
        match opened {
            Ok(t) if &t == token => (
                TokenMatch::Matches,
                "token matches the stored one".to_string(),
            ),
            Ok(_) => (
                TokenMatch::Differs,
                "holds ANOTHER token (run `plex-auth login` to sync it)".to_string(),
            ),
            Err(_) => (
                TokenMatch::DoesNotOpen,
                "its token does not open with its encryption_key (run `plex-auth login`)"
                    .to_string(),
            ),
        }
    }
}

/// Bazarr's server keys (its `server_url` given) beside the selection: the word for
/// scripts and the sentence for people.
fn server_check(file: &BazarrFile, cfg: &Config, server_url: &str) -> (ServerMatch, String) {
    let server_id = file
        .get_str("plex", "server_machine_id")
        .unwrap_or_default();
    match &cfg.server {
        None => (
            ServerMatch::NoneSelected,
            "no server selected here".to_string(),
        ),
        Some(s) if s.machine_id == server_id && s.url == server_url => (
            ServerMatch::Matches,
            format!("server matches the selection ({server_url})"),
        ),
        // A shared selection is plex-auth's alone: Bazarr keeps a server it can use.
        Some(s) if !s.owned && s.machine_id != server_id => (
            ServerMatch::Differs,
            format!(
                "{}: the selected {} is shared with the account, and Bazarr can use only servers the account owns; to change Bazarr's, select an owned one (`plex-auth select NAME`)",
                match server_id.is_empty() {
                    true => "has no server of its own".to_string(),
                    false => format!(
                        "keeps its own server ({} {server_id})",
                        file.get_str("plex", "server_name").unwrap_or_default()
                    ),
                },
                s.name,
            ),
        ),
        Some(_) if server_id.is_empty() => (
            ServerMatch::Differs,
            "has no server yet (run `plex-auth select`)".to_string(),
        ),
        Some(s) if s.machine_id == server_id => (
            ServerMatch::Differs,
            format!(
                "reaches the selected server at another address ({server_url}, not {}; `plex-auth validate --server` checks that it answers)",
                s.url
            ),
        ),
        Some(s) => (
            ServerMatch::Differs,
            format!(
                "uses another server ({} {server_id} at {server_url}, not {} {}; run `plex-auth select {}` to write the selected one)",
                file.get_str("plex", "server_name").unwrap_or_default(),
                s.name,
                s.machine_id,
                s.machine_id
            ),
        ),
    }
}

/// The Plex link Bazarr's file holds on its own (made in Bazarr's web UI, or left by
/// plex-auth): read offline, the token only opened, never sent anywhere.
#[derive(Debug, Clone, Serialize)]
pub struct BazarrLink {
    pub auth_method: Option<String>,
    pub username: String,
    pub email: String,
    pub server_name: String,
    pub server_machine_id: String,
    pub server_url: String,
    pub token: LinkToken,
}

impl BazarrLink {
    pub fn read(file: &BazarrFile) -> BazarrLink {
        let get = |key: &str| file.get_str("plex", key).unwrap_or_default();
        // Bazarr+ keeps the name and email sealed: shown opened, or as Bazarr+ would fail.
        let opened = |key: &'static str| match crate::bazarr::secrets::read(file, "plex", key) {
            Ok(value) => value.map(|v| v.to_string()).unwrap_or_default(),
            Err(e) => format!("<{e}>"),
        };
        let token = match keys::read_token(file) {
            Ok(_) => LinkToken::Opens,
            Err(_) if get("token").is_empty() => LinkToken::Missing,
            Err(_) => LinkToken::DoesNotOpen,
        };
        BazarrLink {
            auth_method: file.get_str("plex", "auth_method"),
            username: opened("username"),
            email: opened("email"),
            server_name: get("server_name"),
            server_machine_id: get("server_machine_id"),
            server_url: get("server_url"),
            token,
        }
    }

    /// Sentences for `status`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match self.token {
            LinkToken::Opens => lines.push(format!(
                "Bazarr is linked to Plex on its own as {} ({}); its token opens with its encryption_key",
                self.username, self.email
            )),
            LinkToken::DoesNotOpen => lines.push(format!(
                "Bazarr's file names the account {} ({}), but its token does NOT open with its encryption_key",
                self.username, self.email
            )),
            LinkToken::Missing => lines.push("Bazarr holds no Plex token either".to_string()),
        }
        if !self.server_url.is_empty() {
            lines.push(format!(
                "Bazarr's server: {} at {} ({})",
                self.server_name, self.server_url, self.server_machine_id
            ));
        }
        lines
    }
}

/// Add whether Bazarr answers at `address` to `status`'s report on its file. Which Plex
/// settings it runs on is not asked: that takes its API key, which `status` never sends.
pub fn add_running(status: &mut BazarrStatus, running: bool, address: &str) {
    status.running = Some(running);
    status.lines.push(if running {
        format!(
            "Bazarr answers at {address}; status sends it no API key, so it does not compare the Plex settings Bazarr runs on with this file (`plex-auth login --restart-bazarr` does, and restarts it when they differ)"
        )
    } else {
        format!("Bazarr does not answer at {address} (not running?)")
    });
}

/// A loose mode on Bazarr's file, with advice that lasts: Bazarr recreates config.yaml with
/// its own process umask on every settings save, so a `chmod` is undone at the next save.
pub fn mode_warnings(path: &Path) -> Vec<String> {
    crate::fs::mode_warnings(&[path])
        .into_iter()
        .map(|w| {
            let what = w.split("; run chmod").next().unwrap_or(&w);
            format!(
                "{what}: Bazarr writes this file anew with its own umask on every settings save, so chmod does not last; set UMask=0077 in Bazarr's systemd unit (`systemctl edit bazarr`), or UMASK=077 in its container's environment (linuxserver and hotio images), then restart Bazarr"
            )
        })
        .collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    const FRESH: &str =
        include_str!("../../tests/fixtures/bazarr/bazarr-1.5.6-fresh-install.config.yaml");

    fn tower() -> SelectedServer {
        SelectedServer {
            machine_id: "towerid".into(),
            name: "Tower".into(),
            url: "http://10.0.0.2:32400".into(),
            local: true,
            owned: true,
            ..SelectedServer::default()
        }
    }

    /// Bazarr saving its file the way it does: a new file renamed over it.
    fn bazarr_saves(path: &Path, text: &str) {
        let tmp = path.with_extension("yaml.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, path).unwrap();
    }

    /// Bazarr saves, in the instant before each of plex-auth's next `times` swaps, its
    /// settings with `chmod_enabled` flipped and `hostname` numbered by the save.
    fn bazarr_saves_before_each_swap(path: PathBuf, times: u32) {
        if times == 0 {
            return;
        }
        crate::fs::before_next_swap(move || {
            let text = FRESH
                .replace("chmod_enabled: false", "chmod_enabled: true")
                .replace("hostname: mediaserver", &format!("hostname: save{times}"));
            bazarr_saves(&path, &text);
            bazarr_saves_before_each_swap(path, times - 1);
        });
    }

    fn load(path: &Path) -> BazarrFile {
        BazarrFile::load(path).unwrap()
    }

    /// A save that lands while plex-auth writes is kept, and plex-auth's keys are written on
    /// top of it: the command does not fail.
    #[test]
    fn a_bazarr_save_during_the_write_is_kept_and_the_keys_written_on_top() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, FRESH).unwrap();
        let file = load(&path);
        bazarr_saves_before_each_swap(path.clone(), SAVE_TRIES - 1);
        let synced = write(file, |_| Ok(server_changes(&tower()))).unwrap();
        assert_eq!(synced.updated(), Some(path.as_path()));
        let after = load(&path);
        assert_eq!(after.get_bool("general", "chmod_enabled"), Some(true));
        assert_eq!(
            after.get_str("general", "hostname").as_deref(),
            Some("save1")
        );
        assert_eq!(
            after.get_str("plex", "server_machine_id").as_deref(),
            Some("towerid")
        );

        // Saved after plex-auth read it and before it locked it: the same.
        std::fs::write(&path, FRESH).unwrap();
        let file = load(&path);
        bazarr_saves(
            &path,
            &FRESH.replace("hostname: mediaserver", "hostname: early"),
        );
        write(file, |_| Ok(server_changes(&tower()))).unwrap();
        let after = load(&path);
        assert_eq!(
            after.get_str("general", "hostname").as_deref(),
            Some("early")
        );
        assert_eq!(
            after.get_str("plex", "server_name").as_deref(),
            Some("Tower")
        );
    }

    /// A save that drops values the file already held (so plex-auth had nothing to change)
    /// is noticed too, and those values are written again on top of it.
    #[test]
    fn a_save_that_drops_values_already_there_is_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, FRESH).unwrap();
        write(load(&path), |_| Ok(server_changes(&tower()))).unwrap();
        let file = load(&path);
        bazarr_saves(
            &path,
            &FRESH.replace("hostname: mediaserver", "hostname: later"),
        );
        write(file, |_| Ok(server_changes(&tower()))).unwrap();
        let after = load(&path);
        assert_eq!(
            after.get_str("general", "hostname").as_deref(),
            Some("later")
        );
        assert_eq!(
            after.get_str("plex", "server_machine_id").as_deref(),
            Some("towerid")
        );
    }

    /// Saves that keep landing: every one is kept, nothing of plex-auth's is written, and the
    /// error says how often it tried.
    #[test]
    fn saves_that_keep_landing_are_kept_and_the_write_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, FRESH).unwrap();
        bazarr_saves_before_each_swap(path.clone(), SAVE_TRIES);
        let err = write(load(&path), |_| Ok(server_changes(&tower()))).unwrap_err();
        assert!(matches!(err, BazarrError::KeptSaving { .. }), "{err:?}");
        let err = crate::error::Error::from(err);
        assert!(
            err.message.contains("each of the 3 times plex-auth tried"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("every save was kept"),
            "{}",
            err.message
        );
        let after = load(&path);
        assert_eq!(
            after.get_str("general", "hostname").as_deref(),
            Some("save1")
        );
        assert_eq!(
            after.get_str("plex", "server_machine_id").as_deref(),
            Some("")
        );
    }

    /// The words `status --json` has always given scripts.
    #[test]
    fn status_words_are_unchanged() {
        fn json(v: impl Serialize) -> String {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        }
        assert_eq!(json(TokenMatch::Matches), "matches");
        assert_eq!(json(TokenMatch::Differs), "differs");
        assert_eq!(json(TokenMatch::Missing), "missing");
        assert_eq!(json(TokenMatch::DoesNotOpen), "does-not-open");
        assert_eq!(json(ServerMatch::Matches), "matches");
        assert_eq!(json(ServerMatch::Differs), "differs");
        assert_eq!(json(ServerMatch::NoneSelected), "none-selected");
        assert_eq!(json(LinkToken::Opens), "opens");
        assert_eq!(json(LinkToken::DoesNotOpen), "does-not-open");
        assert_eq!(json(LinkToken::Missing), "missing");
    }

    #[test]
    fn loose_bazarr_file_gets_advice_that_survives_its_saves() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, "general: {}\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let w = mode_warnings(&path);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("UMask=0077"), "{}", w[0]);
        assert!(w[0].contains("UMASK=077"), "{}", w[0]);
        assert!(!w[0].contains("run chmod"), "{}", w[0]);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(mode_warnings(&path).is_empty());
    }
}
