//! Error kinds, exit codes and error codes: the one place that maps a failure to what a
//! script sees. Modules keep their own typed errors and convert into [`Error`] here.

use std::fmt;

use crate::bazarr::BazarrError;
use crate::fs::LockError;
use crate::plex::PlexError;
use crate::plex::pin::PinError;
use crate::plex::servers::{ID_PREFIX, ServerError};
use crate::store::StoreError;
use crate::store::config::ConfigError;
use crate::store::error::keyring_service_name;
use crate::store::key::KeyError;
use crate::store::state::Verdict;
use std::process::ExitCode;

/// What went wrong, as far as a caller of the binary is concerned. Each kind has one exit
/// code and one stable error code (docs/formats.md#exit-codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Internal,
    Usage,
    NotLoggedIn,
    InvalidToken,
    TokenExpired,
    Connection,
    ServerNotFound,
    PinExpired,
    AuthTimeout,
    Store,
    DecryptFailed,
    Config,
    /// A TLS failure talking to plex.tv (an intercepting proxy, a wrong clock): not an
    /// outage, so not exit 5; it needs fixing here, like a config error.
    Tls,
    /// Standard output could not be written (a full disk, a closed descriptor): what a script
    /// reads is missing or cut short, so the run is not a success.
    Output,
    Interrupted,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotLoggedIn => 3,
            ErrorKind::InvalidToken | ErrorKind::TokenExpired => 4,
            ErrorKind::Connection => 5,
            ErrorKind::ServerNotFound => 6,
            ErrorKind::PinExpired | ErrorKind::AuthTimeout => 7,
            ErrorKind::Store | ErrorKind::DecryptFailed => 8,
            ErrorKind::Config | ErrorKind::Tls => 9,
            ErrorKind::Output => 10,
            ErrorKind::Interrupted => 130,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Internal => "INTERNAL",
            ErrorKind::Usage => "USAGE",
            ErrorKind::NotLoggedIn => "NOT_LOGGED_IN",
            ErrorKind::InvalidToken => "INVALID_TOKEN",
            ErrorKind::TokenExpired => "TOKEN_EXPIRED",
            ErrorKind::Connection => "CONNECTION_ERROR",
            ErrorKind::ServerNotFound => "SERVER_NOT_FOUND",
            ErrorKind::PinExpired => "PIN_EXPIRED",
            ErrorKind::AuthTimeout => "AUTH_TIMEOUT",
            ErrorKind::Store => "STORE_ERROR",
            ErrorKind::DecryptFailed => "DECRYPT_FAILED",
            ErrorKind::Config => "CONFIG_ERROR",
            ErrorKind::Tls => "TLS_ERROR",
            ErrorKind::Output => "OUTPUT_ERROR",
            ErrorKind::Interrupted => "INTERRUPTED",
        }
    }
}

impl ErrorKind {
    /// The verdict of a validate that ended with `error` (`None`: it succeeded). The one
    /// place an error's kind is turned into a verdict.
    pub fn verdict(error: Option<ErrorKind>) -> Verdict {
        match error {
            None => Verdict::Ok,
            Some(ErrorKind::InvalidToken | ErrorKind::TokenExpired) => Verdict::Rejected,
            Some(ErrorKind::Connection) => Verdict::Unreachable,
            Some(_) => Verdict::Error,
        }
    }

    /// The verdict kept for the account when plex.tv's answer about the token failed with
    /// this kind: only a rejection says anything about the token, so every other failure is
    /// kept as unreachable (try again later), never as an error of the token.
    pub fn token_verdict(self) -> Verdict {
        match ErrorKind::verdict(Some(self)) {
            Verdict::Error => Verdict::Unreachable,
            verdict => verdict,
        }
    }
}

/// A failure on its way to the user: a kind (exit code), a message that says what happened,
/// and an optional hint that says what to do about it. Messages never contain a token.
#[derive(Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    /// The typed error this came from, when a boundary (plex.tv, the store, config.toml,
    /// Bazarr's file) produced it: kept for its source chain and for callers that branch on
    /// what happened rather than on the exit code.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prefix the message with what was being done, keeping kind and hint.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }
    pub fn store(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Store, message)
    }
    pub fn connection(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Connection, message)
    }
    pub fn not_logged_in() -> Self {
        Error::new(
            ErrorKind::NotLoggedIn,
            "not logged in: no Plex token is stored here",
        )
        .with_hint("run `plex-auth login`")
    }
    pub fn interrupted() -> Self {
        Error::new(ErrorKind::Interrupted, "interrupted; nothing was stored")
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.exit_code())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    /// The typed error behind this one, if it is a `T`.
    pub fn cause<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.source.as_deref()?.downcast_ref::<T>()
    }

    /// A boundary's typed error as a user error: its own text is the message.
    fn from_typed<E>(kind: ErrorKind, err: E, hint: Option<String>) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Error {
            kind,
            message: err.to_string(),
            hint,
            source: Some(Box::new(err)),
        }
    }
}

