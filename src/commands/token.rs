//! `plex-auth token`: the stored token on stdout for other tools, like `gh auth token`;
//! `--server` prints the selected server's access token instead. Nothing else goes to stdout.

use serde::Serialize;

use crate::cli::TokenArgs;
use crate::commands::{plex, snapshot, stored_token};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

#[derive(Serialize)]
struct TokenView<'a> {
    token: &'a str,
}

pub fn run(ctx: &Context, args: &TokenArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    let token = if args.server {
        server_token(ctx, &cfg, token)?
    } else {
        token
    };
    if ctx.out.json {
        ctx.out.json_value(&TokenView {
            token: token.expose(),
        });
    } else {
        // The token is the output: printed even with --quiet.
        crate::output::write_stdout(format!("{}\n", token.expose()).as_bytes());
    }
    Ok(())
}

/// The selected server's access token from plex.tv's resources; an owned server listed
/// without one takes the account's token.
fn server_token(ctx: &Context, cfg: &crate::store::Config, token: Secret) -> Result<Secret> {
    let selected = cfg.server.as_ref().ok_or_else(|| {
        Error::new(ErrorKind::ServerNotFound, "no server is selected")
            .with_hint("choose one with `plex-auth select NAME`")
    })?;
    let plex = plex(ctx, cfg)?;
    let resources = ctx.block_on(plex.client.resources(&token))?;
    let Some(resource) = resources
        .into_iter()
        .find(|r| r.client_identifier == selected.machine_id)
    else {
        return Err(Error::new(
            ErrorKind::ServerNotFound,
            format!(
                "the selected server {} ({}) is no longer on the account",
                selected.name, selected.machine_id
            ),
        )
        .with_hint("choose another with `plex-auth servers` and `plex-auth select`"));
    };
    match resource.access_token {
        Some(t) if !t.expose().is_empty() => Ok(t),
        _ if resource.owned => Ok(token),
        _ => Err(Error::new(
            ErrorKind::ServerNotFound,
            format!(
                "plex.tv gives no access token for the shared server {}",
                selected.name
            ),
        )),
    }
}
