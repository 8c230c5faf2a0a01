//! One file per command. Each parses its arguments, calls into the domain (`account`,
//! `plex`, `store`, `bazarr`), and renders one view. No command calls another.

pub mod completions;
pub mod log;
pub mod login;
pub mod logout;
pub mod man;
pub mod migrate_apikey;
pub mod rotate_key;
pub mod select;
pub mod servers;
pub mod status;
pub mod token;
pub mod validate;

use std::path::{Path, PathBuf};

use crate::bazarr::api::{self as bazarr_api, ApiError, BazarrApi};
use crate::bazarr::file::BazarrFile;
use crate::cli::Command;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::plex::Plex;
use crate::secret::Secret;
use crate::store::{self, Config};

pub fn dispatch(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Login(args) => login::run(ctx, &args),
        Command::Status => status::run(ctx),
        Command::Validate(args) => validate::run(ctx, &args),
        Command::Servers(args) => servers::run(ctx, &args),
        Command::Select(args) => select::run(ctx, &args),
        Command::Logout(args) => logout::run(ctx, &args),
        Command::MigrateApikey(args) => migrate_apikey::run(ctx, &args),
        Command::RotateKey(args) => rotate_key::run(ctx, &args),
        Command::Token(args) => token::run(ctx, &args),
        Command::Log(args) => log::run(ctx, &args),
        Command::Completions(args) => completions::run(ctx, &args),
        Command::Man(args) => man::run(&args),
    }
}

/// config.toml as it is now, read once for a command's decisions before any network work.
/// Changes go through a transaction (`account`), which locks and reads it again.
fn snapshot(ctx: &Context) -> Result<Config> {
    Ok(store::config::load(&ctx.config_dir)?)
}

/// The install's identity and a plex.tv client, made once per command.
fn plex(ctx: &Context, cfg: &Config) -> Result<Plex> {
    // Checked before the client identifier is created: a bad URL writes nothing.
    let base = ctx.plex_url()?;
    let client_id = store::config::client_identifier(&ctx.config_dir, cfg)?;
    Ok(Plex::new(client_id, base, ctx.request_timeout)?)
}

/// A plex.tv client for a dry run: the recorded identifier, or one made up for this run only
/// when none is recorded, so that nothing (not even config.toml) is written.
fn plex_unrecorded(ctx: &Context, cfg: &Config) -> Result<Plex> {
    let base = ctx.plex_url()?;
    let client_id = match &cfg.client_identifier {
        Some(id) => id.clone(),
        None => store::config::new_client_identifier()?,
    };
    Ok(Plex::new(client_id, base, ctx.request_timeout)?)
}

/// Keep the names of the servers just listed for shell completion (`select <TAB>`). A
/// cache that cannot be written changes nothing else: `-v` says why.
fn remember_servers<'a>(
    ctx: &Context,
    servers: impl IntoIterator<Item = &'a crate::plex::types::Resource>,
) {
    let Some(dir) = &ctx.state_dir else {
        return;
    };
    let names = servers
        .into_iter()
        .map(|r| (r.name.as_str(), r.client_identifier.as_str()));
    if let Err(e) = store::server_names::remember(dir, names) {
        ctx.out.detail(format!(
            "could not keep the server names for completion in {}: {e}",
            dir.display()
        ));
    }
}

/// The stored token, or exit 3 when there is none.
fn stored_token(ctx: &Context, cfg: &Config) -> Result<Secret> {
    ctx.vault()
        .load_token(cfg)?
        .ok_or_else(Error::not_logged_in)
}

/// Say when Bazarr's file was left alone (a Bazarr too old for plex-auth's keys), or a value
/// was changed so that Bazarr can read it safely.
fn warn_bazarr(ctx: &Context, synced: Option<&crate::bazarr::sync::Synced>) {
    for w in synced.map(|s| s.warnings()).unwrap_or_default() {
        ctx.out.warn(w);
    }
}

