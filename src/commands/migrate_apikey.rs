//! `plex-auth migrate-apikey`: turn Bazarr's legacy `plex.apikey` into a token plex-auth
//! manages, and into Bazarr's OAuth settings (beside the apikey for Bazarr 1.5.2 and older).
//! Made for install scripts: no prompts, idempotent, `--dry-run`, nothing written unless
//! plex.tv accepted the key.

use std::path::Path;

use serde::Serialize;

use crate::bazarr::file::BazarrFile;
use crate::bazarr::{self, keys};
use crate::cli::MigrateArgs;
use crate::commands::{bazarr_file_or_locate, plex, plex_unrecorded, restart_command, snapshot};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::link;
use crate::ops::target::Target;
use crate::ops::target::bazarr::Bazarr;
use crate::output::safe;
use crate::plex::servers;
use crate::plex::types::{Resource, User};
use crate::plex::{Identity, Plex};
use crate::render::AccountView;
use crate::secret::Secret;
use crate::store::SelectedServer;

#[derive(Serialize)]
struct DoneView<'a> {
    result: &'a str,
    path: &'a Path,
}

#[derive(Serialize)]
struct DryRunView<'a> {
    dry_run: bool,
    path: &'a Path,
    account: AccountView,
    server: Option<&'a str>,
    oauth: bool,
    diff: String,
}

pub fn run(ctx: &Context, args: &MigrateArgs) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let path = bazarr_file_or_locate(ctx, &cfg)?;
    let mut bazarr = Bazarr::at(ctx, &path)?;
    let apikey = keys::read_apikey(bazarr.file())?;
    let done_in_bazarr = match &apikey {
        None => true,
        Some(apikey) => keys::is_migrated_beside_apikey(bazarr.file(), apikey),
    };
    if done_in_bazarr && let Some(token) = unfinished(ctx, &cfg, bazarr.file()) {
        return finish(ctx, args, &cfg, bazarr, &token);
    }
    let has_apikey = apikey.is_some();
    let Some(apikey) = apikey.filter(|_| !done_in_bazarr) else {
        return nothing_to_migrate(ctx, bazarr.file(), has_apikey);
    };
    refuse_while_running(ctx, args, &mut bazarr)?;
    // plex.tv first: a rejected or unchecked key changes nothing anywhere.
    let plex = if args.dry_run {
        plex_unrecorded(ctx, &cfg)?
    } else {
        plex(ctx, &cfg)?
    };
    let user = check_apikey(ctx, &plex, &apikey.token, &path)?;
    // Read before the migration's keys are added to the file in memory.
    let oauth = keys::is_oauth_capable(bazarr.file());
    let server = plan(ctx, args, &plex, &mut bazarr, (&apikey, &user))?;
    if args.dry_run {
        return dry_run(ctx, bazarr.file(), &user, server.as_ref(), oauth);
    }
    let written = link::import(
        ctx,
        &apikey.token,
        &user,
        server.as_ref(),
        &mut bazarr,
        true,
    )?;
    if written || args.restart.bazarr {
        bazarr.settle(
            ctx,
            args.restart.bazarr,
            &restart_command(ctx, crate::cli::names::MIGRATE_APIKEY),
        )?;
    }
    migrated(ctx, &path, &user, server.as_ref(), oauth)
}

/// No apikey, or one already migrated beside its OAuth settings: nothing to do (exit 0).
fn nothing_to_migrate(ctx: &Context, file: &BazarrFile, has_apikey: bool) -> Result<()> {
    let path = file.path();
    let text = if has_apikey {
        format!(
            "{} already holds OAuth settings for its plex.apikey, kept for Bazarr 1.5.2 and older; nothing to migrate.",
            path.display()
        )
    } else {
        let why = if file.get_str("plex", "auth_method").as_deref() == Some("oauth") {
            "Bazarr already uses OAuth and has no plex.apikey"
        } else {
            "there is no plex.apikey"
        };
        format!("{why} in {}; nothing to migrate.", path.display())
    };
    done(ctx, path, "nothing-to-migrate", &text)
}

/// A running Bazarr would keep its old settings and write them back at its next save, so
/// without a restart the migration would not last: refuse before anything is written.
fn refuse_while_running(ctx: &Context, args: &MigrateArgs, bazarr: &mut Bazarr) -> Result<()> {
    if args.dry_run {
        return Ok(());
    }
    bazarr.observe(ctx);
    if !bazarr.running() || args.restart.bazarr {
        return Ok(());
    }
    Err(Error::config(format!(
        "Bazarr is running (it answers at {}); it would ignore the migrated settings and write its old ones back at its next save, so nothing was written",
        bazarr.address().unwrap_or_default()
    ))
    .with_hint(format!(
        "stop Bazarr first, or run {}",
        restart_command(ctx, crate::cli::names::MIGRATE_APIKEY)
    )))
}

