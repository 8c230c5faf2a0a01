//! `plex-auth select NAME|MACHINE_ID|N`: choose the server to use, after testing it. Also the
//! picker offered after login, and the re-check behind `validate --server`.

use std::io::{BufRead, Write};

use serde_json::{Value, json};

use crate::cli::SelectArgs;
use crate::commands::{self, Plex, bazarr_sync, block_on, servers};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::plex::Identity;
use crate::plex::client::http_client;
use crate::plex::probe::{self, Probe, ServerReport};
use crate::plex::types::Resource;
use crate::secret::Secret;
use crate::store::{self, SelectedServer};

pub fn run(ctx: &Context, args: &SelectArgs) -> Result<()> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let token = commands::stored_token(ctx, &cfg)?;
    let plex = commands::plex(ctx)?;
    let servers = servers::server_list(block_on(plex.client.resources(&token))??);
    let chosen = resolve(&servers, &args.server)?.clone();
    let insecure = args.insecure.then_some(chosen.client_identifier.as_str());
    let report = block_on(servers::probe_servers(
        &plex.identity,
        vec![chosen.clone()],
        args.timeout,
        insecure,
    ))??
    .pop()
    .ok_or_else(|| Error::internal("probe returned no report"))?;
    let saved = choose(
        ctx,
        &plex.identity,
        &token,
        &report,
        args.insecure,
        args.timeout,
    )?;
    report_choice(ctx, &saved, &report);
    Ok(())
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
                .map(|(i, r)| format!("{} {}", i + 1, r.name))
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

/// Test the probed server with its access token, best connection first, and save the
/// choice (and Bazarr's server keys). Exit 6 when nothing answers or accepts the token.
pub fn choose(
    ctx: &Context,
    identity: &Identity,
    account_token: &Secret,
    report: &ServerReport,
    insecure: bool,
    timeout_secs: f64,
) -> Result<SelectedServer> {
    let res = &report.resource;
    if report.best().is_none() {
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
            "check that the server is running and reachable from here; the previous selection was kept".to_string()
        };
        return Err(Error::new(
            ErrorKind::ServerNotFound,
            format!("none of {}'s connections answered ({detail})", res.name),
        )
        .with_hint(hint));
    }
    let token = server_token(res, account_token).ok_or_else(|| {
        Error::new(
            ErrorKind::ServerNotFound,
            format!(
                "plex.tv gave no access token for the shared server {}",
                res.name
            ),
        )
        .with_hint("ask the server's owner to share it again")
    })?;
    let client = http_client(identity, probe::probe_timeout(timeout_secs), insecure)?;
    let mut refusals = Vec::new();
    let mut accepted = None;
    for p in report.probes.iter().filter(|p| p.reachable) {
        match block_on(probe::check_access(&client, &p.candidate.uri, &token))? {
            Ok(()) => {
                accepted = Some(p);
                break;
            }
            Err(e) => refusals.push(format!("{}: {e}", p.candidate.uri)),
        }
    }
    let best = accepted.ok_or_else(|| {
        Error::new(
            ErrorKind::ServerNotFound,
            format!(
                "{} answered but did not accept its access token ({})",
                res.name,
                refusals.join("; ")
            ),
        )
        .with_hint(
            "run `plex-auth login --force`, then select again; the previous selection was kept",
        )
    })?;

    let server = selection(report, best, insecure);
    let saved = server.clone();
    store::config::update(&ctx.config_dir, move |cfg| {
        cfg.server = Some(server);
        Ok(())
    })?;
    bazarr_sync::after_select(ctx, &saved)?;
    Ok(saved)
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
        connections: report
            .probes
            .iter()
            .map(|p| p.candidate.uri.clone())
            .collect(),
        selected_at: commands::now(),
        insecure,
    }
}

fn report_choice(ctx: &Context, saved: &SelectedServer, report: &ServerReport) {
    let latency = report
        .probes
        .iter()
        .find(|p| p.candidate.uri == saved.url)
        .and_then(|p| p.latency_ms);
    if ctx.out.json {
        ctx.out.json_value(&json!({
            "selected": selected_json(saved, latency),
        }));
    } else {
        let place = if saved.local { "local" } else { "remote" };
        let ms = latency.map(|m| format!(", {m} ms")).unwrap_or_default();
        ctx.out.result(format!(
            "Selected {} at {} ({place}{ms}).",
            saved.name, saved.url
        ));
        if saved.insecure {
            ctx.out.warn(format!(
                "the certificate of {} is not verified (--insecure)",
                saved.name
            ));
        }
    }
}

