//! The fake plex.tv: the `/api/v2` endpoints plex-auth uses (docs/formats.md#plextv-endpoints), the browser page and the
//! `/__test__` switches.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::Shared;
use crate::http::{
    self, Params, empty_response, json_response, pin_not_found, plex_error, text_response,
    unauthorized,
};
use crate::pms::PMS_VERSION;
use crate::spec::Fault;
use crate::state::{ALICE_ID, Device, Pin, Server, State as Store, User};

pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // A client that cannot even send its body gets no answer it could misread as plex.tv's.
    let Ok(body) = axum::body::to_bytes(body, http::MAX_BODY).await else {
        return text_response(StatusCode::BAD_REQUEST, "text/plain", "bad body\n".into());
    };
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    if let Some(action) = path.strip_prefix("/__test__/") {
        return test_switch(&shared, &parts.method, action, query);
    }
    let (delay, fault) = {
        let mut state = shared.lock();
        state.record(http::record(
            parts.method.as_str(),
            path,
            query,
            &parts.headers,
        ));
        // Only API calls get faults: the browser page is not plex.tv's API.
        if path.starts_with("/api/") {
            (state.api_delay, state.next_fault(path))
        } else {
            (None, None)
        }
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    match fault {
        None => {}
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Hang) => return std::future::pending().await,
        Some(other) => return fault_response(&other),
    }
    let params = Params::new(&parts.headers, query, &body);
    route(&shared, &parts.method, path, &params)
}

fn fault_response(fault: &Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after } => {
            let mut response = plex_error(
                StatusCode::TOO_MANY_REQUESTS,
                1003,
                "API rate limit exceeded",
            );
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            response
        }
        Fault::Unavailable => {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response
        }
        Fault::Malformed => http::malformed_response(),
        Fault::Status(code) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            match status.as_u16() {
                401 => unauthorized(),
                // python-plexapi and plex-auth treat this body as a rejected token.
                422 => plex_error(status, 422, "Invalid token"),
                204 | 304 => empty_response(status),
                other => plex_error(
                    status,
                    u32::from(other),
                    status.canonical_reason().unwrap_or("Error"),
                ),
            }
        }
        Fault::HugeBody { status, len } => http::huge_response(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            *len,
        ),
        Fault::Slow(_) | Fault::Hang => unreachable!("handled before answering"),
    }
}

fn route(shared: &Shared, method: &Method, path: &str, params: &Params) -> Response {
    let now = Instant::now();
    let mut state = shared.lock();
    if let Some(rest) = path.strip_prefix("/api/v2/pins") {
        let rest = rest.strip_suffix(".json").unwrap_or(rest);
        return match (method, rest) {
            (&Method::POST, "") => create_pin(&mut state, params, now, &shared.url),
            (&Method::PUT, "/link") => link_pin(&mut state, params, now),
            (&Method::GET, id) if id.starts_with('/') => {
                poll_pin(&mut state, &id[1..], params, now, &shared.url)
            }
            _ => not_found(),
        };
    }
    match (method, path) {
        (&Method::GET, "/api/v2/user") => {
            let token = params.token().unwrap_or_default();
            match state.user_for(Some(&token)) {
                Some(user) => json_response(StatusCode::OK, &user_json(user, &token)),
                None => unauthorized(),
            }
        }
        (&Method::GET, "/api/v2/ping") => match state.user_for(params.token().as_deref()) {
            Some(_) => json_response(StatusCode::OK, &json!({"pong": true})),
            None => unauthorized(),
        },
        (&Method::GET, "/api/v2/resources") => resources(&state, params),
        (&Method::DELETE, "/api/v2/users/signout") => {
            let token = params.token().unwrap_or_default();
            if state.is_valid(&token) {
                state.revoke(&token);
                empty_response(StatusCode::NO_CONTENT)
            } else {
                unauthorized()
            }
        }
        (&Method::GET, "/auth" | "/auth/") => text_response(
            StatusCode::OK,
            "text/plain; charset=utf-8",
            "fake-plex: this page stands in for app.plex.tv/auth.\n\
             Approve the PIN with POST /__test__/approve?code=CODE\n"
                .into(),
        ),
        _ => not_found(),
    }
}

fn not_found() -> Response {
    plex_error(StatusCode::NOT_FOUND, 404, "Not Found")
}

