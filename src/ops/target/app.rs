//! An app registered with `plex-auth apps add` (Tautulli, Kometa, PlexTraktSync) as a
//! [`Target`]: its file, read once, written with a compare-and-swap against the app's own
//! saves, and put back from memory. What each kind keeps where is in `apps::<kind>`; this
//! file is the same for every kind.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use super::{LinkChange, Target, Written};
use crate::apps::file::{AppFile, Updated};
use crate::apps::{self, Change, Kind, Server};
use crate::bazarr::sync::Synced;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::Config;
use crate::store::config::AppEntry;

/// How long a look for a running app waits for its port.
const PORT_WAIT: Duration = Duration::from_millis(300);
/// How long a running Tautulli is given to answer its own `save_pms_token`.
const LIVE_WAIT: Duration = Duration::from_secs(5);

pub struct App {
    pub entry: AppEntry,
    pub file: AppFile,
    /// The app was found running on its file (Tautulli writes its settings back from memory
    /// when it stops, so a change made under it would be lost).
    running: Option<u16>,
    /// What the last write left in the file: `Some(Some(fp))` a token with that
    /// fingerprint, `Some(None)` no token (a logout); `None` when no token was written.
    written_fingerprint: Option<Option<String>>,
}

impl App {
    /// The registered app's file, read now.
    pub fn open(entry: &AppEntry) -> std::result::Result<App, crate::apps::file::AppError> {
        let file = AppFile::load(entry.kind, &entry.path)?;
        Ok(App {
            entry: entry.clone(),
            file,
            running: None,
            written_fingerprint: None,
        })
    }

    /// The port the app was found listening on by [`Target::observe`].
    pub fn running_on(&self) -> Option<u16> {
        self.running
    }

    fn refuse_running(&self, port: u16, live: Option<String>) -> Error {
        let live = live
            .map(|why| format!("; it was not given the token live either: {why}"))
            .unwrap_or_default();
        Error::config(format!(
            "{} ({}) is running (it answers on port {port}) and writes its settings back from memory when it stops, so a change to {} now would be lost; nothing was written to it{live}",
            crate::text::safe(&self.entry.name),
            self.entry.kind.product(),
            self.file.path().display()
        ))
        .with_hint(format!(
            "stop {}, run `plex-auth apps sync {}`, then start it",
            self.entry.kind.product(),
            crate::fs::shell_quote(Path::new(&self.entry.name))
        ))
    }
}

impl Target for App {
    fn path(&self) -> &Path {
        self.file.path()
    }

