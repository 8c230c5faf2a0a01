//! The other apps on this host that keep a Plex token of their own (Tautulli, Kometa,
//! PlexTraktSync as files; Sonarr and Radarr through their API, [`arr`]): find each copy of
//! the token in the app's file, and edit the token, the server it points at, or nothing else.
//! No file system here; [`file`] reads and replaces an app's file, and `ops::target::app`
//! (`ops::target::arr` for the API kinds) keeps it in step with the link.
//!
//! Every edit keeps every other byte of the file: the kind's module changes only the values it
//! names, re-reads the result with the same grammar the app's parser uses, and refuses an edit
//! that changed anything else. An indirection (Kometa's `ENV` or
//! `<<name>>`) is never replaced with a literal: the slot is reported as [`Held::Elsewhere`]
//! and left alone.

pub mod arr;
pub mod file;
pub mod kometa;
pub mod plextraktsync;
pub mod seerr;
pub mod tautulli;
pub mod tautulli_live;
mod yaml;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The HTTP client for an app's own API on this host or network: no proxy (the address is
/// the app's, named by the user), no redirect followed (a key or token goes only where it
/// was meant to), and plex-auth's name as the user agent.
pub fn http_client(timeout: std::time::Duration) -> Result<reqwest::Client, reqwest::Error> {
    // reqwest is built without a bundled crypto provider; ring is plex-auth's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("plex-auth/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .no_proxy()
        .build()
}

/// The kinds of app plex-auth keeps in step through their files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Bazarr,
    Tautulli,
    Kometa,
    Plextraktsync,
    Sonarr,
    Radarr,
    Overseerr,
    Jellyseerr,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Bazarr,
        Kind::Tautulli,
        Kind::Kometa,
        Kind::Plextraktsync,
        Kind::Sonarr,
        Kind::Radarr,
        Kind::Overseerr,
        Kind::Jellyseerr,
    ];

    /// Kept through the app's API (Sonarr, Radarr, Overseerr, Jellyseerr), not a file.
    pub fn is_api(self) -> bool {
        matches!(
            self,
            Kind::Sonarr | Kind::Radarr | Kind::Overseerr | Kind::Jellyseerr
        )
    }

    /// Another Bazarr (or Bazarr+), kept through its config.yaml as plex-auth's own
    /// Bazarr is (`bazarr::`), not through [`Kind::read`].
    pub fn is_bazarr(self) -> bool {
        self == Kind::Bazarr
    }

    /// Overseerr or Jellyseerr: given its token through its own Plex sign-in ([`seerr`]).
    pub fn is_seerr(self) -> bool {
        matches!(self, Kind::Overseerr | Kind::Jellyseerr)
    }

    /// The word used on the command line and in config.toml.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Bazarr => "bazarr",
            Kind::Tautulli => "tautulli",
            Kind::Kometa => "kometa",
            Kind::Plextraktsync => "plextraktsync",
            Kind::Sonarr => "sonarr",
            Kind::Radarr => "radarr",
            Kind::Overseerr => "overseerr",
            Kind::Jellyseerr => "jellyseerr",
        }
    }

    /// The app's own name, as plex.tv's device list shows it.
    pub fn product(self) -> &'static str {
        match self {
            Kind::Bazarr => "Bazarr",
            Kind::Tautulli => "Tautulli",
            Kind::Kometa => "Kometa",
            Kind::Plextraktsync => "PlexTraktSync",
            Kind::Sonarr => "Sonarr",
            Kind::Radarr => "Radarr",
            Kind::Overseerr => "Overseerr",
            Kind::Jellyseerr => "Jellyseerr",
        }
    }

    /// The file the app keeps its token in, given what the user named: the file itself, or
    /// the folder it lives in (a data folder, a Docker volume).
    pub fn file_in(self, location: &Path) -> std::path::PathBuf {
        let name = match self {
            // Bazarr's data folder keeps it one folder down.
            Kind::Bazarr if location.join("config/config.yaml").is_file() => "config/config.yaml",
            Kind::Bazarr => "config.yaml",
            Kind::Tautulli => "config.ini",
            Kind::Kometa => "config.yml",
            Kind::Plextraktsync => "servers.yml",
            Kind::Sonarr | Kind::Radarr => "config.xml",
            Kind::Overseerr | Kind::Jellyseerr => "settings.json",
        };
        if location.is_dir() {
            location.join(name)
        } else {
            location.to_path_buf()
        }
    }

    /// How the app takes a new token, for the README, `apps add` and the summary.
    pub fn reloads(self) -> &'static str {
        match self {
            Kind::Bazarr => {
                "reads config.yaml at start; a running Bazarr needs a restart, and until then its next settings save writes its old values back"
            }
            Kind::Tautulli => {
                "reads config.ini at start and writes it back from memory when it stops: a running one takes a token live through its own save_pms_token when its web authentication is off; else edit it while Tautulli is stopped, then start it"
            }
            Kind::Kometa => "reads config.yml at every run",
            Kind::Plextraktsync => {
                "reads servers.yml at every run; a running `plextraktsync watch` needs a restart"
            }
            Kind::Sonarr | Kind::Radarr => {
                "takes the token through its API and uses it at once, after testing it"
            }
            Kind::Overseerr | Kind::Jellyseerr => {
                "takes the token through its own Plex sign-in, checks it at plex.tv, and uses it from the next library scan"
            }
        }
    }

    /// A second file beside the token's that says which part of it the app uses
    /// (PlexTraktSync's `.env` names the server entry in `PLEX_SERVER`).
    pub fn companion(self) -> Option<&'static str> {
        match self {
            Kind::Plextraktsync => Some(".env"),
            _ => None,
        }
    }

    /// What the app's file says; `companion` is the text of [`Kind::companion`], when read.
    pub fn read(self, text: &str, companion: Option<&str>) -> Result<View, FormatError> {
        match self {
            Kind::Tautulli => tautulli::read(text),
            Kind::Kometa => kometa::read(text),
            Kind::Plextraktsync => plextraktsync::read(text, companion),
            _ => Err(self.through_api()),
        }
    }

    pub fn apply(
        self,
        text: &str,
        companion: Option<&str>,
        change: &Change<'_>,
    ) -> Result<Edited, FormatError> {
        match self {
            Kind::Tautulli => tautulli::apply(text, change),
            Kind::Kometa => kometa::apply(text, change),
            Kind::Plextraktsync => plextraktsync::apply(text, companion, change),
            _ => Err(self.through_api()),
        }
    }

    fn through_api(self) -> FormatError {
        FormatError::Refused(format!(
            "{} keeps its token in its database, reached through its API, not in a file",
            self.product()
        ))
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

impl std::str::FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.word().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let words: Vec<&str> = Kind::ALL.iter().map(|k| k.word()).collect();
                format!(
                    "`{s}` is not a kind of app plex-auth knows ({})",
                    words.join(", ")
                )
            })
    }
}

