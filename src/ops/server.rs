//! The chosen server: `select` (and the picker after a login), and `validate --server`
//! saving an address that moved or repairing the one Bazarr keeps.

use super::put_back;
use super::target::bazarr::Bazarr;
use super::target::{DynTarget, LinkChange, Target};
use crate::bazarr::sync::Synced;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::store::config::Transaction;
use crate::store::{Config, SelectedServer};

/// The selection a re-check saw is still the one stored (no select or logout in between).
fn still_selected(cfg: &Config, server: &SelectedServer) -> bool {
    cfg.server
        .as_ref()
        .is_some_and(|s| s.machine_id == server.machine_id)
}

/// `select` and the picker: remember the server and write the target's server keys.
/// Refused when the account changed or logged out since the command started.
pub fn choose_server(
    ctx: &Context,
    account_id: Option<u64>,
    server: &SelectedServer,
    mut target: Option<&mut DynTarget>,
) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    if txn.cfg.account.as_ref().map(|a| a.id) != account_id || txn.cfg.key_id.is_none() {
        return Err(Error::new(
            ErrorKind::NotLoggedIn,
            "the account was logged out or changed while the server was being tested; nothing was saved",
        )
        .with_hint("run `plex-auth login`, then select again"));
    }
    // The target first: if it refuses the write, nothing changes here either; if the
    // selection then cannot be saved here, the target's copy is put back.
    let synced = write_server(ctx, &mut txn.cfg, target.as_deref_mut(), server)?;
    txn.cfg.server = Some(server.clone());
    txn.commit().map_err(|e| {
        put_back(
            e.into(),
            &format!("{} was not selected", server.name),
            target,
        )
    })?;
    Ok(synced)
}

fn write_server(
    ctx: &Context,
    cfg: &mut Config,
    target: Option<&mut DynTarget>,
    server: &SelectedServer,
) -> Result<Option<Synced>> {
    let Some(target) = target else {
        return Ok(None);
    };
    let written = target.write(ctx, LinkChange::Server(server))?;
    target.remember(ctx, cfg);
    Ok(Some(written.synced))
}

/// `validate --server` found the selected server's best address moved: save the new one and
/// write it to the target, in one transaction. Apart from finishing an interrupted
/// `rotate-key`, this is the only change `validate` makes to config.toml, and only with
/// `--server`: the address is part of the selection, which Bazarr's file holds too, and the
/// two are kept in step under config.toml's lock.
pub fn save_moved_server(
    ctx: &Context,
    server: &SelectedServer,
    mut target: Option<&mut DynTarget>,
) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    if !still_selected(&txn.cfg, server) {
        return Ok(None);
    }
    txn.cfg.server = Some(server.clone());
    crate::events::emit("server_moved", "ok", Some(&server.name), Some(&server.url));
    let synced = write_server(ctx, &mut txn.cfg, target.as_deref_mut(), server)?;
    txn.commit()
        .map_err(|e| put_back(e.into(), "the server's new address was not saved", target))?;
    Ok(synced)
}

/// `validate --server` found Bazarr's server keys pointing at an address that does not answer
/// as its server: write the selection's keys, when `bazarr` is the remembered Bazarr file
/// (plex-auth manages it) and the selection is still `server`. `None` when it was not written.
pub fn repair_bazarr_server(
    ctx: &Context,
    bazarr: &mut Bazarr,
    server: &SelectedServer,
) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    if txn.cfg.bazarr_config.as_deref() != Some(bazarr.path()) || !still_selected(&txn.cfg, server)
    {
        return Ok(None);
    }
    // The stored selection, with any address `validate` just saved.
    let server = txn.cfg.server.clone().unwrap_or_else(|| server.clone());
    let synced = write_server(ctx, &mut txn.cfg, Some(bazarr), &server)?;
    if synced.as_ref().and_then(Synced::updated).is_some() {
        crate::events::emit(
            "bazarr_server_repaired",
            "ok",
            Some(&server.name),
            Some(&server.url),
        );
    }
    txn.commit()?;
    Ok(synced)
}