fn create_pin(state: &mut Store, params: &Params, now: Instant, base: &str) -> Response {
    let Some(client_id) = params.plex("X-Plex-Client-Identifier") else {
        return plex_error(
            StatusCode::BAD_REQUEST,
            1000,
            "X-Plex-Client-Identifier is missing",
        );
    };
    let strong = params.param("strong").is_some_and(|v| http::truthy(&v));
    let product = params.plex("X-Plex-Product").unwrap_or_default();
    let offset = Duration::from_secs(state.clock_offset.unsigned_abs());
    let wall = if state.clock_offset >= 0 {
        SystemTime::now() + offset
    } else {
        SystemTime::now() - offset
    };
    let omit_expires_in = state.omit_expires_in;
    let pin = state.create_pin(strong, &client_id, &product, now, wall);
    json_response(
        StatusCode::CREATED,
        &pin_body(pin, now, base, omit_expires_in),
    )
}

/// A PIN's JSON, without `expiresIn` when the fake is told to leave it out (a client then
/// has only `createdAt` and `expiresAt`, on plex.tv's clock).
fn pin_body(pin: &Pin, now: Instant, base: &str, omit_expires_in: bool) -> serde_json::Value {
    let mut body = pin_json(pin, now, base);
    if omit_expires_in && let Some(o) = body.as_object_mut() {
        o.remove("expiresIn");
    }
    body
}

fn poll_pin(state: &mut Store, id: &str, params: &Params, now: Instant, base: &str) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return pin_not_found();
    };
    let client_id = params.plex("X-Plex-Client-Identifier");
    let code = params.param("code");
    let omit_expires_in = state.omit_expires_in;
    match state.poll_pin(id, client_id.as_deref(), code.as_deref(), now) {
        Some(pin) => json_response(StatusCode::OK, &pin_body(pin, now, base, omit_expires_in)),
        None => pin_not_found(),
    }
}

fn link_pin(state: &mut Store, params: &Params, now: Instant) -> Response {
    let Some(user_id) = state.user_for(params.token().as_deref()).map(|u| u.id) else {
        return unauthorized();
    };
    let code = params.param("code").unwrap_or_default();
    match state.approve_code(&code, user_id, now) {
        Some(_) => empty_response(StatusCode::NO_CONTENT),
        None => pin_not_found(),
    }
}

fn resources(state: &Store, params: &Params) -> Response {
    let token = params.token();
    let Some(user) = state.user_for(token.as_deref()) else {
        return unauthorized();
    };
    let flag = |name: &str| params.param(name).is_some_and(|v| http::truthy(&v));
    let filter = Filter {
        https: flag("includeHttps"),
        relay: flag("includeRelay"),
        ipv6: flag("includeIPv6"),
    };
    let token = token.unwrap_or_default();
    // The servers and devices belong to alice's account; other users have none.
    let body: Vec<Value> = if user.id == ALICE_ID {
        state
            .servers
            .iter()
            .map(|s| server_json(s, &token, filter))
            .chain(state.devices.iter().map(|d| device_json(d, &token)))
            .collect()
    } else {
        Vec::new()
    };
    json_response(StatusCode::OK, &Value::Array(body))
}

#[derive(Clone, Copy)]
struct Filter {
    https: bool,
    relay: bool,
    ipv6: bool,
}

fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

fn pin_json(pin: &Pin, now: Instant, base: &str) -> Value {
    json!({
        "id": pin.id,
        "code": pin.code,
        "product": pin.product,
        "trusted": false,
        "qr": format!("{base}/api/v2/pins/qr/{}", pin.code),
        "clientIdentifier": pin.client_id,
        "location": {
            "code": "GB",
            "european_union_member": false,
            "continent_code": "EU",
            "country": "United Kingdom",
            "city": "London",
            "time_zone": "Europe/London",
            "postal_code": "N19",
            "in_privacy_restricted_country": true,
            "in_privacy_restricted_region": false,
            "subdivisions": "England",
            "coordinates": "51.5000, -0.1000"
        },
        "expiresIn": pin.expires_in(now),
        "createdAt": rfc3339(pin.created_wall),
        "expiresAt": rfc3339(pin.expires_wall()),
        "authToken": pin.auth_token,
        "newRegistration": pin.auth_token.as_ref().map(|_| false),
    })
}

