//! The registered apps kept in step with the link: register and forget one, give each a
//! token of its own when the account is linked, point each at the chosen server. Every app
//! is written in its own safe write; one that fails does not stop the others, and the
//! report says per app what was done and the step that fixes a failure.

use std::path::PathBuf;

use super::target::app::App;
use super::target::arr::Arr;
use super::target::bazarr_app::BazarrApp;
use super::target::seerr::Seerr;
use super::target::{DynTarget, LinkChange};
use crate::apps::{self, Kind};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::store::config::{AppEntry, Transaction};
use crate::store::{Config, SelectedServer};

/// Which token an app was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Given {
    /// Its own token still works: kept.
    Kept,
    /// A new token of its own, minted with the account's.
    Own,
    /// The account's token (plex.tv would not mint one of its own; said in `note`).
    Account,
}

/// What became of one app.
#[derive(Debug)]
pub enum Outcome {
    /// The app's file holds the link now; `changed_keys` is empty when it already did.
    Done {
        changed_keys: Vec<String>,
        given: Option<Given>,
    },
    /// The app reads its token from elsewhere (an environment variable): left, and said.
    Elsewhere(Vec<String>),
    Failed(Error),
}

#[derive(Debug)]
pub struct Report {
    pub name: String,
    pub kind: Kind,
    pub path: PathBuf,
    pub outcome: Outcome,
    /// Said beside the outcome (why an app got the account's token).
    pub note: Option<String>,
}

impl Report {
    pub(super) fn failed(entry: &AppEntry, e: Error) -> Report {
        Report {
            name: entry.name.clone(),
            kind: entry.kind,
            path: shown(entry),
            outcome: Outcome::Failed(e),
            note: None,
        }
    }
}

/// Register `entry` (its file was read and checked by the caller). A name already taken is
/// exit 2, and so is a file already registered under another name.
pub fn add(ctx: &Context, entry: AppEntry) -> Result<()> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    if let Some(other) = txn
        .cfg
        .apps
        .iter()
        .find(|a| a.name == entry.name || same_place(a, &entry))
    {
        let what = if other.name == entry.name {
            format!("an app named {} is already registered", other.name)
        } else {
            format!("{} is already registered as {}", place(&entry), other.name)
        };
        return Err(Error::new(crate::error::ErrorKind::Usage, what).with_hint(format!(
            "choose another name with --name, or forget it first with `plex-auth apps remove {}`",
            other.name
        )));
    }
    txn.cfg.apps.push(entry);
    txn.commit()?;
    Ok(())
}

/// Two entries for one app: the same file, or the same address for a kind reached only
/// through its API (Overseerr registered without its settings.json).
fn same_place(a: &AppEntry, b: &AppEntry) -> bool {
    let file = !a.path.as_os_str().is_empty() && a.path == b.path;
    file || (a.kind.is_seerr() && b.kind.is_seerr() && a.url.is_some() && a.url == b.url)
}

/// Where an app is, as reports show it.
pub(super) fn shown(entry: &AppEntry) -> PathBuf {
    PathBuf::from(place(entry))
}

/// Where an app is, for messages: its file, else its address.
pub fn place(entry: &AppEntry) -> String {
    match (entry.path.as_os_str().is_empty(), &entry.url) {
        (true, Some(url)) => url.clone(),
        _ => entry.path.display().to_string(),
    }
}

/// Forget the app named `name` (nothing in the app changes). `None` when there is none.
pub fn remove(ctx: &Context, name: &str) -> Result<Option<AppEntry>> {
    let mut txn = Transaction::begin(&ctx.config_dir)?;
    let Some(at) = txn.cfg.apps.iter().position(|a| a.name == name) else {
        return Ok(None);
    };
    let entry = txn.cfg.apps.remove(at);
    txn.commit()?;
    Ok(Some(entry))
}

pub use super::app_tokens::give_token;

/// After the apps were written: a running Bazarr that still runs on its old values is
/// warned about (the other kinds take a change as it is written).
pub(super) fn settle(ctx: &Context, written: &[Box<DynTarget>]) {
    for app in written {
        let _ = app.settle(ctx, false, RESTART_IT);
    }
}