/// The account the apikey belongs to, as plex.tv says. A dead apikey is nothing to migrate;
/// a new link is, and Bazarr gets it too.
fn check_apikey(ctx: &Context, plex: &Plex, token: &Secret, path: &Path) -> Result<User> {
    ctx.block_on(plex.client.user(token)).map_err(|e| {
        let err =
            Error::from(e).context(format!("checking plex.apikey from {}", path.display()));
        match err.kind {
            ErrorKind::InvalidToken | ErrorKind::TokenExpired => err
                .context("nothing was migrated")
                .with_hint(format!(
                    "Bazarr's apikey no longer works; link the account by PIN and write Bazarr's keys with `plex-auth login --bazarr-config {}`",
                    crate::fs::shell_quote(path)
                )),
            _ => err,
        }
    })
}

/// Choose the server and make the migration's changes to Bazarr's file in memory.
fn plan(
    ctx: &Context,
    args: &MigrateArgs,
    plex: &Plex,
    bazarr: &mut Bazarr,
    (apikey, user): (&keys::ApikeyInfo, &User),
) -> Result<Option<SelectedServer>> {
    let resources = ctx.block_on(plex.client.resources(&apikey.token))?;
    let oauth = keys::is_oauth_capable(bazarr.file());
    let server = match find_server(ctx, plex, bazarr.file(), resources, args.probe.timeout) {
        Ok(server) => server,
        // An old Bazarr runs on its ip and port, so a server that is down need not stop the
        // migration; it then gets no server keys.
        Err(e) if !oauth && e.kind == ErrorKind::ServerNotFound => {
            ctx.out.warn(format!("{}; no server was chosen", e.message));
            None
        }
        Err(e) => return Err(e),
    };
    let selected = server.as_ref().map(|s| {
        (
            s.machine_id.as_str(),
            s.name.as_str(),
            s.url.as_str(),
            s.local,
            s.connections.as_slice(),
        )
    });
    // An old Bazarr keeps its apikey; the OAuth keys wait beside it for the upgrade.
    let changes = if oauth {
        keys::migration_changes
    } else {
        keys::migration_beside_apikey_changes
    };
    let changes = changes(
        bazarr.file(),
        apikey,
        &user.username,
        &user.email,
        user.id,
        selected,
        &migration_timestamp()?,
    )?;
    for note in bazarr::sync::apply(bazarr.file_mut(), changes)? {
        ctx.out.warn(note);
    }
    Ok(server)
}

/// `--dry-run`: what a real run would do, and the diff of Bazarr's file.
fn dry_run(
    ctx: &Context,
    file: &BazarrFile,
    user: &User,
    server: Option<&SelectedServer>,
    oauth: bool,
) -> Result<()> {
    let view = DryRunView {
        dry_run: true,
        path: file.path(),
        account: AccountView::from(user),
        server: server.map(|s| s.url.as_str()),
        oauth,
        diff: file.diff(),
    };
    if ctx.out.json {
        ctx.out.json_value(&view);
        return Ok(());
    }
    let shown = file.path().display().to_string();
    let shown = safe(&shown);
    let text = format!(
        "Dry run: plex.tv accepts the key (account {}). A real run would store the token in plex-auth, {}, and {}. Nothing was written.",
        safe(&user.username),
        server
            .map(|s| format!("choose the server {} at {}", safe(&s.name), safe(&s.url)))
            .unwrap_or_else(|| "choose no server".into()),
        if oauth {
            format!("change {shown} to OAuth as shown below")
        } else {
            format!(
                "add OAuth settings to {shown} beside plex.apikey, as shown below (it is from Bazarr 1.5.2 or older, which keeps using plex.apikey as it is; Bazarr 1.5.3 or later starts on OAuth)"
            )
        }
    );
    ctx.out.info(text);
    crate::output::write_stdout(view.diff.as_bytes());
    Ok(())
}

/// The migration went through.
fn migrated(
    ctx: &Context,
    path: &Path,
    user: &User,
    server: Option<&SelectedServer>,
    oauth: bool,
) -> Result<()> {
    if !oauth {
        return done(ctx, path, "migrated-beside-apikey", &pre_oauth_note(path));
    }
    let text = format!(
        "Migrated Bazarr's plex.apikey in {} to OAuth for {} ({}); the token is stored by plex-auth{}.",
        safe(&path.display().to_string()),
        safe(&user.username),
        safe(&user.email),
        server
            .map(|s| format!(", server {} at {}", safe(&s.name), safe(&s.url)))
            .unwrap_or_default()
    );
    done(ctx, path, "migrated", &text)
}

