//! `fake-hostile MODE`: a [`fake_plex::Hostile`] server for scripts (scripts/hostile-rss),
//! so they measure plex-auth against the same misbehaving answers as the tests do. It
//! prints its port, then serves until it is killed.
//!
//!   endless   every path: 200, a chunked body that never ends
//!   huge      every path: 200 with a Content-Length of 200 MB
//!   identity  plex.tv's user and resources answered; the one server they list (this one,
//!             under /pms) sends a body that never ends

use std::io::Write;
use std::process::ExitCode;

use fake_plex::{Hostile, Reply};

const USER: &str = r#"{"id":7,"uuid":"u7","username":"mallory","email":"m@example.com"}"#;

fn main() -> ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let bad = match mode.as_str() {
        "endless" | "identity" => Reply::Endless,
        "huge" => Reply::Huge,
        _ => {
            eprintln!("usage: fake-hostile endless|huge|identity");
            return ExitCode::from(2);
        }
    };
    // The resources name this server's own port, which is known only once it listens.
    let port = std::sync::Arc::new(std::sync::OnceLock::<u16>::new());
    let own = std::sync::Arc::clone(&port);
    let identity = mode == "identity";
    let server = Hostile::start(move |path, _| match path {
        "/api/v2/user" if identity => Reply::Json(USER.into()),
        "/api/v2/resources" if identity => {
            let p = own.get().copied().unwrap_or_default();
            Reply::Json(format!(
                r#"[{{"name":"Deep","clientIdentifier":"deep","provides":"server","owned":true,"presence":true,"connections":[{{"protocol":"http","address":"127.0.0.1","port":{p},"uri":"http://127.0.0.1:{p}/pms","local":true,"relay":false,"IPv6":false}}]}}]"#
            ))
        }
        _ => bad.clone(),
    });
    let _ = port.set(server.port());
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", server.port())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    loop {
        std::thread::park();
    }
}
