//! Finding and choosing a Plex Media Server: the account's servers in a stable order, what a
//! user's words name, probing, testing access, what is remembered of the choice, and the
//! re-check behind `validate --server` and Bazarr's own way of picking one.

use crate::error::{Error, ErrorKind, Result};
use crate::output::safe;
use crate::plex::client::http_client;
use crate::plex::probe::{self, Probe, ServerReport, Timing};
use crate::plex::types::Resource;
use crate::plex::{Identity, Plex};
use crate::secret::Secret;
use crate::store::SelectedServer;

/// The account's servers in a stable order (owned first, then by name), so the numbers
/// `servers` shows mean the same thing to `select`.
pub fn server_list(resources: Vec<Resource>) -> Vec<Resource> {
    let mut servers: Vec<Resource> = resources.into_iter().filter(Resource::is_server).collect();
    servers.sort_by(|a, b| {
        (!a.owned, a.name.to_lowercase(), &a.client_identifier).cmp(&(
            !b.owned,
            b.name.to_lowercase(),
            &b.client_identifier,
        ))
    });
    servers
}

/// The account's servers from plex.tv, every connection probed at once. `insecure_id` names
/// the one server whose certificate the admin chose not to verify.
pub async fn fetch_and_probe(
    plex: &Plex,
    token: &Secret,
    insecure_id: Option<&str>,
    timing: Timing,
) -> Result<Vec<ServerReport>> {
    let servers = server_list(plex.client.resources(token).await?);
    probe_servers(&plex.identity, servers, timing, insecure_id, None).await
}

/// Probe the given servers at once, each settled as soon as its choice is final
/// (`probe::probe_all`). `prefer` is an address that wins whenever it answers.
pub async fn probe_servers(
    identity: &Identity,
    servers: Vec<Resource>,
    timing: Timing,
    insecure_id: Option<&str>,
    prefer: Option<&str>,
) -> Result<Vec<ServerReport>> {
    let secure = http_client(identity, timing.timeout, false)?;
    let insecure = match insecure_id {
        Some(_) => Some(http_client(identity, timing.timeout, true)?),
        None => None,
    };
    Ok(probe::probe_all(servers, timing.grace, prefer, |res| {
        match (&insecure, insecure_id) {
            (Some(c), Some(id)) if id == res.client_identifier => c.clone(),
            _ => secure.clone(),
        }
    })
    .await)
}

/// Probe one server.
pub async fn probe_one(
    identity: &Identity,
    server: Resource,
    timing: Timing,
    insecure_id: Option<&str>,
) -> Result<ServerReport> {
    probe_one_preferring(identity, server, timing, insecure_id, None).await
}

/// Probe one server, `prefer` winning whenever it answers (Bazarr's own address, which
/// `migrate-apikey` keeps when it works).
pub async fn probe_one_preferring(
    identity: &Identity,
    server: Resource,
    timing: Timing,
    insecure_id: Option<&str>,
    prefer: Option<&str>,
) -> Result<ServerReport> {
    probe_servers(identity, vec![server], timing, insecure_id, prefer)
        .await?
        .pop()
        .ok_or_else(|| Error::internal("probe returned no report"))
}

/// Find the server the user named: exact name, machine id, list number, then a name in any
/// case. Every miss is exit 6 and leaves the previous selection alone.
pub fn resolve<'a>(servers: &'a [Resource], query: &str) -> Result<&'a Resource> {
    let by = |pred: &dyn Fn(&Resource) -> bool| -> Vec<&'a Resource> {
        servers.iter().filter(|r| pred(r)).collect()
    };
    let mut found = by(&|r| r.name == query);
    if found.is_empty() {
        found = by(&|r| r.client_identifier == query);
    }
    if found.is_empty()
        && let Ok(n) = query.parse::<usize>()
        && (1..=servers.len()).contains(&n)
    {
        found = vec![&servers[n - 1]];
    }
    if found.is_empty() {
        found = by(&|r| r.name.to_lowercase() == query.to_lowercase());
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => {
            let names: Vec<String> = servers
                .iter()
                .enumerate()
                .map(|(i, r)| format!("{} {}", i + 1, safe(&r.name)))
                .collect();
            let known = if names.is_empty() {
                "the account has no servers".to_string()
            } else {
                format!("the account's servers are: {}", names.join(", "))
            };
            Err(Error::new(
                ErrorKind::ServerNotFound,
                format!("no server {query:?} on this account; {known}"),
            )
            .with_hint("run `plex-auth servers` to see names and numbers"))
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|r| r.client_identifier.as_str()).collect();
            Err(Error::new(
                ErrorKind::ServerNotFound,
                format!(
                    "{} servers are named {query:?}: machine ids {}",
                    many.len(),
                    ids.join(", ")
                ),
            )
            .with_hint("select by machine id: `plex-auth select MACHINE_ID`"))
        }
    }
}

