//! `plex-auth status`: what is stored, where, and whether it is in sync. Fast: no plex.tv, no
//! key created, nothing written; only Bazarr is asked (briefly, without its API key) whether
//! it answers.

use std::path::PathBuf;

use serde::Serialize;

use crate::bazarr::sync::{self, BazarrStatus};
use crate::commands::snapshot;
use crate::context::{Context, KeySource};
use crate::error::{Error, Result};
use crate::fs as fsutil;
use crate::ops::rotate;
use crate::output::safe;
use crate::secret::Secret;
use crate::store::state::Verdict;
use crate::store::{self, AuthMethod, Backend};
use crate::time::{ago, timestamp};

#[derive(Serialize)]
struct StatusView {
    logged_in: bool,
    account: Option<StatusAccount>,
    auth_method: Option<AuthMethod>,
    token: Option<String>,
    linked_at: Option<String>,
    store: StoreView,
    key_file: PathBuf,
    /// Where `key_file` came from: flag, env, recorded, credential or default.
    key_source: KeySource,
    key_created_at: Option<String>,
    key_age_days: Option<u64>,
    validation: Option<ValidationView>,
    server: Option<StatusServer>,
    bazarr: Option<BazarrStatus>,
    /// The registered apps, each as its file says now (offline).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    apps: Vec<crate::render::AppView>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct StatusAccount {
    username: String,
    email: String,
    id: u64,
    uuid: String,
}

#[derive(Serialize)]
struct StoreView {
    backend: Option<Backend>,
    location: String,
}

#[derive(Serialize)]
struct ValidationView {
    result: Option<Verdict>,
    at: String,
}

#[derive(Serialize)]
struct StatusServer {
    name: String,
    machine_id: String,
    url: String,
    local: bool,
    owned: bool,
    insecure: bool,
    connections: Vec<String>,
    selected_at: String,
}

pub fn run(ctx: &Context) -> Result<()> {
    let cfg = snapshot(ctx)?;
    let Some(token) = ctx.vault().load_token(&cfg)? else {
        return not_logged_in(ctx, &cfg);
    };
    let mut warnings = local_warnings(ctx, &cfg);
    let bazarr = sync::target(ctx.bazarr_flag.as_deref(), &cfg)
        .map(|path| bazarr_status(ctx, &path, &cfg, &token));
    if let Some(b) = &bazarr {
        warnings.extend(b.warnings.iter().cloned());
    }
    let view = logged_in_view(ctx, &cfg, &token, bazarr, warnings);
    if ctx.out.json {
        ctx.out.json_value(&view);
        return Ok(());
    }
    render(ctx, &view, &cfg);
    for w in &view.warnings {
        ctx.out.warn(w);
    }
    Ok(())
}

/// What is amiss here, in plex-auth's own files: loose modes, the key beside the token, a
/// key rotation left unfinished.
fn local_warnings(ctx: &Context, cfg: &store::Config) -> Vec<String> {
    let config_path = store::config::path(&ctx.config_dir);
    let mut warnings = fsutil::mode_warnings(&[&ctx.config_dir, &config_path, &ctx.key_path]);
    // Said at login; here only when asked (-v) or read by a script (--json): on a one-disk
    // machine there is nothing to do about it, and it would fill every status.
    if cfg.store == Some(Backend::File)
        && (ctx.out.verbose || ctx.out.json)
        && let Some(note) = crate::render::key_beside_token(ctx)
    {
        warnings.push(note);
    }
    if rotate::pending(&ctx.key_path) {
        warnings.push(format!(
            "{} is left from an interrupted key rotation; run `plex-auth rotate-key` to finish it",
            rotate::next_path(&ctx.key_path).display()
        ));
    }
    warnings
}

/// Bazarr's copy of the link, read once, and whether Bazarr answers (asked without its key).
fn bazarr_status(
    ctx: &Context,
    path: &std::path::Path,
    cfg: &store::Config,
    token: &Secret,
) -> BazarrStatus {
    match crate::ops::target::bazarr::Bazarr::read(ctx, path) {
        Ok(b) => {
            let mut status = sync::status(b.file(), cfg, token);
            b.live(ctx, &mut status);
            status
        }
        Err(e) => sync::unreadable(path, &e),
    }
}

