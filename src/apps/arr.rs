//! Sonarr and Radarr keep their Plex token in their database, as the "Plex Media Server"
//! connection (Settings, Connect), reached through their v3 API (`/api/v3/notification`,
//! `implementation: "PlexServer"`; the settings are `host`, `port`, `useSsl`, `urlBase`,
//! `authToken`, `signIn`, `updateLibrary`: Sonarr's `PlexServerSettings`). A GET masks the
//! token as `********`; a PUT rebuilds the settings from the fields sent (one left out goes
//! back to its default), so the whole object is sent back with only the values changed;
//! Sonarr tests an enabled connection whose settings changed before it saves it, unless
//! `forceSave=true`, and answers 202. The API key is `<Config><ApiKey>` in config.xml.

use std::time::Duration;

use reqwest::Url;
use serde_json::{Value, json};

use super::FormatError;
use crate::secret::Secret;

/// The biggest answer read from the app: a list of a few connections.
const MAX_BODY: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ArrError {
    #[error("{app} at {url} could not be reached: {why}")]
    Unreachable {
        app: &'static str,
        url: String,
        why: String,
    },
    #[error("{app} at {url} refused its API key (401)")]
    KeyRefused { app: &'static str, url: String },
    #[error("{app} did not take the change: {why}")]
    Refused { app: &'static str, why: String },
    #[error("{app} answered {status} to {what}")]
    Status {
        app: &'static str,
        status: u16,
        what: String,
    },
    #[error(
        "{app} has no Plex Media Server connection (Settings, Connect) and no Plex Watchlist import list"
    )]
    NoPlex { app: &'static str },
}

/// The API key in Sonarr's or Radarr's config.xml.
pub fn api_key_in_config_xml(text: &str) -> Result<Secret, FormatError> {
    let start = text.find("<ApiKey>").map(|i| i + "<ApiKey>".len());
    let end = start.and_then(|s| text[s..].find("</ApiKey>").map(|e| s + e));
    match (text.contains("<Config>"), start, end) {
        (true, Some(s), Some(e)) => api_key(&text[s..e]),
        _ => Err(FormatError::NotTheApp {
            what: "<Config><ApiKey>".into(),
            app: "Sonarr or Radarr",
        }),
    }
}

/// An API key as the apps make them (32 hex characters), from config.xml or a key file.
pub fn api_key(text: &str) -> Result<Secret, FormatError> {
    let key = text.trim();
    if (16..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(Secret::new(key))
    } else {
        Err(FormatError::Refused(
            "the API key is not one Sonarr or Radarr makes (16 to 64 letters and digits)".into(),
        ))
    }
}

/// Where the app keeps a Plex token: a "Plex Media Server" connection (Settings, Connect;
/// masked on GET) or a "Plex Watchlist" import list (Settings, Import Lists; its
/// `accessToken` has no privacy level, so the API shows it), each its own v3 resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Notification,
    ImportList,
}

impl Resource {
    pub const ALL: [Resource; 2] = [Resource::Notification, Resource::ImportList];

    pub fn path(self) -> &'static str {
        match self {
            Resource::Notification => "api/v3/notification",
            Resource::ImportList => "api/v3/importlist",
        }
    }

    /// `implementation` of the app's Plex entries of this resource.
    pub fn implementation(self) -> &'static str {
        match self {
            Resource::Notification => "PlexServer",
            Resource::ImportList => "PlexImport",
        }
    }

    /// The field the token is kept in.
    pub fn token_field(self) -> &'static str {
        match self {
            Resource::Notification => "authToken",
            Resource::ImportList => "accessToken",
        }
    }
}

