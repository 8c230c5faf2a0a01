//! The fake Plex Media Servers: one listener per connection, each answering as its
//! [`ConnKind`] says at the moment a request arrives.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::Shared;
use crate::http::{self, JSON_TYPE, text_response};
use crate::spec::{ConnKind, PmsRecorded};

pub(crate) const PMS_VERSION: &str = "1.41.3.9314-a0bfb8370";
const UNAUTHORIZED_HTML: &str =
    "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>";
const NOT_FOUND_HTML: &str =
    "<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>";

/// Which connection of which server a listener serves; indices never change, since servers are
/// never removed.
#[derive(Clone)]
pub(crate) struct Pms {
    pub shared: Arc<Shared>,
    pub server: usize,
    pub conn: usize,
}

pub(crate) async fn handle(State(pms): State<Pms>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // Read the whole request first, so that even a hanging connection has taken it in.
    let _ = axum::body::to_bytes(body, http::MAX_BODY).await;
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    let kind = {
        let mut state = pms.shared.lock();
        let server = &state.servers[pms.server];
        let conn = &server.conns[pms.conn];
        let kind = conn.spec.kind.clone();
        let recorded = PmsRecorded {
            port: conn.port,
            machine_id: server.machine_id.clone(),
            method: parts.method.to_string(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: http::header_pairs(&parts.headers),
        };
        state.record_pms(recorded);
        kind
    };
    let impostor = match kind {
        ConnKind::Live | ConnKind::LiveTls => None,
        ConnKind::Slow(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        ConnKind::Hang => return std::future::pending().await,
        // Only a connection kept alive from before the switch can get here; end it.
        ConnKind::Closed => {
            let mut response =
                text_response(StatusCode::SERVICE_UNAVAILABLE, "text/plain", String::new());
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
        ConnKind::Impostor(other) => Some(other),
    };
    let token = parts
        .headers
        .get("x-plex-token")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .or_else(|| {
            http::parse_pairs(query)
                .into_iter()
                .find(|(key, _)| key.eq_ignore_ascii_case("X-Plex-Token"))
                .map(|(_, value)| value)
        });
    let state = pms.shared.lock();
    let server = &state.servers[pms.server];
    let machine_id = impostor.unwrap_or_else(|| server.machine_id.clone());
    match (&parts.method, path) {
        (&Method::GET, "/identity") => pms_json(json!({"MediaContainer": {
            "size": 0,
            "claimed": true,
            "machineIdentifier": machine_id,
            "version": PMS_VERSION,
        }})),
        (&Method::GET, "/") => {
            if state.server_accepts(server, token.as_deref()) {
                pms_json(json!({"MediaContainer": {
                    "size": 0,
                    "friendlyName": server.name,
                    "machineIdentifier": machine_id,
                    "version": PMS_VERSION,
                }}))
            } else {
                text_response(
                    StatusCode::UNAUTHORIZED,
                    "text/html",
                    UNAUTHORIZED_HTML.to_owned(),
                )
            }
        }
        _ => text_response(
            StatusCode::NOT_FOUND,
            "text/html",
            NOT_FOUND_HTML.to_owned(),
        ),
    }
}

fn pms_json(body: serde_json::Value) -> Response {
    let mut response = text_response(StatusCode::OK, JSON_TYPE, body.to_string());
    response
        .headers_mut()
        .insert("x-plex-protocol", HeaderValue::from_static("1.0"));
    response
}
