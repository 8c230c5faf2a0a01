//! Finding the best way to reach a Plex Media Server (plex-api.md §5b, §5c): build the
//! candidate connections, probe every one of every server at the same time, and pick the
//! best-ranked one that answered as the right machine, not merely the fastest.
//!
//! The probes race: a server's choice is final as soon as its best-ranked good answer can no
//! longer be beaten (every better-ranked connection has failed), or [`GRACE`] after its first
//! good answer, whichever comes first. Probes still running then are dropped. So a server
//! answers about as fast as its best live connection, not as slow as its worst dead one.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde::Serialize;
use tokio::task::{AbortHandle, JoinSet};

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
    /// Why plex.tv's address cannot be used; such a candidate is never probed.
    #[serde(skip)]
    pub unusable: Option<String>,
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
        let unusable = unusable_uri(&conn.uri);
        let usable = unusable.is_none();
        push(Candidate {
            uri: conn.uri.trim_end_matches('/').to_string(),
            place,
            https,
            unusable,
        });
        if usable && https && place == Place::Local && !conn.address.is_empty() && conn.port != 0 {
            let host = if conn.address.contains(':') {
                format!("[{}]", conn.address)
            } else {
                conn.address.clone()
            };
            let uri = format!("http://{host}:{}", conn.port);
            // Made here from plex.tv's address field: when that does not make an address,
            // there is simply no such twin.
            if unusable_uri(&uri).is_none() {
                push(Candidate {
                    uri,
                    place,
                    https: false,
                    unusable: None,
                });
            }
        }
    }
    out.sort_by_key(Candidate::rank);
    out
}

/// Why a connection `uri` from plex.tv cannot be probed, or `None` when it can: only an
/// absolute `http` or `https` URL with a host and a port from 1 to 65535, without a user name
/// or password, a query, a fragment or any control character (which a URL parser would
/// silently drop, so the address probed would not be the one listed).
pub fn unusable_uri(uri: &str) -> Option<String> {
    if uri.trim().is_empty() {
        return Some("plex.tv listed no address for it".into());
    }
    if uri.chars().any(char::is_control) {
        return Some("the address holds control characters".into());
    }
    let url = match reqwest::Url::parse(uri) {
        Ok(url) => url,
        Err(e) => return Some(format!("not a usable address ({e})")),
    };
    let why = if !matches!(url.scheme(), "http" | "https") {
        format!("{}:// is not http or https", url.scheme())
    } else if url.host_str().is_none_or(str::is_empty) {
        "the address has no host".into()
    } else if !url.username().is_empty() || url.password().is_some() {
        "the address carries a user name or password".into()
    } else if url.port_or_known_default().is_none_or(|p| p == 0) {
        "the address has port 0".into()
    } else if url.query().is_some() || url.fragment().is_some() {
        "the address carries a query or fragment".into()
    } else {
        return None;
    };
    Some(why)
}

/// How long a better-ranked connection may still take once some connection of the server
/// has answered. Long enough for what usually makes the better one slower on a working
/// network: a local `https://….plex.direct` name needs a DNS lookup (often a cold one at a
/// public resolver, tens of milliseconds) and a TLS handshake that its raw `http://IP` twin
/// or a remote address does not; a relay goes through Plex's servers and is slower still.
/// Short enough that a dead better-ranked address (a Docker bridge, a stale LAN address)
/// costs a person a blink, not the probe timeout. Plex's own apps race their connections
/// too: Plex Home Theater uses the first good answer at once and switches to a local one
/// that answers later; a command that prints one answer cannot switch afterwards, so it
/// waits this long for the better one instead.
pub const GRACE: Duration = Duration::from_millis(250);

/// How long probing may take: `timeout` is the most one probe may take (`--timeout`),
/// `grace` how long a better-ranked connection is still waited for after the first good
/// answer. A grace as long as the timeout waits for every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub timeout: Duration,
    pub grace: Duration,
}

impl Timing {
    pub fn new(timeout_secs: f64, grace: Duration) -> Timing {
        Timing {
            timeout: probe_timeout(timeout_secs),
            grace,
        }
    }
}

