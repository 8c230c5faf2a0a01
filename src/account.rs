//! The linked account across plex-auth's store and Bazarr's file. Each change a command makes
//! is one transaction: config.toml is locked and read once, changed in memory, written once,
//! and Bazarr's file is written inside the same lock, so two commands at the same moment
//! (login and logout, select and logout) can never leave the two disagreeing.

use std::path::{Path, PathBuf};

use crate::bazarr::BazarrError;
use crate::bazarr::file::{BazarrFile, Change, WriteOutcome};
use crate::bazarr::sync::{self, Synced};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::plex::types::User;
use crate::secret::Secret;
use crate::store::config::Transaction;
use crate::store::{Account, AuthMethod, Backend, Config, SelectedServer};

/// Before any network work (and before a PIN is created): a Bazarr file that cannot be
/// used stops the command now (exit 9). Only a check: the transaction reads the file again
/// under the lock, since another command (or Bazarr) may write it in between.
pub fn bazarr_precheck(ctx: &Context, snapshot: &Config) -> Result<()> {
    if let Some(path) = sync::target(ctx.bazarr_flag.as_deref(), snapshot) {
        BazarrFile::load(&path)
            .map_err(Error::from)
            .inspect_err(|e| refused(&path, e))?;
    }
    Ok(())
}

/// The Bazarr file to keep in step, read inside the transaction.
fn bazarr_file(ctx: &Context, cfg: &Config) -> Result<Option<BazarrFile>> {
    sync::target(ctx.bazarr_flag.as_deref(), cfg)
        .map(|path| {
            BazarrFile::load(&path)
                .map_err(Error::from)
                .inspect_err(|e| refused(&path, e))
        })
        .transpose()
}

/// The event log's record of a Bazarr file that could not be used or written.
fn refused(path: &Path, e: &Error) {
    let path = path.display().to_string();
    crate::events::emit("bazarr_refused", e.kind.code(), None, Some(&path));
}

/// Write Bazarr's keys and remember the file in `cfg`.
fn sync_bazarr(
    ctx: &Context,
    cfg: &mut Config,
    file: Option<BazarrFile>,
    changes: impl Fn(&BazarrFile) -> Result<Vec<Change>, BazarrError>,
) -> Result<Option<Synced>> {
    sync_bazarr_undoable(ctx, cfg, file, changes).map(|(synced, _)| synced)
}

/// [`sync_bazarr`], also returning the file as written when it was replaced, to
/// [`put_bazarr_back`] if the store here then cannot be saved.
fn sync_bazarr_undoable(
    ctx: &Context,
    cfg: &mut Config,
    file: Option<BazarrFile>,
    changes: impl Fn(&BazarrFile) -> Result<Vec<Change>, BazarrError>,
) -> Result<(Option<Synced>, Option<BazarrFile>)> {
    let Some(file) = file else {
        return Ok((None, None));
    };
    let path = file.path().to_path_buf();
    let (synced, written) = sync::write_undoable(file, changes)
        .map_err(Error::from)
        .inspect_err(|e| refused(&path, e))?;
    if let Some(written) = synced.updated() {
        let written = written.display().to_string();
        crate::events::emit("bazarr_written", "ok", None, Some(&written));
    }
    remember_bazarr(ctx, cfg, synced.path());
    Ok((Some(synced), written))
}

/// Remember the Bazarr file used, and the `--bazarr-url` typed with it: a URL remembered with
/// another file is not this one's, so it is forgotten when the file changes.
fn remember_bazarr(ctx: &Context, cfg: &mut Config, path: &Path) {
    if cfg.bazarr_config.as_deref() != Some(path) {
        cfg.bazarr_url = None;
    }
    if let Some(url) = ctx.bazarr_url.as_ref().filter(|_| ctx.bazarr_url_typed) {
        cfg.bazarr_url = Some(url.to_string());
    }
    cfg.bazarr_config = Some(path.to_path_buf());
}

