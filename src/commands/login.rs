//! `plex-auth login`: link an account by PIN (browser), import a token from stdin, or adopt
//! the link made in Bazarr's web UI (`--from-bazarr`). On a terminal with no server chosen
//! yet, offers the server picker afterwards.

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::bazarr::keys;
use crate::cli::LoginArgs;
use crate::commands::{bazarr_file_or_locate, plex, restart_command, snapshot, warn_bazarr};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::target::bazarr::Bazarr;
use crate::ops::target::{DynTarget, Target};
use crate::ops::{link, server as ops_server};
use crate::output::safe;
use crate::picker;
use crate::plex::probe::ServerReport;
use crate::plex::types::User;
use crate::plex::{Plex, PlexError, pin, servers};
use crate::render::{AccountView, SelectedView};
use crate::secret::Secret;
use crate::store::{self, AuthMethod, Backend, Config};
use crate::time::{mmss, timestamp};

/// The NDJSON events of `login --json`.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
enum Event {
    Pin {
        code: String,
        link: String,
        expires_at: String,
        expires_in: u64,
    },
    Linked {
        already: bool,
        account: AccountView,
        #[serde(skip_serializing_if = "Option::is_none")]
        auth_method: Option<AuthMethod>,
        #[serde(skip_serializing_if = "Option::is_none")]
        store: Option<Backend>,
        #[serde(skip_serializing_if = "Option::is_none")]
        bazarr_config: Option<Option<PathBuf>>,
    },
}

pub fn run(ctx: &Context, args: &LoginArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    if !args.with_token && !args.from_bazarr {
        // The sign-in link's base is checked before anything is written or asked.
        ctx.app_url()?;
    }
    let mut bazarr = bazarr_for(ctx, &cfg, args)?;
    // So is a store that cannot take the token (exit 8), before a PIN is created.
    ctx.vault().precheck(&cfg)?;
    let plex = plex(ctx, &cfg)?;
    if args.with_token {
        let token = read_token_from_stdin(ctx)?;
        let user = check_given_token(ctx, &plex, &token)?;
        let method = AuthMethod::Token;
        return finish(ctx, &plex, &token, &user, method, args, bazarr.as_mut());
    }
    if let Some(adopted) = bazarr.as_mut().filter(|_| args.from_bazarr) {
        return from_bazarr(ctx, &plex, args, adopted);
    }
    if !args.force
        && let Some((user, token)) = already_linked(ctx, &plex, &cfg)?
    {
        return confirm(ctx, &plex, &token, &user, args, bazarr);
    }
    let token = pin_flow(ctx, &plex, args)?;
    let user = ctx.block_on(plex.client.user(&token))?;
    let method = AuthMethod::Pin;
    finish(ctx, &plex, &token, &user, method, args, bazarr.as_mut())
}

/// The Bazarr file this login writes, read now: one that cannot be used is exit 9 before
/// the user approves anything. `--from-bazarr` reads the one it adopts (found in the usual
/// places if need be).
fn bazarr_for(ctx: &Context, cfg: &Config, args: &LoginArgs) -> Result<Option<Bazarr>> {
    let mut bazarr = if args.from_bazarr {
        Some(Bazarr::at(ctx, &bazarr_file_or_locate(ctx, cfg)?)?)
    } else {
        Bazarr::kept_in_step(ctx, cfg)?
    };
    if let Some(b) = bazarr.as_mut() {
        b.observe(ctx);
    }
    Ok(bazarr)
}

/// `--with-token`: the account the given token belongs to. The token given is the one that
/// does not work when plex.tv rejects it: linking again is not the fix.
fn check_given_token(ctx: &Context, plex: &Plex, token: &Secret) -> Result<User> {
    ctx.block_on(plex.client.user(token)).map_err(|e| {
        let err = Error::from(e);
        match err.kind {
            ErrorKind::InvalidToken | ErrorKind::TokenExpired => err
                .context("the token given was not stored")
                .with_hint("pass a token plex.tv accepts (a fresh one from a working Plex client or app), or run `plex-auth login` without --with-token to link by PIN"),
            _ => err,
        }
    })
}

