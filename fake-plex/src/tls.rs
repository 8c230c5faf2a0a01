//! TLS for [`ConnKind::LiveTls`](crate::ConnKind::LiveTls) listeners: one self-signed
//! certificate per fake, and an accept loop that serves the PMS routes over it.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
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

/// Serves `app` over TLS on every connection `listener` accepts, until the task is aborted.
/// Connections already accepted carry on after that, as they do on plain listeners.
pub(crate) async fn serve(listener: TcpListener, app: Router, acceptor: TlsAcceptor) {
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
        // The same reason as on plain listeners: no Nagle delays on small loopback answers.
        let _ = stream.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        // Each handshake runs on its own task, so a client that connects and sends nothing
        // holds up no one else.
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let service = TowerToHyperService::new(app);
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