/// Bazarr's server keys for `server`, unless the account does not own it: Bazarr cannot use
/// a shared server, so its keys are left alone then.
fn server_to_bazarr(
    ctx: &Context,
    cfg: &mut Config,
    file: Option<BazarrFile>,
    server: &SelectedServer,
) -> Result<(Option<Synced>, Option<BazarrFile>)> {
    if !server.owned {
        return Ok((file.map(|f| Synced::NotOwned(f.path().to_path_buf())), None));
    }
    sync_bazarr_undoable(ctx, cfg, file, |_| Ok(sync::server_changes(server)))
}

/// Bazarr's file was written in this transaction, and then plex-auth's own store could not
/// be saved (`e`): put Bazarr's file back, so that the two still agree, and make the error
/// say what `not_done` (here) and what happened to Bazarr's file.
fn put_bazarr_back(e: Error, not_done: &str, written: Option<BazarrFile>) -> Error {
    use crate::bazarr::file::PutBack;
    // Not written (none is kept in step, or it already held these values): nothing to undo.
    let Some(file) = written else {
        return e.context(not_done);
    };
    let path = file.path().display().to_string();
    let bazarr = match file.put_back() {
        Ok(PutBack::Restored) => {
            crate::events::emit("bazarr_put_back", "ok", None, Some(&path));
            format!("Bazarr's file {path} was put back as it was, so nothing changed there either")
        }
        Ok(PutBack::SavedSince) => format!(
            "Bazarr's file {path} keeps plex-auth's change: another program (Bazarr?) saved it since, and that save was kept"
        ),
        Err(why) => format!(
            "Bazarr's file {path} keeps plex-auth's change: it could not be put back ({})",
            Error::from(why).message
        ),
    };
    let mut e = e.context(not_done);
    e.message = format!("{}; {bazarr}", e.message);
    e
}

fn account_of(user: &User, method: AuthMethod) -> Account {
    let now = crate::time::now();
    Account {
        username: user.username.clone(),
        email: user.email.clone(),
        id: user.id,
        uuid: user.uuid.clone(),
        auth_method: method,
        linked_at: now,
        validated_at: None,
        last_result: None,
    }
}

/// Keep `verdict` as the last validation of account `account_id`, in the state folder (not
/// config.toml: see `store::state`). The error says why it was not kept.
pub fn stamp_validation(
    ctx: &Context,
    account_id: u64,
    verdict: crate::store::state::Verdict,
) -> std::result::Result<(), String> {
    let dir = ctx.state_dir.as_deref().ok_or_else(|| {
        "no state folder is known (pass --state-dir or set PLEX_AUTH_STATE_DIR)".to_owned()
    })?;
    crate::store::state::record_validation(dir, account_id, verdict)
}

/// A login just had plex.tv accept the token: that is a validation too. Not kept is said
/// under -v only; the login itself went through.
fn stamp_login(ctx: &Context, account_id: u64) {
    if let Err(why) = stamp_validation(ctx, account_id, crate::store::state::Verdict::Ok) {
        ctx.out
            .detail(format!("the login was not kept as a validation: {why}"));
    }
}

pub struct Linked {
    pub backend: Backend,
    pub bazarr: Option<Synced>,
}

/// Seal and store the token, record the account, and write Bazarr's sign-in keys (to
/// `bazarr` when given, else the flag's or the remembered file, which is then remembered).
/// The store is committed first: if Bazarr's file then cannot be written, the error says the
/// account is linked here and only Bazarr's copy is missing (running the command again fixes
/// it).
pub fn link(
    ctx: &Context,
    token: &Secret,
    user: &User,
    method: AuthMethod,
    bazarr: Option<&Path>,
) -> Result<Linked> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    let mut notice = |m: &str| ctx.out.notice(m);
    let backend = ctx.vault().save_token(&mut txn.cfg, token, &mut notice)?;
    // A server chosen under another account may not be reachable with this one.
    if txn.cfg.account.as_ref().is_some_and(|a| a.id != user.id) {
        txn.cfg.server = None;
    }
    txn.cfg.account = Some(account_of(user, method));
    let file = match bazarr {
        Some(path) => Some(
            BazarrFile::load(path)
                .map_err(Error::from)
                .inspect_err(|e| refused(path, e))?,
        ),
        None => bazarr_file(ctx, &txn.cfg)?,
    };
    txn.commit()?;
    crate::events::set_subject(Some(&user.username), None);
    crate::events::emit("linked", "ok", None, None);
    // Adopting Bazarr's own link leaves its sign-in keys as Bazarr wrote them.
    let bazarr = sync_bazarr(ctx, &mut txn.cfg, file, |f| match method {
        AuthMethod::Bazarr => Ok(sync::adopt_changes(f, user)),
        _ => sync::login_changes(f, token, user),
    })
    .map_err(|e| linked_but(e, user))?;
    // Remembers a Bazarr file used for the first time, now that it has been written.
    txn.commit()?;
    stamp_login(ctx, user.id);
    Ok(Linked { backend, bazarr })
}

