//! plex.tv and Plex Media Server: the client, wire types, and connection probing.

pub mod client;
pub mod mint;
pub mod pin;
pub mod probe;
pub mod servers;
pub mod types;

pub use client::{Identity, PlexClient, PlexError};

use std::time::Duration;

use reqwest::Url;

/// The install's identity towards Plex and a plex.tv client that carries it. Made once per
/// command and passed down.
pub struct Plex {
    pub identity: Identity,
    pub client: PlexClient,
}

impl Plex {
    pub fn new(client_id: String, base: Url, request_timeout: Duration) -> Result<Plex, PlexError> {
        let identity = Identity::new(client_id);
        let client = PlexClient::new(base, &identity, request_timeout)?;
        Ok(Plex { identity, client })
    }
}

/// The `X-Plex-Token` header value, marked sensitive so that no HTTP layer logs or prints
/// it. Every request that carries a token builds its header here. A token with characters a
/// header cannot carry is no Plex token; the error says so without showing it.
pub fn token_header(token: &crate::secret::Secret) -> Result<reqwest::header::HeaderValue, String> {
    let mut value = reqwest::header::HeaderValue::from_str(token.expose())
        .map_err(|_| "the token holds characters an HTTP header cannot carry".to_string())?;
    value.set_sensitive(true);
    Ok(value)
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

/// The TLS failure behind an HTTP error, when that is what it is (a certificate that does
/// not verify, a handshake refused): rustls's own words, e.g. "invalid peer certificate:
/// UnknownIssuer".
pub fn tls_failure(err: &reqwest::Error) -> Option<String> {
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        // An io::Error's `source` skips the error it wraps, and the TLS layer's error comes
        // wrapped in one or more of them: look inside each.
        let mut inner: Option<&(dyn std::error::Error + 'static)> = Some(s);
        while let Some(e) = inner {
            if let Some(tls) = e.downcast_ref::<rustls::Error>() {
                return Some(tls.to_string());
            }
            inner = e
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .map(|e| e as &(dyn std::error::Error + 'static));
        }
        source = s.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    #[test]
    fn the_token_header_is_sensitive() {
        let value = token_header(&Secret::new("AbCdEfGhIjKlMnOpQrSt")).unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("AbCd"));
        let err = token_header(&Secret::new("bad\ntoken")).unwrap_err();
        assert!(!err.contains("bad"));
    }
}
