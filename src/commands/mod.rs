//! One file per command. Each parses its arguments, reads what it needs once, calls one op
//! (`ops`, or a read of the domain for the commands that only look), and renders one view.
//! No command calls another.

pub mod apps;
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
        Command::Apps(args) => apps::run(ctx, args),
        Command::Token(args) => token::run(ctx, &args),
        Command::Log(args) => log::run(ctx, &args),
        Command::Completions(args) => completions::run(ctx, &args),
        Command::Man(args) => man::run(&args),
    }
}

/// config.toml as the command found it (read once, by `Context`), for its decisions before
/// any network work. Changes go through a transaction (`ops`), which locks and reads it
/// again. One that could not be read is read once more, for the error that says why.
fn snapshot(ctx: &Context) -> Result<Config> {
    match ctx.config() {
        Some(cfg) => Ok(cfg.clone()),
        None => Ok(store::config::load(&ctx.config_dir)?),
    }
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

/// Which Bazarr file: the flag, the remembered one, else the one file found in the usual
/// places (saying which; none or several is exit 9).
fn bazarr_file_or_locate(ctx: &Context, cfg: &Config) -> Result<PathBuf> {
    if let Some(path) = crate::bazarr::sync::target(ctx.bazarr_flag.as_deref(), cfg) {
        return Ok(path);
    }
    let hints: Vec<PathBuf> = std::env::current_dir().into_iter().collect();
    let locate = crate::bazarr::locate::locate;
    let path = locate(&crate::bazarr::locate::candidates(&hints))?;
    ctx.out
        .info(format!("Using Bazarr's config at {}", path.display()));
    Ok(path)
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