fn linked_but(e: Error, user: &User) -> Error {
    e.context(format!(
        "linked {} here and stored the token, but Bazarr's file was not updated",
        user.username
    ))
}

/// A stored token plex.tv still accepts: record that, and make sure Bazarr holds it too (a
/// no-op when it already does; install scripts rerun login).
pub fn confirm(ctx: &Context, token: &Secret, user: &User) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    // The account's current name and email, as plex.tv just gave them.
    if let Some(account) = txn.cfg.account.as_mut() {
        account.username = user.username.clone();
        account.email = user.email.clone();
    }
    let file = bazarr_file(ctx, &txn.cfg)?;
    let synced = sync_bazarr(ctx, &mut txn.cfg, file, |f| {
        sync::login_changes(f, token, user)
    })?;
    txn.commit()?;
    stamp_login(ctx, user.id);
    Ok(synced)
}

/// `validate --server` found the selected server's best address moved: save the new one and
/// write it to Bazarr, in one transaction. Apart from finishing an interrupted `rotate-key`,
/// this is the only change `validate` makes to config.toml, and only with `--server`: the
/// address is part of the selection, which Bazarr's file holds too, and the two are kept in
/// step under config.toml's lock.
pub fn save_moved_server(ctx: &Context, server: &SelectedServer) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    if !still_selected(&txn.cfg, server) {
        return Ok(None);
    }
    txn.cfg.server = Some(server.clone());
    crate::events::emit("server_moved", "ok", Some(&server.name), Some(&server.url));
    let file = bazarr_file(ctx, &txn.cfg)?;
    let (synced, written) = server_to_bazarr(ctx, &mut txn.cfg, file, server)?;
    txn.commit().map_err(|e| {
        put_bazarr_back(e.into(), "the server's new address was not saved", written)
    })?;
    Ok(synced)
}

/// `validate --server` found Bazarr's server keys pointing at an address that does not answer
/// as its server: write the selection's keys, when `path` is the remembered Bazarr file
/// (plex-auth manages it) and the selection is still `server`. `None` when it was not written.
pub fn repair_bazarr_server(
    ctx: &Context,
    path: &Path,
    server: &SelectedServer,
) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    if txn.cfg.bazarr_config.as_deref() != Some(path) || !still_selected(&txn.cfg, server) {
        return Ok(None);
    }
    // The stored selection, with any address `validated` just saved.
    let server = txn.cfg.server.clone().unwrap_or_else(|| server.clone());
    let file = BazarrFile::load(path)
        .map_err(Error::from)
        .inspect_err(|e| refused(path, e))?;
    let (synced, _) = server_to_bazarr(ctx, &mut txn.cfg, Some(file), &server)?;
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

/// The selection a re-check saw is still the one stored (no select or logout in between).
fn still_selected(cfg: &Config, server: &SelectedServer) -> bool {
    cfg.server
        .as_ref()
        .is_some_and(|s| s.machine_id == server.machine_id)
}

/// `select` and the picker: remember the server and write Bazarr's server keys. Refused when
/// the account changed or logged out since the command started.
pub fn choose_server(
    ctx: &Context,
    account_id: Option<u64>,
    server: &SelectedServer,
) -> Result<Option<Synced>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    if txn.cfg.account.as_ref().map(|a| a.id) != account_id || txn.cfg.key_id.is_none() {
        return Err(Error::new(
            ErrorKind::NotLoggedIn,
            "the account was logged out or changed while the server was being tested; nothing was saved",
        )
        .with_hint("run `plex-auth login`, then select again"));
    }
    let file = bazarr_file(ctx, &txn.cfg)?;
    // Bazarr first: if its file refuses the write, nothing changes here either; if the
    // selection then cannot be saved here, Bazarr's file is put back.
    let (synced, written) = server_to_bazarr(ctx, &mut txn.cfg, file, server)?;
    txn.cfg.server = Some(server.clone());
    txn.commit().map_err(|e| {
        put_bazarr_back(
            e.into(),
            &format!("{} was not selected", server.name),
            written,
        )
    })?;
    Ok(synced)
}

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

