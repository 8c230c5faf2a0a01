//! `plex-auth validate`: ask plex.tv whether the stored token is still good. Made for cron:
//! exit 0, 4 (rejected) or 5 (unreachable, retry later), silent on success with `--quiet`.

use serde::Serialize;

use crate::bazarr::keys;
use crate::bazarr::sync::Synced;
use crate::cli::ValidateArgs;
use crate::commands::{plex, restart_command, snapshot, stored_token, warn_bazarr};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::metrics;
use crate::ops::rotate;
use crate::ops::target::bazarr::Bazarr;
use crate::ops::target::{DynTarget, Target};
use crate::ops::{link, server as ops_server};
use crate::output::safe;
use crate::plex::servers;
use crate::plex::types::User;
use crate::plex::{Plex, PlexError};
use crate::render::AccountView;
use crate::secret::Secret;
use crate::store::state::Verdict;
use crate::store::{Config, SelectedServer};

#[derive(Serialize)]
struct ValidateView {
    valid: bool,
    account: AccountView,
    server: Option<ServerCheckView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bazarr_server: Option<BazarrServerView>,
    /// Each registered app's copy, read offline.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    apps: Vec<crate::render::AppView>,
}

/// `validate --server`'s check of the server keys in Bazarr's file.
#[derive(Serialize)]
struct BazarrServerView {
    url: String,
    machine_id: String,
    answers: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// The selected server's keys were written over them.
    repaired: bool,
}

#[derive(Serialize)]
struct ServerCheckView {
    name: String,
    machine_id: String,
    url: String,
    latency_ms: Option<u64>,
    changed: bool,
    previous_url: Option<String>,
}

pub fn run(ctx: &Context, args: &ValidateArgs) -> Result<()> {
    let mut asked = None;
    let (result, server) = check(ctx, args, &mut asked);
    if let Some(path) = &args.metrics_file {
        write_metrics(ctx, path, &result, server, asked);
    }
    result
}

/// `--metrics-file`: whatever the verdict (a failure is what monitoring is for). A file that
/// cannot be written is said even under `--quiet`, and does not change the exit code, which
/// belongs to the token.
fn write_metrics(
    ctx: &Context,
    path: &std::path::Path,
    result: &Result<()>,
    server: Option<metrics::ServerSample>,
    asked: Option<Vec<crate::ops::apps::AppStatus>>,
) {
    let kind = result.as_ref().err().map(|e| e.kind);
    let verdict = ErrorKind::verdict(kind);
    let now = crate::time::now();
    let stats = ctx
        .state_dir
        .as_deref()
        .map(|dir| metrics::record(dir, verdict, now))
        .transpose()
        .unwrap_or_else(|why| {
            ctx.out.detail(format!(
                "warning: validate's counters were not updated: {why}"
            ));
            None
        });
    let cfg = snapshot(ctx).unwrap_or_default();
    // plex-auth's own Bazarr's series compares its token with the account's: read only then.
    let own_bazarr_token = cfg
        .bazarr_config
        .as_ref()
        .and_then(|_| ctx.vault().load_token(&cfg).ok().flatten());
    let run = metrics::Run {
        now,
        result: verdict,
        exit_code: kind.map_or(0, |k| k.exit_code()),
        stats,
        linked_at: cfg.account.as_ref().map(|a| a.linked_at),
        key_created_at: cfg
            .key_id
            .as_ref()
            .and_then(|_| rotate::key_created_at(&cfg, &ctx.key_path)),
        server,
        apps: app_samples(&cfg, own_bazarr_token.as_ref(), asked),
    };
    if let Err(e) = metrics::write(path, &metrics::render(&run)) {
        // Not silenced by --quiet: the metrics are part of the job cron asked for, and a
        // file that cannot be written fails that part every run until it is fixed.
        ctx.out.essential(format!(
            "warning: could not write the metrics file {}: {e}",
            path.display()
        ));
    }
}