fn selected_json(s: &SelectedServer, latency: Option<u64>) -> Value {
    json!({
        "name": s.name,
        "machine_id": s.machine_id,
        "url": s.url,
        "local": s.local,
        "owned": s.owned,
        "insecure": s.insecure,
        "connections": s.connections,
        "latency_ms": latency,
    })
}

/// After a PIN login on a terminal with no server chosen yet: show the servers and let the
/// user pick one, or press Enter to skip.
pub fn offer_picker(ctx: &Context, plex: &Plex, token: &Secret) -> Result<()> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let spinner = ctx.out.spinner("Looking for your Plex servers…");
    let found = block_on(servers::fetch_and_probe(plex, token, &cfg, 3.0))?;
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let reports = match found {
        Ok(r) => r,
        Err(e) => {
            ctx.out.warn(format!(
                "could not list servers ({}); choose one later with `plex-auth servers`",
                e.message
            ));
            return Ok(());
        }
    };
    if reports.is_empty() {
        return Ok(());
    }
    eprintln!("\n{}", servers::table(&ctx.out, &reports, None));
    loop {
        eprint!(
            "Choose the server to use [1-{}], or press Enter to skip: ",
            reports.len()
        );
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).unwrap_or(0) == 0 {
            return Ok(());
        }
        let answer = line.trim();
        if answer.is_empty() {
            ctx.out
                .info("Skipped; choose later with `plex-auth select`.");
            return Ok(());
        }
        match answer.parse::<usize>() {
            Ok(n) if (1..=reports.len()).contains(&n) => {
                match choose(ctx, &plex.identity, token, &reports[n - 1], false, 3.0) {
                    Ok(saved) => {
                        report_choice(ctx, &saved, &reports[n - 1]);
                        return Ok(());
                    }
                    Err(e) => ctx.out.warn(e.message),
                }
            }
            _ => ctx
                .out
                .warn(format!("enter a number from 1 to {}", reports.len())),
        }
    }
}

/// `validate --server`: re-probe the selected server; follow it when its best address moved.
pub fn recheck_selected(
    ctx: &Context,
    plex: &Plex,
    token: &Secret,
    timeout_secs: f64,
) -> Result<Value> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let selected = cfg.server.clone().ok_or_else(|| {
        Error::new(ErrorKind::ServerNotFound, "no server is selected")
            .with_hint("run `plex-auth servers`, then `plex-auth select N`")
    })?;
    let servers = servers::server_list(block_on(plex.client.resources(token))??);
    let res = servers
        .into_iter()
        .find(|r| r.client_identifier == selected.machine_id)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::ServerNotFound,
                format!(
                    "the selected server {} ({}) is no longer on this account",
                    selected.name, selected.machine_id
                ),
            )
            .with_hint("run `plex-auth servers` and select another")
        })?;
    let insecure = selected.insecure.then_some(selected.machine_id.as_str());
    let report = block_on(servers::probe_servers(
        &plex.identity,
        vec![res],
        timeout_secs,
        insecure,
    ))??
    .pop()
    .ok_or_else(|| Error::internal("probe returned no report"))?;
    let best = report.best().ok_or_else(|| {
        Error::new(
            ErrorKind::ServerNotFound,
            format!("none of {}'s connections answered", selected.name),
        )
        .with_hint("check that the server is running and reachable from here")
    })?;
    let changed = best.candidate.uri != selected.url;
    if changed {
        let updated = SelectedServer {
            url: best.candidate.uri.clone(),
            local: best.candidate.local(),
            connections: report
                .probes
                .iter()
                .map(|p| p.candidate.uri.clone())
                .collect(),
            ..selected.clone()
        };
        let saved = updated.clone();
        store::config::update(&ctx.config_dir, move |cfg| {
            cfg.server = Some(updated);
            Ok(())
        })?;
        bazarr_sync::after_select(ctx, &saved)?;
        ctx.out.info(format!(
            "The best address of {} changed from {} to {}; saved.",
            selected.name, selected.url, saved.url
        ));
    }
    Ok(json!({
        "name": selected.name,
        "machine_id": selected.machine_id,
        "url": best.candidate.uri,
        "latency_ms": best.latency_ms,
        "changed": changed,
        "previous_url": changed.then_some(selected.url),
    }))
}
