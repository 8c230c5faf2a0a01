//! `plex-auth select NAME|MACHINE_ID|N`: choose the server to use, after testing it.

use serde::Serialize;

use crate::account;
use crate::bazarr::sync::Synced;
use crate::cli::SelectArgs;
use crate::commands::{
    after_bazarr_write, bazarr_process, bazarr_target, plex, restart_command, snapshot,
    stored_token, warn_bazarr,
};
use crate::context::Context;
use crate::error::Result;
use crate::plex::servers;
use crate::render::SelectedView;

#[derive(Serialize)]
struct SelectView {
    selected: SelectedView,
    #[serde(skip_serializing_if = "Option::is_none")]
    bazarr: Option<BazarrServerView>,
}

/// What happened to Bazarr's server keys.
#[derive(Serialize)]
struct BazarrServerView {
    path: std::path::PathBuf,
    server_written: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

/// A name that only looks like the argument, and a server someone else owns, are said even
/// with `--quiet` or `--json`: the admin must know which server Bazarr is about to trust.
fn say_what_was_named(ctx: &Context, query: &str, resolved: &servers::Resolved) {
    let server = servers::describe(resolved.server, resolved.number);
    if resolved.how == servers::Match::NearName {
        ctx.out.notice(format!(
            "no server is named exactly {query:?}; using {server}, whose name looks the same"
        ));
    } else if !resolved.server.owned {
        ctx.out.notice(format!("{server} is not yours"));
    }
}

pub fn run(ctx: &Context, args: &SelectArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    let account_id = cfg.account.as_ref().map(|a| a.id);
    let process = bazarr_process(ctx, bazarr_target(ctx, &cfg).as_deref());
    let plex = plex(ctx, &cfg)?;
    let list = servers::server_list(ctx.block_on(plex.client.resources(&token))?);
    let resolved = servers::resolve(&list, &args.server)?;
    say_what_was_named(ctx, &args.server, &resolved);
    let chosen = resolved.server.clone();
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
        bazarr: synced.as_ref().map(|s| BazarrServerView {
            path: s.path().to_path_buf(),
            server_written: s.updated().is_some(),
            reason: match s {
                Synced::NotOwned(_) => Some("not-owned"),
                Synced::PreOauth(_) => Some("pre-oauth"),
                Synced::Updated { .. } => None,
            },
        }),
    };
    if ctx.out.json {
        ctx.out.json_value(&view);
    } else {
        view.selected.render(&ctx.out);
    }
    let rerun = format!(
        "select {}",
        crate::store::fsutil::shell_quote(std::path::Path::new(&server.machine_id))
    );
    after_bazarr_write(
        ctx,
        process.as_ref(),
        synced.as_ref().and_then(|s| s.updated()),
        args.restart_bazarr,
        &restart_command(ctx, &rerun),
    )
}