/// The token a server gets: its own `accessToken` from plex.tv. The account token goes
/// only to a server the user owns; a shared server never sees it.
fn server_token(res: &Resource, account: &Secret) -> Option<Secret> {
    match &res.access_token {
        Some(t) if !t.expose().is_empty() => Some(t.clone()),
        _ if res.owned => Some(account.clone()),
        _ => None,
    }
}

/// Test the probed server with its access token, best connection first, and say what to
/// remember of it. Exit 6 when nothing answers or accepts the token; nothing is saved here.
pub async fn verify_access(
    identity: &Identity,
    account_token: &Secret,
    report: &ServerReport,
    insecure: bool,
    timeout_secs: f64,
) -> Result<SelectedServer> {
    let res = &report.resource;
    if report.best().is_none() {
        return Err(nothing_answered(report, insecure));
    }
    let token = server_token(res, account_token).ok_or_else(|| {
        Error::new(
            ErrorKind::ServerNotFound,
            format!(
                "plex.tv gave no access token for the shared server {}",
                safe(&res.name)
            ),
        )
        .with_hint("ask the server's owner to share it again")
    })?;
    let client = http_client(identity, probe::probe_timeout(timeout_secs), insecure)?;
    let mut refusals = Vec::new();
    for p in report.probes.iter().filter(|p| p.reachable) {
        match probe::check_access(&client, &p.candidate.uri, &token).await {
            Ok(()) => return Ok(selection(report, p, insecure)),
            Err(e) => refusals.push(format!("{}: {e}", p.candidate.uri)),
        }
    }
    Err(Error::new(
        ErrorKind::ServerNotFound,
        format!(
            "{} answered but did not accept its access token ({})",
            safe(&res.name),
            refusals.join("; ")
        ),
    )
    .with_hint("run `plex-auth login --force`, then select again; the previous selection was kept"))
}

fn nothing_answered(report: &ServerReport, insecure: bool) -> Error {
    let res = &report.resource;
    let why: Vec<String> = report
        .probes
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p.candidate.uri,
                p.error.as_deref().unwrap_or("no answer")
            )
        })
        .collect();
    let detail = if why.is_empty() {
        "plex.tv lists no connection that can be used".to_string()
    } else {
        why.join("; ")
    };
    let hint = if detail.contains("certificate") && !insecure {
        format!(
            "the server's certificate did not verify; if it is self-signed and you trust the network, run `plex-auth select {} --insecure`",
            res.client_identifier
        )
    } else {
        "check that the server is running and reachable from here; the previous selection was kept"
            .to_string()
    };
    Error::new(
        ErrorKind::ServerNotFound,
        format!(
            "none of {}'s connections answered ({detail})",
            safe(&res.name)
        ),
    )
    .with_hint(hint)
}

/// What is remembered of a chosen server: its identity, the connection to use, and every
/// connection (Bazarr falls back to them).
pub fn selection(report: &ServerReport, best: &Probe, insecure: bool) -> SelectedServer {
    SelectedServer {
        machine_id: report.resource.client_identifier.clone(),
        name: report.resource.name.clone(),
        url: best.candidate.uri.clone(),
        local: best.candidate.local(),
        owned: report.resource.owned,
        connections: connection_urls(report),
        selected_at: crate::time::now(),
        insecure,
    }
}