/// The step after writing a registered Bazarr that runs.
const RESTART_IT: &str = "restart that Bazarr (its service or container)";

/// Point every registered app at `server` (PlexTraktSync's `urls` and `id`, Tautulli's
/// `pms_*` keys, Kometa's `url`). Nothing in config.toml changes.
pub fn give_server(ctx: &Context, server: &SelectedServer, entries: &[AppEntry]) -> Vec<Report> {
    entries
        .iter()
        .map(|entry| {
            let result = open(ctx, entry).and_then(|mut app| {
                app.observe(ctx);
                let written = app.write(ctx, LinkChange::Server(server))?;
                let _ = app.settle(ctx, false, RESTART_IT);
                Ok(written)
            });
            match result {
                Ok(written) => Report {
                    name: entry.name.clone(),
                    kind: entry.kind,
                    path: shown(entry),
                    outcome: Outcome::Done {
                        changed_keys: written.changed_keys,
                        given: None,
                    },
                    note: None,
                },
                Err(e) => Report::failed(entry, e),
            }
        })
        .collect()
}

/// A registered app as a target: its file, or its API.
fn open(ctx: &Context, entry: &AppEntry) -> Result<Box<DynTarget>> {
    Ok(if entry.kind.is_bazarr() {
        Box::new(BazarrApp::open(entry)?)
    } else if entry.kind.is_seerr() {
        Box::new(Seerr::open(ctx, entry)?)
    } else if entry.kind.is_api() {
        Box::new(Arr::open(ctx, entry)?)
    } else {
        Box::new(App::open(entry)?)
    })
}

/// `logout --apps`: clear the token in each app's file, as the app's own sign-out does,
/// and forget the fingerprints.
pub fn clear_tokens(ctx: &Context, entries: &[AppEntry]) -> Result<Vec<Report>> {
    let mut reports = Vec::new();
    let mut written = Vec::new();
    for entry in entries {
        let result = open(ctx, entry).and_then(|mut app| {
            app.observe(ctx);
            let w = app.write(
                ctx,
                LinkChange::Logout {
                    clear_apikey: false,
                },
            )?;
            Ok((app, w))
        });
        match result {
            Ok((app, w)) => {
                let note = entry.kind.is_seerr().then(|| {
                    format!(
                        "{0} has no sign-out that clears its token: sign out its device, \"{0} (plex-auth)\", in Plex's Authorized Devices",
                        entry.kind.product()
                    )
                });
                reports.push(Report {
                    name: entry.name.clone(),
                    kind: entry.kind,
                    path: shown(entry),
                    outcome: Outcome::Done {
                        changed_keys: w.changed_keys,
                        given: None,
                    },
                    note,
                });
                written.push(app);
            }
            Err(e) => reports.push(Report::failed(entry, e)),
        }
    }
    record(ctx, &mut written, &mut reports)?;
    settle(ctx, &written);
    Ok(reports)
}

/// Record in config.toml what each written app holds now. When that cannot be saved, each
/// app is put back, and its report says so.
pub(super) fn record(
    ctx: &Context,
    written: &mut [Box<DynTarget>],
    reports: &mut [Report],
) -> Result<()> {
    if written.is_empty() {
        return Ok(());
    }
    let saved = Transaction::begin(&ctx.config_dir).and_then(|mut txn| {
        for app in written.iter() {
            app.remember(ctx, &mut txn.cfg);
        }
        txn.commit()
    });
    let Err(e) = saved else {
        return Ok(());
    };
    let mut said = Vec::new();
    for app in written.iter_mut() {
        said.extend(app.put_back());
    }
    let mut err = Error::from(e).context("the apps' new tokens could not be recorded");
    if !said.is_empty() {
        err.message = format!("{}; {}", err.message, said.join("; "));
    }
    for report in reports.iter_mut() {
        if matches!(report.outcome, Outcome::Done { .. }) {
            report.outcome =
                Outcome::Failed(Error::config("put back: config.toml could not be saved"));
        }
    }
    Err(err)
}

