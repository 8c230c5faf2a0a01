//! The fake Plex Media Servers: one listener per connection, bound for the life of the fake.
//! Its [`ConnKind`] at the moment a connection is accepted decides whether it is reset or
//! served (plain or TLS), and at the moment a request arrives, how it is answered.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::Shared;
use crate::http::{self, JSON_TYPE, text_response};
use crate::spec::{ConnKind, PmsRecorded};
use crate::tls;

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

/// The accept loop of one connection's listener; it ends only when the fake's runtime stops.
pub(crate) async fn accept(listener: TcpListener, pms: Pms, acceptor: TlsAcceptor) {
    let app = Router::new().fallback(handle).with_state(pms.clone());
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or a connection reset before it was accepted: back off
                // briefly rather than spin.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let kind = {
            let state = pms.shared.lock();
            state.servers[pms.server].conns[pms.conn].spec.kind.clone()
        };
        // Small answers on loopback: without NODELAY, Nagle and delayed ACKs can add 40 ms to an
        // exchange on a kept-alive connection, which would skew plex-auth's benchmarks.
        let _ = stream.set_nodelay(true);
        match kind {
            // A reset at once (SO_LINGER 0 makes the close send RST): the client fails as soon
            // as it reads or writes, as quickly as if nothing listened, while the port stays
            // bound to this listener.
            ConnKind::Closed => {
                let _ = stream.set_zero_linger();
                drop(stream);
            }
            ConnKind::LiveTls => {
                tokio::spawn(tls::serve_connection(stream, app.clone(), acceptor.clone()));
            }
            ConnKind::Live | ConnKind::Slow(_) | ConnKind::Hang | ConnKind::Impostor(_) => {
                tokio::spawn(serve_plain(stream, app.clone()));
            }
        }
    }
}

/// Serves `app` in plain HTTP/1.1 on one accepted connection, until the client goes away.
async fn serve_plain(stream: TcpStream, app: Router) {
    let service = TowerToHyperService::new(app);
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
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
