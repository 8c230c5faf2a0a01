//! An app on this host that keeps its own copy of the Plex link (its token, the server it
//! uses), kept in step with plex-auth's store by the use cases in `ops`. Bazarr is the first;
//! each further app is one more implementation of [`Target`] in this folder.
//!
//! The protocol, in the order a command runs it: find the app's copy and read it once
//! (the implementation's constructor), ask whether the app runs on it ([`Target::observe`]),
//! write the change inside plex-auth's transaction ([`Target::write`]), put it back when the
//! store here then cannot be saved ([`Target::put_back`]), and afterwards restart the app and
//! verify what it runs on, or warn that it still runs on the old values ([`Target::settle`]).

pub mod app;
pub mod arr;
pub mod bazarr;
pub mod bazarr_app;
pub mod seerr;

use std::path::Path;

use crate::bazarr::sync::Synced;
use crate::context::Context;
use crate::error::Result;
use crate::plex::types::User;
use crate::secret::Secret;
use crate::store::{Config, SelectedServer};

/// What a command changes in an app's copy of the link.
#[derive(Clone, Copy)]
pub enum LinkChange<'a> {
    /// A new link: the token and the account it belongs to.
    Login { token: &'a Secret, user: &'a User },
    /// The app's own link, adopted here: at most the account details plex.tv returned.
    Adopt { user: &'a User },
    /// The server chosen here (and its address).
    Server(&'a SelectedServer),
    /// Signed out, as the app's own logout does; `clear_apikey` also clears the key an older
    /// version of the app still runs on.
    Logout { clear_apikey: bool },
}

/// What one [`Target::write`] did.
pub struct Written {
    pub synced: Synced,
    /// The keys the write changed (names, never values).
    pub changed_keys: Vec<String>,
    /// A key an older version of the app still runs on was left in place (logout).
    pub apikey_kept: bool,
}

pub trait Target {
    /// Where the app keeps its copy of the link.
    fn path(&self) -> &Path;

    /// Ask, briefly, whether the app runs on this copy now: what happens after a write (a
    /// restart, a warning) depends on it. Warns when the app's address cannot be trusted.
    fn observe(&mut self, ctx: &Context);

    /// Write `change` into the app's copy in one safe write (`ctx` runs what the app's API
    /// needs). A copy that was replaced can be put back until the next write.
    fn write(&mut self, ctx: &Context, change: LinkChange<'_>) -> Result<Written>;

    /// The store here could not be saved after [`Target::write`]: put the app's copy back as
    /// it was. Says what became of it, for the error; `None` when nothing had been replaced.
    fn put_back(&mut self) -> Option<String>;

    /// Remember in plex-auth's configuration which copy this is (and how to reach the app).
    fn remember(&self, ctx: &Context, cfg: &mut Config);

    /// After a write that changed the copy: with `restart`, restart the app and verify it runs
    /// on the new values (exit 5 when that fails); without, warn when it runs on other
    /// values, with `rerun` (the command that fixes it).
    fn settle(&self, ctx: &Context, restart: bool, rerun: &str) -> Result<()>;
}

/// What a registered app's target remembers in its `[[apps]]` entry: which token it holds
/// now (`written`: `Some(Some(fp))` a token with that fingerprint, `Some(None)` none, `None`
/// when this command wrote no token), and whether it is the app's own.
pub(crate) fn remember_app(
    cfg: &mut Config,
    app: &crate::store::config::AppEntry,
    written: Option<&Option<String>>,
) {
    if let Some(entry) = cfg.apps.iter_mut().find(|a| a.name == app.name) {
        if let Some(fp) = written {
            entry.token_fingerprint = fp.clone();
        }
        entry.own_token = app.own_token;
    }
}

/// A target as the use cases hold it: owned by the command, borrowed for one op.
pub type DynTarget = dyn Target + 'static;
