//! plex.tv and Plex Media Server: the client, wire types, and connection probing.

pub mod client;
pub mod probe;
pub mod types;

pub use client::{Identity, PlexClient, PlexError};

/// The innermost cause of an HTTP failure ("Connection refused (os error 111)"), which is
/// what a person can act on; reqwest's own outer text ("client error (Connect)") is not.
pub fn root_cause(err: &reqwest::Error) -> String {
    let mut cause = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}
