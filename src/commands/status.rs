//! `plex-auth status`: what is stored, where, and whether it is in sync. Offline and fast:
//! no network, no key created, nothing written.

use serde_json::json;

use crate::commands::{self, bazarr_sync};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::{self, AuthMethod, Backend, fsutil};

pub fn run(ctx: &Context) -> Result<()> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let vault = ctx.vault();
    let token = vault.load_token(&cfg)?.ok_or_else(Error::not_logged_in)?;
    let account = cfg.account.clone();
    let config_path = store::config::path(&ctx.config_dir);

    let mut warnings = fsutil::mode_warnings(&[&ctx.config_dir, &config_path, &ctx.key_path]);
    if cfg.store == Some(Backend::File) && fsutil::same_filesystem(&ctx.key_path, &config_path) {
        warnings.push(format!(
            "the key ({}) is on the same disk as the sealed token ({}): a copy of that disk opens the token; keep the key elsewhere with --key-file or a systemd credential",
            ctx.key_path.display(),
            config_path.display()
        ));
    }
    let bazarr = bazarr_sync::status(ctx, &cfg, &token);
    if let Some(b) = &bazarr {
        warnings.extend(b.warnings.iter().cloned());
    }

    let method = account.as_ref().map(|a| match a.auth_method {
        AuthMethod::Pin => "pin",
        AuthMethod::Token => "token",
    });
    if ctx.out.json {
        ctx.out.json_value(&json!({
            "logged_in": true,
            "account": account.as_ref().map(|a| json!({
                "username": a.username, "email": a.email, "id": a.id, "uuid": a.uuid,
            })),
            "auth_method": method,
            "token": token.masked(),
            "linked_at": account.as_ref().map(|a| commands::timestamp(a.linked_at)),
            "store": {"backend": cfg.store, "location": vault.describe(&cfg)},
            "key_file": ctx.key_path,
            "validation": account.as_ref().and_then(|a| a.validated_at.map(|at| json!({
                "result": a.last_result, "at": commands::timestamp(at),
            }))),
            "server": cfg.server.as_ref().map(|s| json!({
                "name": s.name, "machine_id": s.machine_id, "url": s.url, "local": s.local,
                "owned": s.owned, "insecure": s.insecure, "connections": s.connections,
                "selected_at": commands::timestamp(s.selected_at),
            })),
            "bazarr": bazarr.as_ref().map(|b| &b.json),
            "warnings": warnings,
        }));
        return Ok(());
    }

    let mut lines = Vec::new();
    match &account {
        Some(a) => lines.push(format!(
            "Logged in as {} ({}, id {})",
            ctx.out.bold(&a.username),
            a.email,
            a.id
        )),
        None => lines.push("Logged in (no account details recorded)".to_string()),
    }
    let row = |label: &str, value: String| format!("  {label:<11}{value}");
    if let Some(a) = &account {
        let how = if a.auth_method == AuthMethod::Pin {
            "by PIN"
        } else {
            "from an existing token"
        };
        lines.push(row(
            "linked:",
            format!(
                "{how}, {} ({})",
                commands::timestamp(a.linked_at),
                commands::ago(a.linked_at)
            ),
        ));
    }
    lines.push(row(
        "token:",
        format!("{} (sealed with XChaCha20-Poly1305)", token.masked()),
    ));
    lines.push(row("stored in:", vault.describe(&cfg)));
    lines.push(row("key:", ctx.key_path.display().to_string()));
    let validated = match account
        .as_ref()
        .and_then(|a| a.validated_at.map(|t| (a, t)))
    {
        Some((a, at)) => format!(
            "{}, {} ({})",
            a.last_result.as_deref().unwrap_or("unknown"),
            commands::timestamp(at),
            commands::ago(at)
        ),
        None => "never (run `plex-auth validate`)".into(),
    };
    lines.push(row("validated:", validated));
    match &cfg.server {
        Some(s) => {
            let mut v = format!(
                "{} at {} ({}), chosen {}",
                s.name,
                s.url,
                if s.local { "local" } else { "remote" },
                commands::ago(s.selected_at)
            );
            if s.insecure {
                v.push_str("; certificate NOT verified (--insecure)");
            }
            lines.push(row("server:", v));
        }
        None => lines.push(row(
            "server:",
            "none chosen (run `plex-auth servers`)".into(),
        )),
    }
    if let Some(b) = &bazarr {
        for (i, line) in b.lines.iter().enumerate() {
            lines.push(row(if i == 0 { "bazarr:" } else { "" }, line.clone()));
        }
    }
    ctx.out.result(lines.join("\n"));
    for w in warnings {
        ctx.out.warn(w);
    }
    Ok(())
}
