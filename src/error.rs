//! Error kinds, exit codes and error codes: the one place that maps a failure to what a
//! script sees. Modules keep their own typed errors and convert into [`Error`] here.

use std::fmt;
use std::process::ExitCode;

/// What went wrong, as far as a caller of the binary is concerned. Each kind has one exit
/// code and one stable error code (design §1, "Exit codes and error codes").
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
            ErrorKind::Interrupted => "INTERRUPTED",
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
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
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

impl std::error::Error for Error {}

/// Unexpected failures from the edges (anyhow context chains) are internal errors.
impl From<anyhow::Error> for Error {
    fn from(err: anyhow::Error) -> Self {
        Error::internal(format!("{err:#}"))
    }
}

/// An I/O error that no module claimed is internal (exit 1).
impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::internal(err.to_string())
    }
}
