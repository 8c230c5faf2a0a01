//! One file per command. This module dispatches and holds the few steps several commands
//! share (identity, plex.tv client, the stored token, Bazarr's file).

pub mod bazarr_sync;
pub mod completions;
pub mod login;
pub mod logout;
pub mod man;
pub mod migrate_apikey;
pub mod select;
pub mod servers;
pub mod status;
pub mod validate;

use std::future::Future;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cli::Command;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::plex::types::User;
use crate::plex::{Identity, PlexClient};
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

/// Run async work on a small single-threaded runtime: everything here is I/O-bound, and
/// probing many servers at once needs concurrency, not threads.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))?;
    Ok(rt.block_on(fut))
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The install's identity towards Plex (created on first use and kept), and a plex.tv
/// client that carries it. Made once per command and passed down.
pub struct Plex {
    pub identity: Identity,
    pub client: PlexClient,
}

pub fn plex(ctx: &Context) -> Result<Plex> {
    let identity = Identity::new(store::config::ensure_client_identifier(&ctx.config_dir)?);
    let client = PlexClient::new(ctx.plex_url.clone(), &identity, ctx.request_timeout)?;
    Ok(Plex { identity, client })
}

/// The stored token, or exit 3 when there is none.
pub fn stored_token(ctx: &Context, cfg: &Config) -> Result<Secret> {
    ctx.vault()
        .load_token(cfg)?
        .ok_or_else(Error::not_logged_in)
}

/// Record what plex.tv said of the stored token ("ok", "rejected", "unreachable"), and the
/// account's current name and email when it answered.
pub fn record_validation(ctx: &Context, verdict: &str, user: Option<&User>) -> Result<()> {
    store::config::update(&ctx.config_dir, |cfg| {
        if let Some(account) = cfg.account.as_mut() {
            account.validated_at = Some(now());
            account.last_result = Some(verdict.to_string());
            if let Some(user) = user {
                account.username = user.username.clone();
                account.email = user.email.clone();
            }
        }
        Ok(())
    })
}

/// "3 minutes ago", for status lines.
pub fn ago(then: u64) -> String {
    let secs = now().saturating_sub(then);
    let (n, unit) = match secs {
        0..60 => return "just now".into(),
        60..3600 => (secs / 60, "minute"),
        3600..86400 => (secs / 3600, "hour"),
        _ => (secs / 86400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

pub fn timestamp(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + std::time::Duration::from_secs(secs)).to_string()
}
