//! `plex-auth apps`: register the other apps on this host that keep a Plex token (Tautulli,
//! Kometa, PlexTraktSync), list them with what each holds, forget one, and give them the
//! current link again (`sync`). `login` and `select` keep them in step through the same op.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::apps::Kind;
use crate::cli::{AppsArgs, AppsCommand};
use crate::commands::{plex, snapshot, stored_token};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::apps::{self as ops_apps, Outcome, Report};
use crate::output::safe;
use crate::plex::Plex;
use crate::plex::types::User;
use crate::render::AppView;
use crate::secret::Secret;

pub fn run(ctx: &Context, args: AppsArgs) -> Result<()> {
    match args.command {
        AppsCommand::Add {
            kind,
            location,
            name,
            config_xml,
            api_key_file,
            settings_json,
        } => {
            let flags = AddFlags {
                config_xml,
                api_key_file,
                settings_json,
            };
            add_kind(ctx, kind, location.as_deref(), name, flags)
        }
        AppsCommand::List { check } => list(ctx, check),
        AppsCommand::Remove { name, revoke } => remove(ctx, &name, revoke),
        AppsCommand::Sync { names, dry_run } => sync(ctx, &names, dry_run),
    }
}

/// The flags of `apps add` that only some kinds take.
struct AddFlags {
    config_xml: Option<PathBuf>,
    api_key_file: Option<PathBuf>,
    settings_json: Option<PathBuf>,
}

/// `apps add`, by how the kind is reached; a flag for another kind is exit 2.
fn add_kind(
    ctx: &Context,
    kind: Kind,
    location: Option<&Path>,
    name: Option<String>,
    flags: AddFlags,
) -> Result<()> {
    let misplaced = |flag: &str, kinds: &str| {
        Err(Error::new(
            ErrorKind::Usage,
            format!("{flag} {kinds}, not {kind}"),
        ))
    };
    let key_flags = flags.config_xml.is_some() || flags.api_key_file.is_some();
    if kind.is_bazarr() && !key_flags && flags.settings_json.is_none() {
        return add_bazarr(ctx, location, name);
    }
    if kind.is_seerr() {
        if key_flags {
            return misplaced(
                "--config-xml and --api-key-file are for",
                "sonarr and radarr (overseerr and jellyseerr take their token with no API key)",
            );
        }
        return add_seerr(ctx, kind, location, flags.settings_json, name);
    }
    if flags.settings_json.is_some() {
        return misplaced("--settings-json is for", "overseerr and jellyseerr");
    }
    if kind.is_api() {
        let key = KeyFrom::of(flags.config_xml, flags.api_key_file)?;
        return add_api(ctx, kind, location, key, name);
    }
    if key_flags {
        return misplaced(
            "--config-xml and --api-key-file are for",
            "sonarr and radarr",
        );
    }
    add(ctx, kind, location, name)
}

/// Read the app's file now (a file that is not the app's is exit 9, and nothing is
/// registered), register it, say what it holds, and give it the link when one is stored.
fn add(ctx: &Context, kind: Kind, location: Option<&Path>, name: Option<String>) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let path = app_file(
        kind,
        location,
        "give the app's file or its folder as LOCATION",
    )?;
    let file = crate::apps::file::AppFile::load(kind, &path)?;
    let view = file.view()?;
    let name = match name {
        Some(n) => checked_name(n)?,
        None => free_name(kind, &cfg.apps, &[]),
    };
    ops_apps::add(ctx, ops_apps::new_entry(name.clone(), kind, path.clone())?)?;
    let account = ctx.vault().load_token(&cfg).ok().flatten();
    let holds_account = account.as_ref().is_some_and(|t| view.tokens().contains(&t));
    ctx.out.result(format!(
        "Registered {} ({}) at {}.",
        safe(&name),
        kind.product(),
        path.display()
    ));
    for line in crate::render::app_found(&view, holds_account) {
        ctx.out.info(line);
    }
    ctx.out
        .info(format!("{} {}.", kind.product(), kind.reloads()));
    let entry = crate::store::config::load(&ctx.config_dir)?
        .apps
        .into_iter()
        .filter(|a| a.name == name)
        .collect();
    match account {
        Some(token) => give_link(ctx, &cfg, &token, entry),
        None => {
            ctx.out
                .info("No account is linked yet: `plex-auth login` gives it a token of its own.");
            Ok(())
        }
    }
}

