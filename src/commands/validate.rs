//! `plex-auth validate`: ask plex.tv whether the stored token is still good. Made for cron:
//! exit 0, 4 (rejected) or 5 (unreachable, retry later), silent on success with `--quiet`.

use serde::Serialize;

use crate::account;
use crate::cli::ValidateArgs;
use crate::commands::{
    after_bazarr_write, bazarr_process, bazarr_target, plex, restart_command, snapshot,
    stored_token, warn_bazarr,
};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::output::safe;
use crate::plex::PlexError;
use crate::plex::servers;
use crate::render::AccountView;

#[derive(Serialize)]
struct ValidateView {
    valid: bool,
    account: AccountView,
    server: Option<ServerCheckView>,
}

#[derive(Serialize)]
struct ServerCheckView {
    name: String,
    machine_id: String,
    url: String,
    latency_ms: Option<u64>,
    changed: bool,
    previous_url: Option<String>,
}

pub fn run(ctx: &Context, args: &ValidateArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    let target = bazarr_target(ctx, &cfg);
    // Only `--server` can write Bazarr's file.
    let process = args
        .server
        .then(|| bazarr_process(ctx, target.as_deref()))
        .flatten();
    let plex = plex(ctx, &cfg)?;

    let user = match ctx.block_on(plex.client.user(&token)) {
        Ok(user) => user,
        Err(e) => {
            // The verdict is recorded either way; the token itself is never touched here.
            let verdict = match e {
                PlexError::Rejected(_) | PlexError::Expired => "rejected",
                _ => "unreachable",
            };
            account::validated(ctx, verdict, None, None)?;
            return Err(e.into());
        }
    };

    let mut server = None;
    let mut moved = None;
    if args.server {
        let check = match &cfg.server {
            Some(selected) => ctx
                .block_on(servers::recheck(&plex, &token, selected, args.timeout))
                .map(|c| (selected, c)),
            None => Err(
                Error::new(ErrorKind::ServerNotFound, "no server is selected")
                    .with_hint("run `plex-auth servers`, then `plex-auth select N`"),
            ),
        };
        let (selected, check) = match check {
            Ok(ok) => ok,
            Err(e) => {
                account::validated(ctx, "ok", Some(&user), None)?;
                return Err(e);
            }
        };
        server = Some(ServerCheckView {
            name: selected.name.clone(),
            machine_id: selected.machine_id.clone(),
            url: check.url.clone(),
            latency_ms: check.latency_ms,
            changed: check.moved.is_some(),
            previous_url: check.moved.is_some().then(|| selected.url.clone()),
        });
        moved = check.moved;
    }
    let synced = account::validated(ctx, "ok", Some(&user), moved.as_ref())?;
    warn_bazarr(ctx, synced.as_ref());
    if let (Some(s), Some(previous)) = (
        &server,
        server.as_ref().and_then(|s| s.previous_url.as_ref()),
    ) {
        ctx.out.info(format!(
            "The best address of {} changed from {previous} to {}; saved.",
            s.name, s.url
        ));
    }

    let view = ValidateView {
        valid: true,
        account: AccountView::from(&user),
        server,
    };
    if ctx.out.json {
        ctx.out.json_value(&view);
    } else {
        ctx.out.result(format!(
            "The token is valid: logged in as {} ({}).",
            safe(&user.username),
            safe(&user.email)
        ));
        if let Some(s) = &view.server {
            let ms = s
                .latency_ms
                .map(|m| format!(" ({m} ms)"))
                .unwrap_or_default();
            ctx.out.result(format!(
                "{} answers at {}{ms}.",
                safe(&s.name),
                safe(&s.url)
            ));
        }
    }
    // With --restart-bazarr, a Bazarr still running on older settings is restarted even when
    // nothing moved this time (the command the warning of an earlier run named).
    let written = synced
        .as_ref()
        .and_then(|s| s.updated())
        .map(|p| p.to_path_buf());
    let path = match written {
        Some(p) => Some(p),
        None if args.server && args.restart_bazarr => target,
        None => None,
    };
    after_bazarr_write(
        ctx,
        process.as_ref(),
        path.as_deref(),
        args.restart_bazarr,
        &restart_command(ctx, "validate --server"),
    )
}
