//! Overseerr and Jellyseerr keep their Plex token in their database, as the admin's
//! (user 1's) `plexToken`, which every library scan reads again; nothing shows it. The one
//! way in is the app's own Plex sign-in, `POST /api/v1/auth/plex` with `{"authToken"}`: the
//! app asks plex.tv whose token it is, matches that account to its user by Plex id, and
//! stores the token as that user's. It needs no API key. With CSRF protection on, the
//! request carries back the `_csrf` cookie and the `XSRF-TOKEN` the app set on an earlier
//! answer. Jellyseerr takes it only while it is set up for Plex (`mediaServerType` 1, and
//! `mediaServerLogin` not turned off).

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::{Value, json};

use super::FormatError;
use crate::secret::Secret;

/// The biggest answer read from the app: a status or a user, a few KiB.
const MAX_BODY: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum SeerrError {
    #[error("{app} at {url} could not be reached: {why}")]
    Unreachable {
        app: &'static str,
        url: String,
        why: String,
    },
    #[error("{app} did not take the token: {why}")]
    Refused { app: &'static str, why: String },
    #[error("{app} is not set up yet (its first Plex sign-in would make that account its admin)")]
    NotSetUp { app: &'static str },
    #[error("{app} is not set up to sign in with Plex ({why})")]
    NotPlex { app: &'static str, why: String },
    #[error(
        "{app} took the token for its user {user}, not its admin (user 1), whose token its library scans use"
    )]
    NotAdmin { app: &'static str, user: u64 },
    #[error("{app} answered {status} to {what}")]
    Status {
        app: &'static str,
        status: u16,
        what: String,
    },
}

/// What the app says of itself without being signed in to.
#[derive(Debug, Clone, Default)]
pub struct About {
    pub version: Option<String>,
}

/// What the app's settings.json says about its Plex server, offline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub server_name: Option<String>,
    pub machine_id: Option<String>,
    pub server_url: Option<String>,
}

/// The Plex part of Overseerr's or Jellyseerr's settings.json (`plex.name`, `machineId`,
/// `ip`, `port`, `useSsl`). A file without `main` and `plex` is not the app's.
pub fn read_settings(text: &str, app: &'static str) -> Result<Settings, FormatError> {
    let value: Value = serde_json::from_str(text).map_err(|_| FormatError::NotTheApp {
        what: "JSON with `main` and `plex`".into(),
        app,
    })?;
    let plex = &value["plex"];
    if !value["main"].is_object() || !plex.is_object() {
        return Err(FormatError::NotTheApp {
            what: "`main` and `plex`".into(),
            app,
        });
    }
    let text_of = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let server_url = text_of(&plex["ip"]).map(|ip| {
        let scheme = match plex["useSsl"].as_bool() {
            Some(true) => "https",
            _ => "http",
        };
        let port = plex["port"].as_u64().unwrap_or(32400);
        format!("{scheme}://{ip}:{port}")
    });
    Ok(Settings {
        server_name: text_of(&plex["name"]),
        machine_id: text_of(&plex["machineId"]),
        server_url,
    })
}

/// One Overseerr or Jellyseerr at `base`. Nothing is followed to another address.
pub struct SeerrApi {
    pub app: &'static str,
    jellyseerr: bool,
    base: Url,
    http: reqwest::Client,
}

impl SeerrApi {
    pub fn new(
        app: &'static str,
        jellyseerr: bool,
        base: Url,
        timeout: Duration,
    ) -> Result<SeerrApi, SeerrError> {
        let http = super::http_client(timeout).map_err(|e| SeerrError::Unreachable {
            app,
            url: base.to_string(),
            why: e.to_string(),
        })?;
        Ok(SeerrApi {
            app,
            jellyseerr,
            base,
            http,
        })
    }

    /// The version, and whether the app would take a Plex sign-in at all: set up, and (for
    /// Jellyseerr) set up for Plex.
    pub async fn about(&self) -> Result<About, SeerrError> {
        let (status, _) = self.get("api/v1/status").await?;
        let (public, _) = self.get("api/v1/settings/public").await?;
        if public["initialized"] == false {
            return Err(SeerrError::NotSetUp { app: self.app });
        }
        if self.jellyseerr {
            if !public["mediaServerType"].is_null() && public["mediaServerType"] != 1 {
                return Err(SeerrError::NotPlex {
                    app: self.app,
                    why: format!(
                        "its media server is type {}, not Plex (1)",
                        public["mediaServerType"]
                    ),
                });
            }
            if public["mediaServerLogin"] == false {
                return Err(SeerrError::NotPlex {
                    app: self.app,
                    why: "signing in with the media server is turned off".into(),
                });
            }
        }
        Ok(About {
            version: status["version"]
                .as_str()
                .map(|v| crate::text::safe(v).into_owned()),
        })
    }

    /// Sign the admin in with `token`, which the app then keeps as the admin's. A token that
    /// plex.tv gives another account (one the app knows as another user) is refused here.
    pub async fn give(&self, token: &Secret) -> Result<(), SeerrError> {
        // An earlier answer carries the CSRF cookies when the app wants them.
        let (_, cookies) = self.get("api/v1/status").await?;
        let url = self.url("api/v1/auth/plex")?;
        let mut req = self
            .http
            .post(url)
            .json(&json!({ "authToken": token.expose() }));
        if let Some((secret, xsrf)) = cookies {
            req = req
                .header(reqwest::header::COOKIE, format!("_csrf={secret}"))
                .header("XSRF-TOKEN", xsrf);
        }
        let (status, body) = self.send(req).await?;
        match status {
            200..=299 => match body["id"].as_u64() {
                Some(1) => Ok(()),
                Some(user) => Err(SeerrError::NotAdmin {
                    app: self.app,
                    user,
                }),
                None => Err(SeerrError::Status {
                    app: self.app,
                    status,
                    what: "the sign-in (no user in the answer)".into(),
                }),
            },
            403 | 500 => Err(SeerrError::Refused {
                app: self.app,
                why: match body["message"].as_str() {
                    Some(m) => format!("{status} \"{}\"", crate::text::safe(m)),
                    None => format!("it answered {status}"),
                },
            }),
            _ => Err(SeerrError::Status {
                app: self.app,
                status,
                what: "the sign-in".into(),
            }),
        }
    }

    /// A GET of `path`: its JSON, and the CSRF secret and token when the app set them.
    async fn get(&self, path: &str) -> Result<(Value, Option<(String, String)>), SeerrError> {
        let req = self.http.get(self.url(path)?);
        let resp = req.send().await.map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        let cookies = csrf_cookies(resp.headers());
        let bytes = crate::plex::client::read_capped(resp, MAX_BODY)
            .await
            .map_err(|e| self.unreachable(format!("{e:?}")))?;
        if !(200..=299).contains(&status) {
            return Err(SeerrError::Status {
                app: self.app,
                status,
                what: format!("GET /{path}"),
            });
        }
        let value = serde_json::from_slice(&bytes).map_err(|_| SeerrError::Status {
            app: self.app,
            status,
            what: format!(
                "GET /{path} (the answer is not JSON: is this {}?)",
                self.app
            ),
        })?;
        Ok((value, cookies))
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<(u16, Value), SeerrError> {
        let resp = req.send().await.map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        let bytes = crate::plex::client::read_capped(resp, MAX_BODY)
            .await
            .map_err(|e| self.unreachable(format!("{e:?}")))?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    fn url(&self, path: &str) -> Result<Url, SeerrError> {
        self.base.join(path).map_err(|e| self.unreachable(e))
    }

    fn unreachable(&self, why: impl ToString) -> SeerrError {
        SeerrError::Unreachable {
            app: self.app,
            url: self.base.to_string(),
            why: why.to_string(),
        }
    }
}

/// csurf's two cookies: the secret (`_csrf`) and the token it is checked against.
fn csrf_cookies(headers: &HeaderMap) -> Option<(String, String)> {
    let mut secret = None;
    let mut token = None;
    for value in headers.get_all(SET_COOKIE) {
        let Some(pair) = value.to_str().ok().and_then(|v| v.split(';').next()) else {
            continue;
        };
        match pair.trim().split_once('=') {
            Some(("_csrf", v)) => secret = Some(v.to_owned()),
            Some(("XSRF-TOKEN", v)) => token = Some(v.to_owned()),
            _ => {}
        }
    }
    secret.zip(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plex_server_is_read_from_settings_json() {
        let text = r#"{"clientId":"x","main":{"apiKey":"k","csrfProtection":false},
            "plex":{"name":"Living Room","ip":"10.0.0.2","port":32400,"useSsl":true,"machineId":"abc","libraries":[]}}"#;
        let s = read_settings(text, "Overseerr").unwrap();
        assert_eq!(s.server_name.as_deref(), Some("Living Room"));
        assert_eq!(s.machine_id.as_deref(), Some("abc"));
        assert_eq!(s.server_url.as_deref(), Some("https://10.0.0.2:32400"));
        assert!(read_settings("{}", "Overseerr").is_err());
        assert!(read_settings("plex: {}", "Overseerr").is_err());
    }

    #[test]
    fn the_csrf_cookies_are_picked_from_set_cookie() {
        let mut h = HeaderMap::new();
        h.append(SET_COOKIE, "_csrf=sec; Path=/; HttpOnly".parse().unwrap());
        h.append(SET_COOKIE, "XSRF-TOKEN=tok; Path=/".parse().unwrap());
        h.append(SET_COOKIE, "connect.sid=zzz; Path=/".parse().unwrap());
        assert_eq!(csrf_cookies(&h), Some(("sec".into(), "tok".into())));
        assert_eq!(csrf_cookies(&HeaderMap::new()), None);
    }
}