/// Why the user should run plex-auth as someone else.
const PERMISSION_HINT: &str =
    "run plex-auth as the user that owns Bazarr's config folder, or as root";
const PATH_HINT: &str = "check the path, or pass --bazarr-config PATH";
const RERUN_STOPPED_HINT: &str = "run the command again; stop Bazarr first so it cannot overwrite the file while plex-auth edits it";
const APIKEY_HINT: &str = "restore plex.encryption_key from a backup of the file, or put the plain Plex token in plex.apikey and set plex.apikey_encrypted: false";

/// plex.tv's answers (docs/formats.md#status-codes): only a rejection is exit 4; everything that says nothing
/// about the token is exit 5, and the token is kept.
impl From<PlexError> for Error {
    fn from(err: PlexError) -> Self {
        let message = err.to_string();
        let error = match &err {
            PlexError::Rejected(_) => Error::new(ErrorKind::InvalidToken, message)
                .with_hint("run `plex-auth login` to link the account again"),
            PlexError::Expired => Error::new(ErrorKind::TokenExpired, message)
                .with_hint("run `plex-auth login` to link the account again"),
            PlexError::PinGone(_) => Error::new(ErrorKind::PinExpired, message)
                .with_hint("run `plex-auth login` again for a new PIN"),
            PlexError::Status { status, .. } if *status < 500 && *status != 404 => {
                Error::new(ErrorKind::Internal, message)
            }
            PlexError::Tls { .. } => Error::new(
                ErrorKind::Tls,
                format!(
                    "{message}; its certificate is not trusted here, so plex-auth sent nothing"
                ),
            )
            .with_hint(
                "this is not an outage and will not pass by itself: check the clock (`date`; a \
                 wrong date makes every certificate look invalid), and whether a proxy or \
                 antivirus intercepts HTTPS (trust its certificate authority system-wide, or \
                 let plex.tv through it untouched); check --plex-url (PLEX_AUTH_PLEX_URL) too",
            ),
            PlexError::Setup(_) => Error::new(ErrorKind::Internal, message),
            PlexError::Redirected { .. } => Error::new(ErrorKind::Connection, message).with_hint(
                "check --plex-url (PLEX_AUTH_PLEX_URL); nothing stored here was changed",
            ),
            _ => Error::new(ErrorKind::Connection, message).with_hint(
                "nothing stored here was changed (a stored token is kept); try again later",
            ),
        };
        Error {
            source: Some(Box::new(err)),
            ..error
        }
    }
}

/// Minting an app's own token: plex.tv's answer decides, as for the account's.
impl From<crate::plex::mint::MintError> for Error {
    fn from(err: crate::plex::mint::MintError) -> Self {
        match err {
            crate::plex::mint::MintError::Plex(plex) => Error::from(plex),
            other => Error::from_typed(ErrorKind::Connection, other, None),
        }
    }
}

/// Waiting for the PIN's approval: a wait that ran out is exit 7, and the step is a new PIN.
impl From<PinError> for Error {
    fn from(err: PinError) -> Self {
        let (kind, hint) = match &err {
            PinError::Plex(_) => {
                let PinError::Plex(plex) = err else {
                    unreachable!("matched above")
                };
                return Error::from(plex);
            }
            PinError::TimedOut => (
                ErrorKind::AuthTimeout,
                "run `plex-auth login` again, and approve the code in the browser",
            ),
            PinError::Expired | PinError::Gone => (
                ErrorKind::PinExpired,
                "run `plex-auth login` again for a new PIN",
            ),
        };
        Error::from_typed(kind, err, Some(hint.to_string()))
    }
}