/// Every connection that can be used; an address plex.tv listed but that cannot be used is
/// never remembered, nor written to Bazarr.
fn connection_urls(report: &ServerReport) -> Vec<String> {
    report
        .probes
        .iter()
        .filter(|p| p.state != probe::State::Unusable)
        .map(|p| p.candidate.uri.clone())
        .collect()
}

/// Where the selected server answers now.
pub struct Recheck {
    pub url: String,
    pub latency_ms: Option<u64>,
    /// The selection with its new best address, when that moved.
    pub moved: Option<SelectedServer>,
}

/// `validate --server`: re-probe the selected server and see whether its best address moved.
pub async fn recheck(
    plex: &Plex,
    token: &Secret,
    selected: &SelectedServer,
    timing: Timing,
) -> Result<Recheck> {
    let servers = server_list(plex.client.resources(token).await?);
    let res = servers
        .into_iter()
        .find(|r| r.client_identifier == selected.machine_id)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::ServerNotFound,
                format!(
                    "the selected server {} ({}) is no longer on this account",
                    safe(&selected.name),
                    safe(&selected.machine_id)
                ),
            )
            .with_hint("run `plex-auth servers` and select another")
        })?;
    let insecure = selected.insecure.then_some(selected.machine_id.as_str());
    let report = probe_one(&plex.identity, res, timing, insecure).await?;
    let best = report.best().ok_or_else(|| {
        Error::new(
            ErrorKind::ServerNotFound,
            format!("none of {}'s connections answered", safe(&selected.name)),
        )
        .with_hint("check that the server is running and reachable from here")
    })?;
    let moved = (best.candidate.uri != selected.url).then(|| SelectedServer {
        url: best.candidate.uri.clone(),
        local: best.candidate.local(),
        connections: connection_urls(&report),
        ..selected.clone()
    });
    Ok(Recheck {
        url: best.candidate.uri.clone(),
        latency_ms: best.latency_ms,
        moved,
    })
}

/// `validate --server`: does Bazarr's `server_url` answer as its `server_machine_id`? One
/// probe with the probe timeout; redirects only within the same origin, as every probe.
/// `insecure` skips certificate checks (a server selected with `--insecure`).
pub async fn check_address(
    identity: &Identity,
    url: &str,
    machine_id: &str,
    timing: Timing,
    insecure: bool,
) -> Result<std::result::Result<(), String>> {
    let client = http_client(identity, timing.timeout, insecure)?;
    Ok(probe::answers_as(&client, url, machine_id).await)
}

/// The server the way Bazarr picks it (bazarr.md §5): the one with a connection matching
/// Bazarr's `ip`/`port`/`ssl` (`legacy`), else the first with a local connection, else the
/// first server. None when the account has no server.
pub fn pick_like_bazarr(servers: &[Resource], legacy: Option<&str>) -> Option<Resource> {
    let matches_legacy = |r: &Resource| {
        legacy.is_some_and(|uri| {
            r.connections.iter().any(|c| {
                c.uri.trim_end_matches('/') == uri
                    || format!("{}://{}:{}", c.protocol, c.address, c.port) == uri
            })
        })
    };
    servers
        .iter()
        .find(|r| matches_legacy(r))
        .or_else(|| {
            servers
                .iter()
                .find(|r| r.connections.iter().any(|c| c.local))
        })
        .or(servers.first())
        .cloned()
}

/// Of a probed server, the exact connection Bazarr was using when it answers, else the best
/// one. Exit 6 when none answered.
pub fn keep_bazarr_connection(
    report: &ServerReport,
    legacy: Option<&str>,
) -> Result<SelectedServer> {
    let best = report
        .probes
        .iter()
        .find(|p| p.reachable && Some(p.candidate.uri.as_str()) == legacy)
        .or_else(|| report.best())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::ServerNotFound,
                format!(
                    "none of {}'s connections answered, so Bazarr could not use it; nothing was written",
                    safe(&report.resource.name)
                ),
            )
            .with_hint("start the Plex server (or fix the network) and run migrate-apikey again")
        })?;
    Ok(selection(report, best, false))
}
