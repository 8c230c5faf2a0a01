//! `ConnKind::LiveTls` over real sockets: a blocking rustls client for the TLS side, and a bare
//! TcpStream for plain HTTP.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use fake_plex::{ConnKind, ConnSpec, FakePlex, ServerSpec};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CertificateError, ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use serde_json::Value;

fn client(roots: RootCertStore) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// A client that trusts nothing but the fake's own certificate.
fn trusting(plex: &FakePlex) -> Arc<ClientConfig> {
    let pem = plex.tls_certificate_pem();
    let cert = CertificateDer::from_pem_slice(pem.as_bytes()).expect("a PEM certificate");
    let mut roots = RootCertStore::empty();
    roots.add(cert).unwrap();
    client(roots)
}

fn port_of(uri: &str) -> u16 {
    uri.rsplit_once(':').unwrap().1.parse().unwrap()
}

fn request(target: &str, token: Option<&str>) -> String {
    let token = token
        .map(|t| format!("X-Plex-Token: {t}\r\n"))
        .unwrap_or_default();
    format!(
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n{token}Connection: close\r\n\r\n"
    )
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Status and body of a GET over TLS, or the error the handshake or the exchange ended with.
fn https_get(
    config: Arc<ClientConfig>,
    name: &str,
    port: u16,
    target: &str,
    token: Option<&str>,
) -> io::Result<(u16, String)> {
    let name = ServerName::try_from(name.to_owned()).unwrap();
    let tls = ClientConnection::new(config, name).unwrap();
    let mut stream = StreamOwned::new(tls, connect(port));
    stream.write_all(request(target, token).as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    Ok(split(&raw))
}

fn http_get(port: u16, target: &str, token: Option<&str>) -> Vec<u8> {
    let mut stream = connect(port);
    stream.write_all(request(target, token).as_bytes()).unwrap();
    let mut raw = Vec::new();
    // A TLS listener may reset the connection after its alert; what arrived before counts.
    let _ = stream.read_to_end(&mut raw);
    raw
}

fn split(raw: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|err| panic!("not JSON ({err}): {body:?}"))
}

fn certificate_error(err: &io::Error) -> Option<&CertificateError> {
    match err.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(cert) => Some(cert),
        _ => None,
    }
}

fn resources(plex: &FakePlex, query: &str) -> Value {
    let port = port_of(&plex.url());
    let raw = http_get(
        port,
        &format!("/api/v2/resources{query}"),
        Some(&plex.token()),
    );
    let (status, body) = split(&raw);
    assert_eq!(status, 200, "{body}");
    json(&body)
}

#[test]
fn live_tls_answers_like_live_over_tls() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Vault",
        "vault",
        vec![ConnSpec::new(ConnKind::LiveTls)],
    ));
    let uri = &handle.uris[0];
    let port = port_of(uri);
    assert_eq!(uri, &format!("https://127.0.0.1:{port}"));
    let config = trusting(&plex);

    let (status, body) = https_get(config.clone(), "127.0.0.1", port, "/identity", None).unwrap();
    assert_eq!(status, 200);
    assert_eq!(json(&body)["MediaContainer"]["machineIdentifier"], "vault");

    let token = handle.access_token.as_str();
    let (status, body) = https_get(config.clone(), "localhost", port, "/", Some(token)).unwrap();
    assert_eq!(status, 200);
    assert_eq!(json(&body)["MediaContainer"]["friendlyName"], "Vault");

    let (status, body) = https_get(config, "127.0.0.1", port, "/", Some("wrong")).unwrap();
    assert_eq!(status, 401);
    assert!(body.contains("401 Unauthorized"), "{body}");

    let seen = plex.pms_requests();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|r| r.port == port && r.machine_id == "vault")
    );
    assert_eq!(seen[1].path, "/");
    assert_eq!(seen[1].header("x-plex-token"), Some(token));
}

