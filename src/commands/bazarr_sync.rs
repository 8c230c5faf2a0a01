//! Keeping Bazarr's config.yaml in step with what plex-auth stores. Not a command: the steps
//! login, select, validate, logout and status share (design §4).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::bazarr::file::{BazarrFile, Change};
use crate::bazarr::{keys, signer};
use crate::context::Context;
use crate::error::Result;
use crate::plex::types::User;
use crate::secret::Secret;
use crate::store::{self, Config, SelectedServer};

/// The Bazarr file to keep in sync: `--bazarr-config`, else the remembered one, else none.
/// A flag's path is remembered once it has been written successfully.
pub fn configured(ctx: &Context) -> Result<Option<PathBuf>> {
    if let Some(path) = &ctx.bazarr_flag {
        return Ok(Some(path.clone()));
    }
    Ok(store::config::load(&ctx.config_dir)?.bazarr_config)
}

pub fn remember(ctx: &Context, path: &Path) -> Result<()> {
    let path = path.to_path_buf();
    store::config::update(&ctx.config_dir, move |cfg| {
        // config::update writes only when this changed something.
        cfg.bazarr_config = Some(path);
        Ok(())
    })
}

/// Before a PIN is created: a Bazarr file that cannot be read is found now (exit 9), not
/// after the user has approved the link.
pub fn precheck(ctx: &Context) -> Result<()> {
    if let Some(path) = configured(ctx)? {
        BazarrFile::load(&path)?;
    }
    Ok(())
}

pub fn after_login(ctx: &Context, token: &Secret, user: &User) -> Result<Option<PathBuf>> {
    sync(ctx, |file| {
        keys::login_changes(file, token, &user.username, &user.email, user.id).map(|(c, _)| c)
    })
}

pub fn after_select(ctx: &Context, server: &SelectedServer) -> Result<Option<PathBuf>> {
    sync(ctx, |_| {
        Ok(keys::server_changes(
            &server.machine_id,
            &server.name,
            &server.url,
            server.local,
            &server.connections,
        ))
    })
}

pub fn after_logout(ctx: &Context) -> Result<Option<PathBuf>> {
    sync(ctx, |_| Ok(keys::logout_changes()))
}

/// Apply plex-auth's keys to the configured Bazarr file and remember it. A Bazarr older than
/// 1.5.3 has no OAuth settings and still runs on `plex.apikey`: writing OAuth keys (or
/// Bazarr's logout, which empties `apikey`) would break it, so its file is left alone.
fn sync(
    ctx: &Context,
    changes: impl FnOnce(&BazarrFile) -> Result<Vec<Change>>,
) -> Result<Option<PathBuf>> {
    let Some(path) = configured(ctx)? else {
        return Ok(None);
    };
    let mut file = BazarrFile::load(&path)?;
    if !keys::is_oauth_capable(&file) {
        remember(ctx, &path)?;
        ctx.out.warn(format!(
            "{} has no OAuth settings (Bazarr 1.5.2 or older), so it was left as it is; upgrade Bazarr to use plex-auth's token there",
            path.display()
        ));
        return Ok(None);
    }
    let changes = changes(&file)?;
    file.apply(&changes);
    file.write()?;
    remember(ctx, &path)?;
    Ok(Some(path))
}

pub struct BazarrStatus {
    pub lines: Vec<String>,
    pub json: Value,
    pub warnings: Vec<String>,
}

/// What `status` says about Bazarr's copy: does its token open and equal ours, does its
/// server match the selection. Read-only, and it never fails the status command.
pub fn status(ctx: &Context, cfg: &Config, token: &Secret) -> Option<BazarrStatus> {
    let path = ctx
        .bazarr_flag
        .clone()
        .or_else(|| cfg.bazarr_config.clone())?;
    let file = match BazarrFile::load(&path) {
        Ok(f) => f,
        Err(e) => {
            return Some(BazarrStatus {
                lines: vec![format!("{}: {}", path.display(), e.message)],
                json: json!({"path": path, "readable": false, "error": e.message}),
                warnings: vec![],
            });
        }
    };
    let key = file.get_str("plex", "encryption_key").unwrap_or_default();
    let signed = file.get_str("plex", "token").unwrap_or_default();
    // Each check gives a stable word for scripts and a sentence for people.
    let (token_state, token_line) = if signed.is_empty() {
        (
            "missing",
            "holds no token (run `plex-auth login` to write it)".to_string(),
        )
    } else {
        match signer::verify(&key, &signed) {
            Ok(t) if &t == token => ("matches", "token matches the stored one".to_string()),
            Ok(_) => (
                "differs",
                "holds ANOTHER token (run `plex-auth login` to sync it)".to_string(),
            ),
            Err(_) => (
                "does-not-open",
                "its token does not open with its encryption_key (run `plex-auth login`)"
                    .to_string(),
            ),
        }
    };
    let server_id = file
        .get_str("plex", "server_machine_id")
        .unwrap_or_default();
    let server_url = file.get_str("plex", "server_url").unwrap_or_default();
    let (server_state, server_line) = match &cfg.server {
        None => ("none-selected", "no server selected here".to_string()),
        Some(s) if s.machine_id == server_id && s.url == server_url => (
            "matches",
            format!("server matches the selection ({server_url})"),
        ),
        Some(_) if server_id.is_empty() => (
            "differs",
            "has no server yet (run `plex-auth select`)".to_string(),
        ),
        Some(_) => (
            "differs",
            format!("server differs from the selection ({server_url}; run `plex-auth select`)"),
        ),
    };
    let warnings = store::fsutil::mode_warnings(&[&path]);
    Some(BazarrStatus {
        lines: vec![
            path.display().to_string(),
            token_line,
            server_line,
            "Bazarr's copy is signed, not encrypted: anyone who can read that file can read the token".into(),
        ],
        json: json!({
            "path": path,
            "readable": true,
            "token": token_state,
            "server": server_state,
            "server_url": server_url,
            "signed_not_encrypted": true,
        }),
        warnings,
    })
}