/// A newly registered app, given the link when an account is linked.
fn link_new(
    ctx: &Context,
    cfg: &crate::store::Config,
    entries: Vec<crate::store::config::AppEntry>,
) -> Result<()> {
    match ctx.vault().load_token(cfg).ok().flatten() {
        Some(token) => give_link(ctx, cfg, &token, entries),
        None => {
            ctx.out
                .info("No account is linked yet: `plex-auth login` gives it a token of its own.");
            Ok(())
        }
    }
}

/// Where Sonarr's or Radarr's API key is read from.
struct KeyFrom {
    path: PathBuf,
    key_file: bool,
}

impl KeyFrom {
    fn of(config_xml: Option<PathBuf>, api_key_file: Option<PathBuf>) -> Result<KeyFrom> {
        match (config_xml, api_key_file) {
            (Some(path), None) => Ok(KeyFrom { path, key_file: false }),
            (None, Some(path)) => Ok(KeyFrom { path, key_file: true }),
            _ => Err(Error::new(
                ErrorKind::Usage,
                "sonarr and radarr need their API key: --config-xml PATH (its config.xml) or --api-key-file PATH",
            )
            .with_hint("never give the key itself on the command line: every user here can read it there")),
        }
    }
}

/// `apps add sonarr|radarr URL`: the key read and the API asked now (an address that does
/// not answer, a key it refuses, or no Plex connection there is an error, and nothing is
/// registered), then registered and given the link.
fn add_api(
    ctx: &Context,
    kind: Kind,
    url: Option<&Path>,
    key: KeyFrom,
    name: Option<String>,
) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let url = address(kind, url, " --config-xml PATH")?;
    let base = crate::ops::target::arr::app_url(url)?;
    let path = std::fs::canonicalize(&key.path)
        .map_err(|e| Error::config(format!("{} cannot be used: {e}", key.path.display())))?;
    let name = match name {
        Some(n) => checked_name(n)?,
        None => free_name(kind, &cfg.apps, &[]),
    };
    let mut entry = ops_apps::new_entry(name.clone(), kind, path)?;
    entry.url = Some(base.to_string());
    entry.key_file = key.key_file;
    let app = crate::ops::target::arr::Arr::open(ctx, &entry)?;
    let (version, pointed) = app.about(ctx);
    ops_apps::add(ctx, entry.clone())?;
    ctx.out.result(format!(
        "Registered {} ({}{}) at {}.",
        safe(&name),
        kind.product(),
        version.map(|v| format!(" {v}")).unwrap_or_default(),
        base
    ));
    let (servers, watchlists) = app.connections_len();
    let lists = match watchlists {
        0 => String::new(),
        n => format!(" and {n} Plex Watchlist import list(s)"),
    };
    let at = match pointed.is_empty() {
        true => String::new(),
        false => format!(" (the server at {})", pointed.join(", ")),
    };
    ctx.out.info(format!(
        "  {servers} Plex Media Server connection(s){at}{lists} there; {} {}.",
        kind.product(),
        kind.reloads()
    ));
    match ctx.vault().load_token(&cfg).ok().flatten() {
        Some(token) => give_link(ctx, &cfg, &token, vec![entry]),
        None => Ok(()),
    }
}

/// `apps add bazarr PATH`: another Bazarr (or Bazarr+), its config.yaml read now (one that
/// is not Bazarr's is exit 9), registered under the client identifier it sends with its
/// token (1.5.6 and later keep one), and given a token of its own.
fn add_bazarr(ctx: &Context, location: Option<&Path>, name: Option<String>) -> Result<()> {
    use crate::ops::target::bazarr_app::BazarrApp;
    let cfg = snapshot(ctx)?;
    let kind = Kind::Bazarr;
    let path = app_file(
        kind,
        location,
        "give Bazarr's config.yaml or its data folder as LOCATION",
    )?;
    let name = bazarr_name(&cfg, &path, name)?;
    let mut entry = ops_apps::new_entry(name.clone(), kind, path.clone())?;
    let app = BazarrApp::open(&entry)?;
    if let Some(id) = app.client_identifier() {
        entry.client_identifier = id;
    }
    ops_apps::add(ctx, entry.clone())?;
    let file = app.bazarr().file();
    let flavour = match crate::bazarr::secrets::Flavour::of(file) {
        crate::bazarr::secrets::Flavour::BazarrPlus => "Bazarr+",
        _ => "Bazarr",
    };
    ctx.out.result(format!(
        "Registered {} ({flavour}) at {}.",
        safe(&name),
        path.display()
    ));
    for line in crate::bazarr::sync::BazarrLink::read(file).lines() {
        ctx.out.info(format!("  {}", safe(&line)));
    }
    ctx.out.info(format!("Bazarr {}.", kind.reloads()));
    link_new(ctx, &cfg, vec![entry])
}