/// An app's entry for `apps add`: its own client identifier, made now.
pub fn new_entry(name: String, kind: Kind, path: PathBuf) -> Result<AppEntry> {
    Ok(AppEntry {
        name,
        kind,
        path,
        client_identifier: crate::store::config::new_client_identifier()?,
        url: None,
        key_file: false,
        token_fingerprint: None,
        own_token: false,
        added_at: crate::time::now(),
    })
}

/// What `apps sync --dry-run` shows where an app would get a new token.
pub const NEW_TOKEN: &str = "new-token-of-its-own";

/// The change `apps sync` would make to an app's file, as a unified diff with every token
/// masked: the token (the one it holds when it is plex-auth's, else [`NEW_TOKEN`]) and the
/// selected server. Nothing is written, minted or sent.
pub fn preview(entry: &AppEntry, server: Option<&SelectedServer>) -> Result<String> {
    if entry.kind.is_bazarr() {
        return preview_bazarr(entry, server);
    }
    if entry.kind.is_seerr() {
        return Ok(format!(
            "(through {}'s Plex sign-in at {}: its admin's token, checked at plex.tv by {} first; its server stays its own setting)\n",
            entry.kind.product(),
            entry.url.as_deref().unwrap_or_default(),
            entry.kind.product()
        ));
    }
    if entry.kind.is_api() {
        let what = match server {
            Some(_) => "the token and the server's address",
            None => "the token",
        };
        return Ok(format!(
            "(through {}'s API at {}: {what} of each Plex Media Server connection, tested by {} first)\n",
            entry.kind.product(),
            entry.url.as_deref().unwrap_or_default(),
            entry.kind.product()
        ));
    }
    let file = crate::apps::file::AppFile::load(entry.kind, &entry.path)?;
    let view = file.view()?;
    let held = view.tokens();
    let token = held
        .iter()
        .find(|t| holds_given(entry, &[t]))
        .map(|t| (*t).clone())
        .unwrap_or_else(|| Secret::new(NEW_TOKEN));
    let mut text = file
        .preview(&apps::Change::Token {
            token: &token,
            client_id: &entry.client_identifier,
        })?
        .text;
    if let Some(s) = server {
        let next =
            crate::apps::file::AppFile::from_text(entry.kind, &entry.path, text.clone(), &file);
        text = next
            .preview(&apps::Change::Server(apps::Server {
                machine_id: &s.machine_id,
                name: &s.name,
                url: &s.url,
                connections: &s.connections,
            }))?
            .text;
    }
    let diff = similar::TextDiff::from_lines(file.text(), &text)
        .unified_diff()
        .context_radius(2)
        .header(
            &entry.path.display().to_string(),
            &format!("{} (new)", entry.path.display()),
        )
        .to_string();
    let secrets: Vec<&Secret> = held.into_iter().chain([&token]).collect();
    Ok(secrets
        .iter()
        .filter(|t| t.expose() != NEW_TOKEN && t.expose().len() >= 4)
        .fold(diff, |d, t| d.replace(t.expose(), &t.masked())))
}

/// Another Bazarr's change, as plex-auth's own Bazarr's dry run shows it: the keys a login
/// writes (the account's name and email are plex.tv's, so they are named, not shown).
fn preview_bazarr(entry: &AppEntry, server: Option<&SelectedServer>) -> Result<String> {
    let app = BazarrApp::open(entry)?;
    let held = app.held();
    let keeps = held.as_ref().is_some_and(|t| holds_given(entry, &[t]));
    let token = match keeps {
        true => "plex.token kept (its own, if plex.tv still takes it)".to_owned(),
        false => format!("plex.token = {NEW_TOKEN} (in the form this Bazarr reads)"),
    };
    let mut lines = vec![
        format!("{}:", entry.path.display()),
        format!("  {token}"),
        "  plex.username, plex.email, plex.user_id: the account's; general.use_plex: true; plex.auth_method: oauth".to_owned(),
    ];
    if let Some(s) = server {
        lines.push(format!(
            "  plex.server_*: {} ({}) at {}",
            crate::text::safe(&s.name),
            s.machine_id,
            crate::text::safe(&s.url)
        ));
    }
    Ok(lines.join("\n") + "\n")
}