/// What every step needs, read before plex.tv is asked.
struct Setup {
    cfg: Config,
    token: Secret,
    /// Bazarr's file and the Bazarr running on it, with `--server` (the only way validate
    /// writes that file).
    bazarr: Option<Bazarr>,
    /// Why Bazarr's file could not be used: a moved address is then not saved either, so
    /// config.toml and Bazarr's file never disagree.
    bazarr_unusable: Option<Error>,
    plex: Plex,
}

/// `--server`'s re-probe of the selected server.
struct ServerCheck {
    view: ServerCheckView,
    /// The selection with its new best address, when that moved.
    moved: Option<SelectedServer>,
}

/// The validation's outcome, and with `--server` the selected server as the metrics
/// describe it (down when it could not be checked, once the token was accepted).
/// One series per app: each as `validate` asked it (`asked`), else as read offline now.
fn app_samples(
    cfg: &Config,
    own_bazarr_token: Option<&Secret>,
    asked: Option<Vec<crate::ops::apps::AppStatus>>,
) -> Vec<metrics::AppSample> {
    use crate::ops::apps::TokenState;
    let asked = asked.unwrap_or_default();
    crate::ops::apps::status(cfg, own_bazarr_token)
        .into_iter()
        .map(|a| {
            let token = asked
                .iter()
                .find(|b| b.entry.name == a.entry.name)
                .map_or(a.token, |b| b.token.clone());
            metrics::AppSample {
                name: a.entry.name,
                kind: a.entry.kind.to_string(),
                state: match token {
                    TokenState::Matches => "matches",
                    TokenState::Unreadable(_) | TokenState::Unreachable(_) => "unreachable",
                    _ => "differs",
                },
            }
        })
        .collect()
}

/// The verdict, the server's sample, and in `asked` the apps as validate asked them.
fn check(
    ctx: &Context,
    args: &ValidateArgs,
    asked: &mut Option<Vec<crate::ops::apps::AppStatus>>,
) -> (Result<()>, Option<metrics::ServerSample>) {
    let checked = setup(ctx, args).and_then(|setup| {
        let user = check_token(ctx, &setup)?;
        Ok((setup, user))
    });
    let (setup, user) = match checked {
        Ok(checked) => checked,
        Err(e) => return (Err(e), None),
    };
    let server = match args.server.then(|| check_server(ctx, args, &setup)) {
        None => None,
        Some(Ok(server)) => Some(server),
        Some(Err(e)) => {
            // plex.tv accepted the token: that stays the verdict, whatever the server did.
            keep_verdict(ctx, &setup.cfg, Verdict::Ok);
            let down = setup.cfg.server.as_ref().map(|s| metrics::ServerSample {
                name: s.name.clone(),
                up: false,
                latency_ms: None,
            });
            return (Err(e), down);
        }
    };
    let sample = server.as_ref().map(|s| metrics::ServerSample {
        name: s.view.name.clone(),
        up: true,
        latency_ms: s.view.latency_ms,
    });
    (finish(ctx, args, setup, &user, server, asked), sample)
}

fn setup(ctx: &Context, args: &ValidateArgs) -> Result<Setup> {
    let cfg = snapshot(ctx)?;
    let token = stored_token(ctx, &cfg)?;
    finish_rotation(ctx);
    warn_old_key(ctx, &cfg, args.max_key_age);
    // One that cannot be read fails the check only when it must be written (the address
    // moved); otherwise it is reported by the commands that write it, and by `status`.
    let (mut bazarr, bazarr_unusable) = match args.server {
        true => match Bazarr::kept_in_step(ctx, &cfg) {
            Ok(bazarr) => (bazarr, None),
            Err(e) => (None, Some(e)),
        },
        false => (None, None),
    };
    if let Some(b) = bazarr.as_mut() {
        b.observe(ctx);
    }
    let plex = plex(ctx, &cfg)?;
    Ok(Setup {
        cfg,
        token,
        bazarr,
        bazarr_unusable,
        plex,
    })
}