fn logged_in_view(
    ctx: &Context,
    cfg: &store::Config,
    token: &Secret,
    bazarr: Option<BazarrStatus>,
    warnings: Vec<String>,
) -> StatusView {
    let key_created = rotate::key_created_at(cfg, &ctx.key_path);
    let account = cfg.account.as_ref();
    StatusView {
        logged_in: true,
        account: account.map(|a| StatusAccount {
            username: a.username.clone(),
            email: a.email.clone(),
            id: a.id,
            uuid: a.uuid.clone(),
        }),
        auth_method: account.map(|a| a.auth_method),
        token: Some(token.masked()),
        linked_at: account.map(|a| timestamp(a.linked_at)),
        key_created_at: key_created.map(timestamp),
        key_age_days: key_created.map(|at| crate::time::now().saturating_sub(at) / 86_400),
        validation: last_validation(ctx, account).map(|(result, at)| ValidationView {
            result,
            at: timestamp(at),
        }),
        server: cfg.server.as_ref().map(|s| StatusServer {
            name: s.name.clone(),
            machine_id: s.machine_id.clone(),
            url: s.url.clone(),
            local: s.local,
            owned: s.owned,
            insecure: s.insecure,
            connections: s.connections.clone(),
            selected_at: timestamp(s.selected_at),
        }),
        bazarr,
        apps: crate::ops::apps::status(cfg, None)
            .iter()
            .map(crate::render::AppView::from)
            .collect(),
        warnings,
        ..bare_view(ctx, cfg)
    }
}

/// The facts known without a token: where it would be stored, and the key.
fn bare_view(ctx: &Context, cfg: &store::Config) -> StatusView {
    StatusView {
        logged_in: false,
        account: None,
        auth_method: None,
        token: None,
        linked_at: None,
        store: StoreView {
            backend: cfg.store,
            location: ctx.vault().describe(cfg),
        },
        key_file: ctx.key_path.clone(),
        key_source: ctx.key_source,
        key_created_at: None,
        key_age_days: None,
        validation: None,
        server: None,
        bazarr: None,
        apps: Vec::new(),
        warnings: vec![],
    }
}

/// Nothing stored: exit 3 as before, but `--json` still gets the status document (with
/// `"logged_in": false`, the store, key and Bazarr facts known here, and the error), so a
/// script reads one shape either way.
fn not_logged_in(ctx: &Context, cfg: &store::Config) -> Result<()> {
    let mut err = Error::not_logged_in();
    let bazarr = sync::target(ctx.bazarr_flag.as_deref(), cfg).map(bazarr_link);
    // A link made in Bazarr's web UI can be adopted.
    if bazarr
        .as_ref()
        .and_then(|b| b.link.as_ref())
        .is_some_and(|l| l.token == sync::LinkToken::Opens)
    {
        err = err.with_hint(
            "run `plex-auth login --from-bazarr` to adopt Bazarr's link, or `plex-auth login`",
        );
    }
    if !ctx.out.json {
        if let Some(b) = &bazarr {
            let lines: Vec<String> = b
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| format!("  {:<11}{}", if i == 0 { "bazarr:" } else { "" }, safe(l)))
                .collect();
            ctx.out
                .result(format!("Not logged in here\n{}", lines.join("\n")));
        }
        return Err(err);
    }
    let view = StatusView {
        bazarr,
        ..bare_view(ctx, cfg)
    };
    let mut doc = serde_json::to_value(&view).map_err(|e| Error::internal(e.to_string()))?;
    doc["error"] = serde_json::json!({
        "code": err.kind.code(),
        "message": err.message,
        "hint": err.hint,
    });
    ctx.out.json_final(&doc);
    Err(err)
}

/// Bazarr's file when plex-auth holds no token: only its own link can be reported.
fn bazarr_link(path: PathBuf) -> BazarrStatus {
    let (readable, error, link) = match crate::bazarr::file::BazarrFile::load(&path) {
        Ok(file) => (true, None, Some(sync::BazarrLink::read(&file))),
        Err(e) => (false, Some(e.to_string()), None),
    };
    let mut lines = vec![path.display().to_string()];
    lines.extend(link.iter().flat_map(sync::BazarrLink::lines));
    lines.extend(error.clone());
    BazarrStatus {
        lines,
        link,
        path,
        readable,
        error,
        ..BazarrStatus::default()
    }
}