/// The places in an app's file whose token comes from elsewhere, each with where from.
pub(super) fn elsewhere_in(entry: &AppEntry, view: &apps::View) -> Vec<String> {
    view.slots
        .iter()
        .filter_map(|s| match &s.held {
            apps::Held::Elsewhere(from) => Some(format!("{} (from {})", s.at, set_in(entry, from))),
            _ => None,
        })
        .collect()
}

/// Where a token from elsewhere is set, when it can be seen: Kometa loads `.env` beside its
/// config.yml at start, so a variable set there is named with that file (which plex-auth
/// leaves to the user: it may be shared with other settings, or a Docker env file).
fn set_in(entry: &AppEntry, from: &str) -> String {
    let var = from.split_whitespace().next().unwrap_or_default();
    let dotenv = entry.path.with_file_name(".env");
    let sets = entry.kind == Kind::Kometa
        && crate::fs::read_small_file(&dotenv, 64 * 1024)
            .ok()
            .and_then(|b| String::from_utf8(b.to_vec()).ok())
            .is_some_and(|text| {
                text.lines().any(|l| {
                    let l = l.trim_start();
                    let l = l.strip_prefix("export ").unwrap_or(l).trim_start();
                    l.strip_prefix(var)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
            });
    match sets {
        true => format!("{from}, set in {}", dotenv.display()),
        false => from.to_owned(),
    }
}

/// Whether the app's copy holds the token plex-auth last gave it, offline.
pub fn holds_given(entry: &AppEntry, held: &[&Secret]) -> bool {
    entry
        .token_fingerprint
        .as_deref()
        .is_some_and(|fp| held.iter().any(|t| apps::fingerprint(t) == fp))
}

/// The entry for `cfg`'s app named `name`.
pub fn find<'a>(cfg: &'a Config, name: &str) -> Option<&'a AppEntry> {
    cfg.apps.iter().find(|a| a.name == name)
}

/// Whether an app's copy of the link is the one plex-auth gave it, offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    /// It holds the token plex-auth last gave it.
    Matches,
    /// Registered, and not given a token yet (`apps sync`, or the next login, does).
    NotGiven,
    /// It holds another token (changed in the app, or an older one).
    Differs,
    /// It holds none.
    Empty,
    /// It reads its token from elsewhere (these places, each with where from).
    Elsewhere(Vec<String>),
    /// Its file cannot be read or parsed (why).
    Unreadable(String),
    /// The app's own API says the token it holds no longer works (`validate`).
    Revoked,
    /// The app's API could not be asked (why; `validate`).
    Unreachable(String),
}

impl TokenState {
    pub fn word(&self) -> &'static str {
        match self {
            TokenState::Matches => "matches",
            TokenState::NotGiven => "not-given",
            TokenState::Differs => "differs",
            TokenState::Empty => "empty",
            TokenState::Elsewhere(_) => "elsewhere",
            TokenState::Unreadable(_) => "unreadable",
            TokenState::Revoked => "revoked",
            TokenState::Unreachable(_) => "unreachable",
        }
    }
}

/// One registered app as its file says now.
#[derive(Debug, Clone)]
pub struct AppStatus {
    pub entry: AppEntry,
    pub token: TokenState,
    /// The server the app points at (its machine id, else its address), when the file says.
    pub server: Option<String>,
    /// Whether that is the server selected here (`None`: no server selected, or the app's
    /// file does not say).
    pub server_matches: Option<bool>,
}

/// `validate`: ask each app that can say whether the token it holds works (Sonarr and
/// Radarr, through their own test of each Plex connection). The others stay as read
/// offline: a file's token is what plex-auth gave it, and Overseerr shows nothing.
pub fn ask_apps(ctx: &Context, statuses: &mut [AppStatus]) {
    for s in statuses.iter_mut() {
        let asks = s.entry.kind.is_api() && !s.entry.kind.is_seerr();
        if !asks || s.entry.token_fingerprint.is_none() {
            continue;
        }
        s.token = match Arr::open(ctx, &s.entry).and_then(|app| app.token_works(ctx)) {
            Ok(true) => TokenState::Matches,
            Ok(false) => TokenState::Revoked,
            Err(e) => TokenState::Unreachable(e.message),
        };
    }
}

