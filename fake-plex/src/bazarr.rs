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
//!
//! Each connection is served by hyper on its own task; the restart handler ends the process
//! by closing the listener and then dropping its own connection's task, so no HTTP answer is
//! ever written for it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct State {
    /// The file as read at the last start: Bazarr's settings in memory.
    text: String,
    restarts: u32,
    /// How long a restart keeps it silent; `None`: it never comes back.
    restart_takes: Option<Duration>,
    /// Bazarr 1.5.2 and older: the restart request gets `204`.
    answers_restart: bool,
    /// Bazarr+'s Docker image: a supervisor keeps the port and answers `503` while the
    /// process behind it restarts (the restart request included).
    supervised: bool,
    /// The supervisor's process is restarting.
    down: bool,
    /// `METHOD target` of every request, and whether it carried an `X-API-KEY`.
    requests: Vec<(String, bool)>,
    /// The running process's accept loop; aborting it closes the listening socket.
    process: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    file: PathBuf,
    addr: SocketAddr,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update is a single step: a panicking test leaves consistent data behind.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running fake Bazarr. Every method is blocking; everything stops when it is dropped.
pub struct FakeBazarr {
    shared: Arc<Shared>,
    runtime: Option<Runtime>,
}

impl FakeBazarr {
    /// Start on the file at `path`, as Bazarr does.
    ///
    /// # Panics
    /// When no runtime or loopback listener can be set up, or the file cannot be read.
    pub fn start(path: &Path) -> FakeBazarr {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fake-bazarr")
            .enable_all()
            .build()
            .expect("fake-bazarr: a tokio runtime");
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("fake-bazarr: a listener on 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                text: String::new(),
                restarts: 0,
                restart_takes: Some(Duration::from_millis(1200)),
                answers_restart: false,
                supervised: false,
                down: false,
                requests: Vec::new(),
                process: None,
            }),
            file: path.to_path_buf(),
            addr,
        });
        {
            let _context = runtime.enter();
            listener.set_nonblocking(true).unwrap();
            let listener = TcpListener::from_std(listener).unwrap();
            run_process(listener, &shared);
        }
        FakeBazarr {
            shared,
            runtime: Some(runtime),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.shared.addr.port())
    }

    pub fn port(&self) -> u16 {
        self.shared.addr.port()
    }

    /// A restart that stops answering and never starts again.
    pub fn never_comes_back(&self) {
        self.shared.lock().restart_takes = None;
    }

    /// Behave as Bazarr 1.5.2 and older: answer the restart request with `204`.
    pub fn answers_restart(&self) {
        self.shared.lock().answers_restart = true;
    }

    /// Behind Bazarr+'s Docker supervisor: `503` to the restart request and to everything
    /// while the process is down, instead of a closed port.
    pub fn supervised(&self) {
        self.shared.lock().supervised = true;
    }

    pub fn restarts(&self) -> u32 {
        self.shared.lock().restarts
    }

    /// `METHOD target` of every request received, in order.
    pub fn requests(&self) -> Vec<String> {
        let state = self.shared.lock();
        state.requests.iter().map(|(r, _)| r.clone()).collect()
    }

    /// The requests that carried an `X-API-KEY` header.
    pub fn keyed_requests(&self) -> Vec<String> {
        let state = self.shared.lock();
        let keyed = state.requests.iter().filter(|(_, keyed)| *keyed);
        keyed.map(|(r, _)| r.clone()).collect()
    }

    /// A value of Bazarr's settings in memory.
    pub fn live(&self, section: &str, key: &str) -> Option<serde_json::Value> {
        let state = self.shared.lock();
        settings(&state.text)
            .get(section)
            .and_then(|s| s.get(key))
            .cloned()
    }

    /// A settings save: the whole file rewritten from memory.
    pub fn save(&self) {
        let text = self.shared.lock().text.clone();
        std::fs::write(&self.shared.file, text).unwrap();
    }
}

impl Drop for FakeBazarr {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// One Bazarr process: read the file, then serve on `listener` until a restart stops it.
fn run_process(listener: TcpListener, shared: &Arc<Shared>) {
    let text = std::fs::read_to_string(&shared.file).unwrap();
    let task = tokio::spawn(accept(listener, Arc::clone(shared)));
    let mut state = shared.lock();
    state.text = text;
    state.process = Some(task);
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        tokio::spawn(serve_connection(stream, Arc::clone(&shared)));
    }
}

/// One connection, one request (every answer says `Connection: close`, as before). A restart
/// that ends the process inside the request fires `end`, and the connection is dropped
/// without an answer.
async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let (end, ended) = oneshot::channel::<()>();
    let end = Arc::new(Mutex::new(Some(end)));
    let service = service_fn(move |request| {
        let (shared, end) = (Arc::clone(&shared), Arc::clone(&end));
        async move { Ok::<_, std::convert::Infallible>(handle(request, shared, end).await) }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        // Dropping the connection closes the socket with nothing written.
        _ = ended => {}
    }
}

type End = Arc<Mutex<Option<oneshot::Sender<()>>>>;