/// Naming and reaching a server: a name that fits several is a usage error (exit 2), one
/// that fits none or a server that cannot be used is exit 6; the previous choice is kept.
impl From<ServerError> for Error {
    fn from(err: ServerError) -> Self {
        use ServerError as S;
        let hint = match &err {
            S::Plex(_) => {
                let S::Plex(plex) = err else {
                    unreachable!("matched above")
                };
                return Error::from(plex);
            }
            S::NotFound { .. } => "run `plex-auth servers` to see names and numbers".to_string(),
            S::Ambiguous { .. } => format!(
                "name one by its machine id: `plex-auth select {ID_PREFIX}MACHINE_ID`; the previous selection was kept"
            ),
            S::NoAccessToken { .. } => "ask the server's owner to share it again".to_string(),
            S::Refused { .. } => {
                "run `plex-auth login --force`, then select again; the previous selection was kept"
                    .to_string()
            }
            S::NothingAnswered {
                machine_id,
                certificate: true,
                ..
            } => format!(
                "the server's certificate did not verify; if it is self-signed and you trust the network, run `plex-auth select {machine_id} --insecure`"
            ),
            S::NothingAnswered { .. } => {
                "check that the server is running and reachable from here; the previous selection was kept"
                    .to_string()
            }
            S::Gone { .. } => "run `plex-auth servers` and select another".to_string(),
            S::Silent { .. } => {
                "check that the server is running and reachable from here".to_string()
            }
            S::UnusableForBazarr { .. } => {
                "start the Plex server (or fix the network) and run migrate-apikey again"
                    .to_string()
            }
        };
        let kind = match err {
            S::Ambiguous { .. } => ErrorKind::Usage,
            _ => ErrorKind::ServerNotFound,
        };
        Error::from_typed(kind, err, Some(hint))
    }
}

/// The stored token: a keyring that cannot be used is STORE_ERROR, a token that does not
/// open is DECRYPT_FAILED; both exit 8, and the hint says how to get going again.
impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        let relink = "run `plex-auth login --force` to link again";
        let (kind, hint) = match &err {
            StoreError::Key(_)
            | StoreError::Seal(_)
            | StoreError::Random(_)
            | StoreError::Config(_) => {
                return match err {
                    StoreError::Key(key) => Error::from(key),
                    StoreError::Config(config) => Error::from(config),
                    StoreError::Random(random) => Error::from(random),
                    other => Error::from_typed(ErrorKind::Internal, other, None),
                };
            }
            StoreError::KeyringUnusable { config_path, .. } => (
                ErrorKind::Store,
                format!(
                    "use `--store file` to keep the sealed token in {}, or start and unlock a {} \
                     for this session",
                    config_path.display(),
                    keyring_service_name()
                ),
            ),
            StoreError::KeyringRead { .. } => (
                ErrorKind::Store,
                format!(
                    "start or unlock the {} and run the command again, or link again with \
                     `plex-auth login --force --store file`",
                    keyring_service_name()
                ),
            ),
            StoreError::KeyringDelete { .. } => (
                ErrorKind::Store,
                format!(
                    "start or unlock the {} and run the command again",
                    keyring_service_name()
                ),
            ),
            StoreError::KeyMissing { key_path } => (
                ErrorKind::DecryptFailed,
                format!(
                    "restore {} from a backup (or pass --key-file with its new place), or run \
                     `plex-auth login --force` to link again with a new key",
                    key_path.display()
                ),
            ),
            StoreError::KeyChanged { key_path, .. } => (
                ErrorKind::DecryptFailed,
                format!(
                    "restore the previous {} from a backup, or {relink}",
                    key_path.display()
                ),
            ),
            StoreError::DoesNotOpen { .. } | StoreError::Damaged { .. } => {
                (ErrorKind::DecryptFailed, relink.to_owned())
            }
        };
        Error::from_typed(kind, err, Some(hint))
    }
}

/// The key file: one that cannot be read or made is STORE_ERROR, one that holds no key is
/// DECRYPT_FAILED (exit 8 both); the hint names the file to fix.
impl From<KeyError> for Error {
    fn from(err: KeyError) -> Self {
        let (kind, hint) = match &err {
            KeyError::Random(_) => {
                let KeyError::Random(random) = err else {
                    unreachable!("matched above")
                };
                return Error::from(random);
            }
            KeyError::Unreadable { path, .. } => (
                ErrorKind::Store,
                format!(
                    "make {} readable by the user that runs plex-auth",
                    path.display()
                ),
            ),
            KeyError::Refused { path, .. } => (
                ErrorKind::Store,
                format!(
                    "point --key-file (or PLEX_AUTH_KEY_FILE) at the regular file that holds the key, or restore {} from a backup",
                    path.display()
                ),
            ),
            KeyError::NotAKey { path, .. } => (
                ErrorKind::DecryptFailed,
                format!(
                    "restore {} from a backup, or point --key-file at the right file",
                    path.display()
                ),
            ),
            KeyError::CreateFolder { .. } | KeyError::Write { .. } => (
                ErrorKind::Store,
                "pass --key-file with a path this user can write, or provide the key as a systemd \
                 credential (LoadCredential=plex-auth.key:PATH)"
                    .to_owned(),
            ),
        };
        Error::from_typed(kind, err, Some(hint))
    }
}

