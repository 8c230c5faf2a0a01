//! Bazarr as a [`Target`]: its `config.yaml` (upstream's format, see `docs/formats.md`),
//! read once per command, written with a compare-and-swap so a save of Bazarr's own is never
//! lost, and its API asked whether it runs on the file, to restart it and to verify what it
//! runs on.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::{LinkChange, Target, Written};
use crate::bazarr::BazarrError;
use crate::bazarr::api::{self as bazarr_api, ApiError, BazarrApi};
use crate::bazarr::file::{BazarrFile, Change, PutBack, WriteOutcome};
use crate::bazarr::sync::{self, Synced};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::Config;

/// The one step that lets a command use Bazarr's API when its key was withheld.
pub const WITHHELD_FIX: &str = "if Bazarr listens there, give its address with --bazarr-url (an address named that way is trusted as it is)";

/// One Bazarr file and the Bazarr that may run on it.
pub struct Bazarr {
    /// The file as read, then as the last write left it.
    file: BazarrFile,
    api: std::result::Result<BazarrApi, ApiError>,
    running: bool,
    /// A write of this command left the file holding plex-auth's values: Bazarr has
    /// something to pick up.
    ours: bool,
    replaced: Option<BazarrFile>,
}

impl Bazarr {
    /// The file a command keeps in step: `--bazarr-config`, else the remembered one; `None`
    /// when there is neither. Read now: one that cannot be used is exit 9 before any network
    /// work.
    pub fn kept_in_step(ctx: &Context, cfg: &Config) -> Result<Option<Bazarr>> {
        sync::target(ctx.bazarr_flag.as_deref(), cfg)
            .map(|path| Bazarr::at(ctx, &path))
            .transpose()
    }

    /// The file at `path`, read now, for a command that only looks (`status`): nothing is
    /// logged when it cannot be read.
    pub fn read(ctx: &Context, path: &Path) -> std::result::Result<Bazarr, BazarrError> {
        Ok(Bazarr::from_file(ctx, BazarrFile::load(path)?))
    }

    /// The file at `path`, read now.
    pub fn at(ctx: &Context, path: &Path) -> Result<Bazarr> {
        let file = BazarrFile::load(path)
            .map_err(Error::from)
            .inspect_err(|e| refused(path, e))?;
        Ok(Bazarr::from_file(ctx, file))
    }

    /// A file the command has read itself (and may have changed in memory).
    pub fn from_file(ctx: &Context, file: BazarrFile) -> Bazarr {
        let api = BazarrApi::for_file(&file, ctx.bazarr_url_for(file.path()));
        Bazarr::with_api(file, api)
    }

    /// A Bazarr registered with `apps add bazarr`, read now: its API is at the address its
    /// own file names (`--bazarr-url` is plex-auth's own Bazarr's, never another's).
    pub fn registered(path: &Path) -> Result<Bazarr> {
        let file = BazarrFile::load(path)
            .map_err(Error::from)
            .inspect_err(|e| refused(path, e))?;
        let api = BazarrApi::for_file(&file, None);
        Ok(Bazarr::with_api(file, api))
    }

    fn with_api(file: BazarrFile, api: std::result::Result<BazarrApi, ApiError>) -> Bazarr {
        Bazarr {
            file,
            api,
            running: false,
            ours: false,
            replaced: None,
        }
    }

    pub fn file(&self) -> &BazarrFile {
        &self.file
    }

    /// For a command that makes its own changes in memory before [`Bazarr::write_prepared`].
    pub fn file_mut(&mut self) -> &mut BazarrFile {
        &mut self.file
    }

    /// Whether [`Target::observe`] found Bazarr answering on this file.
    pub fn running(&self) -> bool {
        self.running
    }

    /// Where Bazarr's API is, when it can be asked at all.
    pub fn address(&self) -> Option<String> {
        self.api.as_ref().ok().map(|a| a.base().to_string())
    }

    /// `migrate-apikey`: write the file as the command changed it in memory (its own keys,
    /// not a [`LinkChange`]). `true` when the file was replaced.
    pub fn write_prepared(&mut self) -> Result<bool> {
        let replaced = matches!(self.file.write()?, WriteOutcome::Written { .. });
        self.ours = true;
        Ok(replaced)
    }

    /// `--restart-bazarr` on a file an earlier run already wrote: restart and verify now.
    pub fn restart_now(&self, ctx: &Context) -> Result<()> {
        self.restart(ctx)
    }

