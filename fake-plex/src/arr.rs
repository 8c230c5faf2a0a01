//! A fake Sonarr or Radarr on 127.0.0.1:0, as their v3 API treats a "Plex Media Server"
//! connection (`implementation: "PlexServer"`, `configContract: "PlexServerSettings"`;
//! Sonarr's `ProviderControllerBase` and `PlexServerSettings`, Radarr the same):
//!
//! - every request needs `X-Api-Key` (else 401);
//! - `GET /api/v3/notification` lists the connections with `authToken` masked as
//!   `********` (it is `PrivacyLevel.ApiKey`);
//! - `PUT /api/v3/notification/{id}` rebuilds the settings from the fields sent, so a field
//!   left out goes back to its default, and `********` keeps the stored token; when the
//!   connection is enabled and changed, and `forceSave` is not set, it is tested first (the
//!   token must be one plex.tv takes) and a failure is 400 with Sonarr's validation list;
//!   then 202 Accepted;
//! - `POST /api/v3/notification/test` tests a connection the same way without saving;
//! - `/api/v3/importlist` does the same for "Plex Watchlist" import lists
//!   (`implementation: "PlexImport"`, `PlexListSettings`: `accessToken`, which has no
//!   privacy level and so is shown, and `signIn`), tested when `enableAutomaticAdd` is on.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

/// Whether plex.tv takes a token: the test's fake plex.tv answers it.
pub type TokenCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

const MASK: &str = "********";
/// The settings' fields and their defaults, in `PlexServerSettings`' order.
type DefaultValue = fn() -> Value;
const FIELDS: &[(&str, DefaultValue)] = &[
    ("host", || json!("")),
    ("port", || json!(32400)),
    ("useSsl", || json!(false)),
    ("urlBase", || json!("")),
    ("authToken", || json!("")),
    ("signIn", || json!("startOAuth")),
    ("updateLibrary", || json!(true)),
];

/// The fields of a Plex Watchlist import list and their defaults.
const LIST_FIELDS: &[(&str, DefaultValue)] = &[
    ("accessToken", || json!("")),
    ("signIn", || json!("startOAuth")),
];

/// Which of the app's resources a request is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Res {
    Notification,
    ImportList,
}

impl Res {
    fn fields(self) -> &'static [(&'static str, DefaultValue)] {
        match self {
            Res::Notification => FIELDS,
            Res::ImportList => LIST_FIELDS,
        }
    }

    fn token_field(self) -> &'static str {
        match self {
            Res::Notification => "authToken",
            Res::ImportList => "accessToken",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Res::Notification => "/api/v3/notification",
            Res::ImportList => "/api/v3/importlist",
        }
    }
}

struct Inner {
    api_key: String,
    app: &'static str,
    /// Each connection as stored: the resource with its real token in `authToken`.
    notifications: Vec<Value>,
    /// Each Plex Watchlist import list as stored.
    import_lists: Vec<Value>,
    check: TokenCheck,
    /// `METHOD path` of every request that carried the right key.
    requests: Vec<String>,
}

type Shared = crate::serve::Shared<Inner>;

/// A running fake Sonarr or Radarr. Every method is blocking; it stops when dropped.
pub struct FakeArr {
    shared: Shared,
    url: String,
    _running: crate::serve::Running,
}