/// The name for another Bazarr at `path`: plex-auth's own Bazarr cannot be registered
/// again, and its name is not free while it is kept.
fn bazarr_name(cfg: &crate::store::Config, path: &Path, name: Option<String>) -> Result<String> {
    let kind = Kind::Bazarr;
    let own = cfg.bazarr_config.as_ref();
    if own.and_then(|p| std::fs::canonicalize(p).ok()).as_ref() == Some(&path.to_path_buf()) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{} is plex-auth's own Bazarr (--bazarr-config): login, select and logout keep it on the link already",
                path.display()
            ),
        ));
    }
    let reserved: &[&str] = match own {
        Some(_) => &[ops_apps::OWN_BAZARR],
        None => &[],
    };
    let name = match name {
        Some(n) if reserved.contains(&n.as_str()) => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("`{n}` is the name of plex-auth's own Bazarr"),
            )
            .with_hint("choose another name with --name"));
        }
        Some(n) => checked_name(n)?,
        None => free_name(kind, &cfg.apps, reserved),
    };
    Ok(name)
}

/// `apps add overseerr|jellyseerr URL`: the app asked now whether it would take a Plex
/// sign-in (nothing secret is sent), and its settings.json read when given; then
/// registered and given the link.
fn add_seerr(
    ctx: &Context,
    kind: Kind,
    url: Option<&Path>,
    settings_json: Option<PathBuf>,
    name: Option<String>,
) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let url = address(kind, url, "")?;
    let base = crate::ops::target::arr::app_url(url)?;
    let path = match settings_json {
        Some(p) => std::fs::canonicalize(&p)
            .map_err(|e| Error::config(format!("{} cannot be used: {e}", p.display())))?,
        None => PathBuf::new(),
    };
    let name = match name {
        Some(n) => checked_name(n)?,
        None => free_name(kind, &cfg.apps, &[]),
    };
    let mut entry = ops_apps::new_entry(name.clone(), kind, path)?;
    entry.url = Some(base.to_string());
    let settings = crate::ops::target::seerr::settings_now(&entry)?;
    let about = crate::ops::target::seerr::Seerr::open(ctx, &entry)?.about(ctx)?;
    ops_apps::add(ctx, entry.clone())?;
    ctx.out.result(format!(
        "Registered {} ({}{}) at {}.",
        safe(&name),
        kind.product(),
        about.version.map(|v| format!(" {v}")).unwrap_or_default(),
        base
    ));
    if let Some(s) = settings {
        let server = s
            .server_name
            .or(s.server_url)
            .unwrap_or_else(|| "no server yet".into());
        ctx.out
            .info(format!("  It uses the Plex server {}.", safe(&server)));
    }
    ctx.out
        .info(format!("{} {}.", kind.product(), kind.reloads()));
    link_new(ctx, &cfg, vec![entry])
}

/// An API kind's LOCATION: its address, as text.
fn address<'a>(kind: Kind, url: Option<&'a Path>, more: &str) -> Result<&'a str> {
    url.and_then(Path::to_str).ok_or_else(|| {
        Error::new(
            ErrorKind::Usage,
            format!("{kind} needs its address as LOCATION"),
        )
        .with_hint(format!(
            "`plex-auth apps add {kind} http://127.0.0.1:PORT{more}`"
        ))
    })
}

/// The app's file: LOCATION (the file, or the folder it is in), else the first of its
/// usual places; resolved, so that one file is registered once whatever path named it.
fn app_file(kind: Kind, location: Option<&Path>, hint: &str) -> Result<PathBuf> {
    let path = match location {
        Some(loc) => kind.file_in(loc),
        None => usual_place(kind)?,
    };
    std::fs::canonicalize(&path).map_err(|e| {
        Error::config(format!("{} cannot be used: {e}", path.display())).with_hint(hint)
    })
}