/// config.toml: what went wrong, and where to look.
impl From<ConfigError> for Error {
    fn from(err: ConfigError) -> Self {
        let (kind, hint) = match &err {
            ConfigError::Lock(_) | ConfigError::Random(_) => {
                return match err {
                    ConfigError::Lock(lock) => Error::from(lock),
                    ConfigError::Random(random) => Error::from(random),
                    _ => unreachable!("matched above"),
                };
            }
            ConfigError::Read { path, .. } => (
                ErrorKind::Config,
                Some(format!(
                    "check the owner and mode of {} (plex-auth must be able to read it)",
                    path.display()
                )),
            ),
            ConfigError::Parse { path, .. } => (
                ErrorKind::Config,
                Some(format!(
                    "fix the file by hand, or move it aside (mv {0} {0}.bad) and run `plex-auth login` again",
                    path.display()
                )),
            ),
            ConfigError::Write { .. } | ConfigError::Folder { .. } => (ErrorKind::Config, None),
            ConfigError::Encode(_) | ConfigError::Nested { .. } => (ErrorKind::Internal, None),
        };
        Error::from_typed(kind, err, hint)
    }
}

impl From<LockError> for Error {
    fn from(err: LockError) -> Self {
        let hint = match &err {
            LockError::Busy { .. } => Some(
                "another plex-auth (or a tool holding the lock) is still running; try again when it is done".to_string(),
            ),
            LockError::Link { path } => {
                Some(format!("remove {} and run the command again", path.display()))
            }
            LockError::Io { .. } | LockError::Open { .. } => None,
        };
        Error::from_typed(ErrorKind::Config, err, hint)
    }
}

impl From<BazarrError> for Error {
    fn from(err: BazarrError) -> Self {
        use BazarrError as B;
        let hint = match &err {
            B::Random(_) => {
                let B::Random(random) = err else {
                    unreachable!("matched above")
                };
                return Error::from(random);
            }
            B::Lock(_) => {
                let B::Lock(lock) = err else {
                    unreachable!("matched above")
                };
                return Error::from(lock);
            }
            B::Missing { .. } | B::NotText { .. } | B::NotSections { .. } => Some(PATH_HINT.to_string()),
            B::Unreadable { source, .. } | B::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                Some(PERMISSION_HINT.to_string())
            }
            B::Unreadable { .. } | B::Io { .. } | B::NotRegular { .. } => None,
            B::BadShape { .. } => Some(
                "check the path, or restore Bazarr's file from a backup; plex-auth left it as it was".to_string(),
            ),
            B::NotYaml { .. } => Some(
                "fix the file (Bazarr rewrites a valid one when it saves its settings); plex-auth left it as it was".to_string(),
            ),
            B::SectionNotMapping { section, .. } => Some(format!(
                "fix or remove the `{section}:` entry (Bazarr recreates it); plex-auth left the file as it was"
            )),
            B::NotEditable { .. } => Some(
                "stop Bazarr and let it rewrite the file, or edit the plex section by hand".to_string(),
            ),
            B::KeptReplaced { .. } => {
                Some("stop whatever is rewriting it, then run the command again".to_string())
            }
            B::ChangedOnDisk { .. } | B::SavedMeanwhile { .. } | B::KeptSaving { .. } => {
                Some(RERUN_STOPPED_HINT.to_string())
            }
            B::WouldNotReadBack { .. } => Some(
                "edit the plex section by hand, or report this with a copy of the file (tokens removed)".to_string(),
            ),
            B::BackupIsLink { path } => Some(format!(
                "remove {} (and check who put it there), then run the command again",
                path.display()
            )),
            B::BackupNotRemoved { path, .. } => Some(format!("remove {} by hand", path.display())),
            B::UnsafeValue { .. } => Some(
                "this value came from plex.tv; check the server's connections with `plex-auth servers -v`".to_string(),
            ),
            B::ApikeyWithoutKey { .. } | B::ApikeyBadSignature { .. } | B::ApikeyUnreadable { .. } => {
                Some(APIKEY_HINT.to_string())
            }
            B::NoneFound { .. } => Some(
                "pass --bazarr-config PATH (Bazarr keeps it in <data dir>/config/config.yaml)".to_string(),
            ),
            B::SeveralFound { .. } => Some("choose one with --bazarr-config PATH".to_string()),
            B::Sealed { .. } => Some(
                "restore general.secrets_encryption_key from a backup of the file (Bazarr+ sealed its secrets with it); plex-auth left the file as it was".to_string(),
            ),
        };
        Error::from_typed(ErrorKind::Config, err, hint)
    }
}