/// Forget the token, the account and the server here, and clear Bazarr's sign-in the way
/// Bazarr's own logout does. Bazarr's file is written first: if it refuses, nothing here is
/// changed and the error says so.
pub fn logout(ctx: &Context, clear_apikey: bool) -> Result<LoggedOut> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    let cfg = &mut txn.cfg;
    let was_logged_in = cfg.account.is_some() || cfg.sealed_token.is_some();
    // The keys this logout changes and whether it kept a live apikey, from the file as it
    // was read for the write that went through (a save meanwhile means another read).
    let seen = std::cell::RefCell::new((Vec::new(), false));
    let (bazarr, written) = bazarr_file(ctx, cfg)
        .and_then(|file| {
            sync_bazarr_undoable(ctx, cfg, file, |f| {
                let changes = sync::logout_changes(f, clear_apikey);
                *seen.borrow_mut() = (
                    sync::changed_keys(f, &changes),
                    !clear_apikey && sync::apikey_in_use(f),
                );
                Ok(changes)
            })
        })
        .map_err(|e| e.context("Bazarr's file could not be updated, so nothing was logged out"))?;
    if let Err(e) = ctx.vault().delete_token(cfg) {
        return Err(put_bazarr_back(e.into(), "nothing was logged out", written));
    }
    let in_keyring = cfg.store == Some(crate::store::Backend::Keyring);
    cfg.account = None;
    cfg.server = None;
    if let Err(e) = txn.commit() {
        // The keyring entry is gone already, so there is no token to give back to Bazarr's
        // file; a second logout, with config.toml writable again, finishes the job.
        if in_keyring {
            let bazarr = match &written {
                Some(file) => format!(" and Bazarr's sign-in in {} cleared", file.path().display()),
                None => String::new(),
            };
            return Err(Error::from(e)
                .context(format!(
                    "the token was removed from the OS keyring{bazarr}, but the logout was not recorded here"
                ))
                .with_hint("run `plex-auth logout` again once config.toml can be written"));
        }
        return Err(put_bazarr_back(e.into(), "nothing was logged out", written));
    }
    let removed_backup = match bazarr.as_ref().and_then(Synced::updated) {
        Some(path) => sync::remove_token_backup(path)
            .map_err(|e| Error::from(e).context("logged out, but"))?,
        None => None,
    };
    // The last validation was of the account that is gone.
    if let Some(dir) = &ctx.state_dir
        && let Err(why) = crate::store::state::forget_validation(dir)
    {
        ctx.out
            .detail(format!("the last validation was not forgotten: {why}"));
    }
    let (bazarr_changed, apikey_kept) = seen.into_inner();
    let updated = bazarr.as_ref().is_some_and(|s| s.updated().is_some());
    Ok(LoggedOut {
        was_logged_in,
        bazarr,
        bazarr_changed: if updated { bazarr_changed } else { Vec::new() },
        apikey_kept: updated && apikey_kept,
        removed_backup,
    })
}

/// `migrate-apikey`: import the key as plex-auth's token (unless that exact token and
/// account are already stored, so a second run changes nothing), remember the server and the
/// Bazarr file, and write Bazarr's migrated file. Bazarr's file is written first: when it
/// refuses, nothing is imported.
pub fn import(
    ctx: &Context,
    token: &Secret,
    user: &User,
    server: Option<&SelectedServer>,
    bazarr: &Path,
    migrated: Option<&BazarrFile>,
) -> Result<bool> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    let written = match migrated {
        Some(file) => matches!(file.write()?, WriteOutcome::Written { .. }),
        None => false,
    };
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
    remember_bazarr(ctx, &mut txn.cfg, bazarr);
    txn.commit()?;
    if !same {
        stamp_login(ctx, user.id);
    }
    Ok(written)
}
