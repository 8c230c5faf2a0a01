//! A fake running Bazarr on 127.0.0.1:0 that behaves as Bazarr 1.5.3 and later (and
//! Bazarr+) do: it reads config.yaml once at start and keeps the settings in memory, answers
//! `GET /api/system/status` and `GET /api/system/settings` from that copy, checks
//! `X-API-KEY` against its in-memory `auth.apikey`, answers `GET /api/system/ping` without a
//! key, and [`FakeBazarr::save`] rewrites the whole file from memory, as any settings save in
//! its UI does.
//!
//! `POST /api/system?action=restart` ends the process inside the request, as Bazarr's own
//! restart does (it closes its web server, touches the restart file and calls `os._exit`):
//! the request is read in full, the listening socket is closed, then the request's
//! connection closes with no answer. Connections are refused until the new process binds
//! the same port and reads the file again. Bazarr 1.5.2 and older instead returned `204`
//! from the handler after closing the web server ([`FakeBazarr::answers_restart`]).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct State {
    /// The file as read at the last start: Bazarr's settings in memory.
    text: String,
    restarts: u32,
    /// How long a restart keeps it silent; `None`: it never comes back.
    restart_takes: Option<Duration>,
    /// Bazarr 1.5.2 and older: the restart request gets `204`.
    answers_restart: bool,
    /// `METHOD target` of every request, and whether it carried an `X-API-KEY`.
    requests: Vec<(String, bool)>,
    /// Tells the running process's accept loop to close its listening socket, and hears
    /// back once it has.
    stop: Option<(mpsc::Sender<()>, mpsc::Receiver<()>)>,
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
            text: String::new(),
            restarts: 0,
            restart_takes: Some(Duration::from_millis(1200)),
            answers_restart: false,
            requests: Vec::new(),
            stop: None,
        }));
        run_process(listener, &state, path);
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

    /// Behave as Bazarr 1.5.2 and older: answer the restart request with `204`.
    pub fn answers_restart(&self) {
        self.state.lock().unwrap().answers_restart = true;
    }

    pub fn restarts(&self) -> u32 {
        self.state.lock().unwrap().restarts
    }

    /// `METHOD target` of every request received, in order.
    pub fn requests(&self) -> Vec<String> {
        let state = self.state.lock().unwrap();
        state.requests.iter().map(|(r, _)| r.clone()).collect()
    }

    /// The requests that carried an `X-API-KEY` header.
    pub fn keyed_requests(&self) -> Vec<String> {
        let state = self.state.lock().unwrap();
        let keyed = state.requests.iter().filter(|(_, keyed)| *keyed);
        keyed.map(|(r, _)| r.clone()).collect()
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

/// One Bazarr process: read the file, then serve on `listener` until a restart stops it.
fn run_process(listener: TcpListener, state: &Arc<Mutex<State>>, file: &Path) {
    let (stop, stopped) = mpsc::channel();
    let (closed, on_closed) = mpsc::channel();
    {
        let mut s = state.lock().unwrap();
        s.text = std::fs::read_to_string(file).unwrap();
        s.stop = Some((stop, on_closed));
    }
    let state = state.clone();
    let file = file.to_path_buf();
    std::thread::spawn(move || {
        loop {
            let Ok((conn, _)) = listener.accept() else {
                continue;
            };
            if stopped.try_recv().is_ok() {
                // Connections are refused from here on.
                drop(listener);
                let _ = closed.send(());
                return;
            }
            let state = state.clone();
            let file = file.clone();
            std::thread::spawn(move || handle(conn, &state, &file));
        }
    });
}

/// Close the listening socket of the running process and wait until it is closed.
fn close_listener(state: &Mutex<State>, addr: SocketAddr) {
    let stop = state.lock().unwrap().stop.take();
    if let Some((stop, closed)) = stop {
        stop.send(()).unwrap();
        // Wakes the accept loop, which sees the stop and drops the listener.
        drop(TcpStream::connect(addr));
        closed.recv().unwrap();
    }
}

/// The new process, after the launcher noticed the restart file: it binds the same port
/// again (retrying while the port is briefly taken, as Bazarr does) and reads the file.
fn come_back(state: Arc<Mutex<State>>, file: PathBuf, addr: SocketAddr, takes: Duration) {
    std::thread::sleep(takes);
    let mut tries = 0;
    let listener = loop {
        match TcpListener::bind(addr) {
            Ok(l) => break l,
            Err(_) if tries < 300 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("the fake Bazarr cannot bind {addr} again: {e}"),
        }
    };
    run_process(listener, &state, &file);
}

/// The request's head and its body (by `Content-Length`), read in full.
fn read_request(conn: &mut TcpStream) -> Option<String> {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut data = Vec::new();
    let mut buf = [0u8; 1024];
    let end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..end]).to_string();
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while data.len() < end + length {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    Some(head)
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_string())
}

fn handle(mut conn: TcpStream, state: &Arc<Mutex<State>>, file: &Path) {
    let Some(head) = read_request(&mut conn) else {
        return;
    };
    let mut first = head.lines().next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let key = header(&head, "x-api-key");

    let mut s = state.lock().unwrap();
    s.requests
        .push((format!("{method} {target}"), key.is_some()));
    let live = settings(&s.text);
    let apikey = live["auth"]["apikey"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let authorized = key.as_deref() == Some(apikey.as_str()) && !apikey.is_empty();
    let (status, body) = match (method.as_str(), target.as_str()) {
        ("GET", "/api/system/ping") => (200, r#"{"status":"OK"}"#.to_string()),
        _ if !authorized => (401, r#"{"message":"Unauthorized"}"#.to_string()),
        ("GET", "/api/system/status") => (200, r#"{"data":{"bazarr_version":"1.5.6"}}"#.into()),
        ("GET", "/api/system/settings") => (200, live.to_string()),
        ("POST", "/api/system?action=restart") => {
            s.restarts += 1;
            let takes = s.restart_takes;
            let answers = s.answers_restart;
            drop(s);
            restart(conn, state, file, takes, answers);
            return;
        }
        _ => (404, r#"{"message":"not found"}"#.into()),
    };
    drop(s);
    answer(&mut conn, status, &body);
}

/// Bazarr's restart: the web server is closed first, then the process ends inside the
/// request (no answer), or, before 1.5.3, the handler returns `204`.
fn restart(
    mut conn: TcpStream,
    state: &Arc<Mutex<State>>,
    file: &Path,
    takes: Option<Duration>,
    answers: bool,
) {
    let addr = conn.local_addr().unwrap();
    close_listener(state, addr);
    if answers {
        answer(&mut conn, 204, "");
    }
    drop(conn);
    if let Some(takes) = takes {
        let state = state.clone();
        let file = file.to_path_buf();
        std::thread::spawn(move || come_back(state, file, addr, takes));
    }
}

fn answer(conn: &mut TcpStream, status: u16, body: &str) {
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