async fn handle(request: Request<Incoming>, shared: Arc<Shared>, end: End) -> Response<Body> {
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let key = request
        .headers()
        .get("x-api-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    // The request is read in full before anything is answered, as Bazarr's server does.
    let _ = axum::body::to_bytes(Body::new(request.into_body()), 1 << 20).await;

    // `None`: a restart, with what it needs, decided while the settings are locked.
    let outcome = {
        let mut s = shared.lock();
        s.requests
            .push((format!("{method} {target}"), key.is_some()));
        if s.down {
            drop(s);
            return answer(503, r#"{"error": "Backend is starting up"}"#.into());
        }
        let live = settings(&s.text);
        // Bazarr+ (its secret store): what it holds in memory, and checks the key against,
        // is opened.
        let plus = live["general"].get("secrets_encryption_key").is_some();
        let live = if plus { masked(live) } else { live };
        let apikey = live["auth"]["apikey"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let authorized = key.as_deref() == Some(apikey.as_str()) && !apikey.is_empty();
        match (&method, target.as_str()) {
            (&Method::GET, "/api/system/ping") => Ok((200, r#"{"status":"OK"}"#.to_string())),
            _ if !authorized => Ok((401, r#"{"message":"Unauthorized"}"#.to_string())),
            (&Method::GET, "/api/system/status") if plus => Ok((
                200,
                r#"{"data":{"bazarr_version":"2.5.0","package_version":"Bazarr+ v2.5.0 by LavX"}}"#
                    .into(),
            )),
            (&Method::GET, "/api/system/status") => {
                Ok((200, r#"{"data":{"bazarr_version":"1.5.6"}}"#.into()))
            }
            (&Method::GET, "/api/system/settings") => Ok((200, live.to_string())),
            (&Method::POST, "/api/system?action=restart") if s.supervised => {
                s.restarts += 1;
                s.down = true;
                let takes = s.restart_takes;
                drop(s);
                if let Some(takes) = takes {
                    tokio::spawn(supervisor_brings_it_back(Arc::clone(&shared), takes));
                }
                return answer(503, r#"{"error": "Backend is starting up"}"#.into());
            }
            (&Method::POST, "/api/system?action=restart") => {
                s.restarts += 1;
                Err((s.process.take(), s.restart_takes, s.answers_restart))
            }
            _ => Ok((404, r#"{"message":"not found"}"#.into())),
        }
    };
    match outcome {
        Ok((status, body)) => answer(status, body),
        Err((process, takes, answers)) => restart(&shared, process, takes, answers, &end).await,
    }
}

/// Bazarr's restart: the web server is closed first, then the process ends inside the
/// request (no answer), or, before 1.5.3, the handler returns `204`.
async fn restart(
    shared: &Arc<Shared>,
    process: Option<JoinHandle<()>>,
    takes: Option<Duration>,
    answers: bool,
    end: &End,
) -> Response<Body> {
    if let Some(process) = process {
        process.abort();
        // Once the task is gone, so is its listener: connections are refused from here on.
        let _ = process.await;
    }
    if let Some(takes) = takes {
        tokio::spawn(come_back(Arc::clone(shared), takes));
    }
    let end = end.lock().unwrap_or_else(PoisonError::into_inner).take();
    if !answers && let Some(end) = end {
        let _ = end.send(());
        // The connection's task drops this future before it can answer.
        std::future::pending::<()>().await;
    }
    answer(204, String::new())
}

/// The new process, after the launcher noticed the restart file: it binds the same port
/// again (retrying while the port is briefly taken, as Bazarr does) and reads the file.
async fn come_back(shared: Arc<Shared>, takes: Duration) {
    tokio::time::sleep(takes).await;
    let mut tries = 0;
    let listener = loop {
        match TcpListener::bind(shared.addr).await {
            Ok(l) => break l,
            Err(_) if tries < 300 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the fake Bazarr cannot bind {} again: {e}", shared.addr),
        }
    };
    run_process(listener, &shared);
}

fn answer(status: u16, body: String) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONNECTION, "close")
        .body(Body::from(body))
        .unwrap()
}

/// The supervisor's new process: it reads the file again; the port never closed.
async fn supervisor_brings_it_back(shared: Arc<Shared>, takes: Duration) {
    tokio::time::sleep(takes).await;
    let text = std::fs::read_to_string(&shared.file).unwrap();
    let mut state = shared.lock();
    state.text = text;
    state.down = false;
}

/// What Bazarr+ shows of its system secrets: `***` for one that is set.
const SYSTEM_SECRETS: &[(&str, &str)] = &[
    ("general", "secrets_encryption_key"),
    ("general", "flask_secret_key"),
    ("plex", "encryption_key"),
];

/// Bazarr+ holds its secrets opened in memory, and its settings API gives them so; its
/// system secrets it masks.
fn masked(mut live: serde_json::Value) -> serde_json::Value {
    let master = live["general"]["secrets_encryption_key"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let fernet = bazarr_plus_key(&master);
    for section in ["auth", "plex", "general"] {
        let Some(keys) = live.get_mut(section).and_then(|s| s.as_object_mut()) else {
            continue;
        };
        for (key, value) in keys.iter_mut() {
            let masked = SYSTEM_SECRETS.contains(&(section, key.as_str()));
            match value.as_str() {
                Some(v) if masked && !v.is_empty() => *value = "***".into(),
                Some(v) if v.starts_with("enc:v1:") => {
                    let opened = fernet
                        .as_ref()
                        .and_then(|f| f.decrypt(&v["enc:v1:".len()..]).ok())
                        .map(|b| String::from_utf8_lossy(&b).into_owned());
                    // One that does not open stays as it was, as Bazarr+ leaves it.
                    if let Some(opened) = opened {
                        *value = opened.into();
                    }
                }
                _ => {}
            }
        }
    }
    live
}

/// Bazarr+'s Fernet key: URL-safe base64 of SHA-256 of `general.secrets_encryption_key`.
fn bazarr_plus_key(master: &str) -> Option<fernet::Fernet> {
    use base64::Engine as _;
    use sha2::Digest as _;
    if master.trim().is_empty() {
        return None;
    }
    let digest = sha2::Sha256::digest(master.as_bytes());
    fernet::Fernet::new(&base64::engine::general_purpose::URL_SAFE.encode(digest))
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