/// A `rotate-key` cut short leaves the token sealed under `<key>.next`; it opens, and the
/// timer's next run puts the new key in place.
fn finish_rotation(ctx: &Context) {
    match ctx.vault().finish_rotation() {
        Ok(true) => {
            crate::events::emit("key_rotation_finished", "ok", None, None);
            ctx.out
                .info("Finished a key rotation that had been interrupted.");
        }
        Ok(false) => {}
        Err(e) => ctx.out.warn(&e.message),
    }
}

/// plex.tv's answer about the token, kept as the account's verdict when it failed.
fn check_token(ctx: &Context, setup: &Setup) -> Result<User> {
    let (user, ping) = ctx.block_on(user_and_ping(&setup.plex, &setup.token));
    let user = user.map_err(|e| {
        // The verdict is recorded either way; the token itself is never touched here.
        let err = Error::from(e);
        keep_verdict(ctx, &setup.cfg, err.kind.token_verdict());
        apps_on_rejected(err, &setup.cfg)
    })?;
    // A ping that fails says nothing the user check above did not: it never fails validate.
    if let Some(Err(e)) = ping {
        ctx.out.detail(format!(
            "the keep-alive ping to plex.tv failed ({e}); ignored"
        ));
    }
    Ok(user)
}

/// A rejected token (a sign-out of every device, a password reset) usually means every app
/// linked through the account lost its token too: name them, and the one command that links
/// again and gives each a working token.
fn apps_on_rejected(err: Error, cfg: &Config) -> Error {
    let own_bazarr = cfg
        .bazarr_config
        .as_ref()
        .map(|_| format!("{} (Bazarr)", crate::ops::apps::OWN_BAZARR));
    let names: Vec<String> = own_bazarr
        .into_iter()
        .chain(
            cfg.apps
                .iter()
                .map(|a| format!("{} ({})", safe(&a.name), a.kind.product())),
        )
        .collect();
    if !matches!(err.kind, ErrorKind::InvalidToken | ErrorKind::TokenExpired) || names.is_empty() {
        return err;
    }
    let mut err = err;
    err.message = format!(
        "{}; the apps kept on this link are likely signed out too: {}",
        err.message,
        names.join(", ")
    );
    err.with_hint(
        "run `plex-auth login --force`: a new PIN, a new token, and every app given a working one",
    )
}

fn check_server(ctx: &Context, args: &ValidateArgs, setup: &Setup) -> Result<ServerCheck> {
    let Some(selected) = &setup.cfg.server else {
        return Err(
            Error::new(ErrorKind::ServerNotFound, "no server is selected")
                .with_hint("run `plex-auth servers`, then `plex-auth select N`"),
        );
    };
    let check = ctx.block_on(servers::recheck(
        &setup.plex,
        &setup.token,
        selected,
        ctx.probe_timing(args.probe.timeout),
    ))?;
    let view = ServerCheckView {
        name: selected.name.clone(),
        machine_id: selected.machine_id.clone(),
        url: check.url.clone(),
        latency_ms: check.latency_ms,
        changed: check.moved.is_some(),
        previous_url: check.moved.is_some().then(|| selected.url.clone()),
    };
    Ok(ServerCheck {
        view,
        moved: check.moved,
    })
}

/// The token was accepted (and the server answered, with `--server`): keep that, save a
/// server that moved, check Bazarr's server keys, say so, and restart Bazarr if asked.
fn finish(
    ctx: &Context,
    args: &ValidateArgs,
    mut setup: Setup,
    user: &User,
    server: Option<ServerCheck>,
    asked: &mut Option<Vec<crate::ops::apps::AppStatus>>,
) -> Result<()> {
    keep_verdict(ctx, &setup.cfg, Verdict::Ok);
    let (server, moved) = server.map_or((None, None), |s| (Some(s.view), s.moved));
    if moved.is_some()
        && let Some(e) = setup.bazarr_unusable.take()
    {
        return Err(e.context("the server's new address was not saved"));
    }
    let synced = match &moved {
        Some(server) => ops_server::save_moved_server(
            ctx,
            server,
            setup.bazarr.as_mut().map(|b| b as &mut DynTarget),
        )?,
        None => None,
    };
    warn_bazarr(ctx, synced.as_ref());
    if let Some(s) = &server
        && let Some(previous) = &s.previous_url
    {
        ctx.out.info(format!(
            "The best address of {} changed from {previous} to {}; saved.",
            s.name, s.url
        ));
    }
    let selected = moved.as_ref().or(setup.cfg.server.as_ref());
    let (bazarr_server, _) = match setup.bazarr.as_mut() {
        Some(b) => check_bazarr_server(ctx, &setup.plex, b, selected, args.probe.timeout)?,
        None => (None, None),
    };
    let mut apps = crate::ops::apps::status(&setup.cfg, None);
    crate::ops::apps::ask_apps(ctx, &mut apps);
    show(
        ctx,
        &ValidateView {
            valid: true,
            account: AccountView::from(user),
            server,
            bazarr_server,
            apps: apps.iter().map(crate::render::AppView::from).collect(),
        },
        user,
    );
    *asked = Some(apps);
    restart_bazarr(ctx, args, setup.bazarr.as_ref())
}