#[test]
fn the_certificate_is_self_signed_for_loopback_only() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Vault",
        "vault",
        vec![ConnSpec::new(ConnKind::LiveTls)],
    ));
    let port = port_of(&handle.uris[0]);

    // No root vouches for it: a client that verifies as usual refuses the server.
    let untrusting = client(RootCertStore::empty());
    let err = https_get(untrusting, "127.0.0.1", port, "/identity", None).unwrap_err();
    assert_eq!(
        certificate_error(&err),
        Some(&CertificateError::UnknownIssuer),
        "{err}"
    );

    // Trusted, it still names only 127.0.0.1 and localhost.
    let err = https_get(trusting(&plex), "plex.example", port, "/identity", None).unwrap_err();
    assert!(
        matches!(
            certificate_error(&err),
            Some(CertificateError::NotValidForNameContext { .. })
        ),
        "{err}"
    );
    assert!(plex.pms_requests().is_empty());
}

#[test]
fn plain_http_to_a_tls_connection_gets_no_http_answer() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Vault",
        "vault",
        vec![ConnSpec::new(ConnKind::LiveTls)],
    ));
    let raw = http_get(port_of(&handle.uris[0]), "/identity", None);
    assert!(
        !raw.starts_with(b"HTTP/"),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );
    // At most a TLS alert record.
    assert!(raw.is_empty() || raw[0] == 0x15, "{raw:?}");
    assert!(plex.pms_requests().is_empty());
}

#[test]
fn resources_list_tls_connections_as_https() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Vault",
        "vault",
        vec![
            ConnSpec::new(ConnKind::Live),
            ConnSpec::new(ConnKind::LiveTls),
        ],
    ));
    let all = resources(&plex, "?includeHttps=1");
    let connections = all[0]["connections"].as_array().unwrap();
    assert_eq!(connections.len(), 2);
    assert_eq!(connections[0]["protocol"], "http");
    assert_eq!(connections[1]["protocol"], "https");
    assert_eq!(connections[1]["uri"], handle.uris[1].as_str());
    assert_eq!(connections[1]["port"], port_of(&handle.uris[1]));

    // Like plex.tv, https connections are listed only on request.
    let plain = resources(&plex, "");
    assert_eq!(plain[0]["connections"].as_array().unwrap().len(), 1);
}

#[test]
fn set_conn_switches_between_plain_and_tls_on_the_same_port() {
    let plex = FakePlex::start();
    let handle = plex.add_server(ServerSpec::owned(
        "Tower",
        "tower",
        vec![ConnSpec::new(ConnKind::Live)],
    ));
    let port = port_of(&handle.uris[0]);
    let config = trusting(&plex);
    assert!(http_get(port, "/identity", None).starts_with(b"HTTP/1.1 200"));

    plex.set_conn("tower", 0, ConnKind::LiveTls);
    let (status, _) = https_get(config.clone(), "127.0.0.1", port, "/identity", None).unwrap();
    assert_eq!(status, 200);
    assert!(!http_get(port, "/identity", None).starts_with(b"HTTP/"));
    let listed = resources(&plex, "?includeHttps=1");
    assert_eq!(
        listed[0]["connections"][0]["uri"],
        format!("https://127.0.0.1:{port}")
    );

    plex.set_conn("tower", 0, ConnKind::Live);
    assert!(http_get(port, "/identity", None).starts_with(b"HTTP/1.1 200"));
    assert!(https_get(config.clone(), "127.0.0.1", port, "/identity", None).is_err());
    let listed = resources(&plex, "?includeHttps=1");
    assert_eq!(
        listed[0]["connections"][0]["uri"],
        format!("http://127.0.0.1:{port}")
    );

    plex.set_conn("tower", 0, ConnKind::Closed);
    // Accepted, then reset before a byte of answer, on the same port.
    let mut closed = connect(port);
    let _ = closed.write_all(request("/identity", None).as_bytes());
    let mut byte = [0u8; 1];
    match closed.read(&mut byte) {
        Ok(0) => {}
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
            ) => {}
        other => panic!("a closed connection is not reset: {other:?}"),
    }

    plex.set_conn("tower", 0, ConnKind::LiveTls);
    let (status, _) = https_get(config, "127.0.0.1", port, "/identity", None).unwrap();
    assert_eq!(status, 200);
}