/// The token of a migration an earlier run wrote into Bazarr's file and was stopped (killed,
/// a power cut) before storing here: `None` unless plex-auth holds no token at all, so a
/// token linked here since is never replaced.
fn unfinished(ctx: &Context, cfg: &crate::store::Config, file: &BazarrFile) -> Option<Secret> {
    let token = keys::migrated_token(file)?;
    matches!(ctx.vault().load_token(cfg), Ok(None)).then_some(token)
}

/// Finish an interrupted migration: Bazarr's file is already migrated, so only the token it
/// holds is checked at plex.tv and stored here, with the server the file names. Bazarr's
/// file is not written again.
fn finish(
    ctx: &Context,
    args: &MigrateArgs,
    cfg: &crate::store::Config,
    mut bazarr: Bazarr,
    token: &Secret,
) -> Result<()> {
    let path = &bazarr.path_buf();
    let file = bazarr.file();
    let plex = if args.dry_run {
        plex_unrecorded(ctx, cfg)?
    } else {
        plex(ctx, cfg)?
    };
    let user = ctx.block_on(plex.client.user(token)).map_err(|e| {
        Error::from(e).context(format!("checking plex.token from {}", path.display()))
    })?;
    let server = keys::migrated_server(file, crate::time::now());
    let shown = safe(&path.display().to_string()).to_string();
    if args.dry_run {
        return done(
            ctx,
            path,
            "migration-unfinished",
            &format!(
                "Dry run: {shown} was migrated by an earlier run that stopped before storing the token; a real run would store it in plex-auth (account {}). Nothing was written.",
                safe(&user.username)
            ),
        );
    }
    bazarr.observe(ctx);
    link::import(ctx, token, &user, server.as_ref(), &mut bazarr, false)?;
    if args.restart.bazarr {
        bazarr.restart_now(ctx)?;
    }
    done(
        ctx,
        path,
        "migration-finished",
        &format!(
            "Finished the migration of {shown}, which an earlier run had written without storing the token: the token is now stored by plex-auth for {} ({}){}.",
            safe(&user.username),
            safe(&user.email),
            server
                .as_ref()
                .map(|s| format!(", server {} at {}", safe(&s.name), safe(&s.url)))
                .unwrap_or_default()
        ),
    )
}

fn pre_oauth_note(path: &Path) -> String {
    format!(
        "Imported the token into plex-auth. {} is from Bazarr 1.5.2 or older: its OAuth settings were added beside plex.apikey, which was kept as it is, so this Bazarr keeps using the apikey and Bazarr 1.5.3 or later starts on OAuth without migrating again.",
        path.display()
    )
}

fn done(ctx: &Context, path: &Path, state: &str, text: &str) -> Result<()> {
    if ctx.out.json {
        ctx.out.json_value(&DoneView {
            result: state,
            path,
        });
    } else {
        ctx.out.result(text);
    }
    Ok(())
}

/// The server Bazarr would use, and it must answer.
fn find_server(
    ctx: &Context,
    plex: &Plex,
    file: &BazarrFile,
    resources: Vec<Resource>,
    timeout: f64,
) -> Result<Option<SelectedServer>> {
    let list = servers::server_list(resources);
    let legacy = keys::legacy_server_uri(file);
    let Some(chosen) = servers::pick_like_bazarr(&list, legacy.as_deref()) else {
        ctx.out
            .warn("the account has no Plex Media Server; no server was chosen");
        return Ok(None);
    };
    let identity: &Identity = &plex.identity;
    // Bazarr's own address wins whenever it answers, so it is waited for like the best one.
    let report = ctx.block_on(servers::probe_one_preferring(
        identity,
        chosen,
        ctx.probe_timing(timeout),
        None,
        legacy.as_deref(),
    ))?;
    Ok(Some(servers::keep_bazarr_connection(
        &report,
        legacy.as_deref(),
    )?))
}

/// Bazarr writes `<isoformat>_<8 hex>`.
fn migration_timestamp() -> Result<String> {
    let now = crate::time::timestamp_micros_now();
    let bytes: [u8; 4] = crate::secret::random_bytes()?;
    let hex = hex::encode(bytes);
    Ok(format!("{}_{hex}", now.trim_end_matches('Z')))
}