    /// `status`: whether Bazarr answers at its address, asked without its API key (`GET
    /// /api/system/ping`); the key never leaves plex-auth here. A listener at the file's
    /// address that is not Bazarr's is not asked at all, and said so.
    pub fn live(&self, ctx: &Context, status: &mut sync::BazarrStatus) {
        let Ok(api) = &self.api else {
            return;
        };
        if let Err(e @ ApiError::Withheld { .. }) = api.check_listener() {
            status.warnings.push(format!(
                "{e}; commands that use Bazarr's API skip the running check and --restart-bazarr there; {WITHHELD_FIX}"
            ));
            return;
        }
        let answers = ctx.block_on(api.ping(bazarr_api::RUNNING_TIMEOUT)).is_ok();
        sync::add_running(status, answers, api.base().as_str());
    }

    /// The keys for `change`, made from the file as it is when the write is tried (a save of
    /// Bazarr's meanwhile means they are made again); `seen` gets the names of the keys that
    /// change, and whether a logout leaves a key an older Bazarr still runs on.
    fn changes(
        change: LinkChange<'_>,
        file: &BazarrFile,
        seen: &RefCell<(Vec<String>, bool)>,
    ) -> std::result::Result<Vec<Change>, BazarrError> {
        let (changes, apikey_kept) = match change {
            LinkChange::Login { token, user } => (sync::login_changes(file, token, user)?, false),
            LinkChange::Adopt { user } => (sync::adopt_changes(file, user), false),
            LinkChange::Server(server) => (sync::server_changes(server), false),
            LinkChange::Logout { clear_apikey } => (
                sync::logout_changes(file, clear_apikey),
                !clear_apikey && sync::apikey_in_use(file),
            ),
        };
        *seen.borrow_mut() = (sync::changed_keys(file, &changes), apikey_kept);
        Ok(changes)
    }

    /// Without `--restart-bazarr`: a running Bazarr that still runs on other values gets a
    /// warning, with the command that restarts it.
    fn warn_if_stale(&self, ctx: &Context, rerun: &str) {
        let Some(api) = self.api.as_ref().ok().filter(|_| self.running) else {
            return;
        };
        let stale = match ctx.block_on(api.settings()) {
            Ok(live) => {
                let d = bazarr_api::differences(&self.file, &live);
                if d.is_empty() {
                    return;
                }
                format!(" (it runs on other values for {})", keys_of(&d))
            }
            Err(_) => String::new(),
        };
        ctx.out.warn(format!(
            "Bazarr is running at {} and ignores the change to {} until it restarts{stale}; until then its next settings save (even opening its Plex settings page) writes its old values back over the file. Restart it now: {rerun}",
            api.base(),
            self.file.path().display()
        ));
    }

    /// With `--restart-bazarr`: restart Bazarr unless it already runs on the file's values,
    /// wait for it, and verify what it runs on.
    fn restart(&self, ctx: &Context) -> Result<()> {
        let api = match &self.api {
            Ok(api) => api,
            Err(e) => {
                return Err(self
                    .failed(e.to_string(), NEXT_START)
                    .with_hint("restart Bazarr yourself (or give --bazarr-url)"));
            }
        };
        let before = ctx.block_on(api.settings()).map_err(|e| match e {
            ApiError::Withheld { .. } => self
                .failed(format!("the restart was skipped: {e}"), NEXT_START)
                .with_hint(format!("{WITHHELD_FIX}, or restart Bazarr yourself")),
            e => self.failed(e.to_string(), NEXT_START).with_hint(
                "start Bazarr (it reads the file then), or give its address with --bazarr-url",
            ),
        })?;
        if bazarr_api::differences(&self.file, &before).is_empty() {
            ctx.out.info(format!(
                "Bazarr at {} already runs on the Plex settings in {}; no restart needed.",
                api.base(),
                self.file.path().display()
            ));
            return Ok(());
        }
        ctx.out.info(format!(
            "Restarting Bazarr at {} (waiting up to {} s)…",
            api.base(),
            ctx.bazarr_restart_timeout.as_secs()
        ));
        let took = ctx
            .block_on(api.restart_and_wait(ctx.bazarr_restart_timeout))
            .map_err(|e| {
                self.failed(e.to_string(), UNKNOWN)
                    .with_hint("check Bazarr, then run this command again")
            })?;
        self.verify(ctx, api)?;
        ctx.out.info(format!(
            "Restarted Bazarr in {} s; it runs on the new Plex settings.",
            took.as_secs()
        ));
        Ok(())
    }

    /// After a restart: what Bazarr runs on equals the file. Compared with the file as it is
    /// now, read again: Bazarr may have saved over it between the write and the restart.
    fn verify(&self, ctx: &Context, api: &BazarrApi) -> Result<()> {
        let live = ctx
            .block_on(api.settings())
            .map_err(|e| self.failed(format!("Bazarr restarted but {e}"), UNKNOWN))?;
        let now = BazarrFile::load(self.file.path())?;
        let diffs = bazarr_api::differences(&now, &live);
        if diffs.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = diffs.iter().map(|d| d.describe()).collect();
        Err(self
            .failed(
                "Bazarr restarted but runs on other Plex settings".into(),
                &format!("what runs differs: {}", list.join("; ")),
            )
            .with_hint("run this command again; if it repeats, something else rewrites the file"))
    }