/// Where each kind keeps its file when installed the usual way (a package, a Docker volume).
fn usual_place(kind: Kind) -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let places: Vec<PathBuf> = match kind {
        Kind::Tautulli => vec![
            "/opt/Tautulli/config.ini".into(),
            "/config/config.ini".into(),
        ],
        Kind::Kometa => vec!["/config/config.yml".into()],
        Kind::Bazarr => vec![
            "/opt/bazarr/data/config/config.yaml".into(),
            "/config/config/config.yaml".into(),
        ],
        Kind::Plextraktsync => vec![
            home.join(".config/PlexTraktSync/servers.yml"),
            "/app/config/servers.yml".into(),
        ],
        _ => Vec::new(),
    };
    places.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        let tried: Vec<String> = places.iter().map(|p| p.display().to_string()).collect();
        Error::new(
            ErrorKind::Usage,
            format!(
                "no {} file in its usual places ({})",
                kind.product(),
                tried.join(", ")
            ),
        )
        .with_hint(format!("give its place: `plex-auth apps add {kind} PATH`"))
    })
}

/// Names are shown in tables and typed in commands: short, and plain.
fn checked_name(name: String) -> Result<String> {
    let fine = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if fine {
        return Ok(name);
    }
    Err(Error::new(
        ErrorKind::Usage,
        format!("`{}` cannot name an app", safe(&name)),
    )
    .with_hint("use up to 64 letters, digits, `-`, `_` and `.`"))
}

fn free_name(kind: Kind, apps: &[crate::store::config::AppEntry], reserved: &[&str]) -> String {
    let taken = |n: &str| reserved.contains(&n) || apps.iter().any(|a| a.name == n);
    let mut name = kind.word().to_owned();
    let mut n = 2;
    while taken(&name) {
        name = format!("{}-{n}", kind.word());
        n += 1;
    }
    name
}

fn list(ctx: &Context, check: bool) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let account = match check {
        true => Some(stored_token(ctx, &cfg)?),
        false => ctx.vault().load_token(&cfg).ok().flatten(),
    };
    let mut apps = ops_apps::status(&cfg, account.as_ref());
    if let Some(token) = account.as_ref().filter(|_| check) {
        let plex = plex(ctx, &cfg)?;
        let user = ctx.block_on(plex.client.user(token)).map_err(|e| {
            Error::from(e).with_hint(
                "link again with `plex-auth login --force`; every app is then given a new token",
            )
        })?;
        ops_apps::check_online(ctx, &plex, user.id, &mut apps);
    }
    let views: Vec<AppView> = apps.iter().map(AppView::from).collect();
    if ctx.out.json {
        ctx.out.json_value(&serde_json::json!({ "apps": views }));
        return Ok(());
    }
    if views.is_empty() {
        ctx.out
            .info("No apps are registered; add one with `plex-auth apps add KIND PATH`.");
        return Ok(());
    }
    ctx.out.result(crate::render::app_table(&ctx.out, &views));
    Ok(())
}

fn remove(ctx: &Context, name: &str, revoke: bool) -> Result<()> {
    let unknown = || {
        Error::new(
            ErrorKind::Usage,
            format!("no app named {} is registered", safe(name)),
        )
        .with_hint("`plex-auth apps list` shows the registered apps")
    };
    if revoke {
        let cfg = snapshot(ctx)?;
        let entry = ops_apps::find(&cfg, name).ok_or_else(unknown)?;
        revoke_own(ctx, entry)?;
    }
    let Some(entry) = ops_apps::remove(ctx, name)? else {
        return Err(unknown());
    };
    #[derive(Serialize)]
    struct Removed<'a> {
        removed: &'a str,
        path: &'a Path,
    }
    if ctx.out.json {
        ctx.out.json_value(&Removed {
            removed: &entry.name,
            path: &entry.path,
        });
    } else {
        ctx.out.result(format!(
            "Forgot {} ({}); nothing in {} was changed, and it still holds its token.",
            safe(&entry.name),
            entry.kind.product(),
            entry.path.display()
        ));
    }
    Ok(())
}

