//! One file per command. Each parses its arguments, calls into the domain (`account`,
//! `plex`, `store`, `bazarr`), and renders one view. No command calls another.

pub mod completions;
pub mod login;
pub mod logout;
pub mod man;
pub mod migrate_apikey;
pub mod select;
pub mod servers;
pub mod status;
pub mod validate;

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
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

/// config.toml as it is now, read once for a command's decisions before any network work.
/// Changes go through a transaction (`account`), which locks and reads it again.
fn snapshot(ctx: &Context) -> Result<Config> {
    store::config::load(&ctx.config_dir)
}

/// The install's identity and a plex.tv client, made once per command.
fn plex(ctx: &Context, cfg: &Config) -> Result<Plex> {
    // Checked before the client identifier is created: a bad URL writes nothing.
    let base = ctx.plex_url()?;
    let client_id = store::config::client_identifier(&ctx.config_dir, cfg)?;
    Plex::new(client_id, base, ctx.request_timeout)
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
