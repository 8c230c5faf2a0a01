//! A running Bazarr, through its own HTTP API (docs/formats.md#bazarrs-api): is it running, what Plex
//! settings does it hold in memory, and restarting it so that it reads its file again.
//!
//! Bazarr reads config.yaml once at start and rewrites the whole file on every settings save,
//! so a change to the file only counts once Bazarr has restarted. Its own restart
//! (`POST /api/system?action=restart`) is the one that works: touching `bazarr.restart` makes
//! the 1.5.6 launcher stall, so plex-auth never does that.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::{StatusCode, Url};
use serde::Serialize;

use crate::bazarr::file::BazarrFile;
use crate::bazarr::listener::{self, Listener};
use crate::plex::client::read_capped;
use crate::secret::Secret;

/// How long the "is Bazarr running?" question may take before the answer is "no".
pub const RUNNING_TIMEOUT: Duration = Duration::from_secs(2);
/// How often a restart asks whether Bazarr answers again.
pub const POLL_EVERY: Duration = Duration::from_millis(500);
/// The longest settings answer read.
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// How Bazarr+'s settings API shows a system secret (`plex.encryption_key`,
/// `general.secrets_encryption_key`) that is set.
const MASKED: &str = "***";

/// The Plex keys compared between the file and what Bazarr holds in memory; the secret ones
/// are only ever said to match or differ, never shown.
const COMPARED: &[(&str, &str, bool)] = &[
    ("general", "use_plex", false),
    ("plex", "auth_method", false),
    ("plex", "token", true),
    ("plex", "encryption_key", true),
    ("plex", "apikey", true),
    ("plex", "username", false),
    ("plex", "email", false),
    ("plex", "user_id", false),
    ("plex", "server_machine_id", false),
    ("plex", "server_name", false),
    ("plex", "server_url", false),
];

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Bazarr's config file has no auth.apikey, so its API cannot be used")]
    NoApiKey,
    #[error("{0}, so Bazarr's API cannot be used")]
    SealedKey(super::secrets::SecretError),
    #[error("Bazarr's address {0:?} is not a usable URL")]
    BadUrl(String),
    #[error("Bazarr does not answer at {url} ({why})")]
    Unreachable { url: String, why: String },
    #[error("Bazarr at {url} closed the connection without an answer")]
    Dropped { url: String },
    #[error("Bazarr at {url} refused auth.apikey from its config file (HTTP {status})")]
    Refused { url: String, status: u16 },
    #[error("Bazarr at {url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("Bazarr at {url} sent an answer that is not its settings")]
    BadBody { url: String },
    #[error("Bazarr's API key was not sent to {url}: {why}")]
    Withheld { url: String, why: String },
}

/// One Plex key whose value in the file is not the one Bazarr runs on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    /// `section.key`
    pub key: String,
    /// The values, left out for secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<String>,
}

impl Difference {
    pub fn describe(&self) -> String {
        match (&self.file, &self.live) {
            (Some(f), Some(l)) => format!("{}: file {f:?}, running {l:?}", self.key),
            _ => format!("{}: differs (secret, not shown)", self.key),
        }
    }
}

/// Bazarr's API as its config file describes it.
pub struct BazarrApi {
    base: Url,
    apikey: Secret,
    client: reqwest::Client,
    /// Set when the address came from the file: the key then goes only to a listener that
    /// is Bazarr's, checked before every request that carries it.
    guard: Option<Guard>,
}

/// Who may receive the key at an address taken from Bazarr's file.
struct Guard {
    file: PathBuf,
    /// The owner of Bazarr's data; `None` when it cannot be read.
    owner: Option<u32>,
}

