//! The plex.tv API client (docs/formats.md#plextv-endpoints). The base URL is injected so tests talk to
//! a fake on 127.0.0.1. Every request carries the install's one client identifier and the
//! product headers; a token only ever travels in the `X-Plex-Token` header.

use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::plex::types::{ErrorBody, Pin, Resource, User};
use crate::secret::Secret;

/// How many times one call retries after a 429 before giving up (exit 5).
const MAX_429_RETRIES: u32 = 3;
/// Longest `Retry-After` we honour; a larger one is treated as "give up now".
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// One plex.tv call, its 429 retries and the waits between them, takes at most this many
/// request timeouts in all (`--request-timeout`, 15 s by default, so 30 s a call).
const CALL_BUDGET_TIMEOUTS: u32 = 2;
/// The largest answer each plex.tv endpoint gets: a PIN, an account or an error document is
/// a few hundred bytes; the resource list grows with the account's devices (a few KiB each).
const SMALL_BODY: usize = 64 * 1024;
const RESOURCES_BODY: usize = 8 * 1024 * 1024;

/// Who we are towards Plex: one stable identifier per install (docs/formats.md#headers-on-every-request).
#[derive(Debug, Clone)]
pub struct Identity {
    pub client_id: String,
    pub device_name: String,
    /// `X-Plex-Product`: the name the account's "Authorized Devices" shows.
    pub product: String,
}

impl Identity {
    pub fn new(client_id: String) -> Self {
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        Identity {
            client_id,
            device_name: format!("plex-auth@{host}"),
            product: crate::PRODUCT.to_string(),
        }
    }

    /// An app's own device (`client_id` is the app's, kept with it): shown in the account's
    /// "Authorized Devices" as "`app` (plex-auth)", so it can be signed out alone.
    pub fn for_app(client_id: String, app: &str) -> Self {
        Identity {
            product: format!("{app} ({})", crate::PRODUCT),
            ..Identity::new(client_id)
        }
    }

    pub fn headers(&self) -> HeaderMap {
        let platform = platform_name();
        let pairs = [
            ("x-plex-client-identifier", self.client_id.clone()),
            ("x-plex-product", self.product.clone()),
            ("x-plex-version", env!("CARGO_PKG_VERSION").to_string()),
            ("x-plex-platform", platform.to_string()),
            ("x-plex-platform-version", platform_version()),
            ("x-plex-device", platform.to_string()),
            ("x-plex-device-name", self.device_name.clone()),
        ];
        let mut map = HeaderMap::new();
        map.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in pairs {
            if let Ok(v) = HeaderValue::from_str(&value) {
                map.insert(HeaderName::from_static(name), v);
            }
        }
        map
    }
}

fn platform_name() -> &'static str {
    match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        "windows" => "Windows",
        other => other,
    }
}

fn platform_version() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// What went wrong talking to plex.tv, before it becomes an exit code.
#[derive(Debug, thiserror::Error)]
pub enum PlexError {
    #[error("plex.tv rejected the token ({0})")]
    Rejected(String),
    #[error("plex.tv says the token has expired")]
    Expired,
    #[error("the PIN was not found or has expired ({0})")]
    PinGone(String),
    #[error("plex.tv kept answering 429 (rate limited)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("could not reach {0}")]
    Unreachable(String),
    #[error("the secure connection to {host} failed: {why}")]
    Tls { host: String, why: String },
    #[error("plex.tv answered {status}: {message}")]
    Status { status: u16, message: String },
    #[error("plex.tv sent an answer that could not be read ({0})")]
    BadBody(String),
    #[error(
        "{host} sent an answer larger than {limit}, more than this request can need; it was not read"
    )]
    TooLarge { host: String, limit: String },
    #[error(
        "{host} redirected to another address ({location}); plex-auth does not follow it, so the token was not sent there"
    )]
    Redirected { host: String, location: String },
    /// The HTTP client itself could not be built (no TLS provider): a bug, not plex.tv.
    #[error("cannot set up HTTPS: {0}")]
    Setup(String),
}

impl PlexError {
    /// Worth trying again later: nothing about the token is known.
    pub fn is_transient(&self) -> bool {
        match self {
            PlexError::RateLimited { .. }
            | PlexError::Unreachable(_)
            | PlexError::BadBody(_)
            | PlexError::TooLarge { .. } => true,
            PlexError::Status { status, .. } => *status >= 500 || *status == 404,
            _ => false,
        }
    }
}

