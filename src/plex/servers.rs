//! Finding and choosing a Plex Media Server: the account's servers in a stable order, what a
//! user's words name, probing, testing access, what is remembered of the choice, and the
//! re-check behind `validate --server` and Bazarr's own way of picking one.

use crate::plex::PlexError;
use crate::plex::client::{http_client, probe_client};
use crate::plex::probe::{self, Probe, ServerReport, Timing};
use crate::plex::types::Resource;
use crate::plex::{Identity, Plex};
use crate::secret::Secret;
use crate::store::SelectedServer;
use crate::text::safe;

/// Finding, naming and reaching a server. The words say what happened; what to do about it
/// is the caller's to say (each variant carries what a hint needs).
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Plex(#[from] PlexError),
    #[error("no server {query:?} on this account; {known}")]
    NotFound { query: String, known: String },
    #[error("{quoted} names more than one server, so none was selected:\n{candidates}")]
    Ambiguous { quoted: String, candidates: String },
    #[error("plex.tv gave no access token for the shared server {name}")]
    NoAccessToken { name: String },
    #[error("{name} answered but did not accept its access token ({refusals})")]
    Refused { name: String, refusals: String },
    /// `select`: no connection answered; `certificate` when one failed only on its
    /// certificate and it was verified (`--insecure` could help).
    #[error("none of {name}'s connections answered ({detail})")]
    NothingAnswered {
        name: String,
        machine_id: String,
        detail: String,
        certificate: bool,
    },
    #[error("the selected server {name} ({machine_id}) is no longer on this account")]
    Gone { name: String, machine_id: String },
    /// `validate --server`: the chosen server's connections are all silent.
    #[error("none of {name}'s connections answered")]
    Silent { name: String },
    /// `migrate-apikey`: Bazarr's server cannot be reached, so nothing is written.
    #[error(
        "none of {name}'s connections answered, so Bazarr could not use it; nothing was written"
    )]
    UnusableForBazarr { name: String },
}

type Result<T, E = ServerError> = std::result::Result<T, E>;

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
    Ok(probe_servers(&plex.identity, servers, timing, insecure_id, None).await?)
}

/// Probe the given servers, as many at once as the open-file limit allows (raised to its
/// hard limit first), each settled as soon as its choice is final (`probe::probe_all`).
/// `prefer` is an address that wins whenever it answers.
pub async fn probe_servers(
    identity: &Identity,
    servers: Vec<Resource>,
    timing: Timing,
    insecure_id: Option<&str>,
    prefer: Option<&str>,
) -> Result<Vec<ServerReport>, PlexError> {
    let limit = probe::concurrency(probe::raise_file_limit());
    let secure = probe_client(identity, timing.timeout, false)?;
    let insecure = match insecure_id {
        Some(_) => Some(probe_client(identity, timing.timeout, true)?),
        None => None,
    };
    Ok(
        probe::probe_all(servers, timing.grace, prefer, limit, |res| {
            match (&insecure, insecure_id) {
                (Some(c), Some(id)) if id == res.client_identifier => c.clone(),
                _ => secure.clone(),
            }
        })
        .await,
    )
}

/// Probe one server.
pub async fn probe_one(
    identity: &Identity,
    server: Resource,
    timing: Timing,
    insecure_id: Option<&str>,
) -> Result<ServerReport, PlexError> {
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
) -> Result<ServerReport, PlexError> {
    let mut reports = probe_servers(identity, vec![server], timing, insecure_id, prefer).await?;
    Ok(reports.remove(0))
}

/// How `select`'s argument named a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// Its number in the list `servers` shows (a plain number from 1 to the count).
    Number,
    /// Its machine id, exactly.
    MachineId,
    /// Its name, exactly.
    Name,
    /// Its name up to case, spaces at either end or in a row, invisible characters and
    /// letters of another script that look the same (a Cyrillic "о" for an "o").
    NearName,
}

impl Match {
    fn label(self) -> &'static str {
        match self {
            Match::Number => "its number",
            Match::MachineId => "its machine id",
            Match::Name => "its name",
            Match::NearName => "a name that looks the same",
        }
    }
}

/// The server an argument named, with its list number and how it was named.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a> {
    pub server: &'a Resource,
    pub number: usize,
    pub how: Match,
}

/// What `id:MACHINE_ID` starts with: a machine id and nothing else, for when a bare one is
/// also some server's name or number.
pub const ID_PREFIX: &str = "id:";

/// Find the server the user named. The argument may be the list number, the machine id, the
/// name, or a name that looks the same (`Match`); `id:MACHINE_ID` means the machine id only.
/// It must name exactly one server: when it names several (a number that is also a shared
/// server's name, a machine id that is another server's name, two servers with one name or
/// names that look alike) it is exit 2 with every candidate, so a server someone shares with
/// the account can never be picked by a word meant for another one. No server is exit 6.
/// Either way the previous selection is left alone.
pub fn resolve<'a>(servers: &'a [Resource], query: &str) -> Result<Resolved<'a>> {
    let found = matches(servers, query);
    let mut numbers: Vec<usize> = found.iter().map(|&(i, _)| i).collect();
    numbers.dedup();
    match numbers.as_slice() {
        [] => Err(not_found(servers, query)),
        &[i] => Ok(Resolved {
            server: &servers[i],
            number: i + 1,
            how: found
                .iter()
                .map(|&(_, how)| how)
                .min()
                .unwrap_or(Match::Name),
        }),
        _ => Err(ambiguous(servers, query, &found)),
    }
}