/// What one place in the app's file holds where a token goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    Token(Secret),
    /// The key is there (or its section is) with no value: the app is not linked.
    Empty,
    /// The value names another source (`ENV`, `<<plex_token>>`): the app reads the token
    /// from there, and plex-auth leaves it.
    Elsewhere(String),
}

/// One place a token is kept: `[PMS] pms_token`, `libraries.Movies.plex.token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub at: String,
    pub held: Held,
}

/// What an app's file says about its Plex link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    pub slots: Vec<Slot>,
    /// The server the app points at: its machine id and address, where the file keeps them.
    pub server_id: Option<String>,
    pub server_url: Option<String>,
    /// The client identifier the app sends with its token, where the file keeps one.
    pub client_id: Option<String>,
}

impl View {
    /// The literal tokens the file holds, each once.
    pub fn tokens(&self) -> Vec<&Secret> {
        let mut out: Vec<&Secret> = Vec::new();
        for slot in &self.slots {
            if let Held::Token(t) = &slot.held
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
        out
    }
}

/// The server plex-auth points an app at.
#[derive(Debug, Clone, Copy)]
pub struct Server<'a> {
    pub machine_id: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    /// Every address plex.tv gave, best first (PlexTraktSync tries each in turn).
    pub connections: &'a [String],
}

/// What plex-auth changes in an app's file.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// The app's token, and the client identifier it was issued to (which the app sends with
    /// it, where the file keeps one).
    Token {
        token: &'a Secret,
        client_id: &'a str,
    },
    /// The server the app talks to.
    Server(Server<'a>),
    /// Signed out: the token removed (its key kept, empty), as the app's own sign-out does.
    Clear,
}

/// An edited file: the new text, and the keys that changed (names, never values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub changed_keys: Vec<String>,
}

impl Edited {
    pub fn unchanged(text: &str) -> Edited {
        Edited {
            text: text.to_owned(),
            changed_keys: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("it is not valid {format}: {why}")]
    Syntax { format: &'static str, why: String },
    #[error("it has no {what}, so it is not a {app} file")]
    NotTheApp { what: String, app: &'static str },
    #[error("{at} is {what}, not a value plex-auth can replace")]
    NotAValue { at: String, what: String },
    #[error("it uses {format} that plex-auth cannot edit without changing other lines")]
    NotEditable { format: &'static str },
    #[error("the edited file would not read back as intended ({0})")]
    WouldNotReadBack(String),
    #[error("{0}")]
    Refused(String),
}

/// The fingerprint of a token, kept in config.toml to tell offline whether an app still
/// holds the token plex-auth wrote: the first 16 bytes of SHA-256 over a label and the token,
/// in hex. A token is ~20 random characters, so the fingerprint gives nothing away.
pub fn fingerprint(token: &Secret) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(b"plex-auth app token\0");
    hash.update(token.expose().as_bytes());
    hex::encode(&hash.finalize()[..16])
}

/// A token that is plainly not one (empty, with spaces or quotes): never written. Tokens
/// from plex.tv are short base62-ish strings, so this refuses nothing real and keeps an
/// odd value from breaking the app's quoting.
pub fn check_token(token: &Secret) -> Result<(), FormatError> {
    let t = token.expose();
    let fine = !t.is_empty()
        && t.len() <= 512
        && t.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=')
        });
    if fine {
        Ok(())
    } else {
        Err(FormatError::Refused(
            "the token has characters no Plex token has; nothing was written".into(),
        ))
    }
}