/// Already linked with a token plex.tv accepts: a no-op but for Bazarr, which is made to
/// hold it too.
fn confirm(
    ctx: &Context,
    plex: &Plex,
    token: &Secret,
    user: &User,
    args: &LoginArgs,
    mut bazarr: Option<Bazarr>,
) -> Result<()> {
    let synced = link::confirm(ctx, token, user, target(&mut bazarr))?;
    warn_bazarr(ctx, synced.as_ref());
    let apps = super::apps::keep_in_step(ctx, plex, token, user, &apps_of(ctx))
        .and_then(|reports| super::apps::failed(&reports));
    settle(ctx, bazarr.as_ref(), args)?;
    apps?;
    if ctx.out.json {
        ctx.out.json_value(&Event::Linked {
            already: true,
            account: AccountView::from(user),
            auth_method: None,
            store: None,
            bazarr_config: None,
        });
    } else {
        ctx.out.result(format!(
            "Already logged in as {} ({}); the stored token is valid. Use --force to link again.",
            safe(&user.username),
            safe(&user.email)
        ));
    }
    Ok(())
}

/// The apps registered when the command started.
fn apps_of(ctx: &Context) -> Vec<crate::store::config::AppEntry> {
    ctx.config().map(|c| c.apps.clone()).unwrap_or_default()
}

/// The Bazarr a command keeps in step, as the ops take it.
fn target(bazarr: &mut Option<Bazarr>) -> Option<&mut DynTarget> {
    bazarr.as_mut().map(|b| b as &mut DynTarget)
}

/// Restart a running Bazarr (or say it still runs on the old settings) once its file holds
/// plex-auth's keys.
fn settle(ctx: &Context, bazarr: Option<&Bazarr>, args: &LoginArgs) -> Result<()> {
    match bazarr {
        Some(b) => b.settle(
            ctx,
            args.restart.bazarr,
            &restart_command(ctx, crate::cli::names::LOGIN),
        ),
        None => Ok(()),
    }
}

/// `--from-bazarr`: the token Bazarr's web UI signed into its file, opened with its
/// `encryption_key` and checked at plex.tv, is stored here, and the file is remembered, so
/// `validate` (from cron) watches a link made in Bazarr too. A token that does not open is
/// exit 9; one plex.tv rejects is exit 4; either way nothing is written.
fn from_bazarr(ctx: &Context, plex: &Plex, args: &LoginArgs, bazarr: &mut Bazarr) -> Result<()> {
    let path = bazarr.path_buf();
    let token = keys::read_token(bazarr.file()).map_err(|why| {
        Error::config(format!("{why} in {}", path.display())).with_hint(
            "link Plex in Bazarr's settings first, or run `plex-auth login` to link here and write Bazarr's keys",
        )
    })?;
    let user = ctx.block_on(plex.client.user(&token)).map_err(|e| {
        Error::from(e).context(format!(
            "checking Bazarr's plex.token from {}",
            path.display()
        ))
    })?;
    finish(
        ctx,
        plex,
        &token,
        &user,
        AuthMethod::Bazarr,
        args,
        Some(bazarr),
    )
}