/// `apps list --check`: ask whether each token an app holds still works: plex.tv for a
/// token in a file (each under the app's own identity, all at once), Sonarr's and Radarr's
/// own test for theirs. Overseerr shows its token to no one and stays as read.
pub fn check_online(
    ctx: &Context,
    plex: &crate::plex::Plex,
    user_id: u64,
    statuses: &mut [AppStatus],
) {
    ask_apps(ctx, statuses);
    let asked = |s: &AppStatus| {
        !s.entry.kind.is_api()
            && matches!(
                s.token,
                TokenState::Matches | TokenState::Differs | TokenState::NotGiven
            )
    };
    let jobs: Vec<(usize, AppEntry, Vec<Secret>)> = statuses
        .iter()
        .enumerate()
        .filter(|(_, s)| asked(s))
        .map(|(i, s)| (i, s.entry.clone(), held_tokens(&s.entry)))
        .collect();
    let base = plex.client.base().clone();
    let timeout = ctx.request_timeout;
    let answers = ctx.block_on(async move {
        let mut set = tokio::task::JoinSet::new();
        for (i, entry, held) in jobs {
            let base = base.clone();
            set.spawn(async move { (i, token_state(base, &entry, &held, user_id, timeout).await) });
        }
        let mut answers = Vec::new();
        while let Some(Ok(answer)) = set.join_next().await {
            answers.push(answer);
        }
        answers
    });
    for (i, state) in answers {
        if let Some(state) = state {
            statuses[i].token = state;
        }
    }
}

/// The literal tokens an app's copy holds now.
fn held_tokens(entry: &AppEntry) -> Vec<Secret> {
    if entry.kind.is_bazarr() {
        return BazarrApp::open(entry)
            .ok()
            .and_then(|a| a.held())
            .into_iter()
            .collect();
    }
    crate::apps::file::AppFile::load(entry.kind, &entry.path)
        .and_then(|f| f.view())
        .map(|v| v.tokens().into_iter().cloned().collect())
        .unwrap_or_default()
}

/// What plex.tv says of the tokens an app holds, asked as that app: `None` when they all
/// work for this account (the offline state stands).
async fn token_state(
    base: reqwest::Url,
    entry: &AppEntry,
    held: &[Secret],
    user_id: u64,
    timeout: std::time::Duration,
) -> Option<TokenState> {
    use crate::plex::PlexError;
    let identity = crate::plex::client::Identity::for_app(
        entry.client_identifier.clone(),
        entry.kind.product(),
    );
    let client = match crate::plex::PlexClient::new(base, &identity, timeout) {
        Ok(client) => client,
        Err(e) => return Some(TokenState::Unreachable(e.to_string())),
    };
    for token in held {
        match client.user(token).await {
            Ok(u) if u.id == user_id => {}
            Ok(_) => return Some(TokenState::Differs),
            Err(PlexError::Rejected(_) | PlexError::Expired) => return Some(TokenState::Revoked),
            Err(e) => return Some(TokenState::Unreachable(e.to_string())),
        }
    }
    None
}

/// Another Bazarr, offline: its token opened as that Bazarr opens it, and its server.
fn bazarr_status(entry: &AppEntry, cfg: &Config) -> AppStatus {
    let file = match crate::bazarr::file::BazarrFile::load(&entry.path) {
        Ok(file) => file,
        Err(e) => {
            return AppStatus {
                entry: entry.clone(),
                token: TokenState::Unreadable(Error::from(e).message),
                server: None,
                server_matches: None,
            };
        }
    };
    let link = crate::bazarr::sync::BazarrLink::read(&file);
    let held = crate::bazarr::keys::read_token(&file).ok();
    let token = match &held {
        Some(t) if holds_given(entry, &[t]) => TokenState::Matches,
        Some(_) if entry.token_fingerprint.is_none() => TokenState::NotGiven,
        Some(_) => TokenState::Differs,
        None if link.token == crate::bazarr::sync::LinkToken::Missing => TokenState::Empty,
        None => TokenState::Unreadable("its plex.token does not open".into()),
    };
    let id = Some(link.server_machine_id).filter(|s| !s.is_empty());
    AppStatus {
        entry: entry.clone(),
        token,
        server_matches: cfg
            .server
            .as_ref()
            .and_then(|s| id.as_ref().map(|id| *id == s.machine_id)),
        server: id.or(Some(link.server_url).filter(|s| !s.is_empty())),
    }
}

