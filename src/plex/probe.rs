//! Finding the best way to reach a Plex Media Server (plex-api.md §5b, §5c): build the
//! candidate connections, probe every one of every server at the same time, and pick the
//! best-ranked one that answered as the right machine, not merely the fastest.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde::Serialize;
use tokio::task::JoinSet;

use crate::plex::client::{BodyError, read_capped, size_label};
use crate::plex::types::{MediaContainerDoc, Resource};

/// A server's `/identity` is a few hundred bytes; anything much larger is not a Plex server.
const IDENTITY_BODY: usize = 64 * 1024;
use crate::secret::Secret;

/// Where a connection goes, in order of preference: local, then remote, then relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Local,
    Remote,
    Relay,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub uri: String,
    pub place: Place,
    pub https: bool,
}

impl Candidate {
    /// Lower is better: place first, then https before http.
    fn rank(&self) -> (Place, bool) {
        (self.place, !self.https)
    }
    pub fn local(&self) -> bool {
        self.place == Place::Local
    }
    pub fn relay(&self) -> bool {
        self.place == Place::Relay
    }
}

/// The connections worth trying for one server, best first. Local connections of a server
/// the user does not own are skipped (they point into someone else's LAN); plain http is
/// dropped when the server requires https; an https local connection also gets a raw
/// `http://address:port` candidate, for LANs whose DNS blocks plex.direct names.
pub fn candidates(res: &Resource) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut push = |c: Candidate| {
        if res.https_required && !c.https {
            return;
        }
        match out.iter_mut().find(|o| o.uri == c.uri) {
            Some(existing) if c.rank() < existing.rank() => *existing = c,
            Some(_) => {}
            None => out.push(c),
        }
    };
    for conn in &res.connections {
        let place = if conn.relay {
            Place::Relay
        } else if conn.local {
            Place::Local
        } else {
            Place::Remote
        };
        if place == Place::Local && !res.owned {
            continue;
        }
        let https = conn.uri.starts_with("https:") || conn.protocol == "https";
        push(Candidate {
            uri: conn.uri.trim_end_matches('/').to_string(),
            place,
            https,
        });
        if https && place == Place::Local && !conn.address.is_empty() && conn.port != 0 {
            let host = if conn.address.contains(':') {
                format!("[{}]", conn.address)
            } else {
                conn.address.clone()
            };
            push(Candidate {
                uri: format!("http://{host}:{}", conn.port),
                place,
                https: false,
            });
        }
    }
    out.sort_by_key(Candidate::rank);
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    #[serde(flatten)]
    pub candidate: Candidate,
    pub reachable: bool,
    pub latency_ms: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ServerReport {
    pub resource: Resource,
    /// In rank order, best first.
    pub probes: Vec<Probe>,
}

impl ServerReport {
    /// The best-ranked connection that answered as this machine.
    pub fn best(&self) -> Option<&Probe> {
        self.probes.iter().find(|p| p.reachable)
    }
    pub fn reachable_count(&self) -> usize {
        self.probes.iter().filter(|p| p.reachable).count()
    }
}

/// Probe every candidate of every server at once. Each probe has the client's timeout, so
/// the whole call takes about one timeout however many connections never answer.
/// `client_for` picks the HTTP client per server (an opted-in self-signed server gets one
/// that does not verify certificates).
pub async fn probe_all(
    servers: Vec<Resource>,
    client_for: impl Fn(&Resource) -> reqwest::Client,
) -> Vec<ServerReport> {
    let mut set = JoinSet::new();
    let mut reports: Vec<ServerReport> = Vec::with_capacity(servers.len());
    for (si, res) in servers.into_iter().enumerate() {
        let client = client_for(&res);
        let cands = candidates(&res);
        for (ci, cand) in cands.iter().cloned().enumerate() {
            let client = client.clone();
            let machine_id = res.client_identifier.clone();
            set.spawn(async move { (si, ci, probe_one(&client, cand, &machine_id).await) });
        }
        let pending = cands
            .into_iter()
            .map(|candidate| Probe {
                candidate,
                reachable: false,
                latency_ms: None,
                error: Some("not probed".into()),
            })
            .collect();
        reports.push(ServerReport {
            resource: res,
            probes: pending,
        });
    }
    while let Some(joined) = set.join_next().await {
        if let Ok((si, ci, probe)) = joined {
            reports[si].probes[ci] = probe;
        }
    }
    reports
}

