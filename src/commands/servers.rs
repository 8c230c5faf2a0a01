//! `plex-auth servers`: the account's servers, every connection probed at once.

use serde::Serialize;

use crate::cli::ServersArgs;
use crate::commands::{plex, remember_servers, snapshot, stored_token};
use crate::context::Context;
use crate::error::Result;
use crate::plex::servers::fetch_and_probe;
use crate::render::{ServerView, server_table, server_views};

#[derive(Serialize)]
struct ServersView {
    servers: Vec<ServerView>,
}

pub fn run(ctx: &Context, args: &ServersArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    let plex = plex(ctx, &cfg)?;
    let insecure_id = cfg
        .server
        .as_ref()
        .filter(|s| s.insecure)
        .map(|s| s.machine_id.as_str());
    let spinner = ctx
        .out
        .spinner("Asking plex.tv for your servers and probing them…");
    let reports = ctx.block_on(fetch_and_probe(
        &plex,
        &token,
        insecure_id,
        ctx.probe_timing(args.probe.timeout),
    ));
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let reports = reports?;
    remember_servers(ctx, reports.iter().map(|r| &r.resource));
    let starved: usize = reports.iter().map(|r| r.out_of_files()).sum();
    if starved > 0 {
        ctx.out.warn(format!(
            "{starved} connection probes found no free file descriptor, so their servers may be up though shown unreachable; raise the open-file limit (`ulimit -n`) and run again"
        ));
    }
    let selected = cfg.server.as_ref().map(|s| s.machine_id.as_str());
    let view = ServersView {
        servers: server_views(&reports, selected),
    };
    if ctx.out.json {
        ctx.out.json_value(&view);
    } else if view.servers.is_empty() {
        ctx.out.result("No Plex Media Servers on this account.");
    } else {
        ctx.out.result(server_table(&ctx.out, &view.servers));
        if selected.is_none() {
            ctx.out
                .info("Choose one with `plex-auth select N` (the number in the first column).");
        }
    }
    Ok(())
}