fn show(ctx: &Context, view: &ValidateView, user: &User) {
    if ctx.out.json {
        ctx.out.json_value(view);
        return;
    }
    ctx.out.result(format!(
        "The token is valid: logged in as {} ({}).",
        safe(&user.username),
        safe(&user.email)
    ));
    for app in view
        .apps
        .iter()
        .filter(|a| !matches!(a.token, "matches" | "elsewhere"))
    {
        let name = safe(&app.name);
        let what = match app.token {
            "revoked" => "says the token it holds no longer works".to_string(),
            "unreachable" => format!(
                "could not be asked whether its token works ({})",
                safe(app.detail.as_deref().unwrap_or_default())
            ),
            other => format!("does not hold the token plex-auth gave it ({other})"),
        };
        ctx.out.warn(format!(
            "{name} ({}) {what}; `plex-auth apps sync {name}` gives it one again",
            app.kind
        ));
    }
    if let Some(s) = &view.server {
        let ms = s
            .latency_ms
            .map(|m| format!(" ({m} ms)"))
            .unwrap_or_default();
        ctx.out.result(format!(
            "{} answers at {}{ms}.",
            safe(&s.name),
            safe(&s.url)
        ));
    }
}

/// With --restart-bazarr, a Bazarr still running on older settings is restarted even when
/// nothing moved this time (the command the warning of an earlier run named).
fn restart_bazarr(ctx: &Context, args: &ValidateArgs, bazarr: Option<&Bazarr>) -> Result<()> {
    match bazarr {
        Some(b) if args.restart.bazarr => b.restart_now(ctx),
        Some(b) => b.settle(
            ctx,
            false,
            &restart_command(ctx, &format!("{} --server", crate::cli::names::VALIDATE)),
        ),
        None => Ok(()),
    }
}

/// Keep the verdict as the account's last validation, in the state folder: never in
/// config.toml, which the timer may not be allowed to write. One that cannot be kept changes
/// neither the verdict nor the exit code; it is said once (not under `--quiet`).
fn keep_verdict(ctx: &Context, cfg: &Config, verdict: Verdict) {
    let Some(account) = &cfg.account else {
        return;
    };
    if let Err(why) = link::stamp_validation(ctx, account.id, verdict) {
        ctx.out
            .warn(format!("this validation's result was not kept: {why}"));
    }
}

/// `GET /api/v2/user` and the keep-alive `GET /api/v2/ping` (what Plex's own clients send
/// to keep a token in use), sent at the same time so that the ping costs no round trip of its
/// own. The user check alone decides the verdict: once it has failed, the ping is dropped
/// (`None`) rather than waited for; once it has succeeded, the ping is waited for.
async fn user_and_ping(
    plex: &Plex,
    token: &Secret,
) -> (
    std::result::Result<User, PlexError>,
    Option<std::result::Result<(), PlexError>>,
) {
    let mut user = std::pin::pin!(plex.client.user(token));
    let mut ping = std::pin::pin!(plex.client.ping(token));
    let mut pong = None;
    let user = loop {
        tokio::select! {
            answer = &mut user => break answer,
            answer = &mut ping, if pong.is_none() => pong = Some(answer),
        }
    };
    match (&user, pong) {
        (Ok(_), None) => {
            let answer = ping.await;
            (user, Some(answer))
        }
        (Ok(_), pong) => (user, pong),
        (Err(_), _) => (user, None),
    }
}