    /// Tautulli is the kind that must be stopped to take a new token: it is running when
    /// something answers on its web port on this host (at its `http_host` when that names
    /// one address, else on 127.0.0.1). Nothing is sent to that port.
    fn observe(&mut self, _ctx: &Context) {
        if self.entry.kind != Kind::Tautulli {
            return;
        }
        let Some(port) = apps::tautulli::http_port(self.file.text()) else {
            return;
        };
        let host = apps::tautulli::http_host(self.file.text())
            .unwrap_or(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST));
        let addr = SocketAddr::new(host, port);
        if TcpStream::connect_timeout(&addr, PORT_WAIT).is_ok() {
            self.running = Some(port);
        }
    }

    fn write(&mut self, ctx: &Context, change: LinkChange<'_>) -> Result<Written> {
        let connections;
        let change = match change {
            LinkChange::Login { token, .. } => Change::Token {
                token,
                client_id: &self.entry.client_identifier,
            },
            LinkChange::Adopt { .. } => return Ok(self.done(Updated::Unchanged)),
            LinkChange::Server(server) => {
                connections = server.connections.clone();
                Change::Server(Server {
                    machine_id: &server.machine_id,
                    name: &server.name,
                    url: &server.url,
                    connections: &connections,
                })
            }
            LinkChange::Logout { .. } => Change::Clear,
        };
        if let Some(port) = self.running {
            // Only a change the file does not hold yet would be lost.
            if !self.file.preview(&change)?.changed_keys.is_empty() {
                let Change::Token { token, client_id } = change else {
                    return Err(self.refuse_running(port, None));
                };
                return match self.give_live(ctx, token, client_id) {
                    Ok(()) => {
                        self.written_fingerprint = Some(Some(apps::fingerprint(token)));
                        let mut done = self.done(Updated::Unchanged);
                        done.changed_keys = vec![
                            "pms_token and pms_client_id, through Tautulli's own save_pms_token"
                                .into(),
                        ];
                        Ok(done)
                    }
                    Err(why) => Err(self.refuse_running(port, Some(why))),
                };
            }
        }
        let updated = self.file.update(&change)?;
        self.written_fingerprint = match change {
            Change::Token { token, .. } => Some(Some(apps::fingerprint(token))),
            Change::Clear => Some(None),
            Change::Server(_) => self.written_fingerprint.take(),
        };
        Ok(self.done(updated))
    }

    fn put_back(&mut self) -> Option<String> {
        let path = self.file.path().display().to_string();
        match self.file.put_back() {
            Ok(true) => Some(format!("{path} was put back as it was")),
            Ok(false) => None,
            Err(e) => Some(format!("{path} could not be put back: {e}")),
        }
    }

    /// Keep in config.toml the fingerprint of the token the app now holds.
    fn remember(&self, _ctx: &Context, cfg: &mut Config) {
        super::remember_app(cfg, &self.entry, self.written_fingerprint.as_ref());
    }

    /// Kometa and PlexTraktSync read their files at every run; Tautulli was refused while it
    /// ran (see [`Target::write`]). Nothing to restart.
    fn settle(&self, _ctx: &Context, _restart: bool, _rerun: &str) -> Result<()> {
        Ok(())
    }
}

impl App {
    /// A running Tautulli: the token through its own `save_pms_token`, with the API key from
    /// its config.ini, sent only to a listener held by config.ini's owner or root. Why not,
    /// when it was not given.
    fn give_live(
        &self,
        ctx: &Context,
        token: &crate::secret::Secret,
        client_id: &str,
    ) -> std::result::Result<(), String> {
        let text = self.file.text();
        let base = apps::tautulli::web_url(text)
            .ok_or("it serves https with its own certificate, or names no port")?;
        let key = apps::tautulli::api_key(text).ok_or("its config.ini has no api_key")?;
        let path = self.file.path();
        let owner = crate::bazarr::listener::data_owner(path)
            .map(|uid| (uid, format!("the owner of {}", path.display())))
            .ok_or_else(|| format!("the owner of {} cannot be read", path.display()));
        super::arr::check_owner(&base, owner, "Tautulli", "API key").map_err(|e| e.message)?;
        // A Tautulli that runs answers at once; a listener that does not answer is not kept
        // waiting on for the whole request timeout.
        let timeout = ctx.request_timeout.min(LIVE_WAIT);
        let sent = apps::tautulli_live::save_pms_token(&base, &key, token, client_id, timeout);
        ctx.block_on(sent).map_err(|e| e.to_string())?;
        // Tautulli answers the same when TAUTULLI_PMS_TOKEN in its environment wins: it then
        // keeps that one and saves nothing. Its config.ini says which.
        let now = AppFile::load(self.entry.kind, path).and_then(|f| f.view());
        match now {
            Ok(view) if view.tokens().contains(&token) => Ok(()),
            _ => Err(format!(
                "it answered, but {} does not hold the new token: a TAUTULLI_PMS_TOKEN in its environment wins over the file, and Tautulli then saves none; give it the new token there, or remove that variable",
                path.display()
            )),
        }
    }

    fn done(&self, updated: Updated) -> Written {
        let changed_keys = match updated {
            Updated::Unchanged => Vec::new(),
            Updated::Written { changed_keys } => changed_keys,
        };
        Written {
            synced: Synced::Updated {
                path: self.file.path().to_path_buf(),
                notes: Vec::new(),
            },
            changed_keys,
            apikey_kept: false,
        }
    }
}
