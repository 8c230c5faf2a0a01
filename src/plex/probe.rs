//! Finding the best way to reach a Plex Media Server (docs/formats.md#plex-media-server-requests): build the
//! candidate connections, probe every one of every server at the same time, and pick the
//! best-ranked one that answered as the right machine, not merely the fastest.
//!
//! The probes race: a server's choice is final as soon as its best-ranked good answer can no
//! longer be beaten (every better-ranked connection has failed), or [`GRACE`] after its first
//! good answer, whichever comes first. Probes still running then are dropped. So a server
//! answers about as fast as its best live connection, not as slow as its worst dead one.

use std::collections::VecDeque;
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
    /// How many of its probes failed for lack of file descriptors.
    pub fn out_of_files(&self) -> usize {
        self.probes
            .iter()
            .filter(|p| p.error.as_deref() == Some(OUT_OF_FILES))
            .count()
    }
    /// The best-ranked connection that answered as this machine.
    pub fn best(&self) -> Option<&Probe> {
        self.probes.iter().find(|p| p.reachable)
    }
    pub fn reachable_count(&self) -> usize {
        self.probes.iter().filter(|p| p.reachable).count()
    }
}

/// EMFILE or ENFILE: this process or the whole system has no descriptor left. Other
/// platforms report sockets they cannot open with their own codes, never these.
fn no_descriptor_left(io: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        matches!(Errno::from_io_error(io), Some(Errno::MFILE | Errno::NFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = io;
        false
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
    /// Finished probes, by rank; `None` while running or waiting for a slot.
    done: Vec<Option<Probe>>,
    /// The order in which answers win: rank order, with the preferred address first.
    order: Vec<usize>,
    /// Each candidate's place in `order`.
    place: Vec<usize>,
    /// The best place in `order` that has answered as this server.
    best: Option<usize>,
    /// When the first good answer came.
    first_good: Option<tokio::time::Instant>,
    /// The running probes, by candidate.
    aborts: Vec<Option<AbortHandle>>,
    over: bool,
}

impl Race {
    /// A race over `cands`: an unusable address is a finished failure from the start, and a
    /// server with nothing to probe is over before it began.
    fn new(cands: &[Candidate], prefer: Option<&str>) -> Race {
        let mut order: Vec<usize> = (0..cands.len()).collect();
        if let Some(p) = prefer.and_then(|u| cands.iter().position(|c| c.uri == u)) {
            order.retain(|&i| i != p);
            order.insert(0, p);
        }
        let mut place = vec![0; cands.len()];
        for (p, &ci) in order.iter().enumerate() {
            place[ci] = p;
        }
        let mut race = Race {
            done: cands.iter().cloned().map(Probe::unusable).collect(),
            order,
            place,
            best: None,
            first_good: None,
            aborts: vec![None; cands.len()],
            over: false,
        };
        race.over = race.settled();
        race
    }
    /// Whether probe `ci` can no longer win: a better one has answered already.
    fn beaten(&self, ci: usize) -> bool {
        self.best.is_some_and(|b| self.place[ci] > b)
    }
    /// Drop the running probes that can no longer win, to give their slots to others.
    fn drop_beaten(&mut self) {
        for ci in 0..self.aborts.len() {
            if self.beaten(ci)
                && let Some(a) = self.aborts[ci].take()
            {
                a.abort();
            }
        }
    }
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
        for a in self.aborts.iter().flatten() {
            a.abort();
        }
    }
}

/// What stays open while probes run besides their own sockets: stdio, the runtime's own
/// descriptors, the connection to plex.tv, config files and locks.
const FILE_RESERVE: u64 = 32;
/// The most probes that run at once however high the file limit: each holds a socket and
/// its buffers, and more at once would not settle servers any sooner on a real network.
const MAX_PROBES: u64 = 1024;

/// How many probes may run at once under an open-file limit of `soft`: what the limit leaves
/// after a reserve (a sixteenth of it, at least [`FILE_RESERVE`]), at most [`MAX_PROBES`].
pub fn concurrency(soft: u64) -> usize {
    let reserve = (soft / 16).max(FILE_RESERVE);
    soft.saturating_sub(reserve).clamp(1, MAX_PROBES) as usize
}

/// Raise this process's soft open-file limit to its hard one (a probe needs a descriptor,
/// and the soft limit is often 1024 under a much higher hard one), and return the soft
/// limit now in force. When the limit cannot be read, 256: a small one, safe anywhere.
pub fn raise_file_limit() -> u64 {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        // `None` is "unlimited".
        let limit = |v: Option<u64>| v.unwrap_or(u64::MAX);
        let lim = getrlimit(Resource::Nofile);
        if limit(lim.current) < limit(lim.maximum) {
            let raised = Rlimit {
                current: lim.maximum,
                maximum: lim.maximum,
            };
            // Refused where the hard limit is "unlimited" but the kernel caps it (macOS):
            // then the soft limit stays as it was.
            if setrlimit(Resource::Nofile, raised).is_ok() {
                return limit(lim.maximum);
            }
        }
        limit(lim.current)
    }
    #[cfg(not(unix))]
    {
        512
    }
}

