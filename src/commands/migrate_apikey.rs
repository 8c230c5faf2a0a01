//! `plex-auth migrate-apikey`: turn Bazarr's legacy `plex.apikey` into a token plex-auth
//! manages, and (for Bazarr 1.5.3+) into Bazarr's OAuth settings. Made for install scripts:
//! no prompts, idempotent, `--dry-run`, nothing written unless plex.tv accepted the key.

use std::path::PathBuf;

use serde_json::json;

use crate::bazarr::file::BazarrFile;
use crate::bazarr::{self, keys, locate};
use crate::cli::MigrateArgs;
use crate::commands::{self, bazarr_sync, block_on, login, select, servers};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::plex::probe::ServerReport;
use crate::plex::types::Resource;
use crate::secret::Secret;
use crate::store::{self, AuthMethod, SelectedServer};

pub fn run(ctx: &Context, args: &MigrateArgs) -> Result<()> {
    let path = bazarr_file(ctx)?;
    let mut file = BazarrFile::load(&path)?;
    let Some(apikey) = keys::read_apikey(&file)? else {
        let why = if file.get_str("plex", "auth_method").as_deref() == Some("oauth") {
            "Bazarr already uses OAuth and has no plex.apikey"
        } else {
            "there is no plex.apikey"
        };
        return done(
            ctx,
            &path,
            "nothing-to-migrate",
            &format!("{why} in {}; nothing to migrate.", path.display()),
        );
    };

    // plex.tv first: a rejected or unchecked key changes nothing anywhere.
    let plex = commands::plex(ctx)?;
    let user = block_on(plex.client.user(&apikey.token))?.map_err(|e| {
        Error::from(e).context(format!("checking plex.apikey from {}", path.display()))
    })?;
    let resources = block_on(plex.client.resources(&apikey.token))??;
    let oauth = keys::is_oauth_capable(&file);
    let server = match find_server(ctx, &plex.identity, &file, resources, args.timeout) {
        Ok(server) => server,
        // An old Bazarr gets no server keys, so a server that is down need not stop the import.
        Err(e) if !oauth && e.kind == ErrorKind::ServerNotFound => {
            ctx.out.warn(format!("{}; no server was chosen", e.message));
            None
        }
        Err(e) => return Err(e),
    };

    if oauth {
        let selected = server.as_ref().map(|s| {
            (
                s.machine_id.as_str(),
                s.name.as_str(),
                s.url.as_str(),
                s.local,
                s.connections.as_slice(),
            )
        });
        let changes = keys::migration_changes(
            &file,
            &apikey,
            &user.username,
            &user.email,
            user.id,
            selected,
            &migration_timestamp()?,
        )?;
        file.apply(&changes);
    }

    if args.dry_run {
        let diff = file.diff();
        if ctx.out.json {
            ctx.out.json_value(&json!({
                "dry_run": true, "path": path, "account": login::account_json(&user),
                "server": server.as_ref().map(|s| &s.url), "oauth": oauth, "diff": diff,
            }));
        } else {
            ctx.out.info(format!(
                "Dry run: plex.tv accepts the key (account {}). Nothing was written.",
                user.username
            ));
            if oauth {
                crate::output::write_stdout(diff.as_bytes());
            } else {
                ctx.out.result(pre_oauth_note(&path));
            }
        }
        return Ok(());
    }

    import_token(ctx, &apikey.token, &user, server.as_ref())?;
    bazarr_sync::remember(ctx, &path)?;
    let written = if oauth {
        matches!(file.write()?, bazarr::file::WriteOutcome::Written { .. })
    } else {
        false
    };
    if written && args.restart_bazarr {
        let restart = bazarr::restart_file(&path);
        std::fs::write(&restart, b"").map_err(|e| {
            Error::config(format!("cannot touch {}: {e}", restart.display()))
                .with_hint("restart Bazarr yourself so it reads the new settings")
        })?;
        ctx.out
            .info(format!("Asked Bazarr to restart ({}).", restart.display()));
    }

    let (state, text) = if oauth {
        (
            "migrated",
            format!(
                "Migrated Bazarr's plex.apikey in {} to OAuth for {} ({}); the token is stored by plex-auth{}.",
                path.display(),
                user.username,
                user.email,
                server
                    .as_ref()
                    .map(|s| format!(", server {} at {}", s.name, s.url))
                    .unwrap_or_default()
            ),
        )
    } else {
        ("imported", pre_oauth_note(&path))
    };
    done(ctx, &path, state, &text)
}

