//! Sonarr or Radarr as a [`Target`]: its "Plex Media Server" connections, read once through
//! its API with the key from its own config.xml (read each time, never stored here, sent only
//! to the address the user registered), and written back whole with only the token or the
//! server's address changed. The app tests a new token against plex.tv before it saves it;
//! a token it refuses is a clear error and nothing is saved.

use std::path::Path;

use serde_json::{Value, json};

use super::{LinkChange, Target, Written};
use crate::apps::arr::{self, ArrApi, ArrError, Resource};
use crate::apps::file::AppError;
use crate::bazarr::sync::Synced;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::store::Config;
use crate::store::config::AppEntry;

pub struct Arr {
    pub entry: AppEntry,
    api: ArrApi,
    /// The app's Plex entries, as its API gave them: its Plex Media Server connections
    /// (the token masked) and its Plex Watchlist import lists.
    connections: Vec<(Resource, Value)>,
    written_fingerprint: Option<Option<String>>,
}

impl Arr {
    /// Read the API key and the app's Plex connections now. An app with none is exit 9 with
    /// the step that adds one.
    pub fn open(ctx: &Context, entry: &AppEntry) -> Result<Arr> {
        let api = api_for(ctx, entry)?;
        let mut connections = Vec::new();
        for resource in Resource::ALL {
            let list = ctx.block_on(api.list(resource)).map_err(Error::from)?;
            connections.extend(
                arr::plex_entries(&list, resource)
                    .into_iter()
                    .map(|n| (resource, n)),
            );
        }
        if connections.is_empty() {
            return Err(Error::from(ArrError::NoPlex { app: api.app }).with_hint(format!(
                "add one in {}'s Settings, Connect, Plex Media Server (any token), then run `plex-auth apps sync {}`",
                api.app, entry.name
            )));
        }
        Ok(Arr {
            entry: entry.clone(),
            api,
            connections,
            written_fingerprint: None,
        })
    }

    /// What `apps add` says of the app: its version, and the server each Plex Media Server
    /// connection points at (`host:port`).
    pub fn about(&self, ctx: &Context) -> (Option<String>, Vec<String>) {
        let servers = self
            .connections
            .iter()
            .filter(|(r, _)| *r == Resource::Notification)
            .map(|(_, n)| {
                let field = |name: &str| {
                    n["fields"]
                        .as_array()
                        .and_then(|f| f.iter().find(|f| f["name"] == name))
                        .map(|f| f["value"].to_string().trim_matches('"').to_owned())
                        .unwrap_or_default()
                };
                crate::text::safe(&format!("{}:{}", field("host"), field("port"))).into_owned()
            })
            .collect();
        (ctx.block_on(self.api.version()), servers)
    }

    /// How many Plex Media Server connections and Plex Watchlist import lists the app has.
    pub fn connections_len(&self) -> (usize, usize) {
        let servers = self
            .connections
            .iter()
            .filter(|(r, _)| *r == Resource::Notification)
            .count();
        (servers, self.connections.len() - servers)
    }

    /// Whether the app's own test passes with the token it holds now (each entry).
    pub fn holds_working_token(&self, ctx: &Context) -> bool {
        self.token_works(ctx).unwrap_or(false)
    }

    /// `validate`: whether the app's own test passes with the token each connection holds
    /// (`false`: the app says it does not work); an app that cannot be asked is an error.
    pub fn token_works(&self, ctx: &Context) -> Result<bool> {
        for (r, n) in &self.connections {
            match ctx.block_on(self.api.test(*r, n)) {
                Ok(()) => {}
                Err(ArrError::Refused { .. }) => return Ok(false),
                Err(e) => return Err(Error::from(e)),
            }
        }
        Ok(true)
    }