/// An app's file that cannot be read, parsed or written: a config error (exit 9), with the
/// step that fixes it.
impl From<crate::apps::file::AppError> for Error {
    fn from(err: crate::apps::file::AppError) -> Self {
        use crate::apps::FormatError as F;
        use crate::apps::file::AppError as A;
        let hint = match &err {
            A::Missing { .. } => Some(
                "check the path, or forget the app with `plex-auth apps remove NAME`".to_string(),
            ),
            A::Unreadable { .. } | A::NotText { .. } => None,
            A::Format {
                source: F::Refused(_),
                ..
            } => None,
            A::Format { .. } => Some(
                "check that this is the app's own file; plex-auth left it as it was".to_string(),
            ),
            A::Write { .. } => None,
            A::KeptSaving { .. } => Some(
                "stop the app so it cannot save its file meanwhile, then run the command again"
                    .to_string(),
            ),
        };
        Error::from_typed(ErrorKind::Config, err, hint)
    }
}

/// Sonarr or Radarr could not be reached (exit 5, try again later), refused its key, or did
/// not take the change (exit 9, fix it there).
impl From<crate::apps::arr::ArrError> for Error {
    fn from(err: crate::apps::arr::ArrError) -> Self {
        use crate::apps::arr::ArrError as A;
        let (kind, hint) = match &err {
            A::Unreachable { .. } => (ErrorKind::Connection, Some("check that it runs at that address, then run the command again".to_string())),
            A::KeyRefused { .. } => (ErrorKind::Config, Some("check the API key file given to `plex-auth apps add` (Settings, General, API Key)".to_string())),
            A::Refused { .. } | A::Status { .. } => (ErrorKind::Config, None),
            A::NoPlex { .. } => (ErrorKind::Config, None),
        };
        Error::from_typed(kind, err, hint)
    }
}

impl From<crate::apps::seerr::SeerrError> for Error {
    fn from(err: crate::apps::seerr::SeerrError) -> Self {
        use crate::apps::seerr::SeerrError as S;
        let hint = match &err {
            S::Unreachable { .. } => {
                Some("check that it runs at that address, then run the command again")
            }
            S::NotSetUp { .. } => Some(
                "finish its setup in its web UI (sign in there with Plex once), then run the command again",
            ),
            S::NotPlex { .. } => {
                Some("set it up for Plex (Settings, General), then run the command again")
            }
            S::NotAdmin { .. } => Some(
                "link plex-auth to the account that is the app's admin (`plex-auth login --force`)",
            ),
            S::Refused { .. } | S::Status { .. } => None,
        };
        let kind = match &err {
            S::Unreachable { .. } => ErrorKind::Connection,
            _ => ErrorKind::Config,
        };
        Error::from_typed(kind, err, hint.map(str::to_owned))
    }
}

/// Sealing failed (no random source): exit 1.
impl From<crate::store::seal::SealError> for Error {
    fn from(err: crate::store::seal::SealError) -> Self {
        Error::from_typed(ErrorKind::Internal, err, None)
    }
}

/// No random source: nothing secret can be made here (exit 1).
impl From<crate::secret::RandomError> for Error {
    fn from(err: crate::secret::RandomError) -> Self {
        Error::from_typed(ErrorKind::Internal, err, None)
    }
}

