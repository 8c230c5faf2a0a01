//! Logging out: the token, the account and the server forgotten here, and the target's
//! sign-in cleared the way the app's own logout clears it.

use std::path::PathBuf;

use super::put_back;
use super::target::{DynTarget, LinkChange, Written};
use crate::bazarr::sync::{self, Synced};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::config::Transaction;

pub struct LoggedOut {
    pub was_logged_in: bool,
    pub bazarr: Option<Synced>,
    /// The keys changed in Bazarr's file (`plex.token`, `general.use_plex`…), never values.
    pub bazarr_changed: Vec<String>,
    /// `plex.apikey` was left in place: a pre-OAuth Bazarr still runs on it.
    pub apikey_kept: bool,
    /// The backup beside Bazarr's file, removed because it held the token.
    pub removed_backup: Option<PathBuf>,
}

/// The target is written first: if it refuses, nothing here is changed and the error says
/// so. Then the token goes, then config.toml is saved; a save that fails puts the target's
/// copy back (unless the keyring entry is already gone, and then says what to run).
pub fn logout(
    ctx: &Context,
    clear_apikey: bool,
    mut target: Option<&mut DynTarget>,
) -> Result<LoggedOut> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    let was_logged_in = txn.cfg.account.is_some() || txn.cfg.sealed_token.is_some();
    let written = match target.as_deref_mut() {
        Some(t) => Some(
            t.write(ctx, LinkChange::Logout { clear_apikey })
                .map_err(|e| {
                    e.context("Bazarr's file could not be updated, so nothing was logged out")
                })?,
        ),
        None => None,
    };
    if let Some(t) = target.as_deref() {
        t.remember(ctx, &mut txn.cfg);
    }
    if let Err(e) = ctx.vault().delete_token(&mut txn.cfg) {
        return Err(put_back(e.into(), "nothing was logged out", target));
    }
    let in_keyring = txn.cfg.store == Some(crate::store::Backend::Keyring);
    txn.cfg.account = None;
    txn.cfg.server = None;
    if let Err(e) = txn.commit() {
        if in_keyring {
            return Err(keyring_gone(e.into(), target.as_deref()));
        }
        return Err(put_back(e.into(), "nothing was logged out", target));
    }
    let removed_backup = match written.as_ref().and_then(|w| w.synced.updated()) {
        Some(path) => sync::remove_token_backup(path)
            .map_err(|e| Error::from(e).context("logged out, but"))?,
        None => None,
    };
    forget_validation(ctx);
    Ok(logged_out(was_logged_in, written, removed_backup))
}

/// The keyring entry is gone already, so there is no token to give back to the target; a
/// second logout, with config.toml writable again, finishes the job.
fn keyring_gone(e: Error, target: Option<&DynTarget>) -> Error {
    let bazarr = match target {
        Some(t) => format!(" and Bazarr's sign-in in {} cleared", t.path().display()),
        None => String::new(),
    };
    e.context(format!(
        "the token was removed from the OS keyring{bazarr}, but the logout was not recorded here"
    ))
    .with_hint("run `plex-auth logout` again once config.toml can be written")
}

/// The last validation was of the account that is gone.
fn forget_validation(ctx: &Context) {
    if let Some(dir) = &ctx.state_dir
        && let Err(why) = crate::store::state::forget_validation(dir)
    {
        ctx.out
            .detail(format!("the last validation was not forgotten: {why}"));
    }
}

fn logged_out(
    was_logged_in: bool,
    written: Option<Written>,
    removed_backup: Option<PathBuf>,
) -> LoggedOut {
    let (bazarr, bazarr_changed, apikey_kept) = match written {
        Some(w) => (Some(w.synced), w.changed_keys, w.apikey_kept),
        None => (None, Vec::new(), false),
    };
    LoggedOut {
        was_logged_in,
        bazarr,
        bazarr_changed,
        apikey_kept,
        removed_backup,
    }
}
