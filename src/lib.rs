//! plex-auth: link a Plex account to a machine, keep the link healthy, and keep Bazarr's Plex
//! settings in sync. The binary is a thin wrapper around [`run`].

pub mod apps;
pub mod bazarr;
pub mod cli;
pub mod commands;
pub mod context;
pub mod error;
pub mod events;
pub mod fs;
pub mod metrics;
pub mod ops;
pub mod output;
pub mod picker;
pub mod plex;
pub mod render;
pub mod secret;
pub mod signals;
pub mod store;
pub mod terminal;
pub mod text;
pub mod time;

use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::{Cli, Command, names};
use crate::context::Context;
use crate::error::{Error, ErrorKind};

/// The product name plex.tv shows on the user's list of authorized devices.
pub const PRODUCT: &str = "plex-auth";

/// Parse the command line, run one command, report, and say how to exit.
pub fn run() -> ExitCode {
    // Every file plex-auth creates is private to its user, whatever the caller's umask.
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    // First, so that no moment of a run can be cut short by a signal (see `signals`).
    signals::install(std::env::args_os().any(|a| a == "--json"));
    let matches = match cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(err) => return usage_error(err),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    let from_env = context::FromEnv::of(&matches);
    let json_events = cli.global.json && matches!(cli.command, Command::Login(_));
    let ctx = match runtime().and_then(|rt| Context::from_args(&cli.global, from_env, rt)) {
        Ok(ctx) => ctx,
        Err(err) => {
            let out = output::Output::new(cli.global.json, cli.global.quiet, false, false, false);
            out.error(&err, json_events);
            return err.exit_code();
        }
    };
    let name = cli.command.name();
    if let Err(err) = check_files(&ctx, name) {
        ctx.out.error(&err, json_events);
        return err.exit_code();
    }
    let revoke = matches!(&cli.command, Command::Logout(a) if a.revoke);
    // A dry run writes nothing anywhere, the event log included: nothing happened to log.
    let dry_run = matches!(&cli.command, Command::MigrateApikey(a) if a.dry_run);
    if events::is_logged(name) && !dry_run {
        events::init(ctx.state_dir.clone(), name, ctx.out.clone());
        log_subject(&ctx);
    }
    if name == names::LOGIN {
        events::emit("login_started", "started", None, None);
    }
    let result = commands::dispatch(&ctx, cli.command);
    // A result that never reached stdout is no success (a script would go on with nothing);
    // a command that failed anyway keeps its own error.
    let result = result.and_then(|()| output::stdout_failure().map_or(Ok(()), Err));
    // The command's outcome in the event log: one place, for every command.
    let kind = result.as_ref().err().map(|e| e.kind);
    if let Some(event) = events::closing_event(name, revoke, kind) {
        // What the command changed (a new account or server) is in config.toml now; a
        // failure keeps what the command said it was about (the server that failed).
        if kind.is_none() {
            log_subject(&ctx);
        }
        let code = kind.map_or(0, |k| k.exit_code());
        events::finish(&event, events::outcome(kind), code, kind.map(|k| k.code()));
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            ctx.out.error(&err, json_events);
            err.exit_code()
        }
    }
}

/// The account and server the log's events are about, from config.toml as it is now. A
/// logout keeps the names read before it.
/// The folders and the key a command trusts, checked before it uses them, as ssh checks
/// `~/.ssh`: run as root, one that another user owns or can write is refused (exit 8), as
/// they could put their own key or config there; a key or folder others can read or use is
/// said on every command but `status` (which lists it among its warnings), even under
/// `--quiet`, since cron should hear of it.
fn check_files(ctx: &Context, name: &str) -> Result<(), Error> {
    if matches!(name, names::COMPLETIONS | names::MAN) {
        return Ok(());
    }
    let mut paths: Vec<&std::path::Path> = vec![&ctx.config_dir, &ctx.key_path];
    paths.extend(ctx.key_path.parent());
    paths.extend(ctx.state_dir.as_deref());
    if rustix::process::geteuid().is_root() {
        for path in paths {
            if let Some((what, fix)) = crate::fs::untrusted_by_root(path) {
                return Err(Error::store(format!(
                    "refusing to run as root with {what}: another user could put their own key or settings there; nothing was done"
                ))
                .with_hint(format!("{fix}, then run the command again")));
            }
        }
    }
    if name != names::STATUS {
        for warning in crate::fs::mode_warnings(&[&ctx.config_dir, &ctx.key_path]) {
            ctx.out.essential(format!("warning: {warning}"));
        }
    }
    Ok(())
}

fn log_subject(ctx: &Context) {
    if let Some(cfg) = ctx.config() {
        events::set_subject(
            cfg.account.as_ref().map(|a| a.username.as_str()),
            cfg.server.as_ref().map(|s| s.name.as_str()),
        );
    }
}

/// The one async runtime of the process. Everything here is I/O-bound, and probing many
/// servers at once needs concurrency, not threads.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("cannot start the async runtime: {e}")))
}

/// clap's own errors keep clap's text and exit code 2; `--help` and `--version` exit 0. In
/// `--json` mode a script still gets the error document it expects.
fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    if matches!(err.kind(), K::DisplayHelp | K::DisplayVersion) {
        let _ = err.print();
        return ExitCode::SUCCESS;
    }
    // `args_os`: an argument that is not UTF-8 (the error being reported) must not panic here.
    if std::env::args_os().any(|a| a == "--json") {
        let e = Error::new(
            ErrorKind::Usage,
            err.render().to_string().trim().to_string(),
        );
        output::Output::new(true, false, false, false, false).error(&e, false);
    } else {
        let _ = err.print();
    }
    ExitCode::from(2)
}