/// What a command that writes Bazarr's file knows about a running Bazarr: asked before the
/// write (a short question), used afterwards to restart it or to warn.
pub(crate) struct BazarrProcess {
    api: Result<BazarrApi, ApiError>,
    running: bool,
}

impl BazarrProcess {
    pub(crate) fn running(&self) -> bool {
        self.running
    }

    pub(crate) fn address(&self) -> Option<String> {
        self.api.as_ref().ok().map(|a| a.base().to_string())
    }
}

/// Ask Bazarr's API whether it runs on the file at `path` (at most a second or two). `None`
/// when there is no Bazarr file or it cannot be read (the write reports that).
fn bazarr_process(ctx: &Context, path: Option<&Path>) -> Option<BazarrProcess> {
    let file = BazarrFile::load(path?).ok()?;
    let api = BazarrApi::for_file(&file, ctx.bazarr_url_for(file.path()));
    let running = match &api {
        Ok(api) => match ctx.block_on(api.status(bazarr_api::RUNNING_TIMEOUT)) {
            Ok(()) => true,
            Err(e @ ApiError::Withheld { .. }) => {
                ctx.out.warn(format!(
                    "{e}; the check whether Bazarr is running was skipped; {WITHHELD_FIX}"
                ));
                false
            }
            Err(_) => false,
        },
        Err(_) => false,
    };
    Some(BazarrProcess { api, running })
}

/// The one step that lets a command use Bazarr's API when its key was withheld.
const WITHHELD_FIX: &str = "if Bazarr listens there, give its address with --bazarr-url (an address named that way is trusted as it is)";

/// The Bazarr file a command that keeps Bazarr in step writes, for [`bazarr_process`].
fn bazarr_target(ctx: &Context, cfg: &Config) -> Option<PathBuf> {
    crate::bazarr::sync::target(ctx.bazarr_flag.as_deref(), cfg)
}

/// Which Bazarr file: the flag, the remembered one, else the one file found in the usual
/// places (saying which; none or several is exit 9).
fn bazarr_file_or_locate(ctx: &Context, cfg: &Config) -> Result<PathBuf> {
    if let Some(path) = bazarr_target(ctx, cfg) {
        return Ok(path);
    }
    let hints: Vec<PathBuf> = std::env::current_dir().into_iter().collect();
    let locate = crate::bazarr::locate::locate;
    let path = locate(&crate::bazarr::locate::candidates(&hints))?;
    ctx.out
        .info(format!("Using Bazarr's config at {}", path.display()));
    Ok(path)
}