/// What became of one connection's probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Answered as this server.
    Reachable,
    /// Refused, timed out, or answered as something else (`error` says which).
    Failed,
    /// Still running when the server's choice was made, and dropped: a better-ranked
    /// connection had already answered, or the grace period had passed.
    Unanswered,
    /// Not probed: plex.tv listed an address that cannot be used (`error` says why).
    Unusable,
}

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    #[serde(flatten)]
    pub candidate: Candidate,
    pub state: State,
    pub reachable: bool,
    pub latency_ms: Option<u64>,
    pub error: Option<String>,
}

impl Probe {
    fn unusable(candidate: Candidate) -> Option<Probe> {
        let why = candidate.unusable.clone()?;
        Some(Probe {
            candidate,
            state: State::Unusable,
            reachable: false,
            latency_ms: None,
            error: Some(format!("not probed: {why}")),
        })
    }
    fn unanswered(candidate: Candidate) -> Probe {
        Probe {
            candidate,
            state: State::Unanswered,
            reachable: false,
            latency_ms: None,
            error: None,
        }
    }
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

/// Whether a server's choice is final: its best good answer, in `order`, has only failed
/// connections before it. `done[i]` is `Some(reachable)` once probe `i` has finished.
/// With no good answer yet, it is final only when every probe has finished.
fn settled(done: &[Option<bool>], order: &[usize]) -> bool {
    for &i in order {
        match done[i] {
            Some(true) => return true,
            Some(false) => continue,
            None => return false,
        }
    }
    true
}

/// One server being raced.
struct Race {
    /// Finished probes, by rank; `None` while running.
    done: Vec<Option<Probe>>,
    /// The order in which answers win: rank order, with the preferred address first.
    order: Vec<usize>,
    /// When the first good answer came.
    first_good: Option<tokio::time::Instant>,
    aborts: Vec<AbortHandle>,
    over: bool,
}

impl Race {
    fn settled(&self) -> bool {
        let done: Vec<Option<bool>> = self
            .done
            .iter()
            .map(|p| p.as_ref().map(|p| p.reachable))
            .collect();
        settled(&done, &self.order)
    }
    fn finish(&mut self) {
        self.over = true;
        for a in &self.aborts {
            a.abort();
        }
    }
}

/// Probe every candidate of every server at once, and settle each server as soon as its
/// choice is final (see the module docs). Every probe has the client's timeout, so the whole
/// call takes at most one timeout however many connections never answer. `client_for` picks
/// the HTTP client per server (an opted-in self-signed server gets one that does not verify
/// certificates). `prefer`, when it is one of a server's addresses, wins over the ranking
/// when it answers (Bazarr's own address, for `migrate-apikey`).
pub async fn probe_all(
    servers: Vec<Resource>,
    grace: Duration,
    prefer: Option<&str>,
    client_for: impl Fn(&Resource) -> reqwest::Client,
) -> Vec<ServerReport> {
    let mut set = JoinSet::new();
    let mut races: Vec<Race> = Vec::with_capacity(servers.len());
    let mut cands_of: Vec<Vec<Candidate>> = Vec::with_capacity(servers.len());
    for (si, res) in servers.iter().enumerate() {
        let client = client_for(res);
        let cands = candidates(res);
        let mut aborts = Vec::with_capacity(cands.len());
        let mut done = vec![None; cands.len()];
        for (ci, cand) in cands.iter().cloned().enumerate() {
            if let Some(skipped) = Probe::unusable(cand.clone()) {
                done[ci] = Some(skipped);
                continue;
            }
            let client = client.clone();
            let machine_id = res.client_identifier.clone();
            aborts.push(
                set.spawn(async move { (si, ci, probe_one(&client, cand, &machine_id).await) }),
            );
        }
        let mut order: Vec<usize> = (0..cands.len()).collect();
        if let Some(p) = prefer.and_then(|u| cands.iter().position(|c| c.uri == u)) {
            order.retain(|&i| i != p);
            order.insert(0, p);
        }
        let mut race = Race {
            done,
            order,
            first_good: None,
            aborts,
            over: false,
        };
        // No connection at all, or none that can be probed.
        if race.settled() {
            race.over = true;
        }
        races.push(race);
        cands_of.push(cands);
    }

    while races.iter().any(|r| !r.over) {
        // The earliest moment some server's grace period ends.
        let deadline = races
            .iter()
            .filter(|r| !r.over)
            .filter_map(|r| r.first_good.and_then(|t| t.checked_add(grace)))
            .min();
        let grace_over = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            joined = set.join_next() => match joined {
                None => break,
                // A probe dropped because its server was settled.
                Some(Err(_)) => {}
                Some(Ok((si, ci, probe))) => {
                    let race = &mut races[si];
                    if race.over {
                        continue;
                    }
                    if probe.reachable && race.first_good.is_none() {
                        race.first_good = Some(tokio::time::Instant::now());
                    }
                    race.done[ci] = Some(probe);
                    if race.settled() {
                        race.finish();
                    }
                }
            },
            () = grace_over => {
                let now = tokio::time::Instant::now();
                for race in races.iter_mut().filter(|r| !r.over) {
                    if race.first_good.and_then(|t| t.checked_add(grace)).is_some_and(|d| d <= now) {
                        race.finish();
                    }
                }
            }
        }
    }
    // Whatever still runs belongs to a settled server: drop it.
    set.abort_all();