    /// A restart that did not go through (exit 5): what happened, and where the new
    /// settings are.
    fn failed(&self, what: String, live: &str) -> Error {
        Error::connection(format!(
            "{what}; {} holds the new Plex settings, {live}",
            self.file.path().display()
        ))
    }
}

const NEXT_START: &str = "and Bazarr reads them when it next starts";
const UNKNOWN: &str = "but whether Bazarr runs on them is unknown";

impl Target for Bazarr {
    fn path(&self) -> &Path {
        self.file.path()
    }

    fn observe(&mut self, ctx: &Context) {
        let Ok(api) = &self.api else {
            return;
        };
        self.running = match ctx.block_on(api.status(bazarr_api::RUNNING_TIMEOUT)) {
            Ok(()) => true,
            Err(e @ ApiError::Withheld { .. }) => {
                ctx.out.warn(format!(
                    "{e}; the check whether Bazarr is running was skipped; {WITHHELD_FIX}"
                ));
                false
            }
            Err(_) => false,
        };
    }

    fn write(&mut self, _ctx: &Context, change: LinkChange<'_>) -> Result<Written> {
        let path = self.file.path().to_path_buf();
        // Bazarr lists and uses only servers the account owns: a shared one leaves its keys.
        if let LinkChange::Server(server) = change
            && !server.owned
        {
            return Ok(self.done(Synced::NotOwned(path), None, (Vec::new(), false)));
        }
        let seen = RefCell::new((Vec::new(), false));
        let (synced, file, replaced) =
            sync::write_undoable(self.file.clone(), |f| Bazarr::changes(change, f, &seen))
                .map_err(Error::from)
                .inspect_err(|e| refused(&path, e))?;
        if let Some(written) = synced.updated() {
            let written = written.display().to_string();
            crate::events::emit("bazarr_written", "ok", None, Some(&written));
        }
        self.file = file;
        let replaced = replaced.then(|| self.file.clone());
        Ok(self.done(synced, replaced, seen.into_inner()))
    }

    fn put_back(&mut self) -> Option<String> {
        let file = self.replaced.take()?;
        let path = file.path().display().to_string();
        Some(match file.put_back() {
            Ok(PutBack::Restored) => {
                crate::events::emit("bazarr_put_back", "ok", None, Some(&path));
                format!(
                    "Bazarr's file {path} was put back as it was, so nothing changed there either"
                )
            }
            Ok(PutBack::SavedSince) => format!(
                "Bazarr's file {path} keeps plex-auth's change: another program (Bazarr?) saved it since, and that save was kept"
            ),
            Err(why) => format!(
                "Bazarr's file {path} keeps plex-auth's change: it could not be put back ({})",
                Error::from(why).message
            ),
        })
    }

    /// The file, and the `--bazarr-url` typed with it: a URL remembered with another file is
    /// not this one's, so it is forgotten when the file changes.
    fn remember(&self, ctx: &Context, cfg: &mut Config) {
        let path = self.file.path();
        if cfg.bazarr_config.as_deref() != Some(path) {
            cfg.bazarr_url = None;
        }
        if let Some(url) = ctx.bazarr_url.as_ref().filter(|_| ctx.bazarr_url_typed) {
            cfg.bazarr_url = Some(url.to_string());
        }
        cfg.bazarr_config = Some(path.to_path_buf());
    }

    fn settle(&self, ctx: &Context, restart: bool, rerun: &str) -> Result<()> {
        // Only a file that holds plex-auth's values has anything for Bazarr to pick up.
        if !self.ours {
            return Ok(());
        }
        if restart {
            self.restart(ctx)
        } else {
            self.warn_if_stale(ctx, rerun);
            Ok(())
        }
    }
}

impl Bazarr {
    fn done(
        &mut self,
        synced: Synced,
        replaced: Option<BazarrFile>,
        (changed_keys, apikey_kept): (Vec<String>, bool),
    ) -> Written {
        let updated = synced.updated().is_some();
        self.ours |= updated;
        self.replaced = replaced;
        Written {
            synced,
            changed_keys: if updated { changed_keys } else { Vec::new() },
            apikey_kept: updated && apikey_kept,
        }
    }

    /// The file where it is, for callers that only need the path.
    pub fn path_buf(&self) -> PathBuf {
        self.file.path().to_path_buf()
    }
}

fn keys_of(diffs: &[bazarr_api::Difference]) -> String {
    diffs
        .iter()
        .map(|d| d.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The event log's record of a Bazarr file that could not be used or written.
pub fn refused(path: &Path, e: &Error) {
    let path = path.display().to_string();
    crate::events::emit("bazarr_refused", e.kind.code(), None, Some(&path));
}
