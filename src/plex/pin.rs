//! The PIN flow (docs/formats.md#plextv-endpoints): the browser link, the PIN's expiry, and polling until
//! the user approves, the PIN expires, the caller's deadline passes or the user interrupts.

use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::plex::types::Pin;
use crate::plex::{PlexClient, PlexError};
use crate::secret::Secret;

/// plex.tv asks for about one poll a second (docs/formats.md#limits).
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// After a 429, 5xx or network error without `Retry-After`: 2 s doubling to this cap.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Percent-encode everything but RFC 3986 unreserved characters.
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

/// Where a 4-character code is entered: `https://plex.tv/link` (the page of the plex.tv the
/// client talks to).
pub fn link_page(plex_url: &reqwest::Url) -> String {
    let mut page = plex_url.clone();
    page.set_query(None);
    page.set_fragment(None);
    page.set_path("/link");
    page.to_string()
}

/// How long a PIN lives when plex.tv says nothing usable about it.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(1800);

/// How long the PIN lives, on plex.tv's own terms: `expiresIn` when given, else `expiresAt`
/// minus `createdAt` (both read on plex.tv's clock, so a clock here that is off or stepped
/// does not matter), else 30 minutes. Wall times are never compared with this machine's.
pub fn lifetime_of(pin: &Pin) -> Duration {
    if let Some(secs) = pin.expires_in.filter(|s| *s > 0) {
        return Duration::from_secs(secs.unsigned_abs());
    }
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| humantime::parse_rfc3339_weak(s).ok())
    };
    match (parse(&pin.created_at), parse(&pin.expires_at)) {
        (Some(created), Some(expires)) => expires
            .duration_since(created)
            .ok()
            .filter(|d| !d.is_zero())
            .unwrap_or(DEFAULT_LIFETIME),
        _ => DEFAULT_LIFETIME,
    }
}

/// When the PIN stops working, on the monotonic clock: its lifetime counted from `created`,
/// the moment just before it was asked for (so never later than plex.tv's own expiry). A
/// step of the wall clock (NTP at first boot) moves neither this nor `--timeout`.
pub fn expiry_of(pin: &Pin, created: Instant) -> Instant {
    created
        .checked_add(lifetime_of(pin))
        .unwrap_or(created + DEFAULT_LIFETIME)
}

/// Why the wait for approval ended without a token; nothing has been stored at any of these.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("gave up waiting for approval (--timeout passed); nothing was stored")]
    TimedOut,
    #[error("the PIN expired before the account was linked; nothing was stored")]
    Expired,
    #[error("plex.tv no longer knows this PIN (expired or already used); nothing was stored")]
    Gone,
    #[error(transparent)]
    Plex(#[from] PlexError),
}

/// What the wait tells whoever shows it: the time left, and each retry after a failure.
pub trait WaitProgress {
    fn left(&self, left: Duration);
    fn retrying(&self, why: &PlexError, wait: Duration);
}

/// Poll until the PIN carries a token. Stops at the PIN's expiry or at `timeout_at` (the
/// earlier of the two is what `progress` counts down to). Signals are the caller's: it
/// drops this future to stop it.
pub async fn wait_for_token(
    client: &PlexClient,
    pin: &Pin,
    expires: Instant,
    timeout_at: Option<Instant>,
    progress: &dyn WaitProgress,
) -> Result<Secret, PinError> {
    let mut backoff = Duration::ZERO;
    let limit = timeout_at.map_or(expires, |t| t.min(expires));
    loop {
        let now = Instant::now();
        if timeout_at.is_some_and(|t| now >= t) {
            break Err(PinError::TimedOut);
        }
        if now >= expires {
            break Err(PinError::Expired);
        }
        progress.left(limit.saturating_duration_since(now));
        match client.poll_pin(pin.id).await {
            Ok(p) => {
                if let Some(token) = p.auth_token.filter(|t| !t.expose().is_empty()) {
                    break Ok(token);
                }
                backoff = Duration::ZERO;
                sleep_until_next(POLL_INTERVAL, expires, timeout_at).await;
            }
            Err(PlexError::PinGone(_)) => break Err(PinError::Gone),
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
                progress.retrying(&e, wait);
                sleep_until_next(wait.max(POLL_INTERVAL), expires, timeout_at).await;
            }
            Err(e) => break Err(e.into()),
        }
    }
}

/// Sleep, but not past the PIN's expiry or the user's timeout (so those are noticed on time).
async fn sleep_until_next(wait: Duration, expires: Instant, timeout_at: Option<Instant>) {
    let limit = timeout_at.map_or(expires, |t| t.min(expires));
    let until_limit = limit.saturating_duration_since(Instant::now());
    tokio::time::sleep(wait.min(until_limit)).await;
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