fn user_json(user: &User, token: &str) -> Value {
    let mut friendly = user.username.clone();
    if let Some(first) = friendly.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let mut body = json!({
        "id": user.id,
        "uuid": user.uuid,
        "username": user.username,
        "title": user.username,
        "email": user.email,
        "friendlyName": friendly,
        "locale": null,
        "confirmed": true,
        "joinedAt": 1_339_124_759,
        "emailOnlyAuth": false,
        "hasPassword": true,
        "protected": false,
        "thumb": format!("https://plex.tv/users/{}/avatar?c=1630875354", user.uuid),
        "authToken": token,
        "mailingListStatus": "unsubscribed",
        "mailingListActive": false,
        "scrobbleTypes": "",
        "country": "GB",
    });
    let rest = json!({
        "subscription": {
            "active": true,
            "subscribedAt": "2021-10-01T01:02:03Z",
            "status": "Active",
            "paymentService": "braintree",
            "plan": "lifetime",
            "features": ["webhooks", "camera_upload", "home"]
        },
        "subscriptionDescription": "Lifetime Plex Pass",
        "restricted": false,
        "anonymous": null,
        "home": true,
        "guest": false,
        "homeSize": 1,
        "homeAdmin": true,
        "maxHomeSize": 15,
        "rememberExpiresAt": 1_641_937_035,
        "profile": {
            "autoSelectAudio": true,
            "defaultAudioLanguage": "en",
            "defaultSubtitleLanguage": "en",
            "autoSelectSubtitle": 0,
            "defaultSubtitleAccessibility": 0,
            "defaultSubtitleForced": 0
        },
        "entitlements": ["all"],
        "roles": ["plexpass"],
        "subscriptions": [{
            "id": null, "mode": "lifetime", "renewsAt": null, "endsAt": null,
            "type": "plexpass", "transfer": null, "state": "active"
        }],
        "pastSubscriptions": [],
        "trials": [],
        "services": [{
            "identifier": "metadata",
            "endpoint": "https://metadata.provider.plex.tv",
            "token": "xxxx",
            "status": "online"
        }],
        "adsConsent": null,
        "adsConsentSetAt": null,
        "adsConsentReminderAt": null,
        "experimentalFeatures": false,
        "twoFactorEnabled": false,
        "backupCodesCreated": false,
    });
    if let (Some(body), Value::Object(rest)) = (body.as_object_mut(), rest) {
        body.extend(rest);
    }
    body
}

const SHARED_OWNER_ID: u64 = 7_654_321;

fn server_json(server: &Server, caller_token: &str, filter: Filter) -> Value {
    let connections: Vec<Value> = server
        .conns
        .iter()
        .filter(|c| {
            (filter.https || c.protocol() != "https")
                && (filter.relay || !c.spec.relay)
                && (filter.ipv6 || !c.spec.ipv6)
        })
        .map(|c| {
            json!({
                "protocol": c.protocol(),
                "address": "127.0.0.1",
                "port": c.port,
                "uri": c.uri(),
                "local": c.spec.local,
                "relay": c.spec.relay,
                "IPv6": c.spec.ipv6,
            })
        })
        .collect();
    json!({
        "name": server.name,
        "product": "Plex Media Server",
        "productVersion": PMS_VERSION,
        "platform": "Linux",
        "platformVersion": "6.1.0",
        "device": "PC",
        "clientIdentifier": server.machine_id,
        "createdAt": server.created_at,
        "lastSeenAt": rfc3339(SystemTime::now()),
        "provides": "server",
        "ownerId": if server.owned { Value::Null } else { json!(SHARED_OWNER_ID) },
        "sourceTitle": if server.owned { Value::Null } else { json!("bob") },
        "publicAddress": "127.0.0.1",
        "accessToken": server.access_token.as_deref().unwrap_or(caller_token),
        "owned": server.owned,
        "home": false,
        "synced": false,
        "relay": server.conns.iter().any(|c| c.spec.relay),
        "presence": server.presence,
        "httpsRequired": server.https_required,
        "publicAddressMatches": true,
        "dnsRebindingProtection": false,
        "natLoopbackSupported": false,
        "connections": connections,
    })
}

fn device_json(device: &Device, caller_token: &str) -> Value {
    let created = rfc3339(SystemTime::now() - Duration::from_secs(86_400));
    json!({
        "name": device.name,
        "product": "Plex Web",
        "productVersion": "4.145.1",
        "platform": "Firefox",
        "platformVersion": "140.0",
        "device": "Linux",
        "clientIdentifier": device.client_id,
        "createdAt": created,
        "lastSeenAt": rfc3339(SystemTime::now()),
        "provides": device.provides,
        "ownerId": null,
        "sourceTitle": null,
        "publicAddress": "127.0.0.1",
        "accessToken": caller_token,
        "owned": true,
        "home": false,
        "synced": false,
        "relay": false,
        "presence": true,
        "httpsRequired": false,
        "publicAddressMatches": true,
        "dnsRebindingProtection": false,
        "natLoopbackSupported": false,
        "connections": [],
    })
}

