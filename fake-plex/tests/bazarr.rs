//! The fake Bazarr itself, on the wire: plex-auth copes with more than one restart
//! behaviour, so its own tests pass whether or not the fake ends inside the restart
//! request. These pin down that the fake does what Bazarr 1.5.3 and later do.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use fake_plex::FakeBazarr;

const CONFIG: &str = "auth:\n  apikey: k1\nplex:\n  ip: 127.0.0.1\n";

/// One request on a new connection; everything the fake sent before it closed.
fn exchange(port: u16, request: &str) -> std::io::Result<String> {
    let mut conn = TcpStream::connect(("127.0.0.1", port))?;
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    conn.write_all(request.as_bytes())?;
    let mut out = Vec::new();
    conn.read_to_end(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn get(port: u16, target: &str, key: Option<&str>) -> String {
    let key = key
        .map(|k| format!("X-API-KEY: {k}\r\n"))
        .unwrap_or_default();
    exchange(
        port,
        &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{key}Connection: close\r\n\r\n"),
    )
    .unwrap()
}

fn start(text: &str) -> (tempfile::TempDir, std::path::PathBuf, FakeBazarr) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, text).unwrap();
    let fake = FakeBazarr::start(&path);
    (dir, path, fake)
}

#[test]
fn the_api_key_is_checked_and_ping_needs_none() {
    let (_dir, _path, fake) = start(CONFIG);
    let port = fake.port();
    assert!(get(port, "/api/system/ping", None).starts_with("HTTP/1.1 200"));
    assert!(get(port, "/api/system/status", None).starts_with("HTTP/1.1 401"));
    assert!(get(port, "/api/system/status", Some("k2")).starts_with("HTTP/1.1 401"));
    let status = get(port, "/api/system/status", Some("k1"));
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(
        status.ends_with(r#"{"data":{"bazarr_version":"1.5.6"}}"#),
        "{status}"
    );
    let settings = get(port, "/api/system/settings", Some("k1"));
    assert!(settings.contains(r#""ip":"127.0.0.1""#), "{settings}");
    assert!(get(port, "/api/nope", Some("k1")).starts_with("HTTP/1.1 404"));
    assert_eq!(
        fake.keyed_requests(),
        [
            "GET /api/system/status",
            "GET /api/system/status",
            "GET /api/system/settings",
            "GET /api/nope"
        ]
    );
    assert_eq!(fake.requests().len(), 6);
}

#[test]
fn a_restart_ends_inside_the_request_and_comes_back_with_the_file() {
    let (_dir, path, fake) = start(CONFIG);
    let port = fake.port();
    std::fs::write(&path, CONFIG.replace("k1", "k2")).unwrap();
    // Still the settings read at start: the file is read once.
    assert_eq!(fake.live("auth", "apikey").unwrap(), "k1");
    let asked = Instant::now();
    let body = "{}";
    let answer = exchange(
        port,
        &format!(
            "POST /api/system?action=restart HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: k1\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    // No HTTP answer at all: the connection closed (or was reset) with nothing written.
    assert!(
        matches!(&answer, Ok(text) if text.is_empty()) || answer.is_err(),
        "{answer:?}"
    );
    assert_eq!(fake.restarts(), 1);
    // The old listener is gone at once.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    // The new process answers, on the same port, with what the file says now.
    let status = loop {
        if let Ok(text) = exchange(
            port,
            "GET /api/system/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: k2\r\n\r\n",
        ) {
            break text;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(10),
            "it never came back"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        asked.elapsed() >= Duration::from_secs(1),
        "it came back at once"
    );
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert_eq!(fake.live("auth", "apikey").unwrap(), "k2");
}

#[test]
fn an_old_bazarr_answers_the_restart_and_one_that_never_comes_back_stays_away() {
    let (_dir, _path, fake) = start(CONFIG);
    fake.answers_restart();
    let restart =
        "POST /api/system?action=restart HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: k1\r\n\r\n";
    let answer = exchange(fake.port(), restart).unwrap();
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");

    let (_dir, _path, fake) = start(CONFIG);
    fake.never_comes_back();
    let _ = exchange(fake.port(), restart);
    std::thread::sleep(Duration::from_millis(2000));
    assert!(TcpStream::connect(("127.0.0.1", fake.port())).is_err());
}

#[test]
fn a_save_writes_the_settings_in_memory_back() {
    let (_dir, path, fake) = start(CONFIG);
    std::fs::write(&path, "auth:\n  apikey: changed\n").unwrap();
    fake.save();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
}
