//! The public value types: faults, recorded requests and the description of fake servers.

use std::time::Duration;

/// What the next plex.tv API requests get instead of (or before) their normal answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 with plex.tv's rate-limit body (code 1003), and `Retry-After` when given.
    RateLimited { retry_after: Option<u64> },
    /// 503 with an empty body and no `X-Request-Id`: Plex's edge, not a plex.tv verdict.
    Unavailable,
    /// 200 with the body `{not json`.
    Malformed,
    /// Wait this long, then answer normally.
    Slow(Duration),
    /// Accept and read the request, never answer.
    Hang,
    /// This status with a plex.tv-shaped JSON error body.
    Status(u16),
    /// This status with a body of this many bytes (spaces) and no Content-Length.
    HugeBody { status: u16, len: u64 },
}

/// One request as the fake plex.tv received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The raw query string, without the `?`; empty when there was none.
    pub query: String,
    /// Header names are lowercase.
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    /// The first value of a header; `name` is matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// One request as a fake Plex Media Server connection received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PmsRecorded {
    /// The port of the connection that received it.
    pub port: u16,
    /// The machine id of the server the connection belongs to (not an impostor's).
    pub machine_id: String,
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
}

impl PmsRecorded {
    /// The first value of a header; `name` is matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// A fake Plex Media Server on alice's account.
#[derive(Clone, Debug)]
pub struct ServerSpec {
    pub name: String,
    /// The server's `machineIdentifier` (the resource's `clientIdentifier`).
    pub machine_id: String,
    pub owned: bool,
    pub presence: bool,
    pub https_required: bool,
    /// `None`: an owned server takes the caller's own token; a shared one gets a random scoped token.
    pub access_token: Option<String>,
    pub connections: Vec<ConnSpec>,
}

impl ServerSpec {
    /// An owned, online server without https requirement.
    pub fn owned(name: &str, machine_id: &str, connections: Vec<ConnSpec>) -> ServerSpec {
        ServerSpec {
            name: name.to_owned(),
            machine_id: machine_id.to_owned(),
            owned: true,
            presence: true,
            https_required: false,
            access_token: None,
            connections,
        }
    }

    /// A server shared with alice by someone else; it gets its own scoped token.
    pub fn shared(name: &str, machine_id: &str, connections: Vec<ConnSpec>) -> ServerSpec {
        ServerSpec {
            owned: false,
            ..ServerSpec::owned(name, machine_id, connections)
        }
    }
}

/// One connection of a fake server, as listed in `/api/v2/resources`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnSpec {
    pub kind: ConnKind,
    pub local: bool,
    pub relay: bool,
    /// Only the flag: the listener is on 127.0.0.1 either way.
    pub ipv6: bool,
    /// Goes into `protocol` and the uri; the listener speaks plain HTTP whatever this says.
    /// Ignored while the kind is [`ConnKind::LiveTls`], which is always `https`.
    pub protocol: &'static str,
}

impl ConnSpec {
    /// A local, direct, IPv4 `http` connection of this kind.
    pub fn new(kind: ConnKind) -> ConnSpec {
        ConnSpec {
            kind,
            local: true,
            relay: false,
            ipv6: false,
            protocol: "http",
        }
    }
}

/// How a fake server connection behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnKind {
    Live,
    /// Like `Live`, but over TLS with the fake's self-signed certificate for `127.0.0.1` and
    /// `localhost` (see [`FakePlex::tls_certificate_pem`](crate::FakePlex::tls_certificate_pem)),
    /// so a client that verifies certificates refuses it. Its protocol and uri are `https`.
    LiveTls,
    /// Answers after this delay.
    Slow(Duration),
    /// Accepts and reads requests, never answers.
    Hang,
    /// Every new connection is reset at once (its port stays the fake's), so a client fails as
    /// quickly as on a refused one.
    Closed,
    /// Answers, but claims to be the server with this machine id.
    Impostor(String),
}

/// What a test needs to know about a server it added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHandle {
    pub machine_id: String,
    /// One `http://127.0.0.1:PORT` (`https://` for [`ConnKind::LiveTls`] or an `https`
    /// protocol) per connection, in the order given, as they were when the server was added.
    pub uris: Vec<String>,
    /// The token this server accepts; for an owned server without its own token, alice's initial
    /// token (any valid token of alice's works there).
    pub access_token: String,
}