/// `/__test__/approve`, `/__test__/revoke` and `/__test__/fault`, for shell scripts and demos.
fn test_switch(shared: &Shared, method: &Method, action: &str, query: &str) -> Response {
    let reply = |status: StatusCode, text: &str| {
        text_response(status, "text/plain; charset=utf-8", format!("{text}\n"))
    };
    let done = || {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        response
    };
    if method != Method::POST {
        return reply(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }
    let pairs = http::parse_pairs(query);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let mut state = shared.lock();
    match action {
        "approve" => {
            match state.approve_code(get("code").unwrap_or(""), ALICE_ID, Instant::now()) {
                Some(_) => done(),
                None => reply(StatusCode::NOT_FOUND, "no live PIN with that code"),
            }
        }
        "revoke" => {
            if state.revoke(get("token").unwrap_or("")) {
                done()
            } else {
                reply(StatusCode::NOT_FOUND, "no valid token like that")
            }
        }
        "fault" => match parse_fault(get("kind"), get("retry_after"), get("ms")) {
            Ok(fault) => {
                let count = get("count").and_then(|c| c.parse().ok()).unwrap_or(1);
                state.push_fault_for(get("path"), fault, count);
                done()
            }
            Err(message) => reply(StatusCode::BAD_REQUEST, &message),
        },
        _ => reply(StatusCode::NOT_FOUND, "unknown test switch"),
    }
}

fn parse_fault(
    kind: Option<&str>,
    retry_after: Option<&str>,
    ms: Option<&str>,
) -> Result<Fault, String> {
    let number = |name: &str, value: Option<&str>| -> Result<Option<u64>, String> {
        value
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| format!("{name} must be a whole number"))
            })
            .transpose()
    };
    Ok(match kind.unwrap_or("") {
        "429" => Fault::RateLimited {
            retry_after: number("retry_after", retry_after)?,
        },
        "503" => Fault::Unavailable,
        "malformed" => Fault::Malformed,
        "hang" => Fault::Hang,
        "slow" => Fault::Slow(Duration::from_millis(number("ms", ms)?.unwrap_or(1000))),
        other => match other.parse::<u16>() {
            Ok(status) if (100..=999).contains(&status) => Fault::Status(status),
            _ => return Err("kind must be 429, 503, malformed, hang, slow or a status".into()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_kinds_parse() {
        assert_eq!(
            parse_fault(Some("429"), Some("2"), None),
            Ok(Fault::RateLimited {
                retry_after: Some(2)
            })
        );
        assert_eq!(
            parse_fault(Some("429"), None, None),
            Ok(Fault::RateLimited { retry_after: None })
        );
        assert_eq!(parse_fault(Some("503"), None, None), Ok(Fault::Unavailable));
        assert_eq!(
            parse_fault(Some("malformed"), None, None),
            Ok(Fault::Malformed)
        );
        assert_eq!(parse_fault(Some("hang"), None, None), Ok(Fault::Hang));
        assert_eq!(
            parse_fault(Some("slow"), None, Some("250")),
            Ok(Fault::Slow(Duration::from_millis(250)))
        );
        assert_eq!(parse_fault(Some("500"), None, None), Ok(Fault::Status(500)));
        assert!(parse_fault(Some("boom"), None, None).is_err());
        assert!(parse_fault(None, None, None).is_err());
        assert!(parse_fault(Some("slow"), None, Some("soon")).is_err());
    }

    #[test]
    fn fault_statuses_have_plex_bodies() {
        let response = fault_response(&Fault::RateLimited {
            retry_after: Some(7),
        });
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        let response = fault_response(&Fault::Unavailable);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers().get("x-request-id").is_none());
        assert!(response.headers().get(header::CONTENT_TYPE).is_none());
        assert_eq!(fault_response(&Fault::Status(1234)).status(), 500);
        assert_eq!(fault_response(&Fault::Status(502)).status(), 502);
    }

    #[test]
    fn friendly_names_are_capitalised() {
        let user = User {
            id: 1,
            uuid: "u".into(),
            username: "alice".into(),
            email: "a@example.com".into(),
        };
        let body = user_json(&user, "tok");
        assert_eq!(body["friendlyName"], "Alice");
        assert_eq!(body["authToken"], "tok");
        assert_eq!(body["subscription"]["active"], true);
        assert_eq!(body["twoFactorEnabled"], false);
    }
}
