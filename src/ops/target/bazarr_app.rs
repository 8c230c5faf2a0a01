//! Another Bazarr on this host (a second one for 4K, a Bazarr+ beside upstream), registered
//! with `apps add bazarr`, as a [`Target`]: its config.yaml is written exactly as plex-auth's
//! own Bazarr's is ([`Bazarr`]: locks, compare-and-swap against its saves, the format each
//! version reads), but with a token of its own, and what it holds is remembered in its
//! `[[apps]]` entry, never as plex-auth's Bazarr (`bazarr_config`).

use std::path::Path;

use super::bazarr::Bazarr;
use super::{LinkChange, Target, Written};
use crate::bazarr::keys;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::store::Config;
use crate::store::config::AppEntry;

pub struct BazarrApp {
    pub entry: AppEntry,
    bazarr: Bazarr,
    /// `Some` after a write: the fingerprint of the token written (`None`: cleared).
    written_fingerprint: Option<Option<String>>,
}

impl BazarrApp {
    /// The file, read now. Every config.yaml Bazarr writes has `general.port` and a `plex`
    /// section: a file without them is some other YAML, and is exit 9.
    pub fn open(entry: &AppEntry) -> Result<BazarrApp> {
        let bazarr = Bazarr::registered(&entry.path)?;
        let file = bazarr.file();
        if !file.has_key("general", "port") || file.get_str("plex", "ip").is_none() {
            return Err(Error::config(format!(
                "{} has no general.port or plex.ip, so it is not a config.yaml Bazarr wrote",
                entry.path.display()
            ))
            .with_hint("give Bazarr's config.yaml (in its data folder's config/) or that folder"));
        }
        Ok(BazarrApp {
            entry: entry.clone(),
            bazarr,
            written_fingerprint: None,
        })
    }

    /// The token its file holds, opened as that Bazarr opens it.
    pub fn held(&self) -> Option<Secret> {
        keys::read_token(self.bazarr.file()).ok()
    }

    /// The client identifier the Bazarr sends with its token (1.5.6 and later keep one).
    pub fn client_identifier(&self) -> Option<String> {
        self.bazarr
            .file()
            .get_str("plex", "client_identifier")
            .filter(|id| !id.trim().is_empty())
    }

    pub fn bazarr(&self) -> &Bazarr {
        &self.bazarr
    }
}

impl Target for BazarrApp {
    fn path(&self) -> &Path {
        &self.entry.path
    }

    fn observe(&mut self, ctx: &Context) {
        self.bazarr.observe(ctx);
    }

    fn write(&mut self, ctx: &Context, change: LinkChange<'_>) -> Result<Written> {
        let written = self.bazarr.write(ctx, change)?;
        if written.synced.updated().is_some() {
            match change {
                LinkChange::Login { token, .. } => {
                    self.written_fingerprint = Some(Some(crate::apps::fingerprint(token)));
                }
                LinkChange::Logout { .. } => self.written_fingerprint = Some(None),
                LinkChange::Server(_) | LinkChange::Adopt { .. } => {}
            }
        }
        Ok(written)
    }

    fn put_back(&mut self) -> Option<String> {
        self.bazarr.put_back()
    }

    fn remember(&self, _ctx: &Context, cfg: &mut Config) {
        super::remember_app(cfg, &self.entry, self.written_fingerprint.as_ref());
    }

    fn settle(&self, ctx: &Context, restart: bool, rerun: &str) -> Result<()> {
        self.bazarr.settle(ctx, restart, rerun)
    }
}