/// Probe the candidates of every server, at most `limit` at a time (see [`concurrency`]),
/// and settle each server as soon as its choice is final (see the module docs). Probes start
/// server by server, each server's in the order its answers win, so a server's connections
/// run together and its choice is not held up by other servers' probes. Each probe has the
/// client's timeout, so the call takes at most one timeout per `limit` connections that
/// never answer, and one timeout when they all fit. `client_for` picks the HTTP client per
/// server (an opted-in self-signed server gets one that does not verify certificates).
/// `prefer`, when it is one of a server's addresses, wins over the ranking when it answers
/// (Bazarr's own address, for `migrate-apikey`).
pub async fn probe_all(
    servers: Vec<Resource>,
    grace: Duration,
    prefer: Option<&str>,
    limit: usize,
    client_for: impl Fn(&Resource) -> reqwest::Client,
) -> Vec<ServerReport> {
    let mut prober = Prober::new(&servers, grace, prefer, limit, client_for);
    while prober.open > 0 {
        prober.start_waiting(&servers);
        let deadline = prober.next_deadline();
        let grace_over = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            joined = prober.set.join_next() => match joined {
                None => break,
                // A probe dropped because its server was settled or it could not win.
                Some(Err(_)) => {}
                Some(Ok((si, ci, probe))) => prober.record(si, ci, probe),
            },
            () = grace_over => prober.end_graces(),
        }
    }
    // Whatever still runs belongs to a settled server: drop it.
    prober.set.abort_all();
    reports(servers, prober.races, prober.cands_of)
}

/// The state of one [`probe_all`].
struct Prober {
    cands_of: Vec<Vec<Candidate>>,
    clients: Vec<reqwest::Client>,
    races: Vec<Race>,
    /// Probes waiting for a slot: server by server, each server's in the order its answers
    /// win, so a server's connections run together.
    waiting: VecDeque<(usize, usize)>,
    /// Each server's grace deadline, in the order they end (the grace is the same for all).
    graces: VecDeque<(tokio::time::Instant, usize)>,
    set: JoinSet<(usize, usize, Probe)>,
    /// Servers not settled yet.
    open: usize,
    limit: usize,
    grace: Duration,
}

impl Prober {
    fn new(
        servers: &[Resource],
        grace: Duration,
        prefer: Option<&str>,
        limit: usize,
        client_for: impl Fn(&Resource) -> reqwest::Client,
    ) -> Prober {
        let cands_of: Vec<Vec<Candidate>> = servers.iter().map(candidates).collect();
        let races: Vec<Race> = cands_of.iter().map(|c| Race::new(c, prefer)).collect();
        let waiting = races
            .iter()
            .enumerate()
            .flat_map(|(si, r)| {
                r.order
                    .iter()
                    .filter(|&&ci| r.done[ci].is_none())
                    .map(move |&ci| (si, ci))
            })
            .collect();
        Prober {
            clients: servers.iter().map(client_for).collect(),
            open: races.iter().filter(|r| !r.over).count(),
            cands_of,
            races,
            waiting,
            graces: VecDeque::new(),
            set: JoinSet::new(),
            limit: limit.max(1),
            grace,
        }
    }

