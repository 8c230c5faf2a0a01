//! `plex-auth select NAME|MACHINE_ID|N`: choose the server to use, after testing it.

use serde::Serialize;

use crate::account;
use crate::cli::SelectArgs;
use crate::commands::{plex, snapshot, stored_token, warn_bazarr};
use crate::context::Context;
use crate::error::Result;
use crate::plex::servers;
use crate::render::SelectedView;

#[derive(Serialize)]
struct SelectView {
    selected: SelectedView,
}

pub fn run(ctx: &Context, args: &SelectArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    let account_id = cfg.account.as_ref().map(|a| a.id);
    let plex = plex(ctx, &cfg)?;
    let list = servers::server_list(ctx.block_on(plex.client.resources(&token))?);
    let chosen = servers::resolve(&list, &args.server)?.clone();
    let insecure = args.insecure.then_some(chosen.client_identifier.as_str());
    let report = ctx.block_on(servers::probe_one(
        &plex.identity,
        chosen.clone(),
        ctx.probe_timing(args.timeout),
        insecure,
    ))?;
    let server = ctx.block_on(servers::verify_access(
        &plex.identity,
        &token,
        &report,
        args.insecure,
        args.timeout,
    ))?;
    let synced = account::choose_server(ctx, account_id, &server)?;
    warn_bazarr(ctx, synced.as_ref());
    let view = SelectView {
        selected: SelectedView::new(&server, &report),
    };
    if ctx.out.json {
        ctx.out.json_value(&view);
    } else {
        view.selected.render(&ctx.out);
    }
    Ok(())
}
