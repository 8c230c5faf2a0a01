//! A fake running Bazarr on 127.0.0.1:0 that behaves as `bazarr.md` §8 says the real one
//! does: it reads config.yaml once at start and keeps the settings in memory, answers
//! `GET /api/system/status` and `GET /api/system/settings` from that copy, checks
//! `X-API-KEY` against its in-memory `auth.apikey`, restarts on
//! `POST /api/system?action=restart` (stops answering, then reads the file again after a
//! delay), and [`FakeBazarr::save`] rewrites the whole file from memory, as any settings
//! save in its UI does.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct State {
    /// The file as read at the last start: Bazarr's settings in memory.
    text: String,
    up: bool,
    restarts: u32,
    /// How long a restart keeps it silent; `None`: it never comes back.
    restart_takes: Option<Duration>,
    requests: Vec<String>,
}

pub struct FakeBazarr {
    port: u16,
    path: PathBuf,
    state: Arc<Mutex<State>>,
}

impl FakeBazarr {
    /// Start on the file at `path`, as Bazarr does.
    pub fn start(path: &Path) -> FakeBazarr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            text: std::fs::read_to_string(path).unwrap(),
            up: true,
            restarts: 0,
            restart_takes: Some(Duration::from_millis(1200)),
            requests: Vec::new(),
        }));
        let shared = state.clone();
        let file = path.to_path_buf();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let state = shared.clone();
                let file = file.clone();
                std::thread::spawn(move || handle(conn, &state, &file));
            }
        });
        FakeBazarr {
            port,
            path: path.to_path_buf(),
            state,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A restart that stops answering and never starts again.
    pub fn never_comes_back(&self) {
        self.state.lock().unwrap().restart_takes = None;
    }

    pub fn restarts(&self) -> u32 {
        self.state.lock().unwrap().restarts
    }

    /// `METHOD path` of every request answered or refused, in order.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }

    /// A value of Bazarr's settings in memory.
    pub fn live(&self, section: &str, key: &str) -> Option<serde_json::Value> {
        let state = self.state.lock().unwrap();
        settings(&state.text)
            .get(section)
            .and_then(|s| s.get(key))
            .cloned()
    }

    /// A settings save: the whole file rewritten from memory.
    pub fn save(&self) {
        let text = self.state.lock().unwrap().text.clone();
        std::fs::write(&self.path, text).unwrap();
    }
}

fn handle(mut conn: TcpStream, state: &Arc<Mutex<State>>, file: &Path) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let mut lines = head.lines();
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let key = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("x-api-key"))
        .map(|(_, v)| v.trim().to_string());

    let mut s = state.lock().unwrap();
    s.requests.push(format!("{method} {target}"));
    if !s.up {
        // A stopped Bazarr: the connection closes with no answer.
        return;
    }
    let live = settings(&s.text);
    let apikey = live["auth"]["apikey"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, body) = if key.as_deref() != Some(apikey.as_str()) || apikey.is_empty() {
        (401, r#"{"message":"Unauthorized"}"#.to_string())
    } else {
        match (method.as_str(), target.as_str()) {
            ("GET", "/api/system/status") => (200, r#"{"data":{"bazarr_version":"1.5.6"}}"#.into()),
            ("GET", "/api/system/settings") => (200, live.to_string()),
            ("POST", "/api/system?action=restart") => {
                s.restarts += 1;
                s.up = false;
                let takes = s.restart_takes;
                let state = state.clone();
                let file = file.to_path_buf();
                std::thread::spawn(move || {
                    let Some(takes) = takes else { return };
                    std::thread::sleep(takes);
                    let mut s = state.lock().unwrap();
                    s.text = std::fs::read_to_string(&file).unwrap();
                    s.up = true;
                });
                (204, String::new())
            }
            _ => (404, r#"{"message":"not found"}"#.into()),
        }
    };
    drop(s);
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        401 => "Unauthorized",
        _ => "Not Found",
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Bazarr's settings as its API gives them: each section's scalar keys (enough for the
/// Plex keys; lists and nested mappings are left out).
fn settings(text: &str) -> serde_json::Value {
    let doc: yaml_serde::Value = yaml_serde::from_str(text).unwrap();
    let mut out = serde_json::Map::new();
    for (section, keys) in doc.as_mapping().unwrap() {
        let mut map = serde_json::Map::new();
        if let Some(keys) = keys.as_mapping() {
            for (k, v) in keys {
                let value = match v {
                    yaml_serde::Value::String(s) => serde_json::Value::from(s.clone()),
                    yaml_serde::Value::Bool(b) => serde_json::Value::from(*b),
                    yaml_serde::Value::Number(n) => {
                        serde_json::from_str(&n.to_string()).unwrap_or_default()
                    }
                    yaml_serde::Value::Null => serde_json::Value::Null,
                    _ => continue,
                };
                map.insert(k.as_str().unwrap_or_default().to_string(), value);
            }
        }
        out.insert(section.as_str().unwrap_or_default().to_string(), map.into());
    }
    out.into()
}
