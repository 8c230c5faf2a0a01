//! `plex-auth validate`: ask plex.tv whether the stored token is still good. Made for cron:
//! exit 0, 4 (rejected) or 5 (unreachable, retry later), silent on success with `--quiet`.

use serde_json::json;

use crate::cli::ValidateArgs;
use crate::commands::{self, block_on, select};
use crate::context::Context;
use crate::error::Result;
use crate::plex::PlexError;
use crate::store;

pub fn run(ctx: &Context, args: &ValidateArgs) -> Result<()> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let token = commands::stored_token(ctx, &cfg)?;
    let plex = commands::plex(ctx)?;

    let answer = block_on(plex.client.user(&token))?;
    let verdict = match &answer {
        Ok(_) => "ok",
        Err(PlexError::Rejected(_) | PlexError::Expired) => "rejected",
        Err(_) => "unreachable",
    };
    // The verdict is recorded either way; the token itself is never touched here.
    commands::record_validation(ctx, verdict, answer.as_ref().ok())?;
    let user = answer?;

    let server = if args.server {
        Some(select::recheck_selected(ctx, &plex, &token, args.timeout)?)
    } else {
        None
    };

    if ctx.out.json {
        ctx.out.json_value(&json!({
            "valid": true,
            "account": crate::commands::login::account_json(&user),
            "server": server,
        }));
    } else {
        ctx.out.result(format!(
            "The token is valid: logged in as {} ({}).",
            user.username, user.email
        ));
        if let Some(s) = &server {
            let ms = s["latency_ms"]
                .as_u64()
                .map(|m| format!(" ({m} ms)"))
                .unwrap_or_default();
            ctx.out.result(format!(
                "{} answers at {}{ms}.",
                s["name"].as_str().unwrap_or_default(),
                s["url"].as_str().unwrap_or_default()
            ));
        }
    }
    Ok(())
}