/// `apps remove --revoke`: sign out the token plex-auth gave the app (its own device) at
/// plex.tv. The account's token is never signed out this way: that would end plex-auth's
/// own link.
fn revoke_own(ctx: &Context, entry: &crate::store::config::AppEntry) -> Result<()> {
    if entry.kind.is_api() {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{}'s API never shows its token, so plex-auth cannot sign it out; nothing was revoked and it was not forgotten",
                entry.kind.product()
            ),
        )
        .with_hint(format!(
            "sign out \"{} (plex-auth)\" in Plex's Authorized Devices, then `plex-auth apps remove {}`",
            entry.kind.product(),
            safe(&entry.name)
        )));
    }
    let held: Vec<Secret> = match entry.kind.is_bazarr() {
        true => crate::ops::target::bazarr_app::BazarrApp::open(entry)?
            .held()
            .into_iter()
            .collect(),
        false => {
            let file = crate::apps::file::AppFile::load(entry.kind, &entry.path)?;
            file.view()?.tokens().into_iter().cloned().collect()
        }
    };
    let own = held
        .iter()
        .find(|t| ops_apps::holds_given(entry, &[t]) && entry.own_token);
    let Some(token) = own else {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{} does not hold a token of its own from plex-auth (it holds the account's, another, or none), so nothing was revoked and it was not forgotten",
                safe(&entry.name)
            ),
        )
        .with_hint(format!(
            "forget it without --revoke: `plex-auth apps remove {}`",
            safe(&entry.name)
        )));
    };
    let identity = crate::plex::client::Identity::for_app(
        entry.client_identifier.clone(),
        entry.kind.product(),
    );
    let client = crate::plex::PlexClient::new(ctx.plex_url()?, &identity, ctx.request_timeout)?;
    match ctx.block_on(client.signout(token)) {
        Ok(()) | Err(crate::plex::PlexError::Rejected(_) | crate::plex::PlexError::Expired) => {
            ctx.out.info(format!(
                "Signed out {}'s own token at plex.tv.",
                safe(&entry.name)
            ));
            Ok(())
        }
        Err(e) => Err(Error::from(e).context(format!(
            "{}'s token was not signed out, and the app was not forgotten",
            safe(&entry.name)
        ))),
    }
}

fn sync(ctx: &Context, names: &[String], dry_run: bool) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    let entries = if names.is_empty() {
        cfg.apps.clone()
    } else {
        names
            .iter()
            .map(|name| {
                ops_apps::find(&cfg, name).cloned().ok_or_else(|| {
                    Error::new(
                        ErrorKind::Usage,
                        format!("no app named {} is registered", safe(name)),
                    )
                    .with_hint("`plex-auth apps list` shows the registered apps")
                })
            })
            .collect::<Result<_>>()?
    };
    if dry_run {
        return preview(ctx, &cfg, &entries);
    }
    give_link(ctx, &cfg, &token, entries)
}

/// `apps sync --dry-run`: each app's change as a diff, nothing written, minted or sent.
fn preview(
    ctx: &Context,
    cfg: &crate::store::Config,
    entries: &[crate::store::config::AppEntry],
) -> Result<()> {
    let mut diffs = Vec::new();
    for entry in entries {
        let diff = ops_apps::preview(entry, cfg.server.as_ref())
            .map_err(|e| e.context(format!("{} cannot be read", safe(&entry.name))))?;
        diffs.push((entry.name.clone(), diff));
    }
    if ctx.out.json {
        let apps: Vec<serde_json::Value> = diffs
            .iter()
            .map(|(name, diff)| serde_json::json!({ "name": name, "diff": diff }))
            .collect();
        ctx.out
            .json_value(&serde_json::json!({ "dry_run": true, "apps": apps }));
        return Ok(());
    }
    for (name, diff) in &diffs {
        match diff.is_empty() {
            true => ctx.out.result(format!("{}: no change", safe(name))),
            false => ctx
                .out
                .result(format!("{}:\n{}", safe(name), diff.trim_end())),
        }
    }
    ctx.out.info(format!(
        "Nothing was written. A new token of its own is shown as `{}`; an app whose own token still works keeps it.",
        ops_apps::NEW_TOKEN
    ));
    Ok(())
}