/// Bazarr's own server keys: does its `server_url` answer as its `server_machine_id`? When it
/// does not and plex-auth manages the file (the remembered one, with an owned server
/// selected), the selection's keys are written there and that is said; otherwise a warning
/// says what to run. An address that answers is left alone even when it is not plex-auth's
/// selection (`status` shows that difference). Never changes the exit code, which belongs to
/// the token and the selected server.
fn check_bazarr_server(
    ctx: &Context,
    plex: &Plex,
    bazarr: &mut Bazarr,
    selected: Option<&SelectedServer>,
    timeout: f64,
) -> Result<(Option<BazarrServerView>, Option<Synced>)> {
    let file = bazarr.file();
    let url = file.get_str("plex", "server_url").unwrap_or_default();
    let machine_id = file
        .get_str("plex", "server_machine_id")
        .unwrap_or_default();
    if !keys::is_oauth_capable(file) || url.is_empty() || machine_id.is_empty() {
        return Ok((None, None));
    }
    let insecure = selected.is_some_and(|s| s.insecure && s.machine_id == machine_id);
    let answer = ctx.block_on(servers::check_address(
        &plex.identity,
        &url,
        &machine_id,
        ctx.probe_timing(timeout),
        insecure,
    ))?;
    let mut view = BazarrServerView {
        url,
        machine_id,
        answers: answer.is_ok(),
        error: answer.err(),
        repaired: false,
    };
    let Some(why) = view.error.clone() else {
        return Ok((Some(view), None));
    };
    let repaired = repair_bazarr_server(ctx, selected, bazarr, &view, &why)?;
    view.repaired = repaired.as_ref().and_then(Synced::updated).is_some();
    Ok((Some(view), repaired))
}

/// Bazarr's server did not answer (`why`): write the selection's keys over it when
/// plex-auth manages the file and say so, else warn with what to run. Returns what was
/// written.
fn repair_bazarr_server(
    ctx: &Context,
    selected: Option<&SelectedServer>,
    bazarr: &mut Bazarr,
    view: &BazarrServerView,
    why: &str,
) -> Result<Option<Synced>> {
    let repaired = match selected {
        Some(selected) => ops_server::repair_bazarr_server(ctx, bazarr, selected)?,
        None => None,
    };
    let path = bazarr.path_buf();
    let written = repaired.as_ref().and_then(Synced::updated).is_some();
    match (selected, written) {
        (Some(s), true) => {
            ctx.out.info(format!(
                "Bazarr's server_url {} did not answer as its server ({why}); wrote the selected server {} at {} to {} instead.",
                safe(&view.url),
                safe(&s.name),
                safe(&s.url),
                path.display()
            ));
        }
        _ => {
            warn_bazarr(ctx, repaired.as_ref());
            ctx.out.warn(format!(
                "Bazarr's server_url {} in {} does not answer as its server {} ({why}), so Bazarr cannot reach Plex there; run `plex-auth select NAME --bazarr-config {}` to write a server that answers",
                safe(&view.url),
                path.display(),
                safe(&view.machine_id),
                path.display()
            ));
        }
    }
    Ok(repaired)
}

/// The key is older than `--max-key-age` days: say so, without failing (and, like every
/// warning, not under `--quiet`, so cron does not mail about it every half hour).
fn warn_old_key(ctx: &Context, cfg: &Config, max_days: u64) {
    if max_days == 0 {
        return;
    }
    let Some(created) = rotate::key_created_at(cfg, &ctx.key_path) else {
        return;
    };
    let days = crate::time::now().saturating_sub(created) / 86_400;
    if days > max_days {
        ctx.out.warn(format!(
            "the key in {} is {days} days old (more than {max_days}); run `plex-auth rotate-key`",
            ctx.key_path.display()
        ));
    }
}
