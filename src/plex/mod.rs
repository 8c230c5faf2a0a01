//! plex.tv and Plex Media Server: the client, wire types, and connection probing.

pub mod client;
pub mod pin;
pub mod probe;
pub mod servers;
pub mod types;

pub use client::{Identity, PlexClient, PlexError};

use std::time::Duration;

use reqwest::Url;

use crate::error::Result;

/// The install's identity towards Plex and a plex.tv client that carries it. Made once per
/// command and passed down.
pub struct Plex {
    pub identity: Identity,
    pub client: PlexClient,
}

impl Plex {
    pub fn new(client_id: String, base: Url, request_timeout: Duration) -> Result<Plex> {
        let identity = Identity::new(client_id);
        let client = PlexClient::new(base, &identity, request_timeout)?;
        Ok(Plex { identity, client })
    }
}

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
