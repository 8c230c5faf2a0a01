//! `plex-auth login`: link an account by PIN (browser), or import a token from stdin.

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

use crate::cli::LoginArgs;
use crate::commands::{self, Plex, bazarr_sync, block_on};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::plex::types::{Pin, User};
use crate::plex::{Identity, PlexClient, PlexError};
use crate::secret::Secret;
use crate::store::{self, Account, AuthMethod, Backend};

/// plex.tv asks for about one poll a second (plex-api.md §3).
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// After a 429, 5xx or network error without `Retry-After`: 2 s doubling to this cap.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

pub fn run(ctx: &Context, args: &LoginArgs) -> Result<()> {
    let plex = commands::plex(ctx)?;
    let client = &plex.client;
    bazarr_sync::precheck(ctx)?;

    if args.with_token {
        let token = read_token_from_stdin(ctx)?;
        let user = block_on(client.user(&token))??;
        return finish(ctx, &plex, &token, &user, AuthMethod::Token, args);
    }

    if !args.force
        && let Some((user, token)) = already_linked(ctx, client)?
    {
        // Install scripts rerun login: make sure Bazarr holds this token too (a no-op when
        // it already does).
        bazarr_sync::after_login(ctx, &token, &user)?;
        if ctx.out.json {
            ctx.out.json_value(
                &json!({"event": "linked", "already": true, "account": account_json(&user)}),
            );
        } else {
            ctx.out.result(format!(
                "Already logged in as {} ({}); the stored token is valid. Use --force to link again.",
                user.username, user.email
            ));
        }
        return Ok(());
    }

    let token = block_on(pin_flow(ctx, client, &plex.identity, args))??;
    let user = block_on(client.user(&token))??;
    finish(ctx, &plex, &token, &user, AuthMethod::Pin, args)
}