/// The account's last validation (its result and time): from the state folder, else from an
/// older config.toml that still holds it (as the same words, in plain text).
fn last_validation(
    ctx: &Context,
    account: Option<&store::Account>,
) -> Option<(Option<Verdict>, u64)> {
    let account = account?;
    let kept = ctx
        .state_dir
        .as_deref()
        .and_then(|dir| store::state::validation_of(dir, account.id));
    match kept {
        Some(v) => Some((Some(v.result), v.at)),
        None => account.validated_at.map(|at| {
            (
                account.last_result.as_deref().and_then(|w| w.parse().ok()),
                at,
            )
        }),
    }
}

fn render(ctx: &Context, view: &StatusView, cfg: &store::Config) {
    let account = cfg.account.as_ref();
    let mut lines = account_lines(ctx, account);
    lines.push(row(
        "token:",
        format!(
            "{} (sealed with XChaCha20-Poly1305)",
            view.token.as_deref().unwrap_or_default()
        ),
    ));
    lines.push(row("stored in:", view.store.location.clone()));
    let key_age = match &view.key_created_at {
        Some(at) => format!(" (made {at}, {} days ago)", view.key_age_days.unwrap_or(0)),
        None => String::new(),
    };
    lines.push(row(
        "key:",
        format!(
            "{} [{}]{key_age}",
            view.key_file.display(),
            view.key_source.describe()
        ),
    ));
    let validated = match last_validation(ctx, account) {
        Some((result, at)) => format!(
            "{}, {} ({})",
            result.map_or("unknown", Verdict::as_str),
            timestamp(at),
            ago(at)
        ),
        None => "never (run `plex-auth validate`)".into(),
    };
    lines.push(row("validated:", validated));
    lines.push(row("server:", server_line(cfg.server.as_ref())));
    if let Some(b) = &view.bazarr {
        for (i, line) in b.lines.iter().enumerate() {
            lines.push(row(
                if i == 0 { "bazarr:" } else { "" },
                safe(line).into_owned(),
            ));
        }
    }
    for (i, app) in view.apps.iter().enumerate() {
        lines.push(row(if i == 0 { "apps:" } else { "" }, app_line(app)));
    }
    ctx.out.result(lines.join("\n"));
}

/// One app on the status: its name and kind, what its copy of the token is, its server.
fn app_line(app: &crate::render::AppView) -> String {
    let server = match app.server_matches {
        Some(true) => ", the selected server",
        Some(false) => ", another server",
        None => "",
    };
    format!(
        "{} ({}): token {}{server}",
        safe(&app.name),
        app.kind,
        app.token
    )
}

/// A labelled line of the text status, the values lined up.
fn row(label: &str, value: String) -> String {
    format!("  {label:<11}{value}")
}

/// Who is logged in, and how the account was linked.
fn account_lines(ctx: &Context, account: Option<&store::Account>) -> Vec<String> {
    let Some(a) = account else {
        return vec!["Logged in (no account details recorded)".to_string()];
    };
    let how = match a.auth_method {
        AuthMethod::Pin => "by PIN",
        AuthMethod::Token => "from an existing token",
        AuthMethod::Bazarr => "from Bazarr's link",
    };
    vec![
        format!(
            "Logged in as {} ({}, id {})",
            ctx.out.bold(&safe(&a.username)),
            safe(&a.email),
            a.id
        ),
        row(
            "linked:",
            format!("{how}, {} ({})", timestamp(a.linked_at), ago(a.linked_at)),
        ),
    ]
}

fn server_line(server: Option<&store::SelectedServer>) -> String {
    let Some(s) = server else {
        return "none chosen (choose one with `plex-auth select`)".into();
    };
    let mut v = format!(
        "{} at {} ({}), chosen {}",
        safe(&s.name),
        safe(&s.url),
        if s.local { "local" } else { "remote" },
        ago(s.selected_at)
    );
    if s.insecure {
        v.push_str("; certificate NOT verified (--insecure)");
    }
    v
}