    servers
        .into_iter()
        .zip(races)
        .zip(cands_of)
        .map(|((resource, race), cands)| ServerReport {
            resource,
            probes: race
                .done
                .into_iter()
                .zip(cands)
                .map(|(done, cand)| done.unwrap_or_else(|| Probe::unanswered(cand)))
                .collect(),
        })
        .collect()
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
        state: if reachable {
            State::Reachable
        } else {
            State::Failed
        },
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

/// Whether `uri` answers `GET {uri}/identity` (no token, body capped) as `machine_id`; the
/// error says what happened instead. For Bazarr's `server_url`, which need not be one of the
/// account's advertised connections.
pub async fn answers_as(
    client: &reqwest::Client,
    uri: &str,
    machine_id: &str,
) -> Result<(), String> {
    match identity(client, uri.trim_end_matches('/')).await {
        Ok(id) if id == machine_id => Ok(()),
        Ok(id) => Err(format!("another server answered (machine id {id})")),
        Err(e) => Err(e),
    }
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
    fn odd_addresses_from_plex_tv_are_not_probed() {
        for bad in [
            "",
            "file:///etc/passwd",
            "ftp://127.0.0.1:21",
            "http://127.0.0.1:0",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:32400\r\nX-Evil: 1",
            "http://127.0.0.1:32400\n",
            "http://user:pass@127.0.0.1:32400",
            "http://user@127.0.0.1:32400",
            "http://127.0.0.1:32400/?a=b",
            "127.0.0.1:32400",
            "http://",
        ] {
            assert!(unusable_uri(bad).is_some(), "{bad:?} was taken");
        }
        for good in [
            "http://127.0.0.1:32400",
            "https://1-2-3-4.abc.plex.direct:32400",
            "http://[::1]:32400",
            "https://relay.plex.direct",
        ] {
            assert_eq!(unusable_uri(good), None, "{good:?}");
        }
        // A bad https local address gets no raw http twin either.
        let mut odd = conn(
            "https://u:p@local.plex.direct:32400",
            "192.168.1.20",
            true,
            false,
        );
        odd.port = 32400;
        let cands = candidates(&res(true, false, vec![odd]));
        assert_eq!(cands.len(), 1);
        assert!(cands[0].unusable.as_deref().unwrap().contains("password"));
    }

    #[test]
    fn settled_once_the_best_answer_cannot_be_beaten() {
        let rank = [0, 1, 2];
        // Nothing has finished, or only failures with probes still running.
        assert!(!settled(&[None, None, None], &rank));
        assert!(!settled(&[Some(false), None, Some(false)], &rank));
        // A good answer with a better-ranked probe still running: not yet.
        assert!(!settled(&[None, Some(true), None], &rank));
        // Every better-ranked probe failed: final, whatever worse-ranked ones still do.
        assert!(settled(&[Some(false), Some(true), None], &rank));
        assert!(settled(&[Some(true), None, None], &rank));
        // Nothing answered and nothing runs: final, with no connection.
        assert!(settled(&[Some(false), Some(false), Some(false)], &rank));
        assert!(settled(&[], &[]));
        // A preferred address goes first: the best-ranked answer waits for it.
        let prefer_last = [2, 0, 1];
        assert!(!settled(&[Some(true), None, None], &prefer_last));
        assert!(settled(&[Some(true), None, Some(false)], &prefer_last));
        assert!(settled(&[None, None, Some(true)], &prefer_last));
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
