//! TLS for [`ConnKind::LiveTls`](crate::ConnKind::LiveTls) connections: one self-signed
//! certificate per fake, and the PMS routes served over it.

use std::io;
use std::sync::Arc;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

/// The certificate every TLS listener of one fake presents, and the acceptor that uses it.
pub(crate) struct Tls {
    pub acceptor: TlsAcceptor,
    pub certificate_pem: String,
}

impl Tls {
    /// A fresh key and a self-signed certificate for `127.0.0.1` and `localhost`.
    pub fn generate() -> io::Result<Tls> {
        let names = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
        let certified = rcgen::generate_simple_self_signed(names).map_err(io::Error::other)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        ));
        // The provider is named rather than taken from the process default, which would be
        // ambiguous if anything in the build enabled a second rustls provider.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(vec![certified.cert.der().clone()], key)
            .map_err(io::Error::other)?;
        // Only HTTP/1.1 is served; saying so keeps a client that offers h2 from choosing it.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate_pem: certified.cert.pem(),
        })
    }
}

/// Serves `app` over TLS on one accepted connection, until the client goes away.
pub(crate) async fn serve_connection(stream: TcpStream, app: Router, acceptor: TlsAcceptor) {
    // A client that connects and sends nothing holds up no one else: each connection is served
    // on its own task.
    let Ok(stream) = acceptor.accept(stream).await else {
        return;
    };
    let service = TowerToHyperService::new(app);
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}