/// Name-value pairs for a query string or a form body.
type Pairs<'a> = &'a [(&'a str, &'a str)];

/// What one request got back, before it is judged.
struct Answer {
    status: StatusCode,
    body: String,
    retry_after: Option<Duration>,
    location: Option<String>,
}

#[derive(Clone)]
pub struct PlexClient {
    http: reqwest::Client,
    base: Url,
    /// Base of error messages: "plex.tv" for the real one, the address for a fake.
    host: String,
    /// `--request-timeout`: one request; a call with its retries gets a small multiple.
    timeout: Duration,
}

/// An HTTP client with our identity headers. `insecure` is only for a server the admin
/// opted in for (`select --insecure`); plex.tv is always verified.
pub fn http_client(
    identity: &Identity,
    timeout: Duration,
    insecure: bool,
) -> Result<reqwest::Client, PlexError> {
    build(client_builder(identity, timeout, insecure))
}

/// Like [`http_client`], for probing many connections once each: no connection is kept
/// open after its answer, so every finished probe gives its file descriptor back at once.
pub fn probe_client(
    identity: &Identity,
    timeout: Duration,
    insecure: bool,
) -> Result<reqwest::Client, PlexError> {
    build(client_builder(identity, timeout, insecure).pool_max_idle_per_host(0))
}