/// A stored token that plex.tv still accepts makes login a no-op, so install scripts can run
/// it every time. A rejected or unreadable one is replaced by linking again.
fn already_linked(ctx: &Context, client: &PlexClient) -> Result<Option<(User, Secret)>> {
    let cfg = store::config::load(&ctx.config_dir)?;
    let token = match ctx.vault().load_token(&cfg) {
        Ok(Some(token)) => token,
        Ok(None) => return Ok(None),
        Err(e) if e.kind == ErrorKind::DecryptFailed => {
            ctx.out
                .warn(format!("{}; linking again replaces it", e.message));
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    match block_on(client.user(&token))? {
        Ok(user) => {
            commands::record_validation(ctx, "ok", Some(&user))?;
            Ok(Some((user, token)))
        }
        Err(PlexError::Rejected(_) | PlexError::Expired) => {
            ctx.out
                .info("The stored token is no longer accepted by plex.tv; linking again.");
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// The token comes from stdin only: argv is visible to every user on the machine.
fn read_token_from_stdin(ctx: &Context) -> Result<Secret> {
    if ctx.env.stdin_tty {
        return Err(Error::new(
            ErrorKind::Usage,
            "--with-token reads the token from standard input, which is a terminal here",
        )
        .with_hint("pipe it in, e.g. `plex-auth login --with-token < token.txt`"));
    }
    // Wiped when dropped, like the Secret made from it.
    let mut raw = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut raw)
        .map_err(|e| Error::new(ErrorKind::Usage, format!("cannot read standard input: {e}")))?;
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

/// Percent-encode everything but RFC 3986 unreserved characters (plex-api.md §2).
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The browser link: parameters live in the fragment after `#?`, built by hand so no URL
/// library re-encodes them.
pub fn auth_link(app_url: &reqwest::Url, client_id: &str, code: &str) -> String {
    let mut base = app_url.clone();
    base.set_fragment(None);
    let params = [
        ("clientID", client_id),
        ("code", code),
        ("context[device][product]", crate::PRODUCT),
    ];
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, FRAGMENT),
                utf8_percent_encode(v, FRAGMENT)
            )
        })
        .collect();
    format!("{}#?{}", base.as_str(), query.join("&"))
}

fn expiry_of(pin: &Pin) -> SystemTime {
    let from_at = pin
        .expires_at
        .as_deref()
        .and_then(|s| humantime::parse_rfc3339_weak(s).ok());
    let from_in = pin
        .expires_in
        .filter(|s| *s > 0)
        .map(|s| SystemTime::now() + Duration::from_secs(s as u64));
    // Prefer the countdown (immune to clock skew between here and plex.tv).
    from_in
        .or(from_at)
        .unwrap_or_else(|| SystemTime::now() + Duration::from_secs(1800))
}

fn mmss(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

async fn pin_flow(
    ctx: &Context,
    client: &PlexClient,
    identity: &Identity,
    args: &LoginArgs,
) -> Result<Secret> {
    let pin = client.create_pin().await?;
    let link = auth_link(&ctx.app_url, &identity.client_id, &pin.code);
    let expires = expiry_of(&pin);
    let expires_secs = expires
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let left = expires
        .duration_since(SystemTime::now())
        .unwrap_or_default();

    if ctx.out.json {
        ctx.out.json_value(&json!({
            "event": "pin",
            "code": pin.code,
            "link": link,
            "expires_at": commands::timestamp(expires_secs),
            "expires_in": left.as_secs(),
        }));
    }
    ctx.out.info(format!(
        "To link this machine, open this link, sign in to Plex and approve {}:\n\n  {link}\n\nCode: {} (expires in {})",
        crate::PRODUCT,
        pin.code,
        mmss(left)
    ));
    open_browser(ctx, args, &link);

    let deadline_by_timeout = args
        .timeout
        .map(|s| SystemTime::now() + Duration::from_secs(s));
    tokio::select! {
        result = poll_until_linked(ctx, client, &pin, expires, deadline_by_timeout) => result,
        _ = interrupted() => Err(Error::interrupted()),
    }
}

fn open_browser(ctx: &Context, args: &LoginArgs, link: &str) {
    if args.no_browser {
        return;
    }
    if ctx.env.headless() {
        ctx.out
            .info("No browser here (SSH or no display): open the link on any device.");
        return;
    }
    if let Err(e) = webbrowser::open(link) {
        ctx.out.warn(format!(
            "could not open a browser ({e}); open the link above yourself"
        ));
    }
}

async fn poll_until_linked(
    ctx: &Context,
    client: &PlexClient,
    pin: &Pin,
    expires: SystemTime,
    timeout_at: Option<SystemTime>,
) -> Result<Secret> {
    let spinner = ctx.out.spinner("Waiting for approval in the browser…");
    if spinner.is_none() {
        ctx.out.info("Waiting for approval…");
    }
    let mut backoff = Duration::ZERO;
    let result = loop {
        let now = SystemTime::now();
        if let Some(t) = timeout_at
            && now >= t
        {
            break Err(Error::new(
                ErrorKind::AuthTimeout,
                "gave up waiting for approval (--timeout passed); nothing was stored",
            )
            .with_hint("run `plex-auth login` again, and approve the code in the browser"));
        }
        if now >= expires {
            break Err(Error::new(
                ErrorKind::PinExpired,
                "the PIN expired before the account was linked; nothing was stored",
            )
            .with_hint("run `plex-auth login` again for a new PIN"));
        }
        if let Some(bar) = &spinner {
            let left = expires.duration_since(now).unwrap_or_default();
            bar.set_message(format!(
                "Waiting for approval in the browser… {} left",
                mmss(left)
            ));
        }
        match client.poll_pin(pin.id).await {
            Ok(p) => {
                if let Some(token) = p.auth_token.filter(|t| !t.expose().is_empty()) {
                    break Ok(token);
                }
                backoff = Duration::ZERO;
                sleep_until_next(POLL_INTERVAL, expires, timeout_at).await;
            }
            Err(PlexError::PinGone(_)) => {
                break Err(Error::new(
                    ErrorKind::PinExpired,
                    "plex.tv no longer knows this PIN (expired or already used); nothing was stored",
                )
                .with_hint("run `plex-auth login` again for a new PIN"));
            }
            Err(e) if e.is_transient() => {
                backoff = match backoff {
                    Duration::ZERO => Duration::from_secs(2),
                    b => (b * 2).min(MAX_BACKOFF),
                };
                let wait = match &e {
                    PlexError::RateLimited {
                        retry_after: Some(r),
                    } => *r,
                    _ => backoff,
                };
                ctx.out
                    .detail(format!("{e}; trying again in {}s", wait.as_secs()));
                sleep_until_next(wait.max(POLL_INTERVAL), expires, timeout_at).await;
            }
            Err(e) => break Err(e.into()),
        }
    };
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    result
}

/// Sleep, but not past the PIN's expiry or the user's timeout (so those are noticed on time).
async fn sleep_until_next(wait: Duration, expires: SystemTime, timeout_at: Option<SystemTime>) {
    let limit = timeout_at.map_or(expires, |t| t.min(expires));
    let until_limit = limit.duration_since(SystemTime::now()).unwrap_or_default();
    tokio::time::sleep(wait.min(until_limit)).await;
}

/// Ctrl-C or SIGTERM: stop waiting; nothing has been stored at this point.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Seal and store the token, record the account, keep Bazarr in step, say who is linked.
fn finish(
    ctx: &Context,
    plex: &Plex,
    token: &Secret,
    user: &User,
    method: AuthMethod,
    args: &LoginArgs,
) -> Result<()> {
    let backend = save_account(ctx, token, user, method)?;
    let synced = bazarr_sync::after_login(ctx, token, user)?;

    let place = match backend {
        Backend::Keyring => "the OS keyring".to_string(),
        Backend::File => store::config::path(&ctx.config_dir).display().to_string(),
    };
    if ctx.out.json {
        ctx.out.json_value(&json!({
            "event": "linked",
            "already": false,
            "account": account_json(user),
            "auth_method": method,
            "store": backend,
            "bazarr_config": synced,
        }));
    } else {
        ctx.out.result(format!(
            "Logged in as {} ({}). The token is sealed and stored in {place}.",
            user.username, user.email
        ));
        if let Some(path) = &synced {
            ctx.out.info(format!("Updated Bazarr's {}", path.display()));
        }
    }
    if method == AuthMethod::Pin && !args.no_select && ctx.can_prompt() {
        let cfg = store::config::load(&ctx.config_dir)?;
        if cfg.server.is_none() {
            crate::commands::select::offer_picker(ctx, plex, token)?;
        }
    }
    Ok(())
}

/// Store the token and the account in one locked update of config.toml.
pub fn save_account(
    ctx: &Context,
    token: &Secret,
    user: &User,
    method: AuthMethod,
) -> Result<Backend> {
    let vault = ctx.vault();
    let mut notice = |m: &str| ctx.out.notice(m);
    store::config::update(&ctx.config_dir, |cfg| {
        let backend = vault.save_token(cfg, token, &mut notice)?;
        // A server chosen under another account may not be reachable with this one.
        if cfg.account.as_ref().is_some_and(|a| a.id != user.id) {
            cfg.server = None;
        }
        let now = commands::now();
        cfg.account = Some(Account {
            username: user.username.clone(),
            email: user.email.clone(),
            id: user.id,
            uuid: user.uuid.clone(),
            auth_method: method,
            linked_at: now,
            validated_at: Some(now),
            last_result: Some("ok".into()),
        });
        Ok(backend)
    })
}

pub fn account_json(user: &User) -> serde_json::Value {
    json!({
        "username": user.username,
        "email": user.email,
        "id": user.id,
        "uuid": user.uuid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_matches_plex_docs() {
        let app = reqwest::Url::parse("https://app.plex.tv/auth").unwrap();
        let link = auth_link(
            &app,
            "0b6f3c2e-5a1d-4f7e-9c3b-8e2d1a4f6b90",
            "8lzjqnq8lye02n52jq3fqxf8e",
        );
        assert_eq!(
            link,
            "https://app.plex.tv/auth#?clientID=0b6f3c2e-5a1d-4f7e-9c3b-8e2d1a4f6b90&code=8lzjqnq8lye02n52jq3fqxf8e&context%5Bdevice%5D%5Bproduct%5D=plex-auth"
        );
    }
}
