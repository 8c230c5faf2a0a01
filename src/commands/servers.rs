//! `plex-auth servers`: the account's servers, every connection probed at once.

use serde_json::{Value, json};

use crate::cli::ServersArgs;
use crate::commands::{self, Plex, block_on};
use crate::context::Context;
use crate::error::Result;
use crate::output::Output;
use crate::plex::Identity;
use crate::plex::client::http_client;
use crate::plex::probe::{self, ServerReport};
use crate::plex::types::Resource;
use crate::secret::Secret;
use crate::store::{self, Config};

pub fn run(ctx: &Context, args: &ServersArgs) -> Result<()> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let token = commands::stored_token(ctx, &cfg)?;
    let plex = commands::plex(ctx)?;
    let spinner = ctx
        .out
        .spinner("Asking plex.tv for your servers and probing them…");
    let reports = block_on(fetch_and_probe(&plex, &token, &cfg, args.timeout))?;
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let reports = reports?;
    let selected = cfg.server.as_ref().map(|s| s.machine_id.as_str());
    if ctx.out.json {
        ctx.out
            .json_value(&json!({ "servers": reports_json(&reports, selected) }));
    } else if reports.is_empty() {
        ctx.out.result("No Plex Media Servers on this account.");
    } else {
        ctx.out.result(table(&ctx.out, &reports, selected));
        if selected.is_none() {
            ctx.out
                .info("Choose one with `plex-auth select N` (the number in the first column).");
        }
    }
    Ok(())
}

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

pub async fn fetch_and_probe(
    plex: &Plex,
    token: &Secret,
    cfg: &Config,
    timeout_secs: f64,
) -> Result<Vec<ServerReport>> {
    let servers = server_list(plex.client.resources(token).await?);
    let insecure_id = cfg
        .server
        .as_ref()
        .filter(|s| s.insecure)
        .map(|s| s.machine_id.clone());
    probe_servers(
        &plex.identity,
        servers,
        timeout_secs,
        insecure_id.as_deref(),
    )
    .await
}

/// Probe the given servers at once; `insecure_id` names the one server whose certificate
/// the admin chose not to verify.
pub async fn probe_servers(
    identity: &Identity,
    servers: Vec<Resource>,
    timeout_secs: f64,
    insecure_id: Option<&str>,
) -> Result<Vec<ServerReport>> {
    let timeout = probe::probe_timeout(timeout_secs);
    let secure = http_client(identity, timeout, false)?;
    let insecure = match insecure_id {
        Some(_) => Some(http_client(identity, timeout, true)?),
        None => None,
    };
    Ok(
        probe::probe_all(servers, |res| match (&insecure, insecure_id) {
            (Some(c), Some(id)) if id == res.client_identifier => c.clone(),
            _ => secure.clone(),
        })
        .await,
    )
}

fn owner(res: &Resource) -> String {
    if res.owned {
        "you".into()
    } else {
        res.source_title.clone().unwrap_or_else(|| "shared".into())
    }
}

pub fn reports_json(reports: &[ServerReport], selected: Option<&str>) -> Vec<Value> {
    reports
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "number": i + 1,
                "name": r.resource.name,
                "machine_id": r.resource.client_identifier,
                "owned": r.resource.owned,
                "owner": owner(&r.resource),
                "online": r.resource.presence,
                "selected": selected == Some(r.resource.client_identifier.as_str()),
                "best_connection": r.best().map(|b| json!({
                    "uri": b.candidate.uri,
                    "local": b.candidate.local(),
                    "relay": b.candidate.relay(),
                    "latency_ms": b.latency_ms,
                })),
                "connections": r.probes.iter().map(|p| json!({
                    "uri": p.candidate.uri,
                    "local": p.candidate.local(),
                    "relay": p.candidate.relay(),
                    "reachable": p.reachable,
                    "latency_ms": p.latency_ms,
                    "error": p.error,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

pub fn table(out: &Output, reports: &[ServerReport], selected: Option<&str>) -> String {
    let mut rows = vec![[
        "#".to_string(),
        "NAME".into(),
        "OWNER".into(),
        "ONLINE".into(),
        "BEST CONNECTION".into(),
        "LATENCY".into(),
        "ANSWERED".into(),
    ]];
    for (i, r) in reports.iter().enumerate() {
        let mark = if selected == Some(r.resource.client_identifier.as_str()) {
            "*"
        } else {
            ""
        };
        let best = r.best();
        rows.push([
            format!("{}{mark}", i + 1),
            r.resource.name.clone(),
            owner(&r.resource),
            if r.resource.presence { "yes" } else { "no" }.into(),
            best.map_or("-".into(), |b| b.candidate.uri.clone()),
            best.and_then(|b| b.latency_ms)
                .map_or("-".into(), |ms| format!("{ms} ms")),
            format!("{}/{}", r.reachable_count(), r.probes.len()),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut lines = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        let line = cells.join("  ").trim_end().to_string();
        lines.push(if ri == 0 { out.bold(&line) } else { line });
        if ri > 0 && out.verbose > 0 {
            for p in &reports[ri - 1].probes {
                let place = format!("{:?}", p.candidate.place).to_lowercase();
                let state = match (p.reachable, p.latency_ms, &p.error) {
                    (true, Some(ms), _) => format!("{ms} ms"),
                    (_, _, Some(e)) => e.clone(),
                    _ => "-".into(),
                };
                lines.push(format!("      {place:<7}{}  {state}", p.candidate.uri));
            }
        }
    }
    if selected.is_some() {
        lines.push("(* = selected)".into());
    }
    lines.join("\n")
}
