//! Linking an account: a new link (PIN, a token, Bazarr's own), a link confirmed again, and
//! Bazarr's legacy apikey imported.

use super::target::{DynTarget, LinkChange, Target};
use crate::bazarr::sync::Synced;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::plex::types::User;
use crate::secret::Secret;
use crate::store::config::Transaction;
use crate::store::state::Verdict;
use crate::store::{Account, AuthMethod, Backend, SelectedServer};

fn account_of(user: &User, method: AuthMethod) -> Account {
    Account {
        username: user.username.clone(),
        email: user.email.clone(),
        id: user.id,
        uuid: user.uuid.clone(),
        auth_method: method,
        linked_at: crate::time::now(),
        validated_at: None,
        last_result: None,
    }
}

/// Keep `verdict` as the last validation of account `account_id`, in the state folder (not
/// config.toml: see `store::state`). The error says why it was not kept.
pub fn stamp_validation(
    ctx: &Context,
    account_id: u64,
    verdict: Verdict,
) -> std::result::Result<(), String> {
    let dir = ctx.state_dir.as_deref().ok_or_else(|| {
        "no state folder is known (pass --state-dir or set PLEX_AUTH_STATE_DIR)".to_owned()
    })?;
    crate::store::state::record_validation(dir, account_id, verdict)
}

/// A login just had plex.tv accept the token: that is a validation too. Not kept is said
/// under -v only; the login itself went through.
fn stamp_login(ctx: &Context, account_id: u64) {
    if let Err(why) = stamp_validation(ctx, account_id, Verdict::Ok) {
        ctx.out
            .detail(format!("the login was not kept as a validation: {why}"));
    }
}

/// What a new link did.
pub struct Linked {
    pub backend: Backend,
    pub bazarr: Option<Synced>,
    /// A server is still chosen (the same account linked again keeps its server).
    pub has_server: bool,
}

/// Seal and store the token, record the account, and write the target's sign-in keys. The
/// store is committed first: if the target then cannot be written, the error says the
/// account is linked here and only the app's copy is missing (running the command again
/// fixes it).
pub fn link(
    ctx: &Context,
    token: &Secret,
    user: &User,
    method: AuthMethod,
    target: Option<&mut DynTarget>,
) -> Result<Linked> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    let mut notice = |m: &str| ctx.out.notice(m);
    let backend = ctx.vault().save_token(&mut txn.cfg, token, &mut notice)?;
    // A server chosen under another account may not be reachable with this one.
    if txn.cfg.account.as_ref().is_some_and(|a| a.id != user.id) {
        txn.cfg.server = None;
    }
    txn.cfg.account = Some(account_of(user, method));
    txn.commit()?;
    crate::events::set_subject(Some(&user.username), None);
    crate::events::emit("linked", "ok", None, None);
    let mut synced = None;
    if let Some(target) = target {
        // Adopting Bazarr's own link leaves its sign-in keys as Bazarr wrote them.
        let change = match method {
            AuthMethod::Bazarr => LinkChange::Adopt { user },
            _ => LinkChange::Login { token, user },
        };
        synced = Some(
            target
                .write(ctx, change)
                .map_err(|e| linked_but(e, user))?
                .synced,
        );
        // Remembers a target used for the first time, now that it has been written.
        target.remember(ctx, &mut txn.cfg);
        txn.commit()?;
    }
    stamp_login(ctx, user.id);
    Ok(Linked {
        backend,
        bazarr: synced,
        has_server: txn.cfg.server.is_some(),
    })
}

fn linked_but(e: Error, user: &User) -> Error {
    e.context(format!(
        "linked {} here and stored the token, but Bazarr's file was not updated",
        user.username
    ))
}

/// A stored token plex.tv still accepts: record that, and make sure the target holds it too
/// (a no-op when it already does; install scripts rerun login).
pub fn confirm(
    ctx: &Context,
    token: &Secret,
    user: &User,
    target: Option<&mut DynTarget>,
) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    // The account's current name and email, as plex.tv just gave them.
    if let Some(account) = txn.cfg.account.as_mut() {
        account.username = user.username.clone();
        account.email = user.email.clone();
    }
    let mut synced = None;
    if let Some(target) = target {
        synced = Some(target.write(ctx, LinkChange::Login { token, user })?.synced);
        target.remember(ctx, &mut txn.cfg);
    }
    txn.commit()?;
    stamp_login(ctx, user.id);
    Ok(synced)
}

/// `migrate-apikey`: import the key as plex-auth's token (unless that exact token and
/// account are already stored, so a second run changes nothing), remember the server and
/// Bazarr's file, and write Bazarr's migrated file (when `write` is set: the command changed
/// it in memory). Bazarr's file is written first: when it refuses, nothing is imported.
/// `true` when Bazarr's file was replaced.
pub fn import(
    ctx: &Context,
    token: &Secret,
    user: &User,
    server: Option<&SelectedServer>,
    bazarr: &mut super::target::bazarr::Bazarr,
    write: bool,
) -> Result<bool> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    let written = write && bazarr.write_prepared()?;
    let same = txn.cfg.account.as_ref().is_some_and(|a| a.id == user.id)
        && matches!(ctx.vault().load_token(&txn.cfg), Ok(Some(t)) if &t == token);
    if !same {
        let mut notice = |m: &str| ctx.out.notice(m);
        ctx.vault().save_token(&mut txn.cfg, token, &mut notice)?;
        if txn.cfg.account.as_ref().is_some_and(|a| a.id != user.id) {
            txn.cfg.server = None;
        }
        txn.cfg.account = Some(account_of(user, AuthMethod::Token));
    }
    if let Some(server) = server {
        // Only a different server or address is news; `selected_at` alone is not.
        let unchanged = txn
            .cfg
            .server
            .as_ref()
            .is_some_and(|s| s.machine_id == server.machine_id && s.url == server.url);
        if !unchanged {
            txn.cfg.server = Some(server.clone());
        }
    }
    bazarr.remember(ctx, &mut txn.cfg);
    txn.commit()?;
    if !same {
        stamp_login(ctx, user.id);
    }
    Ok(written)
}
