//! `plex-auth logout`: forget the token here (and in Bazarr); `--revoke` also signs it out at
//! plex.tv. Logging out when not logged in is not an error.

use serde_json::json;

use crate::cli::LogoutArgs;
use crate::commands::{self, bazarr_sync, block_on};
use crate::context::Context;
use crate::error::{ErrorKind, Result};
use crate::plex::PlexError;
use crate::store;

pub fn run(ctx: &Context, args: &LogoutArgs) -> Result<()> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let vault = ctx.vault();
    let token = match vault.load_token(&cfg) {
        Ok(token) => token,
        // A token that does not open cannot be revoked, but it can still be forgotten.
        Err(e) if e.kind == ErrorKind::DecryptFailed => {
            ctx.out.warn(format!("{}; removing it anyway", e.message));
            None
        }
        Err(e) => return Err(e),
    };
    let was_logged_in = token.is_some() || cfg.account.is_some() || cfg.sealed_token.is_some();

    let mut revoked = None;
    if args.revoke {
        if let Some(token) = &token {
            let plex = commands::plex(ctx)?;
            revoked = Some(match block_on(plex.client.signout(token))? {
                Ok(()) => true,
                // Already signed out somewhere else: the goal is reached.
                Err(PlexError::Rejected(_) | PlexError::Expired) => true,
                Err(e) => {
                    ctx.out.warn(format!(
                        "could not sign the token out at plex.tv ({e}); it still works there until you remove plex-auth at https://app.plex.tv/desktop#!/settings/devices/all"
                    ));
                    false
                }
            });
        } else {
            ctx.out
                .info("No token stored, so there is nothing to revoke at plex.tv.");
        }
    }

    store::config::update(&ctx.config_dir, |cfg| {
        vault.delete_token(cfg)?;
        cfg.account = None;
        cfg.server = None;
        Ok(())
    })?;
    let bazarr = bazarr_sync::after_logout(ctx)?;

    if ctx.out.json {
        ctx.out.json_value(&json!({
            "logged_out": was_logged_in,
            "revoked": revoked,
            "bazarr_config": bazarr,
        }));
    } else if was_logged_in {
        let tail = match revoked {
            Some(true) => " and signed out at plex.tv",
            _ => "",
        };
        ctx.out.result(format!(
            "Logged out: the token was removed from this machine{tail}."
        ));
        if let Some(path) = &bazarr {
            ctx.out.info(format!(
                "Cleared the Plex sign-in in Bazarr's {}",
                path.display()
            ));
        }
    } else {
        ctx.out.result("Not logged in; nothing to do.");
    }
    Ok(())
}
