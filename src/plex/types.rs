//! plex.tv wire types. Decoding is tolerant: unknown fields are ignored and everything the
//! tool does not rely on is optional (plex-api.md §1, §4, §5).

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pin {
    pub id: u64,
    pub code: String,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub auth_token: Option<Secret>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: u64,
    #[serde(default)]
    pub uuid: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub name: String,
    pub client_identifier: String,
    #[serde(default)]
    pub provides: String,
    #[serde(default)]
    pub owned: bool,
    #[serde(default)]
    pub presence: bool,
    #[serde(default)]
    pub https_required: bool,
    #[serde(default)]
    pub access_token: Option<Secret>,
    #[serde(default)]
    pub source_title: Option<String>,
    #[serde(default)]
    pub product_version: Option<String>,
    #[serde(default)]
    pub connections: Vec<Connection>,
}

impl Resource {
    pub fn is_server(&self) -> bool {
        self.provides.split(',').any(|p| p.trim() == "server")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Connection {
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub port: u16,
    pub uri: String,
    #[serde(default)]
    pub local: bool,
    #[serde(default)]
    pub relay: bool,
    #[serde(default, rename = "IPv6")]
    pub ipv6: bool,
}

/// plex.tv's error body: `{"errors":[{"code":1001,"message":"…","status":401}]}`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorItem {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: String,
}

/// PMS `/identity` and `/` answers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MediaContainerDoc {
    pub media_container: MediaContainer,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaContainer {
    #[serde(default)]
    pub machine_identifier: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}