    /// Save every entry `set` gives fields for (none: left as it is), the whole entry sent
    /// back with only those changed; the names of the fields changed.
    fn save_all(
        &mut self,
        ctx: &Context,
        set: impl Fn(Resource) -> Vec<(&'static str, Value)>,
        force: bool,
    ) -> Result<Vec<String>> {
        let mut changed = Vec::new();
        for (r, n) in &self.connections {
            let fields = set(*r);
            if fields.is_empty() {
                continue;
            }
            let new = arr::with_fields(n, &fields);
            ctx.block_on(self.api.put(*r, &new, force))
                .map_err(Error::from)?;
            let name = n["name"].as_str().unwrap_or("Plex");
            for (field, _) in &fields {
                changed.push(format!("{} {field}", crate::text::safe(name)));
            }
        }
        Ok(changed)
    }
}

/// The API key (from the registered file, read now) and the client for the app's address.
fn api_for(ctx: &Context, entry: &AppEntry) -> Result<ArrApi> {
    let app = entry.kind.product();
    let text = crate::fs::read_small_file(&entry.path, 64 * 1024)
        .map_err(|e| {
            Error::from(AppError::Unreadable {
                path: entry.path.clone(),
                why: format!("{e:?}"),
            })
        })
        .and_then(|b| {
            String::from_utf8(b.to_vec()).map_err(|_| {
                Error::from(AppError::NotText {
                    path: entry.path.clone(),
                })
            })
        })?;
    let key = match entry.key_file {
        true => arr::api_key(&text),
        false => arr::api_key_in_config_xml(&text),
    }
    .map_err(|source| {
        Error::from(AppError::Format {
            path: entry.path.clone(),
            source,
        })
    })?;
    let url = entry.url.as_deref().unwrap_or_default();
    let base = app_url(url)?;
    if !entry.key_file {
        check_listener(&base, &entry.path, app)?;
    }
    Ok(ArrApi::new(app, base, key, ctx.request_timeout)?)
}

/// On this machine, the key goes only to a listener held by the owner of the app's
/// config.xml or by root: while the app is stopped, any local user could bind its port and
/// collect the key (and then the token). Another address was named by the user.
fn check_listener(base: &reqwest::Url, config_xml: &Path, app: &'static str) -> Result<()> {
    let owner = crate::bazarr::listener::data_owner(config_xml)
        .map(|uid| (uid, format!("the owner of {}", config_xml.display())));
    let unknown = format!("the owner of {} cannot be read", config_xml.display());
    check_owner(base, owner.ok_or(unknown), app, "API key")
}

/// On this machine, `what` goes only to a listener held by `owner` (a uid and who that
/// is) or by root: while the app is stopped, any local user could bind its port. `owner`
/// is the reason when it cannot be told. Another address was named by the user.
pub(super) fn check_owner(
    base: &reqwest::Url,
    owner: std::result::Result<(u32, String), String>,
    app: &'static str,
    what: &str,
) -> Result<()> {
    use crate::bazarr::listener::{self, Listener};
    let ip = match base.host() {
        Some(url::Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if !ip.is_loopback() {
        return Ok(());
    }
    let withheld = |why: String| {
        Error::config(format!("{app}'s {what} was not sent to {base}: {why}")).with_hint(format!(
            "start {app}, or check who listens on that port (`ss -ltnp`)"
        ))
    };
    let (owner, who) = owner.map_err(withheld)?;
    let port = base.port_or_known_default().unwrap_or(80);
    match listener::who_listens(std::net::SocketAddr::new(ip, port), owner) {
        Listener::Trusted => Ok(()),
        Listener::Nothing => Err(Error::from(ArrError::Unreachable {
            app,
            url: base.to_string(),
            why: "nothing listens there".into(),
        })),
        Listener::Other(uids) => {
            let uids: Vec<String> = uids.iter().map(u32::to_string).collect();
            Err(withheld(format!(
                "what listens there belongs to uid {}, not to uid {owner} ({who}) or to root",
                uids.join(", "),
            )))
        }
        Listener::Unknown(why) => Err(withheld(why)),
    }
}

/// The app's address: http(s), with a trailing slash for joining. Plain http only to this
/// machine or a private network (the API key would cross the internet in clear otherwise).
pub fn app_url(url: &str) -> Result<reqwest::Url> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::Usage,
            format!("{} {why}", crate::text::safe(url)),
        )
        .with_hint("give the app's address as http://HOST:PORT (https for one across the internet)")
    };
    let mut parsed = reqwest::Url::parse(url).map_err(|_| bad("is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad("is not an http or https address"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("carries a user name or password"));
    }
    let private = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_private() || ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || (ip.segments()[0] & 0xfe00) == 0xfc00,
        Some(url::Host::Domain(d)) => d == "localhost" || !d.contains('.'),
        None => false,
    };
    if parsed.scheme() == "http" && !private {
        return Err(bad(
            "is plain http to an address outside this network, where the API key would travel in clear",
        ));
    }
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed)
}

impl Target for Arr {
    fn path(&self) -> &Path {
        &self.entry.path
    }

    fn observe(&mut self, _ctx: &Context) {}

    fn write(&mut self, ctx: &Context, change: LinkChange<'_>) -> Result<Written> {
        let changed = match change {
            LinkChange::Login { token, .. } => {
                let value = json!(token.expose());
                let keys = self.save_all(ctx, |r| vec![(r.token_field(), value.clone())], false)?;
                self.written_fingerprint = Some(Some(crate::apps::fingerprint(token)));
                keys
            }
            LinkChange::Server(server) => {
                let fields = arr::server_fields(&server.url).map_err(|source| {
                    Error::from(AppError::Format {
                        path: self.entry.path.clone(),
                        source,
                    })
                })?;
                // An import list reads plex.tv, not the server.
                self.save_all(
                    ctx,
                    |r| match r {
                        Resource::Notification => fields.clone(),
                        Resource::ImportList => Vec::new(),
                    },
                    false,
                )?
            }
            // A token being cleared cannot pass the app's test: saved without it.
            LinkChange::Logout { .. } => {
                let keys = self.save_all(ctx, |r| vec![(r.token_field(), json!(""))], true)?;
                self.written_fingerprint = Some(None);
                keys
            }
            LinkChange::Adopt { .. } => Vec::new(),
        };
        Ok(self.done(changed))
    }

    fn put_back(&mut self) -> Option<String> {
        Some(format!(
            "{} keeps the new token (its API never shows the old one, so it cannot be put back)",
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

impl Arr {
    fn done(&self, changed_keys: Vec<String>) -> Written {
        Written {
            synced: Synced::Updated {
                path: self.entry.path.clone(),
                notes: Vec::new(),
            },
            changed_keys,
            apikey_kept: false,
        }
    }
}
