//! A fake Overseerr or Jellyseerr on 127.0.0.1:0, as their API treats a Plex sign-in
//! (sct/overseerr `server/routes/auth.ts` and `server/index.ts`; Jellyseerr the same, with
//! its Plex gate):
//!
//! - `GET /api/v1/status` (the version) and `GET /api/v1/settings/public` (`initialized`;
//!   Jellyseerr adds `mediaServerType`, 1 for Plex, and `mediaServerLogin`) need nothing;
//! - `POST /api/v1/auth/plex` with `{"authToken"}` asks plex.tv whose token it is, matches
//!   that account to a user by its Plex id, stores the token as that user's `plexToken`
//!   (user 1's is the one every library scan uses), sets a session cookie and answers 200
//!   with the user; a token plex.tv refuses is 500 "Unable to authenticate.", an account
//!   with no user here is 403 "Access denied.", and Jellyseerr not set up for Plex is 500
//!   "Plex login is disabled";
//! - with CSRF protection on (`main.csrfProtection`), every answer sets the `_csrf` secret
//!   cookie and the `XSRF-TOKEN` cookie, and a POST without both (the cookie back, the token
//!   in an `XSRF-TOKEN`-style header) is 403 "invalid csrf token", as csurf answers.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// Whose token this is, as plex.tv answers `GET /users/account`: the account's Plex id, or
/// `None` for a token plex.tv refuses.
pub type TokenAccount = Arc<dyn Fn(&str) -> Option<u64> + Send + Sync>;

const CSRF_SECRET: &str = "fake-seerr-csrf-secret";

struct User {
    id: u64,
    plex_id: u64,
    plex_token: String,
}

struct Inner {
    jellyseerr: bool,
    initialized: bool,
    /// Jellyseerr's `main.mediaServerType` (1 Plex, 2 Jellyfin, 3 Emby).
    media_server_type: u64,
    media_server_login: bool,
    csrf: bool,
    users: Vec<User>,
    account: TokenAccount,
    /// `METHOD path` of every request.
    requests: Vec<String>,
}

type Shared = crate::serve::Shared<Inner>;

/// A running fake Overseerr (or Jellyseerr). Every method is blocking; it stops when
/// dropped.
pub struct FakeSeerr {
    shared: Shared,
    url: String,
    _running: crate::serve::Running,
}