impl BazarrApi {
    /// `--bazarr-url` when given, else `http://<general.ip>:<general.port><general.base_url>`
    /// from the file, with loopback for `*`, `0.0.0.0` and `::`.
    pub fn for_file(file: &BazarrFile, url: Option<&Url>) -> Result<BazarrApi, ApiError> {
        // Bazarr+ keeps it sealed; the API takes it as it was before sealing.
        let apikey = super::secrets::read(file, "auth", "apikey")
            .map_err(ApiError::SealedKey)?
            .filter(|k| !k.trim().is_empty())
            .ok_or(ApiError::NoApiKey)?;
        // An address the user named is trusted as it is.
        let (base, guard) = match url {
            Some(url) => (url.clone(), None),
            None => {
                let guard = Guard {
                    file: file.path().to_path_buf(),
                    owner: listener::data_owner(file.path()),
                };
                (base_url_of(file)?, Some(guard))
            }
        };
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("plex-auth/", env!("CARGO_PKG_VERSION")))
            .no_proxy()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(10))
            .redirect(crate::plex::client::same_origin_redirects())
            .build()
            .map_err(|e| ApiError::BadUrl(e.to_string()))?;
        Ok(BazarrApi {
            base,
            apikey: Secret::new(apikey.trim()),
            client,
            guard,
        })
    }

    /// Whether the key may go to what listens at the address: always for an address the
    /// user named; for one from the file, only to a loopback listener whose socket and
    /// processes belong to the owner of Bazarr's data or to root. `Unreachable` when
    /// nothing listens there, `Withheld` when the key must not go.
    pub fn check_listener(&self) -> Result<(), ApiError> {
        let Some(guard) = &self.guard else {
            return Ok(());
        };
        let withheld = |why: String| ApiError::Withheld {
            url: self.base.to_string(),
            why,
        };
        let ip = match self.base.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            _ => {
                return Err(withheld(
                    "its host is a name, not a loopback address, so who listens there cannot be checked".into(),
                ));
            }
        };
        if !ip.is_loopback() {
            return Err(withheld(format!(
                "{ip} is not a loopback address, so who listens there cannot be checked"
            )));
        }
        let file = guard.file.display();
        let Some(owner) = guard.owner else {
            return Err(withheld(format!("the owner of {file} cannot be read")));
        };
        let port = self.base.port_or_known_default().unwrap_or(80);
        match listener::who_listens(SocketAddr::new(ip, port), owner) {
            Listener::Trusted => Ok(()),
            Listener::Nothing => Err(ApiError::Unreachable {
                url: self.base.to_string(),
                why: "nothing listens there".into(),
            }),
            Listener::Other(uids) => {
                let uids: Vec<String> = uids.iter().map(u32::to_string).collect();
                Err(withheld(format!(
                    "what listens there belongs to uid {}, not to uid {owner} (the owner of {file}) or to root",
                    uids.join(", ")
                )))
            }
            Listener::Unknown(why) => Err(withheld(format!(
                "who listens there cannot be checked ({why})"
            ))),
        }
    }

    /// Where Bazarr is asked, for messages (no secret in it).
    pub fn base(&self) -> &Url {
        &self.base
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}/{path}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        url
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<reqwest::Response, ApiError> {
        self.check_listener()?;
        let url = self.url(path);
        let shown = url.to_string();
        let resp = self
            .client
            .request(method, url)
            .query(query)
            .header("X-API-KEY", self.apikey.expose())
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| transport_error(&e, &shown))?;
        match resp.status() {
            s if s.is_success() => Ok(resp),
            s @ (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => Err(ApiError::Refused {
                url: shown,
                status: s.as_u16(),
            }),
            s => Err(ApiError::Status {
                url: shown,
                status: s.as_u16(),
            }),
        }
    }

    /// `GET /api/system/status`: Bazarr runs and accepts its key.
    pub async fn status(&self, timeout: Duration) -> Result<(), ApiError> {
        self.send(reqwest::Method::GET, "api/system/status", &[], timeout)
            .await
            .map(drop)
    }

    /// `GET /api/system/ping`, which Bazarr answers without a key: something answers HTTP
    /// at its address. Sends no key and no secret, so it needs no listener check.
    pub async fn ping(&self, timeout: Duration) -> Result<(), ApiError> {
        let url = self.url("api/system/ping");
        let shown = url.to_string();
        self.client
            .get(url)
            .timeout(timeout)
            .send()
            .await
            .map(drop)
            .map_err(|e| transport_error(&e, &shown))
    }

    /// `GET /api/system/settings`: the settings Bazarr holds in memory.
    pub async fn settings(&self) -> Result<serde_json::Value, ApiError> {
        let resp = self
            .send(
                reqwest::Method::GET,
                "api/system/settings",
                &[],
                Duration::from_secs(10),
            )
            .await?;
        let bad = || ApiError::BadBody {
            url: self.url("api/system/settings").to_string(),
        };
        let body = read_capped(resp, BODY_LIMIT).await.map_err(|_| bad())?;
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(|_| bad())?;
        // Some versions wrap the answer in `data`.
        let value = match value.get("data") {
            Some(inner) if inner.get("plex").is_some() => inner.clone(),
            _ => value,
        };
        if value.get("plex").is_some_and(serde_json::Value::is_object) {
            Ok(value)
        } else {
            Err(bad())
        }
    }

    /// `POST /api/system?action=restart`. Bazarr 1.5.3 and later end their process inside
    /// this request (the web server is closed, then `os._exit`), so the connection closes
    /// with no answer: that is the restart under way, not a failure. Older ones answer 204.
    pub async fn restart(&self) -> Result<(), ApiError> {
        let sent = self
            .send(
                reqwest::Method::POST,
                "api/system",
                &[("action", "restart")],
                Duration::from_secs(10),
            )
            .await;
        match sent {
            // Bazarr ends its process inside the request; behind Bazarr+'s Docker supervisor
            // that reads `503` ("Backend is starting up"). Either way the request was sent:
            // whether it restarted is what the wait below sees.
            Ok(_) | Err(ApiError::Dropped { .. } | ApiError::Status { status: 503, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Restart Bazarr and wait (at most `limit`) until a new process answers: first until
    /// the old one stops answering, then until one answers again. Polls every
    /// [`POLL_EVERY`]. Returns how long it took.
    pub async fn restart_and_wait(&self, limit: Duration) -> Result<Duration, RestartError> {
        let started = Instant::now();
        self.restart().await.map_err(RestartError::NotRestarted)?;
        let deadline = started + limit;
        // Seen, not assumed from a dropped request: something else may have cut it.
        let mut went_down = false;
        loop {
            tokio::time::sleep(POLL_EVERY).await;
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(if went_down {
                    RestartError::NotBack(limit)
                } else {
                    RestartError::NeverStopped(limit)
                });
            }
            match self.status(RUNNING_TIMEOUT.min(left)).await {
                Ok(()) if went_down => return Ok(started.elapsed()),
                Ok(()) => {}
                // Something else took the port while Bazarr was down.
                Err(e @ ApiError::Withheld { .. }) => return Err(RestartError::Withheld(e)),
                Err(_) => went_down = true,
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RestartError {
    #[error("asking Bazarr to restart failed: {0}")]
    NotRestarted(ApiError),
    #[error("Bazarr kept answering for {} s after it was asked to restart, so it did not restart", .0.as_secs())]
    NeverStopped(Duration),
    #[error("Bazarr stopped but did not answer again within {} s", .0.as_secs())]
    NotBack(Duration),
    #[error("while Bazarr restarted, {0}")]
    Withheld(ApiError),
}

/// A request that got no HTTP answer. One that reached Bazarr and then lost its connection
/// (neither a failure to connect nor a timeout) is `Dropped`: the request was sent.
fn transport_error(e: &reqwest::Error, url: &str) -> ApiError {
    if e.is_request() && !e.is_connect() && !e.is_timeout() {
        return ApiError::Dropped { url: url.into() };
    }
    ApiError::Unreachable {
        url: url.into(),
        why: reason(e),
    }
}

fn reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection refused or no route".into()
    } else {
        "the connection failed".into()
    }
}

/// `http://<ip>:<port><base_url>` from the `general` section, as Bazarr listens.
pub fn base_url_of(file: &BazarrFile) -> Result<Url, ApiError> {
    let ip = file.get_str("general", "ip").unwrap_or_default();
    let ip = match ip.trim() {
        "" | "*" | "0.0.0.0" => "127.0.0.1".to_string(),
        "::" | "[::]" => "[::1]".to_string(),
        other if other.contains(':') && !other.starts_with('[') => format!("[{other}]"),
        other => other.to_string(),
    };
    let port = file
        .get_i64("general", "port")
        .filter(|p| (1..=65535).contains(p))
        .unwrap_or(6767);
    let base = file.get_str("general", "base_url").unwrap_or_default();
    let base = base.trim().trim_end_matches('/');
    let path = if base.is_empty() || base.starts_with('/') {
        base.to_string()
    } else {
        format!("/{base}")
    };
    let text = format!("http://{ip}:{port}{path}/");
    Url::parse(&text).map_err(|_| ApiError::BadUrl(text))
}

/// The compared Plex keys whose value in `file` differs from what Bazarr runs on. A key the
/// running Bazarr does not report (an older version) is not compared.
pub fn differences(file: &BazarrFile, live: &serde_json::Value) -> Vec<Difference> {
    let mut out = Vec::new();
    for &(section, key, secret) in COMPARED {
        let Some(running) = live.get(section).and_then(|s| s.get(key)) else {
            continue;
        };
        let running = match running {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // Bazarr+ answers with its system secrets masked: nothing to compare.
        if running == MASKED {
            continue;
        }
        // Its other secrets come back opened; the file's are compared opened too.
        let in_file = match super::secrets::read(file, section, key) {
            Ok(value) => value.map(|v| v.to_string()).unwrap_or_default(),
            Err(_) => file.get_str(section, key).unwrap_or_default(),
        };
        if running != in_file {
            out.push(Difference {
                key: format!("{section}.{key}"),
                file: (!secret).then_some(in_file),
                live: (!secret).then_some(running),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(general: &str) -> BazarrFile {
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("config.yaml");
        std::fs::write(
            &path,
            format!("auth:\n  apikey: k\ngeneral:\n{general}plex:\n  token: ''\n"),
        )
        .unwrap();
        BazarrFile::load(&path).unwrap()
    }

    #[test]
    fn address_comes_from_general() {
        let f = file("  ip: '*'\n  port: 6767\n  base_url: ''\n");
        assert_eq!(base_url_of(&f).unwrap().as_str(), "http://127.0.0.1:6767/");
        let f = file("  ip: 0.0.0.0\n  port: 8080\n  base_url: /bazarr/\n");
        assert_eq!(
            base_url_of(&f).unwrap().as_str(),
            "http://127.0.0.1:8080/bazarr/"
        );
        let f = file("  ip: 192.168.1.5\n  base_url: bazarr\n");
        assert_eq!(
            base_url_of(&f).unwrap().as_str(),
            "http://192.168.1.5:6767/bazarr/"
        );
    }

    #[test]
    fn secrets_are_compared_but_never_shown() {
        let f = file("  use_plex: true\n");
        let live = serde_json::json!({
            "general": {"use_plex": false},
            "plex": {"token": "abc"}
        });
        let d = differences(&f, &live);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].describe(),
            "general.use_plex: file \"true\", running \"false\""
        );
        assert!(!d[1].describe().contains("abc"));
    }
}
