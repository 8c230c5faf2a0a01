//! Overseerr or Jellyseerr as a [`Target`]: its admin's Plex token, given through the app's
//! own Plex sign-in (see `apps::seerr`), which checks it at plex.tv and keeps it for every
//! later library scan. The app never shows the token, so what it holds is known only as
//! what plex-auth last gave it. Its server's address lives in its own settings (read from
//! its settings.json when registered with one, for `status`), which it rewrites from
//! memory: plex-auth leaves it to the app's Settings page.

use std::path::Path;

use super::{LinkChange, Target, Written};
use crate::apps::seerr::{SeerrApi, Settings};
use crate::apps::{Kind, file::AppError};
use crate::bazarr::sync::Synced;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::Config;
use crate::store::config::AppEntry;

pub struct Seerr {
    pub entry: AppEntry,
    api: SeerrApi,
    /// `Some` after a write: the fingerprint of the token given (`None`: none).
    written_fingerprint: Option<Option<String>>,
}

impl Seerr {
    /// The app at its registered address. Nothing is sent yet.
    pub fn open(ctx: &Context, entry: &AppEntry) -> Result<Seerr> {
        let app = entry.kind.product();
        let url = entry.url.as_deref().unwrap_or_default();
        let base = super::arr::app_url(url)?;
        let api = SeerrApi::new(
            app,
            entry.kind == Kind::Jellyseerr,
            base,
            ctx.request_timeout,
        )?;
        Ok(Seerr {
            entry: entry.clone(),
            api,
            written_fingerprint: None,
        })
    }

    /// Ask the app (nothing secret is sent, and only a listener that would be sent the
    /// token is asked) whether it would take a Plex sign-in; its version when it would.
    pub fn about(&self, ctx: &Context) -> Result<crate::apps::seerr::About> {
        self.check_listener()?;
        ctx.block_on(self.api.about()).map_err(Error::from)
    }

    /// A token goes only to a listener that is the app's: on this machine, one held by the
    /// owner of its settings.json (when registered with one), else by the user running
    /// plex-auth, or by root.
    fn check_listener(&self) -> Result<()> {
        let base = self.api_base()?;
        let owner = match self.entry.path.as_os_str().is_empty() {
            false => crate::bazarr::listener::data_owner(&self.entry.path)
                .map(|uid| (uid, format!("the owner of {}", self.entry.path.display())))
                .ok_or_else(|| {
                    format!("the owner of {} cannot be read", self.entry.path.display())
                }),
            true => Ok((
                rustix::process::geteuid().as_raw(),
                "the user running plex-auth; give --settings-json for the app's own user".into(),
            )),
        };
        super::arr::check_owner(&base, owner, self.entry.kind.product(), "Plex token")
    }

    fn api_base(&self) -> Result<reqwest::Url> {
        super::arr::app_url(self.entry.url.as_deref().unwrap_or_default())
    }
}

/// What the app's settings.json says about its Plex server, when registered with one.
pub fn settings(entry: &AppEntry) -> Option<std::result::Result<Settings, String>> {
    if entry.path.as_os_str().is_empty() {
        return None;
    }
    let read = crate::fs::read_small_file(&entry.path, 1 << 20)
        .map_err(|e| format!("{} cannot be read: {e:?}", entry.path.display()))
        .and_then(|b| {
            String::from_utf8(b.to_vec())
                .map_err(|_| format!("{} is not text", entry.path.display()))
        })
        .and_then(|text| {
            crate::apps::seerr::read_settings(&text, entry.kind.product())
                .map_err(|e| e.to_string())
        });
    Some(read)
}

/// settings.json, read now for `apps add`: one that is not the app's is exit 9.
pub fn settings_now(entry: &AppEntry) -> Result<Option<Settings>> {
    match settings(entry) {
        None => Ok(None),
        Some(Ok(s)) => Ok(Some(s)),
        Some(Err(why)) => Err(Error::from(AppError::Unreadable {
            path: entry.path.clone(),
            why,
        })),
    }
}

impl Target for Seerr {
    fn path(&self) -> &Path {
        &self.entry.path
    }

    fn observe(&mut self, _ctx: &Context) {}

    fn write(&mut self, ctx: &Context, change: LinkChange<'_>) -> Result<Written> {
        let changed = match change {
            LinkChange::Login { token, .. } => {
                self.check_listener()?;
                ctx.block_on(self.api.give(token)).map_err(Error::from)?;
                self.written_fingerprint = Some(Some(crate::apps::fingerprint(token)));
                vec!["admin's Plex token".to_owned()]
            }
            // The server is the app's own setting; the app keeps its token on logout (its
            // own sign-out only ends the browser's session).
            LinkChange::Server(_) | LinkChange::Logout { .. } | LinkChange::Adopt { .. } => {
                Vec::new()
            }
        };
        Ok(Written {
            synced: Synced::Updated {
                path: self.entry.path.clone(),
                notes: Vec::new(),
            },
            changed_keys: changed,
            apikey_kept: false,
        })
    }

    fn put_back(&mut self) -> Option<String> {
        self.written_fingerprint.as_ref()?;
        Some(format!(
            "{} keeps the new token (it never shows the old one, so it cannot be put back)",
            self.entry.kind.product()
        ))
    }

    fn remember(&self, _ctx: &Context, cfg: &mut Config) {
        super::remember_app(cfg, &self.entry, self.written_fingerprint.as_ref());
    }

    fn settle(&self, _ctx: &Context, _restart: bool, _rerun: &str) -> Result<()> {
        Ok(())
    }
}
