//! `plex-auth logout`: forget the token here (and in Bazarr); `--revoke` also signs it out at
//! plex.tv. Logging out when not logged in is not an error.

use std::path::PathBuf;

use serde::Serialize;

use crate::cli::LogoutArgs;
use crate::commands::{plex, restart_command, snapshot, warn_bazarr};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::ops::target::bazarr::Bazarr;
use crate::ops::target::{DynTarget, Target};
use crate::plex::PlexError;

#[derive(Serialize)]
struct LogoutView {
    logged_out: bool,
    revoked: Option<bool>,
    bazarr_config: Option<PathBuf>,
    /// The keys changed in Bazarr's file, never their values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    bazarr_changed: Vec<String>,
    /// `plex.apikey` was kept for a pre-OAuth Bazarr (`--clear-apikey` clears it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    bazarr_apikey_kept: bool,
}

pub fn run(ctx: &Context, args: &LogoutArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let mut bazarr = Bazarr::kept_in_step(ctx, &cfg)
        .map_err(|e| e.context("Bazarr's file could not be updated, so nothing was logged out"))?;
    if let Some(b) = bazarr.as_mut() {
        b.observe(ctx);
    }
    let token = match ctx.vault().load_token(&cfg) {
        Ok(token) => token,
        // A token that does not open cannot be revoked, but it can still be forgotten.
        Err(e) if e.is_decrypt_failure() => {
            ctx.out.warn(format!("{e}; removing it anyway"));
            None
        }
        Err(e) => return Err(e.into()),
    };

    let revoked = revoke(ctx, args, &cfg, token.as_ref())?;

    // A revoked token is dead for the old Bazarr too: nothing is kept working by keeping it.
    let clear_apikey = args.clear_apikey || revoked == Some(true);
    let target = bazarr.as_mut().map(|b| b as &mut DynTarget);
    let done = crate::ops::logout::logout(ctx, clear_apikey, target)?;
    let was_logged_in = token.is_some() || done.was_logged_in;
    warn_bazarr(ctx, done.bazarr.as_ref());
    let view = LogoutView {
        logged_out: was_logged_in,
        revoked,
        bazarr_config: done
            .bazarr
            .as_ref()
            .and_then(|s| s.updated())
            .map(PathBuf::from),
        bazarr_changed: done.bazarr_changed.clone(),
        bazarr_apikey_kept: done.apikey_kept,
    };
    say(ctx, &view, revoked, done.removed_backup.as_deref());
    let apps = super::apps::after_logout(ctx, &cfg.apps, args.apps);
    if let Some(b) = &bazarr {
        b.settle(
            ctx,
            args.restart.bazarr,
            &restart_command(ctx, crate::cli::names::LOGOUT),
        )?;
    }
    apps
}

/// `--revoke`: sign the token out at plex.tv first. `None` without `--revoke`.
fn revoke(
    ctx: &Context,
    args: &LogoutArgs,
    cfg: &crate::store::Config,
    token: Option<&crate::secret::Secret>,
) -> Result<Option<bool>> {
    if !args.revoke {
        return Ok(None);
    }
    let Some(token) = token else {
        ctx.out
            .info("No token stored, so there is nothing to revoke at plex.tv.");
        return Ok(None);
    };
    let plex = plex(ctx, cfg)?;
    match ctx.block_on(plex.client.signout(token)) {
        Ok(()) => Ok(Some(true)),
        // Already signed out somewhere else: the goal is reached.
        Err(PlexError::Rejected(_) | PlexError::Expired) => Ok(Some(true)),
        // An explicit --revoke that did not happen keeps the token, so that it can be
        // retried: forgetting it here would leave it working at plex.tv for good.
        Err(e) => Err(revoke_failed(e)),
    }
}

/// What was logged out, and what changed in Bazarr's file.
fn say(
    ctx: &Context,
    view: &LogoutView,
    revoked: Option<bool>,
    removed_backup: Option<&std::path::Path>,
) {
    let was_logged_in = view.logged_out;
    if ctx.out.json {
        ctx.out.json_value(view);
    } else if was_logged_in {
        let tail = match revoked {
            Some(true) => " and signed out at plex.tv",
            _ => "",
        };
        ctx.out.result(format!(
            "Logged out: the token was removed from this machine{tail}."
        ));
        bazarr_lines(ctx, view);
        if let Some(backup) = removed_backup {
            ctx.out.info(format!(
                "Removed {}, which held the token.",
                backup.display()
            ));
        }
    } else {
        ctx.out.result("Not logged in; nothing to do.");
        bazarr_lines(ctx, view);
    }
}

/// What logout changed in Bazarr's file (keys, not values), and the apikey it kept.
fn bazarr_lines(ctx: &Context, view: &LogoutView) {
    let Some(path) = &view.bazarr_config else {
        return;
    };
    if !view.bazarr_changed.is_empty() {
        ctx.out.info(format!(
            "Cleared the Plex sign-in in Bazarr's {}: changed {}.",
            path.display(),
            view.bazarr_changed.join(", ")
        ));
    }
    if view.bazarr_apikey_kept {
        ctx.out.warn(format!(
            "kept plex.apikey in {}: a Bazarr 1.5.2 or older still signs in to Plex with it; \
             `plex-auth logout --clear-apikey` clears it too (that Bazarr then stops using Plex)",
            path.display()
        ));
    }
}

fn revoke_failed(e: PlexError) -> Error {
    let kind = Error::from(e);
    Error::new(
        kind.kind,
        format!(
            "could not sign the token out at plex.tv ({}); nothing was changed: the token is \
             still stored here and still works at plex.tv",
            kind.message
        ),
    )
    .with_hint(
        "run `plex-auth logout --revoke` again once plex.tv answers; or `plex-auth logout` to \
         forget it here only, then remove plex-auth at \
         https://app.plex.tv/desktop#!/settings/devices/all",
    )
}