/// Every (list index, way) in which `query` names a server, in list order.
fn matches(servers: &[Resource], query: &str) -> Vec<(usize, Match)> {
    if let Some(id) = query.strip_prefix(ID_PREFIX) {
        return (0..servers.len())
            .filter(|&i| servers[i].client_identifier == id)
            .map(|i| (i, Match::MachineId))
            .collect();
    }
    let number = (!query.is_empty() && query.bytes().all(|b| b.is_ascii_digit()))
        .then(|| query.parse::<usize>().ok())
        .flatten()
        .filter(|n| (1..=servers.len()).contains(n));
    let folded = fold_name(query);
    let mut found = Vec::new();
    for (i, r) in servers.iter().enumerate() {
        if number == Some(i + 1) {
            found.push((i, Match::Number));
        }
        if r.client_identifier == query {
            found.push((i, Match::MachineId));
        }
        if r.name == query {
            found.push((i, Match::Name));
        } else if !folded.is_empty() && fold_name(&r.name) == folded {
            found.push((i, Match::NearName));
        }
    }
    found
}

/// A name as a person reads it: trimmed, spaces in a row as one, invisible characters
/// dropped, lower case, full-width and other-script look-alike letters as their Latin twin.
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().filter(|c| !is_invisible(*c)) {
            for lower in look_alike(c).to_lowercase() {
                out.push(look_alike(lower));
            }
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{34f}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

/// The Latin letter a Cyrillic or Greek one is drawn like, a full-width form as plain ASCII;
/// anything else as it is.
fn look_alike(c: char) -> char {
    if ('\u{ff01}'..='\u{ff5e}').contains(&c) {
        return char::from_u32(c as u32 - 0xfee0).unwrap_or(c);
    }
    match c {
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' | 'Ϲ' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' | 'Υ' => 'Y',
        'Ζ' => 'Z',
        'а' | 'α' => 'a',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' => 'e',
        'һ' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'κ' => 'k',
        'ӏ' => 'l',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'ν' => 'v',
        'ԝ' => 'w',
        'х' | 'χ' => 'x',
        'у' => 'y',
        other => other,
    }
}

/// "Tower (number 1, owned by you, machine id …)", or "shared by bob".
pub fn describe(server: &Resource, number: usize) -> String {
    format!(
        "{} (number {number}, {}, machine id {})",
        safe(&server.name),
        owner_phrase(server),
        safe(&server.client_identifier)
    )
}

/// "owned by you", or "shared by OWNER" for a server someone else shares with the account.
pub fn owner_phrase(server: &Resource) -> String {
    if server.owned {
        return "owned by you".into();
    }
    match server.source_title.as_deref().map(str::trim) {
        Some(owner) if !owner.is_empty() => format!("shared by {}", safe(owner)),
        _ => "shared by another account".into(),
    }
}

fn not_found(servers: &[Resource], query: &str) -> ServerError {
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
    ServerError::NotFound {
        query: query.to_string(),
        known,
    }
}

fn ambiguous(servers: &[Resource], query: &str, found: &[(usize, Match)]) -> ServerError {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let index = found[i].0;
        let ways: Vec<&str> = found[i..]
            .iter()
            .take_while(|&&(j, _)| j == index)
            .map(|&(_, how)| how.label())
            .collect();
        i += ways.len();
        lines.push(format!(
            "  {} (by {})",
            describe(&servers[index], index + 1),
            ways.join(" and ")
        ));
    }
    ServerError::Ambiguous {
        quoted: safe(&format!("{query:?}")).into_owned(),
        candidates: lines.join("\n"),
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
    let token = server_token(res, account_token).ok_or_else(|| ServerError::NoAccessToken {
        name: safe(&res.name).into_owned(),
    })?;
    let client = http_client(identity, probe::probe_timeout(timeout_secs), insecure)?;
    let mut refusals = Vec::new();
    for p in report.probes.iter().filter(|p| p.reachable) {
        match probe::check_access(&client, &p.candidate.uri, &token).await {
            Ok(()) => return Ok(selection(report, p, insecure)),
            Err(e) => refusals.push(format!("{}: {e}", p.candidate.uri)),
        }
    }
    Err(ServerError::Refused {
        name: safe(&res.name).into_owned(),
        refusals: refusals.join("; "),
    })
}

fn nothing_answered(report: &ServerReport, insecure: bool) -> ServerError {
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
    ServerError::NothingAnswered {
        name: safe(&res.name).into_owned(),
        machine_id: res.client_identifier.clone(),
        certificate: detail.contains("certificate") && !insecure,
        detail,
    }
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
        .ok_or_else(|| ServerError::Gone {
            name: safe(&selected.name).into_owned(),
            machine_id: safe(&selected.machine_id).into_owned(),
        })?;
    let insecure = selected.insecure.then_some(selected.machine_id.as_str());
    let report = probe_one(&plex.identity, res, timing, insecure).await?;
    let best = report.best().ok_or_else(|| ServerError::Silent {
        name: safe(&selected.name).into_owned(),
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
) -> Result<std::result::Result<(), String>, PlexError> {
    let client = http_client(identity, timing.timeout, insecure)?;
    Ok(probe::answers_as(&client, url, machine_id).await)
}

/// The server the way Bazarr picks it: the one with a connection matching
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
        .ok_or_else(|| ServerError::UnusableForBazarr {
            name: safe(&report.resource.name).into_owned(),
        })?;
    Ok(selection(report, best, false))
}