/// `GET {uri}/identity` needs no token, so nothing secret goes to an address before it has
/// proved to be the right machine.
async fn probe_one(client: &reqwest::Client, candidate: Candidate, machine_id: &str) -> Probe {
    let start = Instant::now();
    let result = identity(client, &candidate.uri).await;
    let latency = start.elapsed().as_millis() as u64;
    let (reachable, error) = match result {
        Ok(id) if id == machine_id => (true, None),
        Ok(id) => (
            false,
            Some(format!("another server answered (machine id {id})")),
        ),
        Err(e) => (false, Some(e)),
    };
    Probe {
        candidate,
        reachable,
        latency_ms: reachable.then_some(latency),
        error,
    }
}

async fn identity(client: &reqwest::Client, uri: &str) -> Result<String, String> {
    let resp = client
        .get(format!("{uri}/identity"))
        .send()
        .await
        .map_err(|e| describe(&e))?;
    if !resp.status().is_success() {
        return Err(format!("answered HTTP {}", resp.status().as_u16()));
    }
    let body = match read_capped(resp, IDENTITY_BODY).await {
        Ok(body) => body,
        Err(BodyError::Read(e)) => return Err(describe(&e)),
        Err(BodyError::TooLarge) => {
            return Err(format!(
                "answered with more than {}, not as a Plex server",
                size_label(IDENTITY_BODY)
            ));
        }
    };
    let doc: MediaContainerDoc = serde_json::from_slice(&body)
        .map_err(|_| "answered, but not as a Plex server".to_string())?;
    doc.media_container
        .machine_identifier
        .ok_or_else(|| "answered without a machine id".to_string())
}

/// The authenticated check before a server is saved: `GET {uri}/` with the server's own
/// access token.
pub async fn check_access(
    client: &reqwest::Client,
    uri: &str,
    token: &Secret,
) -> Result<(), String> {
    let resp = client
        .get(format!("{uri}/"))
        .header("x-plex-token", crate::plex::token_header(token)?)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    match resp.status() {
        s if s.is_success() => Ok(()),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            Err("the server refused the access token plex.tv gave for it".into())
        }
        s => Err(format!("answered HTTP {}", s.as_u16())),
    }
}

fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "no answer in time".into();
    }
    let cause = crate::plex::root_cause(err);
    if err.is_connect() {
        format!("connection failed ({cause})")
    } else {
        format!("request failed ({cause})")
    }
}

pub fn probe_timeout(secs: f64) -> Duration {
    Duration::from_secs_f64(secs.clamp(0.1, 120.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plex::types::Connection;

    fn conn(uri: &str, addr: &str, local: bool, relay: bool) -> Connection {
        Connection {
            protocol: if uri.starts_with("https") {
                "https".into()
            } else {
                "http".into()
            },
            address: addr.into(),
            port: 32400,
            uri: uri.into(),
            local,
            relay,
            ipv6: false,
        }
    }

    fn res(owned: bool, https_required: bool, connections: Vec<Connection>) -> Resource {
        Resource {
            name: "Tower".into(),
            client_identifier: "m1".into(),
            provides: "server".into(),
            owned,
            presence: true,
            https_required,
            access_token: None,
            source_title: None,
            product_version: None,
            connections,
        }
    }

    #[test]
    fn ranks_local_remote_relay_https_first() {
        let r = res(
            true,
            false,
            vec![
                conn(
                    "https://relay.plex.direct:8443",
                    "198.51.100.9",
                    false,
                    true,
                ),
                conn(
                    "https://remote.plex.direct:32400",
                    "203.0.113.7",
                    false,
                    false,
                ),
                conn(
                    "https://local.plex.direct:32400",
                    "192.168.1.20",
                    true,
                    false,
                ),
            ],
        );
        let uris: Vec<_> = candidates(&r).into_iter().map(|c| c.uri).collect();
        assert_eq!(
            uris,
            [
                "https://local.plex.direct:32400",
                "http://192.168.1.20:32400",
                "https://remote.plex.direct:32400",
                "https://relay.plex.direct:8443",
            ]
        );
    }

    #[test]
    fn shared_servers_skip_local_and_https_required_drops_http() {
        let r = res(
            false,
            false,
            vec![
                conn(
                    "https://local.plex.direct:32400",
                    "192.168.1.20",
                    true,
                    false,
                ),
                conn("http://203.0.113.7:32400", "203.0.113.7", false, false),
            ],
        );
        let uris: Vec<_> = candidates(&r).into_iter().map(|c| c.uri).collect();
        assert_eq!(uris, ["http://203.0.113.7:32400"]);

        let r = res(
            true,
            true,
            vec![
                conn(
                    "https://local.plex.direct:32400",
                    "192.168.1.20",
                    true,
                    false,
                ),
                conn("http://203.0.113.7:32400", "203.0.113.7", false, false),
            ],
        );
        let uris: Vec<_> = candidates(&r).into_iter().map(|c| c.uri).collect();
        assert_eq!(uris, ["https://local.plex.direct:32400"]);
    }
}