fn client_builder(
    identity: &Identity,
    timeout: Duration,
    insecure: bool,
) -> reqwest::ClientBuilder {
    // reqwest is built without a bundled crypto provider; ring is ours. Installing twice is
    // harmless (the second call reports the first one is in place).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .default_headers(identity.headers())
        .user_agent(concat!("plex-auth/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .timeout(timeout)
        .redirect(same_origin_redirects())
        .danger_accept_invalid_certs(insecure)
}

fn build(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, PlexError> {
    builder.build().map_err(|e| PlexError::Setup(e.to_string()))
}

/// Follow a redirect only within the origin the request was meant for (scheme, host and
/// port): the token travels in a header of our own, which HTTP clients do not strip on a
/// redirect, so another origin would receive it. That also rules out https to http.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(Url::origin);
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if first.is_some_and(|o| o == attempt.url().origin()) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Read a body of at most `limit` bytes. A longer one is not read any further, so an
/// endless or huge answer cannot grow this process's memory.
pub async fn read_capped(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(BodyError::Read)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[derive(Debug)]
pub enum BodyError {
    TooLarge,
    Read(reqwest::Error),
}

/// "64 KiB", "8 MiB".
pub fn size_label(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

impl PlexClient {
    /// The address plex.tv is reached at (`--plex-url`).
    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn new(base: Url, identity: &Identity, timeout: Duration) -> Result<Self, PlexError> {
        let host = base.host_str().unwrap_or("plex.tv").to_string();
        let host = match base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };
        // Every message says plex.tv; an address it is reached at (--plex-url) comes after.
        let host = match host.as_str() {
            "plex.tv" => host,
            _ => format!("plex.tv at {host}"),
        };
        Ok(PlexClient {
            http: http_client(identity, timeout, false)?,
            base,
            host,
            timeout,
        })
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", url.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }

    /// One call with bounded 429 retries: `Retry-After` when plex.tv gives one, else 1, 2,
    /// 4 s. Every other failure is returned at once for the caller to judge.
    async fn call(
        &self,
        method: Method,
        path: &str,
        (query, form): (Pairs<'_>, Pairs<'_>),
        token: Option<&Secret>,
        retries_429: u32,
    ) -> Result<(StatusCode, String), PlexError> {
        let limit = if path == "/api/v2/resources" {
            RESOURCES_BODY
        } else {
            SMALL_BODY
        };
        let deadline = tokio::time::Instant::now() + self.timeout * CALL_BUDGET_TIMEOUTS;
        let mut attempt = 0;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Answer {
                status,
                body,
                retry_after,
                location: headers_location,
            } = self
                .send(
                    &method,
                    path,
                    (query, form),
                    token,
                    left.min(self.timeout),
                    limit,
                )
                .await?;
            // A request that carried the token and is refused (401) or forbidden (403) is
            // plex.tv's verdict on the token, whatever the body says.
            if token.is_some() && matches!(status.as_u16(), 401 | 403) {
                return Err(PlexError::Rejected(error_message(&body, status)));
            }
            if status.is_redirection() {
                let location = headers_location.unwrap_or_else(|| "no Location".into());
                return Err(PlexError::Redirected {
                    host: self.host.clone(),
                    location: crate::text::safe(&location).into_owned(),
                });
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_after.unwrap_or(Duration::from_secs(1 << attempt.min(5)));
                // A wait that would end past this call's budget is not worth starting: the
                // command reports "try later" (exit 5) now instead of hanging a cron job.
                let past_budget = tokio::time::Instant::now() + wait >= deadline;
                if attempt >= retries_429 || wait > MAX_RETRY_AFTER || past_budget {
                    return Err(PlexError::RateLimited { retry_after });
                }
                attempt += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            return Ok((status, body));
        }
    }

    /// One request and its answer, the body read up to `limit`.
    async fn send(
        &self,
        method: &Method,
        path: &str,
        (query, form): (Pairs<'_>, Pairs<'_>),
        token: Option<&Secret>,
        timeout: Duration,
        limit: usize,
    ) -> Result<Answer, PlexError> {
        let mut req = self
            .http
            .request(method.clone(), self.url(path))
            .timeout(timeout);
        if !query.is_empty() {
            req = req.query(query);
        }
        // A form body, as plex.tv's own apps send `code` to `/api/v2/pins/link`.
        if !form.is_empty() {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            req = req
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body);
        }
        if let Some(token) = token {
            req = req.header(
                "x-plex-token",
                super::token_header(token).map_err(PlexError::Rejected)?,
            );
        }
        let resp = req.send().await.map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = match read_capped(resp, limit).await {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            // The status decides an error answer; its body is only the message, so one
            // that will not fit is left unread (the message then names the status).
            Err(_) if !status.is_success() => String::new(),
            Err(BodyError::Read(e)) => return Err(self.unreachable(&e)),
            Err(BodyError::TooLarge) => {
                return Err(PlexError::TooLarge {
                    host: self.host.clone(),
                    limit: size_label(limit),
                });
            }
        };
        Ok(Answer {
            status,
            body,
            retry_after,
            location,
        })
    }

    fn unreachable(&self, err: &reqwest::Error) -> PlexError {
        if let Some(why) = super::tls_failure(err) {
            return PlexError::Tls {
                host: self.host.clone(),
                why,
            };
        }
        let why = if err.is_timeout() {
            "timed out".to_string()
        } else if err.is_connect() {
            format!("connection failed: {}", super::root_cause(err))
        } else {
            format!("the connection broke: {}", super::root_cause(err))
        };
        PlexError::Unreachable(format!("{} ({why})", self.host))
    }

    /// A call whose success is a JSON document of type `T`.
    async fn call_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        token: Option<&Secret>,
        retries_429: u32,
    ) -> Result<T, PlexError> {
        let (status, body) = self
            .call(method, path, (query, &[]), token, retries_429)
            .await?;
        decode(status, &body)
    }

    /// `POST /api/v2/pins?strong=true`. Strong PINs go with the browser link.
    /// `strong` gives the long code the sign-in link carries; without it plex.tv makes a
    /// 4-character code for https://plex.tv/link.
    pub async fn create_pin(&self, strong: bool) -> Result<Pin, PlexError> {
        let query: &[(&str, &str)] = if strong { &[("strong", "true")] } else { &[] };
        self.call_json(Method::POST, "/api/v2/pins", query, None, MAX_429_RETRIES)
            .await
    }

    /// `GET /api/v2/pins/{id}`. No 429 retries here: the poll loop owns the pacing.
    pub async fn poll_pin(&self, id: u64) -> Result<Pin, PlexError> {
        let (status, body) = self
            .call(
                Method::GET,
                &format!("/api/v2/pins/{id}"),
                (&[], &[]),
                None,
                0,
            )
            .await?;
        if status == StatusCode::NOT_FOUND && is_plex_error_body(&body) {
            return Err(PlexError::PinGone(error_message(&body, status)));
        }
        decode(status, &body)
    }

    /// `GET /api/v2/user`: 200 is a good token, 401 (or 422 "Invalid token") a rejected
    /// one, anything else says nothing about the token.
    pub async fn user(&self, token: &Secret) -> Result<User, PlexError> {
        self.call_json(
            Method::GET,
            "/api/v2/user",
            &[],
            Some(token),
            MAX_429_RETRIES,
        )
        .await
    }

    /// `GET /api/v2/ping`: what Plex's own clients call to keep a token in use. Any
    /// 2xx is a pong and the body is not read; no 429 retries, since a missed keep-alive
    /// costs nothing and the next run sends another.
    pub async fn ping(&self, token: &Secret) -> Result<(), PlexError> {
        let (status, body) = self
            .call(Method::GET, "/api/v2/ping", (&[], &[]), Some(token), 0)
            .await?;
        check_status(status, &body)
    }

    /// `DELETE /api/v2/users/signout`: the token stops working everywhere.
    pub async fn signout(&self, token: &Secret) -> Result<(), PlexError> {
        let (status, body) = self
            .call(
                Method::DELETE,
                "/api/v2/users/signout",
                (&[], &[]),
                Some(token),
                MAX_429_RETRIES,
            )
            .await?;
        check_status(status, &body)
    }

    /// `PUT /api/v2/pins/link` (form field `code`): approve another device's short PIN with
    /// the account's token, as a signed-in Plex app does when someone types a code. A code
    /// plex.tv does not know (expired, or never made) is `PinGone`.
    pub async fn link_pin(&self, account: &Secret, code: &str) -> Result<(), PlexError> {
        let (status, body) = self
            .call(
                Method::PUT,
                "/api/v2/pins/link",
                (&[], &[("code", code)]),
                Some(account),
                MAX_429_RETRIES,
            )
            .await?;
        if status == StatusCode::NOT_FOUND {
            return Err(PlexError::PinGone(error_message(&body, status)));
        }
        check_status(status, &body)
    }

    /// `GET /api/v2/resources` with every kind of connection.
    pub async fn resources(&self, token: &Secret) -> Result<Vec<Resource>, PlexError> {
        self.call_json(
            Method::GET,
            "/api/v2/resources",
            &[
                ("includeHttps", "1"),
                ("includeRelay", "1"),
                ("includeIPv6", "1"),
            ],
            Some(token),
            MAX_429_RETRIES,
        )
        .await
    }
}

/// plex.tv's 404 for a PIN comes with its JSON error body; an empty 404 is its edge having a
/// bad moment (docs/formats.md#status-codes) and must not end the login.
fn is_plex_error_body(body: &str) -> bool {
    serde_json::from_str::<ErrorBody>(body).is_ok_and(|b| !b.errors.is_empty())
}

fn error_message(body: &str, status: StatusCode) -> String {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(b) if !b.errors.is_empty() => b
            .errors
            .iter()
            .map(|e| match e.code {
                Some(code) => format!("{} (code {code})", e.message),
                None => e.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        // "plex.tv answered 503: Service Unavailable", not "503: HTTP 503".
        _ => status
            .canonical_reason()
            .unwrap_or("no reason given")
            .to_owned(),
    }
}

fn decode<T: DeserializeOwned>(status: StatusCode, body: &str) -> Result<T, PlexError> {
    check_status(status, body)?;
    serde_json::from_str(body).map_err(|e| PlexError::BadBody(e.to_string()))
}

pub(crate) fn check_status(status: StatusCode, body: &str) -> Result<(), PlexError> {
    if status.is_success() {
        return Ok(());
    }
    let message = error_message(body, status);
    match status.as_u16() {
        401 => Err(PlexError::Rejected(message)),
        422 if body.contains("Invalid token") => Err(PlexError::Rejected(message)),
        498 => Err(PlexError::Expired),
        code => Err(PlexError::Status {
            status: code,
            message,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_body_is_not_a_plex_error_document() {
        assert!(!is_plex_error_body(""));
    }

    #[test]
    fn url_joins_keep_a_base_path() {
        let id = Identity {
            client_id: "x".into(),
            device_name: "d".into(),
            product: "p".into(),
        };
        let c = PlexClient::new(
            Url::parse("http://127.0.0.1:9/prefix/").unwrap(),
            &id,
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            c.url("/api/v2/user").as_str(),
            "http://127.0.0.1:9/prefix/api/v2/user"
        );
    }
}