    /// Start waiting probes while there are free slots. A probe cancelled with its server
    /// stays counted until it is joined, when its socket is closed: the count never runs past
    /// the descriptors there are.
    fn start_waiting(&mut self, servers: &[Resource]) {
        while self.set.len() < self.limit
            && let Some((si, ci)) = self.waiting.pop_front()
        {
            let race = &mut self.races[si];
            if race.over || race.beaten(ci) {
                continue;
            }
            let client = self.clients[si].clone();
            let cand = self.cands_of[si][ci].clone();
            let machine_id = servers[si].client_identifier.clone();
            let handle = self
                .set
                .spawn(async move { (si, ci, probe_one(&client, cand, &machine_id).await) });
            race.aborts[ci] = Some(handle);
        }
    }

    /// The earliest moment some open server's grace period ends.
    fn next_deadline(&mut self) -> Option<tokio::time::Instant> {
        while self
            .graces
            .front()
            .is_some_and(|&(_, si)| self.races[si].over)
        {
            self.graces.pop_front();
        }
        self.graces.front().map(|&(d, _)| d)
    }

    fn record(&mut self, si: usize, ci: usize, probe: Probe) {
        let race = &mut self.races[si];
        if race.over {
            return;
        }
        if probe.reachable && race.first_good.is_none() {
            let now = tokio::time::Instant::now();
            race.first_good = Some(now);
            if let Some(d) = now.checked_add(self.grace) {
                self.graces.push_back((d, si));
            }
        }
        if probe.reachable && !race.beaten(ci) {
            race.best = Some(race.place[ci]);
            // With other probes waiting for a slot, one that cannot win any more gives its
            // slot away; otherwise it may finish (and show what it found).
            if !self.waiting.is_empty() {
                race.drop_beaten();
            }
        }
        race.aborts[ci] = None;
        race.done[ci] = Some(probe);
        if race.settled() {
            race.finish();
            self.open -= 1;
        }
    }

    fn end_graces(&mut self) {
        let now = tokio::time::Instant::now();
        while let Some(&(d, si)) = self.graces.front()
            && d <= now
        {
            self.graces.pop_front();
            if !self.races[si].over {
                self.races[si].finish();
                self.open -= 1;
            }
        }
    }
}

fn reports(
    servers: Vec<Resource>,
    races: Vec<Race>,
    cands_of: Vec<Vec<Candidate>>,
) -> Vec<ServerReport> {
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

/// What a probe that found no free file descriptor says (`Probe::out_of_files`).
pub const OUT_OF_FILES: &str =
    "no file descriptors left (the open-file limit, `ulimit -n`, was reached): not tried";

fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "no answer in time".into();
    }
    if out_of_files(err) {
        return OUT_OF_FILES.into();
    }
    let cause = crate::plex::root_cause(err);
    if err.is_connect() {
        format!("connection failed ({cause})")
    } else {
        format!("request failed ({cause})")
    }
}

/// Whether the socket could not be opened for lack of file descriptors (EMFILE, ENFILE).
fn out_of_files(err: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && no_descriptor_left(io)
        {
            return true;
        }
        source = s.source();
    }
    false
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
    fn probes_fit_the_file_limit() {
        assert_eq!(concurrency(1024), 960);
        assert_eq!(concurrency(256), 224);
        assert_eq!(concurrency(64), 32);
        assert_eq!(concurrency(16), 1);
        assert_eq!(concurrency(0), 1);
        assert_eq!(concurrency(1 << 20), 1024);
        assert_eq!(concurrency(u64::MAX), 1024);
    }

    #[cfg(unix)]
    #[test]
    fn the_soft_file_limit_is_raised_to_the_hard_one() {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let lim = getrlimit(Resource::Nofile);
        let hard = lim.maximum.unwrap_or(u64::MAX);
        let lowered = Rlimit {
            current: Some(lim.current.unwrap_or(u64::MAX).min(hard / 2).max(64)),
            maximum: lim.maximum,
        };
        setrlimit(Resource::Nofile, lowered).unwrap();
        assert_eq!(raise_file_limit(), hard);
        let lim = getrlimit(Resource::Nofile);
        assert_eq!(lim.current, lim.maximum);
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
