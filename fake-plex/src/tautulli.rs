//! A fake running Tautulli on 127.0.0.1:0, as Tautulli 2.17 answers `POST /save_pms_token`
//! (plexpy/webserve.py `save_pms_token`, plexpy/webauth.py `check_auth` and
//! `check_csrf_token`; tried against the real Tautulli 2.17.2):
//!
//! - with web authentication on (`http_password` set), the request has no signed-in admin:
//!   303 See Other to `/auth/logout?redirect_uri=/save_pms_token`, nothing changed;
//! - with it off, the CSRF check passes only with `X-Api-Key` equal to `[General] api_key`
//!   (else 403); then `PMS_TOKEN` and `PMS_CLIENT_ID` are set from the form fields `token`
//!   and `client_id` and the whole config.ini is written from memory at once
//!   (`CONFIG.write()`): 200 with the JSON body `null`; with `TAUTULLI_PMS_TOKEN` in its
//!   environment, the token is not kept (`set_setting`), and the answer is the same;
//! - when it stops (dropped), it writes config.ini back from memory.

use std::path::PathBuf;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

struct Inner {
    config: PathBuf,
    api_key: String,
    auth_on: bool,
    /// `TAUTULLI_PMS_TOKEN` is set in its environment: it wins, and nothing is saved.
    env_token: bool,
    /// config.ini as Tautulli holds it in memory, once a request made it read the file: it
    /// writes this back when it stops (`shutdown()` calls `CONFIG.write()`), whatever the
    /// file says by then.
    memory: Option<String>,
    /// `METHOD path` and whether the API key came with it.
    requests: Vec<String>,
}

type Shared = crate::serve::Shared<Inner>;

/// A running fake Tautulli whose config.ini is `config`. It stops when dropped.
pub struct FakeTautulli {
    shared: Shared,
    port: u16,
    _running: crate::serve::Running,
}

impl FakeTautulli {
    /// # Panics
    /// When no runtime or loopback listener can be set up.
    pub fn start(config: PathBuf, api_key: &str, auth_on: bool) -> FakeTautulli {
        let shared = Shared::new(Inner {
            config,
            api_key: api_key.to_owned(),
            auth_on,
            env_token: false,
            memory: None,
            requests: Vec::new(),
        });
        let router = Router::new()
            .route("/save_pms_token", post(save_pms_token))
            .with_state(shared.clone());
        let (running, port) = crate::serve::on_loopback("fake-tautulli", router);
        FakeTautulli {
            shared,
            port,
            _running: running,
        }
    }

    /// Run with `TAUTULLI_PMS_TOKEN` set: `set_setting` then logs "set by environment
    /// variable. Setting not saved to config." and keeps nothing.
    pub fn set_env_token(&self, on: bool) {
        self.shared.lock().env_token = on;
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn requests(&self) -> Vec<String> {
        self.shared.lock().requests.clone()
    }
}

impl Drop for FakeTautulli {
    /// Stopping Tautulli writes its settings back from memory.
    fn drop(&mut self) {
        let inner = self.shared.lock();
        if let Some(text) = &inner.memory {
            let _ = std::fs::write(&inner.config, text);
        }
    }
}

/// One form field (`application/x-www-form-urlencoded`).
fn field(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| decode(v))
    })
}

fn decode(v: &str) -> String {
    let v = v.replace('+', " ");
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = v
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The config.ini as Tautulli writes it from memory with `key` set to `value` (its other
/// values as they were: the fake holds nothing else in memory).
fn set_key(text: &str, key: &str, value: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        match line.split_once('=') {
            Some((k, _)) if k.trim() == key => out.push_str(&format!("{key} = {value}\n")),
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

async fn save_pms_token(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut inner = shared.lock();
    let sent = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let keyed = if sent.is_some() { " (X-Api-Key)" } else { "" };
    inner.requests.push(format!("POST /save_pms_token{keyed}"));
    if inner.auth_on {
        let mut resp = StatusCode::SEE_OTHER.into_response();
        resp.headers_mut().insert(
            header::LOCATION,
            "/auth/logout?redirect_uri=/save_pms_token".parse().unwrap(),
        );
        return resp;
    }
    if sent != Some(inner.api_key.as_str()) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    let read = inner
        .memory
        .clone()
        .or_else(|| std::fs::read_to_string(&inner.config).ok());
    let Some(mut text) = read else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(token) = field(&body, "token").filter(|_| !inner.env_token) {
        text = set_key(&text, "pms_token", &token);
    }
    if let Some(id) = field(&body, "client_id") {
        text = set_key(&text, "pms_client_id", &id);
    }
    inner.memory = Some(text.clone());
    if std::fs::write(&inner.config, text).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        "null",
    )
        .into_response()
}