/// An I/O error that no module claimed is internal (exit 1).
impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::internal(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_code_table_is_the_design_table() {
        let table = [
            (ErrorKind::Internal, 1, "INTERNAL"),
            (ErrorKind::Usage, 2, "USAGE"),
            (ErrorKind::NotLoggedIn, 3, "NOT_LOGGED_IN"),
            (ErrorKind::InvalidToken, 4, "INVALID_TOKEN"),
            (ErrorKind::TokenExpired, 4, "TOKEN_EXPIRED"),
            (ErrorKind::Connection, 5, "CONNECTION_ERROR"),
            (ErrorKind::ServerNotFound, 6, "SERVER_NOT_FOUND"),
            (ErrorKind::PinExpired, 7, "PIN_EXPIRED"),
            (ErrorKind::AuthTimeout, 7, "AUTH_TIMEOUT"),
            (ErrorKind::Store, 8, "STORE_ERROR"),
            (ErrorKind::DecryptFailed, 8, "DECRYPT_FAILED"),
            (ErrorKind::Config, 9, "CONFIG_ERROR"),
            (ErrorKind::Tls, 9, "TLS_ERROR"),
            (ErrorKind::Output, 10, "OUTPUT_ERROR"),
            (ErrorKind::Interrupted, 130, "INTERRUPTED"),
        ];
        for (kind, exit, code) in table {
            assert_eq!((kind.exit_code(), kind.code()), (exit, code));
        }
    }

    #[test]
    fn boundary_errors_keep_their_cause() {
        let err = Error::from(ConfigError::Read {
            path: "/x/config.toml".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        });
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.hint.is_some());
        assert!(matches!(
            err.cause::<ConfigError>(),
            Some(ConfigError::Read { .. })
        ));
        assert!(std::error::Error::source(&err).is_some());

        let err = Error::from(BazarrError::ChangedOnDisk {
            path: "/b/config.yaml".into(),
        });
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("changed on disk"));

        let err = Error::from(StoreError::KeyMissing {
            key_path: "/k/key".into(),
        });
        assert_eq!(err.kind, ErrorKind::DecryptFailed);
        assert!(err.hint.as_deref().unwrap().contains("/k/key"));

        let err = Error::from(PlexError::Rejected("401".into()));
        assert_eq!(err.kind, ErrorKind::InvalidToken);
        assert!(err.cause::<PlexError>().is_some());
    }

    #[test]
    fn statuses_map_to_the_right_kind() {
        let rejected = crate::plex::client::check_status(
            reqwest::StatusCode::UNAUTHORIZED,
            r#"{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}"#,
        )
        .unwrap_err();
        assert!(matches!(rejected, PlexError::Rejected(ref m) if m.contains("1001")));
        assert_eq!(Error::from(rejected).kind, ErrorKind::InvalidToken);

        let invalid = crate::plex::client::check_status(
            reqwest::StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid token",
        )
        .unwrap_err();
        assert_eq!(Error::from(invalid).kind, ErrorKind::InvalidToken);

        let outage =
            crate::plex::client::check_status(reqwest::StatusCode::SERVICE_UNAVAILABLE, "")
                .unwrap_err();
        assert!(outage.is_transient());
        assert_eq!(Error::from(outage).kind, ErrorKind::Connection);

        let expired = crate::plex::client::check_status(
            reqwest::StatusCode::from_u16(498).unwrap(),
            "Token Expired",
        )
        .unwrap_err();
        assert_eq!(Error::from(expired).kind, ErrorKind::TokenExpired);

        let ours =
            crate::plex::client::check_status(reqwest::StatusCode::BAD_REQUEST, "").unwrap_err();
        assert_eq!(Error::from(ours).kind, ErrorKind::Internal);

        let edge404 =
            crate::plex::client::check_status(reqwest::StatusCode::NOT_FOUND, "").unwrap_err();
        assert_eq!(Error::from(edge404).kind, ErrorKind::Connection);
    }

    /// A lock that cannot be taken is a config error (exit 9) with a hint that says what to
    /// do; the lock layer itself knows nothing of exit codes.
    #[test]
    fn lock_errors_are_config_errors_with_a_hint() {
        let err = Error::from(LockError::Link {
            path: "/c/config.lock".into(),
        });
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("symbolic link"), "{}", err.message);
        assert!(
            err.hint
                .as_deref()
                .unwrap()
                .contains("remove /c/config.lock")
        );

        let err = Error::from(LockError::Busy {
            path: "/c/config.lock".into(),
            secs: 5,
        });
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(
            err.message.contains("config.lock is locked"),
            "{}",
            err.message
        );
        assert!(err.hint.is_some());
        assert!(err.cause::<LockError>().is_some());
    }
}