/// Read each registered app's file (offline) and compare it with what plex-auth gave it.
/// With `account` (the account's token), plex-auth's own Bazarr (`--bazarr-config`) comes
/// first, compared with it; `status` and `validate` show that one in a section of its own.
pub fn status(cfg: &Config, account: Option<&Secret>) -> Vec<AppStatus> {
    let own = account
        .and_then(|t| own_bazarr(cfg, t))
        .map(|e| bazarr_status(&e, cfg));
    own.into_iter()
        .chain(cfg.apps.iter().map(|e| status_of(e, cfg)))
        .collect()
}

/// The name plex-auth's own Bazarr is listed under; a Bazarr registered with `apps add`
/// takes another.
pub const OWN_BAZARR: &str = "bazarr";

/// plex-auth's own Bazarr as an entry of the apps table: it holds the account's token.
fn own_bazarr(cfg: &Config, account: &Secret) -> Option<AppEntry> {
    let path = cfg.bazarr_config.clone()?;
    Some(AppEntry {
        name: OWN_BAZARR.into(),
        kind: Kind::Bazarr,
        path,
        url: cfg.bazarr_url.clone(),
        key_file: false,
        client_identifier: cfg.client_identifier.clone().unwrap_or_default(),
        token_fingerprint: Some(apps::fingerprint(account)),
        own_token: false,
        added_at: 0,
    })
}

fn status_of(entry: &AppEntry, cfg: &Config) -> AppStatus {
    if entry.kind.is_bazarr() {
        return bazarr_status(entry, cfg);
    }
    // An app kept through its API is not asked anything offline: what it was given is known.
    if entry.kind.is_api() {
        let given = match entry.token_fingerprint {
            Some(_) => TokenState::Matches,
            None => TokenState::NotGiven,
        };
        let mut status = AppStatus {
            entry: entry.clone(),
            token: given,
            server: entry.url.clone(),
            server_matches: None,
        };
        let settings = entry
            .kind
            .is_seerr()
            .then(|| super::target::seerr::settings(entry));
        match settings.flatten() {
            Some(Ok(s)) => {
                status.server_matches = cfg
                    .server
                    .as_ref()
                    .and_then(|sel| s.machine_id.as_ref().map(|id| *id == sel.machine_id));
                status.server = s.machine_id.or(s.server_url).or(status.server);
            }
            Some(Err(why)) => status.token = TokenState::Unreadable(why),
            None => {}
        }
        return status;
    }
    let unreadable = |why: String| AppStatus {
        entry: entry.clone(),
        token: TokenState::Unreadable(why),
        server: None,
        server_matches: None,
    };
    let view =
        match crate::apps::file::AppFile::load(entry.kind, &entry.path).and_then(|f| f.view()) {
            Ok(view) => view,
            Err(e) => return unreadable(e.to_string()),
        };
    let held = view.tokens();
    let elsewhere = elsewhere_in(entry, &view);
    let token = if holds_given(entry, &held) {
        TokenState::Matches
    } else if !held.is_empty() && entry.token_fingerprint.is_none() {
        TokenState::NotGiven
    } else if !held.is_empty() {
        TokenState::Differs
    } else if !elsewhere.is_empty() {
        TokenState::Elsewhere(elsewhere)
    } else {
        TokenState::Empty
    };
    let server_matches =
        cfg.server
            .as_ref()
            .and_then(|s| match (&view.server_id, &view.server_url) {
                (Some(id), _) => Some(*id == s.machine_id),
                (None, Some(url)) => Some(*url == s.url || s.connections.contains(url)),
                (None, None) => None,
            });
    AppStatus {
        entry: entry.clone(),
        token,
        server: view.server_id.or(view.server_url),
        server_matches,
    }
}
