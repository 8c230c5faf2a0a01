//! plex.tv wire types. Decoding is tolerant: unknown fields are ignored and everything the
//! tool does not rely on is optional (docs/formats.md#endpoints).

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
    pub created_at: Option<String>,
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
    /// Read one by one: a connection with odd or missing fields becomes one the probe skips,
    /// never a list that fails to parse.
    #[serde(default, deserialize_with = "lenient_connections")]
    pub connections: Vec<Connection>,
}

impl Resource {
    pub fn is_server(&self) -> bool {
        self.provides.split(',').any(|p| p.trim() == "server")
    }
}

/// One of a resource's connections as plex.tv listed it. A field that is missing, null or of
/// another type reads as empty (`""`, port 0, false); whether the `uri` is usable is for the
/// prober to judge (`probe::unusable_uri`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    pub protocol: String,
    pub address: String,
    /// 0 when missing or outside 1..=65535.
    pub port: u16,
    pub uri: String,
    pub local: bool,
    pub relay: bool,
    pub ipv6: bool,
}

impl Connection {
    fn from_json(v: &serde_json::Value) -> Connection {
        let text = |key: &str| {
            v.get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let flag = |key: &str| {
            v.get(key)
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        Connection {
            protocol: text("protocol"),
            address: text("address"),
            port: v
                .get("port")
                .and_then(serde_json::Value::as_u64)
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(0),
            uri: text("uri"),
            local: flag("local"),
            relay: flag("relay"),
            ipv6: flag("IPv6"),
        }
    }
}

fn lenient_connections<'de, D>(d: D) -> Result<Vec<Connection>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = serde_json::Value::deserialize(d)?;
    Ok(raw
        .as_array()
        .map(|list| list.iter().map(Connection::from_json).collect())
        .unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_connections_read_as_empty_fields_not_a_failed_list() {
        let list: Vec<Resource> = serde_json::from_str(
            r#"[{"name":"Odd","clientIdentifier":"m","provides":"server","connections":[
                {"uri":null,"port":99999,"protocol":7,"local":"yes"},
                {"uri":"http://127.0.0.1:32400","port":32400,"address":"127.0.0.1","local":true},
                "not an object"
            ]},{"name":"None","clientIdentifier":"n","connections":null}]"#,
        )
        .unwrap();
        let conns = &list[0].connections;
        assert_eq!(conns.len(), 3);
        assert_eq!(conns[0], Connection::default());
        assert_eq!(conns[1].port, 32400);
        assert!(conns[1].local);
        assert_eq!(conns[2], Connection::default());
        assert!(list[1].connections.is_empty());
    }
}