fn pre_oauth_note(path: &std::path::Path) -> String {
    format!(
        "Imported the token into plex-auth. {} has no OAuth settings (Bazarr 1.5.2 or older), so it was left as it is and Bazarr keeps using plex.apikey; after upgrading Bazarr to 1.5.3 or later, run migrate-apikey again.",
        path.display()
    )
}

fn done(ctx: &Context, path: &std::path::Path, state: &str, text: &str) -> Result<()> {
    if ctx.out.json {
        ctx.out.json_value(&json!({"result": state, "path": path}));
    } else {
        ctx.out.result(text);
    }
    Ok(())
}

/// Which Bazarr file: the flag, the remembered one, else the one file found in the usual
/// places (saying which).
fn bazarr_file(ctx: &Context) -> Result<PathBuf> {
    if let Some(path) = &ctx.bazarr_flag {
        return Ok(path.clone());
    }
    if let Some(path) = store::config::load(&ctx.config_dir)?.bazarr_config {
        return Ok(path);
    }
    let hints: Vec<PathBuf> = std::env::current_dir().into_iter().collect();
    let path = locate::locate(&locate::candidates(&hints))?;
    ctx.out
        .info(format!("Using Bazarr's config at {}", path.display()));
    Ok(path)
}

/// The server the way Bazarr picks it (bazarr.md §5): the connection matching its
/// `ip`/`port`/`ssl`, else the first local one, else the first server; and it must answer.
fn find_server(
    ctx: &Context,
    identity: &crate::plex::Identity,
    file: &BazarrFile,
    resources: Vec<Resource>,
    timeout: f64,
) -> Result<Option<SelectedServer>> {
    let servers = servers::server_list(resources);
    if servers.is_empty() {
        ctx.out
            .warn("the account has no Plex Media Server; no server was chosen");
        return Ok(None);
    }
    let legacy = keys::legacy_server_uri(file);
    let matches_legacy = |r: &Resource| {
        legacy.as_deref().is_some_and(|uri| {
            r.connections.iter().any(|c| {
                c.uri.trim_end_matches('/') == uri
                    || format!("{}://{}:{}", c.protocol, c.address, c.port) == uri
            })
        })
    };
    let chosen = servers
        .iter()
        .find(|r| matches_legacy(r))
        .or_else(|| {
            servers
                .iter()
                .find(|r| r.connections.iter().any(|c| c.local))
        })
        .unwrap_or(&servers[0])
        .clone();
    let report: ServerReport = block_on(servers::probe_servers(
        identity,
        vec![chosen],
        timeout,
        None,
    ))??
    .pop()
    .ok_or_else(|| Error::internal("probe returned no report"))?;
    // Prefer the exact connection Bazarr was using when it answers; else the best one.
    let best = report
        .probes
        .iter()
        .find(|p| p.reachable && Some(p.candidate.uri.as_str()) == legacy.as_deref())
        .or_else(|| report.best())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::ServerNotFound,
                format!(
                    "none of {}'s connections answered, so Bazarr could not use it; nothing was written",
                    report.resource.name
                ),
            )
            .with_hint("start the Plex server (or fix the network) and run migrate-apikey again")
        })?;
    Ok(Some(select::selection(&report, best, false)))
}

/// Store the key as plex-auth's token, unless that exact token and account are already
/// stored (so a second run changes nothing).
fn import_token(
    ctx: &Context,
    token: &Secret,
    user: &crate::plex::types::User,
    server: Option<&SelectedServer>,
) -> Result<()> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let same = cfg.account.as_ref().is_some_and(|a| a.id == user.id)
        && matches!(ctx.vault().load_token(&cfg), Ok(Some(t)) if &t == token);
    if !same {
        login::save_account(ctx, token, user, AuthMethod::Token)?;
    }
    if let Some(server) = server {
        store::config::update(&ctx.config_dir, |cfg| {
            // Only a different server or address is news; `selected_at` alone is not.
            let unchanged = cfg
                .server
                .as_ref()
                .is_some_and(|s| s.machine_id == server.machine_id && s.url == server.url);
            if !unchanged {
                cfg.server = Some(server.clone());
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Bazarr writes `<isoformat>_<8 hex>`.
fn migration_timestamp() -> Result<String> {
    let now = humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string();
    let bytes: [u8; 4] = crate::secret::random_bytes()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{}_{hex}", now.trim_end_matches('Z')))
}