/// The account's link and the selected server, given to the apps (all, or `only`), with
/// the per-app summary. Any app that failed makes the command fail, after the others.
fn give_link(
    ctx: &Context,
    cfg: &crate::store::Config,
    token: &Secret,
    entries: Vec<crate::store::config::AppEntry>,
) -> Result<()> {
    let plex = plex(ctx, cfg)?;
    let user = ctx.block_on(plex.client.user(token)).map_err(|e| {
        Error::from(e).with_hint(
            "link again with `plex-auth login --force`; every app is then given a new token",
        )
    })?;
    let reports = keep_in_step(ctx, &plex, token, &user, &entries)?;
    failed(&reports)
}

/// After a login (or `apps add`, `apps sync`): give these apps their token (and the
/// selected server), and say per app what was done. Nothing is read or written when there
/// are none.
pub(super) fn keep_in_step(
    ctx: &Context,
    plex: &Plex,
    token: &Secret,
    user: &User,
    entries: &[crate::store::config::AppEntry],
) -> Result<Vec<Report>> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut reports = ops_apps::give_token(ctx, plex, token, user, entries)?;
    // As the login (or its server picker) left it.
    let server = crate::store::config::load(&ctx.config_dir)?.server;
    if let Some(server) = server {
        let pointed = ops_apps::give_server(ctx, &server, entries);
        merge_server(&mut reports, pointed);
    }
    render_reports(ctx, &reports);
    Ok(reports)
}

/// The server's outcome joined to the token's, per app (an app the token step failed for
/// keeps that failure).
fn merge_server(reports: &mut [Report], pointed: Vec<Report>) {
    for p in pointed {
        let Some(r) = reports.iter_mut().find(|r| r.name == p.name) else {
            continue;
        };
        match (&mut r.outcome, p.outcome) {
            (
                Outcome::Done { changed_keys, .. },
                Outcome::Done {
                    changed_keys: more, ..
                },
            ) => changed_keys.extend(more),
            (Outcome::Done { .. } | Outcome::Elsewhere(_), failed @ Outcome::Failed(_)) => {
                r.outcome = failed
            }
            _ => {}
        }
    }
}

/// Say per app what was done, and for a failure the step that fixes it.
pub(super) fn render_reports(ctx: &Context, reports: &[Report]) {
    if reports.is_empty() {
        return;
    }
    if ctx.out.json {
        let views: Vec<crate::render::AppReportView> = reports
            .iter()
            .map(crate::render::AppReportView::from)
            .collect();
        ctx.out
            .json_value(&serde_json::json!({ "event": "apps", "apps": views }));
        return;
    }
    for line in crate::render::app_report_lines(reports) {
        ctx.out.info(line);
    }
    for r in reports {
        if let Outcome::Failed(e) = &r.outcome {
            ctx.out.warn(format!("{}: {}", safe(&r.name), e.message));
        }
    }
}

/// After `select`: point every registered app at `server`, and say per app what was done.
pub(super) fn point_at(
    ctx: &Context,
    server: &crate::store::SelectedServer,
    entries: &[crate::store::config::AppEntry],
) -> Result<()> {
    let reports = ops_apps::give_server(ctx, server, entries);
    render_reports(ctx, &reports);
    failed(&reports)
}

/// After `logout`: with `--apps`, clear each app's token; without, say which apps still
/// hold a token from this link (each its own device, which `--revoke` does not sign out).
pub(super) fn after_logout(
    ctx: &Context,
    entries: &[crate::store::config::AppEntry],
    clear: bool,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    if clear {
        let reports = ops_apps::clear_tokens(ctx, entries)?;
        render_reports(ctx, &reports);
        return failed(&reports);
    }
    let names: Vec<String> = entries.iter().map(|a| safe(&a.name).into_owned()).collect();
    ctx.out.notice(format!(
        "these apps still hold their tokens from this link: {}; `plex-auth logout --apps` clears them, and Plex's Authorized Devices signs each out",
        names.join(", ")
    ));
    Ok(())
}

/// Exit with the first failure's kind when any app failed, naming how many.
pub(super) fn failed(reports: &[Report]) -> Result<()> {
    let failures: Vec<&Error> = reports
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed(e) => Some(e),
            _ => None,
        })
        .collect();
    let Some(first) = failures.first() else {
        return Ok(());
    };
    let mut err = Error::new(
        first.kind,
        format!(
            "{} of {} apps were not updated",
            failures.len(),
            reports.len()
        ),
    );
    err.hint = first.hint.clone();
    Err(err)
}