impl FakeSeerr {
    /// Start set up, its admin (user 1) the Plex account `admin_plex_id` holding
    /// `admin_token`; `account` says whose a token is, as plex.tv would.
    ///
    /// # Panics
    /// When no runtime or loopback listener can be set up.
    pub fn start(
        jellyseerr: bool,
        admin_plex_id: u64,
        admin_token: &str,
        account: TokenAccount,
    ) -> FakeSeerr {
        let shared = Shared::new(Inner {
            jellyseerr,
            initialized: true,
            media_server_type: 1,
            media_server_login: true,
            csrf: false,
            users: vec![User {
                id: 1,
                plex_id: admin_plex_id,
                plex_token: admin_token.to_owned(),
            }],
            account,
            requests: Vec::new(),
        });
        let router = Router::new()
            .route("/api/v1/status", get(status))
            .route("/api/v1/settings/public", get(public))
            .route("/api/v1/auth/plex", post(auth_plex))
            .with_state(shared.clone());
        let (running, port) = crate::serve::on_loopback("fake-seerr", router);
        let url = format!("http://127.0.0.1:{port}");
        FakeSeerr {
            shared,
            url,
            _running: running,
        }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The token the admin (user 1) holds: the one every scan uses.
    pub fn admin_token(&self) -> String {
        let inner = self.shared.lock();
        inner.users[0].plex_token.clone()
    }

    /// Another Plex account with a user here (a friend the server is shared with).
    pub fn add_user(&self, plex_id: u64) {
        let mut inner = self.shared.lock();
        let id = inner.users.len() as u64 + 1;
        inner.users.push(User {
            id,
            plex_id,
            plex_token: String::new(),
        });
    }

    /// Turn on `main.csrfProtection`.
    pub fn set_csrf(&self, on: bool) {
        self.shared.lock().csrf = on;
    }

    /// Not set up yet: its first Plex sign-in would make that account its admin.
    pub fn set_initialized(&self, initialized: bool) {
        self.shared.lock().initialized = initialized;
    }

    /// Jellyseerr's media server (1 Plex, 2 Jellyfin, 3 Emby) and whether it lets its users
    /// sign in with it.
    pub fn set_media_server(&self, kind: u64, login: bool) {
        let mut inner = self.shared.lock();
        inner.media_server_type = kind;
        inner.media_server_login = login;
    }

    /// The requests made, `METHOD path`.
    pub fn requests(&self) -> Vec<String> {
        self.shared.lock().requests.clone()
    }
}

/// An answer with the cookies csurf sets on every response when CSRF protection is on.
fn answer(inner: &Inner, status: StatusCode, body: Value) -> Response {
    let mut resp = (status, axum::Json(body)).into_response();
    if inner.csrf {
        let headers = resp.headers_mut();
        for cookie in [
            format!("_csrf={CSRF_SECRET}; Path=/; HttpOnly; Secure; SameSite=Strict"),
            format!(
                "XSRF-TOKEN={}; Path=/; Secure; SameSite=Strict",
                csrf_token()
            ),
        ] {
            headers.append(header::SET_COOKIE, HeaderValue::from_str(&cookie).unwrap());
        }
    }
    resp
}

fn csrf_token() -> String {
    format!("tok-{CSRF_SECRET}")
}

fn error(inner: &Inner, status: StatusCode, message: &str) -> Response {
    answer(inner, status, json!({ "message": message }))
}

async fn status(State(shared): State<Shared>) -> Response {
    let mut inner = shared.lock();
    inner.requests.push("GET /api/v1/status".into());
    let version = match inner.jellyseerr {
        true => "2.5.2",
        false => "1.34.0",
    };
    answer(
        &inner,
        StatusCode::OK,
        json!({ "version": version, "commitTag": "local", "updateAvailable": false, "commitsBehind": 0, "restartRequired": false }),
    )
}

async fn public(State(shared): State<Shared>) -> Response {
    let mut inner = shared.lock();
    inner.requests.push("GET /api/v1/settings/public".into());
    let mut body = json!({ "initialized": inner.initialized, "applicationTitle": "Overseerr", "localLogin": true });
    if inner.jellyseerr {
        body["applicationTitle"] = json!("Jellyseerr");
        body["mediaServerType"] = json!(inner.media_server_type);
        body["mediaServerLogin"] = json!(inner.media_server_login);
    }
    answer(&inner, StatusCode::OK, body)
}

/// csurf: the secret comes back in the `_csrf` cookie and the token in one of its headers.
fn csrf_passes(headers: &HeaderMap) -> bool {
    let cookie_back = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == format!("_csrf={CSRF_SECRET}"));
    let token = ["csrf-token", "xsrf-token", "x-csrf-token", "x-xsrf-token"]
        .iter()
        .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()));
    cookie_back && token == Some(csrf_token().as_str())
}

async fn auth_plex(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut inner = shared.lock();
    inner.requests.push("POST /api/v1/auth/plex".into());
    if inner.csrf && !csrf_passes(&headers) {
        return error(&inner, StatusCode::FORBIDDEN, "invalid csrf token");
    }
    if inner.jellyseerr && (inner.media_server_type != 1 || !inner.media_server_login) {
        return error(
            &inner,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Plex login is disabled",
        );
    }
    let sent: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(token) = sent["authToken"].as_str().filter(|t| !t.is_empty()) else {
        return error(
            &inner,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Authentication token required.",
        );
    };
    let Some(plex_id) = (inner.account)(token) else {
        return error(
            &inner,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Unable to authenticate.",
        );
    };
    if !inner.initialized {
        // The first sign-in makes that account the admin.
        inner.initialized = true;
        inner.users[0].plex_id = plex_id;
    }
    let token = token.to_owned();
    let Some(user) = inner.users.iter_mut().find(|u| u.plex_id == plex_id) else {
        return error(&inner, StatusCode::FORBIDDEN, "Access denied.");
    };
    user.plex_token = token;
    let body = json!({ "id": user.id, "plexId": user.plex_id, "userType": 1, "permissions": 2 });
    let mut resp = answer(&inner, StatusCode::OK, body);
    resp.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("connect.sid=s%3Afake; Path=/; HttpOnly"),
    );
    resp
}