/// A stored token that plex.tv still accepts makes login a no-op, so install scripts can run
/// it every time. A rejected or unreadable one is replaced by linking again.
fn already_linked(ctx: &Context, plex: &Plex, cfg: &Config) -> Result<Option<(User, Secret)>> {
    let token = match ctx.vault().load_token(cfg) {
        Ok(Some(token)) => token,
        Ok(None) => return Ok(None),
        Err(e) if e.is_decrypt_failure() => {
            ctx.out.warn(format!("{e}; linking again replaces it"));
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    match ctx.block_on(plex.client.user(&token)) {
        Ok(user) => Ok(Some((user, token))),
        Err(PlexError::Rejected(_) | PlexError::Expired) => {
            ctx.out
                .info("The stored token is no longer accepted by plex.tv; linking again.");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// The most of stdin `--with-token` reads: a token of at most 4 KiB with room for the
/// whitespace around it.
const MAX_STDIN: u64 = 8 * 1024;

/// The token comes from stdin only: argv is visible to every user on the machine.
fn read_token_from_stdin(ctx: &Context) -> Result<Secret> {
    // Wiped when dropped, like the Secret made from it.
    let raw = if ctx.can_prompt() {
        // A person at a terminal: ask, and do not show what is pasted.
        crate::terminal::read_hidden_line("Paste the Plex token (it is not shown): ")
            .map_err(|e| Error::new(ErrorKind::Usage, format!("cannot read the token: {e}")))?
            .unwrap_or_default()
    } else if ctx.env.stdin_tty {
        return Err(Error::new(
            ErrorKind::Usage,
            "--with-token reads the token from standard input, which is a terminal here",
        )
        .with_hint("pipe it in, e.g. `plex-auth login --with-token < token.txt`"));
    } else {
        // Read no further than the bound, so an endless stream (`yes |`) is refused at once
        // instead of filling memory.
        let mut bytes = zeroize::Zeroizing::new(Vec::new());
        std::io::stdin()
            .take(MAX_STDIN + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                Error::new(ErrorKind::Usage, format!("cannot read standard input: {e}"))
            })?;
        match std::str::from_utf8(&bytes) {
            Ok(text) if bytes.len() as u64 <= MAX_STDIN => zeroize::Zeroizing::new(text.to_owned()),
            _ => zeroize::Zeroizing::new(String::new()),
        }
    };
    let token = Secret::new(raw.trim());
    let t = token.expose();
    if t.is_empty() || t.len() > 4096 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::new(
            ErrorKind::Usage,
            "standard input does not hold a Plex token (expected one word)",
        )
        .with_hint(
            "pipe just the token, e.g. `printf %s \"$TOKEN\" | plex-auth login --with-token`",
        ));
    }
    Ok(token)
}

/// Create a PIN, show the link (and open the browser), then wait for approval.
fn pin_flow(ctx: &Context, plex: &Plex, args: &LoginArgs) -> Result<Secret> {
    let app_url = ctx.app_url()?;
    // A long link is hard to copy over SSH (it wraps); a short code is typed at plex.tv/link
    // on any device. Scripts reading --json get the link, as they always have.
    let short = args.short_code || (!args.link && !args.qr && !ctx.out.json && ctx.env.headless());
    // Deadlines are on the monotonic clock: a wall clock that steps (NTP at first boot)
    // must neither end the wait early nor stretch it.
    let created = Instant::now();
    let pin = ctx.block_on(plex.client.create_pin(!short))?;
    let link = if short {
        pin::link_page(&ctx.plex_url()?)
    } else {
        pin::auth_link(&app_url, &plex.identity.client_id, &pin.code)
    };
    let expires = pin::expiry_of(&pin, created);
    let timeout_at = args
        .timeout
        .and_then(|s| Instant::now().checked_add(Duration::from_secs(s)));
    // The countdown people see is the wait they get: `--timeout` when it ends first.
    let limit = timeout_at.map_or(expires, |t| t.min(expires));
    let left = limit.saturating_duration_since(Instant::now());
    // Whole seconds, rounded up: `--timeout 1` shows 0:01, not 0:00.
    let left = Duration::from_secs(left.as_secs_f64().ceil() as u64);

    show_pin(ctx, args, &pin, &link, short, (expires, limit, left));
    open_browser(ctx, args, &link, short);

    wait_for_approval(ctx, plex, &pin, expires, timeout_at)
}

/// The link (or the short code) and how long it lasts; the JSON document for scripts.
fn show_pin(
    ctx: &Context,
    args: &LoginArgs,
    pin: &crate::plex::types::Pin,
    link: &str,
    short: bool,
    (expires, limit, left): (Instant, Instant, Duration),
) {
    if ctx.out.json {
        // What the document shows on the wall clock is only for people: the wait itself
        // ends on the monotonic deadline.
        let expires_in = expires.saturating_duration_since(Instant::now());
        let expires_secs = crate::time::now().saturating_add(expires_in.as_secs());
        ctx.out.json_value(&Event::Pin {
            code: pin.code.clone(),
            link: link.to_string(),
            expires_at: timestamp(expires_secs),
            expires_in: expires_in.as_secs(),
        });
    }
    let wait = if limit < expires {
        format!("waiting {} at most (--timeout)", mmss(left))
    } else {
        format!("expires in {}", mmss(left))
    };
    // The link or code is the point of the command: shown even with --quiet. A strong PIN's
    // code cannot be typed anywhere; it is shown only so the link can be checked.
    if short {
        ctx.out.essential(format!(
            "To link this machine, go to {link} on any device, sign in to Plex and enter this code:\n\n  {}\n\n({wait}; `--link` prints a sign-in link to open instead)",
            pin.code,
        ));
    } else {
        ctx.out.essential(format!(
            "To link this machine, open this link, sign in to Plex and approve {}:\n\n  {link}\n\nCode: {} (part of the link, to check the link is yours); {wait}",
            crate::PRODUCT,
            pin.code,
        ));
        if args.qr && !ctx.out.json {
            ctx.out.essential(crate::render::qr_code(link));
        }
    }
}

/// Wait for the PIN's approval, showing a countdown (a spinner on a terminal). Ctrl-C and
/// SIGTERM end the wait cleanly (exit 130): nothing has been stored yet.
fn wait_for_approval(
    ctx: &Context,
    plex: &Plex,
    pin: &crate::plex::types::Pin,
    expires: Instant,
    timeout_at: Option<Instant>,
) -> Result<Secret> {
    let _own_handler = crate::signals::handled_elsewhere();
    let progress = Waiting {
        out: &ctx.out,
        spinner: ctx.out.spinner("Waiting for approval in the browser…"),
    };
    if progress.spinner.is_none() {
        ctx.out.info("Waiting for approval…");
    }
    let result = ctx.block_on(async {
        tokio::select! {
            result = pin::wait_for_token(&plex.client, pin, expires, timeout_at, &progress) => {
                result.map_err(Error::from)
            }
            () = crate::signals::interrupted() => Err(Error::interrupted()),
        }
    });
    // Cleared here, not by the wait: on Ctrl-C the wait is dropped mid-await, and no frame
    // may stay on screen above the message.
    if let Some(bar) = &progress.spinner {
        bar.finish_and_clear();
    }
    result
}

/// The PIN wait as the user sees it.
struct Waiting<'a> {
    out: &'a crate::output::Output,
    spinner: Option<indicatif::ProgressBar>,
}

impl pin::WaitProgress for Waiting<'_> {
    fn left(&self, left: Duration) {
        if let Some(bar) = &self.spinner {
            bar.set_message(format!(
                "Waiting for approval in the browser… {} left",
                mmss(left)
            ));
        }
    }

    fn retrying(&self, why: &PlexError, wait: Duration) {
        self.out
            .detail(format!("{why}; trying again in {}s", wait.as_secs()));
    }
}

