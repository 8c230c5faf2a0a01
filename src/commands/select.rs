//! `plex-auth select NAME|MACHINE_ID|N`: choose the server to use, after testing it.

use serde::Serialize;

use crate::bazarr::sync::Synced;
use crate::cli::SelectArgs;
use crate::commands::{
    plex, remember_servers, restart_command, snapshot, stored_token, warn_bazarr,
};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::target::bazarr::Bazarr;
use crate::ops::target::{DynTarget, Target};
use crate::plex::Plex;
use crate::plex::probe::ServerReport;
use crate::plex::servers;
use crate::plex::types::Resource;
use crate::render::SelectedView;
use crate::store::{Config, SelectedServer};

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
        ctx.out.essential(format!(
            "note: no server is named exactly {query:?}; using {server}, whose name looks the same"
        ));
    } else if !resolved.server.owned {
        ctx.out.essential(format!("note: {server} is not yours"));
    }
}

pub fn run(ctx: &Context, args: &SelectArgs) -> Result<()> {
    if args.server.is_none() && args.insecure {
        return Err(Error::new(
            ErrorKind::Usage,
            "--insecure needs the server it is for: name it (plex-auth select NAME --insecure)",
        ));
    }
    if args.server.is_none() && !ctx.can_prompt() {
        return Err(Error::new(
            ErrorKind::Usage,
            "select needs the server to choose: its name, machine id or list number",
        )
        .with_hint("`plex-auth servers` lists them; on a terminal, `plex-auth select` alone offers a picker"));
    }
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    let account_id = cfg.account.as_ref().map(|a| a.id);
    let mut bazarr = Bazarr::kept_in_step(ctx, &cfg)?;
    if let Some(b) = bazarr.as_mut() {
        b.observe(ctx);
    }
    let plex = plex(ctx, &cfg)?;
    let list = servers::server_list(ctx.block_on(plex.client.resources(&token))?);
    remember_servers(ctx, &list);
    let Some(report) = named_or_picked(ctx, &plex, list, &cfg, args)? else {
        ctx.out.info("Nothing chosen; the server stays as it was.");
        return Ok(());
    };
    let server = ctx.block_on(servers::verify_access(
        &plex.identity,
        &token,
        &report,
        args.insecure,
        args.probe.timeout,
    ))?;
    let target = bazarr.as_mut().map(|b| b as &mut DynTarget);
    let synced = crate::ops::server::choose_server(ctx, account_id, &server, target)?;
    warn_bazarr(ctx, synced.as_ref());
    show(ctx, &server, &report, synced.as_ref());
    let apps = super::apps::point_at(ctx, &server, &cfg.apps);
    let rerun = format!(
        "{} {}",
        crate::cli::names::SELECT,
        crate::fs::shell_quote(std::path::Path::new(&server.machine_id))
    );
    if let Some(b) = &bazarr {
        b.settle(ctx, args.restart.bazarr, &restart_command(ctx, &rerun))?;
    }
    apps
}

/// The server the argument names, probed; or, with no argument, the one picked from every
/// server probed. `None` when nothing was picked.
fn named_or_picked(
    ctx: &Context,
    plex: &Plex,
    list: Vec<crate::plex::types::Resource>,
    cfg: &crate::store::Config,
    args: &SelectArgs,
) -> Result<Option<ServerReport>> {
    let Some(arg) = &args.server else {
        return pick(ctx, plex, list, cfg, args);
    };
    let resolved = servers::resolve(&list, arg)?;
    say_what_was_named(ctx, arg, &resolved);
    let chosen = resolved.server.clone();
    // From here on the log's events are about the server being chosen.
    crate::events::set_subject(None, Some(&chosen.name));
    let insecure = args.insecure.then_some(chosen.client_identifier.as_str());
    Ok(Some(ctx.block_on(servers::probe_one(
        &plex.identity,
        chosen.clone(),
        ctx.probe_timing(args.probe.timeout),
        insecure,
    ))?))
}

/// What was selected, and what became of Bazarr's server keys.
fn show(ctx: &Context, server: &SelectedServer, report: &ServerReport, synced: Option<&Synced>) {
    let view = SelectView {
        selected: SelectedView::new(server, report),
        bazarr: synced.map(|s| BazarrServerView {
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
}

/// `select` with no argument, on a terminal: every server probed, the table, a number.
fn pick(
    ctx: &Context,
    plex: &Plex,
    list: Vec<Resource>,
    cfg: &Config,
    args: &SelectArgs,
) -> Result<Option<ServerReport>> {
    let spinner = ctx.out.spinner("Probing your Plex servers…");
    // As `servers` lists them: the server chosen with --insecure before stays insecure.
    let insecure = cfg
        .server
        .as_ref()
        .filter(|s| s.insecure)
        .map(|s| s.machine_id.as_str());
    let found = ctx.block_on(servers::probe_servers(
        &plex.identity,
        list,
        ctx.probe_timing(args.probe.timeout),
        insecure,
        None,
    ));
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let mut reports = found?;
    if reports.is_empty() {
        return Err(Error::new(
            ErrorKind::ServerNotFound,
            "there are no Plex Media Servers on this account",
        ));
    }
    let selected = cfg.server.as_ref().map(|s| s.machine_id.as_str());
    crate::picker::show(ctx, &reports, selected);
    let Some(index) = crate::picker::ask(ctx, reports.len(), "cancel")? else {
        return Ok(None);
    };
    let report = reports.swap_remove(index);
    crate::events::set_subject(None, Some(&report.resource.name));
    Ok(Some(report))
}