/// After Bazarr's file at `path` was written: with `restart`, restart Bazarr through its API,
/// wait for it, and check it runs on the file's Plex settings (exit 5 when any of that fails,
/// saying what the file holds and what runs). Without it, warn when a running Bazarr still
/// runs on other settings, with the command that fixes it.
fn after_bazarr_write(
    ctx: &Context,
    process: Option<&BazarrProcess>,
    path: Option<&Path>,
    restart: bool,
    rerun: &str,
) -> Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let file = BazarrFile::load(path)?;
    let shown = path.display();
    if !restart {
        let Some(api) = process
            .filter(|p| p.running)
            .and_then(|p| p.api.as_ref().ok())
        else {
            return Ok(());
        };
        let stale = match ctx.block_on(api.settings()) {
            Ok(live) => {
                let d = bazarr_api::differences(&file, &live);
                if d.is_empty() {
                    return Ok(());
                }
                format!(" (it runs on other values for {})", keys_of(&d))
            }
            Err(_) => String::new(),
        };
        ctx.out.warn(format!(
            "Bazarr is running at {} and ignores the change to {shown} until it restarts{stale}; until then its next settings save (even opening its Plex settings page) writes its old values back over the file. Restart it now: {rerun}",
            api.base()
        ));
        return Ok(());
    }

    let fail = |what: String, live: &str| {
        Error::connection(format!(
            "{what}; {shown} holds the new Plex settings, {live}"
        ))
    };
    let api = match process.map(|p| &p.api) {
        Some(Ok(api)) => api,
        Some(Err(e)) => {
            return Err(
                fail(e.to_string(), "and Bazarr reads them when it next starts")
                    .with_hint("restart Bazarr yourself (or give --bazarr-url)"),
            );
        }
        None => {
            let e = BazarrApi::for_file(&file, ctx.bazarr_url_for(file.path()))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "Bazarr's API could not be asked".into());
            return Err(fail(e, "and Bazarr reads them when it next starts"));
        }
    };
    let before = ctx.block_on(api.settings()).map_err(|e| match e {
        ApiError::Withheld { .. } => fail(
            format!("the restart was skipped: {e}"),
            "and Bazarr reads them when it next starts",
        )
        .with_hint(format!("{WITHHELD_FIX}, or restart Bazarr yourself")),
        e => fail(e.to_string(), "and Bazarr reads them when it next starts").with_hint(
            "start Bazarr (it reads the file then), or give its address with --bazarr-url",
        ),
    })?;
    if bazarr_api::differences(&file, &before).is_empty() {
        ctx.out.info(format!(
            "Bazarr at {} already runs on the Plex settings in {shown}; no restart needed.",
            api.base()
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
            fail(e.to_string(), "but whether Bazarr runs on them is unknown")
                .with_hint("check Bazarr, then run this command again")
        })?;
    let live = ctx.block_on(api.settings()).map_err(|e| {
        fail(
            format!("Bazarr restarted but {e}"),
            "but whether Bazarr runs on them is unknown",
        )
    })?;
    // Bazarr may have saved over the file between the write and the restart: compare with
    // the file as it is now.
    let now = BazarrFile::load(path)?;
    let diffs = bazarr_api::differences(&now, &live);
    if !diffs.is_empty() {
        let list: Vec<String> = diffs.iter().map(|d| d.describe()).collect();
        return Err(fail(
            "Bazarr restarted but runs on other Plex settings".into(),
            &format!("what runs differs: {}", list.join("; ")),
        )
        .with_hint("run this command again; if it repeats, something else rewrites the file"));
    }
    ctx.out.info(format!(
        "Restarted Bazarr in {} s; it runs on the new Plex settings.",
        took.as_secs()
    ));
    Ok(())
}

fn keys_of(diffs: &[bazarr_api::Difference]) -> String {
    diffs
        .iter()
        .map(|d| d.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `plex-auth [--bazarr-url URL] ARGS --restart-bazarr`, quoted for a shell.
fn restart_command(ctx: &Context, args: &str) -> String {
    let url = ctx
        .bazarr_url
        .as_ref()
        .map(|u| {
            format!(
                "--bazarr-url {} ",
                crate::fs::shell_quote(Path::new(u.as_str()))
            )
        })
        .unwrap_or_default();
    format!("`plex-auth {url}{args} --restart-bazarr`")
}

/// `status`: whether Bazarr answers at its address, asked without its API key (`GET
/// /api/system/ping`); the key never leaves plex-auth here. A listener at the file's
/// address that is not Bazarr's is not asked at all, and said so.
fn bazarr_live(ctx: &Context, status: &mut crate::bazarr::sync::BazarrStatus) {
    if !status.readable {
        return;
    }
    let Ok(file) = BazarrFile::load(&status.path) else {
        return;
    };
    let Ok(api) = BazarrApi::for_file(&file, ctx.bazarr_url_for(file.path())) else {
        return;
    };
    let address = api.base().as_str();
    if let Err(e @ ApiError::Withheld { .. }) = api.check_listener() {
        status.warnings.push(format!(
            "{e}; commands that use Bazarr's API skip the running check and --restart-bazarr there; {WITHHELD_FIX}"
        ));
        return;
    }
    let answers = ctx.block_on(api.ping(bazarr_api::RUNNING_TIMEOUT)).is_ok();
    crate::bazarr::sync::add_running(status, answers, address);
}