fn open_browser(ctx: &Context, args: &LoginArgs, link: &str, short: bool) {
    if args.no_browser {
        return;
    }
    if ctx.env.headless() {
        ctx.out.info(if short {
            "No browser here (SSH or no display): enter the code on any device."
        } else {
            "No browser here (SSH or no display): open the link on any device."
        });
        return;
    }
    if let Err(e) = webbrowser::open(link) {
        ctx.out.warn(format!(
            "could not open a browser ({e}); open the link above yourself"
        ));
    }
}

/// Seal and store the token, record the account, keep Bazarr in step, say who is linked.
#[allow(clippy::too_many_arguments)]
fn finish(
    ctx: &Context,
    plex: &Plex,
    token: &Secret,
    user: &User,
    method: AuthMethod,
    args: &LoginArgs,
    mut bazarr: Option<&mut Bazarr>,
) -> Result<()> {
    let target = bazarr.as_deref_mut().map(|b| b as &mut DynTarget);
    let linked = match link::link(ctx, token, user, method, target) {
        Ok(linked) => linked,
        // A new token that cannot be stored is signed out, not left working unseen.
        Err(e) if method == AuthMethod::Pin && e.kind != ErrorKind::Interrupted => {
            return Err(sign_out_unstored(ctx, plex, token, e));
        }
        Err(e) => return Err(e),
    };
    let (backend, synced) = (linked.backend, linked.bazarr);
    warn_bazarr(ctx, synced.as_ref());
    if backend == Backend::File
        && let Some(note) = crate::render::key_beside_token(ctx)
    {
        ctx.out.info(format!("note: {note}"));
    }
    let written = synced.as_ref().and_then(|s| s.updated()).map(PathBuf::from);
    say_linked(ctx, user, method, backend, written);
    if method == AuthMethod::Pin && !args.no_select && !linked.has_server && ctx.can_prompt() {
        crate::signals::on_interrupt(PICKER_INTERRUPTED, Some(PICKER_HINT));
        offer_picker(ctx, plex, token, user, bazarr.as_deref_mut())?;
        crate::signals::on_interrupt(crate::signals::NOTHING_HALF_WRITTEN, None);
    }
    // After the picker, so that the apps get the server chosen there too.
    let apps = super::apps::keep_in_step(ctx, plex, token, user, &apps_of(ctx))
        .and_then(|reports| super::apps::failed(&reports));
    // After the picker, so that one restart carries the sign-in and the server.
    settle(ctx, bazarr.as_deref(), args)?;
    apps.map_err(|e| e.context(format!("logged in as {}", safe(&user.username))))
}

/// Who is linked, where the token is, and what became of Bazarr's file.
fn say_linked(
    ctx: &Context,
    user: &User,
    method: AuthMethod,
    backend: Backend,
    written: Option<PathBuf>,
) {
    if ctx.out.json {
        ctx.out.json_value(&Event::Linked {
            already: false,
            account: AccountView::from(user),
            auth_method: Some(method),
            store: Some(backend),
            bazarr_config: Some(written),
        });
        return;
    }
    let place = match backend {
        Backend::Keyring => "the OS keyring".to_string(),
        Backend::File => store::config::path(&ctx.config_dir).display().to_string(),
    };
    ctx.out.result(format!(
        "Logged in as {} ({}). The token is sealed and stored in {}.",
        safe(&user.username),
        safe(&user.email),
        safe(&place)
    ));
    match (written, method) {
        (Some(path), AuthMethod::Bazarr) => ctx.out.info(format!(
            "Took the token from Bazarr's {}; `plex-auth validate` now checks it",
            path.display()
        )),
        (Some(path), _) => ctx.out.info(format!("Updated Bazarr's {}", path.display())),
        (None, _) => {}
    }
}