impl FakeArr {
    /// Start as `app` ("Sonarr" or "Radarr") with this API key; `check` says whether plex.tv
    /// takes a token.
    ///
    /// # Panics
    /// When no runtime or loopback listener can be set up.
    pub fn start(app: &'static str, api_key: &str, check: TokenCheck) -> FakeArr {
        let shared = Shared::new(Inner {
            api_key: api_key.to_owned(),
            app,
            notifications: Vec::new(),
            import_lists: Vec::new(),
            check,
            requests: Vec::new(),
        });
        let router = Router::new()
            .route("/api/v3/system/status", get(status))
            .route(
                "/api/v3/notification",
                get(|s, h| list(s, h, Res::Notification)),
            )
            .route(
                "/api/v3/notification/{id}",
                put(|s, p, q, h, b| update(s, p, q, h, b, Res::Notification)),
            )
            .route(
                "/api/v3/notification/test",
                post(|s, h, b| test(s, h, b, Res::Notification)),
            )
            .route(
                "/api/v3/importlist",
                get(|s, h| list(s, h, Res::ImportList)),
            )
            .route(
                "/api/v3/importlist/{id}",
                put(|s, p, q, h, b| update(s, p, q, h, b, Res::ImportList)),
            )
            .route(
                "/api/v3/importlist/test",
                post(|s, h, b| test(s, h, b, Res::ImportList)),
            )
            .with_state(shared.clone());
        let (running, port) = crate::serve::on_loopback("fake-arr", router);
        let url = format!("http://127.0.0.1:{port}");
        FakeArr {
            shared,
            url,
            _running: running,
        }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Add a "Plex Media Server" connection holding `token`, enabled for downloads. Returns
    /// its id.
    pub fn add_plex(&self, name: &str, host: &str, token: &str) -> u64 {
        let mut inner = self.shared.lock();
        let id = inner.notifications.len() as u64 + 1;
        let fields: Vec<Value> = FIELDS
            .iter()
            .map(|(field, default)| {
                let value = match *field {
                    "host" => json!(host),
                    "authToken" => json!(token),
                    _ => default(),
                };
                json!({ "name": field, "value": value })
            })
            .collect();
        inner.notifications.push(json!({
            "id": id,
            "name": name,
            "implementation": "PlexServer",
            "implementationName": "Plex Media Server",
            "configContract": "PlexServerSettings",
            "onDownload": true,
            "onUpgrade": true,
            "tags": [],
            "fields": fields,
        }));
        id
    }

    /// Add a "Plex Watchlist" import list holding `token`, adding automatically. Returns
    /// its id.
    pub fn add_watchlist(&self, name: &str, token: &str) -> u64 {
        let mut inner = self.shared.lock();
        let id = inner.import_lists.len() as u64 + 1;
        inner.import_lists.push(json!({
            "id": id,
            "name": name,
            "implementation": "PlexImport",
            "implementationName": "Plex Watchlist",
            "configContract": "PlexListSettings",
            "enableAutomaticAdd": true,
            "listType": "plex",
            "tags": [],
            "fields": [
                { "name": "accessToken", "value": token },
                { "name": "signIn", "value": "startOAuth" },
            ],
        }));
        id
    }

    /// The token import list `id` holds.
    pub fn watchlist_token(&self, id: u64) -> String {
        let inner = self.shared.lock();
        let n = inner.import_lists.iter().find(|n| n["id"] == id).cloned();
        n.map(|n| field_of(&n, "accessToken"))
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The token connection `id` holds (as stored, unmasked).
    pub fn token(&self, id: u64) -> String {
        self.field(id, "authToken")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// A field of connection `id` as stored.
    pub fn field(&self, id: u64, name: &str) -> Value {
        let inner = self.shared.lock();
        let n = inner.notifications.iter().find(|n| n["id"] == id).cloned();
        n.map(|n| field_of(&n, name)).unwrap_or(Value::Null)
    }

    /// The requests that carried the right API key, `METHOD path`.
    pub fn requests(&self) -> Vec<String> {
        self.shared.lock().requests.clone()
    }
}

fn field_of(n: &Value, name: &str) -> Value {
    n["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == name))
        .map(|f| f["value"].clone())
        .unwrap_or(Value::Null)
}

/// The key checked and the request recorded; `Some` is the 401 to answer instead.
fn refused(shared: &Shared, headers: &HeaderMap, what: String) -> Option<Response> {
    let mut inner = shared.lock();
    let sent = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    if sent != Some(inner.api_key.as_str()) {
        return Some(StatusCode::UNAUTHORIZED.into_response());
    }
    inner.requests.push(what);
    None
}

async fn status(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(r) = refused(&shared, &headers, "GET /api/v3/system/status".into()) {
        return r;
    }
    let app = shared.lock().app;
    axum::Json(json!({ "appName": app, "instanceName": app, "version": "4.0.19.2979" }))
        .into_response()
}

impl Inner {
    fn entries(&mut self, res: Res) -> &mut Vec<Value> {
        match res {
            Res::Notification => &mut self.notifications,
            Res::ImportList => &mut self.import_lists,
        }
    }
}

async fn list(State(shared): State<Shared>, headers: HeaderMap, res: Res) -> Response {
    if let Some(r) = refused(&shared, &headers, format!("GET {}", res.path())) {
        return r;
    }
    let mut inner = shared.lock();
    let shown: Vec<Value> = inner.entries(res).iter().map(|n| mask(n, res)).collect();
    axum::Json(Value::Array(shown)).into_response()
}

/// The entry as the API shows it: a connection's token masked (`PrivacyLevel.ApiKey`); an
/// import list's `accessToken` has no privacy level and is shown.
fn mask(n: &Value, res: Res) -> Value {
    let mut n = n.clone();
    if res == Res::ImportList {
        return n;
    }
    if let Some(fields) = n["fields"].as_array_mut() {
        for f in fields {
            if f["name"] == "authToken" && f["value"].as_str().is_some_and(|v| !v.is_empty()) {
                f["value"] = json!(MASK);
            }
        }
    }
    n
}

/// The stored entry `existing` as `sent` makes it: each setting from the fields sent (a
/// missing one back to its default; `********` keeps the stored token), the rest from the
/// resource.
fn rebuilt(existing: &Value, sent: &Value, res: Res) -> Value {
    let fields: Vec<Value> = res
        .fields()
        .iter()
        .map(|(name, default)| {
            let value = match field_of(sent, name) {
                Value::Null => default(),
                v if *name == res.token_field() && v == MASK => field_of(existing, name),
                v => v,
            };
            json!({ "name": name, "value": value })
        })
        .collect();
    let mut n = sent.clone();
    n["id"] = existing["id"].clone();
    n["fields"] = Value::Array(fields);
    n
}

/// PlexServerService.Test (PlexImport's fetch of the watchlist): plex.tv must take the
/// token; `Some` is Sonarr's 400.
fn failed_test(inner: &Inner, n: &Value, res: Res) -> Option<Response> {
    let token = field_of(n, res.token_field());
    let token = token.as_str().unwrap_or_default();
    if token.is_empty() || !(inner.check)(token) {
        let failures = json!([{
            "propertyName": match res {
                Res::Notification => "AuthToken",
                Res::ImportList => "AccessToken",
            },
            "errorMessage": "Authentication Token is invalid",
            "severity": "error"
        }]);
        return Some((StatusCode::BAD_REQUEST, axum::Json(failures)).into_response());
    }
    None
}

/// A connection is enabled by any `on…` event; an import list by `enableAutomaticAdd`.
fn enabled(n: &Value, res: Res) -> bool {
    match res {
        Res::ImportList => n["enableAutomaticAdd"] == true,
        Res::Notification => n
            .as_object()
            .is_some_and(|o| o.iter().any(|(k, v)| k.starts_with("on") && v == true)),
    }
}

async fn update(
    State(shared): State<Shared>,
    Path(id): Path<u64>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
    res: Res,
) -> Response {
    if let Some(r) = refused(&shared, &headers, format!("PUT {}/{id}", res.path())) {
        return r;
    }
    let Ok(sent) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut inner = shared.lock();
    let Some(at) = inner.entries(res).iter().position(|n| n["id"] == id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let stored = inner.entries(res)[at].clone();
    let new = rebuilt(&stored, &sent, res);
    let changed = new != stored;
    let force = query.get("forceSave").is_some_and(|v| v == "true");
    if enabled(&new, res)
        && changed
        && !force
        && let Some(r) = failed_test(&inner, &new, res)
    {
        return r;
    }
    inner.entries(res)[at] = new.clone();
    (StatusCode::ACCEPTED, axum::Json(mask(&new, res))).into_response()
}

async fn test(State(shared): State<Shared>, headers: HeaderMap, body: Bytes, res: Res) -> Response {
    if let Some(r) = refused(&shared, &headers, format!("POST {}/test", res.path())) {
        return r;
    }
    let Ok(sent) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut inner = shared.lock();
    let existing = inner
        .entries(res)
        .iter()
        .find(|n| n["id"] == sent["id"])
        .cloned()
        .unwrap_or(Value::Null);
    match failed_test(&inner, &rebuilt(&existing, &sent, res), res) {
        None => axum::Json(json!({})).into_response(),
        Some(r) => r,
    }
}