/// The Plex entries of `resource` in a `GET` of its list.
pub fn plex_entries(list: &Value, resource: Resource) -> Vec<Value> {
    list.as_array()
        .map(|all| {
            all.iter()
                .filter(|n| n["implementation"] == resource.implementation())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The "Plex Media Server" connections in a `GET /api/v3/notification` answer.
pub fn plex_connections(list: &Value) -> Vec<Value> {
    plex_entries(list, Resource::Notification)
}

/// The connection with the fields named set (every other field as the app gave it).
pub fn with_fields(n: &Value, set: &[(&str, Value)]) -> Value {
    let mut n = n.clone();
    if let Some(fields) = n["fields"].as_array_mut() {
        for (name, value) in set {
            match fields.iter_mut().find(|f| f["name"] == *name) {
                Some(f) => f["value"] = value.clone(),
                None => fields.push(json!({ "name": name, "value": value })),
            }
        }
    }
    n
}

/// The settings for a server at `url`: host, port, https, and a path as `urlBase`.
pub fn server_fields(url: &str) -> Result<Vec<(&'static str, Value)>, FormatError> {
    let parsed = Url::parse(url).map_err(|_| {
        FormatError::Refused(format!(
            "the server address {} is not a URL",
            crate::text::safe(url)
        ))
    })?;
    let host = parsed.host_str().unwrap_or_default().to_owned();
    let port = parsed.port_or_known_default().unwrap_or(32400);
    let base = parsed.path().trim_matches('/').to_owned();
    Ok(vec![
        ("host", json!(host)),
        ("port", json!(port)),
        ("useSsl", json!(parsed.scheme() == "https")),
        ("urlBase", json!(base)),
    ])
}

/// One Sonarr or Radarr, reached at `base` with its API key. Nothing is followed to another
/// address: the key goes to the one the user named.
pub struct ArrApi {
    pub app: &'static str,
    base: Url,
    key: Secret,
    http: reqwest::Client,
}

impl ArrApi {
    pub fn new(
        app: &'static str,
        base: Url,
        key: Secret,
        timeout: Duration,
    ) -> Result<ArrApi, ArrError> {
        let http = super::http_client(timeout).map_err(|e| ArrError::Unreachable {
            app,
            url: base.to_string(),
            why: e.to_string(),
        })?;
        Ok(ArrApi {
            app,
            base,
            key,
            http,
        })
    }

    pub async fn list(&self, resource: Resource) -> Result<Value, ArrError> {
        self.call(
            reqwest::Method::GET,
            resource.path(),
            None,
            &format!("GET /{}", resource.path()),
        )
        .await
    }

    /// The app's version (`GET /api/v3/system/status`), when it says.
    pub async fn version(&self) -> Option<String> {
        let status = self
            .call(
                reqwest::Method::GET,
                "api/v3/system/status",
                None,
                "the status",
            )
            .await
            .ok()?;
        status["version"]
            .as_str()
            .map(|v| crate::text::safe(v).into_owned())
    }

    /// Save `n`; `force` skips the app's own test (for a token being cleared).
    pub async fn put(&self, resource: Resource, n: &Value, force: bool) -> Result<(), ArrError> {
        let id = n["id"].as_u64().unwrap_or_default();
        let base = resource.path();
        let path = match force {
            true => format!("{base}/{id}?forceSave=true"),
            false => format!("{base}/{id}"),
        };
        self.call(reqwest::Method::PUT, &path, Some(n), "the new settings")
            .await?;
        Ok(())
    }

    /// Ask the app to test entry `n` as it is stored (a masked token stays the stored one):
    /// whether the token it holds still works.
    pub async fn test(&self, resource: Resource, n: &Value) -> Result<(), ArrError> {
        let path = format!("{}/test", resource.path());
        self.call(reqwest::Method::POST, &path, Some(n), "the test")
            .await?;
        Ok(())
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, ArrError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| self.unreachable(e.to_string()))?;
        let mut req = self
            .http
            .request(method, url)
            .header("X-Api-Key", self.key.expose());
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| self.unreachable(e.to_string()))?;
        let status = resp.status().as_u16();
        let bytes = crate::plex::client::read_capped(resp, MAX_BODY)
            .await
            .map_err(|e| self.unreachable(format!("{e:?}")))?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        match status {
            200..=299 => Ok(value),
            401 => Err(ArrError::KeyRefused {
                app: self.app,
                url: self.base.to_string(),
            }),
            400 => Err(ArrError::Refused {
                app: self.app,
                why: failures(&value),
            }),
            _ => Err(ArrError::Status {
                app: self.app,
                status,
                what: what.to_owned(),
            }),
        }
    }

    fn unreachable(&self, why: String) -> ArrError {
        ArrError::Unreachable {
            app: self.app,
            url: self.base.to_string(),
            why,
        }
    }
}

/// Sonarr's validation failures, as one line (its messages, never a value).
fn failures(value: &Value) -> String {
    let messages: Vec<String> = value
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|f| f["errorMessage"].as_str())
                .map(|m| crate::text::safe(m).into_owned())
                .collect()
        })
        .unwrap_or_default();
    match messages.is_empty() {
        true => "it answered 400".into(),
        false => messages.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_key_is_read_from_config_xml() {
        let xml = "<Config>\n  <Port>8989</Port>\n  <ApiKey>0123456789abcdef0123456789abcdef</ApiKey>\n</Config>\n";
        assert_eq!(
            api_key_in_config_xml(xml).unwrap().expose(),
            "0123456789abcdef0123456789abcdef"
        );
        assert!(api_key_in_config_xml("<Config></Config>").is_err());
        assert!(api_key("short").is_err());
        assert!(api_key("has spaces in it, not a key at all").is_err());
    }

    #[test]
    fn only_the_named_fields_change() {
        let n = json!({"id": 3, "name": "Plex", "onDownload": true, "fields": [
            {"name": "host", "value": "old"}, {"name": "authToken", "value": "********"},
            {"name": "updateLibrary", "value": false}]});
        let out = with_fields(&n, &[("authToken", json!("new"))]);
        assert_eq!(out["fields"][0]["value"], "old");
        assert_eq!(out["fields"][1]["value"], "new");
        assert_eq!(out["fields"][2]["value"], false);
        assert_eq!(out["onDownload"], true);
        let server = server_fields("https://10.0.0.2:32401/plex").unwrap();
        assert_eq!(server[0], ("host", json!("10.0.0.2")));
        assert_eq!(server[1], ("port", json!(32401)));
        assert_eq!(server[2], ("useSsl", json!(true)));
        assert_eq!(server[3], ("urlBase", json!("plex")));
    }
}