/// The approved token could not be stored: sign it out at plex.tv so no working token is
/// left that nobody holds, and say which way that went.
fn sign_out_unstored(ctx: &Context, plex: &Plex, token: &Secret, err: Error) -> Error {
    let outcome = match ctx.block_on(plex.client.signout(token)) {
        Ok(()) | Err(PlexError::Rejected(_) | PlexError::Expired) => {
            "the approved token was signed out at plex.tv".to_string()
        }
        Err(e) => format!(
            "the approved token could not be signed out at plex.tv ({e}); remove the device \
             {} from your Plex account's authorized devices",
            plex.identity.device_name
        ),
    };
    err.context(format!("not linked ({outcome})"))
}

/// Ctrl-C at the picker comes after the account was linked: only the server is left.
const PICKER_INTERRUPTED: &str =
    "interrupted at the server picker: the account is linked, and no server was chosen";
const PICKER_HINT: &str =
    "choose one with `plex-auth select NAME` (`plex-auth servers` lists them)";

/// The picker's probe timeout, per connection.
const PICKER_TIMEOUT: f64 = 3.0;

/// After a PIN login on a terminal with no server chosen yet: show the servers and let the
/// user pick one, or press Enter to skip.
fn offer_picker(
    ctx: &Context,
    plex: &Plex,
    token: &Secret,
    user: &User,
    mut bazarr: Option<&mut Bazarr>,
) -> Result<()> {
    let Some(reports) = find_servers(ctx, plex, token) else {
        return Ok(());
    };
    picker::show(ctx, &reports, None);
    loop {
        let answer = picker::ask(ctx, reports.len(), "skip").map_err(|e| match e.kind {
            ErrorKind::Interrupted => {
                Error::new(ErrorKind::Interrupted, PICKER_INTERRUPTED).with_hint(PICKER_HINT)
            }
            _ => e,
        })?;
        let Some(index) = answer else {
            ctx.out
                .info("Skipped; choose later with `plex-auth select`.");
            return Ok(());
        };
        let report = &reports[index];
        match choose(ctx, plex, token, user, report, bazarr.as_deref_mut()) {
            Ok(server) => {
                SelectedView::new(&server, report).render(&ctx.out);
                if !report.resource.owned {
                    ctx.out.notice(format!(
                        "{} is {}, not yours",
                        crate::output::safe(&report.resource.name),
                        servers::owner_phrase(&report.resource)
                    ));
                }
                return Ok(());
            }
            Err(e) => ctx.out.warn(e.message),
        }
    }
}

/// The account's servers, probed, for the picker; `None` (said) when there are none to show.
fn find_servers(ctx: &Context, plex: &Plex, token: &Secret) -> Option<Vec<ServerReport>> {
    let spinner = ctx.out.spinner("Looking for your Plex servers…");
    let found = ctx.block_on(servers::fetch_and_probe(
        plex,
        token,
        None,
        ctx.probe_timing(PICKER_TIMEOUT),
    ));
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    match found {
        Ok(reports) if reports.is_empty() => None,
        Ok(reports) => {
            crate::commands::remember_servers(ctx, reports.iter().map(|r| &r.resource));
            Some(reports)
        }
        Err(e) => {
            ctx.out.warn(format!(
                "could not list servers ({e}); choose one later with `plex-auth servers`"
            ));
            None
        }
    }
}

/// The server picked: its access checked, then chosen here and in Bazarr.
fn choose(
    ctx: &Context,
    plex: &Plex,
    token: &Secret,
    user: &User,
    report: &ServerReport,
    bazarr: Option<&mut Bazarr>,
) -> Result<crate::store::SelectedServer> {
    let server = ctx.block_on(servers::verify_access(
        &plex.identity,
        token,
        report,
        false,
        PICKER_TIMEOUT,
    ))?;
    let target = bazarr.map(|b| b as &mut DynTarget);
    let synced = ops_server::choose_server(ctx, Some(user.id), &server, target)?;
    warn_bazarr(ctx, synced.as_ref());
    Ok(server)
}
